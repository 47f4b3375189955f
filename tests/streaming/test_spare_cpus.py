from __future__ import annotations

from pathlib import Path

import pytest

from structconv.streaming import spare_cpus
from structconv.streaming.spare_cpus import SpareCpus


def _stat(path: Path, user: int, idle: int, iowait: int = 0) -> None:
    # user nice system idle iowait irq softirq steal guest guest_nice
    path.write_text(
        f"cpu  {user} 7 0 {idle} {iowait} 0 0 0 50 0\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1\n",
        encoding="ascii",
    )


def test_the_idle_share_of_the_ticks_between_readings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stat = tmp_path / "stat"
    monkeypatch.setattr(spare_cpus, "_STAT", str(stat))
    monkeypatch.setattr(spare_cpus.os, "cpu_count", lambda: 4)
    _stat(stat, user=1000, idle=5000)
    spare = SpareCpus()
    assert spare.known
    _stat(stat, user=1060, idle=5030, iowait=10)  # 100 ticks: 40 idle or waiting for I/O
    assert spare.since_last(0) == pytest.approx(4 * 40 / 100)
    _stat(stat, user=1160, idle=5030, iowait=10)  # since the last reading: all busy
    assert spare.since_last(0) == 0
    assert spare.since_last(3600) is None  # too soon to tell


def test_unknown_without_proc_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_cpus, "_STAT", str(tmp_path / "missing"))
    spare = SpareCpus()
    assert not spare.known
    assert spare.since_last(0) is None
