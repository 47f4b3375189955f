"""`structconv convert`: one input to stdout or a file, or a batch of files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import orjson

from structconv import __version__
from structconv.api import convert, convert_file, modules_for
from structconv.atomic import write_atomic
from structconv.cli.shared import FORMAT_CHOICE, given_settings, model_options, uninterrupted
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
        raise click.BadParameter(
            f"{path}: the folder {folder} does not exist; create it, or write the report elsewhere",
            param_hint="'--report'",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(
            f"{path}: cannot write into {folder} (permission denied); write the report elsewhere",
            param_hint="'--report'",
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
            sys.stdout.write(result.text)
            sys.stdout.flush()
        return result

    return attempt(source, target, to, action)


# Where the outputs go, and how the batch runs.
_DESTINATION_OPTIONS = (
    click.option("--to", "to", required=True, type=FORMAT_CHOICE, help="Target format."),
    click.option("--from", "src", type=FORMAT_CHOICE, help="Source format (default: detected)."),
    click.option(
        "-o", "--output", help="Output file for a single input ('-' = stdout, the default)."
    ),
    click.option("--out-dir", type=click.Path(file_okay=False), help="Write each output here."),
    click.option("--in-place", is_flag=True, help="Replace each input by its conversion."),
    click.option(
        "--force",
        is_flag=True,
        help="With --in-place: overwrite an existing file of the output's name (a.json for a.yaml).",
    ),
    click.option(
        "--jobs",
        "-j",
        default=1,
        show_default=True,
        type=click.IntRange(1),
        help="Files converted at once, each in a process of its own (for many files).",
    ),
    click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Convert the files on a Dask cluster: its scheduler's address (tcp://host:8786). "
        "The workers must see the files at the same paths. Needs structconv[dask].",
    ),
    click.option(
        "--workers",
        type=click.IntRange(1),
        help="Processes for one big CSV file converted to json or jsonl, each taking parts of "
        "it (default: one more per CPU found idle, for files of 8 MiB per process and up; 1 "
        "with --jobs > 1).",
    ),
    click.option(
        "--report", type=click.Path(dir_okay=False), help="Write a JSON report of every file."
    ),
)

# The conversion's settings (Options), given only when set.
_SETTING_OPTIONS = (
    click.option(
        "--schema", type=click.Path(exists=True, dir_okay=False), help="XML Schema (.xsd) for XML."
    ),
    click.option(
        "--null",
        type=click.Choice(["error", "drop", "empty"]),
        help="Nulls where the target has none.",
    ),
    click.option(
        "--root", help="Element (XML) or key (TOML) that wraps data without a single root."
    ),
    click.option("--item", help="XML element name for unnamed list items (default: item)."),
    click.option(
        "--multi-document", is_flag=True, default=None, help="YAML streams as a list of documents."
    ),
    click.option(
        "--yaml-tags",
        type=click.Choice(YAML_TAG_POLICIES),
        help='YAML tags (!Ref x): keep (default; {"!Ref": "x"} in other formats and back), '
        "drop (the value alone), refuse.",
    ),
    click.option(
        "--yaml-merge",
        type=click.Choice(YAML_MERGE_POLICIES),
        help="YAML merge keys (<<: *base): expand (default) or keep as an ordinary key.",
    ),
    click.option(
        "--stringify-keys", is_flag=True, default=None, help="Write non-string keys as strings."
    ),
    click.option(
        "--infer-types/--no-infer-types",
        default=None,
        help="CSV: read 7, 1.5, true as typed (default on).",
    ),
    click.option(
        "--unflatten/--no-unflatten",
        default=None,
        help="CSV: read dotted columns (a.b) as nested records (default on).",
    ),
    click.option(
        "--header/--no-header",
        default=None,
        help="CSV: --no-header reads every row as a list of cells (the file has no header row).",
    ),
    click.option(
        "--table",
        metavar="N|all",
        help="CSV holding several tables: read table N (from 1), or all as a list of tables "
        "(default: such a file is refused at the line where its second table starts).",
    ),
    click.option(
        "--delimiter", help="CSV delimiter (default: sniffed on reading, ',' on writing)."
    ),
    click.option(
        "--toml-version",
        type=click.Choice(["1.0", "1.1"]),
        help="TOML read as 1.1 (default) or strictly as 1.0.",
    ),
    click.option(
        "--escape-formulas",
        is_flag=True,
        default=None,
        help="CSV: write text cells starting with = + - @ TAB or CR with a leading ' so that "
        "spreadsheets show them as text instead of running them (default: as they are, with a note).",
    ),
    click.option("--indent", type=click.IntRange(0, 16), help="Indentation (default 2)."),
    click.option("--sort-keys", is_flag=True, default=None, help="Sort mapping keys."),
    click.option("--max-depth", type=click.IntRange(1), help="Nesting limit (default 512)."),
    click.option("--max-bytes", type=click.IntRange(1), help="Input size limit (default 1 GiB)."),
    click.option(
        "--max-alias-bytes",
        type=click.IntRange(0),
        help="Characters YAML aliases may add by repeating their nodes (default 64 MiB).",
    ),
    click.option(
        "--verify/--no-verify", default=None, help="Re-read each output and compare (default on)."
    ),
    click.option(
        "--repair",
        type=click.Choice(REPAIR_MODES),
        help="Broken input: off (refuse), rules, auto (rules, then the model; default), llm.",
    ),
)


def _with(options: Sequence[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """A decorator that applies `options` (click shows them in this order)."""

    def decorate(command: Any) -> Any:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@click.command("convert")
@click.argument("files", nargs=-1, required=True)
@_with(_DESTINATION_OPTIONS)
@_with(_SETTING_OPTIONS)
@model_options
def convert_command(
    files: tuple[str, ...],
    to: str,
    src: str | None,
    output: str | None,
    out_dir: str | None,
    in_place: bool,
    force: bool,
    jobs: int,
    scheduler: str | None,
    report: str | None,
    **flags: Any,
) -> None:
    """Convert FILES (or '-' for stdin) to the format given by --to."""
    settings = given_settings(**flags)
    try:
        Options.from_settings(settings)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if force and not in_place:
        raise click.UsageError("--force goes with --in-place (other outputs are replaced anyway)")
    if scheduler is not None and jobs > 1:
        raise click.UsageError("use --jobs N (processes here) or --scheduler (Dask), not both")
    destinations = sum([output is not None, out_dir is not None, in_place])
    if destinations > 1:
        raise click.UsageError("use only one of -o/--output, --out-dir and --in-place")
    if len(files) > 1 and output is not None:
        raise click.UsageError("-o/--output takes a single input; use --out-dir for several")
    if len(files) > 1 and destinations == 0:
        raise click.UsageError("several inputs need --out-dir DIR or --in-place")
    if "-" in files and (len(files) > 1 or in_place or out_dir):
        raise click.UsageError("'-' (stdin) converts alone, to stdout or -o FILE")
    if scheduler is not None and not (out_dir or in_place):
        raise click.UsageError("--scheduler runs a batch: give --out-dir DIR or --in-place")
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
                raise click.BadParameter(str(error), param_hint="'--out-dir'") from None

        def plan() -> list[Job]:
            return plan_jobs(
                list(files),
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
            click.echo(outcome.error_line(), err=True)
        elif outcome.fixes:
            click.echo(
                f"{outcome.source}: repaired with {len(outcome.fixes)} fix(es), "
                f"confidence {outcome.confidence:.2f}; `structconv repair {outcome.source}` "
                "shows them",
                err=True,
            )
        for note in outcome.notes:
            click.echo(f"{outcome.source}: note: {note}", err=True)
    if report is not None:
        _write_report(report, outcomes)
    failed = sum(not outcome.ok for outcome in outcomes)
    if len(outcomes) > 1 or (destinations and not output):
        click.echo(f"{len(outcomes) - failed} converted, {failed} failed", err=True)
    sys.exit(1 if failed else 0)


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
        try:
            planned = plan()
        except UsageError as error:
            raise click.UsageError(str(error)) from None
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
