"""What a model answer may not settle: bare tokens' types, values cut off at the end,
empty strings the input never writes, and template literals."""

from __future__ import annotations

from typing import Any

import pytest

from structconv.repair.guesses import cut_off_value, empty_guess, template_guess, type_guess
from structconv.repair.rules import ruleset


def guess(text: str, data: Any, format: str) -> str | None:
    rules = ruleset(format)
    assert rules is not None
    return type_guess(text, data, format, rules.input_values)


@pytest.mark.parametrize(
    ("text", "data", "format"),
    [
        ("timeout = 30s\n", {"timeout": "30s"}, "toml"),
        ("version = 0.1.0a\n", {"version": "0.1.0a"}, "toml"),
        ('{"debug": yes}', {"debug": "yes"}, "json"),
        ('{"debug": off}\n', {"debug": "off"}, "jsonl"),
        ("{\u2018debug\u2019: off}", {"debug": "off"}, "json"),
    ],
)
def test_a_bare_token_taken_for_text_is_a_guess(text: str, data: Any, format: str) -> None:
    reason = guess(text, data, format)
    assert reason is not None and "without quotes" in reason


@pytest.mark.parametrize(
    ("text", "data", "format"),
    [
        ('timeout = "30s"\n', {"timeout": "30s"}, "toml"),  # quoted: text for sure
        ("version = 1.2.3\n", {"version": "1.2.3"}, "toml"),  # a version is text anyway
        ('{"env": production}', {"env": "production"}, "json"),  # no other type to read
        ("timeout: 30s\n", {"timeout": "30s"}, "yaml"),  # YAML has bare strings
        ('{"debug": yes}', {"debug": True}, "json"),  # not taken for text (provenance's job)
    ],
)
def test_these_are_not_guesses(text: str, data: Any, format: str) -> None:
    assert guess(text, data, format) is None


def test_a_value_the_xml_stops_inside_is_refused() -> None:
    reason = cut_off_value("<config>\n  <name>my-ser", {"config": {"name": "my-ser"}}, "xml")
    assert reason is not None and "'my-ser'" in reason


@pytest.mark.parametrize(
    "text",
    [
        "<a><b>x</b></a>",  # whole
        "<a><b>a</b></a",  # cut inside a closing tag: every value is complete
        "<a><b>x</b>\n",  # cut after a tag
    ],
)
def test_a_file_that_stops_in_or_after_a_tag_keeps_its_values(text: str) -> None:
    assert cut_off_value(text, {"a": {"b": "a"}}, "xml") is None


def test_other_formats_are_not_judged_for_cut_off_values() -> None:
    assert cut_off_value('{"name": "my-ser', {"name": "my-ser"}, "json") is None


def test_an_empty_string_where_the_input_has_no_value_is_a_guess() -> None:
    text = "database:\n  primary: {host: db1, port:\n  replica: {host: db2, port: 5}\n"
    data = {"database": {"primary": {"host": "db1", "port": ""}}, "replica": {"port": 5}}
    reason = empty_guess(text, data, "yaml")
    assert reason is not None and "empty, null or missing" in reason
    assert empty_guess('{"a": "", "b": 1,}', {"a": "", "b": ""}, "json") is not None


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ('{"a": "", "b": 1,}', "json"),
        ("a = ''\nb = [1,\n", "toml"),
        ("{\u201ca\u201d: \u201c\u201d}", "json"),  # smart quotes
        ('- name: "\n- name: x\n', "yaml"),  # a quote its line ends in: closing one lost
        ("<a><b></b></a>", "xml"),  # XML and CSV write an empty string as nothing
        ("a,b\n1,\n", "csv"),
    ],
)
def test_an_empty_string_the_input_writes_is_kept(text: str, format: str) -> None:
    assert empty_guess(text, {"a": ""}, format) is None


def test_a_template_literal_in_a_value_place_is_not_data() -> None:
    reason = template_guess("{greeting: `Hello ${user.name}`, count: 2}", "json")
    assert reason is not None and "`Hello ${user.name}`" in reason
    assert template_guess('{"code": "`Hello ${x}`"}', "json") is None  # text in a string
    assert template_guess("greeting: `Hello ${x}`\n", "yaml") is None  # YAML: plain text
