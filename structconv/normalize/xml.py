"""XML: lxml pretty printing that keeps the declaration, the DOCTYPE, comments,
processing instructions, CDATA sections and entity references.

Only element-only content is re-indented. An element whose own text or whose
children's tails hold anything but whitespace (mixed content), or that asks for
`xml:space="preserve"`, keeps its whole subtree exactly as written: there the
whitespace is part of the text. (lxml's own `etree.indent` would add line breaks
inside mixed content, changing the text.) With sort_keys, attributes are sorted by
name; elements keep their order, which is the document's.
"""

from __future__ import annotations

from lxml import etree

from structconv.normalize.settings import NormalizeSettings
from structconv.patterns import lazy_compile

_DECLARATION = lazy_compile(r"\A\s*(<\?xml[ \t\r\n][^?]*\?>)")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _keeps_layout(element: etree._Element) -> bool:
    if element.get(_XML_SPACE) == "preserve":
        return True
    if len(element) and not _blank(element.text):
        return True
    # An entity reference is a piece of text, so its parent has mixed content.
    return any(not _blank(child.tail) or child.tag is etree.Entity for child in element)


def _indent(element: etree._Element, level: int, step: str) -> None:
    """Line breaks and `step` per level between children, for element-only content."""
    stack = [(element, level)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node.tag, str) or not len(node) or _keeps_layout(node):
            continue
        node.text = "\n" + step * (depth + 1)
        for child in node:
            child.tail = "\n" + step * (depth + 1)
            stack.append((child, depth + 1))
        node[-1].tail = "\n" + step * depth


def _sort_attributes(root: etree._Element) -> None:
    """Attributes in name order (their order carries no meaning in XML)."""
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element.attrib) < 2:
            continue
        pairs = sorted(element.attrib.items())
        element.attrib.clear()
        for name, value in pairs:
            element.set(name, value)


def _render(root: etree._Element) -> str:
    """The document, with the DOCTYPE and each top-level comment or processing
    instruction on a line of its own (lxml writes them with no break between)."""
    rendered = etree.tostring(root.getroottree(), encoding="unicode")
    before = list(root.itersiblings(preceding=True))[::-1]
    after = list(root.itersiblings())
    if not before and not after:
        return rendered.strip()
    pieces = [etree.tostring(node, encoding="unicode", with_tail=False) for node in before]
    pieces.append(etree.tostring(root, encoding="unicode", with_tail=False))
    pieces.extend(etree.tostring(node, encoding="unicode", with_tail=False) for node in after)
    body = "".join(pieces)
    if not rendered.endswith(body):
        return rendered.strip()  # an unexpected serialization: keep lxml's as it is
    doctype = rendered[: len(rendered) - len(body)].strip()
    return "\n".join(([doctype] if doctype else []) + pieces)


def normalize(text: str, settings: NormalizeSettings) -> str:
    declaration = _DECLARATION.match(text)
    body = text[declaration.end() :] if declaration else text
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=False,
        huge_tree=True,
    )
    root = etree.fromstring(body.lstrip().encode("utf-8"), parser)
    _indent(root, 0, " " * settings.indent)
    if settings.sort_keys:
        _sort_attributes(root)
    root.tail = None
    head = declaration.group(1) + "\n" if declaration else ""
    return head + _render(root) + "\n"
