from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Run as a script: the pool's workers find `loaded` in the script (a forkserver preloads
# it as __main__), and a fresh interpreter has no forkserver that an earlier test started
# with other modules preloaded.
SCRIPT = textwrap.dedent(
    """
    import sys
    import threading
    import time

    from structconv.pool import process_pool


    def loaded(name: str) -> bool:
        return name in sys.modules


    if __name__ == "__main__":
        if sys.argv[1] == "thread":
            threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        with process_pool(2, ["structconv.formats.yaml"]) as pool:
            deadline = time.monotonic() + 60
            while len(pool._processes) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            started = len(pool._processes)
            yaml = pool.submit(loaded, "structconv.formats.yaml").result()
            xml = pool.submit(loaded, "structconv.formats.xml").result()
        print(pool._mp_context.get_start_method(), started, yaml, xml)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="fork is only chosen on Linux")
@pytest.mark.parametrize(
    ("situation", "method"),
    [("alone", "fork"), ("thread", "forkserver")],
)
def test_workers_start_unasked_with_the_preloaded_modules(
    tmp_path: Path, situation: str, method: str
) -> None:
    script = tmp_path / "pool_script.py"
    script.write_text(SCRIPT)
    completed = subprocess.run(
        [sys.executable, str(script), situation],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    # Forks only while the process has one thread. Both workers started before any work
    # was submitted, with the YAML format imported and not the XML one.
    assert completed.stdout.split() == [method, "2", "True", "False"]


def test_a_process_that_loaded_llama_cpp_does_not_fork(tmp_path: Path) -> None:
    fake = tmp_path / "llama_cpp.py"  # only its presence in sys.modules matters
    fake.write_text("")
    script = tmp_path / "pool_script.py"
    script.write_text(SCRIPT.replace("import sys\n", "import sys\nimport llama_cpp\n", 1))
    completed = subprocess.run(
        [sys.executable, str(script), "alone"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split()[0] == "forkserver"
