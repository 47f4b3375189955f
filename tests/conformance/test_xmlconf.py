"""The W3C XML conformance suite (../shared/oracles/xmlconf) through the XML codec.

valid: every XML 1.0, namespace-well-formed case parses. XML 1.1 cases and the
NAMESPACE="no" ones are left out, for reasons libxml2 gives too: it reads only
XML 1.0, and a namespace-aware reader must refuse names such as "a:b:c".
not-wf: refused at least as often as plain lxml with the same secure settings
refuses them (libxml2 without DTD loading accepts some not-wf cases, whose errors
sit in external entities it does not read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from structconv.encoding import decode
from structconv.errors import StructconvError
from structconv.formats.xml import CODEC
from structconv.options import Options
from tests.conftest import ORACLES

SUITE = ORACLES / "xmlconf"
CATALOGUE = SUITE / "cleaned" / "xmlconf-flattened.xml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

pytestmark = pytest.mark.skipif(
    not CATALOGUE.is_file(),
    reason=f"the XML conformance suite is not at {SUITE} (a checkout outside the workspace)",
)


@dataclass(frozen=True)
class Case:
    id: str
    type: str
    path: Path
    version: str
    namespace: bool
    recommendation: str

    @property
    def in_scope(self) -> bool:
        """XML 1.0 with namespaces: what libxml2, and so this reader, implements."""
        return (
            self.version != "1.1"
            and self.namespace
            and self.recommendation not in ("XML1.1", "NS1.1")
        )


def _cases() -> list[Case]:
    if not CATALOGUE.is_file():
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    catalogue = etree.parse(str(CATALOGUE), parser)
    cases = []
    for test in catalogue.iter("TEST"):
        base = ""
        for ancestor in reversed(list(test.iterancestors())):
            base += ancestor.get(XML_BASE) or ""
        cases.append(
            Case(
                id=str(test.get("ID")),
                type=str(test.get("TYPE")),
                path=SUITE / "xmlconf" / (base + str(test.get("URI"))),
                version=test.get("VERSION") or "1.0",
                namespace=test.get("NAMESPACE") != "no",
                recommendation=test.get("RECOMMENDATION") or "XML1.0",
            )
        )
    return cases


CASES = _cases()
VALID = [case for case in CASES if case.type == "valid" and case.in_scope]
NOT_WELL_FORMED = [case for case in CASES if case.type == "not-wf"]
OPTIONS = Options()


def ours(case: Case) -> bool:
    """Whether structconv reads the case; any other exception than ours fails the test."""
    try:
        text, _ = decode(case.path.read_bytes(), "xml")
        CODEC.loads(text, OPTIONS)
    except StructconvError:
        return False
    return True


def plain_lxml(case: Case) -> bool:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        etree.fromstring(case.path.read_bytes(), parser)
    except etree.XMLSyntaxError:
        return False
    return True


def test_the_catalogue_is_complete() -> None:
    assert len(CASES) > 2500
    assert len(VALID) > 700
    missing = [case.id for case in CASES if not case.path.is_file()]
    assert not missing


@pytest.mark.parametrize("case", VALID, ids=[case.id for case in VALID])
def test_valid_documents_parse(case: Case) -> None:
    text, _ = decode(case.path.read_bytes(), "xml")
    data = CODEC.loads(text, OPTIONS)
    assert isinstance(data, dict) and len(data) == 1


def test_not_well_formed_documents_are_refused_at_least_as_often_as_by_lxml() -> None:
    refused = sum(not ours(case) for case in NOT_WELL_FORMED)
    refused_by_lxml = sum(not plain_lxml(case) for case in NOT_WELL_FORMED)
    in_scope = [case for case in NOT_WELL_FORMED if case.in_scope]
    print(
        f"not-wf: structconv refuses {refused}/{len(NOT_WELL_FORMED)}, lxml {refused_by_lxml}; "
        f"XML 1.0 only: {sum(not ours(case) for case in in_scope)}/{len(in_scope)}"
    )
    assert refused >= refused_by_lxml
    assert refused > len(NOT_WELL_FORMED) * 0.7


def test_every_case_gives_data_or_a_structconv_error() -> None:
    """Invalid, error and out-of-scope cases too: nothing but our exceptions escapes."""
    for case in CASES:
        ours(case)


def test_the_one_pass_reader_gives_what_the_node_tree_gives() -> None:
    """tree_to_data (the hot path) against node_to_data(tree_to_node(...)) on every case
    that parses: the same data, key order and types included (repr)."""
    from structconv.formats.xml_reader import node_to_data, parse_tree, tree_to_data, tree_to_node

    compared = 0
    for case in CASES:
        try:
            text, _ = decode(case.path.read_bytes(), "xml")
            root = parse_tree(text, OPTIONS)
            expected = node_to_data(tree_to_node(root, OPTIONS, text))
        except StructconvError:
            continue
        assert repr(tree_to_data(root, OPTIONS, text)) == repr(expected), case.id
        compared += 1
    assert compared > 1000
