"""Deterministic repair rules: one module (or package) per format, each exporting one
typed `RULESET = RuleSet(...)`, the only way the rest of structconv reaches its rules
(as `CODEC` is for a format's reader and writer). See `RuleSet` for the contract.

Every change a rule makes is a Fix (through structconv.repair.edits, with a rule id
from the format's constants, kebab case); where the text can be repaired in several
ways the rules search the readings with structconv.repair.search and return an
`Ambiguity` with every candidate: they never guess. They read text only through
`search.read_strict` (formats.read: the caller's options, the size and depth limits).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeAlias

from structconv.errors import ParseError
from structconv.fixes import Ambiguity, Fix
from structconv.neutral import Data
from structconv.options import Options
from structconv.repair.registry import RULES


@dataclass(frozen=True)
class Patched:
    """The repaired source text, the fixes that made it, and how sure the rules are of them."""

    text: str
    fixes: tuple[Fix, ...]
    confidence: float


RuleOutcome: TypeAlias = Patched | Ambiguity | None

# The value tokens of broken text, with their offsets, found without parsing it.
InputValues: TypeAlias = Callable[[str], Iterable[tuple[str, int]]]


@dataclass(frozen=True)
class RuleSet:
    """A format's rules.

    repair(text, error, options): called only after the strict reader refused `text`
        with `error`: a `Patched` text, an `Ambiguity`, or None when no rule applies. It
        never parses for the caller (the pipeline reads the patched text and checks its
        provenance). It may raise a ParseError with `repairable=False` for breakage no
        one may repair (JSON's NaN: a model answer of the string "NaN" would pass).
    input_values(text): the value tokens of the broken text and their offsets (the
        model's answer checks and repair/guesses.py read them).
    review(text, data, options): for input that parsed but may not mean what it seems
        (a CSV with two header rows); returns None quickly for ordinary input. Its
        format is then in REVIEWED.
    review_head(head, options): whether `review` may change the reading of a file that
        starts with `head` (the streaming path then reads it in memory).
    answer_lines_up(text, data): why the model's answer does not line up with the
        structure the input spells out (a CSV's rows, TOML's key paths), or None.
    """

    format: str
    repair: Callable[[str, ParseError, Options], RuleOutcome]
    input_values: InputValues
    review: Callable[[str, Data, Options], RuleOutcome] | None = None
    review_head: Callable[[str, Options], bool] | None = None
    answer_lines_up: Callable[[str, Data], str | None] | None = None


def ruleset(format: str) -> RuleSet | None:
    """The rules of a format, imported now; None when the format has none."""
    name = RULES.get(format)
    if name is None:
        return None
    rules: RuleSet = importlib.import_module(name).RULESET
    return rules
