"""The training-pair generator: every input is really broken (or really ambiguous), every
target is the source data (the cut-off data for truncation) and passes provenance, splits
are disjoint by document, the same seed gives the same files, and the card counts them."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from structconv import formats
from structconv.errors import ParseError
from structconv.options import Options
from structconv.repair.prompts import render_answer
from structconv.repair.rules import rules_for
from structconv.repair.textual import check_provenance
from structconv.tune import corrupt, data, documents

pytest.importorskip("hypothesis")

SEED = 7
PAIRS = 600
STRICT = Options(repair="off")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, data.DataCard]:
    out = tmp_path_factory.mktemp("tune-data")
    return out, data.build(out, pairs=PAIRS, seed=SEED, workers=1)


def _pairs(out: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for split in data.SPLITS
        for line in (out / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def _source_documents(ids: set[str]) -> dict[str, documents.Document]:
    found: dict[str, documents.Document] = {}
    for document in documents.documents(SEED, hypothesis_count=max(8, PAIRS // 40)):
        if document.id in ids:
            found[document.id] = document
        if len(found) == len(ids):
            return found
    raise AssertionError("unreachable")


def test_files_hold_the_pairs_the_card_counts(built: tuple[Path, data.DataCard]) -> None:
    out, card = built
    pairs = _pairs(out)
    assert len(pairs) == card.pairs == PAIRS
    assert {name for name in card.files} == {"train.jsonl", "dev.jsonl", "test.jsonl"}
    assert Counter(pair["split"] for pair in pairs) == Counter(card.per_split)
    assert Counter(pair["format"] for pair in pairs) == Counter(card.per_format)
    kinds: Counter[str] = Counter()
    for pair in pairs:
        kinds.update(pair["corruptions"])
        assert set(pair) == {"id", "document", "split", "format", "corruptions", "input", "target"}
        assert isinstance(pair["target"], str) and isinstance(pair["input"], str)
    assert kinds == Counter(card.per_kind)
    assert card.mixed == sum(len(pair["corruptions"]) > 1 for pair in pairs)
    assert len({pair["id"] for pair in pairs}) == len(pairs)
    assert len({pair["document"] for pair in pairs}) == card.documents
    assert sum(card.documents_per_split.values()) == card.documents
    markdown = (out / "data_card.md").read_text(encoding="utf-8")
    assert f"{card.pairs:,} pairs" in markdown and "Truncation" in markdown
    assert json.loads((out / "data_card.json").read_text(encoding="utf-8"))["pairs"] == card.pairs


def test_splits_are_disjoint_by_document(built: tuple[Path, data.DataCard]) -> None:
    out, card = built
    split_of: dict[str, set[str]] = {}
    for pair in _pairs(out):
        split_of.setdefault(pair["document"], set()).add(pair["split"])
    assert all(len(splits) == 1 for splits in split_of.values())
    assert set(card.documents_per_split) == set(data.SPLITS)
    assert card.documents_per_split["train"] > 0.8 * card.documents


def test_every_input_really_fails_strict_parsing_or_is_ambiguous(
    built: tuple[Path, data.DataCard],
) -> None:
    from structconv.repair.rules import csv as csv_rules

    for pair in _pairs(built[0]):
        try:
            parsed = formats.read(pair["input"], pair["format"], STRICT)
        except ParseError as error:
            assert error.repairable, pair["id"]
            continue
        assert pair["format"] == "csv", pair["id"]
        assert csv_rules.review(pair["input"], parsed, Options()) is not None, pair["id"]


def test_every_target_passes_provenance_without_fixes(built: tuple[Path, data.DataCard]) -> None:
    for pair in _pairs(built[0]):
        values = rules_for(pair["format"]).input_values  # type: ignore[union-attr]
        refusal = check_provenance(
            pair["input"], json.loads(pair["target"]), (), pair["format"], values
        )
        assert refusal is None, (pair["id"], refusal)


def test_targets_are_the_source_data(built: tuple[Path, data.DataCard]) -> None:
    """The target of a pair is the document as its format holds it (XML all strings);
    a truncated one holds less, and only what the cut text still shows."""
    pairs = _pairs(built[0])
    sources = _source_documents({pair["document"] for pair in pairs})
    truncated = 0
    for pair in pairs:
        document = sources[pair["document"]]
        options = data._options(pair["format"], document, random.Random(0))
        text, _ = formats.write(document.data, pair["format"], options)
        expected = render_answer(formats.read(text, pair["format"], STRICT))
        if "truncation" in pair["corruptions"]:
            truncated += 1
            assert len(pair["target"]) <= len(expected), pair[
                "id"
            ]  # cut after the last value: equal
        else:
            assert pair["target"] == expected, pair["id"]
    assert truncated > 0


def test_the_corpus_covers_every_format_and_both_families(
    built: tuple[Path, data.DataCard],
) -> None:
    card = built[1]
    assert set(card.per_format) == set(data.FORMATS)
    for kind in (
        "under_indent_after_key",
        "over_indent",
        "two_row_header",
        "truncation",
        "comma_as_colon",
    ):
        assert card.per_kind.get(kind, 0) > 0, kind
    assert card.mixed > 0
    assert card.per_source.get("hypothesis", 0) > 0
    assert card.estimated_tokens_max <= data.TOKEN_BUDGET


def test_same_seed_same_files(built: tuple[Path, data.DataCard], tmp_path: Path) -> None:
    out, card = built
    again = data.build(tmp_path, pairs=PAIRS, seed=SEED, workers=1)
    for split in data.SPLITS:
        assert (tmp_path / f"{split}.jsonl").read_bytes() == (out / f"{split}.jsonl").read_bytes()
    assert again.per_kind == card.per_kind and again.dropped == card.dropped


def test_another_seed_other_pairs(built: tuple[Path, data.DataCard], tmp_path: Path) -> None:
    data.build(tmp_path, pairs=60, seed=SEED + 1, workers=1)
    other = {pair["input"] for pair in _pairs(tmp_path)}
    assert not other <= {pair["input"] for pair in _pairs(built[0])}


def test_hypothesis_documents_are_deterministic() -> None:
    first = documents.draw_hypothesis_documents(12, 3)
    assert [d.data for d in first] == [d.data for d in documents.draw_hypothesis_documents(12, 3)]
    assert len(first) == 12
    assert [d.data for d in first] != [d.data for d in documents.draw_hypothesis_documents(12, 4)]


def test_operators_return_text_or_none() -> None:
    """Every operator of every format takes the writers' text of some documents, and
    either breaks it or says it does not apply; none touches the text it was given."""
    rng = random.Random(1)
    applied: Counter[str] = Counter()
    for index in range(40):
        document = documents.template_document(index, SEED)
        for rendition in data.renditions(document, rng):
            if isinstance(rendition, str):
                continue
            for op in corrupt.operators_for(rendition.format):
                broken = op.apply(rendition.text, rng)
                assert broken is None or isinstance(broken, str)
                if broken is not None and broken != rendition.text:
                    applied[f"{op.format}/{op.kind}"] += 1
    for format in data.FORMATS:
        assert corrupt.operators_for(format), format
        assert any(key.startswith(f"{format}/") for key in applied), format


def test_yaml_under_indent_after_key_makes_the_golden_shape() -> None:
    text = "resources:\n  limits:\n    cpu: 500m\n  requests:\n    memory: 128Mi\n"
    broken = corrupt.by_kind("yaml", "under_indent_after_key").apply(text, random.Random(0))
    # The golden case helm-values-requests-child-or-sibling: no open level is left but 1.
    assert broken == "resources:\n  limits:\n    cpu: 500m\n  requests:\n memory: 128Mi\n"


def test_csv_two_row_header_splits_dotted_names() -> None:
    text = "region,Q1.sales,Q1.units,Q2.sales,Q2.units\nNorth,1,2,3,4\nSouth,5,6,7,8\nWest,9,10,11,12\n"
    rng = random.Random(5)
    seen = {corrupt.by_kind("csv", "two_row_header").apply(text, rng) for _ in range(20)}
    assert (
        ",Q1,,Q2,\nregion,sales,units,sales,units\nNorth,1,2,3,4\nSouth,5,6,7,8\nWest,9,10,11,12\n"
        in seen
    )
    assert (
        ",Q1,Q1,Q2,Q2\nregion,sales,units,sales,units\nNorth,1,2,3,4\nSouth,5,6,7,8\nWest,9,10,11,12\n"
        in seen
    )


def test_truncated_json_target_is_what_the_cut_text_holds() -> None:
    text = '{\n  "name": "Ada Lovelace",\n  "city": "London"\n}\n'
    rendition = data.Rendition("json", text, json.loads(text), render_answer(json.loads(text)))
    cut = '{\n  "name": "Ada Lovelace",\n  "city": "London"'
    assert (
        data.judge(cut, "json", rendition, ["truncation"])
        == '{"name":"Ada Lovelace","city":"London"}'
    )
    with pytest.raises(data.Dropped, match="truncation"):  # cut inside a string (issue 14)
        data.judge(
            '{\n  "name": "Ada Lovelace",\n  "city": "Lon', "json", rendition, ["truncation"]
        )
    yaml_rendition = data.Rendition(
        "yaml", 'a: 1\nb: "hello world"\n', {"a": 1, "b": "hello world"}, ""
    )
    assert (
        data.judge('a: 1\nb: "hello wo', "yaml", yaml_rendition, ["truncation"])
        == '{"a":1,"b":"hello wo"}'
    )


def test_judge_drops_what_parses_and_what_provenance_refuses() -> None:
    text = '{"a": 1}'
    rendition = data.Rendition("json", text, {"a": 1}, '{"a":1}')
    with pytest.raises(data.Dropped, match="still parses"):
        data.judge('{"a":  1}', "json", rendition, ["whitespace"])
    with pytest.raises(data.Dropped, match="provenance"):
        data.judge('Here it is: {"a": 1', "json", rendition, ["prose"])


def test_main_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert data.main(["--out", str(tmp_path / "d"), "--pairs", "30", "--seed", "3"]) == 0
    assert (tmp_path / "d" / "train.jsonl").is_file() and (
        tmp_path / "d" / "data_card.md"
    ).is_file()
    assert "30 pairs" in capsys.readouterr().out
