"""CSV repair rules (structconv.repair.rules.csv), one group of tests per rule.

Every input is a shape met in real exports; each test pins the data, the fixes (rule,
line, column) and the confidence, or the refusal and its hint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structconv import AmbiguousInput, ParseError, RepairRejected, Result, convert
from structconv.fixes import Ambiguity
from structconv.formats import read
from structconv.options import Options
from structconv.repair.rules import Patched
from structconv.repair.rules import csv as rules
from structconv.repair.rules.csv import answer_lines_up, ids
from tests.conftest import ORACLES

ROOT = Path(__file__).resolve().parents[2]
CLEAN_CSV = sorted((ROOT / "examples").glob("*.csv")) + sorted(
    (ORACLES / "csv-spectrum" / "csvs").glob("*.csv")
)


def repaired(text: str | bytes, **settings: Any) -> Result:
    return convert(text, src="csv", to="json", repair="rules", **settings)


def where(result: Result) -> list[tuple[str, int, int]]:
    return [(fix.rule, fix.line, fix.column) for fix in result.fixes]


def ambiguity(text: str, **settings: Any) -> Ambiguity:
    with pytest.raises(AmbiguousInput) as raised:
        repaired(text, **settings)
    return raised.value.ambiguity


def readings(found: Ambiguity) -> list[Any]:
    return [candidate.data for candidate in found.candidates]


def refusal(text: str, **settings: Any) -> ParseError:
    with pytest.raises(ParseError) as raised:
        repaired(text, **settings)
    return raised.value


def strict_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as raised:
        read(text, "csv", Options(repair="off"))
    return raised.value


# --- dialect ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name;city\nMüller, Hans;Köln\nKlein, Jo;Ulm\n", rules.Dialect(";")),
        ("id|note\n1|red, large\n2|blue, small\n", rules.Dialect("|")),
        ('a\tb\n1\t"x" y\n2\tz\n', rules.Dialect("\t")),
        ("id,name\n1,'Lee, Ann'\n2,'Ray, Bob'\n", rules.Dialect(",", "'")),
        ('id,text\n1,"say \\"hi\\""\n2,"x"\n', rules.Dialect(",", '"', "\\")),
        ("x;y\n1,5;2,5\n3,0;4,5\n", rules.Dialect(";")),
        ("a^b^c\n1^2^3\n", rules.Dialect("^")),
        ("time,event\n12:30,start\n13:45,stop\n", rules.Dialect(",")),
    ],
)
def test_detect_dialect(text: str, expected: rules.Dialect) -> None:
    assert rules.detect_dialect(text) == expected


def test_detect_dialect_needs_a_row_of_two_fields() -> None:
    assert rules.detect_dialect("just one column\nof text\n") is None


def test_input_values_are_the_cells_in_the_detected_dialect() -> None:
    text = "Title, 2026\nname;price\nA;1,5\nB;2\n"
    assert list(rules.input_values(text)) == [
        ("Title, 2026", 0),
        ("name", 12),
        ("price", 17),
        ("A", 23),
        ("1,5", 25),
        ("B", 29),
        ("2", 31),
    ]


def test_input_values_after_a_sep_line_use_its_delimiter() -> None:
    assert [value for value, _ in rules.input_values("sep=|\na|b\n1,2|3\n")] == [
        "a",
        "b",
        "1,2",
        "3",
    ]


# --- quoting ------------------------------------------------------------------------------


def test_stray_quote_inside_a_quoted_field_stays_a_literal_quote() -> None:
    result = repaired('sku,name,size\nA-102,"Monitor 24" IPS",24\n')
    assert result.data == [{"sku": "A-102", "name": 'Monitor 24" IPS', "size": 24}]
    assert where(result) == [("csv-stray-quote", 2, 7)]
    assert result.fixes[0].after == '"Monitor 24"" IPS"'
    assert result.confidence == ids.STRAY_QUOTE


def test_a_field_opening_a_quote_it_never_closes_is_its_literal_text() -> None:
    result = repaired('id,title,qty\n1,"Best" seller,4\n2,Plain,5\n')
    assert result.data == [
        {"id": 1, "title": '"Best" seller', "qty": 4},
        {"id": 2, "title": "Plain", "qty": 5},
    ]
    assert where(result) == [("csv-stray-quote", 2, 3)]


def test_tsv_with_an_unclosed_quote_is_refused() -> None:
    # The file quotes no other field: the quote may be text, or its closing one was lost;
    # both keep every character, so neither the rules nor the model may choose.
    text = 'id\tcomment\trating\n1\t"Best purchase ever\t5\n2\tWorks fine\t4\n'
    assert strict_error(text).message == "unexpected end of data"
    error = refusal(text)
    assert not error.repairable and "never closes" in error.message


def test_a_field_missing_its_closing_quote_in_a_quoted_file() -> None:
    result = repaired('"code","name"\n"af","Afrikaans"\n"ak","Akan\n"sq","Albanian"\n')
    assert result.data[1] == {"code": "ak", "name": "Akan"}
    assert where(result) == [("csv-stray-quote", 3, 6)]


def test_a_stray_quote_that_would_swallow_a_delimiter_is_read_as_text() -> None:
    result = repaired('a,b,c\n"x" y,"z",1\n')
    assert result.data == [{"a": '"x" y', "b": "z", "c": 1}]


def test_fields_quoted_with_apostrophes_are_requoted() -> None:
    result = repaired("id,name,age\n1,'Smith, John',34\n2,'O''Brien, Pat',41\n")
    assert result.data == [
        {"id": 1, "name": "Smith, John", "age": 34},
        {"id": 2, "name": "O'Brien, Pat", "age": 41},
    ]
    assert where(result) == [("csv-quote-char", 2, 3), ("csv-quote-char", 3, 3)]
    assert result.confidence == ids.QUOTING


def test_backslash_escapes_of_a_mysql_outfile() -> None:
    text = 'id,body\n1,"He said \\"ship it\\""\n2,"Line one\\\nLine two"\n3,"C:\\\\temp"\n'
    result = repaired(text)
    assert result.data == [
        {"id": 1, "body": 'He said "ship it"'},
        {"id": 2, "body": "Line one\nLine two"},
        {"id": 3, "body": "C:\\temp"},
    ]
    assert where(result) == [("csv-escape", 2, 3), ("csv-escape", 3, 3), ("csv-escape", 5, 3)]
    assert result.fixes[0].after == '"He said ""ship it"""'


# --- preamble and footer ------------------------------------------------------------------


def test_title_line_above_the_header_is_removed_and_its_value_named() -> None:
    result = repaired("Quarterly Sales Report\nregion,units\nNorth,120\nSouth,75\n")
    assert result.data == [{"region": "North", "units": 120}, {"region": "South", "units": 75}]
    assert where(result) == [("csv-preamble", 1, 1)]
    fix = result.fixes[0]
    assert fix.before == "Quarterly Sales Report\n"
    assert "'Quarterly Sales Report' are dropped" in fix.message
    assert result.confidence == ids.PREAMBLE


def test_key_value_lines_and_a_padded_title_above_the_header() -> None:
    text = "Account,12345678\nStatement - January,,\n\ndate,desc,amount\n2026-01-02,Rent,-850\n"
    result = repaired(text)
    assert result.data == [{"date": "2026-01-02", "desc": "Rent", "amount": -850}]
    assert where(result) == [("csv-preamble", 1, 1), ("csv-preamble", 2, 1)]
    assert "'Account', '12345678'" in result.fixes[0].message


def test_rows_of_empty_cells_around_the_table_are_removed_as_holding_nothing() -> None:
    result = repaired(",,\n,,\nname,dept,salary\nAnn,Sales,52000\n,,\n")
    assert result.data == [{"name": "Ann", "dept": "Sales", "salary": 52000}]
    assert where(result) == [("csv-preamble", 1, 1), ("csv-preamble", 2, 1), ("csv-footer", 5, 1)]
    assert result.confidence == ids.NO_VALUE_LOST


def test_a_line_with_more_than_two_values_is_never_taken_for_preamble() -> None:
    text = "a,b,c\nx,y,z,w,v\n1,2,3,4,5\n6,7,8,9,0\n"
    error = refusal(text)
    assert "more fields than the header" in error.message
    assert error.hint == "add the missing column names to the header row"


def test_footer_note_below_the_table_is_removed() -> None:
    text = "order_id,total\n5001,250.00\n5002,99.95\n\nExported on 2026-01-05 14:32 by admin\n"
    result = repaired(text)
    assert result.data == [
        {"order_id": 5001, "total": "250.00"},
        {"order_id": 5002, "total": 99.95},
    ]
    assert where(result) == [("csv-footer", 5, 1)]
    assert "'Exported on 2026-01-05 14:32 by admin'" in result.fixes[0].message


def test_a_one_word_last_row_is_not_a_footer() -> None:
    text = "id,name,notes\n1,Ann,x\n2,Bob,y\n3,Cy,z\nZed\n"
    error = refusal(text)
    assert error.line == 5
    assert "1 of the header's 3 fields" in error.message


def test_excel_sep_line_is_removed() -> None:
    text = "sep=;\nDatum;Konto;Betrag\n01.03.2026;Miete;-850,00\n"
    result = repaired(text)
    assert result.data == [{"Datum": "01.03.2026", "Konto": "Miete", "Betrag": "-850,00"}]
    assert where(result) == [("csv-sep-line", 1, 1)]
    assert result.confidence == ids.COSMETIC


def test_a_sep_line_that_parses_as_a_header_is_removed_by_review() -> None:
    text = "sep=;\nname;price\nA;1,5\n"
    assert read(text, "csv", Options(repair="off")) == [
        {"sep=": "name", "": "price"},
        {"sep=": "A", "": "1,5"},
    ]
    result = repaired(text)
    assert result.data == [{"name": "A", "price": "1,5"}]
    assert where(result) == [("csv-sep-line", 1, 1)]


def test_a_title_that_defeats_sniffing_is_removed_by_review() -> None:
    text = "Liste des employés\nnom;ville;salaire\nDupont;Lyon;3200\nMartin;Nantes;2950\nLefèvre;Paris;4100\n"
    assert read(text, "csv", Options(repair="off"))[0] == {
        "Liste des employés": "nom;ville;salaire"
    }
    result = repaired(text)
    assert result.data[0] == {"nom": "Dupont", "ville": "Lyon", "salaire": 3200}
    assert where(result) == [("csv-preamble", 1, 1)]


def test_a_single_column_of_text_with_semicolons_is_left_alone() -> None:
    text = "tags\na;b\nc;d\ne;f\ng;h\n"
    result = repaired(text)
    assert result.fixes == ()
    assert result.data == [{"tags": "a;b"}, {"tags": "c;d"}, {"tags": "e;f"}, {"tags": "g;h"}]


# --- summary rows -------------------------------------------------------------------------


def test_total_row_equal_to_the_column_sums_is_removed_saying_what_it_drops() -> None:
    text = "Expenses,,\ndepartment,budget,spent\nMarketing,5000,4200\nSupport,3000,2950\nTotal,8000,7150\n"
    result = repaired(text)
    assert result.data == [
        {"department": "Marketing", "budget": 5000, "spent": 4200},
        {"department": "Support", "budget": 3000, "spent": 2950},
    ]
    assert where(result) == [("csv-preamble", 1, 1), ("csv-summary-row", 5, 1)]
    assert "budget 8000, spent 7150" in result.fixes[1].message
    assert "dropped from the data" in result.fixes[1].message
    assert result.confidence == ids.SUMMARY_ROW


def test_total_row_that_does_not_add_up_stays_a_record() -> None:
    text = "Stock\nitem,counted\nBolts,400\nNuts,380\nTotal,790\n"
    result = repaired(text)
    assert result.data[-1] == {"item": "Total", "counted": 790}
    assert where(result) == [("csv-preamble", 1, 1)]


def test_summe_row_with_decimal_commas() -> None:
    text = "Umsatz\nFiliale;Umsatz;Kunden\nBerlin;1.250,50;310\nHamburg;980,25;240\nSumme;2.230,75;550\n"
    result = repaired(text)
    assert result.data == [
        {"Filiale": "Berlin", "Umsatz": "1.250,50", "Kunden": 310},
        {"Filiale": "Hamburg", "Umsatz": "980,25", "Kunden": 240},
    ]
    assert where(result) == [("csv-preamble", 1, 1), ("csv-summary-row", 5, 1)]


def test_japanese_total_row_in_shift_jis() -> None:
    text = "売上\r\n店舗,金額,点数\r\n渋谷店,125000,340\r\n新宿店,98000,260\r\n合計,223000,600\r\n"
    result = repaired(text.encode("cp932") * 1, name="pos.csv")
    assert result.encoding == "cp932"
    assert result.data == [
        {"店舗": "渋谷店", "金額": 125000, "点数": 340},
        {"店舗": "新宿店", "金額": 98000, "点数": 260},
    ]
    assert [fix.rule for fix in result.fixes] == ["csv-preamble", "csv-summary-row"]


def test_a_subtotal_in_the_middle_is_data_and_spoils_the_total() -> None:
    text = "Title\nregion,v\nA,1\nSubtotal,1\nB,2\nTotal,3\n"
    result = repaired(text)
    assert [record["region"] for record in result.data] == ["A", "Subtotal", "B", "Total"]


# --- repeated headers ---------------------------------------------------------------------


def test_concatenated_exports_lose_the_second_title_and_header() -> None:
    text = "date,sales\n2026-01-01,1520\nExport 2 of 2\ndate,sales\n2026-01-02,1610\n"
    result = repaired(text)
    assert result.data == [
        {"date": "2026-01-01", "sales": 1520},
        {"date": "2026-01-02", "sales": 1610},
    ]
    assert where(result) == [("csv-section-title", 3, 1), ("csv-repeated-header", 4, 1)]


# --- multi-row headers --------------------------------------------------------------------


def test_merge_header_spans_labels_over_the_blank_cells_to_their_right() -> None:
    assert rules.merge_header(
        [["", "Q1", "", "Q2", ""], ["region", "sales", "units", "sales", "units"]], True
    ) == ["region", "Q1.sales", "Q1.units", "Q2.sales", "Q2.units"]


def test_merge_header_three_rows_and_a_label_repeated_vertically() -> None:
    assert rules.merge_header(
        [["Item", "2025", "", ""], ["Item", "Q1", "", "Q2"], ["Item", "sales", "units", "sales"]],
        True,
    ) == ["Item", "2025.Q1.sales", "2025.Q1.units", "2025.Q2.sales"]


@pytest.mark.parametrize(
    "label_rows",
    [
        [["", "No.", ""], ["id", "a", "b"]],  # a dot would nest again
        [["", "Q1", ""], ["id", "x", "x"]],  # Q1.x twice
        [["", "", ""], ["", "a", "b"]],  # a column without a name
        [["a", ""], ["", "b"], ["c"]],  # rows of different widths
    ],
)
def test_merge_header_refuses_names_that_do_not_name_every_column_once(
    label_rows: list[list[str]],
) -> None:
    assert rules.merge_header(label_rows, True) is None


def test_merge_header_keeps_dots_when_names_stay_flat() -> None:
    assert rules.merge_header([["", "No."], ["id", "a"]], False) == ["id", "No..a"]


def test_two_header_rows_with_blank_group_cells_become_nested_records() -> None:
    text = ",Q1,,Q2,\nregion,sales,units,sales,units\nNorth,1200,34,1350,38\n"
    assert strict_error(text).message == "duplicate column name ''"
    result = repaired(text)
    assert result.data == [
        {"region": "North", "Q1": {"sales": 1200, "units": 34}, "Q2": {"sales": 1350, "units": 38}}
    ]
    assert where(result) == [("csv-multirow-header", 1, 1)]
    assert result.fixes[0].after == "region,Q1.sales,Q1.units,Q2.sales,Q2.units"
    assert result.confidence == ids.MULTIROW_HEADER


def test_two_header_rows_stay_dotted_names_without_unflatten() -> None:
    text = ",Q1,,Q2,\nregion,sales,units,sales,units\nNorth,1200,34,1350,38\n"
    result = repaired(text, unflatten=False)
    assert result.data == [
        {"region": "North", "Q1.sales": 1200, "Q1.units": 34, "Q2.sales": 1350, "Q2.units": 38}
    ]


def test_three_header_rows() -> None:
    text = ",2025,,,\n,Q1,,Q2,\nregion,sales,units,sales,units\nNorth,1,2,3,4\nSouth,5,6,7,8\n"
    result = repaired(text)
    assert result.data[0] == {
        "region": "North",
        "2025": {"Q1": {"sales": 1, "units": 2}, "Q2": {"sales": 3, "units": 4}},
    }
    assert where(result) == [("csv-multirow-header", 1, 1)]
    assert result.fixes[0].message.startswith("3 header rows merged")


def test_rows_with_trailing_delimiters_are_evidence_for_a_second_header_row() -> None:
    # The blank corner over "store" and labels over numbers make two header rows one
    # reading; the empty cells at the ends of the rows must not hide the numbers.
    text = ",volume,length,price\nstore,l,in,EUR,,\nUmeda,84.33,788,614,,\nShibuya,205,3,48.14,,\nMitte,679,93.6,31.9,,\n"
    found = ambiguity(text)
    assert [c.description for c in found.candidates] == [
        "one header row: the next row is the first record",
        "two header rows: store, volume.l, length.in, price.EUR",
    ]
    # As the first record, the second row loses its empty trailing cells like the others.
    one, two = readings(found)
    assert one[0] == {"": "store", "volume": "l", "length": "in", "price": "EUR"}
    assert two[0] == {
        "store": "Umeda",
        "volume": {"l": 84.33},
        "length": {"in": 788},
        "price": {"EUR": 614},
    }


def test_repeated_names_over_data_are_not_merged_but_renamed() -> None:
    result = repaired("id,amount,amount\n1,10,12\n2,7,7\n3,5,9\n")
    assert result.data[0] == {"id": 1, "amount": 10, "amount_2": 12}
    assert result.fixes == ()
    assert "column 3 'amount' -> 'amount_2'" in result.notes[0]


GROUPED = ",2024,2025\nregion,revenue,revenue\nNorth,1200,1350\nSouth,980,1010\nWest,1430,1500\n"


def test_review_merges_two_header_rows_when_all_the_evidence_agrees() -> None:
    result = repaired(GROUPED)
    assert result.data[0] == {
        "region": "North",
        "2024": {"revenue": 1200},
        "2025": {"revenue": 1350},
    }
    assert where(result) == [("csv-multirow-header", 1, 1)]
    assert result.confidence == ids.MULTIROW_HEADER
    off = convert(GROUPED, src="csv", to="json", repair="off")
    assert off.data[0] == {"": "region", "2024": "revenue", "2025": "revenue"}


def test_review_offers_both_readings_when_the_corner_is_not_blank() -> None:
    text = "Item,Jan,Feb\nItem,Units,Units\nPens,120,135\nPaper,40,38\nInk,15,18\n"
    found = ambiguity(text)
    assert (found.line, found.column) == (2, 1)
    assert readings(found) == [
        read(text, "csv", Options()),
        [
            {"Item": "Pens", "Jan": {"Units": 120}, "Feb": {"Units": 135}},
            {"Item": "Paper", "Jan": {"Units": 40}, "Feb": {"Units": 38}},
            {"Item": "Ink", "Jan": {"Units": 15}, "Feb": {"Units": 18}},
        ],
    ]


def test_review_offers_both_readings_for_a_units_row() -> None:
    text = ",Population,Area\nCountry,thousands,km2\nAustria,9104,83879\nBelgium,11742,30528\nDenmark,5933,42933\n"
    found = ambiguity(text)
    assert readings(found)[1][0] == {
        "Country": "Austria",
        "Population": {"thousands": 9104},
        "Area": {"km2": 83879},
    }


def test_the_error_path_weighs_two_header_rows_as_review_does() -> None:
    text = "Report\nItem,Jan,Feb\nItem,Units,Units\nPens,120,135\nPaper,40,38\nInk,15,18\n"
    found = ambiguity(text)
    assert [c.description for c in found.candidates] == [
        "one header row: the next row is the first record",
        "two header rows: Item, Jan.Units, Feb.Units",
    ]
    assert readings(found)[0][0] == {"Item": "Item", "Jan": "Units", "Feb": "Units"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            ",2024,2025\nregion,revenue,revenue\nNorth,1,2\nSouth,3,4\n", id="too-few-rows"
        ),
        pytest.param(",a,b\nx,7,y\nq,2,3\nr,5,6\ns,8,9\n", id="row-2-holds-a-number"),
        pytest.param("name,a,b\nAnn,x,y\nBob,1,2\nCy,3,4\nDee,5,6\n", id="no-blank-no-repeat"),
        pytest.param(
            ",a,b\nName,Contact,Contact\nAnn,x@y,1 2\nBob,z@w,3 4\nCy,q@r,5 6\n", id="no-numbers"
        ),
        pytest.param(",a,b\nid,v,v\nx,1,2\ny,,\nz,5,6\n", id="an-empty-cell-under-every-label"),
        pytest.param(",a,b\nid,v,v\nx,true,false\ny,true,true\nz,false,false\n", id="booleans"),
        pytest.param("a,b,c\nx,x,x\n1,2,3\n4,5,6\n7,8,9\n", id="a-label-repeated-everywhere"),
    ],
)
def test_review_leaves_these_alone(text: str) -> None:
    data = read(text, "csv", Options())
    assert rules.review(text, data, Options()) is None


@pytest.mark.parametrize("path", CLEAN_CSV, ids=[path.name for path in CLEAN_CSV])
def test_review_never_touches_ordinary_csv(path: Path) -> None:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    data = read(text, "csv", Options())
    assert rules.review(text, data, Options()) is None
    assert repaired(raw).text == convert(raw, src="csv", to="json", repair="off").text


class _Watched(list[Any]):
    """A list that records the indexes read from it."""

    touched: set[int]

    def __getitem__(self, index: Any) -> Any:
        indexes = range(len(self))[index] if isinstance(index, slice) else [index]
        self.touched.update(indexes)
        return super().__getitem__(index)


def test_review_reads_only_the_first_records() -> None:
    text = GROUPED + "North,1,2\n" * 2000
    data = _Watched(read(text, "csv", Options()))
    data.touched = set()
    assert isinstance(rules.review(text, data, Options()), Patched)
    assert max(data.touched) <= rules.REVIEW_ROWS


def test_review_head_says_when_streaming_must_not_skip_review() -> None:
    assert rules.review_head(GROUPED, Options())
    assert not rules.review_head("a,b\n1,2\n3,4\n5,6\n7,8\n", Options())
    assert not rules.review_head('a,b\n"broken\n', Options())
    assert rules.review_head(GROUPED + 'North,1,"a cut\n', Options())
    assert rules.review_head("id^name\n1^Ann\n2^Bob\n3^Cy\n", Options())


# --- headerless files and unnamed columns -------------------------------------------------


def test_headerless_export_is_refused_with_a_hint_to_add_a_header() -> None:
    text = "2026-01-05,COFFEE SHOP,3.50,3.50\n2026-01-06,BOOKSTORE,12.99,16.49\n2026-01-07,GROCERY,45.20,61.69\n"
    error = refusal(text)
    assert error.message.startswith("the first row looks like data")
    assert error.hint.startswith("pass --no-header (API: header=False)")
    assert (error.line, error.column) == (1, 1)


def test_headerless_rows_under_a_metadata_line_are_refused() -> None:
    text = "Export,2026-01-08\n12345,2026-01-05,Coffee,3.50\n12346,2026-01-06,Tea,2.75\n"
    error = refusal(text)
    assert error.message.startswith("the first row of the table looks like data")
    assert error.line == 2


def test_a_year_header_under_a_title_is_not_taken_for_data() -> None:
    result = repaired("Revenue\nregion,2024,2025\nNorth,1200,1350\nSouth,980,1010\n")
    assert result.data[0] == {"region": "North", "2024": 1200, "2025": 1350}


def test_unsniffed_delimiter_is_refused_with_the_option_to_pass() -> None:
    error = refusal("id^name^amount\n1^Ann^10.50\n2^Bob^7.25\n3^Cy^12.00,1\n")
    assert error.hint == "pass --delimiter '^' (API: delimiter='^')"
    assert repaired("id^name\n1^Ann\n2^Bob\n", delimiter="^").data == [
        {"id": 1, "name": "Ann"},
        {"id": 2, "name": "Bob"},
    ]


def test_unsniffed_delimiter_read_as_one_column_is_refused_by_review() -> None:
    text = "id^name^amount\n1^Ann^10.50\n2^Bob^7.25\n3^Cy^12.00\n"
    assert read(text, "csv", Options(repair="off"))[:2] == [
        {"id^name^amount": "1^Ann^10.50"},
        {"id^name^amount": "2^Bob^7.25"},
    ]
    assert "'^'" in refusal(text).hint


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("^\r\n^\r\n", id="no-labels"),
        pytest.param("a^b\n1^2\n3^4\n", id="too-few-rows"),
        pytest.param("a^b\n1^2\n3^4\n5\n", id="ragged"),
    ],
)
def test_one_column_holding_carets_is_left_alone_without_evidence(text: str) -> None:
    assert repaired(text).data == read(text, "csv", Options(repair="off"))


# --- ragged rows --------------------------------------------------------------------------


def test_empty_cells_past_the_last_column_are_removed() -> None:
    result = repaired("id,product\n1,Widget,\n2,Gadget\n3,Gizmo,,\n")
    assert result.data == [
        {"id": 1, "product": "Widget"},
        {"id": 2, "product": "Gadget"},
        {"id": 3, "product": "Gizmo"},
    ]
    assert where(result) == [("csv-trailing-delimiter", 2, 9), ("csv-trailing-delimiter", 4, 8)]
    assert [fix.before for fix in result.fixes] == [",", ",,"]
    assert result.confidence == ids.QUOTING


def test_an_empty_name_after_the_last_column_is_removed() -> None:
    result = repaired("id,product,\n1,Widget\n2,Gadget\n")
    assert result.data == [{"id": 1, "product": "Widget"}, {"id": 2, "product": "Gadget"}]
    assert where(result) == [("csv-trailing-delimiter", 1, 11)]


def test_a_row_of_empty_cells_of_the_wrong_width_is_removed() -> None:
    result = repaired("a,b,c\n1,2,3\n,\n4,5,6\n")
    assert result.data == [{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 5, "c": 6}]
    assert where(result) == [("csv-empty-row", 3, 1)]


@pytest.mark.parametrize(
    "text",
    [
        # the last, empty cell of a row deleted with its comma: empty, or missing?
        "name,email,notes\nAnn,ann@example.com,VIP\nBob,bob@example.com\nCy,cy@example.com,x\n",
        # a date under "age" unless a cell is put before it: which one is missing?
        "id,name,age,joined\n1,Ann,30,2020-01-05\n2,Bob,41,2021-03-09\n3,Cy,22,2022-07-01\n4,Dana,2023-02-14\n",
        # first or last name missing: the types cannot say
        "id,first,last,age\n1,Ann,Lee,30\n2,Bob,Ray,41\n3,Cy,Doe,22\n4,Dana,41\n",
        # a product table with ragged rows (a public messy-CSV case): never shifted
        "PRODUCTID,Name,Price\n1,Bolt,BH-7531\n2,Nut\n3,Washer,12\n",
    ],
)
def test_a_short_row_is_refused_never_padded_or_shifted(text: str) -> None:
    error = refusal(text)
    assert "a missing value is not an empty one" in error.message
    assert error.hint is not None and "complete the row by hand" in error.hint


def test_two_missing_cells_that_do_not_fit_at_the_end_are_refused() -> None:
    error = refusal("id,name,notes\n1,Ann,x\n2,Bob,y\n3,Cy,z\nZed\n4,Dee,w\n")
    assert error.line == 5


def test_a_short_last_row_without_a_line_end_is_a_cut_off_file() -> None:
    error = refusal("id,name,email\n1,Ann,ann@example.com\n2,Bob,bob@example.com\n3,Cy")
    assert error.line == 4
    assert "looks cut off" in error.message


def test_file_cut_inside_a_quoted_field_is_refused() -> None:
    # What the last field held is cut off: neither kept as if whole nor dropped (issue 14).
    with pytest.raises((ParseError, RepairRejected)):
        repaired('id,title,body\n1,"Welcome","First"\n2,"Draft","Unfinished te')


def test_file_cut_inside_a_quoted_field_of_a_short_row_is_refused() -> None:
    error = refusal('id,title,body,tags\n1,"Welcome","First",a\n2,"Draft","Unfinished te')
    assert error.line == 3
    assert "looks cut off" in error.message


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("id,note,qty\n1,first line\nsecond line,3\n2,ok,4\n", "first line\nsecond line"),
        ("id,note,qty\n1,first\nsecond\nthird,3\n2,ok,4\n", "first\nsecond\nthird"),
        ("id,note,qty\r\n1,first\r\nsecond,3\r\n2,ok,4\r\n", "first\r\nsecond"),
    ],
)
def test_short_lines_adding_up_to_one_row_hold_an_unquoted_line_break(text: str, note: str) -> None:
    result = repaired(text)
    assert result.data == [{"id": 1, "note": note, "qty": 3}, {"id": 2, "note": "ok", "qty": 4}]
    assert where(result) == [("csv-unquoted-line-break", 2, 3)]
    assert result.confidence == ids.LINE_BREAK


def test_long_row_joined_where_only_one_join_keeps_the_types() -> None:
    text = "id,name,age\n1,Smith, John,34\n2,Lee,29\n3,Ray,41\n4,Fox,52\n"
    result = repaired(text)
    assert result.data[0] == {"id": 1, "name": "Smith, John", "age": 34}
    assert where(result) == [("csv-unquoted-delimiter", 2, 3)]
    assert result.fixes[0].after == '"Smith, John"'
    assert result.confidence == ids.TYPE_PICKED


def test_identifier_shapes_rule_out_joins_as_types_do() -> None:
    text = "invoice,amount,currency\nINV-001,1,250.00,EUR\nINV-002,980.00,EUR\nINV-003,75.50,USD\nINV-004,310.20,EUR\n"
    result = repaired(text)
    assert result.data[0] == {"invoice": "INV-001", "amount": "1,250.00", "currency": "EUR"}


def test_long_row_between_text_columns_is_a_choice_of_joins() -> None:
    text = "name,city,country\nSmith, John,Paris,France\nLee,Rome,Italy\nRay,Oslo,Norway\nFox,Bern,Swiss\n"
    found = ambiguity(text)
    assert [reading[0] for reading in readings(found)] == [
        {"name": "Smith, John", "city": "Paris", "country": "France"},
        {"name": "Smith", "city": " John,Paris", "country": "France"},
        {"name": "Smith", "city": " John", "country": "Paris,France"},
    ]


def test_long_row_that_no_join_explains_is_refused() -> None:
    text = "id,amount,date\n1,250.00,2026-01-05\n2,75.5,2026-01-06\n3,abc,def,2026-01-07\n4,12.00,2026-01-08\n"
    error = refusal(text)
    assert error.line == 4
    assert "no join of adjacent cells keeps every column's type" in error.message


def test_too_many_readings_are_refused() -> None:
    text = "name,street,city\nAnn,12 High St, Flat 2,London\nBob,5 Main Rd, Unit 4,Leeds\nCy,9 Park Ave,York\nDee,3 Elm Rd,Bath\nEd,1 Oak St,Hull\n"
    error = refusal(text)
    assert error.message == "this row has 4 fields, the header has 3"
    assert "no repair rule applies" in error.hint


def test_a_header_naming_fewer_columns_than_most_rows_is_refused() -> None:
    text = "name,street,city\nAnn,12 High St, Flat 2,London\nBob,5 Main Rd, Unit 4,Leeds\nCy,9 Park Ave,York\n"
    error = refusal(text)
    assert error.message == "most rows hold more fields than the header's 3 names"


# --- the whole ----------------------------------------------------------------------------


def test_clean_csv_never_reaches_repair_and_review_keeps_it() -> None:
    text = "a,b\n1,2\n"
    assert repaired(text).fixes == ()


def test_a_quote_that_never_closes_keeps_its_text_with_the_quotes() -> None:
    result = repaired('a,b\n"x"y,1\n')
    assert result.data == [{"a": '"x"y', "b": 1}]


def test_every_change_is_a_fix_in_the_input_coordinates() -> None:
    text = "Report\n\nregion,qty\nNorth,1,\nSouth,2\nTotal,3\n"
    result = repaired(text)
    assert where(result) == [
        ("csv-preamble", 1, 1),
        ("csv-trailing-delimiter", 4, 8),
        ("csv-summary-row", 6, 1),
    ]
    assert result.repaired == "\nregion,qty\nNorth,1\nSouth,2\n"


_CSV_TEXT = st.text(st.sampled_from(list("ab1;,\"'\t|^\\ \n\r.x")), max_size=80)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_CSV_TEXT)
def test_any_text_gives_an_outcome_or_a_structconv_error(text: str) -> None:
    list(rules.input_values(text))
    try:
        data = read(text, "csv", Options(repair="off"))
    except ParseError as error:
        try:
            outcome = rules.repair(text, error, Options())
        except ParseError as refused:
            assert not refused.repairable
            return
        assert outcome is None or isinstance(outcome, Patched | Ambiguity)
        return
    try:
        reviewed = rules.review(text, data, Options())
    except ParseError:
        return
    assert reviewed is None or isinstance(reviewed, Patched | Ambiguity)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {
                "": st.text(max_size=6),
                "a": st.one_of(st.text(max_size=6), st.integers()),
                "b": st.one_of(st.text(max_size=6), st.integers()),
            }
        ),
        min_size=0,
        max_size=6,
    )
)
def test_review_of_written_records_keeps_them(records: list[dict[str, Any]]) -> None:
    """What structconv writes reads back as written, or review says why not (the only
    firing shape: a label row over numbers under a blank corner name)."""
    if not records or any("\x00" in str(value) for record in records for value in record.values()):
        return
    text = convert(json.dumps(records), src="json", to="csv").text
    if not text:
        return
    data = read(text, "csv", Options())
    outcome = rules.review(text, data, Options())
    if outcome is not None:
        first = data[0]
        assert all(isinstance(value, str) and rules.is_label(value) for value in first.values())


@pytest.mark.parametrize(
    ("records", "why"),
    [
        (
            [{"id": 170, "name": "Ł N,ken@x.org", "email": "true", "active": ""}],
            "record 1, column 2 holds 'Ł N,ken@x.org', but its row has 'Ł N' there",
        ),
        (
            [{"id": 170, "name": "Ł N", "email": "ken@x.org"}],
            "record 1 has 3 values, its row 5 cells",
        ),
        (
            [{"id": "", "name": 170, "email": "Ł N", "active": "ken@x.org"}],
            "record 1, column 1 holds '', but its row has '170' there",
        ),
    ],
)
def test_a_model_answer_must_line_up_with_the_rows(records: list[Any], why: str) -> None:
    text = "id,name,email,active\n170,Ł N,ken@x.org,true,\n"
    assert answer_lines_up(text, records) == why
    right = [{"id": 170, "name": "Ł N", "email": "ken@x.org", "active": True}]
    assert answer_lines_up(text, right) is None


def test_rows_that_do_not_map_one_to_one_are_not_judged_there() -> None:
    two_header_rows = "Q1,Q1\nsales,cost\n1,2\n"
    nested = [{"Q1": {"sales": 1, "cost": 2}}]
    assert answer_lines_up(two_header_rows, nested) is None
    assert answer_lines_up("a;b\n1,5;x\n\n", [{"a": 1.5, "b": "x"}]) is None  # 1,5 is 1.5


def test_a_units_row_under_unique_names_is_a_choice_not_a_first_record() -> None:
    # Labels over columns of numbers, first cell blank under a name: a units row, or a
    # first record of text? The rules used to take it for a record without a word.
    text = (
        "store,volume,price,weight\n,l,USD,lb,,\nLe Marais,53.61,82.21,766,,\n"
        "Mitte,56.27,15.12,16.08,,\nSoho,62.84,507,56.38,,\nUmeda,4.95,14.55,25.4,,\n"
    )
    with pytest.raises(AmbiguousInput) as raised:
        convert(text, src="csv", to="json", repair="rules")
    readings = [candidate.data for candidate in raised.value.ambiguity.candidates]
    assert readings[0][0] == {"store": "", "volume": "l", "price": "USD", "weight": "lb"}
    assert readings[1][0] == {
        "store": "Le Marais",
        "volume": {"l": 53.61},
        "price": {"USD": 82.21},
        "weight": {"lb": 766},
    }


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # Two rows already name every column apart (the second repeats H1/H2 under the
        # years), but the third is labels over numbers: a first record of "cost" text in
        # columns of numbers would be no record.
        (
            "team,2025,2025,2026,2026\n,H1,H2,H1,H2\n,cost,cost,cost,cost\n"
            "Sales,994,108,625,130\nR&D,510,804,806,182\nSupport,977,111,354,736\n",
            {
                "team": "Sales",
                "2025": {"H1": {"cost": 994}, "H2": {"cost": 108}},
                "2026": {"H1": {"cost": 625}, "H2": {"cost": 130}},
            },
        ),
        # `2025` spans two columns, so the header row names the third one with nothing;
        # trailing delimiters on the rows below must not hide that.
        (
            "store,2025,\n,actual,plan,\n,sales,sales,\n"
            "Umeda,372,286,\nMitte,537,399,\nShibuya,913,677,\n",
            {"store": "Umeda", "2025": {"actual": {"sales": 372}, "plan": {"sales": 286}}},
        ),
    ],
)
def test_a_third_row_of_labels_over_numbers_is_a_header_row_too(
    text: str, first: dict[str, Any]
) -> None:
    result = repaired(text)
    assert result.data[0] == first and len(result.data) == 3
    assert any(fix.message.startswith("3 header rows merged") for fix in result.fixes)


# --- CSV as found in the wild --------------------------------------------------------------


def test_a_header_line_repeated_under_itself_is_removed_not_read_as_data() -> None:
    """Pollock's file_header_multirow_2: the header written twice."""
    text = "DATE,TIME,Qty\nDATE,TIME,Qty\n28/01/2018,00:00,2\n29/01/2018,00:15,0\n"
    result = repaired(text)
    assert result.data == [
        {"DATE": "28/01/2018", "TIME": "00:00", "Qty": 2},
        {"DATE": "29/01/2018", "TIME": "00:15", "Qty": 0},
    ]
    assert where(result) == [("csv-repeated-header", 2, 1)]


def test_repeated_names_under_a_preamble_are_renamed_and_line_up() -> None:
    """The repair removes the title; the reader renames the repeat; provenance ties
    amount_2 to its own column."""
    text = "Card spend for July,,,\n,,,\nname,amount,amount,note\nAnn,1,2,x\nBob,3,4,y\n"
    result = repaired(text)
    assert result.data == [
        {"name": "Ann", "amount": 1, "amount_2": 2, "note": "x"},
        {"name": "Bob", "amount": 3, "amount_2": 4, "note": "y"},
    ]
    assert where(result) == [("csv-preamble", 1, 1), ("csv-preamble", 2, 1)]
    assert "column 3 'amount' -> 'amount_2'" in result.notes[0]


def test_a_title_with_a_trailing_delimiter_is_no_header() -> None:
    """A two-column pivot export: `Title ,` parses as a header with one blank name."""
    text = "Summary of spend ,\n,\nRow Labels,Sum of Amount\nFees,9997.75\nHotels,227.88\nRail,1981.75\n"
    result = repaired(text)
    assert result.data[0] == {"Row Labels": "Fees", "Sum of Amount": 9997.75}
    assert where(result) == [("csv-preamble", 1, 1), ("csv-preamble", 2, 1)]


def test_unnamed_columns_inside_a_header_that_no_row_names_are_refused() -> None:
    text = "Payroll,,,Agency,,\nAnn,1,2,3,4,5\nBob,1,2,3,4,5\nCy,1,2,3,4,5\n"
    read(text, "csv", Options())  # the reader alone renames the blanks
    error = refusal(text)
    assert error.message.startswith("the header leaves columns unnamed between named ones")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0.5,1.25,3.5\n0.7,1.5,2.25\n0.9,1.75,2.5\n1.1,2.0,2.75\n", id="decimals"),
        pytest.param("0,0\n0.01,0\n0.02,0\n0.03,0\n", id="repeated-numbers"),
    ],
)
def test_a_first_row_of_data_is_refused_with_the_option_that_reads_it(text: str) -> None:
    error = refusal(text)
    assert error.message.startswith("the first row looks like data, not a header")
    assert error.hint.startswith("pass --no-header (API: header=False)")
    rows = repaired(text, header=False)
    assert rows.data[0] == [
        float(cell) if "." in cell else int(cell) for cell in text.split("\n")[0].split(",")
    ]


def test_a_second_table_below_a_preamble_is_refused_at_its_line() -> None:
    text = (
        ROOT / "tests" / "golden" / "malformed" / "csv" / "two_tables_in_one_file.csv"
    ).read_text()
    error = refusal(text)
    assert error.message.startswith("a second table starts on line 6")
    assert error.line == 6
    tables = repaired(text, table="all")
    assert [len(table) for table in tables.data] == [2, 3]


# --- issue 14: cells never shift ------------------------------------------------------------

_SHOP = (
    "date,time,qty,product,comments\n"
    "28/01/2018,00:00,2,Boots,\n29/01/2018,00:15,0,Jacket,\n30/01/2018,00:30,1,Shoes,\n"
    "31/01/2018,00:45,1,Rods,\n13/02/2018,01:00,9,Pillow,\n"
)


@pytest.mark.parametrize(
    "text",
    [
        # one row with an extra delimiter in the middle: dropping its empty last cell
        # would move every cell after the extra one a column to the right
        _SHOP + "14/02/2018,01:15,1,,Suspenders,\n",
        # every row one empty cell longer than the header: a delimiter at each row's end,
        # or one lost in the header (`qtyproduct`)?
        _SHOP.replace("qty,product", "qtyproduct"),
    ],
)
def test_an_empty_last_cell_is_no_trailing_delimiter_when_cells_would_shift(text: str) -> None:
    with pytest.raises(ParseError):
        repaired(text)


def test_a_stray_quote_in_a_column_never_quoted_is_refused() -> None:
    # Pollock's clean files keep such a quote as text; a person may have lost its mate.
    text = _SHOP.replace("30/01/2018,00:30,1,", '30/01/2018,00:30,"1,')
    assert not refusal(text).repairable


def test_a_header_wrapped_onto_two_lines_is_joined() -> None:
    text = "lang,type,territory,\nrevised,file\naa,l,ET,2024,aa.xml\nab,l,GE,2024,ab.xml\naf,l,ZA,2024,af.xml\n"
    result = repaired(text)
    assert result.data[0] == {
        "lang": "aa",
        "type": "l",
        "territory": "ET",
        "revised": 2024,
        "file": "aa.xml",
    }
    assert where(result) == [("csv-header-wrapped", 1, 21)]
