"""`structconv get`, `set` and `delete`: one value of a file, edited in place
(structconv.edit)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
import orjson

from structconv import formats
from structconv.atomic import write_atomic
from structconv.cli.shared import FORMAT_CHOICE
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


def _edit_usage(error: Exception) -> click.UsageError:
    return click.UsageError(str(error))


@click.command("get")
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


@click.command("set")
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


@click.command("delete")
@click.argument("files", nargs=-1, required=True)
@click.argument("path")
@edit_options
def delete_command(files: tuple[str, ...], path: str, **flags: Any) -> None:
    """Remove the key or item at PATH from each of FILES, every other byte kept.

    Exit codes: 0 done, 1 a file failed or would change (--check, --diff), 2 usage.
    """
    _run_edits(files, "delete", path, None, **flags)
