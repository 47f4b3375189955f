"""A hook's command line as pre-commit writes it: the staged files' names, after the
switches of the hook's `args:`.

Such a line is read here, without argparse, whose import (with gettext and locale:
2-3 ms of CPU) is up to a tenth of a bare parse of a small file; any other line (a flag with a value, help, a
name that starts with "-") goes to the hook's argparse parser, which reads plain lines
the same way. structconv.hook_cache reads lines with it too, before anything else loads.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: see structconv/__init__.py
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence


def plain_line(
    arguments: Sequence[str], switches: Collection[str]
) -> tuple[list[str], set[str]] | None:
    """The file names and the switches given, when every argument is one of `switches`
    or a name that does not start with "-", and the names follow one another (argparse
    takes one run of them, and refuses a name after a switch that followed a name);
    else None."""
    paths: list[str] = []
    given: set[str] = set()
    after_names = False
    for argument in arguments:
        if not argument.startswith("-"):
            if after_names:
                return None
            paths.append(argument)
        elif argument in switches:
            given.add(argument)
            after_names = bool(paths)
        else:
            return None
    return paths, given
