"""TOML normalizer: tomlkit round trip with consistent spacing, comments and spellings kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from structconv.encoding import decode
from structconv.normalize import normalize_text
from structconv.normalize.settings import NormalizeSettings
from tests.conftest import ORACLES


def norm(text: str, **settings: object) -> str:
    return normalize_text(text, "toml", NormalizeSettings(**settings))  # type: ignore[arg-type]


def test_spacing_around_equals_indentation_and_blank_lines() -> None:
    text = "# top\n\n\n\na=1 # one\n  [t]\n  b  =  2\n    [t.u]\n    c=3\n"
    assert norm(text) == "# top\n\na = 1 # one\n\n[t]\nb = 2\n\n[t.u]\nc = 3\n"


def test_value_spellings_are_kept() -> None:
    text = "h = 0x1F\nn = 1_000\ns = 'lit'\ne = \"\\u00e9\"\nd = 1979-05-27T07:32:00Z\n"
    assert norm(text) == text


def test_arrays_and_inline_tables_are_spaced() -> None:
    text = "a = [1,2,  3]\nt = {x=1,y={z=2}}\ne = [\n]\n"
    assert norm(text) == "a = [1, 2, 3]\nt = { x = 1, y = { z = 2 } }\ne = []\n"


def test_long_arrays_go_one_item_per_line_with_a_trailing_comma() -> None:
    text = 'names = ["alpha", "beta", "gamma", "delta"]\n'
    assert norm(text, width=30) == ('names = [\n  "alpha",\n  "beta",\n  "gamma",\n  "delta",\n]\n')


def test_arrays_with_comments_keep_their_layout() -> None:
    text = "a = [\n  1, # one\n  2,\n]\n"
    assert norm(text) == text


def test_multiline_strings_are_data_and_stay_untouched() -> None:
    text = 'a = """\nline   \n\n\n  indented"""\n'
    assert norm(text) == text


def test_comment_above_a_table_stays_with_it() -> None:
    text = "a = 1\n# about t\n[t]\nb = 2\n"
    assert norm(text) == "a = 1\n\n# about t\n[t]\nb = 2\n"


def test_arrays_of_tables() -> None:
    text = "[[p]]\nn=1\n[[p]]\nn=2\n"
    assert norm(text) == "[[p]]\nn = 1\n\n[[p]]\nn = 2\n"


def test_a_spread_inline_table_keeps_its_comments_and_layout() -> None:
    """TOML 1.1 allows newlines and comments in inline tables: nothing of them is lost."""
    text = 'contact = {  # who\n  name = "Ada",  # first\n  tags = ["x"],\n}\nb   = 1\n'
    assert norm(text) == 'contact = {  # who\n  name = "Ada",  # first\n  tags = ["x"],\n}\nb = 1\n'


def test_an_array_of_spread_inline_tables_keeps_its_layout() -> None:
    text = 'people = [\n  {\n    name = "Ada",\n  },\n]\n'
    assert norm(text) == text


def test_dotted_keys_in_an_inline_table_stay_dotted() -> None:
    assert norm('animal = {type.name="pug", type.age = 3}\n') == (
        'animal = { type.name = "pug", type.age = 3 }\n'
    )


def test_toml_1_1_spellings_are_kept() -> None:
    text = 'esc = "\\e[0m \\xE9"\nat = 07:32\nwhen = 1979-05-27 07:32Z\nt = { a = 1, }\n'
    assert (
        norm(text) == 'esc = "\\e[0m \\xE9"\nat = 07:32\nwhen = 1979-05-27 07:32Z\nt = { a = 1 }\n'
    )


def _toml_test_cases() -> list[str]:
    listing = ORACLES / "toml-test" / "tests" / "files-toml-1.1.0"
    if not listing.is_file():
        return []
    names = listing.read_text(encoding="utf-8").splitlines()
    return sorted(name for name in names if name.startswith("valid/") and name.endswith(".toml"))


@pytest.mark.conformance
@pytest.mark.parametrize("case", _toml_test_cases())
def test_every_valid_toml_test_case_normalizes_stably(oracles: Path, case: str) -> None:
    """normalize_text refuses any change of data and any unstable result: every valid
    case of toml-test (1.1 list) must pass both checks."""
    raw = (oracles / "toml-test" / "tests" / case).read_bytes()
    text = decode(raw, "toml")[0]
    once = norm(text)
    assert norm(once) == once
