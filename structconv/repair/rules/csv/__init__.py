"""CSV repair rules: the table inside a messy spreadsheet or database export, or a refusal.

The strict reader (structconv.formats.csv) refuses anything irregular. These rules read
the input again with a lenient tokenizer that keeps every field's offsets, work out the
dialect and where the table is, and describe each change as an Edit in the input's
coordinates. The strict reader then reads the patched text, and validation checks that
no value was invented or silently dropped. The rules, and what each refuses to do:

- dialect (`detect_dialect`): the delimiter (, ; TAB | and : ^ ~), the quote character
  (" or ') and the escape character (none or backslash) that split the rows most
  consistently, ties going to the type score (CleverCSV's idea: the reading whose cells
  look like numbers, dates and empties wins). An Excel `sep=;` first line names it and
  is removed. Fields quoted with ' or escaped with backslashes are re-quoted the RFC 4180
  way. A delimiter the strict reader never sniffs (: ^ ~) is not rewritten: the repair
  refuses and names the --delimiter option to pass.
- stray quotes: a quote inside a quoted field that is neither doubled nor closing
  (`"abc"def"`) stays a literal quote (`abc"def`); a field that opens a quote that never
  closes (`"Best" seller`) is read as the literal text it shows, quotes included; one
  that holds no other quote (`"Afrikaans`) lost its closing quote where the file quotes
  every other value of its column, and is refused elsewhere (text or quote?). A
  stray quote that would swallow a delimiter or a line break makes the field literal.
- header wrapped: a header line ending in a delimiter whose names continue on line 2
  is joined with it when the two lines have exactly the width of the rows below.
- preamble: title lines, `key,value` metadata lines, rows of empty cells and
  whitespace-only lines above the header are removed, the Fix naming the values dropped;
  a line holding more than two values is never taken for preamble, and a "header" below
  a preamble that reads as a record (dates, amounts) is refused.
- footer: notes below the table (one cell of prose: "Exported on ...", "End of report")
  and rows without values are removed; a last row that holds data is never a footer.
- summary row: a last row labelled Total / Totals / Grand total / Sum / 合計 / 総計 /
  Summe / Gesamt is removed only when every number in it is the sum of its column (it
  then holds nothing the records do not), the Fix saying which values it drops; any
  other such row stays a record. A clean CSV keeps its Total row: review never drops it.
- repeated header: a body row identical to the header (concatenated exports, or the
  header written twice) is removed, with a one-cell section title right above it.
- multi-row header: two or three header rows (a group row such as `,Q1,,Q2,` over
  `region,sales,units,sales,units`) become one row of dotted names (`Q1.sales`), which the
  reader nests. When the header row cannot name the columns alone (its names repeat, or
  a name past the first is blank under a group label that spans it),
  the lower row must be all labels and either sit over a column of numbers or dates or
  repeat labels the upper row tells apart. When it can, a label over numbers or dates
  is needed; with a blank corner name and a repeated label too, the two rows are
  certain, else one header row and two are an Ambiguity (a units row such as
  `,l,USD,lb` under `store,volume,price,weight`). Input that parses (`review`) is
  second-guessed only with a blank corner name or a repeated label as well. Labels
  holding '.' are never merged (they would nest again).
- repeated names: the reader renames them (name_2) with a note; review first weighs a
  header whose names repeat, or that holds one name and blanks, as the repair weighs
  a refused file (`_weigh_header`: a multi-row header, a title above the table). A
  header with unnamed columns between named ones that no row below names is refused.
- headerless: a first row that reads as a record (its dates and amounts line up with the
  columns below, or it repeats a number) is refused with a hint to pass --no-header:
  generated names would be invented keys.
- several tables: a second table (`table_starts`, as the strict reader finds it) is
  refused at its line with the --table hint; no repair joins two tables. With
  options.table or header=False the rules do nothing (the user chose the reading).
- ragged rows, never padded or truncated: empty cells past the last column are
  removed; a row of empty cells is removed; a short row is refused (which cell is
  missing cannot be told, and a missing value is not an empty one), and so is a short
  last row without a line end (a cut-off file); a file that ends inside a quoted field
  is refused (the field's text is cut off); short rows
  whose fields add up to one row are one record broken by an unquoted line break; a long
  row with data past the last column (an unquoted delimiter) is an Ambiguity between the
  joins of adjacent cells that keep every column's type (numbers, dates, and the shape
  of identifier columns such as "INV-001"), taken at low confidence when only one does,
  refused when none does. A header naming fewer columns than most rows hold is refused.
- review of input that parsed (`review`, cheap, None for ordinary CSV): a sep= line or
  a title line that made the sniffer see one column is repaired as above; one column
  that splits alike on ^ or ~ is refused with the --delimiter hint; two header rows are
  weighed as above, from the first REVIEW_ROWS records.

Bounds: inputs past MAX_REPAIR_CHARS are not repaired; an Ambiguity has at most
MAX_CANDIDATES readings (more is refused); every scan is linear in the input.
"""

from __future__ import annotations

from structconv.repair.rules import RuleSet
from structconv.repair.rules.csv.answers import answer_lines_up, input_values
from structconv.repair.rules.csv.header import merge_header, second_header_evidence
from structconv.repair.rules.csv.lexer import (
    REVIEW_ROWS,
    CsvRefusal,
    Dialect,
    cell_kind,
    code_shape,
    detect_dialect,
    is_label,
)
from structconv.repair.rules.csv.plan import write_row
from structconv.repair.rules.csv.readings import repair
from structconv.repair.rules.csv.review import review, review_head

__all__ = [
    "REVIEW_ROWS",
    "RULESET",
    "CsvRefusal",
    "Dialect",
    "answer_lines_up",
    "cell_kind",
    "code_shape",
    "detect_dialect",
    "input_values",
    "is_label",
    "merge_header",
    "repair",
    "review",
    "review_head",
    "second_header_evidence",
    "write_row",
]


RULESET = RuleSet(
    "csv",
    repair,
    input_values,
    review=review,
    review_head=review_head,
    answer_lines_up=answer_lines_up,
)
