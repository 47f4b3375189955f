"""The broken input's values (for provenance) and the checks of the model's answer
against the YAML it answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml_rs

from structconv.neutral import iter_nodes
from structconv.repair.rules.yaml.scanner import (
    _BLOCK_HEADER,
    _DECORATION,
    _FLOW_WORD,
    _KEYWORDS,
    _key_colon,
    _Line,
    _parts,
    _quoted_end,
    _Scan,
)
from structconv.repair.spelling import unescape_backslashes
from structconv.repair.windows import yaml_top_key

# --- the input's values, for provenance validation --------------------------------------


def _unquote(piece: str) -> str:
    """A value's text without its quotes (an unclosed one loses its opening quote)."""
    quote = piece[0]
    inner = piece[1:-1] if len(piece) >= 2 and piece[-1] == quote else piece[1:]
    if quote == '"':
        return unescape_backslashes(inner)
    return inner.replace("''", "'")


def _pieces(text: str, line: _Line) -> Iterator[tuple[str, int]]:
    parts = _parts(text, line)
    if parts.key_end is not None:
        yield text[parts.node_start : parts.key_end], parts.node_start
        start = parts.value_start
    else:
        start = parts.node_start
    if line.comment is None:
        end = parts.value_end
    else:
        end = line.comment
        while end > start and text[end - 1] in " \t":
            end -= 1
    if end > start:
        yield text[start:end], start


def _flow_words(piece: str, start: int) -> Iterator[tuple[str, int]]:
    for word in _FLOW_WORD.finditer(piece):
        if word.group() not in _KEYWORDS:
            yield word.group(), start + word.start()


def _line_tokens(text: str, line: _Line) -> Iterator[tuple[str, int]]:
    for raw, offset in _pieces(text, line):
        piece = raw.lstrip()
        decoration = _DECORATION.match(piece)
        if decoration is not None:
            piece = piece[decoration.end() :]
        start = offset + len(raw) - len(piece)
        piece = piece.rstrip()
        if not piece or piece[0] == "*" or _BLOCK_HEADER.fullmatch(piece):
            continue
        if piece in _KEYWORDS:
            continue
        if piece[0] in "[{":
            yield from _flow_words(piece, start)
            continue
        if piece[0] in "\"'":
            if _quoted_end(piece, 0, len(piece)) is None:
                # Unclosed: a ' #' in it may be a comment (a repair may read it so).
                piece = re.split(r"[ \t]#", piece, maxsplit=1)[0]
            piece = _unquote(piece)
        elif piece[-1:] in "\"'" and piece.count(piece[-1]) % 2 == 1:
            piece = piece[:-1]  # the end of a quoted value that began on an earlier line
        yield piece, start


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's value tokens and offsets, for provenance validation (the text does not parse).

    Line by line, so that one broken quote does not swallow the rest of the file: keys,
    values (unquoted), the words of flow collections, block scalar lines. Comments,
    document markers, directives, block headers, anchors, tags and aliases are not values.
    """
    scan = _Scan(text)
    for line in scan.lines:
        if line.start + line.lead >= line.end:
            continue
        content = text[line.content_start : line.end]
        if line.kind == "block":
            yield content.strip(), line.content_start
            continue
        if content.startswith(("#", "---", "...", "%")) and line.kind != "quoted":
            continue
        alone = _Line(line.index, line.start, line.end, line.lead, "content")
        scan.rescan(alone)
        if line.kind == "flow":
            end = alone.end if alone.comment is None else alone.comment
            yield from _flow_words(text[alone.content_start : end], alone.content_start)
            continue
        yield from _line_tokens(text, alone)


def answer_lines_up(text: str, data: Any) -> str | None:
    """Why the model's answer does not line up with the input: its top-level keys, or a
    `key: value` line it lost (None when it lines up). Checked on the model's answers
    only."""
    return _top_keys_kept(text, data) or answer_keeps_pairs(text, data)


def _top_keys_kept(text: str, data: Any) -> str | None:
    """Why the model's mapping does not have the input's top-level keys (None when it
    does, or when the input is not one mapping).

    Indentation is where the model errs: a key written at column 0 nested under the
    block before it holds only input values, in the wrong place, and provenance cannot
    see that. A key at column 0 of a plain line is a top-level key in every reading of
    a one-document mapping."""
    if not isinstance(data, dict):
        return None
    scan = _Scan(text)
    keys: list[str] = []
    for line in scan.lines:
        content = text[line.start : line.end]
        if content.startswith(("---", "...", "%")):
            return None  # several documents, or directives: not judged here
        if line.kind == "content" and line.lead == 0:
            key = yaml_top_key(content)
            if key is None:
                return None  # a top-level line that is not `key:` (a list, a scalar)
            keys.append(key)
    found = {str(key) for key in data}
    missing = [key for key in keys if key not in found]
    if missing:
        return f"the input's top-level key {missing[0]!r} is not a top-level key of the answer"
    return None


def answer_keeps_pairs(text: str, data: Any) -> str | None:
    """Why the model's answer lost a `key: value` line of the input (None: it kept each).

    Provenance sees that every value of the answer is in the input, and not spelled more
    often than there; it cannot see a value the answer dropped when the input spells it
    twice (`size: 8` and `max: 8` kept as `size: 8`) or gave to another key. Each line
    that is one `key: value` pair, both a lone scalar, must be a pair of some mapping in
    the answer: a line the damage duplicated may go (its pair is kept once), a pair may
    not."""
    kept = _answer_pairs(data)
    for key, value, spelled in _spelled_pairs(text):
        if (key, value) not in kept:
            return f"the input's `{spelled}` is not a key and value of the answer"
    return None


def _answer_pairs(data: Any) -> set[tuple[str, Any]]:
    return {
        (str(key), value)
        for _, node in iter_nodes(data)
        if isinstance(node, dict)
        for key, value in node.items()
        if _plain_value(value)
    }


def _spelled_pairs(text: str) -> Iterator[tuple[str, Any, str]]:
    """(key, value, the line's text) for each block line `key: value` whose key and
    value YAML reads as one string or plain scalar each on their own, and whose value
    does not go on over the next lines. Anything else (flow collections, anchors, tags,
    block scalars, quotes left open, a value continued or commented) is not judged."""
    scan = _Scan(text)
    content = [line for line in scan.lines if line.kind == "content"]
    for index, line in enumerate(content):
        parts = _parts(text, line)
        if parts.key_end is None or parts.value_start >= parts.value_end:
            continue
        if line.comment is not None:
            continue  # `# note` may be the value's text in the reading that is meant
        following = content[index + 1] if index + 1 < len(content) else None
        if following is not None and following.lead > line.lead:
            start = _parts(text, following).node_start
            if _key_colon(text, start, following.end) is None:
                continue  # the value may go on over the next line
        key = _lone_scalar(text[parts.node_start : parts.key_end].strip(" \t"), key=True)
        value = _lone_scalar(text[parts.value_start : parts.value_end], key=False)
        if key is _UNJUDGED or value is _UNJUDGED:
            continue
        yield str(key), value, text[parts.node_start : parts.value_end]


_UNJUDGED = object()
# The first character of a lone plain scalar, or a quoted scalar closed at the end.
_LONE_SCALAR = re.compile(r"""[^\[\]{}&*!|>%@`#,?'"-]|-(?=[0-9.])|"[^"]*"$|'[^']*'$""")
_SMART_QUOTES = frozenset("\u201c\u201d\u2018\u2019")


def _lone_scalar(spelled: str, *, key: bool) -> Any:
    """The scalar YAML reads from `spelled` alone (a plain key: its text), or _UNJUDGED:
    not one plain or quoted scalar, or a value that is no string, number, boolean or
    null (a date, for one: the answer spells it as text)."""
    if not _LONE_SCALAR.match(spelled) or _SMART_QUOTES.intersection(spelled):
        return _UNJUDGED
    if key and spelled[0] not in "\"'":
        return spelled  # a plain key is its text (`1:` and `true:` are keys "1", "true")
    try:
        value = yaml_rs.loads(spelled)
    except Exception:  # yaml_rs raises several error types, with no common base
        return _UNJUDGED
    return value if _plain_value(value) else _UNJUDGED


def _plain_value(value: Any) -> bool:
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    return value is None or isinstance(value, (str, int, bool))
