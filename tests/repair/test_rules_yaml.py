"""The YAML repair rules, one group per rule, on the shapes people actually break.

Each test states the exact data, the exact fixes (rule, line, column) and the confidence,
or the refusal: an Ambiguity with its readings, or no repair at all.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from structconv import AmbiguousInput, ParseError, convert
from structconv.fixes import Ambiguity, Fix
from structconv.formats.yaml import CODEC
from structconv.options import Options
from structconv.repair.rules import Patched
from structconv.repair.rules import yaml as rules
from structconv.repair.rules.yaml import ids


def strict_error(text: str, **settings: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        CODEC.loads(text, Options(**settings))
    return caught.value


def outcome(text: str, **settings: Any) -> Patched | Ambiguity | None:
    """What the rules make of text the strict reader refuses."""
    return rules.repair(text, strict_error(text, **settings), Options(**settings))


def repaired(text: str) -> tuple[Any, tuple[Fix, ...], float]:
    """Data, fixes and confidence after the whole pipeline (rules, reread, validation)."""
    result = convert(text, src="yaml", to="json", repair="rules")
    return json.loads(result.text), result.fixes, result.confidence


def places(fixes: tuple[Fix, ...]) -> list[tuple[str, int, int]]:
    return [(fix.rule, fix.line, fix.column) for fix in fixes]


def readings(text: str) -> list[Any]:
    """The data of every reading of ambiguous input (the pipeline reads each candidate)."""
    with pytest.raises(AmbiguousInput) as raised:
        convert(text, src="yaml", to="json", repair="rules")
    return [candidate.data for candidate in raised.value.ambiguity.candidates]


# ------------------------------------------------------------------ tab-indentation


def test_a_file_indented_with_tabs_gets_two_spaces_per_tab() -> None:
    text = "services:\n\tweb:\n\t\timage: nginx\n\t\tports:\n\t\t\t- '80:80'\n"
    data, fixes, confidence = repaired(text)
    assert data == {"services": {"web": {"image": "nginx", "ports": ["80:80"]}}}
    assert places(fixes) == [("tab-indentation", line, 1) for line in (2, 3, 4, 5)]
    assert [(fix.before, fix.after) for fix in fixes] == [
        ("\t", "  "),
        ("\t\t", "    "),
        ("\t\t", "    "),
        ("\t\t\t", "      "),
    ]
    assert confidence == ids.NEAR_CERTAIN


def test_a_tab_line_in_a_four_space_file_takes_the_files_unit() -> None:
    text = "server:\n    host: 0.0.0.0\n\tport: 8080\n"
    data, fixes, _ = repaired(text)
    assert data == {"server": {"host": "0.0.0.0", "port": 8080}}
    assert [(fix.rule, fix.line, fix.before, fix.after) for fix in fixes] == [
        ("tab-indentation", 3, "\t", "    ")
    ]


def test_a_tab_indented_block_scalar_keeps_the_tabs_after_its_indentation() -> None:
    text = "build:\n\tscript: |\n\t\tif true; then\n\t\t\techo ok\n\t\tfi\n"
    data, fixes, _ = repaired(text)
    assert data == {"build": {"script": "if true; then\n\techo ok\nfi\n"}}
    assert [fix.line for fix in fixes] == [2, 3, 4, 5]
    assert fixes[2].before == "\t\t" and fixes[2].after == "    "  # the content tab stays


def test_tabs_that_are_block_scalar_content_are_not_touched() -> None:
    text = "make: |\n  all:\n  \tgo build\nbad:\n\tx: 1\n"
    data, fixes, _ = repaired(text)
    assert data == {"make": "all:\n\tgo build\n", "bad": {"x": 1}}
    assert places(fixes) == [("tab-indentation", 5, 1)]


def test_tab_widths_that_give_different_structures_are_ambiguous() -> None:
    # A space-indented compose file with lines pasted in tabs: a tab as 2 columns makes
    # "ports" a service of its own, as 4 a field of "web".
    text = "services:\n  web:\n    image: nginx\n\tports:\n\t\t- '80:80'\n"
    found = outcome(text)
    assert isinstance(found, Ambiguity)
    assert (found.line, found.column) == (4, 1)
    assert [candidate.description for candidate in found.candidates] == [
        "tabs read as 2 columns",
        "tabs read as 4 columns",
    ]
    assert readings(text) == [
        {"services": {"web": {"image": "nginx"}, "ports": ["80:80"]}},
        {"services": {"web": {"image": "nginx", "ports": ["80:80"]}}},
    ]


def test_a_tab_after_the_colon_becomes_a_space() -> None:
    text = "jobs:\n  lint:\n    runs-on:\tubuntu-latest\n    timeout-minutes:\t10\n"
    data, fixes, confidence = repaired(text)
    assert data == {"jobs": {"lint": {"runs-on": "ubuntu-latest", "timeout-minutes": 10}}}
    assert places(fixes) == [("tab-separator", 3, 13), ("tab-separator", 4, 21)]
    assert confidence == ids.COSMETIC


# ------------------------------------------------------------------ duplicate-key


def test_a_key_repeated_with_the_same_value_is_a_cosmetic_fix() -> None:
    text = "metadata:\n  labels:\n    app: web\n    tier: frontend\n    app: web\n"
    data, fixes, confidence = repaired(text)
    assert data == {"metadata": {"labels": {"tier": "frontend", "app": "web"}}}
    assert places(fixes) == [("duplicate-key", 3, 1)]
    assert fixes[0].before == "    app: web\n"
    assert confidence == ids.COSMETIC


def test_a_key_repeated_with_another_value_is_refused() -> None:
    # Which value is meant is unknown; keeping either would drop the other (issue 14).
    text = (
        "resources:\n  limits:\n    cpu: 250m\n    memory: 256Mi\n"
        "service:\n  port: 80\n"
        "resources:\n  limits:\n    cpu: 500m\n"
    )
    with pytest.raises(ParseError):
        convert(text, src="yaml", to="json", repair="rules")


def test_a_duplicate_on_a_list_items_first_line_keeps_the_dash() -> None:
    text = "steps:\n  - name: Build\n    name: Build\n    run: make\n"
    data, fixes, _ = repaired(text)
    assert data == {"steps": [{"name": "Build", "run": "make"}]}
    assert places(fixes) == [("duplicate-key", 2, 5)]
    assert fixes[0].before == "name: Build\n    "


def test_a_duplicate_in_a_flow_mapping() -> None:
    data, fixes, _ = repaired("labels: {app: api, tier: db, app: api}\n")
    assert data == {"labels": {"tier": "db", "app": "api"}}
    assert [(fix.line, fix.column, fix.before) for fix in fixes] == [(1, 10, "app: api, ")]


def test_every_duplicate_goes_in_one_pass_and_a_comment_above_the_next_key_stays() -> None:
    text = "a: 3\n# about b\nb: 3\na: 3\nb: 3\na: 3\n"
    result = convert(text, src="yaml", to="json", repair="rules")
    assert json.loads(result.text) == {"b": 3, "a": 3}
    # The removals of lines 3 and 4 touch, so they come out as one Fix.
    assert [(fix.line, fix.before) for fix in result.fixes] == [
        (1, "a: 3\n"),
        (3, "b: 3\na: 3\n"),
    ]
    assert result.repaired == "# about b\nb: 3\na: 3\n"


# ------------------------------------------------------------------ unescaped-quote


def test_an_apostrophe_inside_single_quotes_is_doubled() -> None:
    data, fixes, confidence = repaired("example: 'The user's token has expired'\n")
    assert data == {"example": "The user's token has expired"}
    assert places(fixes) == [("unescaped-quote", 1, 11)]
    assert fixes[0].after == "The user''s token has expired"
    assert confidence == ids.CLOSED


def test_double_quotes_inside_double_quotes_are_escaped() -> None:
    data, fixes, _ = repaired('msg: "He said "hi" to me"  # greeting\n')
    assert data == {"msg": 'He said "hi" to me'}
    assert [fix.after for fix in fixes] == ['He said \\"hi\\" to me']


def test_a_comment_that_ends_with_the_quote_may_be_part_of_the_value() -> None:
    # A test pair the rules read wrong: `# temp"` was taken as a comment, and lost.
    text = 'app_env:\n  mode: prod\n  remark: "label "beta" # temp"\n'
    assert readings(text) == [
        {"app_env": {"mode": "prod", "remark": 'label "beta" # temp'}},
        {"app_env": {"mode": "prod", "remark": 'label "beta'}},
    ]
    # A comment that does not end with the quote stays a comment.
    data, _, _ = repaired('remark: "a "b" c" # note\n')
    assert data == {"remark": 'a "b" c'}


# ------------------------------------------------------------------ unclosed-quote


def test_an_unclosed_quote_is_closed_at_the_end_of_its_line() -> None:
    text = 'ja:\n  settings:\n    title: "設定\n    save: 保存\n'
    data, fixes, confidence = repaired(text)
    assert data == {"ja": {"settings": {"title": "設定", "save": "保存"}}}
    assert places(fixes) == [("unclosed-quote", 3, 15)]
    assert fixes[0].after == '"'
    assert confidence == ids.CLOSED


def test_an_unclosed_quote_runs_on_over_its_indented_continuation() -> None:
    text = 'description: "Settings for the checkout,\n  shared by two pods\nname: x\n'
    data, fixes, _ = repaired(text)
    assert data == {"description": "Settings for the checkout, shared by two pods", "name": "x"}
    assert places(fixes) == [("unclosed-quote", 2, 21)]


def test_a_legitimate_multi_line_quote_before_the_broken_one_is_left_alone() -> None:
    data, fixes, _ = repaired("a: 'multi\n  line'\nb: 'oops\nc: 1\n")
    assert data == {"a": "multi line", "b": "oops", "c": 1}
    assert places(fixes) == [("unclosed-quote", 3, 9)]


def test_an_unclosed_quote_holding_a_hash_is_ambiguous() -> None:
    text = 'name: "Release #42\non: push\n'
    found = outcome(text)
    assert isinstance(found, Ambiguity)
    assert (found.line, found.column) == (1, 7)
    assert readings(text) == [
        {"name": "Release #42", "on": "push"},
        {"name": "Release", "on": "push"},
    ]


def test_a_quote_cut_off_by_the_end_of_the_file_is_refused() -> None:
    assert outcome('kind: Secret\ndata:\n  token: "eyJhbGciOi') is None
    with pytest.raises(ParseError):
        convert('kind: Secret\ndata:\n  token: "eyJhbGciOi', src="yaml", to="json", repair="rules")


# ------------------------------------------------------------------ unclosed-flow


def test_an_unclosed_flow_list_is_closed_at_the_end_of_its_line() -> None:
    text = "args: ['--port', '8080'  # the port\nimage: api\n"
    data, fixes, confidence = repaired(text)
    assert data == {"args": ["--port", "8080"], "image": "api"}
    assert places(fixes) == [("unclosed-flow", 1, 24)]
    assert fixes[0].after == "]"
    assert confidence == ids.CLOSED


def test_nested_open_collections_are_closed_innermost_first() -> None:
    data, fixes, _ = repaired("k: [a, {b: 1\nc: 2\n")
    assert data == {"k": ["a", {"b": 1}], "c": 2}
    assert [fix.after for fix in fixes] == ["}]"]


def test_a_multi_line_flow_list_is_closed_after_its_last_indented_line() -> None:
    text = "command: [\n  npm,\n  start\nenv: prod\n"
    data, fixes, _ = repaired(text)
    assert data == {"command": ["npm", "start"], "env": "prod"}
    assert places(fixes) == [("unclosed-flow", 3, 8)]


@pytest.mark.parametrize(
    "text",
    [
        "db: {host: db1, port:\nother: 1\n",  # a key without its value: closing invents a null
        "db: {host: db1, port\nother: 1\n",
        "tags: [a, b",  # cut off by the end of the file
    ],
)
def test_unclosed_flows_that_would_invent_or_hide_data_are_refused(text: str) -> None:
    assert outcome(text) is None


# ------------------------------------------------------------------ quote-value


def test_a_value_holding_colon_space_is_quoted_as_written() -> None:
    text = "steps:\n  - name: Build: linux amd64\n    run: make\n"
    data, fixes, confidence = repaired(text)
    assert data == {"steps": [{"name": "Build: linux amd64", "run": "make"}]}
    assert places(fixes) == [("quote-value", 2, 11)]
    assert (fixes[0].before, fixes[0].after) == ("Build: linux amd64", "'Build: linux amd64'")
    assert confidence == ids.NEAR_CERTAIN


def test_a_shell_command_with_double_quotes_gets_single_quotes() -> None:
    text = 'command: bash -c "echo waiting: db"\n'
    data, fixes, _ = repaired(text)
    assert data == {"command": 'bash -c "echo waiting: db"'}
    assert fixes[0].after == "'bash -c \"echo waiting: db\"'"


def test_a_value_with_an_apostrophe_gets_double_quotes() -> None:
    data, fixes, _ = repaired("msg: Don't panic: it's fine\n")
    assert data == {"msg": "Don't panic: it's fine"}
    assert fixes[0].after == "\"Don't panic: it's fine\""


def test_a_value_with_both_quotes_and_a_backslash_doubles_its_apostrophes() -> None:
    data, fixes, _ = repaired('re: it\'s "x": \\d+\n')
    assert data == {"re": 'it\'s "x": \\d+'}
    assert fixes[0].after == "'it''s \"x\": \\d+'"


def test_a_value_ending_with_a_colon_is_quoted() -> None:
    data, fixes, _ = repaired("label: Error:\n")
    assert data == {"label": "Error:"}
    assert places(fixes) == [("quote-value", 1, 8)]


@pytest.mark.parametrize(
    ("text", "expected", "column"),
    [
        ("name: @acme/ui\n", {"name": "@acme/ui"}, 7),
        ("types:\n  - @types/node\n", {"types": ["@types/node"]}, 5),
        ("cmd: `date`\n", {"cmd": "`date`"}, 6),
    ],
)
def test_a_value_starting_with_a_reserved_character_is_quoted(
    text: str, expected: Any, column: int
) -> None:
    data, fixes, _ = repaired(text)
    assert data == expected
    assert [(fix.rule, fix.column) for fix in fixes] == [("quote-value", column)]


def test_a_multi_line_plain_value_is_quoted_over_all_its_lines() -> None:
    text = "summary: Returns: the list\n  of users\nnext: 1\n"
    data, fixes, _ = repaired(text)
    assert data == {"summary": "Returns: the list of users", "next": 1}
    assert fixes[0].before == "Returns: the list\n  of users"


def test_a_value_with_colon_and_hash_is_ambiguous() -> None:
    text = "command: echo status: ok # printed at start\n"
    found = outcome(text)
    assert isinstance(found, Ambiguity)
    assert (found.line, found.column) == (1, 10)
    assert readings(text) == [
        {"command": "echo status: ok"},
        {"command": "echo status: ok # printed at start"},
    ]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("note: see #5\n", {"note": "see"}),  # ' #' starts a comment: valid YAML
        ("url: http://x/#anchor\n", {"url": "http://x/#anchor"}),
        ("key:value\n", "key:value"),  # a plain string
        ("title: Issue #5: crash\n", {"title": "Issue"}),
    ],
)
def test_valid_readings_never_reach_the_rules(
    text: str, data: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*arguments: Any) -> None:
        raise AssertionError("the rules ran on valid input")

    monkeypatch.setattr(rules, "RULESET", dataclasses.replace(rules.RULESET, repair=refuse))
    result = convert(text, src="yaml", to="json", repair="rules")
    assert json.loads(result.text) == data
    assert result.fixes == ()


# ------------------------------------------------------------------ stray-indent


def test_a_line_after_a_scalar_can_only_be_a_sibling() -> None:
    data, fixes, confidence = repaired("host: x\n    port: 80\n")
    assert data == {"host": "x", "port": 80}
    assert places(fixes) == [("stray-indent", 2, 1)]
    assert (fixes[0].before, fixes[0].after) == ("    ", "")
    assert confidence == ids.STRAY


def test_a_list_items_field_one_space_too_far() -> None:
    text = "containers:\n- name: cleanup\n   image: busybox\n  command: [sh]\n"
    data, fixes, _ = repaired(text)
    assert data == {"containers": [{"name": "cleanup", "image": "busybox", "command": ["sh"]}]}
    assert places(fixes) == [("stray-indent", 3, 1)]


def test_an_under_indented_list_item_has_one_possible_place() -> None:
    text = "steps:\n  - uses: actions/checkout@v4\n - run: make\n"
    data, fixes, _ = repaired(text)
    assert data == {"steps": [{"uses": "actions/checkout@v4"}, {"run": "make"}]}
    assert [(fix.line, fix.before, fix.after) for fix in fixes] == [(3, " ", "  ")]


def test_several_slips_with_one_possible_place_each_are_all_repaired() -> None:
    # Every other step pasted a column short: each has one place, so none is a guess.
    text = "steps:\n" + "".join(
        f"  - uses: step{number}\n - run: job{number}\n" for number in range(6)
    )
    data, fixes, _ = repaired(text)
    assert data == {
        "steps": [
            item
            for number in range(6)
            for item in ({"uses": f"step{number}"}, {"run": f"job{number}"})
        ]
    }
    assert places(fixes) == [("stray-indent", line, 1) for line in range(3, 14, 2)]


def test_windows_line_endings_are_kept() -> None:
    result = convert("a:\r\n  b: 1\r\n   c: 2\r\n", src="yaml", to="json", repair="rules")
    assert json.loads(result.text) == {"a": {"b": 1, "c": 2}}
    assert result.repaired == "a:\r\n  b: 1\r\n  c: 2\r\n"


def test_a_stray_line_carries_its_own_children() -> None:
    text = "theme:\n  name: material\n     palette:\n       scheme: slate\nnav: []\n"
    data, fixes, _ = repaired(text)
    assert data == {
        "theme": {"name": "material", "palette": {"scheme": "slate"}},
        "nav": [],
    }
    assert [(fix.line, fix.after) for fix in fixes] == [(3, "  "), (4, "    ")]


def test_an_over_indented_empty_key_holds_the_less_indented_lines_after_it() -> None:
    # At the nearest level (beside 'units') it would be a null, and the lines after it
    # would repeat 'sales' and 'units' in 'tokyo', dropping 2491 and 1713: that reading
    # gives way to the one that keeps every value.
    text = (
        "- region: west\n  tokyo:\n    sales: 2491\n    units: 1713\n"
        "     osaka:\n    sales: 2537\n    units: 2267\n"
    )
    data, fixes, _ = repaired(text)
    assert data == [
        {
            "region": "west",
            "tokyo": {"sales": 2491, "units": 1713},
            "osaka": {"sales": 2537, "units": 2267},
        }
    ]
    assert places(fixes) == [("stray-indent", 5, 1)]


def test_a_line_under_an_empty_key_is_a_child_or_a_sibling() -> None:
    text = "parent:\n  x: 1\n  y:\n z: 2\n"
    found = outcome(text)
    assert isinstance(found, Ambiguity)
    assert (found.line, found.column) == (4, 2)
    assert [candidate.description for candidate in found.candidates] == [
        "line 4 ('z: 2') at the top level",
        "line 4 ('z: 2') beside 'y' (line 3)",
        "line 4 ('z: 2') under 'y' (line 3)",
    ]
    found_readings = readings(text)
    assert {"parent": {"x": 1, "y": {"z": 2}}} in found_readings  # a child of y
    assert {"parent": {"x": 1, "y": None, "z": 2}} in found_readings  # a sibling of x and y
    assert all(candidate.fixes[0].rule == "stray-indent" for candidate in found.candidates)


def test_a_line_between_two_open_levels_is_ambiguous() -> None:
    assert readings("app:\n  db:\n    host: x\n   port: 5432\n") == [
        {"app": {"db": {"host": "x"}, "port": 5432}},
        {"app": {"db": {"host": "x", "port": 5432}}},
    ]


def test_an_over_indented_line_after_prose_may_continue_it() -> None:
    text = "description: Returns the orders of the user\n  Note: paginated\n"
    assert readings(text) == [
        {"description": "Returns the orders of the user", "Note": "paginated"},
        {"description": "Returns the orders of the user Note: paginated"},
    ]


def test_a_short_value_is_not_read_as_prose() -> None:
    data, fixes, _ = repaired("image: nginx\n    restart: always\n")
    assert data == {"image": "nginx", "restart": "always"}
    assert places(fixes) == [("stray-indent", 2, 1)]


# ------------------------------------------------------------------ refusals and bounds


def test_merge_conflict_markers_are_refused() -> None:
    text = "services:\n<<<<<<< HEAD\n  web: {image: a}\n=======\n  web: {image: b}\n>>>>>>> x\n"
    assert outcome(text) is None


def test_indentation_broken_throughout_is_refused_rather_than_guessed() -> None:
    text = (
        "server:\n  host: 0.0.0.0\n port: 8080\n   tls:\n cert: a.pem\n  key: b.pem\n"
        "    ciphers: modern\nlogging:\n   level: info\n  format: json\n    file: x.log\n"
        " rotate: daily\n"
    )
    assert outcome(text) is None


def test_what_is_not_a_syntax_error_is_left_to_the_reader() -> None:
    assert outcome("a: 1\n---\nb: 2\n") is None  # two documents without multi_document
    assert outcome("x: !custom 5\n", yaml_tags="refuse") is None  # a tag refused by choice


def test_limits_are_never_repaired() -> None:
    error = ParseError("too deep", format="yaml", line=1, column=1, repairable=False)
    assert rules.repair("a:\n\tb: 1\n", error, Options()) is None


def test_every_reading_is_bounded() -> None:
    # Many independent slips: each pass fixes one, within the pass limit.
    text = "".join(f"k{number}: echo a: {number}\n" for number in range(60))
    data, fixes, _ = repaired(text)
    assert data == {f"k{number}": f"echo a: {number}" for number in range(60)}
    assert len(fixes) == 60


# ------------------------------------------------------------------ input_values


def test_input_values_are_keys_and_values_without_comments_or_quotes() -> None:
    text = (
        "# a comment\n"
        "name: 'It''s'  # trailing\n"
        'path: "C:\\\\tmp"\n'
        "tags: [web, 'api v2']\n"
        "script: |\n"
        "  echo hi # not a comment\n"
        "anchor: &base value\n"
        "alias: *base\n"
        'open: "unclosed # maybe a comment\n'
        "flag: true\n"
    )
    assert [token for token, _ in rules.input_values(text)] == [
        "name",
        "It's",
        "path",
        "C:\\tmp",
        "tags",
        "web",
        "api",
        "v2",
        "script",
        "echo hi # not a comment",
        "anchor",
        "value",
        "alias",
        "open",
        "unclosed",
        "flag",
    ]


def test_input_value_offsets_point_at_the_tokens() -> None:
    text = "a: {x: 1, y: two}\n- item\n"
    assert [
        (token, text[offset : offset + len(token)]) for token, offset in rules.input_values(text)
    ] == [
        ("a", "a"),
        ("x", "x"),
        ("1", "1"),
        ("y", "y"),
        ("two", "two"),
        ("item", "item"),
    ]


def test_a_model_answer_keeps_the_inputs_top_level_keys_at_the_top() -> None:
    from structconv.repair.rules.yaml import answer_lines_up

    text = 'name: app\ndependencies:\n  vite: ^9\nremark: "use "prod" only"\n'
    nested = {"name": "app", "dependencies": {"vite": "^9", "remark": 'use "prod" only'}}
    assert answer_lines_up(text, nested) == (
        "the input's top-level key 'remark' is not a top-level key of the answer"
    )
    right = {"name": "app", "dependencies": {"vite": "^9"}, "remark": 'use "prod" only'}
    assert answer_lines_up(text, right) is None
    # Over-indented lines may become top-level keys; lists and streams are not judged.
    assert answer_lines_up("a: 1\n  b: 2\n", {"a": 1, "b": 2}) is None
    assert answer_lines_up("- a\n- b: 1\n", ["a", {"b": 1}]) is None
    assert answer_lines_up("a: 1\n---\nb: 2\n", {"b": 2, "x": {"a": 1}}) is None


def test_a_model_answer_keeps_every_key_and_value_line() -> None:
    from structconv.repair.rules.yaml import answer_lines_up

    # The shipped model's wrong answers: `max` holds the same number as `size`, and the
    # answer dropped it (provenance saw 8 and `max` elsewhere), or gave it another value.
    text = "- size: 1\n\tmax: 2\n- size: 8\n  max: 8\n"
    assert answer_lines_up(text, [{"size": 1, "max": 2}, {"size": 8}]) == (
        "the input's `max: 8` is not a key and value of the answer"
    )
    assert answer_lines_up(text, [{"size": 1, "max": 2}, {"size": 8, "max": 2}]) is not None
    assert answer_lines_up(text, [{"size": 1, "max": 2}, {"size": 8, "max": 8}]) is None
    # A line the damage duplicated may go; quoted keys and values are read as YAML reads
    # them, plain keys as their text.
    doubled = "a: 1\nb: 'x y'\nb: 'x y'\n\"q k\": 0x1F\ntrue: no\n"
    assert answer_lines_up(doubled, {"a": 1, "b": "x y", "q k": 31, "true": "no"}) is None


@pytest.mark.parametrize(
    "text",
    [
        "a: 1  # the comment may be text in the meant reading\n",
        "a: one\n  two\n",  # a value that goes on over the next line
        "a: [1, 2]\n",
        "a: &anchor 1\n",
        "a: 2024-01-01\n",  # a date: the answer spells it as text
        "a: \u201cquoted\u201d\n",
        'a: "open\n',
        "a: |\n  text\n",
    ],
)
def test_lines_the_pair_check_cannot_read_alone_are_not_judged(text: str) -> None:
    from structconv.repair.rules.yaml import answer_keeps_pairs

    assert answer_keeps_pairs(text, {"other": 1}) is None


def test_a_block_scalar_line_pasted_with_less_indentation_gets_the_blocks() -> None:
    text = (
        "steps:\n  - name: Install\n    run: |\n      pip install -U pip\n"
        "    pip install -r requirements.txt\n  - name: Test\n    run: pytest\n"
    )
    data, fixes, _ = repaired(text)
    assert data["steps"][0]["run"] == "pip install -U pip\npip install -r requirements.txt\n"
    assert places(fixes) == [("block-indent", 5, 1)]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (
            "mongo:\n  restart: always\n  image mongo:4.2.0\n  volumes:\n    - data:/db\n",
            {"mongo": {"restart": "always", "image": "mongo:4.2.0", "volumes": ["data:/db"]}},
        ),
        (
            "db:\n  environment:\n    - A=1\n  expose\n    - 5432\n  restart: always\n",
            {"db": {"environment": ["A=1"], "expose": [5432], "restart": "always"}},
        ),
        (
            "scrape:\n- job_name: p\n  honor_timestamps true\n  interval: 15s\n",
            {"scrape": [{"job_name": "p", "honor_timestamps": True, "interval": "15s"}]},
        ),
    ],
)
def test_a_key_that_lost_its_colon_among_mapping_keys_gets_it(text: str, data: Any) -> None:
    repaired_data, fixes, _ = repaired(text)
    assert repaired_data == data
    assert [fix.rule for fix in fixes] == ["missing-colon"]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (  # a list item that is a mapping: its first key lost the space after its colon
            "steps:\n- name:Use Node.js 20\n  uses: actions/setup-node@v4\n",
            {"steps": [{"name": "Use Node.js 20", "uses": "actions/setup-node@v4"}]},
        ),
        (  # a key under a list item's first key, the mapping closed by a less indented key
            "mounts:\n  - name: vol\n    mountPath:/models/m\nvolumes: []\n",
            {"mounts": [{"name": "vol", "mountPath": "/models/m"}], "volumes": []},
        ),
    ],
)
def test_key_value_without_the_space_in_list_item_mappings(text: str, data: Any) -> None:
    repaired_data, fixes, _ = repaired(text)
    assert repaired_data == data
    assert [fix.rule for fix in fixes] == ["colon-space"]


def test_a_first_key_that_lost_its_colon_before_a_value_with_a_colon_is_a_reading() -> None:
    """`image mongo:4.2` as the first line of a block, `restart: always` below it: the
    stray-indent reading alone made `db` the text 'image mongo:4.2' and moved `restart`
    up a level (accepted, wrong); the lost colon is a reading beside it."""
    text = "services:\n  db:\n    image mongo:4.2\n    restart: always\n"
    assert {"services": {"db": {"image": "mongo:4.2", "restart": "always"}}} in readings(text)
    assert {"services": {"db": "image mongo:4.2", "restart": "always"}} in readings(text)


def test_a_value_over_a_less_indented_line_is_no_key_that_lost_its_colon() -> None:
    """Found by tests/property/test_provenance_properties.py (a `- ` deleted): `- - a`
    over `0`, indented past the outer dash but not past `a`, was read as `- - a: 0`,
    the value `a` made a key. A lost colon is a reading only for lines below the key."""
    text = (
        "_:\n  - - a\n    - 0\n    - -0.0\n__:\n  _:\n    - _: 0\n      __: ~\n    - - a\n     0\n"
    )
    try:
        result = convert(text, src="yaml", to="json", repair="rules")
    except (ParseError, AmbiguousInput):
        return
    assert "missing-colon" not in [fix.rule for fix in result.fixes], result.data
