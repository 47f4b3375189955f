from __future__ import annotations

from pathlib import Path

import pytest

import structconv
from structconv.edit import edit_files


def test_set_writes_atomically_and_keeps_mode(tmp_path: Path) -> None:
    file = tmp_path / "values.yaml"
    file.write_text("image:\n  tag: v1  # pinned\n")
    file.chmod(0o640)
    edit = structconv.set_value(file, "image.tag", "v2")
    assert edit.changed and (edit.first_line, edit.last_line) == (2, 2)
    assert file.read_text() == "image:\n  tag: v2  # pinned\n"
    assert file.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["values.yaml"]


def test_check_writes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "a.toml"
    file.write_text("a = 1\n")
    edit = structconv.set_value(file, "a", 2, check=True)
    assert edit.changed and "+a = 2" in edit.diff()
    assert file.read_text() == "a = 1\n"


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    file = tmp_path / "a.json"
    file.write_bytes(b'\xef\xbb\xbf{\r\n  "a": 1\r\n}\r\n')
    structconv.set_value(file, "b", True)
    assert file.read_bytes() == b'\xef\xbb\xbf{\r\n  "a": 1,\r\n  "b": true\r\n}\r\n'


def test_get_search_and_not_found(tmp_path: Path) -> None:
    file = tmp_path / "d.yaml"
    file.write_text("spec:\n  containers:\n    - image: a\n    - image: b\n")
    assert structconv.get(file, "spec.containers[1].image") == "b"
    assert structconv.search(file, "spec.containers[*].image") == ["a", "b"]
    with pytest.raises(
        structconv.PathNotFound, match=r"nearest part that exists is spec\.containers"
    ):
        structconv.get(file, "spec.containers[2].image")


def test_refused_edit_leaves_the_file(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    text = "base: &b {x: 1}\nuse: *b\n"
    file.write_text(text)
    with pytest.raises(structconv.EditRefused):
        structconv.set_value(file, "base.x", 2)
    assert file.read_text() == text


def test_batch_over_a_glob(tmp_path: Path) -> None:
    for name, text in [
        ("a.yaml", "image: {tag: v1}\n"),
        ("b.yaml", "image:\n  tag: v2\n"),
        ("c.yaml", "x: 1\n"),
    ]:
        (tmp_path / name).write_text(text)
    outcomes = edit_files([str(tmp_path / "*.yaml")], "set", "image.tag", "v2")
    assert [o.status for o in outcomes] == ["changed", "unchanged", "not found"]
    assert (tmp_path / "a.yaml").read_text() == "image: {tag: v2}\n"
