"""Fenced code blocks, the search over readings (repair/search.py's replay) and the
rules' entry points: `repair` and `input_values`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from structconv.errors import ParseError
from structconv.options import Options
from structconv.repair.edits import Edit, LineIndex, apply_edits
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.rules.json.documents import Reading
from structconv.repair.rules.json.ids import (
    COSMETIC,
    DUPLICATED_CLOSER,
    FENCE,
    PROSE,
    STRUCTURAL,
    UNCLOSED,
)
from structconv.repair.rules.json.lexer import (
    _FENCE,
    _JSON_FENCE_LANGUAGES,
    _KEYWORDS,
    _MAX_RUNS,
    _HardRefusal,
    _Lexer,
    _Refused,
    _shorten,
    _Truncated,
)
from structconv.repair.search import (
    Budget,
    Choices,
    GiveUp,
    Outcome,
    ambiguity,
    differing,
    distinct,
    read_strict,
    replay,
)
from structconv.repair.spelling import unescape_backslashes

# ------------------------------------------------------------------ fences and regions


@dataclass(frozen=True)
class _Block:
    fence_start: int
    content_start: int
    content_end: int
    end: int
    language: str


def _fenced_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    opening: re.Match[str] | None = None
    for match in _FENCE.finditer(text):
        if opening is None:
            opening = match
            continue
        line_end = match.end() + 1 if text[match.end() : match.end() + 1] == "\n" else match.end()
        content_start = min(opening.end() + 1, len(text))
        blocks.append(
            _Block(
                opening.start(), content_start, match.start(), line_end, opening.group(1).lower()
            )
        )
        opening = None
    if opening is not None:
        content_start = min(opening.end() + 1, len(text))
        blocks.append(
            _Block(opening.start(), content_start, len(text), len(text), opening.group(1).lower())
        )
    return blocks


def fenced_region(run: Reading, languages: frozenset[str]) -> tuple[int, int]:
    """The part of the text a Markdown fence holds (the fences and prose around it are
    removed), or the whole text when there is no fence."""
    text = run.text
    blocks = _fenced_blocks(text)
    if not blocks:
        return 0, len(text)
    usable = [block for block in blocks if block.language in languages] or blocks
    if len(usable) > 1:
        readings = [
            f"the {block.language or 'unlabelled'} code block on line {text.count(chr(10), 0, block.fence_start) + 1}"
            for block in usable
        ]
        block = usable[run.choices.choose("code block", usable[0].fence_start, readings)]
    else:
        block = usable[0]
    before = text[: block.content_start]
    only_fence = not text[: block.fence_start].strip()
    run.change(
        0,
        block.content_start,
        "",
        FENCE if only_fence else PROSE,
        "code fence removed"
        if only_fence
        else f"text before the JSON removed: {_shorten(before)!r}",
        COSMETIC if only_fence else STRUCTURAL,
    )
    after = text[block.content_end :]
    if after:
        only_fence = not text[block.end :].strip()
        run.change(
            block.content_end,
            len(text),
            "",
            FENCE if only_fence else PROSE,
            "closing code fence removed"
            if only_fence
            else f"text after the JSON removed: {_shorten(after)!r}",
            COSMETIC if only_fence else STRUCTURAL,
        )
    return block.content_start, block.content_end


def _json_document(run: Reading) -> None:
    start, end = fenced_region(run, _JSON_FENCE_LANGUAGES)
    run.document(start, end)


# -------------------------------------------------------------------------- readings


def line_parses(line: str, options: Options) -> bool:
    """Whether one JSON Lines line reads as JSON as it is."""
    return _strict_data(line, "json", options)[0]


def _strict_data(text: str, format: str, options: Options) -> tuple[bool, Any]:
    data, error = read_strict(text, format, options)
    return error is None, data


def explore(
    text: str, format: str, options: Options, body: Callable[[Reading], None]
) -> RuleOutcome:
    """Run `body` once per combination of readings (bounded), and settle the outcome:
    one repaired text, an Ambiguity when readings give different data, or None."""
    hard: list[_HardRefusal] = []

    def walk(choices: Choices) -> Reading | None:
        run = Reading(text, choices, format, options)
        try:
            body(run)
        except (_Refused, _Truncated, RecursionError):
            return None
        except _HardRefusal as refusal:
            hard.append(refusal)
            return None
        return run

    try:
        walks = replay(walk, Budget(runs=_MAX_RUNS, readings=_MAX_RUNS))
    except GiveUp:
        return None  # too many readings to weigh: refuse rather than pick
    if hard:
        raise _hard_error(text, format, hard[0])
    runs = [run for run, _ in walks]
    if any(run.changes and not _closes_at_end(run) for run in runs):
        # A reading that needs the end closed as if cut off, where another reads the
        # input through to its own end: the input is not cut off (`[{"a": 1], "b": 2}`).
        runs = [run for run in runs if not _closes_at_end(run)]
    readable: list[tuple[Reading, str, float, Any]] = []
    unreadable: list[tuple[Reading, str, float]] = []
    for run in runs:
        if not run.changes:
            continue
        patched, _ = apply_edits(text, _edits(run))
        confidence = min(change.confidence for change in run.changes)
        parsed, data = _strict_data(patched, format, options)
        if parsed:
            readable.append((run, patched, confidence, data))
        else:
            unreadable.append((run, patched, confidence))
    # Per distinct data the surest reading (the fewest changes among equals).
    best = [
        max(group, key=lambda reading: (reading[2], -len(reading[0].changes)))[:3]
        for group in distinct(readable, lambda reading: reading[3])
    ]
    settled = sorted(best, key=lambda reading: -reading[2]) or unreadable[:1]
    if not settled:
        return None
    if len(settled) == 1:
        run, patched, confidence = settled[0]
        return Patched(patched, apply_edits(text, _edits(run))[1], confidence)
    places = differing([run.choices for run, _, _ in settled])
    line, column = LineIndex(text).line_column(places[0][0] if places else 0)
    return ambiguity(
        format,
        line,
        column,
        "the input can be repaired in more than one way, with different data",
        [
            Outcome(
                patched,
                apply_edits(text, _edits(run))[1],
                confidence,
                "; ".join(
                    run.choices.taken[place] for place in places if place in run.choices.taken
                )
                or "the other reading",
                run,
            )
            for run, patched, confidence in settled
        ],
    )


def _hard_error(text: str, format: str, refusal: _HardRefusal) -> ParseError:
    line, column = LineIndex(text).line_column(refusal.offset)
    lines = text.split("\n")
    return ParseError(
        refusal.message,
        format=format,
        line=line,
        column=column,
        snippet=lines[line - 1][:200] if line <= len(lines) else "",
        hint=refusal.hint,
        repairable=False,
    )


def _closes_at_end(run: Reading) -> bool:
    return any(change.rule == UNCLOSED for change in run.changes)


def _edits(run: Reading) -> list[Edit]:
    return [
        Edit(change.start, change.end, change.replacement, change.rule, change.message)
        for change in run.changes
    ]


# ------------------------------------------------------------------- the module API


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's value tokens and offsets, for provenance validation (the text does not
    parse). Comments are not values; a string runs over lines only where the JSON goes on
    after it (as the repair reads it)."""
    blocks = _fenced_blocks(text)
    # Inside Markdown fences only, when there are fences: the fence lines (```json) and the
    # prose around them are not data, for a model's answer as for the fence rule.
    regions = [(block.content_start, block.content_end) for block in blocks] or [(0, len(text))]
    for start, end in regions:
        yield from _region_values(text, start, end)


def _region_values(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    lexer = _Lexer(text, start, end, None).run()
    for token in lexer.tokens:
        if token.kind == "string":
            raw = token.text[token.prefix + 1 :]
            if token.closed:
                raw = raw[:-1]
            yield (unescape_backslashes(raw) if "\\" in raw else raw), token.start
        elif token.kind in ("number", "word") and token.text not in _KEYWORDS:
            yield token.text, token.start


_CLOSER_LINE = re.compile(r"^([ \t]*[}\]],?[ \t]*)\r?\n", re.MULTILINE)


def _duplicated_closer(text: str, options: Options) -> Patched | None:
    """`},` pasted twice: a line of a closer alone that repeats the line above it, the
    text parsing once it is gone (nothing but that line changes)."""
    for match in _CLOSER_LINE.finditer(text):
        line = match.group(1)
        above_end = match.start() - 1
        above_start = text.rfind("\n", 0, max(above_end, 0)) + 1
        if above_end < 0 or text[above_start:above_end].rstrip("\r") != line:
            continue
        patched = text[: match.start()] + text[match.end() :]
        if _strict_data(patched, "json", options)[0]:
            edits = [
                Edit(
                    match.start(),
                    match.end(),
                    "",
                    DUPLICATED_CLOSER,
                    f"{line.strip()!r} repeated on the line below itself: the repeat removed",
                )
            ]
            fixed, fixes = apply_edits(text, edits)
            return Patched(fixed, fixes, STRUCTURAL)
    return None


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """Patched JSON, an Ambiguity, or None; raises a ParseError for NaN and Infinity."""
    return _duplicated_closer(text, options) or explore(text, "json", options, _json_document)
