"""benchmarks/adversarial_bench.py: loading the cases, judging answers, verdict keys and
the report, on a tiny set (the model is never asked: mode "off" and "rules" only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.benchmarks.scripts import BENCHMARKS, kept_sys_path, load_script


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    with kept_sys_path():
        yield load_script("adversarial_bench", "adversarial_bench.py")


def case(bench: ModuleType, expect: str = "exact", data: Any = None, **fields: Any) -> Any:
    defaults: dict[str, Any] = {"suite": "tiny", "id": "c1", "format": "json", "input": b"[1,]"}
    design = fields.pop("design", None)
    return bench.Case(**{**defaults, **fields}, expect=expect, data=data, design=design)


def accepted(bench: ModuleType, data: Any, fixes: bool = True, model: bool = False) -> Any:
    return bench.Answer(
        "accepted",
        data,
        (("trailing-comma", 1, 3, ",", ""),) if fixes else (),
        0.9 if fixes else 1.0,
        model,
    )


# --- loading ------------------------------------------------------------------------------


@pytest.mark.parametrize("suite", ["json_repair", "pollock", "yaml_test_suite", "handmade"])
def test_each_pair_case_says_what_it_expects(bench: ModuleType, suite: str) -> None:
    cases = bench.load_cases(suite)
    assert len(cases) > 30
    assert len({c.id for c in cases}) == len(cases)
    for loaded in cases:
        assert loaded.format in ("json", "yaml", "toml", "xml", "csv")
        assert loaded.expect in ("exact", "refuse"), loaded.name
        assert isinstance(loaded.input, bytes)
        if loaded.expect == "exact":
            assert loaded.data is not None or suite == "json_repair", loaded.name


def test_hand_made_cases_are_broken_and_their_originals_clean(bench: ModuleType) -> None:
    """Every broken file is a repair case (the strict reader refuses it), and every
    original reads strictly (its data is the expected answer)."""
    from structconv import StructconvError, convert

    manifest = json.loads((BENCHMARKS / "adversarial/handmade/cases.json").read_text("utf-8"))
    folder = BENCHMARKS / "adversarial" / "handmade"
    for entry in manifest["cases"]:
        broken = (folder / "broken" / entry["id"]).read_bytes()
        with pytest.raises(StructconvError):
            convert(broken, src=entry["format"], to="json", repair="off")
        assert entry["mistake"].startswith(entry["kind"])
    for original in {entry["original"] for entry in manifest["cases"]}:
        assert (folder / "originals" / original).is_file()
    sources = (BENCHMARKS / "adversarial" / "SOURCES.md").read_text("utf-8")
    missing = [o for o in {e["original"] for e in manifest["cases"]} if f"`{o}`" not in sources]
    assert not missing, f"say where these came from in SOURCES.md: {missing}"


def test_conformance_negatives_load_from_the_oracles(bench: ModuleType, oracles: Path) -> None:
    json_cases = bench.load_cases("jsontestsuite")
    assert len(json_cases) > 150
    assert all(c.id.startswith("n_") and c.expect == "audit" for c in json_cases)
    toml_cases = bench.load_cases("toml-test")
    assert len(toml_cases) > 400 and all(c.id.startswith("invalid/") for c in toml_cases)
    xml_cases = bench.load_cases("xmlconf")
    assert len(xml_cases) > 1000 and all(c.format == "xml" for c in xml_cases)


# --- answers and judgements -----------------------------------------------------------------


def test_answer_tells_refused_from_accepted(bench: ModuleType) -> None:
    broken = case(bench, input=b'{"a": 1,')
    refused = bench.answer(broken, "off")
    assert refused.outcome == "refused" and refused.error.startswith("ParseError")
    clean = bench.answer(case(bench, input=b'{"a": 1.0}'), "off")
    assert clean.outcome == "accepted" and clean.source == "strict"
    assert clean.data == {"a": 1.0} and isinstance(clean.data["a"], float)
    repaired = bench.answer(case(bench, input=b'{"a": 1,}'), "rules")
    assert repaired.outcome == "accepted" and repaired.source == "rules" and repaired.fixes


def test_judgement_is_type_strict(bench: ModuleType) -> None:
    expected = case(bench, data={"a": 1})
    assert bench.judge(expected, accepted(bench, {"a": 1}), {}).kind == "exact"
    for other in (1.0, True, "1"):
        judged = bench.judge(expected, accepted(bench, {"a": other}), {})
        assert judged.kind == "wrong", other
        assert "$.a" in judged.why


def test_design_counts_only_for_exactly_its_data(bench: ModuleType) -> None:
    design = bench.Design("several values: a list", [[], {}])
    expected = case(bench, data=[], design=design)
    assert bench.judge(expected, accepted(bench, [[], {}]), {}).kind == "design"
    assert bench.judge(expected, accepted(bench, [{}]), {}).kind == "wrong"


def test_refusals_and_held_answers_are_never_wrong(bench: ModuleType) -> None:
    must_refuse = case(bench, expect="refuse")
    for outcome in ("refused", "held", "crashed"):
        assert bench.judge(must_refuse, bench.Answer(outcome), {}).kind == outcome
    assert bench.judge(must_refuse, accepted(bench, [1]), {}).kind == "wrong"


def test_a_verdict_judges_a_repair_without_expected_data(bench: ModuleType) -> None:
    negative = case(bench, expect="audit", suite="jsontestsuite", id="n_array_extra_comma.json")
    reply = accepted(bench, [1])
    assert bench.judge(negative, reply, {}).kind == "unaudited"
    key = bench.verdict_key(negative, [1])
    verdicts = {key: {"verdict": "right", "why": "the trailing comma dropped"}}
    judged = bench.judge(negative, reply, verdicts)
    assert (judged.kind, judged.why, judged.key) == ("right", "the trailing comma dropped", key)
    strict = accepted(bench, [1], fixes=False)
    assert bench.judge(negative, strict, {}).kind == "strict"
    # A verdict can clear an answer the set says must be refused (a person judged it).
    must_refuse = case(bench, expect="refuse")
    cleared = {bench.verdict_key(must_refuse, [1]): {"verdict": "debatable", "why": "w"}}
    assert bench.judge(must_refuse, reply, cleared).kind == "debatable"


def test_verdict_keys_follow_the_input_and_the_answer(bench: ModuleType) -> None:
    one = case(bench)
    key = bench.verdict_key(one, {"a": 1})
    assert key.startswith("tiny/c1#")
    assert key == bench.verdict_key(case(bench), {"a": 1})
    assert key != bench.verdict_key(one, {"a": 1.0})
    assert key != bench.verdict_key(one, {"a": True})
    assert key != bench.verdict_key(case(bench, input=b"[1, ]"), {"a": 1})
    assert key == bench.verdict_key(one, json.loads('{"a": 1}'))


def test_verdicts_file_is_checked(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "verdicts.json"
    path.write_text(json.dumps({"x#1": {"verdict": "maybe", "why": ""}}), encoding="utf-8")
    with pytest.raises(ValueError, match="right, wrong or debatable"):
        bench.load_verdicts(path)
    assert bench.load_verdicts(tmp_path / "absent.json") == {}


def test_the_committed_verdicts_are_well_formed(bench: ModuleType) -> None:
    verdicts = bench.load_verdicts()
    for key, entry in verdicts.items():
        assert "#" in key and entry["why"].strip(), key


# --- the report -----------------------------------------------------------------------------


def _run(bench: ModuleType) -> Any:
    outcome = bench.Run(("rules", "auto"), ("jsontestsuite", "handmade"))
    negative = case(bench, expect="audit", suite="jsontestsuite", id="n_a.json")
    exact = case(
        bench, suite="handmade", id="h1", data={"a": 1}, input=b"{a: 1}", kind="unquoted-key"
    )
    wrong = case(
        bench, suite="handmade", id="h2", data={"a": 1}, input=b"{'a': 1.0}", kind="single-quotes"
    )
    verdicts = {bench.verdict_key(negative, [1]): {"verdict": "right", "why": "comma dropped"}}
    replies = [
        (negative, "rules", accepted(bench, [1])),
        (negative, "auto", accepted(bench, [1])),
        (exact, "rules", accepted(bench, {"a": 1})),
        (exact, "auto", accepted(bench, {"a": 1})),
        (wrong, "rules", bench.Answer("refused", error="ParseError: x")),
        (
            wrong,
            "auto",
            bench.Answer("accepted", {"a": 1.0}, (("model", 1, 1, "", ""),), 0.97, True),
        ),
    ]
    for one, mode, reply in replies:
        outcome.records.append(bench.Record(one, mode, reply, bench.judge(one, reply, verdicts)))
    outcome.seconds = {"rules": 1.0, "auto": 2.0}
    outcome.stale = ["jsontestsuite/n_old.json#0123456789ab"]
    return outcome


def test_rows_count_each_judgement(bench: ModuleType) -> None:
    rows = {(row["set"], row["mode"]): row for row in bench.rows(_run(bench))}
    assert rows[("jsontestsuite", "rules")]["right"] == 1
    assert rows[("handmade", "rules")]["exact"] == 1 and rows[("handmade", "rules")]["refused"] == 1
    assert rows[("handmade", "auto")]["wrong"] == 1


def test_report_lists_the_wrong_answers_and_the_audit(bench: ModuleType) -> None:
    text = bench.render(_run(bench))
    assert "| handmade | auto | 2 | 1 |" in text
    assert "### auto: 1 accepted but wrong" in text and "### rules: 0 accepted but wrong" in text
    assert "handmade/h2" in text and "$.a: expected 1, got 1.0" in text
    assert "| jsontestsuite | rules | 1 | 0 | 1 (1 / 0 / 0 / 0) |" in text
    assert "3 distinct accepted repairs" in text  # each once, whatever its modes
    assert "jsontestsuite/n_old.json#0123456789ab" in text
    assert "| unquoted-key | exact | 1 | 1 / 0 / 0 | 1 / 0 / 0 |" in text
    assert "| single-quotes | exact | 1 | 0 / 0 / 1 | 0 / **1** / 0 |" in text


def test_report_targets_are_read_by_report_py(bench: ModuleType) -> None:
    with kept_sys_path():
        report = load_script("bench_report_for_adversarial", "report.py")
    targets = report.extract_targets("adversarial", bench.render(_run(bench)))
    found = {target.measure: (target.value, target.met) for target in targets}
    assert found["accepted but wrong, rules"] == ("0", True)
    assert found["accepted but wrong, auto"] == ("1", False)
    assert found["accepted repairs without a verdict"] == ("0", True)
    assert "adversarial" in {bench_.name for bench_ in report.BENCHES}


def test_confidence_table_and_threshold(bench: ModuleType) -> None:
    assert bench.bucket_of(1.0) == "1.00"
    assert bench.bucket_of(0.97) == "[0.95, 0.99)"
    assert bench.bucket_of(0.5) == "[0.50, 0.60)"
    assert bench.bucket_of(0.2) == "[0.00, 0.50)"
    assert sorted(["1.00", "[0.50, 0.60)"], key=lambda b: bench._bucket_order("model", b))[0] == (
        "[0.50, 0.60)"
    )
    outcome = _run(bench)
    rows = bench.confidence_rows(outcome, "auto")
    assert {
        "by": "model",
        "bucket": "[0.95, 0.99)",
        "right": 0,
        "wrong": 1,
        "debatable": 0,
        "unaudited": 0,
    } in rows
    lines = "\n".join(bench.threshold_lines(outcome, "auto"))
    assert "a minimum confidence of 0.98 keeps all of them out" in lines
    assert "rules: no wrong answer among 2 accepted repairs" in lines
    table = "\n".join(bench.minimum_table(outcome, "auto"))
    assert "| 0.95 | 0 of 1 | 0 of 0 |" in table and "| 0.99 | 1 of 1 | 0 of 0 |" in table


def test_calibration_chart_is_drawn(bench: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = bench.draw_calibration(bench.confidence_rows(_run(bench), "auto"), tmp_path / "c.png")
    assert path is not None and path.stat().st_size > 1000


def test_unaudited_template_and_json(bench: ModuleType) -> None:
    outcome = _run(bench)
    negative = outcome.records[0].case
    reply = accepted(bench, [2])
    outcome.records.append(bench.Record(negative, "auto", reply, bench.judge(negative, reply, {})))
    template = bench.unaudited_template(outcome)
    assert list(template) == [bench.verdict_key(negative, [2])]
    assert template[bench.verdict_key(negative, [2])]["answer"] == "[2]"
    payload = bench.payload(outcome)
    assert payload["bench"] == "adversarial" and payload["rows"]
    assert {a["judgement"] for a in payload["answers"]} >= {"right", "exact", "wrong", "unaudited"}
    json.dumps(payload)


def test_main_on_a_few_cases(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "_lower_priority", lambda: None)
    out, data = tmp_path / "a.md", tmp_path / "a.json"
    argv = ["--mode", "rules", "--only", "json_repair", "--only", "handmade", "--limit", "5"]
    assert bench.main([*argv, "--out", str(out), "--json", str(data)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| json_repair | rules | 5 |" in text and "| handmade | rules | 5 |" in text
    assert "the first 5 cases of each set only" in text
    written = json.loads(data.read_text(encoding="utf-8"))
    answered = sum(row["cases"] - row["refused"] for row in written["rows"])
    assert len(written["answers"]) == answered  # refusals are only counted
    assert all(answer["outcome"] != "refused" for answer in written["answers"])
