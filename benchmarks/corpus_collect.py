"""Rebuild tests/fixtures/corpus/ from snapshots of public repositories.

    python benchmarks/corpus_collect.py --mirrors /work/.mirror [--dry-run]

Each repository is a git directory under MIRRORS, as `owner+name/repo` (the layout the
project's fetch tool leaves) or `owner+name` (a clone, bare or not); files are read
from its HEAD with `git show`, so they are byte for byte the repository's. The choice
is deterministic: per kind, the candidate paths of each source (a pattern, small
files only) in name order, taken at even steps so that a kind spreads over its
repository instead of one folder. A file keeps its path below `<kind>/<repository
name>/`, so names that decide the format (`.vscode/settings.json`, `tsconfig.json`,
`.devcontainer/devcontainer.json`) stay as they were. SOURCES.md records the
repository, commit, path and license of every file.

Only permissively licensed or public-domain repositories are listed (LICENSES below).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "fixtures" / "corpus"

LICENSES: dict[str, str] = {
    "docker/awesome-compose": "CC0-1.0",
    "kubernetes/examples": "Apache-2.0",
    "actions/starter-workflows": "MIT",
    "aws-cloudformation/aws-cloudformation-templates": "Apache-2.0",
    "frenck/home-assistant-config": "MIT",
    "CCOSTAN/Home-AssistantConfig": "MIT",
    "firecow/gitlab-ci-local": "MIT",
    "tokio-rs/tokio": "MIT",
    "serde-rs/serde": "MIT OR Apache-2.0",
    "clap-rs/clap": "MIT OR Apache-2.0",
    "BurntSushi/ripgrep": "Unlicense OR MIT",
    "python-poetry/poetry": "MIT",
    "pallets/flask": "BSD-3-Clause",
    "pypa/sampleproject": "MIT",
    "microsoft/vscode-extension-samples": "MIT",
    "devcontainers/templates": "MIT",
    "devcontainers/images": "MIT",
    "apache/maven": "Apache-2.0",
    "apache/commons-lang": "Apache-2.0",
    "spring-guides/gs-rest-service": "Apache-2.0",
    "android/nowinandroid": "Apache-2.0",
    "android/compose-samples": "Apache-2.0",
    "android/architecture-samples": "Apache-2.0",
    "android/sunflower": "Apache-2.0",
    "twbs/icons": "MIT",
    "feathericons/feather": "MIT",
    "fivethirtyeight/data": "CC-BY-4.0",
    "datasets/country-codes": "ODC-PDDL-1.0",
    "datasets/currency-codes": "ODC-PDDL-1.0",
    "datasets/gdp": "ODC-PDDL-1.0",
    "datasets/population": "ODC-PDDL-1.0",
    "datasets/language-codes": "ODC-PDDL-1.0",
}


@dataclass(frozen=True)
class Source:
    repo: str
    pattern: str  # a regular expression searched in the path
    count: int  # at most this many files
    exclude: str = r"^$"
    max_bytes: int = 100_000


# Files that found a problem when a bigger corpus was measured (`--scale 20`), kept
# whatever the even steps pick: a fixed bug's file guards the fix, a known failure is
# marked in tests/test_corpus.py.
HARD_CASES: dict[str, tuple[Source, ...]] = {
    "kubernetes": (
        # `selector` twice: invalid YAML that Python's readers take (the last wins).
        Source("kubernetes/examples", r"^_archived/openshift-origin/etcd-controller\.yaml$", 1),
    ),
    "workflows": (
        # Comments between `args:` and its multi-line plain value, which ruamel.yaml drops.
        Source("actions/starter-workflows", r"^code-scanning/sonarcloud\.yml$", 1),
    ),
    "cloudformation": (
        # `value.  In bytes`: a run of spaces where normalize folded the line.
        Source("aws-cloudformation/aws-cloudformation-templates", r"^NeptuneDB/Neptune\.yaml$", 1),
    ),
    "homeassistant": (
        # A comment between `action:` and its first item, which moved on every pass.
        Source("CCOSTAN/Home-AssistantConfig", r"^config/automation/dash_buttons\.yaml$", 1),
    ),
    "gitlab": (
        Source("firecow/gitlab-ci-local", r"^tests/test-cases/coverage/\.gitlab-ci\.yml$", 1),
        # `variables` twice, the first with an anchor used later: no rule may drop it.
        Source(
            "firecow/gitlab-ci-local", r"^tests/test-cases/duplicated-keys/\.gitlab-ci\.yml$", 1
        ),
    ),
    "csv": (
        # Windows-1252 quotes (0x92, 0x93, 0x94) that the encoding guess reads otherwise.
        Source("fivethirtyeight/data", r"^potential-candidates/2015_01_30/events\.csv$", 1),
    ),
}

KINDS: dict[str, tuple[Source, ...]] = {
    "compose": (Source("docker/awesome-compose", r"(^|/)(docker-)?compose\.ya?ml$", 40),),
    "kubernetes": (
        # Helm chart templates are Go templates, not YAML.
        Source("kubernetes/examples", r"\.ya?ml$", 40, exclude=r"(^|/)(\.github|templates)/"),
    ),
    "workflows": (
        Source(
            "actions/starter-workflows",
            r"^(ci|deployments|automation|code-scanning|pages)/[^/]+\.ya?ml$",
            40,
        ),
    ),
    "cloudformation": (
        Source("aws-cloudformation/aws-cloudformation-templates", r"\.ya?ml$", 28, r"^\."),
        Source("aws-cloudformation/aws-cloudformation-templates", r"\.json$", 14, r"^\."),
    ),
    "homeassistant": (
        Source("frenck/home-assistant-config", r"\.ya?ml$", 20, exclude=r"^\."),
        Source("CCOSTAN/Home-AssistantConfig", r"^config/.*\.ya?ml$", 22),
    ),
    "gitlab": (Source("firecow/gitlab-ci-local", r"(^|/)\.gitlab-ci\.ya?ml$", 40),),
    "cargo": (
        Source("tokio-rs/tokio", r"(^|/)Cargo\.toml$", 14),
        Source("serde-rs/serde", r"(^|/)Cargo\.toml$", 8),
        Source("clap-rs/clap", r"(^|/)Cargo\.toml$", 8),
        Source("BurntSushi/ripgrep", r"(^|/)Cargo\.toml$", 12),
    ),
    "pyproject": (
        Source("python-poetry/poetry", r"(^|/)pyproject\.toml$", 38),
        Source("pallets/flask", r"(^|/)pyproject\.toml$", 3),
        Source("pypa/sampleproject", r"(^|/)pyproject\.toml$", 1),
    ),
    "vscode": (
        Source("microsoft/vscode-extension-samples", r"/\.vscode/settings\.json$", 10),
        Source("microsoft/vscode-extension-samples", r"/\.vscode/launch\.json$", 8),
        Source("microsoft/vscode-extension-samples", r"/\.vscode/tasks\.json$", 8),
        Source("microsoft/vscode-extension-samples", r"/\.vscode/extensions\.json$", 4),
        Source("microsoft/vscode-extension-samples", r"(^|/)tsconfig[^/]*\.json$", 10),
        Source("microsoft/vscode-extension-samples", r"(^|/)language-configuration\.json$", 4),
    ),
    "devcontainer": (
        Source("devcontainers/templates", r"devcontainer\.json$", 22),
        Source("devcontainers/images", r"devcontainer\.json$", 18),
    ),
    "maven": (
        Source("apache/maven", r"(^|/)pom\.xml$", 36, max_bytes=60_000),
        Source("apache/commons-lang", r"^pom\.xml$", 1),
        Source("spring-guides/gs-rest-service", r"(^|/)pom\.xml$", 2),
    ),
    "android": (
        Source("android/nowinandroid", r"/res/values[^/]*/[^/]+\.xml$", 12),
        Source("android/compose-samples", r"/res/values[^/]*/[^/]+\.xml$", 14),
        Source("android/architecture-samples", r"/res/values[^/]*/[^/]+\.xml$", 6),
        Source("android/sunflower", r"/res/values[^/]*/[^/]+\.xml$", 10),
    ),
    "svg": (
        Source("twbs/icons", r"^icons/[^/]+\.svg$", 22),
        Source("feathericons/feather", r"^icons/[^/]+\.svg$", 20),
    ),
    "csv": (
        Source("fivethirtyeight/data", r"\.csv$", 32, max_bytes=60_000),
        Source("datasets/country-codes", r"^data/.*\.csv$", 1, max_bytes=200_000),
        Source("datasets/currency-codes", r"^data/.*\.csv$", 2, max_bytes=200_000),
        Source("datasets/gdp", r"^data/.*\.csv$", 2, max_bytes=200_000),
        Source("datasets/population", r"^data/.*\.csv$", 1, max_bytes=200_000),
        Source("datasets/language-codes", r"^data/.*\.csv$", 3, max_bytes=200_000),
    ),
}


def git_dir(mirrors: Path, repo: str) -> Path:
    folder = mirrors / repo.replace("/", "+")
    return folder / "repo" if (folder / "repo").exists() else folder


def git(directory: Path, *arguments: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(directory), *arguments], check=True, capture_output=True
    ).stdout


def candidates(directory: Path, source: Source) -> list[tuple[str, int]]:
    """(path, size) of the blobs at HEAD that the source's pattern takes, in name order."""
    listing = git(directory, "ls-tree", "-r", "-l", "-z", "HEAD").decode("utf-8")
    found = []
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        kind, size = meta.split()[1], meta.split()[3]
        if kind != "blob" or not size.isdigit():
            continue
        wanted = re.search(source.pattern, path) and not re.search(source.exclude, path)
        if wanted and 0 < int(size) <= source.max_bytes:
            found.append((path, int(size)))
    return sorted(found)


def spread(items: Sequence[tuple[str, int]], count: int) -> list[tuple[str, int]]:
    """`count` items at even steps over `items` (all of them when there are fewer)."""
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(index * step)] for index in range(count)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mirrors", type=Path, required=True, help="folder of repository snapshots"
    )
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--dry-run", action="store_true", help="list the choice; write nothing")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="take this many times the files per source (a bigger corpus to measure, not commit)",
    )
    arguments = parser.parse_args(argv)
    rows: list[tuple[str, str, str, str, str]] = []
    seen: set[str] = set()
    for kind, sources in KINDS.items():
        taken = 0
        for source in (*sources, *HARD_CASES.get(kind, ())):
            directory = git_dir(arguments.mirrors, source.repo)
            commit = git(directory, "rev-parse", "HEAD").decode().strip()
            count = max(1, round(source.count * arguments.scale))
            for path, _ in spread(candidates(directory, source), count):
                local = f"{kind}/{source.repo.split('/')[1]}/{path}"
                if local in seen:
                    continue
                seen.add(local)
                content = git(directory, "show", f"{commit}:{path}")
                if content.startswith(b"version https://git-lfs"):
                    continue  # a Git LFS pointer, not the file
                rows.append((kind, local, source.repo, commit, path))
                taken += 1
                if arguments.dry_run:
                    continue
                target = arguments.out / local
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        print(f"{kind}: {taken} files", file=sys.stderr)
    if not arguments.dry_run:
        write_sources(arguments.out, rows)
    return 0


def write_sources(out: Path, rows: Sequence[tuple[str, str, str, str, str]]) -> None:
    lines = [
        "# The real-file corpus",
        "",
        "Files from public repositories, byte for byte as at the commit named, chosen by",
        "benchmarks/corpus_collect.py (which rebuilds this folder) and measured by",
        "benchmarks/corpus_bench.py; tests/test_corpus.py reads a subset. Each file keeps its",
        "path in its repository below `<kind>/<repository name>/`. Every repository is",
        "permissively licensed or public domain; the license is the repository's, and",
        "its copyright stays with the authors named in that repository's license file.",
        "",
        "| kind | file | repository | commit | path | license |",
        "|---|---|---|---|---|---|",
    ]
    for kind, local, repo, commit, path in rows:
        lines.append(f"| {kind} | {local} | {repo} | {commit} | {path} | {LICENSES[repo]} |")
    (out / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
