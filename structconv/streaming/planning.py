"""What streams, and how: the pairs of formats, the files, and the conversion itself (the
source's record reader into the target's record writer, or ranges on several cores)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from structconv.encoding import decode
from structconv.errors import ParseError, UsageError
from structconv.formats import RECORD_MODULES, canonical_name
from structconv.formats.records import (
    EncodingMismatch,
    RecordCodec,
    StartOver,
    Unstreamable,
    WriterPlan,
)
from structconv.names import Format
from structconv.options import Options
from structconv.source import is_regular_file
from structconv.streaming.ranges import convert_in_ranges
from structconv.streaming.sources import TextFile, read_ahead, records_of
from structconv.streaming.targets import Output, PathLike, write_all

STREAMABLE: frozenset[tuple[str, str]] = frozenset(
    {
        ("csv", "jsonl"),
        ("csv", "json"),
        ("jsonl", "csv"),
        ("jsonl", "json"),
        ("json", "csv"),
        ("json", "jsonl"),
        ("xml", "json"),
        ("xml", "jsonl"),
    }
)

# JSON and XML documents smaller than this are read whole by convert_file: as fast, and
# their Result holds the text and the data. XML -> JSON Lines streams at any size: only
# streaming writes it (the in-memory data of a document is one mapping, not a list).
DOCUMENT_STREAM_BYTES = 1 << 20


def can_stream(source_format: str, target_format: str, options: Options) -> bool:
    """Whether `stream_convert` handles this pair with these options (XML: without a
    schema). A JSON or XML input may still turn out to need the in-memory path."""
    try:
        pair = (canonical_name(source_format), canonical_name(target_format))
    except UsageError:
        return False
    return (
        pair in STREAMABLE
        and not (pair[0] == "xml" and options.schema is not None)
        and not (pair[0] == "csv" and options.table is not None)  # tables: read whole
    )


def modules_for(source_formats: Iterable[Format], target_format: Format) -> set[str]:
    """The modules that streaming these formats to the target imports, for a process pool
    to load once: this package, and the record modules of the pairs that stream."""
    needed = {"structconv.streaming"}
    for source_format in source_formats:
        if (source_format, target_format) in STREAMABLE:
            needed.update((RECORD_MODULES[source_format], RECORD_MODULES[target_format]))
    return needed


def should_stream(path: PathLike, source_format: str, target_format: str, options: Options) -> bool:
    """Whether convert_file streams this file: can_stream, a regular file (a pipe, FIFO or
    device can be read only once, and streaming reads the start again), and for JSON and
    XML documents (but XML -> JSON Lines) a size of DOCUMENT_STREAM_BYTES or more."""
    if not can_stream(source_format, target_format, options) or not is_regular_file(path):
        return False
    source, target = canonical_name(source_format), canonical_name(target_format)
    if source == "json" or (source, target) == ("xml", "json"):
        try:
            return Path(path).stat().st_size >= DOCUMENT_STREAM_BYTES
        except OSError:
            return False  # the in-memory path reports it
    return True


def stream_convert(
    source_path: PathLike,
    target_path: PathLike,
    source_format: str,
    target_format: str,
    options: Options,
) -> int:
    """Convert the file at `source_path` into `target_path` atomically; the record count.

    Raises ParseError (with the source path, line and column), UnrepresentableError
    (naming the record's path, e.g. "$[3].tags"), RoundTripError, InputChanged (the
    source changed while it was read), or UsageError (naming the file that could not be
    read or written); and Unstreamable for a JSON or XML input that the in-memory path
    must convert, or a source that is not a regular file (it can be read only once).
    """
    source = canonical_name(source_format)
    target = canonical_name(target_format)
    if not can_stream(source, target, options):
        raise UsageError(f"streaming {source} -> {target} is not supported; convert in memory")
    try:
        if not stat.S_ISREG(Path(source_path).stat().st_mode):
            raise Unstreamable  # a pipe or device: read once, by the in-memory path
        output = Output(target_path, Path(source_path))
        try:
            return _convert(Path(source_path), output, source, target, options, None)
        except EncodingMismatch:
            text, _ = decode(Path(source_path).read_bytes(), source)
            return _convert(Path(source_path), output, source, target, options, text)
    except ParseError as error:
        raise error.with_source(os.fspath(source_path)) from None
    except OSError as error:
        raise UsageError(
            f"{error.filename or source_path}: cannot read: {error.strerror}"
        ) from None


def _convert(
    path: Path, output: Output, source: str, target: str, options: Options, text: str | None
) -> int:
    reader = records_of(source)
    opened = TextFile(path, reader.newline, text)
    count = convert_in_ranges(opened, output, source, target, options)
    if count is not None:
        return count
    try:
        return _write(opened, output, reader, records_of(target), options, fallback=False)
    except StartOver:
        return _write(opened, output, reader, records_of(target), options, fallback=True)


def _write(
    source: TextFile,
    output: Output,
    reader: RecordCodec,
    target: RecordCodec,
    options: Options,
    *,
    fallback: bool,
) -> int:
    """The source's records through the target's writer (twice over the source when the
    writer surveys the records first)."""
    assert reader.read is not None and target.writer is not None
    stream = reader.read(source, options)
    batches = read_ahead(iter(stream))  # the frame is known once a batch is read
    writer = target.writer(options, WriterPlan(stream.frame, stream.plain, fallback))
    if writer.surveys:
        kept = writer.survey(batches)
        batches = kept if kept is not None else read_ahead(iter(reader.read(source, options)))
    return write_all(batches, output, writer)
