from __future__ import annotations

import pytest

from structconv.edit.core import delete_in_text, get_in_text, set_in_text
from structconv.edit.csv_editor import records
from structconv.edit.splice import EditRefused

TEXT = 'name,price,note\r\nwidget,2.5,"a, b"\r\ngadget,3,plain\r\n'


def test_set_replaces_only_the_cell() -> None:
    edit = set_in_text(TEXT, "[0].price", 4, "csv")
    assert edit.text == TEXT.replace("widget,2.5", "widget,4")
    assert (edit.first_line, edit.last_line) == (2, 2)


def test_a_quoted_cell_stays_quoted_and_special_text_is_quoted() -> None:
    assert '"c"' in set_in_text(TEXT, "[0].note", "c", "csv").text
    edit = set_in_text(TEXT, "[1].note", 'x, "y"', "csv")
    assert edit.text.endswith('gadget,3,"x, ""y"""\r\n')
    assert get_in_text(edit.text, "[1].note", "csv") == 'x, "y"'


def test_the_files_own_delimiter_and_a_last_line_without_break() -> None:
    text = "a;b\n1;x\n2;y"
    assert set_in_text(text, "[1].b", "z", "csv").text == "a;b\n1;x\n2;z"
    assert delete_in_text(text, "[1]", "csv").text == "a;b\n1;x\n"


def test_delete_removes_the_rows_lines_only() -> None:
    edit = delete_in_text(TEXT, "[0]", "csv")
    assert edit.text == "name,price,note\r\ngadget,3,plain\r\n"


def test_a_cell_with_a_line_break_is_one_cell() -> None:
    text = 'k,v\n1,"two\nlines"\n2,z\n'
    assert [len(record.fields) for record in records(text, ",")] == [2, 2, 2]
    assert set_in_text(text, "[1].v", "w", "csv").text == 'k,v\n1,"two\nlines"\n2,w\n'


@pytest.mark.parametrize(
    ("action", "path", "why"),
    [
        ("delete", "[0].note", "every CSV row has every column"),
        ("set", "[0].colour", "adding a row or a column"),
        ("set", "[0]", "set one cell"),
    ],
)
def test_what_would_change_a_rows_shape_is_refused(action: str, path: str, why: str) -> None:
    with pytest.raises(EditRefused, match=why):
        if action == "delete":
            delete_in_text(TEXT, path, "csv")
        else:
            set_in_text(TEXT, path, "x", "csv")


@pytest.mark.parametrize("value", [None, [1], {"a": 1}])
def test_a_cell_holds_one_scalar(value: object) -> None:
    with pytest.raises(EditRefused):
        set_in_text(TEXT, "[0].note", value, "csv")


def test_a_value_the_reader_would_read_otherwise_is_refused_by_the_proof() -> None:
    with pytest.raises(EditRefused, match="nothing was written"):
        set_in_text(TEXT, "[0].price", "4", "csv")  # the text "4" reads back as a number
