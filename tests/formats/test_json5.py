"""JSON5 beyond the suite (tests/conformance/test_json5_tests.py): positions in errors,
and writing (NaN and Infinity are JSON5 numbers)."""

from __future__ import annotations

import math

import pytest

from structconv import ParseError, UnrepresentableError, convert
from structconv.formats import read
from structconv.options import Options


def test_errors_name_line_and_column() -> None:
    with pytest.raises(ParseError) as caught:
        read("{a: 1,\n b: [1 2]}", "json5", Options())
    assert (caught.value.format, caught.value.line, caught.value.column) == ("json5", 2, 8)


def test_duplicate_keys_are_refused_where_they_stand() -> None:
    with pytest.raises(ParseError, match="duplicate key 'a'") as caught:
        read("{\n  a: 1,\n  'a': 2,\n}", "json5", Options())
    assert (caught.value.line, caught.value.column) == (3, 3)


def test_json5_features_read() -> None:
    text = "// c\n{bare: 'single', hex: 0x1F, half: .5, plus: +1, nan: NaN, inf: -Infinity,}"
    data = read(text, "json5", Options())
    assert data["bare"] == "single" and data["hex"] == 31 and data["half"] == 0.5
    assert data["plus"] == 1 and math.isnan(data["nan"]) and data["inf"] == -math.inf


def test_writing_keeps_nan_and_infinity_and_json_refuses_them() -> None:
    text = "{x: Infinity, y: [NaN]}"
    assert convert(text, src="json5", to="json5").text == '{\n  "x": Infinity,\n  "y": [NaN]\n}\n'
    with pytest.raises(UnrepresentableError):
        convert(text, src="json5", to="json")
    assert convert(text, src="json5", to="yaml").text == "x: .inf\ny:\n  - .nan\n"
