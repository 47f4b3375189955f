"""How valid CSV gets broken."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from structconv.tune.corrupt.base import _newline, operator

# --- CSV -----------------------------------------------------------------------------------

_CSV_FIELD = re.compile(r'"(?:[^"]|"")*"|[^,\r\n]*')


def csv_rows(text: str) -> tuple[list[list[str]], str]:
    """The rows of a comma-separated text as raw field texts (quotes kept), and its line end.

    Only for text as the writer prints it: a quoted field may hold a line break, which
    this splitter follows.
    """
    newline = _newline(text)
    rows: list[list[str]] = []
    position = 0
    while position < len(text):
        row = []
        while True:
            match = _CSV_FIELD.match(text, position)
            assert match is not None
            row.append(match.group())
            position = match.end()
            if position < len(text) and text[position] == ",":
                position += 1
                continue
            break
        rows.append(row)
        if text.startswith(newline, position):
            position += len(newline)
        elif position < len(text) and text[position] in "\r\n":
            position += 1
        elif position < len(text):
            return [], newline
    return rows, newline


def _csv_text(rows: list[list[str]], newline: str) -> str:
    return "".join(",".join(row) + newline for row in rows)


def _unquote(field: str) -> str:
    return field[1:-1].replace('""', '"') if field.startswith('"') else field


def _header_rows(names: list[str], depth: int, names_on_top: bool, repeat: bool) -> list[list[str]]:
    """Header rows, top first, for dotted column names split at their dots."""
    rows = [["" for _ in names] for _ in range(depth)]
    for column, name in enumerate(names):
        parts = _unquote(name).split(".")
        start = 0 if names_on_top else depth - len(parts)
        for level, part in enumerate(parts):
            rows[start + level][column] = part
    if not repeat:  # a label over several columns is written once, like merged cells
        for level in range(depth - 1):
            for column in range(len(names) - 1, 0, -1):
                same_above = all(
                    rows[upper][column] == rows[upper][column - 1] for upper in range(level)
                )
                repeated = rows[level][column] and rows[level][column] == rows[level][column - 1]
                below = any(rows[deeper][column] for deeper in range(level + 1, depth))
                if same_above and repeated and below:
                    rows[level][column] = ""
    return [[_csv_quote(cell) for cell in row] for row in rows]


def _csv_quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if re.search(r'[",\r\n]', cell) else cell


def _split_header(text: str, rng: random.Random, depth: int, names_on_top: bool) -> str | None:
    rows, newline = csv_rows(text)
    if len(rows) < 2:
        return None
    names = rows[0]
    depths = [len(_unquote(name).split(".")) for name in names]
    if max(depths) != depth:
        return None
    header = _header_rows(names, depth, names_on_top, repeat=rng.random() < 0.3)
    return _csv_text(header + rows[1:], newline)


@operator("csv", "two_row_header", settled=False, weight=4.0)
def csv_two_row_header(text: str, rng: random.Random) -> str | None:
    """Grouped columns (`Q1.sales`) as a group row over a label row, the corner blank."""
    return _split_header(text, rng, 2, names_on_top=False)


@operator("csv", "units_row", settled=False, weight=3.0)
def csv_units_row(text: str, rng: random.Random) -> str | None:
    """Columns named in the first row, their units (or sub-labels) in a second."""
    return _split_header(text, rng, 2, names_on_top=True)


@operator("csv", "three_row_header", settled=False, weight=4.0)
def csv_three_row_header(text: str, rng: random.Random) -> str | None:
    return _split_header(text, rng, 3, names_on_top=rng.random() < 0.3)


@operator("csv", "title_line", settled=True, weight=0.3)
def csv_title_line(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if not rows:
        return None
    title = rng.choice(
        ["Monthly report", "Export 2026-03-01", "Sales by region", "売上一覧", "Inventory"]
    )
    padding = "," * (len(rows[0]) - 1) if rng.random() < 0.6 else ""
    return title + padding + newline + text


@operator("csv", "total_row", settled=True, weight=0.3)
def csv_total_row(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if len(rows) < 3:
        return None
    totals: list[str] = []
    for column in range(len(rows[0])):
        cells = [row[column] for row in rows[1:] if column < len(row)]
        if all(re.fullmatch(r"-?\d+", cell) for cell in cells):
            totals.append(str(sum(int(cell) for cell in cells)))
        else:
            totals.append("")
    if not any(totals) or totals[0]:
        return None
    totals[0] = rng.choice(["Total", "TOTAL", "Sum", "合計"])
    return text + ",".join(totals) + newline


def _quoted_record_fields(
    rows: list[list[str]], wanted: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """(row, column) of the quoted one-line fields below the header that `wanted` takes."""
    return [
        (r, c)
        for r, row in enumerate(rows)
        for c, field in enumerate(row)
        if r > 0 and field.startswith('"') and "\n" not in field and wanted(field)
    ]


@operator("csv", "unquoted_delimiter", settled=False, weight=3.0)
def csv_unquoted_delimiter(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    spots = _quoted_record_fields(rows, lambda field: "," in field and '""' not in field[1:-1])
    if not spots:
        return None
    r, c = rng.choice(spots)
    rows[r][c] = rows[r][c][1:-1]
    return _csv_text(rows, newline)


@operator("csv", "stray_quote", settled=True, weight=1.5)
def csv_stray_quote(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    spots = _quoted_record_fields(rows, lambda field: '""' in field[1:-1] and "," not in field)
    if not spots:
        return None
    r, c = rng.choice(spots)
    inner = rows[r][c][1:-1].replace('""', '"')
    rows[r][c] = inner if inner.startswith('"') or rng.random() < 0.5 else '"' + inner + '"'
    return _csv_text(rows, newline)


@operator("csv", "single_quotes", settled=True)
def csv_single_quotes(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    quoted = [
        (r, c)
        for r, row in enumerate(rows)
        for c, field in enumerate(row)
        if field.startswith('"') and "'" not in field and '""' not in field[1:-1]
    ]
    if not quoted:
        return None
    for r, c in quoted:
        rows[r][c] = "'" + rows[r][c][1:-1] + "'"
    return _csv_text(rows, newline)


@operator("csv", "trailing_comma", settled=True)
def csv_trailing_comma(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if not rows:
        return None
    extra = rng.choice([1, 1, 2])
    # Trailing delimiters on the records (a hand edit, a spreadsheet's empty column) or on
    # the header alone: on both, the file would still parse (a column with no name).
    for row in rows[1:] if rng.random() < 0.7 else rows[:1]:
        row.extend([""] * extra)
    return _csv_text(rows, newline)


@operator("csv", "empty_rows", settled=True, weight=0.7)
def csv_empty_rows(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if len(rows) < 2 or len(rows[0]) < 3:
        return None
    blank = [""] * rng.randint(2, len(rows[0]) - 1)
    position = rng.randint(1, len(rows))
    return _csv_text(rows[:position] + [blank] + rows[position:], newline)
