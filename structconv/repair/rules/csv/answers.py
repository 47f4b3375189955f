"""The broken input's values (for provenance) and the check of the model's answer
against the table's rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from structconv.repair.rules.csv.body import _number_value
from structconv.repair.rules.csv.lexer import Dialect, detect_dialect, is_blank_row, scan_rows
from structconv.repair.rules.csv.readings import _sep_line

# --- the entry points -----------------------------------------------------------------------


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's cells and their offsets, read in the dialect the repair reads it in,
    for provenance validation (the text does not parse)."""
    start, delimiter = _sep_line(text)
    dialect = detect_dialect(text, delimiter) or Dialect(delimiter or ",")
    for row in scan_rows(text, dialect, start):
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
    rows = [row for row in scan_rows(text, dialect, start) if not is_blank_row(row)][1:]
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
