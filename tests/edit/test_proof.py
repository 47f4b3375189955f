from __future__ import annotations

import pytest

from structconv.edit.core import read_document
from structconv.edit.proof import changed_region, prove
from structconv.edit.splice import Edited, EditRefused

TEXT = "a: 1  # one\nb: 2\nc: 3\n"


def _read(text: str) -> object:
    return read_document(text, "yaml")


def test_a_change_outside_the_edited_lines_is_refused() -> None:
    edited = Edited("a: 1  # one\nb: 5\nc: 3  \n", 1, 2)  # line 3 gained spaces
    with pytest.raises(EditRefused, match="outside the edited lines"):
        prove(TEXT, edited, "yaml", [{"a": 1, "b": 5, "c": 3}], _read, _read(TEXT))


def test_a_lost_comment_before_the_edit_is_refused() -> None:
    edited = Edited("a: 1\nb: 5\nc: 3\n", 1, 2)
    with pytest.raises(EditRefused, match="line 1 would change"):
        prove(TEXT, edited, "yaml", [{"a": 1, "b": 5, "c": 3}], _read, _read(TEXT))


def test_data_other_than_asked_is_refused() -> None:
    edited = Edited("a: 1  # one\nb: '5'\nc: 3\n", 1, 2)
    with pytest.raises(EditRefused, match="not be as asked"):
        prove(TEXT, edited, "yaml", [{"a": 1, "b": 5, "c": 3}], _read, _read(TEXT))


def test_unparsable_result_and_reordered_keys_are_refused() -> None:
    with pytest.raises(EditRefused, match="would not parse"):
        prove(TEXT, Edited("a: 1  # one\nb: [\nc: 3\n", 1, 2), "yaml", None, _read, None)
    with pytest.raises(EditRefused, match="change order"):
        prove(
            TEXT, Edited("b: 2\na: 1  # one\nc: 3\n", 0, 2), "yaml", _read(TEXT), _read, _read(TEXT)
        )


def test_the_exact_edit_passes() -> None:
    prove(
        TEXT,
        Edited("a: 1  # one\nb: 5\nc: 3\n", 1, 2),
        "yaml",
        [{"a": 1, "b": 5, "c": 3}],
        _read,
        _read(TEXT),
    )


def test_changed_region() -> None:
    assert changed_region("a\nb\nc\n", "a\nx\ny\nc\n") == (1, 2, 3)
