"""The XML codec: conventions, order, security, limits, writing policies, XML Schema."""

from __future__ import annotations

import contextlib
import datetime
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from structconv import api
from structconv.errors import ParseError, StructconvError, UnrepresentableError, UsageError
from structconv.formats.xml import CODEC
from structconv.options import Options

DEFAULT = Options()


def load(text: str, **settings: Any) -> Any:
    return CODEC.loads(text, Options(**settings))


def write(data: Any, **settings: Any) -> tuple[str, Any]:
    """Text and represented data, verified by the pipeline (re-read and compared)."""
    return api.write(data, "xml", Options(**settings))


def body(text: str) -> str:
    """The text after the XML declaration."""
    declaration, _, rest = text.partition("\n")
    assert declaration == '<?xml version="1.0" encoding="UTF-8"?>'
    return rest.rstrip("\n")


# ---------------------------------------------------------------- conventions


def test_conventions() -> None:
    text = """<?xml version="1.0"?>
<library name="city">
  <book id="1"><title>Dune</title><year>1965</year></book>
  <book id="2"><title>Emma</title><note lang="en">classic</note></book>
  <empty/>
  <blank></blank>
  <spaces>  two  </spaces>
</library>"""
    assert load(text) == {
        "library": {
            "@name": "city",
            "book": [
                {"@id": "1", "title": "Dune", "year": "1965"},
                {"@id": "2", "title": "Emma", "note": {"@lang": "en", "#text": "classic"}},
            ],
            "empty": "",
            "blank": "",
            "spaces": "  two  ",
        }
    }


def test_values_stay_text_without_a_schema() -> None:
    assert load("<a><n>007</n><b>true</b><f>1.50</f></a>") == {
        "a": {"n": "007", "b": "true", "f": "1.50"}
    }


def test_cdata_is_text() -> None:
    assert load("<a><![CDATA[<b>&amp;</b>]]> tail</a>") == {"a": "<b>&amp;</b> tail"}


def test_comments_and_processing_instructions_are_dropped() -> None:
    assert load("<?pi x?><a>x<!-- note -->y<?pi z?><b/><!-- c --></a>") == {
        "a": {"#content": ["xy", {"b": ""}]}
    }


def test_namespaces_keep_prefixes_and_round_trip() -> None:
    text = (
        '<r xmlns="urn:default" xmlns:n="urn:n" xml:lang="en"><n:x n:a="q">t</n:x><y><n:z/></y></r>'
    )
    data = load(text)
    assert data == {
        "r": {
            "@xmlns": "urn:default",
            "@xmlns:n": "urn:n",
            "@xml:lang": "en",
            "n:x": {"@n:a": "q", "#text": "t"},
            "y": {"n:z": ""},
        }
    }
    out, represented = write(data)
    assert represented == data
    tree = etree.fromstring(out.encode())
    assert tree.tag == "{urn:default}r"
    assert [element.tag for element in tree.iter()] == [
        "{urn:default}r",
        "{urn:n}x",
        "{urn:default}y",
        "{urn:n}z",
    ]
    assert tree[0].get("{urn:n}a") == "q"


def test_declarations_below_the_root_are_kept_where_they_are() -> None:
    text = '<r xmlns:a="urn:a"><a:x xmlns:b="urn:b" b:k="1"/><y xmlns="urn:y"><z>xmlns</z></y></r>'
    data = load(text)
    assert data == {
        "r": {
            "@xmlns:a": "urn:a",
            "a:x": {"@xmlns:b": "urn:b", "@b:k": "1"},
            "y": {"@xmlns": "urn:y", "z": "xmlns"},
        }
    }
    out, _ = write(data, indent=0)
    assert body(out) == text


def test_an_undeclared_prefix_is_refused_with_its_path() -> None:
    with pytest.raises(UnrepresentableError) as caught:
        write({"r": {"n:x": "1"}})
    assert caught.value.path == "$.r['n:x']"
    assert "@xmlns:n" in str(caught.value)


# ---------------------------------------------------------------- order


MIXED = "<p>Hello <b>world</b> and <i>you <b>too</b></i>!</p>"


def test_mixed_content_keeps_its_order() -> None:
    assert load(MIXED) == {
        "p": {
            "#content": [
                "Hello ",
                {"b": "world"},
                " and ",
                {"i": {"#content": ["you ", {"b": "too"}]}},
                "!",
            ]
        }
    }


@pytest.mark.parametrize(
    "document",
    [
        MIXED,
        '<doc id="1"><p>a <em>b</em>  <em>c</em> d</p><p>plain</p></doc>',
        "<list><a>1</a><b>2</b><a>3</a></list>",
        "<p>  <b>x</b> y\n</p>",
    ],
)
def test_xml_to_json_to_xml_gives_the_same_document(document: str) -> None:
    as_json = api.convert(document, src="xml", to="json").text
    back = api.convert(as_json, src="json", to="xml", indent=0).text
    assert body(back) == document


def test_interleaved_children_keep_their_order() -> None:
    assert load("<a><b>1</b><c>2</c><b>3</b></a>") == {
        "a": {"#content": [{"b": "1"}, {"c": "2"}, {"b": "3"}]}
    }
    assert load("<a><b>1</b><b>3</b><c>2</c></a>") == {"a": {"b": ["1", "3"], "c": "2"}}


def test_content_written_from_data_reads_back_in_the_canonical_form() -> None:
    text, represented = write({"a": {"#content": [{"b": "1"}, {"c": "2"}]}}, indent=0)
    assert body(text) == "<a><b>1</b><c>2</c></a>"
    assert represented == {"a": {"b": "1", "c": "2"}}
    text, represented = write({"p": {"b": "x", "#text": "after"}}, indent=0)
    assert body(text) == "<p><b>x</b>after</p>"
    assert represented == {"p": {"#content": [{"b": "x"}, "after"]}}


def test_whitespace_between_children_is_formatting() -> None:
    assert load("<a>\n  <b>1</b>\n  <c> 2 </c>\n</a>") == {"a": {"b": "1", "c": " 2 "}}


# ---------------------------------------------------------------- security and limits


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    for target in (secret.as_uri(), "file:///etc/passwd"):
        text = f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "{target}">]><a>x&xxe;y</a>'
        data = load(text)
        assert data == {"a": "x&xxe;y"}
        assert "TOP-SECRET" not in json.dumps(data)
        assert "root:" not in json.dumps(data)
    parameter = f'<!DOCTYPE a [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]><a>z</a>'
    try:
        assert "TOP-SECRET" not in json.dumps(load(parameter))
    except ParseError as error:
        assert "TOP-SECRET" not in str(error)


def test_billion_laughs_is_harmless() -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    text = f"<!DOCTYPE lolz [{''.join(entities)}]><lolz>&lol9;</lolz>"
    started = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        load(text)
    assert time.perf_counter() - started < 1
    assert "billion-laughs" in caught.value.message
    small = "<!DOCTYPE a [<!ENTITY e0 'ha'><!ENTITY e1 '&e0;&e0;'>]><a>&e1;</a>"
    assert load(small) == {"a": "&e1;"}


def test_depth_limit_names_the_option() -> None:
    deep = "<a>" * 300 + "</a>" * 300
    with pytest.raises(ParseError) as caught:
        load(deep)
    assert "256" in caught.value.message
    assert "max-depth" in caught.value.hint
    assert "max_depth" in caught.value.hint
    trusted = load(deep, max_depth=1000)
    assert next(iter(trusted)) == "a"
    with pytest.raises(ParseError) as caught:
        load("<a>\n<b>\n<c>\n<d/></c></b></a>", max_depth=3)
    assert caught.value.line == 4
    assert "max-depth" in caught.value.hint


def test_syntax_errors_have_line_column_and_snippet() -> None:
    with pytest.raises(ParseError) as caught:
        load("<a>\n  <b>1</c>\n</a>")
    error = caught.value
    assert (error.format, error.line) == ("xml", 2)
    assert error.column > 0
    assert error.snippet == "  <b>1</c>"
    assert "mismatch" in error.message
    assert "line 2" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "plain text",
        "<a>",
        "<a></b>",
        "<a b='1' b='2'/>",
        "<a>&undefined;</a>",
        "\ud800<a/>",
        "<a>\x01</a>",
    ],
)
def test_malformed_input_is_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        load(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_only_structconv_errors_escape_for_any_text(text: str) -> None:
    with contextlib.suppress(StructconvError):
        load(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(MIXED)), st.integers(0, 4), st.text(max_size=4))
def test_only_structconv_errors_escape_for_mutations(at: int, cut: int, insert: str) -> None:
    mutated = MIXED[:at] + insert + MIXED[at + cut :]
    with contextlib.suppress(StructconvError):
        load(mutated)


# ---------------------------------------------------------------- encodings


def test_declared_legacy_encoding_via_bytes() -> None:
    raw = '<?xml version="1.0" encoding="iso-8859-1"?><a>café</a>'.encode("iso-8859-1")
    result = api.convert(raw, src="xml", to="json")
    assert json.loads(result.text) == {"a": "café"}
    assert result.encoding == "iso-8859-1"


def test_a_str_with_an_encoding_declaration_is_read() -> None:
    assert load('<?xml version="1.0" encoding="Shift_JIS"?><a>日本語</a>') == {"a": "日本語"}
    assert load("\ufeff<?xml version='1.0' encoding='utf-16'?><a/>") == {"a": ""}


def test_utf16_bytes() -> None:
    raw = '<?xml version="1.0" encoding="UTF-16"?><a x="é">日本</a>'.encode("utf-16")
    assert json.loads(api.convert(raw, src="xml", to="json").text) == {
        "a": {"@x": "é", "#text": "日本"}
    }


def test_japanese_round_trip() -> None:
    data = {"辞書": {"@種類": "国語", "言葉": ["こんにちは", "ありがとう"]}}
    text, represented = write(data)
    assert represented == data
    assert "<言葉>こんにちは</言葉>" in text


# ---------------------------------------------------------------- writing


def test_a_single_key_is_the_root() -> None:
    text, _ = write({"config": {"@v": 2, "name": "x"}})
    assert body(text) == '<config v="2">\n  <name>x</name>\n</config>'


@pytest.mark.parametrize(
    "data", [{"a": 1, "b": 2}, [1, 2], "scalar", {}, {"a": [1, 2]}, {"@a": "1"}]
)
def test_no_single_root_is_refused_with_a_hint(data: Any) -> None:
    with pytest.raises(UnrepresentableError) as caught:
        write(data)
    assert caught.value.path == "$"
    assert "--root" in str(caught.value)


def test_root_wraps_and_item_names_unnamed_items() -> None:
    text, represented = write([1, [2, 3]], root="data", indent=0)
    assert body(text) == "<data><item>1</item><item><item>2</item><item>3</item></item></data>"
    assert represented == {"data": {"item": ["1", {"item": ["2", "3"]}]}}
    text, _ = write({"a": 1, "b": 2}, root="r", item="row", indent=0)
    assert body(text) == "<r><a>1</a><b>2</b></r>"
    text, _ = write({"rows": [[1]]}, root="r", item="row", indent=0)
    assert body(text) == "<r><rows><row>1</row></rows></r>"
    with pytest.raises(UsageError):
        write([1], root="not a name")


def test_scalar_spellings() -> None:
    data = {
        "r": {
            "t": True,
            "f": False,
            "i": -7,
            "x": 1.5,
            "big": 10**30,
            "inf": float("inf"),
            "d": datetime.date(2024, 2, 29),
            "dt": datetime.datetime(2024, 2, 29, 12, 30, tzinfo=datetime.UTC),
            "@on": True,
        }
    }
    _, represented = write(data)
    assert represented == {
        "r": {
            "@on": "true",
            "t": "true",
            "f": "false",
            "i": "-7",
            "x": "1.5",
            "big": "1" + "0" * 30,
            "inf": "INF",
            "d": "2024-02-29",
            "dt": "2024-02-29T12:30:00+00:00",
        }
    }


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "  \n\t ",
        " lead",
        "trail ",
        "a\nb",
        "a\r\nb",
        "\r",
        "&<>\"'",
        "]]>",
        "日本語 テキスト",
        "\t",
    ],
)
def test_strings_round_trip_exactly(value: str) -> None:
    data = {"r": {"text": value, "@attribute": value, "n": {"@k": "1", "#text": value}}}
    text, represented = write(data)
    expected_n = {"@k": "1", "#text": value} if value else {"@k": "1"}
    assert represented == {"r": {"@attribute": value, "text": value, "n": expected_n}}
    assert CODEC.reread(text, DEFAULT) == represented


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1f", "\ufffe", "\ud800"])
def test_characters_xml_cannot_hold_are_refused(character: str) -> None:
    with pytest.raises(UnrepresentableError) as caught:
        write({"r": {"x": [f"a{character}b"]}})
    assert caught.value.path == "$.r.x[0]"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"r": {"a b": 1}}, "$.r['a b']"),
        ({"r": {"1st": 1}}, "$.r['1st']"),
        ({"r": {"@a=": 1}}, "$.r['@a=']"),
        ({"r": {3: 1}}, "$.r[3]"),
        ({"r": {"#other": 1}}, "$.r['#other']"),
        ({"r": {"@a": {"b": 1}}}, "$.r['@a']"),
        ({"r": {"x": {"#content": [{"a": 1, "b": 2}]}}}, "$.r.x['#content'][0]"),
    ],
)
def test_unwritable_keys_and_values_name_their_path(data: Any, path: str) -> None:
    with pytest.raises(UnrepresentableError) as caught:
        write(data)
    assert caught.value.path == path


def test_null_policies() -> None:
    data = {"r": {"a": None, "b": [1, None], "@c": None, "d": "x"}}
    with pytest.raises(UnrepresentableError) as caught:
        write(data)
    assert caught.value.path == "$.r.a"
    assert "--null empty or --null drop" in str(caught.value)
    text, represented = write(data, null="empty", indent=0)
    assert body(text) == '<r c=""><a/><b>1</b><b/><d>x</d></r>'
    assert represented == {"r": {"@c": "", "a": "", "b": ["1", ""], "d": "x"}}
    text, represented = write(data, null="drop", indent=0)
    assert body(text) == "<r><b>1</b><d>x</d></r>"
    assert represented == {"r": {"b": "1", "d": "x"}}


def test_lists_and_mappings_as_xml_holds_them() -> None:
    """XML without a schema has no list or mapping type: one item reads back as one element,
    and an empty list as an empty element, as an empty mapping does (it was left out, and
    its key lost)."""
    _, represented = write({"r": {"one": ["x"], "none": [], "empty": {}, "two": ["a", "b"]}})
    assert represented == {"r": {"one": "x", "none": "", "empty": "", "two": ["a", "b"]}}


def test_indent() -> None:
    data = {"r": {"a": {"b": "1"}, "p": {"#content": ["x ", {"b": "y"}]}}}
    text, _ = write(data, indent=4)
    assert body(text) == "<r>\n    <a>\n        <b>1</b>\n    </a>\n    <p>x <b>y</b></p>\n</r>"
    text, _ = write(data, indent=0)
    assert body(text) == "<r><a><b>1</b></a><p>x <b>y</b></p></r>"


def test_writing_is_stable() -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<r a="1">\n  <b>x</b>\n  <p>t <i>u</i></p>\n</r>\n'
    )
    once = api.convert(document, src="xml", to="xml").text
    assert once == document
    assert api.convert(once, src="xml", to="xml").text == once


def test_deep_data_writes_without_recursion() -> None:
    data: Any = "leaf"
    for _ in range(2000):
        data = {"n": data}
    text, _ = write(data, max_depth=3000)
    assert text.count("<n>") == 2000
    assert next(iter(load(text, max_depth=3000))) == "n"
    shallower: Any = "leaf"
    for _ in range(400):
        shallower = {"n": shallower}
    with pytest.raises(UnrepresentableError) as caught:
        write(shallower)
    assert "256" in caught.value.why
    assert "max-depth" in str(caught.value)


# ---------------------------------------------------------------- XML Schema

SCHEMA = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="id" type="xs:int"/>
        <xs:element name="paid" type="xs:boolean"/>
        <xs:element name="price" type="xs:decimal" minOccurs="0"/>
        <xs:element name="item" type="xs:string" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="version" type="xs:int"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


@pytest.fixture
def schema(tmp_path: Path) -> str:
    path = tmp_path / "order.xsd"
    path.write_text(SCHEMA)
    return str(path)


def test_schema_types_values_and_keeps_single_lists(schema: str) -> None:
    text = (
        '<order version="3"><id>7</id><paid>true</paid><price>9.50</price><item>pen</item></order>'
    )
    assert load(text, schema=schema) == {
        "order": {"@version": 3, "id": 7, "paid": True, "price": 9.5, "item": ["pen"]}
    }
    as_json = api.convert(text, src="xml", to="json", schema=schema).text
    assert json.loads(as_json)["order"]["item"] == ["pen"]


def test_schema_orders_and_validates_on_writing(schema: str) -> None:
    data = {"order": {"item": ["a", "b"], "paid": False, "@version": 1, "id": 42}}
    text, represented = write(data, schema=schema)
    tree = etree.fromstring(text.encode())
    assert [child.tag for child in tree] == ["id", "paid", "item", "item"]
    assert represented == {"order": {"@version": 1, "id": 42, "paid": False, "item": ["a", "b"]}}
    back = api.convert(text, src="xml", to="json", schema=schema)
    assert json.loads(back.text) == represented


def test_schema_violations_name_the_path(schema: str) -> None:
    with pytest.raises(ParseError) as caught:
        load("<order>\n<id>7</id>\n<paid>maybe</paid><item/></order>", schema=schema)
    assert caught.value.line == 3
    assert "$.order.paid" in caught.value.message
    with pytest.raises(UnrepresentableError) as refused:
        write({"order": {"id": "seven", "paid": True, "item": ["x"]}}, schema=schema)
    assert refused.value.path == "$.order.id"
    with pytest.raises(UnrepresentableError) as refused:
        write({"order": {"id": 1, "paid": True, "item": ["x", {"deep": 1}]}}, schema=schema)
    assert refused.value.path == "$.order.item[1]"
    with pytest.raises(UnrepresentableError) as refused:
        write({"invoice": {"id": 1}}, schema=schema)
    assert "order" in str(refused.value)


def test_schema_reading_stays_secure(schema: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    text = f'<!DOCTYPE order [<!ENTITY x SYSTEM "{secret.as_uri()}">]><order><id>1</id><paid>1</paid><item>&x;</item></order>'
    try:
        data = load(text, schema=schema)
    except ParseError as error:
        assert "TOP-SECRET" not in str(error)
    else:
        assert "TOP-SECRET" not in json.dumps(data)


def test_a_missing_schema_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load("<order/>", schema=str(tmp_path / "absent.xsd"))
    broken = tmp_path / "broken.xsd"
    broken.write_text("<xs:schema")
    with pytest.raises(UsageError):
        load("<order/>", schema=str(broken))


# ---------------------------------------------------------------- lossless or loud


def _notes(data: Any, **settings: Any) -> tuple[str, ...]:
    return api.convert(json.dumps(data), src="json", to="xml", **settings).notes


def test_an_empty_list_keeps_its_key_as_an_empty_element_and_says_so() -> None:
    """It was left out, with its key, and exit status 0."""
    text, represented = write({"r": {"tags": [], "b": "x"}}, indent=0)
    assert body(text) == "<r><tags/><b>x</b></r>"
    assert represented == {"r": {"tags": "", "b": "x"}}
    (note,) = _notes({"r": {"tags": [], "empty": {}}})
    assert note.startswith(
        '$.r.tags: an empty list or mapping is written as an empty element, which reads back as ""'
    )
    assert _notes({"r": {"tags": ["x"]}}) == ()


@pytest.mark.parametrize("data", [{"r": None}, None])
def test_a_null_root_needs_a_null_policy(data: Any) -> None:
    """`{"r": null}` was written `<r/>` without --null."""
    settings = {} if data else {"root": "r"}
    with pytest.raises(UnrepresentableError, match="XML has no null; pass --null empty") as caught:
        write(data, **settings)
    assert caught.value.path == ("$.r" if data else "$")
    with pytest.raises(UnrepresentableError, match="the root element cannot be left out"):
        write(data, null="drop", **settings)
    text, represented = write(data, null="empty", **settings)
    assert body(text) == "<r/>"
    assert represented == {"r": ""}


@pytest.mark.parametrize(
    ("element", "path"),
    [
        ({"#text": "  ", "c": "x"}, "$.r['#text']"),
        ({"@id": "1", "c": "x", "#text": "\n\t"}, "$.r['#text']"),
        ({"#content": [" ", {"c": "x"}, "\n"]}, "$.r['#content'][0]"),
        ({"#content": [{"c": "x"}, "", {"d": "y"}, " "]}, "$.r['#content'][3]"),
    ],
)
def test_whitespace_beside_children_is_refused_since_reading_drops_it(
    element: dict[str, Any], path: str
) -> None:
    with pytest.raises(
        UnrepresentableError, match="only whitespace beside child elements"
    ) as caught:
        write({"r": element})
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("element", "path"),
    [
        ({"#content": ["a", "b"]}, "$.r['#content'][1]"),
        ({"#content": ["a", {"b": "1"}, "c", "", "d"]}, "$.r['#content'][4]"),
        ({"#text": "a", "#content": ["b", {"c": "1"}]}, "$.r['#content'][0]"),
    ],
)
def test_text_pieces_side_by_side_are_refused_since_reading_joins_them(
    element: dict[str, Any], path: str
) -> None:
    """`#content: ["a", "b"]` was written "ab", read back as one string."""
    with pytest.raises(UnrepresentableError, match="side by side read back as one") as caught:
        write({"r": element})
    assert caught.value.path == path
    # Text that reads back as written is still written; an empty text is no text.
    text, represented = write({"r": {"#content": [" ", {"c": "x"}, " and "]}}, indent=0)
    assert body(text) == "<r> <c>x</c> and </r>"
    assert represented == {"r": {"#content": [" ", {"c": "x"}, " and "]}}
    _, represented = write({"r": {"@id": "1", "#text": ""}})
    assert represented == {"r": {"@id": "1"}}
    _, represented = write({"r": {"#content": ["", {"c": "x"}, "y"]}})
    assert represented == {"r": {"#content": [{"c": "x"}, "y"]}}


def test_an_attribute_after_content_moves_into_the_start_tag_with_a_note() -> None:
    data = {"r": {"c": "x", "@id": "1", "d": {"#text": "t", "@k": "2"}}}
    text, represented = write(data, indent=0)
    assert body(text) == '<r id="1"><c>x</c><d k="2">t</d></r>'
    assert list(represented["r"]) == ["@id", "c", "d"]
    (note,) = _notes(data)
    assert note.startswith("$.r['@id']: XML writes attributes in the start tag, before the")
    assert "'@id' now comes before 'c'" in note
    assert _notes({"r": {"@id": "1", "c": "x"}}) == ()
