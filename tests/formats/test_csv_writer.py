"""The CSV writer's hot path (csv_writer._plain_flat) against the checked one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from structconv.errors import UnrepresentableError
from structconv.formats.csv_writer import (
    FormulaCheck,
    _checked_flat,
    _plain_flat,
    flatten_record,
    is_formula,
)
from structconv.formats.json import string_key
from structconv.options import Options

_KEYS = st.one_of(st.sampled_from(["a", "b", "a.b", "x\x00", "=f", ""]), st.text(max_size=3))
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=4),
    st.sampled_from(["\x00", "=1+1", "-5", "a.b"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.dictionaries(_KEYS, inner, max_size=3), st.lists(inner, max_size=2)),
    max_leaves=8,
)
_RECORDS = st.dictionaries(st.one_of(_KEYS, st.integers(), st.booleans()), _VALUES, max_size=4)
_OPTIONS = st.builds(
    Options,
    unflatten=st.booleans(),
    null=st.sampled_from(["error", "empty", "drop"]),
    stringify_keys=st.booleans(),
)


def _checked(record: Any, options: Options) -> Any:
    try:
        return _checked_flat(record, (0,), options, string_key("csv", options))
    except UnrepresentableError as error:
        return ("refused", str(error))


@given(_RECORDS, _OPTIONS)
def test_the_hot_path_flattens_as_the_checked_path_does(record: Any, options: Options) -> None:
    plain = _plain_flat(record, options)
    if plain is not None:
        checked = _checked(record, options)
        assert repr(plain) == repr(checked)  # the same cells, in the same column order
    expected = _checked(record, options)
    try:
        got = flatten_record(record, (0,), options, string_key("csv", options))
    except UnrepresentableError as error:
        got = ("refused", str(error))
    assert repr(got) == repr(expected)


@pytest.mark.parametrize(
    "record",
    [
        {"a": {"b": 1, "c": {"d": True}}, "e": None, "f": 1.5, "g": "x"},
        {"id": 1, "name": "Ann", "score": -0.0},
    ],
)
def test_common_records_take_the_hot_path(record: dict[str, Any]) -> None:
    options = Options(null="empty")
    assert _plain_flat(record, options) == _checked(record, options)


@pytest.mark.parametrize(
    "record",
    [
        {"a": [1]},  # a list: refused, naming its path
        {"a": {}},  # an empty mapping
        {"a.b": 1},  # a dotted key with unflatten on
        {"a": "x\x00"},  # NUL
        {1: "x"},  # a key that is not a string
        {"a": None},  # a null under null="error"
    ],
)
def test_what_csv_cannot_hold_leaves_the_hot_path(record: dict[Any, Any]) -> None:
    assert _plain_flat(record, Options()) is None


def test_two_values_for_one_column_leave_the_hot_path() -> None:
    record = {"a.b": 1, "a": {"b": 2}}
    options = Options(unflatten=False)
    assert _plain_flat(record, options) is None
    assert _checked(record, options)[0] == "refused"


_CELLS = st.text(alphabet='-+=@\t\r\n"., ;|e5 0xa', max_size=6)


_COLUMNS = ["a", "b", "c"]


def _formulas_found(rows: list[list[str]], width: int) -> list[tuple[str, str]]:
    check = FormulaCheck(Options())
    found: list[tuple[str, str]] = []
    check._found = lambda where, cell: found.append((where, cell))  # type: ignore[method-assign]
    check.check(_COLUMNS[:width], rows, 7)
    return found


def _first_formula(rows: list[list[str]], width: int) -> list[tuple[str, str]]:
    first = next(
        (
            (f"$[{7 + number}].{name}", cell)
            for number, row in enumerate(rows)
            for name, cell in zip(_COLUMNS[:width], row, strict=True)
            if is_formula(cell)
        ),
        None,
    )
    return [first] if first else []


@given(
    st.integers(1, 3).flatmap(
        lambda width: st.tuples(
            st.just(width),
            st.lists(st.lists(_CELLS, min_size=width, max_size=width), min_size=1, max_size=4),
        )
    )
)
def test_the_formula_check_finds_a_formula_wherever_there_is_one(
    width_and_rows: tuple[int, list[list[str]]],
) -> None:
    """Its regular expression skips plain numbers (-5, +3.5) and must skip nothing else:
    the first such cell, row by row, as `is_formula` says cell by cell."""
    width, rows = width_and_rows
    assert _formulas_found(rows, width) == _first_formula(rows, width)


def test_the_formula_check_names_the_cell_it_found() -> None:
    rows = [["-5", "+3.5", ""], ["-1e3", ".5", "x\n"], ["2", "-x", "=1"]]
    assert _formulas_found(rows, 3) == [("$[9].b", "-x")]
    assert _formulas_found([["-5", "+3.5", "1."], ["+.5e-3", "", "0"]], 3) == []
    assert _formulas_found([["x", "-5"]], 2) == []  # a number in the last cell too
    # a cell that holds NUL (no writer's cell does) is looked at cell by cell
    assert _formulas_found([["a\x00=", "@x", "b"]], 3) == [("$[7].b", "@x")]
