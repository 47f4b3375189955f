"""`structconv repair FILE`: every fix, the confidence and a diff; written only when asked."""

from __future__ import annotations

import sys

import click

from structconv import formats
from structconv.api import convert
from structconv.atomic import in_place_target, permissions_from, write_atomic
from structconv.cli.shared import FORMAT_CHOICE, given_settings, model_options
from structconv.encoding import decode
from structconv.errors import AmbiguousInput, InputChanged, ParseError, RepairRejected, UsageError
from structconv.formats.detect import detect_format
from structconv.names import REPAIR_MODES, RepairMode
from structconv.options import Options
from structconv.outcome import save_for_review
from structconv.result import Result
from structconv.source import read_input, read_stream


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


@click.command("repair")
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
    mode: RepairMode,
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
        settings = given_settings(model=model, min_confidence=min_confidence)
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
