"""`structconv repair FILE`: every fix, the confidence and a diff; written only when asked."""

from __future__ import annotations

import argparse
import sys

from structconv import formats
from structconv.api import convert
from structconv.atomic import in_place_target, permissions_from, write_atomic
from structconv.cli.shared import (
    Command,
    Failure,
    add_model_options,
    format_argument,
    given_settings,
)
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


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    format_argument(parser, "--to", dest="to", help="Also convert the repaired data to FMT.")
    format_argument(parser, "--from", dest="src", help="Source format (default: detected).")
    parser.add_argument(
        "--mode",
        choices=[mode for mode in REPAIR_MODES if mode != "off"],
        default="auto",
        help="rules only, auto (rules, then the model), or llm (the model only). "
        "Default: %(default)s.",
    )
    add_model_options(parser)
    parser.add_argument(
        "--write", action="store_true", help="Replace FILE by its repaired text (atomic)."
    )
    parser.add_argument(
        "-o", "--output", help="Write the repaired text (or, with --to, the conversion) here."
    )


def _run(arguments: argparse.Namespace) -> int:
    file: str = arguments.file
    to: str | None = arguments.to
    src: str | None = arguments.src
    mode: RepairMode = arguments.mode
    write: bool = arguments.write
    output: str | None = arguments.output
    if write and (output is not None or file == "-"):
        raise UsageError("--write replaces FILE; it does not go with -o or stdin")
    limit, format_name = Options.max_bytes, src or "input"
    try:
        if file == "-":
            raw = read_stream(sys.stdin.buffer, limit, format_name)
        else:
            raw = read_input(file, limit, format_name)
    except OSError as error:
        raise UsageError(f"{file}: cannot read: {error.strerror}") from None
    except (ParseError, InputChanged) as error:
        print(f"{file}: {error}", file=sys.stderr)
        return 1
    name = None if file == "-" else file
    try:
        hinted = src or (formats.format_from_suffix(file) if name else None)
        original, encoding = decode(raw, None if hinted is None else formats.canonical_name(hinted))
        source_format = formats.canonical_name(src) if src else detect_format(original, name)
        settings = given_settings(model=arguments.model, min_confidence=arguments.min_confidence)
        result = convert(
            original, to=to or source_format, src=source_format, repair=mode, **settings
        )
    except (ParseError, RepairRejected, AmbiguousInput) as error:
        located = error.with_source(file)
        where = f"{file}:{located.line}:{located.column}" if located.line else file
        print(f"{where}: {located}", file=sys.stderr)
        if isinstance(error, RepairRejected) and error.fixes:
            print(
                f"{file}: the refused repair attempted {len(error.fixes)} fix(es):",
                file=sys.stderr,
            )
            for fix in error.fixes:
                print(f"  {fix.line}:{fix.column}: {fix.rule}: {fix.message}", file=sys.stderr)
        if isinstance(error, RepairRejected):
            review = save_for_review(file, error)
            if review is not None:
                print(f"{file}: the candidate is saved for review in {review}", file=sys.stderr)
        return 1
    if result.repaired is None:
        print(f"{file}: nothing to repair: it parses as {source_format}")
    else:
        sys.stdout.write(_fix_report(file, original, result))
    repaired_text = result.repaired or original
    if write and result.repaired is not None:
        try:
            target = in_place_target(file)
            with permissions_from(target):
                write_atomic(target, repaired_text, encoding=encoding)
        except UsageError as error:
            raise Failure(f"{file}: not rewritten: {error}") from None
        except OSError as error:
            raise Failure(f"{file}: cannot write: {error.strerror}") from None
        print(f"{file}: rewritten")
    if output is not None:
        text = result.text if to else repaired_text
        if output == "-":
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
            print(f"{output}: written")
    return 0


repair_command = Command(
    _add_arguments,
    _run,
    details="Nothing is written unless --write or -o asks for it. Exit codes: 0 repaired or\n"
    "nothing to repair, 1 not repairable (refused or ambiguous), 2 usage.",
)
