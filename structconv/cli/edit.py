"""`structconv get`, `set` and `delete`: one value of a file, edited in place
(structconv.edit)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from structconv import formats
from structconv.atomic import write_atomic
from structconv.cli.shared import Command, file_path, format_argument
from structconv.errors import ParseError, UsageError
from structconv.options import Options


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


def _add_get_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("path", nargs="?", metavar="PATH")
    parser.add_argument(
        "-q", "--query", help="A JMESPath expression instead of PATH (wildcards, filters)."
    )
    format_argument(
        parser, "--to", dest="to", help="Print a mapping or list in FMT (default JSON)."
    )
    format_argument(parser, "--from", dest="src", help="FILE's format (default: detected).")


def _get(arguments: argparse.Namespace) -> int:
    from structconv import edit
    from structconv.errors import StructconvError

    file: str = arguments.file
    path: str | None = arguments.path
    query: str | None = arguments.query
    to: str | None = arguments.to
    src: str | None = arguments.src
    if (path is None) == (query is None):
        raise UsageError("give PATH or --query EXPR (one of them)")
    try:
        if query is not None:
            value = edit.search(file, query, format=src)
        else:
            value = edit.get(file, path or "", format=src)
    except UsageError:
        raise  # a malformed PATH or query: exit 2, not 1 as below
    except ParseError as error:
        where = f"{file}:{error.line}:{error.column}" if error.line else file
        print(f"{where}: {error.brief}", file=sys.stderr)
        return 1
    except StructconvError as error:
        print(error, file=sys.stderr)
        return 1
    line = _scalar_line(value)
    if line is not None:
        print(line)
    elif to is None:
        print(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())
    else:
        text, _ = formats.write(value, formats.canonical_name(to), Options())
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


get_command = Command(
    _add_get_arguments,
    _get,
    details="A scalar prints as plain text, a mapping or list as JSON (or --to FMT). Exit codes:\n"
    "0 found, 1 not found or unreadable (the message names the nearest existing part),\n"
    "2 usage (a malformed PATH or query).",
)


def _run_edits(arguments: argparse.Namespace, action: str, value: Any) -> int:
    """Set or delete: each file in turn, then a summary; the exit status."""
    from structconv import edit

    files: list[str] = arguments.files
    path: str = arguments.path
    src: str | None = arguments.src
    check: bool = arguments.check
    diff: bool = arguments.diff
    report: str | None = arguments.report
    parsed = edit.parse_path(path)
    outcomes = edit.edit_files(files, action, parsed, value, format=src, check=check or diff)
    for outcome in outcomes:
        print(outcome.line(), file=sys.stderr)
        if diff and outcome.diff:
            sys.stdout.write(outcome.diff)
    changed = sum(o.status in ("changed", "would change") for o in outcomes)
    failed = sum(not o.ok for o in outcomes)
    if report is not None:
        from dataclasses import asdict

        body = {"action": action, "path": path, "files": [asdict(o) for o in outcomes]}
        write_atomic(report, orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n")
    if len(outcomes) > 1:
        verb = "would change" if check or diff else "changed"
        unchanged = len(outcomes) - changed - failed
        print(f"{changed} {verb}, {unchanged} unchanged, {failed} failed", file=sys.stderr)
    return 1 if failed or ((check or diff) and changed) else 0


def _add_edit_arguments(parser: argparse.ArgumentParser) -> None:
    """What set and delete share: FILES PATH, then their options."""
    parser.add_argument("files", nargs="+", metavar="FILES")
    parser.add_argument("path", metavar="PATH")


def _add_edit_options(parser: argparse.ArgumentParser) -> None:
    format_argument(parser, "--from", dest="src", help="The files' format (default: detected).")
    parser.add_argument(
        "--check", action="store_true", help="Write nothing; exit 1 if a file would change."
    )
    parser.add_argument(
        "--diff", action="store_true", help="Write nothing; print the diff of each change."
    )
    parser.add_argument(
        "--report", type=file_path(), metavar="FILE", help="Write a JSON report of every file."
    )


def _add_set_arguments(parser: argparse.ArgumentParser) -> None:
    _add_edit_arguments(parser)
    parser.add_argument("value", metavar="VALUE")
    parser.add_argument(
        "--string", dest="as_string", action="store_true", help="VALUE is text, as it is."
    )
    parser.add_argument(
        "--json",
        dest="as_json",
        action="store_true",
        help="VALUE is JSON (objects and arrays too).",
    )
    _add_edit_options(parser)


def _set(arguments: argparse.Namespace) -> int:
    from structconv import edit

    if arguments.as_string and arguments.as_json:
        raise UsageError("use --string or --json, not both")
    kind = "string" if arguments.as_string else "json" if arguments.as_json else "yaml"
    return _run_edits(arguments, "set", edit.read_value(arguments.value, kind))


set_command = Command(
    _add_set_arguments,
    _set,
    details="VALUE is read as a YAML scalar: 3 is a number, true a boolean, '\"3\"' a string\n"
    "(--string, --json say otherwise). A missing last key is added at the end of its\n"
    "mapping. Each result is read back and compared before it is written: only PATH\n"
    "may change, and only the lines that hold it. Exit codes: 0 done, 1 a file failed\n"
    "(not found, refused, unreadable) or would change (--check, --diff), 2 usage.",
)


def _add_delete_arguments(parser: argparse.ArgumentParser) -> None:
    _add_edit_arguments(parser)
    _add_edit_options(parser)


delete_command = Command(
    _add_delete_arguments,
    lambda arguments: _run_edits(arguments, "delete", None),
    details="Exit codes: 0 done, 1 a file failed or would change (--check, --diff), 2 usage.",
)
