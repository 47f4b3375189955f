"""JSON Lines records a batch at a time (formats/records.py): a line is a record, read
as formats.jsonl reads it; written by the JSON writer, one compact record a line."""

from __future__ import annotations

from collections.abc import Iterator

from structconv.errors import ParseError
from structconv.formats import json as json_format
from structconv.formats import records
from structconv.formats.json_records import JsonWriter
from structconv.formats.jsonl import line_error
from structconv.formats.records import (
    Batch,
    EncodingMismatch,
    RecordCodec,
    Stream,
    TextSource,
    WriterPlan,
)
from structconv.neutral import depth
from structconv.options import Options


def read_lines(source: TextSource, options: Options) -> Stream:
    return Stream(_batches(source, options))


def _batches(source: TextSource, options: Options) -> Iterator[Batch]:
    batch: Batch = []
    loads = json_format.CODEC.loads
    with source.open() as stream:
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = loads(line, options)
                except ParseError as error:
                    raise line_error(error, number, line[:200].rstrip("\r\n")) from None
                if isinstance(record, dict | list) and depth(record) >= options.max_depth:
                    raise ParseError(
                        f"the data nests deeper than {options.max_depth} levels",
                        format="jsonl",
                        line=number,
                        hint="raise the limit with --max-depth (API: max_depth=) "
                        "if the file is trusted",
                    )
                batch.append(record)
                if len(batch) >= records.BATCH_RECORDS:
                    yield batch
                    batch = []
        except UnicodeDecodeError:
            raise EncodingMismatch from None
    if batch:
        yield batch


def jsonl_writer(options: Options, plan: WriterPlan) -> JsonWriter:
    return JsonWriter("jsonl", options, plan)


RECORDS = RecordCodec(read=read_lines, writer=jsonl_writer)
