"""Records a batch at a time: what a format offers structconv.streaming.

A format whose data is a list of records (CSV, JSON Lines, a JSON array, record-like
XML) may stream: its codec names a module (`Codec.records`) that exports `RECORDS`, a
`RecordCodec` with a reader, a writer, or both. The contract, which makes a streamed
output byte for byte what the in-memory path writes:

- a reader gives the records of a file in batches, each record exactly the value the
  format's `loads` gives it in the whole document, and refuses (ParseError) what
  `loads` refuses; where it cannot know that record by record (a JSON document that
  turns out not to be an array), it raises `Unstreamable` before anything is written;
- a writer turns batches into bytes: `opening`, the pieces of the batches joined by
  `separator`, then `closing(count)`, are exactly the text `dumps` writes for all the
  records. A writer that must see every record first (CSV: its header is the union of
  all keys) surveys them in a first pass, and may keep what it made of them for the
  second (CSV: the flat records, in a temporary file) instead of having the source read
  again.

The readers never import streaming: the files they read are `TextSource`s, opened by
streaming (whole, or a byte range of a file cut for several processes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from structconv.neutral import Data
from structconv.options import Options

# Characters read at a time: as fast as 1 MiB, a quarter of the memory.
CHUNK_CHARS = 1 << 18
# Records a batch: measured, larger batches stay out of the CPU cache.
BATCH_RECORDS = 1024

Batch = list[Data]


class Unstreamable(Exception):
    """The input cannot be converted record by record with exactly the in-memory path's
    data and errors: convert it in memory. Nothing was written."""


class EncodingMismatch(Exception):
    """The file is not in the encoding the stream assumed; read it whole, as api.convert
    does (it detects legacy encodings)."""


class StartOver(Exception):
    """The writer met a record that makes `dumps` write the whole document another way
    (orjson cannot write an integer past 64 bits: the stdlib then writes it all). Write
    everything again with a writer made with `fallback=True`."""


class TextSource(Protocol):
    """A file as text, opened again whenever a pass or an error message needs it."""

    path: Path

    def open(self) -> IO[str]:
        """The text from its start (a byte order mark removed), in the record codec's
        `newline` mode; a UnicodeDecodeError while reading means EncodingMismatch."""
        ...

    def head(self, size: int) -> str:
        """The first `size` characters (fewer at the end of the text)."""
        ...


class RecordStream(Protocol):
    """The batches of a reader, and what a writer needs to know of them."""

    @property
    def frame(self) -> tuple[str, ...]:
        """Where the list of records stands in the document's data: () for a top-level
        list, (root, name) for XML's {root: {name: [...]}}; final once a batch is read."""
        ...

    @property
    def plain(self) -> bool:
        """Every record holds only str, int, bool and finite floats, in dicts and lists:
        a writer need not check the types it writes (CSV by inference, XML text)."""
        ...

    def __iter__(self) -> Iterator[Batch]: ...


@dataclass
class Stream:
    """A RecordStream of records at the top level."""

    batches: Iterator[Batch]
    plain: bool = False
    frame: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Batch]:
        return self.batches


class RecordWriter(Protocol):
    """Records -> bytes, a batch at a time (see the module docstring)."""

    opening: bytes  # before the first piece (nothing is written for no records)
    separator: bytes  # between two pieces
    surveys: bool  # call `survey` with every batch before the first piece

    def survey(self, batches: Iterable[Batch]) -> Iterator[Batch] | None:
        """Look at every batch before the first piece; the batches to write then, when the
        writer kept them (as `piece` takes them), else None: the caller reads the source
        again."""
        ...

    def piece(self, batch: Batch) -> bytes: ...

    def closing(self, count: int) -> bytes:
        """After the last piece of `count` records; with 0, the whole text of no records."""
        ...


@dataclass(frozen=True)
class WriterPlan:
    """How a writer is made for one stream."""

    frame: tuple[str, ...] = ()  # RecordStream.frame
    plain: bool = False  # RecordStream.plain
    fallback: bool = False  # the second try after StartOver


@dataclass(frozen=True)
class PartReader:
    """Reading one file in byte ranges, on several processes (CSV). `head` reads what
    every range needs to read its records (picklable: the header and the delimiter) and
    the byte offset where the records start, None when it cannot (the whole-file reader
    then reports why); `cuts` gives up to `parts - 1` offsets in [start, end) where a
    range may end; `read` reads one range, whose text holds records only unless
    `with_head` (the first range, read like a whole file)."""

    head: Callable[[TextSource, Options], tuple[Any, int] | None]
    cuts: Callable[[Path, int, int, int], list[int]]
    read: Callable[[TextSource, Options, Any, bool], RecordStream]


@dataclass(frozen=True)
class RecordCodec:
    """What a format offers streaming (`RECORDS` in the module its codec names)."""

    # How the source is opened: "" hands every line break to the reader as written (csv
    # wants it so), "\n" ends lines at LF only (JSON Lines).
    newline: str = "\n"
    read: Callable[[TextSource, Options], RecordStream] | None = None
    writer: Callable[[Options, WriterPlan], RecordWriter] | None = None
    parts: PartReader | None = None
