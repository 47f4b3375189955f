"""`review`: input that parsed but may not mean what it seems (two header rows, data
read as a header, one column from an unsniffed delimiter)."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

from structconv.errors import ParseError
from structconv.fixes import Ambiguity, Candidate
from structconv.formats.csv import SAMPLE_CHARS, is_title_row, sniff_delimiter
from structconv.options import Options
from structconv.repair.edits import Edit, apply_edits
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.rules.csv.header import (
    _find_header,
    _looks_like_data,
    _title_like,
    _type_break,
    merge_header,
    second_header_evidence,
)
from structconv.repair.rules.csv.ids import CSV_MULTIROW_HEADER, MULTIROW_HEADER
from structconv.repair.rules.csv.lexer import (
    _SEP_LINE,
    EVIDENCE_ROWS,
    OTHER_DELIMITERS,
    REVIEW_ROWS,
    STANDARD_DELIMITERS,
    CsvRefusal,
    Dialect,
    _body_start,
    _column_kinds,
    cell_kind,
    detect_dialect,
    is_label,
    scan_rows,
)
from structconv.repair.rules.csv.plan import write_row
from structconv.repair.rules.csv.readings import _repair, _repair_or_refuse, _strict_problem
from structconv.repair.search import read_strict

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
    rows = [row for row in scan_rows(sample, dialect) if row.fields]
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
    rows = [row for row in scan_rows(sample, dialect) if row.fields]
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
        itertools.islice((r for r in scan_rows(text, Dialect(delimiter), start) if r.fields), 2)
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
    edit = Edit(rows[0].start, rows[1].content_end, replacement, CSV_MULTIROW_HEADER, message)
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
    for _ in range(2):
        data, error = read_strict(head, "csv", options)
        if error is not None:
            if error.line <= 2:
                return False
            head = "".join(head.splitlines(keepends=True)[: error.line - 1])
            continue
        try:
            return review(head, data[: REVIEW_ROWS + 1], options) is not None
        except ParseError:
            return True  # a refusal: the in-memory path raises it with the whole file
    return False
