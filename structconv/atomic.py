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
import secrets
from collections.abc import Iterator
from contextvars import ContextVar
from typing import IO


class PendingWrites:
    """Outputs written whole beside their targets, not yet in place."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, str]] = []  # (temporary file, target)

    def commit(self) -> dict[str, OSError]:
        """Flush every pending file to the disk, then rename each over its target; the
        targets that could not be replaced, with why (their temporary files removed)."""
        if self.writes:
            os.sync()
        failed: dict[str, OSError] = {}
        for temporary, target in self.writes:
            try:
                os.replace(temporary, target)
            except OSError as error:
                failed[target] = error
                _remove(temporary)
        self.writes.clear()
        return failed

    def discard(self) -> None:
        for temporary, _ in self.writes:
            _remove(temporary)
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


def _temporary_beside(path: str) -> tuple[int, str]:
    """A new file `.<name>.<random>.tmp` beside `path`, open for writing.

    Not tempfile.mkstemp: it creates the file 0600, so every output then needed two umask
    calls and a chmod; created 0666 here, the kernel applies the umask as for any new file.
    Syscalls are most of the cost of a small file's conversion, and two workers writing to
    one directory wait on each other's."""
    directory, name = os.path.split(path)
    while True:
        temporary = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, _CREATE, 0o666), temporary
        except FileExistsError:
            continue


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def _finish(descriptor: int, temporary: str, path: str) -> None:
    """Give the finished temporary file the target's permissions, then put it in place
    (or leave that to the chunk's commit); `descriptor` is still open."""
    pending = _PENDING.get()
    if pending is None:
        os.fsync(descriptor)
    with contextlib.suppress(FileNotFoundError):
        os.fchmod(descriptor, os.stat(path).st_mode & 0o7777)  # replacing: keep its mode
    if pending is None:
        os.replace(temporary, path)
    else:
        pending.writes.append((temporary, path))


@contextlib.contextmanager
def atomic_writer(target: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Yield a text stream; on a clean exit it replaces `target`, on an error it vanishes."""
    path = os.fspath(target)
    descriptor, temporary = _temporary_beside(path)
    try:
        # An explicit buffer size: io.open then does not ask whether the file is a terminal.
        with open(descriptor, "w", encoding=encoding, newline="", buffering=_BUFFER) as stream:
            yield stream
            stream.flush()
            _finish(descriptor, temporary, path)
    except BaseException:
        _remove(temporary)
        raise


_BUFFER = 1 << 16


def write_atomic(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """`text` as the whole content of `target`, atomically (no text stream: one write)."""
    path = os.fspath(target)
    data = text.encode(encoding)
    descriptor, temporary = _temporary_beside(path)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            _finish(descriptor, temporary, path)
        finally:
            os.close(descriptor)
    except BaseException:
        _remove(temporary)
        raise
