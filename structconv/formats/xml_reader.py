"""XML reading: the secure parser, the element tree as Nodes, and the data form.

The conventions of the data are xml.py's docstring; writing is xml_writer.py.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

from lxml import etree

from structconv.errors import ParseError
from structconv.options import Options
from structconv.patterns import lazy_compile

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"

# libxml2's limits without XML_PARSE_HUGE (lxml's huge_tree).
PARSER_MAX_DEPTH = 256
PARSER_MAX_TEXT = 10_000_000
PARSER_HUGE_MAX_DEPTH = 2048

_DEFAULTS = Options()

XML_SPACE = " \t\r\n"
_ENCODING_DECLARATION = lazy_compile(
    r"""\A(<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])[^"'<>]*\2[ \t\r\n]+"""
    r"""encoding[ \t\r\n]*=[ \t\r\n]*(["']))([A-Za-z][A-Za-z0-9._\-]*)(\3)"""
)
_POSITION_SUFFIX = lazy_compile(r",? line \d+, column \d+\s*$")


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
    libxml2's limits unless the caller raised ours (xml_records.py's iterparse shares them)."""
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
    (False skips the nsmap look-ups). xml_records.py converts record elements with this.
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
            raise _too_deep(element, options)
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


def tree_to_data(root: etree._Element, options: Options, text: str) -> dict[str, Any]:
    """node_to_data(tree_to_node(...)): the data form of a parsed document, in one pass
    where no element below the root declares a namespace (see `element_to_data`)."""
    if text.count("xmlns") == len(root.nsmap):
        namespaces: dict[str | None, str] = dict(root.nsmap)
        attributes = _attributes(root, namespaces, {})
        try:
            return {element_name(root): element_to_data(root, options, 1, namespaces, attributes)}
        except RecursionError:
            pass  # deeper than Python's stack: the iterative path below
    return node_to_data(tree_to_node(root, options, text))


def element_to_data(
    element: etree._Element,
    options: Options,
    level: int,
    namespaces: dict[str | None, str],
    attributes: list[tuple[str, str]] | None = None,
) -> Any:
    """The value that node_to_data(element_to_node(element, options, False, level)) gives
    `element`, built in one recursive pass without Nodes (the hot path of reading XML).

    For a subtree in which no element declares a namespace: attribute names resolve
    against `namespaces`, the top's; `attributes`, when given, are the top's own (with
    its namespace declarations). Recursive: a caller falls back to the iterative
    two-pass path on RecursionError.
    """
    if attributes is not None:
        value: dict[str, Any] = {f"@{name}": text for name, text in attributes}
    elif element.attrib:
        value = {
            "@" + (name if name[0] != "{" else _attribute_name(name, namespaces)): text
            for name, text in cast("list[tuple[str, str]]", element.attrib.items())
        }
    else:
        value = {}
    text = element.text
    if not len(element):
        if not value:
            return text or ""
        if text:
            value["#text"] = text
        return value
    children: list[tuple[str, Any]] = []
    mixed = bool(text and text.strip(XML_SPACE))
    below = level + 1
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            if below > options.max_depth:
                raise _too_deep(child, options)
            name = tag if tag[0] != "{" else element_name(child)
            children.append((name, element_to_data(child, options, below, namespaces)))
        elif tag is etree.Entity and str(child.text).strip(XML_SPACE):
            mixed = True
        tail = child.tail
        if tail and not mixed and tail.strip(XML_SPACE):
            mixed = True
    if mixed or not children:
        pieces = _pieces(element, iter(children))
        if not children:
            if not value:
                return pieces[0] if pieces else ""
            if pieces:
                value["#text"] = pieces[0]
            return value
        value["#content"] = [
            piece if isinstance(piece, str) else {piece[0]: piece[1]} for piece in pieces
        ]
        return value
    if _grouped_names(children):
        for name, child_value in children:
            if name not in value:
                value[name] = child_value
            elif isinstance(value[name], list):
                value[name].append(child_value)
            else:
                value[name] = [value[name], child_value]
    else:
        value["#content"] = [{name: child_value} for name, child_value in children]
    return value


def _pieces(
    element: etree._Element, children: Iterator[tuple[str, Any]]
) -> list[str | tuple[str, Any]]:
    """The element's content in order, as `merged` gives it: text pieces (entity
    references as "&name;") joined where adjacent, empty ones left out; children as
    the (name, value) pairs of `children`, taken in order."""
    pieces: list[str | tuple[str, Any]] = []

    def add(text: str | None) -> None:
        if not text:
            return
        if pieces and isinstance(pieces[-1], str):
            pieces[-1] += text
        else:
            pieces.append(text)

    add(element.text)
    for child in element:
        if isinstance(child.tag, str):
            pieces.append(next(children))
        elif child.tag is etree.Entity:
            add(str(child.text))
        add(child.tail)
    return pieces


def _grouped_names(children: list[tuple[str, Any]]) -> bool:
    """`_grouped` over (name, value) pairs."""
    seen: set[str] = set()
    previous = None
    for name, _ in children:
        if name != previous:
            if name in seen:
                return False
            seen.add(name)
            previous = name
    return True


def _too_deep(element: etree._Element, options: Options) -> ParseError:
    return ParseError(
        f"the document nests deeper than {options.max_depth} elements",
        format="xml",
        line=int(getattr(element, "sourceline", None) or 0),
        hint="raise the limit with --max-depth (API: max_depth=) if the file is trusted",
        repairable=False,
    )


# ---------------------------------------------------------------- the data form


def merged(content: list[str | Node]) -> list[str | Node]:
    """Adjacent text pieces joined, empty ones left out."""
    joined: list[str | Node] = []
    for piece in content:
        if isinstance(piece, str):
            if not piece:
                continue
            if joined and isinstance(joined[-1], str):
                joined[-1] += piece
                continue
        joined.append(piece)
    return joined


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
        content = merged(node.content)
        children = [piece for piece in content if isinstance(piece, Node)]
        element: dict[str, Any] = {f"@{name}": value for name, value in node.attributes}
        if not children:
            text = "".join(piece for piece in content if isinstance(piece, str))
            if not element:
                values[id(node)] = text
                continue
            if text:
                element["#text"] = text
        elif any(isinstance(piece, str) and piece.strip(XML_SPACE) for piece in content):
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
