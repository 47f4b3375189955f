"""Evaluation tallies: what accuracy and precision mean, and saved runs shown side by side."""

from __future__ import annotations

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
