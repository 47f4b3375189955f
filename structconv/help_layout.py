"""The help layout of every structconv command line (the `structconv` command, the hooks).

argparse measures the terminal for each parser it builds, and that imports shutil (with
zlib, bz2 and lzma): about 2 ms of every start, help asked for or not. This layout asks
the terminal itself, and only when help is written.
"""

from __future__ import annotations

import argparse
import os


class HelpLayout(argparse.RawDescriptionHelpFormatter):
    """argparse's help at most 80 columns wide, descriptions laid out as written."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=_help_width())


def _help_width() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
    except (ValueError, OSError):  # no number, or not a terminal
        columns = 80
    return max(min(columns, 80) - 2, 50)
