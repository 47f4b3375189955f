"""The changes the rules decide, the text they make, and the quoting rules."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from structconv.fixes import Ambiguity, Candidate, Fix
from structconv.repair.edits import LineIndex, apply_edits
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.rules.csv.ids import (
    CSV_ESCAPE,
    CSV_QUOTE_CHAR,
    CSV_STRAY_QUOTE,
    QUOTING,
    STRAY_QUOTE,
)
from structconv.repair.rules.csv.lexer import MAX_CANDIDATES, CsvRefusal
from structconv.repair.search import Change

if TYPE_CHECKING:
    from structconv.repair.rules.csv.lexer import Dialect, Row


# --- the changes, and the text they make --------------------------------------------------


class _Plan:
    """The changes decided so far, and the places where several readings remain."""

    def __init__(self, text: str, dialect: Dialect) -> None:
        self.text = text
        self.dialect = dialect
        self.changes: list[Change] = []
        self.field_changes: list[Change] = []  # dropped where a row-level change covers them
        self.choices: list[tuple[int, str, list[tuple[str, list[Change]]]]] = []
        self.header_names: list[str] = []
        self._lines: LineIndex | None = None

    def line(self, offset: int) -> int:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.line_column(offset)[0]

    def change(
        self, start: int, end: int, replacement: str, rule: str, message: str, confidence: float
    ) -> None:
        self.changes.append(Change(start, end, replacement, rule, message, confidence))

    def remove_row(self, row: Row, rule: str, message: str, confidence: float) -> None:
        self.change(row.start, row.end, "", rule, message, confidence)

    def outcome(self) -> RuleOutcome:
        """The patched text, or an Ambiguity with one candidate per combination of
        choices; None when nothing changes or the combinations are too many."""
        if not self.choices:
            text, fixes, confidence = self._build([])
            return Patched(text, fixes, confidence) if fixes else None
        readings = list(itertools.product(*(choice for _, _, choice in self.choices)))
        if len(readings) > MAX_CANDIDATES:
            return None
        candidates = []
        for reading in readings:
            text, fixes, _ = self._build([change for _, changes in reading for change in changes])
            description = "; ".join(description for description, _ in reading)
            candidates.append(Candidate(description, text, None, fixes))
        offset, message, _ = self.choices[0]
        line, column = LineIndex(self.text).line_column(offset)
        return Ambiguity("csv", line, column, message, tuple(candidates))

    def _build(self, extra: list[Change]) -> tuple[str, tuple[Fix, ...], float]:
        changes = self.changes + extra
        spans = [(c.start, c.end) for c in changes if c.end > c.start]
        kept = [
            change
            for change in self.field_changes
            if not any(start <= change.start and change.end <= end for start, end in spans)
        ]
        every = changes + kept
        text, fixes = apply_edits(self.text, [change.edit for change in every])
        return text, fixes, min((change.confidence for change in every), default=1.0)


def write_row(values: Sequence[str], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="", quoting=csv.QUOTE_MINIMAL).writerow(
        values
    )
    return buffer.getvalue()


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _shown(values: Sequence[str], limit: int = 60) -> str:
    text = ", ".join(repr(value) for value in values if value.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- rules: quoting -----------------------------------------------------------------------

_FIELD_ISSUES: dict[str, tuple[str, str, float]] = {
    "quote-char": (CSV_QUOTE_CHAR, "field quoted with ' instead of \": re-quoted", QUOTING),
    "escape": (
        CSV_ESCAPE,
        'backslash escapes in the field: written the CSV way (a quote as "")',
        QUOTING,
    ),
    "stray-inner": (
        CSV_STRAY_QUOTE,
        "a quote inside the quoted field is neither doubled nor closing: kept as a literal quote",
        STRAY_QUOTE,
    ),
    "stray-open": (
        CSV_STRAY_QUOTE,
        "the field starts with a quote that does not close it: the field is read as the "
        "text it shows, quotes included, and quoted",
        STRAY_QUOTE,
    ),
}


def _quoting_fixes(plan: _Plan, rows: Sequence[Row]) -> None:
    """Every field the strict reader would misread is written the RFC 4180 way. A field
    that opens a quote it never uses again (`"Afrikaans`) lost its closing quote where
    the file quotes every other value of its column; elsewhere the quote may be text
    too (a survey answer `"Best purchase ever`), and it is refused."""
    quoted: Counter[int] = Counter()
    unquoted: Counter[int] = Counter()
    for row in rows:
        for column, field in enumerate(row.fields):
            if field.quoted:
                quoted[column] += 1
            elif field.value and not field.issue:
                unquoted[column] += 1
    for row in rows:
        for column, field in enumerate(row.fields):
            if not field.issue:
                continue
            rule, message, confidence = _FIELD_ISSUES[field.issue]
            literal = Change(field.start, field.end, _quote(field.value), rule, message, confidence)
            opener = field.value[:1]
            if field.issue != "stray-open" or opener in field.value[1:]:
                plan.field_changes.append(literal)
                continue
            closed = Change(
                field.start,
                field.end,
                _quote(field.value[1:]),
                rule,
                f"the field opens a {opener} that never closes: its closing {opener} "
                "added at the field's end",
                confidence,
            )
            if (quoted[column] and not unquoted[column]) or field.end == len(plan.text):
                plan.field_changes.append(closed)  # (at the end: a cut-off file, refused below)
                continue
            # Text, or a lost closing quote? Pollock's clean files keep such a quote as
            # text; a person may have lost its mate. Neither the rules nor the model can
            # tell (both readings keep every character), so no one guesses.
            raise CsvRefusal(
                f"the field on line {plan.line(field.start)} starts with a {opener} that "
                "never closes, in a column the file does not quote: is it text, or was its "
                "closing quote lost?",
                f"write the field as {_quote(field.value)} (the quote is text) or "
                f"{_quote(field.value[1:])} (it is not)",
                field.start,
            )
