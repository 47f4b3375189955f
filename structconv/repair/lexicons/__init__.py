"""Lexicons: how provenance (structconv.repair.provenance) cuts each format's broken input
into content tokens and its repaired data into items. One module per format, each
exporting LEXICON; lenient by design, since the text they read does not parse."""

from __future__ import annotations

from collections.abc import Sequence

from structconv.neutral import Data
from structconv.repair.provenance import Item, Token, walk_items


class PlainLexicon:
    """What most lexicons share: any content a removing rule names may go, and the data's
    items are its keys and scalars as they stand."""

    def removable(self, rule: str, token: Token, text: str) -> bool:
        return True

    def items(self, data: Data, tokens: Sequence[Token]) -> list[Item]:
        return walk_items(data)
