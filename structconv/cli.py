"""The `structconv` command: thin; parses flags and calls api/batch.

Exit codes: 0 all ok, 1 some file failed, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import click

from structconv import __version__, formats
from structconv.api import convert, convert_file
from structconv.atomic import write_atomic
from structconv.batch import (
    FileOutcome,
    Job,
    attempt,
    convert_many,
    plan_jobs,
    save_for_review,
)
from structconv.encoding import decode
from structconv.errors import AmbiguousInput, ParseError, RepairRejected, UsageError
from structconv.formats.detect import detect_format
from structconv.options import REPAIR_MODES
from structconv.result import Result

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


def _executor(jobs: int) -> Executor | None:
    if jobs <= 1:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Not fork: a worker forked from a process that ran the repair model would hang in
    # llama.cpp (its threads do not survive fork); forkserver workers start clean.
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("forkserver")
    )


def _write_report(path: str, outcomes: list[FileOutcome]) -> None:
    report = {
        "version": __version__,
        "files": len(outcomes),
        "failed": sum(not outcome.ok for outcome in outcomes),
        "outcomes": [outcome.to_json() for outcome in outcomes],
    }
    write_atomic(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def _convert_single(
    source: str, to: str, src: str | None, output: str | None, settings: dict[str, Any]
) -> FileOutcome:
    """One input (a file or `-` for stdin) to stdout or to `output`."""
    target = None if output in (None, "-") else output

    def action() -> Result:
        if source == "-":
            result = convert(sys.stdin.buffer.read(), to=to, src=src, **settings)
            if target is not None:
                write_atomic(target, result.text)
        else:
            result = convert_file(source, to=to, out=target, src=src, **settings)
        if target is None:
            sys.stdout.write(result.text)
            sys.stdout.flush()
        return result

    return attempt(source, target, to, action)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="structconv")
def main() -> None:
    """Convert structured data between JSON, YAML, TOML, XML and CSV, exactly."""


@main.command("convert")
@click.argument("files", nargs=-1, required=True)
@click.option("--to", "to", required=True, type=FORMAT_CHOICE, help="Target format.")
@click.option("--from", "src", type=FORMAT_CHOICE, help="Source format (default: detected).")
@click.option("-o", "--output", help="Output file for a single input ('-' = stdout, the default).")
@click.option("--out-dir", type=click.Path(file_okay=False), help="Write each output here.")
@click.option("--in-place", is_flag=True, help="Replace each input by its conversion.")
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Files converted at once, each in a process of its own (for many files).",
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
@click.option("--delimiter", help="CSV delimiter (default: sniffed on reading, ',' on writing).")
@click.option("--indent", type=click.IntRange(0, 16), help="Indentation (default 2).")
@click.option("--sort-keys", is_flag=True, default=None, help="Sort mapping keys.")
@click.option("--max-depth", type=click.IntRange(1), help="Nesting limit (default 512).")
@click.option("--max-bytes", type=click.IntRange(1), help="Input size limit (default 1 GiB).")
@click.option(
    "--verify/--no-verify", default=None, help="Re-read each output and compare (default on)."
)
@click.option(
    "--repair",
    type=click.Choice(REPAIR_MODES),
    help="Broken input: off (refuse), rules, auto (rules, then the model; default), llm.",
)
@click.option(
    "--model",
    type=click.Path(exists=True, dir_okay=False),
    help="A GGUF base model for the repair model (default: the packaged one; $STRUCTCONV_MODEL).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    help="Hold a model repair for review below this confidence (default 0.5).",
)
def convert_command(
    files: tuple[str, ...],
    to: str,
    src: str | None,
    output: str | None,
    out_dir: str | None,
    in_place: bool,
    jobs: int,
    report: str | None,
    **flags: Any,
) -> None:
    """Convert FILES (or '-' for stdin) to the format given by --to."""
    settings = _settings(**flags)
    destinations = sum([output is not None, out_dir is not None, in_place])
    if destinations > 1:
        raise click.UsageError("use only one of -o/--output, --out-dir and --in-place")
    if len(files) > 1 and output is not None:
        raise click.UsageError("-o/--output takes a single input; use --out-dir for several")
    if len(files) > 1 and destinations == 0:
        raise click.UsageError("several inputs need --out-dir DIR or --in-place")
    if "-" in files and (len(files) > 1 or in_place or out_dir):
        raise click.UsageError("'-' (stdin) converts alone, to stdout or -o FILE")

    if destinations == 0 or output is not None:
        outcomes = [_convert_single(files[0], to, src, output, settings)]
    else:
        if out_dir is not None:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
        try:
            planned: list[Job] = plan_jobs(
                list(files), to=to, src=src, out_dir=out_dir, in_place=in_place, settings=settings
            )
        except UsageError as error:
            raise click.UsageError(str(error)) from None
        outcomes = _run_batch(planned, jobs)

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


def _run_batch(planned: list[Job], jobs: int) -> list[FileOutcome]:
    bar = _progress(len(planned))
    executor = _executor(min(jobs, len(planned)))
    try:
        return convert_many(
            planned, executor=executor, on_done=(lambda _: bar.update(1)) if bar else None
        )
    finally:
        if executor is not None:
            executor.shutdown()
        if bar is not None:
            bar.close()


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
@click.option(
    "--model",
    type=click.Path(exists=True, dir_okay=False),
    help="A GGUF base model for the repair model (default: the packaged one; $STRUCTCONV_MODEL).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    help="Hold a model repair for review below this confidence (default 0.5).",
)
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
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as error:
        raise click.UsageError(f"{file}: cannot read: {error.strerror}") from None
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
        write_atomic(file, repaired_text, encoding=encoding)
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
