"""TOML repair rules (structconv.repair.rules.toml), one group of tests per rule.

The inputs are the shapes people write in pyproject.toml, Cargo.toml, Hugo and
Netlify configs when they think in YAML or INI. Each test checks the exact data, the
exact fixes (rule, line, column) and the confidence, or that the rules refuse.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from structconv import AmbiguousInput, ParseError, RepairRejected, convert
from structconv.fixes import Ambiguity
from structconv.formats import toml as toml_format
from structconv.options import Options
from structconv.repair.rules import Patched
from structconv.repair.rules import toml as rules
from structconv.result import Result


def repaired(text: str, **settings: Any) -> Result:
    return convert(text, src="toml", to="json", repair="rules", **settings)


def where(result: Result) -> list[tuple[str, int, int]]:
    return [(fix.rule, fix.line, fix.column) for fix in result.fixes]


def outcome(text: str) -> Any:
    """What the rules module itself returns for `text` (which must not parse)."""
    with pytest.raises(ParseError) as raised:
        toml_format.loads(text, Options())
    return rules.repair(text, raised.value, Options())


def refused(text: str) -> None:
    with pytest.raises((ParseError, RepairRejected)):
        repaired(text)


# ---------------------------------------------------------------- colon-separator


def test_yaml_style_colons_become_equals_signs() -> None:
    text = '[tool.poetry]\nname: "structconv"\nversion : "0.3.0"\n'
    result = repaired(text)
    assert result.data == {"tool": {"poetry": {"name": "structconv", "version": "0.3.0"}}}
    assert where(result) == [("colon-separator", 2, 5), ("colon-separator", 3, 9)]
    assert [fix.after for fix in result.fixes] == [" =", "="]
    assert result.confidence == 0.95


def test_a_colon_with_nothing_after_it_opens_a_yaml_block_and_is_refused() -> None:
    refused("[build]\ncommand: make\nenvironment:\n  NODE_VERSION: 18\n")


# ---------------------------------------------------------------- bare-string


def test_an_unquoted_value_is_quoted_to_the_end_of_the_line_before_a_comment() -> None:
    result = repaired('title = My Hugo Site  # shown in the header\nbaseURL = "https://x.org/"\n')
    assert result.data == {"title": "My Hugo Site", "baseURL": "https://x.org/"}
    assert where(result) == [("bare-string", 1, 9)]
    assert result.fixes[0].before == "My Hugo Site"
    assert result.fixes[0].after == '"My Hugo Site"'
    assert result.confidence == 0.9


def test_colon_then_unquoted_value_is_two_fixes_on_one_line() -> None:
    result = repaired("[params]\nauthor: Ada Lovelace\nurl: https://example.org/?page=1\n")
    assert result.data == {
        "params": {"author": "Ada Lovelace", "url": "https://example.org/?page=1"}
    }
    assert where(result) == [
        ("colon-separator", 2, 7),
        ("bare-string", 2, 9),
        ("colon-separator", 3, 4),
        ("bare-string", 3, 6),
    ]
    assert result.confidence == 0.9


def test_unquoted_items_of_arrays_and_inline_tables_are_quoted_one_by_one() -> None:
    text = 'keywords = [toml, "yaml", json]\nauthor = {name = Ada, email = "ada@x.org"}\n'
    result = repaired(text)
    assert result.data == {
        "keywords": ["toml", "yaml", "json"],
        "author": {"name": "Ada", "email": "ada@x.org"},
    }
    assert where(result) == [("bare-string", 1, 13), ("bare-string", 1, 27), ("bare-string", 2, 18)]


def test_a_multiline_array_of_unquoted_words() -> None:
    result = repaired("exclude = [\n  build,\n  dist,\n]\n")
    assert result.data == {"exclude": ["build", "dist"]}
    assert where(result) == [("bare-string", 2, 3), ("bare-string", 3, 3)]


def test_versions_and_addresses_are_strings() -> None:
    result = repaired("version = 1.2.3\nhost = 127.0.0.1\nrust-version = 1.70.0-beta.2\n")
    assert result.data == {"version": "1.2.3", "host": "127.0.0.1", "rust-version": "1.70.0-beta.2"}
    assert [fix.rule for fix in result.fixes] == ["bare-string"] * 3


def test_a_string_that_begins_with_a_boolean_word_is_quoted_whole() -> None:
    result = repaired("title = true story\n")
    assert result.data == {"title": "true story"}
    assert where(result) == [("bare-string", 1, 9)]
    assert result.confidence == 0.85


@pytest.mark.parametrize(
    "value",
    [
        "80a",  # a mistyped port
        "30s",  # a duration: a number and a unit, or a typo?
        "1,000",
        "2024-1-5",  # a date with one-digit month
        "10:30:",  # a time with a stray colon
        "+1 555 0100",
        "-",
        "fals",  # a mistyped boolean
        "ture",
        "trUe",
        "tr",
        "in",  # an incomplete inf
        "na_n",
        "null",  # TOML has no null
        "None",
        "~",
        "#fff",  # in TOML, a comment: the value is missing
        'Ada"',  # a missing opening quote
        "a = 1",  # two statements run together
        "b=1",
    ],
)
def test_values_that_may_be_mistyped_numbers_dates_or_booleans_are_refused(value: str) -> None:
    refused(f"key = {value}\n")


def test_the_yaml_and_python_boolean_spellings_give_two_readings() -> None:
    ambiguity = outcome("[features]\ndebug = True\n")
    assert isinstance(ambiguity, Ambiguity)
    assert (ambiguity.line, ambiguity.column) == (2, 9)
    texts = [candidate.text for candidate in ambiguity.candidates]
    assert texts == ["[features]\ndebug = true\n", '[features]\ndebug = "True"\n']
    assert [fix.rule for candidate in ambiguity.candidates for fix in candidate.fixes] == [
        "boolean-spelling",
        "bare-string",
    ]
    with pytest.raises(AmbiguousInput) as raised:
        repaired("[features]\ndebug = True\n")
    readings = [candidate.data for candidate in raised.value.ambiguity.candidates]
    assert readings == [{"features": {"debug": True}}, {"features": {"debug": "True"}}]


@pytest.mark.parametrize("spelling", ["yes", "No", "OFF", "on", "FALSE"])
def test_every_yaml_boolean_spelling_is_ambiguous(spelling: str) -> None:
    with pytest.raises(AmbiguousInput):
        repaired(f"enabled = {spelling}\n")


# ---------------------------------------------------------------- inline tables


def test_a_time_without_seconds_is_toml_1_1_and_refused_in_toml_1_0() -> None:
    assert repaired("key = 10:30\n").data == {"key": "10:30:00"}
    with pytest.raises(ParseError, match=r"valid TOML 1\.1"):
        repaired("key = 10:30\n", toml_version="1.0")


# Newlines, comments and trailing commas in inline tables are TOML 1.1: the rules below
# repair them for TOML 1.0 (toml_version="1.0"), and TOML 1.1 reads them as they are.
SPREAD_INLINE_TABLES = [
    '[dependencies]\nserde = { version = "1.0", features = ["derive"], }\n',
    'authors = [\n  { name = "Ada",\n    email = "ada@x.org" },\n]\n',
    "point = {\n  x = 1, # across\n  y = 2,\n}\n",
]


@pytest.mark.parametrize("text", SPREAD_INLINE_TABLES)
def test_toml_1_1_reads_spread_inline_tables_without_repair(text: str) -> None:
    assert repaired(text).fixes == ()


def test_a_trailing_comma_in_an_inline_table_is_removed() -> None:
    result = repaired(SPREAD_INLINE_TABLES[0], toml_version="1.0")
    assert result.data == {"dependencies": {"serde": {"version": "1.0", "features": ["derive"]}}}
    assert where(result) == [("inline-table-trailing-comma", 2, 49)]
    assert result.fixes[0].before == ","
    assert result.confidence == 0.99


def test_an_inline_table_over_several_lines_is_joined() -> None:
    result = repaired(SPREAD_INLINE_TABLES[1], toml_version="1.0")
    assert result.data == {"authors": [{"name": "Ada", "email": "ada@x.org"}]}
    assert where(result) == [("inline-table-lines", 2, 18)]
    assert result.fixes[0].before == "\n    "
    assert result.fixes[0].after == " "
    assert result.confidence == 0.95


def test_comments_inside_a_spread_inline_table_are_removed() -> None:
    result = repaired(SPREAD_INLINE_TABLES[2], toml_version="1.0")
    assert result.data == {"point": {"x": 1, "y": 2}}
    assert {fix.rule for fix in result.fixes} <= {
        "inline-table-lines",
        "inline-table-trailing-comma",
        "inline-table-lines+inline-table-trailing-comma",
    }
    assert "# across" in "".join(fix.before for fix in result.fixes)


# ---------------------------------------------------------------- duplicate-table


def test_a_table_declared_twice_is_merged_into_the_first() -> None:
    text = '[server]\nhost = "0.0.0.0"\n\n[server.tls]\nenabled = true\n\n[server]\nport = 8080\n'
    result = repaired(text)
    assert result.data == {"server": {"host": "0.0.0.0", "port": 8080, "tls": {"enabled": True}}}
    assert where(result) == [("duplicate-table", 3, 1), ("duplicate-table", 7, 1)]
    assert result.fixes[0].after == "port = 8080\n"
    assert result.fixes[1].before == "[server]\nport = 8080\n"
    assert result.repaired == (
        '[server]\nhost = "0.0.0.0"\nport = 8080\n\n[server.tls]\nenabled = true\n\n'
    )
    assert result.confidence == 0.9


def test_a_key_both_tables_set_to_the_same_value_is_dropped_from_the_second() -> None:
    text = '[tool.black]\nline-length = 100\n[tool.ruff]\nline-length = 100\n[tool.black]\nline-length = 100\ntarget-version = ["py311"]\n'
    result = repaired(text)
    assert result.data == {
        "tool": {
            "black": {"line-length": 100, "target-version": ["py311"]},
            "ruff": {"line-length": 100},
        }
    }
    assert "line-length dropped" in result.fixes[-1].message


def test_a_key_the_two_tables_set_to_different_values_is_a_conflict() -> None:
    refused("[server]\nport = 80\n[server]\nport = 8080\n")


def test_an_array_of_tables_is_not_merged() -> None:
    refused('[[bin]]\nname = "a"\n[bin]\nname = "b"\n')


# ---------------------------------------------------------------- table headers


def test_a_table_header_missing_its_bracket_is_closed() -> None:
    result = repaired('[tool.pytest.ini_options  # tests\naddopts = "-ra"\n')
    assert result.data == {"tool": {"pytest": {"ini_options": {"addopts": "-ra"}}}}
    assert where(result) == [("table-header-bracket", 1, 25)]
    assert result.fixes[0].after == "]"
    assert result.confidence == 0.95


def test_an_array_of_tables_header_missing_a_bracket_is_a_choice() -> None:
    # One `]` lost, or one `[` too many: an array of tables and a table differ.
    with pytest.raises(AmbiguousInput) as raised:
        repaired('[[bin]\nname = "cli"\n')
    assert [candidate.data for candidate in raised.value.ambiguity.candidates] == [
        {"bin": [{"name": "cli"}]},
        {"bin": {"name": "cli"}},
    ]


def test_a_header_with_more_after_the_name_is_refused() -> None:
    refused("[server port = 80\n")


def test_an_ini_section_name_with_spaces_is_quoted() -> None:
    result = repaired("[Build Settings]\nthreads = 4\n")
    assert result.data == {"Build Settings": {"threads": 4}}
    assert where(result) == [("table-name-spaces", 1, 2)]
    assert result.fixes[0].after == '"Build Settings"'


def test_a_key_with_spaces_is_quoted() -> None:
    result = repaired('first name = "Ada"\n')
    assert result.data == {"first name": "Ada"}
    assert where(result) == [("key-with-spaces", 1, 1)]
    assert result.confidence == 0.9


def test_an_ini_semicolon_comment_becomes_a_toml_comment() -> None:
    result = repaired("; generated by setup.py\n[metadata]\nname = 'pkg'\n")
    assert result.data == {"metadata": {"name": "pkg"}}
    assert where(result) == [("ini-comment", 1, 1)]
    assert result.confidence == 0.99


# ---------------------------------------------------------------- quotes inside strings


def test_an_apostrophe_in_a_literal_string_makes_it_a_basic_string() -> None:
    result = repaired("description = 'Ada's toolkit'  # short\n")
    assert result.data == {"description": "Ada's toolkit"}
    assert where(result) == [("quote-in-literal-string", 1, 15)]
    assert result.fixes[0].after == '"Ada\'s toolkit"'
    assert result.confidence == 0.9


def test_a_quotation_inside_a_basic_string_is_escaped() -> None:
    result = repaired('summary = "The "fast" converter"\n')
    assert result.data == {"summary": 'The "fast" converter'}
    assert where(result) == [("quote-in-basic-string", 1, 11)]
    assert result.confidence == 0.85


@pytest.mark.parametrize(
    "line",
    ['first = "Tom" last = "Preston-Werner"', 'pair = "first" "second"', "pair = 'a' 'b'"],
)
def test_two_values_run_together_are_not_merged_into_one_string(line: str) -> None:
    refused(line + "\n")


# ---------------------------------------------------------------- windows-path


def test_a_windows_path_in_a_basic_string_becomes_a_literal_string() -> None:
    result = repaired('[paths]\ndata = "C:\\Users\\ada\\data"\n')
    assert result.data == {"paths": {"data": "C:\\Users\\ada\\data"}}
    assert where(result) == [("windows-path", 2, 8)]
    assert result.fixes[0].after == "'C:\\Users\\ada\\data'"
    assert result.confidence == 0.9


def test_a_path_with_an_apostrophe_keeps_a_basic_string_with_escaped_backslashes() -> None:
    result = repaired('dir = "D:\\Ada\'s files\\x"\n')
    assert result.data == {"dir": "D:\\Ada's files\\x"}
    assert result.fixes[0].after == '"D:\\\\Ada\'s files\\\\x"'


def test_a_path_that_also_holds_a_valid_escape_has_two_readings() -> None:
    ambiguity = outcome('log = "C:\\temp\\x.log"\n')
    assert isinstance(ambiguity, Ambiguity)
    assert [candidate.text for candidate in ambiguity.candidates] == [
        "log = 'C:\\temp\\x.log'\n",
        'log = "C:\\temp\\\\x.log"\n',
    ]


def test_a_unc_path_has_two_readings() -> None:
    ambiguity = outcome('share = "\\\\server\\share"\n')
    assert isinstance(ambiguity, Ambiguity)
    data = [toml_format.loads(candidate.text, Options()) for candidate in ambiguity.candidates]
    assert data == [{"share": "\\\\server\\share"}, {"share": "\\server\\share"}]


# ---------------------------------------------------------------- the pass loop


def test_fixes_point_at_the_original_text_after_earlier_passes_changed_it() -> None:
    text = 'name: demo\nedition = 2021\n[lib\npath = "src/lib.rs"\n'
    result = repaired(text)
    assert result.data == {"name": "demo", "edition": 2021, "lib": {"path": "src/lib.rs"}}
    assert where(result) == [
        ("colon-separator", 1, 5),
        ("bare-string", 1, 7),
        ("table-header-bracket", 3, 5),
    ]
    assert result.confidence == 0.9


def test_more_problems_than_the_pass_limit_are_refused_quickly() -> None:
    text = "".join(f"key{number}: value{number}\n" for number in range(150))
    patched = outcome(text)
    assert patched is None


def test_a_problem_no_rule_knows_keeps_the_original_error() -> None:
    with pytest.raises(ParseError) as raised:
        repaired("name = 1\nname = 2\n")
    assert raised.value.line == 2
    assert "no repair rule applies" in raised.value.hint


def test_rules_give_only_their_own_outcomes_on_damaged_documents() -> None:
    document = (
        "[project]\n"
        'name = "demo"\n'
        'authors = [{ name = "Ada", email = "ada@x.org" }]\n'
        'dependencies = ["tomli>=2", "lxml"]\n'
        "[tool.ruff]\n"
        "line-length = 100\n"
        'paths = { src = "C:/src", out = "build" }\n'
    )
    generator = random.Random(7)
    for _ in range(400):
        position = generator.randrange(len(document))
        damage = generator.choice(["", ":", "'", '"', "\\", "[", "}", ",", "=", "\n", " x "])
        broken = document[:position] + damage + document[position + generator.randint(0, 2) :]
        try:
            toml_format.loads(broken, Options())
        except ParseError as error:
            result = rules.repair(broken, error, Options())
            assert result is None or isinstance(result, Patched | Ambiguity)
            if isinstance(result, Patched):
                assert result.fixes and 0 < result.confidence < 1


# ---------------------------------------------------------------- input_values


def test_input_values_skip_comments_and_split_dotted_keys() -> None:
    text = '; ini comment\n[tool.ruff] # trailing\nline-length = 100\nname = "a.b"\n'
    assert list(rules.input_values(text)) == [
        ("tool", 15),
        ("ruff", 20),
        ("line-length", 37),
        ("100", 51),
        ("name", 55),
        ("a.b", 62),
    ]


def test_one_choice_covers_every_boolean_spelling_of_a_file() -> None:
    text = "".join(
        f"flag{number} = {spelling}\n" for number, spelling in enumerate(["True", "yes", "Off"] * 4)
    )
    ambiguity = outcome(text)
    assert isinstance(ambiguity, Ambiguity)
    assert ambiguity.message == "'True' is no TOML boolean: the boolean true, or the string 'True'?"
    data = [toml_format.loads(candidate.text, Options()) for candidate in ambiguity.candidates]
    assert [set(map(type, reading.values())) for reading in data] == [{bool}, {str}]


def test_a_model_answer_keeps_every_value_under_the_table_and_key_the_input_writes() -> None:
    text = '[profile.release]\nlto = true\ncodegen-units = 1\n\n[profile.release]\nlto = "thin"\n'
    moved = {"profile": {"lto": "thin", "release": {"lto": True, "codegen-units": 1}}}
    assert rules.answer_lines_up(text, moved) == (
        "the answer puts a value at profile.lto, a key path the input does not write "
        "(table header and key)"
    )
    # A YAML block inside TOML: `environment:` holds no TOML value to nest under.
    yaml_block = "[build]\ncommand: npm run build\nenvironment:\n  NODE_VERSION: 18\n"
    nested = {"build": {"command": "npm run build", "environment": {"NODE_VERSION": 18}}}
    assert rules.answer_lines_up(yaml_block, nested) is not None


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ('[server\nhost = "a"\n', {"server": {"host": "a"}}),  # a header missing its ]
        (
            '[[items]]\nname = "a"\n[[items]]\nname = "b"\n',
            {"items": [{"name": "a"}, {"name": "b"}]},
        ),
        (
            "a.b = 1\n[c]\nd = {e = 1, f = [2, 3]}\n",
            {"a": {"b": 1}, "c": {"d": {"e": 1, "f": [2, 3]}}},
        ),
        ("m = [\n  [1, 2],\n  [3],\n]\n[t]\nx = 1\n", {"m": [[1, 2], [3]], "t": {"x": 1}}),
        ('s = """\n[not.a.header]\n"""\n[t]\nx = 1\n', {"s": "[not.a.header]\n", "t": {"x": 1}}),
        ('first name = "Ada"\n["my table"]\nk: 1\n', {"first name": "Ada", "my table": {"k": 1}}),
        ("[empty]\n", {"empty": {}}),
    ],
)
def test_a_model_answer_with_the_inputs_key_paths_lines_up(text: str, data: Any) -> None:
    assert rules.answer_lines_up(text, data) is None


# --- a string missing its closing quote, an array missing its `]` (issue 14) ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "Ada Lovelace\nversion = "1.0"\n', {"name": "Ada Lovelace", "version": "1.0"}),
        ("name = 'Ada\nx = 1\n", {"name": "Ada", "x": 1}),
        ('[p]\nname = "x\n', {"p": {"name": "x"}}),
    ],
)
def test_a_string_missing_its_closing_quote_is_closed_at_the_line_end(
    text: str, expected: dict[str, Any]
) -> None:
    result = repaired(text)
    assert result.data == expected
    assert [fix.rule for fix in result.fixes] == ["unterminated-string"]


def test_a_hash_in_an_unclosed_string_is_a_choice() -> None:
    with pytest.raises(AmbiguousInput) as raised:
        repaired('b = "see # 5\nc = 1\n')
    assert [candidate.data["b"] for candidate in raised.value.ambiguity.candidates] == [
        "see",
        "see # 5",
    ]


def test_a_string_the_file_stops_in_is_not_closed() -> None:
    with pytest.raises(ParseError):
        repaired('[p]\nname = "x')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('deps = ["a", "b"\nversion = "1"\n', {"deps": ["a", "b"], "version": "1"}),
        (
            'deps = [\n  "a",\n  "b",  # last\n\n[tool.x]\ny = 1\n',
            {"deps": ["a", "b"], "tool": {"x": {"y": 1}}},
        ),
    ],
)
def test_an_array_missing_its_bracket_is_closed_after_its_last_item(
    text: str, expected: dict[str, Any]
) -> None:
    result = repaired(text)
    assert result.data == expected
    assert [fix.rule for fix in result.fixes] == ["unclosed-array"]


def test_an_array_the_file_ends_in_is_not_closed() -> None:
    with pytest.raises(ParseError):
        repaired("a = [1, 2\n")


@pytest.mark.parametrize(
    "text",
    ['features = ["std", "meta" "nfa"]\n', 'include = [\n  "a.rs"\n  "b.rs",\n]\nx = 1\n'],
)
def test_an_array_item_missing_its_comma_gets_it(text: str) -> None:
    result = repaired(text)
    assert [fix.rule for fix in result.fixes] == ["array-missing-comma"]
    assert next(iter(result.data.values()))[-2:] in (["meta", "nfa"], ["a.rs", "b.rs"])
