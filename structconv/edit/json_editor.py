"""JSON, JSONC and JSON5: the syntax tree's lexer finds each value's characters; only
the target's are replaced.

The tree of structconv.formats.commented_json keeps comments but not positions, and
rendering it re-lays the whole file; so the edit walks the same tokens (with their
offsets) to find the target, and replaces its characters, removes its entry's lines,
or inserts one line after the last entry of its object at that entry's indentation.
A comma moves where JSON needs it (deleting the last entry takes the comma off the
entry before it; adding after a last entry gives it one), and an object or array
written on one line stays on one line. A value set to an object or array is written
with the file's own indentation, on one line where the value it replaces was.
"""

from __future__ import annotations

import datetime
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from structconv.edit.paths import Path, display_path
from structconv.edit.splice import (
    Edited,
    EditRefused,
    Splice,
    alone_on_lines,
    apply,
    indentation,
    line_end,
    line_start,
)
from structconv.formats.commented_json import _tokens, decode_key


@dataclass
class _Value:
    start: int
    end: int
    opener: str = ""  # "{" or "[" for containers
    entries: list[_Entry] = field(default_factory=list)
    close: int = -1  # the closing bracket's offset


@dataclass
class _Entry:
    start: int  # the key's offset, or the value's in an array
    key: str | None
    value: _Value
    comma: int = -1  # the offset of the comma after the value, if any


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [token for token in _tokens(text) if token.kind != "comment"]
        self.index = 0

    def value(self) -> _Value:
        token = self.tokens[self.index]
        self.index += 1
        if token.text not in ("{", "["):
            return _Value(token.offset, token.offset + len(token.text))
        node = _Value(token.offset, -1, token.text)
        closer = "}" if token.text == "{" else "]"
        while True:
            head = self.tokens[self.index]
            if head.text == closer:
                self.index += 1
                node.close = head.offset
                node.end = head.offset + 1
                return node
            key = None
            if token.text == "{":
                key = decode_key(head.text)
                self.index += 2  # the key and the ':'
            entry = _Entry(head.offset, key, self.value())
            following = self.tokens[self.index]
            if following.text == ",":
                entry.comma = following.offset
                self.index += 1
            node.entries.append(entry)


def _unit(text: str, root: _Value) -> str:
    """The file's indentation step: the most common difference between the indentation
    of an entry and that of its container's first line ("  " when nothing says)."""
    steps: Counter[str] = Counter()
    stack = [root]
    while stack:
        node = stack.pop()
        outer = indentation(text, node.start)
        for entry in node.entries:
            inner = indentation(text, entry.start)
            if line_start(text, entry.start) != line_start(text, node.start) and inner.startswith(
                outer
            ):
                steps[inner[len(outer) :]] += 1
            stack.append(entry.value)
    found = [step for step, _ in steps.most_common() if step]
    return found[0] if found else "  "


def _scalar(value: Any, json5: bool) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        if not json5:
            raise EditRefused(f"JSON cannot hold {value}")
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return json.dumps(value, ensure_ascii=False)


def _render(value: Any, json5: bool, unit: str, indent: str, one_line: bool) -> str:
    if isinstance(value, dict | list) and value:
        closer = "}" if isinstance(value, dict) else "]"
        items = (
            [f"{json.dumps(k, ensure_ascii=False)}: " for k in value]
            if isinstance(value, dict)
            else [""] * len(value)
        )
        children = value.values() if isinstance(value, dict) else value
        inner = indent + unit
        rendered = [
            head + _render(child, json5, unit, inner, one_line)
            for head, child in zip(items, children, strict=True)
        ]
        if one_line:
            return ("{" if closer == "}" else "[") + ", ".join(rendered) + closer
        body = ",\n".join(inner + piece for piece in rendered)
        return ("{" if closer == "}" else "[") + "\n" + body + "\n" + indent + closer
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value, json5)


class _Editor:
    def __init__(self, text: str, json5: bool) -> None:
        self.text = text
        self.json5 = json5
        self.root = _Parser(text).value()
        self.unit = _unit(text, self.root)

    def find(self, path: Path) -> tuple[_Value, _Entry | None, _Value | None]:
        """(the value, its entry, the container holding it) at `path`."""
        node, entry, parent = self.root, None, None
        for depth, part in enumerate(path):
            if node.opener == "{":
                matches = [e for e in node.entries if e.key == part]
                if not matches:
                    raise EditRefused(f"{display_path(path[: depth + 1])}: not in the text")
                found = matches[-1]
            elif node.opener == "[" and isinstance(part, int):
                found = node.entries[part]
            else:
                raise EditRefused(f"{display_path(path[:depth])} is not a container")
            parent, entry, node = node, found, found.value
        return node, entry, parent

    def render(self, value: Any, at: int, one_line: bool) -> str:
        return _render(value, self.json5, self.unit, indentation(self.text, at), one_line)

    def set(self, path: Path, value: Any, exists: bool) -> Edited:
        if exists:
            node, _, _ = self.find(path)
            one_line = "\n" not in self.text[node.start : node.end]
            return apply(
                self.text, [Splice(node.start, node.end, self.render(value, node.start, one_line))]
            )
        container, _, _ = self.find(path[:-1])
        if container.opener != "{":
            raise EditRefused(f"{display_path(path[:-1])} is not an object")
        return apply(self.text, self._add(container, str(path[-1]), value))

    def _add(self, node: _Value, key: str, value: Any) -> list[Splice]:
        name = json.dumps(key, ensure_ascii=False) + ": "
        if not node.entries:
            inside = self.text[node.start + 1 : node.close]
            if "\n" not in inside:
                return [
                    Splice(node.start + 1, node.close, name + self.render(value, node.start, True))
                ]
            indent = indentation(self.text, node.start) + self.unit
            line = indent + name + _render(value, self.json5, self.unit, indent, False)
            return [Splice(node.start + 1, node.start + 1, "\n" + line)]
        last = node.entries[-1]
        one_line = line_start(self.text, last.start) == line_start(self.text, node.start)
        if one_line or line_start(self.text, node.close) == line_start(self.text, last.value.end):
            piece = name + self.render(value, last.start, True)
            if last.comma >= 0:
                return [Splice(last.comma + 1, last.comma + 1, " " + piece + ",")]
            return [Splice(last.value.end, last.value.end, ", " + piece)]
        indent = indentation(self.text, last.start)
        line = indent + name + _render(value, self.json5, self.unit, indent, False)
        after = max(last.value.end, last.comma + 1)
        at = line_end(self.text, after - 1)
        newline = "" if self.text[at - 1 : at] == "\n" else "\n"
        if last.comma >= 0:  # a trailing comma (JSONC, JSON5): the new entry gets one too
            return [Splice(at, at, newline + line + ",\n")]
        return [
            Splice(last.value.end, last.value.end, ","),
            Splice(at, at, newline + line + "\n"),
        ]

    def delete(self, path: Path) -> Edited:
        _, entry, parent = self.find(path)
        assert entry is not None and parent is not None
        index = parent.entries.index(entry)
        end = entry.comma + 1 if entry.comma >= 0 else entry.value.end
        splices: list[Splice] = []
        if entry.comma < 0 and index > 0:  # the last entry: the one before loses its comma
            before = parent.entries[index - 1]
            splices.append(Splice(before.comma, before.comma + 1, ""))
        if alone_on_lines(self.text, entry.start, end) or (
            not self.text[line_start(self.text, entry.start) : entry.start].strip()
            and self._comment_only_after(end)
        ):
            splices.append(
                Splice(line_start(self.text, entry.start), line_end(self.text, end - 1), "")
            )
        elif index + 1 < len(parent.entries):
            splices.append(Splice(entry.start, parent.entries[index + 1].start, ""))
        elif index > 0:
            before = parent.entries[index - 1]
            splices = [Splice(before.comma, end, "")]
        else:
            splices.append(Splice(entry.start, end, ""))
        return apply(self.text, splices)

    def _comment_only_after(self, end: int) -> bool:
        rest = self.text[end : line_end(self.text, end)].strip()
        return rest.startswith("//") or (rest.startswith("/*") and rest.endswith("*/"))


def hold(value: Any) -> Any:
    """JSON has no dates: a date read from VALUE is kept as its text."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): hold(item) for key, item in value.items()}
    if isinstance(value, list):
        return [hold(item) for item in value]
    return value


def set_at(text: str, data: Any, path: Path, value: Any, exists: bool, format: str) -> Edited:
    del data
    return _Editor(text, json5=format == "json5").set(path, value, exists)


def delete_at(text: str, data: Any, path: Path, format: str) -> Edited:
    del data
    return _Editor(text, json5=format == "json5").delete(path)
