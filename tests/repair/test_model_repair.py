"""How the pipeline uses the model, with a stand-in model: what it ranks, what it
generates, what is accepted, held for review or refused. The real model has its own
tests (tests/llm/)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from structconv import AmbiguousInput, RepairRejected, convert
from structconv.repair import model_repair, prompts, windows
from structconv.repair.llm import Generation, Ranking
from tests.cli.run import run_cli

# `memory` is indented to no level: under `requests`, beside it, or at the top (the rules ask).
AMBIGUOUS_YAML = "resources:\n  limits:\n    cpu: 500m\n  requests:\n memory: 128Mi\n"
# Nothing the rules repair: a value without its key's colon in a flow mapping.
UNRULY_JSON = '{"name" "Ada", "langs": ["en", "ja"]}'


@dataclass
class FakeModel:
    """Answers like the real one: log-likelihoods for rank, a Generation for generate."""

    answer: str = ""
    finished: bool = True
    token_logprob: float = -0.05
    likes: str = ""  # rank: the answer containing this text gets the highest score
    adapter_likes: str | None = (
        None  # the same with the adapter applied (None: an adapter-less model)
    )
    prompts: list[str] = field(default_factory=list)
    budgets: list[int] = field(default_factory=list)  # generate's max_tokens

    @property
    def has_adapter(self) -> bool:
        return self.adapter_likes is not None

    def tokenize(self, text: str, *, add_bos: bool) -> list[int]:
        return list(range(len(text) // 3 + 1))

    def rank(self, prompt: str, answers: Sequence[str], *, adapter: bool = False) -> Ranking:
        self.prompts.append(prompt)
        likes = self.adapter_likes if adapter else self.likes
        scores = tuple(-1.0 if likes and likes in answer else -9.0 for answer in answers)
        return Ranking(scores, 10, 0.01)

    def rank_readers(self, prompt: str, answers: Sequence[str]) -> tuple[Ranking, ...]:
        readers = [self.rank(prompt, answers)]
        if self.has_adapter:
            readers.append(self.rank(prompt, answers, adapter=True))
        return tuple(readers)

    def generate(self, prompt: str, max_tokens: int, grammar: str | None = None) -> Generation:
        self.prompts.append(prompt)
        self.budgets.append(max_tokens)
        tokens = max(1, len(self.answer) // 3)
        return Generation(self.answer, self.finished, (self.token_logprob,) * tokens, 0, 10, 0.01)


def use(monkeypatch: pytest.MonkeyPatch, model: FakeModel) -> FakeModel:
    monkeypatch.setattr(model_repair, "_load", lambda options: model)
    return model


def test_the_model_ranks_the_readings_the_rules_built(monkeypatch: pytest.MonkeyPatch) -> None:
    model = use(monkeypatch, FakeModel(likes='"requests":{"memory":"128Mi"}'))
    result = convert(AMBIGUOUS_YAML, src="yaml", to="json", repair="auto")
    assert result.data["resources"]["requests"] == {"memory": "128Mi"}
    assert result.used_model and result.confidence > 0.99
    assert any("the model read line" in note for note in result.notes)
    assert model.prompts == [prompts.repair_prompt(AMBIGUOUS_YAML, "yaml")]


def test_rules_mode_never_asks_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    model = use(monkeypatch, FakeModel(likes="requests"))
    with pytest.raises(AmbiguousInput):
        convert(AMBIGUOUS_YAML, src="yaml", to="json", repair="rules")
    assert model.prompts == []


def test_an_unsure_ranking_is_held_for_review(monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, FakeModel(likes=""))  # every reading equally likely
    with pytest.raises(RepairRejected) as held:
        convert(AMBIGUOUS_YAML, src="yaml", to="json", repair="auto")
    assert held.value.held and held.value.candidate_data is not None
    assert held.value.confidence < 0.5


def test_the_base_and_the_fine_tuned_weights_both_rank_and_must_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nested = '"requests":{"memory":"128Mi"}'
    model = use(monkeypatch, FakeModel(likes=nested, adapter_likes=nested))
    result = convert(AMBIGUOUS_YAML, src="yaml", to="json", repair="auto")
    assert result.data["resources"]["requests"] == {"memory": "128Mi"}
    assert result.confidence > 0.99 and len(model.prompts) == 2  # one ranking each

    use(monkeypatch, FakeModel(likes=nested, adapter_likes='"requests":null,"memory"'))
    with pytest.raises(RepairRejected) as held:
        convert(AMBIGUOUS_YAML, src="yaml", to="json", repair="auto")
    assert held.value.held and held.value.confidence < 0.5
    assert "base and fine-tuned weights pick different readings" in str(held.value)


def test_generation_repairs_what_no_rule_does(monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, FakeModel(answer='{"name":"Ada","langs":["en","ja"]}'))
    result = convert(UNRULY_JSON, src="json", to="yaml", repair="llm")
    assert result.data == {"name": "Ada", "langs": ["en", "ja"]}
    assert result.used_model and result.confidence == pytest.approx(math.exp(-0.05))
    (fix,) = result.fixes
    assert fix.rule == "model" and fix.before == UNRULY_JSON
    assert json.loads(result.repaired or "") == result.data


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ('{"name":"Ada","langs":["en","ja"],"admin":true}', "does not appear in the input"),
        ('{"name":"Ada","langs":["en"]}', "missing from the result"),
        ('{"name":"Eve","langs":["en","ja"]}', "does not appear in the input"),
    ],
)
def test_an_answer_that_invents_or_drops_is_refused_not_held(
    monkeypatch: pytest.MonkeyPatch, answer: str, why: str
) -> None:
    use(monkeypatch, FakeModel(answer=answer))
    with pytest.raises(RepairRejected, match=why) as refused:
        convert(UNRULY_JSON, src="json", to="json", repair="llm")
    assert not refused.value.held


def test_an_answer_cut_off_at_the_token_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, FakeModel(answer='{"name":"Ada","langs":["en","ja","ja","ja"', finished=False))
    with pytest.raises(RepairRejected, match="cut off"):
        convert(UNRULY_JSON, src="json", to="json", repair="llm")


def test_the_answer_has_a_token_budget_and_a_longer_input_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """2 x the input's tokens + 32, at most MAX_ANSWER_TOKENS: one repair is bounded in
    time (a 6,000-character input could decode for ten minutes on 2 cores)."""
    values = ", ".join(f'"v{number}"' for number in range(250))  # 1,850 characters
    text = '{"name" "Ada", "langs": [' + values + "]}"
    model = use(monkeypatch, FakeModel(answer="{}"))
    with pytest.raises(RepairRejected):
        convert(text, src="json", to="json", repair="llm")
    tokens = len(model.tokenize(text, add_bos=False))
    assert 2 * tokens + 32 > model_repair.MAX_ANSWER_TOKENS >= tokens
    assert model.budgets == [model_repair.MAX_ANSWER_TOKENS]

    longer = '{"name" "Ada", "langs": [' + values + ", " + values + ", " + values + "]}"
    model = use(monkeypatch, FakeModel(answer="{}"))
    with pytest.raises(RepairRejected, match="tokens, more than the 1,024") as refused:
        convert(longer, src="json", to="json", repair="llm")
    assert model.prompts == []  # refused before the model was asked
    assert "repair that part by hand" in str(refused.value)


def test_an_unsure_answer_is_held_with_its_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, FakeModel(answer='{"name":"Ada","langs":["en","ja"]}', token_logprob=-1.5))
    with pytest.raises(RepairRejected) as held:
        convert(UNRULY_JSON, src="json", to="json", repair="llm", min_confidence=0.5)
    assert held.value.held
    assert held.value.candidate_data == {"name": "Ada", "langs": ["en", "ja"]}
    accepted = convert(UNRULY_JSON, src="json", to="json", repair="llm", min_confidence=0.2)
    assert accepted.confidence == pytest.approx(math.exp(-1.5))


def test_only_the_broken_block_of_a_long_yaml_goes_to_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    healthy = "".join(f"service{number}:\n  image: app:{number}\n" for number in range(2000))
    # The parser notices the unclosed [ in the next block: the window takes both.
    broken_blocks = (
        "database:\n  image: postgres\n  command: [postgres, -c\ncache:\n  image: redis\n"
    )
    text = healthy + broken_blocks
    assert len(text) > windows.MODEL_INPUT_CHARS
    model = use(
        monkeypatch,
        FakeModel(
            answer='{"database":{"image":"postgres","command":["postgres","-c"]},'
            '"cache":{"image":"redis"}}'
        ),
    )
    result = convert(text, src="yaml", to="json", repair="llm")
    assert model.prompts == [prompts.repair_prompt(broken_blocks, "yaml")]
    assert result.data["database"] == {"image": "postgres", "command": ["postgres", "-c"]}
    assert list(result.data)[-2:] == ["database", "cache"] and len(result.data) == 2002
    repaired = result.repaired or ""
    assert repaired.startswith(healthy) and repaired.endswith("cache:\n  image: redis\n")
    assert (result.fixes[0].line, result.fixes[0].before) == (4001, broken_blocks)


def test_a_long_input_the_model_cannot_see_whole_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = use(monkeypatch, FakeModel(answer="[]"))
    text = "[" + ",".join(f'"{number}"' for number in range(3000)) + ",,,,]"
    with pytest.raises(RepairRejected, match="cannot be cut out"):
        convert(text, src="json", to="json", repair="llm")
    assert model.prompts == []


def test_the_cli_keeps_a_held_repair_for_review_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use(monkeypatch, FakeModel(answer='{"name":"Ada","langs":["en","ja"]}', token_logprob=-2.0))
    source = tmp_path / "broken.json"
    source.write_text(UNRULY_JSON)
    target = tmp_path / "out.yaml"
    result = run_cli(["convert", str(source), "--to", "yaml", "-o", str(target), "--repair", "llm"])
    assert result.exit_code == 1
    assert "held for review" in result.stderr
    assert not target.exists() and source.read_text() == UNRULY_JSON
    review = json.loads((tmp_path / "broken.json.review.json").read_text())
    assert review["candidate_data"] == {"name": "Ada", "langs": ["en", "ja"]}
    assert review["confidence"] == pytest.approx(math.exp(-2.0))


def test_the_cli_keeps_no_review_file_for_a_wrong_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use(monkeypatch, FakeModel(answer='{"name":"Eve","langs":["en","ja"]}'))
    source = tmp_path / "broken.json"
    source.write_text(UNRULY_JSON)
    result = run_cli(["repair", str(source), "--mode", "llm"])
    assert result.exit_code == 1 and "refused" in result.stderr
    assert not (tmp_path / "broken.json.review.json").exists()
