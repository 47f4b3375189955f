"""JSONTestSuite: y_ cases must parse, n_ cases must be refused with a ParseError (strict mode)."""

from __future__ import annotations

from pathlib import Path

import pytest

from structconv import ParseError, StructconvError, convert
from tests.conftest import ORACLES

SUITE = ORACLES / "JSONTestSuite" / "test_parsing"
CASES = sorted(SUITE.glob("*.json")) if SUITE.is_dir() else []
pytestmark = pytest.mark.skipif(not CASES, reason=f"JSONTestSuite not found at {SUITE}")


# RFC 8259 lets a reader accept repeated keys, and the suite lists these two as valid;
# structconv refuses them on purpose: keeping either value would silently drop the other.
REFUSED_BY_DESIGN = {"y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json"}


def _cases(prefix: str) -> list[Path]:
    return [case for case in CASES if case.name.startswith(prefix)]


@pytest.mark.parametrize("case", _cases("y_"), ids=lambda case: case.name)
def test_accepts_valid(case: Path) -> None:
    if case.name in REFUSED_BY_DESIGN:
        with pytest.raises(ParseError, match="duplicate key"):
            convert(case.read_bytes(), src="json", to="json", repair="off")
        return
    result = convert(case.read_bytes(), src="json", to="json", repair="off")
    assert convert(result.text, src="json", to="json", repair="off").data == result.data


@pytest.mark.parametrize("case", _cases("n_"), ids=lambda case: case.name)
def test_refuses_invalid(case: Path) -> None:
    with pytest.raises(ParseError):
        convert(case.read_bytes(), src="json", to="json", repair="off")


@pytest.mark.parametrize("case", _cases("i_"), ids=lambda case: case.name)
def test_implementation_defined_never_crashes(case: Path) -> None:
    try:
        convert(case.read_bytes(), src="json", to="json", repair="off")
    except ParseError as error:
        assert error.format == "json"


@pytest.mark.parametrize("case", _cases("n_"), ids=lambda case: case.name)
def test_invalid_is_repaired_with_fixes_or_refused_never_passed_through(case: Path) -> None:
    """With repair on, an invalid file either comes back with the fixes that made it
    valid, or is refused with one of structconv's errors."""
    try:
        result = convert(case.read_bytes(), src="json", to="json", repair="rules")
    except StructconvError:
        return
    assert result.fixes, "an invalid file was accepted without any recorded fix"
    assert result.repaired is not None
    assert 0.0 < result.confidence < 1.0


def _outcome(source: str | bytes) -> tuple[str, ...]:
    try:
        result = convert(source, src="json", to="json", repair="off")
    except ParseError as error:
        return ("refused", error.message, str(error.line), str(error.column))
    return (result.source_format, result.text)


def _utf8_cases() -> list[Path]:
    readable = []
    for case in _cases("y_") + _cases("i_"):
        try:
            case.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        readable.append(case)
    return readable


@pytest.mark.parametrize("case", _utf8_cases(), ids=lambda case: case.name)
def test_reading_the_bytes_gives_what_reading_the_text_gives(case: Path) -> None:
    """A JSON file's bytes are read undecoded where orjson reads them as the strict
    reader would their text (structconv.formats.json.loads_utf8): the same data, written
    the same, or the same error at the same place."""
    raw = case.read_bytes()
    assert _outcome(raw) == _outcome(raw.decode("utf-8"))
