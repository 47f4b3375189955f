"""The one search over readings (structconv.repair.search): its drivers, its budget, and
what counts as one reading."""

from __future__ import annotations

import pytest

from structconv.options import Options
from structconv.repair.search import (
    Budget,
    Choices,
    GiveUp,
    Read,
    differing,
    distinct,
    passes,
    read_strict,
    replay,
)


def test_readings_with_equal_but_differently_typed_data_are_different_readings() -> None:
    groups = distinct([1, 1.0, True, 1, {"a": 1, "b": 2}, {"b": 2, "a": 1}], lambda data: data)
    assert groups == [[1, 1], [1.0], [True], [{"a": 1, "b": 2}, {"b": 2, "a": 1}]]


def test_replay_takes_every_combination_of_choices_once() -> None:
    def walk(choices: Choices) -> str:
        first = choices.choose("a", 0, ["x", "y"])
        second = choices.choose("b", 5, ["p", "q", "r"])
        return f"{first}{second}"

    walks = replay(walk, Budget(runs=10, readings=10))
    assert sorted(result for result, _ in walks) == ["00", "01", "02", "10", "11", "12"]
    assert walks[0][0] == "00"  # the first walk takes the first reading everywhere
    assert walks[1][0] == "10"
    assert differing([walks[0][1], walks[1][1]]) == [(0, "a")]
    assert differing([choices for _, choices in walks]) == [(0, "a"), (5, "b")]


def test_replay_gives_up_past_its_budget() -> None:
    def walk(choices: Choices) -> int:
        return sum(choices.choose("c", offset, ["0", "1"]) for offset in range(4))

    with pytest.raises(GiveUp):
        replay(walk, Budget(runs=8, readings=100))
    assert len(replay(walk, Budget(runs=16, readings=100))) == 16


def test_passes_forks_and_bounds_the_readings_alive() -> None:
    def advance(branch: str) -> Read | list[str]:
        if len(branch) == 2:
            return Read(branch)
        return [branch + "a", branch + "b"]

    done = passes("", advance, Budget(runs=100, readings=10))
    # A branch goes on until it reads; its forks wait their turn, first forked first.
    assert [data for _, data in done] == ["aa", "ba", "ab", "bb"]
    with pytest.raises(GiveUp):
        passes("", advance, Budget(runs=100, readings=3))
    with pytest.raises(GiveUp):
        passes("", advance, Budget(runs=3, readings=10))


def test_read_strict_honours_the_size_limit_of_formats_read() -> None:
    data, error = read_strict('{"a": 1}', "json", Options())
    assert (data, error) == ({"a": 1}, None)
    _, error = read_strict('{"a": 1}', "json", Options(max_bytes=4))
    assert error is not None and not error.repairable
