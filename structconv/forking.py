"""Whether this process may start workers by forking itself, and holding Ctrl-C across a
fork.

A fork starts in a millisecond with everything this process imported, where a new
interpreter takes a tenth of a second to start and import; but it copies every lock as it
is at that moment, so it is safe only in a process with a single thread.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path


def can_fork() -> bool:
    """Linux, one thread in this process (native ones too: a fork copies a lock another
    thread holds, held forever), and no llama.cpp loaded (its worker refuses to run in a
    fork of a process that ran it; see structconv.repair.llm)."""
    if sys.platform != "linux" or "llama_cpp" in sys.modules:
        return False
    try:
        return sum(1 for _ in Path("/proc/self/task").iterdir()) == 1
    except OSError:
        return False


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """SIGINT blocked in this thread (and the processes forked meanwhile) until the end,
    then delivered; nothing where the system has no signal masks."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        mask(signal.SIG_UNBLOCK, {signal.SIGINT})
