"""`structconv normalize`: hooks.NORMALIZE_FLAGS, the same parser as the pre-commit hook's."""

from __future__ import annotations

import argparse

from structconv.cli.shared import Command
from structconv.hooks import add_normalize_flags, run_options


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILES")
    add_normalize_flags(parser)


def _run(arguments: argparse.Namespace) -> int:
    from structconv.normalize.runner import run

    return run(arguments.files, run_options(vars(arguments)))  # a UsageError: exit 2


normalize_command = Command(
    _add_arguments,
    _run,
    details="The data never changes: every file is read again and compared before it is\n"
    "written. Exit codes: 0 nothing changed, 1 a file changed, would change (--check,\n"
    "--diff) or failed, 2 usage.",
)
