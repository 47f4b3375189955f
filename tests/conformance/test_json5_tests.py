"""The JSON5 test suite (tests/conformance/json5_tests, from github.com/json5/json5-tests,
MIT): JSON5 reads every valid case to the value ES5 `eval` gives (expected.json, made
with node) and refuses every invalid one; JSONC accepts exactly the cases that are JSON
plus comments and trailing commas.

Two deliberate differences, as for JSON: duplicate keys are refused (the suite's
objects/duplicate-keys.json), and `-0` written as an integer reads as the integer 0
(Python has no negative integer zero).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from structconv import ParseError
from structconv.formats import read
from structconv.options import Options

SUITE = Path(__file__).resolve().parent / "json5_tests"
EXPECTED: dict[str, Any] = json.loads((SUITE / "expected.json").read_text(encoding="utf-8"))
CASES = sorted(
    path.relative_to(SUITE).as_posix()
    for path in SUITE.rglob("*")
    if path.suffix in (".json", ".json5", ".js", ".txt")
    and path.name != "expected.json"
    and not path.relative_to(SUITE).as_posix().startswith("todo/")
)
REFUSED_ON_PURPOSE = {"objects/duplicate-keys.json"}
# Valid JSON5 whose only JSON5 features are comments and trailing commas.
JSONC_FEATURES = ("comments/", "new-lines/comment-", "trailing-comma")


def _same(expected: Any, got: Any) -> bool:
    """Equal as ES5 sees it: numbers by value (a NaN marker matches NaN), types otherwise."""
    if isinstance(expected, dict) and set(expected) == {"$number"}:
        number = float(expected["$number"])
        if math.isnan(number):
            return isinstance(got, float) and math.isnan(got)
        return isinstance(got, int | float) and got == number
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and list(got) == list(expected)
            and all(_same(value, got[key]) for key, value in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list) and len(got) == len(expected) and all(map(_same, expected, got))
        )
    if isinstance(expected, bool) or expected is None:
        return got is expected
    if isinstance(expected, int | float):
        return not isinstance(got, bool) and isinstance(got, int | float) and got == expected
    return bool(got == expected)


def test_suite_is_present() -> None:
    assert len(CASES) == 111


@pytest.mark.parametrize("case", CASES)
def test_json5_reads_valid_cases_and_refuses_the_rest(case: str) -> None:
    text = (SUITE / case).read_text(encoding="utf-8")
    if case.endswith((".json", ".json5")) and case not in REFUSED_ON_PURPOSE:
        assert _same(EXPECTED[case], read(text, "json5", Options()))
    else:
        with pytest.raises(ParseError):
            read(text, "json5", Options())


@pytest.mark.parametrize("case", CASES)
def test_jsonc_reads_json_with_comments_and_trailing_commas_only(case: str) -> None:
    text = (SUITE / case).read_text(encoding="utf-8")
    jsonc = case.endswith(".json") or (
        case.endswith(".json5") and any(feature in case for feature in JSONC_FEATURES)
    )
    if jsonc and case not in REFUSED_ON_PURPOSE:
        assert _same(EXPECTED[case], read(text, "jsonc", Options()))
    else:
        with pytest.raises(ParseError):
            read(text, "jsonc", Options())
