from __future__ import annotations

import os
from pathlib import Path

import pytest

from structconv.atomic import atomic_writer, write_atomic


def test_replaces_whole_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]


def test_bytes_are_written_as_they_are(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, "é".encode("latin-1"))
    assert target.read_bytes() == b"\xe9"


def test_a_new_file_gets_the_umask_permissions_of_any_new_file(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.json", "x")
        with atomic_writer(tmp_path / "streamed.json") as stream:
            stream.write("y")
    finally:
        os.umask(previous)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "streamed.json").stat().st_mode & 0o777 == 0o640


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target) as stream:
        stream.write("half")
        raise RuntimeError("writer failed")
    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]


def test_deferred_writes_appear_only_when_committed(tmp_path: Path) -> None:
    from structconv.atomic import commit_writes, deferred_commits

    target = tmp_path / "out.json"
    target.write_text("old")
    with deferred_commits() as pending:
        write_atomic(target, "new")
        write_atomic(tmp_path / "other.json", "x")
        assert target.read_text() == "old"  # whole beside it, not yet in place
        assert not (tmp_path / "other.json").exists()
        assert commit_writes(pending.detach()) == {}
    assert target.read_text() == "new"
    assert (tmp_path / "other.json").read_text() == "x"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.json", "out.json"]


def test_uncommitted_writes_vanish_and_a_failed_rename_is_reported(tmp_path: Path) -> None:
    from structconv.atomic import commit_writes, deferred_commits

    with deferred_commits():
        write_atomic(tmp_path / "never.json", "x")
    assert list(tmp_path.iterdir()) == []
    blocked = tmp_path / "dir"
    with deferred_commits() as pending:
        write_atomic(blocked, "x")
        blocked.mkdir()
        (blocked / "keep").write_text("")  # a non-empty directory cannot be replaced
        failed = commit_writes(pending.detach())
    assert list(failed) == [str(blocked)]
    assert [path.name for path in tmp_path.iterdir()] == ["dir"]


def test_background_commits_sync_off_the_caller_and_rename_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files appear only when the caller collects them; a failed rename is its put's."""
    import threading

    from structconv.atomic import BackgroundCommits, deferred_commits

    blocked = tmp_path / "dir"
    with deferred_commits() as pending:
        write_atomic(tmp_path / "a.json", "a")
        first = pending.detach()
        write_atomic(blocked, "x")
        write_atomic(tmp_path / "b.json", "b")
        second = pending.detach()
    blocked.mkdir()
    (blocked / "keep").write_text("")  # a non-empty directory cannot be replaced
    synced_on: list[str] = []
    monkeypatch.setattr(os, "sync", lambda: synced_on.append(threading.current_thread().name))
    commits: BackgroundCommits[str] = BackgroundCommits()
    commits.put("first", first)
    commits.put("second", second)
    assert not (tmp_path / "a.json").exists()  # never renamed by the thread
    done = commits.committed() + commits.close()
    assert [token for token, _ in done] == ["first", "second"]
    assert done[0][1] == {}
    assert list(done[1][1]) == [str(blocked)]
    assert synced_on and threading.current_thread().name not in synced_on
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.json", "b.json", "dir"]


def test_background_commits_discarded_leave_no_temporary(tmp_path: Path) -> None:
    from structconv.atomic import BackgroundCommits, deferred_commits

    with deferred_commits() as pending:
        write_atomic(tmp_path / "a.json", "a")
        writes = pending.detach()
    commits: BackgroundCommits[int] = BackgroundCommits()
    commits.put(1, writes)
    commits.discard()
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_file_is_as_private_as_the_file_it_replaces_while_written(
    tmp_path: Path,
) -> None:
    """Not created with the umask's mode and narrowed at the end: another user could open
    it meanwhile and read on (issue 16)."""
    from structconv.atomic import permissions_from

    secret = tmp_path / "secret.yaml"
    secret.write_text("a: 1\n")
    secret.chmod(0o600)
    replaced = tmp_path / "replaced.json"
    replaced.write_text("old")
    replaced.chmod(0o600)
    previous = os.umask(0o022)
    try:
        with atomic_writer(replaced) as stream:
            stream.write("new")
            (temporary,) = tmp_path.glob(".replaced.json.*.tmp")
            assert temporary.stat().st_mode & 0o777 == 0o600
        with permissions_from(secret), atomic_writer(tmp_path / "secret.json") as stream:
            stream.write("{}")
            (temporary,) = tmp_path.glob(".secret.json.*.tmp")
            assert temporary.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(previous)
    assert (tmp_path / "secret.json").stat().st_mode & 0o777 == 0o600


def test_a_long_name_gets_a_short_temporary_name(tmp_path: Path) -> None:
    from structconv.atomic import temporary_prefix

    name = "é" * 125 + ".json"  # 255 bytes
    prefix = temporary_prefix(name)
    assert prefix == "." + "é" * 32 + "."
    write_atomic(tmp_path / name, "x")
    assert [path.name for path in tmp_path.iterdir()] == [name]


def test_remove_temporaries_removes_those_of_the_targets_alone(tmp_path: Path) -> None:
    from structconv.atomic import remove_temporaries, temporary_prefix

    long_name = "n" * 200 + ".json"
    names = [
        ".a.json.1f2e3d4c.tmp",  # a write_atomic's
        ".a.json.k2_j8x0q.part",  # a streamed part's (mkstemp)
        f"{temporary_prefix(long_name)}00aa11bb.tmp",
        ".b.json.1f2e3d4c.tmp",  # another target's
        ".a.json.tmp",  # no token: not ours
        ".a.json.backup.old.tmp",  # `.a.json.backup.`'s, not a.json's
        "a.json",
    ]
    for name in names:
        (tmp_path / name).write_text("")
    removed = remove_temporaries([tmp_path / "a.json", tmp_path / long_name])
    assert removed == 3
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names[3:])
