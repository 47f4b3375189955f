"""structconv.forking: a fork only from a process on one thread, Ctrl-C held across it."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from structconv import forking


@pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")
def test_a_second_thread_rules_a_fork_out() -> None:
    alone = sum(1 for _ in os.scandir("/proc/self/task")) == 1
    assert forking.can_fork() is alone  # (xdist's workers run a thread of their own)
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not forking.can_fork()
    finally:
        release.set()
        thread.join()


def test_llama_cpp_loaded_rules_a_fork_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", sys)
    assert not forking.can_fork()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks")
def test_an_interrupt_while_held_arrives_after() -> None:
    arrived: list[str] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: arrived.append("after"))
    try:
        with forking.interrupts_held():
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # to this thread
            arrived.append("held")
        assert arrived == ["held", "after"]
    finally:
        signal.signal(signal.SIGINT, previous)
