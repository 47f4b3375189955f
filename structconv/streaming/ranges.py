"""One file in byte ranges, on several cores (a format whose record codec has `parts`: CSV).

A file of many megabytes is cut into byte ranges where its record codec says a range may
end; this process converts the first range, worker processes the others, each into a
part file beside the target, and the parts are joined in order into the (atomic) target.
A run in which every range converts cleanly wrote exactly the bytes of converting in one
process; anything else (a bad record, a bad cut, a worker that could not start) discards
the parts and converts in one process, which reports the first error with its exact line
and column, as always.
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
from pathlib import Path

from structconv.atomic import temporary_prefix
from structconv.errors import ParseError, RoundTripError
from structconv.formats.records import EncodingMismatch, StartOver, WriterPlan
from structconv.options import Options
from structconv.streaming.sources import TextFile, records_of
from structconv.streaming.targets import Output, write_pieces

# A range below this size is not worth a worker process (its start-up is ~0.1 s; a range of
# 8 MB converts in ~0.4 s). `workers=N` given explicitly splits ranges down to
# MIN_RANGE_BYTES.
AUTO_RANGE_BYTES = 8 << 20
MIN_RANGE_BYTES = 1 << 20
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


class _NoInterpreterError(Exception):
    """sys.executable cannot be started (an embedded or frozen Python)."""


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def range_count(size: int, options: Options) -> int:
    """How many ranges a file of `size` bytes is converted in (1: in this process).

    workers=None (auto): one per available CPU, each at least AUTO_RANGE_BYTES, and one in
    a process of a pool (multiprocessing, e.g. `structconv convert --jobs N`), whose
    siblings already use the other CPUs. workers=N: up to N, each at least MIN_RANGE_BYTES.
    """
    if options.workers is not None:
        return max(1, min(options.workers, size // MIN_RANGE_BYTES))
    count = min(_available_cpus(), size // AUTO_RANGE_BYTES)
    if count < 2:
        return 1
    import multiprocessing

    return 1 if multiprocessing.parent_process() is not None else count


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
    parts = range_count(size, options)
    if parts < 2:
        return None
    started: list[subprocess.Popen[bytes]] = []
    part_paths: list[Path] = []
    try:
        # Start the interpreters first: they boot while this process plans the ranges.
        for _ in range(parts - 1):
            started.append(_start_worker())
        head = parts_reader.head(source, options)
        if head is None:
            return None
        plan, records_start = head
        cuts = parts_reader.cuts(source.path, records_start, size, parts)
        if not cuts:
            return None
        workers = started[: len(cuts)]
        bounds = [0, *cuts, size]
        for index, worker in enumerate(workers, start=1):
            part = _part_path(output)
            part_paths.append(part)
            task = (
                str(source.path),
                (bounds[index], bounds[index + 1]),
                source_format,
                plan,
                options,
                target_format,
                str(part),
                os.getpid(),
            )
            assert worker.stdin is not None
            with contextlib.suppress(BrokenPipeError), worker.stdin:
                pickle.dump(task, worker.stdin)
            worker.stdin = None  # sent: communicate() must not flush it
        first = TextFile(source.path, source.newline, None, (0, cuts[0]))
        stream = parts_reader.read(first, options, plan, True)
        writer_of = records_of(target_format).writer
        assert writer_of is not None
        writer = writer_of(options, WriterPlan(stream.frame, stream.plain))
        with output.writing() as out:
            count = write_pieces(out, iter(stream), writer, 0)
            for worker, part in zip(workers, part_paths, strict=True):
                records = _worker_result(worker)
                if records:
                    out.write(writer.separator if count else writer.opening)
                    out.append(part)
                    count += records
            out.write(writer.closing(count))
        return count
    except (_SplitFailed, *_RANGE_FAILS):
        return None
    except _NoInterpreterError as error:
        _give_up_ranges(str(error))
        return None
    finally:
        _stop(started, part_paths)


def _stop(started: list[subprocess.Popen[bytes]], part_paths: list[Path]) -> None:
    """End the workers (those without a range too: they wait for one on stdin) and
    remove the parts."""
    for worker in started:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        for stream in (worker.stdin, worker.stdout, worker.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
    for part in part_paths:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


def _part_path(output: Output) -> Path:
    target = Path(output.path)
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=temporary_prefix(target.name), suffix=".part", dir=target.parent
        )
    except OSError as error:
        raise output.failed(error) from None
    os.close(descriptor)
    return Path(name)


def _start_worker() -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            [sys.executable, "-c", _BOOT, *sys.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as error:
        raise _NoInterpreterError(f"{sys.executable!r}: {error.strerror}") from None


def _give_up_ranges(reason: str) -> None:
    """Convert in one process from now on: workers fail for a reason other than input."""
    global _parallel_broken
    _parallel_broken = True
    warnings.warn(
        f"structconv: a worker process failed ({reason}); converting in one process",
        RuntimeWarning,
        stacklevel=3,
    )


def _worker_result(worker: subprocess.Popen[bytes]) -> int:
    """The record count a worker wrote; _SplitFailed when it did not convert its range.
    A worker that failed for another reason than its input turns ranges off for this
    process, with a warning (the conversion itself goes on in one process)."""
    output, errors = worker.communicate()
    if worker.returncode == _WORKER_FAILED:
        raise _SplitFailed
    if worker.returncode == 0 and output.isdigit():
        return int(output)
    reason = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
    _give_up_ranges(reason[0] if reason else f"exit status {worker.returncode}")
    raise _SplitFailed


def run_worker() -> None:
    """A worker process: convert the range described on stdin into its part file, print
    its record count; exit with _WORKER_FAILED when the input is refused. Ctrl-C reaches
    the parent too, which stops the workers: here it is ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        task = pickle.load(sys.stdin.buffer)
    except EOFError:
        return  # no range for this worker
    path, span, source_format, plan, options, target_format, part, parent = task
    reader = records_of(source_format)
    writer_of = records_of(target_format).writer
    assert reader.parts is not None and writer_of is not None
    count = 0
    try:
        source = TextFile(Path(path), reader.newline, None, span)
        stream = reader.parts.read(source, options, plan, False)
        writer = writer_of(options, WriterPlan(stream.frame, stream.plain))
        with Path(part).open("wb") as out:
            for batch in stream:
                if os.getppid() != parent:  # the parent was killed: nobody joins the part
                    raise _SplitFailed
                if count:
                    out.write(writer.separator)
                out.write(writer.piece(batch))
                count += len(batch)
    except (_SplitFailed, *_RANGE_FAILS):
        if os.getppid() != parent:
            Path(part).unlink(missing_ok=True)
        sys.exit(_WORKER_FAILED)
    sys.stdout.write(str(count))
