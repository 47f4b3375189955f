"""One file in byte ranges, on several cores (a format whose record codec has `parts`: CSV).

A file of many megabytes is cut into ranges of a few megabytes where its record codec
says a range may end. This process converts ranges from the front, straight into the
(atomic) target; worker processes (forks of this one where that is safe, structconv.forking;
new interpreters elsewhere) convert ranges from the back, each into a part file
beside the target, claiming a range by creating its part file (O_EXCL: one claimant
wins). Where the two meet, this process waits for the workers and joins their parts in
order. So a worker that gets little CPU (a machine shared with other work) holds the
conversion back by one range at most, instead of by half of the file as an even split
did. By default (workers=None) the workers start only for CPUs found idle
(spare_cpus.py) while this process converts its first ranges: on two CPUs busy with
other sessions' work, a 100 MB CSV file took 1.2-1.6x the time of one process with a
worker, and takes that of one process now. A run in which
every range converts cleanly wrote exactly the bytes of converting in one process;
anything else (a bad record, a bad cut, a worker that could not start) discards the parts
and converts in one process, which reports the first error with its exact line and
column, as always.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from structconv.atomic import temporary_prefix
from structconv.errors import ParseError, RoundTripError
from structconv.forking import can_fork, interrupts_held
from structconv.formats.records import EncodingMismatch, RecordWriter, StartOver, WriterPlan
from structconv.options import Options
from structconv.streaming.sources import TextFile, records_of
from structconv.streaming.spare_cpus import SpareCpus
from structconv.streaming.targets import Output, Sink, write_pieces

# A file below this size per process is not worth a worker (its start-up is ~0.1 s; 8 MB
# converts in ~0.4 s). `workers=N` given explicitly splits down to MIN_RANGE_BYTES.
AUTO_RANGE_BYTES = 8 << 20
MIN_RANGE_BYTES = 1 << 20
# The size of one range: what this process may wait for where it meets the workers (a
# range of 2 MB converts in ~0.1 s), against a range's own cost (a file created, the
# first batch read again).
CHUNK_BYTES = 2 << 20
MAX_CHUNKS = 1024
# How long this process works before it looks whether a CPU is idle: enough clock ticks of
# /proc/stat to tell (at 100 a second, 5 per CPU), and less than planning the ranges of
# a file of 64 MB takes (reading it for its cuts), so a fork can start before the first.
SPARE_WINDOW = 0.05
_WORKER_FAILED = 3  # a worker's exit status for an input it cannot convert
_BOOT = (
    "import sys\n"
    "sys.path[:] = sys.argv[1:]\n"
    "from structconv.streaming.ranges import run_worker\n"
    "run_worker()\n"
)
_parallel_broken = False  # a worker crashed (not an input error): stay in one process
# What makes a range's conversion fail: then the file converts in one process.
_RANGE_FAILS = (ParseError, RoundTripError, StartOver, EncodingMismatch)


class _SplitFailed(Exception):
    """The parallel run did not convert cleanly: convert in one process instead."""


class _NoWorkerError(Exception):
    """A worker process cannot be started: sys.executable cannot (an embedded or frozen
    Python), or this process cannot fork."""


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def range_count(size: int, options: Options) -> int:
    """How many processes convert a file of `size` bytes (1: this one alone).

    workers=None (auto): one per available CPU, each with at least AUTO_RANGE_BYTES, and
    one in a process of a pool (multiprocessing, e.g. `structconv convert --jobs N`),
    whose siblings already use the other CPUs. workers=N: up to N, each with at least
    MIN_RANGE_BYTES.
    """
    if options.workers is not None:
        return max(1, min(options.workers, size // MIN_RANGE_BYTES))
    count = min(_available_cpus(), size // AUTO_RANGE_BYTES)
    if count < 2:
        return 1
    import multiprocessing

    return 1 if multiprocessing.parent_process() is not None else count


def chunk_count(size: int, processes: int) -> int:
    """How many ranges `processes` processes share: CHUNK_BYTES each, at least one each."""
    return max(processes, min(size // CHUNK_BYTES, MAX_CHUNKS))


class _Claims:
    """The part files of the ranges, `.<target>.<token>_<number>.part` beside the target
    (removed as leftovers like any temporary file of it): whoever creates one first
    converts that range. The first range is this process's, never claimed."""

    def __init__(self, output: Output) -> None:
        target = Path(output.path)
        try:
            descriptor, name = tempfile.mkstemp(
                prefix=temporary_prefix(target.name), suffix=".part", dir=target.parent
            )
        except OSError as error:
            raise output.failed(error) from None
        os.close(descriptor)
        self.reserved = Path(name)  # keeps the token this run's alone
        self.template = name.removesuffix(".part") + "_{}.part"

    def path(self, number: int) -> Path:
        return Path(self.template.format(number))

    def take(self, number: int) -> bool:
        descriptor = _claim(self.template, number)
        if descriptor is None:
            return False
        os.close(descriptor)
        return True

    def remove(self, count: int) -> None:
        for number in range(1, count):
            with contextlib.suppress(FileNotFoundError):
                self.path(number).unlink()
        self.reserved.unlink(missing_ok=True)


def _claim(template: str, number: int) -> int | None:
    """An open descriptor of range `number`'s new part file, or None: claimed already."""
    try:
        return os.open(template.format(number), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None


def convert_in_ranges(
    source: TextFile, output: Output, source_format: str, target_format: str, options: Options
) -> int | None:
    """Convert in several ranges when the file is big enough and CPUs are free; the record
    count, or None when this did not convert it (then convert in one process)."""
    parts_reader = records_of(source_format).parts
    if (
        parts_reader is None
        or _parallel_broken
        or source.text is not None
        or source.encoding != "utf-8-sig"
    ):
        return None
    size = source.path.stat().st_size
    processes = range_count(size, options)
    if processes < 2:
        return None
    started: list[_Worker] = []
    claims: _Claims | None = None
    bounds: list[int] = []
    # workers=N starts N - 1 workers at once (new interpreters now, to boot while this
    # process plans the ranges; forks once the ranges are planned); auto starts one for
    # each CPU found idle while this process plans the ranges and converts the first ones.
    spare = SpareCpus() if options.workers is None else None
    waiting = processes - 1
    fork = can_fork()
    try:
        if (spare is None or not spare.known) and not fork:
            started = [_start_worker() for _ in range(waiting)]
            waiting = 0
        head = parts_reader.head(source, options)
        if head is None:
            return None
        plan, records_start = head
        cuts = parts_reader.cuts(
            source.path, records_start, size, chunk_count(size - records_start, processes)
        )
        if not cuts:
            return None
        bounds = [0, *cuts, size]
        claims = _Claims(output)
        formats = (source_format, target_format)
        task = (str(source.path), bounds, *formats, plan, options, claims.template, os.getpid())
        if spare is None or not spare.known:
            started += [_fork_worker(task) for _ in range(waiting)]
            waiting = 0
        for worker in started:
            worker.send(task)
        ranges = len(bounds) - 1
        with output.writing() as out:
            count, number = 0, 0
            writer: RecordWriter | None = None
            while number < ranges and (number == 0 or claims.take(number)):
                if waiting and spare is not None:
                    more = _start_on_spare(spare, waiting, task, fork, out)
                    started += more or []
                    waiting = 0 if more is None else waiting - len(more)
                span = (bounds[number], bounds[number + 1])
                part = TextFile(source.path, source.newline, None, span)
                count, written = _convert_here(out, part, formats, options, plan, count)
                writer = writer or written  # the first range's: it wrote the opening
                number += 1
            assert writer is not None  # (the first range is always this process's)
            if number < ranges:
                numbers = range(number, ranges)
                count = _join_parts(out, writer, claims, numbers, started, count)
            else:
                _notice_failed_starts(started)
            out.write(writer.closing(count))
        return count
    except (_SplitFailed, *_RANGE_FAILS):
        return None
    except _NoWorkerError as error:
        _give_up_ranges(str(error))
        return None
    finally:
        _stop(started, claims, len(bounds) - 1)


def _start_on_spare(
    spare: SpareCpus, most: int, task: tuple[Any, ...], fork: bool, out: Sink
) -> list[_Worker] | None:
    """Up to `most` workers, one per CPU left idle since the last look (none before
    SPARE_WINDOW seconds passed), given the task; None when none can start. `out` is
    flushed before a fork, which would otherwise copy what it holds."""
    free = spare.since_last(SPARE_WINDOW)
    if free is None or free < 0.5:
        return []
    try:
        if fork:
            out.flush()
            return [_fork_worker(task) for _ in range(min(most, int(free + 0.5)))]
        workers = [_start_worker() for _ in range(min(most, int(free + 0.5)))]
    except _NoWorkerError as error:
        _give_up_ranges(str(error))
        return None
    for worker in workers:
        worker.send(task)
    return list(workers)


def _convert_here(
    out: Sink, source: TextFile, formats: tuple[str, str], options: Options, plan: Any, count: int
) -> tuple[int, RecordWriter]:
    """Convert one range in this process after the `count` records written (the first
    range, from the file's start, with its header row): the new count, and the writer."""
    parts_reader = records_of(formats[0]).parts
    writer_of = records_of(formats[1]).writer
    assert parts_reader is not None and writer_of is not None
    stream = parts_reader.read(source, options, plan, source.span is None or source.span[0] == 0)
    writer = writer_of(options, WriterPlan(stream.frame, stream.plain))
    return write_pieces(out, iter(stream), writer, count), writer


def _join_parts(
    out: Sink,
    writer: RecordWriter,
    claims: _Claims,
    numbers: range,
    started: Sequence[_Worker],
    count: int,
) -> int:
    """Wait for the workers, then append the parts of the ranges `numbers` (all claimed by
    workers) in order; the new count."""
    records: dict[int, int] = {}
    for worker in started:
        records.update(_worker_result(worker))
    for number in numbers:
        if number not in records:
            raise _SplitFailed
        if records[number]:
            out.write(writer.separator if count else writer.opening)
            out.append(claims.path(number))
            count += records[number]
    return count


def _stop(started: Sequence[_Worker], claims: _Claims | None, ranges: int) -> None:
    """End the workers (those still booting, or waiting for ranges, too) and remove the
    parts."""
    for worker in started:
        worker.stop()
    if claims is not None:
        claims.remove(ranges)


class _Spawned:
    """A worker in a new interpreter (_BOOT), given its task on its stdin."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    def send(self, task: tuple[Any, ...]) -> None:
        stdin = self.process.stdin
        if stdin is None:
            return  # sent already
        with contextlib.suppress(BrokenPipeError), stdin:
            pickle.dump(task, stdin)
        self.process.stdin = None  # sent: communicate() must not flush it

    def poll(self) -> int | None:
        return self.process.poll()

    def wait(self) -> int:
        return self.process.wait()

    def result(self) -> tuple[int, bytes, bytes]:
        """Once it has ended: its exit status, what it printed, and its errors."""
        output, errors = self.process.communicate()
        return self.process.returncode, output, errors

    def stop(self) -> None:
        process = self.process
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class _Forked:
    """A fork of this process converting the ranges of the task it was forked with; its
    report comes back on a pipe."""

    def __init__(self, pid: int, report: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._report = report  # the pipe's end to read, until the fork closes its own

    def send(self, task: tuple[Any, ...]) -> None:
        pass  # it has the task it was forked with

    def poll(self) -> int | None:
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self) -> int:
        while self.returncode is None:
            self._reap(0)
        return self.returncode

    def result(self) -> tuple[int, bytes, bytes]:
        """Once it has ended: its exit status, its report, and its error."""
        chunks: list[bytes] = []
        while chunk := os.read(self._report, 1 << 16):
            chunks.append(chunk)
        status = self.wait()
        report = b"".join(chunks)
        return (status, report, b"") if status == 0 else (status, b"", report)

    def stop(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self.wait()
        with contextlib.suppress(OSError):
            os.close(self._report)

    def _reap(self, flags: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored): nothing to tell
            self.returncode = 0
            return
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)


_Worker = _Spawned | _Forked


def _start_worker() -> _Spawned:
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, *sys.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as error:
        raise _NoWorkerError(f"{sys.executable!r}: {error.strerror}") from None
    return _Spawned(process)


def _fork_worker(task: tuple[Any, ...]) -> _Forked:
    """A fork converting the ranges of `task` (only where structconv.forking.can_fork).

    The standard streams are flushed first: the fork would have a copy of what they hold.
    (gc.freeze() before the fork, so that the fork's collector could not finalize this
    process's garbage, made the fork 30% slower: its full collections, paced by the objects
    not frozen, came far more often. The fork exits without finalizing anything else.)"""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.flush()
    report, reported = os.pipe()
    try:
        with interrupts_held():  # no Ctrl-C in the fork before it ignores SIGINT
            pid = os.fork()
            if pid == 0:
                _run_fork(task, report, reported)
    except OSError as error:
        os.close(report)
        os.close(reported)
        raise _NoWorkerError(f"cannot fork: {error.strerror}") from None
    os.close(reported)
    return _Forked(pid, report)


def _give_up_ranges(reason: str) -> None:
    """Convert in one process from now on: workers fail for a reason other than input."""
    global _parallel_broken
    _parallel_broken = True
    warnings.warn(
        f"structconv: a worker process failed ({reason}); converting in one process",
        RuntimeWarning,
        stacklevel=3,
    )


def _failure(status: int, errors: bytes) -> str:
    reason = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
    return reason[0] if reason else f"exit status {status}"


def _worker_result(worker: _Worker) -> dict[int, int]:
    """The record counts of the ranges a worker converted, by range number; _SplitFailed
    when it did not convert one. A worker that failed for another reason than its input
    turns ranges off for this process, with a warning (the conversion itself goes on in
    one process)."""
    status, output, errors = worker.result()
    if status == _WORKER_FAILED:
        raise _SplitFailed
    try:
        if status == 0:
            pairs = (line.split() for line in output.decode("ascii").splitlines())
            return {int(number): int(count) for number, count in pairs}
    except ValueError:
        pass
    _give_up_ranges(_failure(status, errors))
    raise _SplitFailed


def _notice_failed_starts(started: Sequence[_Worker]) -> None:
    """This process converted every range: a worker that has ended by now without being
    told its input failed anyway (an interpreter that cannot start), so turn ranges off;
    the others are ended unheard (one still booting does not hold the output back)."""
    for worker in started:
        if worker.poll() not in (None, 0, _WORKER_FAILED):
            status, _, errors = worker.result()
            _give_up_ranges(_failure(status, errors))
            return


def run_worker() -> None:
    """A worker in a new interpreter: its task from stdin, `number count` for each range
    it converted on stdout, exit status _WORKER_FAILED when the input is refused. Ctrl-C
    reaches the parent too, which stops the workers: here it is ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        task = pickle.load(sys.stdin.buffer)
    except EOFError:
        return  # not needed
    try:
        done = _convert_claimed(task)
    except _SplitFailed:
        sys.exit(_WORKER_FAILED)
    sys.stdout.write("\n".join(done))


def _run_fork(task: tuple[Any, ...], report: int, reported: int) -> NoReturn:
    """A forked worker: as run_worker, its report on the pipe `reported` (an error's
    instead, for a failure that is not the input's); then it exits at once, without
    running this process's exit handlers or flushing its files."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.close(report)
        try:
            message = "\n".join(_convert_claimed(task))
            status = 0
        except _SplitFailed:
            message, status = "", _WORKER_FAILED
        except BaseException as error:  # reported to the parent, which warns
            message = f"{type(error).__name__}: {error}"
        with open(reported, "wb") as pipe:
            pipe.write(message.encode("utf-8", "replace"))
    finally:
        os._exit(status)


def _convert_claimed(task: tuple[Any, ...]) -> list[str]:
    """Claim ranges from the last one down (the parent converts them from the first one
    up) and convert each into its part file; `number count` for each. _SplitFailed when
    the input is refused."""
    path, bounds, source_format, target_format, plan, options, template, parent = task
    done: list[str] = []
    for number in range(len(bounds) - 2, 0, -1):
        descriptor = _claim(template, number)
        if descriptor is None:
            continue  # the parent's, or another worker's
        span = (bounds[number], bounds[number + 1])
        try:
            with open(descriptor, "wb") as out:  # noqa: PTH123 (a descriptor)
                count = _convert_part(
                    TextFile(Path(path), records_of(source_format).newline, None, span),
                    out,
                    (source_format, target_format),
                    options,
                    plan,
                    parent,
                )
        except (_SplitFailed, *_RANGE_FAILS):
            if os.getppid() != parent:  # nobody joins or removes the part
                Path(template.format(number)).unlink(missing_ok=True)
            raise _SplitFailed from None
        done.append(f"{number} {count}")
    return done


def _convert_part(
    source: TextFile,
    out: IO[bytes],
    formats: tuple[str, str],
    options: Options,
    plan: Any,
    parent: int,
) -> int:
    """One range (records only) into its part file; the record count."""
    parts_reader = records_of(formats[0]).parts
    writer_of = records_of(formats[1]).writer
    assert parts_reader is not None and writer_of is not None
    stream = parts_reader.read(source, options, plan, False)
    writer = writer_of(options, WriterPlan(stream.frame, stream.plain))
    count = 0
    for batch in stream:
        if os.getppid() != parent:  # the parent was killed: nobody joins the part
            raise _SplitFailed
        if count:
            out.write(writer.separator)
        out.write(writer.piece(batch))
        count += len(batch)
    return count
