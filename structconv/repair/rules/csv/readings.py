"""`repair`, the rules' entry point: the dialect, then the rules in order, or a refusal
that says what to do."""

from __future__ import annotations

from structconv import frozen
from structconv.errors import ParseError
from structconv.formats.csv import sniff_delimiter
from structconv.options import Options
from structconv.repair.edits import LineIndex
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.rules.csv.body import _ragged_rows, _summary_row
from structconv.repair.rules.csv.header import (
    _duplicated,
    _effective_width,
    _find_header,
    _header_wrapped,
    _looks_like_data,
    _multirow_header,
    _numbers_repeat,
    _remove_footer,
    _remove_preamble,
    _repeats_below,
    _second_table,
)
from structconv.repair.rules.csv.ids import COSMETIC, CSV_SEP_LINE, CSV_TRAILING_DELIMITER, QUOTING
from structconv.repair.rules.csv.lexer import (
    _SEP_LINE,
    MAX_REPAIR_CHARS,
    REVIEW_ROWS,
    STANDARD_DELIMITERS,
    CsvRefusal,
    _body_start,
    _column_kinds,
    _filled,
    detect_dialect,
    scan_rows,
)
from structconv.repair.rules.csv.plan import _Plan, _quoting_fixes
from structconv.repair.search import read_strict


def _sep_line(text: str) -> tuple[int, str | None]:
    """(where the table starts, the delimiter) after an Excel `sep=;` line; else (0, None)."""
    found = _SEP_LINE.match(text)
    if found is None or found.group(1) in "\"'\r\n":
        return _body_start(text), None
    return found.end(), found.group(1)


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    if not error.repairable or options.table is not None or not options.header:
        return None  # (the rules find one table under one header)
    return _repair_or_refuse(text, options)


def _repair_or_refuse(text: str, options: Options) -> RuleOutcome:
    if len(text) > MAX_REPAIR_CHARS or "\x00" in text:
        return None
    try:
        return _repair(text, options)
    except CsvRefusal as refusal:
        line, column = LineIndex(text).line_column(refusal.offset)
        raise ParseError(
            refusal.message,
            format="csv",
            line=line,
            column=column,
            snippet=text[refusal.offset : refusal.offset + 200].split("\n", 1)[0],
            hint=refusal.hint,
            repairable=False,
        ) from None


def _refuse_unsniffed(text: str, delimiter: str, options: Options, start: int) -> None:
    """Columns split by a delimiter the reader never sniffs: the option to pass is named
    only when the file reads with it (a hint that leads to another error helps no one)."""
    problem = _strict_problem(text, delimiter, options)
    if problem is None:
        raise CsvRefusal(
            f"the columns are separated by {delimiter!r}, which is not sniffed",
            f"pass --delimiter '{delimiter}' (API: delimiter={delimiter!r})",
            start,
        )
    raise CsvRefusal(
        f"the columns seem to be separated by {delimiter!r} (which is not sniffed), but the "
        f"file does not read with it either: {problem}",
        "fix the table by hand, then pass the delimiter it uses with --delimiter",
        start,
    )


def _strict_problem(text: str, delimiter: str, options: Options) -> str | None:
    """Why the strict reader refuses the text with this delimiter (None: it reads it)."""
    _, error = read_strict(text, "csv", frozen.replace(options, delimiter=delimiter))
    return None if error is None else f"{error.message} (line {error.line})"


def _repair(text: str, options: Options) -> RuleOutcome:
    start, sep_delimiter = _sep_line(text)
    dialect = detect_dialect(text, options.delimiter or sep_delimiter)
    if dialect is None:
        return None
    if options.delimiter is None and dialect.delimiter not in STANDARD_DELIMITERS:
        _refuse_unsniffed(text, dialect.delimiter, options, start)
    wrapped = _header_wrapped(text, dialect, start)
    if wrapped is not None:
        return wrapped
    plan = _Plan(text, dialect)
    if sep_delimiter is not None:
        plan.change(
            _body_start(text),
            start,
            "",
            CSV_SEP_LINE,
            f"Excel's 'sep={sep_delimiter}' line removed (the delimiter is {sep_delimiter!r})",
            COSMETIC,
        )
    rows = list(scan_rows(text, dialect, start))
    header_index = _find_header(rows)
    if header_index is None:
        return None
    _quoting_fixes(plan, rows[header_index:])
    _remove_preamble(plan, rows, header_index)
    header = rows[header_index]
    following = [i for i in range(header_index + 1, len(rows)) if rows[i].fields]
    body = _remove_footer(plan, rows, following, header.width)
    width = _effective_width(rows, header, body)
    names = [field.value for field in header.fields[:width]]
    _second_table(plan, rows, body, names)
    if any(_filled(row) for row in rows[:header_index]):
        regular = [[f.value for f in rows[i].fields] for i in body if rows[i].width == width]
        # (the row right below may be a second header row, which may repeat a name)
        if _looks_like_data(names, _column_kinds(regular[:REVIEW_ROWS], width)) or _repeats_below(
            names, regular[1:REVIEW_ROWS]
        ):
            raise CsvRefusal(
                "the first row of the table looks like data, not a header; the lines above it "
                "do not name its columns either",
                "put the column names in one header row above the data",
                header.start,
            )
    taken = _multirow_header(plan, rows, header_index, body, width, options)
    if taken > 1:
        body = body[taken - 1 :]
        names = plan.header_names
    else:
        if _duplicated(names) or sum(1 for name in names if not name.strip()) > 1:
            below = [[f.value for f in rows[i].fields] for i in body if rows[i].width == width]
            if _looks_like_data(
                names, _column_kinds(below[:REVIEW_ROWS], width)
            ) or _numbers_repeat(names):
                raise CsvRefusal(
                    "the first row looks like data, not a header (its numbers and dates "
                    "line up with the columns below, and its names repeat)",
                    "pass --no-header (API: header=False) to read the rows as lists, or add "
                    "a header row naming the columns: structconv does not invent column names",
                    header.start,
                )
            named = [index for index, name in enumerate(names) if name.strip()]
            if any(not name.strip() for name in names[1 : named[-1] if named else 0]):
                raise CsvRefusal(
                    "the header leaves columns unnamed between named ones (under a group "
                    "label that spans them?), and no row below names them: which column is "
                    "which is for a person to say",
                    "write one header row that names every column",
                    header.start,
                )
            # Else the names stand: the reader renames the repeats (name_2) with a note.
        if width < header.width:
            plan.change(
                header.fields[width - 1].end,
                header.content_end,
                "",
                CSV_TRAILING_DELIMITER,
                f"{header.width - width} empty column name(s) after the last column removed "
                "(no row holds a value there)",
                QUOTING,
            )
    body = _summary_row(plan, rows, body, width, names)
    _ragged_rows(plan, rows, body, width, header)
    outcome = plan.outcome()
    if outcome is None or options.delimiter is not None:
        return outcome
    patched = outcome.text if isinstance(outcome, Patched) else outcome.candidates[-1].text
    if sniff_delimiter(patched.removeprefix("\ufeff")) != dialect.delimiter:
        return None
    return outcome
