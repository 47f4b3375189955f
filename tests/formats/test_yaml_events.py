"""The event reader: what it reads must equal what the yaml-rs path reads, tags aside."""

from __future__ import annotations

import datetime

import pytest

from structconv.errors import ParseError
from structconv.formats.yaml import CODEC
from structconv.formats.yaml_events import needs_event_reader, parse_events, read_events
from structconv.neutral import first_difference
from structconv.options import Options

SAME_AS_YAML_RS = [
    "a: 1\nb: 1.10\nc: 0o17\nd: 017\ne: 0x1F\nf: 1e3\ng: .inf\nh: .NaN\n",
    "a: no\nb: on\nc: yes\nd: True\ne: FALSE\nf: ~\ng: null\nh:\n",
    "a: 1_000\nb: _80\nc: 0b101\nd: 0x_1\ne: v1_2\nf: +12\ng: -0\n",
    "day: 2024-01-01\nat: 2024-01-02T03:04:05+09:00\nnaive: 2024-01-02 03:04:05\nt: 12:30:00\n",
    "quoted: '2024-01-01'\ndouble: \"2024-01-01\"\nblock: |-\n  2024-01-01\n",
    "1: a\n2.5: b\nnull: c\n2024-01-01: d\n[x, y]: e\n",
    "text: |\n  line one\n  line two\nfolded: >-\n  a\n  b\nplain: a\n  b\n\n  c\n",
    "- [1, 2]\n- {a: b}\n- - nested\n- ''\n- \"\\t\\u00e9\"\n",
    "名前: 日本語\nemoji: 🎉\nkey with spaces: value with:colon\n",
    "a: x\u2028y\nb: 'p\u2029q'\nc: \"m\x85n\"\n",
]


@pytest.mark.parametrize("text", SAME_AS_YAML_RS)
def test_untagged_text_reads_as_on_the_yaml_rs_path(text: str) -> None:
    options = Options()
    parsed = parse_events(text)
    assert not needs_event_reader(parsed, options)  # these texts take the yaml-rs path
    documents, _ = read_events(text, parsed, options)
    assert len(documents) == 1
    assert first_difference(CODEC.loads(text, options), documents[0]) is None  # types too


def test_yaml_1_1_line_breaks_stay_content_in_a_tagged_file() -> None:
    """libyaml reads U+0085, U+2028 and U+2029 as line breaks; YAML 1.2 does not."""
    text = "a: !Ref x\u2028y\nb: 'p\u2029q'\nc: \"m\x85n\"\nd: !Sub |\n  r\u2028s\n"
    assert CODEC.loads(text, Options()) == {
        "a": {"!Ref": "x\u2028y"},
        "b": "p\u2029q",
        "c": "m\x85n",
        "d": {"!Sub": "r\u2028s\n"},
    }


def test_an_alias_is_its_anchored_node_not_a_copy() -> None:
    """So that memory follows the text, not the expansion."""
    data = CODEC.loads("a: &x {k: [1, 2]}\nb: *x\nc: [*x, *x]\n", Options())
    assert data["b"] is data["a"] and data["c"][1] is data["a"]


def test_a_tagged_file_keeps_yaml_1_2_typing() -> None:
    text = "a: !Ref x\nb: no\nc: 0o17\nd: 1_000\ne: '2024-01-01'\nf: 2024-01-01\n"
    assert CODEC.loads(text, Options()) == {
        "a": {"!Ref": "x"},
        "b": "no",
        "c": 15,
        "d": "1_000",
        "e": "2024-01-01",
        "f": datetime.date(2024, 1, 1),
    }


def test_a_tag_running_into_a_flow_indicator_is_an_error() -> None:
    """yaml-test-suite U99R: `- !!str, xxx` (a tag shorthand ends before `,`)."""
    with pytest.raises(ParseError) as raised:
        CODEC.loads("- !!str, xxx\n", Options())
    assert "flow indicator" in raised.value.message
