"""The CSV lexicon: cells in the dialect the repair reads, each in its column.

The first row that holds a value is the header: its names are keys that every record
uses (so they are matched by name, any number of times), read as the reader reads them:
a repeated name as its renaming (the second `name` is `name_2`, `unique_names`), which
ties each record's key to its own column. Every other cell is a value in its column, so
a record that puts a cell under another column (cells shifted, a short row padded in the
middle) does not line up, and an empty cell the text does not have ("" padded at a row's
end) has no token. Without a header (options.header False) every row is values. A cell
reads as its text, or as its inferred value when types are inferred (the strict reader's
own `infer_cell`). Rows of empty cells are formatting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from structconv.formats.csv import unique_names
from structconv.formats.csv_types import infer_cell
from structconv.options import Options
from structconv.repair.lexicons import PlainLexicon
from structconv.repair.provenance import Item, Role, Token
from structconv.repair.rules.csv import ids as rules
from structconv.repair.rules.csv.lexer import Dialect, detect_dialect, scan_rows
from structconv.repair.rules.csv.readings import _sep_line


class CsvLexicon(PlainLexicon):
    ordered = True
    removing_rules = frozenset(
        {
            rules.CSV_PREAMBLE,
            rules.CSV_FOOTER,
            rules.CSV_SUMMARY_ROW,
            rules.CSV_REPEATED_HEADER,
            rules.CSV_SECTION_TITLE,
            rules.CSV_SEP_LINE,
            rules.CSV_EMPTY_ROW,
            rules.CSV_TRAILING_DELIMITER,
        }
    )
    truncating_rules: frozenset[str] = frozenset()
    inserting_rules: frozenset[str] = frozenset()
    closers: tuple[str, ...] = ()

    def tokens(self, text: str, options: Options) -> list[Token]:
        start, sep_delimiter = _sep_line(text)
        delimiter = options.delimiter or sep_delimiter
        dialect = detect_dialect(text, delimiter) or Dialect(delimiter or ",")
        tokens: list[Token] = []
        header = not options.header  # (True: the header is behind, or there is none)
        for row in scan_rows(text, dialect, start):
            if not any(field.value for field in row.fields):
                tokens.extend(
                    Token(Role.VALUE, "", field.start, field.end, ("",), optional=True)
                    for field in row.fields
                )
                continue
            names = [field.value for field in row.fields]
            if not header:
                names = unique_names(names)
            for column, field in enumerate(row.fields):
                readings: tuple[Any, ...] = (names[column],)
                if header and options.infer_types:
                    typed = infer_cell(field.value)
                    if typed is not field.value:
                        readings = (typed,)
                role = Role.VALUE if header else Role.KEY
                tokens.append(
                    Token(
                        role,
                        field.value,
                        field.start,
                        field.end,
                        readings,
                        column=column,
                        reusable=not header,
                        # a quote opened and never closed, the file ending in it: cut off
                        cut=field.issue == "stray-open" and field.end == len(text),
                    )
                )
            header = True
        return tokens

    def items(self, data: Any, tokens: Sequence[Token]) -> list[Item]:
        """Per record, each column's name (a key) then its cell, in the header's order."""
        order = {token.readings[0]: token.column for token in tokens if token.role is Role.KEY}
        items: list[Item] = []
        records = data if isinstance(data, list) else [data]
        for number, record in enumerate(records):
            if isinstance(record, list):
                items.extend(
                    Item(Role.VALUE, value, (number, column)) for column, value in enumerate(record)
                )
                continue
            pairs = _flat(record) if isinstance(record, dict) else [("", record)]
            pairs.sort(key=lambda pair: order.get(pair[0]) or 0)
            for name, value in pairs:
                items.append(Item(Role.KEY, name, (number, name)))
                items.append(Item(Role.VALUE, value, (number, name), owner=len(items) - 1))
        return items


def _flat(record: dict[Any, Any], prefix: str = "") -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            pairs.extend(_flat(value, name + "."))
        else:
            pairs.append((name, value))
    return pairs


LEXICON = CsvLexicon()
