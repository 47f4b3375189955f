"""The pre-commit entry points, their hook definitions, and pre-commit itself running them."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from structconv.hooks import check_main, main, normalize_parser

ROOT = Path(__file__).resolve().parent.parent
UGLY_JSON = '{"name":"app","ports":[80,443]}'
NICE_JSON = '{\n  "name": "app",\n  "ports": [80, 443]\n}\n'


def test_normalize_hook_rewrites_and_returns_1_then_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.json"
    path.write_text(UGLY_JSON)
    assert main([str(path)]) == 1
    assert path.read_text() == NICE_JSON
    assert f"{path}: reformatted" in capsys.readouterr().err
    assert main([str(path)]) == 0
    assert main([]) == 0  # pre-commit may pass no file


def test_normalize_hook_takes_flags(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("b: 1\na:\n  - x\n")
    assert main(["--sort-keys", "--no-indent-sequences", str(path)]) == 1
    assert path.read_text() == "a:\n- x\nb: 1\n"
    assert main(["--check", "--sort-keys", "--no-indent-sequences", str(path)]) == 0
    assert main(["--check", str(path)]) == 1  # the defaults indent the list


def test_normalize_hook_usage_error_exits_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--width", "1", str(tmp_path / "a.json")])
    assert caught.value.code == 2


def test_normalize_hook_reports_broken_files_and_never_repairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"a": [1, 2,]}')
    assert main([str(path)]) == 1
    assert f"{path}:1:13: json: " in capsys.readouterr().err
    assert path.read_text() == '{"a": [1, 2,]}'


def test_check_hook_parses_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ugly = tmp_path / "ugly.json"
    ugly.write_text(UGLY_JSON)
    stream = tmp_path / "k8s.yaml"
    stream.write_text("a: 1\n---\nb: 2\n")
    lines = tmp_path / "events.jsonl"
    lines.write_text('{"a": 1}\n{"a": 2}\n')
    assert check_main([str(ugly), str(stream), str(lines)]) == 0
    assert ugly.read_text() == UGLY_JSON
    broken = tmp_path / "broken.toml"
    broken.write_text("a = 1\nb = \n")
    missing = tmp_path / "missing.xml"
    assert check_main([str(ugly), str(broken), str(missing)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{broken}:2:5: toml: ")
    assert err[1] == f"{missing}: cannot read: No such file or directory"


def test_hooks_import_only_the_libraries_of_the_formats_they_see(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(UGLY_JSON)
    code = (
        "import sys; from structconv.hooks import main, check_main; "
        f"main([{str(path)!r}]); check_main([{str(path)!r}]); "
        "heavy = {'lxml', 'ruamel', 'tomlkit', 'xmlschema', 'llama_cpp', 'torch', 'yaml'}; "
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.stdout.strip() == "[]", completed.stdout + completed.stderr


def test_hook_definitions_are_valid_for_pre_commit() -> None:
    for command in (
        ["validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        ["validate-config", str(ROOT / "examples" / "pre-commit-config.yaml")],
    ):
        completed = subprocess.run(
            [sys.executable, "-m", "pre_commit", *command],
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    assert set(hooks) == {"structconv-normalize", "structconv-check"}
    for hook in hooks.values():
        assert {"json", "yaml", "toml", "xml", "csv"} <= set(hook["types_or"])
        assert shutil.which(hook["entry"], path=str(Path(sys.executable).parent)), hook["entry"]


# --- the real client ------------------------------------------------------------------


def _local_config() -> str:
    """This checkout's hook definitions as a `repo: local` config. `language: system`
    runs the console scripts installed with this checkout (pip install -e .), so the
    test sees uncommitted changes and needs no network to build a hook environment."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        hook["language"] = "system"
        hook["exclude"] = r"^\.pre-commit-config\.yaml$"
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def _environment(tmp_path: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GIT_", "PRE_COMMIT"))
    }
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment["PATH"]
    environment["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    environment["HOME"] = str(tmp_path / "home")
    for role in ("AUTHOR", "COMMITTER"):
        environment[f"GIT_{role}_NAME"] = "Hook Test"
        environment[f"GIT_{role}_EMAIL"] = "hook-test@example.org"
    return environment


@pytest.mark.slow
def test_pre_commit_fixes_files_then_passes_and_a_broken_file_blocks_the_commit(
    tmp_path: Path,
) -> None:
    git = shutil.which("git")
    assert git is not None, "git is needed to test the hook with pre-commit"
    repository = tmp_path / "repo"
    repository.mkdir()
    (tmp_path / "home").mkdir()
    environment = _environment(tmp_path)

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=repository, env=environment, capture_output=True, text=True, check=False
        )

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        run(git, "add", "-A")
        return run(git, "commit", "-q", "-m", message)

    assert run(git, "init", "-q").returncode == 0
    (repository / ".pre-commit-config.yaml").write_text(_local_config())
    (repository / "config.json").write_text(UGLY_JSON)
    (repository / "deploy.yaml").write_text(
        "app:\n    replicas:   3  # scaled\n    ports:\n    - 80\n"
    )
    (repository / "settings.toml").write_text("name='x'\n  [server]\n  port=80\n")
    (repository / "notes.txt").write_text("left  alone  \n")
    installed = run(sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    first = commit("first")
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    assert "files were modified by this hook" in output
    assert (repository / "config.json").read_text() == NICE_JSON
    assert (repository / "deploy.yaml").read_text() == (
        "app:\n  replicas: 3      # scaled\n  ports:\n    - 80\n"  # the comment keeps its column
    )
    assert (repository / "settings.toml").read_text() == "name = 'x'\n\n[server]\nport = 80\n"
    assert (repository / "notes.txt").read_text() == "left  alone  \n"

    second = commit("second")
    assert second.returncode == 0, second.stdout + second.stderr
    assert run(git, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    (repository / "broken.json").write_text('{\n  "a": 1,\n  "b": \n}\n')
    blocked = commit("broken")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "broken.json:4:1: json: " in output, output
    assert run(git, "rev-list", "--count", "HEAD").stdout.strip() == "1"


JSONC_FIXTURES = ROOT / "tests" / "formats" / "fixtures" / "jsonc"


def test_hooks_take_json_with_comments_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tsconfig.json, .vscode/*.json and devcontainer.json with comments and trailing
    commas pass the check, and normalizing them keeps every comment."""
    shutil.copytree(JSONC_FIXTURES, tmp_path / "repo")
    files = sorted(str(path) for path in (tmp_path / "repo").rglob("*.json"))
    originals = {path: Path(path).read_text() for path in files}
    assert check_main(files) == 0, capsys.readouterr().err
    assert main(files) == 1
    for path, original in originals.items():
        comments = [line.strip() for line in original.splitlines() if line.strip().startswith("//")]
        normalized = Path(path).read_text()
        assert all(comment in normalized for comment in comments), path
    assert main(files) == 0


def _hook_flags() -> dict[str, str | None]:
    return {
        option: action.help
        for action in normalize_parser()._actions
        for option in action.option_strings
        if option not in ("-h", "--help")
    }


def _command_parser() -> argparse.ArgumentParser:
    """The parser `structconv normalize` runs with (structconv.cli)."""
    from structconv.cli.normalize import normalize_command

    parser = argparse.ArgumentParser(prog="structconv normalize")
    normalize_command.add_arguments(parser)
    return parser


def _command_flags() -> dict[str, str | None]:
    return {
        option: action.help
        for action in _command_parser()._actions
        for option in action.option_strings
        if option not in ("-h", "--help")
    }


@pytest.mark.parametrize(
    "given",
    [
        [],
        ["--check", "--sort-keys", "--indent", "4"],
        ["--no-indent-sequences", "--repair", "rules"],
    ],
)
def test_the_hook_and_the_command_take_the_same_normalize_flags(given: list[str]) -> None:
    """Declared once (hooks.NORMALIZE_FLAGS): the same names and help, and the same
    values for the same arguments; only the hook remembers files (--no-cache)."""
    hook_flags = _hook_flags()
    assert hook_flags.pop("--no-cache")
    assert hook_flags == _command_flags()
    hook = vars(normalize_parser().parse_args(given))
    del hook["filenames"], hook["no_cache"]
    command = vars(_command_parser().parse_args([*given, "file"]))
    del command["files"]
    assert hook == command
