"""The JSON Lines repair rules (structconv.repair.rules.jsonl): each broken line is
repaired on its own with the JSON rules; records spread over lines, records sharing a
line, comment lines and fences have rules of their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from structconv import (
    AmbiguousInput,
    ParseError,
    RepairRejected,
    StructconvError,
    convert,
    convert_file,
)
from structconv.options import Options
from structconv.repair.rules import Patched
from structconv.repair.rules import jsonl as rules
from structconv.repair.rules.json import ids as json_ids
from structconv.result import Result


def repaired(text: str) -> Result:
    result = convert(text, src="jsonl", to="json", repair="rules")
    assert result.fixes, "a repair without a recorded fix"
    return result


def places(result: Result) -> list[tuple[str, int, int]]:
    return [(fix.rule, fix.line, fix.column) for fix in result.fixes]


def refused(text: str) -> StructconvError:
    with pytest.raises((ParseError, RepairRejected)) as raised:
        convert(text, src="jsonl", to="json", repair="rules")
    assert isinstance(raised.value, StructconvError)
    return raised.value


def test_each_broken_line_is_repaired_on_its_own() -> None:
    result = repaired("{'id': 1, 'ok': True}\n{\"id\": 2}\n{id: 3,}\n")
    assert result.data == [{"id": 1, "ok": True}, {"id": 2}, {"id": 3}]
    assert places(result) == [
        ("quotes", 1, 2),
        ("quotes", 1, 11),
        ("literal", 1, 17),
        ("unquoted-key", 3, 2),
        ("trailing-comma", 3, 7),
    ]
    assert result.confidence == json_ids.STRUCTURAL  # the unquoted key


def test_a_pretty_printed_record_is_joined_onto_one_line() -> None:
    result = repaired('{"id": 1}\n{\n  "id": 2,\n  "tags": ["a"]\n}\n{"id": 3}\n')
    assert result.data == [{"id": 1}, {"id": 2, "tags": ["a"]}, {"id": 3}]
    assert places(result) == [
        ("record-lines", 2, 2),
        ("record-lines", 3, 11),
        ("record-lines", 4, 16),
    ]
    assert {fix.before for fix in result.fixes} == {"\n"}
    assert result.confidence == json_ids.STRUCTURAL


def test_a_spread_record_with_comments_and_a_trailing_comma_is_joined() -> None:
    result = repaired('{\n  "a": 1, // one\n  "b": 2,\n}\n')
    assert result.data == [{"a": 1, "b": 2}]
    assert sorted({fix.rule for fix in result.fixes}) == [
        "comment",
        "record-lines",
        "trailing-comma",
    ]


def test_records_are_not_joined_by_guessing_a_comma() -> None:
    # joining needs a comma nobody wrote: the first line is truncated, the second broken
    refused('{"a": 1\n "b": 2}\n')


def test_a_stray_bracket_line_is_not_read_as_an_array_of_the_records() -> None:
    refused('[\n{"a": 1}\n{"b": 2}\n')


def test_a_json_array_written_over_lines_is_ambiguous() -> None:
    with pytest.raises(AmbiguousInput) as raised:
        convert('[\n  {"a": 1},\n  {"b": 2}\n]\n', src="jsonl", to="json", repair="rules")
    data: list[Any] = [candidate.data for candidate in raised.value.ambiguity.candidates]
    assert data == [[[{"a": 1}, {"b": 2}]], [{"a": 1}, {"b": 2}]]
    assert raised.value.ambiguity.line == 1


def test_two_records_on_one_line_are_split() -> None:
    result = repaired('{"a": 1}{"a": 2}\n{"a": 3}, {"a": 4}\n')
    assert result.data == [{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}]
    assert places(result) == [
        ("record-split", 1, 9),
        ("record-split", 2, 9),
        ("record-split", 2, 11),
    ]


def test_comment_lines_are_emptied() -> None:
    result = repaired('# export\n{"a": 1}\n// more\n{"a": 2}\n')
    assert result.data == [{"a": 1}, {"a": 2}]
    assert places(result) == [("comment", 1, 1), ("comment", 3, 1)]
    assert result.confidence == json_ids.COSMETIC


@pytest.mark.parametrize(
    "text", ['{"a": 1}\n{"a": 2, "msg": "cut of', '{"a": 1}\n{"a": 2, "b":\n{"a": 3}\n']
)
def test_a_line_cut_inside_a_value_is_refused(text: str) -> None:
    """Its last value is cut off (issue 14): neither kept as if whole nor dropped."""
    refused(text)


def test_byte_order_mark_of_a_second_file_joined_by_cat() -> None:
    result = repaired('{"n": 1}\n\ufeff{"n": 2}\n')
    assert result.data == [{"n": 1}, {"n": 2}]
    assert places(result) == [("whitespace", 2, 1)]


def test_fenced_records() -> None:
    result = repaired('```jsonl\n{"n": 1}\n{"n": 2}\n```\n')
    assert result.data == [{"n": 1}, {"n": 2}]
    assert places(result) == [("fence", 1, 1), ("fence", 4, 1)]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}\nProcessed 1 record\n{"a": 2}\n',  # a log message between records
        'Here are the records:\n{"a": 1}\n',  # prose is not dropped from JSON Lines
        '{"a": 1}\n{"a": NaN}\n',
        '{"a": 1, "a": 2,}\n',
    ],
)
def test_lines_that_are_not_records_are_refused(text: str) -> None:
    refused(text)


def test_nan_is_refused_at_its_line() -> None:
    error = refused('{"a": 1}\n{"a": -Infinity}\n')
    assert isinstance(error, ParseError)
    assert (error.format, error.line, error.column) == ("jsonl", 2, 7)


def test_repair_leaves_valid_lines_alone() -> None:
    text = '{"a": 1}\n{"b": 2,}\n{"c": 3}\n'
    error = ParseError("x", format="jsonl", line=2, column=9)
    outcome = rules.repair(text, error, Options())
    assert isinstance(outcome, Patched)
    assert outcome.text == '{"a": 1}\n{"b": 2}\n{"c": 3}\n'
    assert len(outcome.fixes) == 1


def test_a_broken_file_that_streams_falls_back_to_the_repair(tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    source.write_text('{"n": 1}\n{"n": 2,}\n', encoding="utf-8")
    result = convert_file(source, to="json", out=tmp_path / "events.json", repair="rules")
    assert result.data == [{"n": 1}, {"n": 2}]
    assert [fix.rule for fix in result.fixes] == ["trailing-comma"]


def test_a_model_answer_may_not_fold_a_whole_line_into_a_broken_one() -> None:
    """tests/golden/malformed/jsonl/truncated_line_mid_file.jsonl: the model answered
    with record 3 as the value of record 2's cut-off key (0.90 sure)."""
    from structconv.repair.model_repair import check_answer

    text = '{"step": 1, "loss": 2.31}\n{"step": 2, "loss": 2.07, "grad_norm":\n{"step": 3}\n'
    folded = [{"step": 1, "loss": 2.31}, {"step": 2, "loss": 2.07, "grad_norm": {"step": 3}}]
    refusal = check_answer(text, folded, "jsonl")
    assert refusal is not None and "line 3 is a whole record" in refusal
    mended = '{"step": 1}\n{"step": 2, "loss": 2.07,}\n{"step": 3}\n'
    kept = [{"step": 1}, {"step": 2, "loss": 2.07}, {"step": 3}]
    assert check_answer(mended, kept, "jsonl") is None
