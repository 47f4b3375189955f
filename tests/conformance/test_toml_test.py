"""toml-test (../shared/oracles/toml-test), both of its lists: TOML 1.1 (the default
reading) and TOML 1.0 (read with toml_version="1.0"). Every valid case reads to the
expected tagged JSON, types included, and writes back as TOML 1.0 syntax that holds the
same data; every invalid case is a ParseError with repair off.

The case lists are built at import time (parametrization happens at collection);
without the suites they are empty and `test_suite_is_present` reports the skip.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import toml_rs

from structconv import ParseError, convert
from structconv.encoding import decode
from structconv.formats import read
from structconv.formats import toml as toml_format
from structconv.neutral import first_difference
from structconv.options import Options
from tests.conftest import ORACLES

SUITE = ORACLES / "toml-test" / "tests"
LISTINGS = {"1.0": SUITE / "files-toml-1.0.0", "1.1": SUITE / "files-toml-1.1.0"}


def _cases(version: str, kind: str) -> list[tuple[str, str]]:
    listing = LISTINGS[version]
    if not listing.is_file():
        return []
    names = listing.read_text(encoding="utf-8").splitlines()
    return [
        (version, name)
        for name in sorted(names)
        if name.startswith(f"{kind}/") and name.endswith(".toml")
    ]


VALID = _cases("1.1", "valid") + _cases("1.0", "valid")
INVALID = _cases("1.1", "invalid") + _cases("1.0", "invalid")

_LONG_FRACTION = re.compile(r"\.\d{7}")


def _timestamp(kind: str, value: str) -> Any:
    """The Python value of a toml-test date/time string; one with more than 6 fractional
    digits is its text, as structconv keeps it (a datetime holds microseconds)."""
    if _LONG_FRACTION.search(value):
        return value
    if kind == "date-local":
        return datetime.date.fromisoformat(value)
    if kind == "time-local":
        return datetime.time.fromisoformat(value)
    return datetime.datetime.fromisoformat(value.upper().replace(" ", "T"))


def untag(node: Any) -> Any:
    """toml-test's tagged JSON ({"type": "integer", "value": "1"}) as plain Python values."""
    if isinstance(node, list):
        return [untag(item) for item in node]
    if set(node) == {"type", "value"} and isinstance(node["value"], str):
        kind, value = node["type"], node["value"]
        if kind == "string":
            return value
        if kind == "integer":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return value == "true"
        return _timestamp(kind, value)
    return {name: untag(value) for name, value in node.items()}


def test_suite_is_present(oracles: Path) -> None:
    for version in LISTINGS:
        assert len(_cases(version, "valid")) > 200
        assert len(_cases(version, "invalid")) > 400


def test_untag_keeps_types() -> None:
    tagged = {
        "f": {"type": "float", "value": "-nan"},
        "i": {"type": "integer", "value": "-0"},
        "t": {"type": "datetime", "value": "1987-07-05T17:45:56.123456Z"},
        "n": {"type": "datetime", "value": "1987-07-05T17:45:56.123456789Z"},
        "table": {"type": {"type": "string", "value": "x"}, "value": []},
    }
    data = untag(tagged)
    assert math.isnan(data["f"]) and type(data["i"]) is int
    assert data["t"] == datetime.datetime(1987, 7, 5, 17, 45, 56, 123456, tzinfo=datetime.UTC)
    assert data["n"] == "1987-07-05T17:45:56.123456789Z"
    assert data["table"] == {"type": "x", "value": []}


@pytest.mark.conformance
@pytest.mark.parametrize(("version", "case"), VALID)
def test_valid_case_reads_as_expected_and_round_trips(
    oracles: Path, version: str, case: str
) -> None:
    raw = (SUITE / case).read_bytes()
    expected = untag(json.loads((SUITE / case).with_suffix(".json").read_text(encoding="utf-8")))
    data = read(decode(raw, "toml")[0], "toml", Options(toml_version=version))
    assert first_difference(expected, data) is None
    again = convert(raw, src="toml", to="toml", toml_version=version)
    assert first_difference(expected, again.data) is None
    # Written as TOML 1.0, whatever the input used: no 1.1-only syntax, the same data.
    assert first_difference(expected, read(again.text, "toml", Options(toml_version="1.0"))) is None


@pytest.mark.conformance
@pytest.mark.parametrize(("version", "case"), INVALID)
def test_invalid_case_is_a_parse_error(oracles: Path, version: str, case: str) -> None:
    with pytest.raises(ParseError):
        convert(
            (SUITE / case).read_bytes(),
            src="toml",
            to="json",
            repair="off",
            toml_version=version,
        )


@pytest.mark.conformance
@pytest.mark.parametrize(("version", "case"), VALID)
def test_the_exact_reading_agrees_with_the_plain_one(
    oracles: Path, version: str, case: str
) -> None:
    """Texts with a long fraction or a huge number are read again from toml-rs's values
    with their source text: on every valid case, that reading is the plain one, in order."""
    text = decode((SUITE / case).read_bytes(), "toml")[0]
    options = Options(toml_version=version)
    plain = toml_rs.loads(text, toml_version=f"{version}.0")  # type: ignore[arg-type]
    exact = toml_format._exact(text, options)
    assert first_difference(plain, exact) is None
    assert json.dumps(plain, default=str) == json.dumps(exact, default=str)  # key order too
