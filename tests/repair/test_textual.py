"""The textual provenance check (tune judges its pairs with it): nothing invented, nothing dropped."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from structconv.repair.edits import Edit, apply_edits
from structconv.repair.spelling import unescape_backslashes
from structconv.repair.textual import check_provenance
from structconv.result import Fix


def words(text: str) -> Iterator[tuple[str, int]]:
    """A stand-in lexer: every word of the input is a value."""
    for match in re.finditer(r"[\w.]+", text):
        yield match.group(), match.start()


NO_FIXES: tuple[Fix, ...] = ()


def test_the_input_values_pass() -> None:
    text = "{name: 'Ada', langs: ['en', 'ja'], born: 1815, active: True, note: None}"
    data = {"name": "Ada", "langs": ["en", "ja"], "born": 1815, "active": True, "note": None}
    assert check_provenance(text, data, NO_FIXES, "json", words) is None


def test_an_invented_value_is_refused_with_its_path() -> None:
    text = "{user: 'ada'}"
    refusal = check_provenance(
        text, {"user": "ada", "password": "hunter2"}, NO_FIXES, "json", words
    )
    assert refusal is not None
    assert "$" in refusal.reason and "password" in refusal.reason


def test_an_invented_number_is_refused() -> None:
    refusal = check_provenance('{"port": 80}', {"port": 8080}, NO_FIXES, "json", words)
    assert refusal is not None and "8080" in refusal.reason


def test_numbers_match_by_value_across_spellings() -> None:
    text = "a = 1_000\nb = 0x1F\nc = 1.50\nd = 1e3"
    data = {"a": 1000, "b": 31, "c": 1.5, "d": 1000.0}
    assert check_provenance(text, data, NO_FIXES, "toml", words) is None


def test_an_invented_null_or_boolean_is_refused() -> None:
    assert check_provenance('{"a": 1', {"a": 1, "b": None}, NO_FIXES, "json", words) is not None
    assert check_provenance("[1]", [1, False], NO_FIXES, "json", words) is not None


def test_yaml_empty_values_are_nulls_of_the_input() -> None:
    assert (
        check_provenance("a:\nb: 1\n\tc", {"a": None, "b": 1}, NO_FIXES, "yaml", lambda _: [])
        is None
    )


def test_strings_are_traced_through_escapes_entities_and_folding() -> None:
    text = (
        '{"a": "line\\none", "b": "caf&eacute; &amp; co", "c": "it\'\'s",\n "d": "folded\n   text"}'
    )
    data = {"a": "line\none", "b": "café & co", "c": "it's", "d": "folded text"}
    assert check_provenance(text, data, NO_FIXES, "json", lambda _: []) is None


def test_dates_are_traced_by_their_iso_text() -> None:
    text = "when: 2026-11-02 09:30:00\nday: 2026-10-01"
    data = {"when": datetime.datetime(2026, 11, 2, 9, 30), "day": datetime.date(2026, 10, 1)}
    assert check_provenance(text, data, NO_FIXES, "yaml", lambda _: []) is None


def test_a_dropped_value_is_refused_with_its_position() -> None:
    text = "{a: 1,\n b: 'kept',\n c: 'lost'}"
    refusal = check_provenance(text, {"a": 1, "b": "kept"}, NO_FIXES, "json", words)
    assert refusal is not None
    assert "'c'" in refusal.reason
    assert (refusal.line, refusal.column) == (3, 2)


def test_a_removal_explained_by_a_fix_is_accepted() -> None:
    text = "{a: 1, // TODO remove\n b: 2}"
    start = text.index("//")
    end = text.index("\n")
    _, fixes = apply_edits(text, [Edit(start, end, "", "comment", "comment removed")])
    assert check_provenance(text, {"a": 1, "b": 2}, fixes, "json", words) is None


def test_a_key_named_by_a_fix_is_accepted_a_value_is_not() -> None:
    text = "<a>1</a><b>2</b>"
    _, fixes = apply_edits(
        text,
        [
            Edit(0, 0, "<root>", "roots", "wrapped"),
            Edit(len(text), len(text), "</root>", "roots", "wrapped"),
        ],
    )
    data = {"root": {"a": "1", "b": "2"}}
    assert check_provenance(text, data, fixes, "xml", words) is None
    assert check_provenance(text, {"root": {"a": "root"}}, fixes, "xml", lambda _: []) is not None


def test_xml_convention_keys_are_not_values() -> None:
    text = '<p id="7">Hello <b>you</b></p>'
    data = {"p": {"@id": "7", "#content": ["Hello ", {"b": "you"}]}}
    assert check_provenance(text, data, NO_FIXES, "xml", words) is None


def test_unescape_backslashes_is_lenient() -> None:
    assert unescape_backslashes(r"a\tb\u00e9\x41\q\U0001F600") == "a\tbéAq\U0001f600"
    assert unescape_backslashes("\\ud800") == "\ud800"


def _csv_values(text: str) -> Any:
    from structconv.repair.rules.csv import input_values

    return input_values(text)


def test_counted_refuses_a_value_copied_more_often_than_the_input_spells_it() -> None:
    text = "id,flag,score\n1,true,7\n2,,9\n"
    shifted = [{"id": 1, "flag": True, "score": 7}, {"id": 2, "flag": True, "score": 9}]
    assert check_provenance(text, shifted, (), "csv", _csv_values) is None  # textually fine
    refusal = check_provenance(text, shifted, (), "csv", _csv_values, counted=True)
    assert refusal is not None and "True 2 times, the input only 1" in refusal.reason
    right = [{"id": 1, "flag": True, "score": 7}, {"id": 2, "flag": "", "score": 9}]
    assert check_provenance(text, right, (), "csv", _csv_values, counted=True) is None


def test_counted_leaves_alone_values_no_token_spells_whole() -> None:
    from structconv.repair.rules.yaml import input_values

    text = "a: [x, 1\nb: x y\n"
    data = {"a": ["x", 1], "b": "x y"}  # "x" twice: once a token, once inside "x y"
    assert check_provenance(text, data, (), "yaml", input_values, counted=True) is None
