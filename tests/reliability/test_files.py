"""Links, existing files and long names under --in-place, normalize and -o (issue 16).

Rewriting a file in place writes through its symbolic links (the link stays a link, as
with editors and `sed -i --follow-symlinks`) and refuses a file with other hard links,
which a rename would split; --in-place to another name refuses to remove a link, and to
overwrite an unrelated file unless --force.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.reliability.conftest import run_structconv_text

UGLY = '{"b":[1,2],\n"a":1}\n'
NORMALIZED = '{\n  "b": [1, 2],\n  "a": 1\n}\n'


structconv = run_structconv_text


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """`link.json`, a symbolic link to `real/data.json`."""
    real = tmp_path / "real" / "data.json"
    real.parent.mkdir()
    real.write_text(UGLY)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    return link, real


def test_normalize_writes_through_a_symbolic_link(linked: tuple[Path, Path]) -> None:
    link, real = linked
    done = structconv("normalize", str(link))
    assert done.returncode == 1, done.stderr  # 1: reformatted
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text() == NORMALIZED
    assert sorted(path.name for path in real.parent.iterdir()) == ["data.json"]


def test_in_place_in_the_same_format_writes_through_a_symbolic_link(
    linked: tuple[Path, Path],
) -> None:
    link, real = linked
    done = structconv("convert", str(link), "--to", "json", "--in-place", "--indent", "4")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text() == '{\n    "b": [\n        1,\n        2\n    ],\n    "a": 1\n}\n'


def test_repair_write_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "data.json"
    real.write_text('{"a": 1,}\n')
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    done = structconv("repair", str(link), "--write")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and json.loads(real.read_text()) == {"a": 1}


def test_in_place_to_another_name_refuses_to_remove_a_symbolic_link(
    linked: tuple[Path, Path], tmp_path: Path
) -> None:
    link, real = linked
    other = tmp_path / "plain.json"
    other.write_text("[1]\n")
    done = structconv("convert", str(link), str(other), "--to", "yaml", "--in-place")
    assert done.returncode == 1
    assert f"{link}: it is a symbolic link to {real}" in done.stderr
    assert "Traceback" not in done.stderr
    assert link.is_symlink() and real.read_text() == UGLY
    assert not (tmp_path / "link.yaml").exists()
    assert (tmp_path / "plain.yaml").read_text() == "- 1\n"  # the others go on


def test_a_file_with_other_hard_links_is_refused_not_split(tmp_path: Path) -> None:
    first = tmp_path / "a.json"
    first.write_text(UGLY)
    second = tmp_path / "b.json"
    os.link(first, second)
    for arguments in (
        ["normalize", str(first)],
        ["convert", str(first), "--to", "json", "--in-place"],
        ["convert", str(first), "--to", "yaml", "--in-place"],
    ):
        done = structconv(*arguments)
        assert done.returncode == 1, arguments
        assert "2 hard links" in done.stderr and "Traceback" not in done.stderr
        assert first.stat().st_ino == second.stat().st_ino  # still one file
        assert first.read_text() == UGLY
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.json", "b.json"]


def test_in_place_refuses_to_overwrite_an_unrelated_file_unless_forced(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text("a: 1\n")
    unrelated = tmp_path / "p.json"
    unrelated.write_text('{"keep": "me"}\n')
    done = structconv("convert", str(source), "--to", "json", "--in-place")
    assert done.returncode == 2
    assert f"would overwrite 1 existing file(s) that are not their input: {unrelated}" in (
        done.stderr
    )
    assert "--force" in done.stderr
    assert unrelated.read_text() == '{"keep": "me"}\n' and source.exists()
    done = structconv("convert", str(source), "--to", "json", "--in-place", "--force")
    assert done.returncode == 0, done.stderr
    assert json.loads(unrelated.read_text()) == {"a": 1} and not source.exists()


def test_an_output_name_near_the_file_system_limit(tmp_path: Path) -> None:
    stem = "n" * 250  # + ".json": 255 bytes, the most most file systems allow
    source = tmp_path / f"{stem}.yaml"
    source.write_text("a: 1\n")
    done = structconv("convert", str(source), "--to", "json", "--out-dir", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "o" / f"{stem}.json").read_text()) == {"a": 1}
    done = structconv("convert", str(source), "--to", "json", "-o", str(tmp_path / f"{stem}.json"))
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"{stem}.json", f"{stem}.yaml", "o"]
