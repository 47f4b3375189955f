"""Every editor on the real files of tests/fixtures/edit: a set and a delete of random
existing scalars per file (seeded), each proven; the refusals are few and named."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from structconv.edit.core import delete_in_text, read_document, set_in_text, user_view
from structconv.edit.locate import PathNotFound
from structconv.edit.splice import EditRefused
from structconv.formats.detect import detect_format
from structconv.neutral import iter_nodes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "edit"


def _sources() -> dict[str, str]:
    found = {}
    for line in (FIXTURES / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 5 and cells[0].count("/") == 1 and cells[0] != "---":
            found[cells[0]] = cells[3]
    return found


SOURCES = _sources()


def test_fifty_files_of_each_format() -> None:
    counts = {
        name: sum(key.startswith(name + "/") for key in SOURCES)
        for name in ("yaml", "toml", "json", "xml")
    }
    assert counts == {"yaml": 50, "toml": 50, "json": 50, "xml": 50}


@pytest.mark.parametrize("fixture", sorted(SOURCES))
def test_edits_change_only_their_lines(fixture: str) -> None:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    format = detect_format(text, SOURCES[fixture])
    data = user_view(read_document(text, format), format)
    leaves = [
        path
        for path, value in iter_nodes(data)
        if path and not isinstance(value, dict | list) and "#content" not in path
    ]
    rng = random.Random(fixture)
    for path in rng.sample(leaves, min(2, len(leaves))):
        for action in ("set", "delete"):
            try:
                if action == "set":
                    edit = set_in_text(text, path, "edited", format)
                else:
                    edit = delete_in_text(text, path, format)
            except (EditRefused, PathNotFound):
                continue  # refused with a reason: nothing written (the benchmark counts these)
            old, new = text.split("\n"), edit.text.split("\n")
            kept_after = len(old) - edit.last_line
            assert new[: edit.first_line - 1] == old[: edit.first_line - 1]
            assert new[len(new) - kept_after :] == old[len(old) - kept_after :]
