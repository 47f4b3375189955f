"""The TOML codec: typed dates and times, what TOML cannot hold, error positions, shapes."""

from __future__ import annotations

import datetime
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from structconv import ParseError, UnrepresentableError, api, convert
from structconv.formats import toml as toml_format
from structconv.formats.toml import CODEC
from structconv.options import Options
from tests.formats.test_toml_writer import DATA, TEXT

UTC = datetime.UTC
TOKYO = datetime.timezone(datetime.timedelta(hours=9))
PACIFIC = datetime.timezone(datetime.timedelta(hours=-8))

DATES = (
    "offset = 2024-01-02T03:04:05Z\n"
    "tokyo = 2024-01-02T03:04:05.123+09:00\n"
    "local = 2024-01-02T03:04:05\n"
    "day = 2024-01-02\n"
    "time = 07:32:00\n"
    "fraction = 07:32:00.5\n"
)


def load(text: str, **settings: Any) -> Any:
    return CODEC.loads(text, Options(**settings))


def load_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        load(text)
    assert caught.value.format == "toml"
    return caught.value


def write(data: Any, **settings: Any) -> tuple[str, Any]:
    """Text and represented data, verified by the pipeline (re-read and compared)."""
    return api.write(data, "toml", Options(**settings))


def write_error(data: Any, **settings: Any) -> UnrepresentableError:
    with pytest.raises(UnrepresentableError) as caught:
        write(data, **settings)
    assert caught.value.target == "toml"
    return caught.value


# ---------------------------------------------------------------- dates and times


def test_dates_and_times_are_read_typed() -> None:
    data = load(DATES)
    assert data == {
        "offset": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        "tokyo": datetime.datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=TOKYO),
        "local": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "day": datetime.date(2024, 1, 2),
        "time": datetime.time(7, 32),
        "fraction": datetime.time(7, 32, 0, 500000),
    }
    assert data["local"].tzinfo is None
    assert type(data["day"]) is datetime.date


def test_dates_stay_typed_in_yaml_and_times_become_strings() -> None:
    """YAML has timestamps but no time of day."""
    result = convert(DATES, src="toml", to="yaml")
    assert result.text == (
        "offset: 2024-01-02 03:04:05+00:00\n"
        "tokyo: 2024-01-02 03:04:05.123000+09:00\n"
        "local: 2024-01-02 03:04:05\n"
        "day: 2024-01-02\n"
        "time: '07:32:00'\n"
        "fraction: '07:32:00.500000'\n"
    )
    assert result.data == {
        **load(DATES),
        "time": "07:32:00",
        "fraction": "07:32:00.500000",
    }


def test_dates_and_times_become_iso_strings_in_json() -> None:
    assert convert(DATES, src="toml", to="json").data == {
        "offset": "2024-01-02T03:04:05+00:00",
        "tokyo": "2024-01-02T03:04:05.123000+09:00",
        "local": "2024-01-02T03:04:05",
        "day": "2024-01-02",
        "time": "07:32:00",
        "fraction": "07:32:00.500000",
    }


def test_yaml_timestamps_stay_typed_in_toml() -> None:
    text = "day: 2024-01-01\nutc: 2024-01-02T03:04:05Z\nlocal: 2024-01-02 03:04:05\n"
    result = convert(text, src="yaml", to="toml")
    assert result.text == (
        "day = 2024-01-01\nutc = 2024-01-02T03:04:05Z\nlocal = 2024-01-02T03:04:05\n"
    )
    assert load(result.text) == {
        "day": datetime.date(2024, 1, 1),
        "utc": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        "local": datetime.datetime(2024, 1, 2, 3, 4, 5),
    }


def test_local_time_is_written_typed() -> None:
    written, represented = write({"at": datetime.time(7, 32, 1, 250000)})
    assert written == "at = 07:32:01.25\n"
    assert load(written) == represented == {"at": datetime.time(7, 32, 1, 250000)}


def test_time_with_utc_offset_is_refused() -> None:
    error = write_error({"shift": {"start": datetime.time(7, 32, tzinfo=UTC)}})
    assert error.path == "$.shift.start"
    assert "07:32:00+00:00 has a UTC offset" in error.why


# ---------------------------------------------------------------- nulls

SERVERS = '{"servers": [{"port": 1}, {"port": 2}, {"name": "c", "port": null}]}'


def test_null_is_refused_with_its_path_and_the_options() -> None:
    with pytest.raises(UnrepresentableError) as caught:
        convert(SERVERS, src="json", to="toml")
    assert caught.value.path == "$.servers[2].port"
    assert caught.value.why == "TOML has no null"
    assert "--null drop or --null empty" in caught.value.option
    assert "--null drop or --null empty" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"a": None}, "$.a"),
        ({"list": [1, None]}, "$.list[1]"),
        ({"odd key": {"x": None}}, "$['odd key'].x"),
    ],
)
def test_null_paths(data: Any, path: str) -> None:
    assert write_error(data).path == path


def test_null_drop_leaves_keys_and_items_out() -> None:
    result = convert(SERVERS, src="json", to="toml", null="drop")
    assert result.text == (
        '[[servers]]\nport = 1\n\n[[servers]]\nport = 2\n\n[[servers]]\nname = "c"\n'
    )
    assert result.data == {"servers": [{"port": 1}, {"port": 2}, {"name": "c"}]}
    assert write({"a": [1, None, 2], "b": None, "c": 3}, null="drop")[0] == "a = [1, 2]\nc = 3\n"


def test_null_empty_writes_empty_strings() -> None:
    result = convert(SERVERS, src="json", to="toml", null="empty")
    assert result.text == (
        '[[servers]]\nport = 1\n\n[[servers]]\nport = 2\n\n[[servers]]\nname = "c"\nport = ""\n'
    )
    assert write({"a": [1, None], "b": None}, null="empty")[0] == 'a = [1, ""]\nb = ""\n'


# ---------------------------------------------------------------- what TOML cannot hold


@pytest.mark.parametrize("text", ["[1, 2]", '"text"', "3"])
def test_a_top_level_non_table_is_refused_without_root(text: str) -> None:
    with pytest.raises(UnrepresentableError) as caught:
        convert(text, src="json", to="toml")
    assert caught.value.path == "$"
    assert "--root NAME" in caught.value.option


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2]", "items = [1, 2]\n"),
        ('[{"a": 1}, {"a": 2}]', "[[items]]\na = 1\n\n[[items]]\na = 2\n"),
        ('"text"', 'items = "text"\n'),
    ],
)
def test_root_puts_the_data_under_a_key(text: str, expected: str) -> None:
    result = convert(text, src="json", to="toml", root="items")
    assert result.text == expected
    assert result.data == {"items": load(expected)["items"]}


@pytest.mark.parametrize(
    ("value", "fits"),
    [(2**63 - 1, True), (-(2**63), True), (2**63, False), (-(2**63) - 1, False), (2**70, False)],
)
def test_integers_must_fit_in_64_bits(value: int, fits: bool) -> None:
    data = {"nested": {"values": [0, value]}}
    if fits:
        written, _ = write(data)
        assert written == f"[nested]\nvalues = [0, {value}]\n"
        assert load(written) == data
    else:
        error = write_error(data)
        assert error.path == "$.nested.values[1]"
        assert error.why == f"{value} does not fit in a TOML integer (64 bits)"


def test_a_64_bit_overflow_from_json_is_refused() -> None:
    with pytest.raises(UnrepresentableError, match="64 bits") as caught:
        convert('{"big": 9223372036854775808}', src="json", to="toml")
    assert caught.value.path == "$.big"


def test_non_string_keys_need_stringify_keys() -> None:
    with pytest.raises(UnrepresentableError) as caught:
        convert("table:\n  1: a\n", src="yaml", to="toml")
    assert caught.value.path == "$.table"
    assert "--stringify-keys" in caught.value.option
    assert convert("table:\n  1: a\n", src="yaml", to="toml", stringify_keys=True).text == (
        '[table]\n1 = "a"\n'
    )


def test_lone_surrogate_cannot_be_written() -> None:
    error = write_error({"a": {"b": ["ok", "x\ud800"]}})
    assert error.path == "$.a.b[1]"
    assert "lone surrogate" in error.why
    assert write_error({"k\udc00": 1}).path == "$['k\\udc00']"


# ---------------------------------------------------------------- reading errors


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("a = 1\nb = \n", "Invalid value", 2, 5),
        ('a = 1\n[t]\nx = "unterminated\n', "Illegal character '\\n'", 3, 18),
        ("a = 1\na = 2\n", "Cannot overwrite a value", 2, 6),
        ("a = 1\n[t", "Expected ']' at the end of a table declaration", 2, 3),
        ('a = "x', "Unterminated string", 1, 7),
        ('a = "x\ud800y"\n', "a lone surrogate is not a character", 1, 7),
    ],
)
def test_parse_errors_have_exact_positions(text: str, message: str, line: int, column: int) -> None:
    error = load_error(text)
    assert error.message == message
    assert (error.line, error.column) == (line, column)
    assert error.snippet == text.splitlines()[line - 1]


def test_parse_error_through_convert_renders_the_position() -> None:
    with pytest.raises(ParseError) as caught:
        convert("a = 1\nb = \n", src="toml", to="json", name="config.toml")
    assert (caught.value.line, caught.value.column, caught.value.source) == (2, 5, "config.toml")
    assert "toml: Invalid value at line 2, column 5" in str(caught.value)


def test_escaped_surrogate_is_refused() -> None:
    error = load_error('a = "\\ud800"\n')
    assert error.message == "Escaped character is not a Unicode scalar value"
    assert error.line == 1


@pytest.mark.parametrize("name", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_refused(name: str) -> None:
    raw = "a = 1\n".encode(name)
    if name != "utf-16":
        raw = "\ufeff".encode(name) + raw
    for settings in ({"src": "toml"}, {"name": "config.toml"}):
        with pytest.raises(ParseError) as caught:
            convert(raw, to="json", **settings)
        assert caught.value.format == "toml"
        assert "TOML files must be UTF-8" in caught.value.message
        assert "UTF-16" in caught.value.message
        assert (caught.value.line, caught.value.column) == (1, 1)
        assert caught.value.hint == "save the file as UTF-8"


def test_utf8_with_a_byte_order_mark_is_read() -> None:
    result = convert(b"\xef\xbb\xbfa = 1\n", src="toml", to="json")
    assert result.data == {"a": 1}
    assert result.encoding == "utf-8-sig"


def test_invalid_utf8_names_the_byte() -> None:
    with pytest.raises(ParseError) as caught:
        convert(b"a = 1\nb = '\xff'\n", src="toml", to="json")
    assert caught.value.message == "invalid utf-8 byte b'\\xff'"
    assert (caught.value.line, caught.value.column) == (2, 6)


# ---------------------------------------------------------------- writing shapes


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {
                "title": "x",
                "owner": {
                    "name": "Ada",
                    "born": datetime.datetime(1979, 5, 27, 7, 32, tzinfo=PACIFIC),
                },
                "database": {"ports": [8000, 8001], "limits": {"cpu": 1.5}},
            },
            'title = "x"\n\n[owner]\nname = "Ada"\nborn = 1979-05-27T07:32:00-08:00\n\n'
            "[database]\nports = [8000, 8001]\n\n[database.limits]\ncpu = 1.5\n",
            id="nested tables",
        ),
        pytest.param(
            {
                "fruits": [
                    {
                        "name": "apple",
                        "varieties": [{"name": "red"}, {"name": "green"}],
                        "physical": {"color": "red"},
                    },
                    {"name": "banana"},
                ]
            },
            '[[fruits]]\nname = "apple"\n\n[[fruits.varieties]]\nname = "red"\n\n'
            '[[fruits.varieties]]\nname = "green"\n\n[fruits.physical]\ncolor = "red"\n\n'
            '[[fruits]]\nname = "banana"\n',
            id="arrays of tables",
        ),
        pytest.param(
            {"a.b": 1, 'quote"d': True, "with space": {"ké y": "v", "": "empty"}},
            '"a.b" = 1\n"quote\\"d" = true\n\n["with space"]\n"ké y" = "v"\n"" = "empty"\n',
            id="quoted keys",
        ),
        pytest.param(
            {"mixed": [1, "two", 3.0, True, [4, 5], {"six": 6}, datetime.date(2024, 1, 1)]},
            'mixed = [1, "two", 3.0, true, [4, 5], { six = 6 }, 2024-01-01]\n',
            id="mixed array",
        ),
        pytest.param(
            {"table": {}, "empty": [], "after": {"x": 1}, "scalar_after_tables": 2},
            "table = {}\nempty = []\nafter.x = 1\nscalar_after_tables = 2\n",
            id="scalars after tables",
        ),
        pytest.param(
            {"text": "line1\nline2", "japanese": "日本語", "control": "a\x01b\x7f"},
            'text = "line1\\nline2"\njapanese = "日本語"\ncontrol = "a\\u0001b\\u007f"\n',
            id="strings",
        ),
    ],
)
def test_shapes_write_and_read_back(data: dict[str, Any], expected: str) -> None:
    written, represented = write(data)
    assert written == expected
    assert load(written) == represented == data


def test_sort_keys_sorts_every_table() -> None:
    written, _ = write({"b": 1, "a": {"z": 1, "y": 2}, "c": [{"q": 1, "p": 2}]}, sort_keys=True)
    assert written == "b = 1\n\n[a]\ny = 2\nz = 1\n\n[[c]]\np = 2\nq = 1\n"


def test_without_sort_keys_the_order_is_kept() -> None:
    written, _ = write({"b": 1, "a": {"z": 1, "y": 2}})
    assert written == "b = 1\n\n[a]\nz = 1\ny = 2\n"


def test_without_sort_keys_the_order_is_kept_even_before_a_later_value() -> None:
    """TOML puts every key after a [header] into that table: a table followed by a plain
    value stays in place, inline or as dotted keys, instead of moving after it."""
    written, _ = write({"A": {}, "b": 1})
    assert written == "A = {}\nb = 1\n"
    assert list(load(written)) == ["A", "b"]
    data = {
        "name": "x",
        "owner": {"name": "Ada", "geo": {"lat": 1.5}},
        "orders": [{"sku": "a", "qty": 1}, {"sku": "b", "tags": ["x"]}],
        "note": "last",
        "database": {"port": 8000},
        "servers": [{"host": "a"}],
    }
    written, _ = write(data)
    assert written == (
        'name = "x"\n'
        'owner.name = "Ada"\n'
        "owner.geo.lat = 1.5\n"
        "orders = [\n"
        '  { sku = "a", qty = 1 },\n'
        '  { sku = "b", tags = ["x"] },\n'
        "]\n"
        'note = "last"\n'
        "\n[database]\nport = 8000\n"
        '\n[[servers]]\nhost = "a"\n'
    )
    again = load(written)
    assert again == data
    assert list(again) == list(data)
    assert list(again["owner"]) == ["name", "geo"]


def test_key_order_survives_yaml_to_toml_and_back() -> None:
    text = "A: {}\nb: 1\nc:\n  d: [1, 2]\n  e: {f: 2}\n  g: 3\n"
    toml_text = convert(text, src="yaml", to="toml").text
    assert toml_text == "A = {}\nb = 1\n\n[c]\nd = [1, 2]\ne.f = 2\ng = 3\n"
    back = convert(toml_text, src="toml", to="yaml").data
    assert back == {"A": {}, "b": 1, "c": {"d": [1, 2], "e": {"f": 2}, "g": 3}}
    assert list(back) == ["A", "b", "c"] and list(back["c"]) == ["d", "e", "g"]


def test_a_utc_offset_with_seconds_is_refused() -> None:
    odd = datetime.timezone(datetime.timedelta(hours=1, seconds=30))
    error = write_error({"at": [datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=odd)]})
    assert error.path == "$.at[0]"
    assert "whole minutes" in error.why


def test_verification_catches_a_writer_that_loses_data(monkeypatch: pytest.MonkeyPatch) -> None:
    from structconv.errors import RoundTripError
    from structconv.formats import toml_writer

    monkeypatch.setattr(toml_writer, "_NEEDS_ESCAPE", re.compile("x"))
    monkeypatch.setattr(toml_writer, "string", lambda text: '"' + text.replace("x", "") + '"')
    with pytest.raises(RoundTripError):
        write({"a": ["box"]})


PLUS_ONE = datetime.timezone(datetime.timedelta(hours=1))


@pytest.mark.parametrize(
    ("data", "text", "same"),
    [
        ({"a": 1.5, "d": datetime.date(2024, 1, 1)}, "a = 1.5\nd = 2024-01-01\n", True),
        ({"a": math.inf, "b": "null"}, 'a = inf\nb = "null"\n', True),
        ({"a": 1.0}, "a = 1\n", False),
        ({"a": 1}, "a = true\n", False),
        ({"a": -0.0}, "a = 0.0\n", False),
        ({"a": math.inf}, "a = -inf\n", False),
        ({"a": math.nan}, "a = nan\n", False),  # NaN is left to the general path
        ({"a": datetime.date(2024, 1, 1)}, 'a = "2024-01-01"\n', False),
        ({"a": ["date", "2024-01-01"]}, "a = 2024-01-01\n", False),
        ({"a": "<date 2024-01-01>"}, "a = 2024-01-01\n", False),
        (
            {"a": datetime.datetime(2024, 1, 1, 1, tzinfo=PLUS_ONE)},
            "a = 2024-01-01T00:00:00Z\n",
            False,
        ),
        ({"a": 1, "b": 2}, "b = 2\na = 1\n", False),  # the order is kept
    ],
)
def test_the_read_back_tells_types_offsets_and_order(data: Any, text: str, same: bool) -> None:
    assert toml_format._reads_back([(text, None)], data, Options()) is same


@hypothesis_settings(max_examples=150, deadline=None)
@given(st.dictionaries(TEXT, DATA, max_size=6), st.booleans())
def test_the_pieces_of_an_honest_text_read_back_as_the_whole_does(
    data: dict[str, Any], sort_keys: bool
) -> None:
    from structconv.formats.toml_writer import Unwritable, write_pieces

    options = Options(sort_keys=sort_keys)
    try:
        text, pieces = write_pieces(data, sort_keys=sort_keys, indent=2, max_depth=64)
    except Unwritable:
        return  # (a list mixing tables and values: the general path maps it)
    whole = toml_format._parse(text, options)
    same = toml_format._typed_bytes(whole, options) == toml_format._typed_bytes(data, options)
    assert toml_format._reads_back(pieces, data, options) is same


# Pieces that each read back as what they claim, where the whole text does not: the
# read-back must refuse them all (a writer's cut in the wrong place, or a claim twice).
TABLES = {"a": {"x": 1}, "b": {"c": 1}}
ITEMS = {"r": [{"x": 1}, {"x": 2}]}


@pytest.mark.parametrize(
    ("pieces", "data"),
    [
        # No header first: `b.c = 1` would belong to [a] in the whole text.
        ([("", None), ("[a]\nx = 1\n", ("a", None)), ("b.c = 1\n", ("b", None))], TABLES),
        # The same table twice (the whole text defines [a] twice: invalid).
        (
            [("", None), ("[a]\nx = 1\n", ("a", None)), ("[a]\nx = 1\n", ("a", None))],
            {"a": {"x": 1}},
        ),
        # A key both in the plain values and under a header.
        ([("a.x = 1\n", None), ("[a]\nx = 1\n", ("a", None))], {"a": {"x": 1}}),
        # An item left out, an item twice, items out of order.
        ([("", None), ("[[r]]\nx = 1\n", ("r", 0))], ITEMS),
        ([("", None), ("[[r]]\nx = 1\n", ("r", 0)), ("[[r]]\nx = 1\n", ("r", 0))], ITEMS),
        ([("", None), ("[[r]]\nx = 2\n", ("r", 1)), ("[[r]]\nx = 1\n", ("r", 0))], ITEMS),
        # Two items in one piece; a piece that holds another key than it claims.
        ([("", None), ("[[r]]\nx = 1\n[[r]]\nx = 2\n", ("r", 0))], ITEMS),
        ([("", None), ("[b]\nc = 1\n", ("a", None)), ("[a]\nx = 1\n", ("b", None))], TABLES),
        # A key of the data no piece holds; the keys out of order.
        ([("", None), ("[a]\nx = 1\n", ("a", None))], TABLES),
        ([("", None), ("[b]\nc = 1\n", ("b", None)), ("[a]\nx = 1\n", ("a", None))], TABLES),
        # A piece that leaves an array open (it does not read alone).
        ([("a = [\n", None), ("[b]\nc = 1\n", ("b", None))], {"a": [], "b": {"c": 1}}),
    ],
)
def test_pieces_that_the_whole_text_reads_otherwise_are_refused(
    pieces: list[tuple[str, Any]], data: dict[str, Any]
) -> None:
    assert toml_format._reads_back(pieces, data, Options()) is False


# ---------------------------------------------------------------- TOML 1.1 and 1.0

TOML_1_1 = (
    'esc = "\\e[0m"\n'
    'hex = "caf\\xE9"\n'
    "at = 07:32\n"
    "when = 1979-05-27 07:32Z\n"
    "contact = {\n"
    '  name = "Ada",  # a comment inside\n'
    '  tags = ["x"],\n'
    "}\n"
)
TOML_1_1_DATA = {
    "esc": "\x1b[0m",
    "hex": "café",
    "at": datetime.time(7, 32),
    "when": datetime.datetime(1979, 5, 27, 7, 32, tzinfo=UTC),
    "contact": {"name": "Ada", "tags": ["x"]},
}


def test_toml_1_1_is_read_by_default() -> None:
    assert load(TOML_1_1) == TOML_1_1_DATA


def test_toml_1_0_is_read_strictly_when_asked() -> None:
    with pytest.raises(ParseError) as caught:
        convert(TOML_1_1, src="toml", to="json", toml_version="1.0", repair="off")
    assert caught.value.line == 1
    assert "valid TOML 1.1" in caught.value.hint
    assert load('a = "\\u00e9"\n', toml_version="1.0") == {"a": "é"}


def test_toml_version_is_checked() -> None:
    from structconv.errors import UsageError

    with pytest.raises(UsageError, match=r"toml_version must be one of 1\.0, 1\.1, not '2\.0'"):
        convert("a = 1", src="toml", to="json", toml_version="2.0")


def test_the_cli_reads_strict_toml_1_0(tmp_path: Path) -> None:
    from tests.cli.run import run_cli

    source = tmp_path / "config.toml"
    source.write_text(TOML_1_1, encoding="utf-8")
    assert run_cli(["convert", str(source), "--to", "json"]).exit_code == 0
    strict = run_cli(
        ["convert", str(source), "--to", "json", "--toml-version", "1.0", "--repair", "off"]
    )
    assert strict.exit_code == 1


def test_a_toml_1_1_document_is_written_as_toml_1_0_with_the_same_data() -> None:
    import tomllib

    result = convert(TOML_1_1, src="toml", to="toml")
    assert tomllib.loads(result.text) == TOML_1_1_DATA
    assert result.text == (
        'esc = "\\u001b[0m"\n'
        'hex = "café"\n'
        "at = 07:32:00\n"
        "when = 1979-05-27T07:32:00Z\n"
        "\n"
        "[contact]\n"
        'name = "Ada"\n'
        'tags = ["x"]\n'
    )


# ---------------------------------------------------------------- values Python cannot hold


def test_sub_microsecond_times_are_kept_as_their_text() -> None:
    text = (
        "a = 1987-07-05T17:45:56.123456789Z\n"
        "b = [17:45:56.1234567, 17:45:56.123456]\n"
        "c = { d = 1987-07-05 17:45:56.9999999 }\n"
        "[[e]]\nf = 1987-07-05T17:45:56.0000001-05:00\n"
        'g = "12:00:00.1234567"\n'
    )
    assert load(text) == {
        "a": "1987-07-05T17:45:56.123456789Z",
        "b": ["17:45:56.1234567", datetime.time(17, 45, 56, 123456)],
        "c": {"d": "1987-07-05 17:45:56.9999999"},
        "e": [{"f": "1987-07-05T17:45:56.0000001-05:00", "g": "12:00:00.1234567"}],
    }
    assert convert(text, src="toml", to="json").data["a"] == "1987-07-05T17:45:56.123456789Z"


@pytest.mark.parametrize(
    ("text", "column"),
    [("a = 1e400\n", 5), ("a = [1.0, -1_0e3_99]\n", 11), ("a = 1" + "0" * 400 + ".0\n", 5)],
)
def test_a_float_out_of_range_is_refused_not_infinity(text: str, column: int) -> None:
    error = load_error(text)
    assert "out of range for a 64-bit float" in error.message
    assert (error.line, error.column) == (1, column)
    assert not error.repairable
    assert load("a = [1e300, inf, -inf, 1e-400]\n") == {"a": [1e300, math.inf, -math.inf, 0.0]}


@pytest.mark.parametrize("digits", ["1" * 5000, "0x" + "F" * 5000, "-" + "1_2" * 2500])
def test_an_integer_too_long_for_python_is_refused_by_name(digits: str) -> None:
    with pytest.raises(ParseError) as caught:
        convert(f"x = 1\nbig = {digits}\n", src="toml", to="json")
    assert caught.value.message.startswith(digits[:20] + "...")
    assert "limit of 4,300 decimal digits" in caught.value.message
    assert (caught.value.line, caught.value.column) == (2, 7)
    assert load(f"big = {'9' * 4300}\n") == {"big": int("9" * 4300)}


# ---------------------------------------------------------------- reader safety and errors


def test_the_first_of_several_errors_is_reported_in_toml_1_1_terms() -> None:
    """toml-rs reports the last of several errors; a TOML 1.0 reader, the 1.1 syntax."""
    error = load_error("a = { b = 1,\n}\nc = x\nd: 2\n")
    assert (error.message, error.line, error.column) == ("Invalid value", 3, 5)


def test_a_second_byte_order_mark_is_refused() -> None:
    with pytest.raises(ParseError, match="byte order mark"):
        convert(b"\xef\xbb\xbf\xef\xbb\xbfa = 1\n", src="toml", to="json", repair="off")


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("a = [[[1]]]\n", 3),
        ('a = ["[[[[", "]]]]", 1]\n', 1),
        ("a = '[[[['\n# [[[[\nb = {c = {d = [1]}}\n", 3),
        ('a = """\n[[[[\n"""\nb = [1]\n', 1),
        ('a = "\\"[[[["\nb = [1]\n', 1),
        ("a = 'C:\\' # [[[\nb = [[2]]\n", 2),
        ('a = [ "]", [ "]", [ "]", [1] ] ] ]\n', 4),
        ("a = [[[ [[]] [\n", 6),
    ],
)
def test_bracket_depth_skips_strings_and_comments(text: str, levels: int) -> None:
    padded = text + "# " + "[" * 1000 + "\n"  # past the count that skips the scan
    assert toml_format.bracket_depth(padded, 100) == levels


@pytest.mark.parametrize(
    "nested",
    [
        "a = " + "[" * 20000 + "]" * 20000,
        "a = " + "{b = " * 20000 + "1" + "}" * 20000,
        "a = " + '["]", ' * 20000 + "1" + "]" * 20000,
        "a = " + "[" * 100_000,  # never closed
    ],
)
def test_deep_nesting_is_refused_before_it_crashes_the_reader(nested: str) -> None:
    """toml-rs overflows the C stack some 5,000 levels deep: run where a crash shows."""
    script = (
        "import sys\n"
        "from structconv import ParseError, convert\n"
        "try:\n"
        "    convert(sys.stdin.read(), src='toml', to='json', max_depth=100000)\n"
        "except ParseError as error:\n"
        "    print(error.message)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=nested, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "arrays and inline tables nest deeper than 1000 levels\n"
    with pytest.raises(ParseError, match="deeper than 512 levels"):
        load(nested)


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ('id = "4e0139e0-2c42-4ac8"\nv = 3\n', False),  # a UUID's digits are in a string
        ('log = "at 12:00:00.1234567"\n', False),
        ("a = 1e99\nb = 0.1234567\n", False),
        ("a = [\n  # a comment\n  1e400,\n]\n", True),
        ("a = -1_0e+4_00\n", True),
        ("t = 1987-07-05 17:45:56.1234567\n", True),
        ("x = [00:00:00.0000001]\n", True),
        ("a = 0x" + "F" * 300 + "\n", True),
        ("é = 1.5e300\n", True),
    ],
)
def test_only_values_that_may_need_it_take_the_exact_reading(text: str, needed: bool) -> None:
    assert toml_format._needs_exact_reading(text) is needed
