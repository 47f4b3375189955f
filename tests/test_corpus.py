"""Real files (tests/fixtures/corpus, sources in its SOURCES.md), a subset of what
benchmarks/corpus_bench.py measures: the first files of each kind and the hard cases
a bigger corpus found. Each file reads as its reference parser reads it (json, json5,
ruamel.yaml, tomllib, lxml, csv; differences the README documents aside),
`structconv-check` passes, and `normalize` keeps the data and every comment.

Known failures are marked xfail(strict=True), each with its reason, so that a fix
shows up as an unexpected pass.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
PER_KIND = 3


bench = load_script("corpus_bench", "corpus_bench.py")

HARD_CASES = (
    "cloudformation/aws-cloudformation-templates/NeptuneDB/Neptune.yaml",
    "csv/data/potential-candidates/2015_01_30/events.csv",
    "csv/language-codes/data/language-codes-full.csv",
    "gitlab/gitlab-ci-local/tests/test-cases/coverage/.gitlab-ci.yml",
    "gitlab/gitlab-ci-local/tests/test-cases/duplicated-keys/.gitlab-ci.yml",
    "homeassistant/Home-AssistantConfig/config/automation/Speech/High_Wind_Speed_Check.yaml",
    "homeassistant/Home-AssistantConfig/config/automation/dash_buttons.yaml",
    "homeassistant/Home-AssistantConfig/config/dashboards/infrastructure/partials/vacuum_sections.yaml",
    "homeassistant/Home-AssistantConfig/config/packages/vacuum.yaml",
    "kubernetes/examples/_archived/elasticsearch/rbac.yaml",
    "kubernetes/examples/_archived/openshift-origin/etcd-controller.yaml",
    "workflows/starter-workflows/code-scanning/sonarcloud.yml",
)

_DUPLICATE = "a YAML key given twice: invalid YAML, refused on purpose (README: Known limitations)"
# (file, stage) -> why it fails.
KNOWN: dict[tuple[str, str], str] = {
    ("gitlab/gitlab-ci-local/tests/test-cases/duplicated-keys/.gitlab-ci.yml", "read"): (
        "a YAML key given twice whose first value's anchor is used later: no rule may drop it"
    ),
    ("gitlab/gitlab-ci-local/tests/test-cases/duplicated-keys/.gitlab-ci.yml", "check"): _DUPLICATE,
    ("gitlab/gitlab-ci-local/tests/test-cases/duplicated-keys/.gitlab-ci.yml", "normalize"): (
        _DUPLICATE
    ),
    ("kubernetes/examples/_archived/openshift-origin/etcd-controller.yaml", "check"): _DUPLICATE,
    ("kubernetes/examples/_archived/openshift-origin/etcd-controller.yaml", "normalize"): (
        _DUPLICATE
    ),
    ("workflows/starter-workflows/code-scanning/sonarcloud.yml", "normalize"): (
        "comments between `args:` and its multi-line plain value: ruamel.yaml drops them, so "
        "normalize refuses the file (nothing is lost)"
    ),
}


def _reference_reads(kind: str, path: Path) -> bool:
    try:
        raw = path.read_bytes()
        probe = bench.Outcome(kind, path.name, bench.format_of(path))
        bench.reference_reading(probe, path, raw, bench.decode(raw))
    except bench.Refused:
        return False  # no evidence either way (the benchmark lists such files apart)
    return True


def _subset() -> list[str]:
    """The first files of each kind, in name order, that a reference parser reads."""
    chosen: list[str] = []
    for kind in sorted(path.name for path in CORPUS.iterdir() if path.is_dir()):
        files = [path for _, path in bench.corpus_files(CORPUS, [kind])]
        readable = (path for path in files if _reference_reads(kind, path))
        chosen += [
            path.relative_to(CORPUS).as_posix()
            for _, path in zip(range(PER_KIND), readable, strict=False)
        ]
    return sorted(set(chosen) | set(HARD_CASES))


FILES = _subset()


@functools.cache
def outcome(file: str) -> Any:
    kind = file.split("/", 1)[0]
    return bench.measure(kind, CORPUS / file, CORPUS)


def _cases(stage: str) -> list[Any]:
    return [
        pytest.param(
            file,
            id=file,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN[file, stage])]
            if (file, stage) in KNOWN
            else [],
        )
        for file in FILES
    ]


def test_the_subset_covers_every_kind_and_the_hard_cases_exist() -> None:
    kinds = {file.split("/", 1)[0] for file in FILES}
    assert len(kinds) == 14
    assert all((CORPUS / file).is_file() for file in HARD_CASES)
    assert {file for file, _ in KNOWN} <= set(FILES)


@pytest.mark.parametrize("file", _cases("read"))
def test_reads_as_the_reference_parser_does(file: str) -> None:
    measured = outcome(file)
    assert measured.reference, f"no reference parser reads it: {measured.reference_error}"
    assert measured.read or measured.needs_option, measured.read_error
    assert measured.differences == []


@pytest.mark.parametrize("file", _cases("check"))
def test_structconv_check_passes(file: str) -> None:
    measured = outcome(file)
    assert measured.check, measured.check_error


@pytest.mark.parametrize("file", _cases("normalize"))
def test_normalize_keeps_the_data_and_every_comment(file: str) -> None:
    measured = outcome(file)
    assert measured.normalized, measured.normalize_error or measured.comments_lost


# ---------------------------------------------------------------- the bench's own checks


def test_the_comparison_is_type_strict_and_sees_key_order() -> None:
    assert bench.differences({"a": 1}, {"a": 1}) == []
    for got in ({"a": 1.0}, {"a": True}, {"a": "1"}):
        assert [difference.path for difference in bench.differences({"a": 1}, got)] == ["$['a']"]
    assert [d.kind for d in bench.differences({"a": 1, "b": 2}, {"b": 2, "a": 1})] == ["order"]
    assert [d.kind for d in bench.differences([1, 2], [1])] == ["length"]


def test_yaml_1_1_readings_are_told_apart_from_real_differences() -> None:
    assert bench.yaml_version_difference(True, "yes")
    assert bench.yaml_version_difference(15, 17)  # 017
    assert bench.yaml_version_difference(1000, "1_000")
    assert not bench.yaml_version_difference(True, "maybe")
    assert not bench.yaml_version_difference(15, 16)


def test_the_xml_reference_follows_the_readme_convention() -> None:
    text = (
        b'<r xmlns:a="urn:a" a:k="v"><!-- c --><x>1</x><x>2</x><y/>'
        b"<p>Hello <b>world</b>!</p><q><m/><n/><m/></q></r>"
    )
    assert bench.xml_reading(text) == {
        "r": {
            "@xmlns:a": "urn:a",
            "@a:k": "v",
            "x": ["1", "2"],
            "y": "",
            "p": {"#content": ["Hello ", {"b": "world"}, "!"]},
            "q": {"#content": [{"m": ""}, {"n": ""}, {"m": ""}]},
        }
    }


def test_comments_are_found_outside_strings_and_block_scalars() -> None:
    yaml_text = 'a: "# not" # one\nb: |\n  # text\n# two\n'
    assert bench.comments_of("yaml", yaml_text) == ["one", "two"]
    toml_text = 's = """\n# text\n"""  # one\n# two\n'
    assert bench.comments_of("toml", toml_text) == ["one", "two"]
    assert bench.comments_of("json", '{"a": "//x", /* one */ "b": 1 // two\n}') == ["one", "two"]
