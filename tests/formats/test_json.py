from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structconv import ParseError, StructconvError, UnrepresentableError, api, convert, facts
from structconv.formats.json import CODEC, orjson_writes_exactly
from structconv.options import Options


def to_json(text: str, **settings: object) -> str:
    return convert(text, src="json", to="json", **settings).text


def test_keeps_key_order_and_unicode_and_big_integers() -> None:
    text = '{"z": 1, "a": "日本語", "big": 123456789012345678901234567890}'
    assert to_json(text) == (
        '{\n  "z": 1,\n  "a": "日本語",\n  "big": 123456789012345678901234567890\n}\n'
    )


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{"a": 1,\n "a": 2}', "duplicate key 'a'", 2, 2),
        ('{"x": {"a": 1, "b": {"a": 3}, "a": 2}}', "duplicate key 'a'", 1, 31),
        ("[NaN]", "NaN is not a finite JSON number", 1, 2),
        ("[1, Infinity]", "Infinity is not a finite JSON number", 1, 5),
        ("[1e999]", "1e999 is not a finite JSON number", 1, 2),
        ('["\\ud800"]', "lone surrogate", 1, 3),
        ("[1,\n 2,]", "Expecting value", 2, 4),
    ],
)
def test_strict_reading_reports_position(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        to_json(text, repair="off")
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.format == "json"


def test_a_valid_surrogate_pair_and_an_escaped_backslash_are_fine() -> None:
    assert convert('["\\ud834\\udd1e", "\\\\ud800"]', src="json", to="json").data == [
        "\U0001d11e",
        "\\ud800",
    ]


def test_dates_from_other_formats_become_iso_strings() -> None:
    result = convert(b"when = 2024-01-02T03:04:05Z\nday = 2024-01-02\n", src="toml", to="json")
    assert result.data == {"when": "2024-01-02T03:04:05+00:00", "day": "2024-01-02"}


def test_non_string_keys_are_refused_unless_asked() -> None:
    with pytest.raises(UnrepresentableError, match="--stringify-keys") as caught:
        convert("1: a\n", src="yaml", to="json")
    assert caught.value.path == "$"
    assert convert("1: a\n", src="yaml", to="json", stringify_keys=True).data == {"1": "a"}


def test_date_keys_are_stringified_as_iso_dates_when_asked() -> None:
    """A changelog keyed by date: the hint names --stringify-keys, and that option works."""
    with pytest.raises(UnrepresentableError, match="--stringify-keys"):
        convert("2024-01-02: first\n", src="yaml", to="json")
    result = convert("2024-01-02: first\n", src="yaml", to="json", stringify_keys=True)
    assert result.data == {"2024-01-02": "first"}


@pytest.mark.parametrize("stringify_keys", [False, True])
def test_a_yaml_mapping_used_as_a_key_is_refused_with_what_to_do(stringify_keys: bool) -> None:
    """`replicas: {{replicas}}` (an unquoted template, as in a Kubernetes example) reads
    as a mapping whose key is a mapping: no option can write that key, so the error
    says to quote the value instead of naming --stringify-keys, which did not help."""
    with pytest.raises(UnrepresentableError) as caught:
        convert("replicas: {{replicas}}\n", src="yaml", to="json", stringify_keys=stringify_keys)
    assert caught.value.path == "$.replicas"
    assert "--stringify-keys" not in str(caught.value)
    assert "{replicas: null} is a YAML mapping used as a key" in caught.value.why
    assert "quote" in caught.value.option
    with pytest.raises(UnrepresentableError, match="YAML sequence used as a key"):
        convert("? [a, b]\n: 1\n", src="yaml", to="json", stringify_keys=stringify_keys)


def test_nan_from_yaml_cannot_be_written() -> None:
    with pytest.raises(UnrepresentableError) as caught:
        convert("a: [1, .nan]\n", src="yaml", to="json")
    assert caught.value.path == "$.a[1]"


@pytest.mark.parametrize(
    ("indent", "expected"),
    [(0, '{"a":[1,2]}\n'), (4, '{\n    "a": [\n        1,\n        2\n    ]\n}\n')],
)
def test_indent(indent: int, expected: str) -> None:
    assert to_json('{"a": [1, 2]}', indent=indent) == expected


def test_sort_keys() -> None:
    assert to_json('{"b": 1, "a": 2}', sort_keys=True, indent=0) == '{"a":2,"b":1}\n'


def test_json_lines_round_trip() -> None:
    lines = '{"a": 1}\n\n{"a": [2, "x"]}\n'
    result = convert(lines, src="jsonl", to="json")
    assert result.data == [{"a": 1}, {"a": [2, "x"]}]
    assert convert(result.text, src="json", to="jsonl").text == '{"a":1}\n{"a":[2,"x"]}\n'


def test_json_lines_error_names_the_line() -> None:
    with pytest.raises(ParseError) as caught:
        convert('{"a": 1}\n{"a": }\n', src="jsonl", to="json")
    assert (caught.value.line, caught.value.format) == (2, "jsonl")


def test_datetime_time_written_as_iso() -> None:
    assert convert("t = 07:32:00\n", src="toml", to="json").data == {"t": "07:32:00"}
    assert isinstance(datetime.time.fromisoformat("07:32:00"), datetime.time)


class _Label(str):
    """A str subclass: orjson writes it as plain text, so its type would be lost."""


@pytest.mark.parametrize(
    ("data", "exact"),
    [
        ({"a": [1, 2.5, "x", True, None]}, True),
        ({"a": [1.0, float("nan")]}, False),
        ([float("inf")], False),
        ({"when": datetime.date(2026, 1, 2)}, False),
        ({"label": _Label("x")}, False),
        ({"t": (1, 2)}, False),
    ],
)
def test_the_fast_writer_is_used_only_where_orjson_is_exact(data: object, exact: bool) -> None:
    assert orjson_writes_exactly(data) is exact


def test_nan_never_becomes_null_on_the_fast_path() -> None:
    with pytest.raises(UnrepresentableError, match="nan is not a JSON number"):
        convert("a: .nan\n", src="yaml", to="json")
    assert convert("a: 2026-01-02\n", src="yaml", to="json").text == '{\n  "a": "2026-01-02"\n}\n'


# --- reading: orjson first where it gives the strict reader's data ---------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a:b": "c:d", "a:b": 1}',  # colons inside the repeated member's strings
        '{"x": {"k": 1, "y": 2, "k": {"z": ":"}}}',
        '[{"k": 1}, {"k": 1, "k": 1}]',
        '{"a": "\\u003a", "a": 1}',  # an escaped colon: the strict reader decides
        '{"a": 1, "a": "\\u003a"}',  # ... which would make the counts agree here
        '{"t\\u003a": 1, "t:": 2}',  # the same key spelled twice two ways
        '{"": 1, "": 2}',
    ],
)
def test_a_repeated_key_is_refused_with_its_position(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        convert(text, src="json", to="yaml")
    assert "duplicate key" in str(caught.value)
    assert caught.value.line == 1 and caught.value.column > 1


@pytest.mark.parametrize(
    "text",
    [
        "18446744073709551616",
        "-9223372036854775809",
        "[1, 123456789012345678901234567890, -99999999999999999999]",
        '{"id": 9223372036854775808}',
    ],
)
def test_integers_past_64_bits_stay_exact(text: str) -> None:
    import json as stdlib_json

    assert convert(text, src="json", to="json").data == stdlib_json.loads(text)


def test_orjson_reads_first_only_where_it_gives_the_strict_readers_data() -> None:
    from structconv.formats.json import _read_with_orjson

    assert _read_with_orjson('{"a": [1, 2.5, "x:y", {"b": null}]}') == (
        {"a": [1, 2.5, "x:y", {"b": None}]},
        b'{"a":[1,2.5,"x:y",{"b":null}]}',
    )
    for doubtful in ('{"a": 1, "a": 2}', "12345678901234567890", '"\\u003A"', "[1,]", "NaN"):
        assert _read_with_orjson(doubtful) is None


# ------------------------------ what the reader proves of orjson's data (structconv.facts)

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@contextlib.contextmanager
def _no_proofs() -> Iterator[None]:
    yield


def _outcome(text: str, to: str) -> tuple[str, str]:
    try:
        return "text", convert(text, src="json", to=to, repair="off").text
    except StructconvError as failure:
        return type(failure).__name__, str(failure)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON_VALUES, st.sampled_from(["yaml", "json"]))
def test_the_writers_give_the_same_with_the_json_readers_proof_as_without(
    data: object, to: str
) -> None:
    """The proof only skips the writers' walks (YAML: for tuples; JSON: for NaN and dates):
    the text, or the error, is what the walk gives."""
    text = json.dumps(data)
    with_proof = _outcome(text, to)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "keeping_facts", _no_proofs)
        assert _outcome(text, to) == with_proof


def test_the_yaml_writer_skips_its_walk_for_tuples_for_data_orjson_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def walk(data: object) -> bool:
        raise AssertionError("walked")

    monkeypatch.setattr("structconv.formats.yaml_exact._holds_no_tuple", walk)
    monkeypatch.setattr("structconv.formats.json.orjson_writes_exactly", walk)
    assert convert('{"a": [1, 2.5, "x"]}', src="json", to="yaml").text == (
        "a:\n  - 1\n  - 2.5\n  - x\n"
    )
    assert convert('{"a": [1, 2.5]}', src="json", to="json", indent=0).text == '{"a":[1,2.5]}\n'


def test_data_the_strict_reader_read_is_not_proven() -> None:
    """Integers past 64 bits go to the strict reader, whose data orjson cannot vouch for."""
    with facts.keeping_facts():
        data = CODEC.loads('{"big": 123456789012345678901234567890}', Options())
        assert not facts.proven(data, facts.JSON_TYPES)
        data = CODEC.loads('{"small": 1}', Options())
        assert facts.proven(data, facts.JSON_TYPES)
