"""What a YAML rule proposes where the reader stops: one alternative, or several."""

from __future__ import annotations

from dataclasses import dataclass

from structconv.errors import ParseError
from structconv.repair.edits import LineIndex

# --- the search over readings ----------------------------------------------------------


@dataclass(frozen=True)
class _Alternative:
    """One way to repair the current breakage: edits over the current text, one rule."""

    edits: tuple[tuple[int, int, str, str], ...]  # (start, end, replacement, message)
    rule: str
    confidence: float
    description: str


@dataclass(frozen=True)
class _Proposal:
    """What a rule proposes at one place: one alternative, or several (a fork)."""

    alternatives: tuple[_Alternative, ...]
    question: str  # why several readings are possible (used when there are several)
    line: int
    column: int


def _error_offset(text: str, error: ParseError) -> int | None:
    if error.line <= 0:
        return None
    index = LineIndex(text)
    if error.line > len(index.starts):
        return len(text)
    return min(index.offset(error.line, error.column), len(text))


def _single(alternative: _Alternative, line: int, column: int) -> _Proposal:
    return _Proposal((alternative,), "", line, column)


def _shown(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."
