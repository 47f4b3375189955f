"""Record-like XML a batch at a time (formats/records.py).

A document is record-like when its root has no attributes and no namespace
declarations, no text but whitespace, and two or more children, all elements of one
name (comments and processing instructions are dropped on reading anyway). The
in-memory data of such a document is {root: {name: [record, record, ...]}}: lxml's
iterparse (with the reader's security settings, xml_reader.parser_settings) hands over
one record element at a time, converted by the reader's own code (element_to_data, or
element_to_node and node_to_data where namespaces are declared below the root), then
cleared. Anything else is Unstreamable: the in-memory path reads it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from structconv.errors import ParseError
from structconv.formats import records
from structconv.formats.records import Batch, RecordCodec, TextSource, Unstreamable
from structconv.formats.xml_reader import (
    XML_SPACE,
    element_name,
    element_to_data,
    element_to_node,
    node_to_data,
    parser_settings,
)
from structconv.options import Options
from structconv.patterns import lazy_compile

_XML_ENCODING = lazy_compile(rb"""\A<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


class XmlRecords:
    """The record elements of a record-like XML file (module docstring), each as the value
    the in-memory reader gives it, in batches; Unstreamable for anything else.

    The name of the records is the root's first child's, found by a first, short parse;
    iterparse then reports the ends of elements of that name only (the others cost no
    Python call) and each one that is a child of the root is converted, then cleared. What
    stands between two records (text, another element, an entity reference) is checked
    when the second one ends, and removed from the tree with the first.
    """

    plain = True  # XML records hold text alone, in dicts and lists (node_to_data)

    def __init__(self, path: Path, options: Options) -> None:
        self.path = path
        self.options = options
        self.root = ""  # the root's name and the records', known once the first is read
        self.name = ""

    @property
    def frame(self) -> tuple[str, ...]:
        return (self.root, self.name)

    def __iter__(self) -> Iterator[Batch]:
        options = self.options
        if self.path.stat().st_size > options.max_bytes:
            raise Unstreamable  # the in-memory path refuses it
        with self.path.open("rb") as stream:
            head = stream.read(256).removeprefix(codecs.BOM_UTF8)
        declared = _XML_ENCODING.match(head)
        if (
            not head.lstrip(b" \t\r\n").startswith(b"<")
            or b"\x00" in head
            or (declared and declared.group(1).lower() not in (b"utf-8", b"utf8"))
        ):
            # Not plainly UTF-8 (another byte order mark, UTF-16 without one, a declared
            # encoding, EBCDIC): libxml2 might decode it otherwise than api.convert does.
            raise Unstreamable
        settings = parser_settings(options)
        try:
            tag = self._first_child_tag(settings)
            events = etree.iterparse(
                str(self.path), events=("end", "start-ns"), tag=tag, **settings
            )
            root: Any = None
            declarations = False  # a namespace declaration below the root (none on it)
            batch: list[Any] = []
            count = 0
            for event, element in events:
                if event == "start-ns":
                    declarations = True
                    continue
                if root is None:
                    root = self._root(element)
                if element.getparent() is not root:
                    continue  # the root itself, or an element of the same name in a record
                self._drop_before(root, element)
                name, value = _record(element, options, declarations)
                if name != (self.name or name):
                    raise Unstreamable  # the same tag, another prefix: another name
                self.name = name
                element.clear(keep_tail=True)
                batch.append(value)
                count += 1
                if len(batch) >= records.BATCH_RECORDS:
                    yield batch
                    batch = []
            if root is None or count < 2:
                raise Unstreamable  # no record, or one: {root: {name: value}}, no list
            last = root[len(root) - 1]
            self._drop_before(root, last)
            if last.tag != tag or (last.tail or "").strip(XML_SPACE):
                raise Unstreamable
        except (etree.LxmlError, ParseError):
            raise Unstreamable from None  # not well-formed, or too deep: as in memory
        if batch:
            yield batch

    def _first_child_tag(self, settings: Any) -> str:
        events = etree.iterparse(str(self.path), events=("start",), **settings)
        next(events, None)  # the root
        _, first_child = next(events, (None, None))
        if first_child is None:
            raise Unstreamable  # an empty root
        return str(first_child.tag)

    def _root(self, element: Any) -> Any:
        """The root of `element`'s document, checked: no attributes, no namespace
        declarations, no text before its first child."""
        root = element
        while root.getparent() is not None:
            root = root.getparent()
        if root.attrib or root.nsmap or (root.text or "").strip(XML_SPACE):
            raise Unstreamable
        self.root = element_name(root)
        return root

    def _drop_before(self, root: Any, element: Any) -> None:
        """Remove the records before `element`, checking that only whitespace follows each
        and that nothing else stands among them (then the document is not record-like)."""
        while True:
            first = root[0]
            if first is element:
                return
            if first.tag != element.tag or (first.tail or "").strip(XML_SPACE):
                raise Unstreamable
            del root[0]


def _record(element: Any, options: Options, declarations: bool) -> tuple[str, Any]:
    """(name, value) of a record element as the in-memory reader gives them: in one pass
    (element_to_data) unless an element below the root declares a namespace."""
    if not declarations:
        try:
            return element_name(element), element_to_data(element, options, 2, {})
        except RecursionError:
            pass  # deeper than Python's stack: the iterative path
    node = element_to_node(element, options, declarations, level=2)
    ((name, value),) = node_to_data(node).items()
    return name, value


def read_records(source: TextSource, options: Options) -> XmlRecords:
    return XmlRecords(source.path, options)


RECORDS = RecordCodec(read=read_records)
