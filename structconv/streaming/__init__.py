"""Streaming conversion of large files: one batch of records in memory at a time.

The output is byte for byte what the in-memory path (api.convert) writes for the same
input and options, and it is written atomically: a bad row anywhere leaves the target
as it was. Pairs: CSV -> JSON Lines, CSV -> JSON, JSON Lines -> CSV, JSON Lines -> JSON,
JSON -> CSV and JSON -> JSON Lines (a top-level array), XML -> JSON and XML -> JSON Lines
(a record-like document).

Each format reads and writes its own records (formats/records.py says the contract;
formats/csv_records.py, json_records.py, jsonl_records.py and xml_records.py keep it);
this package only moves them: planning.py decides what streams and runs the conversion,
sources.py opens the source, targets.py writes the target atomically, ranges.py converts
one big CSV file on several cores, as many as spare_cpus.py finds idle.

XML -> JSON writes exactly the in-memory text of a record-like document
(formats/xml_records.py); XML -> JSON Lines writes one line per record element holding
its value (the items of that list, without the tag, which is the same on every line):
`structconv convert out.jsonl --to xml --root ROOT --item NAME` gives the document's data
back.

The source must be a regular file: it is opened more than once (to sniff, for the header,
for the rows, for the line of an error), which a pipe, FIFO or /dev/stdin cannot give, so
those go to the in-memory path, read once (structconv.source). The output is put in
place only if the source held still meanwhile (size, modification time and identity
before and after): else InputChanged, and nothing is written.

What cannot be decided record by record goes to the in-memory path: stream_convert raises
Unstreamable, and nothing has been written. For JSON and XML that is any input that does
not parse (its error, or its repair, must be exactly the in-memory path's), a JSON document
that is not an array, XML that is not record-like (or has one record), XML not in UTF-8,
XML read with a schema, and files over options.max_bytes.

Limits, by design: the input must be UTF-8 (with or without a byte order mark) or carry
a UTF-16/32 byte order mark to stay flat in memory; a CSV in a legacy encoding is
detected as in api.convert, but read whole. `max_bytes` bounds one record here, not the
file (except for JSON and XML, as said). JSON Lines -> CSV and JSON -> CSV read their
input twice (the header is the union of all keys). YAML and TOML never stream: a YAML
stream or TOML document is one value whose parts (anchors, tables defined anywhere)
refer to each other.
"""

from __future__ import annotations

from structconv.formats.records import Unstreamable
from structconv.streaming.planning import (
    DOCUMENT_STREAM_BYTES,
    STREAMABLE,
    can_stream,
    modules_for,
    should_stream,
    stream_convert,
)

__all__ = [
    "DOCUMENT_STREAM_BYTES",
    "STREAMABLE",
    "Unstreamable",
    "can_stream",
    "modules_for",
    "should_stream",
    "stream_convert",
]
