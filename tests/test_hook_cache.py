"""The hooks' memory: a file that passed before, unchanged, is skipped; anything its
verdict depends on that changes makes the hook look at it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from structconv import hook_cache

# Runs a hook as its console script does; prints its exit status, and whether it loaded
# the hook's module (a hit ends before that) as the last line of stdout.
PROBE = """
import json, sys
from structconv import console
sys.argv = [sys.argv[0], *sys.argv[2:]]
try:
    code = getattr(console, {entry!r})()
except SystemExit as exit:
    code = exit.code
print(json.dumps({{"code": code, "ran": "structconv.hooks" in sys.modules}}))
"""

NICE_JSON = '{\n  "name": "app",\n  "ports": [80, 443]\n}\n'


def hook(command: str, *arguments: str | Path, cwd: Path) -> tuple[int, bool, str]:
    """(exit status, whether the hook ran rather than remembered, stderr)."""
    entry = {"check": "check", "normalize": "normalize"}[command]
    completed = subprocess.run(
        [sys.executable, "-c", PROBE.format(entry=entry), "-", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    outcome = json.loads(completed.stdout.splitlines()[-1])
    return outcome["code"], outcome["ran"], completed.stderr


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.json").write_text(NICE_JSON)
    (tmp_path / "b.yaml").write_text("# settings\nname: edge\nports:\n  - 80\n")
    return tmp_path


def test_a_file_that_passed_is_skipped_until_its_bytes_change(project: Path) -> None:
    for command in ("check", "normalize"):
        assert hook(command, "a.json", "b.yaml", cwd=project)[:2] == (0, True)
        assert hook(command, "a.json", "b.yaml", cwd=project)[:2] == (0, False)
    (project / "b.yaml").write_text("# settings\nname: edge\nports:\n  - 80\n  - 443\n")
    for command in ("check", "normalize"):
        assert hook(command, "a.json", "b.yaml", cwd=project)[:2] == (0, True)


def test_a_remembered_run_prints_what_the_run_prints(project: Path) -> None:
    ran = hook("normalize", "a.json", "b.yaml", cwd=project)
    remembered = hook("normalize", "a.json", "b.yaml", cwd=project)
    assert (ran[1], remembered[1]) == (True, False)
    assert ran[2] == remembered[2] == "0 file(s) reformatted, 2 unchanged, 0 failed\n"
    ran = hook("normalize", "--check", "a.json", cwd=project)
    assert hook("normalize", "--check", "a.json", cwd=project)[1:] == (False, ran[2])
    assert "would be reformatted, 1 unchanged" in ran[2]


def test_a_file_that_fails_or_is_rewritten_is_never_remembered(project: Path) -> None:
    broken = project / "broken.json"
    broken.write_text('{"a": [1, 2,]}')
    for _ in range(2):
        code, ran, err = hook("check", broken, cwd=project)
        assert (code, ran) == (1, True) and "broken.json:1:13" in err
    ugly = project / "ugly.json"
    ugly.write_text('{"name":"app","ports":[80,443]}')
    assert hook("normalize", ugly, cwd=project)[:2] == (1, True)
    assert ugly.read_text() == NICE_JSON
    assert hook("normalize", ugly, cwd=project)[:2] == (0, True)  # now normal: remembered
    assert hook("normalize", ugly, cwd=project)[:2] == (0, False)


def test_a_settings_file_that_changes_makes_the_hook_look_again(project: Path) -> None:
    sub = project / "sub"
    sub.mkdir()
    (sub / "c.json").write_text(NICE_JSON)
    assert hook("normalize", "sub/c.json", cwd=project)[:2] == (0, True)
    assert hook("normalize", "sub/c.json", cwd=project)[:2] == (0, False)
    (project / ".structconv.toml").write_text("indent = 4\n")
    code, ran, err = hook("normalize", "sub/c.json", cwd=project)
    assert (code, ran) == (1, True) and "reformatted" in err
    assert (sub / "c.json").read_text().startswith('{\n    "name"')


def test_options_that_change_the_result_always_run(project: Path) -> None:
    assert hook("normalize", "a.json", cwd=project)[:2] == (0, True)
    assert hook("normalize", "--indent", "4", "--check", "a.json", cwd=project)[:2] == (1, True)
    assert hook("normalize", "--no-cache", "a.json", cwd=project)[:2] == (0, True)
    assert hook("normalize", "a.json", "sub", cwd=project)[1]  # a missing path: the run says so


def test_a_line_argparse_refuses_is_not_answered_from_memory(project: Path) -> None:
    """Names, a switch, names: argparse takes one run of names and exits 2, even when
    every file passed before."""
    assert hook("normalize", "a.json", "b.yaml", cwd=project)[:2] == (0, True)
    code, ran, err = hook("normalize", "a.json", "--check", "b.yaml", cwd=project)
    assert (code, ran) == (2, True) and "unrecognized arguments: b.yaml" in err


def test_no_cache_neither_reads_nor_writes(project: Path) -> None:
    folder = Path(os.environ["STRUCTCONV_CACHE_DIR"]) / "hooks" / "check"
    before = set(folder.iterdir()) if folder.is_dir() else set()
    for _ in range(2):
        assert hook("check", "--no-cache", project / "a.json", cwd=project)[:2] == (0, True)
    after = set(folder.iterdir()) if folder.is_dir() else set()
    assert after == before


def test_an_unwritable_or_spoiled_memory_only_means_the_file_is_checked_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = project / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("STRUCTCONV_CACHE_DIR", str(blocked))
    for _ in range(2):
        assert hook("check", "a.json", cwd=project)[:2] == (0, True)
    monkeypatch.setenv("STRUCTCONV_CACHE_DIR", str(project / "cache"))
    path = str(project / "a.json")
    hook_cache.remember("check", path, (project / "a.json").read_bytes())
    assert hook_cache.passed_before("check", path)
    where = hook_cache._entry("check", str(Path(path).absolute()))
    assert where is not None
    entry = Path(where)
    entry.write_text(entry.read_text()[:40])  # a write cut short
    assert not hook_cache.passed_before("check", path)
    assert not hook_cache.passed_before("normalize", path)  # another command's verdict


def test_the_installation_signature_follows_edits_to_the_code(tmp_path: Path) -> None:
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    module = package / "sub" / "module.py"
    module.write_text("x = 1\n")
    before = hook_cache._modules_signature(str(package))
    module.write_text("x = 22\n")
    assert hook_cache._modules_signature(str(package)) != before


def test_the_settings_looked_at_stop_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.structconv]\nindent = 4\n")
    repository = tmp_path / "repository"
    (repository / ".git").mkdir(parents=True)
    (repository / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (repository / "deep").mkdir()
    found = hook_cache._settings_files(str(repository / "deep" / "a.json"))
    assert [entry.split(b"\0")[0].decode() for entry in found] == [
        str(repository / "pyproject.toml")
    ]


def test_without_a_home_folder_nothing_is_kept_in_the_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("STRUCTCONV_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # as with no home at all
    assert hook_cache.folder() is None
    monkeypatch.chdir(project)
    hook_cache.remember("check", "a.json", (project / "a.json").read_bytes())
    assert not hook_cache.passed_before("check", "a.json")
    assert sorted(path.name for path in project.iterdir()) == [".git", "a.json", "b.yaml"]
