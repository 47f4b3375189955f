"""The `structconv` command: thin; parses flags and calls api/batch.

Exit codes: 0 all ok, 1 some file failed, 2 usage error, 130 interrupted (Ctrl-C).
What the command is given is checked before any work (a report's folder, the output
folder, a scheduler's address), so that a mistake fails in a second, not after the batch.
"""

from __future__ import annotations

from typing import Any

import click

from structconv import __version__
from structconv.cli.convert import convert_command
from structconv.cli.edit import delete_command, get_command, set_command
from structconv.cli.normalize import normalize_command
from structconv.cli.repair import repair_command
from structconv.cli.tune import tune_group

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


main.add_command(convert_command)
main.add_command(repair_command)
main.add_command(normalize_command)
main.add_command(tune_group)
main.add_command(get_command)
main.add_command(set_command)
main.add_command(delete_command)
