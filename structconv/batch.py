"""Many files at once: any concurrent.futures.Executor, atomic writes, one outcome per file.

A failure in one file never stops the others and never leaves a partial file:
each output is written through a temporary file and a rename, and the input is
only removed (by --in-place with a format change) once its replacement is whole.

The executor may be a process pool on this machine or a Dask cluster
(`distributed.Client(address).get_executor(pure=False)`): jobs go out as plain picklable
records with absolute paths (a worker's working directory is not the caller's) and come
back as FileOutcome records; nothing relies on fork or on state inherited from this
process. The workers must see the files at the same paths (one machine, or a shared file
system) and have the same structconv installed.

Workers write a chunk's outputs whole beside their targets; the disk sync before the
renames (structconv.atomic) is what waits longest. On this machine (no executor, or a
process or thread pool) a thread of the batch's own process does it while the workers
go on; a Dask worker, possibly on another machine, syncs its own chunks.

--in-place: an output that replaces its input under another name (`a.yaml` -> `a.json`)
takes the input's mode and owner, and may not overwrite an unrelated file of that name
unless forced; an input that is a symbolic link or has other hard links is refused (its
removal would leave the file it shares unconverted). An output that is its own input
(same format) is rewritten through its links (structconv.atomic.in_place_target).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from structconv import formats
from structconv.api import convert_file
from structconv.atomic import (
    BackgroundCommits,
    Writes,
    commit_writes,
    deferred_commits,
    discard_writes,
    in_place_target,
    permissions_from,
    remove_temporaries,
)
from structconv.errors import UsageError
from structconv.options import Options

# One file's outcome lives in structconv.outcome (the CLI converts one file without this
# module); its names stay importable from here.
from structconv.outcome import FileOutcome as FileOutcome
from structconv.outcome import attempt as attempt
from structconv.outcome import save_for_review as save_for_review
from structconv.result import Result

if TYPE_CHECKING:  # imported where a batch runs: converting one file does not need them
    from concurrent.futures import Executor, Future


@dataclass(frozen=True)
class Job:
    source: str
    output: str | None
    to: str
    src: str | None
    settings: dict[str, Any] = field(default_factory=dict)
    remove_source: bool = False
    # The output replaces the input (--in-place): under its own name (remove_source False),
    # or under the target format's, taking the input's permissions.
    in_place: bool = False


def _output_file(source: str, suffix: str, out_dir: str | os.PathLike[str] | None) -> str:
    """Where a converted file goes: the target suffix, beside the input or under out_dir
    (on strings: pathlib's parsing cost 0.4 s for a plan of 10,000 files)."""
    directory, name = os.path.split(source)
    stem, old_suffix = os.path.splitext(name)  # noqa: PTH122 - str in, str out
    if old_suffix == ".":  # "notes." has no suffix to replace, as for pathlib
        stem = name
    folder = directory if out_dir is None else os.fspath(out_dir)
    return os.path.join(folder, stem + suffix)  # noqa: PTH118 - str in, str out


def plan_jobs(
    sources: Sequence[str],
    *,
    to: str,
    src: str | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    in_place: bool = False,
    settings: dict[str, Any] | None = None,
    force: bool = False,
) -> list[Job]:
    """One job per input; refuses (UsageError) before any work when two jobs would
    write the same file, or, `in_place`, when an output would overwrite a file that is
    not its input (`p.yaml` -> an unrelated `p.json`) unless `force`."""
    if (out_dir is None) == (not in_place):
        raise UsageError(
            "a batch writes either into --out-dir DIR or --in-place, not both or neither"
        )
    Options.from_settings(settings or {})
    jobs: list[Job] = []
    claimed: dict[str, str] = {}
    directories: dict[str, str] = {}
    suffix = formats.get_suffix(to)
    overwritten: list[str] = []
    for source in map(os.fspath, sources):
        target = _output_file(source, suffix, out_dir)
        resolved = _resolved(target, directories)
        if resolved in claimed:
            raise UsageError(
                f"{source} and {claimed[resolved]} would both be written to {target}; "
                "convert them separately or into different directories"
            )
        claimed[resolved] = source
        removes = in_place and resolved != _resolved(source, directories)
        if removes and not force and os.path.lexists(target):
            overwritten.append(target)
        if in_place and not removes and os.path.islink(target):  # noqa: PTH114 - 10,000 plans
            target = resolved  # rewritten through the link: the file it points to
        jobs.append(Job(source, target, to, src, dict(settings or {}), removes, in_place))
    if overwritten:
        shown = ", ".join(overwritten[:3]) + (
            f" and {len(overwritten) - 3} more" if len(overwritten) > 3 else ""
        )
        raise UsageError(
            f"--in-place would overwrite {len(overwritten)} existing file(s) that are not "
            f"their input: {shown}; move them away, or pass --force (API: force=True) to "
            "overwrite them"
        )
    return jobs


def _resolved(path: str, directories: dict[str, str]) -> str:
    """os.path.realpath(path), resolving each directory once (`directories` keeps them):
    Path.resolve() of 10,000 files costs 0.3 s before a batch can start."""
    parent, name = os.path.split(path)
    real_parent = directories.get(parent)
    if real_parent is None:
        real_parent = directories[parent] = os.path.realpath(parent or ".")
    resolved = os.path.join(real_parent, name)  # noqa: PTH118 - str in, str out
    return os.path.realpath(resolved) if os.path.islink(resolved) else resolved  # noqa: PTH114


def run_job(job: Job, *, remove_source: bool | None = None) -> FileOutcome:
    """One job; never raises: even an unexpected error (a bug) is this file's outcome.

    `remove_source=False`: leave the removal of an input that --in-place replaces to the
    caller, once the output is in place (`settle`)."""
    removes = job.remove_source if remove_source is None else remove_source

    def action() -> Result:
        output = job.output
        permissions: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        if job.in_place and job.remove_source:
            _check_removable(job.source)
            permissions = permissions_from(job.source)
        elif job.in_place and output is not None:
            output = in_place_target(output)
            permissions = permissions_from(output)
        with permissions:
            result = convert_file(job.source, to=job.to, out=output, src=job.src, **job.settings)
        if removes:
            Path(job.source).unlink()
        return result

    started = time.perf_counter()
    try:
        return attempt(job.source, job.output, job.to, action)
    except Exception as error:  # an unexpected error in one file must not end the batch
        return _failed(job, f"internal error: {type(error).__name__}: {error}", started, error)


def _check_removable(source: str) -> None:
    """Refuse (UsageError) an input whose removal by --in-place would leave data behind
    unconverted: a symbolic link (the file it points to) or a file with other hard links."""
    path = Path(source)
    if path.is_symlink():
        raise UsageError(
            f"it is a symbolic link to {path.readlink()}: --in-place would remove the "
            "link and leave that file unconverted; convert the file itself, or use --out-dir"
        )
    links = path.stat().st_nlink
    if links > 1:
        raise UsageError(
            f"it has {links} hard links: --in-place would remove this name and leave the "
            f"other {links - 1} with the old content; use --out-dir, or remove the other links"
        )


@dataclass(frozen=True)
class WrittenChunk:
    """A chunk's outcomes, its outputs written whole beside their targets but not yet in
    place: `settle` them once `writes` are committed (structconv.atomic); or, `committed`,
    outcomes already settled by the worker."""

    outcomes: list[FileOutcome]
    writes: Writes
    committed: bool = False


def write_jobs(jobs: Sequence[Job], base: str | None = None) -> WrittenChunk:
    """A chunk of jobs in one worker call (fewer round trips to a pool), leaving the disk
    sync and the renames to the caller: a worker on this machine goes on to its next chunk
    while the batch's own process commits this one.

    `base`: the caller's working directory, which relative paths are taken from (a
    worker's own may be another); outcomes name the files as the jobs did."""
    local = [_portable(job, base) for job in jobs] if base is not None else list(jobs)
    with deferred_commits() as pending:
        outcomes = [run_job(job, remove_source=False) for job in local]
        writes = pending.detach()
    if base is not None:
        outcomes = [_as_given(outcome, job) for outcome, job in zip(outcomes, jobs, strict=True)]
    return WrittenChunk(outcomes, writes)


def run_jobs(jobs: Sequence[Job], base: str | None = None) -> list[FileOutcome]:
    """write_jobs, then its commit here, with one disk sync for the chunk: for a worker on
    another machine (a Dask cluster), whose disk a sync in the caller's process does not
    reach."""
    chunk = write_jobs(jobs, base)
    return settle(jobs, chunk.outcomes, commit_writes(chunk.writes), base)


def settle(
    jobs: Sequence[Job],
    outcomes: Sequence[FileOutcome],
    failed: dict[str, OSError],
    base: str | None = None,
) -> list[FileOutcome]:
    """The outcomes once their chunk's writes are committed (`failed`: the targets that
    could not be replaced): an input that --in-place replaces is removed only now that
    its output is in place."""
    if not failed and not any(job.remove_source for job in jobs):
        return list(outcomes)
    return [
        _settled(job, outcome, failed, base) for job, outcome in zip(jobs, outcomes, strict=True)
    ]


def _settled(
    job: Job, outcome: FileOutcome, failed: dict[str, OSError], base: str | None
) -> FileOutcome:
    def local(path: str) -> str:  # as the worker named it
        return path if base is None else _absolute(path, base)

    output = local(job.output) if job.output else None
    error: OSError | None = failed.get(output) if output else None
    if error is None and outcome.ok and job.remove_source:
        try:
            Path(local(job.source)).unlink()
        except OSError as unlink_error:
            error = unlink_error
    if error is None:
        return outcome
    return outcome._replace(
        ok=False,
        output=None if output in failed else outcome.output,
        error=str(error),
        error_kind=type(error).__name__,
    )


def _failed(job: Job, message: str, started: float, error: BaseException) -> FileOutcome:
    return FileOutcome(
        job.source,
        None,
        False,
        target_format=job.to,
        error=message,
        seconds=time.perf_counter() - started,
        error_kind=type(error).__name__,
    )


def chunk_size_for(count: int) -> int:
    """Files per task: about 64 tasks for a small batch, so that every worker of a pool or a
    cluster gets several (the last ones to finish are short), and at most 32 files a task
    on a large one: a task then takes well under a second, round trips to a pool or a
    remote scheduler (about 1 ms each) stay a small share, and progress stays smooth."""
    return max(1, min(32, count // 64))


_PATH_SETTINGS = ("schema", "model")  # settings that name a file


def _portable(job: Job, base: str) -> Job:
    """The job with absolute paths, relative ones taken from `base`."""
    settings = dict(job.settings)
    for name in _PATH_SETTINGS:
        if isinstance(settings.get(name), str):
            settings[name] = _absolute(settings[name], base)
    output = None if job.output is None else _absolute(job.output, base)
    return replace(job, source=_absolute(job.source, base), output=output, settings=settings)


def _absolute(path: str, base: str) -> str:
    """os.path.abspath from `base` (Path.absolute() cost 0.2 s for 10,000 jobs)."""
    return os.path.normpath(os.path.join(base, path))  # noqa: PTH118 - str in, str out


def _as_given(outcome: FileOutcome, job: Job) -> FileOutcome:
    """The outcome under the paths as the caller gave them (error lines, the report)."""
    output = job.output if outcome.output else None
    if outcome.source == job.source and outcome.output == output:
        return outcome
    return outcome._replace(source=job.source, output=output)


def remove_leftovers(jobs: Sequence[Job]) -> int:
    """Remove what writes that never finished left beside these jobs' outputs (a worker
    that died or was stopped, an interrupt): the temporary files of an atomic write in
    progress, or of a chunk's writes not yet committed (an output is never partial). Call
    it once no worker writes them any more; how many were removed."""
    return remove_temporaries(job.output for job in jobs if job.output is not None)


def convert_many(
    files: Sequence[str | os.PathLike[str]] | Sequence[Job],
    *,
    to: str | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    in_place: bool = False,
    src: str | None = None,
    force: bool = False,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    on_done: Callable[[FileOutcome], None] | None = None,
    **settings: Any,
) -> list[FileOutcome]:
    """Convert `files` (paths, planned here as `plan_jobs` plans them: `to`, `out_dir` or
    `in_place`, `src`, `force` and the settings of `convert`), or jobs planned already, in
    this process or on `executor` (a process pool, a Dask client's executor, ...); one
    outcome per file, in their order, and `on_done` is called on this thread.

    A missing `out_dir` (the folder of each output) is created first; a folder that
    cannot be created or written to is a UsageError before any work.

    In this process or on a process or thread pool, the workers leave each chunk's disk
    sync and renames to a thread of this process and go on converting; on any other
    executor (a Dask cluster, whose workers may be other machines) each worker commits
    its own chunks. A chunk whose worker failed (it was killed, ran out of memory, the
    pool broke) is run again once the others are done, one job at a time, so that one bad
    file cannot take its neighbours down (nor, killing a worker again, those running
    beside it); a job that fails that way too gets an outcome naming the failure.

    Interrupted (KeyboardInterrupt), the jobs not started are cancelled and what was
    written but is not in place is removed: at once in this process, and as each chunk
    still running on a pool comes back. `remove_leftovers(jobs)` clears what workers that
    were stopped mid-write left.
    """
    jobs = _jobs_of(files, to, out_dir, in_place, src, force, settings)
    make_output_folders(jobs)
    size = chunk_size or chunk_size_for(len(jobs))
    chunks = [range(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    here = executor is None or isinstance(executor, ProcessPoolExecutor | ThreadPoolExecutor)
    base = None if executor is None else str(Path.cwd())
    collected = _Collected(jobs, base, on_done, commit_here=here)
    try:
        if executor is None:
            for indexes in chunks:
                collected.take(indexes, write_jobs(jobs[indexes.start : indexes.stop]))
        else:
            _run_on(executor, write_jobs if here else _written_and_committed, chunks, collected)
    except BaseException:
        collected.discard()
        if executor is None:
            remove_leftovers(jobs)  # an interrupt between a write and its record
        raise
    collected.close()
    return collected.in_order()


def _jobs_of(
    files: Sequence[str | os.PathLike[str]] | Sequence[Job],
    to: str | None,
    out_dir: str | os.PathLike[str] | None,
    in_place: bool,
    src: str | None,
    force: bool,
    settings: dict[str, Any],
) -> Sequence[Job]:
    planned = [item for item in files if isinstance(item, Job)]
    if planned and len(planned) == len(files):
        if (
            to is not None
            or out_dir is not None
            or in_place
            or src is not None
            or force
            or settings
        ):
            raise UsageError(
                "the jobs are planned already (plan_jobs): give convert_many either paths "
                "with to=, out_dir= or in_place=, ..., or jobs alone"
            )
        return planned
    if planned:
        raise UsageError("give convert_many paths or jobs (plan_jobs), not both")
    if to is None:
        raise UsageError("convert_many(paths, to=FORMAT, out_dir=DIR or in_place=True)")
    paths = [os.fspath(path) for path in files]  # type: ignore[arg-type]
    return plan_jobs(
        paths, to=to, src=src, out_dir=out_dir, in_place=in_place, settings=settings, force=force
    )


def make_output_folders(jobs: Sequence[Job]) -> None:
    """Create the folders the outputs go to (not those of outputs that replace their
    inputs, which exist); UsageError, before any work, for one that cannot be created or
    written to."""
    folders = {os.path.dirname(job.output) for job in jobs if job.output and not job.in_place}  # noqa: PTH120
    for folder in sorted(folders):
        output_folder_ready(folder or ".")


def output_folder_ready(folder: str | os.PathLike[str]) -> None:
    """Create `folder` if missing; UsageError when it cannot be, or cannot be written to
    (checked now, not on each file: a batch would fail every file with the same error)."""
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"{path}: cannot write outputs into it: it is not a folder") from None
    except OSError as error:
        raise UsageError(
            f"{path}: cannot create the output folder: {error.strerror}; "
            "choose a folder you can write to"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(
            f"{path}: cannot write outputs into it: permission denied; "
            "choose a folder you can write to, or change its permissions"
        )


class _Collected:
    """The batch's outcomes as its chunks come back, each settled once its outputs are in
    place: committed by a thread of this process (BackgroundCommits) when a worker on this
    machine left that to it."""

    def __init__(
        self,
        jobs: Sequence[Job],
        base: str | None,
        on_done: Callable[[FileOutcome], None] | None,
        *,
        commit_here: bool,
    ) -> None:
        self.jobs = jobs
        self.base = base
        self._on_done = on_done
        self._outcomes: dict[int, FileOutcome] = {}
        self._commits: BackgroundCommits[tuple[range, list[FileOutcome]]] | None = (
            BackgroundCommits() if commit_here else None
        )

    def take(self, indexes: range, chunk: WrittenChunk) -> None:
        if chunk.committed:
            self._done(indexes, chunk.outcomes)
        elif self._commits is None:
            raise TypeError("a chunk written elsewhere must come committed")
        else:
            self._commits.put((indexes, chunk.outcomes), chunk.writes)
        if self._commits is not None:
            self._settle(self._commits.committed())

    def close(self) -> None:
        """Wait for the commits still running (a batch never returns with outputs beside
        their targets)."""
        if self._commits is not None:
            self._settle(self._commits.close())

    def discard(self) -> None:
        """Remove the outputs not yet in place: an interrupted batch leaves no temporary
        file."""
        if self._commits is not None:
            self._commits.discard()

    def in_order(self) -> list[FileOutcome]:
        return [self._outcomes[index] for index in range(len(self.jobs))]

    def _settle(
        self, committed: list[tuple[tuple[range, list[FileOutcome]], dict[str, OSError]]]
    ) -> None:
        for (indexes, outcomes), failed in committed:
            jobs = self.jobs[indexes.start : indexes.stop]
            self._done(indexes, settle(jobs, outcomes, failed, self.base))

    def _done(self, indexes: range, outcomes: Sequence[FileOutcome]) -> None:
        for index, outcome in zip(indexes, outcomes, strict=True):
            self._outcomes[index] = outcome
            if self._on_done is not None:
                self._on_done(outcome)


def _written_and_committed(jobs: Sequence[Job], base: str | None = None) -> WrittenChunk:
    """run_jobs, for a worker that must commit its chunk itself."""
    return WrittenChunk(run_jobs(jobs, base), [], committed=True)


Task = Callable[[Sequence[Job], str | None], WrittenChunk]


def _run_on(executor: Executor, task: Task, chunks: list[range], collected: _Collected) -> None:
    from concurrent.futures import as_completed

    jobs, base = collected.jobs, collected.base
    pending = {
        _submit(executor, task, jobs[indexes.start : indexes.stop], base): indexes
        for indexes in chunks
    }
    again: list[int] = []
    try:
        for future in as_completed(list(pending)):
            indexes = pending.pop(future)
            try:
                chunk = future.result()
            except Exception:
                again.extend(indexes)
                continue
            collected.take(indexes, chunk)
    finally:
        for future in pending:  # left by an interrupt: no written output may stay behind
            if not future.cancel():
                future.add_done_callback(_discard_written)
    for index in sorted(again):
        # The dead worker may have left any job of its chunk written but not yet renamed.
        remove_leftovers(jobs[index : index + 1])
        started = time.perf_counter()
        try:
            chunk = _submit(
                executor, _written_and_committed, jobs[index : index + 1], base
            ).result()
        except Exception as error:
            remove_leftovers(jobs[index : index + 1])
            failure = _failed(jobs[index], f"the worker failed: {error!r}", started, error)
            chunk = WrittenChunk([failure], [], committed=True)
        collected.take(range(index, index + 1), chunk)


def _discard_written(future: Future[WrittenChunk]) -> None:
    if not future.cancelled() and future.exception() is None:
        discard_writes(future.result().writes)


def _submit(
    executor: Executor, task: Task, chunk: Sequence[Job], base: str | None
) -> Future[WrittenChunk]:
    """executor.submit, or a future holding the error when the executor refuses (a broken
    process pool refuses every new task)."""
    from concurrent.futures import Future

    try:
        return executor.submit(task, list(chunk), base)
    except Exception as error:
        refused: Future[WrittenChunk] = Future()
        refused.set_exception(error)
        return refused
