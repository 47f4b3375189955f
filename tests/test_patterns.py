"""structconv.patterns: patterns compiled on first use, and the sampled scan for long runs."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from structconv.patterns import lazy_compile, long_run

# The classes the readers scan for, and texts made of their characters, their neighbours,
# "?" (what a character outside ASCII becomes in the samples) and characters outside ASCII.
CLASSES = ["[0-9]", "[0-9_]", "[0-9A-Fa-f]", "[ \t?:-]"]
TEXTS = st.text(alphabet="0189_aFg \t?:-\n\u00e9\u3042\U0001f600", max_size=120)


@given(TEXTS, st.sampled_from(CLASSES), st.integers(min_value=2, max_value=40))
def test_a_long_run_is_found_exactly_where_a_full_scan_finds_it(
    text: str, character_class: str, length: int
) -> None:
    expected = re.search(f"{character_class}{{{length}}}", text) is not None
    assert long_run(text, character_class, length) is expected


@given(TEXTS, st.sampled_from(CLASSES), st.integers(min_value=2, max_value=40))
def test_utf8_bytes_have_the_runs_of_their_text(
    text: str, character_class: str, length: int
) -> None:
    """A JSON file's bytes are scanned undecoded: an ASCII run in them is one in the text."""
    expected = re.search(f"{character_class}{{{length}}}", text) is not None
    assert long_run(text.encode("utf-8"), character_class, length) is expected


def test_a_run_across_a_sample_of_another_script_is_found() -> None:
    # Samples every 9 characters: the run's samples are digits, its neighbours' are not.
    text = "\u3042" * 20 + "1" * 19 + "?" * 20
    assert long_run(text, "[0-9]", 19)
    assert not long_run(text.replace("1", "1\u3042", 1), "[0-9]", 19)


def test_a_pattern_compiles_on_first_use() -> None:
    pattern = lazy_compile(r"a+b")
    assert "lazy_compile" in repr(pattern)
    assert pattern.fullmatch("aab") is not None
    assert pattern.search("xxab") is not None
