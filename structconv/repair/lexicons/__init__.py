"""Lexicons: how provenance (structconv.repair.provenance) cuts each format's broken input
into content tokens and its repaired data into items. One module per format, each
exporting LEXICON; lenient by design, since the text they read does not parse."""
