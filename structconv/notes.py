"""Notes: what a reader, a writer or the decoder changed or guessed, told to the user
(Result.notes) without an error. One message of each kind per conversion, so that a
file with a million such cells gets one line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_NOTES: ContextVar[dict[str, str] | None] = ContextVar("structconv_notes", default=None)


def note(kind: str, message: str) -> None:
    """Tell the user what was changed or guessed: the first message of each kind counts."""
    notes = _NOTES.get()
    if notes is not None:
        notes.setdefault(kind, message)


@contextlib.contextmanager
def collecting_notes() -> Iterator[dict[str, str]]:
    """The notes given inside, by kind (see `note`)."""
    notes: dict[str, str] = {}
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)
