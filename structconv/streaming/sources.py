"""The source of a stream: a file opened as text again whenever a pass or an error message
needs it (whole, or a byte range of it), and the record codec that reads it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

from structconv import formats
from structconv.encoding import BOMS
from structconv.formats.records import Batch, EncodingMismatch, RecordCodec


def records_of(format: str) -> RecordCodec:
    """The record codec of a format that streaming.can_stream admits."""
    records = formats.get_records(format)
    assert records is not None, f"{format} does not stream"
    return records


# The bytes a text stream decodes at once (TextIOWrapper's _CHUNK_SIZE, settable in both
# of Python's implementations of it).
DECODE_BYTES = 1 << 18


class TextFile:
    """A TextSource (formats/records.py): the file at `path`, decoded by its byte order
    mark (UTF-8 without one); or `text`, the file already decoded in memory; or the bytes
    [start, end) of a UTF-8 file (`span`, a range of streaming/ranges.py)."""

    def __init__(
        self, path: Path, newline: str, text: str | None, span: tuple[int, int] | None = None
    ) -> None:
        self.path = path
        self.newline = newline
        self.text = text
        self.span = span
        self.encoding = "utf-8-sig"
        if text is None and span is None:
            with path.open("rb") as stream:
                head = stream.read(4)
            self.encoding = next((name for bom, name in BOMS if head.startswith(bom)), "utf-8-sig")

    def open(self) -> IO[str]:
        if self.text is not None:
            return io.StringIO(self.text.removeprefix("\ufeff"), newline="")
        if self.span is None:
            stream = self.path.open(encoding=self.encoding, newline=self.newline)
        else:
            start, end = self.span
            # A later part keeps a U+FEFF at its start: only the file's first bytes may be
            # a BOM.
            encoding = "utf-8-sig" if start == 0 else "utf-8"
            raw = io.BufferedReader(ByteRange(self.path, start, end), 1 << 16)
            stream = io.TextIOWrapper(raw, encoding=encoding, newline=self.newline)
        # Decoded in blocks of DECODE_BYTES, not 8 KB: reading CSV's chunks of text took
        # half the time again in the wrapper's steps between blocks (measured: 2.3x).
        stream._CHUNK_SIZE = DECODE_BYTES  # type: ignore[attr-defined]
        return stream

    def head(self, size: int) -> str:
        try:
            with self.open() as stream:
                return stream.read(size)
        except UnicodeDecodeError:
            raise EncodingMismatch from None


class ByteRange(io.RawIOBase):
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


def read_ahead(batches: Iterator[Batch]) -> Iterator[Batch]:
    """`batches` with its first batch read already: a JSON or XML document that cannot
    stream is mostly found out there, before a temporary file is made for the output (and
    the frame of XML's records is known)."""
    first = next(batches, None)
    return iter(()) if first is None else chain([first], batches)
