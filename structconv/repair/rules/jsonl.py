"""JSON Lines repair rules: the JSON rules, record by record.

Each line that the strict reader refuses is repaired on its own with the JSON rules
(structconv.repair.rules.json: comments, quotes, literals, commas, truncation...),
with these differences:

- record-lines: a record spread over several lines (pretty-printed) is joined onto one
  line when it reads that way with cosmetic repairs only (never with a guessed comma
  or bracket). A JSON array written over lines, `[` and `]` alone on theirs and one
  item per line, is ambiguous: one record holding the array, or one record per item.
- record-split: two records on one line (`{...}{...}` or `{...},{...}`) are split.
- comment: a line holding only a comment is emptied (blank lines are not records).
- fence: a Markdown code fence around the records is removed.
- Prose is never dropped from JSON Lines: a line of text is refused, not guessed away.

NaN and Infinity are refused as in JSON.
"""

from __future__ import annotations

import json

from structconv.errors import ParseError
from structconv.neutral import Data, same_data
from structconv.options import Options
from structconv.repair.rules import RuleOutcome, RuleSet
from structconv.repair.rules.json import (
    Reading,
    explore,
    fenced_region,
    input_values,
    line_parses,
)

_FENCE_LANGUAGES = frozenset({"", "jsonl", "ndjson", "json", "jsonlines"})


def _records(run: Reading) -> None:
    text = run.text
    start, end = fenced_region(run, _FENCE_LANGUAGES)
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline < 0 else newline
        line = text[position:line_end]
        if not line.strip() or line_parses(line, run.options):
            position = line_end + 1
            continue
        position = run.record(position, line_end, end)


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """Patched JSON Lines, an Ambiguity, or None; raises a ParseError for NaN and Infinity."""
    return explore(text, "jsonl", options, _records)


def answer_lines_up(text: str, data: Data) -> str | None:
    """Why a model's answer must be refused: a line that is a whole record on its own
    must stay that record. The model may mend broken lines, never fold a good one into
    them (after a crashed writer's half line `{"a": 1, "b":`, the next record reads, as
    JSON, as the missing value)."""
    unmatched = list(data) if isinstance(data, list) else [data]
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith(("{", "[")):
            continue
        try:
            record = json.loads(stripped)
        except ValueError:
            continue
        kept = next((i for i, each in enumerate(unmatched) if same_data(each, record)), None)
        if kept is None:
            return f"line {number} is a whole record, and the answer does not keep it as one"
        del unmatched[kept]
    return None


RULESET = RuleSet("jsonl", repair, input_values, answer_lines_up=answer_lines_up)
