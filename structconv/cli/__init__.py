"""The `structconv` command: thin; parses flags (argparse) and calls api/batch.

Exit codes: 0 all ok, 1 some file failed, 2 usage error, 130 interrupted (Ctrl-C).
What the command is given is checked before any work (a report's folder, the output
folder, a scheduler's address), so that a mistake fails in a second, not after the batch.

Only the command that runs is imported and given a parser: the command's name is picked
from argv first; `structconv --help` lists the commands from COMMANDS alone.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import NoReturn

from structconv import __version__
from structconv.cli.shared import Command, Failure, Group, ReaderGone
from structconv.errors import UsageError
from structconv.help_layout import HelpLayout

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

DESCRIPTION = "Convert structured data between JSON, YAML, TOML, XML and CSV, exactly."

# Command name -> (module, attribute, summary): a command's module (and what it imports:
# batch, the editors, the model's options) loads only when that command runs; --help
# lists the summaries.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "convert": (
        "structconv.cli.convert",
        "convert_command",
        "Convert FILES (or '-' for stdin) to the format given by --to.",
    ),
    "repair": (
        "structconv.cli.repair",
        "repair_command",
        "Show how FILE would be repaired: every fix, the confidence and a diff.",
    ),
    "normalize": (
        "structconv.cli.normalize",
        "normalize_command",
        "Rewrite FILES (or the data files in folders) in their canonical same-format layout.",
    ),
    "tune": (
        "structconv.cli.tune",
        "tune_group",
        "Fine-tune the repair model on your own pairs (needs the [tune] extra).",
    ),
    "get": (
        "structconv.cli.edit",
        "get_command",
        'Print the value at PATH in FILE (spec.containers[0].image, tool."my.key", root.@id).',
    ),
    "set": (
        "structconv.cli.edit",
        "set_command",
        "Set PATH to VALUE in each of FILES (or 'deploy/*.yaml'), every other byte kept.",
    ),
    "delete": (
        "structconv.cli.edit",
        "delete_command",
        "Remove the key or item at PATH from each of FILES, every other byte kept.",
    ),
}


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors also say where the help is."""

    def __init__(self, prog: str, description: str) -> None:
        super().__init__(
            prog=prog,
            description=description,
            formatter_class=HelpLayout,
            allow_abbrev=False,  # as before: `--in` is no flag, nor a guess at one
        )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Try '{self.prog} --help' for help.\n{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run `structconv ARGV...`; the exit status (argparse's usage errors exit 2 itself)."""
    given = sys.argv[1:] if argv is None else list(argv)
    try:
        status = _dispatch(given)
        sys.stdout.flush()  # here, so that a reader gone (`| head -1`) is seen below
        return status
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
        print(
            "structconv: interrupted; what was converted is in place, and no partial or "
            "temporary file is left",
            file=sys.stderr,
        )
        return INTERRUPTED
    except (BrokenPipeError, ReaderGone):
        # Whoever read stdout stopped (`| head -1`): end quietly, as `yes | head` does.
        # What is still buffered goes nowhere, not into a traceback at exit.
        _silence_stdout()
        return 1


def _dispatch(argv: list[str]) -> int:
    listed = {name: summary for name, (_, _, summary) in COMMANDS.items()}
    version = f"structconv, version {__version__}"
    name, rest = _pick("structconv", DESCRIPTION, listed, argv, version=version)
    module, attribute, summary = COMMANDS[name]
    entry: Command | Group = getattr(importlib.import_module(module), attribute)
    prog = f"structconv {name}"
    if isinstance(entry, Group):
        summaries = {sub: summary for sub, (summary, _) in entry.commands.items()}
        sub, rest = _pick(prog, summary, summaries, rest)
        summary, entry = entry.commands[sub]
        prog = f"{prog} {sub}"
    return _run(prog, summary, entry, rest)


def _pick(
    prog: str,
    description: str,
    summaries: Mapping[str, str],
    argv: list[str],
    version: str | None = None,
) -> tuple[str, list[str]]:
    """The command named in `argv` (its first argument not a flag) and the arguments
    after it; -h, --version and a missing or unknown name end here, as argparse does."""
    if argv and argv[0] in summaries:
        return argv[0], argv[1:]  # the usual case: no listing or version asked for
    parser = _Parser(prog, description)
    if version is not None:
        parser.add_argument("--version", action="version", version=version)
    # Listed, never parsed with: the chosen command's own parser reads its arguments.
    commands = parser.add_subparsers(
        title="commands",
        dest="command",
        metavar="COMMAND",
        required=True,
        parser_class=argparse.ArgumentParser,
    )
    for name, summary in summaries.items():
        commands.add_parser(name, help=summary, add_help=False)
    position = next(
        (index for index, argument in enumerate(argv) if not argument.startswith("-")),
        len(argv),
    )
    parser.parse_args(argv[: position + 1])
    return argv[position], argv[position + 1 :]


def _run(prog: str, summary: str, command: Command, argv: list[str]) -> int:
    description = f"{summary}\n\n{command.details}" if command.details else summary
    parser = _Parser(prog, description)
    command.add_arguments(parser)
    parser.usage = _short_usage(parser)
    # Intermixed: files and flags in any order (`convert a.json --to yaml b.json`).
    arguments = parser.parse_intermixed_args(argv)
    try:
        return command.run(arguments)
    except UsageError as error:
        parser.error(str(error))  # exits 2
    except Failure as error:
        print(error, file=sys.stderr)
        return 1


def _short_usage(parser: argparse.ArgumentParser) -> str:
    """`PROG [options] --to {...} FILES [FILES ...]`: the flags a command requires and its
    arguments. argparse's own usage lists every flag (20 lines for convert, printed above
    each usage error), and parse_intermixed_args lays it out anew at every start."""
    shown = [action for action in parser._actions if action.required or not action.option_strings]
    layout = HelpLayout(prog="")
    layout.add_usage(None, shown, [], prefix="")
    return " ".join(["%(prog)s", "[options]", *layout.format_help().split()])


def _silence_stdout() -> None:
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (captured): nothing flushes it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
