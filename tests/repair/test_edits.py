"""Edits become Fixes in the original text's coordinates, whatever order they came in."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from structconv.repair.edits import Edit, EditSession, LineIndex, apply_edits, removed_spans


def test_apply_edits_reports_line_column_before_and_after() -> None:
    text = '{\n  "a": 1,\n}\n'
    comma = text.index(",")
    patched, fixes = apply_edits(text, [Edit(comma, comma + 1, "", "trailing-comma", "removed")])
    assert patched == '{\n  "a": 1\n}\n'
    (fix,) = fixes
    assert (fix.rule, fix.line, fix.column, fix.before, fix.after) == (
        "trailing-comma",
        2,
        9,
        ",",
        "",
    )


def test_overlapping_edits_are_a_bug_not_a_guess() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x", "r", "m"), Edit(2, 4, "y", "r", "m")])


def test_line_index_round_trips_offsets() -> None:
    text = "ab\ncde\n\nf"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        line, column = index.line_column(offset)
        assert index.offset(line, column) == offset


def test_session_keeps_fixes_in_the_original_coordinates() -> None:
    session = EditSession("a: 1\n\tb: 2\nc: 3\n")
    session.replace(5, 6, "  ", "tab", "tab replaced by two spaces")
    # the second edit is given in the edited text, on the third line
    third = session.text.index("c")
    session.replace(third, third, "# ", "comment", "commented out")
    fixes = session.fixes()
    assert [(fix.rule, fix.line, fix.column, fix.before, fix.after) for fix in fixes] == [
        ("tab", 2, 1, "\t", "  "),
        ("comment", 3, 1, "", "# "),
    ]
    assert session.text == "a: 1\n  b: 2\n# c: 3\n"


def test_session_merges_edits_that_touch() -> None:
    session = EditSession("[1, 2,]")
    session.replace(6, 7, "", "trailing-comma", "comma removed")
    session.replace(5, 6, "]", "close", "bracket moved")
    (fix,) = session.fixes()
    assert (fix.before, fix.after) == (",]", "]")
    assert fix.rule == "trailing-comma+close"


def test_removed_spans_cover_what_the_fixes_replaced() -> None:
    text = "x = 1 // note\ny = 2\n"
    start = text.index("//")
    _, fixes = apply_edits(text, [Edit(start - 1, start + 7, "", "comment", "removed")])
    assert removed_spans(text, fixes) == [(start - 1, start + 7)]


@settings(max_examples=300, deadline=None)
@given(
    original=st.text(alphabet="ab\n{}", max_size=15),
    steps=st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 4), st.text(alphabet="XY\n", max_size=3)),
        min_size=1,
        max_size=6,
    ),
)
def test_session_edits_always_reproduce_its_text(
    original: str, steps: list[tuple[int, int, str]]
) -> None:
    session = EditSession(original)
    for start, length, replacement in steps:
        start = min(start, len(session.text))
        end = min(start + length, len(session.text))
        session.replace(start, end, replacement, "rule", "message")
    patched, fixes = apply_edits(original, session.edits())
    assert patched == session.text
    for fix in fixes:
        offset = LineIndex(original).offset(fix.line, fix.column)
        assert original[offset : offset + len(fix.before)] == fix.before
