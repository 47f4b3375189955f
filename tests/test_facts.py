"""The proofs a reader hands to the writer (structconv.facts): kept only inside
`keeping_facts`, only the latest, and only for the very object proven."""

from __future__ import annotations

from structconv import facts

FACT = facts.JSON_TYPES_OR_DATES


def test_a_proof_is_kept_inside_the_context_only() -> None:
    data = {"a": 1}
    assert not facts.wanted()
    facts.prove(data, FACT)
    assert not facts.proven(data, FACT)
    with facts.keeping_facts():
        assert facts.wanted()
        assert not facts.proven(data, FACT)
        facts.prove(data, FACT)
        assert facts.proven(data, FACT)
    assert not facts.proven(data, FACT)


def test_a_proof_is_about_that_object_not_an_equal_one() -> None:
    data = {"a": [1.5]}
    with facts.keeping_facts():
        facts.prove(data, FACT)
        assert not facts.proven({"a": [1.5]}, FACT)
        assert not facts.proven(data["a"], FACT)


def test_only_the_latest_proof_counts() -> None:
    first, second = [1], [2]
    with facts.keeping_facts():
        facts.prove(first, FACT)
        facts.prove(second, FACT)
        assert facts.proven(second, FACT)
        assert not facts.proven(first, FACT)
        facts.prove(first)  # proven of nothing
        assert not facts.proven(first, FACT)


def test_contexts_nest_without_leaking() -> None:
    data: list[int] = []
    with facts.keeping_facts():
        facts.prove(data, FACT)
        with facts.keeping_facts():
            assert not facts.proven(data, FACT)
        assert facts.proven(data, FACT)


def test_an_image_goes_with_its_proof() -> None:
    data, other = {"a": 1}, {"a": 1}
    with facts.keeping_facts():
        facts.prove(data, facts.JSON_TYPES, image=b'{"a":1}')
        assert facts.image(data) == b'{"a":1}'
        assert facts.image(other) is None
        facts.prove(data, facts.JSON_TYPES)  # a later proof without one
        assert facts.image(data) is None
    assert facts.image(data) is None
