"""Normalization never changes data and is idempotent, on generated documents per format.

The documents are written in varied styles (indentation, flow or block collections,
quoting, line endings, comments) so that the formatters have real work to do. Three
properties for every document and random settings:
- normalizing is not refused (a refusal means a formatter got a valid file wrong);
- the result reads back as the same data, checked here again, independently of the
  check inside normalize_text;
- normalizing the result gives it back unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from structconv import api
from structconv.errors import NormalizationRefused
from structconv.formats.csv import sniff_delimiter
from structconv.neutral import first_difference
from structconv.normalize import normalize_text, read_data
from structconv.normalize.settings import NormalizeSettings
from structconv.options import Options

PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

TRICKY = [
    "",
    " ",
    "  padded  ",
    "line\nbreak",
    'say "hi"',
    "it's",
    "a, b; c| d\te",
    "# not a comment",
    "key: value",
    "- item",
    "null",
    "true",
    "007",
    "1e3",
    "2024-01-01",
    "日本語",
    "🎉",
    "<b>&amp;</b>",
    "back\\slash",
]
text_values = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
names = st.one_of(
    st.sampled_from(["id", "name", "a b", "key.with.dot", "ключ", "x-y", "_"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    text_values,
)


def trees(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(names, children, max_size=4)
        ),
        max_leaves=14,
    )


def settings_from(min_indent: int) -> st.SearchStrategy[NormalizeSettings]:
    return st.builds(
        NormalizeSettings,
        indent=st.integers(min_value=min_indent, max_value=6),
        width=st.integers(min_value=20, max_value=120),
        sort_keys=st.booleans(),
        indent_sequences=st.booleans(),
    )


normalize_settings = settings_from(1)


def check(text: str, format: str, chosen: NormalizeSettings) -> None:
    original = read_data(text, format)
    once = normalize_text(text, format, chosen)
    assert first_difference(original, read_data(once, format)) is None
    assert normalize_text(once, format, chosen) == once


# --- JSON ------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    data=trees(scalars),
    indent=st.sampled_from([None, 0, 1, 4, "\t"]),
    ascii_only=st.booleans(),
    chosen=normalize_settings,
)
def test_json(
    data: Any, indent: int | str | None, ascii_only: bool, chosen: NormalizeSettings
) -> None:
    check(json.dumps(data, indent=indent, ensure_ascii=ascii_only), "json", chosen)


# --- YAML ------------------------------------------------------------------------------

yaml_scalars = st.one_of(scalars, st.dates())


@PROPERTY_SETTINGS
@given(
    data=trees(yaml_scalars),
    flow=st.sampled_from([None, True, False]),
    indent=st.integers(min_value=2, max_value=6),
    comment=st.booleans(),
    crlf=st.booleans(),
    chosen=settings_from(2),  # indent 1 is a usage error for YAML
)
def test_yaml(
    data: Any, flow: bool | None, indent: int, comment: bool, crlf: bool, chosen: NormalizeSettings
) -> None:
    text = yaml.safe_dump(
        data, default_flow_style=flow, indent=indent, allow_unicode=True, sort_keys=False
    )
    if comment:
        text = "# generated\n" + text.replace(":\n", ":  # nested\n", 1)
    if crlf:
        text = text.replace("\n", "\r\n")
    if any(char in text for char in YAML_11_LINE_BREAKS):
        # ruamel.yaml folds these as line breaks, yaml-rs (YAML 1.2) keeps them as text:
        # normalize must then refuse (the file left as it was), or keep the data exactly.
        with contextlib.suppress(NormalizationRefused):
            check(text, "yaml", chosen)
        return
    check(text, "yaml", chosen)


YAML_11_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


# --- TOML ------------------------------------------------------------------------------

toml_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    text_values,
    st.dates(),
)
toml_documents = st.dictionaries(names, trees(toml_scalars), min_size=1, max_size=5)


@PROPERTY_SETTINGS
@given(
    data=toml_documents,
    padding=st.sampled_from(["", "  ", "\t"]),
    blank_lines=st.integers(min_value=0, max_value=3),
    chosen=normalize_settings,
)
def test_toml(data: Any, padding: str, blank_lines: int, chosen: NormalizeSettings) -> None:
    text, _ = api.write(data, "toml", Options())
    # Indent every key and header and space out the tables: both are allowed anywhere
    # a line starts outside a multi-line string, which the writer does not produce.
    lines = [padding + line if line else line for line in text.split("\n")]
    spaced = "\n".join(lines).replace("\n" + padding + "[", "\n" * (blank_lines + 1) + "[")
    check(spaced, "toml", chosen)


# --- XML -------------------------------------------------------------------------------

tags = st.sampled_from(["a", "b", "item", "x-y", "p:q"])


@st.composite
def elements(draw: st.DrawFn, depth: int = 0) -> etree._Element:
    tag = draw(tags)
    element = etree.Element(tag.replace("p:", "{urn:p}"), nsmap={"p": "urn:p"})
    for name in draw(st.lists(st.sampled_from(["id", "z", "name"]), unique=True, max_size=3)):
        element.set(name, draw(st.text(max_size=6).filter(_xml_safe)))
    if depth < 3:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            child = draw(elements(depth + 1))
            child.tail = draw(st.sampled_from([None, "\n  ", " ", "tail text"]))
            element.append(child)
            if draw(st.booleans()):
                element.append(etree.Comment(" note "))
    element.text = draw(st.one_of(st.none(), st.sampled_from(["\n", "text", "  spaced  "])))
    return element


def _xml_safe(text: str) -> bool:
    try:
        etree.Element("t").set("v", text)
    except ValueError:
        return False
    return True


@PROPERTY_SETTINGS
@given(
    root=elements(),
    pretty=st.booleans(),
    declaration=st.booleans(),
    chosen=normalize_settings,
)
def test_xml(
    root: etree._Element, pretty: bool, declaration: bool, chosen: NormalizeSettings
) -> None:
    text = etree.tostring(root, encoding="unicode", pretty_print=pretty)
    if declaration:
        text = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- top -->\n' + text
    check(text, "xml", chosen)


# --- CSV -------------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    header = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z ]{0,5}", fullmatch=True), min_size=1, max_size=4, unique=True
        )
    )
    cells = st.one_of(
        st.sampled_from(TRICKY),
        st.text(alphabet=st.characters(exclude_characters="\x00\r"), max_size=8),
    )
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=5))
    return [header, *rows]


@PROPERTY_SETTINGS
@given(
    table=tables(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quote_all=st.booleans(),
    line_ending=st.sampled_from(["\n", "\r\n"]),
    chosen=normalize_settings,
)
def test_csv(
    table: list[list[str]],
    delimiter: str,
    quote_all: bool,
    line_ending: str,
    chosen: NormalizeSettings,
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=line_ending,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(table)
    text = buffer.getvalue()
    if all(len(row) == 1 for row in table):
        # One column: nothing in the text says its delimiter, so a cell holding ","
        # reads as a ragged comma file and is refused, which is right (not a normalize case).
        # (csv writes such a cell bare unless it holds a character that needs quotes.)
        needs_quotes = (delimiter, '"', "\n", "\r")
        assume(
            quote_all
            or not any(
                "," in row[0] and not any(char in row[0] for char in needs_quotes) for row in table
            )
        )
    check(text, "csv", chosen)
    # The delimiter is the file's: normalizing never switches it.
    normalized = normalize_text(text, "csv", chosen)
    assert sniff_delimiter(normalized) == sniff_delimiter(text)
