from __future__ import annotations

import pytest

from structconv.edit.locate import PathNotFound, concrete, resolve, with_value, without


def test_resolve_names_the_nearest_existing_part() -> None:
    data = {"spec": {"containers": [{"image": "x"}]}}
    assert resolve(data, ("spec", "containers", 0, "image")) == "x"
    with pytest.raises(PathNotFound) as caught:
        resolve(data, ("spec", "containers", 3, "image"))
    assert caught.value.nearest == ("spec", "containers")
    assert "1 item(s), no [3]" in str(caught.value)
    with pytest.raises(PathNotFound) as missing:
        resolve(data, ("spec", "volumes", "x"))
    assert missing.value.nearest == ("spec",)
    assert "its keys: containers" in str(missing.value)


def test_keys_are_matched_by_their_spelling() -> None:
    data = {80: "http", True: "yes", None: "nothing"}
    assert resolve(data, ("80",)) == "http"
    assert resolve(data, ("true",)) == "yes"
    assert resolve(data, ("null",)) == "nothing"
    assert concrete(data, ("80",)) == (80,)


def test_negative_indexes_count_from_the_end() -> None:
    assert concrete({"a": [1, 2, 3]}, ("a", -1)) == ("a", 2)


def test_with_value_and_without_copy_only_the_path() -> None:
    data = {"a": {"b": 1}, "c": [1, 2]}
    changed = with_value(data, ("a", "new"), 2)
    assert list(changed["a"]) == ["b", "new"] and data == {"a": {"b": 1}, "c": [1, 2]}
    assert changed["c"] is data["c"]
    assert without(data, ("c", 0)) == {"a": {"b": 1}, "c": [2]}
