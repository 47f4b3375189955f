"""TOML text from data that TOML can hold, keys in the data's own order.

Why our own writer: tomlkit keeps order but is slow (12x the YAML reader on a 2 MB
file); tomli-w, rtoml and toml-rs move every table after the plain values of its
parent, so `{"A": {}, "b": 1}` came back with `b` first. TOML needs that only for a
table written under a `[header]`, since every key after a header belongs to it. A
table followed by a plain value can stay in place instead, and then nothing moves:

    title = "x"              plain values: `key = value`
    A = {}                   an empty table before a later plain value: inline
    owner.name = "Ada"       a table before a later plain value: dotted keys
    orders = [               an array of tables before one: inline tables,
      { sku = "a", qty = 1 },    one per line
    ]
    b = 1

    [database]               tables after the last plain value: [headers],
    port = 8000              as usual

    [[servers]]              arrays of tables after it: [[headers]]
    name = "a"

With sort_keys a table's plain values come first, sorted, then its tables, sorted
(the usual TOML layout). Only TOML 1.0 syntax is written, which TOML 1.1 readers read
too: strings are basic strings on one line, dates and times RFC 3339.

Anything TOML cannot hold raises `Unwritable`: formats/toml.py maps values first
(represent) and names the path there; its fast path tries the data as it is.
"""

from __future__ import annotations

import datetime
from typing import Any

from structconv.patterns import lazy_compile

_BARE_KEY = lazy_compile(r"[A-Za-z0-9_-]+")
_NEEDS_ESCAPE = lazy_compile(r'[\x00-\x1f\x7f"\\]')
_ESCAPES = {code: f"\\u{code:04x}" for code in [*range(0x20), 0x7F]}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"})
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\"})
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# What a piece of the text holds: a top-level key's value, or an item of its array of tables.
Claim = tuple[Any, int | None]


class Unwritable(Exception):
    """A value TOML cannot hold (None, a big integer, a time with an offset, a key that
    is not a string, an unknown type), or nesting past the limit."""


def string(text: str) -> str:
    """A basic string: JSON's escapes, plus DEL, which TOML also counts as a control."""
    if _as_it_is(text) or _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    return f'"{text.translate(_ESCAPES)}"'


def _as_it_is(text: str) -> bool:
    """Printable text without a quote or a backslash needs no escape: three tests in C,
    cheaper than the pattern's search (False says nothing: the pattern then decides)."""
    return text.isprintable() and '"' not in text and "\\" not in text


def _trim_fraction(text: str, dot: int, end: int) -> str:
    """`07:32:01.250000` -> `07:32:01.25` (the digits from `dot` to `end`)."""
    fraction = text[dot + 1 : end].rstrip("0")
    return text[:dot] + ("." + fraction if fraction else "") + text[end:]


def _datetime(value: datetime.datetime) -> str:
    text = value.isoformat()
    if value.microsecond:
        text = _trim_fraction(text, 19, 26)
    offset = value.utcoffset()
    if offset is None:
        return text
    if offset.seconds % 60 or offset.microseconds:
        raise Unwritable(f"the UTC offset {offset} has seconds; TOML offsets are whole minutes")
    return text[:-6] + "Z" if not offset else text


def _time(value: datetime.time) -> str:
    if value.tzinfo is not None:
        raise Unwritable(f"the time {value.isoformat()} has a UTC offset; TOML times have none")
    text = value.isoformat()
    return _trim_fraction(text, 8, 15) if value.microsecond else text


def _is_section(value: Any) -> bool:
    """Whether a value can be written under a header: a table or a non-empty array of tables."""
    kind = type(value)
    if kind is dict:
        return True
    return kind is list and bool(value) and all(type(item) is dict for item in value)


class _Writer:
    def __init__(self, sort_keys: bool, indent: int, max_depth: int) -> None:
        self.sort_keys = sort_keys
        self.indent = " " * indent
        self.max_depth = max_depth
        self.keys: dict[str, str] = {}
        self.lines: list[str] = []
        # Where each top-level table and each item of a top-level array of tables starts
        # (its first line), and which: (key, None) or (key, index).
        self.starts: list[tuple[int, Claim]] = []

    def key(self, name: Any) -> str:
        text = self.keys.get(name)
        if text is None:
            if type(name) is not str:
                raise Unwritable(f"the key {name!r} is a {type(name).__name__}, not a string")
            text = name if _BARE_KEY.fullmatch(name) else string(name)
            self.keys[name] = text
        return text

    def items(self, table: dict[Any, Any]) -> list[tuple[Any, Any]]:
        if self.sort_keys:
            return sorted(table.items(), key=lambda item: (_is_section(item[1]), item[0]))
        return list(table.items())

    def value(self, value: Any, level: int) -> str:
        """A value on one line (arrays and tables inline)."""
        kind = type(value)
        if kind is str:
            return string(value)
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            if not _INT64_MIN <= value <= _INT64_MAX:
                raise Unwritable(f"{value} does not fit in a TOML integer (64 bits)")
            return str(value)
        if kind is float:
            return repr(value)  # "1e+300", "inf", "-0.0", "nan": all TOML floats
        if kind is dict or kind is list:
            if level >= self.max_depth:
                raise Unwritable(f"the data nests deeper than {self.max_depth} levels")
            if kind is list:
                return "[" + ", ".join([self.value(item, level + 1) for item in value]) + "]"
            if not value:
                return "{}"
            pairs = [f"{self.key(k)} = {self.value(v, level + 1)}" for k, v in self.items(value)]
            return "{ " + ", ".join(pairs) + " }"
        if kind is datetime.datetime:
            return _datetime(value)
        if kind is datetime.date:
            return str(value)
        if kind is datetime.time:
            return _time(value)
        if value is None:
            raise Unwritable("TOML has no null")
        raise Unwritable(f"TOML has no {kind.__name__} values")

    def body(self, prefix: str, items: list[tuple[Any, Any]], level: int) -> None:
        """Key/value lines, with tables in place as dotted keys (`prefix` is "a.b." or "").

        The hot loop of the writer: the common scalars are written here, without a call."""
        lines = self.lines
        keys = self.keys
        for name, value in items:
            key = keys.get(name) or self.key(name)
            if prefix:
                key = prefix + key
            kind = type(value)
            if kind is str:
                if value.isprintable() and '"' not in value and "\\" not in value:  # _as_it_is
                    lines.append(f'{key} = "{value}"')
                else:
                    lines.append(f"{key} = {string(value)}")
            elif kind is int and _INT64_MIN <= value <= _INT64_MAX:
                lines.append(f"{key} = {value}")
            elif kind is float:
                lines.append(f"{key} = {value!r}")
            elif kind is bool:
                lines.append(f"{key} = true" if value else f"{key} = false")
            elif kind is dict and value:
                if level >= self.max_depth:
                    raise Unwritable(f"the data nests deeper than {self.max_depth} levels")
                self.body(key + ".", self.items(value), level + 1)
            elif kind is list and _is_section(value):
                lines.append(key + " = [")
                lines.extend(self.indent + self.value(item, level + 1) + "," for item in value)
                lines.append("]")
            else:
                lines.append(key + " = " + self.value(value, level))

    def table(self, header: str, table: dict[Any, Any], level: int, array_item: bool) -> None:
        """A table's lines under `header` (None at the top): its plain values and the
        tables before the last of them, then its other tables under headers of their own."""
        if level > self.max_depth:
            raise Unwritable(f"the data nests deeper than {self.max_depth} levels")
        items = self.items(table)
        split = len(items)
        while split and _is_section(items[split - 1][1]):
            split -= 1
        if header and (split or array_item or not items):
            if self.lines:
                self.lines.append("")
            self.lines.append(f"[[{header}]]" if array_item else f"[{header}]")
        self.body("", items[:split], level)
        for name, value in items[split:]:
            path = f"{header}.{self.key(name)}" if header else self.key(name)
            if type(value) is dict:
                if not header:
                    self.starts.append((len(self.lines), (name, None)))
                self.table(path, value, level + 1, array_item=False)
            else:
                for index, item in enumerate(value):
                    if not header:
                        self.starts.append((len(self.lines), (name, index)))
                    self.table(path, item, level + 2, array_item=True)


def write_document(data: dict[Any, Any], *, sort_keys: bool, indent: int, max_depth: int) -> str:
    """The TOML text of a table; raises Unwritable (or RecursionError for deep data)."""
    return _joined(_written(data, sort_keys, indent, max_depth).lines)


def write_pieces(
    data: dict[Any, Any], *, sort_keys: bool, indent: int, max_depth: int
) -> tuple[str, list[tuple[str, Claim | None]]]:
    """`write_document`'s text, and the same text cut into pieces that join into it: the
    plain values of the top level (claim None), then each top-level table, (key, None),
    and each item of a top-level array of tables, (key, index), from the line where it
    starts (a header, or a blank line before one). Each piece is a TOML document of its
    own, read back alone (formats/toml.py: a piece's data at a time, not the whole)."""
    writer = _written(data, sort_keys, indent, max_depth)
    lines = writer.lines
    bounds = [0, *(start for start, _ in writer.starts), len(lines)]
    claims: list[Claim | None] = [None, *(claim for _, claim in writer.starts)]
    pieces = [
        (_joined(lines[begin:end]), claim)
        for begin, end, claim in zip(bounds[:-1], bounds[1:], claims, strict=True)
    ]
    return _joined(lines), pieces


def _written(data: dict[Any, Any], sort_keys: bool, indent: int, max_depth: int) -> _Writer:
    writer = _Writer(sort_keys, indent, max_depth)
    writer.table("", data, 1, array_item=False)
    return writer


def _joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""
