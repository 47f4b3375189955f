"""The golden corpus of malformed inputs (tests/golden/README.md), through the rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from structconv import (
    AmbiguousInput,
    ParseError,
    RepairRejected,
    StructconvError,
    convert,
)
from structconv.formats import canonical_name

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "malformed"
EXPECTED_SUFFIX = ".expected.json"


def _cases() -> list[Path]:
    return sorted(
        path
        for path in GOLDEN.glob("*/*")
        if path.is_file() and not path.name.endswith(EXPECTED_SUFFIX) and path.suffix != ".md"
    )


CASES = _cases()


def expected_of(case: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        case.with_name(case.name.rsplit(".", 1)[0] + EXPECTED_SUFFIX).read_text(encoding="utf-8")
    )
    return loaded


def as_json(data: Any) -> Any:
    """Data as JSON holds it (dates become ISO strings), to compare with the expected file."""
    return json.loads(convert(json.dumps(data, default=str), src="json", to="json").text)


def test_every_case_has_its_expectation() -> None:
    for case in CASES:
        expected = expected_of(case)
        assert expected["outcome"] in ("repaired", "ambiguous", "refused"), case
        assert expected["outcome"] == "refused" or "data" in expected, case
        assert expected.get("source"), f"{case}: say where the shape comes from"


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
def test_case(case: Path) -> None:
    expected = expected_of(case)
    source_format = canonical_name(case.parent.name)
    raw = case.read_bytes()
    settings = expected.get("settings", {})
    if not expected.get("parses_strictly", False):
        with pytest.raises(ParseError):
            convert(raw, src=source_format, to="json", repair="off", **settings)
    outcome = expected["outcome"]
    if outcome == "repaired":
        result = convert(raw, src=source_format, to="json", repair="rules", **settings)
        assert result.fixes, "repaired without a recorded fix"
        assert json.loads(result.text) == expected["data"]
        assert 0.0 < result.confidence < 1.0
    elif outcome == "ambiguous":
        with pytest.raises(AmbiguousInput) as raised:
            convert(raw, src=source_format, to="json", repair="rules", **settings)
        readings = [as_json(candidate.data) for candidate in raised.value.ambiguity.candidates]
        assert len(readings) >= 2
        assert expected["data"] in readings
    else:
        with pytest.raises((RepairRejected, ParseError)) as refused:
            convert(raw, src=source_format, to="json", repair="rules", **settings)
        assert isinstance(refused.value, StructconvError)
