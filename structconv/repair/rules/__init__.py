"""Deterministic repair rules: one module per format, each with the same small interface.

A rules module exports

    def repair(text: str, error: ParseError, options: Options) -> RuleOutcome

called only after the strict reader refused `text` with `error`. It returns a
`Patched` source text (every change recorded as a Fix through structconv.repair.edits),
an `Ambiguity` when the text can be repaired in ways that give different data, or
None when no rule applies. It never parses for the caller: the orchestrator reads
the patched text with the strict reader and validates the result. It may raise a
ParseError with `repairable=False` for breakage no one may repair: JSON's NaN has
no JSON value, and a model answer of the string "NaN" would otherwise pass.

A module may also export

    def review(text: str, data: Any, options: Options) -> RuleOutcome

for input that parsed but may not mean what it seems (a CSV with two header rows);
it must return None quickly for ordinary input.

and

    def input_values(text: str) -> Iterable[tuple[str, int]]

the value tokens of the broken text and their offsets, found without parsing it (the
model's answer checks, repair/guesses.py, and the textual check read them).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TypeAlias

from structconv.result import Ambiguity, Fix


@dataclass(frozen=True)
class Patched:
    """The repaired source text, the fixes that made it, and how sure the rules are of them."""

    text: str
    fixes: tuple[Fix, ...]
    confidence: float


RuleOutcome: TypeAlias = Patched | Ambiguity | None

# A rules module's `input_values`: the value tokens of broken text, with their offsets.
InputValues: TypeAlias = Callable[[str], Iterable[tuple[str, int]]]

# Format name -> the module with its rules.
RULES: dict[str, str] = {
    "json": "structconv.repair.rules.json",
    "jsonl": "structconv.repair.rules.jsonl",
    "yaml": "structconv.repair.rules.yaml",
    "toml": "structconv.repair.rules.toml",
    "xml": "structconv.repair.rules.xml",
    "csv": "structconv.repair.rules.csv",
}

# The formats whose rules also review input that parsed (kept here so that the API can
# tell without importing the rules).
REVIEWED: frozenset[str] = frozenset({"csv"})


def rules_for(format: str) -> ModuleType | None:
    """The rules module of a format, imported now; None when the format has none yet."""
    name = RULES.get(format)
    if name is None:
        return None
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise
