"""The rules in the order they are tried, and `repair`: the search over readings pass by
pass (repair/search.py's passes)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from structconv.errors import ParseError
from structconv.options import Options
from structconv.repair.edits import EditSession, LineIndex
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.rules.toml.keys import (
    _colon_separator,
    _ini_comment,
    _inline_table_lines,
    _inline_table_trailing_comma,
    _key_with_spaces,
    _table_header_bracket,
    _table_name_spaces,
)
from structconv.repair.rules.toml.proposals import _MAX_CANDIDATES, _MAX_PASSES, _Branch, _Fork
from structconv.repair.rules.toml.tables import _duplicate_table
from structconv.repair.rules.toml.values import (
    _after_value,
    _array_missing_comma,
    _bare_string,
    _unclosed_array,
    _unterminated_string,
    _windows_path,
)
from structconv.repair.search import (
    Budget,
    GiveUp,
    Outcome,
    Read,
    ambiguity,
    distinct,
    passes,
    read_strict,
)

if TYPE_CHECKING:
    from structconv.repair.rules.toml.proposals import _Reading, _Rule


_RULES: tuple[_Rule, ...] = (
    _ini_comment,
    _colon_separator,
    _key_with_spaces,
    _table_name_spaces,
    _table_header_bracket,
    _inline_table_trailing_comma,
    _inline_table_lines,
    _unclosed_array,
    _array_missing_comma,
    _bare_string,
    _after_value,
    _unterminated_string,
    _windows_path,
    _duplicate_table,
)


def _readings(text: str, error: ParseError) -> list[_Reading] | None:
    if not error.line:
        return None
    offset = min(LineIndex(text).offset(error.line, error.column), len(text))
    for rule in _RULES:
        readings = rule(text, error, offset)
        if readings:
            return readings
    return None


def _apply(branch: _Branch, reading: _Reading, chosen: bool = False) -> None:
    """Apply a reading's changes, the latest offset first so earlier ones stay valid;
    `chosen`: one of several readings (its description names the candidate)."""
    for change in sorted(reading.changes, key=lambda change: -change.start):
        branch.session.replace(
            change.start, change.end, change.replacement, change.rule, change.message
        )
    branch.confidence = min(branch.confidence, reading.confidence)
    if chosen:
        branch.descriptions += (reading.description,)


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """Repair pass by pass where tomllib complains; None when a complaint has no rule."""
    forks: list[_Fork] = []

    def advance(branch: _Branch) -> Read | list[_Branch]:
        data, problem = read_strict(branch.session.text, "toml", options)
        if problem is None:
            return Read(data) if branch.session.changed else []
        if not problem.repairable:
            raise GiveUp
        readings = _readings(branch.session.text, problem)
        if readings is None:
            return []  # this reading cannot be repaired
        known = branch.choices.get(readings[0].choice) if len(readings) > 1 else None
        if known is not None:
            _apply(branch, readings[known])
            return [branch]
        forked: list[_Branch] = []
        if len(readings) > 1:
            if not forks:
                question = readings[0].question or f"{problem.message}: {len(readings)} readings"
                forks.append(_Fork(problem.line, problem.column, question))
            for number, other in enumerate(readings[1:], 1):
                fork = copy.deepcopy(branch)
                fork.choices[other.choice] = number
                _apply(fork, other, chosen=True)
                forked.append(fork)
            branch.choices[readings[0].choice] = 0
        _apply(branch, readings[0], chosen=len(readings) > 1)
        return [branch, *forked]

    # The readings alive: the candidates and the one in hand.
    budget = Budget(runs=_MAX_PASSES, readings=_MAX_CANDIDATES + 1)
    try:
        finished = passes(_Branch(EditSession(text)), advance, budget)
    except GiveUp:
        return None
    groups = distinct(finished, lambda entry: entry[1])
    if not groups:
        return None
    outcomes = [
        Outcome(
            branch.session.text,
            branch.session.fixes(),
            branch.confidence,
            "; ".join(branch.descriptions),
            branch,
        )
        for (branch, _), *_ in groups
    ]
    if len(outcomes) == 1:
        return Patched(outcomes[0].text, outcomes[0].fixes, outcomes[0].confidence)
    fork = forks[0]
    return ambiguity("toml", fork.line, fork.column, fork.message, outcomes)
