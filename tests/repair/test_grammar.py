"""Grammars for the model's answer: the plain JSON one, and a CSV's record shape."""

from __future__ import annotations

from structconv.options import Options
from structconv.repair.grammar import gbnf_literal, grammar_for, json_grammar

DEFAULT = Options()


def _rules(grammar: str) -> dict[str, str]:
    pairs = (line.split("::=", 1) for line in grammar.splitlines() if "::=" in line)
    return {name.strip(): rule.strip() for name, rule in pairs}


def test_inputs_without_a_known_shape_get_the_json_grammar() -> None:
    for format in ("json", "yaml", "toml", "xml", "jsonl"):
        assert grammar_for("a: [1,", format, DEFAULT) == json_grammar()


def test_a_csv_answer_is_records_with_the_header_columns_in_order() -> None:
    rules = _rules(grammar_for("id;name;city\n1;Ada;Zürich\n2;Bo\n", "csv", DEFAULT))
    assert rules["root"] == '"[" ( record ( "," record )* )? "]"'
    assert rules["record"] == (
        r'"{" "\"id\":" scalar "," "\"name\":" scalar "," "\"city\":" scalar "}"'
    )
    assert rules["scalar"] == 'string | number | "true" | "false" | "null"'
    assert rules["string"] == _rules(json_grammar())["string"]  # the JSON rules come along


def test_dotted_columns_nest_as_the_reader_nests_them() -> None:
    record = _rules(grammar_for("name.first,name.last,age\nAda,L,36\n", "csv", DEFAULT))["record"]
    assert record == (
        r'"{" "\"name\":" "{" "\"first\":" scalar "," "\"last\":" scalar "}" "," '
        r'"\"age\":" scalar "}"'
    )
    flat = _rules(grammar_for("a.b,c\n1,2\n", "csv", Options(unflatten=False)))["record"]
    assert flat == r'"{" "\"a.b\":" scalar "," "\"c\":" scalar "}"'


def test_a_header_that_gives_no_clean_shape_falls_back_to_json() -> None:
    for text in ("a,a\n1,2\n", "a,,c\n1,2,3\n", "a,a.b\n1,2\n", "\n"):
        assert grammar_for(text, "csv", DEFAULT) == json_grammar(), text


def test_literals_escape_what_gbnf_would_read() -> None:
    assert gbnf_literal('say "hi"\\\n') == r'"say \"hi\"\\\n"'
    record = _rules(grammar_for('"a ""q""",東京\n1,2\n', "csv", DEFAULT))["record"]
    assert r'"\"a \\\"q\\\"\":"' in record and r'"\"東京\":"' in record
