from __future__ import annotations

from structconv.diffs import unified_diff


def test_a_diff_marks_a_last_line_without_its_line_break_as_diff_does() -> None:
    assert unified_diff("a\n", "a\n", "f.json") == ""
    assert unified_diff("a: 1", "a: 2\n", "f.yaml") == (
        "--- a/f.yaml\n+++ b/f.yaml\n@@ -1 +1 @@\n-a: 1\n\\ No newline at end of file\n+a: 2\n"
    )
