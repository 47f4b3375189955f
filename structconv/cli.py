"""The `structconv` command: thin; parses flags and calls api/batch.

Exit codes: 0 all ok, 1 some file failed, 2 usage error, 130 interrupted (Ctrl-C).
What the command is given is checked before any work (a report's folder, the output
folder, a scheduler's address), so that a mistake fails in a second, not after the batch.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import click
import orjson

from structconv import __version__, formats
from structconv.api import convert, convert_file, modules_for
from structconv.atomic import in_place_target, permissions_from, write_atomic
from structconv.batch import (
    FileOutcome,
    Job,
    attempt,
    convert_many,
    output_folder_ready,
    plan_jobs,
    remove_leftovers,
    save_for_review,
)
from structconv.encoding import decode
from structconv.errors import (
    AmbiguousInput,
    InputChanged,
    ParseError,
    RepairRejected,
    UsageError,
)
from structconv.formats.detect import detect_format
from structconv.options import REPAIR_MODES, YAML_MERGE_POLICIES, YAML_TAG_POLICIES, Options
from structconv.pool import process_pool, stop_now
from structconv.result import Result
from structconv.source import read_input, read_stream

FORMAT_CHOICE = click.Choice(
    sorted(set(formats.FORMATS) | set(formats.ALIASES)), case_sensitive=False
)


def _settings(**flags: Any) -> dict[str, Any]:
    """Only the flags the user gave become settings, so Options keeps its defaults."""
    return {name: value for name, value in flags.items() if value is not None}


def _progress(total: int) -> Any:
    """A progress bar on stderr for batches, off when stderr is not a terminal."""
    if total < 2 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr, leave=False)


# Dask's schemes that reach another machine (inproc is within one process).
_SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
# How long a scheduler has to accept a connection, then to answer: a cluster answers in
# milliseconds, and Dask's own 30 s (60 s to give up on an address it cannot parse, for
# ever on a port that accepts and stays silent) looked like a hang.
_CONNECT_SECONDS = 3.0


def _scheduler_host_port(address: str) -> tuple[str, str, int]:
    """The scheme, host and port of a scheduler's address; click.BadParameter when it is
    not `SCHEME://HOST:PORT` (or `HOST:PORT`, Dask's default scheme tcp)."""
    import urllib.parse  # here: 2 ms of every command's start otherwise

    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "tcp", address
    parsed = urllib.parse.urlsplit(f"{scheme}://{rest}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    host = parsed.hostname
    if (
        scheme not in _SCHEDULER_SCHEMES
        or not host
        or port is None
        or parsed.path not in ("", "/")
        or any(character.isspace() for character in address)
    ):
        raise click.BadParameter(
            f"{address!r} is not a scheduler address; give SCHEME://HOST:PORT, "
            f"such as tcp://scheduler:8786 (schemes: {', '.join(_SCHEDULER_SCHEMES)})",
            param_hint="'--scheduler'",
        )
    return scheme, host, port


def _reachable_scheduler(address: str) -> None:
    """Refuse (click.UsageError), within seconds, an address where nothing accepts a
    connection, or (tcp) where what answers is not a Dask scheduler, before a Client is
    made: one that cannot connect takes 30 s to say so, and a minute more to close."""
    import socket

    scheme, host, port = _scheduler_host_port(address)
    if scheme == "ucx":
        return  # not over TCP: Dask connects (and times out) itself
    where = f"--scheduler {address}"
    try:
        with socket.create_connection((host, port), timeout=_CONNECT_SECONDS):
            pass
    except OSError as error:
        why = "no answer" if isinstance(error, TimeoutError) else error.strerror or str(error)
        raise click.UsageError(
            f"{where}: cannot reach {host}:{port} ({why}, tried for up to "
            f"{_CONNECT_SECONDS:g} s); start the scheduler there, or check the address"
        ) from None
    if scheme != "tcp":
        return  # tls and websockets need the cluster's security settings: Dask's to use
    try:
        kind = _identity(address).get("type")
    except TimeoutError:
        kind = f"no answer within {_CONNECT_SECONDS:g} s"
    except Exception as error:  # a server that is not Dask's answers anything
        kind = f"an answer Dask cannot read: {type(error).__name__}"
    if kind != "Scheduler":
        raise click.UsageError(
            f"{where}: {host}:{port} accepts connections but is not a Dask scheduler "
            f"({kind}); check the address and port (a scheduler listens on 8786 by default)"
        )


def _identity(address: str) -> dict[str, Any]:
    """What the Dask server at `address` says it is, within _CONNECT_SECONDS."""
    import asyncio
    import importlib

    core: Any = importlib.import_module("distributed.core")  # untyped: Any

    async def ask() -> dict[str, Any]:
        async with core.rpc(address, timeout=_CONNECT_SECONDS) as remote:
            answer: dict[str, Any] = await remote.identity()
            return answer

    return asyncio.run(asyncio.wait_for(ask(), _CONNECT_SECONDS))


def _dask_executor(address: str) -> tuple[Executor, Any]:
    """An executor on the Dask cluster at `address`, and its client (to close)."""
    import importlib

    try:
        distributed: Any = importlib.import_module("distributed")  # untyped: Any
    except ImportError:
        raise click.UsageError(
            "--scheduler needs dask.distributed: pip install 'structconv[dask]'"
        ) from None
    _reachable_scheduler(address)
    try:
        client = distributed.Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise click.UsageError(
            f"--scheduler {address}: cannot connect to a Dask scheduler there ({error})"
        ) from None
    # pure=False: a conversion writes a file; Dask must neither skip nor merge repeats.
    executor: Executor = client.get_executor(pure=False)
    return executor, client


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


INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


class _Commands(click.Group):
    """Ctrl-C ends any command with status 130 and one line, never a traceback (click's
    own handling says "Aborted!" and exits 1, as a failed file would)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(
                "structconv: interrupted; what was converted is in place, and no partial or "
                "temporary file is left",
                err=True,
            )
            raise click.exceptions.Exit(INTERRUPTED) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="structconv")
def main() -> None:
    """Convert structured data between JSON, YAML, TOML, XML and CSV, exactly."""


def model_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--model and --min-confidence, for the commands that may run the repair model."""
    command = click.option(
        "--min-confidence",
        type=click.FloatRange(0.0, 1.0),
        help="Hold a model repair for review below this confidence (default 0.5).",
    )(command)
    return click.option(
        "--model",
        type=click.Path(exists=True, dir_okay=False),
        help="A GGUF base model for the repair model (default: the packaged one; $STRUCTCONV_MODEL).",
    )(command)


@main.command("convert")
@click.argument("files", nargs=-1, required=True)
@click.option("--to", "to", required=True, type=FORMAT_CHOICE, help="Target format.")
@click.option("--from", "src", type=FORMAT_CHOICE, help="Source format (default: detected).")
@click.option("-o", "--output", help="Output file for a single input ('-' = stdout, the default).")
@click.option("--out-dir", type=click.Path(file_okay=False), help="Write each output here.")
@click.option("--in-place", is_flag=True, help="Replace each input by its conversion.")
@click.option(
    "--force",
    is_flag=True,
    help="With --in-place: overwrite an existing file of the output's name (a.json for a.yaml).",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Files converted at once, each in a process of its own (for many files).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Convert the files on a Dask cluster: its scheduler's address (tcp://host:8786). "
    "The workers must see the files at the same paths. Needs structconv[dask].",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Processes for one big CSV file converted to json or jsonl, each taking a part of "
    "it (default: one per free CPU for files of 8 MiB per process and up; 1 with --jobs > 1).",
)
@click.option(
    "--report", type=click.Path(dir_okay=False), help="Write a JSON report of every file."
)
@click.option(
    "--schema", type=click.Path(exists=True, dir_okay=False), help="XML Schema (.xsd) for XML."
)
@click.option(
    "--null", type=click.Choice(["error", "drop", "empty"]), help="Nulls where the target has none."
)
@click.option("--root", help="Element (XML) or key (TOML) that wraps data without a single root.")
@click.option("--item", help="XML element name for unnamed list items (default: item).")
@click.option(
    "--multi-document", is_flag=True, default=None, help="YAML streams as a list of documents."
)
@click.option(
    "--yaml-tags",
    type=click.Choice(YAML_TAG_POLICIES),
    help='YAML tags (!Ref x): keep (default; {"!Ref": "x"} in other formats and back), '
    "drop (the value alone), refuse.",
)
@click.option(
    "--yaml-merge",
    type=click.Choice(YAML_MERGE_POLICIES),
    help="YAML merge keys (<<: *base): expand (default) or keep as an ordinary key.",
)
@click.option(
    "--stringify-keys", is_flag=True, default=None, help="Write non-string keys as strings."
)
@click.option(
    "--infer-types/--no-infer-types",
    default=None,
    help="CSV: read 7, 1.5, true as typed (default on).",
)
@click.option(
    "--unflatten/--no-unflatten",
    default=None,
    help="CSV: read dotted columns (a.b) as nested records (default on).",
)
@click.option(
    "--header/--no-header",
    default=None,
    help="CSV: --no-header reads every row as a list of cells (the file has no header row).",
)
@click.option(
    "--table",
    metavar="N|all",
    help="CSV holding several tables: read table N (from 1), or all as a list of tables "
    "(default: such a file is refused at the line where its second table starts).",
)
@click.option("--delimiter", help="CSV delimiter (default: sniffed on reading, ',' on writing).")
@click.option(
    "--toml-version",
    type=click.Choice(["1.0", "1.1"]),
    help="TOML read as 1.1 (default) or strictly as 1.0.",
)
@click.option(
    "--escape-formulas",
    is_flag=True,
    default=None,
    help="CSV: write text cells starting with = + - @ TAB or CR with a leading ' so that "
    "spreadsheets show them as text instead of running them (default: as they are, with a note).",
)
@click.option("--indent", type=click.IntRange(0, 16), help="Indentation (default 2).")
@click.option("--sort-keys", is_flag=True, default=None, help="Sort mapping keys.")
@click.option("--max-depth", type=click.IntRange(1), help="Nesting limit (default 512).")
@click.option("--max-bytes", type=click.IntRange(1), help="Input size limit (default 1 GiB).")
@click.option(
    "--max-alias-bytes",
    type=click.IntRange(0),
    help="Characters YAML aliases may add by repeating their nodes (default 64 MiB).",
)
@click.option(
    "--verify/--no-verify", default=None, help="Re-read each output and compare (default on)."
)
@click.option(
    "--repair",
    type=click.Choice(REPAIR_MODES),
    help="Broken input: off (refuse), rules, auto (rules, then the model; default), llm.",
)
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
    settings = _settings(**flags)
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
    client = None
    executor: Executor | None
    if scheduler is not None:
        executor, client = _dask_executor(scheduler)
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
        with _uninterrupted():
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


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """A second Ctrl-C must not stop the cleanup of the first (it takes milliseconds)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals (and may set their handlers)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _fix_report(name: str, original: str, result: Result) -> str:
    """The fixes, one per line as `path:line:col: rule: message`, then a unified diff."""
    import difflib

    lines = [
        f"{name}:{fix.line}:{fix.column}: {fix.rule}: {fix.message} "
        f"({fix.before!r} -> {fix.after!r})"
        for fix in result.fixes
    ]
    lines.append(
        f"{name}: {len(result.fixes)} fix(es), confidence {result.confidence:.2f}"
        + (", by the model" if result.used_model else "")
    )
    diff = difflib.unified_diff(
        original.splitlines(keepends=True),
        (result.repaired or original).splitlines(keepends=True),
        fromfile=f"{name} (as given)",
        tofile=f"{name} (repaired)",
    )
    return "\n".join(lines) + "\n" + "".join(diff)


@main.command("repair")
@click.argument("file")
@click.option("--to", "to", type=FORMAT_CHOICE, help="Also convert the repaired data to FMT.")
@click.option("--from", "src", type=FORMAT_CHOICE, help="Source format (default: detected).")
@click.option(
    "--mode",
    type=click.Choice([mode for mode in REPAIR_MODES if mode != "off"]),
    default="auto",
    show_default=True,
    help="rules only, auto (rules, then the model), or llm (the model only).",
)
@model_options
@click.option("--write", is_flag=True, help="Replace FILE by its repaired text (atomic).")
@click.option(
    "-o", "--output", help="Write the repaired text (or, with --to, the conversion) here."
)
def repair_command(
    file: str,
    to: str | None,
    src: str | None,
    mode: str,
    model: str | None,
    min_confidence: float | None,
    write: bool,
    output: str | None,
) -> None:
    """Show how FILE would be repaired: every fix, the confidence and a diff.

    Nothing is written unless --write or -o asks for it. Exit codes: 0 repaired or
    nothing to repair, 1 not repairable (refused or ambiguous), 2 usage.
    """
    if write and (output is not None or file == "-"):
        raise click.UsageError("--write replaces FILE; it does not go with -o or stdin")
    limit, format_name = Options.max_bytes, src or "input"
    try:
        if file == "-":
            raw = read_stream(sys.stdin.buffer, limit, format_name)
        else:
            raw = read_input(file, limit, format_name)
    except OSError as error:
        raise click.UsageError(f"{file}: cannot read: {error.strerror}") from None
    except (ParseError, InputChanged) as error:
        click.echo(f"{file}: {error}", err=True)
        sys.exit(1)
    name = None if file == "-" else file
    try:
        hinted = src or (formats.format_from_suffix(file) if name else None)
        original, encoding = decode(raw, None if hinted is None else formats.canonical_name(hinted))
        source_format = formats.canonical_name(src) if src else detect_format(original, name)
        settings = _settings(model=model, min_confidence=min_confidence)
        result = convert(
            original, to=to or source_format, src=source_format, repair=mode, **settings
        )
    except (ParseError, RepairRejected, AmbiguousInput) as error:
        located = error.with_source(file)
        where = f"{file}:{located.line}:{located.column}" if located.line else file
        click.echo(f"{where}: {located}", err=True)
        if isinstance(error, RepairRejected) and error.fixes:
            click.echo(
                f"{file}: the refused repair attempted {len(error.fixes)} fix(es):", err=True
            )
            for fix in error.fixes:
                click.echo(f"  {fix.line}:{fix.column}: {fix.rule}: {fix.message}", err=True)
        if isinstance(error, RepairRejected):
            review = save_for_review(file, error)
            if review is not None:
                click.echo(f"{file}: the candidate is saved for review in {review}", err=True)
        sys.exit(1)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if result.repaired is None:
        click.echo(f"{file}: nothing to repair: it parses as {source_format}")
    else:
        click.echo(_fix_report(file, original, result), nl=False)
    repaired_text = result.repaired or original
    if write and result.repaired is not None:
        try:
            target = in_place_target(file)
            with permissions_from(target):
                write_atomic(target, repaired_text, encoding=encoding)
        except UsageError as error:
            raise click.ClickException(f"{file}: not rewritten: {error}") from None
        except OSError as error:
            raise click.ClickException(f"{file}: cannot write: {error.strerror}") from None
        click.echo(f"{file}: rewritten")
    if output is not None:
        text = result.text if to else repaired_text
        if output == "-":
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
            click.echo(f"{output}: written")


@main.command("normalize")
@click.argument("files", nargs=-1, required=True)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of each change.")
@click.option(
    "--repair",
    type=click.Choice(["off", "rules", "auto"]),
    default="off",
    show_default=True,
    help="Broken files: off (report them), rules, auto (rules, then the model); fixes are listed.",
)
@click.option("--indent", type=int, help="Spaces per level (default 2, or the config's).")
@click.option("--width", type=int, help="Line width for short arrays and folding (default 88).")
@click.option("--sort-keys", is_flag=True, default=None, help="Sort mapping keys (default off).")
@click.option(
    "--indent-sequences/--no-indent-sequences",
    default=None,
    help="YAML: indent a list under its key (default on).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Settings file (default: .structconv.toml or [tool.structconv] found upward).",
)
def normalize_command(
    files: tuple[str, ...], check: bool, diff: bool, repair: str, config: str | None, **flags: Any
) -> None:
    """Rewrite FILES (or the data files in folders) in their canonical same-format layout.

    The data never changes: every file is read again and compared before it is
    written. Exit codes: 0 nothing changed, 1 a file changed, would change (--check,
    --diff) or failed, 2 usage.
    """
    from structconv.normalize.runner import RunOptions, run

    options = RunOptions(check=check, diff=diff, repair=repair, config=config, flags=flags)
    try:
        status = run(files, options)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    sys.exit(status)


@main.group("tune")
def tune_group() -> None:
    """Fine-tune the repair model on your own pairs (needs the [tune] extra)."""


def _needs_extra(command: str, extra: str, modules: Sequence[str]) -> None:
    """Refuse (click.ClickException) before any work when `extra`'s packages are absent."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise click.ClickException(
            f"structconv {command} needs the [{extra}] extra ({', '.join(missing)} not "
            f"installed): pip install 'structconv[{extra}]'"
        )


# What each command that trains, exports or runs the model imports (see pyproject.toml).
_TUNE_MODULES = ("torch", "transformers", "peft")
_EXPORT_MODULES = ("torch", "transformers", "llama_cpp")
_LLM_MODULES = ("llama_cpp",)


@tune_group.command("data")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder.")
@click.option("--pairs", default=30000, show_default=True, type=click.IntRange(10))
@click.option("--seed", default=2026, show_default=True, type=int)
def tune_data_command(out_dir: str, pairs: int, seed: int) -> None:
    """Generate training pairs (broken text -> the JSON of its data) and a data card."""
    from structconv.tune import data

    card = data.build(Path(out_dir), pairs=pairs, seed=seed)
    click.echo(f"{out_dir}: {card}")


@tune_group.command("train")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--steps", default=1000, show_default=True, type=click.IntRange(1))
@click.option("--batch-size", default=4, show_default=True, type=click.IntRange(1))
@click.option("--max-pairs", type=click.IntRange(1), help="Use only this many training pairs.")
@click.option("--eval-every", default=100, show_default=True, type=click.IntRange(1))
@click.option("--max-tokens", default=384, show_default=True, type=click.IntRange(32))
@click.option("--learning-rate", default=2e-4, show_default=True, type=float)
@click.option(
    "--precision",
    default="fp32",
    show_default=True,
    type=click.Choice(["fp32", "bf16"]),
    help="bf16: on a GPU, or a CPU with bf16 units (AVX-512 bf16/AMX); elsewhere it is emulated.",
)
@click.option(
    "--device",
    default="auto",
    show_default=True,
    help="cpu, cuda, cuda:N; auto takes a CUDA GPU where torch sees one.",
)
@click.option(
    "--minutes",
    default=0.0,
    type=click.FloatRange(0),
    help="Stop after this much training time (a last dev evaluation, then the record).",
)
@click.option(
    "--resume",
    type=click.Path(exists=True, file_okay=False),
    help="An earlier --out folder: go on from its adapter, on the pairs it had not reached.",
)
def tune_train_command(
    data_dir: str,
    out_dir: str,
    steps: int,
    batch_size: int,
    max_pairs: int | None,
    eval_every: int,
    max_tokens: int,
    learning_rate: float,
    precision: str,
    device: str,
    minutes: float,
    resume: str | None,
) -> None:
    """Train a LoRA adapter on the pairs in DATA (train.jsonl, dev.jsonl)."""
    _needs_extra("tune train", "tune", _TUNE_MODULES)
    from structconv.tune.train import TrainConfig, train

    def show(entry: dict[str, float]) -> None:
        click.echo(" ".join(f"{key}={value:.4g}" for key, value in entry.items()), err=True)

    config = TrainConfig(
        steps=steps,
        batch_size=batch_size,
        eval_every=eval_every,
        max_tokens=max_tokens,
        learning_rate=learning_rate,
        precision=precision,
        device=device,
        minutes=minutes,
    )
    try:
        report = train(
            Path(data_dir),
            Path(out_dir),
            config,
            max_pairs=max_pairs,
            progress=show,
            resume=Path(resume) if resume else None,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(
        f"{out_dir}/adapter: best dev loss {report.best_dev_loss:.4f} at step {report.best_step} "
        f"of {report.steps_done} ({report.seconds_per_step:.2f} s a step)"
        + (f"; {report.stopped}" if report.stopped else "")
    )


@tune_group.command("export")
@click.argument("adapter_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Default: models/ in this checkout.")
def tune_export_command(adapter_dir: str, out: str | None) -> None:
    """Convert a trained adapter to GGUF (llama.cpp's converter) and check it loads."""
    _needs_extra("tune export", "tune", _EXPORT_MODULES)
    from structconv.tune.export import default_adapter_path, export

    done = export(Path(adapter_dir), Path(out) if out else default_adapter_path())
    click.echo(f"{done.path}: {done.size / 1e6:.1f} MB in {done.seconds:.1f} s; llama.cpp loads it")


@tune_group.command("rejudge")
@click.argument("runs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the tables here.")
def tune_rejudge_command(runs: tuple[str, ...], data_dir: str, out: str | None) -> None:
    """Judge saved `tune eval --json` runs again under today's answer checks (no model)."""
    from structconv.tune import evaluate
    from structconv.tune.train import read_pairs

    pairs = read_pairs(Path(data_dir) / "test.jsonl")
    judged = []
    for run in runs:
        saved = evaluate.from_json(orjson.loads(Path(run).read_bytes()))
        if len(saved.verdicts) != saved.total.pairs:
            raise click.UsageError(f"{run} has no verdict per pair (saved by an older version)")
        again = evaluate.rejudge(saved, pairs)
        write_atomic(run, orjson.dumps(evaluate.as_json(again)).decode() + "\n")
        judged.append(again)
    text = evaluate.table(judged, "by_format") + "\n\n" + evaluate.table(judged, "by_corruption")
    click.echo(text)
    if out:
        write_atomic(out, text + "\n")


@tune_group.command("eval")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--pairs", default=300, show_default=True, type=click.IntRange(1))
@click.option(
    "--adapter", help="A GGUF adapter (default: the packaged one; 'none': the base model)."
)
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the tables here.")
@click.option(
    "--temperature",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0),
    help="0: greedy, as the runtime decodes; above 0: sampled under the grammar.",
)
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Tallies as JSON.")
@click.option("--format", "only", multiple=True, help="Only pairs of this input format.")
@click.option(
    "--plain-grammar",
    is_flag=True,
    help="Decode under json.gbnf even where the input's shape narrows it (CSV columns).",
)
@click.option(
    "--pipeline",
    is_flag=True,
    help="Judge the whole repair (rules first, then the model), as `convert` runs it.",
)
@click.option(
    "--compare",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="An earlier run's --json, shown beside this one (e.g. the base model's).",
)
def tune_eval_command(
    data_dir: str,
    pairs: int,
    adapter: str | None,
    out: str | None,
    temperature: float,
    json_out: str | None,
    only: tuple[str, ...],
    plain_grammar: bool,
    pipeline: bool,
    compare: tuple[str, ...],
) -> None:
    """Exact-data accuracy on a sample of the test split, per format and corruption."""
    _needs_extra("tune eval", "llm", _LLM_MODULES)
    from structconv.repair.llm import RepairModel, model_files
    from structconv.tune import evaluate

    if pipeline and adapter:
        os.environ["STRUCTCONV_ADAPTER"] = adapter  # the model the pipeline loads
    model = None if pipeline else RepairModel(model_files(adapter=adapter))
    label = "base" if adapter == "none" else "fine-tuned"
    if temperature:
        label += f" (sampled at {temperature:g})"
    if plain_grammar:
        label += " (json.gbnf only)"
    if pipeline:
        label = f"rules + {label}"

    def show(number: int, so_far: evaluate.Evaluation) -> None:
        total = so_far.total
        click.echo(f"{number}/{pairs}: {total.right} right, {total.wrong} wrong", err=True)

    sample = evaluate.sample(Path(data_dir) / "test.jsonl", pairs, formats=only)
    tested = evaluate.evaluate(
        model,
        sample,
        label,
        temperature,
        progress=show,
        shaped=not plain_grammar,
        pipeline=pipeline,
    )
    shown = [
        *(evaluate.from_json(orjson.loads(Path(other).read_bytes())) for other in compare),
        tested,
    ]
    text = (
        evaluate.table(shown, "by_format")
        + "\n\n"
        + evaluate.table(shown, "by_corruption")
        + "\n\n"
        + "; ".join(f"{one.label}: {one.tokens_per_second:.1f} generated tokens/s" for one in shown)
        + "\n"
    )
    if json_out:
        write_atomic(json_out, orjson.dumps(evaluate.as_json(tested)).decode() + "\n")
    click.echo(text)
    if out:
        write_atomic(out, text)


# --------------------------------------------------------------------------------------
# get, set, delete: one value of a file, edited in place (structconv.edit)
# --------------------------------------------------------------------------------------


def _scalar_line(value: Any) -> str | None:
    """A scalar as plain text (`true`, `null`, `3`, `2024-01-31`), None for a container."""
    import datetime

    if isinstance(value, dict | list):
        return None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _edit_usage(error: Exception) -> click.UsageError:
    return click.UsageError(str(error))


@main.command("get")
@click.argument("file")
@click.argument("path", required=False)
@click.option("--query", "-q", help="A JMESPath expression instead of PATH (wildcards, filters).")
@click.option(
    "--to", "to", type=FORMAT_CHOICE, help="Print a mapping or list in FMT (default JSON)."
)
@click.option("--from", "src", type=FORMAT_CHOICE, help="FILE's format (default: detected).")
def get_command(
    file: str, path: str | None, query: str | None, to: str | None, src: str | None
) -> None:
    """Print the value at PATH in FILE (spec.containers[0].image, tool."my.key", root.@id).

    A scalar prints as plain text, a mapping or list as JSON (or --to FMT). Exit codes:
    0 found, 1 not found or unreadable (the message names the nearest existing part),
    2 usage (a malformed PATH or query).
    """
    from structconv import edit
    from structconv.errors import StructconvError

    if (path is None) == (query is None):
        raise click.UsageError("give PATH or --query EXPR (one of them)")
    try:
        if query is not None:
            value = edit.search(file, query, format=src)
        else:
            value = edit.get(file, path or "", format=src)
    except UsageError as error:
        raise _edit_usage(error) from None
    except ParseError as error:
        where = f"{file}:{error.line}:{error.column}" if error.line else file
        click.echo(f"{where}: {error.brief}", err=True)
        sys.exit(1)
    except StructconvError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    line = _scalar_line(value)
    if line is not None:
        click.echo(line)
    elif to is None:
        click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
    else:
        text, _ = formats.write(value, formats.canonical_name(to), Options())
        click.echo(text, nl=not text.endswith("\n"))


def _run_edits(
    files: tuple[str, ...],
    action: str,
    path: str,
    value: Any,
    src: str | None,
    check: bool,
    diff: bool,
    report: str | None,
) -> None:
    from structconv import edit

    try:
        parsed = edit.parse_path(path)
        outcomes = edit.edit_files(files, action, parsed, value, format=src, check=check or diff)
    except UsageError as error:
        raise _edit_usage(error) from None
    for outcome in outcomes:
        click.echo(outcome.line(), err=True)
        if diff and outcome.diff:
            click.echo(outcome.diff, nl=False)
    changed = sum(o.status in ("changed", "would change") for o in outcomes)
    failed = sum(not o.ok for o in outcomes)
    if report is not None:
        from dataclasses import asdict

        body = {"action": action, "path": path, "files": [asdict(o) for o in outcomes]}
        write_atomic(report, orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n")
    if len(outcomes) > 1:
        verb = "would change" if check or diff else "changed"
        unchanged = len(outcomes) - changed - failed
        click.echo(f"{changed} {verb}, {unchanged} unchanged, {failed} failed", err=True)
    sys.exit(1 if failed or ((check or diff) and changed) else 0)


def edit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that set and delete share."""
    for option in reversed(
        [
            click.option(
                "--from", "src", type=FORMAT_CHOICE, help="The files' format (default: detected)."
            ),
            click.option(
                "--check", is_flag=True, help="Write nothing; exit 1 if a file would change."
            ),
            click.option(
                "--diff", is_flag=True, help="Write nothing; print the diff of each change."
            ),
            click.option(
                "--report",
                type=click.Path(dir_okay=False),
                help="Write a JSON report of every file.",
            ),
        ]
    ):
        command = option(command)
    return command


@main.command("set")
@click.argument("files", nargs=-1, required=True)
@click.argument("path")
@click.argument("value")
@click.option("--string", "as_string", is_flag=True, help="VALUE is text, as it is.")
@click.option("--json", "as_json", is_flag=True, help="VALUE is JSON (objects and arrays too).")
@edit_options
def set_command(
    files: tuple[str, ...],
    path: str,
    value: str,
    as_string: bool,
    as_json: bool,
    **flags: Any,
) -> None:
    """Set PATH to VALUE in each of FILES (or 'deploy/*.yaml'), every other byte kept.

    VALUE is read as a YAML scalar: 3 is a number, true a boolean, '"3"' a string
    (--string, --json say otherwise). A missing last key is added at the end of its
    mapping. Each result is read back and compared before it is written: only PATH
    may change, and only the lines that hold it. Exit codes: 0 done, 1 a file failed
    (not found, refused, unreadable) or would change (--check, --diff), 2 usage.
    """
    from structconv import edit

    if as_string and as_json:
        raise click.UsageError("use --string or --json, not both")
    kind = "string" if as_string else "json" if as_json else "yaml"
    try:
        parsed_value = edit.read_value(value, kind)
    except UsageError as error:
        raise _edit_usage(error) from None
    _run_edits(files, "set", path, parsed_value, **flags)


@main.command("delete")
@click.argument("files", nargs=-1, required=True)
@click.argument("path")
@edit_options
def delete_command(files: tuple[str, ...], path: str, **flags: Any) -> None:
    """Remove the key or item at PATH from each of FILES, every other byte kept.

    Exit codes: 0 done, 1 a file failed or would change (--check, --diff), 2 usage.
    """
    _run_edits(files, "delete", path, None, **flags)
