"""TOML: a tomlkit round trip, comments and order kept, with consistent spacing.

What changes: `key = value` with one space around `=`; no indentation before keys
and table headers; arrays without comments written as `[1, 2, 3]`, or one item per
line with a trailing comma when that does not fit the width; inline tables as
`{ a = 1, b = 2 }` (one written over several lines, TOML 1.1, keeps its layout and
comments); no trailing spaces; at most one blank line in a row; one blank
line before each table header (and the comments right above it); a final newline.
What is kept: every value's spelling (quotes, escapes, `1_000`, `0x1F`, dates),
comments, their alignment, and the order of everything. Arrays holding comments,
or inline tables over several lines, keep their own layout.

The blank-line rules work on the rendered text, with a small scanner that knows which
lines lie inside multi-line strings (their content is data and is never touched).
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit import items
from tomlkit.container import Container

from structconv.normalize.settings import NormalizeSettings
from structconv.patterns import lazy_compile

_TOKEN = lazy_compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"{3,5}'
    r"|'''[\s\S]*?'{3,5}"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}\n]"
)


def _key_text(key: items.Key) -> str:
    if isinstance(key, items.DottedKey):
        return ".".join(_key_text(part) for part in key)
    return key.as_string().strip()


def _fix_key(key: items.Key) -> None:
    if isinstance(key, items.DottedKey):
        for part in key:
            _fix_key(part)
    key._original = _key_text(key)
    key.sep = " = "


def _has_comment(array: items.Array) -> bool:
    return any(
        group.comment is not None or isinstance(group.value, items.Comment)
        for group in array._value
    )


def _pairs(prefix: str, container: Container) -> list[str]:
    """`key = value` texts of an inline table; a dotted key (`type.name = "pug"`), which
    tomlkit holds as a table under its first part, is spelled dotted again."""
    pairs: list[str] = []
    for key, item in container.body:
        if key is None:
            continue
        name = prefix + _key_text(key)
        if isinstance(item, items.Table):
            pairs += _pairs(name + ".", item.value)
        else:
            pairs.append(f"{name} = {_inline(item)}")
    return pairs


def _inline(value: Any) -> str:
    """A value on one line: arrays and inline tables spaced, scalars as written. An
    inline table over several lines (TOML 1.1), which may hold comments, keeps its own
    layout, as arrays with comments do."""
    if isinstance(value, items.Array) and not _has_comment(value):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    if isinstance(value, items.InlineTable) and "\n" not in value.as_string():
        pairs = _pairs("", value.value)
        return "{ " + ", ".join(pairs) + " }" if pairs else "{}"
    text: str = value.as_string()
    return text


def _array(array: items.Array, column: int, settings: NormalizeSettings) -> str:
    one_line = _inline(array)
    if column + len(one_line) <= settings.width or not len(array) or "\n" in one_line:
        return one_line
    inner = " " * settings.indent
    return "[\n" + "".join(f"{inner}{_inline(item)},\n" for item in array) + "]"


def _holds_spread_table(value: Any) -> bool:
    """Whether an array holds, at any depth, an inline table over several lines."""
    if isinstance(value, items.InlineTable):
        return "\n" in value.as_string()
    return isinstance(value, items.Array) and any(_holds_spread_table(item) for item in value)


def _replacement(item: Any, column: int, settings: NormalizeSettings) -> Any:
    """The item re-spelled, or None when it stays as it is."""
    if isinstance(item, items.Array) and _holds_spread_table(item):
        return None
    if isinstance(item, items.Array) and not _has_comment(item):
        text = _array(item, column, settings)
    elif isinstance(item, items.InlineTable):
        text = _inline(item)
    else:
        return None
    if text == item.as_string():
        return None
    new = tomlkit.value(text)
    new._trivia = item.trivia
    return new


def _walk(container: Container, settings: NormalizeSettings) -> None:
    for index, (key, item) in enumerate(container.body):
        if isinstance(item, items.Whitespace | items.Null):
            continue
        if key is not None:
            _fix_key(key)
        trivia = item.trivia
        trivia.indent = ""
        trivia.trail = trivia.trail.lstrip(" \t")
        if trivia.comment and not trivia.comment_ws:
            trivia.comment_ws = " "
        if isinstance(item, items.Table):
            _walk(item.value, settings)
        elif isinstance(item, items.AoT):
            for table in item.body:
                table.trivia.indent = ""
                _walk(table.value, settings)
        elif key is not None:
            new = _replacement(item, len(_key_text(key)) + 3, settings)
            if new is not None:
                container.body[index] = (key, new)


def _line_flags(text: str) -> tuple[list[bool], list[bool], list[int]]:
    """Per line: starts inside a multi-line string, ends inside one, bracket depth at start."""
    line_count = text.count("\n") + 1
    starts_inside = [False] * line_count
    ends_inside = [False] * line_count
    depth_at_start = [0] * line_count
    line = 0
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
            depth_at_start[line] = depth
        elif token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
        elif "\n" in token:
            breaks = token.count("\n")
            for inside in range(line, line + breaks):
                ends_inside[inside] = True
                starts_inside[inside + 1] = True
                depth_at_start[inside + 1] = depth
            line += breaks
    return starts_inside, ends_inside, depth_at_start


def _space_lines(text: str) -> str:
    lines = text.split("\n")
    starts_inside, ends_inside, depth_at_start = _line_flags(text)
    out: list[str] = []
    for number, line in enumerate(lines):
        if starts_inside[number]:
            out.append(line)
            continue
        if not ends_inside[number]:
            line = line.rstrip(" \t")
        stripped = line.lstrip(" \t")
        if not stripped and not ends_inside[number]:
            if out and out[-1] != "":
                out.append("")
            continue
        if depth_at_start[number] == 0 and stripped.startswith("["):
            start = len(out)
            while start > 0 and out[start - 1].lstrip().startswith("#"):
                start -= 1
            if start > 0 and out[start - 1] != "":
                out.insert(start, "")
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def normalize(text: str, settings: NormalizeSettings) -> str:
    document = tomlkit.parse(text)
    _walk(document, settings)
    return _space_lines(document.as_string())
