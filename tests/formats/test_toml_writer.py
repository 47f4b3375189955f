"""structconv.formats.toml_writer against a reader it was not written with: the standard
library's tomllib reads every text it writes back as the same data, types included."""

from __future__ import annotations

import datetime
import math
import tomllib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from structconv.formats.toml_writer import Unwritable, string, write_document, write_pieces

# Any text without lone surrogates (TOML and UTF-8 have none): controls, DEL, quotes,
# backslashes, non-printable spaces and separators, astral characters.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
SCALARS = (
    TEXT
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.dates()
    | st.times()
    | st.datetimes(
        timezones=st.none()
        | st.just(datetime.UTC)
        | st.integers(-1439, 1439).map(
            lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
        )
    )
)
DATA: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=24,
)


def _typed(value: Any) -> Any:
    """The value with each scalar's type beside it: 1, 1.0 and True differ, and so do
    0.0 and -0.0, and two offsets of the same instant."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, float):
        return ("float", value, math.copysign(1.0, value))
    if isinstance(value, datetime.datetime):
        return ("datetime", value, value.utcoffset())
    return (type(value).__name__, value)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(TEXT, DATA, max_size=6), st.booleans())
def test_tomllib_reads_what_the_writer_writes(data: dict[str, Any], sort_keys: bool) -> None:
    text = write_document(data, sort_keys=sort_keys, indent=2, max_depth=64)
    again = tomllib.loads(text)
    assert _typed(again) == _typed(data)
    if not sort_keys:
        assert list(again) == list(data)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_a_string_reads_back_as_itself(text: str) -> None:
    assert tomllib.loads(f"value = {string(text)}\n")["value"] == text


def test_text_that_needs_escapes_gets_them() -> None:
    assert string('say "hi"\\') == '"say \\"hi\\"\\\\"'
    assert string("a\x7fb\tc\u00a0") == '"a\\u007fb\\tc\u00a0"'  # NBSP needs none
    assert string("plain é") == '"plain é"'


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(TEXT, DATA, max_size=6), st.booleans())
def test_the_pieces_join_into_the_text_and_claim_the_top_level_in_order(
    data: dict[str, Any], sort_keys: bool
) -> None:
    try:
        text, pieces = write_pieces(data, sort_keys=sort_keys, indent=2, max_depth=64)
    except Unwritable:
        return
    assert "".join(piece for piece, _ in pieces) == text
    assert text == write_document(data, sort_keys=sort_keys, indent=2, max_depth=64)
    root, *sections = pieces
    assert root[1] is None
    merged = tomllib.loads(root[0])
    for piece, claim in sections:
        assert claim is not None
        key, index = claim
        read = tomllib.loads(piece)
        assert list(read) == [key]
        if index is None:
            merged[key] = read[key]
        else:
            assert len(read[key]) == 1
            merged.setdefault(key, []).append(read[key][0])
    assert _typed(merged) == _typed(tomllib.loads(text))
