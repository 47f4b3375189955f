"""The repair pipeline with a stand-in rules module: what is accepted, refused, or asked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from structconv import (
    AmbiguousInput,
    ModelUnavailable,
    ParseError,
    RepairRejected,
    convert,
)
from structconv.errors import ParseError as ParseErrorClass
from structconv.fixes import Ambiguity, Candidate
from structconv.options import Options
from structconv.repair import pipeline
from structconv.repair.edits import Edit, apply_edits
from structconv.repair.rules import Patched, RuleSet
from tests.cli.run import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BROKEN = '{"a": 1, "b": [1, 2,],}'


def words(text: str) -> Iterator[tuple[str, int]]:
    for match in re.finditer(r"\w+", text):
        yield match.group(), match.start()


def drop_trailing_commas(text: str) -> Patched:
    edits = [
        Edit(match.start(), match.start() + 1, "", "trailing-comma", "trailing comma removed")
        for match in re.finditer(r",(?=\s*[\]}])", text)
    ]
    patched, fixes = apply_edits(text, edits)
    return Patched(patched, fixes, 0.99)


def use_rules(monkeypatch: pytest.MonkeyPatch, repair: Any, **more: Any) -> list[str]:
    """Install a stand-in rules module for every format; returns the log of its calls."""
    calls: list[str] = []

    def logged_repair(text: str, error: ParseErrorClass, options: Options) -> Any:
        calls.append("repair")
        return repair(text)

    rules = RuleSet("json", logged_repair, words, **more)
    monkeypatch.setattr(pipeline, "ruleset", lambda format: rules)
    return calls


def test_a_rule_repair_is_accepted_with_its_fixes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_rules(monkeypatch, drop_trailing_commas)
    result = convert(BROKEN, src="json", to="json", repair="rules")
    assert result.data == {"a": 1, "b": [1, 2]}
    assert [(fix.rule, fix.line, fix.column) for fix in result.fixes] == [
        ("trailing-comma", 1, 20),
        ("trailing-comma", 1, 22),
    ]
    assert result.confidence == 0.99
    assert result.repaired == '{"a": 1, "b": [1, 2]}'


def test_a_repair_that_invents_is_refused_and_kept_for_review(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def invent(text: str) -> Patched:
        patched = drop_trailing_commas(text)
        return Patched(patched.text.replace('"a": 1', '"a": 1, "admin": true'), patched.fixes, 0.9)

    use_rules(monkeypatch, invent)
    with pytest.raises(RepairRejected) as refused:
        convert(BROKEN, src="json", to="json", repair="rules")
    assert "admin" in refused.value.why
    assert refused.value.candidate_data == {"a": 1, "admin": True, "b": [1, 2]}
    assert refused.value.fixes


def test_a_repair_that_drops_a_value_silently_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    use_rules(monkeypatch, lambda text: Patched('{"a": 1}', drop_trailing_commas(text).fixes, 0.9))
    with pytest.raises(RepairRejected, match="'b'"):
        convert(BROKEN, src="json", to="json", repair="rules")


def test_a_repair_that_still_does_not_parse_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    use_rules(monkeypatch, lambda text: Patched(text, (), 0.9))
    with pytest.raises(RepairRejected, match="still does not parse"):
        convert(BROKEN, src="json", to="json", repair="rules")


def two_readings(text: str) -> Ambiguity:
    return Ambiguity(
        "json",
        1,
        1,
        "the comma could end the list or the object",
        (
            Candidate("b holds [1, 2]", '{"a": 1, "b": [1, 2]}', None, ()),
            Candidate("b holds [1] and 2 is dropped", '{"a": 1, "b": [1]}', None, ()),
            Candidate("a and b swap", '{"b": 1, "a": [1, 2]}', None, ()),
            Candidate("one record in a list", '[{"a": 1, "b": [1, 2]}]', None, ()),
        ),
    )


def test_ambiguity_is_reported_with_the_candidates_that_validate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_rules(monkeypatch, two_readings)
    with pytest.raises(AmbiguousInput) as raised:
        convert(BROKEN, src="json", to="json", repair="rules")
    candidates = raised.value.ambiguity.candidates
    # the readings that drop 2 or move values between keys fail validation; two stay
    assert [candidate.data for candidate in candidates] == [
        {"a": 1, "b": [1, 2]},
        [{"a": 1, "b": [1, 2]}],
    ]
    assert "(1) b holds [1, 2]" in str(raised.value)


def test_auto_says_the_model_could_settle_an_ambiguity(monkeypatch: pytest.MonkeyPatch) -> None:
    use_rules(monkeypatch, two_readings)
    with pytest.raises(AmbiguousInput, match=r"structconv\[llm\]"):
        convert(BROKEN, src="json", to="json", repair="auto")


def test_llm_mode_without_the_model_is_model_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = use_rules(monkeypatch, drop_trailing_commas)
    with pytest.raises(ModelUnavailable, match=r"pip install 'structconv\[llm\]'"):
        convert(BROKEN, src="json", to="json", repair="llm")
    assert calls == []


def test_one_valid_candidate_is_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def one_valid(text: str) -> Ambiguity:
        readings = two_readings(text)
        return Ambiguity("json", 1, 1, "m", readings.candidates[:2])

    use_rules(monkeypatch, one_valid)
    result = convert(BROKEN, src="json", to="json", repair="rules")
    assert result.data == {"a": 1, "b": [1, 2]}
    assert result.confidence < 1.0


def test_no_rule_is_the_parse_error_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    use_rules(monkeypatch, lambda text: None)
    with pytest.raises(ParseError) as raised:
        convert(BROKEN, src="json", to="json", repair="rules")
    assert (raised.value.line, raised.value.column) == (1, 21)
    assert "no repair rule applies" in str(raised.value)


def test_limits_are_never_repaired(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = use_rules(monkeypatch, drop_trailing_commas)
    with pytest.raises(ParseError, match="nests deeper"):
        convert("[" * 600 + "]" * 600, src="json", to="json", repair="auto")
    with pytest.raises(ParseError, match="over the limit"):
        convert(BROKEN, src="json", to="json", repair="auto", max_bytes=10)
    assert calls == []


def test_repair_off_never_calls_a_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = use_rules(monkeypatch, drop_trailing_commas)
    with pytest.raises(ParseError):
        convert(BROKEN, src="json", to="json", repair="off")
    assert calls == []


@pytest.mark.parametrize("mode", ["rules", "auto", "llm"])
@pytest.mark.parametrize("example", sorted(EXAMPLES.iterdir()), ids=lambda path: path.name)
def test_clean_input_never_reaches_a_rule_or_the_model(
    monkeypatch: pytest.MonkeyPatch, example: Path, mode: str
) -> None:
    """Valid files in every format: no repair rule runs, the model is never asked; the
    only rules code a clean file may meet is a CSV's review, which must find nothing."""
    reviewed: list[str] = []

    def review(text: str, data: Any, options: Options) -> None:
        reviewed.append(text)

    def forbidden(*arguments: Any) -> Any:
        raise AssertionError("clean input reached the repair code")

    calls = use_rules(monkeypatch, forbidden, review=review)
    monkeypatch.setattr(pipeline, "_model_generates", forbidden)
    monkeypatch.setattr(pipeline, "_model_ranks", forbidden)
    result = convert(example.read_bytes(), name=example, to="json", repair=mode)
    assert calls == [] and result.fixes == () and result.confidence == 1.0
    assert result.repaired is None
    assert len(reviewed) == (1 if example.suffix == ".csv" else 0)


@pytest.mark.parametrize("mode", ["rules", "auto", "llm"])
def test_a_yaml_stream_is_not_repaired_into_one_document(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """A Kubernetes manifest (several documents) read without multi_document: the error
    names the option, and neither a rule nor the model may join the documents into one
    mapping (the model did: `a: 1 --- b: 2` became {"a": 1, "b": 2})."""

    def forbidden(*arguments: Any) -> Any:
        raise AssertionError("a stream reached the repair code")

    calls = use_rules(monkeypatch, forbidden)
    monkeypatch.setattr(pipeline, "_model_generates", forbidden)
    with pytest.raises(ParseError, match="--multi-document") as caught:
        convert("kind: Role\n---\nkind: RoleBinding\n", src="yaml", to="json", repair=mode)
    assert (caught.value.line, caught.value.repairable) == (2, False)
    assert calls == []


def test_cli_repair_shows_fixes_and_a_diff_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_rules(monkeypatch, drop_trailing_commas)
    broken = tmp_path / "broken.json"
    broken.write_text(BROKEN + "\n")
    result = run_cli(["repair", str(broken), "--mode", "rules"])
    assert result.exit_code == 0, result.stderr
    assert f"{broken}:1:20: trailing-comma: trailing comma removed" in result.stdout
    assert "confidence 0.99" in result.stdout
    assert '+{"a": 1, "b": [1, 2]}' in result.stdout
    assert broken.read_text() == BROKEN + "\n"
    written = run_cli(["repair", str(broken), "--mode", "rules", "--write"])
    assert written.exit_code == 0
    assert broken.read_text() == '{"a": 1, "b": [1, 2]}\n'


def test_cli_refused_repair_exits_1_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_rules(monkeypatch, lambda text: Patched('{"a": 1}', (), 0.9))
    broken = tmp_path / "broken.json"
    broken.write_text(BROKEN)
    target = tmp_path / "out.yaml"
    result = run_cli(
        ["convert", str(broken), "--to", "yaml", "-o", str(target), "--repair", "rules"]
    )
    assert result.exit_code == 1
    assert "repair was refused" in result.stderr
    assert not target.exists() and broken.read_text() == BROKEN


def test_cli_convert_reports_fixes_in_the_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_rules(monkeypatch, drop_trailing_commas)
    (tmp_path / "a.json").write_text(BROKEN)
    (tmp_path / "b.json").write_text("[1]")
    report = tmp_path / "report.json"
    result = run_cli(
        [
            "convert",
            str(tmp_path / "a.json"),
            str(tmp_path / "b.json"),
            "--to",
            "yaml",
            "--out-dir",
            str(tmp_path / "out"),
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "repaired with 2 fix(es), confidence 0.99" in result.stderr
    import json

    outcomes = json.loads(report.read_text())["outcomes"]
    assert [len(outcome["fixes"]) for outcome in outcomes] == [2, 0]
    assert outcomes[0]["fixes"][0]["rule"] == "trailing-comma"
    assert outcomes[0]["confidence"] == 0.99
