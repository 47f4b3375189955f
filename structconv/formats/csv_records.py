"""CSV records a batch at a time (formats/records.py): reading a file whole or in byte
ranges on several processes, and writing records as CSV in two passes.

Ranges: a file of many megabytes may be cut after a line feed with an even number of
quotes since the header: outside any quoted field, if quotes only stand around fields
as RFC 4180 has them. The strict reader also takes a stray quote inside an unquoted
field (5" screen), which can make a cut fall inside a quoted field; the range before
that cut then ends inside a quoted field, which the strict reader refuses. So a run in
which every range reads cleanly was cut at true row boundaries (streaming/ranges.py
falls back to one process otherwise).
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from collections.abc import Generator, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

import orjson

from structconv.errors import ParseError, RoundTripError, UnrepresentableError
from structconv.formats import records, without_gc
from structconv.formats.csv import (
    SAMPLE_CHARS,
    ColumnPlan,
    FormulaCheck,
    check_delimiter,
    check_nul,
    fill_row,
    flatten_record,
    iter_batches,
    needs_quote_all,
    read_header,
    sniff_delimiter,
    writer,
)
from structconv.formats.json import string_key
from structconv.formats.records import (
    Batch,
    EncodingMismatch,
    PartReader,
    RecordCodec,
    Stream,
    TextSource,
    Unstreamable,
    WriterPlan,
)
from structconv.neutral import first_difference
from structconv.options import Options

# --- reading ----------------------------------------------------------------------------

SCAN_BYTES = 1 << 20  # split_points reads this much at a time


def line_chunks(stream: IO[str]) -> Iterator[list[str]]:
    """Lines as csv splits them (\\r\\n, \\n or \\r), a chunk at a time, so that the
    NUL check and line splitting run in C instead of once per line in Python.

    Only the new chunk is searched for a line break, and the text since the last one is
    kept in pieces, joined once: a long line costs linear time (joining and searching it
    again at every chunk took 36 s for a CSV of 100 MB without a line break)."""
    pending: list[str] = []  # the text after the last line break, in pieces
    line = 1
    while True:
        chunk = stream.read(records.CHUNK_CHARS)
        if not chunk:
            rest = "".join(pending)  # may hold a lone \r after the last \n: split it too
            if rest:
                check_nul(rest, line)
                yield io.StringIO(rest, newline="").readlines()
            return
        # A \r at the end may be the first half of \r\n: not a cut before the next chunk.
        cut = chunk.rfind("\n") + 1 or chunk.rfind("\r", 0, len(chunk) - 1) + 1
        if not cut:
            pending.append(chunk)
            continue
        pending.append(chunk[:cut])
        complete = "".join(pending)
        pending = [chunk[cut:]]
        check_nul(complete, line)
        lines = io.StringIO(complete, newline="").readlines()
        line += len(lines)
        yield lines


def _chunks(source: TextSource) -> Generator[list[str], None, None]:
    """The lines of `source` in chunks; the file closes at the end."""
    with source.open() as stream:
        try:
            yield from line_chunks(stream)
        except UnicodeDecodeError:
            raise EncodingMismatch from None


def _lines(source: TextSource) -> Iterator[str]:
    """chain() hands the lines to csv from C: a generator per line cost 10% of the time."""
    return chain.from_iterable(_chunks(source))


def _delimiter(source: TextSource, options: Options) -> str:
    if options.delimiter:
        return check_delimiter(options.delimiter)
    try:
        return sniff_delimiter(source.head(SAMPLE_CHARS + 1))
    except UnicodeDecodeError:
        raise EncodingMismatch from None


def _batches(source: TextSource, options: Options, delimiter: str, header: Any) -> Stream:
    """Inferred cells are str, int, bool and finite floats alone: a plain stream."""
    batches = iter_batches(
        _lines(source), options, delimiter, lambda: _lines(source), header=header
    )
    return Stream(_collector_paused(batches), plain=True)


def _collector_paused(batches: Iterator[Batch]) -> Iterator[Batch]:
    """`batches`, each read with the cyclic garbage collector paused: a batch's rows,
    columns and records are thousands of acyclic lists, tuples and dicts, which it walked
    several times per batch (5% of the time of CSV -> JSON). It runs between batches."""
    while True:
        with without_gc():
            batch = next(batches, None)
        if batch is None:
            return
        yield batch


def read_records(source: TextSource, options: Options) -> Stream:
    return _batches(source, options, _delimiter(source, options), None)


def read_head(source: TextSource, options: Options) -> tuple[Any, int] | None:
    """((header, delimiter), the byte offset after the header row); None when the header
    cannot be read (reading the whole file reports why)."""
    delimiter = _delimiter(source, options)
    taken: list[str] = []

    def counted(lines: Iterator[str]) -> Iterator[str]:
        for line in lines:
            taken.append(line)
            yield line

    chunks = _chunks(source)
    try:
        header = read_header(counted(chain.from_iterable(chunks)), delimiter, options)
    except (csv.Error, ParseError):
        return None
    finally:
        chunks.close()
    if header is None:
        return None
    with source.path.open("rb") as stream:
        bom = len(codecs.BOM_UTF8) if stream.read(3) == codecs.BOM_UTF8 else 0
    return (header, delimiter), bom + len("".join(taken).encode("utf-8", "surrogatepass"))


def read_part(source: TextSource, options: Options, head: Any, with_head: bool) -> Stream:
    """The records of one range: the first one holds the header row, the others only
    records, read under the `head` that read_head found."""
    header, delimiter = head
    return _batches(source, options, delimiter, None if with_head else header)


def split_points(path: Path, start: int, end: int, parts: int) -> list[int]:
    """Up to `parts - 1` cuts in [start, end): each just after a line feed with an even
    number of quote characters between `start` (a row boundary) and it, the first such one
    at or after each of the `parts - 1` even shares of the range, without duplicates.

    The file is read into one reused buffer: a new bytes object per megabyte cost page
    faults, and made this scan of the whole file 3% of converting it in one process."""
    cuts: list[int] = []
    buffer = bytearray(SCAN_BYTES)
    with path.open("rb", buffering=0) as stream, memoryview(buffer) as view:
        stream.seek(start)
        position = start  # the stream's position; `quotes` counts the quotes before it
        quotes = 0
        for number in range(1, parts):
            goal = max(start + (end - start) * number // parts, cuts[-1] if cuts else start)
            while position < goal:
                size = stream.readinto(view[: min(SCAN_BYTES, goal - position)])
                if not size:
                    return cuts
                quotes += buffer.count(b'"', 0, size)
                position += size
            cut = None
            while cut is None:
                size = stream.readinto(view)
                if not size:
                    return cuts
                offset = 0
                while True:
                    line_feed = buffer.find(b"\n", offset, size)
                    if line_feed < 0:
                        quotes += buffer.count(b'"', offset, size)
                        position += size
                        break
                    quotes += buffer.count(b'"', offset, line_feed)
                    offset = line_feed + 1
                    if not quotes % 2:
                        cut = position + offset
                        break
            if cut >= end:
                return cuts
            cuts.append(cut)
            stream.seek(cut)
            position = cut
    return cuts


# --- writing ----------------------------------------------------------------------------


def _reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


# The rows of a piece (None: the header row) and the number of the first one's record.
_Rows = tuple[list[list[str]] | None, int]


class _Spool:
    """The survey's flat records, a batch a line (orjson), in an anonymous temporary file:
    the second pass reads them back at C speed instead of reading and flattening the source
    again. Given up, for the second pass to read the source, when the file cannot be made
    or written (a full disk) or orjson cannot write a batch (a lone surrogate)."""

    def __init__(self) -> None:
        self.file: IO[bytes] | None
        try:
            self.file = tempfile.TemporaryFile(prefix="structconv-csv-")  # noqa: SIM115
        except OSError:
            self.file = None

    def add(self, flats: list[dict[str, str | None]]) -> None:
        if self.file is None:
            return
        try:
            self.file.write(orjson.dumps(flats) + b"\n")
        except (OSError, TypeError):
            self.close()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def replay(self) -> Iterator[Batch] | None:
        if self.file is None:
            return None
        try:
            self.file.seek(0)
        except OSError:
            self.close()
            return None
        return self._batches(self.file)

    def _batches(self, file: IO[bytes]) -> Iterator[Batch]:
        with file:
            for line in file:
                yield orjson.loads(line)


class CsvWriter:
    """Records -> CSV bytes (RecordWriter), exactly as csv.dumps writes them.

    The survey collects the header (the union of all keys) and refuses what CSV cannot
    hold before anything is written. The in-memory path reads the whole input before it
    writes, so a record CSV cannot hold is reported only once the rest of the input has
    parsed (else the parse error, or its repair, comes first): the survey reads on to the
    end to find out. Then the first SAMPLE_CHARS written decide whether every field must
    be quoted (csv.needs_quote_all); the pieces before are held back until then.
    """

    opening = b""
    separator = b""
    surveys = True

    def __init__(self, options: Options, plan: WriterPlan) -> None:
        self.options = options
        self.key = string_key("csv", options)
        self.columns: list[str] = []
        self.index = 0  # the records turned into rows so far
        self.quote_all: bool | None = None  # decided on the first SAMPLE_CHARS written
        self.held: list[tuple[_Rows, str]] = []  # pieces held back, with their text
        self.held_size = 0
        self.delimiter = ""
        self.formulas: FormulaCheck | None = None
        self.flattened = False  # the batches `piece` gets are the survey's flat records

    def survey(self, batches: Iterable[Batch]) -> Iterator[Batch] | None:
        """Collect the header, refusing what CSV cannot hold; the flattened records again
        (`piece` takes them as they are) when they could be kept in a temporary file, else
        None and the caller reads the source again."""
        options, key = self.options, self.key
        plan = ColumnPlan(options)
        count = 0
        refused: UnrepresentableError | None = None
        spool = _Spool()
        for batch in batches:
            if refused is not None:
                continue
            if not count and batch and isinstance(batch[0], list):
                spool.close()
                raise Unstreamable  # rows without a header: written in memory
            flats: list[dict[str, str | None]] = []
            try:
                for record in batch:
                    flat = flatten_record(record, (count,), options, key)
                    plan.add(flat, (count,))
                    flats.append(flat)
                    count += 1
            except UnrepresentableError as error:
                refused = error
                spool.close()
            spool.add(flats)
        if refused is not None:
            raise refused
        if count:
            self.columns = plan.columns()
        kept = spool.replay()
        self.flattened = kept is not None
        return kept

    def _text(self, piece: _Rows, quote_all: bool) -> str:
        """The text of a piece, checked for formulas, and read back (rows, with
        options.verify)."""
        assert self.formulas is not None
        rows, first = piece
        buffer = io.StringIO(newline="")
        out = writer(buffer, self.delimiter, quote_all)
        if rows is None:
            out.writerow(self.columns)
            text = buffer.getvalue()
            self.formulas.check(self.columns, [], 0)
            return text
        out.writerows(rows)
        text = buffer.getvalue()
        self.formulas.check(self.columns, rows, first)
        if self.options.verify:
            again = list(_reader(text, self.delimiter))
            if again != rows:
                raise RoundTripError("csv", *(first_difference(rows, again) or ("$", "", "")))
        return text

    def _write(self, piece: _Rows) -> bytes:
        if self.quote_all is not None:
            return self._text(piece, self.quote_all).encode()
        text = self._text(piece, False)
        self.held.append((piece, text))
        self.held_size += len(text)
        return self._release() if self.held_size > SAMPLE_CHARS else b""

    def _release(self) -> bytes:
        """The held pieces, quoted as their text says (csv.needs_quote_all)."""
        sample = "".join(text for _, text in self.held)
        self.quote_all = needs_quote_all(sample, self.delimiter, self.options)
        if self.quote_all:
            sample = "".join(self._text(piece, True) for piece, _ in self.held)
        self.held = []
        return sample.encode()

    def piece(self, batch: Batch) -> bytes:
        options = self.options
        start = b""
        if self.formulas is None:  # the first piece: the header row first
            self.delimiter = check_delimiter(options.delimiter or ",")
            self.formulas = FormulaCheck(options)
            start = self._write((None, 0))
        rows = []
        first = self.index
        for record in batch:
            base = (self.index,)
            flat = record if self.flattened else flatten_record(record, base, options, self.key)
            rows.append(fill_row(flat, self.columns, base, options))
            self.index += 1
        return start + self._write((rows, first))

    def closing(self, count: int) -> bytes:
        return self._release() if self.held else b""


def csv_writer(options: Options, plan: WriterPlan) -> CsvWriter:
    return CsvWriter(options, plan)


RECORDS = RecordCodec(
    newline="",
    read=read_records,
    writer=csv_writer,
    parts=PartReader(head=read_head, cuts=split_points, read=read_part),
)
