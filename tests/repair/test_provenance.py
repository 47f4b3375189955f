"""The provenance contract (structconv/repair/provenance.py) on the inputs of issue 14:
what the model writes is checked against the input itself, with no fix to excuse it."""

from __future__ import annotations

from typing import Any

import pytest

from structconv.options import Options
from structconv.repair import provenance


def _check(text: str, data: Any, format: str) -> provenance.Refusal | None:
    return provenance.check(text, data, (), format, Options(repair="off"))


@pytest.mark.parametrize(
    ("text", "data", "format"),
    [
        # a token cut off by the end of the input: neither kept as if whole nor dropped
        ('{"name": "express", "lint": "esl', {"name": "express", "lint": "esl"}, "json"),
        ('{"name": "express", "lint": "esl', {"name": "express"}, "json"),
        ("<r>\n  <a>1</a>\n  <b>EU", {"r": {"a": "1", "b": "EU"}}, "xml"),
        ("<r>\n  <a>1</a>\n  <b>EU", {"r": {"a": "1"}}, "xml"),
        ('code,name\n"af","Afrikaans"\n"as","Assa', [{"code": "af", "name": "Afrikaans"}], "csv"),
        (
            "a:\n  - x\n  - '--config.file=/etc/prom",
            {"a": ["x", "--config.file=/etc/prom"]},
            "yaml",
        ),
        # a TOML number is no string, and `1.` no number
        ("key= = 1\n", {"key": "1"}, "toml"),
        ("a=\ufeff1\n", {"a": "1"}, "toml"),
        ("a = 1.\nb = 2\n", {"a": 1, "b": 2}, "toml"),
        ('a = """\\@"""\n', {"a": "@"}, "toml"),  # an unknown escape's backslash lost
        # no list or object the input does not open
        ('["key":"value"]', {"key": "value"}, "json"),
        ('{"string_group": ("x")}', {"string_group": ["x"]}, "json"),
        ("flow: [a,\nb,\nc]\n", {"flow": [["a", "b"], ["c"]]}, "yaml"),
        # typographic quotes around an XML attribute are no part of its value
        ("<a x=\u201cv\u201d/>", {"a": {"@x": "\u201cv\u201d"}}, "xml"),
    ],
)
def test_these_answers_are_refused(text: str, data: Any, format: str) -> None:
    assert _check(text, data, format) is not None


@pytest.mark.parametrize(
    ("text", "data", "format"),
    [
        ("<a x=\u201cv\u201d/>", {"a": {"@x": "v"}}, "xml"),
        ("key= = 1\n", {"key": 1}, "toml"),
        ('{"a": [1, 2], "b": "x",', {"a": [1, 2], "b": "x"}, "json"),
        # `]]` closing an array on a line of its own is no header's end (tox's commands)
        ("a = [[\n  1, 2,\n]]\n\n[b.c]\nd = 1\n", {"a": [[1, 2]], "b": {"c": {"d": 1}}}, "toml"),
        # the XML reader puts namespace declarations first
        ('<v a="1" xmlns:n="u"/>', {"v": {"@xmlns:n": "u", "@a": "1"}}, "xml"),
        # an element holding blank text and a comment holds the blank text
        ("<p><r> <!-- c --></r></p>", {"p": {"r": " "}}, "xml"),
    ],
)
def test_these_answers_line_up(text: str, data: Any, format: str) -> None:
    assert _check(text, data, format) is None


@pytest.mark.parametrize("ending", ["", "\n", "  \n\n"])
def test_a_yaml_quoted_value_the_end_cuts_off_is_neither_kept_nor_dropped(ending: str) -> None:
    """As in JSON: what a cut-off quoted scalar held cannot be known (a model answered
    'hello wo' with confidence 0.9996 before)."""
    text = 'a: 1\nb: "hello wo' + ending
    for data in ({"a": 1, "b": "hello wo"}, {"a": 1}):
        refusal = provenance.check(text, data, (), "yaml", Options())
        assert refusal is not None and "cut off" in refusal.reason


def test_a_yaml_quote_left_open_before_more_lines_is_no_cut() -> None:
    text = 'b: "hello\nc: 2\n'
    assert provenance.check(text, {"b": "hello", "c": 2}, (), "yaml", Options()) is None
