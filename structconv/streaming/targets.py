"""The target of a stream: written atomically, put in place only if the source held
still, filled by a RecordWriter (formats/records.py) a batch at a time."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from structconv.atomic import atomic_writer
from structconv.errors import UsageError
from structconv.formats.records import Batch, RecordWriter
from structconv.source import ensure_unchanged, snapshot

PathLike = str | os.PathLike[str]


class Output:
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
    def writing(self) -> Iterator[Sink]:
        stage = "create"
        try:
            with atomic_writer(self.path) as stream:
                stage = "write"  # an OSError from here on is the source's, or the sink's
                yield Sink(_binary(stream), self)
                ensure_unchanged(self.source, self.before)
                stage = "commit"
        except OSError as error:
            if stage == "write":
                raise
            raise self.failed(error) from None


def _binary(stream: IO[str]) -> IO[bytes]:
    return cast(IO[bytes], cast(io.TextIOWrapper, stream).buffer)


class Sink:
    """The output's bytes; see Output."""

    def __init__(self, stream: IO[bytes], output: Output) -> None:
        self.stream = stream
        self.output = output

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except OSError as error:
            raise self.output.failed(error) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as error:
            raise self.output.failed(error) from None

    def append(self, part: Path) -> None:
        """Copy the file `part` to the end of the output, in the kernel where it can."""
        out = self.stream
        with part.open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            copied = 0
            self.flush()
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


def write_all(batches: Iterator[Batch], output: Output, writer: RecordWriter) -> int:
    """The records of `batches` into the output, atomically; the record count."""
    with output.writing() as out:
        count = write_pieces(out, batches, writer, 0)
        out.write(writer.closing(count))
    return count


def write_pieces(out: Sink, batches: Iterator[Batch], writer: RecordWriter, count: int) -> int:
    """Write each batch's piece after the `count` records already written; the new count."""
    for batch in batches:
        out.write(writer.separator if count else writer.opening)
        out.write(writer.piece(batch))
        count += len(batch)
    return count
