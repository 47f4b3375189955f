"""The CSV rules' lenient tokenizer (rows and fields of a table that may be broken),
what cells look like, and the dialect."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from structconv.formats.csv import SAMPLE_CHARS

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


def scan_rows(text: str, dialect: Dialect, start: int = 0) -> Iterator[Row]:
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


def is_blank_row(row: Row) -> bool:
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
    rows = [row for row in scan_rows(sample, dialect) if row.fields]
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
