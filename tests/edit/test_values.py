from __future__ import annotations

import datetime

import pytest

from structconv.edit.values import read_value
from structconv.errors import UsageError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("1.5", 1.5),
        ("true", True),
        ("null", None),
        ('"3"', "3"),
        ("'true'", "true"),
        ("v2", "v2"),
        ("nginx:1.25", "nginx:1.25"),
        ("2024-01-31", datetime.date(2024, 1, 31)),
        ("", ""),
    ],
)
def test_yaml_scalars(text: str, value: object) -> None:
    got = read_value(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", ["[1, 2]", "a: b", "- x", "!Ref x", "a # b", "two\nlines"])
def test_what_is_not_one_scalar_is_refused_with_the_flag_to_use(text: str) -> None:
    with pytest.raises(UsageError, match="--string"):
        read_value(text)


def test_string_and_json() -> None:
    assert read_value("3", "string") == "3"
    assert read_value('{"a": [1, null]}', "json") == {"a": [1, None]}
    with pytest.raises(UsageError, match="not JSON"):
        read_value("{a: 1}", "json")
