"""Read and edit one value of a config file in place: every other byte kept, with proof.

    >>> import structconv
    >>> structconv.get("deploy.yaml", "spec.template.spec.containers[0].image")
    >>> structconv.set_value("deploy.yaml", "spec.replicas", 3)
    >>> structconv.delete("pyproject.toml", 'tool.ruff."line-length"')
    >>> structconv.search("deploy.yaml", "spec.template.spec.containers[*].image")

Each format's own parser finds the target (ruamel.yaml, tomlkit, the JSON/JSONC
lexer, a scan of the XML markup); only the target's characters or lines change.
Before anything is written the result is read back with the strict reader and
compared with the original data (only the path may differ, and only as asked), and
every line outside the edited lines must be the original's (structconv.edit.proof);
otherwise EditRefused says why and the file stays as it was. Writes are atomic and
keep the file's permissions, encoding and line endings.

Text in, text out: structconv.edit.core.set_in_text, delete_in_text, get_in_text.
"""

from structconv.edit.core import Edit
from structconv.edit.files import FileEdit, delete, edit_files, get, search, set_value
from structconv.edit.locate import PathNotFound
from structconv.edit.paths import PathSyntaxError, display_path, parse_path
from structconv.edit.splice import EditRefused
from structconv.edit.values import VALUE_KINDS, read_value

__all__ = [
    "VALUE_KINDS",
    "Edit",
    "EditRefused",
    "FileEdit",
    "PathNotFound",
    "PathSyntaxError",
    "delete",
    "display_path",
    "edit_files",
    "get",
    "parse_path",
    "read_value",
    "search",
    "set_value",
]
