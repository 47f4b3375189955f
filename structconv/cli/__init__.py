"""The `structconv` command: thin; parses flags and calls api/batch.

Exit codes: 0 all ok, 1 some file failed, 2 usage error, 130 interrupted (Ctrl-C).
What the command is given is checked before any work (a report's folder, the output
folder, a scheduler's address), so that a mistake fails in a second, not after the batch.
"""

from __future__ import annotations

import importlib
import signal
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

import click

from structconv import __version__

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

# Command name -> (module, attribute): a command's module (and what it imports: batch,
# the editors, the model's options) loads only when that command runs or --help lists it.
COMMANDS: dict[str, tuple[str, str]] = {
    "convert": ("structconv.cli.convert", "convert_command"),
    "repair": ("structconv.cli.repair", "repair_command"),
    "normalize": ("structconv.cli.normalize", "normalize_command"),
    "tune": ("structconv.cli.tune", "tune_group"),
    "get": ("structconv.cli.edit", "get_command"),
    "set": ("structconv.cli.edit", "set_command"),
    "delete": ("structconv.cli.edit", "delete_command"),
}


class _LazyCommands(MutableMapping[str, click.Command]):
    """A group's `commands`, each imported when it is first looked up; listing the names
    imports nothing."""

    def __init__(self, homes: Mapping[str, tuple[str, str]]) -> None:
        self._homes = dict(homes)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        command = self._loaded.get(name)
        if command is None:
            module, attribute = self._homes[name]
            try:
                command = getattr(importlib.import_module(module), attribute)
            except KeyboardInterrupt:  # Ctrl-C while it loads: exit 130 quietly, as console's
                raise click.exceptions.Exit(INTERRUPTED) from None
            self._loaded[name] = command
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._homes.pop(name, None)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if self._homes.pop(name, None) is None:
            del self._loaded[name]
        else:
            self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._homes, *self._loaded]))

    def __len__(self) -> int:
        return len(self._homes.keys() | self._loaded.keys())


class _Commands(click.Group):
    """Ctrl-C ends any command with status 130 and one line, never a traceback (click's
    own handling says "Aborted!" and exits 1, as a failed file would)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # From here on the command only ends: a second SIGINT (a terminal sends one to
            # the whole process group, a user may press Ctrl-C twice) must not interrupt it.
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            # An interrupt that landed in code CPython compiled from a string (namedtuple,
            # dataclasses: an import in progress) marks it "unhandled", and `python -m`
            # then ends by killing itself with SIGINT instead of exiting 130 (3 to 6 in 100
            # interrupted batches on a busy machine). Any later string eval clears the mark.
            eval("None")
            click.echo(
                "structconv: interrupted; what was converted is in place, and no partial or "
                "temporary file is left",
                err=True,
            )
            raise click.exceptions.Exit(INTERRUPTED) from None


@click.group(
    cls=_Commands,
    commands=_LazyCommands(COMMANDS),
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="structconv")
def main() -> None:
    """Convert structured data between JSON, YAML, TOML, XML and CSV, exactly."""
