"""Plain records returned by the API: frozen, no logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
class Result:
    """The outcome of one conversion.

    A streamed conversion (convert_file of a CSV or JSON Lines file to `out`) holds
    no text or data in memory: `text` is "" and `records` counts what was written.
    """

    text: str
    data: Any
    source_format: str
    target_format: str
    encoding: str = "utf-8"
    fixes: tuple[Fix, ...] = field(default=())
    confidence: float = 1.0
    used_model: bool = False
    notes: tuple[str, ...] = field(default=())
    records: int | None = None
