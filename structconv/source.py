"""An input's bytes: read once, within the size limit, and only if the file held still.

A pipe, a FIFO, /dev/stdin or a device has no size and can be read only once: it is
read in one pass and refused as soon as it passes the limit, so `/dev/zero` is a
one-line error instead of a MemoryError. A regular file is refused by its size before
a byte of it is read. A file that changes while it is read (its size, modification
time or identity differ before and after) is refused too: the output could hold a
mix of its old and new contents. A change within the file system's time resolution
that keeps the size is not seen.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, NamedTuple

from structconv.errors import InputChanged, ParseError

_CHUNK = 1 << 20


class Snapshot(NamedTuple):
    """What tells one state of a file from another without reading it."""

    device: int
    inode: int
    size: int
    modified_ns: int


def _snapshot_of(status: os.stat_result) -> Snapshot:
    return Snapshot(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def snapshot(path: str | os.PathLike[str]) -> Snapshot:
    return _snapshot_of(Path(path).stat())


def ensure_unchanged(path: str | os.PathLike[str], before: Snapshot) -> None:
    """InputChanged when the file at `path` is no longer as `before` saw it (or is gone)."""
    try:
        now = snapshot(path)
    except OSError:
        now = None
    if now != before:
        raise InputChanged(os.fspath(path))


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """A file that can be opened and read again (not a pipe, FIFO, socket or device)."""
    try:
        return stat.S_ISREG(Path(path).stat().st_mode)
    except OSError:
        return False


def over_limit(limit: int, format: str, size: int | None = None) -> ParseError:
    message = (
        f"the input goes on past the limit of {limit:,} bytes"
        if size is None
        else f"the input is {size:,} bytes, over the limit of {limit:,}"
    )
    return ParseError(
        message,
        format=format,
        hint="raise it with --max-bytes (API: max_bytes=) if the file is trusted",
        repairable=False,
    )


def read_stream(stream: BinaryIO, limit: int, format: str, head: bytes = b"") -> bytes:
    """All of `stream`, read once, after its first bytes `head` (already read); refused
    once it passes `limit` bytes (nothing more is read then, so an endless stream ends
    too)."""
    chunks = [head]
    size = len(head)
    if size > limit:
        raise over_limit(limit, format)
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise over_limit(limit, format)
        chunks.append(chunk)


def read_input(path: str | os.PathLike[str], limit: int, format: str) -> bytes:
    """The bytes of the file at `path`, read once, within `limit` (see the module
    docstring). `format` names the input's format in a refusal ("input" when unknown).
    Raises OSError when it cannot be opened or read."""
    with open(path, "rb") as stream:  # noqa: PTH123 (a file object, for its descriptor)
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            return read_stream(stream, limit, format)
        if status.st_size > limit:
            raise over_limit(limit, format, status.st_size)
        # Not read(limit + 1): that allocates the whole limit (1 GiB by default) for
        # every file, then shrinks it, a tenth of a batch of small files' time.
        data = stream.read(status.st_size + 1)
        if len(data) > status.st_size:  # grown meanwhile, or sized 0 by the system (/proc)
            data = read_stream(stream, limit, format, data)
    # By path, not descriptor: a file replaced by a rename meanwhile counts as changed.
    ensure_unchanged(path, _snapshot_of(status))
    return data
