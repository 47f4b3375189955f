"""The names of the settings files, and the folders they are looked for in: a file's
folder and each folder above it, up to the repository root.

A leaf that imports nothing of structconv's: the hooks' memory (structconv.hook_cache)
needs the places on its fast path, where reading the settings (structconv.settings_file)
would cost more than the whole run; both walk the same folders with `candidates`.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing's: see structconv/__init__.py
if TYPE_CHECKING:
    from collections.abc import Iterator

CONFIG_NAMES: tuple[str, ...] = (".structconv.toml", "pyproject.toml")


def candidates(folder: str) -> Iterator[str]:
    """Where a settings file for the files of `folder` (absolute) may be, nearest first:
    each of CONFIG_NAMES in `folder`, then in each folder above, up to the repository
    root (a folder holding `.git`) or the file system's root. A settings file outside
    the repository would make the hook format differently on each developer's machine."""
    while True:
        for name in CONFIG_NAMES:
            yield os.path.join(folder, name)
        parent = os.path.dirname(folder)
        if parent == folder or os.path.exists(os.path.join(folder, ".git")):
            return
        folder = parent
