"""XML writing: any neutral data -> the one Node tree that reading gives back -> text.

The conventions of the data are xml.py's docstring; reading is xml_reader.py.
"""

from __future__ import annotations

import functools
import re
from typing import Any, cast

from structconv.errors import UnrepresentableError, UsageError
from structconv.formats.xml_reader import XML_SPACE, Node, merged, reader_depth
from structconv.neutral import Data, PathPart, format_path, scalar_spelling
from structconv.notes import note
from structconv.options import Options
from structconv.patterns import lazy_compile

_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NCNAME = f"[{_NAME_START}][{_NAME_CHAR}]*"


@functools.cache
def _qname() -> re.Pattern[str]:
    """Compiled when XML is first written: its Unicode classes take 10 ms to compile, which
    every process that only reads XML (each worker of a batch) would pay at import."""
    return re.compile(f"(?:({_NCNAME}):)?{_NCNAME}")


@functools.cache
def _not_xml_char() -> re.Pattern[str]:
    """Compiled on first use, as `_qname` (5 ms)."""
    return re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_TEXT_PIECE = lazy_compile(r"#\d+")  # xmlschema's mixed-content keys ("#1", "#2", ...)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


# ---------------------------------------------------------------- writing


def _spell(value: Any) -> str | None:
    """The text of a scalar (xs:boolean and xs:double spellings); None: not a scalar."""
    if isinstance(value, str):
        return value
    return scalar_spelling(value, "NaN", "INF")


class _Writer:
    """Neutral data -> a Node tree, refusing what XML cannot hold with the path."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.stack: list[tuple[Node, Any, tuple[PathPart, ...], frozenset[str]]] = []
        self.levels: dict[int, int] = {}
        self.max_depth = reader_depth(options)

    def refuse(
        self, path: tuple[PathPart, ...], why: str, option: str = ""
    ) -> UnrepresentableError:
        return UnrepresentableError(format_path(path), "xml", why, option)

    def text(self, path: tuple[PathPart, ...], value: Any) -> str:
        spelled = _spell(value)
        if spelled is None:
            raise self.refuse(path, f"a {type(value).__name__} value has no XML text")
        bad = _not_xml_char().search(spelled)
        if bad:
            raise self.refuse(
                path,
                f"the character U+{ord(bad.group()):04X} cannot appear in XML 1.0",
                "remove it or encode the value (for example base64) first",
            )
        return spelled

    def null(self, path: tuple[PathPart, ...]) -> bool:
        """Whether a None is written as an empty value (False: left out)."""
        if self.options.null == "error":
            raise self.refuse(path, "XML has no null", "pass --null empty or --null drop")
        return self.options.null == "empty"

    def name(self, path: tuple[PathPart, ...], key: Any) -> str:
        if not isinstance(key, str):
            raise self.refuse(path, f"the key {key!r} is a {type(key).__name__}, not an XML name")
        if not _qname().fullmatch(key):
            raise self.refuse(path, f"{key!r} is not an XML name", "rename the key")
        return key

    def declared(
        self, path: tuple[PathPart, ...], name: str, scope: frozenset[str], attribute: bool = False
    ) -> None:
        prefix, colon, _ = name.partition(":")
        if not colon or prefix in scope or (attribute and prefix == "xmlns"):
            return
        if prefix == "xmlns":
            raise self.refuse(path, "the prefix 'xmlns' is for namespace declarations (attributes)")
        raise self.refuse(
            path,
            f"the namespace prefix {prefix!r} is not declared",
            f"add an '@xmlns:{prefix}' attribute to this element or an ancestor",
        )

    def child(
        self, node: Node, name: str, value: Any, path: tuple[PathPart, ...], scope: frozenset[str]
    ) -> None:
        """One child element per value, one per item of a list; an empty list is one
        empty element (leaving it out would lose its key)."""
        if isinstance(value, list) and value:
            for index, item in enumerate(value):
                self.one_child(node, name, item, path + (index,), scope)
        else:
            self.one_child(node, name, value, path, scope)

    def one_child(
        self, node: Node, name: str, value: Any, path: tuple[PathPart, ...], scope: frozenset[str]
    ) -> None:
        if value is None and not self.null(path):
            return
        level = self.levels[id(node)] + 1
        if level > self.max_depth:
            raise self.refuse(
                path,
                f"the data nests deeper than {self.max_depth} elements, more than reading XML accepts",
                "raise --max-depth (API: max_depth=) if the output is trusted",
            )
        child = Node(name)
        self.levels[id(child)] = level
        node.content.append(child)
        self.stack.append((child, value, path, scope))

    def fill(
        self, node: Node, value: Any, path: tuple[PathPart, ...], scope: frozenset[str]
    ) -> None:
        if isinstance(value, dict):
            scope = scope | {
                key[7:] for key in value if isinstance(key, str) and key.startswith("@xmlns:")
            }
        self.declared(path, node.name, scope)
        if value is None:
            return
        if isinstance(value, dict | list) and not value:
            note(
                "xml-empty-container",
                f"{format_path(path)}: an empty list or mapping is written as an empty "
                'element, which reads back as "" (the same for any others)',
            )
            return
        if isinstance(value, list):
            for index, item in enumerate(value):
                self.one_child(node, self.options.item, item, path + (index,), scope)
            return
        if not isinstance(value, dict):
            node.content.append(self.text(path, value))
            return
        texts: dict[int, tuple[PathPart, ...]] = {}  # node.content index -> the text's path
        content_key: Any = None  # the first key written as content (text or a child)
        for key, item in value.items():
            here = path + (key,)
            if isinstance(key, str) and key.startswith("@"):
                if content_key is not None:
                    self.attribute_moved(here, key, content_key)
                self.attribute(node, key, item, here, scope)
                continue
            content_key = key if content_key is None else content_key
            if key == "#text" or (isinstance(key, str) and _TEXT_PIECE.fullmatch(key)):
                if item is None:
                    self.null(here)
                elif isinstance(item, dict | list):
                    raise self.refuse(here, f"{key} holds text, not a mapping or list")
                else:
                    texts[len(node.content)] = here
                    node.content.append(self.text(here, item))
            elif key == "#content":
                self.content(node, item, here, scope, texts)
            else:
                self.child(node, self.name(here, key), item, here, scope)
        if texts:
            self.check_texts(node, texts)

    def attribute_moved(self, path: tuple[PathPart, ...], key: str, before: Any) -> None:
        note(
            "xml-attribute-order",
            f"{format_path(path)}: XML writes attributes in the start tag, before the "
            f"element's content, so {key!r} now comes before {before!r} "
            "(and the same for any other such attribute)",
        )

    def check_texts(self, node: Node, texts: dict[int, tuple[PathPart, ...]]) -> None:
        """Refuse text that reading would drop or join with other text: whitespace beside
        child elements is formatting, and two pieces side by side read back as one. An
        empty text is no text, in XML as in the data read from it (`#text: ""` beside
        attributes reads back as no "#text"): it is left out."""
        content = node.content
        written = {index: path for index, path in texts.items() if content[index]}
        previous = -2
        for index, piece in enumerate(content):
            if index in written:
                if previous in written:
                    raise self.refuse(
                        written[index],
                        "two text pieces side by side read back as one",
                        "join them into one string, or put an element between them",
                    )
                previous = index
            elif not isinstance(piece, str):
                previous = index
        has_children = len(texts) < len(content)
        if (
            has_children
            and written
            and not any(cast(str, content[index]).strip(XML_SPACE) for index in written)
        ):
            raise self.refuse(
                written[min(written)],
                "text of only whitespace beside child elements reads back as formatting "
                "and is dropped",
                "remove it, or keep it in an element of its own",
            )

    def attribute(
        self, node: Node, key: str, value: Any, path: tuple[PathPart, ...], scope: frozenset[str]
    ) -> None:
        name = self.name(path, key[1:])
        self.declared(path, name, scope, attribute=True)
        if value is None:
            if self.null(path):
                node.attributes.append((name, ""))
            return
        if isinstance(value, dict | list):
            raise self.refuse(path, "an attribute holds text, not a mapping or list")
        node.attributes.append((name, self.text(path, value)))

    def content(
        self,
        node: Node,
        items: Any,
        path: tuple[PathPart, ...],
        scope: frozenset[str],
        texts: dict[int, tuple[PathPart, ...]],
    ) -> None:
        if not isinstance(items, list):
            raise self.refuse(path, "#content holds a list of text and {tag: element} items")
        for index, item in enumerate(items):
            here = path + (index,)
            if isinstance(item, dict) and len(item) == 1:
                ((name, value),) = item.items()
                self.child(node, self.name(here + (name,), name), value, here + (name,), scope)
            elif isinstance(item, dict | list):
                raise self.refuse(
                    here, "a #content item is text or a one-key mapping {tag: element}"
                )
            elif item is None:
                self.null(here)
            else:
                texts[len(node.content)] = here
                node.content.append(self.text(here, item))

    def document(self, data: Data) -> Node:
        name, value, path = single_root(data, self.options)
        scope = frozenset({"xml"})
        top = Node(self.name(path, name))
        if value is None and not self.null(path):
            raise self.refuse(
                path, "the root element cannot be left out", "pass --null empty to write it empty"
            )
        self.levels[id(top)] = 1
        self.stack.append((top, value, path, scope))
        while self.stack:
            node, item, here, inherited = self.stack.pop()
            mark = len(self.stack)
            self.fill(node, item, here, inherited)
            # Its children next, first to last: errors and notes name the first place in
            # document order.
            self.stack[mark:] = self.stack[mark:][::-1]
        return top


def single_root(data: Data, options: Options) -> tuple[str, Any, tuple[PathPart, ...]]:
    """The root element's name and value: the data's one key, or options.root around it."""
    if isinstance(data, dict) and len(data) == 1:
        ((name, value),) = data.items()
        if (
            isinstance(name, str)
            and not name.startswith(("@", "#"))
            and not isinstance(value, list)
        ):
            return name, value, (name,)
    if options.root is None:
        if isinstance(data, dict):
            shape = (
                f"a mapping with {len(data)} keys"
                if len(data) != 1
                else "a mapping whose one key is not one element"
            )
        else:
            shape = f"a {type(data).__name__}"
        raise UnrepresentableError(
            "$",
            "xml",
            f"XML needs a single root element, and the data is {shape}",
            "pass --root NAME to wrap it",
        )
    if not _qname().fullmatch(options.root) or ":" in options.root:
        raise UsageError(f"--root {options.root!r} is not an XML element name")
    return options.root, data, ()


def data_to_node(data: Data, options: Options) -> Node:
    if not _qname().fullmatch(options.item) or ":" in options.item:
        raise UsageError(f"--item {options.item!r} is not an XML element name")
    return _Writer(options).document(data)


def serialize(top: Node, indent: int) -> str:
    """The text of a Node tree; only element-only content is indented."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    stack: list[tuple[str | Node, int]] = [(top, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        out.append(f"<{item.name}")
        for name, value in item.attributes:
            out.append(f' {name}="{value.translate(_ATTRIBUTE_ESCAPES)}"')
        content = merged(item.content)
        if not content:
            out.append("/>")
            continue
        out.append(">")
        pretty = indent > 0 and not any(isinstance(piece, str) for piece in content)
        closing = f"</{item.name}>"
        stack.append(("\n" + " " * (indent * level) + closing if pretty else closing, level))
        for piece in reversed(content):
            if isinstance(piece, str):
                stack.append((piece.translate(_TEXT_ESCAPES), level))
            else:
                stack.append((piece, level + 1))
                if pretty:
                    stack.append(("\n" + " " * (indent * (level + 1)), level))
    out.append("\n")
    return "".join(out)
