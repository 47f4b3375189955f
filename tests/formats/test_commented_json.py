"""The syntax tree of JSON with comments: where each comment goes, and layouts that keep
every comment, trailing comma and blank line."""

from __future__ import annotations

from structconv.formats.commented_json import Layout, parse, render

SETTINGS = """// Settings
{
    "a": 1, // about a

    // about b
    "b": { // opens b
        "c": [1,
              2,],
        /* inner */ "d": /* before the value */ true,
        // dangling in b
    },
    "e": [ // opens e
        "x", // the x
    ]
} // after
"""


def test_comments_are_placed_by_position() -> None:
    document = parse(SETTINGS)
    assert [c.text for c in document.leading] == ["// Settings"]
    assert [c.text for c in document.trailing] == ["// after"]
    root = document.value
    a, b, e = root.entries
    assert [c.text for c in a.trailing] == ["// about a"]
    assert [c.text for c in b.leading] == ["// about b"] and b.leading[0].blank_before
    assert [c.text for c in b.value.opening] == ["// opens b"]
    c, d = b.value.entries
    assert b.value.trailing_comma and c.value.trailing_comma
    assert [x.text for x in d.leading] == ["/* inner */"]
    assert [x.text for x in d.between] == ["/* before the value */"]
    assert [x.text for x in b.value.dangling] == ["// dangling in b"]
    assert [x.text for x in e.value.entries[0].trailing] == ["// the x"]


def test_render_keeps_comments_trailing_commas_and_blank_lines() -> None:
    out = render(parse(SETTINGS), Layout())
    assert out == (
        "// Settings\n"
        "{\n"
        '  "a": 1, // about a\n'
        "\n"
        "  // about b\n"
        '  "b": { // opens b\n'
        '    "c": [1, 2],\n'
        "    /* inner */\n"
        '    "d": /* before the value */ true,\n'
        "    // dangling in b\n"
        "  },\n"
        '  "e": [ // opens e\n'
        '    "x", // the x\n'
        "  ]\n"
        "} // after\n"
    )
    assert render(parse(out), Layout()) == out
    assert parse(out).comments() == parse(SETTINGS).comments()


def test_sorting_moves_comments_with_their_keys() -> None:
    out = render(parse('{\n  "b": 2, // bee\n  // lead a\n  "a": 1\n}'), Layout(sort_keys=True))
    assert out == '{\n  // lead a\n  "a": 1,\n  "b": 2 // bee\n}\n'


def test_json5_spellings_stay_as_written() -> None:
    text = "{bare: 'single', hex: 0x1F, half: .5, list: [+1, Infinity,],}"
    out = render(parse(text), Layout())
    assert out == "{\n  bare: 'single',\n  hex: 0x1F,\n  half: .5,\n  list: [+1, Infinity],\n}\n"
