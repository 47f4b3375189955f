"""TOML normalizer: tomlkit round trip with consistent spacing, comments and spellings kept."""

from __future__ import annotations

from structconv.config import NormalizeSettings
from structconv.normalize import normalize_text


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
