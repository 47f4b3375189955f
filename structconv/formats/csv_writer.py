"""Writing CSV: records flattened to dotted columns, the header as the union of their
columns, cells as text, formulas a spreadsheet may run noted or escaped."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from structconv import frozen
from structconv.errors import RoundTripError, UnrepresentableError
from structconv.formats.csv_dialect import (
    LINE_TERMINATOR,
    SAMPLE_CHARS,
    check_delimiter,
    sniff_delimiter,
)
from structconv.formats.csv_reader import Layout, loads, untyped
from structconv.formats.json import string_key
from structconv.neutral import Data, PathPart, first_difference, format_path
from structconv.notes import note
from structconv.options import Options
from structconv.patterns import lazy_compile

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection",
# OWASP): `=HYPERLINK(...)`, `@SUM(...)`, `-2+3+cmd|' /C calc'!A0`. A number (-5, +3.5)
# it reads as a number, so those are left alone.
FORMULA_START = frozenset("=+-@\t\r")
_UNSIGNED = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_PLAIN_NUMBER = lazy_compile(rf"[-+]?{_UNSIGNED}")
# `is_formula` over the cells of rows joined by NUL, each after one, in C: the first cell
# that starts with one of FORMULA_START and is not a plain number. The NUL is its literal
# first character, so the search goes from cell start to cell start.
_FORMULA_CELL = lazy_compile(rf"\x00(?:[=@\t\r]|[-+](?!{_UNSIGNED}(?:\x00|\Z)))")
_ESCAPE_HINT = "--escape-formulas (API: escape_formulas=True)"


def is_formula(text: str) -> bool:
    """Whether a spreadsheet may run the cell `text` as a formula."""
    return text[:1] in FORMULA_START and _PLAIN_NUMBER.fullmatch(text) is None


def _escaped(path: tuple[PathPart, ...], text: str) -> str:
    """`text` with a leading ', which spreadsheets show as text; noted once a file."""
    note(
        "csv-formulas-escaped",
        f"{format_path(path)}: text that a spreadsheet may run as a formula is written with "
        f"a leading ', as {_ESCAPE_HINT} asks, and so is any other such cell; it reads "
        "back with the '",
    )
    return "'" + text


class FormulaCheck:
    """Notes the first cell of a written CSV that a spreadsheet may run as a formula.

    The cells are joined by NUL (which no cell holds), each after one, and one regular
    expression finds the first that starts with such a character and is not a plain
    number (-5, +3.5), in C. Nothing to do when escape_formulas is on.

    (It looked at the CSV text first, for the places where a cell may start so; a line
    break in a quoted cell or after an empty last cell looked like one, so on the
    benchmark's records it always went on to the cells, and took 0.5 s of 3.)
    """

    def __init__(self, options: Options) -> None:
        self.done = options.escape_formulas
        self.unflatten = options.unflatten

    def check(self, columns: Sequence[str], rows: Sequence[Sequence[str]], first_row: int) -> None:
        """The records `rows` (from number `first_row` on) under `columns`, or the header
        `columns` when `rows` is empty."""
        if self.done:
            return
        if not rows:
            name = next((name for name in columns if is_formula(name)), None)
            if name is not None:
                self._found(f"the column name {name!r}", name)
            return
        width = len(columns)
        # no cell holds NUL (cell_text); the "" puts one before the first cell
        cells = "\x00".join(chain(("",), chain.from_iterable(rows)))
        if cells.count("\x00") == len(rows) * width:
            first = _FORMULA_CELL.search(cells)
            if first is not None:
                number, column = divmod(cells.count("\x00", 0, first.start()), width)
                self._cell(first_row + number, columns[column], rows[number][column])
            return
        for number, row in enumerate(rows, start=first_row):
            for name, cell in zip(columns, row, strict=True):
                if is_formula(cell):
                    self._cell(number, name, cell)
                    return

    def _cell(self, number: int, column: str, cell: str) -> None:
        parts = column.split(".") if self.unflatten else [column]
        self._found(format_path((number, *parts)), cell)

    def _found(self, where: str, text: str) -> None:
        self.done = True
        note(
            "csv-formulas",
            f"{where} starts with {text[0]!r}: a spreadsheet that opens this CSV may run "
            f"it (and any other such cell) as a formula; {_ESCAPE_HINT} writes them with a "
            "leading '",
        )


def cell_text(path: tuple[PathPart, ...], value: Any, options: Options) -> str | None:
    """The cell for a scalar: None means "no cell" (a null under a dropping policy)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise UnrepresentableError(
                format_path(path),
                "csv",
                "the text holds a NUL character",
                "remove it: CSV readers treat NUL as binary data",
            )
        if options.escape_formulas and is_formula(value):
            return _escaped(path, value)
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if value is None:
        if options.null == "error":
            raise UnrepresentableError(
                format_path(path),
                "csv",
                "CSV has no null",
                "pass --null empty or --null drop to write an empty cell",
            )
        return None
    raise UnrepresentableError(format_path(path), "csv", f"a {type(value).__name__} value")


def flatten_record(
    record: Any, base: tuple[PathPart, ...], options: Options, key: Any
) -> dict[str, str | None]:
    """One record as {dotted column: cell text}; refuses what CSV cannot hold, naming it.
    `key` is string_key's callback (a str key is its own name)."""
    if type(record) is dict and not options.escape_formulas:
        plain = _plain_flat(record, options)
        if plain is not None:
            return plain
    return _checked_flat(record, base, options, key)


def _checked_flat(
    record: Any, base: tuple[PathPart, ...], options: Options, key: Any
) -> dict[str, str | None]:
    """`flatten_record` for any record: every key and value checked on its path."""
    if not isinstance(record, dict):
        raise UnrepresentableError(
            format_path(base),
            "csv",
            f"a CSV row is a record (a mapping), this is a {type(record).__name__}",
            'wrap each value in a record such as {"value": ...} (a list of lists is written '
            "as rows without a header), or convert to json or jsonl",
        )
    if not record:
        raise UnrepresentableError(
            format_path(base),
            "csv",
            "an empty record has no CSV row",
            "give the record at least one field",
        )
    flat: dict[str, str | None] = {}
    # A stack of open mappings, each with its iterator, so keys keep their order.
    stack: list[tuple[str, tuple[PathPart, ...], Iterator[tuple[Any, Any]]]] = [
        ("", base, iter(record.items()))
    ]
    while stack:
        prefix, path, items = stack[-1]
        for name, value in items:
            child_path = (*path, name)
            text_name: str = key(child_path, name)
            if options.unflatten and "." in text_name:
                raise UnrepresentableError(
                    format_path(child_path),
                    "csv",
                    f"the key {text_name!r} holds '.', which separates nested column names",
                    "pass --no-unflatten (unflatten=False) to keep dotted names flat, "
                    "or rename the key",
                )
            if "\x00" in text_name:
                raise UnrepresentableError(
                    format_path(child_path),
                    "csv",
                    "the key holds a NUL character",
                    "rename it: CSV readers treat NUL as binary data",
                )
            if not prefix and options.escape_formulas and is_formula(text_name):
                text_name = _escaped(child_path, text_name)
            column = prefix + text_name
            if isinstance(value, dict):
                if not value:
                    raise UnrepresentableError(
                        format_path(child_path),
                        "csv",
                        "an empty mapping has no CSV column",
                        "remove it, or give it a field",
                    )
                stack.append((column + ".", child_path, iter(value.items())))
                break
            if isinstance(value, list):
                raise UnrepresentableError(
                    format_path(child_path),
                    "csv",
                    "a list inside a record has no CSV column",
                    "join its items into one string first, or convert to json, jsonl or yaml",
                )
            if column in flat:
                raise UnrepresentableError(
                    format_path(child_path),
                    "csv",
                    f"two values would share the column {column!r}",
                    "rename one of the keys",
                )
            flat[column] = cell_text(child_path, value, options)
        else:
            stack.pop()
    return flat


def _plain_flat(record: dict[Any, Any], options: Options) -> dict[str, str | None] | None:
    """`flatten_record`'s result for a record of the common kinds alone (str keys; str, int,
    float, bool and, where the null policy allows it, None values; non-empty nested
    records), without the paths that only errors and notes need: the hot path of writing
    CSV. None for anything else (and on any doubt), which the general code then writes or
    refuses, naming the path."""
    flat: dict[str, str | None] = {}
    dotted = options.unflatten
    nulls = options.null != "error"

    def walk(node: dict[Any, Any], prefix: str) -> bool:
        for name, value in node.items():
            if type(name) is not str or "\x00" in name or (dotted and "." in name):
                return False
            column = prefix + name
            kind = type(value)
            cell: str | None
            if kind is str:
                if "\x00" in value:
                    return False
                cell = value
            elif kind is dict:
                if not value or not walk(value, column + "."):
                    return False
                continue
            elif kind is int:
                cell = str(value)
            elif kind is float:
                cell = repr(value)
            elif kind is bool:
                cell = "true" if value else "false"
            elif value is None and nulls:
                cell = None
            else:
                return False
            if column in flat:
                return False
            flat[column] = cell
        return True

    try:
        return flat if record and walk(record, "") else None
    except (RecursionError, ValueError):
        return None  # deep nesting, an integer past str()'s digits: the general code says


class ColumnPlan:
    """The header, collected record by record: the union of columns in first-seen order.

    The streaming writer feeds it in a first pass; `represent` in one go. Both then
    call `columns()`, so both write the same header.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.first_seen: dict[str, tuple[PathPart, ...]] = {}

    def add(self, flat: dict[str, str | None], base: tuple[PathPart, ...]) -> None:
        if self.first_seen.keys() >= flat.keys():
            return  # (in C) the columns of most records are known already
        for column in flat:
            if column not in self.first_seen:
                self.first_seen[column] = base

    def columns(self) -> list[str]:
        names = list(self.first_seen)
        if not names:
            return names
        if not self.options.unflatten:
            return names
        layout = Layout(names, unflatten=True)
        clash = layout.conflict()
        if clash is not None:
            index, prefix = clash
            where = self.first_seen[names[index]]
            raise UnrepresentableError(
                format_path((*where, *names[index].split("."))),
                "csv",
                f"the column {names[index]!r} nests under {prefix!r}, which other records "
                "hold as a value; CSV would read them back as one nested record",
                "pass --no-unflatten (unflatten=False) to keep dotted names flat",
            )
        # Group columns under the same parent, in first-seen order: the order that
        # reading back and writing again gives.
        tree: dict[str, Any] = {}
        for name in names:
            target = tree
            parts = name.split(".")
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = name
        ordered: list[str] = []
        stack: list[Any] = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                ordered.append(node)
            else:
                stack.extend(reversed(node.values()))
        return ordered


def fill_row(
    flat: dict[str, str | None], columns: list[str], base: tuple[PathPart, ...], options: Options
) -> list[str]:
    """The cells of one record under `columns`; a missing value is an error unless the
    null policy allows an empty cell (it reads back as "", not as a missing key)."""
    row = list(map(flat.get, columns))
    if len(flat) == len(columns) and None not in row:
        return row  # type: ignore[return-value]
    if options.null == "error":
        missing = next(column for column in columns if column not in flat)
        raise UnrepresentableError(
            format_path((*base, *missing.split(".")))
            if options.unflatten
            else format_path((*base, missing)),
            "csv",
            f"this record has no {missing!r}, which other records have; "
            "an empty cell would read back as an empty string",
            "pass --null empty or --null drop to write missing values as empty cells",
        )
    return ["" if cell is None else cell for cell in row]


def _records_and_bases(data: Data) -> list[tuple[Any, tuple[PathPart, ...]]]:
    if isinstance(data, dict):
        note(
            "csv-single-record",
            "one record written as a one-row table: it reads back as a list of one record",
        )
        return [(data, ())]
    if isinstance(data, list):
        return [(record, (index,)) for index, record in enumerate(data)]
    raise UnrepresentableError(
        "$",
        "csv",
        f"CSV holds a list of records, this is a {type(data).__name__}",
        "convert to json or yaml instead, or wrap the value in a record",
    )


def is_rows(data: Any) -> bool:
    """A list of lists: rows without a header (what header=False reads)."""
    return isinstance(data, list) and bool(data) and all(type(row) is list for row in data)


def _represent_rows(data: list[list[Any]], options: Options) -> list[list[str]]:
    """Rows as CSV gives them back without a header: cells as text, of one width."""
    width = len(data[0])
    rows: list[list[str]] = []
    for number, row in enumerate(data):
        if not row:
            raise UnrepresentableError(
                format_path((number,)),
                "csv",
                "an empty row has no CSV line (a blank line is no row)",
                "give the row at least one cell, or remove it",
            )
        if len(row) != width:
            raise UnrepresentableError(
                format_path((number,)),
                "csv",
                f"this row has {len(row)} cells, the first row {width}: CSV rows have one width",
                "give every row the same number of cells",
            )
        cells: list[str] = []
        for column, value in enumerate(row):
            if isinstance(value, dict | list):
                raise UnrepresentableError(
                    format_path((number, column)),
                    "csv",
                    f"a {type(value).__name__} inside a row has no CSV cell",
                    "join it into one string first, or convert to json, jsonl or yaml",
                )
            text = cell_text((number, column), value, options)
            cells.append("" if text is None else text)
        rows.append(cells)
    return rows


def represent(data: Data, options: Options) -> list[Any]:
    """The records as CSV gives them back: every cell as text, missing cells as "" when
    the null policy allows them, nested again along dotted names when unflatten is on.
    A list of lists is rows without a header (`_represent_rows`)."""
    if is_rows(data):
        return _represent_rows(data, options)
    key = string_key("csv", options)
    plan = ColumnPlan(options)
    flats: list[tuple[dict[str, str | None], tuple[PathPart, ...]]] = []
    for record, base in _records_and_bases(data):
        flat = flatten_record(record, base, options, key)
        plan.add(flat, base)
        flats.append((flat, base))
    columns = plan.columns()
    layout = Layout(columns, options.unflatten)
    return layout.build(fill_row(flat, columns, base, options) for flat, base in flats)


def _flat_strings(record: dict[str, Any]) -> dict[str, str]:
    """The inverse of Layout.build, keeping key order (nested keys where they stand)."""
    flat: dict[str, str] = {}
    stack: list[tuple[str, Iterator[tuple[str, Any]]]] = [("", iter(record.items()))]
    while stack:
        prefix, items = stack[-1]
        for name, value in items:
            if isinstance(value, dict):
                stack.append((prefix + name + ".", iter(value.items())))
                break
            flat[prefix + name] = value
        else:
            stack.pop()
    return flat


def writer(stream: Any, delimiter: str, quote_all: bool = False) -> Any:
    return csv.writer(
        stream,
        delimiter=delimiter,
        lineterminator=LINE_TERMINATOR,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        strict=True,
    )


def render(header: list[str], rows: Iterable[list[str]], delimiter: str, quote_all: bool) -> str:
    buffer = io.StringIO(newline="")
    out = writer(buffer, delimiter, quote_all)
    out.writerow(header)
    out.writerows(rows)
    return buffer.getvalue()


def needs_quote_all(written_start: str, delimiter: str, options: Options) -> bool:
    """Whether minimal quoting would mislead a later read: its delimiter sniffer (e.g. a
    single column whose text holds ';'), or its byte order mark check (a first column name
    starting with U+FEFF would lose it); then every field is quoted, which settles both."""
    if written_start.startswith("\ufeff"):
        return True
    return options.delimiter is None and sniff_delimiter(written_start) != delimiter


def _render_rows(rows: list[list[str]], delimiter: str, quote_all: bool) -> str:
    buffer = io.StringIO(newline="")
    writer(buffer, delimiter, quote_all).writerows(rows)
    return buffer.getvalue()


def _dumps_rows(rows: list[list[str]], options: Options) -> str:
    delimiter = check_delimiter(options.delimiter or ",")
    text = _render_rows(rows, delimiter, quote_all=False)
    if needs_quote_all(text[:SAMPLE_CHARS], delimiter, options):
        text = _render_rows(rows, delimiter, quote_all=True)
    if not options.escape_formulas:
        found = next(
            (
                (number, column, cell)
                for number, row in enumerate(rows)
                for column, cell in enumerate(row)
                if is_formula(cell)
            ),
            None,
        )
        if found is not None:
            FormulaCheck(options)._found(format_path(found[:2]), found[2])
    return text


def fast_write(data: Any, options: Options) -> str | None:
    """Rows without a header (a list of lists of text, as `represent` makes them),
    written and, with options.verify, read back as rows and compared; None for anything
    else (records take the general path, whose reread reads a header)."""
    if not is_rows(data):
        return None
    width = len(data[0])
    if not width or any(len(row) != width for row in data):
        return None  # `represent` says what is wrong
    if not all(type(cell) is str for row in data for cell in row):
        return None
    text = _dumps_rows(data, options)
    if options.verify:
        again = loads(text, frozen.replace(untyped(options), header=False, table=None))
        difference = first_difference(data, again)
        if difference is not None:
            raise RoundTripError("csv", *difference)
    return text


def dumps(data: list[Any], options: Options) -> str:
    if not data:
        return ""
    if is_rows(data):
        return _dumps_rows(data, options)
    delimiter = check_delimiter(options.delimiter or ",")
    flats = [_flat_strings(record) for record in data]
    columns: dict[str, None] = {}
    for flat in flats:
        columns.update(dict.fromkeys(flat))
    header = list(columns)
    rows = [[flat.get(column, "") for column in header] for flat in flats]
    text = render(header, rows, delimiter, quote_all=False)
    if needs_quote_all(text, delimiter, options):
        text = render(header, rows, delimiter, quote_all=True)
    formulas = FormulaCheck(options)
    formulas.check(header, [], 0)
    formulas.check(header, rows, 0)
    return text
