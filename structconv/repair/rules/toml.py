"""TOML repair rules: what people who think in YAML or INI write in pyproject.toml,
Cargo.toml, Hugo and Netlify configs.

The rules work in passes: read the text with the strict reader (tomllib), let the rule
for what it complains about change the text where it complains, read again (at most
200 passes). Every change goes through an EditSession, so each Fix points at the
user's file. A rule that sees two readings with different data forks the repair; the
readings that end in valid TOML become the Candidates of an Ambiguity.

Rules, and what each refuses to do:

- ini_comment: a `;` comment line becomes a `#` comment (0.99).
- colon_separator: `key: value` becomes `key = value` (0.95). Refused: `key:` with
  nothing after it (a YAML block; its nesting is not guessed).
- key_with_spaces: `first name = "Ada"` quotes the key (0.9); only plain words.
- table_name_spaces: `[My Section]` becomes `["My Section"]` (0.9).
- table_header_bracket: a header missing its closing `]` (or `]]`) gets it, when the
  rest of the line is empty or a comment (0.95); `[[name]` is a choice between an array
  of tables (`]` lost) and a table (`[` doubled).
- inline_table_trailing_comma: `{a = 1, }` loses the comma (0.99).
- inline_table_lines: an inline table spread over several lines (TOML 1.1) is joined
  into one line, comments inside it removed (0.95).
- bare_string: an unquoted value is quoted as a string: `name = Ada Lovelace`,
  `tags = [web, api]`, `version = 1.2.3`, `host = 127.0.0.1` (0.9). Refused: a value
  that begins like a number, date or time and is not a dotted version (`80a`, `30s`,
  `1,000`, `2024-1-5`, `10:30`): the author may have mistyped a number or date, and
  quoting it would silently change its type; a null spelling (`null`, `None`, `~`):
  TOML has no null; a value starting with `#` (in TOML that is a comment, so the value
  is missing); `NaN`, `Infinity`, `.inf`; a boolean misspelt (`truer`, `truthy`, a
  lone `t` or `f` as a key's value) or a date or time's part (`T`, `TZ`): their type
  is unknown. A value in typographic quotes (`“0.3.0”`) is the string inside them.
  The YAML 1.1 / Python boolean spellings
  (`True`, `yes`, `off`, ...) give an Ambiguity: the boolean or the string.
- array_missing_comma: two strings in an array with only blanks (or a comment) between
  them (`["meta" "nfa"]`, an item on its own line without its comma) get the comma
  (0.9): TOML joins no strings, so it is the one reading.
- quote_in_literal_string: `'it's'` becomes the basic string `"it's"` (0.9).
- quote_in_basic_string: `"He said "hi""` escapes the inner quotes (0.85).
- windows_path: a basic string with invalid escapes (`"C:\\Users\\x"`, `"\\d+"`) becomes the
  literal string `'C:\\Users\\x'` (0.9): every backslash was meant as itself. When the
  string also holds valid escapes (`"C:\\temp\\x"`, `"\\\\server\\share"`), reading them
  as escapes or as backslashes gives different text: an Ambiguity.
- duplicate_table: `[server]` declared twice: the second table's keys move into the
  first (0.9); a key both define with the same value is dropped from the second with
  a Fix. Refused: a key defined with different values (a real conflict), a key defined
  in both by sub-tables or dotted keys, an array of tables, or a table first made by
  dotted keys.

- unterminated_string: a one-line string missing its closing quote is closed at the end
  of its line (0.85); when its text holds ` #` (a comment, or text?) or ends in `,` `]`
  `}` inside an array or inline table (before them, or holding them?), or with the
  other quote at its end (`'text"`: closed with the wrong quote?), the readings are
  offered together (0.75). Refused: a string the file stops in mid-line (cut off: its text
  may go on).
- unclosed_array: an array missing its `]`, followed by a statement or a table header,
  is closed after its last item (0.85).

Left alone (the original ParseError stands): duplicate keys, YAML block structure,
values spread over lines, anything a rule above does not name.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from structconv.errors import ParseError
from structconv.options import Options
from structconv.repair.edits import EditSession, LineIndex
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.spelling import VERSION, typographic_inner, unescape_backslashes
from structconv.result import Ambiguity, Candidate

_KEYWORDS = frozenset(
    {"true", "false", "null", "True", "False", "None", "undefined", "NaN", "Infinity", "nil"}
)
_TOML_TOKEN = re.compile(
    r"""(?P<string>\"\"\".*?(?:\"\"\"|\Z)|'''.*?(?:'''|\Z)|"(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?)"""
    r"|(?P<comment>\#[^\n]*|(?m:^)[ \t]*;[^\n]*)"
    r"|(?P<word>[A-Za-z0-9_+\-.:]+)",
    re.S,
)
# A word that begins like a number, date or version is one value; any other is split at
# its dots (a dotted key `a.b` names two keys).
_NUMBER_LIKE = re.compile(r"[+-]?\.?\d")


def _toml_tokens(text: str) -> Iterator[tuple[str, int]]:
    for match in _TOML_TOKEN.finditer(text):
        if match.group("comment") is not None:
            continue
        token = match.group()
        if match.group("string") is not None:
            for quote in ('"""', "'''", '"', "'"):
                if token.startswith(quote):
                    body = token[len(quote) :]
                    body = body[: -len(quote)] if body.endswith(quote) else body
                    token = unescape_backslashes(body) if quote[0] == '"' else body
                    break
        if token in _KEYWORDS:
            continue
        if match.group("word") is not None:
            token = token.rstrip(":")  # `key: value` written YAML-style: the key, not "key:"
        if match.group("word") is not None and not _NUMBER_LIKE.match(token):
            position = match.start()
            for part in token.split("."):
                if part and part not in _KEYWORDS:
                    yield part, position
                position += len(part) + 1
        else:
            yield token, match.start()


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's value tokens and offsets, for provenance validation (the text does not parse)."""
    yield from _toml_tokens(text)


# ---------------------------------------------------------------- the pass loop

_MAX_PASSES = 200
_MAX_CANDIDATES = 8

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'"
_KEY_PART = f"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_KEY = f"{_KEY_PART}(?:[ \\t]*\\.[ \\t]*{_KEY_PART})*"
_KEY_ONLY = re.compile(f"[ \\t]*{_KEY}[ \\t]*")
_STATEMENT = re.compile(f"([ \\t]*)({_KEY})([ \\t]*=[ \\t]*)(.*)")
_SPACED_KEY = re.compile(r"([ \t]*)([A-Za-z0-9_-]+(?: +[A-Za-z0-9_-]+)+)[ \t]*[=:]")
_SPACED_NAME = re.compile(r"[A-Za-z0-9_-]+(?: +[A-Za-z0-9_-]+)*")
_COMMENT_IN_VALUE = re.compile(r"[ \t]#")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

# Values that begin like a number, date or time (or a sign): quoted only when they are a
# dotted version.
_NUMBER_START = re.compile(r"[+\-_.\d]|Infinity\b|NaN\b")
_KEY_THEN_EQUALS = re.compile(r"[ \t]*[A-Za-z0-9_.-]*[ \t]*=")
_KEYWORD_THEN_WORDS = re.compile(r"(?:true|false)[ \t]+\S.*")
_BOOLEAN_SPELLINGS = {
    **dict.fromkeys(("True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), "true"),
    **dict.fromkeys(("False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), "false"),
}
_NULL_SPELLINGS = frozenset({"null", "Null", "NULL", "None", "nil", "~", "undefined"})


@dataclass(frozen=True)
class _Change:
    """Replace text[start:end] (of the current text) by `replacement`."""

    start: int
    end: int
    replacement: str
    rule: str
    message: str


@dataclass(frozen=True)
class _Reading:
    """One way to repair what the reader complains about. Readings offered together share
    a `choice`: a branch that chose once chooses the same way everywhere (every `True`
    of a file is a boolean, or every one is a string), so the readings stay few."""

    description: str
    changes: tuple[_Change, ...]
    confidence: float
    choice: str = ""
    question: str = ""  # what the readings differ on, for the Ambiguity's message


@dataclass
class _Branch:
    session: EditSession
    confidence: float = 1.0
    descriptions: tuple[str, ...] = ()
    choices: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Fork:
    """Where the repair first saw several readings, for the Ambiguity."""

    line: int
    column: int
    message: str


_Rule = Callable[[str, ParseError, int], list[_Reading] | None]


def _read(text: str, version: str) -> tuple[Any, ParseError | None]:
    from structconv.formats import toml as toml_format

    try:
        return toml_format.loads(text, Options(toml_version=version)), None
    except ParseError as error:
        return None, error


def _one(change: _Change, confidence: float) -> list[_Reading]:
    return [_Reading(change.message, (change,), confidence)]


def _line_span(text: str, offset: int) -> tuple[int, int]:
    """Start and end (before the line break) of the line holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def _has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def _basic(value: str) -> str:
    """`value` as a TOML basic string (value has no control characters)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted(value: str) -> str:
    """The plainest TOML string that holds `value` exactly."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return _basic(value)


def _comment_start(line: str) -> int:
    """Where a `#` comment starts in a line, outside strings (len(line) when none)."""
    quote = ""
    index = 0
    while index < len(line):
        character = line[index]
        if quote:
            if quote == '"' and character == "\\":
                index += 1
            elif character == quote:
                quote = ""
        elif character in "\"'":
            quote = character
        elif character == "#":
            return index
        index += 1
    return len(line)


# ---------------------------------------------------------------- the rules


def _ini_comment(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message != "Invalid statement" or not text.startswith(";", offset):
        return None
    line_start, _ = _line_span(text, offset)
    if text[line_start:offset].strip(" \t"):
        return None
    return _one(
        _Change(
            offset,
            offset + 1,
            "#",
            "ini_comment",
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
        _Change(
            offset,
            offset + 1,
            "=" if spaced else " =",
            "colon_separator",
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
        _Change(
            match.start(2),
            match.end(2),
            f'"{key}"',
            "key_with_spaces",
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
        _Change(
            body_start,
            body_end,
            replacement,
            "table_name_spaces",
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
            _Change(
                end,
                end,
                missing,
                "table_header_bracket",
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
            _Change(
                opener_at,
                opener_at + 1,
                "",
                "table_header_bracket",
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
    quote = ""
    index = 0
    while index < len(line):
        character = line[index]
        if quote:
            if quote == '"' and character == "\\":
                index += 1
            elif character == quote:
                quote = ""
        elif character in "\"'":
            quote = character
        elif character == "#":
            break
        elif character in opening:
            depth += 1
        elif character in closing:
            depth = max(depth - 1, 0)
        index += 1
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
        _Change(
            comma,
            comma + 1,
            "",
            "inline_table_trailing_comma",
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
            _Change(
                offset,
                line_end,
                "",
                "inline_table_lines",
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
        _Change(
            start,
            match.end(),
            joined,
            "inline_table_lines",
            "line break inside an inline table removed (TOML 1.0 inline tables are one line)",
        ),
        0.95,
    )


def _bare_value(text: str, offset: int) -> tuple[int, str] | None:
    """The end and text of an unquoted value starting at `offset`, by its context: the
    rest of the line after `key =`, or up to `,` `]` `}` inside an array or inline table."""
    line_start, line_end = _line_span(text, offset)
    before = text[line_start:offset].rstrip(" \t")
    if before.endswith("="):
        equals = line_start + len(before) - 1
        in_line = _KEY_ONLY.fullmatch(text, line_start, equals) is not None
    elif before.endswith(("[", ",")) or not before:
        previous = text[:offset].rstrip(" \t\r\n")
        if not previous.endswith(("[", ",")):
            return None
        in_line = False
    else:
        return None
    if in_line:
        line = text[offset:line_end]
        comment = _COMMENT_IN_VALUE.search(line)
        value = line[: comment.start() if comment else len(line)].rstrip(" \t")
    else:
        value = re.split(r"[,\]}]|[ \t]#", text[offset:line_end], maxsplit=1)[0].rstrip(" \t")
        if re.search(r"[\[{\"'=]", value):
            return None
    if not value or _has_control(value.replace("\t", " ")):
        return None
    return offset + len(value), value


def _string_reading(start: int, end: int, value: str, confidence: float) -> list[_Reading]:
    return _one(
        _Change(
            start,
            end,
            _quoted(value),
            "bare_string",
            f"unquoted value {value!r} quoted as a string",
        ),
        confidence,
    )


def _bare_string(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message != "Invalid value":
        return None
    found = _bare_value(text, offset)
    if found is None:
        return None
    end, value = found
    if value in _BOOLEAN_SPELLINGS:
        boolean = _BOOLEAN_SPELLINGS[value]
        return [
            _Reading(
                "the YAML 1.1 / Python boolean spellings are booleans",
                (
                    _Change(
                        offset,
                        end,
                        boolean,
                        "boolean_spelling",
                        f"{value!r} (YAML 1.1 / Python spelling) written as the TOML boolean {boolean}",
                    ),
                ),
                0.8,
                "boolean",
                f"{value!r} is no TOML boolean: the boolean {boolean}, or the string {value!r}?",
            ),
            _Reading(
                "the YAML 1.1 / Python boolean spellings are strings",
                (
                    _Change(
                        offset,
                        end,
                        _quoted(value),
                        "bare_string",
                        f"unquoted value {value!r} quoted as a string",
                    ),
                ),
                0.8,
                "boolean",
            ),
        ]
    inner = typographic_inner(value)
    if inner is not None and inner.strip() == inner and not _has_control(inner):
        return _one(
            _Change(
                offset,
                end,
                _quoted(inner),
                "bare_string",
                f"typographic quotes around {inner!r} replaced by '\"'",
            ),
            0.9,
        )
    if _mistyped(value, whole=_whole_value(text, offset)):
        return None
    return _string_reading(offset, end, value, 0.9)


def _whole_value(text: str, offset: int) -> bool:
    """Whether the value at `offset` is all of a `key = value` line's value (not an item
    of an array or inline table)."""
    line_start, _ = _line_span(text, offset)
    return text[line_start:offset].rstrip(" \t").endswith("=")


def _within_one_edit(word: str, target: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of neighbours turns word into target."""
    if word == target or abs(len(word) - len(target)) > 1:
        return word == target
    if len(word) == len(target):
        differ = [index for index in range(len(word)) if word[index] != target[index]]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and word[differ[0]] == target[differ[1]]
            and word[differ[1]] == target[differ[0]]
        )
    shorter, longer = sorted((word, target), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _mistyped(value: str, whole: bool = False) -> bool:
    """Whether a bare value may be a mistyped number, date, time, boolean, inf or nan
    (or a broken string or statement) rather than a string: then it is not quoted.
    `whole`: the value is all of a `key = value` line's (a lone `t` or `f` there is a
    boolean's first letter, where an array's `[E, F]` holds names)."""
    if value in _NULL_SPELLINGS or value.startswith(("#", "- ", "[", "{", "=")):
        return True
    if value.endswith(('"', "'")) or value.startswith(('"', "'")) or "\ufeff" in value:
        return True  # a missing opening or closing quote: not guessed
    if _NUMBER_START.match(value) and not VERSION.fullmatch(value):
        return True
    if " = " in value or _KEY_THEN_EQUALS.match(value):
        return True
    if _DATE_TIME_PART.fullmatch(value):
        return True  # `T`, `TZ`, `T10:00`: a date or time's part, its type unknown
    folded = value.lower().replace("_", "")
    if len(folded) < 2 and not whole:
        return False  # a letter (`select = [E, F]`) is a name, not a cut-off keyword
    for keyword in ("true", "false"):
        if keyword.startswith(folded) or folded.startswith(keyword):
            return True
        if len(folded) >= 3 and _within_one_edit(folded, keyword):
            return True
        if len(folded) >= 5 and folded[:3] == keyword[:3]:
            return True  # `truthy`, `falsify`: a boolean misspelt and run on
    return any(keyword.startswith(folded) for keyword in ("inf", "nan"))


_DATE_TIME_PART = re.compile(r"[0-9:.+-]*[Tt][0-9:.+-]*[Zz]?|[0-9:.+-]*[Zz]")


def _escape_bare_quotes(body: str) -> str:
    """A basic string's body with its unescaped `"` escaped, other escapes kept."""
    out = []
    index = 0
    while index < len(body):
        character = body[index]
        if character == "\\" and index + 1 < len(body):
            out.append(body[index : index + 2])
            index += 2
            continue
        out.append('\\"' if character == '"' else character)
        index += 1
    return "".join(out)


def _quotes_pair_up(body: str, quote: str) -> bool:
    """Whether the quotes inside a string's body read as quotations or apostrophes
    (`He said "hi"`, `it's`, `rock 'n' roll`), not as two values run together
    (`"Tom" last = "Preston"`, `'a' 'b'`)."""
    if re.search(f"{quote}[ \\t]*,?[ \\t]*[A-Za-z0-9_.-]+[ \\t]*=", body):
        return False
    expecting_close = False
    for index, character in enumerate(body):
        if character != quote or (quote == '"' and body[index - 1 : index] == "\\"):
            continue
        before = body[index - 1 : index]
        after = body[index + 1 : index + 2]
        if before.isalnum() and after.isalnum():
            continue  # an apostrophe
        opening = (
            (not before or before.isspace() or before in "([{")
            and bool(after)
            and not after.isspace()
        )
        closing = (
            (not after or after.isspace() or after in ".,;:!?)]}")
            and bool(before)
            and not before.isspace()
        )
        if expecting_close and closing:
            expecting_close = False
        elif not expecting_close and opening:
            expecting_close = True
        else:
            return False
    return not expecting_close


def _after_value(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """What follows a value that looked complete: a quote inside the string, or an
    unquoted value that began like a number or boolean (`1.2.3`, `true story`)."""
    if error.message != "Expected newline or end of document after a statement":
        return None
    line_start, line_end = _line_span(text, offset)
    statement = _STATEMENT.fullmatch(text, line_start, line_end)
    if statement is None or offset < statement.start(4):
        return None
    start = statement.start(4)
    value = statement.group(4)
    if value.startswith("'") and not value.startswith("'''"):
        match = re.fullmatch(r"'(.*)'([ \t]*(?:#.*)?)", value)
        if match is None or "'" not in match.group(1) or _has_control(match.group(1)):
            return None
        if not _quotes_pair_up(match.group(1), "'"):
            return None
        body = match.group(1)
        return _one(
            _Change(
                start,
                start + len(body) + 2,
                _basic(body),
                "quote_in_literal_string",
                "single-quoted string holds a ' (a literal string cannot): written as a basic string with the same text",
            ),
            0.9,
        )
    if value.startswith('"') and not value.startswith('"""'):
        match = re.fullmatch(r'"(.*)"([ \t]*(?:#.*)?)', value)
        if match is None or _has_control(match.group(1)):
            return None
        body = match.group(1)
        escaped = _escape_bare_quotes(body)
        if escaped == body or body.endswith("\\") or not _quotes_pair_up(body, '"'):
            return None
        return _one(
            _Change(
                start,
                start + len(body) + 2,
                f'"{escaped}"',
                "quote_in_basic_string",
                "double-quoted string holds unescaped '\"': escaped",
            ),
            0.85,
        )
    comment = _COMMENT_IN_VALUE.search(value)
    bare = value[: comment.start() if comment else len(value)].rstrip(" \t")
    if _has_control(bare.replace("\t", " ")):
        return None
    if VERSION.fullmatch(bare):
        return _string_reading(start, start + len(bare), bare, 0.9)
    if _KEYWORD_THEN_WORDS.fullmatch(bare) and " = " not in bare:
        return _string_reading(start, start + len(bare), bare, 0.85)
    return None


def _unterminated_string(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """A one-line string whose closing quote is missing: closed at the end of its line.
    When its text holds ` #` (a comment, or part of the text?) or ends in `,` `]` `}`
    inside an array or inline table (before them, or holding them?), both readings are
    offered. A string the file ends in (a cut-off file) is left alone."""
    if error.message not in _OPEN_STRING_ERRORS:
        return None
    found = _open_string_before(text, offset)
    if found is None:
        return None
    quote_at, line_end = found
    quote = text[quote_at]
    body_end = line_end
    while body_end > quote_at + 1 and text[body_end - 1] in " \t":
        body_end -= 1
    if line_end == len(text):
        return None  # the file stops inside the string, mid-line: its text may be cut off
    body = text[quote_at + 1 : body_end]
    if not body.strip() or body.endswith("\\") or _has_control(body.replace("\t", " ")):
        return None
    if body.endswith("\\" + quote):
        return None  # `"\"`: a backslash meant as itself, or an escaped quote?
    line_start = text.rfind("\n", 0, quote_at) + 1
    if text[line_start:quote_at].lstrip(" \t").startswith("[") and "]" in body:
        return None  # `[']`: a header's bracket is no key's text
    line = text.count("\n", 0, quote_at) + 1
    ends = [body_end]
    comment = re.search(r"[ \t]#", body)
    if comment is not None and body[: comment.start()].strip():
        ends.insert(0, quote_at + 1 + comment.start())
    inside = _open_brackets(text[text.rfind("\n", 0, quote_at) + 1 : quote_at], "[]{}") > 0
    trailing = re.search(r"[ \t]*[,\]}][ \t,\]}]*$", body) if inside else None
    if trailing is not None and body[: trailing.start()].strip():
        ends.insert(0, quote_at + 1 + trailing.start())
    if inside:  # `["a, 0]`, `[["a], [0]]`: it may end before a comma or a closing bracket
        for mark in list(re.finditer(r"[ \t]*[,\]}]", body))[:4]:
            if body[: mark.start()].strip():
                ends.insert(0, quote_at + 1 + mark.start())
        ends = sorted(set(ends))
    readings = []
    other = "'" if quote == '"' else '"'
    closers = [end for end in ends]
    other_close = re.search(re.escape(other) + r"[ \t]*(?:[,\]}#]|$)", body)
    if other_close is not None:
        closers.insert(0, quote_at + 1 + other_close.start() + 1)
    for end in dict.fromkeys(closers):
        inner = text[quote_at + 1 : end].rstrip(" \t")
        if not (inner.endswith(other) and inner[:-1].strip() and other not in inner[:-1]):
            continue
        # `'text"`: the string was closed with the other quote
        wrong = quote_at + len(inner)
        readings.append(
            _Reading(
                f"the string on line {line} holds {inner[:-1]!r} (closed with {other})",
                (
                    _Change(
                        wrong,
                        wrong + 1,
                        quote,
                        "unterminated_string",
                        f"string on line {line} closed with {other} instead of {quote}: "
                        f"{quote} written",
                    ),
                ),
                0.75,
                choice=f"string end {quote_at}",
                question=f"where the string on line {line} ends",
            )
        )
        break
    for end in dict.fromkeys(ends):
        shown = text[quote_at + 1 : end]
        readings.append(
            _Reading(
                f"the string on line {line} holds {shown!r}",
                (
                    _Change(
                        end,
                        end,
                        quote,
                        "unterminated_string",
                        f"string on line {line} missing its closing {quote}: closed after {shown!r}",
                    ),
                ),
                0.85 if len(ends) == 1 and not readings else 0.75,
                choice=f"string end {quote_at}",
                question=f"where the string on line {line} ends",
            )
        )
    return readings


_OPEN_STRING_ERRORS = frozenset(
    {"Illegal character '\\n'", "Illegal character '\\r'", "Unterminated string", 'Expected "\'"'}
)


def _open_string_before(text: str, offset: int) -> tuple[int, int] | None:
    """The opening quote of the first one-line string left open on a line at or before
    `offset`, and the end of its line (multi-line strings and comments skipped)."""
    position = 0
    limit = min(len(text), text.find("\n", offset) if text.find("\n", offset) != -1 else len(text))
    while position <= limit and position < len(text):
        character = text[position]
        if text.startswith(('"""', "'''"), position):
            close = text.find(text[position : position + 3], position + 3)
            if close == -1:
                return None
            position = close + 3
        elif character == "#":
            newline = text.find("\n", position)
            position = len(text) if newline == -1 else newline
        elif character in "\"'":
            line_end = text.find("\n", position)
            line_end = len(text) if line_end == -1 else line_end
            if line_end > position and text[line_end - 1] == "\r":
                line_end -= 1
            index = position + 1
            while index < line_end:
                if character == '"' and text[index] == "\\":
                    index += 2
                    continue
                if text[index] == character:
                    break
                index += 1
            if index >= line_end:
                return position, line_end
            position = index + 1
        else:
            position += 1
    return None


_HEADER_LINE = re.compile(r"[ \t]*\[\[?[ \t]*[A-Za-z0-9_\-\"'. \t]+\]\]?[ \t]*(?:#.*)?")
_ARRAY_START = re.compile(f"[ \\t]*({_KEY})[ \\t]*=[ \\t]*\\[")


def _unclosed_array(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """An array whose `]` is missing, followed by a statement or a table header: closed
    after its last item (on that item's line, before a comment)."""
    if error.message not in ("Unclosed array", "Invalid value", "Invalid statement"):
        return None
    lines = [(start, start + len(text[start:end].rstrip("\r\n"))) for start, end in _lines(text)]
    error_line = min(error.line, len(lines)) - 1
    if error.line <= len(lines):
        start, end = lines[error_line]
        if not (_STATEMENT.fullmatch(text, start, end) or _HEADER_LINE.fullmatch(text, start, end)):
            return None  # the complaint is inside the array, not at what follows it
    for number in range(error_line - 1, -1, -1):
        start, end = lines[number]
        match = _ARRAY_START.match(text, start, end)
        if match is None:
            if _STATEMENT.fullmatch(text, start, end) or _HEADER_LINE.fullmatch(text, start, end):
                return None  # another statement in between: not this rule's case
            continue
        depth = 0
        for line_number in range(number, error_line):
            line_start, line_end = lines[line_number]
            chunk = text[line_start:line_end]
            if line_number == number:
                chunk = text[match.end() - 1 : line_end]
            depth = _open_brackets(chunk[: _comment_start(chunk)], "[]{}", depth)
        if depth != 1:
            return None
        last = _last_item_end(text, lines, number, error_line, match.end())
        if last is None:
            return None
        key = match.group(1).strip()
        return _one(
            _Change(
                last,
                last,
                "]",
                "unclosed_array",
                f"array {key!r} (line {number + 1}) missing its closing ']': closed after "
                "its last item",
            ),
            0.85,
        )
    return None


_STRING_END = re.compile(r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*(?:#[^\n]*)?\s*\Z""")


def _array_missing_comma(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """`["meta" "nfa"]`, or an item on its own line without its comma: two strings in an
    array with nothing between them but blanks (and a comment). TOML joins no strings,
    so the comma is the one reading."""
    if error.message != "Unclosed array" or not text.startswith(('"', "'"), offset):
        return None
    before = text[:offset]
    found = _STRING_END.search(before[-2000:])
    if found is None:
        return None
    end = offset - len(before[-2000:]) + found.start() + len(found.group().split("#")[0].rstrip())
    quote = text[end - 1]
    if quote not in "\"'" or _open_brackets(before.rsplit("=", 1)[-1], "[]{}") < 1:
        return None
    return _one(
        _Change(
            end,
            end,
            ",",
            "array_missing_comma",
            f"comma missing between two items of an array (line {text.count(chr(10), 0, end) + 1}): added",
        ),
        0.9,
    )


def _last_item_end(
    text: str, lines: list[tuple[int, int]], first: int, stop: int, after_bracket: int
) -> int | None:
    """The offset after the array's last item (comments and blank lines skipped)."""
    for number in range(stop - 1, first - 1, -1):
        start, end = lines[number]
        if number == first:
            start = after_bracket
        line = text[start:end]
        content = line[: _comment_start(line)].rstrip(" \t")
        if content.strip():
            return start + len(content)
    return None


_VALID_SIMPLE_ESCAPES = frozenset('btnfr"\\')
_ESCAPE_ERRORS = (
    "Unescaped '\\' in a string",
    "Invalid hex value",
    "Escaped character is not a Unicode scalar value",
)


def _escapes(body: str) -> tuple[list[tuple[int, int, str]], bool]:
    """The escapes of a basic string's body that TOML 1.0 refuses, as (start, end, what
    an escape-minded reading makes of them), and whether an escape occurs that either
    TOML 1.0 or 1.1 accepts (then reading every backslash as itself changes the text)."""
    refused: list[tuple[int, int, str]] = []
    escapes = False
    index = 0
    while index < len(body):
        if body[index] != "\\":
            index += 1
            continue
        following = body[index + 1 : index + 2]
        length = {"u": 4, "U": 8}.get(following)
        digits = body[index + 2 : index + 2 + (length or 0)]
        if following and following in _VALID_SIMPLE_ESCAPES:
            escapes = True
            index += 2
        elif length is not None and re.fullmatch(f"[0-9A-Fa-f]{{{length}}}", digits):
            code = int(digits, 16)
            if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                escapes = True
                index += 2 + length
            else:
                refused.append((index, index + 1, "\\\\"))
                index += 1
        elif following == "x" and re.fullmatch("[0-9A-Fa-f]{2}", body[index + 2 : index + 4]):
            escapes = True  # TOML 1.1
            refused.append((index, index + 4, "\\u00" + body[index + 2 : index + 4]))
            index += 4
        elif following == "e":
            escapes = True  # TOML 1.1
            refused.append((index, index + 2, "\\u001B"))
            index += 2
        else:
            refused.append((index, index + 1, "\\\\"))
            index += 1
    return refused, escapes


def _string_at(text: str, offset: int) -> tuple[int, int] | None:
    """The opening quote of the one-line basic string holding `offset`, and its closing
    quote: the first `"` after which the value plainly ends (backslashes not trusted)."""
    line_start, line_end = _line_span(text, offset)
    opening = -1
    quote = ""
    index = line_start
    while index < offset:
        character = text[index]
        if quote == '"':
            if character == "\\":
                index += 1
            elif character == '"':
                quote = ""
        elif quote == "'":
            if character == "'":
                quote = ""
        elif character in "\"'":
            quote = character
            opening = index
        elif character == "#":
            return None
        index += 1
    if quote != '"' or text.startswith('"""', opening):
        return None
    for closing in range(opening + 1, line_end):
        if text[closing] == '"' and re.match(r"[ \t]*(?:[#,\]}]|$)", text[closing + 1 : line_end]):
            return opening, closing
    return None


def _windows_path(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message not in _ESCAPE_ERRORS:
        return None
    found = _string_at(text, offset)
    if found is None:
        return None
    opening, closing = found
    body = text[opening + 1 : closing]
    refused, escapes = _escapes(body)
    if not refused or _has_control(body.replace("\t", " ")):
        return None
    literal = f"'{body}'" if "'" not in body else _basic(body)
    as_written = _Change(
        opening,
        closing + 1,
        literal,
        "windows_path",
        "basic string holds backslashes that are no escape (a Windows path or a pattern): "
        + ("written as a literal string" if literal[0] == "'" else "each backslash escaped"),
    )
    if not escapes:
        return _one(as_written, 0.9)
    pieces = []
    position = 0
    for start, end, replacement in refused:
        pieces += [body[position:start], replacement]
        position = end
    pieces.append(body[position:])
    kept = _Change(
        opening,
        closing + 1,
        '"' + "".join(pieces) + '"',
        "windows_path",
        "backslashes that start no escape escaped; the escapes kept (\\x and \\e as TOML 1.1 reads them)",
    )
    return [
        _Reading(
            "every backslash is a backslash",
            (as_written,),
            0.8,
            "backslash",
            "a string holds backslashes that start no escape, and escapes: are those escapes?",
        ),
        _Reading("the escapes (\\t, \\n, \\\\, \\x41 ...) are escapes", (kept,), 0.8, "backslash"),
    ]


def _header_path(line: str) -> tuple[str, ...] | None:
    """The key path of a `[table]` header line (None for anything else)."""
    if not line.lstrip(" \t").startswith("[") or line.lstrip(" \t").startswith("[["):
        return None
    try:
        data = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        ((key, data),) = data.items()
        path.append(key)
    return tuple(path) if path and data == {} else None


def _is_header(line: str) -> bool:
    stripped = line.lstrip(" \t")
    return stripped.startswith("[") and _parses(line) and bool(tomllib.loads(line))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end including the line break) of every line."""
    spans = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        spans.append((start, end))
        start = end
    return spans


_LENIENT_KEY = re.compile(f"[ \\t]*({_KEY_PART})[ \\t]*(?:\\.|=|:)")


def _top_keys(body: str) -> tuple[dict[str, Any] | None, set[str]]:
    """A table body's data when it parses alone, and its top-level key names."""
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        keys = set()
        for line in body.splitlines():
            match = _LENIENT_KEY.match(line)
            if match is not None:
                key = match.group(1)
                keys.add(key[1:-1] if key[0] in "\"'" else key)
        return None, keys
    return data, set(data)


def _duplicate_table(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if not (error.message.startswith("Cannot declare") and error.message.endswith("twice")):
        return None
    lines = _lines(text)
    if not 0 < error.line <= len(lines):
        return None
    second = error.line - 1
    path = _header_path(text[slice(*lines[second])].rstrip("\r\n"))
    if path is None:
        return None
    headers = [
        number
        for number, (start, end) in enumerate(lines)
        if _is_header(text[start:end].rstrip("\r\n"))
    ]
    firsts = [
        number
        for number in headers
        if number < second and _header_path(text[slice(*lines[number])].rstrip("\r\n")) == path
    ]
    if not firsts:
        return None  # first made by dotted keys or a sub-table header: not merged
    first = firsts[-1]

    def block_end(header: int) -> int:
        later = [number for number in headers if number > header]
        return later[0] if later else len(lines)

    first_end, second_end = block_end(first), block_end(second)
    body_one = text[lines[first][1] : lines[first_end][0] if first_end < len(lines) else len(text)]
    body_two_start = lines[second][1]
    body_two_end = lines[second_end][0] if second_end < len(lines) else len(text)
    data_one, keys_one = _top_keys(body_one)
    data_two, keys_two = _top_keys(text[body_two_start:body_two_end])
    if data_one is None:
        return None
    shared = keys_one & keys_two
    dropped: set[int] = set()
    for key in shared:
        if data_two is None or isinstance(data_one[key], dict) or data_one[key] != data_two[key]:
            return None  # the same key with different values: a real conflict
        defining = [
            number
            for number in range(second + 1, second_end)
            if _defines(text[slice(*lines[number])], key, data_one[key])
        ]
        if len(defining) != 1:
            return None
        dropped.add(defining[0])
    moved_lines = [
        text[slice(*lines[number])]
        for number in range(second + 1, second_end)
        if number not in dropped
    ]
    while moved_lines and not moved_lines[0].strip():
        moved_lines.pop(0)
    while moved_lines and not moved_lines[-1].strip():
        moved_lines.pop()
    moved = "".join(moved_lines)
    if moved and not moved.endswith("\n"):
        moved += "\n"
    content = [
        number
        for number in range(first + 1, first_end)
        if text[slice(*lines[number])].strip()
        and not text[slice(*lines[number])].lstrip().startswith("#")
    ]
    insert_at = lines[content[-1] if content else first][1]
    if not text[:insert_at].endswith("\n"):
        return None
    name = ".".join(path)
    first_line, second_line = first + 1, second + 1
    changes = [
        _Change(
            lines[second][0],
            body_two_end,
            "",
            "duplicate_table",
            f"table [{name}] declared again at line {second_line}: that header removed"
            + (f", its keys moved into the first [{name}] (line {first_line})" if moved else "")
            + (
                f"; {', '.join(sorted(shared))} dropped: the first [{name}] holds the same value"
                if shared
                else ""
            ),
        )
    ]
    if moved:
        changes.insert(
            0,
            _Change(
                insert_at,
                insert_at,
                moved,
                "duplicate_table",
                f"keys of the second [{name}] table (line {second_line}) moved here",
            ),
        )
    return [_Reading(f"the two [{name}] tables merged", tuple(changes), 0.9)]


def _defines(line: str, key: str, value: Any) -> bool:
    try:
        return tomllib.loads(line) == {key: value}
    except tomllib.TOMLDecodeError:
        return False


_RULES: tuple[_Rule, ...] = (
    _ini_comment,
    _colon_separator,
    _key_with_spaces,
    _table_name_spaces,
    _table_header_bracket,
    _inline_table_trailing_comma,
    _inline_table_lines,
    _unclosed_array,
    _array_missing_comma,
    _bare_string,
    _after_value,
    _unterminated_string,
    _windows_path,
    _duplicate_table,
)


def _readings(text: str, error: ParseError) -> list[_Reading] | None:
    if not error.line:
        return None
    offset = min(LineIndex(text).offset(error.line, error.column), len(text))
    for rule in _RULES:
        readings = rule(text, error, offset)
        if readings:
            return readings
    return None


def _apply(branch: _Branch, reading: _Reading, chosen: bool = False) -> None:
    """Apply a reading's changes, the latest offset first so earlier ones stay valid;
    `chosen`: one of several readings (its description names the candidate)."""
    for change in sorted(reading.changes, key=lambda change: -change.start):
        branch.session.replace(
            change.start, change.end, change.replacement, change.rule, change.message
        )
    branch.confidence = min(branch.confidence, reading.confidence)
    if chosen:
        branch.descriptions += (reading.description,)


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """Repair pass by pass where tomllib complains; None when a complaint has no rule."""
    pending = [_Branch(EditSession(text))]
    finished: list[tuple[_Branch, Any]] = []
    fork: _Fork | None = None
    passes = 0
    while pending:
        branch = pending.pop()
        while passes < _MAX_PASSES:
            passes += 1
            data, problem = _read(branch.session.text, options.toml_version)
            if problem is None:
                if branch.session.changed:
                    finished.append((branch, data))
                break
            if not problem.repairable:
                return None
            readings = _readings(branch.session.text, problem)
            if readings is None:
                break  # this reading cannot be repaired
            known = branch.choices.get(readings[0].choice) if len(readings) > 1 else None
            if known is not None:
                _apply(branch, readings[known])
                continue
            if len(readings) > 1:
                if fork is None:
                    fork = _Fork(
                        problem.line,
                        problem.column,
                        readings[0].question or f"{problem.message}: {len(readings)} readings",
                    )
                for number, other in enumerate(readings[1:], 1):
                    forked = copy.deepcopy(branch)
                    forked.choices[other.choice] = number
                    _apply(forked, other, chosen=True)
                    pending.append(forked)
                branch.choices[readings[0].choice] = 0
                if len(pending) + len(finished) > _MAX_CANDIDATES:
                    return None
            _apply(branch, readings[0], chosen=len(readings) > 1)
        else:
            return None
    return _outcome(finished, fork)


def _outcome(finished: list[tuple[_Branch, Any]], fork: _Fork | None) -> RuleOutcome:
    distinct: list[tuple[_Branch, Any]] = []
    for branch, data in finished:
        if not any(data == kept for _, kept in distinct):
            distinct.append((branch, data))
    if not distinct:
        return None
    if len(distinct) == 1:
        branch = distinct[0][0]
        return Patched(branch.session.text, branch.session.fixes(), branch.confidence)
    assert fork is not None
    return Ambiguity(
        format="toml",
        line=fork.line,
        column=fork.column,
        message=fork.message,
        candidates=tuple(
            Candidate(
                "; ".join(branch.descriptions), branch.session.text, None, branch.session.fixes()
            )
            for branch, _ in distinct
        ),
    )


# ---------------------------------------------------------------- model answers

_LENIENT_HEADER = re.compile(r"[ \t]*\[\[?([^\]#]*)\]?\]?[ \t]*(?:#.*)?")
_SPACED_PART = r"[A-Za-z0-9_-]+(?: +[A-Za-z0-9_-]+)+"
_WRITTEN_KEY = re.compile(f"[ \\t]*((?:{_SPACED_PART}|{_KEY}))[ \\t]*[=:][ \\t]*(.*)")
_PART = re.compile(f"{_SPACED_PART}|{_KEY_PART}")
_ARRAY_OR_TABLE = "[]{}"  # a multi-line array's lines are values, not headers


def _key_path(written: str) -> tuple[str, ...]:
    return tuple(
        part[1:-1] if part[0] in "\"'" else part.strip() for part in _PART.findall(written)
    )


def _written_paths(text: str) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """The key paths the input writes (table header + key), and those of them whose
    value is an inline array or table (their contents nest below them)."""
    paths: set[tuple[str, ...]] = set()
    containers: set[tuple[str, ...]] = set()
    table: tuple[str, ...] = ()
    depth = 0
    in_string = False
    for line in text.splitlines():
        opens_or_closes = bool(line.count('"""') % 2 or line.count("'''") % 2)
        if in_string:
            in_string = not opens_or_closes
            continue
        if depth > 0:
            depth = _open_brackets(line, _ARRAY_OR_TABLE, depth)
            continue
        in_string = opens_or_closes
        statement = _WRITTEN_KEY.match(line)
        header = _LENIENT_HEADER.fullmatch(line)
        if header is not None and statement is None:
            table = _key_path(header.group(1))
            paths.add(table)
        elif statement is not None:
            path = table + _key_path(statement.group(1))
            paths.add(path)
            value = statement.group(2).lstrip()
            if value.startswith(("[", "{")):
                containers.add(path)
                depth = _open_brackets(value, _ARRAY_OR_TABLE)
    return paths, containers


def _answer_paths(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The key path of every value and empty table of the answer (array items share
    their array's path)."""
    if isinstance(data, dict):
        if not data and path:
            yield path
        for key, value in data.items():
            yield from _answer_paths(value, (*path, str(key)))
    elif isinstance(data, list):
        if not data:
            yield path
        for item in data:
            yield from _answer_paths(item, path)
    else:
        yield path


def answer_lines_up(text: str, data: Any) -> str | None:
    """Why a value of the model's answer is not under the table and key the input
    writes it under, or None.

    Checked on the model's answers only. A TOML file spells out every value's path
    (its table header and its key), so a value the answer moves to another table holds
    only input values, in the wrong place, where provenance cannot see it."""
    paths, containers = _written_paths(text)
    for path in _answer_paths(data):
        if path in paths or any(path[:size] in containers for size in range(len(path))):
            continue
        return (
            f"the answer puts a value at {'.'.join(path)}, a key path the input does not "
            "write (table header and key)"
        )
    return None
