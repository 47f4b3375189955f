"""structconv/formats/__init__.py: the garbage collector's pause around big data."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from structconv.formats import without_gc


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_what_the_pause_built_is_not_walked_by_the_next_young_collection() -> None:
    """The data built in the pause goes to the oldest generation, so the allocations right
    after it do not start a collection that walks every object just built."""
    started: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    with without_gc():
        built = [{"n": [index]} for index in range(50_000)]
        assert not gc.isenabled()
    gc.callbacks.append(record)
    try:
        after = [[index] for index in range(100)]  # fewer than the youngest's threshold
    finally:
        gc.callbacks.remove(record)
    assert gc.isenabled()
    assert started == []
    assert any(item is built for item in gc.get_objects(generation=2))
    assert len(after) == 100


@pytest.mark.usefixtures("collector_on")
def test_the_process_s_own_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with without_gc():
            built = [[index] for index in range(10_000)]
        assert gc.get_freeze_count() == frozen
        assert gc.isenabled() and len(built) == 10_000
    finally:
        gc.unfreeze()


def test_a_paused_collector_stays_paused() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with without_gc():
            pass
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
