"""Streaming conversion of large files: one batch of records in memory at a time.

The output is byte for byte what the in-memory path (api.convert) writes for the same
input and options, and it is written atomically: a bad row anywhere leaves the target
as it was. Pairs: CSV -> JSON Lines, CSV -> JSON, JSON Lines -> CSV, JSON Lines -> JSON.

Limits, by design: the input must be UTF-8 (with or without a byte order mark) or carry
a UTF-16/32 byte order mark to stay flat in memory; a CSV in a legacy encoding is
detected as in api.convert, but read whole. `max_bytes` bounds one record here, not the
file. JSON Lines -> CSV reads its input twice (the header is the union of all keys).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any, cast

import orjson

from structconv.atomic import atomic_writer
from structconv.encoding import decode
from structconv.errors import ParseError, RoundTripError, UsageError
from structconv.formats import canonical_name
from structconv.formats import csv as csv_format
from structconv.formats import json as json_format
from structconv.formats.json import string_key
from structconv.neutral import depth, first_difference
from structconv.options import Options

STREAMABLE: frozenset[tuple[str, str]] = frozenset(
    {("csv", "jsonl"), ("csv", "json"), ("jsonl", "csv"), ("jsonl", "json")}
)
CHUNK_CHARS = 1 << 18  # as fast as 1 MiB, a quarter of the memory
BATCH_RECORDS = csv_format.BATCH_ROWS

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

Batches = Iterator[list[Any]]
PathLike = str | os.PathLike[str]


class _OrjsonLimitError(Exception):
    """orjson cannot write an integer past 64 bits: the in-memory path then writes the
    whole document with the stdlib, so the streaming path starts over and does too."""


class _EncodingMismatchError(Exception):
    """The file is not in the encoding the stream assumed; re-read it as api.convert does."""


def can_stream(source_format: str, target_format: str, options: Options) -> bool:
    """Whether `stream_convert` handles this pair (every Options value is supported)."""
    try:
        pair = (canonical_name(source_format), canonical_name(target_format))
    except UsageError:
        return False
    return pair in STREAMABLE


def stream_convert(
    source_path: PathLike,
    target_path: PathLike,
    source_format: str,
    target_format: str,
    options: Options,
) -> int:
    """Convert the file at `source_path` into `target_path` atomically; the record count.

    Raises ParseError (with the source path, line and column), UnrepresentableError
    (naming the record's path, e.g. "$[3].tags"), RoundTripError, or UsageError.
    """
    source = canonical_name(source_format)
    target = canonical_name(target_format)
    if (source, target) not in STREAMABLE:
        raise UsageError(f"streaming {source} -> {target} is not supported; convert in memory")
    try:
        try:
            return _convert(Path(source_path), target_path, source, target, options, None)
        except _EncodingMismatchError:
            text, _ = decode(Path(source_path).read_bytes(), source)
            return _convert(Path(source_path), target_path, source, target, options, text)
    except ParseError as error:
        raise error.with_source(os.fspath(source_path)) from None
    except OSError as error:
        raise UsageError(f"{error.filename or source_path}: {error.strerror}") from None


def _convert(
    source_path: Path,
    target_path: PathLike,
    source: str,
    target: str,
    options: Options,
    text: str | None,
) -> int:
    opener = _Opener(source_path, source, text)
    if target == "csv":
        return _jsonl_to_csv(opener, target_path, options)
    batches: Callable[[], Batches]
    if source == "csv":
        batches = lambda: _csv_batches(opener, options)  # noqa: E731
    else:
        batches = lambda: (  # noqa: E731
            [record for _, record in batch] for batch in _jsonl_batches(opener, options)
        )
    write = _write_json if target == "json" else _write_jsonl
    if options.indent in (0, 2) or target == "jsonl":
        try:
            return write(batches(), target_path, options, True)
        except _OrjsonLimitError:
            pass
    return write(batches(), target_path, options, False)


class _Opener:
    """Opens the source as text, again whenever a pass or an error message needs it."""

    def __init__(self, path: Path, format: str, text: str | None) -> None:
        self.path = path
        self.format = format
        self.text = text
        self.encoding = "utf-8-sig"
        if text is None:
            with path.open("rb") as stream:
                head = stream.read(4)
            self.encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8-sig")

    def open(self) -> IO[str]:
        if self.text is not None:
            return io.StringIO(self.text.removeprefix("\ufeff"), newline="")
        newline = "" if self.format == "csv" else "\n"
        return self.path.open(encoding=self.encoding, newline=newline)

    def lines(self) -> Iterator[str]:
        """CSV lines in big chunks, each checked for NUL; the file closes at the end.

        chain() hands the lines to csv from C: a generator per line cost 10% of the time.
        """
        return chain.from_iterable(self._chunks())

    def _chunks(self) -> Iterator[list[str]]:
        with self.open() as stream:
            try:
                yield from _line_chunks(stream)
            except UnicodeDecodeError:
                raise _EncodingMismatchError from None

    def head(self, size: int) -> str:
        try:
            with self.open() as stream:
                return stream.read(size)
        except UnicodeDecodeError:
            raise _EncodingMismatchError from None


def _line_chunks(stream: IO[str]) -> Iterator[list[str]]:
    """Lines as csv splits them (\\r\\n, \\n or \\r), a chunk at a time, so that the
    NUL check and line splitting run in C instead of once per line in Python."""
    carry = ""
    line = 1
    while True:
        chunk = stream.read(CHUNK_CHARS)
        if not chunk:
            if carry:
                csv_format.check_nul(carry, line)
                yield [carry]
            return
        text = carry + chunk
        cut = text.rfind("\n") + 1 or text.rfind("\r", 0, len(text) - 1) + 1
        if not cut:
            carry = text
            continue
        complete, carry = text[:cut], text[cut:]
        csv_format.check_nul(complete, line)
        lines = io.StringIO(complete, newline="").readlines()
        line += len(lines)
        yield lines


# --- sources ----------------------------------------------------------------------------


def _csv_batches(opener: _Opener, options: Options) -> Batches:
    if options.delimiter:
        delimiter = csv_format.check_delimiter(options.delimiter)
    else:
        delimiter = csv_format.sniff_delimiter(opener.head(csv_format.SAMPLE_CHARS + 1))
    return csv_format.iter_batches(opener.lines(), options, delimiter, opener.lines)


def _jsonl_batches(opener: _Opener, options: Options) -> Iterator[list[tuple[int, Any]]]:
    """(line number, record) in batches; the same strict reading as formats.jsonl."""
    batch: list[tuple[int, Any]] = []
    loads = json_format.CODEC.loads
    with opener.open() as stream:
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = loads(line, options)
                except ParseError as error:
                    raise ParseError(
                        error.message,
                        format="jsonl",
                        line=number,
                        column=error.column,
                        snippet=line[:200].rstrip("\r\n"),
                        hint=error.hint,
                    ) from None
                if isinstance(record, dict | list) and depth(record) >= options.max_depth:
                    raise ParseError(
                        f"the data nests deeper than {options.max_depth} levels",
                        format="jsonl",
                        line=number,
                        hint="raise the limit with --max-depth (API: max_depth=) "
                        "if the file is trusted",
                    )
                batch.append((number, record))
                if len(batch) >= BATCH_RECORDS:
                    yield batch
                    batch = []
        except UnicodeDecodeError:
            raise _EncodingMismatchError from None
    if batch:
        yield batch


# --- JSON and JSON Lines targets --------------------------------------------------------


def _binary(stream: IO[str]) -> IO[bytes]:
    return cast(IO[bytes], cast(io.TextIOWrapper, stream).buffer)


def _stdlib_dumps(data: Any, options: Options, indent: int | None) -> str:
    return json.dumps(
        data,
        ensure_ascii=False,
        indent=indent,
        separators=(",", ":") if not indent else None,
        sort_keys=options.sort_keys,
    )


def _verify_failed(target: str, written: Any, again: Any) -> RoundTripError:
    difference = first_difference(written, again) or ("$", "the written text", "other text")
    return RoundTripError(target, *difference)


def _write_json(batches: Batches, target_path: PathLike, options: Options, fast: bool) -> int:
    """A JSON array written batch by batch: each batch is dumped as an array and its
    brackets are cut off, so the pieces join into exactly the whole array's text."""
    indent = options.indent or None
    opening, separator, closing = ("[\n", ",\n", "\n]") if indent else ("[", ",", "]")
    flags = orjson.OPT_SORT_KEYS if options.sort_keys else 0
    if indent == 2:
        flags |= orjson.OPT_INDENT_2
    count = 0
    with atomic_writer(target_path) as stream:
        out = _binary(stream)
        for batch in batches:
            if fast:
                try:
                    chunk = orjson.dumps(batch, option=flags)
                except orjson.JSONEncodeError:
                    raise _OrjsonLimitError from None
                if options.verify and orjson.dumps(orjson.loads(chunk), option=flags) != chunk:
                    raise _verify_failed("json", batch, orjson.loads(chunk))
            else:
                text = _stdlib_dumps(batch, options, indent)
                if options.verify and _stdlib_dumps(json.loads(text), options, indent) != text:
                    raise _verify_failed("json", batch, json.loads(text))
                chunk = text.encode()
            out.write(separator.encode() if count else opening.encode())
            out.write(chunk[len(opening) : -len(closing)])
            count += len(batch)
        out.write(closing.encode() if count else b"[]")
        out.write(b"\n")
    return count


def _write_jsonl(batches: Batches, target_path: PathLike, options: Options, fast: bool) -> int:
    """One compact record per line, as formats.jsonl writes them (orjson, falling back to
    the stdlib for a record orjson cannot write)."""
    flags = orjson.OPT_SORT_KEYS if options.sort_keys else 0
    count = 0
    with atomic_writer(target_path) as stream:
        out = _binary(stream)
        for batch in batches:
            lines: list[bytes] = []
            for record in batch:
                try:
                    lines.append(orjson.dumps(record, option=flags))
                except orjson.JSONEncodeError:
                    lines.append(_stdlib_dumps(record, options, None).encode())
            chunk = b"\n".join(lines) + b"\n"
            if options.verify:
                array = b"[" + b",".join(lines) + b"]"
                if orjson.dumps(orjson.loads(array), option=flags) != array:
                    # orjson reads integers past 64 bits as floats: check those strictly.
                    again = [json.loads(line) for line in lines]
                    difference = first_difference(batch, again)
                    if difference is not None:
                        raise RoundTripError("jsonl", *difference)
            out.write(chunk)
            count += len(batch)
    return count


# --- CSV target -------------------------------------------------------------------------


def _jsonl_to_csv(opener: _Opener, target_path: PathLike, options: Options) -> int:
    """Two passes: the first collects the header (the union of all keys) and refuses
    what CSV cannot hold before anything is written; the second writes the rows."""
    key = string_key("csv", options)
    plan = csv_format.ColumnPlan(options)
    count = 0
    for batch in _jsonl_batches(opener, options):
        for _, record in batch:
            plan.add(csv_format.flatten_record(record, (count,), options, key), (count,))
            count += 1
    if not count:
        with atomic_writer(target_path):
            pass
        return 0
    columns = plan.columns()
    delimiter = csv_format.check_delimiter(options.delimiter or ",")

    def chunks(quote_all: bool) -> Iterator[str]:
        buffer = io.StringIO(newline="")
        writer = csv_format.writer(buffer, delimiter, quote_all)
        writer.writerow(columns)
        yield _take(buffer)
        index = 0
        for batch in _jsonl_batches(opener, options):
            rows = []
            for _, record in batch:
                base = (index,)
                flat = csv_format.flatten_record(record, base, options, key)
                rows.append(csv_format.fill_row(flat, columns, base, options))
                index += 1
            writer.writerows(rows)
            text = _take(buffer)
            if options.verify:
                again = list(io_reader(text, delimiter))
                if again != rows:
                    raise RoundTripError("csv", *(first_difference(rows, again) or ("$", "", "")))
            yield text

    pieces = chunks(False)
    head: list[str] = []
    size = 0
    for piece in pieces:
        head.append(piece)
        size += len(piece)
        if size > csv_format.SAMPLE_CHARS:
            break
    if csv_format.needs_quote_all("".join(head), delimiter, options):
        pieces = chunks(True)
        head = []
    with atomic_writer(target_path) as stream:
        for piece in chain(head, pieces):
            stream.write(piece)
    return count


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def io_reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
