"""Rules for where the table is (preamble, footer) and for its header (several header
rows, a second table)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from structconv.formats.csv import is_title_row, table_starts
from structconv.options import Options
from structconv.repair.edits import Edit, apply_edits
from structconv.repair.rules import Patched
from structconv.repair.rules.csv.ids import (
    COSMETIC,
    CSV_FOOTER,
    CSV_HEADER_WRAPPED,
    CSV_MULTIROW_HEADER,
    CSV_PREAMBLE,
    CSV_TRAILING_DELIMITER,
    MULTIROW_HEADER,
    NO_VALUE_LOST,
    PREAMBLE,
    QUOTING,
)
from structconv.repair.rules.csv.lexer import (
    _FOOTER_TEXT,
    _SMALL_INTEGER,
    EVIDENCE_ROWS,
    LOOKAHEAD_ROWS,
    MAX_PREAMBLE_VALUES,
    REVIEW_ROWS,
    CsvRefusal,
    _column_kinds,
    _filled,
    _fits_kind,
    cell_kind,
    is_blank_row,
    is_label,
    scan_rows,
)
from structconv.repair.rules.csv.plan import _shown, write_row
from structconv.repair.search import Change

if TYPE_CHECKING:
    from structconv.repair.rules.csv.lexer import Dialect, Row
    from structconv.repair.rules.csv.plan import _Plan


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
    candidates = [index for index, row in enumerate(rows) if row.fields and not is_blank_row(row)]
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
                CSV_PREAMBLE,
                "line without values above the header removed",
                COSMETIC if row.width == 1 else NO_VALUE_LOST,
            )
        else:
            plan.remove_row(
                row,
                CSV_PREAMBLE,
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
                CSV_FOOTER,
                f"note below the table removed (it holds {_shown(values)}, not a record)",
                PREAMBLE,
            )
        else:
            plan.remove_row(
                row, CSV_FOOTER, "row without values below the table removed", NO_VALUE_LOST
            )
    return body


# --- rules: the header --------------------------------------------------------------------


def _header_wrapped(text: str, dialect: Dialect, start: int) -> Patched | None:
    """A header line that ends in a delimiter, the next line holding the rest of the
    names: wrapped by an editor or a mail. Joined when the two together have exactly the
    width of the rows below (the first 50 looked at; then no cell can be misplaced)."""
    rows = list(itertools.islice(scan_rows(text, dialect, start), REVIEW_ROWS + 2))
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
            CSV_HEADER_WRAPPED,
            f"the header continues on line 2 (line 1 ends in {dialect.delimiter!r}): joined",
        )
    ]
    patched, fixes = apply_edits(text, edits)
    return Patched(patched, fixes, PREAMBLE)


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
        change = Change(
            first.start,
            last.content_end,
            write_row(merged, plan.dialect.delimiter),
            CSV_MULTIROW_HEADER,
            f"{count} header rows merged into one row of dotted column names "
            f"({', '.join(merged[:4])}{', ...' if len(merged) > 4 else ''})",
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


def _trailing_cells_removed(row: Row, width: int) -> Change | None:
    """The removal of the empty cells a row has past the last column (None: it has none,
    or one of them holds something)."""
    extra = row.fields[width:]
    if not extra or any(field.value.strip() or field.quoted for field in extra):
        return None
    return Change(
        row.fields[width - 1].end,
        row.content_end,
        "",
        CSV_TRAILING_DELIMITER,
        f"{len(extra)} empty cell(s) after the last column removed",
        QUOTING,
    )


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
    filled = [i for i in body if not is_blank_row(rows[i])]
    for position, index in enumerate(filled):
        previous = rows[index - 1]
        after_blank = not previous.fields or is_blank_row(previous)
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


def _repeats(row: Row, header_cells: Sequence[str]) -> bool:
    return [field.value for field in row.fields] == list(header_cells)
