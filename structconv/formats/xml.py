"""XML: secure reading with lxml, exact writing by hand, typed data through XML Schema.

Reading never expands entities, never touches the network or a DTD file, and keeps
libxml2's limits for untrusted input (depth 256, one text node 10 MB); raising
`max_depth` or `max_bytes` above their defaults lifts those limits (a trusted file).
An entity reference declared in a DTD is kept as its literal text "&name;".

The data (without a schema everything is text: XML has no numbers or lists):
- the document is `{root_tag: element}`;
- an element with only text is that string; an empty one is "" (not None, so that
  XML -> XML never meets the null policy);
- otherwise a dict: attributes under "@name", text beside attributes under "#text",
  children under their tag, a repeated child as a list of its values;
- namespaces keep their prefixes ("ns:tag", "@xml:lang") and declarations are kept
  as "@xmlns" / "@xmlns:ns" attributes, so that writing back gives the same names;
- CDATA is read as text; comments and processing instructions are dropped.

Order: xmltodict and yq gather text pieces and same-named children, so
`<p>Hello <b>world</b> and <i>you</i>!</p>` loses where the text stood. Here an
element whose text between children is not only whitespace (mixed content), or whose
children could not be grouped by name without reordering them (`<b/><c/><b/>`),
holds "#content": a list, in document order, of strings (text kept exactly) and
one-key dicts `{tag: element}`:
    {"p": {"#content": ["Hello ", {"b": "world"}, " and ", {"i": "you"}, "!"]}}
Whitespace-only text between children of an element that is not mixed is
formatting and is dropped; inside a mixed element nothing is indented on writing.

Writing turns any data into the one form that reading gives back (`represent`), so
the written text always re-reads as exactly that data: scalars are spelled as text
(True -> "true", 1.5 -> "1.5", dates ISO 8601), a list of one item reads back as one
element and an empty list or mapping as "". With `options.schema` values are typed,
lists follow maxOccurs and elements are ordered and validated by the schema instead
(see xml_schema.py).
"""

from __future__ import annotations

import codecs
import datetime
import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

from lxml import etree

from structconv.errors import ParseError, UnrepresentableError, UsageError
from structconv.formats import Codec, note, without_gc
from structconv.neutral import PathPart, format_path
from structconv.options import Options

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"

# libxml2's limits without XML_PARSE_HUGE (lxml's huge_tree).
PARSER_MAX_DEPTH = 256
PARSER_MAX_TEXT = 10_000_000
PARSER_HUGE_MAX_DEPTH = 2048

_DEFAULTS = Options()

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


_TEXT_PIECE = re.compile(r"#\d+")  # xmlschema's mixed-content keys ("#1", "#2", ...)
_XML_SPACE = " \t\r\n"
_ENCODING_DECLARATION = re.compile(
    r"""\A(<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])[^"'<>]*\2[ \t\r\n]+"""
    r"""encoding[ \t\r\n]*=[ \t\r\n]*(["']))([A-Za-z][A-Za-z0-9._\-]*)(\3)"""
)
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+\s*$")
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


@dataclass(eq=False)
class Node:
    """One element: its attributes and its content (text pieces and children) in order."""

    name: str
    attributes: list[tuple[str, str]] = field(default_factory=list)
    content: list[str | Node] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def _trusted(options: Options) -> bool:
    """The caller raised a limit: parse with libxml2's huge-document mode."""
    return options.max_depth > _DEFAULTS.max_depth or options.max_bytes > _DEFAULTS.max_bytes


def reader_depth(options: Options) -> int:
    """The deepest element nesting that reading will accept with these options."""
    return min(options.max_depth, PARSER_HUGE_MAX_DEPTH if _trusted(options) else PARSER_MAX_DEPTH)


def _utf8(text: str) -> bytes:
    """UTF-8 bytes whose declaration agrees (lxml refuses a str that declares an encoding).

    An encoding Python does not know is left as declared, so that libxml2 reports it.
    """
    declared = _ENCODING_DECLARATION.match(text)
    if declared:
        try:
            codecs.lookup(declared.group(4))
        except LookupError:
            pass
        else:
            text = declared.group(1) + "UTF-8" + declared.group(5) + text[declared.end() :]
    return text.encode("utf-8", "surrogatepass")


def snippet(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1][:200] if 0 < line <= len(lines) else ""


def _syntax_error(text: str, error: etree.XMLSyntaxError, options: Options) -> ParseError:
    line, column = error.position if error.position else (0, 0)
    message = _POSITION_SUFFIX.sub("", error.msg or str(error)) or "not well-formed XML"
    hint = "fix the XML at that position"
    limit = False  # a limit against hostile input, which no repair may work around
    if "Excessive depth" in message:
        limit = True
        depth = reader_depth(options)
        if depth < PARSER_MAX_DEPTH or _trusted(options):
            message = f"the document nests deeper than {depth} elements, the limit in force"
            hint = "raise --max-depth (API: max_depth=) if the file is trusted"
        else:
            message = f"the document nests deeper than {PARSER_MAX_DEPTH} elements, the limit for untrusted input"
            hint = f"if the file is trusted, raise --max-depth above {_DEFAULTS.max_depth} (API: max_depth=)"
    elif "huge" in message.lower() or "too long" in message.lower():
        limit = True
        message = f"{message}: over the limit for untrusted input ({PARSER_MAX_TEXT:,} characters in one text or name)"
        hint = f"if the file is trusted, raise --max-bytes above {_DEFAULTS.max_bytes:,} (API: max_bytes=)"
    elif "amplification" in message:
        limit = True
        message = "the DTD declares entities that would expand enormously (a billion-laughs attack)"
        hint = "entities are never expanded; remove the DTD's entity declarations"
    elif "entity" in message.lower():
        hint = "entities are not expanded and DTDs are not read; write the text itself"
    return ParseError(
        message,
        format="xml",
        line=line,
        column=column,
        snippet=snippet(text, line),
        hint=hint,
        repairable=not limit,
    )


class ParserSettings(TypedDict):
    resolve_entities: bool
    no_network: bool
    huge_tree: bool
    load_dtd: bool
    dtd_validation: bool
    attribute_defaults: bool
    remove_comments: bool
    remove_pis: bool


def parser_settings(options: Options) -> ParserSettings:
    """The parser's settings: no entity expansion, network, DTD, comments or PIs, and
    libxml2's limits unless the caller raised ours (streaming.py's iterparse shares them)."""
    return ParserSettings(
        resolve_entities=False,
        no_network=True,
        huge_tree=_trusted(options),
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_tree(text: str, options: Options) -> etree._Element:
    """The root element, parsed without entity expansion, network, DTD or comments."""
    parser = etree.XMLParser(**parser_settings(options))
    try:
        return etree.fromstring(_utf8(text.removeprefix("\ufeff")), parser)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(text, error, options) from None
    except (etree.LxmlError, ValueError) as error:
        raise ParseError(str(error), format="xml", hint="fix the XML") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def element_name(element: etree._Element) -> str:
    prefix = element.prefix
    local = _local(str(element.tag))
    return f"{prefix}:{local}" if prefix else local


def _attribute_name(name: str, namespaces: dict[str | None, str]) -> str:
    if not name.startswith("{"):
        return name
    uri, _, local = name[1:].partition("}")
    if uri == XML_NAMESPACE:
        return f"xml:{local}"
    for prefix, bound in namespaces.items():
        if prefix and bound == uri:
            return f"{prefix}:{local}"
    return local  # unreachable for parsed XML: an attribute's namespace always has a prefix


def _attributes(
    element: etree._Element, namespaces: dict[str | None, str], inherited: dict[str | None, str]
) -> list[tuple[str, str]]:
    attributes = [
        ("xmlns" if prefix is None else f"xmlns:{prefix}", uri)
        for prefix, uri in namespaces.items()
        if inherited.get(prefix) != uri
    ]
    attributes.extend(
        (_attribute_name(str(name), namespaces), str(value))
        for name, value in element.attrib.items()
    )
    return attributes


def tree_to_node(root: etree._Element, options: Options, text: str) -> Node:
    """The Node tree of a parsed document; iterative, so any depth the parser took is fine.

    When "xmlns" occurs in `text` only as often as the root declares namespaces, no other
    element declares any, and the costly per-element nsmap look-ups are skipped.
    """
    return element_to_node(root, options, text.count("xmlns") != len(root.nsmap))


def element_to_node(
    top_element: etree._Element,
    options: Options,
    declarations_below: bool,
    level: int = 1,
) -> Node:
    """The Node tree of `top_element` and its descendants, as they read in their document:
    `level` is the top's depth there (the root is 1), its namespaces are compared with its
    parent's; `declarations_below`: whether an element below the top may declare one
    (False skips the nsmap look-ups). streaming.py converts record elements with this.
    """
    top_namespaces: dict[str | None, str] = dict(top_element.nsmap)
    parent = top_element.getparent()
    top = Node(element_name(top_element))
    inherited = {} if parent is None else dict(parent.nsmap)
    top.attributes = _attributes(top_element, top_namespaces, inherited)
    if top_element.text:
        top.content.append(top_element.text)
    nodes: dict[etree._Element, tuple[Node, int]] = {top_element: (top, level)}
    elements = top_element.iter()
    next(elements)  # the top itself
    for element in elements:
        parent = cast(etree._Element, element.getparent())
        parent_node, parent_level = nodes[parent]
        if not isinstance(element.tag, str):
            if element.tag is etree.Entity:
                parent_node.content.append(str(element.text))  # "&name;", not expanded
            if element.tail:
                parent_node.content.append(element.tail)
            continue
        node, depth = Node(element_name(element)), parent_level + 1
        if depth > options.max_depth:
            raise ParseError(
                f"the document nests deeper than {options.max_depth} elements",
                format="xml",
                line=int(getattr(element, "sourceline", None) or 0),
                hint="raise the limit with --max-depth (API: max_depth=) if the file is trusted",
                repairable=False,
            )
        parent_node.content.append(node)
        if element.tail:
            parent_node.content.append(element.tail)
        if declarations_below:
            inherited = dict(parent.nsmap)
            node.attributes = _attributes(element, dict(element.nsmap), inherited)
        elif element.attrib:
            node.attributes = [
                (_attribute_name(str(name), top_namespaces), str(value))
                for name, value in element.attrib.items()
            ]
        if element.text:
            node.content.append(element.text)
        nodes[element] = (node, depth)
    return top


# ---------------------------------------------------------------- the data form


def _merged(content: list[str | Node]) -> list[str | Node]:
    """Adjacent text pieces joined, empty ones left out."""
    merged: list[str | Node] = []
    for piece in content:
        if isinstance(piece, str):
            if not piece:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += piece
                continue
        merged.append(piece)
    return merged


def _grouped(children: list[Node]) -> bool:
    """Whether grouping children by name keeps their order (each name in one run)."""
    seen: set[str] = set()
    previous = None
    for child in children:
        if child.name != previous:
            if child.name in seen:
                return False
            seen.add(child.name)
            previous = child.name
    return True


def _all_nodes(top: Node) -> list[Node]:
    order: list[Node] = []
    stack = [top]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(piece for piece in node.content if isinstance(piece, Node))
    return order


def node_to_data(top: Node) -> dict[str, Any]:
    """The one data form of a Node tree (module docstring); children before parents."""
    values: dict[int, Any] = {}
    for node in reversed(_all_nodes(top)):
        content = _merged(node.content)
        children = [piece for piece in content if isinstance(piece, Node)]
        element: dict[str, Any] = {f"@{name}": value for name, value in node.attributes}
        if not children:
            text = "".join(piece for piece in content if isinstance(piece, str))
            if not element:
                values[id(node)] = text
                continue
            if text:
                element["#text"] = text
        elif any(isinstance(piece, str) and piece.strip(_XML_SPACE) for piece in content):
            element["#content"] = [
                piece if isinstance(piece, str) else {piece.name: values.pop(id(piece))}
                for piece in content
            ]
        elif _grouped(children):
            for child in children:
                value = values.pop(id(child))
                if child.name not in element:
                    element[child.name] = value
                elif isinstance(element[child.name], list):
                    element[child.name].append(value)
                else:
                    element[child.name] = [element[child.name], value]
        else:
            element["#content"] = [{child.name: values.pop(id(child))} for child in children]
        values[id(node)] = element
    return {top.name: values[id(top)]}


def _loads(text: str, options: Options) -> Any:
    if options.schema is not None:
        import structconv.formats.xml_schema as xml_schema

        return xml_schema.loads(text, options)
    with without_gc():
        return node_to_data(tree_to_node(parse_tree(text, options), options, text))


# ---------------------------------------------------------------- writing


def _spell(value: Any) -> str | None:
    """The text of a scalar (xs:boolean and xs:double spellings); None: not a scalar."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return None


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
            and not any(cast(str, content[index]).strip(_XML_SPACE) for index in written)
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

    def document(self, data: Any) -> Node:
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


def single_root(data: Any, options: Options) -> tuple[str, Any, tuple[PathPart, ...]]:
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


def data_to_node(data: Any, options: Options) -> Node:
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
        content = _merged(item.content)
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


def represent(data: Any, options: Options) -> Any:
    if options.schema is not None:
        import structconv.formats.xml_schema as xml_schema

        return xml_schema.represent(data, options)
    with without_gc():
        return node_to_data(data_to_node(data, options))


def dumps(data: Any, options: Options) -> str:
    if options.schema is not None:
        import structconv.formats.xml_schema as xml_schema

        text: str = xml_schema.dumps(data, options)
        return text
    with without_gc():
        return serialize(data_to_node(data, options), options.indent)


CODEC = Codec(
    name="xml",
    suffixes=(".xml", ".xsd", ".svg"),
    loads=_loads,
    represent=represent,
    dumps=dumps,
    reread=_loads,
)
