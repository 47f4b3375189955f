"""Evaluation tallies: what accuracy and precision mean, and saved runs shown side by side."""

from __future__ import annotations

from pathlib import Path

from structconv.tune.evaluate import Evaluation, Tally, as_json, from_json, table


def _evaluation(label: str, verdicts: list[tuple[str, str]]) -> Evaluation:
    evaluation = Evaluation(label)
    for format, verdict in verdicts:
        evaluation.total.add(verdict)
        evaluation.by_format[format].add(verdict)
        evaluation.by_corruption["truncation"].add(verdict)
    return evaluation


def test_precision_counts_only_accepted_answers() -> None:
    tally = Tally()
    for verdict in ("right", "right", "right", "wrong", "refused"):
        tally.add(verdict)
    assert tally.accuracy == 0.6
    assert tally.precision == 0.75
    assert Tally().precision == 1.0  # nothing accepted: nothing wrong shipped


def test_a_saved_run_reads_back_and_sits_beside_another() -> None:
    base = _evaluation("base", [("yaml", "wrong"), ("yaml", "refused"), ("csv", "right")])
    tuned = _evaluation("fine-tuned", [("yaml", "right"), ("yaml", "right"), ("csv", "right")])
    restored = from_json(as_json(base))
    assert restored.by_format["yaml"] == base.by_format["yaml"]
    assert restored.total == base.total
    rows = table([restored, tuned], "by_format").splitlines()
    assert rows[0].startswith("| format | base: accuracy")
    yaml_row = next(row for row in rows if row.startswith("| yaml |"))
    assert "0.0% (0%-66%) of 2" in yaml_row and "100.0% (34%-100%) of 2" in yaml_row


def test_the_pipeline_verdict_is_what_convert_makes_of_the_input() -> None:
    from structconv.tune.evaluate import pipeline_verdict

    settled = {"input": "{'a': 1,}", "format": "json", "target": '{"a":1}'}
    assert pipeline_verdict(settled) == ("right", '{\n  "a": 1\n}\n')
    other = dict(settled, target='{"a":2}')
    assert pipeline_verdict(other)[0] == "wrong"
    # Two readings and no model here (tests see none): no answer, never a guess.
    case = (
        Path(__file__).parents[1]
        / "golden/malformed/yaml/helm-values-requests-child-or-sibling.yaml"
    )
    ambiguous = {"input": case.read_text(encoding="utf-8"), "format": "yaml", "target": "{}"}
    assert pipeline_verdict(ambiguous) == ("refused", "")


def test_rejudging_refuses_what_todays_checks_refuse_and_keeps_the_rest() -> None:
    from structconv.tune.evaluate import rejudge

    pairs = [
        {"id": "ok", "input": "a: 1\n  b: 2\n", "format": "yaml", "corruptions": ["x"]},
        {"id": "nested", "input": "a:\n  b: 1\nc: 2\n", "format": "yaml", "corruptions": ["x"]},
        {"id": "gone", "input": "{'a': 1", "format": "json", "corruptions": ["y"]},
    ]
    pairs[0]["target"] = '{"a":1,"b":2}'
    pairs[1]["target"] = '{"a":{"b":1},"c":2}'
    pairs[2]["target"] = '{"a":1}'
    saved = Evaluation("tuned")
    saved.verdicts = {"ok": "right", "nested": "wrong", "gone": "refused"}
    saved.mistakes = [{"id": "nested", "answer": '{"a":{"b":1,"c":2}}', "target": ""}]
    again = rejudge(saved, pairs)
    assert again.verdicts == {"ok": "right", "nested": "refused", "gone": "refused"}
    assert (again.total.right, again.total.wrong, again.total.refused) == (1, 0, 2)
