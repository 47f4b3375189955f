"""Rules for the body: summary rows, short and long rows, line breaks and quotes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from structconv.repair.rules.csv.header import _footer_like, _repeats, _trailing_cells_removed
from structconv.repair.rules.csv.ids import (
    CSV_EMPTY_ROW,
    CSV_REPEATED_HEADER,
    CSV_SECTION_TITLE,
    CSV_SUMMARY_ROW,
    CSV_UNQUOTED_DELIMITER,
    CSV_UNQUOTED_LINE_BREAK,
    LINE_BREAK,
    NO_VALUE_LOST,
    PREAMBLE,
    SUMMARY_ROW,
    TYPE_PICKED,
)
from structconv.repair.rules.csv.lexer import (
    _TOTAL_LABEL,
    EVIDENCE_ROWS,
    MAX_CANDIDATES,
    MAX_CHAIN_LINES,
    CsvRefusal,
    _column_kinds,
    _filled,
    _fits,
    is_blank_row,
)
from structconv.repair.rules.csv.plan import _quote, _shown
from structconv.repair.search import Change

if TYPE_CHECKING:
    from structconv.repair.rules.csv.lexer import Row
    from structconv.repair.rules.csv.plan import _Plan


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
                CSV_SUMMARY_ROW,
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
    plan: _Plan, offset: int, message: str, options: list[tuple[str, list[Change]]]
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
    options: list[tuple[str, list[Change]]] = []
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
                    Change(
                        group[0].start,
                        group[-1].end,
                        _quote(joined),
                        CSV_UNQUOTED_DELIMITER,
                        f"the row has {row.width} fields, the header {width}: "
                        f"{joined!r} is one field holding the delimiter, now quoted",
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
                CSV_SECTION_TITLE,
                f"title of a repeated section removed (it holds {_shown([f.value for f in row.fields])})",
                PREAMBLE,
            )
        elif _repeats(row, header_cells):
            plan.remove_row(
                row,
                CSV_REPEATED_HEADER,
                "the header row repeated inside the table removed",
                NO_VALUE_LOST,
            )
        elif is_blank_row(row):
            plan.remove_row(
                row,
                CSV_EMPTY_ROW,
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
        CSV_UNQUOTED_LINE_BREAK,
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
