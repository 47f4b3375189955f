"""The hooks' memory: files whose exact bytes already passed `structconv-check` or were
already normal for `structconv-normalize`, so that a run on them costs a hash, not a parse.

Hooks run on every commit, mostly over files that have not changed since the last run;
like black and ruff, the hooks remember what passed and skip it. A verdict is only ever
"passed": a file that failed, changed or was rewritten is checked again next time.

An entry is named by the command and the file's absolute path and holds a digest of all
that the verdict depends on: the file's bytes; every settings file from its folder up to
the repository root (a style or a `jsonc_files` list may change the verdict); and this
installation (structconv's version, Python's, the modification times of structconv's
modules, which an edit changes, and of each site-packages folder, which installing or
removing a package changes). A stale, missing, unreadable or half-written entry cannot
match, so it only means the file is checked again.

Where: $STRUCTCONV_CACHE_DIR, else $XDG_CACHE_HOME/structconv, else ~/.cache/structconv;
`--no-cache` on either hook neither reads nor writes it. A folder that cannot be written
is passed over silently: the cache speeds a run up, it never decides one.

This module imports nothing of structconv's but its version, a list of names and the
reading of a plain hook line: its callers run it before they load anything else, so
its cost is the whole run on a hit.
"""

from __future__ import annotations

import os
import sys

from structconv.config_names import candidates
from structconv.hook_arguments import plain_line
from structconv.version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

_ENTRY_FORMAT = "1"
_installation: bytes | None = None


def folder() -> str | None:
    """Where the entries live (see the module's docstring); None where no absolute folder
    is known (no home folder: then nothing is kept, rather than a `~` folder made in the
    project)."""
    explicit = os.environ.get("STRUCTCONV_CACHE_DIR")
    if explicit:
        return os.path.abspath(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "structconv") if os.path.isabs(base) else None


def _modules_signature(package: str) -> list[str]:
    """Each module of the package with its modification time and size."""
    signature = []
    pending = [package]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    status = entry.stat()
                    signature.append(f"{entry.path}:{status.st_mtime_ns}:{status.st_size}")
    return sorted(signature)


def installation() -> bytes:
    """What identifies this installation's behaviour: it changes when structconv's code,
    Python or any installed package does."""
    global _installation
    if _installation is None:
        package = os.path.dirname(os.path.abspath(__file__))
        parts = [_ENTRY_FORMAT, __version__, sys.version, *_modules_signature(package)]
        for entry in sys.path:
            if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
                parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
        _installation = "\n".join(parts).encode()
    return _installation


def _settings_files(path: str) -> list[bytes]:
    """The name and bytes of every settings file that may apply to `path` (a superset of
    those structconv.settings_file.find_config_file reads: it stops at the first)."""
    found = []
    for candidate in candidates(os.path.dirname(path)):
        try:
            with open(candidate, "rb") as settings:
                found.append(candidate.encode(errors="surrogateescape") + b"\0" + settings.read())
        except OSError:
            continue
    return found


def _digest(command: str, path: str, raw: bytes) -> str:
    import hashlib

    digest = hashlib.blake2b(installation(), digest_size=32)
    for part in (command.encode(), path.encode(errors="surrogateescape"), raw):
        digest.update(len(part).to_bytes(8, "little") + part)
    for settings in _settings_files(path):
        digest.update(len(settings).to_bytes(8, "little") + settings)
    return digest.hexdigest()


def _entry(command: str, path: str) -> str | None:
    import hashlib

    where = folder()
    if where is None:
        return None
    name = hashlib.blake2b(f"{command}\0{path}".encode(errors="surrogateescape"), digest_size=16)
    return os.path.join(where, "hooks", command, name.hexdigest())


def passed_before(command: str, path: str) -> bool:
    """Whether `path`, as it is now, passed `command` before in this installation."""
    path = os.path.abspath(path)
    entry_path = _entry(command, path)
    if entry_path is None:
        return False
    try:
        with open(path, "rb") as source:
            raw = source.read()
        with open(entry_path, encoding="ascii") as entry:
            recorded = entry.read()
    except (OSError, ValueError):
        return False
    return recorded == _digest(command, path, raw)


def remember(command: str, path: str, raw: bytes) -> None:
    """Record that `path` holding `raw` passed `command` (nothing when it cannot be written)."""
    path = os.path.abspath(path)
    entry = _entry(command, path)
    if entry is None:
        return
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        with open(entry, "w", encoding="ascii") as record:
            record.write(_digest(command, path, raw))
    except OSError:
        return


def normalize_summary(changed: int, unchanged: int, failed: int, writes: bool) -> str:
    """The last line of a `structconv-normalize` run."""
    verb = "reformatted" if writes else "would be reformatted"
    return f"{changed} file(s) {verb}, {unchanged} unchanged, {failed} failed"


# Flags after which a file that passed before still passes, with the same output.
_NEUTRAL_FLAGS = {"check": frozenset(), "normalize": frozenset({"--check", "--diff"})}


def known_result(command: str, arguments: Sequence[str]) -> int | None:
    """The exit status of a hook run whose every file passed before, printing what the
    run would print; None when the run must go ahead (a file is new or changed, a folder
    or an option other than --check/--diff is given, or nothing is)."""
    plain = plain_line(arguments, _NEUTRAL_FLAGS[command])
    if plain is None or not plain[0]:
        return None
    paths, flags = plain
    if not all(passed_before(command, path) for path in paths):
        return None
    if command == "normalize":
        print(normalize_summary(0, len(paths), 0, writes=not flags), file=sys.stderr)
    return 0
