"""CSV: RFC 4180 quoting with the file's own delimiter and line ending.

Every record is written again with the standard library's writer: a field is quoted
only when it holds the delimiter, a quote or a line break, and a quote inside a
quoted field is doubled. Blank lines (which readers skip) are dropped and the file
ends with a line break. Kept: the delimiter (sniffed exactly as the reader sniffs
it), the line ending of the header line (CRLF, as RFC 4180 has it, or LF), a
byte order mark, and every cell's text, spaces included.

Where minimal quoting would let a later read sniff another delimiter (one column
whose cells hold ';'), or leave a carriage return inside a cell of a file with LF
lines unquoted, every field is quoted instead, as the CSV writer does.
Column order is the table's layout, so sort_keys does not apply here; indent and
width neither.
"""

from __future__ import annotations

import csv
import io

from structconv.formats.csv import sniff_delimiter
from structconv.normalize.settings import NormalizeSettings

_BOM = "\ufeff"


def _line_ending(text: str) -> str:
    """The line ending of the first line: the one the file was written with."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def _render(rows: list[list[str]], delimiter: str, line_ending: str, quote_all: bool) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=line_ending,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        strict=True,
    )
    writer.writerows(rows)
    return buffer.getvalue()


def _unquoted_break(rows: list[list[str]], line_ending: str) -> bool:
    """Whether a cell holds a carriage return that minimal quoting would leave bare: the
    writer quotes only the characters of its own line ending, so with LF lines such a
    cell would be written unquoted and its carriage return read back as a line break."""
    return line_ending == "\n" and any("\r" in cell for row in rows for cell in row)


def normalize(text: str, settings: NormalizeSettings) -> str:
    bom = _BOM if text.startswith(_BOM) else ""
    body = text.removeprefix(_BOM)
    delimiter = sniff_delimiter(body)
    # The reader ran first and bounded the size; a cell may be as large as the file.
    csv.field_size_limit(max(csv.field_size_limit(), len(body) + 1))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    rows = [row for row in reader if row]
    if not rows:
        return bom
    line_ending = _line_ending(body)
    rendered = _render(rows, delimiter, line_ending, quote_all=False)
    if sniff_delimiter(rendered) != delimiter or _unquoted_break(rows, line_ending):
        rendered = _render(rows, delimiter, line_ending, quote_all=True)
    return bom + rendered
