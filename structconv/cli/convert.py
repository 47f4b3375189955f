"""`structconv convert`: one input to stdout or a file, or a batch of files."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from structconv import __version__
from structconv.api import convert, convert_file, modules_for
from structconv.atomic import write_atomic
from structconv.cli.shared import (
    Command,
    FlagError,
    ReaderGone,
    add_model_options,
    file_path,
    folder_path,
    format_argument,
    given_settings,
    int_range,
    uninterrupted,
)
from structconv.errors import UsageError
from structconv.names import REPAIR_MODES
from structconv.options import YAML_MERGE_POLICIES, YAML_TAG_POLICIES, Options
from structconv.outcome import FileOutcome, attempt
from structconv.result import Result
from structconv.source import read_stream

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from structconv.batch import Job


def _progress(total: int) -> Any:
    """A progress bar on stderr for batches, off when stderr is not a terminal."""
    if total < 2 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr, leave=False)


def _report_folder_ready(path: str) -> None:
    """The report is written after the batch: its folder must be there before it starts."""
    folder = os.path.dirname(path) or "."  # noqa: PTH120 - str in, str out
    if not Path(folder).is_dir():
        raise FlagError(
            "--report",
            f"{path}: the folder {folder} does not exist; create it, or write the report elsewhere",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FlagError(
            "--report",
            f"{path}: cannot write into {folder} (permission denied); write the report elsewhere",
        )


def _write_report(path: str, outcomes: list[FileOutcome]) -> None:
    report = {
        "version": __version__,
        "files": len(outcomes),
        "failed": sum(not outcome.ok for outcome in outcomes),
        "outcomes": [outcome.to_json() for outcome in outcomes],
    }
    # orjson: json.dumps with indent runs in Python, 1 s for 10,000 files after the batch.
    text = orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()
    write_atomic(path, text + "\n")


def _convert_single(
    source: str, to: str, src: str | None, output: str | None, settings: dict[str, Any]
) -> FileOutcome:
    """One input (a file or `-` for stdin) to stdout or to `output`."""
    target = None if output in (None, "-") else output

    def action() -> Result:
        if source == "-":
            limit = settings.get("max_bytes", Options.max_bytes)
            raw = read_stream(sys.stdin.buffer, limit, src or "input")
            result = convert(raw, to=to, src=src, **settings)
            if target is not None:
                write_atomic(target, result.text)
        else:
            result = convert_file(source, to=to, out=target, src=src, **settings)
        if target is None:
            try:
                sys.stdout.write(result.text)
                sys.stdout.flush()
            except BrokenPipeError as error:
                raise ReaderGone from error
        return result

    return attempt(source, target, to, action)


def _add_destination_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the outputs go, and how the batch runs."""
    format_argument(parser, "--to", dest="to", required=True, help="Target format.")
    format_argument(parser, "--from", dest="src", help="Source format (default: detected).")
    parser.add_argument(
        "-o", "--output", help="Output file for a single input ('-' = stdout, the default)."
    )
    parser.add_argument(
        "--out-dir", type=folder_path(), metavar="DIR", help="Write each output here."
    )
    parser.add_argument(
        "--in-place", action="store_true", help="Replace each input by its conversion."
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="With --in-place: overwrite an existing file of the output's name (a.json for a.yaml).",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        default=1,
        type=int_range(1),
        metavar="N",
        help="Files converted at once, each in a process of its own (for many files). "
        "Default: %(default)s.",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Convert the files on a Dask cluster: its scheduler's address (tcp://host:8786). "
        "The workers must see the files at the same paths. Needs structconv[dask].",
    )
    parser.add_argument(
        "--workers",
        type=int_range(1),
        metavar="N",
        help="Processes for one big CSV file converted to json or jsonl, each taking parts of "
        "it (default: one more per CPU found idle, for files of 8 MiB per process and up; 1 "
        "with --jobs > 1).",
    )
    parser.add_argument(
        "--report", type=file_path(), metavar="FILE", help="Write a JSON report of every file."
    )


# The flags that become the conversion's settings (Options), given only when set.
SETTINGS = (
    "schema",
    "null",
    "root",
    "item",
    "multi_document",
    "yaml_tags",
    "yaml_merge",
    "stringify_keys",
    "infer_types",
    "unflatten",
    "header",
    "table",
    "delimiter",
    "toml_version",
    "escape_formulas",
    "indent",
    "sort_keys",
    "max_depth",
    "max_bytes",
    "max_alias_bytes",
    "verify",
    "repair",
    "workers",
    "model",
    "min_confidence",
)


def _add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """The conversion's settings (Options): a flag not given is None, Options' default."""
    switch: dict[str, Any] = {"action": "store_true", "default": None}
    toggle: dict[str, Any] = {"action": argparse.BooleanOptionalAction, "default": None}
    parser.add_argument(
        "--schema",
        type=file_path(must_exist=True),
        metavar="FILE",
        help="XML Schema (.xsd) for XML.",
    )
    parser.add_argument(
        "--null", choices=["error", "drop", "empty"], help="Nulls where the target has none."
    )
    parser.add_argument(
        "--root", help="Element (XML) or key (TOML) that wraps data without a single root."
    )
    parser.add_argument("--item", help="XML element name for unnamed list items (default: item).")
    parser.add_argument("--multi-document", **switch, help="YAML streams as a list of documents.")
    parser.add_argument(
        "--yaml-tags",
        choices=YAML_TAG_POLICIES,
        help='YAML tags (!Ref x): keep (default; {"!Ref": "x"} in other formats and back), '
        "drop (the value alone), refuse.",
    )
    parser.add_argument(
        "--yaml-merge",
        choices=YAML_MERGE_POLICIES,
        help="YAML merge keys (<<: *base): expand (default) or keep as an ordinary key.",
    )
    parser.add_argument("--stringify-keys", **switch, help="Write non-string keys as strings.")
    parser.add_argument(
        "--infer-types", **toggle, help="CSV: read 7, 1.5, true as typed (default on)."
    )
    parser.add_argument(
        "--unflatten",
        **toggle,
        help="CSV: read dotted columns (a.b) as nested records (default on).",
    )
    parser.add_argument(
        "--header",
        **toggle,
        help="CSV: --no-header reads every row as a list of cells (the file has no header row).",
    )
    parser.add_argument(
        "--table",
        metavar="N|all",
        help="CSV holding several tables: read table N (from 1), or all as a list of tables "
        "(default: such a file is refused at the line where its second table starts).",
    )
    parser.add_argument(
        "--delimiter", help="CSV delimiter (default: sniffed on reading, ',' on writing)."
    )
    parser.add_argument(
        "--toml-version",
        choices=["1.0", "1.1"],
        help="TOML read as 1.1 (default) or strictly as 1.0.",
    )
    parser.add_argument(
        "--escape-formulas",
        **switch,
        help="CSV: write text cells starting with = + - @ TAB or CR with a leading ' so that "
        "spreadsheets show them as text instead of running them (default: as they are, with a note).",
    )
    parser.add_argument(
        "--indent", type=int_range(0, 16), metavar="0..16", help="Indentation (default 2)."
    )
    parser.add_argument("--sort-keys", **switch, help="Sort mapping keys.")
    parser.add_argument(
        "--max-depth", type=int_range(1), metavar="N", help="Nesting limit (default 512)."
    )
    parser.add_argument(
        "--max-bytes", type=int_range(1), metavar="N", help="Input size limit (default 1 GiB)."
    )
    parser.add_argument(
        "--max-alias-bytes",
        type=int_range(0),
        metavar="N",
        help="Characters YAML aliases may add by repeating their nodes (default 64 MiB).",
    )
    parser.add_argument("--verify", **toggle, help="Re-read each output and compare (default on).")
    parser.add_argument(
        "--repair",
        choices=REPAIR_MODES,
        help="Broken input: off (refuse), rules, auto (rules, then the model; default), llm.",
    )
    add_model_options(parser)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILES")
    _add_destination_arguments(parser)
    _add_setting_arguments(parser)


def _run(arguments: argparse.Namespace) -> int:
    files: list[str] = arguments.files
    to: str = arguments.to
    src: str | None = arguments.src
    output: str | None = arguments.output
    out_dir: str | None = arguments.out_dir
    in_place: bool = arguments.in_place
    force: bool = arguments.force
    jobs: int = arguments.jobs
    scheduler: str | None = arguments.scheduler
    report: str | None = arguments.report
    settings = given_settings(**{name: getattr(arguments, name) for name in SETTINGS})
    Options.from_settings(settings)  # a UsageError here: before any work
    if force and not in_place:
        raise UsageError("--force goes with --in-place (other outputs are replaced anyway)")
    if scheduler is not None and jobs > 1:
        raise UsageError("use --jobs N (processes here) or --scheduler (Dask), not both")
    destinations = sum([output is not None, out_dir is not None, in_place])
    if destinations > 1:
        raise UsageError("use only one of -o/--output, --out-dir and --in-place")
    if len(files) > 1 and output is not None:
        raise UsageError("-o/--output takes a single input; use --out-dir for several")
    if len(files) > 1 and destinations == 0:
        raise UsageError("several inputs need --out-dir DIR or --in-place")
    if "-" in files and (len(files) > 1 or in_place or out_dir):
        raise UsageError("'-' (stdin) converts alone, to stdout or -o FILE")
    if scheduler is not None and not (out_dir or in_place):
        raise UsageError("--scheduler runs a batch: give --out-dir DIR or --in-place")
    if report is not None:
        _report_folder_ready(report)

    if destinations == 0 or output is not None:
        outcomes = [_convert_single(files[0], to, src, output, settings)]
    else:
        from structconv.batch import output_folder_ready, plan_jobs

        if out_dir is not None:
            try:
                output_folder_ready(out_dir)
            except UsageError as error:
                raise FlagError("--out-dir", str(error)) from None

        def plan() -> list[Job]:
            return plan_jobs(
                files,
                to=to,
                src=src,
                out_dir=out_dir,
                in_place=in_place,
                settings=settings,
                force=force,
            )

        outcomes = _run_batch(plan, files, to, jobs, scheduler)

    for outcome in outcomes:
        if not outcome.ok:
            print(outcome.error_line(), file=sys.stderr)
        elif outcome.fixes:
            print(
                f"{outcome.source}: repaired with {len(outcome.fixes)} fix(es), "
                f"confidence {outcome.confidence:.2f}; `structconv repair {outcome.source}` "
                "shows them",
                file=sys.stderr,
            )
        for note in outcome.notes:
            print(f"{outcome.source}: note: {note}", file=sys.stderr)
    if report is not None:
        _write_report(report, outcomes)
    failed = sum(not outcome.ok for outcome in outcomes)
    if len(outcomes) > 1 or (destinations and not output):
        print(f"{len(outcomes) - failed} converted, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


convert_command = Command(_add_arguments, _run)


def _run_batch(
    plan: Callable[[], list[Job]],
    files: Sequence[str],
    to: str,
    jobs: int,
    scheduler: str | None,
) -> list[FileOutcome]:
    """Several files, here or on a pool or a cluster (what only a batch needs loads here)."""
    from concurrent.futures import ProcessPoolExecutor

    from structconv.batch import convert_many, remove_leftovers
    from structconv.cli.scheduler import dask_executor
    from structconv.pool import process_pool, stop_now

    client = None
    executor: Executor | None
    if scheduler is not None:
        executor, client = dask_executor(scheduler)
    else:
        workers = min(jobs, len(files))
        executor = process_pool(workers, modules_for(files, to)) if workers > 1 else None
    bar = None
    planned: list[Job] = []
    try:
        planned = plan()
        bar = _progress(len(planned))
        return convert_many(
            planned, executor=executor, on_done=(lambda _: bar.update(1)) if bar else None
        )
    except KeyboardInterrupt:
        with uninterrupted():
            if isinstance(executor, ProcessPoolExecutor):
                stop_now(executor)  # mid-file: what they wrote is removed below
            remove_leftovers(planned)
        raise
    finally:
        if executor is not None:
            executor.shutdown()
        if client is not None:
            client.close()
        if bar is not None:
            bar.close()
