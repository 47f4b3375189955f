"""CSV repair rules: the table inside a messy spreadsheet or database export, or a refusal.

The strict reader (structconv.formats.csv) refuses anything irregular. These rules read
the input again with a lenient tokenizer that keeps every field's offsets, work out the
dialect and where the table is, and describe each change as an Edit in the input's
coordinates. The strict reader then reads the patched text, and validation checks that
no value was invented or silently dropped. The rules, and what each refuses to do:

- dialect (`detect_dialect`): the delimiter (, ; TAB | and : ^ ~), the quote character
  (" or ') and the escape character (none or backslash) that split the rows most
  consistently, ties going to the type score (CleverCSV's idea: the reading whose cells
  look like numbers, dates and empties wins). An Excel `sep=;` first line names it and
  is removed. Fields quoted with ' or escaped with backslashes are re-quoted the RFC 4180
  way. A delimiter the strict reader never sniffs (: ^ ~) is not rewritten: the repair
  refuses and names the --delimiter option to pass.
- stray quotes: a quote inside a quoted field that is neither doubled nor closing
  (`"abc"def"`) stays a literal quote (`abc"def`); a field that opens a quote that never
  closes (`"Best" seller`) is read as the literal text it shows, quotes included; one
  that holds no other quote (`"Afrikaans`) lost its closing quote where the file quotes
  every other value of its column, and is refused elsewhere (text or quote?). A
  stray quote that would swallow a delimiter or a line break makes the field literal.
- header wrapped: a header line ending in a delimiter whose names continue on line 2
  is joined with it when the two lines have exactly the width of the rows below.
- preamble: title lines, `key,value` metadata lines, rows of empty cells and
  whitespace-only lines above the header are removed, the Fix naming the values dropped;
  a line holding more than two values is never taken for preamble, and a "header" below
  a preamble that reads as a record (dates, amounts) is refused.
- footer: notes below the table (one cell of prose: "Exported on ...", "End of report")
  and rows without values are removed; a last row that holds data is never a footer.
- summary row: a last row labelled Total / Totals / Grand total / Sum / 合計 / 総計 /
  Summe / Gesamt is removed only when every number in it is the sum of its column (it
  then holds nothing the records do not), the Fix saying which values it drops; any
  other such row stays a record. A clean CSV keeps its Total row: review never drops it.
- repeated header: a body row identical to the header (concatenated exports, or the
  header written twice) is removed, with a one-cell section title right above it.
- multi-row header: two or three header rows (a group row such as `,Q1,,Q2,` over
  `region,sales,units,sales,units`) become one row of dotted names (`Q1.sales`), which the
  reader nests. When the header row cannot name the columns alone (its names repeat, or
  a name past the first is blank under a group label that spans it),
  the lower row must be all labels and either sit over a column of numbers or dates or
  repeat labels the upper row tells apart. When it can, a label over numbers or dates
  is needed; with a blank corner name and a repeated label too, the two rows are
  certain, else one header row and two are an Ambiguity (a units row such as
  `,l,USD,lb` under `store,volume,price,weight`). Input that parses (`review`) is
  second-guessed only with a blank corner name or a repeated label as well. Labels
  holding '.' are never merged (they would nest again).
- repeated names: the reader renames them (name_2) with a note; review first weighs a
  header whose names repeat, or that holds one name and blanks, as the repair weighs
  a refused file (`_weigh_header`: a multi-row header, a title above the table). A
  header with unnamed columns between named ones that no row below names is refused.
- headerless: a first row that reads as a record (its dates and amounts line up with the
  columns below, or it repeats a number) is refused with a hint to pass --no-header:
  generated names would be invented keys.
- several tables: a second table (`table_starts`, as the strict reader finds it) is
  refused at its line with the --table hint; no repair joins two tables. With
  options.table or header=False the rules do nothing (the user chose the reading).
- ragged rows, never padded or truncated: empty cells past the last column are
  removed; a row of empty cells is removed; a short row is refused (which cell is
  missing cannot be told, and a missing value is not an empty one), and so is a short
  last row without a line end (a cut-off file); a file that ends inside a quoted field
  is refused (the field's text is cut off); short rows
  whose fields add up to one row are one record broken by an unquoted line break; a long
  row with data past the last column (an unquoted delimiter) is an Ambiguity between the
  joins of adjacent cells that keep every column's type (numbers, dates, and the shape
  of identifier columns such as "INV-001"), taken at low confidence when only one does,
  refused when none does. A header naming fewer columns than most rows hold is refused.
- review of input that parsed (`review`, cheap, None for ordinary CSV): a sep= line or
  a title line that made the sniffer see one column is repaired as above; one column
  that splits alike on ^ or ~ is refused with the --delimiter hint; two header rows are
  weighed as above, from the first REVIEW_ROWS records.

Bounds: inputs past MAX_REPAIR_CHARS are not repaired; an Ambiguity has at most
MAX_CANDIDATES readings (more is refused); every scan is linear in the input.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from structconv.errors import ParseError
from structconv.formats.csv import SAMPLE_CHARS, is_title_row, sniff_delimiter, table_starts
from structconv.options import Options
from structconv.repair.edits import Edit, LineIndex, apply_edits
from structconv.repair.rules import Patched, RuleOutcome
from structconv.result import Ambiguity, Candidate, Fix

# The delimiters the strict reader sniffs, then the ones it never picks on its own.
STANDARD_DELIMITERS = (",", ";", "\t", "|")
OTHER_DELIMITERS = (":", "^", "~")
MAX_REPAIR_CHARS = 1 << 25
MAX_CANDIDATES = 8
LOOKAHEAD_ROWS = 10  # rows that confirm a header's width
REVIEW_ROWS = 50  # body rows `review` looks at (the streaming check reads as many)
EVIDENCE_ROWS = 3  # regular rows needed before column types may rule a reading out
MAX_CHAIN_LINES = 10  # lines one record may be broken into by unquoted line breaks
MAX_PREAMBLE_VALUES = 2  # a preamble line holds a title, or a key and its value

# Confidence per rule (Patched.confidence is the minimum over the fixes applied).
COSMETIC = 0.99  # sep= line, whitespace-only lines
NO_VALUE_LOST = 0.95  # rows of empty cells, repeated headers
QUOTING = 0.9  # quote character, backslash escapes, empty cells past the last column
PREAMBLE = 0.9
MULTIROW_HEADER = 0.85
STRAY_QUOTE = 0.8
SUMMARY_ROW = 0.8
LINE_BREAK = 0.75
TYPE_PICKED = 0.6  # the only join that keeps every column's type; a quote closed at the end

_SEP_LINE = re.compile(r"\ufeff?sep=(.)(?:\r\n|\n|\r)")
_NUMBER = re.compile(
    r"[-+(]?[$€£¥]?(?:\d{1,3}(?:[,.' ]\d{3})+|\d+)(?:[.,]\d+)?(?:[eE][-+]?\d+)?\)?\s?(?:%|円)?"
)
_DATE = re.compile(
    r"(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
)
_BOOLEAN = frozenset({"true", "false", "TRUE", "FALSE", "True", "False"})
_TOTAL_LABEL = re.compile(
    r"(?:grand\s+)?totals?|sum|合計|総合計|総計|summe|gesamt(?:summe)?|totaal|totale",
    re.IGNORECASE,
)
_FOOTER_TEXT = re.compile(
    r"(?:exported|generated|created|printed|downloaded|source|page\b|end of|report|"
    r"出力|作成|印刷|※)",
    re.IGNORECASE,
)
_SMALL_INTEGER = re.compile(r"\d{1,4}")
_LABEL = re.compile(r"[^\W_][\w .,&'()/%#+:°-]*(?<! )")


class CsvRefusal(Exception):
    """Raised inside the rules when the honest answer is no answer, with what to do."""

    def __init__(self, message: str, hint: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.offset = offset


# --- the lenient tokenizer ----------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote: str = '"'
    escape: str = ""  # "" for none


class Field(NamedTuple):
    """One cell: its span in the text, what it means, and why the strict reader would
    misread that span ("" when it reads it as `value` already)."""

    start: int
    end: int
    value: str
    quoted: bool
    issue: str


class Row(NamedTuple):
    start: int
    content_end: int  # before the line break
    end: int  # after the line break
    fields: tuple[Field, ...]

    @property
    def width(self) -> int:
        return len(self.fields)


def _tokens(text: str, dialect: Dialect, start: int = 0) -> Iterator[Row]:
    """The rows of `text` from `start`, every field with its offsets. Never fails: what
    the strict reader would refuse is read the way a person reads it, and marked."""
    delimiter, quote, escape = dialect.delimiter, dialect.quote, dialect.escape
    unquoted_stop = re.compile("[" + re.escape(delimiter + escape) + "\r\n]")
    quoted_stop = re.compile("[" + re.escape(quote + escape) + "]")
    escapable = {delimiter, quote, escape, "\r", "\n"}
    size = len(text)

    def unquoted(position: int, issue: str) -> tuple[Field, int]:
        parts: list[str] = []
        index = position
        while True:
            found = unquoted_stop.search(text, index)
            stop = found.start() if found else size
            parts.append(text[index:stop])
            if escape and stop < size and text[stop] == escape:
                following = text[stop + 1 : stop + 2]
                if following in escapable:
                    parts.append(following)
                    issue = issue or "escape"
                    index = stop + 2
                else:
                    parts.append(escape)
                    index = stop + 1
                continue
            break
        value = "".join(parts)
        if not issue and value.startswith('"'):
            issue = "stray-open"  # only a ' dialect gets here: the strict reader would quote
        return Field(position, stop, value, False, issue), stop

    def quoted(position: int) -> tuple[Field, int] | None:
        parts: list[str] = []
        index = position + 1
        issue = "" if quote == '"' else "quote-char"
        first_stray = -1
        while True:
            found = quoted_stop.search(text, index)
            if found is None:
                return None  # never closed
            stop = found.start()
            parts.append(text[index:stop])
            following = text[stop + 1 : stop + 2]
            if escape and text[stop] == escape:
                if following in escapable:
                    parts.append(following)
                    issue = issue if issue == "stray-inner" else "escape"
                    index = stop + 2
                else:
                    parts.append(escape)
                    index = stop + 1
                continue
            if following == quote:
                parts.append(quote)
                index = stop + 2
                continue
            if following in ("", delimiter, "\r", "\n"):
                end = stop + 1
                break
            if first_stray < 0:
                first_stray = stop
            parts.append(quote)
            issue = "stray-inner"
            index = stop + 1
        if first_stray >= 0:
            after_stray = text[first_stray:end]
            if delimiter in after_stray or "\n" in text[position:end] or "\r" in text[position:end]:
                return None  # the stray quote would swallow a delimiter or a line
        return Field(position, end, "".join(parts), True, issue), end

    position = start
    while position < size:
        row_start = position
        fields: list[Field] = []
        while True:
            if position < size and text[position] == quote:
                read = quoted(position)
                field, position = read if read is not None else unquoted(position, "stray-open")
            else:
                field, position = unquoted(position, "")
            fields.append(field)
            if position < size and text[position] == delimiter:
                position += 1
                continue
            break
        content_end = position
        if text.startswith("\r\n", position):
            position += 2
        elif position < size:
            position += 1
        if len(fields) == 1 and fields[0].start == fields[0].end:
            fields = []  # a blank line
        yield Row(row_start, content_end, position, tuple(fields))


def _body_start(text: str) -> int:
    return 1 if text.startswith("\ufeff") else 0


def _filled(row: Row) -> list[int]:
    """The indexes of the fields that hold something other than whitespace."""
    return [index for index, field in enumerate(row.fields) if field.value.strip()]


def _blank_like(row: Row) -> bool:
    return not _filled(row)


# --- what cells look like -----------------------------------------------------------------


def cell_kind(value: Any) -> str:
    """ "empty", "number", "date", "bool" or "text": what a cell looks like to a person
    (a looser test than the reader's canonical spellings: "1,234", "2026/01/05", "12%")."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if not isinstance(value, str):
        return "text"
    cell = value.strip()
    if not cell:
        return "empty"
    if cell in _BOOLEAN:
        return "bool"
    if cell[0] in "-+($€£¥0123456789" and _NUMBER.fullmatch(cell):
        return "number"
    if cell[0].isdigit() and _DATE.fullmatch(cell):
        return "date"
    return "text"


def is_label(value: Any) -> bool:
    """Whether a cell reads as a column label: short text of letters, digits, spaces and
    the punctuation of names ("Sales (USD)", "Q1", "金額"), with a letter, not a number
    or a date."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 64
        and _LABEL.fullmatch(value) is not None
        and any(character.isalpha() for character in value)
        and cell_kind(value) == "text"
    )


def code_shape(value: str) -> str | None:
    """The shape of an identifier ("INV-001" -> "A-9", "EUR" -> "A"): digits, capitals
    and lowercase letters each collapsed to one mark, punctuation kept. None for free
    text (spaces, or letters without a digit unless short capitals)."""
    cell = value.strip()
    if not cell or " " in cell or len(cell) > 32:
        return None
    if not any(c.isdigit() for c in cell) and not (cell.isupper() and len(cell) <= 4):
        return None
    marks = [
        "9" if c.isdigit() else "A" if c.isupper() else "a" if c.isalpha() else c for c in cell
    ]
    return "".join(
        mark for index, mark in enumerate(marks) if index == 0 or marks[index - 1] != mark
    )


def _column_kinds(rows: Sequence[Sequence[Any]], width: int) -> list[str]:
    """Per column: the one kind its non-empty cells share ("code:<shape>" for a text
    column of identifiers of one shape), "any" when they differ, "unknown" when the
    column has no value."""
    kinds: list[str] = []
    for column in range(width):
        cells = [row[column] for row in rows if column < len(row)]
        seen = {cell_kind(cell) for cell in cells} - {"empty"}
        kind = seen.pop() if len(seen) == 1 else ("unknown" if not seen else "any")
        if kind == "text":
            shapes = {code_shape(str(cell)) for cell in cells if str(cell).strip()}
            if len(shapes) == 1 and None not in shapes:
                kind = f"code:{shapes.pop()}"
        kinds.append(kind)
    return kinds


def _fits_kind(cell: str, kind: str) -> bool:
    if kind in ("any", "unknown"):
        return True
    found = cell_kind(cell)
    if found == "empty":
        return True
    if kind.startswith("code:"):
        return found == "text" and code_shape(cell) == kind[5:]
    return found == kind


def _fits(cells: Sequence[str], kinds: Sequence[str]) -> bool:
    return all(_fits_kind(cell, kind) for cell, kind in zip(cells, kinds, strict=True))


# --- dialect ------------------------------------------------------------------------------


def _dialect_score(sample: str, dialect: Dialect, truncated: bool) -> tuple[float, float] | None:
    """(consistency, type score) of reading `sample` in `dialect`, None when no row splits.

    Consistency: the share of rows with the most common width (2 or more), lowered by
    the share of rows with stray quotes. Type score: the share of cells below the first
    such row that look like numbers, dates, booleans or empties."""
    rows = [row for row in _tokens(sample, dialect) if row.fields]
    if truncated and len(rows) > 1:
        rows.pop()
    widths = Counter(row.width for row in rows if row.width >= 2)
    if not widths:
        return None
    count, width = max((count, width) for width, count in widths.items())
    troubled = sum(1 for row in rows if any(f.issue.startswith("stray") for f in row.fields))
    consistency = count / len(rows) * (1 - troubled / len(rows))
    regular = [row for row in rows if row.width == width][1:]
    cells = [field.value for row in regular for field in row.fields]
    typed = sum(1 for cell in cells if cell_kind(cell) != "text") / len(cells) if cells else 0.0
    return consistency, typed


@lru_cache(maxsize=8)
def detect_dialect(text: str, delimiter: str | None = None) -> Dialect | None:
    """The dialect that reads the start of `text` most consistently (None: no delimiter
    splits it). `delimiter` fixes the delimiter (the user's option, or a sep= line)."""
    start = _body_start(text)
    sample = text[start : start + SAMPLE_CHARS]
    truncated = len(text) - start > SAMPLE_CHARS
    delimiters = (
        [delimiter]
        if delimiter
        else [d for d in STANDARD_DELIMITERS + OTHER_DELIMITERS if d in sample]
    )
    quotes = ['"'] + (["'"] if "'" in sample else [])
    escapes = [""] + (["\\"] if "\\" in sample else [])
    best: tuple[tuple[float, float, int], Dialect] | None = None
    preference = 0
    for candidate_delimiter in delimiters:
        for quote, escape in itertools.product(quotes, escapes):
            dialect = Dialect(candidate_delimiter, quote, escape)
            preference -= 1
            score = _dialect_score(sample, dialect, truncated)
            if score is None:
                continue
            key = (round(score[0], 3), round(score[1], 3), preference)
            if best is None or key > best[0]:
                best = (key, dialect)
    return None if best is None else best[1]


# --- the changes, and the text they make --------------------------------------------------


class _Change(NamedTuple):
    edit: Edit
    confidence: float


class _Plan:
    """The changes decided so far, and the places where several readings remain."""

    def __init__(self, text: str, dialect: Dialect) -> None:
        self.text = text
        self.dialect = dialect
        self.changes: list[_Change] = []
        self.field_changes: list[_Change] = []  # dropped where a row-level change covers them
        self.choices: list[tuple[int, str, list[tuple[str, list[_Change]]]]] = []
        self.header_names: list[str] = []
        self._lines: LineIndex | None = None

    def line(self, offset: int) -> int:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.line_column(offset)[0]

    def change(
        self, start: int, end: int, replacement: str, rule: str, message: str, confidence: float
    ) -> None:
        self.changes.append(_Change(Edit(start, end, replacement, rule, message), confidence))

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

    def _build(self, extra: list[_Change]) -> tuple[str, tuple[Fix, ...], float]:
        changes = self.changes + extra
        spans = [(c.edit.start, c.edit.end) for c in changes if c.edit.end > c.edit.start]
        kept = [
            change
            for change in self.field_changes
            if not any(
                start <= change.edit.start and change.edit.end <= end for start, end in spans
            )
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
    "quote-char": ("csv-quote-char", "field quoted with ' instead of \": re-quoted", QUOTING),
    "escape": (
        "csv-escape",
        'backslash escapes in the field: written the CSV way (a quote as "")',
        QUOTING,
    ),
    "stray-inner": (
        "csv-stray-quote",
        "a quote inside the quoted field is neither doubled nor closing: kept as a literal quote",
        STRAY_QUOTE,
    ),
    "stray-open": (
        "csv-stray-quote",
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
            literal = _Change(
                Edit(field.start, field.end, _quote(field.value), rule, message), confidence
            )
            opener = field.value[:1]
            if field.issue != "stray-open" or opener in field.value[1:]:
                plan.field_changes.append(literal)
                continue
            closed = _Change(
                Edit(
                    field.start,
                    field.end,
                    _quote(field.value[1:]),
                    rule,
                    f"the field opens a {opener} that never closes: its closing {opener} "
                    "added at the field's end",
                ),
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


# --- rules: where the table is ------------------------------------------------------------


def _fits_header(row: Row, ahead: Sequence[Row]) -> bool:
    """Whether most of the rows below have the width `row` announces (give or take
    empty cells at the end of either)."""
    if not ahead:
        return False
    names = [field.value for field in row.fields]
    effective = len(names)
    while effective > 1 and not names[effective - 1].strip():
        effective -= 1

    def matches(other: Row) -> bool:
        if other.width == row.width or effective <= other.width < row.width:
            return True
        return other.width > row.width and not any(
            f.value.strip() for f in other.fields[row.width :]
        )

    return sum(map(matches, ahead)) * 2 >= len(ahead)


def _title_like(row: Row) -> bool:
    filled = _filled(row)
    return len(filled) <= 1 and (not filled or filled[0] == 0 or row.width == 1)


def _find_header(rows: Sequence[Row]) -> int | None:
    """The index of the header row: the first row with more than MAX_PREAMBLE_VALUES
    values, or with fewer whose width the rows below share. Only titles, `key,value`
    lines and empty rows may stand above it."""
    candidates = [index for index, row in enumerate(rows) if row.fields and not _blank_like(row)]
    for position, index in enumerate(candidates):
        row = rows[index]
        if _title_like(row):
            continue
        if len(_filled(row)) > MAX_PREAMBLE_VALUES:
            return index
        ahead = [rows[i] for i in candidates[position + 1 : position + 1 + LOOKAHEAD_ROWS]]
        if row.width >= 2 and _fits_header(row, ahead):
            return index
    return None


def _remove_preamble(plan: _Plan, rows: Sequence[Row], header: int) -> None:
    for row in rows[:header]:
        if not row.fields:
            continue  # the reader skips blank lines
        values = [field.value for field in row.fields if field.value.strip()]
        if not values:
            plan.remove_row(
                row,
                "csv-preamble",
                "line without values above the header removed",
                COSMETIC if row.width == 1 else NO_VALUE_LOST,
            )
        else:
            plan.remove_row(
                row,
                "csv-preamble",
                f"line above the header removed: it is not part of the table "
                f"(its values {_shown(values)} are dropped)",
                PREAMBLE,
            )


def _footer_like(row: Row, width: int) -> bool:
    """A note below the table (one cell of prose), or a row without values."""
    filled = _filled(row)
    if not filled:
        return True
    if len(filled) != 1 or filled[0] != 0:
        return False
    text = row.fields[0].value.strip()
    if not any(character.isalpha() for character in text):
        return False
    if row.width != width:
        return row.width == 1 and (" " in text or ":" in text or bool(_FOOTER_TEXT.search(text)))
    return bool(_FOOTER_TEXT.search(text))


def _remove_footer(plan: _Plan, rows: Sequence[Row], body: list[int], width: int) -> list[int]:
    """Notes below the table, removed; the body without them."""
    while body and len(body) > 1 and _footer_like(rows[body[-1]], width):
        row = rows[body.pop()]
        values = [field.value for field in row.fields if field.value.strip()]
        if values:
            plan.remove_row(
                row,
                "csv-footer",
                f"note below the table removed (it holds {_shown(values)}, not a record)",
                PREAMBLE,
            )
        else:
            plan.remove_row(
                row, "csv-footer", "row without values below the table removed", NO_VALUE_LOST
            )
    return body


# --- rules: the header --------------------------------------------------------------------


def merge_header(label_rows: Sequence[Sequence[str]], unflatten: bool) -> list[str] | None:
    """One dotted name per column from header rows, top first, or None when they do not
    name every column once. A label spans the blank cells to its right, within the span
    of the label above it; a label equal to the one above it is not repeated."""
    width = len(label_rows[-1])
    if any(len(row) != width for row in label_rows):
        return None
    parts: list[list[str]] = [[] for _ in range(width)]
    starts = [False] * width  # a group of some upper row starts at this column
    for row in label_rows[:-1]:
        current = ""
        for column in range(width):
            cell = row[column].strip()
            if cell:
                current = cell
                starts[column] = True
            elif starts[column]:
                current = ""
            if current:
                parts[column].append(current)
    names: list[str] = []
    for column in range(width):
        bottom = label_rows[-1][column].strip()
        path = parts[column] + ([bottom] if bottom else [])
        path = [part for index, part in enumerate(path) if index == 0 or path[index - 1] != part]
        if not path or (unflatten and any("." in part for part in path)):
            return None
        names.append(".".join(path))
    if len(set(names)) != len(names):
        return None
    if unflatten:
        known = set(names)
        for name in names:
            pieces = name.split(".")
            if any(".".join(pieces[:cut]) in known for cut in range(1, len(pieces))):
                return None
    return names


def _type_break(labels: Sequence[str], kinds: Sequence[str]) -> bool:
    """A label over a column of numbers, dates or booleans: the row is not data."""
    return any(
        is_label(label) and kind in ("number", "date", "bool")
        for label, kind in zip(labels, kinds, strict=True)
    )


def _duplicated(labels: Sequence[str]) -> bool:
    filled = [label.strip() for label in labels if label.strip()]
    return len(set(filled)) < len(filled)


def _upper_label(value: str) -> bool:
    return not value.strip() or is_label(value.strip()) or cell_kind(value) in ("number", "date")


def second_header_evidence(
    names: Sequence[str], labels: Sequence[Any], columns: Sequence[Sequence[Any]]
) -> tuple[bool, bool, bool] | None:
    """(blank, repeated, typed) when row 2 may be a second header row under `names`,
    None when it cannot be: its cells must be labels (blank only under a name), the
    names labels, years or dates, and EVIDENCE_ROWS rows must follow.

    blank: the header's only blank name is the first, over a label row 2 does not repeat
    (a grouped header leaves the corner over the row labels empty). repeated: a label of
    row 2 repeats under different names, every column under it holds numbers or dates,
    and some column is not under it (the row labels).
    typed: a label of row 2 sits over a column whose every cell is a number or a date.
    """
    if any(name and not _upper_label(name) for name in names):
        return None
    if len(_filled_values([str(label) for label in labels])) < 2:
        return None
    for name, label in zip(names, labels, strict=True):
        if not (is_label(label) or (label == "" and name.strip())):
            return None
    if any(len(column) < EVIDENCE_ROWS for column in columns):
        return None
    typed_columns = [
        bool(label) and all(cell_kind(cell) in ("number", "date") for cell in column)
        for label, column in zip(labels, columns, strict=True)
    ]
    blanks = [index for index, name in enumerate(names) if not name.strip()]
    blank = blanks == [0] and labels[0] != "" and labels.count(labels[0]) == 1
    repeated_labels = {label for label in labels if label and labels.count(label) > 1}
    under_repeated = [index for index, label in enumerate(labels) if label in repeated_labels]
    repeated = (
        bool(under_repeated)
        and len(under_repeated) < len(labels)
        and all(typed_columns[index] and names[index].strip() for index in under_repeated)
    )
    return blank, repeated, any(typed_columns)


def _header_rows(
    rows: Sequence[Row], header_index: int, body: list[int], width: int, count: int
) -> list[list[str]] | None:
    """The cells of `count` header rows (the header and the body rows under it), or None
    when they are not header rows: the lowest all labels, the upper ones labels, numbers
    or dates (a year over its columns)."""
    indexes = [header_index] + body[: count - 1]
    if len(indexes) < count:
        return None
    labels = [[f.value for f in rows[i].fields[:width]] for i in indexes]
    if any(
        len(row) != width or rows[i].width < width for row, i in zip(labels, indexes, strict=True)
    ):
        return None
    bottom = labels[-1]
    if len(_filled_values(bottom)) < 2 or not all(is_label(v) for v in bottom if v.strip()):
        return None
    if not all(_upper_label(v) for row in labels[:-1] for v in row):
        return None
    return labels


def _multirow_header(
    plan: _Plan,
    rows: Sequence[Row],
    header_index: int,
    body: list[int],
    width: int,
    options: Options,
) -> int:
    """How many rows the header takes (1, 2 or 3); more than one is merged by a Fix, or
    offered beside the one-row reading as a choice.

    When the header row cannot name the columns alone (its names repeat), the rows under
    it are taken as header rows if a label sits over numbers or dates, or if the upper
    row tells repeated labels apart. When it can, two header rows are weighed as `review`
    weighs them (`second_header_evidence`): certain, a choice, or not at all."""
    names = [f.value for f in rows[header_index].fields[:width]]
    if body and _repeats(rows[body[0]], names):
        return 1  # the header line repeated (removed as such), not a second header row
    # A blank name past the first leaves a column unnamed (a group label spanning it).
    clashing = _duplicated(names) or any(not name.strip() for name in names[1:])
    # Three rows first: a third row of labels over numbers or dates is a header row too,
    # and two would leave it as a first record of text in columns of numbers.
    for count in (3, 2) if clashing else (2,):
        labels = _header_rows(rows, header_index, body, width, count)
        if labels is None:
            continue
        below = [
            cells
            for cells in (_regular_cells(rows[i], width) for i in body[count - 1 :])
            if cells is not None
        ][:REVIEW_ROWS]
        kinds = _column_kinds(below, width)
        bottom = labels[-1]
        certain = clashing
        if clashing:
            typed_break = _type_break(bottom, kinds)
            if count == 3 and not typed_break:
                continue
            if not (typed_break or _duplicated(bottom)):
                continue
        else:
            cells = [[row[column] for row in below] for column in range(width)]
            evidence = second_header_evidence(names, bottom, cells)
            if evidence is None:
                return 1
            blank, duplicated, typed = evidence
            if not typed:
                return 1
            # Labels over columns of numbers, under a header that names every column
            # alone (a units row, say): a header row, or a first record of text?
            # Certain only with a blank corner and repeated labels; else a choice.
            certain = blank and duplicated
        merged = merge_header(labels, options.unflatten)
        if merged is None:
            continue
        first, last = rows[header_index], rows[body[count - 2]]
        change = _Change(
            Edit(
                first.start,
                last.content_end,
                write_row(merged, plan.dialect.delimiter),
                "csv-multirow-header",
                f"{count} header rows merged into one row of dotted column names "
                f"({', '.join(merged[:4])}{', ...' if len(merged) > 4 else ''})",
            ),
            MULTIROW_HEADER,
        )
        if certain:
            plan.changes.append(change)
        else:
            # As the first record, the second row loses its empty cells past the last
            # column like any other (as a header row, the merge rewrites it whole).
            trailing = _trailing_cells_removed(last, width)
            as_record = [trailing] if trailing is not None else []
            plan.choices.append(
                (
                    first.start,
                    "the second row may be a second header row or the first record",
                    [
                        ("one header row: the next row is the first record", as_record),
                        (f"two header rows: {', '.join(merged)}", [change]),
                    ],
                )
            )
        plan.header_names = merged
        return count
    return 1


def _trailing_cells_removed(row: Row, width: int) -> _Change | None:
    """The removal of the empty cells a row has past the last column (None: it has none,
    or one of them holds something)."""
    extra = row.fields[width:]
    if not extra or any(field.value.strip() or field.quoted for field in extra):
        return None
    edit = Edit(
        row.fields[width - 1].end,
        row.content_end,
        "",
        "csv-trailing-delimiter",
        f"{len(extra)} empty cell(s) after the last column removed",
    )
    return _Change(edit, QUOTING)


def _regular_cells(row: Row, width: int) -> list[str] | None:
    """The row's `width` cells when it has that many and nothing past them (empty cells
    left by trailing delimiters are nothing), else None."""
    if row.width < width or any(field.value.strip() for field in row.fields[width:]):
        return None
    return [field.value for field in row.fields[:width]]


def _filled_values(values: Sequence[str]) -> list[str]:
    return [value for value in values if value.strip()]


def _repeats_below(names: Sequence[str], rows: Sequence[Sequence[str]]) -> bool:
    """Whether a name stands as a value in its own column below (a record, not a header:
    a header that lost a delimiter leaves the first record to be taken for it)."""
    return any(
        name.strip() and column < len(row) and row[column] == name
        for row in rows
        for column, name in enumerate(names)
    )


def _looks_like_data(names: Sequence[str], kinds: Sequence[str]) -> bool:
    """A header row that reads as a record: every cell has its column's kind, and one is
    a date or a number no header would be named (a year or a small count could)."""
    strong = False
    for name, kind in zip(names, kinds, strict=True):
        found = cell_kind(name)
        if found == "empty" or kind in ("any", "unknown"):
            continue
        if not _fits_kind(name, kind):
            return False
        strong = (
            strong
            or found == "date"
            or (found == "number" and not _SMALL_INTEGER.fullmatch(name.strip()))
        )
    return strong


def _second_table(plan: _Plan, rows: Sequence[Row], body: list[int], names: list[str]) -> None:
    """Refuses a file holding a second table below the first (`table_starts`, which the
    strict reader applies too): its header is no record, and no repair joins two tables.
    A row of empty cells separates tables as a blank line does."""
    after_blank = False
    filled = [i for i in body if not _blank_like(rows[i])]
    for position, index in enumerate(filled):
        previous = rows[index - 1]
        after_blank = not previous.fields or _blank_like(previous)
        cells = [field.value for field in rows[index].fields]
        if not after_blank and len(cells) == len(names) and not is_title_row(cells):
            continue
        ahead = [
            [field.value for field in rows[i].fields]
            for i in filled[position : position + LOOKAHEAD_ROWS + 2]
        ]
        if table_starts(names, position, after_blank, ahead):
            line = plan.line(rows[index].start)
            raise CsvRefusal(
                f"a second table starts on line {line}: the file holds several tables, each "
                "with its own header",
                "read one with --table N (API: table=N), or all of them, as a list of "
                "tables, with --table all",
                rows[index].start,
            )


def _numbers_repeat(names: Sequence[str]) -> bool:
    """A number or a date stands twice among the names: column names do not repeat
    numbers ("0,0" is a record)."""
    typed = [name.strip() for name in names if cell_kind(name) in ("number", "date")]
    return len(set(typed)) < len(typed)


def _effective_width(rows: Sequence[Row], header: Row, body: list[int]) -> int:
    """The header's width without the names left empty at its end under which no row
    holds a value (a trailing delimiter on the header line)."""
    width = header.width
    while width > 1 and not header.fields[width - 1].value.strip():
        column = width - 1
        if any(rows[i].width > column and rows[i].fields[column].value.strip() for i in body):
            break
        width -= 1
    return width


# --- rules: the body ----------------------------------------------------------------------


def _number_value(cell: str, decimal_comma: bool) -> Decimal | None:
    text = cell.strip().replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").removesuffix("円").removesuffix("%").lstrip("$€£¥").replace("'", "")
    if decimal_comma or re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        if re.fullmatch(r"-?\d+(?:\.\d{3})*(?:,\d+)?", text):
            text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return -value if negative else value


def _summary_row(
    plan: _Plan, rows: Sequence[Row], body: list[int], width: int, names: Sequence[str]
) -> list[int]:
    """A last row labelled Total whose numbers are the sums of their columns, removed."""
    if len(body) < 2:
        return body
    row = rows[body[-1]]
    filled = _filled(row)
    if not filled or not _TOTAL_LABEL.fullmatch(row.fields[filled[0]].value.strip().rstrip(":")):
        return body
    regular = [rows[i] for i in body[:-1] if _aligned(rows[i], width)]
    if len(regular) != len(body) - 1:
        return body  # rows above that may shift their cells: the columns are not certain
    decimal_comma = plan.dialect.delimiter == ";"
    sums: list[Decimal | None] = []
    for column in range(width):
        column_numbers = [
            _number_value(other.fields[column].value, decimal_comma)
            for other in regular
            if other.fields[column].value.strip()
        ]
        known = [number for number in column_numbers if number is not None]
        sums.append(sum(known, Decimal(0)) if len(known) == len(column_numbers) else None)
    cells = [field.value for field in row.fields[filled[0] + 1 :]]
    numbers = [(index, cell) for index, cell in enumerate(cells) if cell.strip()]
    if not numbers or row.width > width:
        return body
    offsets = [filled[0] + 1] if row.width == width else [filled[0] + 1, width - len(cells)]
    for offset in dict.fromkeys(offsets):
        matched = []
        for index, cell in numbers:
            column = offset + index
            value = _number_value(cell, decimal_comma)
            if column >= width or value is None or sums[column] != value:
                break
            matched.append(f"{names[column]} {cell.strip()}")
        else:
            plan.remove_row(
                row,
                "csv-summary-row",
                f"summary row {row.fields[filled[0]].value.strip()!r} removed: "
                f"its numbers are the column sums ({', '.join(matched)}); "
                "they are dropped from the data",
                SUMMARY_ROW,
            )
            return body[:-1]
    return body


def _aligned(row: Row, width: int) -> bool:
    """A row whose first `width` cells are its columns: of the header's width, or longer
    by empty cells only."""
    return row.width == width or (
        row.width > width and not any(f.value.strip() or f.quoted for f in row.fields[width:])
    )


def _short_row(plan: _Plan, row: Row, width: int) -> None:
    """A short row is refused: which of its cells is missing cannot be told from the
    text, and a missing cell is not an empty one (padding would invent "" values and
    may shift every cell after the gap into the wrong column)."""
    line = plan.line(row.start)
    raise CsvRefusal(
        f"the row on line {line} has {row.width} of the header's {width} fields; which "
        "one is missing cannot be told, and a missing value is not an empty one",
        "complete the row by hand (write its empty cells, `a,,c`, if they are empty)",
        row.start,
    )


def _choose(
    plan: _Plan, offset: int, message: str, options: list[tuple[str, list[_Change]]]
) -> None:
    if len(options) == 1:
        plan.changes.extend(options[0][1])
    elif len(options) > MAX_CANDIDATES:
        line = plan.line(offset)
        raise CsvRefusal(
            f"{message} on line {line}, and {len(options)} readings are possible",
            "quote the field that holds the delimiter",
            offset,
        )
    else:
        plan.choices.append((offset, message, options))


def _join(plan: _Plan, row: Row, width: int, kinds: Sequence[str], evidence: bool) -> None:
    """A long row with data past the last column: an unquoted delimiter inside a field.
    The readings are the joins of adjacent cells that keep every column's type."""
    extra = row.width - width
    line = plan.line(row.start)
    options: list[tuple[str, list[_Change]]] = []
    for index in range(width):
        group = row.fields[index : index + extra + 1]
        if any(field.quoted or field.issue for field in group):
            continue
        joined = plan.text[group[0].start : group[-1].end]
        cells = (
            [f.value for f in row.fields[:index]]
            + [joined]
            + [f.value for f in row.fields[index + extra + 1 :]]
        )
        if evidence and not _fits(cells, kinds):
            continue
        options.append(
            (
                f"line {line}: {joined!r} is one field",
                [
                    _Change(
                        Edit(
                            group[0].start,
                            group[-1].end,
                            _quote(joined),
                            "csv-unquoted-delimiter",
                            f"the row has {row.width} fields, the header {width}: "
                            f"{joined!r} is one field holding the delimiter, now quoted",
                        ),
                        TYPE_PICKED,
                    )
                ],
            )
        )
    if not options:
        raise CsvRefusal(
            f"the row on line {line} has {row.width} fields, the header {width}, and no join "
            "of adjacent cells keeps every column's type",
            "quote the field that holds the delimiter",
            row.start,
        )
    _choose(plan, row.start, f"the row has {row.width} fields, the header {width}", options)


def _line_break_chain(rows: Sequence[Row], body: list[int], position: int, width: int) -> int:
    """How many consecutive short rows from body[position] form one record broken by
    unquoted line breaks (0 when they do not)."""
    total = rows[body[position]].width
    for count in range(2, MAX_CHAIN_LINES + 1):
        if position + count > len(body):
            return 0
        previous, current = rows[body[position + count - 2]], rows[body[position + count - 1]]
        if current.start != previous.end or current.width >= width or not current.fields:
            return 0
        total += current.width - 1
        if total == width:
            return count
        if total > width:
            return 0
    return 0


def _ragged_rows(
    plan: _Plan, rows: Sequence[Row], body: list[int], width: int, header: Row
) -> None:
    regular = [rows[i] for i in body if rows[i].width == width]
    kinds = _column_kinds([[f.value for f in row.fields] for row in regular], width)
    evidence = len(regular) >= EVIDENCE_ROWS
    header_cells = [field.value for field in header.fields[:width]]
    longer = [
        i
        for i in body
        if rows[i].width > width and any(f.value.strip() for f in rows[i].fields[width:])
    ]
    if longer and len(longer) * 2 > len(body):
        raise CsvRefusal(
            f"most rows hold more fields than the header's {width} names",
            "add the missing column names to the header row",
            header.start,
        )
    if (
        len(body) > 1
        and header.width == width
        and header.fields[-1].value.strip()  # (a header ending in a delimiter too: no loss)
        and not regular
        and all(rows[i].width == width + 1 for i in body)
    ):
        # Every row one empty cell longer than the header: each ends in a delimiter, or
        # the header lost one between two names (`PRODUCTIDPrice`)? Cells would shift.
        raise CsvRefusal(
            f"every row holds one field more than the header's {width} names (its last "
            "cell empty): a delimiter at the end of each row, or one lost in the header?",
            "remove the delimiter at the end of the rows, or add the missing column name "
            "to the header row",
            header.start,
        )
    # The last column empty in every regular row: a long row whose cell there is filled
    # once its trailing empty cell is dropped has its extra delimiter somewhere else.
    last_empty = evidence and not any(row.fields[width - 1].value.strip() for row in regular)
    skip_until = -1
    for position, index in enumerate(body):
        row = rows[index]
        if position < skip_until:
            continue
        cut = position == len(body) - 1 and _cut_in_quote(plan, row)
        if row.width == width and not cut and not _repeats(row, header_cells):
            continue
        line = plan.line(row.start)
        if cut:
            _truncated_in_quote(plan, row, width, line)
        elif (
            row.width < width
            and _footer_like(row, width)
            and position + 1 < len(body)
            and _repeats(rows[body[position + 1]], header_cells)
        ):
            plan.remove_row(
                row,
                "csv-section-title",
                f"title of a repeated section removed (it holds {_shown([f.value for f in row.fields])})",
                PREAMBLE,
            )
        elif _repeats(row, header_cells):
            plan.remove_row(
                row,
                "csv-repeated-header",
                "the header row repeated inside the table removed",
                NO_VALUE_LOST,
            )
        elif _blank_like(row):
            plan.remove_row(
                row,
                "csv-empty-row",
                f"row of {row.width} empty cell(s) removed (it holds no value)",
                NO_VALUE_LOST,
            )
        elif row.width > width:
            trailing = _trailing_cells_removed(row, width)
            if trailing is not None:
                if (evidence and not _fits([f.value for f in row.fields[:width]], kinds)) or (
                    last_empty and row.fields[width - 1].value.strip()
                ):
                    # `29/01/2018,,00:15,...,`: the extra delimiter is not the last one
                    raise CsvRefusal(
                        f"the row on line {line} has {row.width} fields, the header "
                        f"{width}: its last cell is empty, but without it the cells do not "
                        "fit their columns, so which delimiter is extra cannot be known",
                        "remove the extra delimiter",
                        row.start,
                    )
                plan.changes.append(trailing)
            else:
                _join(plan, row, width, kinds, evidence)
        else:
            chain = _line_break_chain(rows, body, position, width)
            if chain:
                _join_lines(plan, [rows[i] for i in body[position : position + chain]], width)
                skip_until = position + chain
            elif row.end == len(plan.text) and row.content_end == row.end:
                _truncated(plan, row, width, line)
            else:
                _short_row(plan, row, width)


def _cut_in_quote(plan: _Plan, row: Row) -> bool:
    """Whether the file ends inside the last row's quoted field (a cut-off download)."""
    last = row.fields[-1] if row.fields else None
    return (
        last is not None
        and row.end == len(plan.text)
        and row.content_end == row.end
        and last.issue == "stray-open"
        and plan.text.startswith(plan.dialect.quote, last.start)
        and plan.dialect.quote not in last.value[1:]
    )


def _truncated_in_quote(plan: _Plan, row: Row, width: int, line: int) -> None:
    """The file ends inside a quoted field: its text is cut off, so it is refused (issue
    14): keeping it as if whole, or dropping it, would lose what it held."""
    raise CsvRefusal(
        f"the file ends inside a quoted field of the row on line {line}: the file looks cut "
        "off, and what that field held cannot be known",
        "get the whole file, or close or remove the incomplete last row by hand",
        row.start,
    )


def _repeats(row: Row, header_cells: Sequence[str]) -> bool:
    return [field.value for field in row.fields] == list(header_cells)


def _join_lines(plan: _Plan, chain: Sequence[Row], width: int) -> None:
    first = chain[0].fields[-1]
    last = chain[-1].fields[0]
    inner = [field for row in chain for field in row.fields]
    inner = inner[inner.index(first) : inner.index(last) + 1]
    if any(field.quoted or field.issue for field in inner):
        raise CsvRefusal(
            "a record seems broken over several lines, but its pieces are quoted",
            "quote the field that holds the line break",
            chain[0].start,
        )
    joined = plan.text[first.start : last.end]
    plan.change(
        first.start,
        last.end,
        _quote(joined),
        "csv-unquoted-line-break",
        f"{len(chain)} short lines are one record of {width} fields: the field "
        f"{_shown([joined])} holds an unquoted line break, now quoted",
        LINE_BREAK,
    )


def _truncated(plan: _Plan, row: Row, width: int, line: int) -> None:
    """A short last row without a line end: a cut-off file, refused (dropping the row
    would lose its values, padding it would invent the missing ones)."""
    raise CsvRefusal(
        f"the file ends inside the row on line {line} ({row.width} of {width} fields, "
        "no line end): it looks cut off",
        "get the whole file, or remove the incomplete last row by hand",
        row.start,
    )


# --- the entry points -----------------------------------------------------------------------


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's cells and their offsets, read in the dialect the repair reads it in,
    for provenance validation (the text does not parse)."""
    start, delimiter = _sep_line(text)
    dialect = detect_dialect(text, delimiter) or Dialect(delimiter or ",")
    for row in _tokens(text, dialect, start):
        for field in row.fields:
            if field.value:
                yield field.value, field.start


def _leaves(record: Any) -> list[Any]:
    """A record's values in column order (nested dotted columns flattened)."""
    if isinstance(record, dict):
        return [leaf for value in record.values() for leaf in _leaves(value)]
    return [record]


def _spelled_by(value: Any, cell: str) -> bool:
    text = cell.strip()
    if isinstance(value, bool):
        return text.lower() == ("true" if value else "false")
    if value is None:
        return text == "" or text.lower() in ("null", "none")
    if isinstance(value, int | float):
        numbers = {
            _number_value(text, decimal_comma=False),
            _number_value(text, decimal_comma=True),
        }
        return any(number is not None and float(number) == float(value) for number in numbers)
    return " ".join(str(value).split()) == " ".join(text.split())


def answer_lines_up(text: str, data: Any) -> str | None:
    """Why the model's records do not line up with the input's rows (None when they do).

    Checked on the model's answers only: where the input has one row per record under a
    one-row header, record i must be row i's cells in order (extra cells empty). A model
    that shifts cells, or joins two cells, gives values the input has, in places it
    does not; provenance cannot see that. Inputs whose rows do not map one to one
    (several header rows, preamble lines) are not judged here."""
    if not isinstance(data, list) or not all(isinstance(record, dict) for record in data):
        return None
    start, delimiter = _sep_line(text)
    dialect = detect_dialect(text, delimiter) or Dialect(delimiter or ",")
    rows = [row for row in _tokens(text, dialect, start) if not _blank_like(row)][1:]
    if len(rows) != len(data):
        return None
    for number, (row, record) in enumerate(zip(rows, data, strict=True), 1):
        values = _leaves(record)
        cells = [field.value for field in row.fields]
        extra = cells[len(values) :]
        if len(cells) < len(values) or any(cell.strip() for cell in extra):
            return f"record {number} has {len(values)} values, its row {len(cells)} cells"
        for column, (value, cell) in enumerate(zip(values, cells, strict=False), 1):
            if not _spelled_by(value, cell):
                return (
                    f"record {number}, column {column} holds {value!r}, "
                    f"but its row has {cell!r} there"
                )
    return None


def _sep_line(text: str) -> tuple[int, str | None]:
    """(where the table starts, the delimiter) after an Excel `sep=;` line; else (0, None)."""
    found = _SEP_LINE.match(text)
    if found is None or found.group(1) in "\"'\r\n":
        return _body_start(text), None
    return found.end(), found.group(1)


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    if not error.repairable or options.table is not None or not options.header:
        return None  # (the rules find one table under one header)
    return _repair_or_refuse(text, options)


def _repair_or_refuse(text: str, options: Options) -> RuleOutcome:
    if len(text) > MAX_REPAIR_CHARS or "\x00" in text:
        return None
    try:
        return _repair(text, options)
    except CsvRefusal as refusal:
        line, column = LineIndex(text).line_column(refusal.offset)
        raise ParseError(
            refusal.message,
            format="csv",
            line=line,
            column=column,
            snippet=text[refusal.offset : refusal.offset + 200].split("\n", 1)[0],
            hint=refusal.hint,
            repairable=False,
        ) from None


def _refuse_unsniffed(text: str, delimiter: str, options: Options, start: int) -> None:
    """Columns split by a delimiter the reader never sniffs: the option to pass is named
    only when the file reads with it (a hint that leads to another error helps no one)."""
    problem = _strict_problem(text, delimiter, options)
    if problem is None:
        raise CsvRefusal(
            f"the columns are separated by {delimiter!r}, which is not sniffed",
            f"pass --delimiter '{delimiter}' (API: delimiter={delimiter!r})",
            start,
        )
    raise CsvRefusal(
        f"the columns seem to be separated by {delimiter!r} (which is not sniffed), but the "
        f"file does not read with it either: {problem}",
        "fix the table by hand, then pass the delimiter it uses with --delimiter",
        start,
    )


def _strict_problem(text: str, delimiter: str, options: Options) -> str | None:
    """Why the strict reader refuses the text with this delimiter (None: it reads it)."""
    from dataclasses import replace

    from structconv.formats.csv import loads

    try:
        loads(text, replace(options, delimiter=delimiter, repair="off"))
    except ParseError as error:
        return f"{error.message} (line {error.line})"
    return None


def _header_wrapped(text: str, dialect: Dialect, start: int) -> Patched | None:
    """A header line that ends in a delimiter, the next line holding the rest of the
    names: wrapped by an editor or a mail. Joined when the two together have exactly the
    width of the rows below (the first 50 looked at; then no cell can be misplaced)."""
    rows = list(itertools.islice(_tokens(text, dialect, start), REVIEW_ROWS + 2))
    if len(rows) < 4:
        return None
    first, second, body = rows[0], rows[1], rows[2:]
    if first.width < 2 or not second.fields or first.fields[-1].value or first.fields[-1].quoted:
        return None
    width = first.width - 1 + second.width
    if any(row.width != width for row in body) or not all(
        field.value.strip() for field in (*first.fields[:-1], *second.fields)
    ):
        return None
    edits = [
        Edit(
            first.content_end,
            second.start,
            "",
            "csv-header-wrapped",
            f"the header continues on line 2 (line 1 ends in {dialect.delimiter!r}): joined",
        )
    ]
    patched, fixes = apply_edits(text, edits)
    return Patched(patched, fixes, PREAMBLE)


def _repair(text: str, options: Options) -> RuleOutcome:
    start, sep_delimiter = _sep_line(text)
    dialect = detect_dialect(text, options.delimiter or sep_delimiter)
    if dialect is None:
        return None
    if options.delimiter is None and dialect.delimiter not in STANDARD_DELIMITERS:
        _refuse_unsniffed(text, dialect.delimiter, options, start)
    wrapped = _header_wrapped(text, dialect, start)
    if wrapped is not None:
        return wrapped
    plan = _Plan(text, dialect)
    if sep_delimiter is not None:
        plan.change(
            _body_start(text),
            start,
            "",
            "csv-sep-line",
            f"Excel's 'sep={sep_delimiter}' line removed (the delimiter is {sep_delimiter!r})",
            COSMETIC,
        )
    rows = list(_tokens(text, dialect, start))
    header_index = _find_header(rows)
    if header_index is None:
        return None
    _quoting_fixes(plan, rows[header_index:])
    _remove_preamble(plan, rows, header_index)
    header = rows[header_index]
    following = [i for i in range(header_index + 1, len(rows)) if rows[i].fields]
    body = _remove_footer(plan, rows, following, header.width)
    width = _effective_width(rows, header, body)
    names = [field.value for field in header.fields[:width]]
    _second_table(plan, rows, body, names)
    if any(_filled(row) for row in rows[:header_index]):
        regular = [[f.value for f in rows[i].fields] for i in body if rows[i].width == width]
        # (the row right below may be a second header row, which may repeat a name)
        if _looks_like_data(names, _column_kinds(regular[:REVIEW_ROWS], width)) or _repeats_below(
            names, regular[1:REVIEW_ROWS]
        ):
            raise CsvRefusal(
                "the first row of the table looks like data, not a header; the lines above it "
                "do not name its columns either",
                "put the column names in one header row above the data",
                header.start,
            )
    taken = _multirow_header(plan, rows, header_index, body, width, options)
    if taken > 1:
        body = body[taken - 1 :]
        names = plan.header_names
    else:
        if _duplicated(names) or sum(1 for name in names if not name.strip()) > 1:
            below = [[f.value for f in rows[i].fields] for i in body if rows[i].width == width]
            if _looks_like_data(
                names, _column_kinds(below[:REVIEW_ROWS], width)
            ) or _numbers_repeat(names):
                raise CsvRefusal(
                    "the first row looks like data, not a header (its numbers and dates "
                    "line up with the columns below, and its names repeat)",
                    "pass --no-header (API: header=False) to read the rows as lists, or add "
                    "a header row naming the columns: structconv does not invent column names",
                    header.start,
                )
            named = [index for index, name in enumerate(names) if name.strip()]
            if any(not name.strip() for name in names[1 : named[-1] if named else 0]):
                raise CsvRefusal(
                    "the header leaves columns unnamed between named ones (under a group "
                    "label that spans them?), and no row below names them: which column is "
                    "which is for a person to say",
                    "write one header row that names every column",
                    header.start,
                )
            # Else the names stand: the reader renames the repeats (name_2) with a note.
        if width < header.width:
            plan.change(
                header.fields[width - 1].end,
                header.content_end,
                "",
                "csv-trailing-delimiter",
                f"{header.width - width} empty column name(s) after the last column removed "
                "(no row holds a value there)",
                QUOTING,
            )
    body = _summary_row(plan, rows, body, width, names)
    _ragged_rows(plan, rows, body, width, header)
    outcome = plan.outcome()
    if outcome is None or options.delimiter is not None:
        return outcome
    patched = outcome.text if isinstance(outcome, Patched) else outcome.candidates[-1].text
    if sniff_delimiter(patched.removeprefix("\ufeff")) != dialect.delimiter:
        return None
    return outcome


# --- review: input that parsed ------------------------------------------------------------


def review(text: str, data: Any, options: Options) -> RuleOutcome:
    """A CSV that parsed, but whose second row may be a second header row.

    Returns None at once unless the first record is all text and the header row has a
    blank name or the record repeats a value. Then, looking at the next REVIEW_ROWS
    records only (`second_header_evidence`): a label over a column of numbers or dates
    is needed; with a blank corner name and repeated labels as well, the two header rows
    are certain; with one of them, one header row and two are an Ambiguity.
    """
    if options.table is not None or not options.header:
        return None  # the tables, or the rows, the user asked for
    if _SEP_LINE.match(text) and options.delimiter is None:
        return _repair_or_refuse(text, options)  # Excel's directive, read as a header row
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    header = _header_row(text, options)
    if header is not None and (
        len(set(header)) < len(header) or (len(header) > 1 and is_title_row(header))
    ):
        return _weigh_header(text, options)
    if header is not None and any(cell_kind(name) in ("number", "date") for name in header):
        _refuse_data_as_header(text, header, options)
    first = data[0]
    if len(first) == 1:
        return _single_column(text, options, next(iter(first)))
    if len(data) <= EVIDENCE_ROWS:
        return None
    names = list(first)
    labels = list(first.values())
    if len(names) < 2 or not all(isinstance(label, str) for label in labels):
        return None
    if "" not in names and len(set(labels)) == len(labels):
        return None
    body = data[1 : 1 + REVIEW_ROWS]
    if not all(isinstance(record, dict) and len(record) == len(names) for record in body):
        return None
    columns = [[record.get(name) for record in body] for name in names]
    evidence = second_header_evidence(names, labels, columns)
    if evidence is None:
        return None
    blank, repeated, typed = evidence
    if not typed or not (blank or repeated):
        return None
    return _two_header_rows(text, options, names, labels, certain=blank and repeated)


def _header_row(text: str, options: Options) -> list[str] | None:
    """The header row as the strict reader reads it (names not renamed)."""
    from structconv.formats.csv import read_header

    start = _body_start(text)
    delimiter = options.delimiter or sniff_delimiter(text[start:])
    try:
        return read_header(io.StringIO(text[start:], newline=""), delimiter, options)
    except csv.Error:
        return None


def _refuse_data_as_header(text: str, header: list[str], options: Options) -> None:
    """A first row that reads as a record (its numbers and dates have the kinds of the
    columns below, `_looks_like_data`) is data, not column names: taking it for names
    would turn a record into keys. Refused, with the option that reads such a file."""
    start = _body_start(text)
    delimiter = options.delimiter or sniff_delimiter(text[start:])
    lines = itertools.islice(io.StringIO(text[start:], newline=""), 4 * REVIEW_ROWS)
    try:
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return
    below = [row for row in rows[1 : 1 + REVIEW_ROWS] if len(row) == len(header)]
    if len(below) < EVIDENCE_ROWS or not _looks_like_data(
        header, _column_kinds(below, len(header))
    ):
        return
    raise ParseError(
        "the first row looks like data, not a header (its numbers and dates line up with "
        "the columns below)",
        format="csv",
        line=1,
        column=1,
        snippet=text[start : start + 200].split("\n", 1)[0],
        hint="pass --no-header (API: header=False) to read the rows as lists, or add a header "
        "row naming the columns: structconv does not invent column names",
        repairable=False,
    )


def _weigh_header(text: str, options: Options) -> RuleOutcome:
    """A header whose repeated names the reader renamed (name_2, ...), or that holds one
    name and blanks (`Report,,`), may be no header of one row: the upper row of a
    multi-row header (`,Q1,,Q2,`), a title above the table, or data (a file without a
    header). It is weighed as the repair weighs a refused file, first on the file's head
    (its first SAMPLE_CHARS characters, whole lines); only when that finds something, on
    the whole file. Otherwise the reading stands."""
    head = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS:
        head = head[: head.rfind("\n") + 1] or head
    try:
        if head != text and _repair(head, options) is None:
            return None
    except CsvRefusal:
        pass  # the whole file decides (a head cut inside a quoted field, say)
    return _repair_or_refuse(text, options)


def _single_column(text: str, options: Options, name: Any) -> RuleOutcome:
    """A CSV read as one column because a title line above the table defeated the
    delimiter sniffing: repaired like broken input when the lines below the title are
    a header of labels over at least EVIDENCE_ROWS rows of one width with a column of
    numbers or dates. A delimiter that is never sniffed is refused with its option."""
    _unsniffed_delimiter(text, options, name)
    if options.delimiter is not None:
        return None
    start = _body_start(text)
    lines = text[start : start + SAMPLE_CHARS].splitlines(keepends=True)[: 2 + REVIEW_ROWS]
    if not any(d in line for line in lines[1:] for d in STANDARD_DELIMITERS[1:]):
        return None  # the lines hold no other delimiter the sniffer could have missed
    sample = "".join(lines)
    dialect = detect_dialect(sample)
    if dialect is None or dialect.delimiter not in STANDARD_DELIMITERS:
        return None
    rows = [row for row in _tokens(sample, dialect) if row.fields]
    header = _find_header(rows)
    if not header or not all(_title_like(row) for row in rows[:header]):
        return None
    labels = [field.value for field in rows[header].fields]
    below = [[f.value for f in row.fields] for row in rows[header + 1 :]]
    if not all(is_label(label) for label in labels) or len(below) < EVIDENCE_ROWS:
        return None
    if any(len(row) != len(labels) for row in below):
        return None
    if not _type_break(labels, _column_kinds(below, len(labels))):
        return None
    return _repair_or_refuse(text, options)


def _unsniffed_delimiter(text: str, options: Options, name: Any) -> None:
    """A single column whose every line splits alike on ^ or ~, the first into labels,
    over EVIDENCE_ROWS rows at least: the file has columns the strict reader did not
    sniff. Refused with the option to pass (nothing else changes)."""
    if options.delimiter is not None or not isinstance(name, str):
        return
    candidates = [d for d in OTHER_DELIMITERS if d != ":" and d in name]
    if not candidates:
        return
    start = _body_start(text)
    lines = text[start : start + SAMPLE_CHARS].splitlines(keepends=True)[: 1 + REVIEW_ROWS]
    sample = "".join(lines)
    dialect = detect_dialect(sample, candidates[0])
    if dialect is None:
        return
    rows = [row for row in _tokens(sample, dialect) if row.fields]
    names = [field.value for field in rows[0].fields] if rows else []
    if (
        len(rows) > EVIDENCE_ROWS
        and len({row.width for row in rows}) == 1
        and all(is_label(name) for name in names)
        and _strict_problem(text, dialect.delimiter, options) is None
    ):
        raise ParseError(
            f"every line splits into {rows[0].width} columns on {dialect.delimiter!r}, which "
            "is not sniffed: read as one column, the file would lose its columns",
            format="csv",
            line=1,
            column=1,
            snippet=text[start : start + 200].split("\n", 1)[0],
            hint=f"pass --delimiter '{dialect.delimiter}' (API: delimiter={dialect.delimiter!r})",
            repairable=False,
        )


def _two_header_rows(
    text: str, options: Options, names: list[str], labels: list[Any], *, certain: bool
) -> RuleOutcome:
    start = _body_start(text)
    delimiter = options.delimiter or sniff_delimiter(text[start:])
    rows = list(
        itertools.islice((r for r in _tokens(text, Dialect(delimiter), start) if r.fields), 2)
    )
    if len(rows) < 2 or any(row.width != len(names) for row in rows):
        return None
    if any(field.issue for row in rows for field in row.fields):
        return None
    merged = merge_header([names, [str(label) for label in labels]], options.unflatten)
    if merged is None:
        return None
    replacement = write_row(merged, delimiter)
    message = (
        "2 header rows merged into one row of dotted column names "
        f"({', '.join(merged[:4])}{', ...' if len(merged) > 4 else ''})"
    )
    edit = Edit(rows[0].start, rows[1].content_end, replacement, "csv-multirow-header", message)
    patched, fixes = apply_edits(text, [edit])
    if certain:
        return Patched(patched, fixes, MULTIROW_HEADER)
    return Ambiguity(
        "csv",
        2,
        1,
        "the second row may be a second header row or the first record",
        (
            Candidate("one header row: line 2 is the first record", text, None, ()),
            Candidate(f"two header rows: {', '.join(merged)}", patched, None, fixes),
        ),
    )


def review_head(head: str, options: Options) -> bool:
    """Whether `review` may change the reading of a CSV that starts with `head` (its
    first SAMPLE_CHARS characters, say): the streaming path, which never holds the whole
    file, reads it in memory instead when this says so. `review` looks at the first
    REVIEW_ROWS records only, so the head answers for the whole file once it holds them.
    A head cut inside a record is read up to the line before the cut."""
    from structconv.formats import csv as csv_format

    for _ in range(2):
        try:
            data = csv_format.loads(head, options)
        except ParseError as error:
            if error.line <= 2:
                return False
            head = "".join(head.splitlines(keepends=True)[: error.line - 1])
            continue
        try:
            return review(head, data[: REVIEW_ROWS + 1], options) is not None
        except ParseError:
            return True  # a refusal: the in-memory path raises it with the whole file
    return False
