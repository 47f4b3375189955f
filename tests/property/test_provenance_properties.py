"""Provenance under attack: random data, written out, then broken in one structural place.

The corruption deletes or swaps one piece of structure (a comma, a colon, a bracket, a
quote, an end tag, a delimiter; never a letter of a value, never one between two words,
which would join them), so every key and value of an accepted
repair must be one that was written, as often as it was written: a repair that invents
or drops one, and that provenance lets through, fails here. Where the slip has one
right answer (a trailing comma, a lost closing quote), an accepted repair must be
exactly the data that was written. Refusals and ambiguities are fine: the honest answer
to a slip that erased information.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from structconv import StructconvError, convert
from structconv.formats import write
from structconv.neutral import first_difference
from structconv.options import Options
from structconv.repair.provenance import walk_items

WORDS = st.text(alphabet="abcdefgh xyz-_.", min_size=1, max_size=8).filter(
    lambda word: word.strip() == word and word.strip(".-_")
)
KEYS = st.text(alphabet="abcdefghijk_", min_size=1, max_size=6)
SCALARS = st.one_of(
    WORDS,
    st.integers(min_value=-1000, max_value=100000),
    st.booleans(),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)),
)


def documents(scalars: st.SearchStrategy[Any], nulls: bool) -> st.SearchStrategy[Any]:
    leaf = st.one_of(scalars, st.none()) if nulls else scalars
    return st.dictionaries(
        KEYS,
        st.recursive(
            leaf,
            lambda inner: st.one_of(
                st.lists(inner, min_size=1, max_size=3),
                st.dictionaries(KEYS, inner, min_size=1, max_size=3),
            ),
            max_leaves=8,
        ),
        min_size=1,
        max_size=5,
    )


# What each format may lose in one place without losing a letter of a value.
STRUCTURE = {
    "json": ',:{}[]"',
    "yaml": ":-\"'[]{},",
    "toml": '=[]{}",',
    "xml": '<>/"=',
    "csv": ',"\n',
}


def _outside_values(text: str, format: str) -> list[int]:
    """Offsets of structural characters (inside quotes only the quotes themselves)."""
    marks = STRUCTURE[format]
    positions = []
    quote = ""
    for offset, character in enumerate(text):
        if quote:
            if character == "\\" and format in ("json", "toml"):
                continue
            if character == quote:
                quote = ""
                positions.append(offset)
            continue
        if character == '"' or (character == "'" and format == "yaml"):
            quote = character
            positions.append(offset)
        elif character in marks:
            positions.append(offset)
    return positions


def _wordish(text: str, offset: int) -> bool:
    return 0 <= offset < len(text) and (text[offset].isalnum() or text[offset] in "_.-")


@st.composite
def broken_documents(draw: st.DrawFn, format: str) -> tuple[str, Any, str]:
    nulls = format in ("json", "yaml")
    data = draw(documents(SCALARS, nulls))
    if format == "csv":
        columns = draw(st.lists(KEYS, min_size=2, max_size=4, unique=True))
        data = draw(
            st.lists(st.fixed_dictionaries({key: WORDS for key in columns}), min_size=2, max_size=4)
        )
    if format == "xml":
        data = {"root": draw(st.dictionaries(KEYS, WORDS, min_size=1, max_size=4))}
    try:
        written, _ = write(data, format, Options())
    except StructconvError:
        assume(False)
        raise
    original = convert(written, src=format, to="json", repair="off").data
    positions = _outside_values(written, format)
    assume(positions)
    at = draw(st.sampled_from(positions))
    how = draw(st.sampled_from(["delete", "swap-quote"]))
    # A deletion between two words joins them into one value: a change of content.
    assume(how != "delete" or not (_wordish(written, at - 1) and _wordish(written, at + 1)))
    if how == "delete":
        text = written[:at] + written[at + 1 :]
    else:
        swapped = {'"': "'", "'": '"'}.get(written[at], written[at])
        text = written[:at] + swapped + written[at + 1 :]
    return text, original, f"{how} {written[at]!r} at {at}"


def _contents(data: Any) -> Counter[tuple[str, type, Any]]:
    """Every key and scalar of the data, counted, types kept (1, 1.0 and True differ)."""
    return Counter(
        (item.role.value, type(item.value), repr(item.value)) for item in walk_items(data)
    )


@pytest.mark.parametrize("format", ["json", "yaml", "toml", "xml", "csv"])
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_repair_of_a_structural_slip_keeps_every_key_and_value(
    format: str, data: st.DataObject
) -> None:
    """Never invent, never lose: whatever a slip of the structure erased (a nesting, a
    table), an accepted repair holds exactly the keys and values that were written."""
    text, original, corruption = data.draw(broken_documents(format))
    try:
        result = convert(text, src=format, to="json", repair="rules")
    except StructconvError:
        return  # refused or ambiguous: an honest answer
    if not result.fixes:
        return  # the slip left valid text (a doubled space, say): nothing was repaired
    assert _contents(result.data) == _contents(original), (
        f"{corruption}: accepted a repair of\n{text}\nthat does not hold the written keys "
        f"and values: {[fix.rule for fix in result.fixes]}: {result.data}"
    )


# Slips with one right answer: the repair may refuse, but what it accepts is the data.
REVERSIBLE = {
    "json": [
        ("a comma before a closing bracket", r"(\S)(\n *[}\]])", r"\1,\2"),
        ("a comma lost at a line end", r",\n", "\n"),
        ("single quotes", r'"([a-z_]+)":', r"'\1':"),
    ],
    "toml": [
        ("a closing quote lost", r'"([a-z _.-]+)"\n', r'"\1\n'),
        ("a colon for the equals sign", r"^([a-z_]+) = ", r"\1: "),
    ],
    "yaml": [
        ("no space after a colon", r'^( *[a-z_]+):( )(")', r"\1:\3"),
        ("a tab after a colon", r"^( *[a-z_]+): ", "\\1:\t"),
    ],
    "xml": [
        ("an ampersand unescaped", r"&amp;", "&"),
    ],
}


@pytest.mark.parametrize(
    ("format", "slip"),
    [(format, slip) for format, slips in REVERSIBLE.items() for slip in slips],
    ids=lambda value: value if isinstance(value, str) else value[0],
)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_reversible_slip_is_repaired_to_the_written_data_or_refused(
    format: str, slip: tuple[str, str, str], data: st.DataObject
) -> None:
    name, pattern, replacement = slip
    document = data.draw(documents(SCALARS, format in ("json", "yaml")))
    if format == "xml":
        document = {
            "root": data.draw(
                st.dictionaries(KEYS, WORDS.map(lambda w: w + " & co"), min_size=1, max_size=3)
            )
        }
    try:
        written, _ = write(document, format, Options())
    except StructconvError:
        assume(False)
        raise
    original = convert(written, src=format, to="json", repair="off").data
    matches = list(re.finditer(pattern, written, re.MULTILINE))
    assume(matches)
    match = data.draw(st.sampled_from(matches))
    text = written[: match.start()] + match.expand(replacement) + written[match.end() :]
    try:
        result = convert(text, src=format, to="json", repair="rules")
    except StructconvError:
        return
    if not result.fixes:
        return  # still valid text, read as written (`key:"v"` alone is one plain scalar)
    difference = first_difference(original, result.data)
    assert difference is None, f"{name}: accepted a wrong repair of\n{text}\n{difference}"
