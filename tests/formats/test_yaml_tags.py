"""The tag convention: one canonical key per tag, and only such keys stand for tags."""

from __future__ import annotations

import pytest

from structconv.formats.yaml_tags import key_of_tag, tag_of_key, tag_of_mapping


@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ("!Ref", "!Ref"),
        ("!Rain::Embed", "!Rain::Embed"),
        ("!include_dir_merge_named", "!include_dir_merge_named"),
        ("tag:yaml.org,2002:binary", "!!binary"),
        ("tag:example.com,2000:app/foo", "!<tag:example.com,2000:app/foo>"),
        ("!Foo!", "!Foo%21"),  # `!Foo%21` in YAML: the parser decodes the escape
        ("!a b", "!a%20b"),
    ],
)
def test_each_tag_has_one_key_and_the_key_gives_the_tag_back(tag: str, key: str) -> None:
    assert key_of_tag(tag) == key
    assert tag_of_key(key) == tag


@pytest.mark.parametrize(
    "key",
    [
        "!",  # the non-specific tag: a plain string
        "!!",
        "!!str",  # core tags give a type, they are never kept
        "!!int",
        "!!map",
        "!!python/object/apply:os.system",  # never written as a tag
        "!Foo%41",  # not canonical (the reader writes !FooA)
        "!<tag:yaml.org,2002:binary>",  # not canonical (!!binary)
        "!a b",  # not a tag's spelling
        "Ref",
        "",
        "!<>",
    ],
)
def test_other_keys_are_ordinary(key: str) -> None:
    assert tag_of_key(key) is None


def test_a_convention_mapping_has_exactly_one_key() -> None:
    assert tag_of_mapping({"!Ref": "x"}) == "!Ref"
    assert tag_of_mapping({"!Ref": "x", "b": 1}) is None
    assert tag_of_mapping({}) is None
    assert tag_of_mapping(["!Ref"]) is None
    assert tag_of_mapping({1: "x"}) is None
