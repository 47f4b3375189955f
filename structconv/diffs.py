"""The unified diff shown for a rewritten file (normalize --diff, edit --diff)."""

from __future__ import annotations


def unified_diff(original: str, text: str, name: str) -> str:
    """A unified diff from `original` to `text` of the file `name` (empty when unchanged),
    a last line without its line break marked as diff(1) marks it, so that the output
    stays a patch that applies."""
    import difflib  # only --diff needs it

    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
