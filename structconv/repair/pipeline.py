"""The repair pipeline: what runs only when the strict reader refuses the input (or finds it ambiguous).

    rules (structconv.repair.rules.<format>.RULESET)  ->  Patched text | Ambiguity | nothing
    the strict reader reads the patched text  ->  data
    repair/provenance.py checks provenance    ->  accepted, or RepairRejected
    what the rules cannot settle              ->  the model (mode "auto" / "llm"), when installed

Modes: "off" never gets here; "rules" uses the rules only; "auto" (the default) uses
the rules, then the model for what they cannot settle; "llm" goes to the model
directly. Nothing here runs for input that parses cleanly and unambiguously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from structconv import formats
from structconv.errors import AmbiguousInput, ModelUnavailable, ParseError, RepairRejected
from structconv.fixes import Ambiguity, Candidate, Fix
from structconv.names import RepairMode
from structconv.neutral import Data
from structconv.options import Options
from structconv.repair import provenance
from structconv.repair.rules import RuleOutcome, ruleset


@dataclass(frozen=True)
class Repaired:
    """Accepted repaired input: its text in the source format, its data, and the record."""

    text: str
    data: Data
    fixes: tuple[Fix, ...]
    confidence: float
    used_model: bool = False
    notes: tuple[str, ...] = ()


def _read_candidate(text: str, format: str, options: Options) -> Any:
    """The strict reader's data, under the reading conventions the user's mode has (a
    CSV header's repeated names renamed name_2, which repair="off" refuses)."""
    return formats.read(text, format, options)


def _accept(
    original: str, format: str, patched_text: str, fixes: tuple[Fix, ...], options: Options
) -> tuple[Any, RepairRejected | None]:
    """The candidate's data, and why it must be refused (None when it passes)."""
    try:
        data = _read_candidate(patched_text, format, options)
    except ParseError as error:
        return None, RepairRejected(
            format,
            f"the repaired text still does not parse ({error})",
            candidate_text=patched_text,
            fixes=fixes,
            line=error.line,
            column=error.column,
        )
    refusal = provenance.check(original, data, fixes, format, options)
    if refusal is not None:
        return data, RepairRejected(
            format,
            refusal.reason,
            candidate_text=patched_text,
            candidate_data=data,
            fixes=fixes,
            line=refusal.line,
            column=refusal.column,
        )
    return data, None


def _settle_ambiguity(
    original: str, format: str, ambiguity: Ambiguity, options: Options, mode: RepairMode
) -> Repaired:
    """Keep the candidates that validate; one left is the answer, several need the model."""
    valid: list[Candidate] = []
    refusals: list[RepairRejected] = []
    for candidate in ambiguity.candidates:
        data, refused = _accept(original, format, candidate.text, candidate.fixes, options)
        if refused is None:
            valid.append(Candidate(candidate.description, candidate.text, data, candidate.fixes))
        else:
            refusals.append(refused)
    if not valid:
        raise refusals[0] if refusals else RepairRejected(format, "no candidate reading")
    if len(valid) == 1:
        only = valid[0]
        return Repaired(only.text, only.data, only.fixes, _AMBIGUITY_SETTLED_BY_VALIDATION)
    narrowed = replace(ambiguity, candidates=tuple(valid))
    if mode == "llm":
        return _model_ranks(original, format, narrowed, options)
    if mode == "auto":
        try:
            return _model_ranks(original, format, narrowed, options)
        except ModelUnavailable as missing:
            raise AmbiguousInput(
                narrowed, f"The repair model could pick one, but {missing.why}: {missing.INSTALL}."
            ) from None
    raise AmbiguousInput(narrowed)


# Two readings of which validation refused all but one: sure of the data, less of the intent.
_AMBIGUITY_SETTLED_BY_VALIDATION = 0.8


def _model_ranks(original: str, format: str, ambiguity: Ambiguity, options: Options) -> Repaired:
    """The reading the model finds likeliest; held for review when it is not sure."""
    from structconv.repair import model_repair

    best, confidence, note = model_repair.rank(original, format, ambiguity, options)
    chosen = ambiguity.candidates[best]
    if confidence < options.min_confidence:
        raise RepairRejected(
            format,
            f"{note}, below the {options.min_confidence:.0%} asked for",
            candidate_text=chosen.text,
            candidate_data=chosen.data,
            fixes=chosen.fixes,
            confidence=confidence,
            line=ambiguity.line,
            column=ambiguity.column,
            held=True,
        )
    return Repaired(chosen.text, chosen.data, chosen.fixes, confidence, True, (note,))


def _model_generates(original: str, format: str, error: ParseError, options: Options) -> Repaired:
    """The model's own reading of what no rule repairs, validated without any excuse."""
    from structconv.repair import model_repair

    if not provenance.has_content(original, format, options):
        raise _unrepaired(
            error,
            f"the input holds no {format.upper()} data a repair could keep (no key, value "
            "or word), so no model is asked to make some up",
        )
    text, data, fix, confidence = model_repair.generate(original, format, error, options)
    note = f"repaired by the model ({confidence:.0%} sure): {fix.message}"
    return Repaired(text, data, (fix,), confidence, True, (note,))


def _apply(
    original: str, format: str, outcome: RuleOutcome, options: Options, mode: RepairMode
) -> Repaired | None:
    if outcome is None:
        return None
    if isinstance(outcome, Ambiguity):
        return _settle_ambiguity(original, format, outcome, options, mode)
    data, refused = _accept(original, format, outcome.text, outcome.fixes, options)
    if refused is not None:
        raise refused
    return Repaired(outcome.text, data, outcome.fixes, outcome.confidence)


# A merge conflict left in a file: its start marker, and an end marker on a later line.
_MERGE_CONFLICT = re.compile(
    r"^<{7}(?:[ \t][^\n]*)?\r?\n(?:.*\n)*?>{7}(?:[ \t]|\r?$)", re.MULTILINE
)


def repair(
    text: str, format: str, error: ParseError, options: Options, mode: RepairMode
) -> Repaired:
    """Repair `text`, which the strict reader refused with `error`, or raise.

    Raises the original ParseError (with a hint) when nothing can repair it,
    RepairRejected when a repair fails validation, AmbiguousInput when readings
    differ and nothing can choose, ModelUnavailable for mode "llm" without the model.
    """
    if not error.repairable:
        raise error
    conflict = _MERGE_CONFLICT.search(text)
    if conflict is not None:
        line = text.count("\n", 0, conflict.start()) + 1
        raise _unrepaired(
            error,
            f"line {line} starts a merge conflict (<<<<<<<, =======, >>>>>>>): the input "
            "holds two versions, and only its author knows which to keep; resolve it first",
        )
    if mode == "llm":
        return _model_generates(text, format, error, options)
    rules = ruleset(format)
    outcome: RuleOutcome = None if rules is None else rules.repair(text, error, options)
    repaired = _apply(text, format, outcome, options, mode)
    if repaired is not None:
        return repaired
    if mode == "auto":
        try:
            return _model_generates(text, format, error, options)
        except ModelUnavailable as missing:
            raise _unrepaired(
                error, f"no repair rule applies, and {missing.why} ({missing.INSTALL})"
            ) from None
        except RepairRejected as refused:
            if refused.held:
                raise  # a candidate for a person to review, kept by the caller
            # The syntax error is what the user can act on; the model's miss is a detail.
            raise _unrepaired(
                error, f"no repair rule applies, and the model's repair was refused: {refused.why}"
            ) from None
    raise _unrepaired(error, "no repair rule applies")


def review(
    text: str, format: str, data: Data, options: Options, mode: RepairMode
) -> Repaired | None:
    """For input that parsed: a repair when its rules find it ambiguous (a CSV with two
    header rows), else None (the common case, and cheap)."""
    rules = ruleset(format)
    if rules is None or rules.review is None:
        return None
    outcome: RuleOutcome = rules.review(text, data, options)
    return _apply(text, format, outcome, options, mode)


def head_needs_review(format: str, head: str, options: Options) -> bool:
    """Whether a file that starts with `head` may read differently once reviewed (a
    CSV's second header row): the streaming path then reads it in memory instead."""
    rules = ruleset(format)
    return bool(rules is not None and rules.review_head and rules.review_head(head, options))


def _unrepaired(error: ParseError, why: str) -> ParseError:
    hint = f"{error.hint}; {why}" if error.hint else why
    return ParseError(
        error.message,
        format=error.format,
        line=error.line,
        column=error.column,
        snippet=error.snippet,
        hint=hint,
        source=error.source,
        repairable=False,
    )
