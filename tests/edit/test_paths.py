from __future__ import annotations

import pytest

from structconv.edit.paths import PathSyntaxError, display_path, parse_path
from structconv.errors import UsageError


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("spec.containers[0].image", ("spec", "containers", 0, "image")),
        ('tool."my.key"', ("tool", "my.key")),
        ("tool.'my key'", ("tool", "my key")),
        ("project.@id", ("project", "@id")),
        ("[1].metadata.name", (1, "metadata", "name")),
        ("items[-1]", ("items", -1)),
        ("a[0][1]", ("a", 0, 1)),
        ('"a \\"b\\""', ('a "b"',)),
        ("android:name", ("android:name",)),
        ("", ()),
    ],
)
def test_parse(text: str, parts: tuple[object, ...]) -> None:
    assert parse_path(text) == parts


@pytest.mark.parametrize("text", ["a..b", "a.", "a[x]", "a[0", '"open', "a b", "a]", ".a"])
def test_malformed_paths_are_usage_errors_with_the_place(text: str) -> None:
    with pytest.raises(PathSyntaxError) as caught:
        parse_path(text)
    assert isinstance(caught.value, UsageError)
    assert "^" in str(caught.value)


@pytest.mark.parametrize(
    "parts", [("a", "b.c", 0), ("my key", "@id"), (0, "x"), ('q"uote',), ("tool", "line-length")]
)
def test_display_reads_back(parts: tuple[object, ...]) -> None:
    assert parse_path(display_path(parts)) == parts  # type: ignore[arg-type]
