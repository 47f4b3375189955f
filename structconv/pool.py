"""The process pool that `structconv convert --jobs N` runs a batch on.

Two things keep `--jobs 2` close to twice as fast as `--jobs 1` on a batch of small files,
where each file takes about a millisecond and a fixed cost paid once per worker, or paid
before any worker can start, is a large share of the whole:

- The workers start while the caller plans the batch. Starting a forkserver and forking
  its workers blocks the submitting thread until each worker's pid comes back (0.15 s
  here), so a thread of its own does it.
- The server imports the conversion code for the batch's formats once, before it forks,
  so each worker starts as a copy of it instead of importing (on a machine that keeps no
  bytecode, compiling) the same modules again on its first file of each format.

Not fork: a worker forked from a process that ran the repair model would hang in
llama.cpp (its threads do not survive fork); forkserver workers start clean.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes, already starting in the background, whose workers
    have `preload` (module names) imported; also structconv.batch, and the caller's
    `__main__` (so that its functions can be sent to the workers)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "structconv.batch", *preload])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    starter = threading.Thread(
        target=_start, args=(pool, workers), name="structconv-pool-start", daemon=True
    )
    starter.start()
    return pool


def _start(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker: with forkserver the pool starts one per task submitted while
    none is idle, so `workers` tasks at once start them all."""
    # A pool that cannot start says so on the batch's own submits; nothing to report here.
    with contextlib.suppress(Exception):
        for _ in range(workers):
            pool.submit(os.getpid)
