"""Several tables in one CSV file: where a second table starts (a new header, perhaps
under a title line) and how a file splits into its tables (`--table`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import NamedTuple

from structconv.errors import ParseError
from structconv.formats.csv_dialect import ensure_field_limit, parse_error
from structconv.options import Options
from structconv.patterns import lazy_compile

_TYPED_CELL = lazy_compile(r"[-+(]?[$€£¥]?[0-9][0-9,.:/' -]*%?\)?")
_LETTER = lazy_compile(r"[^\W\d_]")
LOOKAHEAD_ROWS = 3  # rows below a table's header that show its width and column types
MIN_TABLE_RECORDS = 2  # records a table above needs before a new header counts as a table


def _name_cell(cell: str) -> bool:
    text = cell.strip()
    return bool(text) and not text[0].isdigit() and _LETTER.search(text) is not None


def is_names_row(row: Sequence[str]) -> bool:
    """Every cell names something: text with a letter, not a number, amount or date."""
    return len(row) > 0 and all(map(_name_cell, row))


def is_title_row(row: Sequence[str]) -> bool:
    """One name in the first cell, nothing after it (a title above a table)."""
    return bool(row) and _name_cell(row[0]) and not any(cell.strip() for cell in row[1:])


def _typed_column_below(names: Sequence[str], below: Sequence[Sequence[str]]) -> bool:
    """A column whose cells below the names row are all numbers, amounts or dates."""
    rows = [row for row in below[:LOOKAHEAD_ROWS] if len(row) == len(names)]
    return bool(rows) and any(
        all(_TYPED_CELL.fullmatch(row[column].strip()) for row in rows)
        for column in range(len(names))
    )


def table_starts(
    header: Sequence[str], records: int, after_blank: bool, rows: Sequence[Sequence[str]]
) -> bool:
    """Whether rows[0] starts a second table under a first one with this header and this
    many records: a new header (a row of names) of another width over rows of its width,
    or, after a blank line, one of the same width over a column of numbers or dates;
    either may have a title line (one name, nothing else) above it. The table above must
    be a table (a header of names, MIN_TABLE_RECORDS records), not preamble lines. A row
    repeating the header is not a new table: see `repeats_header`. rows[1:] are the
    (non-blank) rows that follow, LOOKAHEAD_ROWS at least when the file has them."""
    if not rows or records < MIN_TABLE_RECORDS or len(header) < 2 or not is_names_row(header):
        return False
    first, following = rows[0], rows[1:]
    if is_title_row(first) and following and list(following[0]) != list(header):
        first, following = following[0], following[1:]
        after_blank = True  # a title line separates the tables as a blank line does
    if list(first) == list(header) or len(first) < 2 or not is_names_row(first):
        return False
    if len(first) != len(header):
        return bool(following) and len(following[0]) == len(first)
    return after_blank and _typed_column_below(first, following)


def repeats_header(header: Sequence[str], row: Sequence[str]) -> bool:
    """A body row equal to the header (of two columns or more): a header line repeated
    by concatenated exports or a multi-row header, not a record."""
    return len(header) > 1 and list(row) == list(header)


def several_tables_error(line: int, snippet: str) -> ParseError:
    return parse_error(
        f"a second table starts on line {line}: the file holds several tables, each "
        "with its own header",
        line,
        1,
        snippet,
        "read one with --table N (API: table=N), or all of them, as a list of tables, "
        "with --table all",
        repairable=False,
    )


def repeated_header_error(line: int, snippet: str) -> ParseError:
    return parse_error(
        f"line {line} repeats the header row: a record cannot be the column names",
        line,
        1,
        snippet,
        "remove the repeated header line (with repair on, the default, it is removed "
        "and reported), or read the tables apart with --table N",
    )


class Table(NamedTuple):
    """One table of a file: its lines (1-based, the header's first to the last record's
    last) and the title line above its header (its text and line), if any."""

    first: int
    last: int
    title: tuple[str, int] | None


class _Line(NamedTuple):
    cells: list[str]
    first: int
    last: int
    after_blank: bool


def split_tables(text: str, delimiter: str, options: Options) -> list[Table]:
    """The tables of `text`, cut where `iter_batches` would refuse a second table (see
    `table_starts`) or a repeated header: one lenient pass of the csv module over the
    text (a table is read strictly on its own; another may be quoted differently)."""
    ensure_field_limit(options)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    filled: list[_Line] = []
    end = 0
    blank = False
    try:
        for row in reader:
            if any(row):
                filled.append(_Line(row, end + 1, reader.line_num, blank))
            blank = not any(row)  # (a row of empty cells is no record of either table)
            end = reader.line_num
    except csv.Error as error:
        line = reader.line_num
        snippet = "".join(io.StringIO(text, newline="").readlines()[line - 1 : line])
        raise parse_error(
            str(error), line, 0, snippet, "close the quote, or double a quote inside a quoted field"
        ) from None
    if not filled:
        return []
    tables: list[Table] = []
    title: tuple[str, int] | None = None
    index = 0
    if len(filled) > 1 and is_title_row(filled[0].cells) and is_names_row(filled[1].cells):
        title, index = (filled[0].cells[0].strip(), filled[0].first), 1  # the first table's
    header, first, last = filled[index].cells, filled[index].first, filled[index].last
    records = 0
    index += 1
    while index < len(filled):
        entry = filled[index]
        ahead = [later.cells for later in filled[index : index + LOOKAHEAD_ROWS + 2]]
        if repeats_header(header, entry.cells) or (
            (entry.after_blank or len(entry.cells) != len(header) or is_title_row(entry.cells))
            and table_starts(header, records, entry.after_blank, ahead)
        ):
            tables.append(Table(first, last, title))
            title = None
            if is_title_row(entry.cells) and index + 1 < len(filled):
                title = (entry.cells[0].strip(), entry.first)
                index += 1
                entry = filled[index]
            header, first, last, records = entry.cells, entry.first, entry.last, 0
        else:
            records += 1
            last = entry.last
        index += 1
    tables.append(Table(first, last, title))
    return tables
