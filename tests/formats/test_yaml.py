"""The YAML codec: YAML 1.2 typing, tags, streams, hostile input, and what the writer quotes."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
import yaml

from structconv import ParseError, UnrepresentableError, api, convert
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


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("a: \x07b\n", "U+0007", 1, 4),
        ("a: 1\nb: 'x\x01'\n", "U+0001", 2, 6),
        ("a: 1\n  # \x1b\n", "U+001B", 2, 5),
        ("a: x\ud800\n", "U+D800", 1, 5),
        ("a: \ufffe\n", "U+FFFE", 1, 4),
    ],
)
def test_control_characters_are_refused_with_their_position(
    text: str, code: str, line: int, column: int
) -> None:
    error = load_error(text)
    assert error.message == f"the character {code} is not allowed in YAML"
    assert (error.line, error.column) == (line, column)
    assert "escape" in error.hint


def test_escaped_control_characters_are_fine() -> None:
    assert load('a: "\\x07\\t\\u0001"\n') == {"a": "\x07\t\x01"}


def test_syntax_error_position() -> None:
    error = load_error("a: 1\nb: c: d\n")
    assert (error.line, error.column) == (2, 5)
    assert error.snippet == "b: c: d"


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
