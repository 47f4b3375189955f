from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from structconv import UsageError, detect_format
from structconv.formats.detect import maybe_jsonc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', "json"),
        ("[1, 2]", "json"),
        ('{"a": 1}\n{"a": 2}\n', "jsonl"),
        ("[server]\nport = 80\n", "toml"),
        ("[[items]]\nname = 'x'\n", "toml"),
        ("title = 'x'\n", "toml"),
        ("# comment\nname: x\n", "yaml"),
        ("---\n- a\n", "yaml"),
        ("- a\n- b\n", "yaml"),
        ("<?xml version='1.0'?><a/>", "xml"),
        ("\ufeff<a/>", "xml"),
        ("id,name\n1,x\n2,y\n", "csv"),
        ("id;name\n1;x\n", "csv"),
    ],
)
def test_detects_from_content(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_extension_wins_over_content() -> None:
    assert detect_format('{"a": 1}', "config.yml") == "yaml"
    assert detect_format("a,b\n1,2\n", "data.TSV") == "csv"


@pytest.mark.parametrize("text", ["", "   \n", "just some words"])
def test_undetectable_input_asks_for_the_format(text: str) -> None:
    with pytest.raises(UsageError, match="format"):
        detect_format(text)


@given(st.text(alphabet=',]} \t\r\n\u00a0\u2028/*x"', max_size=40))
def test_the_jsonc_look_matches_its_plain_rule(text: str) -> None:
    # maybe_jsonc's possessive pattern (fast) against the rule it stands for: `//` or `/*`,
    # or a comma before a closing bracket with only whitespace between.
    plain = re.search(r"/[/*]", text) is not None or re.search(r",\s*[\]}]", text) is not None
    assert maybe_jsonc(text) is plain
