"""CSV normalizer: RFC 4180 quoting, the file's delimiter and line ending kept."""

from __future__ import annotations

import pytest

from structconv.normalize import normalize_text
from structconv.normalize.csv import normalize
from structconv.normalize.settings import NormalizeSettings


def norm(text: str) -> str:
    return normalize_text(text, "csv")


def test_quotes_only_where_needed_and_doubles_quotes() -> None:
    text = '"id","name","note"\n"1","Ann","said ""hi"", left"\n2,Bob,\n'
    assert norm(text) == 'id,name,note\n1,Ann,"said ""hi"", left"\n2,Bob,\n'


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_is_kept(delimiter: str) -> None:
    text = f'a{delimiter}b\n"1"{delimiter}"x{delimiter}y"\n'
    assert norm(text) == f'a{delimiter}b\n1{delimiter}"x{delimiter}y"\n'


def test_crlf_is_kept_and_line_breaks_inside_cells_are_data() -> None:
    text = 'a,b\r\n"1","two\nlines"\r\n'
    assert norm(text) == 'a,b\r\n1,"two\nlines"\r\n'


def test_blank_lines_go_and_a_final_line_break_is_added() -> None:
    assert norm("a,b\n\n1,2\n\n\n3,4") == "a,b\n1,2\n3,4\n"


def test_spaces_and_empty_cells_are_kept() -> None:
    text = 'a,b,c\n  x , ,""\n'
    assert norm(text) == "a,b,c\n  x , ,\n"


def test_minimal_quoting_that_would_mislead_the_sniffer_quotes_every_cell() -> None:
    # Unquoted, `a;b` over `c;d` would read as two ';'-separated columns.
    text = '"a;b"\n"c;d"\n'
    assert norm(text) == text
    assert norm('name\n"a;b;c"\n') == "name\na;b;c\n"  # one field per line under ';' too


def test_byte_order_mark_is_kept() -> None:
    assert normalize("\ufeffa,b\n1,2", NormalizeSettings()) == "\ufeffa,b\n1,2\n"


def test_empty_file_stays_empty() -> None:
    assert normalize("", NormalizeSettings()) == ""


def test_a_carriage_return_inside_a_cell_stays_quoted_in_a_file_with_lf_lines() -> None:
    """datasets/language-codes ends quoted cells of an LF file with a carriage return;
    the standard library's writer quotes only the line ending's own characters, so the
    cell lost its quotes and the return became a line break (normalize refused the file).
    Such a file is written with every field quoted, as the writer can only quote all."""
    text = 'code,French\n"aar","afar\r"\n"abk","abkhaze"\n'
    result = normalize_text(text, "csv")
    assert result == '"code","French"\n"aar","afar\r"\n"abk","abkhaze"\n'
    assert normalize_text(result, "csv") == result
