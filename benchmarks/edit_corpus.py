"""Collect the real config files that edit_bench.py edits, from snapshots of public repositories.

    python benchmarks/edit_corpus.py [--mirrors /work/.mirror] [--per-format 50]

Reads each repository's newest commit from `<mirrors>/<owner>+<name>/repo` (git
snapshots), takes small files (200 bytes to 6 KB) of each format that structconv's
strict reader accepts, spread over the repositories in turn, and writes them to
tests/fixtures/edit/<format>/ with SOURCES.md (repository, commit, path, license).
Run once by hand; the files are committed, so the benchmark and the tests need no
network and no snapshots.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from structconv import formats  # noqa: E402
from structconv.edit.core import read_document  # noqa: E402
from structconv.formats.detect import detect_format  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "edit"

REPOSITORIES: dict[str, list[str]] = {
    "yaml": [
        "kubernetes/examples",
        "actions/starter-workflows",
        "docker/awesome-compose",
        "frenck/home-assistant-config",
        "CCOSTAN/Home-AssistantConfig",
        "aws-cloudformation/aws-cloudformation-templates",
        "firecow/gitlab-ci-local",
    ],
    "toml": [
        "BurntSushi/ripgrep",
        "tokio-rs/tokio",
        "clap-rs/clap",
        "serde-rs/serde",
        "python-poetry/poetry",
        "pallets/flask",
        "pypa/sampleproject",
    ],
    "json": [
        "GoogleChrome/chrome-extensions-samples",
        "devcontainers/images",
        "devcontainers/templates",
        "microsoft/vscode-extension-samples",
        "expressjs/express",
    ],
    "xml": [
        "apache/maven",
        "android/architecture-samples",
        "android/sunflower",
        "android/compose-samples",
        "android/nowinandroid",
        "apache/commons-lang",
        "spring-guides/gs-rest-service",
        "twbs/icons",
    ],
}
SUFFIXES = {
    "yaml": (".yaml", ".yml"),
    "toml": (".toml",),
    "json": (".json", ".jsonc"),
    "xml": (".xml", ".svg"),
}
_LICENSES = [
    ("Apache License", "Apache-2.0"),
    ("MIT No Attribution", "MIT-0"),
    ("Permission is hereby granted, free of charge", "MIT"),
    ("This is free and unencumbered software", "Unlicense"),
    ("Redistribution and use in source and binary forms", "BSD"),
    ("CC0", "CC0-1.0"),
]


def _git(repo: Path, *arguments: str) -> str:
    """A git command's output as text, bytes unchanged (no newline translation);
    ValueError when it is not UTF-8."""
    raw = subprocess.run(["git", "-C", str(repo), *arguments], capture_output=True, check=True)
    try:
        return raw.stdout.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(str(error)) from None


def license_of(repo: Path) -> str:
    names = _git(repo, "ls-tree", "--name-only", "HEAD").split()
    found = [n for n in names if re.match(r"(?i)(licen[cs]e|copying|unlicense)", n)]
    for name in found:
        head = _git(repo, "show", f"HEAD:{name}")[:3000]
        for marker, spdx in _LICENSES:
            if marker in head:
                return spdx + ("" if len(found) == 1 else " (dual: " + ", ".join(found) + ")")
    return "see " + ", ".join(found) if found else "unknown"


def candidates(repo: Path, format: str) -> list[tuple[str, str]]:
    listing = _git(repo, "ls-tree", "-r", "-l", "HEAD").splitlines()
    found = []
    for line in listing:
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        if not size.isdigit() or not 200 <= int(size) <= 6000:
            continue
        if not path.lower().endswith(SUFFIXES[format]) or "/node_modules/" in path:
            continue
        found.append((path, ""))
    picked = []
    for path, _ in sorted(found):
        try:
            text = _git(repo, "show", f"HEAD:{path}")
            name = detect_format(text, path)
            if formats.canonical_name(name) not in (
                (format,) if format != "json" else ("json", "jsonc")
            ):
                continue
            data = read_document(text, name)
        except Exception:
            continue
        if not data or (not text.endswith("\n") and format != "xml"):
            continue
        picked.append((path, text))
    return picked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--per-format", type=int, default=50)
    args = parser.parse_args()
    rows = [
        "# Real config files for `structconv set` and `delete`",
        "",
        "Collected by `benchmarks/edit_corpus.py` from snapshots of public repositories,",
        "unchanged; each file keeps its repository's license.",
        "",
        "| file | repository | commit | path | license |",
        "| --- | --- | --- | --- | --- |",
    ]
    for format, repositories in REPOSITORIES.items():
        folder = OUT / format
        folder.mkdir(parents=True, exist_ok=True)
        pools = []
        for name in repositories:
            repo = args.mirrors / name.replace("/", "+") / "repo"
            if not repo.exists():
                print(f"missing snapshot: {name}", file=sys.stderr)
                continue
            commit = _git(repo, "rev-parse", "HEAD").strip()
            pools.append((name, commit, license_of(repo), candidates(repo, format)))
        taken = 0
        while taken < args.per_format and any(pool[3] for pool in pools):
            for name, commit, license, pool in pools:
                if not pool or taken >= args.per_format:
                    continue
                step = max(1, len(pool) // 8)
                path, text = pool.pop(0 if len(pool) < 8 else step)
                target = f"{name.split('/')[1]}__{path.replace('/', '__')}"
                (folder / target).write_text(text, encoding="utf-8", newline="")
                rows.append(f"| {format}/{target} | {name} | {commit[:12]} | {path} | {license} |")
                taken += 1
        print(f"{format}: {taken} files", file=sys.stderr)
    (OUT / "SOURCES.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
