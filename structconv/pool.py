"""The process pool that `structconv convert --jobs N` runs a batch on.

On a batch of small files each file takes about a millisecond, so what a worker pays
once, or what must happen before any worker can start, is a large share of the whole;
the pool keeps it small:

- On Linux the workers are forks of this process: they start in milliseconds with the
  code this process has imported, and import the batch's formats (`preload`) each on
  its own core while this process plans the batch. From a forkserver, whose interpreter
  start and imports came first, the first file began 0.5-0.6 s after the command
  started instead of 0.3-0.45 s (10,000 small files here, where the whole batch takes
  3-4 s with two workers).
- Fork only where it is safe: this process must have a single thread and must not have
  loaded llama.cpp (the repair model), whose threads do not survive a fork. Otherwise,
  and on other systems, the workers come from a forkserver that imports `preload` once
  before it forks them; a thread starts them, because starting one blocks the caller
  until its pid comes back.
- Ctrl-C is the command's to handle: the workers ignore SIGINT (a terminal sends it to
  every process of the command), so none dies with a traceback in the middle of a file;
  the command stops them (`stop_now`) and removes what they left.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from structconv.forking import can_fork, interrupts_held


def process_pool(workers: int, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes, started (or starting) before this returns, whose
    workers have imported `preload` (module names) before their first task."""
    names = tuple(preload)
    fork = can_fork()
    method = "fork" if fork else "forkserver"
    if method not in multiprocessing.get_all_start_methods():
        method = "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # Imported once, in the server; also the caller's __main__, so that functions
        # defined there reach the workers.
        context.set_forkserver_preload(["__main__", "structconv.batch", *names])
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_start, initargs=(names,)
    )
    if fork:
        with interrupts_held():  # a fork inherits it: no Ctrl-C before SIGINT is ignored
            _start(pool, workers)  # now, while this process has one thread
    else:
        starter = threading.Thread(
            target=_start, args=(pool, workers), name="structconv-pool-start", daemon=True
        )
        starter.start()
    return pool


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers at once, in the middle of their tasks (the command was
    interrupted: their results are not wanted), and wait until they are gone, so that the
    caller can then remove what they left half written."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()


def _worker_start(names: tuple[str, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in names:
        importlib.import_module(name)


def _start(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker: a pool not forking starts one per task submitted while none is
    idle, so `workers` tasks at once start them all (a forking one starts all at once)."""
    # A pool that cannot start says so on the batch's own submits; nothing to report here.
    with contextlib.suppress(Exception):
        for _ in range(workers):
            pool.submit(os.getpid)
