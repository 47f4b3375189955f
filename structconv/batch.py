"""Many files at once: any concurrent.futures.Executor, atomic writes, one outcome per file.

A failure in one file never stops the others and never leaves a partial file:
each output is written through a temporary file and a rename, and the input is
only removed (by --in-place with a format change) once its replacement is whole.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from structconv import formats
from structconv.api import convert_file
from structconv.atomic import write_atomic
from structconv.errors import (
    AmbiguousInput,
    ParseError,
    RepairRejected,
    StructconvError,
    UsageError,
)
from structconv.options import Options
from structconv.result import Fix, Result


@dataclass(frozen=True)
class Job:
    source: str
    output: str | None
    to: str
    src: str | None
    settings: dict[str, Any] = field(default_factory=dict)
    remove_source: bool = False


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file; `line`/`column` are 0 when the error has no position."""

    source: str
    output: str | None
    ok: bool
    source_format: str | None = None
    target_format: str | None = None
    encoding: str | None = None
    error: str | None = None
    line: int = 0
    column: int = 0
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    # What a repair changed (also on a refused repair: the fixes it attempted).
    fixes: tuple[Fix, ...] = ()
    confidence: float = 1.0
    used_model: bool = False
    # The class of the error: ParseError, RepairRejected, AmbiguousInput, ...
    error_kind: str | None = None

    def error_line(self) -> str:
        """`path:line:col: message`, the form editors and CI logs understand."""
        where = f"{self.source}:{self.line}:{self.column}" if self.line else self.source
        return f"{where}: {self.error}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def output_path(
    source: str | os.PathLike[str], to: str, out_dir: str | os.PathLike[str] | None
) -> Path:
    """Where a converted file goes: the target suffix, beside the input or under out_dir."""
    source_path = Path(source)
    suffix = formats.get_suffix(to)
    name = source_path.with_suffix(suffix).name
    return (Path(out_dir) if out_dir is not None else source_path.parent) / name


def plan_jobs(
    sources: Sequence[str],
    *,
    to: str,
    src: str | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    in_place: bool = False,
    settings: dict[str, Any] | None = None,
) -> list[Job]:
    """One job per input; refuses (UsageError) before any work when two jobs would
    write the same file."""
    if (out_dir is None) == (not in_place):
        raise UsageError(
            "a batch writes either into --out-dir DIR or --in-place, not both or neither"
        )
    Options.from_settings(settings or {})
    jobs: list[Job] = []
    claimed: dict[Path, str] = {}
    for source in sources:
        target = output_path(source, to, out_dir)
        resolved = target.resolve()
        if resolved in claimed:
            raise UsageError(
                f"{source} and {claimed[resolved]} would both be written to {target}; "
                "convert them separately or into different directories"
            )
        claimed[resolved] = source
        removes = in_place and resolved != Path(source).resolve()
        jobs.append(Job(source, str(target), to, src, dict(settings or {}), removes))
    return jobs


def save_for_review(source: str, refused: RepairRejected) -> str | None:
    """Keep a repair held for review beside its input, as `<input>.review.json`.

    Only a held repair (it passed validation, the model was not sure enough) is kept:
    a refused one is wrong, not uncertain. Returns the file's path (None: nothing kept).
    """
    if not refused.held or source == "-":
        return None
    path = f"{source}.review.json"
    record = {
        "source": source,
        "format": refused.format,
        "reason": refused.why,
        "confidence": refused.confidence,
        "line": refused.line,
        "column": refused.column,
        "candidate_data": refused.candidate_data,
        "candidate_text": refused.candidate_text,
        "fixes": [asdict(fix) for fix in refused.fixes],
    }
    write_atomic(path, json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def attempt(source: str, output: str | None, to: str, action: Callable[[], Result]) -> FileOutcome:
    """Run one conversion; every structconv or OS failure becomes an outcome, never an exception."""
    started = time.perf_counter()
    try:
        result = action()
    except (ParseError, RepairRejected, AmbiguousInput) as error:
        refused = error if isinstance(error, RepairRejected) else None
        review = save_for_review(source, refused) if refused is not None else None
        return FileOutcome(
            source,
            None,
            False,
            source_format=error.format,
            target_format=to,
            error=error.brief if isinstance(error, ParseError) else str(error),
            line=error.line,
            column=error.column,
            seconds=time.perf_counter() - started,
            fixes=refused.fixes if refused else (),
            confidence=refused.confidence if refused else 0.0,
            error_kind=type(error).__name__,
            notes=(f"the candidate is saved for review in {review}",) if review else (),
        )
    except (StructconvError, OSError) as error:
        return FileOutcome(
            source,
            None,
            False,
            target_format=to,
            error=str(error),
            seconds=time.perf_counter() - started,
            error_kind=type(error).__name__,
        )
    return FileOutcome(
        source,
        output,
        True,
        source_format=result.source_format,
        target_format=result.target_format,
        encoding=result.encoding,
        notes=result.notes,
        seconds=time.perf_counter() - started,
        fixes=result.fixes,
        confidence=result.confidence,
        used_model=result.used_model,
    )


def run_job(job: Job) -> FileOutcome:
    def action() -> Result:
        result = convert_file(job.source, to=job.to, out=job.output, src=job.src, **job.settings)
        if job.remove_source:
            Path(job.source).unlink()
        return result

    return attempt(job.source, job.output, job.to, action)


def run_jobs(jobs: Sequence[Job]) -> list[FileOutcome]:
    """A chunk of jobs in one worker call: fewer round trips to a process pool."""
    return [run_job(job) for job in jobs]


def _chunks(jobs: Sequence[Job], size: int) -> Iterable[Sequence[Job]]:
    for start in range(0, len(jobs), size):
        yield jobs[start : start + size]


def convert_many(
    jobs: Sequence[Job],
    *,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    on_done: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Run the jobs, in this process or on `executor` (a process pool, a Dask client's
    executor, ...); outcomes come back in the order of `jobs`."""
    outcomes: dict[int, FileOutcome] = {}
    if executor is None:
        for index, job in enumerate(jobs):
            outcomes[index] = run_job(job)
            if on_done is not None:
                on_done(outcomes[index])
    else:
        # Small chunks keep workers evenly loaded; larger ones save round trips on big batches.
        size = chunk_size or max(1, min(32, len(jobs) // 64))
        pending: dict[Future[list[FileOutcome]], int] = {}
        for start, chunk in zip(range(0, len(jobs), size), _chunks(jobs, size), strict=True):
            pending[executor.submit(run_jobs, chunk)] = start
        for future in as_completed(pending):
            start = pending[future]
            for offset, outcome in enumerate(future.result()):
                outcomes[start + offset] = outcome
                if on_done is not None:
                    on_done(outcome)
    return [outcomes[index] for index in range(len(jobs))]
