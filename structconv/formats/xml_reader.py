"""XML reading: the secure parser, the element tree as Nodes, and the data form.

The conventions of the data are xml.py's docstring; writing is xml_writer.py.
"""

from __future__ import annotations

import codecs
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
