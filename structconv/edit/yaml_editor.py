"""YAML: ruamel.yaml's parser finds the target's characters; only those are replaced.

ruamel.yaml's round trip (load, change, dump) re-indents the whole file, respells
some scalars and moves comments, so it serves here as the parser only: its events
carry each node's position, anchors, tags and styles, and the edit replaces the
target's characters (or inserts one line, or removes the target's lines), leaving
every other byte where it was.

- A value is written in the style of the one it replaces (`'single'`, `"double"`,
  plain when YAML reads it back as the same string); a new key goes on a line of its
  own at the end of its mapping, at the mapping's indentation; a list or mapping is
  written in block style under a block key (`{a: 1}` in a flow collection), with
  the file's own indentation.
- Tags: a path may step into a tag as structconv's convention spells it
  (`Resources.Bucket.Properties.BucketName."!Ref"`): the tag stays and its value
  changes. Setting the tagged node itself replaces tag and value.
- Anchors and aliases: a node whose anchor an alias uses elsewhere is refused (the
  edit would change every use), and so is a path through an alias; a key that comes
  from a merge key (`<<: *base`) can be set (the mapping's own key then overrides
  it), not deleted.
- A file of several documents takes the document's index first: `[1].spec.replicas`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)

from structconv import formats
from structconv.edit.locate import key_text
from structconv.edit.paths import Path, display_path
from structconv.edit.splice import (
    Edited,
    EditRefused,
    Splice,
    apply,
    line_end,
    line_start,
)
from structconv.errors import ParseError
from structconv.neutral import scalar_spelling
from structconv.options import Options

_CORE_TAG = "tag:yaml.org,2002:"
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARACTERS = set(",[]{}")


@dataclass
class _Node:
    kind: str  # "scalar", "mapping", "sequence", "alias"
    start: int
    end: int
    anchor: str | None = None
    tag: str | None = None
    style: str | None = None
    flow: bool = False
    value: str = ""
    pairs: list[tuple[_Node, _Node]] = field(default_factory=list)
    items: list[_Node] = field(default_factory=list)
    # Where the value's own text may start: after the ':' or '-' that introduces it
    # in block context (set by the parent); -1 in flow context and for roots.
    indicator_end: int = -1
    # For an item of a block sequence, where its '-' stands.
    dash: int = -1


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t":
        position += 1
    return position


def _skip_to_dash(text: str, position: int) -> int:
    """The next '-' that opens a block sequence item, past spaces, comments, properties."""
    while position < len(text):
        char = text[position]
        if char in " \t\r\n":
            position += 1
        elif char == "#":
            position = line_end(text, position)
        elif char in "&!":
            while position < len(text) and text[position] not in " \t\r\n":
                position += 1
        elif char == "-":
            return position
        else:
            break
    raise EditRefused("could not find the '-' of a list item (unusual layout)")


class _Builder:
    """The node tree of a stream, from ruamel.yaml's events."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.aliased: set[str] = set()
        self.documents: list[_Node] = []
        self.samples_mapping: Counter[int] = Counter()
        self.samples_sequence: Counter[int] = Counter()

    def build(self) -> None:
        stack: list[_Node] = []
        pending_key: list[_Node | None] = []
        for event in YAML(typ="rt", pure=True).parse(self.text):
            if isinstance(event, DocumentStartEvent):
                continue
            if isinstance(event, MappingEndEvent | SequenceEndEvent):
                node = stack.pop()
                pending_key.pop()
                if node.flow:
                    node.end = event.end_mark.index
                else:
                    children = [value for _, value in node.pairs] or node.items
                    node.end = max(node.end, *(child.end for child in children), 0)
                self._attach(node, stack, pending_key)
                continue
            if isinstance(event, ScalarEvent):
                node = _Node(
                    "scalar",
                    event.start_mark.index,
                    event.end_mark.index,
                    event.anchor,
                    event.tag,
                    event.style,
                    value=event.value,
                )
                if event.style in ("|", ">"):
                    node.end = node.start + len(self.text[node.start : node.end].rstrip())
                self._attach(node, stack, pending_key)
            elif isinstance(event, AliasEvent):
                self.aliased.add(str(event.anchor))
                node = _Node("alias", event.start_mark.index, event.end_mark.index, event.anchor)
                self._attach(node, stack, pending_key)
            elif isinstance(event, CollectionStartEvent):
                kind = "mapping" if isinstance(event, MappingStartEvent) else "sequence"
                node = _Node(
                    kind,
                    event.start_mark.index,
                    event.start_mark.index,
                    event.anchor,
                    event.tag,
                    flow=bool(event.flow_style),
                )
                stack.append(node)
                pending_key.append(None)

    def _attach(self, node: _Node, stack: list[_Node], pending_key: list[_Node | None]) -> None:
        if not stack:
            self.documents.append(node)
            return
        parent = stack[-1]
        if parent.kind == "sequence":
            if not parent.flow:
                previous = parent.items[-1].end if parent.items else parent.start
                node.dash = _skip_to_dash(self.text, previous)
                node.indicator_end = node.dash + 1
                if node.kind == "scalar" and node.value == "" and node.style is None:
                    node.start = node.end = node.indicator_end
            parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            pending_key[-1] = node
            return
        pending_key[-1] = None
        if not parent.flow:
            colon = _skip_space(self.text, key.end)
            if colon < len(self.text) and self.text[colon] == ":":
                node.indicator_end = colon + 1
                if node.kind == "scalar" and node.value == "" and node.style is None:
                    node.start = node.end = node.indicator_end
            self._sample(key, node)
        parent.pairs.append((key, node))

    def _sample(self, key: _Node, value: _Node) -> None:
        """The file's indentation: of a mapping under a key, of a list's dash under a key."""
        if value.flow or value.kind not in ("mapping", "sequence"):
            return
        key_column = key.start - line_start(self.text, key.start)
        if value.kind == "mapping" and value.pairs:
            first = value.pairs[0][0].start
            self.samples_mapping[first - line_start(self.text, first) - key_column] += 1
        elif value.kind == "sequence" and value.items and value.items[0].dash >= 0:
            dash = value.items[0].dash
            self.samples_sequence[dash - line_start(self.text, dash) - key_column] += 1

    def mapping_step(self) -> int:
        step = self.samples_mapping.most_common(1)
        return step[0][0] if step and step[0][0] > 0 else 2

    def sequence_offset(self) -> int:
        offset = self.samples_sequence.most_common(1)
        return offset[0][0] if offset and offset[0][0] >= 0 else 0


def _column(text: str, offset: int) -> int:
    return offset - line_start(text, offset)


# ----------------------------------------------------------------------------------
# Writing values
# ----------------------------------------------------------------------------------


def _reads_as(candidate: str, value: Any) -> bool:
    try:
        again = formats.read(candidate, "yaml", Options())
    except ParseError:
        return False
    return type(again) is type(value) and again == value


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or any(c in text for c in "\n\r\t"):
        return False
    if text[0] in _INDICATORS and not (text[0] in "-?:" and len(text) > 1 and text[1] != " "):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(c in _FLOW_CHARACTERS for c in text):
        return False
    return _reads_as(text, text)


def _double(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def scalar_text(value: Any, style: str | None = None, flow: bool = False) -> str:
    """A scalar as YAML text that reads back as `value`, in `style` where it can be."""
    if value is None:
        return "null"
    spelled = scalar_spelling(value, ".nan", ".inf")
    if spelled is not None:
        return spelled
    if not isinstance(value, str):
        raise EditRefused(f"YAML cannot hold a {type(value).__name__} value")
    one_line = "\n" not in value and "\r" not in value and value.isprintable()
    if style == "'" and one_line:
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return _double(value)
    if _plain_ok(value, flow):
        return value
    return _double(value)


def _key_text(key: Any, flow: bool = False) -> str:
    return scalar_text(key, None, flow)


def flow_text(value: Any) -> str:
    if isinstance(value, dict):
        pairs = ", ".join(f"{_key_text(k, True)}: {flow_text(v)}" for k, v in value.items())
        return "{" + pairs + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow_text(item) for item in value) + "]"
    return scalar_text(value, None, flow=True)


@dataclass(frozen=True)
class _Layout:
    step: int  # a mapping's keys under its key
    offset: int  # a list's dashes under its key


def _block_lines(value: Any, indent: int, layout: _Layout) -> list[str]:
    """A non-empty mapping or list in block style, each line indented from column `indent`."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = pad + _key_text(key) + ":"
            if isinstance(item, dict) and item:
                lines += [head, *_block_lines(item, indent + layout.step, layout)]
            elif isinstance(item, list) and item:
                lines += [head, *_block_lines(item, indent + layout.offset, layout)]
            else:
                lines.append(head + " " + _inline(item))
        return lines
    for item in value:
        if isinstance(item, dict | list) and item:
            nested = _block_lines(item, indent + 2, layout)
            lines += [pad + "- " + nested[0].lstrip(" "), *nested[1:]]
        else:
            lines.append(pad + "- " + _inline(item))
    return lines


def _inline(value: Any) -> str:
    if isinstance(value, dict | list):
        return flow_text(value)  # empty here
    return scalar_text(value)


# ----------------------------------------------------------------------------------
# Finding the target
# ----------------------------------------------------------------------------------


@dataclass
class _Found:
    node: _Node
    parent: _Node | None
    key: _Node | None  # the key node when the parent is a mapping
    inside_tag: bool = False


def _matches(key: _Node, part: Any) -> bool:
    return key.kind == "scalar" and key.value in (key_text(part), part)


_Shown = Callable[[Path], str]


class _MergedKey(EditRefused):
    """A key of the data that the mapping does not hold itself (a merge key gives it)."""

    def __init__(self, depth: int, why: str) -> None:
        super().__init__(why)
        self.depth = depth


def _refuse_shared(
    node: _Node, path: Path, upto: int, aliased: frozenset[str], shown: _Shown
) -> None:
    if node.kind == "alias":
        raise EditRefused(
            f"{shown(path[:upto])} is an alias (*{node.anchor}): edit it where "
            f"&{node.anchor} is defined, or set {shown(path[:upto])} whole"
        )
    if node.anchor is not None and node.anchor in aliased:
        raise EditRefused(
            f"{shown(path[:upto])} is anchored (&{node.anchor}) and used elsewhere "
            f"(*{node.anchor}): the edit would change those places too"
        )


def _find(
    documents: list[_Node], path: Path, adding: bool, aliased: frozenset[str], shown: _Shown
) -> _Found:
    """The node at `path` (a document index first); with `adding`, the mapping that gets
    the last key (as `node`, the key absent)."""
    index = path[0]
    assert isinstance(index, int)
    node = documents[index]
    parent: _Node | None = None
    key: _Node | None = None
    inside_tag = False
    steps = path[1:-1] if adding else path[1:]
    for number, part in enumerate(steps, start=2):
        _refuse_shared(node, path, number - 1, aliased, shown)
        if (
            node.tag is not None
            and not node.tag.startswith(_CORE_TAG)
            and part == node.tag
            and not inside_tag
        ):
            inside_tag = True
            continue
        inside_tag = False
        if node.kind == "mapping":
            pair = next(
                (pair for pair in reversed(node.pairs) if _matches(pair[0], part)),
                None,
            )
            if pair is None:
                raise _MergedKey(
                    number - 1,
                    f"{shown(path[:number])} comes from a merge key (<<): edit it "
                    "where it is defined, or set it whole here (the key then overrides it)",
                )
            parent, key, node = node, pair[0], pair[1]
        elif node.kind == "sequence" and isinstance(part, int):
            parent, key, node = node, None, node.items[part]
        else:
            raise EditRefused(f"{shown(path[:number])}: unexpected YAML layout")
    _refuse_shared(node, path, len(path), aliased, shown)
    return _Found(node, parent, key, inside_tag)


# ----------------------------------------------------------------------------------
# The edits
# ----------------------------------------------------------------------------------


class _Editor:
    def __init__(self, text: str) -> None:
        self.text = text
        builder = _Builder(text)
        builder.build()
        self.documents = builder.documents
        self.aliased = frozenset(builder.aliased)
        self.single = len(self.documents) == 1
        self.layout = _Layout(builder.mapping_step(), builder.sequence_offset())

    def shown(self, path: Path) -> str:
        """A path as the user wrote it: without the document's index in a one-document file."""
        return display_path(path[1:] if self.single else path)

    def _line_comment(self, start: int, end: int) -> str:
        """A comment between the ':' and a block value (`key:  # note`), kept by a set."""
        head = self.text[start : line_end(self.text, start)]
        match = re.search(r"(?:^|\s)(#.*?)\s*$", head)
        return "  " + match.group(1) if match and start < end else ""

    def replacement(self, found: _Found, value: Any) -> Splice:
        node = found.node
        properties = []
        if node.anchor is not None:
            properties.append("&" + node.anchor)
        if found.inside_tag and node.tag is not None:
            properties.append(node.tag)
        prefix = " ".join(properties)
        in_flow = node.indicator_end < 0 and found.parent is not None
        if in_flow or (found.parent is None and node.flow):
            start = node.start
            text = (
                flow_text(value)
                if isinstance(value, dict | list)
                else scalar_text(value, node.style, True)
            )
            return Splice(start, node.end, (prefix + " " if prefix else "") + text)
        if found.parent is None:  # a document's root
            raise EditRefused("set a key of the document rather than the whole document")
        start = node.indicator_end
        if isinstance(value, dict | list) and value:
            if node.dash >= 0:
                indent = _column(self.text, node.dash) + 2
                lines = _block_lines(value, indent, self.layout)
                head = " " + (prefix + "\n" + " " * indent if prefix else "")
                return Splice(
                    start, node.end, head + lines[0].lstrip(" ") + "\n".join(["", *lines[1:]])
                )
            assert found.key is not None
            key_column = _column(self.text, found.key.start)
            step = self.layout.step if isinstance(value, dict) else self.layout.offset
            lines = _block_lines(value, key_column + step, self.layout)
            comment = self._line_comment(start, node.end) if node.kind != "scalar" else ""
            head = (" " + prefix if prefix else "") + comment
            return Splice(start, node.end, head + "\n" + "\n".join(lines))
        if isinstance(value, dict | list):
            text = flow_text(value)
        else:
            style = node.style if node.kind == "scalar" else None
            text = scalar_text(value, style if style in ("'", '"') else None)
        comment = self._line_comment(start, node.end) if node.kind != "scalar" else ""
        return Splice(start, node.end, " " + (prefix + " " if prefix else "") + text + comment)

    def set(self, path: Path, value: Any, exists: bool) -> Edited:
        if exists:
            try:
                found = _find(self.documents, path, False, self.aliased, self.shown)
            except _MergedKey as merged:
                if merged.depth != len(path) - 1:
                    raise
            else:
                return apply(self.text, [self.replacement(found, value)])
        mapping = _find(self.documents, path, True, self.aliased, self.shown).node
        if mapping.kind != "mapping":
            raise EditRefused(f"{self.shown(path[:-1])} is not a mapping")
        return apply(self.text, [self._add(mapping, path[-1], value)])

    def _add(self, mapping: _Node, key: Any, value: Any) -> Splice:
        if mapping.flow:
            pair = f"{_key_text(key, True)}: " + (
                flow_text(value)
                if isinstance(value, dict | list)
                else scalar_text(value, None, True)
            )
            if mapping.pairs:
                return Splice(mapping.pairs[-1][1].end, mapping.pairs[-1][1].end, ", " + pair)
            return Splice(mapping.end - 1, mapping.end - 1, pair)
        first_key, _ = mapping.pairs[0]
        column = _column(self.text, first_key.start)
        head = " " * column + _key_text(key) + ":"
        if isinstance(value, dict | list) and value:
            step = self.layout.step if isinstance(value, dict) else self.layout.offset
            lines = [head, *_block_lines(value, column + step, self.layout)]
        else:
            lines = [head + " " + _inline(value)]
        last_key, last_value = mapping.pairs[-1]
        last = max(last_value.end, last_value.indicator_end, last_key.end) - 1
        at = line_end(self.text, last)
        before = "" if at > 0 and self.text[at - 1] == "\n" else "\n"
        return Splice(at, at, before + "\n".join(lines) + "\n")

    def delete(self, path: Path) -> Edited:
        found = _find(self.documents, path, False, self.aliased, self.shown)
        parent = found.parent
        if parent is None or found.inside_tag:
            raise EditRefused("delete a key or an item, not a whole document or a tag")
        node = found.node
        entries = (
            parent.pairs if parent.kind == "mapping" else [(None, item) for item in parent.items]
        )
        index = next(i for i, (_, value) in enumerate(entries) if value is node)
        start = found.key.start if found.key is not None else node.start
        if parent.flow:
            if len(entries) == 1:
                return apply(self.text, [Splice(start, node.end, "")])
            if index + 1 < len(entries):
                following = entries[index + 1]
                next_start = following[0].start if following[0] is not None else following[1].start
                return apply(self.text, [Splice(start, next_start, "")])
            return apply(self.text, [Splice(entries[index - 1][1].end, node.end, "")])
        if len(entries) == 1:
            first = entries[0][0].start if entries[0][0] is not None else node.dash
            empty = "{}" if parent.kind == "mapping" else "[]"
            if self.text[line_start(self.text, first) : first].strip(" \t"):
                return apply(self.text, [Splice(first, max(node.end, first + 1), empty)])
            return apply(self.text, [Splice(first, max(node.end, node.indicator_end), empty)])
        if node.dash >= 0:
            start = node.dash
        last = max(node.end, node.indicator_end, start + 1) - 1
        begin = line_start(self.text, start)
        if self.text[begin:start].strip(" \t"):
            # The first key of a mapping that is a list item (`- name: x`): the next key
            # moves up after the dash.
            following = entries[index + 1]
            next_start = following[0].start if following[0] is not None else following[1].start
            return apply(self.text, [Splice(start, next_start, "")])
        return apply(self.text, [Splice(begin, line_end(self.text, last), "")])


def hold(value: Any) -> Any:
    """YAML holds every value structconv reads."""
    return value


def set_at(text: str, data: Any, path: Path, value: Any, exists: bool, format: str) -> Edited:
    del data, format
    return _Editor(text).set(path, value, exists)


def delete_at(text: str, data: Any, path: Path, format: str) -> Edited:
    del data, format
    return _Editor(text).delete(path)
