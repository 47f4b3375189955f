"""The TOML codec: typed dates and times, what TOML cannot hold, error positions, shapes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from structconv import ParseError, UnrepresentableError, api, convert
from structconv.formats.toml import CODEC
from structconv.options import Options

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
            'mixed = [1, "two", 3.0, true, [4, 5], {six = 6}, 2024-01-01]\n',
            id="mixed array",
        ),
        pytest.param(
            {"table": {}, "empty": [], "after": {"x": 1}, "scalar_after_tables": 2},
            "empty = []\nscalar_after_tables = 2\n\n[table]\n\n[after]\nx = 1\n",
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
