"""How many CPUs the machine leaves idle right now, measured rather than assumed.

A worker process pays for itself only on a CPU that would otherwise idle. On a machine
whose CPUs are busy with other work, a second process of the same conversion mostly
takes turns with the first (Linux shares the CPUs between sessions, whatever the number
of processes in each, and between processes by their nice values only within a
session), and pays its own start-up besides. The CPU counters of /proc/stat, read twice,
say how much the machine idled in between.
"""

from __future__ import annotations

import os
import time

_STAT = "/proc/stat"


class SpareCpus:
    """The CPUs left idle between readings; unknown where /proc/stat is not."""

    def __init__(self) -> None:
        self._count = os.cpu_count() or 1
        self._last = _reading()
        self._at = time.monotonic()

    @property
    def known(self) -> bool:
        return self._last is not None

    def since_last(self, least_seconds: float) -> float | None:
        """The CPUs idle on average since the last reading, once `least_seconds` passed
        (enough clock ticks to tell); None before that, or where unknown."""
        if self._last is None or time.monotonic() - self._at < least_seconds:
            return None
        now = _reading()
        if now is None:
            return None
        (idle_before, total_before), (idle, total) = self._last, now
        self._last, self._at = now, time.monotonic()
        if total <= total_before:
            return None
        return self._count * (idle - idle_before) / (total - total_before)


def _reading() -> tuple[int, int] | None:
    """(idle ticks, all ticks) of all CPUs so far."""
    try:
        with open(_STAT, encoding="ascii") as stream:  # noqa: PTH123 (a hot path)
            fields = stream.readline().split()
    except OSError:
        return None
    if len(fields) < 6 or fields[0] != "cpu":
        return None
    user, nice, system, idle, iowait, *rest = map(int, fields[1:])
    # irq, softirq, steal; guest time is counted in user time already
    total = user + nice + system + idle + iowait + sum(rest[:3])
    return idle + iowait, total
