"""How the pipeline uses the model: ranking readings, or generating the data.

Cheapest first. Where the rules built candidate readings (an Ambiguity), the model
only ranks them by likelihood: every candidate already passed validation, so the
answer cannot hold anything the input does not. Where no rule applies, the model
writes the JSON of the data under grammars/json.gbnf, and its answer goes through
the same checks as a rule's repair, stricter even: no fix may excuse a missing value.

Either way the confidence is the model's: for a ranking, the winner's share of the
candidates' likelihood, read twice, with the base weights and with the fine-tuned
adapter, and taken from the less sure of the two (each ranked better on other cases;
where they disagree, the result is held); for an answer, the geometric mean of the
generated tokens' probabilities. Below Options.min_confidence the result is held for
review (RepairRejected with held=True), never accepted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from structconv import formats, frozen
from structconv.errors import (
    AmbiguousInput,
    ParseError,
    RepairRejected,
    StructconvError,
)
from structconv.fixes import Ambiguity, Fix
from structconv.neutral import Data, first_difference
from structconv.options import Options
from structconv.repair import guesses, provenance
from structconv.repair.grammar import grammar_for
from structconv.repair.rules import ruleset
from structconv.repair.windows import MODEL_INPUT_CHARS, Window, window_for

# The longest answer the model may write: about 30 s on 2 cores at 30 tokens/s, and
# more than twice the longest it was trained on (prompt and answer in 512 tokens).
MAX_ANSWER_TOKENS = 1024


def _load(options: Options) -> Any:
    from structconv.repair import llm

    return llm.load(options.model)


def _strict(options: Options) -> Options:
    return frozen.replace(options, repair="off")


def rank(
    original: str, format: str, ambiguity: Ambiguity, options: Options
) -> tuple[int, float, str]:
    """The index of the reading the model finds likeliest, its confidence, and a note."""
    from structconv.repair import prompts

    window = window_for(original, format, ambiguity.line, _parses(format, options))
    answers: list[str] = []
    if window is not None:
        try:
            answers = [
                prompts.render_answer(window.select(candidate.data))
                for candidate in ambiguity.candidates
            ]
        except (KeyError, TypeError):
            window = None
    if window is None or len(set(answers)) < len(answers):
        raise AmbiguousInput(
            ambiguity,
            f"The readings differ outside the part of this {len(original):,}-character input "
            f"the model can see ({MODEL_INPUT_CHARS:,}); edit the input to say which one you mean.",
        )
    model = _load(options)
    prompt = prompts.repair_prompt(window.text, format)
    each = [ranking.posterior() for ranking in model.rank_readers(prompt, answers)]
    shares = [sum(column) / len(each) for column in zip(*each, strict=True)]
    best = _likeliest(shares)
    # Sure only as far as the less sure reader: where the base and the fine-tuned weights
    # pick different readings, one of them gives the chosen one under half.
    confidence = min(reader[best] for reader in each)
    others = ", ".join(
        f"{candidate.description!r} ({share:.0%})"
        for number, (candidate, share) in enumerate(zip(ambiguity.candidates, shares, strict=True))
        if number != best
    )
    note = (
        f"the model read line {ambiguity.line} as {ambiguity.candidates[best].description!r} "
        f"({shares[best]:.0%}) rather than {others}"
    )
    if len({_likeliest(reader) for reader in each}) > 1:
        note += f"; its base and fine-tuned weights pick different readings ({confidence:.0%} sure)"
    return best, confidence, note


def _likeliest(shares: Sequence[float]) -> int:
    return max(range(len(shares)), key=shares.__getitem__)


def _max_tokens(window_tokens: int) -> int:
    """Room for the answer: JSON of the window's data is rarely longer than twice the
    text; never more than MAX_ANSWER_TOKENS."""
    return min(2 * window_tokens + 32, MAX_ANSWER_TOKENS)


def _window(original: str, format: str, error: ParseError, options: Options) -> Window:
    """The lines around the error the model rewrites; RepairRejected when they cannot be
    cut out of a file too big for the model."""
    window = window_for(original, format, error.line, _parses(format, options))
    if window is None or (window.splice is None and window.text != original):
        raise RepairRejected(
            format,
            f"the input is {len(original):,} characters and its broken part around line "
            f"{error.line} cannot be cut out for the model (it sees {MODEL_INPUT_CHARS:,})",
            line=error.line,
            column=error.column,
        )
    return window


def _window_tokens(model: Any, window: Window, format: str, error: ParseError) -> int:
    """How many tokens the window is; RepairRejected when it is more than the model
    writes in one answer."""
    window_tokens = len(model.tokenize(window.text, add_bos=False))
    if window_tokens > MAX_ANSWER_TOKENS:
        raise RepairRejected(
            format,
            f"lines {window.first_line}-{window.last_line} around the error are "
            f"{window_tokens:,} tokens, more than the {MAX_ANSWER_TOKENS:,} the model "
            "writes at most (half a minute of generation or more); repair that part by "
            "hand, or split the file",
            line=error.line,
            column=error.column,
        )
    return window_tokens


def generate(
    original: str, format: str, error: ParseError, options: Options
) -> tuple[str, Any, Fix, float]:
    """The model's repair: (repaired text in the source format, its data, the fix, confidence).

    Only the window is rewritten: for a YAML block, the text before and after it stays
    as it was. Raises RepairRejected when the answer is cut off, does not parse, cannot
    be put back, invents or drops a value, or (held=True) when the model is not sure.
    """
    from structconv.repair import prompts

    window = _window(original, format, error, options)
    model = _load(options)
    window_tokens = _window_tokens(model, window, format, error)
    answer = model.generate(
        prompts.repair_prompt(window.text, format),
        _max_tokens(window_tokens),
        grammar=grammar_for(window.text, format, options),
    )

    def refuse(
        why: str, data: Data = None, held: bool = False, confidence: float = 0.0
    ) -> RepairRejected:
        return RepairRejected(
            format,
            why,
            candidate_text=answer.text,
            candidate_data=data,
            confidence=confidence,
            line=error.line,
            column=error.column,
            held=held,
        )

    if not answer.finished:
        limit = (
            f" (the most it writes is {MAX_ANSWER_TOKENS:,})"
            if len(answer.token_logprobs) >= MAX_ANSWER_TOKENS
            else ""
        )
        raise refuse(
            f"the model's answer was cut off after {len(answer.token_logprobs)} tokens{limit}"
        )
    strict = _strict(options)
    try:
        window_data = formats.read(answer.text, "json", strict)
        window_text, _ = formats.write(window_data, format, strict, format)
    except ParseError as invalid:
        raise refuse(f"the model's answer is not valid JSON ({invalid.message})") from None
    except StructconvError as unwritable:
        raise refuse(
            f"the model's data cannot be written as {format}: {unwritable}", window_data
        ) from None
    text = window.before + window_text + window.after
    try:
        data = formats.read(text, format, strict)
    except ParseError as broken:
        raise refuse(
            f"the rewritten lines do not fit back into the file ({broken})", window_data
        ) from None
    if window.splice is not None:
        try:
            expected = window.splice(
                _read_part(window.before, format, strict),
                window_data,
                _read_part(window.after, format, strict),
            )
        except (ParseError, ValueError) as clash:
            raise refuse(f"the model's answer cannot be put back ({clash})", window_data) from None
        if first_difference(expected, data) is not None:
            raise refuse("the rewritten lines read differently once put back", data)
    refusal = check_answer(original, data, format, strict)
    if refusal is not None:
        raise refuse(refusal, data)
    confidence = math.exp(answer.mean_logprob)
    if confidence < options.min_confidence:
        raise refuse(
            f"the model is {confidence:.0%} sure, below the {options.min_confidence:.0%} asked for",
            data,
            held=True,
            confidence=confidence,
        )
    fix = Fix(
        rule="model",
        line=window.first_line,
        column=1,
        before=window.text,
        after=window_text,
        message=f"lines {window.first_line}-{window.last_line} rewritten from the model's reading of them",
    )
    return text, data, fix, confidence


def check_answer(
    original: str, data: Data, format: str, options: Options | None = None
) -> str | None:
    """Why the data the model wrote for `original` must be refused, or None. Stricter
    than for a rule's repair: no fix excuses a missing value, no value may be copied
    more often than the input spells it, the answer must line up with the input's
    structure where the format spells it out (a CSV's rows; a YAML's top-level keys and
    `key: value` lines; a TOML's key paths; JSON keys inside brackets), and no type,
    empty value or cut-off value the input leaves open may be settled by the model
    (`guesses`)."""
    rules = ruleset(format)
    values = _no_values if rules is None else rules.input_values
    refusal = provenance.check(original, data, (), format, options or Options(repair="off"))
    if refusal is not None:
        return refusal.reason
    guess = (
        guesses.type_guess(original, data, format, values)
        or guesses.cut_off_value(original, data, format)
        or guesses.empty_guess(original, data, format)
        or guesses.template_guess(original, format)
    )
    if guess is not None:
        return guess
    if rules is None or rules.answer_lines_up is None:
        return None
    return rules.answer_lines_up(original, data)


def _parses(format: str, options: Options) -> Any:
    strict = _strict(options)

    def parses(text: str) -> bool:
        try:
            formats.read(text, format, strict)
        except ParseError:
            return False
        return True

    return parses


def _read_part(text: str, format: str, options: Options) -> Any:
    return formats.read(text, format, options) if text.strip() else None


def _no_values(text: str) -> list[tuple[str, int]]:
    return []
