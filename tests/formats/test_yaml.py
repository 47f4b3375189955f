"""The YAML codec: YAML 1.2 typing, tags, streams, hostile input, and what the writer quotes."""

from __future__ import annotations

import datetime
import math
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from structconv import ParseError, UnrepresentableError, api, convert, convert_file
from structconv.formats.yaml import CODEC
from structconv.neutral import depth
from structconv.options import Options

UTC = datetime.UTC
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def load(text: str, **settings: Any) -> Any:
    return CODEC.loads(text, Options(**settings))


def load_error(text: str, **settings: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        load(text, **settings)
    assert caught.value.format == "yaml"
    return caught.value


def write(data: Any, **settings: Any) -> tuple[str, Any]:
    """Text and represented data, verified by the pipeline (re-read and compared)."""
    return api.write(data, "yaml", Options(**settings))


# ---------------------------------------------------------------- reading: YAML 1.2 types


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("no", "no"),
        ("on", "on"),
        ("yes", "yes"),
        ("Off", "Off"),
        ("1.10", 1.1),
        ("0o17", 15),
        ("017", 17),
        ("0x1F", 31),
        ("1e3", 1000.0),
        ("~", None),
        ("true", True),
        ("FALSE", False),
    ],
)
def test_plain_scalars_follow_yaml_1_2(plain: str, expected: object) -> None:
    """YAML 1.1 readers (PyYAML) give False for `no` and 8 for `010`: we must not."""
    value = load(f"value: {plain}\n")["value"]
    assert value == expected
    assert type(value) is type(expected)


def test_plain_timestamps_are_typed_and_quoted_ones_stay_strings() -> None:
    text = (
        "day: 2024-01-01\n"
        "single: '2024-01-01'\n"
        'double: "2024-01-01"\n'
        'escaped: "2024-01-\\x30\\x31"\n'
        "block: |-\n  2024-01-01\n"
        "aware: 2024-01-02T03:04:05+09:00\n"
        "utc: 2024-01-02T03:04:05Z\n"
        "naive: 2024-01-02 03:04:05\n"
        "listed: [2024-01-01, '2024-01-01']\n"
    )
    data = load(text)
    assert data == {
        "day": datetime.date(2024, 1, 1),
        "single": "2024-01-01",
        "double": "2024-01-01",
        "escaped": "2024-01-01",
        "block": "2024-01-01",
        "aware": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=TOKYO),
        "utc": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        "naive": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "listed": [datetime.date(2024, 1, 1), "2024-01-01"],
    }
    assert type(data["day"]) is datetime.date
    assert data["naive"].tzinfo is None
    assert [type(item) for item in data["listed"]] == [datetime.date, str]


# ---------------------------------------------------------------- tags


def test_core_tags_are_applied() -> None:
    text = (
        "s: !!str 5\n"
        "i: !!int '7'\n"
        "f: !!float 1\n"
        "b: !!bool true\n"
        "n: !!null ''\n"
        "m: !!map {x: 1}\n"
        "q: !!seq [1]\n"
        "plain: ! 12\n"
    )
    data = load(text)
    assert data == {
        "s": "5",
        "i": 7,
        "f": 1.0,
        "b": True,
        "n": None,
        "m": {"x": 1},
        "q": [1],
        "plain": "12",
    }
    assert [type(data[key]) for key in ("s", "i", "f", "plain")] == [str, int, float, str]


@pytest.mark.parametrize(
    ("text", "tag", "line", "column"),
    [
        ("a: 1\nb: !!binary aGVsbG8=\n", "!!binary", 2, 4),
        ("a: 1\nb:\n  c: !custom 5\n", "!custom", 3, 6),
        ("x: !!set {a, b}\n", "!!set", 1, 4),
        ("- 1\n- !custom [2]\n", "!custom", 2, 3),
        ("x: !!timestamp 2024-01-01\n", "!!timestamp", 1, 4),
    ],
)
def test_yaml_tags_refuse_refuses_other_tags_at_their_position(
    text: str, tag: str, line: int, column: int
) -> None:
    error = load_error(text, yaml_tags="refuse")
    assert tag in error.message
    assert (error.line, error.column) == (line, column)
    assert error.snippet == text.splitlines()[line - 1]
    assert "remove the tag" in error.hint


def test_refused_tag_hint_lists_the_core_tags_and_the_other_policies() -> None:
    hint = load_error("a: !x 1\n", yaml_tags="refuse").hint
    assert "!!str, !!int, !!float, !!bool, !!null, !!map, !!seq" in hint
    assert "--yaml-tags keep" in hint and "drop" in hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !Ref MyBucket\n", {"a": {"!Ref": "MyBucket"}}),
        ("a: !GetAtt [Role, Arn]\n", {"a": {"!GetAtt": ["Role", "Arn"]}}),
        ("a: !Sub |\n  echo ${X}\n", {"a": {"!Sub": "echo ${X}\n"}}),
        ("a: !GetAZs ''\n", {"a": {"!GetAZs": ""}}),
        ("a: !secret\n", {"a": {"!secret": ""}}),
        ("a: !Foo 5\n", {"a": {"!Foo": "5"}}),  # a tag says how to read the text
        ("a: !Foo {x: 1}\n", {"a": {"!Foo": {"x": 1}}}),
        (
            "a: !Select [0, !GetAZs '']\n",
            {"a": {"!Select": [0, {"!GetAZs": ""}]}},
        ),
        ("a: !!binary aGk=\n", {"a": {"!!binary": "aGk="}}),
        ("a: !!set {x, y}\n", {"a": {"!!set": {"x": None, "y": None}}}),
        ("a: !<tag:x.org,1:y> 1\n", {"a": {"!<tag:x.org,1:y>": "1"}}),
        ("%TAG !e! tag:x.org,1:\n---\na: !e!y 1\n", {"a": {"!<tag:x.org,1:y>": "1"}}),
        ("- !Ref A\n- !Ref B\n", [{"!Ref": "A"}, {"!Ref": "B"}]),
        ("!Ref top\n", {"!Ref": "top"}),
    ],
)
def test_tags_are_kept_as_single_key_mappings(text: str, expected: object) -> None:
    assert load(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !Ref MyBucket\n", {"a": "MyBucket"}),
        ("a: !GetAtt [Role, Arn]\n", {"a": ["Role", "Arn"]}),
        ("a: !Foo 5\n", {"a": "5"}),
        ("!foo k: v\n", {"k": "v"}),
        ("'!Ref': x\n", {"!Ref": "x"}),
    ],
)
def test_yaml_tags_drop_keeps_the_values(text: str, expected: object) -> None:
    assert load(text, yaml_tags="drop") == expected


@pytest.mark.parametrize("policy", ["keep", "drop", "refuse"])
def test_python_tags_are_refused_whatever_the_policy(policy: str) -> None:
    error = load_error("a: 1\nb: !!python/object/apply:os.system [ls]\n", yaml_tags=policy)
    assert "!!python/object/apply:os.system" in error.message
    assert (error.line, error.column) == (2, 4)
    assert not error.repairable


def test_a_tag_on_a_key_cannot_be_kept() -> None:
    error = load_error("a: 1\n!foo k: v\n")
    assert "!foo" in error.message
    assert (error.line, error.column) == (2, 1)
    assert "--yaml-tags drop" in error.hint


@pytest.mark.parametrize(
    "text",
    ["'!Ref': x\n", 'a:\n  "!GetAtt": [x, y]\n', "a: {'!secret': x}\n", '"\\x21Ref": x\n'],
)
def test_a_quoted_key_that_spells_a_tag_is_refused(text: str) -> None:
    """It would come back from JSON as a tag: the one collision of the convention."""
    error = load_error(text)
    assert "tag convention" in error.message
    assert error.line >= 1
    assert "--yaml-tags drop" in error.hint


def test_only_a_lone_key_that_spells_a_tag_is_refused() -> None:
    assert "tag convention" in load_error("'!Ref': x\n").message
    for text in (
        "'!Ref': x\nb: 1\n",  # a second key: not a tag mapping
        "a: '!Ref'\n",  # a value
        "'!!str': x\n",  # a core tag is never a convention key
        "'!Foo%41': x\n",  # not the canonical spelling of a tag
        "'! x': 1\n",
    ):
        assert load(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"a": {"!Ref": "X"}}, "a: !Ref X\n"),
        ({"a": {"!Sub": "x\ny\n"}}, "a: !Sub |\n  x\n  y\n"),
        ({"a": {"!GetAtt": ["r", "Arn"]}}, "a: !GetAtt\n- r\n- Arn\n"),
        ({"a": {"!If": ["c", {"!Ref": "Y"}, "z"]}}, "a: !If\n- c\n- !Ref Y\n- z\n"),
        ({"a": {"!Foo": {"k": 1}}}, "a: !Foo\n  k: 1\n"),
        ({"a": {"!!binary": "aGk="}}, "a: !!binary aGk=\n"),
        ({"a": {"!<tag:x.org,1:y>": "1"}}, "a: !<tag:x.org,1:y> 1\n"),
        ({"a": {"!Ref": "123"}}, "a: !Ref 123\n"),
        ({"a": {"!!str": "5"}}, 'a:\n  "!!str": "5"\n'),  # a core tag: an ordinary key
    ],
)
def test_tag_mappings_are_written_as_tags(data: dict[str, Any], text: str) -> None:
    written, represented = write(data)
    assert written == text
    assert represented == data
    assert load(written) == data


def test_a_template_goes_yaml_json_yaml_to_the_same_text() -> None:
    text = (
        "Resources:\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: !Sub ${AWS::StackName}-logs\n"
        "      Tags: !If\n"
        "      - HasTags\n"
        "      - !Ref Tags\n"
        "      - !Ref AWS::NoValue\n"
        "Outputs:\n"
        "  Arn:\n"
        "    Value: !GetAtt Bucket.Arn\n"
    )
    as_json = convert(text, src="yaml", to="json")
    assert as_json.data["Outputs"] == {"Arn": {"Value": {"!GetAtt": "Bucket.Arn"}}}
    assert convert(as_json.text, src="json", to="yaml").text == text


@pytest.mark.parametrize(
    ("data", "path", "why"),
    [
        ({"a": [{"!Ref": 5}]}, "$.a[0]", "not a value of type int"),
        ({"a": {"!Ref": None}}, "$.a", "not a value of type NoneType"),
        ({"a": {"!If": {"!Ref": "x"}}}, "$.a['!If']", "value of another tag"),
    ],
)
def test_a_tag_mapping_no_tag_can_hold_is_unrepresentable(
    data: dict[str, Any], path: str, why: str
) -> None:
    with pytest.raises(UnrepresentableError) as caught:
        write(data)
    assert caught.value.path == path
    assert why in caught.value.why
    assert "--yaml-tags drop" in caught.value.option


def test_yaml_tags_drop_writes_tag_mappings_as_mappings() -> None:
    written, _ = write({"a": {"!Ref": 5}}, yaml_tags="drop")
    assert load(written, yaml_tags="drop") == {"a": {"!Ref": 5}}
    assert "!Ref" in written and written != "a: !Ref 5\n"


# ---------------------------------------------------------------- merge keys


def test_a_merge_key_merges_and_own_keys_win() -> None:
    text = "base: &b {x: 1, y: 1}\nc:\n  <<: *b\n  y: 2\n  z: 3\n"
    data = load(text)
    assert data["c"] == {"x": 1, "y": 2, "z": 3}
    assert list(data["c"]) == ["x", "y", "z"]  # merged keys first, as PyYAML orders them
    assert data == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 3\n",
        "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: *a\n  <<: *b\n  w: 3\n",
    ],
    ids=["list", "two merge keys"],
)
def test_earlier_merged_mappings_win(text: str) -> None:
    """Two `<<` keys are no duplicate: they merge as one `<<` with a list, as in PyYAML."""
    data = load(text)
    assert data["c"] == {"x": 1, "y": 1, "z": 2, "w": 3}
    assert data == yaml.safe_load(text)


def test_merge_keys_merge_in_flow_mappings_and_inside_lists() -> None:
    assert load("x: {<<: {a: 1}, c: 3}\n") == {"x": {"a": 1, "c": 3}}
    text = ".a: &a {if: x}\nrules:\n  - <<: *a\n    when: never\n  - *a\n"
    assert load(text)["rules"] == [{"if": "x", "when": "never"}, {"if": "x"}]


def test_yaml_merge_keep_reads_merge_keys_as_keys() -> None:
    text = "b: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n"
    assert load(text, yaml_merge="keep") == {"b": {"x": 1}, "c": {"<<": {"x": 1}, "y": 2}}
    error = load_error("c:\n  <<: {x: 1}\n  <<: {y: 1}\n", yaml_merge="keep")
    assert "--yaml-merge expand" in error.hint


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    assert load("c:\n  '<<': {x: 1}\n") == {"c": {"<<": {"x": 1}}}


@pytest.mark.parametrize("value", ["5", "[1, 2]", "[{a: 1}, x]", "!Foo {a: 1}"])
def test_a_merge_key_takes_mappings(value: str) -> None:
    error = load_error(f"c:\n  y: 1\n  <<: {value}\n")
    assert "merge key" in error.message
    assert (error.line, error.column) == (3, 3)


def test_an_ordinary_merge_key_in_the_data_is_written_quoted() -> None:
    written, _ = write({"c": {"<<": {"x": 1}}})
    assert load(written) == {"c": {"<<": {"x": 1}}}
    assert yaml.safe_load(written) == {"c": {"<<": {"x": 1}}}
    written, _ = write({"c": {"<<": {"x": 1}}}, sort_keys=True)
    assert yaml.safe_load(written) == {"c": {"<<": {"x": 1}}}


def test_yaml_merge_keep_writes_the_merge_key_back() -> None:
    text = "b: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n"
    kept = convert(text, src="yaml", to="json", yaml_merge="keep")
    back = convert(kept.text, src="json", to="yaml", yaml_merge="keep").text
    assert "  <<:\n" in back
    assert yaml.safe_load(back) == yaml.safe_load(text)


# ---------------------------------------------------------------- duplicate keys


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1),
        ("top:\n  k: 1\n  j: 2\n  k: 3\n", 4, 3),
        ("{a: 1, a: 2}", 1, 8),
        ("1: a\n1.0: b\n", 2, 1),
    ],
)
def test_duplicate_keys_name_the_second_key(text: str, line: int, column: int) -> None:
    error = load_error(text)
    assert error.message.startswith("duplicate mapping key")
    assert (error.line, error.column) == (line, column)
    assert "remove one of them" in error.hint


def test_the_same_key_in_different_mappings_is_fine() -> None:
    assert load("a: {k: 1}\nb:\n  k: 2\n") == {"a": {"k": 1}, "b": {"k": 2}}


# ---------------------------------------------------------------- streams


@pytest.mark.parametrize(
    ("text", "second_line"),
    [
        ("a: 1\n---\nb: 2\n", 2),
        ("---\na: 1\n---\nb: 2\n...\n", 3),
        ("a: 1\n...\nb: 2\n", 3),
    ],
)
def test_a_stream_is_refused_without_multi_document(text: str, second_line: int) -> None:
    error = load_error(text)
    assert error.message == "the stream holds 2 documents"
    assert (error.line, error.column) == (second_line, 1)
    assert "--multi-document" in error.hint
    assert "multi_document=True" in error.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\n---\nb: 2\n", [{"a": 1}, {"b": 2}]),
        ("--- 1\n--- [2]\n--- x\n", [1, [2], "x"]),
        ("- 1\n- 2\n", [[1, 2]]),
        ("a: 1\n", [{"a": 1}]),
        ("", []),
    ],
)
def test_multi_document_reads_a_list_of_documents(text: str, expected: list[Any]) -> None:
    assert load(text, multi_document=True) == expected


def test_one_document_is_read_as_itself() -> None:
    assert load("a: 1\n...\n") == {"a": 1}
    assert load("- 1\n- 2\n") == [1, 2]
    assert load("text: |\n  ---\n  x\n") == {"text": "---\nx\n"}
    assert load("") is None


def test_multi_document_through_convert() -> None:
    result = convert("a: 1\n---\nb: 2\n", src="yaml", to="json", multi_document=True)
    assert result.data == [{"a": 1}, {"b": 2}]
    assert convert(result.text, src="json", to="yaml", multi_document=True).text == (
        "---\na: 1\n---\nb: 2\n"
    )


def test_multi_document_writing_needs_a_list() -> None:
    with pytest.raises(UnrepresentableError, match="leave out --multi-document") as caught:
        write({"a": 1}, multi_document=True)
    assert caught.value.path == "$"


# ---------------------------------------------------------------- anchors and hostile input


def test_anchors_and_aliases_are_resolved() -> None:
    text = "base: &b {x: 1, y: [1, 2]}\nother: *b\nitems: [&n 5, *n]\n"
    assert load(text) == {
        "base": {"x": 1, "y": [1, 2]},
        "other": {"x": 1, "y": [1, 2]},
        "items": [5, 5],
    }


def test_alias_expansion_is_bounded_by_characters() -> None:
    """One string of 10,000 characters repeated 20 times adds 200,000 characters."""
    text = "s: &s " + "x" * 10_000 + "\nl: [" + ", ".join(["*s"] * 20) + "]\n"
    error = load_error(text, max_alias_bytes=100_000)
    assert "more than 100,000 characters" in error.message
    assert "--max-alias-bytes" in error.hint
    assert not error.repairable
    assert load(text, max_alias_bytes=300_000)["l"] == ["x" * 10_000] * 20


def test_a_big_string_repeated_thousands_of_times_is_refused_by_default() -> None:
    """1 MB referenced 2,000 times would write 2 GB; the default allows 64 MiB."""
    text = "s: &s " + "x" * 1_000_000 + "\nl: [" + ", ".join(["*s"] * 2_000) + "]\n"
    error = load_error(text)
    assert "characters" in error.message and "alias" in error.message
    assert error.line == 2


def test_alias_bomb_is_refused_quickly() -> None:
    """Nine levels of nine aliases would expand to 9**9 strings (billion laughs)."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    error = load_error("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2.0
    assert "alias" in error.message
    assert "billion-laughs" in error.hint


def test_deep_flow_nesting_is_a_parse_error() -> None:
    error = load_error("[" * 1000 + "]" * 1000)
    assert "recursion limit" in error.message
    assert (error.line, error.column) == (1, 256)


def test_deep_block_nesting_is_read_without_crashing_and_refused_by_depth() -> None:
    """20,000 levels would overflow the C stack if parsed on the main thread."""
    text = "- " * 20_000 + "x\n"
    assert depth(load(text)) == 20_000
    with pytest.raises(ParseError, match="nests deeper than 512 levels") as caught:
        convert(text, src="yaml", to="json")
    assert "--max-depth" in caught.value.hint


# (text, the character refused, its line and column): C0 and C1 controls, DEL, the
# noncharacters and a lone surrogate, in ASCII text and past it.
_REFUSED_CHARACTERS = [
    ("a: \x07b\n", "U+0007", 1, 4),
    ("a: 1\nb: 'x\x01'\n", "U+0001", 2, 6),
    ("a: 1\n  # \x1b\n", "U+001B", 2, 5),
    ("a: x\ud800\n", "U+D800", 1, 5),
    ("a: \ufffe\n", "U+FFFE", 1, 4),
    ("é: \uffff\n", "U+FFFF", 1, 4),
    ("a: \x7f\n", "U+007F", 1, 4),
    ("é: \x07\n", "U+0007", 1, 4),
    ("a: \x80\n", "U+0080", 1, 4),
    ("a: \x9f\n", "U+009F", 1, 4),
    ("a: °\x9f\n", "U+009F", 1, 5),
    ("東京: \x84\n", "U+0084", 1, 5),
]


@pytest.mark.parametrize(("text", "code", "line", "column"), _REFUSED_CHARACTERS)
def test_control_characters_are_refused_with_their_position(
    text: str, code: str, line: int, column: int
) -> None:
    error = load_error(text)
    assert error.message == f"the character {code} is not allowed in YAML"
    assert (error.line, error.column) == (line, column)
    assert "escape" in error.hint


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [case for case in _REFUSED_CHARACTERS if case[1] != "U+D800"],  # a file holds no surrogate
)
def test_control_characters_in_a_file_are_refused_with_their_position(
    tmp_path: Path, text: str, code: str, line: int, column: int
) -> None:
    """A file is tested on the bytes it was read from (structconv.encoded)."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(text.encode("utf-8"))
    for read in (
        lambda: convert_file(path, to="json", repair="off"),
        lambda: convert(text.encode("utf-8"), src="yaml", to="json", repair="off"),
        lambda: convert(
            b"\xef\xbb\xbf" + text.encode("utf-8"), src="yaml", to="json", repair="off"
        ),
        lambda: convert(text.encode("utf-16"), src="yaml", to="json", repair="off"),
    ):
        with pytest.raises(ParseError) as caught:
            read()
        assert caught.value.message == f"the character {code} is not allowed in YAML"
        assert (caught.value.line, caught.value.column) == (line, column)


def test_printable_characters_past_ascii_are_fine_in_a_file(tmp_path: Path) -> None:
    """NEL (U+0085, C2 85), the characters around the refused ones, and others that
    start with the same bytes (EF BF BD, C2 A0)."""
    text = "a: x\x85y\n" + "b: \xa0\xa9\ufffd\uff1a\ue000\U0001f600\n"
    path = tmp_path / "fine.yaml"
    path.write_bytes(text.encode("utf-8"))
    assert convert_file(path, to="json", repair="off").data == {
        "a": "x\x85y",
        "b": "\xa0\xa9\ufffd\uff1a\ue000\U0001f600",
    }


def test_escaped_control_characters_are_fine() -> None:
    assert load('a: "\\x07\\t\\u0001"\n') == {"a": "\x07\t\x01"}


def test_syntax_error_position() -> None:
    error = load_error("a: 1\nb: c: d\n")
    assert (error.line, error.column) == (2, 5)
    assert error.snippet == "b: c: d"


# ---------------------------------------------------------------- exact values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: |\n  x", {"a": "x"}),
        ("a: |+\n  x", {"a": "x"}),
        ("a: >\n  x\n  y", {"a": "x y"}),
        ("a: |-\n  x", {"a": "x"}),
        ("a: |\n  x\n", {"a": "x\n"}),
        ("- a\n- |\n  x\n  y", ["a", "x\ny"]),
        ("--- |\n  x", "x"),
        ("a: 1\n---\nb: |\n  x", [{"a": 1}, {"b": "x"}]),
        ('a: "x\\n"', {"a": "x\n"}),
        ("a: &s |\n  x\nb: *s", {"a": "x\n", "b": "x\n"}),
    ],
)
def test_a_block_scalar_at_the_end_of_a_text_without_line_break(
    text: str, expected: object
) -> None:
    """The final line break of a block scalar is content only where the text has it."""
    from ruamel.yaml import YAML

    multi = isinstance(expected, list) and text.count("---")
    data = load(text, multi_document=bool(multi))
    assert data == expected
    reference = YAML(typ="safe", pure=True)
    assert (list(reference.load_all(text)) if multi else reference.load(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('icon: "\\uE000"\n', {"icon": "\ue000"}),
        ('"\\ue000a": 1\na: 2\n', {"\ue000a": 1, "a": 2}),
        ('a: "\\U0000E000\\uE001"\nb: "2024-01-01"\n', {"a": "\ue000\ue001", "b": "2024-01-01"}),
        ('a: "\ue000"\nb: 1_000\n', {"a": "\ue000", "b": "1_000"}),
    ],
)
def test_private_use_characters_in_the_text_survive(text: str, expected: object) -> None:
    """The reader marks scalars with a private-use character it strips afterwards: one
    that the text holds, written or escaped, must never be the marker."""
    assert load(text) == expected


def test_a_quoted_key_before_a_backslash_value_reads() -> None:
    """The marker for quoted timestamps once landed after the key's closing quote
    (`"k"<marker>: \\`), which yaml-rs refused (found by hypothesis)."""
    text = '"k": \\\nb: "2024-01-01"\nc: 2024-01-01\n'
    assert load(text) == {"k": "\\", "b": "2024-01-01", "c": datetime.date(2024, 1, 1)}
    data = {"line\nbreak": None, "\x1f": "\\"}
    assert load(write(data)[0]) == data


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: 1e400\n", 1, 4),
        ("a: [1, -1.5E+999]\n", 1, 8),
        ("a: 1\n1e400: x\n", 2, 1),
        ("a: !!float 1e400\n", 1, 4),
        ("a: " + "1" * 400 + ".5\n", 1, 4),
    ],
)
def test_a_float_that_overflows_is_refused_at_its_position(
    text: str, line: int, column: int
) -> None:
    """yaml-rs reads 1e400 as infinity: a silent change."""
    error = load_error(text)
    assert "too large for a float" in error.message
    assert (error.line, error.column) == (line, column)
    assert "quote it" in error.hint
    assert not error.repairable


def test_only_floats_that_overflow_are_refused() -> None:
    assert "too large for a float" in load_error("e: 2e308\n").message
    data = load("a: .inf\nb: -.Inf\nc: '1e400'\nd: 1e300\ne: x1e400\n")
    assert data == {"a": math.inf, "b": -math.inf, "c": "1e400", "d": 1e300, "e": "x1e400"}


def test_an_integer_too_long_for_python_is_refused_and_a_long_one_is_kept() -> None:
    error = load_error("a: 1\nb: " + "9" * 5_000 + "\n")
    assert "4,300 digits" in error.message
    assert (error.line, error.column) == (2, 4)
    with pytest.raises(ParseError, match="4,300 digits"):
        convert("b: " + "9" * 5_000 + "\n", src="yaml", to="json")
    long = int("9" * 400)
    assert load("b: " + "9" * 400 + "\n") == {"b": long}
    assert load(write({"b": long})[0]) == {"b": long}


# ---------------------------------------------------------------- writing


LOOKS_TYPED = [
    "1",
    "-7",
    "1.10",
    "0o17",
    "017",
    "1e3",
    ".inf",
    "true",
    "False",
    "null",
    "~",
    "",
    "2024-01-01",
    "2024-01-02T03:04:05Z",
    "07:32:00",
    "no",
    "yes",
    "on",
    "Off",
    "NO",
]


@pytest.mark.parametrize("sort_keys", [False, True], ids=["yaml-rs writer", "libyaml writer"])
@pytest.mark.parametrize("text", LOOKS_TYPED)
def test_strings_that_look_typed_are_quoted(text: str, sort_keys: bool) -> None:
    """Quoted for YAML 1.2 readers and, for `no`/`on`, for YAML 1.1 readers (PyYAML) too."""
    written, represented = write({"value": text, text: "key"}, sort_keys=sort_keys)
    assert represented == {"value": text, text: "key"}
    assert f"value: '{text}'\n" in written or f'value: "{text}"\n' in written
    assert load(written) == {"value": text, text: "key"}
    assert yaml.safe_load(written)["value"] == text


@pytest.mark.parametrize(
    ("sort_keys", "expected"),
    [
        (False, 'a: hello world\nb: y\nc: "2024"\n'),
        (True, "a: hello world\nb: y\nc: '2024'\n"),
    ],
    ids=["yaml-rs writer", "libyaml writer"],
)
def test_only_strings_that_look_typed_are_quoted(sort_keys: bool, expected: str) -> None:
    written, _ = write({"a": "hello world", "b": "y", "c": "2024"}, sort_keys=sort_keys)
    assert written == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\nb", "s: |-\n  a\n  b\n"),
        ("  x\ny", "s: |2-\n    x\n  y\n"),
        ("# not a comment\n---\nx", "s: |-\n  # not a comment\n  ---\n  x\n"),
    ],
)
def test_multi_line_strings_are_block_literals(value: str, expected: str) -> None:
    written, _ = write({"s": value})
    assert written == expected


@pytest.mark.parametrize("sort_keys", [False, True], ids=["yaml-rs writer", "libyaml writer"])
@pytest.mark.parametrize(
    "value",
    [
        "line one\nline two\n",
        "a\n\n",
        "\n",
        "a\r\nb",
        " lead\n",
        "tail \nx",
        "a\n b\n\tc",
        "x\x85y",
        "a\u2028b",
        "a\nb\u2029c",
        "a\x01b",
        'it\'s "quoted": # - x',
    ],
)
def test_awkward_strings_round_trip(value: str, sort_keys: bool) -> None:
    """U+2028/U+2029 are line breaks to libyaml (YAML 1.1) but content to YAML 1.2."""
    written, represented = write({"s": value, value: 1}, sort_keys=sort_keys)
    assert load(written) == represented == {"s": value, value: 1}


@pytest.mark.parametrize(
    ("sort_keys", "expected"),
    [
        (False, "名前: 日本語のテキスト\n都市:\n  - 東京\n  - 大阪\n"),
        (True, "名前: 日本語のテキスト\n都市:\n- 東京\n- 大阪\n"),
    ],
    ids=["yaml-rs writer", "libyaml writer"],
)
def test_japanese_is_written_unescaped(sort_keys: bool, expected: str) -> None:
    written, _ = write({"名前": "日本語のテキスト", "都市": ["東京", "大阪"]}, sort_keys=sort_keys)
    assert written == expected


def test_characters_beyond_the_basic_plane() -> None:
    """libyaml escapes them (its printable set stops at U+FFFF); yaml-rs does not."""
    assert write({"emoji": "🎉"})[0] == "emoji: 🎉\n"
    assert write({"emoji": "🎉"}, sort_keys=True)[0] == 'emoji: "\\U0001F389"\n'


def test_lone_surrogate_cannot_be_written() -> None:
    with pytest.raises(UnrepresentableError, match="lone surrogate") as caught:
        write({"a": {"b": ["ok", "x\ud800"]}})
    assert caught.value.path == "$.a.b[1]"


def test_times_become_iso_strings_and_dates_stay_typed() -> None:
    data = {
        "time": datetime.time(7, 32),
        "day": datetime.date(2024, 1, 1),
        "naive": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "utc": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    written, represented = write(data)
    assert written == (
        "time: '07:32:00'\nday: 2024-01-01\nnaive: 2024-01-02 03:04:05\n"
        "utc: 2024-01-02 03:04:05+00:00\n"
    )
    assert represented == {**data, "time": "07:32:00"}
    assert load(written) == represented


def test_sort_keys_sorts_every_mapping() -> None:
    written, _ = write({"b": 1, "a": {"z": 1, "y": [1, 2]}}, sort_keys=True)
    assert written == "a:\n  y:\n  - 1\n  - 2\n  z: 1\nb: 1\n"


def test_sort_keys_groups_keys_of_several_types() -> None:
    written, _ = write({"x": "b", 2: "c", 1: "a"}, sort_keys=True)
    assert written == "1: a\n2: c\nx: b\n"


def test_indent() -> None:
    written, _ = write({"b": 1, "a": {"z": {"y": [1, 2]}}}, indent=4)
    assert written == "b: 1\na:\n    z:\n        y:\n        - 1\n        - 2\n"


def test_default_output_indents_lists_under_keys() -> None:
    written, _ = write({"a": {"y": [{"p": 1, "q": 2}]}})
    assert written == "a:\n  y:\n    - p: 1\n      q: 2\n"


# ---------------------------------------------------------------- keys


def test_non_string_keys_round_trip_in_yaml() -> None:
    text = "1: a\n2.5: b\nnull: c\nouter:\n  7: x\n"
    result = convert(text, src="yaml", to="yaml")
    assert result.data == {1: "a", 2.5: "b", None: "c", "outer": {7: "x"}}
    assert result.text == "1: a\n2.5: b\n~: c\nouter:\n  7: x\n"


def test_non_string_keys_need_stringify_keys_for_json() -> None:
    with pytest.raises(UnrepresentableError) as caught:
        convert("outer:\n  7: x\n", src="yaml", to="json")
    assert caught.value.path == "$.outer"
    assert caught.value.target == "json"
    assert "--stringify-keys" in caught.value.option
    result = convert("outer:\n  7: x\n  true: y\n", src="yaml", to="json", stringify_keys=True)
    assert result.data == {"outer": {"7": "x", "true": "y"}}


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("1_000", "1_000"),
        ("_80", "_80"),
        ("-1_0", "-1_0"),
        ("0x_1", "0x_1"),
        ("0xA_B", "0xA_B"),
        ("0b101", "0b101"),
        ("0x1F", 31),
        ("0o17", 15),
        ("v1_2", "v1_2"),
    ],
)
def test_numbers_yaml_1_2_does_not_know_stay_strings(spelling: str, expected: object) -> None:
    """yaml-rs reads 1_000 and 0b101 as numbers; the YAML 1.2 core schema does not."""
    data = convert(f"a: {spelling}\nb: [{spelling}]\n", src="yaml", to="json", repair="off").data
    assert data == {"a": expected, "b": [expected]}
    if isinstance(expected, str):  # as a key too
        assert convert(f"{spelling}: x\n", src="yaml", to="json").data == {spelling: "x"}


# --- the fast path of writing (fast_write) ----------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TRICKY_TEXT = st.sampled_from(
    [
        "yes",
        "No",
        "null",
        "~",
        "1",
        "1.0",
        "-0.0",
        ".nan",
        "1e3",
        "0x1F",
        "2025-01-01",
        "12:30:00",
        "<<",
        "- a",
        "a: b",
        "#",
        "'",
        '"',
        "",
        " x",
        "x ",
        "\u2028",
        "é",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=6),
    _TRICKY_TEXT,
    st.dates(),
    st.times(),
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(st.text(max_size=4), _TRICKY_TEXT, st.integers()), inner, max_size=3
        ),
    ),
    max_leaves=10,
)


def _general_text(data: Any, options: Options) -> str:
    """What the general path (represent, then dumps) writes."""
    return CODEC.dumps(CODEC.represent(data, options), options)


@given(_DATA)
def test_the_fast_path_writes_what_the_general_path_writes(data: Any) -> None:
    """Where fast_write gives a text, it is the general path's text, and it reads back as
    exactly the data (types included); elsewhere the general path writes or refuses."""
    from structconv.formats.yaml import fast_write
    from structconv.neutral import first_difference

    options = Options()
    text = fast_write(data, options)
    if text is None:
        return
    assert first_difference(data, CODEC.loads(text, options)) is None
    assert text == _general_text(data, options)


@pytest.mark.parametrize(
    "data",
    [
        [1, 1.0, True, "1", "true", None, "null", -0.0, 0.0],
        {"a": datetime.date(2025, 1, 1), "b": "2025"},
        {"nested": [{"x": [1, [2, [3]]]}], "text": "multi\nline"},
    ],
)
def test_the_fast_path_takes_plain_data(data: Any) -> None:
    from structconv.formats.yaml import fast_write

    text = fast_write(data, Options())
    assert text is not None and text == _general_text(data, Options())


def test_the_fast_path_leaves_what_yaml_rs_cannot_write_exactly() -> None:
    from structconv.formats.yaml import fast_write

    assert fast_write({"t": datetime.time(12, 30)}, Options()) is None  # a time: text
    # yaml-rs writes this text plain, which reads back as a date: the read-back catches it
    assert fast_write({"b": "2025-01-01"}, Options()) is None
    assert _general_text({"b": "2025-01-01"}, Options()) == "b: '2025-01-01'\n"
    # NaN is not equal to itself, but the scans vouch for it: the general path's text
    assert fast_write([float("nan")], Options()) == _general_text([float("nan")], Options())
    assert fast_write({(1, 2): "a"}, Options()) is None  # a sequence as a key
    assert fast_write({"a": 1}, Options(indent=4)) is None
    deep: Any = []
    for _ in range(300):
        deep = [deep]
    assert fast_write(deep, Options(max_depth=1000)) is None  # past orjson's depth


def test_the_fast_path_compares_types_not_only_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-back equal under == (1.0 == 1 == True) but of other types is no match (a
    literal block makes fast_write read back instead of vouching from scans)."""
    from structconv.formats import yaml as yaml_format

    monkeypatch.setattr(yaml_format, "_reread", lambda text, options: [1, 1, 0.0, "a\nb"])
    assert yaml_format.fast_write([1.0, True, -0.0, "a\nb"], Options()) is None
    monkeypatch.setattr(yaml_format, "_reread", lambda text, options: [1.0, True, -0.0, "a\nb"])
    assert yaml_format.fast_write([1.0, True, -0.0, "a\nb"], Options()) is not None


# c-printable characters at the edges of the refused ranges, or sharing their first
# UTF-8 bytes (C2, EF BF), and refused ones (control characters, U+FFFE, lone surrogates).
_FINE_EDGES = "\t\n\r \x7e\x85\xa0\xa9\xc2\xef\ud7ff\ue000\ufffd\uffbf\U00010000\U0010ffff\uff1a"
_REFUSED_EDGES = "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\x80\x84\x86\x9f\ud800\udfff\ufffe\uffff"
_FINE_TEXT = st.text(alphabet=_FINE_EDGES + "a:é東-", max_size=30)


def _printable_both_ways(text: str) -> bool:
    """yaml._printable on the text's own encoding, after asserting that it answers the same
    on the same bytes kept (as api keeps a file's)."""
    from structconv import encoded
    from structconv.formats import yaml as yaml_format

    answer = yaml_format._printable(text)
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return answer
    with encoded.keeping_bytes():
        encoded.keep(text, raw)
        assert yaml_format._printable(text) == answer
    return answer


@given(_FINE_TEXT)
def test_printable_on_bytes_accepts_the_characters_next_to_refused_ones(text: str) -> None:
    from structconv.formats import yaml as yaml_format

    assert yaml_format._NOT_PRINTABLE.search(text) is None
    assert _printable_both_ways(text)


@given(st.text(max_size=30))
def test_printable_on_bytes_agrees_with_the_class_on_the_text(text: str) -> None:
    from structconv.formats import yaml as yaml_format

    assert _printable_both_ways(text) == (yaml_format._NOT_PRINTABLE.search(text) is None)


@pytest.mark.parametrize("refused", list(_REFUSED_EDGES))
@given(before=_FINE_TEXT, after=_FINE_TEXT)
def test_printable_on_bytes_refuses_each_refused_character(
    refused: str, before: str, after: str
) -> None:
    assert not _printable_both_ways(before + refused + after)


def test_printable_tests_the_kept_bytes() -> None:
    """The kept bytes stand for the text: with others kept, the answer is theirs."""
    from structconv import encoded
    from structconv.formats import yaml as yaml_format

    text = "a: 1\n"
    with encoded.keeping_bytes():
        encoded.keep(text, b"a: \x01\n")
        assert not yaml_format._printable(text)
    assert yaml_format._printable(text)
