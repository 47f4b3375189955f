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

The code: xml_reader.py reads, xml_writer.py writes, xml_schema.py types through a
schema; this module holds the codec, which picks the schema's path when one is given.
"""

from __future__ import annotations

from structconv.formats import Codec, without_gc
from structconv.formats.xml_reader import node_to_data, parse_tree, tree_to_data
from structconv.formats.xml_writer import data_to_node, serialize
from structconv.neutral import Data
from structconv.options import Options


def _loads(text: str, options: Options) -> Data:
    if options.schema is not None:
        import structconv.formats.xml_schema as xml_schema

        return xml_schema.loads(text, options)
    with without_gc():
        return tree_to_data(parse_tree(text, options), options, text)


def represent(data: Data, options: Options) -> Data:
    if options.schema is not None:
        import structconv.formats.xml_schema as xml_schema

        return xml_schema.represent(data, options)
    with without_gc():
        return node_to_data(data_to_node(data, options))


def dumps(data: Data, options: Options) -> str:
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
