"""CSV: a list of records under a header row, read and written with the stdlib `csv` module.

Conventions (see the README, "CSV"):
- Reading gives a list of dicts keyed by the header. A row whose field count differs
  from the header's, an unclosed quote or a NUL character is a ParseError with line
  and column: nothing is padded, truncated or guessed. So is a body row that repeats
  the header, and the start of a second table (`table_starts`: refused, unless
  options.table picks one table, or all, see `split_tables`).
- A header name that repeats is renamed name_2, name_3 (`unique_names`), with a note;
  with repair="off" (strict) it is a ParseError.
- header=False reads every row as a list (no header; the first row sets the width).
- Blank lines are skipped; an empty file, or a header without rows, reads as [].
- The delimiter is sniffed among , ; TAB | when options.delimiter is None, by parsing
  a sample with each candidate and keeping the one whose rows agree with the header.
- Dotted column names ("a.b") become nested records unless unflatten=False; a header
  holding both "a" and "a.b" is a ParseError (pass unflatten=False to keep them flat).
- Types are inferred only from canonical spellings: a cell becomes an int, a finite
  float or a bool only when writing that value back gives exactly the same text.
- Writing: data is a list of records (a single record is written as one row), or a
  list of lists (rows, written without a header: `fast_write`); nested
  records become dotted columns; columns are the union of keys in first-seen order
  (grouped by parent); cells are text; lines end with CRLF (RFC 4180), fields are
  quoted only when needed. A missing column or None is an error unless null is
  "empty" or "drop" (both write an empty cell, which reads back as "").
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from structconv.errors import ParseError, RoundTripError, UnrepresentableError, UsageError
from structconv.formats import Codec
from structconv.formats.csv_types import infer_column
from structconv.formats.json import string_key
from structconv.neutral import Data, PathPart, first_difference, format_path
from structconv.notes import note
from structconv.options import Options
from structconv.patterns import lazy_compile

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
LINE_TERMINATOR = "\r\n"
# How much text sniffing looks at; the writer checks the same window of its output.
SAMPLE_CHARS = 1 << 16
BATCH_ROWS = 1024  # measured: larger batches stay out of the CPU cache

LineSource = Callable[[], Iterator[str]]


# --- delimiter sniffing ---------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; TAB | that splits the start of `text` most consistently.

    Each candidate parses a sample. Only a candidate that splits the header into more
    than one field can win over ","; among those, the larger share of rows with the
    header's field count wins (a quoting error counts as a row that does not match),
    then the wider header, then the earlier candidate. So a single-column file reads
    with ",", and a ragged or badly quoted file keeps its real delimiter and is then
    reported at the bad row instead of being read as one column.
    """
    truncated = len(text) > SAMPLE_CHARS
    sample = text[:SAMPLE_CHARS]
    best = DELIMITERS[0]
    best_score = (0.0, 1)
    for delimiter in DELIMITERS:
        counts: list[int] = []
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=True)
        failed = False
        try:
            counts.extend(len(row) for row in reader if row)
        except csv.Error:
            failed = not truncated
        if truncated and len(counts) > 1:
            counts.pop()  # the sample may end inside the last row
        if not counts or counts[0] < 2:
            continue
        width = counts[0]
        share = sum(1 for count in counts if count == width) / (len(counts) + failed)
        score = (share, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- reading --------------------------------------------------------------------------


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


def _error(
    message: str,
    line: int,
    column: int = 0,
    snippet: str = "",
    hint: str = "",
    repairable: bool = True,
) -> ParseError:
    return ParseError(
        message,
        format="csv",
        line=line,
        column=column,
        snippet=snippet[:200].rstrip("\r\n"),
        hint=hint or "fix the CSV at that position",
        repairable=repairable,
    )


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
    return _error(message, first + offset, column, snippet, hint)


class Layout:
    """How a header's columns map to a record: flat, or nested along dotted names."""

    def __init__(self, names: Sequence[str], unflatten: bool) -> None:
        self.names = list(names)
        self.paths: list[list[str]] | None = None
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
        names = self.names
        if self.paths is None:
            return list(map(dict, map(zip, repeat(names), rows)))
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


def _ensure_field_limit(options: Options) -> None:
    """The csv module's default field limit (128 KiB) would refuse a legitimately large
    cell; max_bytes already bounds the input, so it bounds a field too. (The limit is
    process-wide in the csv module; it is set on each read.)"""
    limit = min(options.max_bytes, 2**31 - 1)
    if csv.field_size_limit() != limit:
        csv.field_size_limit(limit)


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


# --- several tables in one file ---------------------------------------------------------

# A cell that reads as a number, an amount or a date ("1,250.50", "$74.69", "28/01/2018").
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


def _several_tables(line: int, snippet: str) -> ParseError:
    return _error(
        f"a second table starts on line {line}: the file holds several tables, each "
        "with its own header",
        line,
        1,
        snippet,
        "read one with --table N (API: table=N), or all of them, as a list of tables, "
        "with --table all",
        repairable=False,
    )


def _repeated_header(line: int, snippet: str) -> ParseError:
    return _error(
        f"line {line} repeats the header row: a record cannot be the column names",
        line,
        1,
        snippet,
        "remove the repeated header line (with repair on, the default, it is removed "
        "and reported), or read the tables apart with --table N",
    )


# --- reading, continued ---------------------------------------------------------------------


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
    _ensure_field_limit(options)
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
            widths = set(map(len, rows))
            if widths != {width} or (named and (header in rows or _title_row_in(rows, width))):
                rows += islice(reader, LOOKAHEAD_ROWS + 1)  # the rows a check looks at
                _check_body(rows, header, body, consumed, source, delimiter, named)
            consumed += len(rows)
            body.after_blank = not any(rows[-1])
            if not all(rows):  # (in C; the rows looked ahead at may hold blank ones too)
                rows = [row for row in rows if row]
            body.records += len(rows)
            if rows:
                yield _records(rows, layout, options)
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
        raise _error(message, line, 0, snippet, hint) from None


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


def _title_row_in(rows: list[list[str]], width: int) -> bool:
    """Whether a row of the batch holds one cell and empty ones after it (a title line):
    a test in C, over the second and the last column first."""
    if width < 2 or "" not in map(itemgetter(1), rows):
        return False
    if "" not in map(itemgetter(width - 1), rows):
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
            raise _several_tables(first, "".join(_raw_lines(source, first, first)))
        if named and repeats_header(header, row):
            first, _, _ = _row_lines(source, delimiter, consumed + index)
            raise _repeated_header(first, "".join(_raw_lines(source, first, first)))
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
    _ensure_field_limit(options)
    for row in csv.reader(lines, delimiter=delimiter, strict=True):
        if row:
            return row
    return None


def _records(rows: list[list[str]], layout: Layout | None, options: Options) -> list[Any]:
    """The rows as records under `layout`, or as lists without one (no header)."""
    build: Callable[[Iterable[Sequence[Any]]], list[Any]] = (
        layout.build if layout is not None else lambda typed: list(map(list, typed))
    )
    if not options.infer_types:
        return rows if layout is None else layout.build(rows)
    columns = list(zip(*rows, strict=True))
    typed = [infer_column(cells) for cells in columns]
    if all(new is old for new, old in zip(typed, columns, strict=True)):
        return rows if layout is None else layout.build(rows)
    return build(zip(*typed, strict=True))


def check_nul(text: str, first_line: int = 1) -> None:
    """NUL is no CSV character: it means a binary or UTF-16 file read as text."""
    offset = text.find("\x00")
    if offset < 0:
        return
    lines = io.StringIO(text[:offset], newline="").readlines()
    partial = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
    rest = text[offset - len(partial) :]
    snippet = io.StringIO(rest, newline="").readline().replace("\x00", "\\0")
    raise _error(
        "NUL character in the text",
        first_line + len(lines),
        len(partial) + 1,
        snippet,
        "the file may be binary, or UTF-16 without a byte order mark",
    )


def check_delimiter(delimiter: str) -> str:
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise UsageError(
            f"the CSV delimiter must be one character other than a quote or a line break, "
            f"not {delimiter!r}"
        )
    return delimiter


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
    _ensure_field_limit(options)
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
        raise _error(
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


def _read_tables(text: str, delimiter: str, options: Options) -> list[Any]:
    """--table N: the records of table N; --table all: a list of every table's records."""
    from dataclasses import replace

    tables = split_tables(text, delimiter, options)
    lines = io.StringIO(text, newline="").readlines()
    one = replace(options, table=None)

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
    return loads(text, _untyped(options))


def _untyped(options: Options) -> Options:
    if not options.infer_types:
        return options
    from dataclasses import replace

    return replace(options, infer_types=False)


# --- writing --------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection",
# OWASP): `=HYPERLINK(...)`, `@SUM(...)`, `-2+3+cmd|' /C calc'!A0`. A number (-5, +3.5)
# it reads as a number, so those are left alone.
FORMULA_START = frozenset("=+-@\t\r")
_PLAIN_NUMBER = lazy_compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
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

    A regular expression over the text finds the places where a cell may start with
    such a character (after a delimiter, a line break or an opening quote), in C; only
    there are the cells looked at one by one. Nothing to do when escape_formulas is on.
    """

    def __init__(self, delimiter: str, options: Options) -> None:
        self.done = options.escape_formulas
        self.unflatten = options.unflatten
        self.maybe = re.compile(rf'(?:\A|[\n{re.escape(delimiter)}])"?[=+\-@\t\r]')

    def check(
        self, text: str, columns: Sequence[str], rows: Sequence[Sequence[str]], first_row: int
    ) -> None:
        """`text` holds `rows` (the records from number `first_row` on), or the header
        `columns` when `rows` is empty."""
        if self.done or not self.maybe.search(text):
            return
        if not rows:
            name = next((name for name in columns if is_formula(name)), None)
            if name is not None:
                self._found(f"the column name {name!r}", name)
            return
        for number, row in enumerate(rows, start=first_row):
            for column, cell in zip(columns, row, strict=True):
                if is_formula(cell):
                    parts = column.split(".") if self.unflatten else [column]
                    self._found(format_path((number, *parts)), cell)
                    return

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
    """One record as {dotted column: cell text}; refuses what CSV cannot hold, naming it."""
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


class ColumnPlan:
    """The header, collected record by record: the union of columns in first-seen order.

    The streaming writer feeds it in a first pass; `represent` in one go. Both then
    call `columns()`, so both write the same header.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.first_seen: dict[str, tuple[PathPart, ...]] = {}

    def add(self, flat: dict[str, str | None], base: tuple[PathPart, ...]) -> None:
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
    row = [flat.get(column) for column in columns]
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
            FormulaCheck(delimiter, options)._found(format_path(found[:2]), found[2])
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
        from dataclasses import replace

        again = loads(text, replace(_untyped(options), header=False, table=None))
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
    formulas = FormulaCheck(delimiter, options)
    formulas.check(text, header, [], 0)
    formulas.check(text, header, rows, 0)
    return text


CODEC = Codec(
    name="csv",
    suffixes=(".csv", ".tsv"),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=reread,
    fast_write=fast_write,
)
