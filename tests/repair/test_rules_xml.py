"""XML repair rules (structconv.repair.rules.xml), one group of tests per rule.

The inputs are shapes met in feeds, pom.xml files, Android layouts, SVG, hand-written
config and HTML-ish fragments. Each test checks the exact data, the exact fixes (rule,
line, column) and the confidence, or that the rules refuse or report an ambiguity.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from structconv import AmbiguousInput, ParseError, RepairRejected, convert
from structconv.fixes import Ambiguity
from structconv.formats import xml as xml_format
from structconv.options import Options
from structconv.repair.rules import Patched
from structconv.repair.rules import xml as rules
from structconv.repair.rules.xml.walk import _walks
from structconv.result import Result
from tests.conftest import ORACLES

NBSP = "\u00a0"


def repaired(text: str, **settings: Any) -> Result:
    return convert(text, src="xml", to="json", repair="rules", **settings)


def where(result: Result) -> list[tuple[str, int, int]]:
    return [(fix.rule, fix.line, fix.column) for fix in result.fixes]


def outcome(text: str) -> Any:
    """What the rules module itself returns for `text` (which must not parse)."""
    with pytest.raises(ParseError) as raised:
        xml_format.CODEC.loads(text, Options())
    return rules.repair(text, raised.value, Options())


def refused(text: str) -> None:
    with pytest.raises((ParseError, RepairRejected)):
        repaired(text)


def readings(text: str) -> list[Any]:
    with pytest.raises(AmbiguousInput) as raised:
        repaired(text)
    return [candidate.data for candidate in raised.value.ambiguity.candidates]


# ---------------------------------------------------------------- references


def test_html_entities_become_their_characters() -> None:
    result = repaired("<title>Caf&eacute;&nbsp;&mdash; &copy; 2024</title>")
    assert result.data == {"title": f"Caf\u00e9{NBSP}\u2014 \u00a9 2024"}
    assert where(result) == [
        ("html-entity", 1, 11),
        ("html-entity", 1, 19),
        ("html-entity", 1, 25),
        ("html-entity", 1, 33),
    ]
    assert result.fixes[0].before == "&eacute;" and result.fixes[0].after == "\u00e9"
    assert result.confidence == 0.95


def test_an_html_entity_for_markup_characters_stays_escaped() -> None:
    result = repaired('<a title="&QUOT;x&QUOT;">&LT;tag&GT;</a>')
    assert result.data == {"a": {"@title": '"x"', "#text": "<tag>"}}
    assert [fix.after for fix in result.fixes] == ["&quot;", "&quot;", "&lt;", ">"]


def test_a_bare_ampersand_is_escaped_and_the_text_kept_as_written() -> None:
    result = repaired("<p>AT&T &copy 2024</p>")
    assert result.data == {"p": "AT&T &copy 2024"}
    assert where(result) == [("bare-ampersand", 1, 6), ("bare-ampersand", 1, 9)]
    assert [fix.after for fix in result.fixes] == ["&amp;", "&amp;"]
    assert result.confidence == 0.95


def test_an_entity_in_no_table_is_kept_as_text() -> None:
    result = repaired("<p>&company; &#0;</p>")
    assert result.data == {"p": "&company; &#0;"}
    assert where(result) == [("unknown-entity", 1, 4), ("invalid-character-reference", 1, 14)]
    assert result.confidence == 0.8


def test_an_entity_declared_in_the_internal_subset_is_left_alone() -> None:
    result = repaired('<!DOCTYPE p [<!ENTITY co "Acme">]>\n<p>&co; &nbsp; & </p>')
    assert result.data == {"p": f"&co; {NBSP} & "}
    assert [fix.rule for fix in result.fixes] == ["html-entity", "bare-ampersand"]


def test_less_than_in_text_and_cdata_end_are_escaped() -> None:
    result = repaired("<rule>a < b and x[y[0]]> 1</rule>")
    assert result.data == {"rule": "a < b and x[y[0]]> 1"}
    assert where(result) == [("less-than-in-text", 1, 9), ("cdata-end-in-text", 1, 24)]
    assert result.confidence == 0.9


def test_a_less_than_followed_by_a_name_that_forms_no_tag_is_refused() -> None:
    refused("<expr>if x<y then z</expr>")


# ---------------------------------------------------------------- attributes


def test_unquoted_attribute_values_are_quoted() -> None:
    result = repaired('<img src=logo.png width=120 alt="Logo"/>')
    assert result.data == {"img": {"@src": "logo.png", "@width": "120", "@alt": "Logo"}}
    assert where(result) == [("unquoted-attribute", 1, 10), ("unquoted-attribute", 1, 25)]
    assert result.fixes[0].after == '"logo.png"'
    assert result.confidence == 0.95


def test_an_unquoted_value_with_an_ampersand_is_quoted_and_escaped_in_one_fix() -> None:
    result = repaired("<a href=/search?q=xml&page=2>next</a>")
    assert result.data == {"a": {"@href": "/search?q=xml&page=2", "#text": "next"}}
    assert where(result) == [("unquoted-attribute", 1, 9)]
    assert result.fixes[0].after == '"/search?q=xml&amp;page=2"'


def test_ampersand_and_less_than_in_quoted_values_are_escaped() -> None:
    result = repaired('<link href="https://x.org/?a=1&b=2" title="a<b"/>')
    assert result.data == {"link": {"@href": "https://x.org/?a=1&b=2", "@title": "a<b"}}
    assert where(result) == [("bare-ampersand", 1, 31), ("attribute-escape", 1, 45)]


def test_attributes_run_together_get_a_space() -> None:
    result = repaired('<circle cx="5"cy="5" r="4"/>')
    assert result.data == {"circle": {"@cx": "5", "@cy": "5", "@r": "4"}}
    assert where(result) == [("attribute-spacing", 1, 15)]
    assert result.confidence == 0.99


def test_a_duplicate_attribute_with_the_same_value_is_removed() -> None:
    result = repaired('<server port="80" host="h" port="80"/>')
    assert result.data == {"server": {"@port": "80", "@host": "h"}}
    assert where(result) == [("duplicate-attribute", 1, 27)]
    assert result.fixes[0].before == ' port="80"'


@pytest.mark.parametrize(
    "text",
    [
        '<server port="80" port="8080"/>',  # the same attribute, two values
        '<input type="checkbox" checked/>',  # no value: it would be invented
        '<circle cx="5" r=40/>',  # the value "40/" or 40 and an empty element?
        '<a href="x>text</a> <b c="y">z</b>',  # a missing quote runs into markup
    ],
)
def test_attribute_problems_without_one_reading_are_refused(text: str) -> None:
    refused(text)


# ---------------------------------------------------------------- end tags


def test_an_end_tag_in_the_wrong_case_takes_the_start_tags_spelling() -> None:
    result = repaired("<Settings>\n  <Timeout>30</timeout>\n</Settings>")
    assert result.data == {"Settings": {"Timeout": "30"}}
    assert where(result) == [("end-tag-case", 2, 16)]
    assert result.fixes[0].before == "timeout" and result.fixes[0].after == "Timeout"
    assert result.confidence == 0.9


def test_when_both_spellings_occur_the_case_mismatch_is_ambiguous() -> None:
    assert readings("<r><Item>1</Item><item>2</Item></r>") == [
        {"r": {"Item": "1", "item": "2"}},
        {"r": {"Item": ["1", "2"]}},
    ]


def test_an_element_left_open_over_its_children_is_closed_at_its_parents_end_tag() -> None:
    result = repaired("<person>\n  <name><first>Ada</first>\n  <born>1815</born>\n</person>")
    assert result.data == {"person": {"name": {"first": "Ada", "born": "1815"}}}
    assert where(result) == [("unclosed-element", 3, 20)]
    assert result.confidence == 0.8


def test_an_open_element_over_elements_laid_out_as_siblings_is_a_choice() -> None:
    """`<activity a="x">` then `<provider>` at its indentation: the end tag lost (it holds
    the provider) or the `/` of an empty element (siblings)?"""
    assert readings('<app>\n  <activity a="x">\n  <provider b="y"/>\n</app>') == [
        {"app": {"activity": {"@a": "x", "provider": {"@b": "y"}}}},
        {"app": {"activity": {"@a": "x"}, "provider": {"@b": "y"}}},
    ]


def test_a_value_on_its_own_line_then_elements_is_mixed_content_or_siblings() -> None:
    """A forgotten end tag after a value (the usual case) or mixed content: two readings."""
    assert readings("<person>\n  <name>Ada\n  <born>1815</born>\n</person>") == [
        {"person": {"name": {"#content": ["Ada\n  ", {"born": "1815"}]}}},
        {"person": {"name": "Ada", "born": "1815"}},
    ]
    # Text and elements on one line are mixed content, as in HTML.
    inline = repaired("<div><p>one <b>two</b> three</div>")
    assert inline.data == {"div": {"p": {"#content": ["one ", {"b": "two"}, " three"]}}}


def test_an_element_with_only_text_closes_before_the_whitespace() -> None:
    result = repaired("<person>\n  <name>Ada Lovelace\n</person>")
    assert result.data == {"person": {"name": "Ada Lovelace"}}
    assert where(result) == [("unclosed-element", 2, 21)]
    assert result.fixes[0].after == "</name>"
    assert result.confidence == 0.85


def test_html_void_elements_are_made_empty() -> None:
    result = repaired("<p>one<br>two<hr>three<img src='x.png'></p>")
    assert result.data == {
        "p": {
            "#content": ["one", {"br": ""}, "two", {"hr": ""}, "three", {"img": {"@src": "x.png"}}]
        }
    }
    assert [(fix.rule, fix.column, fix.after) for fix in result.fixes] == [
        ("void-element", 10, "/"),
        ("void-element", 17, "/"),
        ("void-element", 39, "/"),
    ]


def test_meta_with_attributes_is_empty_but_an_rss_link_holds_text() -> None:
    html = repaired('<head><meta charset="utf-8"><title>T</title></head>')
    assert html.data == {"head": {"meta": {"@charset": "utf-8"}, "title": "T"}}
    rss = repaired("<item><link>https://x.org/1\n</item>")
    assert rss.data == {"item": {"link": "https://x.org/1"}}


def test_list_items_left_open_are_nested_or_siblings() -> None:
    assert readings("<ul><li>a<li>b<li>c</ul>") == [
        {"ul": {"li": {"#content": ["a", {"li": {"#content": ["b", {"li": "c"}]}}]}}},
        {"ul": {"li": ["a", "b", "c"]}},
    ]


def test_the_nesting_choice_is_made_once_per_element_name() -> None:
    ambiguity = outcome("<ul>" + "<li>x" * 12 + "</ul>")
    assert isinstance(ambiguity, Ambiguity)
    assert len(ambiguity.candidates) == 2
    assert ambiguity.message == "<li> is never closed and holds another <li>"


def test_a_stray_end_tag_is_removed() -> None:
    result = repaired("<config><name>app</nmae></name></config>")
    assert result.data == {"config": {"name": "app"}}
    assert where(result) == [("stray-end-tag", 1, 18)]
    assert result.confidence == 0.7


def test_end_tags_in_the_wrong_order_are_swapped_in_effect() -> None:
    result = repaired("<b><i>x</b></i>")
    assert result.data == {"b": {"i": "x"}}
    assert where(result) == [("unclosed-element", 1, 8), ("overlapping-tags", 1, 12)]
    assert result.confidence == 0.85


def test_overlapping_elements_with_text_between_are_ambiguous() -> None:
    assert readings("<p><b>bold <i>both</b> italic</i></p>") == [
        {"p": {"#content": [{"b": {"#content": ["bold ", {"i": "both"}]}}, " italic"]}},
        {"p": {"b": {"#content": ["bold ", {"i": "both"}]}, "i": " italic"}},
    ]


# ---------------------------------------------------------------- roots and prologue


def test_several_top_level_elements_are_wrapped_in_root() -> None:
    result = repaired('<event id="1"/>\n<event id="2"/>\n')
    assert result.data == {"root": {"event": [{"@id": "1"}, {"@id": "2"}]}}
    assert where(result) == [("several-roots", 1, 1), ("several-roots", 2, 16)]
    assert [fix.after for fix in result.fixes] == ["<root>", "</root>"]
    assert result.confidence == 0.85


def test_the_wrapper_takes_the_root_option() -> None:
    result = repaired("<a>1</a><a>2</a>", root="items")
    assert result.data == {"items": {"a": ["1", "2"]}}


def test_concatenated_documents_lose_their_later_declarations() -> None:
    text = '<?xml version="1.0"?>\n<a>1</a>\n<?xml version="1.0"?>\n<!DOCTYPE a>\n<a>2</a>\n'
    result = repaired(text)
    assert result.data == {"root": {"a": ["1", "2"]}}
    assert where(result) == [
        ("several-roots", 2, 1),
        ("extra-declaration", 3, 1),
        ("extra-declaration", 4, 1),
        ("several-roots", 5, 9),
    ]


def test_text_after_the_root_is_removed() -> None:
    result = repaired("<config/>\nEOF\n")
    assert result.data == {"config": ""}
    assert where(result) == [("stray-text", 1, 10)]
    assert result.fixes[0].before == "\nEOF\n"
    assert result.confidence == 0.7


def test_text_before_the_declaration_is_removed_and_the_declaration_kept() -> None:
    result = repaired('Warning: headers sent\n<?xml version="1.0"?><a/>')
    assert result.data == {"a": ""}
    assert where(result) == [("stray-text", 1, 1)]
    assert result.repaired == '<?xml version="1.0"?><a/>'


def test_whitespace_before_the_declaration_is_removed() -> None:
    result = repaired('\n\n<?xml version="1.0"?>\n<a/>')
    assert where(result) == [("declaration-position", 1, 1)]
    assert result.confidence == 0.99


def test_a_declaration_with_a_missing_quote_is_rewritten() -> None:
    result = repaired("<?xml version=\"1.0 encoding='ISO-8859-1'?>\n<a>caf\u00e9</a>")
    assert result.data == {"a": "caf\u00e9"}
    assert where(result) == [("declaration-quotes", 1, 1)]
    assert result.fixes[0].after == '<?xml version="1.0" encoding="ISO-8859-1"?>'
    assert result.confidence == 0.95


def test_a_comment_holding_a_double_hyphen_is_removed() -> None:
    result = repaired("<config>\n  <!-- pass --verbose -->\n  <v>1</v>\n</config>")
    assert result.data == {"config": {"v": "1"}}
    assert where(result) == [("comment-double-hyphen", 2, 3)]


def test_a_lower_case_doctype_keyword_is_upper_cased() -> None:
    result = repaired("<!doctype html>\n<html><body>x<br></body></html>")
    assert result.data == {"html": {"body": {"#content": ["x", {"br": ""}]}}}
    assert where(result) == [("doctype-keyword", 1, 3), ("void-element", 2, 17)]


# ---------------------------------------------------------------- truncation


@pytest.mark.parametrize(
    "text",
    [
        "<Envelope>\n <Body>\n  <Price>34.5</Price>\n  <Currency>EU",
        "<doc><p>Hello <b>you</b> and wor",
        '<r><item id="1">x</item><item id="2">y</item><item id="3',
    ],
)
def test_a_document_cut_off_inside_a_value_is_refused(text: str) -> None:
    # The cut-off text is neither kept as if whole nor dropped with its element (issue 14).
    refused(text)


def test_a_document_cut_off_inside_an_end_tag_completes_it() -> None:
    result = repaired("<r><price>34.5</pri")
    assert result.data == {"r": {"price": "34.5"}}
    assert where(result) == [("truncated", 1, 15), ("truncated", 1, 20)]
    assert [fix.after for fix in result.fixes] == ["</price>", "</r>"]


@pytest.mark.parametrize(
    "text",
    [
        '<r><item id="1">x</item><item id="2',  # inside an attribute value
        "<r><item>x</item><ite",  # inside a start tag
        "<r><name>x</other",  # an end tag for another element
        "<config>\n  <name>my-ser",  # nothing complete is left
    ],
)
def test_a_cut_inside_markup_or_before_any_complete_value_is_refused(text: str) -> None:
    refused(text)


def test_a_cut_comment_is_removed() -> None:
    result = repaired("<r>x<!-- note")
    assert result.data == {"r": "x"}
    assert [fix.rule for fix in result.fixes] == ["truncated", "truncated"]


# ---------------------------------------------------------------- refusals and robustness


def test_an_undeclared_namespace_prefix_is_left_to_the_original_error() -> None:
    with pytest.raises(ParseError) as raised:
        repaired('<layout android:width="1"/>')
    assert "android" in raised.value.message


def test_valid_conformance_documents_need_no_edit() -> None:
    """The tokenizer and the walk read every valid document of the W3C suite without a change."""
    from tests.conformance.test_xmlconf import CATALOGUE, VALID

    if not CATALOGUE.is_file():
        pytest.skip(f"the XML conformance suite is not at {ORACLES}")
    from structconv.encoding import decode

    for case in VALID:
        text, _ = decode(case.path.read_bytes(), "xml")
        walks = _walks(text, Options())
        assert not walks[0].decisions, case.id
        assert [walk.changes for walk in walks] == [[]], case.id


def test_rules_give_only_their_own_outcomes_on_damaged_documents() -> None:
    document = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel>\n'
        '<item id="1"><title>A &amp; B</title><link>https://x.org/?a=1</link></item>\n'
        "<item><![CDATA[<b>raw</b>]]><!-- note --></item>\n</channel></rss>\n"
    )
    generator = random.Random(11)
    for _ in range(400):
        position = generator.randrange(len(document))
        damage = generator.choice(["", "<", ">", "&", '"', "</", "/", "<b>", "]]>", "<!--"])
        broken = document[:position] + damage + document[position + generator.randint(0, 3) :]
        try:
            xml_format.CODEC.loads(broken, Options())
        except ParseError as error:
            result = rules.repair(broken, error, Options())
            assert result is None or isinstance(result, Patched | Ambiguity)
            if isinstance(result, Patched):
                assert result.fixes and 0 < result.confidence < 1


def test_input_values_give_offsets_of_names_values_and_text() -> None:
    text = '<a href="x&amp;y">t&nbsp;<!-- c --><![CDATA[d]]></a>'
    assert list(rules.input_values(text)) == [
        ("a", 0),
        ("href", 3),
        ("x&y", 9),
        (f"t{NBSP}", 18),
        ("d", 44),
        ("a", 48),
    ]


def test_one_choice_covers_every_case_mismatch_of_the_same_names() -> None:
    text = "<r>" + "<Item>1</Item><item>2</Item>" * 10 + "</r>"
    ambiguity = outcome(text)
    assert isinstance(ambiguity, Ambiguity)
    assert len(ambiguity.candidates) == 2


def test_a_cut_right_after_the_end_tag_opener_closes_the_innermost_element() -> None:
    result = repaired("<r><b>x</\n\n")
    assert result.data == {"r": {"b": "x"}}
    assert [(fix.before, fix.after) for fix in result.fixes] == [("</\n\n", "</b>"), ("", "</r>")]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (  # the closing quote lost before '>'
            '<r>\n  <s name="app" translatable="false>Sunflower</s>\n</r>',
            {"r": {"s": {"@name": "app", "@translatable": "false", "#text": "Sunflower"}}},
        ),
        (  # the closing quote lost at the line's end, an attribute on the next line
            '<r>\n  <a n=".Main\n     l="x"/>\n</r>',
            {"r": {"a": {"@n": ".Main", "@l": "x"}}},
        ),
        (  # the opening quote lost
            '<r>\n  <d name=small">8dp</d>\n</r>',
            {"r": {"d": {"@name": "small", "#text": "8dp"}}},
        ),
    ],
)
def test_an_attribute_value_that_lost_a_quote_gets_it_back(text: str, data: Any) -> None:
    result = repaired(text)
    assert result.data == data
    assert [fix.rule for fix in result.fixes] == ["attribute-quote"]


def test_an_attribute_value_running_on_over_spaces_keeps_no_guess() -> None:
    refused('<r>\n  <a t="two words>x</a>\n</r>')


def test_an_unclosed_element_holding_only_a_comment_is_made_empty() -> None:
    # `<relativePath/>` written as HTML writes an empty element, a comment after it
    result = repaired("<parent>\n  <v>4</v>\n  <relativePath> <!-- lookup -->\n</parent>")
    assert result.data == {"parent": {"v": "4", "relativePath": ""}}
