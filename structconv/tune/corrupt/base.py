"""The corruption operators' registry (one Operator per breakage of a format), what they
share, and which of them mix."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
Apply = Callable[[str, random.Random], str | None]


@dataclass(frozen=True)
class Operator:
    """A named breakage of one format."""

    format: str
    kind: str
    apply: Apply
    settled: bool  # the deterministic rules repair it (else: ambiguity, or the model's job)
    weight: float = 1.0  # how often data.py tries it, relative to the format's others


# The formats in the order the data card lists them; each format module fills its list.
OPERATORS: dict[str, list[Operator]] = {
    format: [] for format in ("json", "jsonl", "yaml", "toml", "xml", "csv")
}


def operator(
    format: str, kind: str, *, settled: bool, weight: float = 1.0
) -> Callable[[Apply], Apply]:
    def register(function: Apply) -> Apply:
        OPERATORS.setdefault(format, []).append(Operator(format, kind, function, settled, weight))
        return function

    return register


def operators_for(format: str) -> list[Operator]:
    return OPERATORS.get(format, [])


def by_kind(format: str, kind: str) -> Operator:
    return next(op for op in operators_for(format) if op.kind == kind)


COMMENTS = [
    "TODO: bump before release",
    "do not edit by hand",
    "see ticket 1234",
    "temporary",
    "FIXME",
    "generated",
    "keep in sync with prod",
    "old value was different",
    "設定を確認すること",
    "required",
    "staging only",
]


def _splice(text: str, start: int, stop: int, replacement: str) -> str:
    return text[:start] + replacement + text[stop:]


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


# --- mixed breakage ------------------------------------------------------------------------

# Breakage that redefines the answer (truncation) or rewrites the whole text is not mixed
# with others; of each group, a mixed breakage takes one at most (two misplaced lines
# at once make a text no reader could settle).
UNMIXED = {"truncation", "code_fence", "python_repr"}
EXCLUSIVE = [
    {"under_indent_after_key", "over_indent", "under_indent", "tab_indentation"},
    {"two_row_header", "units_row", "three_row_header"},
    {
        "colon_in_value",
        "colon_hash_in_value",
        "colon_value_comment",
        "unescaped_quote",
        "unclosed_quote",
    },
]


def mixable(format: str) -> list[Operator]:
    return [op for op in operators_for(format) if op.kind not in UNMIXED]


def compatible(kinds: list[str], kind: str) -> bool:
    """Whether `kind` may join a mixed breakage that already has `kinds`."""
    if kind in kinds:
        return False
    return not any(kind in group and group.intersection(kinds) for group in EXCLUSIVE)
