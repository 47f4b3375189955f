"""`structconv normalize`: rewriting, --check, --diff, --repair, settings, exit codes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from structconv.errors import ParseError
from structconv.options import Options
from structconv.repair.edits import EditSession
from structconv.repair.rules import Patched
from tests.cli.run import run_cli

UGLY_JSON = '{"a":1,"b":[1,2]}'
NICE_JSON = '{\n  "a": 1,\n  "b": [1, 2]\n}\n'


def test_rewrites_changed_files_and_exits_1_then_0(tmp_path: Path) -> None:
    ugly = tmp_path / "a.json"
    ugly.write_text(UGLY_JSON)
    nice = tmp_path / "b.yaml"
    nice.write_text("k: v\n")
    result = run_cli(["normalize", str(ugly), str(nice)])
    assert result.exit_code == 1, result.stderr
    assert ugly.read_text() == NICE_JSON and nice.read_text() == "k: v\n"
    assert f"{ugly}: reformatted" in result.stderr
    assert "1 file(s) reformatted, 1 unchanged, 0 failed" in result.stderr
    again = run_cli(["normalize", str(ugly), str(nice)])
    assert again.exit_code == 0, again.stderr


def test_check_writes_nothing_and_names_the_files(tmp_path: Path) -> None:
    ugly = tmp_path / "a.json"
    ugly.write_text(UGLY_JSON)
    result = run_cli(["normalize", "--check", str(ugly)])
    assert result.exit_code == 1
    assert f"{ugly}: would reformat" in result.stderr
    assert ugly.read_text() == UGLY_JSON


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    ugly = tmp_path / "a.json"
    ugly.write_text(UGLY_JSON + "\n")
    result = run_cli(["normalize", "--diff", str(ugly)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"--- a/{ugly}\n+++ b/{ugly}\n")
    assert '-{"a":1,"b":[1,2]}\n' in result.stdout and '+  "a": 1,\n' in result.stdout
    assert ugly.read_text() == UGLY_JSON + "\n"


def test_broken_file_is_reported_as_path_line_col(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("a = 1\nb = [1,\n")
    good = tmp_path / "good.json"
    good.write_text(UGLY_JSON)
    result = run_cli(["normalize", str(bad), str(good)])
    assert result.exit_code == 1
    assert any(line.startswith(f"{bad}:3:1: toml: ") for line in result.stderr.splitlines())
    assert bad.read_text() == "a = 1\nb = [1,\n"
    assert good.read_text() == NICE_JSON  # one bad file does not stop the others


def test_folders_expand_to_their_data_files(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "a.json").write_text(UGLY_JSON)
    (tmp_path / "conf" / "notes.txt").write_text("not data")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.json").write_text(UGLY_JSON)
    result = run_cli(["normalize", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "conf" / "a.json").read_text() == NICE_JSON
    assert (tmp_path / ".git" / "x.json").read_text() == UGLY_JSON
    assert "1 file(s) reformatted, 0 unchanged, 0 failed" in result.stderr


def test_flags_override_the_config_file(tmp_path: Path) -> None:
    (tmp_path / ".structconv.toml").write_text("indent = 4\nsort_keys = true\n")
    path = tmp_path / "a.json"
    path.write_text('{"b": {"c": 1}, "a": 2}')
    assert run_cli(["normalize", str(path)]).exit_code == 1
    assert path.read_text() == '{\n    "a": 2,\n    "b": {\n        "c": 1\n    }\n}\n'
    assert run_cli(["normalize", "--indent", "2", str(path)]).exit_code == 1
    assert path.read_text() == '{\n  "a": 2,\n  "b": {\n    "c": 1\n  }\n}\n'


def test_explicit_config_file(tmp_path: Path) -> None:
    config = tmp_path / "style.toml"
    config.write_text("[tool.structconv]\nindent = 3\n")
    path = tmp_path / "a.json"
    path.write_text('{"a": {"b": 1}}')
    result = run_cli(["normalize", "--config", str(config), str(path)])
    assert result.exit_code == 1
    assert path.read_text() == '{\n   "a": {\n      "b": 1\n   }\n}\n'


@pytest.mark.parametrize(
    "arguments",
    [
        ["--width", "5"],
        ["--indent", "0"],
        ["--repair", "sometimes"],
        ["--config", "missing.toml"],
        ["--nonsense"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, arguments: list[str]) -> None:
    path = tmp_path / "a.json"
    path.write_text(UGLY_JSON)
    result = run_cli(["normalize", *arguments, str(path)])
    assert result.exit_code == 2, result.stderr
    assert path.read_text() == UGLY_JSON


def _trailing_comma_rule(text: str, error: ParseError, options: Options) -> Patched | None:
    """A stand-in JSON repair rule, so that this test does not depend on the real rules."""
    offset = text.find(",]")
    if offset < 0:
        return None
    session = EditSession(text)
    session.replace(offset, offset + 1, "", "trailing-comma", "removed a trailing comma")
    return Patched(session.text, session.fixes(), 0.95)


def test_repair_is_off_by_default_and_opt_in_reports_each_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import structconv.repair.rules.json as json_rules

    rules = dataclasses.replace(json_rules.RULESET, repair=_trailing_comma_rule)
    monkeypatch.setattr(json_rules, "RULESET", rules)
    path = tmp_path / "a.json"
    path.write_text('{"a": [1, 2,]}')
    off = run_cli(["normalize", str(path)])
    assert off.exit_code == 1 and f"{path}:1:13: json: " in off.stderr
    assert path.read_text() == '{"a": [1, 2,]}'
    checked = run_cli(["normalize", "--check", "--repair", "rules", str(path)])
    assert checked.exit_code == 1
    assert f"{path}:1:12: fixed: trailing-comma: removed a trailing comma" in checked.stderr
    assert path.read_text() == '{"a": [1, 2,]}'
    repaired = run_cli(["normalize", "--repair", "rules", str(path)])
    assert repaired.exit_code == 1, repaired.stderr
    assert path.read_text() == '{\n  "a": [1, 2]\n}\n'
