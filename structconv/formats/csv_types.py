"""CSV type inference: a cell is an int, a finite float or a bool only when writing that
value back gives exactly its text ("007", "1e3x", "1.50" and "" stay text).

`infer_column` tests a whole column at once, in C, with the results of `infer_cell`
on each cell: reading and the streaming reader both infer through it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import compress, repeat
from typing import Any

from structconv.patterns import lazy_compile

_CANONICAL_INT = lazy_compile(r"0|-?[1-9][0-9]*")
_ALL_CANONICAL_INTS = lazy_compile(r"(?:(?:0|-?[1-9][0-9]*)\n)*(?:0|-?[1-9][0-9]*)")
# Every canonical int and every repr() of a finite float has this shape.
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:e[-+][0-9]+)?"
_NUMBER_SHAPE = lazy_compile(_NUMBER)
_ALL_NUMBER_SHAPES = lazy_compile(rf"(?:{_NUMBER}\n)*{_NUMBER}")
# Plain decimals of 0 or at least 1e-4 in size, without leading zeros; see _plain_decimals.
_PLAIN_DECIMAL = r"-?(?:[1-9][0-9]*|0(?!\.0000))\.[0-9]+"
_ALL_PLAIN_DECIMALS = lazy_compile(rf"(?:{_PLAIN_DECIMAL}\n)*{_PLAIN_DECIMAL}")
_NUMBER_CHARS = b"-+.0123456789e"
_MAYBE_TYPED = lazy_compile(r"\n[-0-9tf]")
_MAYBE_NUMBER = lazy_compile(r"\n[-0-9]")
_NUMBER_START = frozenset("-0123456789")
_BOOLS: dict[str, bool] = {"true": True, "false": False}


def infer_cell(text: str) -> Any:
    """The typed value of `text` if `text` is its canonical spelling, else `text` itself.

    Canonical: writing the value back (str for int, repr for float, true/false for bool)
    gives exactly `text`. So "007", "+1", " 7", "1e3", "1_000", "NaN" and "" stay text,
    and converting to CSV and back never changes a spelling.
    """
    boolean = _BOOLS.get(text)
    if boolean is not None:
        return boolean
    if not text or text[0] not in _NUMBER_START:
        return text
    if _CANONICAL_INT.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # past sys.int_max_str_digits: keep the text
            return text
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and repr(number) == text:
        return number
    return text


def infer_column(cells: Sequence[str]) -> Sequence[Any]:
    """`infer_cell` over a column of cells, with whole-column tests (same results).

    Most columns are all text, all integers or all floats; testing the column at once
    (regexes and byte scans over the cells joined by line breaks, all in C) avoids a
    Python call per cell. A cell holding a line break can only make a test pass that
    should not (its lines look like cells), which sends the column to the exact
    per-cell path, never to a different result. Returns `cells` itself when no cell
    changes.
    """
    joined = "\n".join(cells)
    lines = "\n" + joined
    if not _MAYBE_TYPED.search(lines):
        return cells  # no cell starts like a number or a bool
    if not _MAYBE_NUMBER.search(lines) or not _may_hold_a_number(cells, joined):
        # No cell is a number: only "true" and "false" change.
        if "\ntrue\n" in lines + "\n" or "\nfalse\n" in lines + "\n":
            return list(map(_BOOLS.get, cells, cells))
        return cells
    if joined.count("\n") == len(cells) - 1:  # no cell holds a line break
        if _ALL_CANONICAL_INTS.fullmatch(joined):
            try:
                return list(map(int, cells))
            except ValueError:  # past sys.int_max_str_digits
                pass
        elif max(map(len, cells)) <= 16 and _ALL_PLAIN_DECIMALS.fullmatch(joined):
            return _plain_decimals(cells)
        elif _ALL_NUMBER_SHAPES.fullmatch(joined):
            numbers = list(map(float, cells))  # the shape is float syntax: no cell raises
            spellings = list(map(repr, numbers))
            if spellings == list(cells):
                return numbers  # repr() gave the text back, so each number is finite
            return [
                number if spelling == cell else infer_cell(cell)
                for number, spelling, cell in zip(numbers, spellings, cells, strict=True)
            ]
    return [
        infer_cell(cell) if _NUMBER_SHAPE.fullmatch(cell) else _BOOLS.get(cell, cell)
        for cell in cells
    ]


def _plain_decimals(cells: Sequence[str]) -> list[Any]:
    """`infer_cell` over decimals in plain notation of at most 15 digits (16 characters),
    without leading zeros, 0 or at least 1e-4 in size, without calling repr() per cell.

    Doubles hold any 15 significant decimal digits (DBL_DIG): no other decimal of at most
    15 digits reads as the same float, so repr(), the shortest spelling that reads back,
    has the cell's digits, and spells them in plain notation in this range of sizes. It
    drops trailing zeros but one after the point: a cell is canonical unless it ends in a
    zero that is not right after the point ("7.30" stays text; "7.0" is a float).
    """
    numbers: list[Any] = list(map(float, cells))
    zeros = list(map(str.endswith, cells, repeat("0")))
    for index in compress(range(len(cells)), zeros):  # only the cells ending in a zero
        if cells[index][-2] != ".":
            numbers[index] = cells[index]
    return numbers


def _may_hold_a_number(cells: Sequence[str], joined: str) -> bool:
    """False when no cell is made of number characters only (so none is a number).

    With those characters deleted, such a cell leaves an empty line; so do the empty
    cells, which are counted apart.
    """
    stripped = joined.encode("utf-8", "surrogatepass").translate(None, _NUMBER_CHARS)
    empty = cells.count("")
    if not empty:
        return b"\n\n" in b"\n" + stripped + b"\n"
    return stripped.split(b"\n").count(b"") > empty
