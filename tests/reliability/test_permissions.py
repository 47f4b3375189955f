"""What --in-place and normalize write keeps the input's mode and owner; a new file
follows the umask (issue 16: `chmod 600 secret.yaml` then --in-place gave a
world-readable secret.json)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.conftest import run_structconv_text

NOBODY = 65534


structconv = run_structconv_text


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)  # the command inherits it
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


@pytest.mark.usefixtures("umask_022")
def test_in_place_output_takes_the_mode_of_its_input_and_a_new_file_the_umask(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    secret.chmod(0o600)
    shared = tmp_path / "shared.yaml"
    shared.write_text("a: 1\n")
    shared.chmod(0o664)  # group-writable, more than the umask 022 gives
    copy = tmp_path / "copy"
    done = structconv("convert", str(secret), "--to", "json", "--out-dir", str(copy))
    assert done.returncode == 0, done.stderr
    assert mode(copy / "secret.json") == 0o644  # a new file elsewhere: the umask decides
    done = structconv("convert", str(secret), str(shared), "--to", "json", "--in-place")
    assert done.returncode == 0, done.stderr
    assert not secret.exists() and not shared.exists()
    assert mode(tmp_path / "secret.json") == 0o600
    assert mode(tmp_path / "shared.json") == 0o664


needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a file to another owner needs root",
)


@needs_root
def test_in_place_output_takes_the_owner_of_its_input(tmp_path: Path) -> None:
    source = tmp_path / "theirs.yaml"
    source.write_text("a: 1\n")
    os.chown(source, NOBODY, NOBODY)
    source.chmod(0o640)
    done = structconv("convert", str(source), "--to", "toml", "--in-place")
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "theirs.toml").stat()
    assert (written.st_uid, written.st_gid, written.st_mode & 0o777) == (NOBODY, NOBODY, 0o640)


@needs_root
def test_normalize_keeps_the_owner_and_mode_of_the_file(tmp_path: Path) -> None:
    target = tmp_path / "theirs.json"
    target.write_text('{"a":1,\n"b":[1,2]}\n')
    os.chown(target, NOBODY, NOBODY)
    target.chmod(0o600)
    done = structconv("normalize", str(target))
    assert done.returncode == 1, done.stderr  # 1: a file was reformatted
    assert target.read_text() == '{\n  "a": 1,\n  "b": [1, 2]\n}\n'
    written = target.stat()
    assert (written.st_uid, written.st_gid, written.st_mode & 0o777) == (NOBODY, NOBODY, 0o600)


@pytest.mark.usefixtures("umask_022")
def test_a_link_planted_in_the_output_folder_lends_the_output_nothing(tmp_path: Path) -> None:
    """Another user's link where an output goes must not make the output theirs, nor
    readable by all; the link is replaced, the file it points to untouched."""
    source = tmp_path / "secret.yaml"
    source.write_text("password: hunter2\n")
    source.chmod(0o600)
    victim = tmp_path / "planted"
    victim.write_text("")
    victim.chmod(0o666)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(victim, NOBODY, NOBODY)
    out = tmp_path / "out"
    out.mkdir()
    (out / "secret.json").symlink_to(victim)
    done = structconv("convert", str(source), "--to", "json", "--out-dir", str(out))
    assert done.returncode == 0, done.stderr
    written = out / "secret.json"
    assert not written.is_symlink() and victim.read_text() == ""
    assert mode(written) == 0o644  # the umask's, not the planted file's 0666
    assert written.stat().st_uid == source.stat().st_uid
