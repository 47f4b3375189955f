"""What a repair did or could do: frozen records, no logic.

Apart from Result (structconv.result) because only the repair path makes them: a
conversion of clean input never defines these classes (each dataclass costs a
compile at import, which a one-file command pays in its start-up).
"""

from __future__ import annotations

from dataclasses import dataclass

from structconv.neutral import Data


@dataclass(frozen=True)
class Fix:
    """One change a repair made to the input, with where and why."""

    rule: str
    line: int
    column: int
    before: str
    after: str
    message: str


@dataclass(frozen=True)
class Candidate:
    """One reading of ambiguous input: the repaired source text, its data, and how it got there."""

    description: str
    text: str
    data: Data
    fixes: tuple[Fix, ...]


@dataclass(frozen=True)
class Ambiguity:
    """Input the rules can read in more than one way, each giving different data.

    The rules never guess between candidates: "auto" lets the model rank them,
    "rules" reports them as an AmbiguousInput error.
    """

    format: str
    line: int
    column: int
    message: str
    candidates: tuple[Candidate, ...]
