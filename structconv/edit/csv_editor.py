"""CSV: one cell set, or one row deleted, by replacing only those characters.

A path is `[row].column` (rows counted from 0 below the header, as the reader gives
them). The file is tokenized in its own dialect (the delimiter the reader sniffs, `"`
quotes with doubled quotes inside) into records with the offsets of their cells, so
the new cell is written in place and every other byte stays. A row cannot lose one
cell (every row has every column) nor gain a column here: those are refused. Where the
reader skipped lines this scan counts (a title above the header, a repeated header),
the proof sees another cell changed and refuses the edit; nothing is guessed.
"""

from __future__ import annotations

import math
from typing import Any

from structconv.edit.paths import Path, display_path
from structconv.edit.splice import Edited, EditRefused, Splice, apply
from structconv.formats.csv import sniff_delimiter
from structconv.formats.csv_writer import cell_text
from structconv.options import Options
from structconv.repair.rules.csv.lexer import Dialect, Row, is_blank_row, scan_rows

_QUOTE = '"'


def records(text: str, delimiter: str) -> list[Row]:
    """The file's non-blank records with their cells' offsets, the header first (the CSV
    rules' tokenizer: a file that reads strictly is tokenized as the reader reads it)."""
    return [row for row in scan_rows(text, Dialect(delimiter)) if not is_blank_row(row)]


def _row_and_column(data: Any, path: Path) -> tuple[int, int | None]:
    if not isinstance(data, list) or not isinstance(path[0], int):
        raise EditRefused(f"{display_path(path)}: a CSV path starts with a row, e.g. [0].name")
    row = path[0]
    if len(path) == 1:
        return row, None
    if len(path) > 2 or not isinstance(path[1], str):
        raise EditRefused(f"{display_path(path)}: a CSV path is [row].column")
    return row, list(data[row]).index(path[1])


def _cell_text(path: Path, value: Any, delimiter: str, quoted: bool) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise EditRefused(f"CSV has no way to write {value!r} as a number")
    plain = cell_text(path, value, Options()) or ""  # as `convert` writes a cell
    special = any(mark in plain for mark in (delimiter, _QUOTE, "\r", "\n"))
    if quoted or special or plain != plain.strip():
        return _QUOTE + plain.replace(_QUOTE, _QUOTE * 2) + _QUOTE
    return plain


def _data_record(text: str, row: int) -> tuple[str, Row]:
    delimiter = sniff_delimiter(text)
    found = records(text, delimiter)
    if row + 1 >= len(found):
        raise EditRefused(f"row {row} is not where this scan of the file finds rows")
    return delimiter, found[row + 1]


def set_at(text: str, data: Any, path: Path, value: Any, exists: bool, format: str) -> Edited:
    del format
    if not exists:
        raise EditRefused(
            f"{display_path(path)}: CSV edits change existing cells; adding a row or a "
            "column would change every line's shape"
        )
    row, column = _row_and_column(data, path)
    if column is None:
        raise EditRefused(f"{display_path(path)}: set one cell ([{row}].column), not a row")
    delimiter, record = _data_record(text, row)
    if column >= len(record.fields):
        raise EditRefused(f"{display_path(path)}: the row has no such cell in the file")
    cell = record.fields[column]
    return apply(
        text, [Splice(cell.start, cell.end, _cell_text(path, value, delimiter, cell.quoted))]
    )


def delete_at(text: str, data: Any, path: Path, format: str) -> Edited:
    del format
    row, column = _row_and_column(data, path)
    if column is not None:
        raise EditRefused(
            f"{display_path(path)}: every CSV row has every column; set the cell to an "
            "empty text (--string '') or delete the whole row"
        )
    _, record = _data_record(text, row)
    return apply(text, [Splice(record.start, record.end, "")])


def hold(value: Any) -> Any:
    """A cell holds one scalar; CSV has no null (an empty cell reads as empty text)."""
    if value is None:
        raise EditRefused("CSV has no null: set an empty text (--string '') instead")
    if isinstance(value, dict | list):
        raise EditRefused("a CSV cell holds one value, not a list or a mapping")
    return value
