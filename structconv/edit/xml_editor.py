"""XML: a scan of the markup finds the target's characters; only those are replaced.

lxml (the strict reader) has already accepted the document; serializing its tree
again would respell attribute quotes, empty elements, character references and the
spacing inside tags, so the edit works on the text: a small scanner finds each
element's start tag, attributes, content and end tag, and the edit replaces an
attribute's value between its quotes, an element's text between its tags, or adds
or removes one attribute or one element (a new element on a line of its own, at its
siblings' indentation; a new attribute after the last one, with its quotes).

Paths follow structconv's XML convention: the root element's name first, `@name`
for an attribute, `[n]` for one of repeated elements, `"#text"` for the text of an
element that also has attributes. XML holds text: a number or boolean is written as
its text (`3`, `true`) and reads back as that string. Elements with mixed content
(text beside child elements) are refused.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

from structconv.edit.locate import with_value
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

_MARKUP = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[.*?\]\]>"
    r"|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^\[>\"']|\"[^\"]*\"|'[^']*'|\[(?:[^\]\"']|\"[^\"]*\"|'[^']*')*\])*>"
    r"|</(?P<end>[^\s>]+)\s*>"
    r"|<(?P<name>[^\s/>!?]+)(?P<attributes>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<empty>/?)>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"(\s+)([^\s=/>]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")


@dataclass
class _Attribute:
    name: str
    start: int  # the whitespace before the name
    end: int
    value_start: int  # inside the quotes
    value_end: int
    quote: str
    space: str  # the whitespace before it


@dataclass
class _Element:
    name: str
    start: int
    tag_end: int  # after the start tag's '>'
    empty: bool
    attributes_end: int  # after the last attribute (or the name)
    attributes: list[_Attribute] = field(default_factory=list)
    children: list[_Element] = field(default_factory=list)
    content_end: int = -1  # where the end tag starts
    end: int = -1  # after the end tag


def _scan(text: str) -> _Element:
    stack: list[_Element] = []
    root: _Element | None = None
    for match in _MARKUP.finditer(text):
        if match.group("name"):
            name_end = match.start() + 1 + len(match.group("name"))
            element = _Element(
                match.group("name"),
                match.start(),
                match.end(),
                bool(match.group("empty")),
                match.end("attributes"),
            )
            for found in _ATTRIBUTE.finditer(match.group("attributes")):
                offset = name_end
                element.attributes.append(
                    _Attribute(
                        found.group(2),
                        offset + found.start(),
                        offset + found.end(),
                        offset + found.start(4) + 1,
                        offset + found.end(4) - 1,
                        found.group(4)[0],
                        found.group(1),
                    )
                )
            if stack:
                stack[-1].children.append(element)
            elif root is None:
                root = element
            if element.empty:
                element.content_end = element.end = match.end()
            else:
                stack.append(element)
        elif match.group("end"):
            element = stack.pop()
            element.content_end = match.start()
            element.end = match.end()
    if root is None:
        raise EditRefused("no root element found")
    return root


def _escape(text: str, quote: str | None = None) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote is not None:
        text = text.replace(quote, "&quot;" if quote == '"' else "&apos;")
        text = text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return text.replace("\r", "&#13;")


def text_of(value: Any) -> str:
    """A scalar as XML text (what structconv's XML writer writes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value == int(value)
        and abs(value) < 1e16
    ):
        return repr(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        raise EditRefused("set an XML element's text or an attribute to a scalar, one at a time")
    return str(value)


class _Editor:
    def __init__(self, text: str) -> None:
        self.text = text
        self.root = _scan(text)

    def _children(self, element: _Element, name: Any) -> list[_Element]:
        return [child for child in element.children if child.name == name]

    def find(self, data: Any, path: Path) -> tuple[_Element, Any]:
        """The element at `path` (its data too); the path ends at an element."""
        if not path or path[0] != self.root.name:
            raise EditRefused(f"the path must start with the root element's name, {self.root.name}")
        element, node = self.root, data[self.root.name]
        index = 1
        while index < len(path):
            part = path[index]
            if isinstance(node, dict) and "#content" in node:
                raise EditRefused(
                    f"{display_path(path[:index])} has mixed content (text and elements)"
                )
            if not isinstance(part, str) or part.startswith(("@", "#")):
                raise EditRefused(f"{display_path(path[: index + 1])} is not an element")
            children = self._children(element, part)
            node = node[part]
            if isinstance(node, list):
                if index + 1 >= len(path) or not isinstance(path[index + 1], int):
                    return element, node  # the list as a whole (its parent element returned)
                position = path[index + 1]
                assert isinstance(position, int)
                element, node = children[position], node[position]
                index += 2
            else:
                element = children[0]
                index += 1
        return element, node

    def set(self, data: Any, path: Path, value: Any, exists: bool) -> Edited:
        last = path[-1]
        parent_path = path[:-1]
        if isinstance(last, int):
            parent_path = path  # an item of repeated elements: the element itself
        if isinstance(last, str) and last.startswith("@"):
            element, _ = self.find(data, parent_path)
            return apply(self.text, [self._attribute(element, last[1:], text_of(value))])
        if last == "#text":
            element, node = self.find(data, parent_path)
            return apply(self.text, [self._text(element, text_of(value))])
        if not exists:
            parent, node = self.find(data, parent_path)
            if isinstance(node, dict) and "#content" in node:
                raise EditRefused(
                    f"{display_path(parent_path)} has mixed content (text and elements)"
                )
            if not isinstance(node, dict) and node not in ("", None):
                raise EditRefused(
                    f"{display_path(parent_path)} holds text: it cannot hold an element too"
                )
            return apply(self.text, [self._add_child(parent, str(last), text_of(value))])
        element, node = self.find(data, path)
        if isinstance(node, list):
            raise EditRefused(f"{display_path(path)} is repeated: name one as [n]")
        if isinstance(node, dict):
            raise EditRefused(
                f'{display_path(path)} has attributes or child elements: set its "#text" or a child'
            )
        return apply(self.text, [self._text(element, text_of(value))])

    def _attribute(self, element: _Element, name: str, value: str) -> Splice:
        for attribute in element.attributes:
            if attribute.name == name:
                escaped = _escape(value, attribute.quote)
                return Splice(attribute.value_start, attribute.value_end, escaped)
        quote = element.attributes[-1].quote if element.attributes else '"'
        space = element.attributes[-1].space if element.attributes else " "
        at = element.attributes_end
        return Splice(at, at, f"{space}{name}={quote}{_escape(value, quote)}{quote}")

    def _text(self, element: _Element, value: str) -> Splice:
        if element.children:
            raise EditRefused(f"<{element.name}> has child elements: set one of them")
        if element.empty:
            head = self.text[element.start : element.tag_end]
            opened = head[: head.rstrip()[:-2].rstrip().__len__()] + ">"
            return Splice(
                element.start, element.end, opened + _escape(value) + f"</{element.name}>"
            )
        return Splice(element.tag_end, element.content_end, _escape(value))

    def _add_child(self, parent: _Element, name: str, value: str) -> Splice:
        new = f"<{name}>{_escape(value)}</{name}>" if value else f"<{name}/>"
        if parent.children:
            last = parent.children[-1]
            at = last.end
            if alone_on_lines(self.text, last.start, last.end):
                return Splice(at, at, "\n" + indentation(self.text, last.start) + new)
            return Splice(at, at, new)
        if parent.empty:
            head = self.text[parent.start : parent.tag_end]
            opened = head[: head.rstrip()[:-2].rstrip().__len__()] + ">"
            return Splice(parent.start, parent.end, opened + new + f"</{parent.name}>")
        if self.text[parent.tag_end : parent.content_end].strip():
            raise EditRefused(f"<{parent.name}> holds text: it cannot hold an element too")
        return Splice(parent.tag_end, parent.content_end, new)

    def delete(self, data: Any, path: Path) -> Edited:
        last = path[-1]
        if isinstance(last, str) and last.startswith("@"):
            element, _ = self.find(data, path[:-1])
            attribute = next(a for a in element.attributes if a.name == last[1:])
            return apply(self.text, [Splice(attribute.start, attribute.end, "")])
        if last == "#text":
            raise EditRefused("delete the element, or set its \"#text\" to ''")
        element, node = self.find(data, path)
        if isinstance(node, list):
            first, final = self._children(self.find(data, path[:-1])[0], last)[
                0 :: len(node) - 1 or 1
            ][:2]
            start, end = first.start, final.end
        else:
            start, end = element.start, element.end
        if alone_on_lines(self.text, start, end) or _comment_follows(self.text, start, end):
            return apply(
                self.text, [Splice(line_start(self.text, start), line_end(self.text, end), "")]
            )
        return apply(self.text, [Splice(start, end, "")])


def _comment_follows(text: str, start: int, end: int) -> bool:
    """Only spaces before the element on its line, and only a comment after it (its note)."""
    rest = text[end : line_end(text, end)].strip()
    return (
        not text[line_start(text, start) : start].strip()
        and rest.startswith("<!--")
        and rest.endswith("-->")
        and rest.count("<!--") == 1
    )


def hold(value: Any) -> Any:
    """XML holds text: the value as structconv's XML reader gives it back."""
    return text_of(value)


def set_at(text: str, data: Any, path: Path, value: Any, exists: bool, format: str) -> Edited:
    del format
    return _Editor(text).set(data, path, value, exists)


def delete_at(text: str, data: Any, path: Path, format: str) -> Edited:
    del format
    return _Editor(text).delete(data, path)


def expected_after_delete(data: Any, path: Path, expected: Any, new_text: str) -> Any:
    """The XML convention after a removal: one element left of several is no longer a
    list, an element left with only its text is that text, and one left with nothing
    holds the whitespace that stays between its tags."""
    parent_path = path[:-2] if isinstance(path[-1], int) else path[:-1]
    node = expected
    for part in parent_path:
        node = node[part]
    if isinstance(path[-1], int):
        items = node[path[-2]]
        if len(items) == 1:
            expected = with_value(expected, path[:-1], items[0])
        return expected
    if isinstance(node, dict) and set(node) <= {"#text"}:
        if "#text" in node:
            return with_value(expected, parent_path, node["#text"])
        element, _ = _Editor(new_text).find(expected, parent_path)
        inside = new_text[element.tag_end : element.content_end] if not element.empty else ""
        return with_value(expected, parent_path, inside)
    return expected
