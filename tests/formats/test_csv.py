"""CSV codec: reading, sniffing, inference, flattening, the writing policies, encodings."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import structconv
from structconv.errors import ParseError, StructconvError, UnrepresentableError, UsageError
from structconv.formats import csv as csv_format
from structconv.formats.csv import CODEC, sniff_delimiter
from structconv.formats.csv_types import infer_cell, infer_column
from structconv.formats.json import orjson_writes_exactly
from structconv.options import Options

DEFAULT = Options()
TEXT_ONLY = Options(infer_types=False)


def write(data: Any, options: Options = DEFAULT) -> str:
    text, _ = structconv.api.write(data, "csv", options)
    return text


# --- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_sniffs_each_delimiter(delimiter: str) -> None:
    text = delimiter.join(["id", "name", "note"]) + "\n"
    text += delimiter.join(["1", "Ann", '"a, b; c| d\te"']) + "\n"
    text += delimiter.join(["2", "Bob", "plain"]) + "\n"
    assert sniff_delimiter(text) == delimiter
    assert CODEC.loads(text, DEFAULT) == [
        {"id": 1, "name": "Ann", "note": "a, b; c| d\te"},
        {"id": 2, "name": "Bob", "note": "plain"},
    ]


def test_sniffing_keeps_a_single_column_whole() -> None:
    assert CODEC.loads("note\na;b\nc;d\n", DEFAULT) == [{"note": "a;b"}, {"note": "c;d"}]


def test_explicit_delimiter_wins_over_sniffing() -> None:
    text = "a;b\n1;2\n"
    assert CODEC.loads(text, Options(delimiter=",")) == [{"a;b": "1;2"}]


def test_quoted_commas_quotes_and_newlines() -> None:
    text = 'a,b,c\r\n"x, y","say ""hi""","line 1\r\nline 2"\r\n'
    assert CODEC.loads(text, DEFAULT) == [{"a": "x, y", "b": 'say "hi"', "c": "line 1\r\nline 2"}]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a,b,c\n1,2,3\n4,5,6,7\n", 3, 7),  # the extra field starts at column 7
        ("a,b,c\n1,2,3\n4,5\n", 3, 4),  # the missing field would start after "4,5"
        ('a,b\n"multi\nline",2\n1,2,3\n', 4, 5),  # lines counted through a quoted newline
        ('a,b\n"one\ntwo",2,3\n', 3, 8),  # the extra field stands on the record's 2nd line
    ],
)
def test_ragged_row_is_an_error_with_its_position(text: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        CODEC.loads(text, DEFAULT)
    assert caught.value.line == line
    if column:
        assert caught.value.column == column
    assert "fields, the header has" in caught.value.message


def test_ragged_row_past_the_first_batch_is_found() -> None:
    rows = [f"{i},x" for i in range(5000)]
    rows[4321] = "4321,x,extra"
    with pytest.raises(ParseError) as caught:
        CODEC.loads("n,v\n" + "\n".join(rows) + "\n", DEFAULT)
    assert caught.value.line == 4323
    assert caught.value.column == 8


def test_duplicate_header_is_an_error_when_strict() -> None:
    with pytest.raises(ParseError, match="duplicate column name 'a'") as caught:
        CODEC.loads("a,b,a\n1,2,3\n", Options(repair="off"))
    assert (caught.value.line, caught.value.column) == (1, 5)


@pytest.mark.parametrize(
    ("text", "line"),
    [('a,b\n1,"open\n', 2), ('a,b\n1,"x"y\n', 2), ("a,b\n1,\x002\n", 2)],
)
def test_malformed_text_is_a_parse_error(text: str, line: int) -> None:
    with pytest.raises(ParseError) as caught:
        CODEC.loads(text, DEFAULT)
    assert caught.value.line == line


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff", "a,b\n", "a,b\r\n\r\n"])
def test_empty_input_or_header_only_reads_as_no_records(text: str) -> None:
    assert CODEC.loads(text, DEFAULT) == []


def test_blank_lines_are_skipped() -> None:
    assert CODEC.loads("a,b\n\n1,2\n\n", DEFAULT) == [{"a": 1, "b": 2}]


def test_a_cell_larger_than_the_csv_module_default_limit() -> None:
    big = "x" * 300_000
    assert CODEC.loads(f"a\n{big}\n", DEFAULT) == [{"a": big}]
    with pytest.raises(ParseError, match="field limit"):
        CODEC.loads(f"a\n{'y' * (3 << 20)}\n", Options(max_bytes=1 << 20))


def test_unflatten_dotted_columns() -> None:
    text = "id,addr.city,addr.geo.lat,name\n1,Oslo,59.9,Ann\n"
    assert CODEC.loads(text, DEFAULT) == [
        {"id": 1, "addr": {"city": "Oslo", "geo": {"lat": 59.9}}, "name": "Ann"}
    ]
    assert CODEC.loads(text, Options(unflatten=False)) == [
        {"id": 1, "addr.city": "Oslo", "addr.geo.lat": 59.9, "name": "Ann"}
    ]


def test_a_value_column_beside_its_nested_columns_is_an_error() -> None:
    with pytest.raises(ParseError, match="nests under column 'a'") as caught:
        CODEC.loads("a,a.b\n1,2\n", DEFAULT)
    assert "--no-unflatten" in caught.value.hint
    assert CODEC.loads("a,a.b\n1,2\n", Options(unflatten=False)) == [{"a": 1, "a.b": 2}]


# --- type inference -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("7", 7),
        ("-3", -3),
        ("0", 0),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1e+16", 1e16),
        ("true", True),
        ("false", False),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ("007", "007"),
        ("1,5", "1,5"),
        ("1e3x", "1e3x"),
        ("+1", "+1"),
        (" 7", " 7"),
        ("7 ", "7 "),
        ("", ""),
        ("NaN", "NaN"),
        ("nan", "nan"),
        ("inf", "inf"),
        ("1_000", "1_000"),
        ("1e3", "1e3"),
        ("1.50", "1.50"),
        (".5", ".5"),
        ("-0", "-0"),
        ("True", "True"),
        ("null", "null"),
        ("\u0667", "\u0667"),  # an Arabic-Indic digit: int() accepts it, the spelling is not ours
    ],
)
def test_inference_only_for_canonical_spellings(cell: str, value: Any) -> None:
    inferred = infer_cell(cell)
    assert type(inferred) is type(value)
    assert inferred == value
    quoted = '"' + cell + '"'  # quoting is no type signal: our writer quotes only when needed
    assert CODEC.loads(f"h\n{quoted}\n", DEFAULT) == [{"h": value}]


def test_inference_can_be_switched_off() -> None:
    assert CODEC.loads("a,b,c\n7,1.5,true\n", TEXT_ONLY) == [{"a": "7", "b": "1.5", "c": "true"}]


_CELLS = st.one_of(
    st.sampled_from(["7", "-3", "0", "007", "1.5", "1e+16", "true", "false", "", "nan", "-0"]),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="-0123456789.e+tf", max_size=6),
)


@given(st.lists(_CELLS, min_size=1, max_size=30))
def test_column_fast_paths_agree_with_the_cell_rule(cells: list[str]) -> None:
    fast = list(infer_column(cells))
    slow = [infer_cell(cell) for cell in cells]
    assert [(type(v), v) for v in fast] == [(type(v), v) for v in slow]


# Cells that defeat whole-column tests: line breaks inside cells (their lines look like
# cells), text starting with t/f or digits, spellings next to canonical ones, integers past
# sys.int_max_str_digits, lone surrogates.
_ADVERSARIAL = st.one_of(
    _CELLS,
    st.sampled_from(
        [
            "true\nfalse",
            "1\n2",
            "\n1",
            "1\n",
            "1.5\n2.5",
            "x\n\n",
            "t@example.org",
            "false ",
            "2024-01-17T04:33:50Z",
            "7.30",
            "0.0001",
            "1e-05",
            "1e+16",
            "1e16",
            "-0.0",
            "0.0",
            "1e999",
            "-1e999",
            "9" * 5000,
            "1.7976931348623157e+308",
            "5e-324",
            "\u0663",
            "1_0.5",
            " 1.5",
            "1.5 ",
            "+1.5",
            "-inf",
            "Infinity",
            "\ud800",
            "1\ud800",
        ]
    ),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda number: f"{number:.2f}"),
    st.text(),
    st.lists(
        st.sampled_from(["1", "0", "2.5", "true", "x", "\n", "-", "e", ".", "+"]), max_size=4
    ).map("".join),
)


_UNIFORM_COLUMNS: dict[str, st.SearchStrategy[str]] = {
    "ints": st.integers().map(str),
    "floats": st.floats(allow_nan=False, allow_infinity=False).map(repr),
    "money": st.floats(0, 1000).map(lambda number: f"{number:.2f}"),  # 7.30 next to 7.31
    "words": st.sampled_from(["true", "false", "tea", "fig", "x"]),
    "decimals": st.from_regex(r"-?(0|[1-9][0-9]{0,8})\.[0-9]{1,8}", fullmatch=True),
}


@given(st.lists(_ADVERSARIAL, min_size=1, max_size=40))
def test_column_inference_agrees_with_the_cell_rule_on_adversarial_columns(
    cells: list[str],
) -> None:
    fast = list(infer_column(cells))
    slow = [infer_cell(cell) for cell in cells]
    assert [(type(v), v) for v in fast] == [(type(v), v) for v in slow]


@given(
    st.sampled_from(sorted(_UNIFORM_COLUMNS)).flatmap(
        lambda kind: st.lists(_UNIFORM_COLUMNS[kind], min_size=30, max_size=30)
    ),
    st.lists(st.tuples(st.integers(0, 29), _ADVERSARIAL), max_size=3),
)
def test_column_inference_agrees_when_one_cell_spoils_a_uniform_column(
    cells: list[str], spoilers: list[tuple[int, str]]
) -> None:
    for index, cell in spoilers:
        cells[index] = cell
    fast = list(infer_column(cells))
    slow = [infer_cell(cell) for cell in cells]
    assert [(type(v), v) for v in fast] == [(type(v), v) for v in slow]


@given(st.lists(st.tuples(_ADVERSARIAL, _ADVERSARIAL), min_size=1, max_size=20))
def test_records_hold_only_values_that_orjson_writes_exactly(rows: list[tuple[str, str]]) -> None:
    # The streaming writer relies on it (formats.json_records.JsonWriter: exact by construction).
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([("a", "b.c"), *rows])
    with contextlib.suppress(StructconvError):
        assert orjson_writes_exactly(CODEC.loads(buffer.getvalue(), DEFAULT))


def test_column_inference_returns_an_unchanged_column_itself() -> None:
    for column in [("a", "b"), ("2024-01-17T04:33:50Z", "1x"), ("t@x.org", "fig"), ("", "")]:
        assert infer_column(column) is column
    assert infer_column(("true", "fig")) == [True, "fig"]
    assert infer_column(("7.30", "7.3", "7", "")) == ["7.30", 7.3, 7, ""]


@given(st.text(max_size=200))
def test_any_text_reads_or_raises_a_structconv_error(text: str) -> None:
    with contextlib.suppress(StructconvError):
        CODEC.loads(text, DEFAULT)


# --- writing ------------------------------------------------------------------------------


def test_round_trip_json_csv_json_with_nesting() -> None:
    data = [
        {"id": 1, "name": "Ann", "addr": {"city": "Oslo", "zip": "0150"}, "ok": True},
        {"id": 2, "name": 'say "hi", ok', "addr": {"city": "Line\nbreak", "zip": "7"}, "ok": False},
    ]
    text = structconv.convert(json.dumps(data), src="json", to="csv").text
    assert text.splitlines()[0] == "id,name,addr.city,addr.zip,ok"
    assert "\r\n" in text
    back = json.loads(structconv.convert(text, src="csv", to="json").text)
    # A canonical integer spelling reads back as a number; "0150" is no such spelling.
    assert back == [data[0], {**data[1], "addr": {"city": "Line\nbreak", "zip": 7}}]


def test_writing_keeps_canonical_spellings_of_numbers_and_dates() -> None:
    data = [{"f": 0.1, "g": 1e16, "i": 10**20, "b": False, "d": datetime.date(2024, 2, 29)}]
    text = write(data)
    assert text == "f,g,i,b,d\r\n0.1,1e+16,100000000000000000000,false,2024-02-29\r\n"
    assert CODEC.loads(text, DEFAULT) == [
        {"f": 0.1, "g": 1e16, "i": 10**20, "b": False, "d": "2024-02-29"}
    ]


def test_represent_is_what_reading_back_without_inference_gives() -> None:
    data = [{"a": {"b": 1, "c": None}, "d": 2}, {"d": 3, "a": {"b": 4}}]
    options = Options(null="empty")
    represented = CODEC.represent(data, options)
    assert represented == [
        {"a": {"b": "1", "c": ""}, "d": "2"},
        {"a": {"b": "4", "c": ""}, "d": "3"},
    ]
    assert CODEC.reread(CODEC.dumps(represented, options), options) == represented


def test_columns_are_the_union_in_first_seen_order_grouped_by_parent() -> None:
    data = [{"x": 1, "a": {"p": 1}, "y": 2}, {"x": 3, "a": {"p": 4, "q": 5}, "y": 6}]
    text = write(data, Options(null="empty"))
    assert text.splitlines()[0] == "x,a.p,a.q,y"


def test_a_single_record_is_written_as_one_row() -> None:
    assert write({"a": 1, "b": "x"}) == "a,b\r\n1,x\r\n"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4, "tags": ["x", "y"]}], "$[3].tags"),
        ([{"a": {"b": [1]}}], "$[0].a.b"),
        ([1, 2, 3], "$[0]"),
        ("text", "$"),
        ([{}], "$[0]"),
        ([{"a": {}}], "$[0].a"),
    ],
)
def test_values_csv_cannot_hold_are_refused_with_their_path(data: Any, path: str) -> None:
    with pytest.raises(UnrepresentableError) as caught:
        write(data, Options(null="empty"))
    assert caught.value.path == path


def test_a_list_value_error_tells_what_to_do() -> None:
    with pytest.raises(UnrepresentableError, match="json, jsonl or yaml"):
        write([{"tags": ["x"]}])


def test_null_policies() -> None:
    data = [{"a": 1, "b": None}]
    with pytest.raises(UnrepresentableError) as caught:
        write(data)
    assert caught.value.path == "$[0].b"
    assert "--null empty or --null drop" in str(caught.value)
    assert write(data, Options(null="empty")) == "a,b\r\n1,\r\n"
    assert write(data, Options(null="drop")) == "a,b\r\n1,\r\n"


def test_a_missing_column_is_refused_unless_empty_cells_are_allowed() -> None:
    data = [{"a": 1, "b": 2}, {"a": 3}]
    with pytest.raises(UnrepresentableError, match="--null empty") as caught:
        write(data)
    assert caught.value.path == "$[1].b"
    assert write(data, Options(null="empty")) == "a,b\r\n1,2\r\n3,\r\n"


def test_a_column_under_another_columns_value_is_refused() -> None:
    data = [{"a": 1}, {"a": {"b": 2}}]
    with pytest.raises(UnrepresentableError, match="--no-unflatten") as caught:
        write(data, Options(null="empty"))
    assert caught.value.path == "$[1].a.b"
    text = write(data, Options(null="empty", unflatten=False))
    assert CODEC.loads(text, Options(unflatten=False)) == [{"a": 1, "a.b": ""}, {"a": "", "a.b": 2}]


def test_a_dotted_key_is_refused_when_reading_would_nest_it() -> None:
    with pytest.raises(UnrepresentableError) as caught:
        write([{"version.major": 1}])
    assert caught.value.path == "$[0]['version.major']"
    flat = Options(unflatten=False)
    assert CODEC.loads(write([{"version.major": 1}], flat), flat) == [{"version.major": 1}]


def test_non_string_keys_need_stringify_keys() -> None:
    with pytest.raises(UnrepresentableError, match="--stringify-keys"):
        CODEC.represent([{1: "a"}], DEFAULT)
    assert CODEC.represent([{1: "a"}], Options(stringify_keys=True)) == [{"1": "a"}]


def test_delimiter_option_and_minimal_quoting() -> None:
    data = [{"a": "x;y", "b": 'q"r', "c": "plain"}]
    assert write(data) == 'a,b,c\r\nx;y,"q""r",plain\r\n'
    assert write(data, Options(delimiter=";")) == 'a;b;c\r\n"x;y";"q""r";plain\r\n'
    with pytest.raises(UsageError):
        write(data, Options(delimiter="::"))


def test_output_that_would_mislead_the_sniffer_is_fully_quoted() -> None:
    data = [{"a;b": "1;2"}, {"a;b": "3;4"}]
    text = write(data)
    assert text == '"a;b"\r\n"1;2"\r\n"3;4"\r\n'
    assert CODEC.loads(text, DEFAULT) == data


def test_a_first_column_name_starting_with_a_byte_order_mark_is_quoted() -> None:
    """Reading strips a leading U+FEFF as a byte order mark; a quote in front keeps it."""
    data = [{"\ufeffid": 1, "name": "Ann"}]
    text = write(data)
    assert text == '"\ufeffid","name"\r\n"1","Ann"\r\n'
    assert CODEC.loads(text, DEFAULT) == data
    assert structconv.convert(text, src="csv", to="json").data == data


def test_text_with_a_nul_is_refused() -> None:
    with pytest.raises(UnrepresentableError, match="NUL"):
        write([{"a": "x\x00y"}])


# --- encodings ----------------------------------------------------------------------------


def test_shift_jis_csv_is_detected_and_reported() -> None:
    text = (
        "名前,都市,メモ\r\n山田太郎,東京,こんにちは世界\r\n"
        "佐藤花子,大阪,「引用」と、読点\r\n鈴木一郎,名古屋,日本語のテキストです\r\n"
    )
    result = structconv.convert(text.encode("cp932"), src="csv", to="json")
    assert result.encoding in ("cp932", "shift_jis")
    assert result.notes[0].startswith(f"read as {result.encoding}: the file is not UTF-8")
    assert result.data[1] == {"名前": "佐藤花子", "都市": "大阪", "メモ": "「引用」と、読点"}


def test_cp1252_csv_is_detected_and_reported() -> None:
    sentence = (
        "Le garçon a mangé une crème brûlée très sucrée, puis il est allé à l'école "
        "où l'élève étudie le français."
    )
    text = "id,texte\r\n" + "".join(f'{i},"{sentence}"\r\n' for i in range(5))
    result = structconv.convert(text.encode("cp1252"), src="csv", to="json")
    assert result.encoding == "cp1252"
    assert result.data[0] == {"id": 0, "texte": sentence}


def test_utf8_with_a_byte_order_mark() -> None:
    result = structconv.convert("\ufeffa,b\r\n1,é\r\n".encode(), src="csv", to="json")
    assert result.data == [{"a": "1", "b": "é"}] or result.data == [{"a": 1, "b": "é"}]
    assert result.encoding == "utf-8-sig"


def test_a_nul_in_a_key_is_unrepresentable_not_a_round_trip_failure() -> None:
    with pytest.raises(UnrepresentableError, match="NUL"):
        structconv.convert('[{"\\u0000": "x"}]', src="json", to="csv")


def test_a_single_column_holding_commas_is_refused_not_guessed() -> None:
    """Nothing tells ";" from "," in a one-column file: "," splits the row, so it is
    ragged, and a title line above a comma table must not read as one column either."""
    assert sniff_delimiter("a\n,\n") == ","
    with pytest.raises(ParseError, match="2 fields, the header has 1"):
        structconv.convert("a\n,\n", src="csv", to="json", repair="off")


def _conflict_by_every_prefix(names: list[str]) -> tuple[int, str] | None:
    """Layout.conflict as it was, testing each dotted prefix (quadratic): the oracle."""
    known = set(names)
    for index, name in enumerate(names):
        parts = name.split(".")
        for cut in range(1, len(parts)):
            prefix = ".".join(parts[:cut])
            if prefix in known:
                return index, prefix
    return None


@given(
    st.lists(
        st.lists(st.sampled_from(["a", "b", "", "a.b"]), min_size=1, max_size=4).map(".".join),
        min_size=1,
        max_size=6,
        unique=True,
    )
)
def test_the_nesting_conflict_is_the_first_column_under_another_shortest_prefix_first(
    names: list[str],
) -> None:
    assert csv_format.Layout(names, unflatten=True).conflict() == _conflict_by_every_prefix(names)


def test_a_dotted_header_deeper_than_the_limit_is_refused_before_any_row() -> None:
    """100 KB of `a.a.a...` took 13 s before the refusal (and each row would nest 50,000
    levels); now the header is refused by its depth, with its column."""
    name = "a." * 50_000 + "b"
    text = f"id,{name}\n1,2\n"
    with pytest.raises(ParseError) as caught:
        csv_format.loads(text, Options())
    error = caught.value
    assert (error.line, error.column) == (1, 4)
    assert "nests the data 50,002 levels deep, deeper than the limit of 512" in error.message
    assert not error.repairable and "--no-unflatten" in error.hint
    assert csv_format.loads(text, Options(unflatten=False)) == [{"id": 1, name: 2}]
    deep_enough = "a." * 510 + "b"  # 511 parts, 512 levels with the list
    assert csv_format.loads(f"{deep_enough}\n1\n", Options())[0]["a"]["a"]


# --- cells a spreadsheet would run -----------------------------------------------------


def _csv(data: Any, **settings: Any) -> structconv.Result:
    return structconv.convert(json.dumps(data), src="json", to="csv", **settings)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_may_run_is_kept_with_one_note(start: str) -> None:
    data = [
        {"id": 1, "cell": "plain"},
        {"id": 2, "cell": f"{start}SUM(A1)"},
        {"id": 3, "cell": f"{start}x"},
    ]
    result = _csv(data)
    assert CODEC.reread(result.text, Options())[1]["cell"] == f"{start}SUM(A1)"
    (note,) = result.notes
    assert note.startswith(f"$[1].cell starts with {start!r}: a spreadsheet that opens this CSV")
    assert "--escape-formulas (API: escape_formulas=True)" in note
    # Numbers (-5 is a number to a spreadsheet too) and other text give no note.
    data = [{"n": -5, "f": -1.5, "s": "-5", "t": "+3.25e-4", "u": "a=b", "v": "", "w": "x-"}]
    assert _csv(data).notes == ()
    assert _csv(data, delimiter=";").notes == ()


def test_a_formula_inside_a_quoted_cell_is_no_note_but_one_at_its_start_is() -> None:
    assert _csv([{"a": "x,=1", "b": "line\n=2"}]).notes == ()
    assert _csv([{"a": "x", "b": "=1, quoted"}]).notes[0].startswith("$[0].b starts with '='")
    assert _csv([{"=a": "x"}]).notes[0].startswith("the column name '=a' starts with '='")
    assert _csv([{"a": {"b": "@x"}}]).notes[0].startswith("$[0].a.b starts with '@'")


def test_escape_formulas_writes_a_leading_quote_and_says_so() -> None:
    data = [{"=key": "=1+1", "n": -5, "s": "-5", "t": "-x", "nested": {"a": "@b"}}]
    result = _csv(data, escape_formulas=True)
    assert result.text == "'=key,n,s,t,nested.a\r\n'=1+1,-5,-5,'-x,'@b\r\n"
    assert result.data == [
        {"'=key": "'=1+1", "n": "-5", "s": "-5", "t": "'-x", "nested": {"a": "'@b"}}
    ]
    (note,) = result.notes
    assert note.startswith(
        "$[0]['=key']: text that a spreadsheet may run as a formula is written with a leading '"
    )


# --- CSV as found in the wild: repeated names, no header, several tables -------------------

STRICT = Options(repair="off")


@pytest.mark.parametrize(
    ("names", "renamed"),
    [
        (["id", "name", "name"], ["id", "name", "name_2"]),
        (["a", "a", "a"], ["a", "a_2", "a_3"]),
        (["a", "a", "a_2"], ["a", "a_3", "a_2"]),  # never a name the header holds
        (["a_2", "a", "a"], ["a_2", "a", "a_3"]),
        (["", "", "x"], ["", "_2", "x"]),
        (["x", "y"], ["x", "y"]),
    ],
)
def test_unique_names_renames_repeats_without_collisions(
    names: list[str], renamed: list[str]
) -> None:
    assert csv_format.unique_names(names) == renamed


def test_repeated_column_names_are_renamed_with_a_note() -> None:
    result = structconv.convert("id,amount,amount\n1,10,12\n2,7,7\n", src="csv", to="json")
    assert result.data == [
        {"id": 1, "amount": 10, "amount_2": 12},
        {"id": 2, "amount": 7, "amount_2": 7},
    ]
    assert result.notes == (
        "the header repeats column names, so the repeats are renamed: column 3 'amount' -> "
        "'amount_2' (--repair off refuses such a file)",
    )
    assert result.fixes == ()


def test_a_part_of_a_file_read_apart_renames_its_header_too() -> None:
    """The ranges of a big file converted in several processes get the header as read."""
    lines = io.StringIO("1,2,3\n4,5,6\n", newline="")
    (batch,) = csv_format.iter_batches(
        lines, DEFAULT, ",", lambda: io.StringIO("", newline=""), header=["x", "x", "y"]
    )
    assert batch == [{"x": 1, "x_2": 2, "y": 3}, {"x": 4, "x_2": 5, "y": 6}]


def test_no_header_reads_rows_as_lists_typed_per_column() -> None:
    rows = CODEC.loads("1,2.5,a\n3,007,b\n\n5,7,true\n", Options(header=False))
    assert rows == [[1, 2.5, "a"], [3, "007", "b"], [5, 7, True]]
    assert CODEC.loads("1,2\n3,4\n", Options(header=False, infer_types=False)) == [
        ["1", "2"],
        ["3", "4"],
    ]


def test_no_header_keeps_rows_of_one_width() -> None:
    with pytest.raises(ParseError, match="this row has 3 fields, the first row has 2") as caught:
        CODEC.loads("1,2\n3,4\n5,6,7\n", Options(header=False))
    assert caught.value.line == 3


def test_a_list_of_lists_is_written_without_a_header() -> None:
    data = [[1, "a;b", True], [2, "c", None]]
    text = write(data, Options(null="empty"))
    assert text == "1,a;b,true\r\n2,c,\r\n"
    back = structconv.convert(text, src="csv", to="json", header=False)
    assert back.data == [[1, "a;b", True], [2, "c", ""]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([[1, 2], [3]], r"\$\[1\]: this row has 1 cells, the first row 2"),
        ([[1, [2]]], r"\$\[0\]\[1\]: a list inside a row has no CSV cell"),
        ([[]], r"an empty row has no CSV line"),
        ([[1], {"a": 1}], r"a list of lists is written as rows without a header"),
    ],
)
def test_rows_csv_cannot_hold_are_refused_by_path(data: Any, message: str) -> None:
    with pytest.raises(UnrepresentableError, match=message):
        write(data)


def test_header_settings_are_checked() -> None:
    with pytest.raises(UsageError, match="does not go with header=False"):
        Options.from_settings({"header": False, "table": 1})
    for bad in ("x", 0, -1, True):
        with pytest.raises(UsageError, match="table must be a table number from 1 or 'all'"):
            Options.from_settings({"table": bad})
    assert Options.from_settings({"table": "2"}).table == 2


TWO_TABLES = (
    "region,total,share\nNorth,1200,0.4\nSouth,1800,0.6\n\n"
    "Detail\ndate,region,units\n2026-01-03,North,10\n2026-01-04,South,5\n"
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(TWO_TABLES, 5, id="blank-title-wider"),
        pytest.param(
            "name,city\nAnn,Lyon\nBob,Nice\n\nitem,price\nPen,2\nInk,5\nCup,3\n",
            5,
            id="blank-same-width",
        ),
        pytest.param(
            "name,city\nAnn,Lyon\nBob,Nice\nCosts,\nitem,price\nPen,2\n", 4, id="title-same-width"
        ),
        pytest.param("a,b,c\nx,1,2\ny,3,4\nd,e\n5,6\n7,8\n", 4, id="no-blank-narrower-header"),
        pytest.param(
            "name,city\nAnn,Lyon\nBob,Nice\n,\nitem,price,qty\nPen,2,1\n", 5, id="empty-cells-row"
        ),
    ],
)
def test_a_second_table_is_refused_at_its_line(text: str, line: int) -> None:
    for options in (STRICT, DEFAULT):
        with pytest.raises(ParseError, match=f"a second table starts on line {line}") as caught:
            structconv.convert(text, src="csv", to="json", **options.__dict__)
        assert caught.value.line == line
        assert "--table N" in caught.value.hint
        assert not caught.value.repairable


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("name,city\nAnn,Lyon\n\nBob,Nice\nCy,Rome\n", id="blank-line-in-a-table"),
        pytest.param("id,amount\n1,5\n\nx,7\n", id="one-record-above"),
        pytest.param("Title\nname,value\na,1\nb,2\n", id="title-over-the-only-table"),
    ],
)
def test_these_are_not_second_tables(text: str) -> None:
    try:
        CODEC.loads(text, STRICT)
    except ParseError as error:
        assert "second table" not in error.message


def test_a_quoting_error_inside_a_second_table_reports_the_table() -> None:
    text = 'a,b,c\n1,2,3\n4,5,6\nx,y\n7,"8"9\n'
    with pytest.raises(ParseError, match="a second table starts on line 4"):
        CODEC.loads(text, STRICT)


def test_table_reads_one_table_or_all() -> None:
    second = structconv.convert(TWO_TABLES, src="csv", to="json", table=2)
    assert second.data == [
        {"date": "2026-01-03", "region": "North", "units": 10},
        {"date": "2026-01-04", "region": "South", "units": 5},
    ]
    assert second.notes == (
        "the title line(s) above the tables are not part of their data: 'Detail' (line 5)",
        "read table 2 of 2 (lines 6-8; the tables' headers are on lines 1, 6)",
    )
    both = structconv.convert(TWO_TABLES, src="csv", to="yaml", table="all")
    assert both.data == [CODEC.loads(TWO_TABLES.split("\n\n")[0], DEFAULT), second.data]
    assert structconv.convert(TWO_TABLES, src="csv", to="json", table=1).data == both.data[0]


def test_table_past_the_last_is_an_error() -> None:
    with pytest.raises(ParseError, match="--table 3 asks for table 3, and the file holds 2 tables"):
        structconv.convert(TWO_TABLES, src="csv", to="json", table=3)


def test_table_errors_keep_the_file_s_line_numbers() -> None:
    text = TWO_TABLES.replace("2026-01-04,South,5", "2026-01-04,South")
    with pytest.raises(ParseError) as caught:
        structconv.convert(text, src="csv", to="json", table=2, repair="off")
    assert caught.value.line == 8


def test_a_repeated_header_line_is_no_record() -> None:
    text = "date,sales\n2026-01-01,1520\ndate,sales\n2026-01-02,1610\n"
    with pytest.raises(ParseError, match="line 3 repeats the header row") as caught:
        CODEC.loads(text, STRICT)
    assert (caught.value.line, caught.value.column) == (3, 1)
    assert structconv.convert(text, src="csv", to="json", table="all").data == [
        [{"date": "2026-01-01", "sales": 1520}],
        [{"date": "2026-01-02", "sales": 1610}],
    ]
    assert CODEC.loads("status\nok\nstatus\n", STRICT) == [{"status": "ok"}, {"status": "status"}]


def test_a_row_of_empty_cells_of_another_width_is_a_width_error() -> None:
    """(It held no cell to look ahead from, and the table check failed on it.)"""
    with pytest.raises(ParseError, match="this row has 5 fields, the header has 3"):
        CODEC.loads("a,b,c\nx,1,2\ny,3,4\n,,,,\nz,5,6\n", STRICT)


def test_rows_looked_ahead_at_may_be_blank() -> None:
    """A title-like record makes the batch look ahead past its end, at a blank line."""
    text = "a,b\nx,1\nAnn,\n\ny,2\nz,3\n"

    def source() -> Any:
        return io.StringIO(text, newline="")

    batches = list(csv_format.iter_batches(source(), DEFAULT, ",", source, batch_rows=2))
    assert [record for batch in batches for record in batch] == [
        {"a": "x", "b": 1},
        {"a": "Ann", "b": ""},
        {"a": "y", "b": 2},
        {"a": "z", "b": 3},
    ]


_NAMES = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["'", '"', "\\", "'\"\\", "\ud800", "x\x00y", "\n", "{", "}: 1, 'a'", "_0"]),
)


@given(st.lists(_NAMES, min_size=1, max_size=12), st.data())
def test_flat_records_are_what_dict_of_zip_gives(names: list[str], data: st.DataObject) -> None:
    """Layout.build makes a flat header's records with a compiled dict display (names
    spelled by repr); the oracle is dict(zip()), key order and repeated names included."""
    rows = data.draw(st.lists(st.lists(st.integers(), min_size=len(names), max_size=len(names))))
    records = csv_format.Layout(names, unflatten=False).build(rows)
    expected = [dict(zip(names, row, strict=True)) for row in rows]
    assert [list(record.items()) for record in records] == [
        list(record.items()) for record in expected
    ]


def test_a_header_too_wide_for_a_compiled_maker_builds_the_same_records() -> None:
    names = [f"c{index}" for index in range(3000)]
    (record,) = csv_format.Layout(names, unflatten=False).build([list(range(3000))])
    assert list(record.items()) == list(zip(names, range(3000), strict=True))
