"""The UTF-8 bytes of a text, kept by the step that had them for the step that needs them.

A writer that produces bytes (orjson) decodes them into the text of the Result; a file
write would encode that text again (0.03 s each way on 28 MB of JSON). Inside
`keeping_bytes` the writer leaves its bytes here, and `utf8` gives them back for that
very text object; any other text (one changed after writing, as when comments are
carried over) is encoded as before. The same way, a file's bytes are kept beside the
text decoded from them while a reader reads it (the YAML reader tests its characters
on `utf8` of its text, 5 times as fast as on the text itself).
"""

from __future__ import annotations

import contextlib

from structconv.handoff import Handoff

_KEPT: Handoff[str, bytes] = Handoff("structconv_encoded")


def keeping_bytes() -> contextlib.AbstractContextManager[None]:
    """Keep the latest text's bytes given inside (see `keep`)."""
    return _KEPT.scope()


def keep(text: str, raw: bytes) -> None:
    """Record that `raw` is `text` encoded as UTF-8 (dropped outside `keeping_bytes`)."""
    _KEPT.give(text, raw)


def utf8(text: str) -> bytes:
    """`text` encoded as UTF-8: the kept bytes where they are this very text's."""
    raw = _KEPT.about(text)
    return text.encode("utf-8") if raw is None else raw
