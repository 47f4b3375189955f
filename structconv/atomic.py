"""Atomic file writes: a temporary file beside the target, then a rename.

A failure at any point leaves the target as it was (absent or whole), never truncated.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(target: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Yield a text stream; on a clean exit it replaces `target`, on an error it vanishes."""
    path = Path(target)
    directory = path.parent
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            temporary.chmod(path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            temporary.chmod(0o666 & ~umask)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def write_atomic(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    with atomic_writer(target, encoding) as stream:
        stream.write(text)
