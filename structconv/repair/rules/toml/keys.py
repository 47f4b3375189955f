"""Rules for keys, table headers and inline tables: ini-comment, colon-separator,
key-with-spaces, table-name-spaces, table-header-bracket, inline-table-trailing-comma,
inline-table-lines."""

from __future__ import annotations

import re
import tomllib

from structconv.errors import ParseError
from structconv.repair.rules.toml.ids import (
    COLON_SEPARATOR,
    INI_COMMENT,
    INLINE_TABLE_LINES,
    INLINE_TABLE_TRAILING_COMMA,
    KEY_WITH_SPACES,
    TABLE_HEADER_BRACKET,
    TABLE_NAME_SPACES,
)
from structconv.repair.rules.toml.proposals import (
    _SPACED_KEY,
    _SPACED_NAME,
    _comment_start,
    _line_span,
    _one,
    _outside_strings,
    _Reading,
)
from structconv.repair.search import (
    Change,
)

# ---------------------------------------------------------------- the rules


def _ini_comment(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message != "Invalid statement" or not text.startswith(";", offset):
        return None
    line_start, _ = _line_span(text, offset)
    if text[line_start:offset].strip(" \t"):
        return None
    return _one(
        Change(
            offset,
            offset + 1,
            "#",
            INI_COMMENT,
            "';' comment (INI style) turned into a TOML '#' comment",
        ),
        0.99,
    )


def _colon_separator(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if not error.message.startswith("Expected '=' after a key") or not text.startswith(":", offset):
        return None
    _, line_end = _line_span(text, offset)
    rest = text[offset + 1 : line_end]
    if not rest[: _comment_start(rest)].strip():
        return None  # `key:` opens a YAML block: its nesting is not guessed
    spaced = offset > 0 and text[offset - 1] in " \t"
    return _one(
        Change(
            offset,
            offset + 1,
            "=" if spaced else " =",
            COLON_SEPARATOR,
            "':' between key and value (YAML style) replaced by '='",
        ),
        0.95,
    )


def _key_with_spaces(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if not error.message.startswith("Expected '=' after a key"):
        return None
    line_start, line_end = _line_span(text, offset)
    match = _SPACED_KEY.match(text, line_start, line_end)
    if match is None or not match.start(2) < offset <= match.end(2):
        return None
    key = match.group(2)
    return _one(
        Change(
            match.start(2),
            match.end(2),
            f'"{key}"',
            KEY_WITH_SPACES,
            f"key {key!r} holds spaces, which a bare key cannot: quoted",
        ),
        0.9,
    )


def _header_parts(text: str, offset: int) -> tuple[int, str, int, int, str] | None:
    """For the header line at `offset`: (line start, opening brackets, body start,
    body end (before the closing brackets and any comment), closing brackets found)."""
    line_start, line_end = _line_span(text, offset)
    line = text[line_start:line_end]
    stripped = line.lstrip(" \t")
    if not stripped.startswith("["):
        return None
    opening = "[[" if stripped.startswith("[[") else "["
    body_start = line_start + len(line) - len(stripped) + len(opening)
    comment = line_start + _comment_start(line)
    body_end = body_start + len(text[body_start:comment].rstrip(" \t"))
    body = text[body_start:body_end]
    closing = "]]" if body.endswith("]]") else "]" if body.endswith("]") else ""
    return line_start, opening, body_start, body_end - len(closing), closing


def _parses(fragment: str) -> bool:
    try:
        tomllib.loads(fragment)
    except tomllib.TOMLDecodeError:
        return False
    return True


_HEADER_ERRORS = (
    "Expected ']' at the end of a table declaration",
    "Expected ']]' at the end of an array declaration",
)


def _table_name_spaces(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message not in _HEADER_ERRORS:
        return None
    parts = _header_parts(text, offset)
    if parts is None:
        return None
    _, opening, body_start, body_end, _ = parts
    body = text[body_start:body_end]
    names = body.split(".")
    if any('"' in name or "'" in name for name in names):
        return None
    spaced = [name.strip(" \t") for name in names]
    if not all(_SPACED_NAME.fullmatch(name) for name in spaced):
        return None
    if not any(" " in name for name in spaced):
        return None
    replacement = ".".join(f'"{name}"' if " " in name else name for name in spaced)
    if not _parses(f"{opening}{replacement}{opening.replace('[', ']')}"):
        return None
    return _one(
        Change(
            body_start,
            body_end,
            replacement,
            TABLE_NAME_SPACES,
            "table name holds spaces, which a bare key cannot: quoted",
        ),
        0.9,
    )


def _table_header_bracket(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message not in _HEADER_ERRORS:
        return None
    parts = _header_parts(text, offset)
    if parts is None:
        return None
    _, opening, body_start, body_end, closing = parts
    wanted = opening.replace("[", "]")
    if closing == wanted or not text[body_start:body_end].strip():
        return None
    missing = wanted[len(closing) :]
    if not _parses(f"{opening}{text[body_start:body_end]}{wanted}"):
        return None
    if "]" in text[body_end + len(closing) : _line_span(text, body_end)[1]]:
        return None  # `[key#group]`: its `]` is there, after what reads as a comment
    end = body_end + len(closing)
    closed = _Reading(
        f"the header is {opening}{text[body_start:body_end].strip()}{wanted}",
        (
            Change(
                end,
                end,
                missing,
                TABLE_HEADER_BRACKET,
                f"table header missing its closing {wanted!r}: closed",
            ),
        ),
        0.95,
        choice=f"header {body_start}",
        question="a table or an array of tables",
    )
    if opening != "[[" or closing != "]":
        return [closed]
    # `[[name]`: one `]` lost, or one `[` too many? A table and an array of tables differ.
    opener_at = body_start - len(opening)
    single = _Reading(
        f"the header is [{text[body_start:body_end].strip()}]",
        (
            Change(
                opener_at,
                opener_at + 1,
                "",
                TABLE_HEADER_BRACKET,
                "table header with one '[' too many: the extra '[' removed",
            ),
        ),
        0.9,
        choice=f"header {body_start}",
        question="a table or an array of tables",
    )
    return [closed, single]


def _open_brackets(line: str, brackets: str = "{}", depth: int = 0) -> int:
    """How many brackets are open at the end of `line` (`depth` were open before it),
    outside strings and comments; `brackets` holds opener-closer pairs ("{}", "[]{}")."""
    opening, closing = brackets[::2], brackets[1::2]
    for _, character in _outside_strings(line):
        if character == "#":
            break
        if character in opening:
            depth += 1
        elif character in closing:
            depth = max(depth - 1, 0)
    return depth


def _inline_table_trailing_comma(
    text: str, error: ParseError, offset: int
) -> list[_Reading] | None:
    if error.message != "Invalid initial character for a key part" or not text.startswith(
        "}", offset
    ):
        return None
    comma = len(text[:offset].rstrip(" \t")) - 1
    if comma < 0 or text[comma] != ",":
        return None
    return _one(
        Change(
            comma,
            comma + 1,
            "",
            INLINE_TABLE_TRAILING_COMMA,
            "trailing comma removed before '}'",
        ),
        0.99,
    )


_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")


def _inline_table_lines(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message != "Invalid initial character for a key part":
        return None
    line_start, line_end = _line_span(text, offset)
    if _open_brackets(text[line_start:offset]) == 0:
        return None
    if text.startswith("#", offset):
        return _one(
            Change(
                offset,
                line_end,
                "",
                INLINE_TABLE_LINES,
                "comment inside an inline table removed (TOML 1.0 inline tables are one line)",
            ),
            0.99,
        )
    start = len(text[:offset].rstrip(" \t"))
    match = _LINE_BREAK.match(text, start)
    if match is None:
        return None
    joined = "" if text.startswith("}", match.end()) or text[start - 1 : start] == "{" else " "
    return _one(
        Change(
            start,
            match.end(),
            joined,
            INLINE_TABLE_LINES,
            "line break inside an inline table removed (TOML 1.0 inline tables are one line)",
        ),
        0.95,
    )
