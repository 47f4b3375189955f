"""JSON normalizer: layout, spellings kept, width, sorting."""

from __future__ import annotations

import pytest

from structconv.errors import ParseError
from structconv.normalize import normalize_text
from structconv.normalize.settings import NormalizeSettings

DEFAULT = NormalizeSettings()


def test_indents_and_keeps_key_order_and_final_newline() -> None:
    text = '{"b":1,"a":{"d":true,"c":null},"e":[]}'
    assert normalize_text(text, "json") == (
        '{\n  "b": 1,\n  "a": {\n    "d": true,\n    "c": null\n  },\n  "e": []\n}\n'
    )


def test_number_spellings_and_non_ascii_text_are_kept() -> None:
    text = '{"f": 1.50, "e": 1E5, "z": -0, "big": 123456789012345678901234567890, "s": "\\u00e9t\\u00e9"}'
    assert normalize_text(text, "json") == (
        '{\n  "f": 1.50,\n  "e": 1E5,\n  "z": -0,\n'
        '  "big": 123456789012345678901234567890,\n  "s": "été"\n}\n'
    )


def test_control_characters_stay_escaped() -> None:
    assert normalize_text('["a\\nb\\u0001"]', "json") == '["a\\nb\\u0001"]\n'


def test_short_scalar_arrays_stay_on_one_line_up_to_the_width() -> None:
    short = '{"tags": ["a", "b"]}'
    assert normalize_text(short, "json") == '{\n  "tags": ["a", "b"]\n}\n'
    narrow = NormalizeSettings(width=30)
    assert normalize_text(short, "json", narrow) == '{\n  "tags": ["a", "b"]\n}\n'
    wide = '{"tags": ["alpha", "beta", "gamma"]}'
    assert normalize_text(wide, "json", narrow) == (
        '{\n  "tags": [\n    "alpha",\n    "beta",\n    "gamma"\n  ]\n}\n'
    )


def test_arrays_of_containers_are_one_item_per_line() -> None:
    assert normalize_text('[[1], {"a": 1}]', "json") == '[\n  [1],\n  {\n    "a": 1\n  }\n]\n'


def test_indent_setting() -> None:
    assert normalize_text('{"a": {"b": 1}}', "json", NormalizeSettings(indent=4)) == (
        '{\n    "a": {\n        "b": 1\n    }\n}\n'
    )


def test_sort_keys_sorts_every_level() -> None:
    text = '{"b": {"y": 1, "x": 2}, "a": 0}'
    assert normalize_text(text, "json", NormalizeSettings(sort_keys=True)) == (
        '{\n  "a": 0,\n  "b": {\n    "x": 2,\n    "y": 1\n  }\n}\n'
    )


def test_crlf_file_keeps_crlf() -> None:
    assert normalize_text('{"a":1}\r\n', "json") == '{\r\n  "a": 1\r\n}\r\n'


def test_invalid_json_is_a_parse_error_with_position() -> None:
    with pytest.raises(ParseError) as caught:
        normalize_text('{\n  "a": 1,\n  "a": 2\n}', "json")
    assert caught.value.line == 3


def test_already_normal_text_is_returned_unchanged() -> None:
    text = '{\n  "a": [1, 2]\n}\n'
    assert normalize_text(text, "json", DEFAULT) == text
