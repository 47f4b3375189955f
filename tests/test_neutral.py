from __future__ import annotations

import math

from structconv.neutral import DROP, depth, first_difference, format_path, rebuild, same_data


def test_format_path_quotes_keys_that_are_not_identifiers() -> None:
    assert format_path(("servers", 2, "port")) == "$.servers[2].port"
    assert format_path(("a b", 0)) == "$['a b'][0]"


def test_first_difference_is_strict_about_types() -> None:
    assert first_difference({"a": 1}, {"a": 1.0}) == ("$.a", 1, 1.0)
    assert first_difference([True], [1]) == ("$[0]", True, 1)
    assert first_difference({"a": [1, 2]}, {"a": [1]}) == ("$.a", "2 items", "1 items")
    assert first_difference({"a": 1}, {"b": 1}) == ("$.a", 1, "<missing>")
    assert first_difference({"a": math.nan}, {"a": math.nan}) is None
    assert first_difference(0.0, -0.0) == ("$", 0.0, -0.0)
    assert first_difference({"a": 1, "b": 2}, {"b": 2, "a": 1}) is None


def test_depth_of_deep_data_without_recursion() -> None:
    deep: list[object] = []
    node = deep
    for _ in range(50_000):
        child: list[object] = []
        node.append(child)
        node = child
    assert depth(deep) == 50_001
    assert depth(5) == 0


def test_rebuild_maps_scalars_and_keys_and_drops() -> None:
    data = {"a": [1, None, {"b": None}], "c": "x"}

    def scalar(path: tuple[object, ...], value: object) -> object:
        return DROP if value is None else str(value)

    def key(path: tuple[object, ...], name: object) -> object:
        return str(name).upper()

    assert rebuild(data, scalar, key) == {"A": ["1", {}], "C": "x"}
    assert list(rebuild({"z": 1, "a": 2}, scalar, key)) == ["Z", "A"]


def test_same_data_is_strict_about_types_and_ignores_key_order() -> None:
    assert not same_data({"a": 1}, {"a": 1.0})
    assert not same_data([1], [True])
    assert not same_data(0.0, -0.0)
    assert not same_data({"a": [1, 2]}, {"a": [1]})
    assert not same_data({"a": 1}, {"b": 1})
    assert same_data({"a": 1, "b": [math.nan]}, {"b": [math.nan], "a": 1})
    assert same_data({None: 1, 1.5: "x"}, {1.5: "x", None: 1})  # YAML keys
