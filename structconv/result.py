"""The record a conversion returns: frozen, no logic (a repair's records: structconv.fixes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from structconv.names import Format
from structconv.neutral import Data

if TYPE_CHECKING:
    from structconv.fixes import Fix


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
