"""`structconv.batch.convert_many` as the README's first reach writes it, and the package
where POSIX-only names are missing (Windows) (issue 16)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from structconv.batch import convert_many, plan_jobs
from structconv.errors import UsageError


def sources(folder: Path, count: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"f{index}.yaml"
        path.write_text(f"i: {index}\n")
        paths.append(path)
    return paths


def test_convert_many_takes_paths_and_creates_the_out_dir(tmp_path: Path) -> None:
    paths = sources(tmp_path / "in")
    out = tmp_path / "not" / "yet"
    outcomes = convert_many(paths, to="json", out_dir=out, indent=0)
    assert [outcome.ok for outcome in outcomes] == [True, True, True]
    assert [json.loads((out / f"f{index}.json").read_text()) for index in range(3)] == [
        {"i": 0},
        {"i": 1},
        {"i": 2},
    ]
    assert (out / "f0.json").read_text() == '{"i":0}\n'  # the settings of convert


def test_planned_jobs_into_a_missing_out_dir_convert(tmp_path: Path) -> None:
    jobs = plan_jobs([str(path) for path in sources(tmp_path)], to="json", out_dir=tmp_path / "o")
    outcomes = convert_many(jobs)
    assert [outcome.error for outcome in outcomes] == [None, None, None]
    assert sorted(path.name for path in (tmp_path / "o").iterdir()) == [
        "f0.json",
        "f1.json",
        "f2.json",
    ]


def test_convert_many_refuses_a_mixed_or_incomplete_call(tmp_path: Path) -> None:
    paths = sources(tmp_path)
    jobs = plan_jobs([str(paths[0])], to="json", out_dir=tmp_path / "o")
    with pytest.raises(UsageError, match="planned already"):
        convert_many(jobs, to="yaml")
    with pytest.raises(UsageError, match="not both"):
        convert_many([*jobs, paths[1]])
    with pytest.raises(UsageError, match="to=FORMAT"):
        convert_many(paths, out_dir=tmp_path / "o")
    with pytest.raises(UsageError, match="either into --out-dir DIR or --in-place"):
        convert_many(paths, to="json")
    assert not (tmp_path / "o").exists()


def test_in_place_through_the_api_refuses_an_unrelated_file_unless_forced(tmp_path: Path) -> None:
    (source,) = sources(tmp_path, 1)
    unrelated = tmp_path / "f0.json"
    unrelated.write_text("[]")
    with pytest.raises(UsageError, match=r"pass --force \(API: force=True\)"):
        convert_many([source], to="json", in_place=True)
    assert unrelated.read_text() == "[]" and source.exists()
    (outcome,) = convert_many([source], to="json", in_place=True, force=True)
    assert outcome.ok and json.loads(unrelated.read_text()) == {"i": 0} and not source.exists()


# Names that exist on POSIX only; Windows has none of them (fchmod came in 3.13).
POSIX_ONLY = {
    "os": (
        "O_CLOEXEC O_NOFOLLOW O_DIRECTORY register_at_fork sync fchown fchmod fork killpg "
        "getpgid setsid sched_getaffinity getuid geteuid getgid getegid getloadavg statvfs "
        "mkfifo nice uname sysconf pathconf posix_spawn chown lchown"
    ),
    "signal": "pthread_sigmask SIGKILL SIGHUP SIGUSR1 SIGUSR2 SIGALRM SIGCHLD SIGQUIT alarm",
}
POSIX_MODULES = ("fcntl", "pwd", "grp", "termios", "resource")

WITHOUT_POSIX = """
import importlib, os, pkgutil, signal, sys
for module, names in {posix_only!r}.items():
    for name in names.split():
        if hasattr(sys.modules[module], name):
            delattr(sys.modules[module], name)
for name in {modules!r}:
    sys.modules[name] = None
import structconv
for info in pkgutil.walk_packages(structconv.__path__, "structconv."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
from structconv.batch import convert_many
from structconv.normalize import NormalizeSettings, normalize_file
folder = sys.argv[1]
paths = [os.path.join(folder, name) for name in sorted(os.listdir(folder))]
done = convert_many(paths[:1], to="json", out_dir=os.path.join(folder, "out"))
done += convert_many(paths[1:], to="toml", in_place=True)
normalize_file(os.path.join(folder, "out", "a.json"), NormalizeSettings()).write()
print([outcome.ok for outcome in done])
"""


def test_the_package_works_without_posix_only_names(tmp_path: Path) -> None:
    """CI runs on Linux: take away what Windows lacks, then import every module and
    convert (commits flush file by file, permissions are set by name or left)."""
    (tmp_path / "a.yaml").write_text("a: [1, 2]\n")
    (tmp_path / "b.yaml").write_text("b: 1\n")
    (tmp_path / "b.yaml").chmod(0o600)
    script = WITHOUT_POSIX.format(posix_only=POSIX_ONLY, modules=POSIX_MODULES)
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[True, True]\n"
    assert (tmp_path / "out" / "a.json").read_text() == '{\n  "a": [1, 2]\n}\n'
    assert (tmp_path / "b.toml").read_text() == "b = 1\n"
    assert (tmp_path / "b.toml").stat().st_mode & 0o777 == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.yaml", "b.toml", "out"]
