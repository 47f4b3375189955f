"""Round trips between every pair of formats, on every document both can hold.

For each ordered pair (A, B): a document written in A, converted A -> B -> A, reads
back as the same data as the A text did (strict types, `first_difference`). For each
format A, A -> A is idempotent: converting its output again gives identical text.

The documents are drawn from what *both* formats of a pair can hold (`Holds`), taken
from the README's "Known limitations" and "Conventions" and the codecs' docstrings.
Pairs whose shapes never meet (CSV and JSON Lines are lists, TOML is a table, XML is
one root element) hold no common document: there the trip must be refused with an
UnrepresentableError, never give back different data silently.
"""

from __future__ import annotations

import datetime
import functools
import itertools
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structconv import StructconvError, UnrepresentableError, api, convert, formats
from structconv.formats.csv_types import infer_cell
from structconv.formats.yaml_tags import tag_of_key
from structconv.neutral import first_difference
from structconv.options import Options

FORMATS = ("json", "jsonc", "json5", "jsonl", "yaml", "toml", "xml", "csv")
DEFAULT = Options()
# The codecs alone: a repair (on by default) must never be what makes a trip succeed.
STRICT = {"repair": "off"}

ROUND_TRIP_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text likely to trip a writer: scripts, emoji, quoting and escaping characters,
# markup, padding, line breaks, and spellings that other formats would type.
TRICKY = [
    "日本語のテキスト",
    "🎉👍🏽 emoji",
    'say "hi"',
    "it's",
    "line\nbreak",
    "crlf\r\nend",
    "back\\slash",
    "a & b",
    "<tag attr='1'>",
    "]]>",
    "  padded  ",
    " x",
    "tab\there",
    "",
    " ",
    "\n",
    "key: value",
    "- item",
    "# not a comment",
    "null",
    "~",
    "true",
    "no",
    "7",
    "007",
    "1.5",
    "1e3",
    "-0",
    "2024-01-01",
    "12:30:00",
    "a,b;c|d",
    "'",
    '"',
    "=",
    "[x]",
    "{x}",
    "---",
    "\ufeffbom",  # once lost as a byte order mark at the start of a CSV
    "_0",  # once written plain in YAML, which yaml-rs reads as the int 0
    "\u2028sep",
    "\x7f\x85",
]

# Outside XML 1.0's Char production (xml.py refuses them); surrogates are no UTF-8 anyway.
_NOT_XML_CHARACTERS = {chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"} | {
    "\ufffe",
    "\uffff",
}

Shape = Literal["any", "table", "element", "list", "records"]


@dataclass(frozen=True)
class Holds:
    """What a format (or the pair of formats, by `meet`) can hold exactly.

    shape: "any" value; a "table" at the top (TOML); one root "element" (XML: a
    single key whose value is no list); a "list" (JSON Lines); "records" (CSV: a list
    of mappings with the same keys, nested mappings as dotted columns, no lists).
    """

    shape: Shape
    null: bool = True
    typed: bool = True  # bool, int, float; XML without a schema reads text only
    int64: bool = False  # TOML integers are 64 bits
    nonfinite: bool = False  # NaN and infinities: YAML and TOML
    dates: bool = False  # YAML timestamps and TOML datetimes; JSON, XML, CSV make strings
    times: bool = False  # a time of day: TOML only (YAML writes an ISO string)
    xml_text: bool = False  # only XML 1.0 characters
    csv_text: bool = False  # no NUL, no canonical spellings (CSV types those)
    int_keys: bool = False  # YAML may have `1: a`
    # A key that spells a YAML tag ("!Ref"): in YAML a one-key mapping with one is that tag.
    tag_keys: bool = True


HOLDS: dict[str, Holds] = {
    "json": Holds("any"),
    "jsonc": Holds("any"),
    "json5": Holds("any", nonfinite=True),
    "jsonl": Holds("list"),
    "yaml": Holds("any", nonfinite=True, dates=True, int_keys=True, tag_keys=False),
    "toml": Holds("table", null=False, int64=True, nonfinite=True, dates=True, times=True),
    "xml": Holds("element", null=False, typed=False, xml_text=True),
    "csv": Holds("records", null=False, csv_text=True),
}

_NARROWER: dict[Shape, set[Shape]] = {
    "any": {"any", "table", "element", "list", "records"},
    "table": {"table", "element"},
    "element": {"element"},
    "list": {"list", "records"},
    "records": {"records"},
}


def meet(first: Holds, second: Holds) -> Holds | None:
    """What both formats hold; None when their shapes never meet."""
    if second.shape in _NARROWER[first.shape]:
        shape = second.shape
    elif first.shape in _NARROWER[second.shape]:
        shape = first.shape
    else:
        return None
    return Holds(
        shape,
        null=first.null and second.null,
        typed=first.typed and second.typed,
        int64=first.int64 or second.int64,
        nonfinite=first.nonfinite and second.nonfinite,
        dates=first.dates and second.dates,
        times=first.times and second.times,
        xml_text=first.xml_text or second.xml_text,
        csv_text=first.csv_text or second.csv_text,
        int_keys=first.int_keys and second.int_keys,
        tag_keys=first.tag_keys and second.tag_keys,
    )


PAIRS = list(itertools.permutations(FORMATS, 2))
COMMON = [(a, b) for a, b in PAIRS if meet(HOLDS[a], HOLDS[b]) is not None]
DISJOINT = [(a, b) for a, b in PAIRS if meet(HOLDS[a], HOLDS[b]) is None]


# ---------------------------------------------------------------- strategies


@functools.cache
def texts(holds: Holds) -> st.SearchStrategy[str]:
    """Strings the formats keep exactly.

    XML: XML 1.0 characters only (xml.py refuses the others). CSV: no NUL (a CSV
    ParseError, "NUL character"), and no canonical spelling of an int, float or bool
    ("7", "1.5", "true"), which csv.py's docstring says are read back typed; "007",
    " 7", "" and "1e3" stay text and are generated.
    """
    excluded = ["\x00"] if holds.csv_text else []
    samples = [text for text in TRICKY if "\x00" not in text]
    if holds.xml_text:
        excluded = [*_NOT_XML_CHARACTERS]
        samples = [text for text in samples if not set(text) & _NOT_XML_CHARACTERS]
    strategy = st.one_of(
        st.sampled_from(samples),
        st.text(st.characters(codec="utf-8", exclude_characters=excluded)),
    )
    if holds.csv_text:
        strategy = strategy.filter(lambda text: infer_cell(text) is text)
    return strategy


def _aware(draw: st.DrawFn) -> datetime.timezone | None:
    minutes = draw(st.one_of(st.none(), st.integers(-23 * 60 - 59, 23 * 60 + 59)))
    return None if minutes is None else datetime.timezone(datetime.timedelta(minutes=minutes))


@st.composite
def datetimes(draw: st.DrawFn) -> datetime.datetime:
    """Whole-minute offsets or none: TOML and YAML offsets are hours and minutes."""
    return draw(st.datetimes(datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31))).replace(
        tzinfo=_aware(draw)
    )


@functools.cache
def scalars(holds: Holds) -> st.SearchStrategy[Any]:
    options: list[st.SearchStrategy[Any]] = [texts(holds)]
    if holds.typed:
        integers = (
            st.integers(-(2**63), 2**63 - 1)
            if holds.int64
            else st.one_of(st.integers(), st.integers(-(2**80), 2**80))
        )
        options += [
            st.booleans(),
            integers,
            st.floats(allow_nan=holds.nonfinite, allow_infinity=holds.nonfinite),
        ]
    if holds.null:
        options.append(st.none())
    if holds.dates:
        options += [st.dates(), datetimes()]
    if holds.times:
        options.append(st.times())
    return st.one_of(options)


def keys(holds: Holds) -> st.SearchStrategy[Any]:
    strings = texts(holds)
    if not holds.tag_keys:
        strings = strings.filter(lambda key: tag_of_key(key) is None)
    return st.one_of(strings, st.integers(-99, 99)) if holds.int_keys else strings


def values(holds: Holds) -> st.SearchStrategy[Any]:
    """Any nesting of lists and mappings (empty ones too) over the scalars."""
    return st.recursive(
        scalars(holds),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(keys(holds), inner, max_size=4)
        ),
        max_leaves=12,
    )


# XML names without a prefix (a prefix needs an xmlns declaration) and not starting with
# "xml", which XML reserves and the codec uses for namespace declarations ("@xmlns").
_NAME_START = "abcyzABZ_éñ日本語"
_NAME_REST = _NAME_START + "0123456789-.·"
xml_names = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(_NAME_START),
    st.text(st.sampled_from(_NAME_REST), max_size=6),
)


def xml_elements(holds: Holds) -> st.SearchStrategy[Any]:
    """An element as xml.py's docstring reads it back.

    Text only: a string ("" for an empty element). Otherwise a non-empty mapping of
    "@name" attributes and either "#text" (non-empty: an empty text is no text) beside
    attributes, or children by name, a repeated child as a list of 2+ elements (one
    item reads back as the single child, an empty list as ""). Mixed content
    ("#content") is a read-side form for text between children and is not generated.
    """
    text = texts(holds)
    attribute_names = xml_names.map(lambda name: "@" + name)
    attributes = st.dictionaries(attribute_names, text, max_size=2)
    some_attributes = st.dictionaries(attribute_names, text, min_size=1, max_size=2)

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        child = st.one_of(inner, st.lists(inner, min_size=2, max_size=3))
        with_children = st.builds(
            lambda attrs, children: {**attrs, **children},
            attributes,
            st.dictionaries(xml_names, child, min_size=1, max_size=3),
        )
        with_text = st.builds(
            lambda attrs, body: {**attrs, "#text": body},
            some_attributes,
            text.filter(bool),
        )
        return st.one_of(with_children, with_text, some_attributes)

    return st.recursive(text, extend, max_leaves=8)


def xml_documents(holds: Holds) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(xml_names, xml_elements(holds), min_size=1, max_size=1)


def csv_keys(holds: Holds) -> st.SearchStrategy[str]:
    """Column names: no '.', which separates nested column names (csv.py's docstring)."""
    return texts(holds).filter(lambda name: "." not in name)


@functools.cache
def csv_layouts(holds: Holds) -> st.SearchStrategy[dict[str, Any]]:
    """The columns as a tree: None for a cell, a non-empty mapping for nested columns (an
    empty mapping has no column)."""
    names = csv_keys(holds)
    nested = st.recursive(
        st.none(), lambda inner: st.dictionaries(names, inner, min_size=1, max_size=3), max_leaves=4
    )
    return st.dictionaries(names, nested, min_size=1, max_size=3)


@st.composite
def csv_records(draw: st.DrawFn, holds: Holds) -> list[dict[str, Any]]:
    """Records with the same keys (a missing cell would read back as ""), no lists inside
    records (README: "CSV is flat")."""
    layout = draw(csv_layouts(holds))
    cell = scalars(holds)

    def fill(tree: dict[str, Any]) -> dict[str, Any]:
        return {name: draw(cell) if sub is None else fill(sub) for name, sub in tree.items()}

    return [fill(layout) for _ in range(draw(st.integers(0, 4)))]


@functools.cache
def documents(holds: Holds) -> st.SearchStrategy[Any]:
    if holds.shape == "element":
        return xml_documents(holds)
    if holds.shape == "records":
        return csv_records(holds)
    if holds.shape == "list":
        return st.lists(values(holds), max_size=4)
    if holds.shape == "table":
        return st.dictionaries(keys(holds), values(holds), max_size=4)
    return values(holds)


# ---------------------------------------------------------------- the properties


def written(data: Any, fmt: str) -> str:
    """The text of `data` in `fmt`, by structconv's own (verified) writer."""
    text, _ = api.write(data, fmt, DEFAULT)
    return text


def read(text: str, fmt: str) -> Any:
    return formats.read(text, fmt, DEFAULT)


def assert_same(expected: Any, got: Any, what: str) -> None:
    difference = first_difference(expected, got)
    assert difference is None, (
        f"{what}: at {difference[0]} expected {difference[1]!r}, got {difference[2]!r}"
    )


@pytest.mark.parametrize(("source", "target"), COMMON)
@ROUND_TRIP_SETTINGS
@given(data=st.data())
def test_a_to_b_to_a_gives_back_the_same_data(
    source: str, target: str, data: st.DataObject
) -> None:
    holds = meet(HOLDS[source], HOLDS[target])
    assert holds is not None
    document = data.draw(documents(holds), label="document")
    text = written(document, source)
    expected = read(text, source)
    assert_same(document, expected, f"the {source} text of the document")
    there = convert(text, src=source, to=target, **STRICT).text
    back = convert(there, src=target, to=source, **STRICT).text
    assert_same(expected, read(back, source), f"{source} -> {target} -> {source}")


@pytest.mark.parametrize(("source", "target"), DISJOINT)
@ROUND_TRIP_SETTINGS
@given(data=st.data())
def test_pairs_without_common_documents_refuse_the_trip(
    source: str, target: str, data: st.DataObject
) -> None:
    """CSV and JSON Lines read a list, TOML needs a table, XML one root element: going
    there and back cannot give the same data, and must say so (README: --root)."""
    document = data.draw(documents(HOLDS[source]), label="document")
    text = written(document, source)
    with pytest.raises(UnrepresentableError):
        there = convert(text, src=source, to=target, **STRICT).text
        convert(there, src=target, to=source, **STRICT)


@pytest.mark.parametrize("fmt", FORMATS)
@ROUND_TRIP_SETTINGS
@given(data=st.data())
def test_converting_to_the_same_format_is_idempotent(fmt: str, data: st.DataObject) -> None:
    document = data.draw(documents(HOLDS[fmt]), label="document")
    text = written(document, fmt)
    once = convert(text, src=fmt, to=fmt, **STRICT).text
    twice = convert(once, src=fmt, to=fmt, **STRICT).text
    assert once == twice
    assert_same(read(text, fmt), read(once, fmt), f"{fmt} -> {fmt}")


def test_every_ordered_pair_is_covered() -> None:
    """All 56 directions between the eight formats: 48 with common documents, 8 refused."""
    assert len(PAIRS) == 56
    assert sorted(COMMON + DISJOINT) == sorted(PAIRS)
    assert {frozenset(pair) for pair in DISJOINT} == {
        frozenset(pair)
        for pair in [("csv", "toml"), ("csv", "xml"), ("jsonl", "toml"), ("jsonl", "xml")]
    }


# ---------------------------------------------------------------- lossless or loud

# The classes a careless user and an attacker met (issue 16): a private-use character
# (once the YAML reader's own marker), empty containers, a null where the target has
# none, a time finer than a microsecond (TOML text), a number past a double, one past
# Python's int-str limit, a key a format spells specially.
HAZARDS: dict[str, str] = {
    "private use": '{"icon": "\\ue000", "\\ue000a": "x"}',
    "empty list": '{"root": {"a": [], "b": "x"}}',
    "empty mapping": '{"root": {"a": {}, "b": "x"}}',
    "null": '{"root": {"a": null, "b": "x"}}',
    "two texts": '{"root": {"#content": ["a", "b"]}}',
    "blank beside children": '{"root": {"#content": [" ", {"c": "x"}]}}',
    "nanoseconds": "when = 1987-07-05T17:45:56.123456789Z\n",
    "huge float": '{"root": {"a": 1e400}}',
    "huge integer": '{"root": {"a": ' + "9" * 5000 + "}}",
    "attribute after child": '{"root": {"c": "x", "@id": "a1"}}',
}
HAZARD_SOURCES = {"nanoseconds": "toml"}


@pytest.mark.parametrize("hazard", sorted(HAZARDS))
@pytest.mark.parametrize("target", FORMATS)
def test_every_direction_is_lossless_or_loud_on_hazards(hazard: str, target: str) -> None:
    """Converted to any format and back, a hazard gives the same data, or an error, or a
    note that says what changed: never other data in silence."""
    source = HAZARD_SOURCES.get(hazard, "json")
    text = HAZARDS[hazard]
    try:
        original = formats.read(text, source, Options(repair="off"))
    except StructconvError:
        return  # refused at its reading, by name (the huge numbers in JSON)
    try:
        there = convert(text, src=source, to=target, **STRICT)
        back = convert(there.text, src=target, to=source, **STRICT)
    except StructconvError:
        return  # loud
    notes = there.notes + back.notes
    if notes:
        return  # loud: a note says what changed
    assert_same(original, back.data, f"{hazard}: {source} -> {target} -> {source}")
