"""XML through an XML Schema (options.schema): typed values, lists per maxOccurs, order.

xmlschema does the work with its own UnorderedConverter, set to our conventions
("@" attributes, "#text"; mixed-content text pieces as "#1", "#2", ... as xmlschema
numbers them): decoding gives xs:int -> int, xs:boolean -> bool, xs:decimal -> float,
and a list wherever maxOccurs > 1, even for one element; encoding puts children in
the schema's order, so JSON data with keys in any order writes valid XML. Dates stay
ISO 8601 strings. The document is still parsed by the secure parser of xml_reader.py;
xmlschema only sees the tree.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree

from structconv.errors import ParseError, UnrepresentableError, UsageError
from structconv.formats.xml_reader import element_name, parse_tree, snippet
from structconv.formats.xml_writer import single_root
from structconv.neutral import Data, format_path
from structconv.options import Options
from structconv.patterns import lazy_compile

CONVERTER: dict[str, Any] = {
    "converter": xmlschema.UnorderedConverter,
    "attr_prefix": "@",
    "text_key": "#text",
    "cdata_prefix": "#",
    "preserve_root": True,
    "decimal_type": float,
}
_STEP = lazy_compile(r"([^/\[\]]+)(?:\[(\d+)\])?")


@functools.lru_cache(maxsize=8)
def _load(path: str, modified: int) -> Any:
    del modified  # part of the cache key: an edited schema is loaded again
    try:
        return xmlschema.XMLSchema(path, allow="local")
    except (xmlschema.XMLSchemaException, OSError, SyntaxError, ValueError) as error:
        raise UsageError(f"cannot load the XML Schema {path}: {error}") from None


def load_schema(path: str) -> Any:
    """The schema at `path`, loaded once per version of the file; no network access."""
    try:
        resolved = Path(path).resolve()
        modified = resolved.stat().st_mtime_ns
    except OSError as error:
        raise UsageError(f"cannot read the XML Schema {path}: {error.strerror}") from None
    return _load(str(resolved), modified)


def data_path(xpath: str | None) -> str:
    """xmlschema's `/order/item[2]` -> our `$.order.item[1]` (XPath counts from 1)."""
    text = "$"
    for step in (xpath or "").strip("/").split("/"):
        match = _STEP.fullmatch(step)
        if not match:
            continue
        name, position = match.groups()
        text += f".{name}" if name.isidentifier() else f"[{name!r}]"
        if position:
            text += f"[{int(position) - 1}]"
    return text


def _element_path(element: Any) -> str | None:
    """`/order/item[2]` for an lxml element of an encoded tree (xmlschema leaves some paths out)."""
    if not isinstance(element, etree._Element):
        return None
    steps: list[str] = []
    current: etree._Element | None = element
    while current is not None:
        parent = current.getparent()
        step = element_name(current)
        if parent is not None:
            namesakes = [sibling for sibling in parent if sibling.tag == current.tag]
            if len(namesakes) > 1:
                step += f"[{namesakes.index(current) + 1}]"
        steps.append(step)
        current = parent
    return "/" + "/".join(reversed(steps))


def loads(text: str, options: Options) -> Data:
    assert options.schema is not None
    schema = load_schema(options.schema)
    root = parse_tree(text, options)
    try:
        return schema.decode(root, validation="strict", **CONVERTER)
    except xmlschema.XMLSchemaValidationError as error:
        line = int(error.sourceline or 0)
        raise ParseError(
            f"{data_path(error.path)}: {error.reason}",
            format="xml",
            line=line,
            snippet=snippet(text, line),
            hint=f"the document does not follow the schema {options.schema}; fix one of them",
        ) from None
    except (xmlschema.XMLSchemaException, ValueError, TypeError, KeyError) as error:
        raise ParseError(
            f"cannot decode with the schema: {error}",
            format="xml",
            hint=f"check that {options.schema} is the schema of this document",
        ) from None


def _global_element(schema: Any, name: str) -> Any:
    local = name.rpartition(":")[2]
    found = [element for element in schema.elements.values() if element.local_name == local]
    if len(found) != 1:
        known = ", ".join(sorted(schema.elements)) or "none"
        raise UnrepresentableError(
            format_path((name,)),
            "xml",
            f"{name!r} is not a global element of the schema (those are: {known})",
            "rename the root key or pass --root NAME",
        )
    return found[0]


def _reindent(root: etree._Element, indent: int) -> None:
    """Indent element-only content by `indent` spaces; mixed content is left exactly."""
    levels = {root: 0}
    for element in root.iter():
        level = levels.get(element, 0)
        children = [child for child in element if isinstance(child.tag, str)]
        for child in children:
            levels[child] = level + 1
        pieces = [element.text] + [child.tail for child in element]
        if not children or any(piece and piece.strip(" \t\r\n") for piece in pieces):
            continue
        inner = "\n" + " " * (indent * (level + 1)) if indent else None
        element.text = inner
        for child in element:
            child.tail = inner
        element[-1].tail = "\n" + " " * (indent * level) if indent else None


def _element(data: Data, options: Options) -> etree._Element:
    """The validated, schema-ordered element tree of `data`."""
    assert options.schema is not None
    schema = load_schema(options.schema)
    name, value, _ = single_root(data, options)
    xsd_element = _global_element(schema, name)
    try:
        element, errors = xsd_element.encode(
            {name: value}, validation="lax", etree_element_class=etree.Element, **CONVERTER
        )
    except (xmlschema.XMLSchemaException, ValueError, TypeError, KeyError) as error:
        raise UnrepresentableError("$", "xml", f"cannot encode with the schema: {error}") from None
    if errors:
        first = errors[0]
        raise UnrepresentableError(
            data_path(getattr(first, "path", None) or _element_path(getattr(first, "elem", None))),
            "xml",
            str(getattr(first, "reason", None) or first),
            f"make the data follow the schema {options.schema}",
        )
    if element is None or not isinstance(element, etree._Element):
        raise UnrepresentableError("$", "xml", "the schema encoded no element")
    _reindent(element, options.indent)
    return element


def represent(data: Data, options: Options) -> Data:
    assert options.schema is not None
    element = _element(data, options)
    try:
        return load_schema(options.schema).decode(element, validation="strict", **CONVERTER)
    except (xmlschema.XMLSchemaException, ValueError, TypeError) as error:
        raise UnrepresentableError(
            "$", "xml", f"the encoded data does not decode: {error}"
        ) from None


def dumps(data: Data, options: Options) -> str:
    element = _element(data, options)
    body = etree.tostring(element, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
