"""What a model answer may not settle: bare tokens' types and values cut off at the end."""

from __future__ import annotations

from typing import Any

import pytest

from structconv.repair.guesses import cut_off_value, type_guess
from structconv.repair.rules import rules_for


def guess(text: str, data: Any, format: str) -> str | None:
    return type_guess(text, data, format, rules_for(format).input_values)


@pytest.mark.parametrize(
    ("text", "data", "format"),
    [
        ("timeout = 30s\n", {"timeout": "30s"}, "toml"),
        ("version = 0.1.0a\n", {"version": "0.1.0a"}, "toml"),
        ('{"debug": yes}', {"debug": "yes"}, "json"),
        ('{"debug": off}\n', {"debug": "off"}, "jsonl"),
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
