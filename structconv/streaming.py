"""Streaming conversion of large files: one batch of records in memory at a time.

The output is byte for byte what the in-memory path (api.convert) writes for the same
input and options, and it is written atomically: a bad row anywhere leaves the target
as it was. Pairs: CSV -> JSON Lines, CSV -> JSON, JSON Lines -> CSV, JSON Lines -> JSON,
JSON -> CSV and JSON -> JSON Lines (a top-level array), XML -> JSON and XML -> JSON Lines
(a record-like document).

JSON: the items of a top-level array are read one at a time by the strict reader's own
decoder (formats.json.strict_decoder, the stdlib's C scanner with the same hooks), so
they are the in-memory path's data exactly, refused for the same reasons (duplicate keys,
NaN, lone surrogates, floats that overflow, depth). Measured against ijson (yajl2_c) on a
98 MB array: 3.1 s against 2.2 s, but ijson keeps the last of duplicate keys silently
(checking them in a Python map_type: 3.8 s), refuses integers past 64 bits, which JSON
allows and structconv keeps, and reports errors without a line; so no dependency.

XML: a document is record-like when its root has no attributes and no namespace
declarations, no text but whitespace, and two or more children, all elements of one name
(comments and processing instructions are dropped on reading anyway). The in-memory data
of such a document is {root: {name: [record, record, ...]}}: lxml's iterparse (with the
reader's security settings, formats.xml.parser_settings) hands over one record element at
a time, converted by the reader's own code (formats.xml.element_to_node, node_to_data),
then cleared. XML -> JSON writes exactly the in-memory text; XML -> JSON Lines writes one
line per record element holding its value (the items of that list, without the tag, which
is the same on every line): `structconv convert out.jsonl --to xml --root ROOT --item NAME`
gives the document's data back.

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

import codecs
import contextlib
import csv
import io
import json
import os
import pickle
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Generator, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any, cast

import orjson

from structconv.atomic import atomic_writer, temporary_prefix
from structconv.encoding import decode
from structconv.errors import ParseError, RoundTripError, UnrepresentableError, UsageError
from structconv.formats import canonical_name
from structconv.formats import csv as csv_format
from structconv.formats import json as json_format
from structconv.formats.json import orjson_writes_exactly, string_key
from structconv.neutral import depth, first_difference
from structconv.options import Options
from structconv.source import ensure_unchanged, is_regular_file, snapshot

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


# JSON and XML documents smaller than this are read whole by convert_file: as fast, and
# their Result holds the text and the data. XML -> JSON Lines streams at any size: only
# streaming writes it (the in-memory data of a document is one mapping, not a list).
DOCUMENT_STREAM_BYTES = 1 << 20


class Unstreamable(Exception):
    """The input cannot be converted record by record with exactly the in-memory path's
    data and errors (see the module docstring): convert it in memory. Nothing was written."""


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
        output = _Output(target_path, Path(source_path))
        try:
            return _convert(Path(source_path), output, source, target, options, None)
        except _EncodingMismatchError:
            text, _ = decode(Path(source_path).read_bytes(), source)
            return _convert(Path(source_path), output, source, target, options, text)
    except ParseError as error:
        raise error.with_source(os.fspath(source_path)) from None
    except OSError as error:
        raise UsageError(
            f"{error.filename or source_path}: cannot read: {error.strerror}"
        ) from None


class _Output:
    """The target: written atomically, and put in place only if the source held still
    while it was read (an output of a file rewritten meanwhile could mix its old and new
    contents). An error writing it names it, not the source."""

    def __init__(self, path: PathLike, source: Path) -> None:
        self.path = path
        self.source = source
        self.before = snapshot(source)

    def failed(self, error: OSError) -> UsageError:
        return UsageError(f"{os.fspath(self.path)}: cannot write: {error.strerror}")

    @contextlib.contextmanager
    def writing(self) -> Iterator[_Sink]:
        stage = "create"
        try:
            with atomic_writer(self.path) as stream:
                stage = "write"  # an OSError from here on is the source's, or the sink's
                yield _Sink(_binary(stream), self)
                ensure_unchanged(self.source, self.before)
                stage = "commit"
        except OSError as error:
            if stage == "write":
                raise
            raise self.failed(error) from None


class _Sink:
    """The output's bytes; see _Output."""

    def __init__(self, stream: IO[bytes], output: _Output) -> None:
        self.stream = stream
        self.output = output

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except OSError as error:
            raise self.output.failed(error) from None

    def append(self, part: Path) -> None:
        """Copy the file `part` to the end of the output, in the kernel where it can."""
        out = self.stream
        with part.open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            copied = 0
            try:
                out.flush()
            except OSError as error:
                raise self.output.failed(error) from None
            try:
                while copied < size:
                    step = os.copy_file_range(source.fileno(), out.fileno(), size - copied)
                    if not step:
                        break
                    copied += step
            except (AttributeError, OSError):
                pass  # no copy_file_range here, or not between these files: copied below
            try:
                if copied < size:
                    source.seek(copied)
                    out.seek(0, os.SEEK_END)
                    shutil.copyfileobj(source, out, 1 << 20)
                out.seek(0, os.SEEK_END)
            except OSError as error:
                raise self.output.failed(error) from None


def _convert(
    source_path: Path,
    output: _Output,
    source: str,
    target: str,
    options: Options,
    text: str | None,
) -> int:
    if source == "xml":
        return _xml_convert(source_path, output, target, options)
    opener = _Opener(source_path, source, text)
    if source == "json" and source_path.stat().st_size > options.max_bytes:
        raise Unstreamable  # the in-memory path refuses it (after reading it whole)
    json_items: Callable[[], Batches] = lambda: _read_ahead(_json_array_batches(opener, options))  # noqa: E731
    if target == "csv":
        if source == "json":
            return _records_to_csv(json_items, output, options)
        return _records_to_csv(
            lambda: ([record for _, record in batch] for batch in _jsonl_batches(opener, options)),
            output,
            options,
        )
    fast = options.indent in (0, 2) or target == "jsonl"
    if source == "csv":
        count = _csv_in_ranges(opener, output, target, options, fast)
        if count is not None:
            return count
    batches: Callable[[], Batches]
    if source == "csv":
        batches = lambda: _csv_batches(opener, options)  # noqa: E731
    elif source == "json":
        batches = json_items
    else:
        batches = lambda: (  # noqa: E731
            [record for _, record in batch] for batch in _jsonl_batches(opener, options)
        )
    if fast:
        try:
            return _write(batches(), output, _Target(target, options, True, source))
        except _OrjsonLimitError:
            pass
    return _write(batches(), output, _Target(target, options, False, source))


class _Opener:
    """Opens the source as text, again whenever a pass or an error message needs it."""

    def __init__(
        self, path: Path, format: str, text: str | None, span: tuple[int, int] | None = None
    ) -> None:
        self.path = path
        self.format = format
        self.text = text
        self.span = span  # (start, end) bytes of a UTF-8 file: a part of it, see _csv_in_ranges
        self.encoding = "utf-8-sig"
        if text is None and span is None:
            with path.open("rb") as stream:
                head = stream.read(4)
            self.encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8-sig")

    def open(self) -> IO[str]:
        if self.text is not None:
            return io.StringIO(self.text.removeprefix("\ufeff"), newline="")
        newline = "" if self.format == "csv" else "\n"
        if self.span is None:
            return self.path.open(encoding=self.encoding, newline=newline)
        start, end = self.span
        # A later part keeps a U+FEFF at its start: only the file's first bytes may be a BOM.
        encoding = "utf-8-sig" if start == 0 else "utf-8"
        raw = io.BufferedReader(_ByteRange(self.path, start, end), 1 << 16)
        return io.TextIOWrapper(raw, encoding=encoding, newline=newline)

    def lines(self) -> Iterator[str]:
        """CSV lines in big chunks, each checked for NUL; the file closes at the end.

        chain() hands the lines to csv from C: a generator per line cost 10% of the time.
        """
        return chain.from_iterable(self._chunks())

    def _chunks(self) -> Generator[list[str], None, None]:
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
    NUL check and line splitting run in C instead of once per line in Python.

    Only the new chunk is searched for a line break, and the text since the last one is
    kept in pieces, joined once: a long line costs linear time (joining and searching it
    again at every chunk took 36 s for a CSV of 100 MB without a line break)."""
    pending: list[str] = []  # the text after the last line break, in pieces
    line = 1
    while True:
        chunk = stream.read(CHUNK_CHARS)
        if not chunk:
            rest = "".join(pending)
            if rest:
                csv_format.check_nul(rest, line)
                yield [rest]
            return
        # A \r at the end may be the first half of \r\n: not a cut before the next chunk.
        cut = chunk.rfind("\n") + 1 or chunk.rfind("\r", 0, len(chunk) - 1) + 1
        if not cut:
            pending.append(chunk)
            continue
        pending.append(chunk[:cut])
        complete = "".join(pending)
        pending = [chunk[cut:]]
        csv_format.check_nul(complete, line)
        lines = io.StringIO(complete, newline="").readlines()
        line += len(lines)
        yield lines


# --- one CSV file in parts, on several cores ------------------------------------------
#
# A CSV file of many megabytes is cut into byte ranges at row boundaries; this process
# converts the first range, worker processes the others, each into a part file beside the
# target, and the parts are joined in order into the (atomic) target. A cut is placed after
# a line feed with an even number of quotes since the header: outside any quoted field, if
# quotes only stand around fields as RFC 4180 has them. The strict reader also takes a
# stray quote inside an unquoted field (5" screen), which can make a cut fall inside a
# quoted field; the range before that cut then ends inside a quoted field, which the strict
# reader refuses. So a run in which every range converts cleanly was cut at true row
# boundaries and wrote exactly the bytes of converting in one process; anything else (a bad
# row, a bad cut, a worker that could not start) discards the parts and converts in one
# process, which reports the first error with its exact line and column, as always.

# A range below this size is not worth a worker process (its start-up is ~0.1 s; a range of
# 8 MB converts in ~0.4 s). `workers=N` given explicitly splits ranges down to
# MIN_RANGE_BYTES.
AUTO_RANGE_BYTES = 8 << 20
MIN_RANGE_BYTES = 1 << 20
_WORKER_FAILED = 3  # a worker's exit status for an input it cannot convert
_BOOT = (
    "import sys\n"
    "sys.path[:] = sys.argv[1:]\n"
    "from structconv.streaming import _range_worker\n"
    "_range_worker()\n"
)
_parallel_broken = False  # a worker crashed (not an input error): stay in one process


class _SplitFailed(Exception):
    """The parallel run did not convert cleanly: convert in one process instead."""


class _ByteRange(io.RawIOBase):
    """The bytes [start, end) of a file, as a raw stream."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        with memoryview(buffer) as view:
            count = self._file.readinto(view.cast("B")[: self._left]) or 0
        self._left -= count
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def range_count(size: int, options: Options) -> int:
    """How many ranges a CSV file of `size` bytes is converted in (1: in this process).

    workers=None (auto): one per available CPU, each at least AUTO_RANGE_BYTES, and one in
    a process of a pool (multiprocessing, e.g. `structconv convert --jobs N`), whose
    siblings already use the other CPUs. workers=N: up to N, each at least MIN_RANGE_BYTES.
    """
    if options.workers is not None:
        return max(1, min(options.workers, size // MIN_RANGE_BYTES))
    count = min(_available_cpus(), size // AUTO_RANGE_BYTES)
    if count < 2:
        return 1
    import multiprocessing

    return 1 if multiprocessing.parent_process() is not None else count


def split_points(path: Path, start: int, end: int, parts: int) -> list[int]:
    """Up to `parts - 1` cuts in [start, end): each just after a line feed with an even
    number of quote characters between `start` (a row boundary) and it, the first such one
    at or after each of the `parts - 1` even shares of the range, without duplicates."""
    cuts: list[int] = []
    block_size = 1 << 20
    with path.open("rb") as stream:
        stream.seek(start)
        position = start  # the stream's position; `quotes` counts the quotes before it
        quotes = 0
        for number in range(1, parts):
            goal = max(start + (end - start) * number // parts, cuts[-1] if cuts else start)
            while position < goal:
                block = stream.read(min(block_size, goal - position))
                if not block:
                    return cuts
                quotes += block.count(b'"')
                position += len(block)
            cut = None
            while cut is None:
                block = stream.read(block_size)
                if not block:
                    return cuts
                offset = 0
                while True:
                    line_feed = block.find(b"\n", offset)
                    if line_feed < 0:
                        quotes += block.count(b'"', offset)
                        position += len(block)
                        break
                    quotes += block.count(b'"', offset, line_feed)
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


def _csv_in_ranges(
    opener: _Opener, output: _Output, target: str, options: Options, fast: bool
) -> int | None:
    """Convert in several ranges when the file is big enough and CPUs are free; the record
    count, or None when this did not convert it (then convert in one process)."""
    if _parallel_broken or opener.text is not None or opener.encoding != "utf-8-sig":
        return None
    size = opener.path.stat().st_size
    parts = range_count(size, options)
    if parts < 2:
        return None
    started: list[subprocess.Popen[bytes]] = []
    part_paths: list[Path] = []
    try:
        # Start the interpreters first: they boot while this process plans the ranges.
        for _ in range(parts - 1):
            started.append(_start_worker())
        plan = _plan_ranges(opener, options, size, parts)
        if plan is None:
            return None
        header, delimiter, cuts = plan
        if not cuts:
            return None
        workers = started[: len(cuts)]
        bounds = [0, *cuts, size]
        for index, worker in enumerate(workers, start=1):
            part = _part_path(output)
            part_paths.append(part)
            task = (
                str(opener.path),
                (bounds[index], bounds[index + 1]),
                header,
                delimiter,
                options,
                target,
                fast,
                str(part),
                os.getpid(),
            )
            assert worker.stdin is not None
            with contextlib.suppress(BrokenPipeError), worker.stdin:
                pickle.dump(task, worker.stdin)
            worker.stdin = None  # sent: communicate() must not flush it
        first = _Opener(opener.path, "csv", None, (0, cuts[0]))
        batches = csv_format.iter_batches(first.lines(), options, delimiter, first.lines)
        return _join_ranges(
            batches, workers, part_paths, output, _Target(target, options, fast, "csv")
        )
    except (_SplitFailed, ParseError, RoundTripError, _OrjsonLimitError, _EncodingMismatchError):
        return None
    except _NoInterpreterError as error:
        _give_up_ranges(str(error))
        return None
    finally:
        for worker in started:  # those without a range too: they wait for one on stdin
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            for stream in (worker.stdin, worker.stdout, worker.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        for part in part_paths:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()


def _plan_ranges(
    opener: _Opener, options: Options, size: int, parts: int
) -> tuple[list[str], str, list[int]] | None:
    """(header, delimiter, cuts) for the ranges after the first; None when the header
    cannot be read (the one-process path reports why)."""
    if options.delimiter:
        delimiter = csv_format.check_delimiter(options.delimiter)
    else:
        delimiter = csv_format.sniff_delimiter(opener.head(csv_format.SAMPLE_CHARS + 1))
    taken: list[str] = []

    def counted(lines: Iterator[str]) -> Iterator[str]:
        for line in lines:
            taken.append(line)
            yield line

    chunks = opener._chunks()
    try:
        header = csv_format.read_header(counted(chain.from_iterable(chunks)), delimiter, options)
    except (csv.Error, ParseError):
        return None
    finally:
        chunks.close()
    if header is None:
        return None
    with opener.path.open("rb") as stream:
        bom = len(codecs.BOM_UTF8) if stream.read(3) == codecs.BOM_UTF8 else 0
    header_end = bom + len("".join(taken).encode("utf-8", "surrogatepass"))
    return header, delimiter, split_points(opener.path, header_end, size, parts)


def _part_path(output: _Output) -> Path:
    target = Path(output.path)
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=temporary_prefix(target.name), suffix=".part", dir=target.parent
        )
    except OSError as error:
        raise output.failed(error) from None
    os.close(descriptor)
    return Path(name)


class _NoInterpreterError(Exception):
    """sys.executable cannot be started (an embedded or frozen Python)."""


def _start_worker() -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            [sys.executable, "-c", _BOOT, *sys.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as error:
        raise _NoInterpreterError(f"{sys.executable!r}: {error.strerror}") from None


def _give_up_ranges(reason: str) -> None:
    """Convert in one process from now on: workers fail for a reason other than input."""
    global _parallel_broken
    _parallel_broken = True
    warnings.warn(
        f"structconv: a worker process failed ({reason}); converting in one process",
        RuntimeWarning,
        stacklevel=3,
    )


def _join_ranges(
    batches: Batches,
    workers: list[subprocess.Popen[bytes]],
    part_paths: list[Path],
    output: _Output,
    target: _Target,
) -> int:
    """Convert the first range into the target, then append the workers' parts in order."""
    with output.writing() as out:
        count = _write_pieces(out, batches, target, 0)
        for worker, part in zip(workers, part_paths, strict=True):
            records = _worker_result(worker)
            if records:
                out.write(target.separator if count else target.opening)
                out.append(part)
                count += records
        out.write(target.closing if count else target.empty)
    return count


def _worker_result(worker: subprocess.Popen[bytes]) -> int:
    """The record count a worker wrote; _SplitFailed when it did not convert its range.
    A worker that failed for another reason than its input turns ranges off for this
    process, with a warning (the conversion itself goes on in one process)."""
    output, errors = worker.communicate()
    if worker.returncode == _WORKER_FAILED:
        raise _SplitFailed
    if worker.returncode == 0 and output.isdigit():
        return int(output)
    reason = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
    _give_up_ranges(reason[0] if reason else f"exit status {worker.returncode}")
    raise _SplitFailed


def _range_worker() -> None:
    """A worker process: convert the range described on stdin into its part file, print
    its record count; exit with _WORKER_FAILED when the input is refused. Ctrl-C reaches
    the parent too, which stops the workers: here it is ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        task = pickle.load(sys.stdin.buffer)
    except EOFError:
        return  # no range for this worker
    path, span, header, delimiter, options, target, fast, part, parent = task
    opener = _Opener(Path(path), "csv", None, span)
    encoder = _Target(target, options, fast, "csv")
    count = 0
    try:
        batches = csv_format.iter_batches(
            opener.lines(), options, delimiter, opener.lines, header=header
        )
        with Path(part).open("wb") as out:
            for batch in batches:
                if os.getppid() != parent:  # the parent was killed: nobody joins the part
                    raise _SplitFailed
                if count:
                    out.write(encoder.separator)
                out.write(encoder.piece(batch))
                count += len(batch)
    except (ParseError, RoundTripError, _OrjsonLimitError, _EncodingMismatchError, _SplitFailed):
        if os.getppid() != parent:
            Path(part).unlink(missing_ok=True)
        sys.exit(_WORKER_FAILED)
    sys.stdout.write(str(count))


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


# --- JSON arrays ------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")  # what json.loads skips around values


def _json_array_batches(opener: _Opener, options: Options) -> Batches:
    """The items of the file's top-level array, in batches, as json.loads reads them.

    Each item is decoded in place in a buffer of CHUNK_CHARS or more. An item cut by the
    end of the buffer fails to decode at (or, for a string or an escape, near) that end:
    the buffer grows (doubling, so a big item costs linear time) and it is decoded again;
    an item that ends near the end of the buffer is decoded again too, since only a
    container or a string has a closing mark (a number "1" may be "1e+5"). Anything else
    that fails is a real error: Unstreamable, and the in-memory path reports it.
    """
    decode = json_format.strict_decoder().raw_decode
    space = _JSON_SPACE.match
    surrogate_escape = json_format.SURROGATE_ESCAPE.search
    max_depth = options.max_depth
    batch: list[Any] = []
    try:
        with opener.open() as stream:
            buffer = ""
            position = 0
            at_end = False

            def read_more() -> bool:
                """Drop what was read, append more text; False at the end of the file."""
                nonlocal buffer, position, at_end
                if not at_end:
                    chunk = stream.read(max(CHUNK_CHARS, len(buffer) - position))
                    at_end = not chunk
                    if chunk:
                        buffer = buffer[position:] + chunk
                        position = 0
                return not at_end

            def next_char() -> str:
                """The next character that is not whitespace ("" at the end), at `position`."""
                nonlocal position
                while True:
                    position = space(buffer, position).end()  # type: ignore[union-attr]
                    if position < len(buffer):
                        return buffer[position]
                    if not read_more():
                        return ""

            if next_char() != "[":
                raise Unstreamable  # not an array: one value, read whole
            position += 1
            char = next_char()
            while char != "]":
                while True:
                    try:
                        item, end = decode(buffer, position)
                    except json.JSONDecodeError as error:
                        cut = error.pos >= len(buffer) - 6 or error.msg.startswith("Unterminated")
                        if cut and read_more():
                            continue
                        raise Unstreamable from None
                    if len(buffer) - end < 8 and read_more():
                        continue  # a number ("1" of "1e+5") may go on past the buffer
                    break
                if surrogate_escape(buffer, position, end) and json_format.has_lone_surrogate(item):
                    raise Unstreamable
                if (
                    type(item) in (dict, list)
                    and buffer.count("[", position, end) + buffer.count("{", position, end)
                    >= max_depth
                    and depth(item) >= max_depth  # the array holding it is one level more
                ):
                    raise Unstreamable
                batch.append(item)
                if len(batch) >= BATCH_RECORDS:
                    yield batch
                    batch = []
                position = end
                char = next_char()
                if char == ",":
                    position += 1
                    char = next_char()
                    if char in ("]", ""):
                        raise Unstreamable  # a trailing comma, or the end
                elif char != "]":
                    raise Unstreamable
            position += 1
            if next_char():
                raise Unstreamable  # more after the array
    except (ValueError, RecursionError, json_format.DuplicateKeyError, UnicodeDecodeError):
        raise Unstreamable from None  # NaN, a float that overflows, a duplicate key, depth
    if batch:
        yield batch


# --- XML records ------------------------------------------------------------------------

_XML_SPACE = " \t\r\n"
_XML_ENCODING = re.compile(rb"""\A<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


class _XmlRecords:
    """The record elements of a record-like XML file (module docstring), each as the value
    the in-memory reader gives it, in batches; Unstreamable for anything else.

    The name of the records is the root's first child's, found by a first, short parse;
    iterparse then reports the ends of elements of that name only (the others cost no
    Python call) and each one that is a child of the root is converted, then cleared. What
    stands between two records (text, another element, an entity reference) is checked
    when the second one ends, and removed from the tree with the first.
    """

    def __init__(self, path: Path, options: Options) -> None:
        self.path = path
        self.options = options
        self.root = ""  # the root's name and the records', known once the first is read
        self.name = ""

    def __iter__(self) -> Batches:
        from lxml import etree

        from structconv.formats import xml as xml_format

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
        settings = xml_format.parser_settings(options)
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
                node = xml_format.element_to_node(element, options, declarations, level=2)
                ((name, value),) = xml_format.node_to_data(node).items()
                if name != (self.name or name):
                    raise Unstreamable  # the same tag, another prefix: another name
                self.name = name
                element.clear(keep_tail=True)
                batch.append(value)
                count += 1
                if len(batch) >= BATCH_RECORDS:
                    yield batch
                    batch = []
            if root is None or count < 2:
                raise Unstreamable  # no record, or one: {root: {name: value}}, no list
            last = root[len(root) - 1]
            self._drop_before(root, last)
            if last.tag != tag or (last.tail or "").strip(_XML_SPACE):
                raise Unstreamable
        except (etree.LxmlError, ParseError):
            raise Unstreamable from None  # not well-formed, or too deep: as in memory
        if batch:
            yield batch

    def _first_child_tag(self, settings: Any) -> str:
        from lxml import etree

        events = etree.iterparse(str(self.path), events=("start",), **settings)
        next(events, None)  # the root
        _, first_child = next(events, (None, None))
        if first_child is None:
            raise Unstreamable  # an empty root
        return str(first_child.tag)

    def _root(self, element: Any) -> Any:
        """The root of `element`'s document, checked: no attributes, no namespace
        declarations, no text before its first child."""
        from structconv.formats import xml as xml_format

        root = element
        while root.getparent() is not None:
            root = root.getparent()
        if root.attrib or root.nsmap or (root.text or "").strip(_XML_SPACE):
            raise Unstreamable
        self.root = xml_format.element_name(root)
        return root

    def _drop_before(self, root: Any, element: Any) -> None:
        """Remove the records before `element`, checking that only whitespace follows each
        and that nothing else stands among them (then the document is not record-like)."""
        while True:
            first = root[0]
            if first is element:
                return
            if first.tag != element.tag or (first.tail or "").strip(_XML_SPACE):
                raise Unstreamable
            del root[0]


def _read_ahead(batches: Batches) -> Batches:
    """`batches` with its first batch read already: a JSON or XML document that cannot
    stream is mostly found out there, before a temporary file is made for the output."""
    first = next(batches, None)
    return iter(()) if first is None else chain([first], batches)


def _xml_convert(source_path: Path, output: _Output, target: str, options: Options) -> int:
    if target == "jsonl":
        return _write(
            _read_ahead(iter(_XmlRecords(source_path, options))),
            output,
            _Target(target, options, True, "xml"),
        )
    if options.indent in (0, 2):
        try:
            return _xml_to_json(source_path, output, options, True)
        except _OrjsonLimitError:
            pass
    return _xml_to_json(source_path, output, options, False)


def _xml_to_json(source_path: Path, output: _Output, options: Options, fast: bool) -> int:
    """The in-memory text of {root: {name: [records]}}: the records' batches as _Target
    writes them at the top level, indented two levels more, in the frame around them."""
    records = _XmlRecords(source_path, options)
    batches = _read_ahead(iter(records))
    target = _Target("json", options, fast, "xml")
    count = 0
    closing = pad = b""
    with output.writing() as out:
        for batch in batches:
            if count:
                out.write(target.separator)
            else:
                opening, closing = _json_frame(records.root, records.name, options, fast)
                out.write(opening)
                pad = b" " * (2 * options.indent) if target.indent else b""
            piece = target.piece(batch)
            out.write(pad + piece.replace(b"\n", b"\n" + pad) if pad else piece)
            count += len(batch)
        out.write(closing)
    return count


def _json_frame(root: str, name: str, options: Options, fast: bool) -> tuple[bytes, bytes]:
    """What the in-memory JSON text of {root: {name: [...]}} holds before its first record
    and after its last (the same writer writes it around a placeholder string)."""
    placeholder = "\ue000structconv\ue000"
    frame = {root: {name: [placeholder]}}
    text = (
        json_format.dumps(frame, options)
        if fast
        else _stdlib_dumps(frame, options, options.indent or None) + "\n"
    )
    before, _, after = text.partition(f'"{placeholder}"')
    return before.rstrip(" ").encode(), after.encode()


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


class _Target:
    """How records become JSON or JSON Lines bytes, a batch at a time: `piece` is the text
    of one batch, and pieces joined by `separator` between `opening` and `closing` are
    exactly the text of all the records written at once (`empty` when there are none).

    With options.verify, orjson's text is proven exact by the types of the values, as the
    in-memory path proves it (formats.json.orjson_writes_exactly): orjson writes str, int,
    bool and finite floats in dicts and lists exactly, or raises. CSV and XML records are
    made of those alone (formats.csv.infer_cell, checked by property tests; XML is text),
    so their proof is the reader's; other records are walked. A batch without a proof is read back and
    compared, as the stdlib's text always is.
    """

    def __init__(self, target: str, options: Options, fast: bool, source: str) -> None:
        self.target = target
        self.options = options
        self.fast = fast  # orjson (raises _OrjsonLimitError where it cannot), else the stdlib
        # CSV records hold only str, int, bool and finite floats (infer_cell), in dicts;
        # XML records only str, in dicts and lists (formats.xml.node_to_data).
        self.exact = source in ("csv", "xml")
        self.indent = options.indent or None
        self.flags = orjson.OPT_SORT_KEYS if options.sort_keys else 0
        if target == "jsonl":
            self.opening = self.separator = self.closing = self.empty = b""
            return
        if self.indent == 2:
            self.flags |= orjson.OPT_INDENT_2
        self.opening, self.separator = (b"[\n", b",\n") if self.indent else (b"[", b",")
        self.closing = b"\n]\n" if self.indent else b"]\n"
        self.empty = b"[]\n"

    def piece(self, batch: list[Any]) -> bytes:
        if self.target == "jsonl":
            return self._lines(batch)
        options, flags = self.options, self.flags
        if self.fast:
            try:
                chunk = orjson.dumps(batch, option=flags)
            except orjson.JSONEncodeError:
                raise _OrjsonLimitError from None
            if (
                options.verify
                and not (self.exact or orjson_writes_exactly(batch))
                and orjson.dumps(orjson.loads(chunk), option=flags) != chunk
            ):
                raise _verify_failed("json", batch, orjson.loads(chunk))
        else:
            text = _stdlib_dumps(batch, options, self.indent)
            if options.verify and _stdlib_dumps(json.loads(text), options, self.indent) != text:
                raise _verify_failed("json", batch, json.loads(text))
            chunk = text.encode()
        # The batch as an array, its brackets cut off: "[\n" and "\n]" when indented.
        cut = len(self.opening)
        return chunk[cut:-cut]

    def _lines(self, batch: list[Any]) -> bytes:
        """One compact record per line, as formats.jsonl writes them (orjson, falling back
        to the stdlib for a record orjson cannot write).

        The batch is dumped as one array: between records that are mappings, "},{" stands
        once per boundary, and inside a record only within a string or a nested list; so
        when it occurs exactly len(batch) - 1 times, replacing it by "}\n{" splits the
        records (compact JSON has no other line break to count).
        """
        flags = self.flags
        array = chunk = b""
        if set(map(type, batch)) == {dict}:
            with contextlib.suppress(orjson.JSONEncodeError):
                array = orjson.dumps(batch, option=flags)
                chunk = array[1:-1].replace(b"},{", b"}\n{") + b"\n"
        if not chunk or chunk.count(b"\n") != len(batch):
            lines: list[bytes] = []
            for record in batch:
                try:
                    lines.append(orjson.dumps(record, option=flags))
                except orjson.JSONEncodeError:
                    lines.append(_stdlib_dumps(record, self.options, None).encode())
            chunk = b"\n".join(lines) + b"\n"
            array = b"[" + b",".join(lines) + b"]"
        if (
            self.options.verify
            and not (self.exact or orjson_writes_exactly(batch))
            and orjson.dumps(orjson.loads(array), option=flags) != array
        ):
            # orjson reads integers past 64 bits as floats: check those strictly.
            again = [json.loads(line) for line in chunk[:-1].split(b"\n")]
            difference = first_difference(batch, again)
            if difference is not None:
                raise RoundTripError("jsonl", *difference)
        return chunk


def _write(batches: Batches, output: _Output, target: _Target) -> int:
    """The records of `batches` into the output, atomically; the record count."""
    with output.writing() as out:
        count = _write_pieces(out, batches, target, 0)
        out.write(target.closing if count else target.empty)
    return count


def _write_pieces(out: _Sink, batches: Batches, target: _Target, count: int) -> int:
    """Write each batch's piece after the `count` records already written; the new count."""
    for batch in batches:
        out.write(target.separator if count else target.opening)
        out.write(target.piece(batch))
        count += len(batch)
    return count


# --- CSV target -------------------------------------------------------------------------


def _records_to_csv(batches: Callable[[], Batches], output: _Output, options: Options) -> int:
    """Two passes over `batches()`: the first collects the header (the union of all keys)
    and refuses what CSV cannot hold before anything is written; the second writes the rows.

    The in-memory path reads the whole input before it writes: a record CSV cannot hold is
    reported only once the rest of the input has parsed (else the parse error, or its
    repair, comes first), and the first pass reads on to the end to find out.
    """
    key = string_key("csv", options)
    plan = csv_format.ColumnPlan(options)
    count = 0
    refused: UnrepresentableError | None = None
    for batch in batches():
        if refused is not None:
            continue
        if not count and batch and isinstance(batch[0], list):
            raise Unstreamable  # rows without a header: written in memory
        try:
            for record in batch:
                plan.add(csv_format.flatten_record(record, (count,), options, key), (count,))
                count += 1
        except UnrepresentableError as error:
            refused = error
    if refused is not None:
        raise refused
    if not count:
        with output.writing():
            pass
        return 0
    columns = plan.columns()
    delimiter = csv_format.check_delimiter(options.delimiter or ",")

    formulas = csv_format.FormulaCheck(delimiter, options)

    def chunks(quote_all: bool) -> Iterator[str]:
        buffer = io.StringIO(newline="")
        writer = csv_format.writer(buffer, delimiter, quote_all)
        writer.writerow(columns)
        text = _take(buffer)
        formulas.check(text, columns, [], 0)
        yield text
        index = 0
        for batch in batches():
            rows = []
            for record in batch:
                base = (index,)
                flat = csv_format.flatten_record(record, base, options, key)
                rows.append(csv_format.fill_row(flat, columns, base, options))
                index += 1
            writer.writerows(rows)
            text = _take(buffer)
            formulas.check(text, columns, rows, index - len(rows))
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
    with output.writing() as out:
        for piece in chain(head, pieces):
            out.write(piece.encode())
    return count


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def io_reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
