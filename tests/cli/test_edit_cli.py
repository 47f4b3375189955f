from __future__ import annotations

from pathlib import Path

from tests.cli.run import run_cli


def test_get_prints_scalars_plainly_and_structures_as_json(tmp_path: Path) -> None:
    file = tmp_path / "p.toml"
    file.write_text('[tool."my.key"]\nflag = true\nlist = [1, 2]\n')
    assert run_cli(["get", str(file), 'tool."my.key".flag']).stdout == "true\n"
    got = run_cli(["get", str(file), 'tool."my.key".list'])
    assert got.exit_code == 0 and got.stdout == "[\n  1,\n  2\n]\n"
    got = run_cli(["get", str(file), 'tool."my.key"', "--to", "yaml"])
    assert got.stdout == "flag: true\nlist:\n  - 1\n  - 2\n"


def test_exit_codes(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_text("a: 1\n")
    assert run_cli(["get", str(file), "a..b"]).exit_code == 2
    missing = run_cli(["get", str(file), "b"])
    assert missing.exit_code == 1 and "no key 'b'" in missing.stderr
    assert run_cli(["set", str(file), "a", "[1]"]).exit_code == 2
    check = run_cli(["set", str(file), "a", "2", "--check"])
    assert check.exit_code == 1 and file.read_text() == "a: 1\n"
    done = run_cli(["set", str(file), "a", '"2"'])
    assert done.exit_code == 0 and file.read_text() == 'a: "2"\n'


def test_set_string_json_and_delete(tmp_path: Path) -> None:
    file = tmp_path / "a.json"
    file.write_text('{\n  "a": 1\n}\n')
    assert run_cli(["set", str(file), "b", "3", "--string"]).exit_code == 0
    assert run_cli(["set", str(file), "c", '{"d": null}', "--json"]).exit_code == 0
    assert file.read_text() == '{\n  "a": 1,\n  "b": "3",\n  "c": {\n    "d": null\n  }\n}\n'
    assert run_cli(["delete", str(file), "c"]).exit_code == 0
    assert file.read_text() == '{\n  "a": 1,\n  "b": "3"\n}\n'


def test_many_files_and_a_summary(tmp_path: Path) -> None:
    for name in ("x.yaml", "y.yaml"):
        (tmp_path / name).write_text("image:\n  tag: v1\n")
    result = run_cli(["set", str(tmp_path / "*.yaml"), "image.tag", "v2"])
    assert result.exit_code == 0, result.stderr
    assert "2 changed, 0 unchanged, 0 failed" in result.stderr
