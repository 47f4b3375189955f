"""What one step of a conversion learnt about one object, kept for a later step of it.

A reader proves facts of the data it returned (structconv.facts); a writer keeps the bytes
it made a text from (structconv.encoded). Each is about that very object (an equal copy
gets nothing), only the latest is kept, and only inside the scope the conversion opens:
outside it, giving is dropped and asking finds nothing, so a caller that never opens the
scope gets the general path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Generic, TypeVar

About = TypeVar("About")
Value = TypeVar("Value")


class Handoff(Generic[About, Value]):
    """The latest value given about an object, inside `scope()`."""

    def __init__(self, name: str) -> None:
        # The latest (object, value), in a list that the scope owns (empty before the first).
        self._latest: ContextVar[list[tuple[About, Value]] | None] = ContextVar(name, default=None)

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Keep what is given inside (it holds its object alive until the scope ends)."""
        token = self._latest.set([])
        try:
            yield
        finally:
            self._latest.reset(token)

    def wanted(self) -> bool:
        """Whether a value given now would be kept: else the giver need not work it out."""
        return self._latest.get() is not None

    def give(self, about: About, value: Value) -> None:
        latest = self._latest.get()
        if latest is not None:
            latest[:] = [(about, value)]

    def about(self, thing: About) -> Value | None:
        """The latest value, where it was given about this very object."""
        latest = self._latest.get()
        if latest and latest[0][0] is thing:
            return latest[0][1]
        return None
