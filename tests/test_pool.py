from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# Run as a script: the pool's workers find `loaded` in the script, preloaded as __main__,
# and a fresh interpreter has no forkserver started earlier with other modules preloaded.
SCRIPT = textwrap.dedent(
    """
    import sys
    import time

    from structconv.pool import process_pool


    def loaded(name: str) -> bool:
        return name in sys.modules


    if __name__ == "__main__":
        with process_pool(2, ["structconv.formats.yaml"]) as pool:
            deadline = time.monotonic() + 60
            while len(pool._processes) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            started = len(pool._processes)
            yaml = pool.submit(loaded, "structconv.formats.yaml").result()
            xml = pool.submit(loaded, "structconv.formats.xml").result()
        print(started, yaml, xml)
    """
)


def test_workers_start_unasked_with_the_preloaded_modules(tmp_path: Path) -> None:
    script = tmp_path / "pool_script.py"
    script.write_text(SCRIPT)
    completed = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    # Both workers started before any work was submitted, and they have what the server
    # imported (the YAML format) but not what it did not (XML).
    assert completed.stdout.split() == ["2", "True", "False"]
