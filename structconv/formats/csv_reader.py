"""Reading CSV: records in batches under the header (`iter_batches`), the header's
layout (dotted names nest, repeated names are renamed), and the errors with the line and
column of what is wrong."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice, repeat, starmap
from operator import itemgetter
from typing import Any

from structconv import frozen
from structconv.errors import ParseError
from structconv.formats.csv_dialect import (
    BATCH_ROWS,
    LineSource,
    check_delimiter,
    check_nul,
    ensure_field_limit,
    parse_error,
    sniff_delimiter,
)
from structconv.formats.csv_tables import (
    LOOKAHEAD_ROWS,
    MIN_TABLE_RECORDS,
    Table,
    is_title_row,
    repeated_header_error,
    repeats_header,
    several_tables_error,
    split_tables,
    table_starts,
)
from structconv.formats.csv_types import infer_column
from structconv.notes import note
from structconv.options import Options


def _raw_lines(source: LineSource, first: int, last: int) -> list[str]:
    lines = source()
    try:
        return list(islice(lines, first - 1, last))
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()


def _field_start(lines: list[str], delimiter: str, index: int) -> tuple[int, int]:
    """(line offset, 1-based column) where field `index` of the record in `lines` starts;
    the end of the record when it has fewer fields. Quote-aware, for error messages."""
    quoted = False
    count = 0
    for line_offset, line in enumerate(lines):
        for column, char in enumerate(line):
            if char == '"':
                quoted = not quoted
            elif char == delimiter and not quoted:
                count += 1
                if count == index:
                    return line_offset, column + 2
    last = lines[-1].rstrip("\r\n") if lines else ""
    return max(len(lines) - 1, 0), len(last) + 1


def _field_error(
    source: LineSource,
    first: int,
    last: int,
    delimiter: str,
    index: int,
    message: str,
    hint: str,
) -> ParseError:
    lines = _raw_lines(source, first, last)
    offset, column = _field_start(lines, delimiter, index)
    snippet = lines[offset] if lines else ""
    return parse_error(message, first + offset, column, snippet, hint)


class Layout:
    """How a header's columns map to a record: flat, or nested along dotted names."""

    def __init__(self, names: Sequence[str], unflatten: bool) -> None:
        self.names = list(names)
        self.paths: list[list[str]] | None = None
        self.record_of: Callable[..., dict[str, Any]] | None = None  # flat: made on first use
        if unflatten and any("." in name for name in self.names):
            self.paths = [name.split(".") for name in self.names]

    def conflict(self) -> tuple[int, str] | None:
        """(index, prefix) of the first column nested under another column's value (its
        shortest such prefix), if any.

        The names go into a tree of their parts, each name marked where it ends; a name
        that passes a mark on its way down nests under that column. Linear in the length
        of the header: testing each dotted prefix of each name against the set of names
        built every prefix, quadratic in a name's parts (a 100 KB `a.a.a...` took 13 s).
        """
        if self.paths is None:
            return None
        ends = object()  # the key that marks a name's end in the tree
        tree: dict[Any, Any] = {}
        for parts in self.paths:
            node = tree
            for part in parts:
                node = node.setdefault(part, {})
            node[ends] = True
        for index, parts in enumerate(self.paths):
            node = tree
            for cut, part in enumerate(parts[:-1], start=1):
                node = node[part]
                if ends in node:
                    return index, ".".join(parts[:cut])
        return None

    def build(self, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
        """The records of `rows`, each as wide as the header."""
        if self.paths is None:
            if len(self.names) > _MAKER_COLUMNS:  # compiling the maker would cost more
                return list(map(dict, map(zip, repeat(self.names), rows)))
            if self.record_of is None:
                self.record_of = _record_maker(self.names)
            return list(starmap(self.record_of, rows))
        paths = self.paths
        records: list[dict[str, Any]] = []
        for values in rows:
            record: dict[str, Any] = {}
            for parts, value in zip(paths, values, strict=True):
                target = record
                for part in parts[:-1]:
                    target = target.setdefault(part, {})
                target[parts[-1]] = value
            records.append(record)
        return records


# Up to this many columns a header gets a record maker (compiled in ~5 ms).
_MAKER_COLUMNS = 1024


def _record_maker(names: Sequence[str]) -> Callable[..., dict[str, Any]]:
    """A function of a row's cells that returns its record, as `lambda _0, _1: {"a": _0,
    "b": _1}` does: a dict display of constant keys is built in one step, about 1.5x as
    fast as dict(zip(names, row)), which was a fifth of the time of reading a CSV file.
    Each name is written as its str.__repr__(), which reads back as that very string. Too
    few or too many cells raise TypeError."""
    if not names:
        return dict
    cells = [f"_{index}" for index in range(len(names))]
    spelled = map(str.__repr__, names)  # (never a subclass's own __repr__)
    entries = ", ".join(f"{name}: {cell}" for name, cell in zip(spelled, cells, strict=True))
    maker: Callable[..., dict[str, Any]] = eval(f"lambda {', '.join(cells)}: {{{entries}}}")
    return maker


def unique_names(names: Sequence[str]) -> list[str]:
    """The header's names with every repeat renamed: the second `name` becomes `name_2`,
    the third `name_3`, each skipping to the next free number when the header already
    holds that name (`a,a,a_2` reads as a, a_3, a_2). The first of each name is kept."""
    if len(set(names)) == len(names):
        return list(names)
    taken = set(names)
    counts: dict[str, int] = {}
    renamed: list[str] = []
    for name in names:
        count = counts[name] = counts.get(name, 0) + 1
        if count == 1:
            renamed.append(name)
            continue
        while f"{name}_{count}" in taken:
            count += 1
        taken.add(f"{name}_{count}")
        renamed.append(f"{name}_{count}")
    return renamed


_SHOWN_RENAMES = 6


def _renamed_note(header: Sequence[str], names: Sequence[str]) -> None:
    changed = [
        f"column {index} {old!r} -> {new!r}"
        for index, (old, new) in enumerate(zip(header, names, strict=True), start=1)
        if old != new
    ]
    more = f" and {len(changed) - _SHOWN_RENAMES} more" if len(changed) > _SHOWN_RENAMES else ""
    note(
        "csv-duplicate-columns",
        "the header repeats column names, so the repeats are renamed: "
        f"{', '.join(changed[:_SHOWN_RENAMES])}{more} (--repair off refuses such a file)",
    )


def _header_layout(
    header: list[str], line: int, end: int, source: LineSource, delimiter: str, options: Options
) -> Layout:
    names = unique_names(header)
    if names != header:
        if options.repair == "off":
            index = next(i for i, name in enumerate(header) if header.index(name) != i)
            raise _field_error(
                source,
                line,
                end,
                delimiter,
                index,
                f"duplicate column name {header[index]!r}",
                "rename one of the columns: records cannot hold two values under one key "
                "(with repair on, the default, repeats are read as name_2, name_3, ...)",
            )
        _renamed_note(header, names)
        header = names
    layout = Layout(header, options.unflatten)
    if layout.paths is not None:
        # Before any row is built: each row would nest that deep, and the list holding
        # the records is one level more.
        levels = [len(parts) + 1 for parts in layout.paths]
        deepest = max(levels)
        if deepest > options.max_depth:
            lines = _raw_lines(source, line, end)
            offset, column = _field_start(lines, delimiter, levels.index(deepest))
            raise ParseError(
                f"a dotted column name nests the data {deepest:,} levels deep, "
                f"deeper than the limit of {options.max_depth}",
                format="csv",
                line=line + offset,
                column=column,
                snippet=lines[offset][:200].rstrip("\r\n") if lines else "",
                hint="pass --no-unflatten (unflatten=False) to keep dotted column names flat, "
                "or raise --max-depth (API: max_depth=) if the file is trusted",
                repairable=False,
            )
    clash = layout.conflict()
    if clash is not None:
        index, prefix = clash
        raise _field_error(
            source,
            line,
            end,
            delimiter,
            index,
            f"column {header[index]!r} nests under column {prefix!r}, which holds a value",
            "pass --no-unflatten (unflatten=False) to keep dotted column names flat",
        )
    return layout


def _row_lines(source: LineSource, delimiter: str, target: int) -> tuple[int, int, list[str]]:
    """(first line, last line, fields) of row number `target` (0 = the first row, blank
    rows counted), found by reading again: batches do not track lines, errors do."""
    reader = csv.reader(source(), delimiter=delimiter, strict=False)
    end = 0
    for index, row in enumerate(reader):
        if index == target:
            return end + 1, reader.line_num, row
        end = reader.line_num
    return end + 1, end + 1, []


class _Body:
    """What the body checks need to know about the rows already read."""

    def __init__(self, after_blank: bool) -> None:
        self.records = 0
        self.after_blank = after_blank


def iter_batches(
    lines: Iterator[str],
    options: Options,
    delimiter: str,
    source: LineSource,
    batch_rows: int = BATCH_ROWS,
    header: list[str] | None = None,
) -> Iterator[list[Any]]:
    """Records in batches, so that a caller holds one batch at a time.

    Rows are taken a batch at a time (islice) and their widths checked at once, so no
    Python code runs per row; line numbers are recovered from `source`, which re-opens
    the lines, only when a row is wrong. With `header` (the header row of the file, read
    and checked elsewhere), `lines` hold data rows only: a later part of the file, whose
    first row is checked as if a blank line were above it (the part before may end in
    one; a part that fails is read again with the whole file). With options.header
    False, every row is data, read as a list, and the first row sets the width.

    Besides the widths, a batch is checked for the header repeated as a record (all
    rows at once, in C) and, only where it holds a blank line, a title line or a row of
    another width, for a second table.
    """
    ensure_field_limit(options)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    consumed = 0  # rows taken from the reader, blank rows included
    named = options.header
    body = _Body(after_blank=header is not None)
    if header is not None:
        body.records = MIN_TABLE_RECORDS  # (unknown: the part before holds the records)
    try:
        if header is None:
            for row in reader:
                consumed += 1
                if row:
                    header = row
                    break
            if header is None:
                return
            if named:
                first, last, _ = _row_lines(source, delimiter, consumed - 1)
                layout: Layout | None = _header_layout(
                    header, first, last, source, delimiter, options
                )
            else:
                layout = None
                body.records = 1
                yield _records([header], None, options)
        else:
            layout = Layout(unique_names(header), options.unflatten) if named else None
        width = len(header)
        while True:
            rows = list(islice(reader, batch_rows))
            if not rows:
                break
            # The columns of rows as wide as the header (so none blank): the checks look
            # at them first, and type inference reads them.
            columns = list(zip(*rows, strict=True)) if set(map(len, rows)) == {width} else None
            if columns is None or (named and _header_or_title_in(rows, columns, header)):
                rows += islice(reader, LOOKAHEAD_ROWS + 1)  # the rows a check looks at
                _check_body(rows, header, body, consumed, source, delimiter, named)
                columns = None  # the rows changed
            consumed += len(rows)
            body.after_blank = not any(rows[-1])
            if not all(rows):  # (in C; the rows looked ahead at may hold blank ones too)
                rows = [row for row in rows if row]
            body.records += len(rows)
            if rows:
                batch = _records(rows, layout, options, columns)
                del rows, columns  # freed before the caller (csv_records) lets the collector run
                yield batch
    except csv.Error as error:
        message = str(error)
        hint = "close the quote, or double a quote inside a quoted field"
        if "field limit" in message:
            hint = "raise --max-bytes (API: max_bytes=) if the file is trusted"
        line = reader.line_num
        if header is not None:
            # The batch that failed was never checked: a problem above the bad quote
            # (a second table, whose dialect may differ) is the one to report.
            rows, checked = _rows_to(source, delimiter, consumed, line)
            _check_body(rows, header, body, consumed, source, delimiter, named, checked)
        snippet = "".join(_raw_lines(source, line, line))
        raise parse_error(message, line, 0, snippet, hint) from None


def _rows_to(
    source: LineSource, delimiter: str, skip: int, line: int
) -> tuple[list[list[str]], int]:
    """The rows from number `skip` on, read leniently up to a few past `line`, and how
    many of them end before `line` (the rest are there to look ahead)."""
    reader = csv.reader(source(), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    before = 0
    try:
        for index, row in enumerate(reader):
            if index < skip:
                continue
            if reader.line_num < line:
                before += 1
            elif len(rows) >= before + LOOKAHEAD_ROWS + 1:
                break
            rows.append(row)
    except csv.Error:
        pass
    return rows, before


def _header_or_title_in(
    rows: list[list[str]], columns: list[tuple[str, ...]], header: list[str]
) -> bool:
    """Whether a row of the batch (`columns` are its columns) repeats the header or holds
    one cell and empty ones after it (a title line): tests in C, over the columns first."""
    if header[0] in columns[0] and header in rows:
        return True
    width = len(header)
    if width < 2 or "" not in columns[1] or "" not in columns[width - 1]:
        return False
    return [""] * (width - 1) in map(itemgetter(slice(1, None)), rows)


def _check_body(
    rows: list[list[str]],
    header: list[str],
    body: _Body,
    consumed: int,
    source: LineSource,
    delimiter: str,
    named: bool,
    checked: int | None = None,
) -> None:
    """Raises for the first row of `rows` (of the first `checked`; the others are there
    to look ahead) that is no record under `header`: one of another width, a repeat of
    the header, or the start of a second table (after a blank line or a title line, or
    where the width changes)."""
    width = len(header)
    after_blank = body.after_blank
    records = body.records
    for index, row in enumerate(rows[:checked]):
        if not row:
            after_blank = True
            continue
        starts = named and any(row) and (after_blank or len(row) != width or is_title_row(row))
        if starts and table_starts(header, records, after_blank, _nonblank(rows, index)):
            first, _, _ = _row_lines(source, delimiter, consumed + index)
            raise several_tables_error(first, "".join(_raw_lines(source, first, first)))
        if named and repeats_header(header, row):
            first, _, _ = _row_lines(source, delimiter, consumed + index)
            raise repeated_header_error(first, "".join(_raw_lines(source, first, first)))
        if len(row) != width:
            first, last, row = _row_lines(source, delimiter, consumed + index)
            of = "the header has" if named else "the first row has"
            raise _field_error(
                source,
                first,
                last,
                delimiter,
                min(len(row), width),
                f"this row has {len(row)} fields, {of} {width}",
                "quote fields that contain the delimiter, or fix the row",
            )
        after_blank = not any(row)  # a row of empty cells parts tables as a blank line does
        records += 1


def _nonblank(rows: list[list[str]], index: int) -> list[list[str]]:
    return [row for row in rows[index : index + 2 * LOOKAHEAD_ROWS + 2] if any(row)]


def read_header(lines: Iterator[str], delimiter: str, options: Options) -> list[str] | None:
    """The header row (the first row that is not blank) of `lines`, taking from `lines`
    only the lines up to its end; None when there is none. Raises csv.Error."""
    ensure_field_limit(options)
    for row in csv.reader(lines, delimiter=delimiter, strict=True):
        if row:
            return row
    return None


def _records(
    rows: list[list[str]],
    layout: Layout | None,
    options: Options,
    columns: list[tuple[str, ...]] | None = None,
) -> list[Any]:
    """The rows as records under `layout`, or as lists without one (no header); `columns`
    are the rows' columns, when the caller has them."""
    build: Callable[[Iterable[Sequence[Any]]], list[Any]] = (
        layout.build if layout is not None else lambda typed: list(map(list, typed))
    )
    if not options.infer_types:
        return rows if layout is None else layout.build(rows)
    if columns is None:
        columns = list(zip(*rows, strict=True))
    typed = [infer_column(cells) for cells in columns]
    if all(new is old for new, old in zip(typed, columns, strict=True)):
        return rows if layout is None else layout.build(rows)
    return build(zip(*typed, strict=True))


def loads(text: str, options: Options) -> list[Any]:
    text = text.removeprefix("\ufeff")
    check_nul(text)
    delimiter = check_delimiter(options.delimiter) if options.delimiter else sniff_delimiter(text)
    if options.table is not None:
        return _read_tables(text, delimiter, options)
    return _read_table(text, delimiter, options)


def _read_table(text: str, delimiter: str, options: Options) -> list[Any]:
    def source() -> Iterator[str]:
        return io.StringIO(text, newline="")

    records: list[Any] = []
    for batch in iter_batches(source(), options, delimiter, source):
        records.extend(batch)
    return records


def _read_tables(text: str, delimiter: str, options: Options) -> list[Any]:
    """--table N: the records of table N; --table all: a list of every table's records."""
    tables = split_tables(text, delimiter, options)
    lines = io.StringIO(text, newline="").readlines()
    one = frozen.replace(options, table=None)

    def records(table: Table) -> list[Any]:
        # Blank lines above keep the line numbers of errors the file's own.
        segment = "\n" * (table.first - 1) + "".join(lines[table.first - 1 : table.last])
        return _read_table(segment, delimiter, one)

    def titles(chosen: Sequence[Table]) -> None:
        titled = [f"{table.title[0]!r} (line {table.title[1]})" for table in chosen if table.title]
        if titled:
            note(
                "csv-table-titles",
                f"the title line(s) above the tables are not part of their data: "
                f"{', '.join(titled)}",
            )

    if options.table == "all":
        titles(tables)
        if len(tables) > 1:
            starts = ", ".join(str(table.first) for table in tables)
            note("csv-tables", f"read {len(tables)} tables, whose headers are on lines {starts}")
        return [records(table) for table in tables]
    number = int(options.table)  # type: ignore[arg-type]  # validated by Options
    if number > len(tables):
        raise ParseError(
            f"--table {number} asks for table {number}, and the file holds "
            f"{len(tables)} table{'s' if len(tables) != 1 else ''}",
            format="csv",
            line=1,
            hint=f"pass a table number from 1 to {len(tables)}, or --table all",
            repairable=False,
        )
    chosen = tables[number - 1]
    titles([chosen])
    if len(tables) > 1:
        note(
            "csv-tables",
            f"read table {number} of {len(tables)} (lines {chosen.first}-{chosen.last}; "
            f"the tables' headers are on lines {', '.join(str(t.first) for t in tables)})",
        )
    return records(chosen)


def reread(text: str, options: Options) -> list[dict[str, Any]]:
    """What a later read gives back, as text: loads without type inference (CSV holds text)."""
    return loads(text, untyped(options))


def untyped(options: Options) -> Options:
    if not options.infer_types:
        return options
    return frozen.replace(options, infer_types=False)


# --- writing --------------------------------------------------------------------------
