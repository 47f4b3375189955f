"""The JSON repair rules (structconv.repair.rules.json), rule by rule, through `convert`
with repair="rules": the exact data, the exact fixes (rule, line, column), the confidence,
and what each rule refuses."""

from __future__ import annotations

import random
from typing import Any

import pytest

from structconv import AmbiguousInput, ParseError, RepairRejected, StructconvError, convert
from structconv.errors import ParseError as StrictParseError
from structconv.fixes import Ambiguity
from structconv.options import Options
from structconv.repair.rules import Patched
from structconv.repair.rules import json as rules
from structconv.repair.rules.json import ids
from structconv.result import Result


def repaired(text: str) -> Result:
    result = convert(text, src="json", to="json", repair="rules")
    assert result.fixes, "a repair without a recorded fix"
    return result


def places(result: Result) -> list[tuple[str, int, int]]:
    return [(fix.rule, fix.line, fix.column) for fix in result.fixes]


def readings(text: str) -> list[Any]:
    with pytest.raises(AmbiguousInput) as raised:
        convert(text, src="json", to="json", repair="rules")
    return [candidate.data for candidate in raised.value.ambiguity.candidates]


def refused(text: str) -> StructconvError:
    with pytest.raises((ParseError, RepairRejected)) as raised:
        convert(text, src="json", to="json", repair="rules")
    assert isinstance(raised.value, StructconvError)
    return raised.value


def strict_error(text: str) -> StrictParseError:
    with pytest.raises(StrictParseError) as raised:
        convert(text, src="json", to="json", repair="off")
    return raised.value


# ------------------------------------------------------------------------ comments


def test_line_and_block_comments_of_a_tsconfig() -> None:
    text = '{\n  // compiler\n  "strict": true, /* keep */\n  "target": "ES2022"\n}\n'
    result = repaired(text)
    assert result.data == {"strict": True, "target": "ES2022"}
    assert places(result) == [("comment", 2, 3), ("comment", 3, 19)]
    assert result.fixes[0].before == "// compiler"
    assert result.confidence == ids.COSMETIC


def test_hash_comment_needs_space_before_it() -> None:
    result = repaired('{"a": 1 # why\n}')
    assert result.data == {"a": 1}
    assert places(result) == [("comment", 1, 9)]
    refused('{"a":"b"}#{}')  # glued to the value: not a comment, and not dropped


def test_slashes_inside_strings_are_not_comments() -> None:
    result = repaired('{"url": "https://x.io/#top", // site\n}')
    assert result.data == {"url": "https://x.io/#top"}
    assert [fix.rule for fix in result.fixes] == ["trailing-comma", "comment"]


def test_a_comment_left_open_at_the_end_goes_with_the_truncation() -> None:
    result = repaired('["a", /* cut')
    assert result.data == ["a"]
    assert places(result) == [("unclosed", 1, 5)]
    assert result.fixes[0].before == ", /* cut"


# ---------------------------------------------------------------------- whitespace


def test_second_byte_order_mark_and_no_break_spaces() -> None:
    result = repaired('\ufeff\ufeff{"a":\u00a01}')  # the first one is the encoding's
    assert result.data == {"a": 1}
    assert places(result) == [("whitespace", 1, 1), ("whitespace", 1, 7)]
    assert result.fixes[1].after == " "
    assert result.confidence == ids.COSMETIC


# ------------------------------------------------------------------ trailing commas


def test_trailing_commas_in_objects_and_arrays() -> None:
    result = repaired('{\n  "deps": ["a", "b",],\n  "x": 1,\n}')
    assert result.data == {"deps": ["a", "b"], "x": 1}
    assert places(result) == [("trailing-comma", 2, 20), ("trailing-comma", 3, 9)]
    assert result.confidence == ids.COSMETIC


def test_trailing_comma_after_the_top_level_value() -> None:
    result = repaired('[""],')
    assert result.data == [""]
    assert places(result) == [("trailing-comma", 1, 5)]


def test_empty_slots_are_dropped_not_read_as_null() -> None:
    result = repaired("[1,,2]")
    assert result.data == [1, 2]
    assert places(result) == [("empty-slot", 1, 4)]
    assert result.confidence == ids.GUESS
    assert repaired('{,"a": 1,,"b": 2}').data == {"a": 1, "b": 2}


@pytest.mark.parametrize("text", ["[,]", "{,}", "[,,]", "{ , }"])
def test_containers_of_nothing_but_commas_are_refused(text: str) -> None:
    refused(text)


# ------------------------------------------------------------------------- quoting


def test_python_repr_quotes_and_literals() -> None:
    result = repaired("{'name': 'Ada', 'admin': True, 'boss': None, 'quote': \"It's\"}")
    assert result.data == {"name": "Ada", "admin": True, "boss": None, "quote": "It's"}
    assert [fix.rule for fix in result.fixes] == [
        "quotes",
        "quotes",
        "quotes",
        "literal",
        "quotes",
        "literal",
        "quotes",
    ]
    assert result.fixes[3].before == "True" and result.fixes[3].after == "true"
    assert 0.9 <= result.confidence < 1.0


def test_double_quotes_inside_single_quotes_are_escaped() -> None:
    result = repaired("""{'say': 'a "quoted" word', 'it': 'don\\'t'}""")
    assert result.data == {"say": 'a "quoted" word', "it": "don't"}


def test_python2_unicode_prefix_and_hex_escapes() -> None:
    result = repaired("{u'name': u'Jos\\xe9'}")
    assert result.data == {"name": "José"}
    assert places(result) == [("quotes", 1, 2), ("quotes", 1, 11)]
    assert "u'' prefix removed" in result.fixes[0].message


def test_typographic_and_backtick_quotes() -> None:
    assert repaired("{\u201cname\u201d: \u201cA\u201d}").data == {"name": "A"}
    assert repaired('{"k": `tpl`}').data == {"k": "tpl"}


def test_template_literal_with_expression_is_refused() -> None:
    refused('{"k": `hello ${name}`}')


def test_true_inside_a_string_stays_text() -> None:
    assert repaired("{'note': 'True story', 'ok': True}").data == {"note": "True story", "ok": True}


# ------------------------------------------------------------------------- escapes


def test_windows_path_keeps_its_backslashes() -> None:
    result = repaired('{"p": "C:\\Users\\ada"}')
    assert result.data == {"p": "C:\\Users\\ada"}
    assert places(result) == [("escape", 1, 7)]
    assert result.confidence == ids.LITERAL_ESCAPE


def test_windows_path_with_n_and_t_is_ambiguous() -> None:
    options = readings('{"p": "C:\\Users\\new\\table"}')
    assert {"p": "C:\\Users\\new\\table"} in options
    assert {"p": "C:\\Users\new\table"} in options


def test_python_escapes_become_json_escapes() -> None:
    assert repaired('{"e": "\\U0001F600"}').data == {"e": "\U0001f600"}
    assert repaired("{'e': '\\x41\\''}").data == {"e": "A'"}


def test_x_escape_in_a_double_quoted_string_is_not_decoded() -> None:
    assert repaired('["\\x41"]').data == ["\\x41"]


def test_malformed_unicode_escape_is_refused() -> None:
    refused('{"a": "\\u12G4"}')


def test_raw_control_characters_are_escaped() -> None:
    result = repaired('{"tsv": "a\tb"}')
    assert result.data == {"tsv": "a\tb"}
    assert places(result) == [("control-character", 1, 9)]
    assert result.confidence == ids.QUOTING


def test_raw_line_break_inside_a_string_that_goes_on() -> None:
    result = repaired('{"code": "def f():\n    return 1", "n": 2}')
    assert result.data == {"code": "def f():\n    return 1", "n": 2}
    assert places(result) == [("control-character", 1, 10)]
    assert result.confidence == ids.STRUCTURAL


# ---------------------------------------------------------------- unquoted keys


def test_javascript_object_keys() -> None:
    result = repaired("{name: 'app', $ref: 1, ñame: 2}")
    assert result.data == {"name": "app", "$ref": 1, "ñame": 2}
    assert [fix.rule for fix in result.fixes] == [
        "unquoted-key",
        "quotes",
        "unquoted-key",
        "unquoted-key",
    ]


def test_python_integer_keys_become_strings() -> None:
    result = repaired("{1: 'one', -2: 'minus two'}")
    assert result.data == {"1": "one", "-2": "minus two"}
    assert result.confidence == ids.GUESS


@pytest.mark.parametrize("text", ["{true: 1}", "{None: 1}", "{NaN: 1}", "{1.5: 1}"])
def test_keys_that_read_as_other_values_are_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize("text", ['{"env": production}', '{"debug": yes}', "[x]", "[fals]"])
def test_unquoted_values_are_refused(text: str) -> None:
    refused(text)


# ------------------------------------------------------------------------ literals


def test_undefined_becomes_null_with_a_fix() -> None:
    result = repaired('{"a": undefined}')
    assert result.data == {"a": None}
    assert places(result) == [("literal", 1, 7)]
    assert result.confidence == ids.LITERAL_ESCAPE


@pytest.mark.parametrize(
    ("text", "spelling", "column"),
    [
        ('{"loss": NaN}', "NaN", 10),
        ("[1, -Infinity]", "-Infinity", 5),
        ('{\n  // x\n  "t": Infinity,\n}', "Infinity", 8),
        ("{'r': nan}", "nan", 7),
        ("[+Inf]", "+Inf", 2),
    ],
)
def test_nan_and_infinity_are_refused_not_replaced(text: str, spelling: str, column: int) -> None:
    error = refused(text)
    assert isinstance(error, ParseError)
    assert not error.repairable
    assert spelling in error.message
    assert error.column == column


def test_nan_refusal_reaches_past_auto_mode() -> None:
    with pytest.raises(ParseError, match="NaN is not a finite JSON number"):
        convert('{"a": NaN,}', src="json", to="json")


def test_nan_as_text_is_fine() -> None:
    assert repaired('{"s": "NaN",}').data == {"s": "NaN"}


# ------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("spelling", "value"),
    [("+1", 1), (".5", 0.5), ("-.5", -0.5), ("5.", 5.0), ("2.e3", 2000.0), ("0x1F", 31),
     ("-0x10", -16), ("0o17", 15), ("0b101", 5), ("1_000", 1000)],
)  # fmt: skip
def test_javascript_and_python_number_spellings(spelling: str, value: Any) -> None:
    result = repaired(f'{{"n": {spelling}}}')
    assert result.data == {"n": value}
    assert type(result.data["n"]) is type(value)
    assert places(result) == [("number", 1, 7)]


def test_leading_zeros_are_ambiguous_number_or_text() -> None:
    assert readings('{"zip": 02134}') == [{"zip": 2134}, {"zip": "02134"}]


@pytest.mark.parametrize(
    "text", ["[1 000]", '{"n": 68 373 433}', "[1+2]", "[1.2.3]", "[- 1]", "[0e+]"]
)
def test_numbers_that_are_not_one_number_are_refused(text: str) -> None:
    refused(text)


# ----------------------------------------------------------- commas and colons


def test_missing_commas_between_members_on_their_own_lines() -> None:
    result = repaired('{\n  "a": 1\n  "b": "x"\n  "c": [1]\n}')
    assert result.data == {"a": 1, "b": "x", "c": [1]}
    assert places(result) == [("missing-comma", 2, 9), ("missing-comma", 3, 11)]
    assert result.confidence == ids.STRUCTURAL


def test_missing_comma_between_items() -> None:
    result = repaired('[{"a": 1}\n {"a": 2}, 3 true]')
    assert result.data == [{"a": 1}, {"a": 2}, 3, True]
    assert places(result) == [("missing-comma", 1, 10), ("missing-comma", 2, 13)]


def test_missing_colon_between_key_and_value_on_one_line() -> None:
    result = repaired('{"a" "b", "c" 1}')
    assert result.data == {"a": "b", "c": 1}
    assert places(result) == [("missing-colon", 1, 5), ("missing-colon", 1, 14)]
    assert result.confidence == ids.GUESS


def test_a_string_after_a_value_without_its_colon_is_refused() -> None:
    refused('{"a": "b" "c"}')
    refused('{"x", null}')
    refused('["": 1]')


# -------------------------------------------------------------- unterminated strings


def test_closing_quote_missing_before_a_comma_is_ambiguous() -> None:
    assert readings('{\n  "name": "Ada,\n  "role": "eng"\n}') == [
        {"name": "Ada", "role": "eng"},
        {"name": "Ada,", "role": "eng"},
    ]


def test_closing_quote_missing_at_a_line_end() -> None:
    result = repaired('{\n  "name": "Ada\n  "role": "eng"\n}')
    assert result.data == {"name": "Ada", "role": "eng"}
    assert places(result) == [("unterminated-string", 2, 11), ("missing-comma", 2, 15)]
    assert result.confidence == ids.UNTERMINATED


# -------------------------------------------------------------------- truncation


def test_truncated_output_is_closed() -> None:
    result = repaired('{"a": [1, 2')
    assert result.data == {"a": [1, 2]}
    assert places(result) == [("unclosed", 1, 12)]
    assert result.fixes[0].after == "]}"
    assert result.confidence == ids.CLOSED


@pytest.mark.parametrize(
    "text",
    [
        '{"summary": "The meeting cov',
        '{"a": 1, "b":',
        '{"a": 1, "b"',
        '{"a": 1, "b": tr',
        "[1, 2.",
        '[{"id": 1}, {"id": 2, "na',
        '[{"id": 1}, {"na',
        '["a", "',
        '{"a": "x\\u00',
        '{"tags": ["ai", "ml]}',
    ],
)
def test_input_cut_inside_a_token_is_refused(text: str) -> None:
    """A string, key or literal cut off by the end of the input is neither kept as if it
    were whole nor dropped (issue 14): what it held cannot be known."""
    refused(text)


def test_only_closers_lost_at_the_end_are_added() -> None:
    result = repaired('{"a": [1, 2], "b": "x",')
    assert result.data == {"a": [1, 2], "b": "x"}
    assert result.confidence == ids.CLOSED


@pytest.mark.parametrize("text", ["[", "{", '{"a":', '{"a": {"b": [', '{"a', "['", '"', "[tru"])
def test_truncation_with_nothing_complete_is_refused(text: str) -> None:
    refused(text)


# ---------------------------------------------------------------------- brackets


def test_array_not_closed_before_the_next_key() -> None:
    result = repaired('{"tags": ["a", "b",\n "n": 2}')
    assert result.data == {"tags": ["a", "b"], "n": 2}
    assert places(result) == [("unclosed-array", 1, 19)]
    assert result.confidence == ids.UNTERMINATED


def test_wrong_closer_with_one_meaning() -> None:
    result = repaired('{"m": [[1, 2], [3, 4]}, "n": 2}')
    assert result.data == {"m": [[1, 2], [3, 4]], "n": 2}
    assert places(result) == [("mismatched-closer", 1, 22)]
    assert result.confidence == ids.GUESS


def test_a_wrong_closer_is_not_read_as_a_cut_off_end() -> None:
    # Dropping the `]` (or reading a lost `[`) would leave the outer `{` open, as if the
    # input were cut off; it ends with its own `}`: one closer replaced is the reading.
    result = repaired('{"a": {"b": 1], "c": 2}')
    assert result.data == {"a": {"b": 1}, "c": 2}
    assert [fix.rule for fix in result.fixes] == ["mismatched-closer"]


def test_wrong_closer_with_two_meanings_is_ambiguous() -> None:
    # balanced at the end: the `]` may close nothing, stand for `}`, or close a lost `[`
    assert readings('{"a": {"b": 1], "c": 2}}') == [
        {"a": {"b": 1}, "c": 2},
        {"a": {"b": 1, "c": 2}},
        {"a": {"b": [1], "c": 2}},
    ]


def test_extra_closers_after_the_value() -> None:
    result = repaired('{"a": {"b": 1}}}\n')
    assert result.data == {"a": {"b": 1}}
    assert places(result) == [("extra-closer", 1, 16)]


@pytest.mark.parametrize("text", ["]", "1]", "{]", "[}"])
def test_closers_of_nothing_are_refused(text: str) -> None:
    refused(text)


# --------------------------------------------------------------- fences and prose


def test_fence_alone_is_cosmetic() -> None:
    result = repaired('```json\n{"a": 1}\n```\n')
    assert result.data == {"a": 1}
    assert places(result) == [("fence", 1, 1), ("fence", 3, 1)]
    assert result.confidence == ids.COSMETIC


def test_prose_around_a_fence_is_removed_with_a_fix_covering_it() -> None:
    text = 'Here it is:\n```json\n{"a": 1}\n```\nAnything else?'
    result = repaired(text)
    assert result.data == {"a": 1}
    assert places(result) == [("prose", 1, 1), ("prose", 4, 1)]
    assert result.fixes[0].before == "Here it is:\n```json\n"
    assert result.fixes[1].before == "```\nAnything else?"
    assert result.confidence == ids.STRUCTURAL


def test_prose_around_a_bare_value() -> None:
    result = repaired('Sure! Here you go: {"a": [1]} Hope it helps.')
    assert result.data == {"a": [1]}
    assert [fix.before for fix in result.fixes] == ["Sure! Here you go: ", "Hope it helps."]


def test_prose_with_a_bracket_in_it() -> None:
    assert repaired("The list [as requested]:\n[1, 2]").data == [1, 2]


def test_a_fence_truncated_inside_its_json() -> None:
    result = repaired('```json\n{"a": [1, 2,')
    assert result.data == {"a": [1, 2]}
    assert [fix.rule for fix in result.fixes] == ["fence", "unclosed"]


def test_two_code_blocks_are_ambiguous() -> None:
    text = 'Before:\n```json\n{"n": 1}\n```\nAfter:\n```json\n{"n": 2}\n```\n'
    assert readings(text) == [{"n": 1}, {"n": 2}]


def test_a_non_json_code_block_does_not_compete() -> None:
    text = '```bash\ncurl -s api\n```\n```json\n{"n": 2}\n```\n'
    assert repaired(text).data == {"n": 2}


@pytest.mark.parametrize(
    "text",
    [
        'Option A:\n{"n": 1}\nOption B:\n{"n": 2}',  # which one?
        'id: 5, data: {"x": 1}',  # members of an object missing its braces
        '"key": "v", "other": {"x": 1}',
        '<html><script>var x = {"a": 1};</script></html>',
        '{"a": 1} and then [2, 3]',
        '""x',
        "[1]x",
    ],
)
def test_text_that_may_be_data_is_never_dropped_as_prose(text: str) -> None:
    refused(text)


# ------------------------------------------------------------ concatenated values


def test_json_lines_in_a_json_file_become_a_list() -> None:
    result = repaired('{"n": 1}\n{"n": 2}\n')
    assert result.data == [{"n": 1}, {"n": 2}]
    assert places(result) == [
        ("concatenated", 1, 1),
        ("concatenated", 1, 9),
        ("concatenated", 2, 9),
    ]
    assert result.confidence == ids.STRUCTURAL


def test_values_glued_together_or_separated_by_commas() -> None:
    assert repaired("[][]").data == [[], []]
    assert repaired('{"a": 1}, {"a": 2},').data == [{"a": 1}, {"a": 2}]
    assert repaired("1\n2\n").data == [1, 2]


def test_a_truncated_last_line_of_json_lines_is_refused() -> None:
    refused('{"n": 1}\n{"n": 2, "m": tr')


@pytest.mark.parametrize("text", ["1 2", '"a" "b"', '{"a": true} "x"'])
def test_scalars_side_by_side_are_refused(text: str) -> None:
    refused(text)


# --------------------------------------------------------------- duplicate keys


def test_duplicate_keys_are_not_repaired() -> None:
    assert "duplicate key" in strict_error('{"a": 1, "a": 2}').message
    refused('{"a": 1, "a": 2}')
    error = refused('{"a": 1, "a": 2,}')  # the trailing comma is fixable, the keys are not
    assert isinstance(error, RepairRejected)
    assert "duplicate key" in error.why


# -------------------------------------------------------- the module's interface


def _error(text: str) -> StrictParseError:
    return strict_error(text)


def test_repair_returns_patched_text_with_fixes_in_the_original_coordinates() -> None:
    text = "{\n  a: 1,\n}"
    outcome = rules.repair(text, _error(text), Options())
    assert isinstance(outcome, Patched)
    assert outcome.text == '{\n  "a": 1\n}'
    assert [(fix.rule, fix.line, fix.column, fix.before, fix.after) for fix in outcome.fixes] == [
        ("unquoted-key", 2, 3, "a", '"a"'),
        ("trailing-comma", 2, 7, ",", ""),
    ]
    assert outcome.confidence == min(ids.STRUCTURAL, ids.COSMETIC)


def test_repair_returns_an_ambiguity_with_every_reading() -> None:
    text = "[007]"
    outcome = rules.repair(text, _error(text), Options())
    assert isinstance(outcome, Ambiguity)
    assert (outcome.line, outcome.column) == (1, 2)
    assert [candidate.text for candidate in outcome.candidates] == ["[7]", '["007"]']
    assert all(candidate.fixes for candidate in outcome.candidates)


def test_repair_returns_none_when_nothing_applies() -> None:
    text = "<.>"
    assert rules.repair(text, _error(text), Options()) is None


def test_too_many_readings_are_refused_rather_than_weighed() -> None:
    text = "[" + ", ".join(f"0{digit}" for digit in range(1, 8)) + "]"  # 2**7 readings
    assert rules.repair(text, _error(text), Options()) is None


def test_input_values_skip_comments_and_literals_and_decode_strings() -> None:
    text = "{// note\n 'a\\'b': [True, 12, \"x\\ty\"], key: nul} # end"
    assert [token for token, _ in rules.input_values(text)] == ["a'b", "12", "x\ty", "key", "nul"]


def test_input_values_do_not_take_apostrophes_for_quotes() -> None:
    text = "Here's Bob's data: {'a': 1}"
    tokens = [token for token, _ in rules.input_values(text)]
    assert "a" in tokens and "1" in tokens


# ------------------------------------------------------------------- robustness


_SAMPLES = [
    '{"name": "Ada", "tags": ["x", "y"], "n": 1.5, "ok": true, "none": null}',
    "{'a': [1, 2, {'b': None}], 'c': 'it\\'s'}",
    '```json\n[{"id": 1}, {"id": 2}]\n```',
    "// c\n{a: 1, /* b */ b: [0x1F, .5,],}",
]
_NOISE = list("{}[]:,\"'/*#\\\n tfn0-.eE") + ["NaN", "\u00a0", "```"]


@pytest.mark.parametrize("seed", range(40))
def test_mangled_input_never_escapes_with_a_foreign_exception(seed: int) -> None:
    generator = random.Random(seed)
    for sample in _SAMPLES:
        text = sample
        for _ in range(generator.randint(1, 4)):
            position = generator.randrange(len(text) + 1)
            if generator.random() < 0.5 and text:
                text = text[:position] + text[position + 1 :]
            else:
                text = text[:position] + generator.choice(_NOISE) + text[position:]
        try:
            result = convert(text, src="json", to="json", repair="rules")
        except StructconvError:
            continue
        assert result.repaired is None or result.fixes
        assert 0.0 < result.confidence <= 1.0


def test_large_input_with_one_flaw_is_repaired_quickly() -> None:
    import time

    body = ",\n".join(f'  {{"id": {number}, "name": "user {number}"}}' for number in range(20000))
    text = "[\n" + body + ",\n]"
    started = time.perf_counter()
    outcome = rules.repair(text, _error(text[:100]), Options())
    assert isinstance(outcome, Patched)
    assert [fix.rule for fix in outcome.fixes] == ["trailing-comma"]
    assert time.perf_counter() - started < 5


def test_a_model_answer_key_taken_from_prose_around_the_json_does_not_line_up() -> None:
    text = 'Option A:\n{"plan": "basic"}\nOption B:\n{"plan": "pro"}\n'
    labelled = {"Option A": {"plan": "basic"}, "Option B": {"plan": "pro"}}
    assert rules.answer_lines_up(text, labelled) == (
        "the answer's key 'Option A' stands outside every bracket of the input: "
        "text around the data, not a key of it"
    )
    # Keys inside brackets, also after an unclosed quote or a bracket too many.
    assert (
        rules.answer_lines_up("{plan: basic, 'note: x\n, price: 2}", {"plan": 1, "price": 2})
        is None
    )
    assert rules.answer_lines_up('{"a": [1}, "b": 2}', {"a": [1], "b": 2}) is None
    assert rules.answer_lines_up('[{"a": "Option: {x}"}]', [{"a": "Option: {x}"}]) is None


def test_a_closer_line_pasted_twice_is_removed() -> None:
    result = repaired('{\n  "deps": {\n    "a": "1"\n  },\n  },\n  "engines": {"node": "18"}\n}\n')
    assert result.data == {"deps": {"a": "1"}, "engines": {"node": "18"}}
    assert [(fix.rule, fix.line) for fix in result.fixes] == [("duplicated-closer", 5)]
