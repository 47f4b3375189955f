"""The UTF-8 bytes a writer made a text from, kept for the file write that follows.

A writer that produces bytes (orjson) decodes them into the text of the Result; a file
write would encode that text again (0.03 s each way on 28 MB of JSON). Inside
`keeping_bytes` the writer leaves its bytes here, and `utf8` gives them back for that
very text object; any other text (one changed after writing, as when comments are
carried over) is encoded as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

# The latest text and its bytes (an empty list before the first).
_KEPT: ContextVar[list[tuple[str, bytes]] | None] = ContextVar("structconv_encoded", default=None)


@contextlib.contextmanager
def keeping_bytes() -> Iterator[None]:
    """Keep the latest text's bytes given inside (see `keep`)."""
    token = _KEPT.set([])
    try:
        yield
    finally:
        _KEPT.reset(token)


def keep(text: str, raw: bytes) -> None:
    """Record that `raw` is `text` encoded as UTF-8 (dropped outside `keeping_bytes`)."""
    kept = _KEPT.get()
    if kept is not None:
        kept[:] = [(text, raw)]


def utf8(text: str) -> bytes:
    """`text` encoded as UTF-8: the kept bytes where they are this very text's."""
    kept = _KEPT.get()
    if kept and kept[0][0] is text:
        return kept[0][1]
    return text.encode("utf-8")
