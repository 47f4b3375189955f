"""`structconv normalize`: the click front end of hooks.NORMALIZE_FLAGS (the pre-commit
hook is the other)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from structconv.errors import UsageError
from structconv.hooks import NORMALIZE_FLAGS, run_options


def _normalize_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The click options of hooks.NORMALIZE_FLAGS, in their order."""
    for flag in reversed(NORMALIZE_FLAGS):
        if flag.kind == "switch":
            option = click.option(flag.name, is_flag=True, default=flag.default, help=flag.help)
        elif flag.kind == "toggle":
            option = click.option(f"{flag.name}/--no-{flag.name[2:]}", default=None, help=flag.help)
        elif flag.kind == "choice":
            option = click.option(
                flag.name,
                type=click.Choice(flag.choices),
                default=flag.default,
                show_default=True,
                help=flag.help,
            )
        elif flag.kind == "path":
            option = click.option(flag.name, type=click.Path(dir_okay=False), help=flag.help)
        else:
            option = click.option(flag.name, type=int, help=flag.help)
        command = option(command)
    return command


@click.command("normalize")
@click.argument("files", nargs=-1, required=True)
@_normalize_options
def normalize_command(files: tuple[str, ...], **flags: Any) -> None:
    """Rewrite FILES (or the data files in folders) in their canonical same-format layout.

    The data never changes: every file is read again and compared before it is
    written. Exit codes: 0 nothing changed, 1 a file changed, would change (--check,
    --diff) or failed, 2 usage.
    """
    from structconv.normalize.runner import run

    try:
        status = run(files, run_options(flags))
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    sys.exit(status)
