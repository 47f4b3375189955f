"""Atomic file writes: a temporary file beside the target, then a rename.

A failure at any point leaves the target as it was (absent or whole), never truncated.
Each write is flushed to the disk (fsync) before its rename, so that a crash of the
machine cannot leave a renamed but empty file either.

Batches defer that (`deferred_commits`): a worker writes the outputs of a chunk of
files whole beside their targets, then one sync flushes them all and the renames
follow. Same guarantees; one sync a chunk instead of an fsync a file, which on this
machine took 0.45 ms each and, serialised on the disk, kept two processes from being
twice as fast as one on a batch of small files.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import IO


class PendingWrites:
    """Outputs written whole beside their targets, not yet in place."""

    def __init__(self) -> None:
        self.writes: list[tuple[Path, Path]] = []  # (temporary file, target)

    def commit(self) -> dict[str, OSError]:
        """Flush every pending file to the disk, then rename each over its target; the
        targets that could not be replaced, with why (their temporary files removed)."""
        if self.writes:
            os.sync()
        failed: dict[str, OSError] = {}
        for temporary, target in self.writes:
            try:
                temporary.replace(target)
            except OSError as error:
                failed[os.fspath(target)] = error
                temporary.unlink(missing_ok=True)
        self.writes.clear()
        return failed

    def discard(self) -> None:
        for temporary, _ in self.writes:
            temporary.unlink(missing_ok=True)
        self.writes.clear()


_PENDING: ContextVar[PendingWrites | None] = ContextVar("structconv_pending", default=None)


@contextlib.contextmanager
def deferred_commits() -> Iterator[PendingWrites]:
    """Writes inside wait for `commit()`; what is not committed by the end is removed."""
    pending = PendingWrites()
    token = _PENDING.set(pending)
    try:
        yield pending
    finally:
        _PENDING.reset(token)
        pending.discard()


@contextlib.contextmanager
def atomic_writer(target: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Yield a text stream; on a clean exit it replaces `target`, on an error it vanishes."""
    path = Path(target)
    directory = path.parent
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    temporary = Path(name)
    try:
        pending = _PENDING.get()
        with os.fdopen(descriptor, "w", encoding=encoding, newline="") as stream:
            yield stream
            if pending is None:
                stream.flush()
                os.fsync(stream.fileno())
        if path.exists():
            temporary.chmod(path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            temporary.chmod(0o666 & ~umask)
        if pending is None:
            temporary.replace(path)
        else:
            pending.writes.append((temporary, path))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def write_atomic(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    with atomic_writer(target, encoding) as stream:
        stream.write(text)
