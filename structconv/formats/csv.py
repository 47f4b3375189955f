"""CSV: a list of records under a header row, read and written with the stdlib `csv` module.

The codec and the public names; the work is in csv_dialect (delimiter sniffing, checks),
csv_reader (records, header layout), csv_tables (several tables in a file) and
csv_writer (flattening, columns, formulas).

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

from structconv.formats import Codec
from structconv.formats.csv_dialect import (
    BATCH_ROWS,
    DELIMITERS,
    LINE_TERMINATOR,
    SAMPLE_CHARS,
    LineSource,
    check_delimiter,
    check_nul,
    sniff_delimiter,
)
from structconv.formats.csv_reader import (
    Layout,
    iter_batches,
    loads,
    read_header,
    reread,
    unique_names,
)
from structconv.formats.csv_tables import (
    LOOKAHEAD_ROWS,
    MIN_TABLE_RECORDS,
    Table,
    is_names_row,
    is_title_row,
    repeats_header,
    split_tables,
    table_starts,
)
from structconv.formats.csv_writer import (
    FORMULA_START,
    ColumnPlan,
    FormulaCheck,
    cell_text,
    dumps,
    fast_write,
    fill_row,
    flatten_record,
    is_formula,
    is_rows,
    needs_quote_all,
    render,
    represent,
    writer,
)

__all__ = [
    "BATCH_ROWS",
    "CODEC",
    "DELIMITERS",
    "FORMULA_START",
    "LINE_TERMINATOR",
    "LOOKAHEAD_ROWS",
    "MIN_TABLE_RECORDS",
    "SAMPLE_CHARS",
    "ColumnPlan",
    "FormulaCheck",
    "Layout",
    "LineSource",
    "Table",
    "cell_text",
    "check_delimiter",
    "check_nul",
    "dumps",
    "fast_write",
    "fill_row",
    "flatten_record",
    "is_formula",
    "is_names_row",
    "is_rows",
    "is_title_row",
    "iter_batches",
    "loads",
    "needs_quote_all",
    "read_header",
    "render",
    "repeats_header",
    "represent",
    "reread",
    "sniff_delimiter",
    "split_tables",
    "table_starts",
    "unique_names",
    "writer",
]

CODEC = Codec(
    name="csv",
    suffixes=(".csv", ".tsv"),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=reread,
    fast_write=fast_write,
)
