"""Plain records returned by the API: frozen, no logic."""

from __future__ import annotations

from dataclasses import dataclass, field

from structconv.names import Format
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


@dataclass(frozen=True)
class Result:
    """The outcome of one conversion.

    `fixes` lists every change a repair made to the input (empty for clean input);
    `confidence` is 1.0 for clean input and lower for repairs; `repaired` is the input
    as repaired, in its own format (None when it needed no repair).

    A streamed conversion (convert_file of a CSV or JSON Lines file to `out`) holds
    no text or data in memory: `text` is "" and `records` counts what was written.
    """

    text: str
    data: Data
    source_format: Format
    target_format: Format
    encoding: str = "utf-8"
    fixes: tuple[Fix, ...] = field(default=())
    confidence: float = 1.0
    used_model: bool = False
    notes: tuple[str, ...] = field(default=())
    records: int | None = None
    repaired: str | None = None
