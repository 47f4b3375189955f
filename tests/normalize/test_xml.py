"""XML normalizer: pretty printing that keeps the prolog, comments, PIs, CDATA and mixed content."""

from __future__ import annotations

from structconv.normalize import normalize_text
from structconv.normalize.settings import NormalizeSettings


def norm(text: str, **settings: object) -> str:
    return normalize_text(text, "xml", NormalizeSettings(**settings))  # type: ignore[arg-type]


def test_element_only_content_is_indented() -> None:
    text = '<a><b>1</b><c x="1"><d/></c></a>'
    assert norm(text) == '<a>\n  <b>1</b>\n  <c x="1">\n    <d/>\n  </c>\n</a>\n'


def test_declaration_comments_and_processing_instructions_are_kept() -> None:
    text = '<?xml version="1.0" encoding="UTF-8"?><!-- head --><?style x?><a><!-- in --><b/></a><!-- tail -->'
    assert norm(text) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- head -->\n<?style x?>\n'
        "<a>\n  <!-- in -->\n  <b/>\n</a>\n<!-- tail -->\n"
    )


def test_mixed_content_and_preserved_space_keep_their_layout() -> None:
    text = '<a><p>Hello <b>you</b> !</p><pre xml:space="preserve"><i/>  <i/></pre></a>'
    assert norm(text) == (
        '<a>\n  <p>Hello <b>you</b> !</p>\n  <pre xml:space="preserve"><i/>  <i/></pre>\n</a>\n'
    )


def test_doctype_entities_and_cdata_are_kept() -> None:
    text = '<!DOCTYPE a [<!ENTITY e "v">]><a><b>&e;</b><c><![CDATA[x<y]]></c></a>'
    result = norm(text)
    assert '<!ENTITY e "v">' in result
    assert "<b>&e;</b>" in result and "<![CDATA[x<y]]>" in result


def test_indent_setting_and_reindenting_a_pretty_file() -> None:
    text = "<a>\n        <b>\n                <c>1</c>\n        </b>\n</a>\n"
    assert norm(text, indent=4) == "<a>\n    <b>\n        <c>1</c>\n    </b>\n</a>\n"


def test_sort_keys_sorts_attributes_but_not_elements() -> None:
    text = '<a z="1" b="2"><y/><x/></a>'
    assert norm(text, sort_keys=True) == '<a b="2" z="1">\n  <y/>\n  <x/>\n</a>\n'
    assert norm(text) == '<a z="1" b="2">\n  <y/>\n  <x/>\n</a>\n'
