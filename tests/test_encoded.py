"""The writer's bytes kept for the file write (structconv.encoded): given back only for the
very text they were kept for, and only inside `keeping_bytes`."""

from __future__ import annotations

from structconv import encoded


def test_the_kept_bytes_come_back_for_that_text_only() -> None:
    text = "".join(["é", "x"])  # built at run time: not an interned constant
    raw = b"kept"  # not text's encoding, to tell the kept bytes from a fresh encode
    with encoded.keeping_bytes():
        encoded.keep(text, raw)
        assert encoded.utf8(text) is raw
        assert encoded.utf8("".join(["é", "x"])) == "éx".encode()  # an equal text: encoded
    assert encoded.utf8(text) == "éx".encode()


def test_nothing_is_kept_outside_the_context() -> None:
    text = "".join(["a", "b"])
    encoded.keep(text, b"kept")
    assert encoded.utf8(text) == b"ab"
