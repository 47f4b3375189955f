"""Write the hand-made broken files (broken/) and their manifest (cases.json).

    python benchmarks/adversarial/handmade/make_cases.py

Every case below is one mistake, written by hand, of a kind people and LLMs make when
they edit or produce config files (README.md beside this file says why each kind is
realistic), applied to a real file of originals/ (SOURCES.md says where each came from).
An edit is a plain text replacement that must match exactly once, or a cut (truncation).
A case that first makes a legitimate change (`intended`: a value with an ampersand, a
quote, a colon) and then the mistake expects the data of the intended text, which is
written into the manifest; the others expect the data of their original, which the
benchmark reads from originals/ with the strict reader.

Expectations: "exact" (the intended data; a refusal is no error either) or "refuse"
(the intended data cannot be known: a truncated value, a merge conflict, a duplicate key
with two values, cells shifted by a lost delimiter). A mistake that the strict reader
accepts without complaint is not a repair case and is refused by this script: the
benchmark measures repair.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from structconv import StructconvError, convert  # noqa: E402

Edit = tuple[str, str]


@dataclass(frozen=True)
class Case:
    original: str
    kind: str  # the mistake, from README.md's list
    edit: Edit | None  # (old, new): old must occur exactly once (in the intended text)
    expect: str = "exact"
    where: str = ""  # what the mistake touches, for a reader of the manifest
    intended: Edit | None = None  # a legitimate change made before the mistake
    cut_after: str = ""  # truncation: keep the text up to the end of this (unique) string
    encoding: str = "utf-8"  # the broken file's bytes


def mistake(
    original: str,
    kind: str,
    old: str,
    new: str,
    expect: str = "exact",
    where: str = "",
    intended: Edit | None = None,
) -> Case:
    return Case(original, kind, (old, new), expect, where, intended)


def cut(original: str, after: str, expect: str = "refuse", where: str = "") -> Case:
    return Case(
        original, "truncated", None, expect, where or f"cut after {after!r}", cut_after=after
    )


CONFLICT = "<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> feature/upgrade\n"


def conflict(ours: str, theirs: str) -> str:
    return CONFLICT.format(ours=ours, theirs=theirs)


CASES: list[Case] = [
    # --- YAML: docker compose -------------------------------------------------------------
    mistake(
        "compose_nginx_golang_postgres.yaml",
        "tab-indentation",
        "    image: postgres\n",
        "\timage: postgres\n",
        where="db.image indented with a tab",
    ),
    mistake(
        "compose_nginx_golang_postgres.yaml",
        "yaml-no-space-after-colon",
        "    user: postgres\n",
        "    user:postgres\n",
        where="db.user",
    ),
    mistake(
        "compose_nginx_golang_postgres.yaml",
        "unclosed-quote",
        '"pg_isready" ]',
        '"pg_isready ]',
        where="db.healthcheck.test",
    ),
    mistake(
        "compose_nginx_golang_postgres.yaml",
        "duplicate-key-same-value",
        "    restart: always\n",
        "    restart: always\n    restart: always\n",
        where="db.restart pasted twice",
    ),
    mistake(
        "compose_nginx_golang_postgres.yaml",
        "merge-conflict",
        "    image: nginx\n",
        conflict("    image: nginx\n", "    image: nginx:1.27\n"),
        "refuse",
        "proxy.image",
    ),
    cut("compose_nginx_golang_postgres.yaml", 'test: [ "CMD", "pg_is'),
    mistake(
        "compose_nginx_golang_postgres.yaml",
        "missing-colon",
        "    expose:\n",
        "    expose\n",
        where="db.expose",
    ),
    mistake(
        "compose_prometheus_grafana.yaml",
        "yaml-no-space-after-colon",
        "    container_name: prometheus\n",
        '    container_name:"prometheus"\n',
        where="prometheus.container_name",
    ),
    mistake(
        "compose_prometheus_grafana.yaml",
        "over-indented-line",
        "      - 9090:9090\n    restart:",
        "      - 9090:9090\n     restart:",
        where="prometheus.restart one space too deep",
    ),
    cut("compose_prometheus_grafana.yaml", "- '--config.file=/etc/prom"),
    mistake(
        "compose_prometheus_grafana.yaml",
        "unclosed-quote",
        "'--config.file=/etc/prometheus/prometheus.yml'",
        "'--config.file=/etc/prometheus/prometheus.yml",
        where="prometheus.command[0]",
    ),
    mistake(
        "compose_prometheus_grafana.yaml",
        "tab-indentation",
        "    image: grafana/grafana\n",
        "\timage: grafana/grafana\n",
        where="grafana.image",
    ),
    mistake(
        "compose_react_express_mongodb.yaml",
        "missing-colon",
        "    image: mongo:4.2.0\n",
        "    image mongo:4.2.0\n",
        where="mongo.image",
    ),
    mistake(
        "compose_react_express_mongodb.yaml",
        "duplicate-key-other-value",
        "      context: backend\n",
        "      context: backend\n      context: ./api\n",
        "refuse",
        "backend.build.context given twice, two values",
    ),
    mistake(
        "compose_react_express_mongodb.yaml",
        "merge-conflict",
        "    image: mongo:4.2.0\n",
        conflict("    image: mongo:4.2.0\n", "    image: mongo:7.0\n"),
        "refuse",
        "mongo.image",
    ),
    mistake(
        "compose_react_express_mongodb.yaml",
        "yaml-no-space-after-colon",
        "      context: frontend\n",
        "      context:frontend\n",
        where="frontend.build.context",
    ),
    # --- YAML: Prometheus, Grafana ------------------------------------------------------------
    mistake(
        "prometheus.yml",
        "tab-indentation",
        "  scrape_timeout: 10s\n  evaluation_interval",
        "\tscrape_timeout: 10s\n  evaluation_interval",
        where="global.scrape_timeout",
    ),
    mistake(
        "prometheus.yml",
        "unclosed-bracket",
        "    - targets: []\n",
        "    - targets: [\n",
        where="alerting...targets",
    ),
    mistake(
        "prometheus.yml",
        "yaml-no-space-after-colon",
        "  metrics_path: /metrics\n",
        "  metrics_path:/metrics\n",
        where="scrape_configs[0].metrics_path",
    ),
    mistake(
        "prometheus.yml",
        "missing-colon",
        "  honor_timestamps: true\n",
        "  honor_timestamps true\n",
        where="scrape_configs[0].honor_timestamps",
    ),
    mistake(
        "grafana_datasource.yml",
        "yaml-no-space-after-colon",
        "  type: prometheus\n",
        "  type:prometheus\n",
        where="datasources[0].type",
    ),
    mistake(
        "grafana_datasource.yml",
        "tab-indentation",
        "  access: proxy\n",
        "\taccess: proxy\n",
        where="datasources[0].access",
    ),
    mistake(
        "grafana_datasource.yml",
        "missing-colon",
        "  editable: true\n",
        "  editable true\n",
        where="datasources[0].editable",
    ),
    # --- YAML: Kubernetes -------------------------------------------------------------------
    mistake(
        "k8s_deployment.yaml",
        "tab-indentation",
        "  replicas: 1\n",
        "\treplicas: 1\n",
        where="spec.replicas",
    ),
    mistake(
        "k8s_deployment.yaml",
        "over-indented-line",
        "          image: tensorflow/serving:2.19.0\n",
        "           image: tensorflow/serving:2.19.0\n",
        where="containers[0].image one space too deep",
    ),
    mistake(
        "k8s_deployment.yaml",
        "yaml-no-space-after-colon",
        "              mountPath: /models/my_model\n",
        "              mountPath:/models/my_model\n",
        where="volumeMounts[0].mountPath",
    ),
    mistake(
        "k8s_deployment.yaml",
        "unclosed-quote",
        '- "--port=8500"\n',
        '- "--port=8500\n',
        where="containers[0].args[1]",
    ),
    cut("k8s_deployment.yaml", '- "--model_base_path=/mod'),
    mistake(
        "k8s_deployment.yaml",
        "merge-conflict",
        "  replicas: 1\n",
        conflict("  replicas: 1\n", "  replicas: 3\n"),
        "refuse",
        "spec.replicas",
    ),
    mistake(
        "k8s_service.yaml",
        "yaml-no-space-after-colon",
        "      port: 8500\n",
        "      port:8500\n",
        where="ports[0].port",
    ),
    mistake(
        "k8s_service.yaml",
        "over-indented-line",
        "      targetPort: 8501\n",
        "       targetPort: 8501\n",
        where="ports[1].targetPort",
    ),
    mistake(
        "k8s_service.yaml",
        "tab-indentation",
        "  type: ClusterIP\n",
        "\ttype: ClusterIP\n",
        where="spec.type",
    ),
    mistake(
        "k8s_service.yaml", "missing-colon", "  selector:\n", "  selector\n", where="spec.selector"
    ),
    # --- YAML: GitHub workflows, pre-commit, Read the Docs --------------------------------------
    mistake(
        "gha_flask_tests.yaml",
        "unclosed-brace",
        "- {python: '3.13'}\n",
        "- {python: '3.13'\n",
        where="matrix.include[4]",
    ),
    mistake(
        "gha_flask_tests.yaml",
        "unclosed-quote",
        "- {python: '3.12'}\n",
        "- {python: '3.12}\n",
        where="matrix.include[5]",
    ),
    mistake(
        "gha_flask_tests.yaml",
        "unclosed-bracket",
        "  pull_request:\n    paths-ignore: ['docs/**', 'README.md']\n",
        "  pull_request:\n    paths-ignore: ['docs/**', 'README.md'\n",
        where="on.pull_request.paths-ignore",
    ),
    mistake(
        "gha_flask_tests.yaml",
        "tab-indentation",
        "    runs-on: ${{ matrix.os || 'ubuntu-latest' }}\n",
        "\truns-on: ${{ matrix.os || 'ubuntu-latest' }}\n",
        where="jobs.tests.runs-on",
    ),
    mistake(
        "gha_flask_tests.yaml",
        "colon-in-plain-value",
        "name: 'cache: mypy'",
        "name: cache: mypy",
        where="typing step name with ': '",
        intended=("name: cache mypy", "name: 'cache: mypy'"),
    ),
    mistake(
        "gha_flask_tests.yaml",
        "yaml-no-space-after-colon",
        "  typing:\n    runs-on: ubuntu-latest\n",
        "  typing:\n    runs-on:ubuntu-latest\n",
        where="jobs.typing.runs-on",
    ),
    mistake(
        "pre_commit_config.yaml",
        "unclosed-quote",
        "args: ['--write-changes']",
        "args: ['--write-changes]",
        where="codespell args",
    ),
    mistake(
        "pre_commit_config.yaml",
        "yaml-no-space-after-colon",
        "    rev: c60c980e561ed3e73101667fe8365c609d19a438",
        "    rev:c60c980e561ed3e73101667fe8365c609d19a438",
        where="repos[0].rev",
    ),
    mistake(
        "pre_commit_config.yaml",
        "tab-indentation",
        "    hooks:\n      - id: uv-lock",
        "\thooks:\n      - id: uv-lock",
        where="repos[1].hooks",
    ),
    mistake(
        "pre_commit_config.yaml",
        "merge-conflict",
        "    rev: 3e8a8703264a2f4a69428a0aa4dcb512790b2c8c  # frozen: v6.0.0\n",
        conflict(
            "    rev: 3e8a8703264a2f4a69428a0aa4dcb512790b2c8c  # frozen: v6.0.0\n",
            "    rev: v5.0.0\n",
        ),
        "refuse",
        "repos[3].rev",
    ),
    mistake(
        "readthedocs.yaml",
        "unclosed-quote",
        "python: '3.13'",
        "python: '3.13",
        where="build.tools.python",
    ),
    mistake(
        "readthedocs.yaml",
        "missing-colon",
        "  os: ubuntu-24.04\n",
        "  os ubuntu-24.04\n",
        where="build.os",
    ),
    mistake(
        "readthedocs.yaml",
        "unquoted-leading-indicator",
        "    - '@latest uv'\n",
        "    - @latest uv\n",
        where="a command starting with @",
        intended=(
            "    - asdf global uv latest\n",
            "    - asdf global uv latest\n    - '@latest uv'\n",
        ),
    ),
    mistake(
        "gha_python_app.yml",
        "unclosed-bracket",
        "  push:\n    branches: [ $default-branch ]\n",
        "  push:\n    branches: [ $default-branch\n",
        where="on.push.branches",
    ),
    mistake(
        "gha_python_app.yml",
        "unclosed-quote",
        'python-version: "3.10"',
        'python-version: "3.10',
        where="setup-python with: python-version (a string that reads as a float unquoted)",
    ),
    mistake(
        "gha_python_app.yml",
        "tab-indentation",
        "    - uses: actions/checkout@v4\n",
        "\t- uses: actions/checkout@v4\n",
        where="steps[0]",
    ),
    mistake(
        "gha_python_app.yml",
        "yaml-no-space-after-colon",
        "    runs-on: ubuntu-latest\n",
        "    runs-on:ubuntu-latest\n",
        where="jobs.build.runs-on",
    ),
    mistake(
        "gha_python_app.yml",
        "block-scalar-under-indented",
        "        pip install flake8 pytest\n",
        "      pip install flake8 pytest\n",
        where="a line of a run: | script two spaces short",
    ),
    mistake(
        "gha_node.yml",
        "unclosed-bracket",
        "node-version: [18.x, 20.x, 22.x]",
        "node-version: [18.x, 20.x, 22.x",
        where="matrix.node-version",
    ),
    mistake(
        "gha_node.yml",
        "unclosed-quote",
        "cache: 'npm'",
        "cache: 'npm",
        where="setup-node with: cache",
    ),
    mistake(
        "gha_node.yml",
        "yaml-no-space-after-colon",
        "    - name: Use Node.js",
        "    - name:Use Node.js",
        where="steps[1].name",
    ),
    mistake(
        "gha_node.yml",
        "tab-indentation",
        "    runs-on: ubuntu-latest\n",
        "\truns-on: ubuntu-latest\n",
        where="jobs.build.runs-on",
    ),
    mistake(
        "gha_django.yml",
        "unclosed-bracket",
        "python-version: [3.7, 3.8, 3.9]",
        "python-version: [3.7, 3.8, 3.9",
        where="matrix.python-version (floats)",
    ),
    mistake(
        "gha_django.yml",
        "yaml-no-space-after-colon",
        "      max-parallel: 4\n",
        "      max-parallel:4\n",
        where="strategy.max-parallel",
    ),
    mistake(
        "gha_django.yml",
        "tab-indentation",
        "    strategy:\n",
        "\tstrategy:\n",
        where="jobs.build.strategy",
    ),
    mistake(
        "gha_django.yml",
        "block-scalar-under-indented",
        "        pip install -r requirements.txt\n",
        "      pip install -r requirements.txt\n",
        where="a line of a run: | script two spaces short",
    ),
    mistake(
        "gha_language_codes.yml",
        "unquoted-leading-indicator",
        "- cron: '*/30 2 * * 1'",
        "- cron: */30 2 * * 1",
        where="schedule[0].cron starting with *",
        intended=("- cron: '0 2 * * 1'", "- cron: '*/30 2 * * 1'"),
    ),
    mistake(
        "gha_language_codes.yml",
        "block-scalar-under-indented",
        "        git add -A\n",
        "       git add -A\n",
        where="a line of a run: | script one space short",
    ),
    mistake(
        "gha_language_codes.yml",
        "tab-indentation",
        "    - name: Run PHP Script\n",
        "\t- name: Run PHP Script\n",
        where="steps[3]",
    ),
    mistake(
        "gha_language_codes.yml",
        "merge-conflict",
        "      uses: actions/checkout@v3\n",
        conflict("      uses: actions/checkout@v3\n", "      uses: actions/checkout@v4\n"),
        "refuse",
        "steps[0].uses",
    ),
    cut("gha_language_codes.yml", "    - cron: '0 2 * *"),
    # --- TOML ---------------------------------------------------------------------------------
    mistake(
        "cargo_ripgrep.toml",
        "unclosed-string",
        'bstr = "1.7.0"\n',
        'bstr = "1.7.0\n',
        where="dependencies.bstr",
    ),
    mistake(
        "cargo_ripgrep.toml",
        "unclosed-array",
        'keywords = ["regex", "grep", "egrep", "search", "pattern"]\n',
        'keywords = ["regex", "grep", "egrep", "search", "pattern"\n',
        where="package.keywords",
    ),
    mistake(
        "cargo_ripgrep.toml",
        "yaml-style-colon",
        'license = "Unlicense OR MIT"\n',
        'license: "Unlicense OR MIT"\n',
        where="package.license",
    ),
    mistake(
        "cargo_ripgrep.toml",
        "unquoted-string",
        'build = "build.rs"\n',
        "build = build.rs\n",
        where="package.build",
    ),
    mistake(
        "cargo_ripgrep.toml",
        "python-literal",
        'path = "crates/index", optional = true }',
        'path = "crates/index", optional = True }',
        where="dependencies.grep-index.optional",
    ),
    mistake(
        "cargo_ripgrep.toml",
        "merge-conflict",
        'version = "15.2.0"  #:version\n',
        conflict('version = "15.2.0"  #:version\n', 'version = "15.1.0"  #:version\n'),
        "refuse",
        "package.version",
    ),
    cut("cargo_ripgrep.toml", 'strip = "sym'),
    mistake(
        "cargo_ripgrep.toml",
        "smart-quotes",
        'lexopt = "0.3.0"',
        "lexopt = \u201c0.3.0\u201d",
        where="dependencies.lexopt",
    ),
    mistake(
        "cargo_ripgrep.toml",
        "missing-comma",
        '"crates/grep",\n  "crates/cli",',
        '"crates/grep"\n  "crates/cli",',
        where="workspace.members",
    ),
    mistake(
        "cargo_globset.toml",
        "unclosed-table-header",
        "[dependencies.regex-syntax]\n",
        "[dependencies.regex-syntax\n",
        where="[dependencies.regex-syntax]",
    ),
    mistake(
        "cargo_globset.toml",
        "python-literal",
        'version = "0.8.0"\ndefault-features = false',
        'version = "0.8.0"\ndefault-features = False',
        where="dependencies.regex-syntax.default-features",
    ),
    mistake(
        "cargo_globset.toml",
        "unclosed-string",
        'name = "globset"\nversion',
        'name = "globset\nversion',
        where="package.name",
    ),
    mistake(
        "cargo_globset.toml",
        "duplicate-table-disjoint",
        '[features]\ndefault = ["log"]\narbitrary',
        '[features]\ndefault = ["log"]\n\n[features]\narbitrary',
        where="[features] declared twice, keys split between the two",
    ),
    mistake(
        "cargo_globset.toml",
        "missing-comma",
        '"meta", "nfa"',
        '"meta" "nfa"',
        where="dependencies.regex-automata.features",
    ),
    cut("cargo_globset.toml", 'features = ["std", "perf", "syn'),
    mistake(
        "cargo_globset.toml",
        "duplicate-key-other-value",
        'glob = "0.3.1"\n',
        'glob = "0.3.1"\nglob = "0.3.2"\n',
        "refuse",
        "dev-dependencies.glob given twice, two values",
    ),
    mistake(
        "pyproject_flaskr.toml",
        "unquoted-string",
        'version = "1.0.0"\n',
        "version = 1.0.0\n",
        where="project.version",
    ),
    mistake(
        "pyproject_flaskr.toml",
        "unclosed-array",
        'dependencies = [\n    "flask",\n]\n',
        'dependencies = [\n    "flask",\n\n',
        where="project.dependencies",
    ),
    mistake(
        "pyproject_flaskr.toml",
        "unclosed-table-header",
        "[tool.flit.module]\n",
        "[tool.flit.module\n",
        where="[tool.flit.module]",
    ),
    mistake(
        "pyproject_flaskr.toml",
        "python-literal",
        "branch = true\n",
        "branch = True\n",
        where="tool.coverage.run.branch",
    ),
    mistake(
        "pyproject_flaskr.toml",
        "yaml-style-colon",
        'testpaths = ["tests"]\n',
        'testpaths: ["tests"]\n',
        where="tool.pytest.ini_options.testpaths",
    ),
    mistake(
        "pyproject_flaskr.toml",
        "unescaped-quote",
        'built in the \\"Flask\\" tutorial',
        'built in the "Flask" tutorial',
        where="project.description with quotes inside",
        intended=("built in the Flask tutorial", 'built in the \\"Flask\\" tutorial'),
    ),
    mistake(
        "pyproject_sampleproject.toml",
        "unclosed-string",
        'name = "sampleproject" # REQUIRED',
        'name = "sampleproject # REQUIRED',
        where="project.name, a comment after the value",
    ),
    mistake(
        "pyproject_sampleproject.toml",
        "unquoted-string",
        'version = "4.0.0" # REQUIRED',
        "version = 4.0.0 # REQUIRED",
        where="project.version",
    ),
    mistake(
        "pyproject_sampleproject.toml",
        "merge-conflict",
        'dependencies = ["peppercorn"]\n',
        conflict('dependencies = ["peppercorn"]\n', 'dependencies = ["peppercorn", "requests"]\n'),
        "refuse",
        "project.dependencies",
    ),
    cut("pyproject_sampleproject.toml", '"Bug Reports" = "https://github.com/pypa/samplepro'),
    mistake(
        "pyproject_sampleproject.toml",
        "missing-comma",
        '"Programming Language :: Python :: 3.11",\n',
        '"Programming Language :: Python :: 3.11"\n',
        where="project.classifiers",
    ),
    mistake(
        "flask_config.toml", "unquoted-string", 'TEST_KEY="foo"', "TEST_KEY=foo", where="TEST_KEY"
    ),
    mistake(
        "flask_config.toml",
        "yaml-style-colon",
        'SECRET_KEY="config"',
        'SECRET_KEY: "config"',
        where="SECRET_KEY",
    ),
    mistake(
        "flask_config.toml",
        "smart-quotes",
        'TEST_KEY="foo"',
        "TEST_KEY=\u201cfoo\u201d",
        where="TEST_KEY",
    ),
    mistake(
        "flask_config.toml",
        "windows-path",
        'UPLOAD_DIR="C:\\\\Users\\\\flask\\\\uploads"',
        'UPLOAD_DIR="C:\\Users\\flask\\uploads"',
        where="a Windows path in a basic string",
        intended=(
            'SECRET_KEY="config"\n',
            'SECRET_KEY="config"\nUPLOAD_DIR="C:\\\\Users\\\\flask\\\\uploads"\n',
        ),
    ),
    mistake(
        "pyproject_flask.toml",
        "unquoted-string",
        'requires-python = ">=3.10"',
        "requires-python = >=3.10",
        where="project.requires-python",
    ),
    mistake(
        "pyproject_flask.toml",
        "missing-comma",
        '    "CHANGES.rst",\n    "uv.lock"',
        '    "CHANGES.rst"\n    "uv.lock"',
        where="tool.flit.sdist.include",
    ),
    mistake(
        "pyproject_flask.toml",
        "unclosed-table-header",
        "[tool.uv]\n",
        "[tool.uv\n",
        where="[tool.uv]",
    ),
    mistake(
        "pyproject_flask.toml",
        "duplicate-key-other-value",
        'version = "3.2.0.dev"\n',
        'version = "3.2.0.dev"\nversion = "3.2.0"\n',
        "refuse",
        "project.version given twice, two values",
    ),
    # --- JSON ---------------------------------------------------------------------------------
    mistake(
        "package_express.json",
        "trailing-comma",
        '"vary": "^1.1.2"\n  },',
        '"vary": "^1.1.2",\n  },',
        where="dependencies",
    ),
    mistake(
        "package_express.json",
        "missing-comma",
        '"license": "MIT",\n',
        '"license": "MIT"\n',
        where="after license",
    ),
    mistake(
        "package_express.json",
        "duplicated-closer",
        '"vhost": "~3.0.2"\n  },\n',
        '"vhost": "~3.0.2"\n  },\n  },\n',
        where="devDependencies closed twice",
    ),
    mistake(
        "package_express.json",
        "unescaped-quote",
        '"Fast, \\"unopinionated\\", minimalist web framework"',
        '"Fast, "unopinionated", minimalist web framework"',
        where="description with quotes inside",
        intended=(
            '"Fast, unopinionated, minimalist web framework"',
            '"Fast, \\"unopinionated\\", minimalist web framework"',
        ),
    ),
    mistake(
        "package_express.json",
        "single-quotes",
        '"repository": "expressjs/express"',
        "'repository': 'expressjs/express'",
        where="repository",
    ),
    mistake(
        "package_express.json",
        "comment",
        '"devDependencies": {\n',
        '"devDependencies": { // only for tests and examples\n',
        where="devDependencies",
    ),
    cut("package_express.json", '"test-ci": "nyc --exclude examples --excl'),
    cut(
        "package_express.json",
        '"test-tap": "mocha --require test/support/env --reporter tap --check-leaks test/ test/acceptance/"\n  }',
        "exact",
        "cut before the last brace: every value complete",
    ),
    mistake(
        "package_express.json",
        "smart-quotes",
        '"homepage": "https://expressjs.com/"',
        "\u201chomepage\u201d: \u201chttps://expressjs.com/\u201d",
        where="homepage",
    ),
    mistake(
        "package_express.json",
        "merge-conflict",
        '    "qs": "^6.15.2",\n',
        conflict('    "qs": "^6.15.2",\n', '    "qs": "^6.14.0",\n'),
        "refuse",
        "dependencies.qs",
    ),
    mistake(
        "composer_laravel.json",
        "python-literal",
        '"optimize-autoloader": true',
        '"optimize-autoloader": True',
        where="config.optimize-autoloader",
    ),
    mistake(
        "composer_laravel.json",
        "trailing-comma",
        '"prefer-stable": true\n',
        '"prefer-stable": true,\n',
        where="last member",
    ),
    mistake(
        "composer_laravel.json",
        "unescaped-backslash",
        '"App\\\\": "app/"',
        '"App\\": "app/"',
        where="autoload.psr-4 namespace with one backslash",
    ),
    mistake(
        "composer_laravel.json",
        "missing-comma",
        '"npm install",\n',
        '"npm install"\n',
        where="scripts.setup",
    ),
    mistake(
        "composer_laravel.json",
        "duplicated-closer",
        '    },\n    "autoload-dev"',
        '    },\n    },\n    "autoload-dev"',
        where="autoload closed twice",
    ),
    mistake(
        "composer_laravel.json",
        "code-fence",
        '{\n    "$schema"',
        '```json\n{\n    "$schema"',
        where="an LLM answer's fence around the file (the closing fence added below too)",
    ),
    mistake(
        "composer_laravel.json",
        "merge-conflict",
        '        "laravel/framework": "^12.0",\n',
        conflict(
            '        "laravel/framework": "^12.0",\n', '        "laravel/framework": "^11.0",\n'
        ),
        "refuse",
        "require.laravel/framework",
    ),
    cut("composer_laravel.json", '"@php artisan package:disc'),
    mistake(
        "package_laravel.json", "unquoted-key", '"private": true', "private: true", where="private"
    ),
    mistake(
        "package_laravel.json",
        "trailing-comma",
        '"vite": "^7.0.7"\n',
        '"vite": "^7.0.7",\n',
        where="devDependencies",
    ),
    mistake(
        "package_laravel.json",
        "single-quotes",
        '"dev": "vite"',
        "'dev': 'vite'",
        where="scripts.dev",
    ),
    mistake(
        "package_laravel.json",
        "python-literal",
        '"private": true',
        '"private": True',
        where="private",
    ),
    mistake(
        "chrome_manifest_alarms.json",
        "trailing-comma",
        '["alarms"]',
        '["alarms",]',
        where="permissions",
    ),
    mistake(
        "chrome_manifest_alarms.json",
        "missing-comma",
        '"manifest_version": 3,\n',
        '"manifest_version": 3\n',
        where="after manifest_version",
    ),
    mistake(
        "chrome_manifest_alarms.json",
        "comment",
        '"manifest_version": 3,\n',
        '"manifest_version": 3, // MV3 only\n',
        where="manifest_version",
    ),
    mistake(
        "chrome_manifest_alarms.json",
        "missing-final-closer",
        '"action": {}\n}\n',
        '"action": {}\n',
        where="the last brace left out",
    ),
    mistake(
        "chrome_manifest_context_menus.json",
        "single-quotes",
        '"name": "Context Menus Sample"',
        "'name': 'Context Menus Sample'",
        where="name",
    ),
    mistake(
        "chrome_manifest_context_menus.json",
        "missing-colon",
        '"version": "0.7"',
        '"version" "0.7"',
        where="version",
    ),
    mistake(
        "chrome_manifest_context_menus.json",
        "prose-around",
        '{\n  "name"',
        'Here is the updated manifest:\n\n{\n  "name"',
        where="an LLM answer's prose before the JSON",
    ),
    mistake(
        "chrome_manifest_context_menus.json",
        "smart-quotes",
        '"permissions": ["contextMenus"]',
        "\u201cpermissions\u201d: [\u201ccontextMenus\u201d]",
        where="permissions",
    ),
    mistake(
        "devcontainer_flask.json",
        "python-literal",
        '"python.terminal.activateEnvInCurrentTerminal": true',
        '"python.terminal.activateEnvInCurrentTerminal": True',
        where="settings",
    ),
    mistake("devcontainer_flask.json", "trailing-comma", '"dev"\n', '"dev",\n', where="launchArgs"),
    mistake(
        "devcontainer_flask.json",
        "comment",
        '{\n  "name"',
        '// See https://aka.ms/devcontainer.json\n{\n  "name"',
        where="a comment line on top",
    ),
    cut("devcontainer_flask.json", '"python.defaultInterpreterPath": "${workspace'),
    mistake(
        "flask_config.json",
        "trailing-comma",
        '"SECRET_KEY": "config"\n',
        '"SECRET_KEY": "config",\n',
        where="last member",
    ),
    mistake(
        "flask_config.json",
        "single-quotes",
        '"TEST_KEY": "foo"',
        "'TEST_KEY': 'foo'",
        where="TEST_KEY",
    ),
    mistake(
        "flask_config.json",
        "missing-final-closer",
        '"config"\n}\n',
        '"config"\n',
        where="the last brace left out",
    ),
    mistake(
        "datapackage_language_codes.json",
        "missing-comma",
        '"title": "Library of Congress ISO 639-2 Registration Authority"\n    },\n',
        '"title": "Library of Congress ISO 639-2 Registration Authority"\n    }\n',
        where="sources, between the two objects",
    ),
    mistake(
        "datapackage_language_codes.json",
        "duplicated-closer",
        '"title": "Unicode Common Locale Data Repository (CLDR)"\n    }\n  ],\n',
        '"title": "Unicode Common Locale Data Repository (CLDR)"\n    }\n    }\n  ],\n',
        where="sources[1] closed twice",
    ),
    mistake(
        "datapackage_language_codes.json",
        "unquoted-value",
        '"mediatype": "text/csv",\n      "schema": {\n        "fields": [\n          {\n            "name": "alpha2"',
        '"mediatype": text/csv,\n      "schema": {\n        "fields": [\n          {\n            "name": "alpha2"',
        where="resources[0].mediatype",
    ),
    cut("datapackage_language_codes.json", '"description": "3 letter alpha-3 terminologic co'),
    # --- XML ----------------------------------------------------------------------------------
    mistake(
        "android_strings.xml",
        "attribute-missing-quote",
        'translatable="false">Sunflower</string>',
        'translatable="false>Sunflower</string>',
        where="app_name's translatable",
    ),
    mistake(
        "android_strings.xml",
        "unclosed-element",
        ">Share</string>",
        ">Share",
        where="menu_item_share_plant",
    ),
    mistake(
        "android_strings.xml",
        "bare-ampersand",
        "Photos &amp; videos by Unsplash",
        "Photos & videos by Unsplash",
        where="gallery_title",
        intended=("Photos by Unsplash", "Photos &amp; videos by Unsplash"),
    ),
    mistake(
        "android_strings.xml",
        "bare-less-than",
        "has &lt; 1 plant",
        "has < 1 plant",
        where="garden_empty",
        intended=("Your garden is empty", "Your garden has &lt; 1 plant"),
    ),
    mistake(
        "android_strings.xml",
        "end-tag-case",
        ">Add plant</string>",
        ">Add plant</String>",
        where="add_plant",
    ),
    cut(
        "android_strings.xml",
        '<item quantity="one" translation_description="Text indicating when the the plant should next be wat',
    ),
    mistake(
        "android_manifest.xml",
        "unquoted-attribute",
        'android:exported="true"',
        "android:exported=true",
        where="GardenActivity exported",
    ),
    mistake(
        "android_manifest.xml",
        "attribute-missing-quote",
        'android:name=".MainApplication"',
        'android:name=".MainApplication',
        where="application name",
    ),
    mistake(
        "android_manifest.xml",
        "missing-self-close",
        '<activity android:name="androidx.activity.ComponentActivity" />',
        '<activity android:name="androidx.activity.ComponentActivity">',
        where="an empty activity written without its slash",
    ),
    mistake(
        "android_manifest.xml",
        "declaration-not-first",
        '<?xml version="1.0" encoding="utf-8"?>',
        '\n<?xml version="1.0" encoding="utf-8"?>',
        where="a blank line pasted above the declaration",
    ),
    mistake(
        "android_manifest.xml",
        "smart-quotes",
        'android:theme="@style/Theme.Sunflower"',
        "android:theme=\u201c@style/Theme.Sunflower\u201d",
        where="application theme",
    ),
    mistake(
        "android_manifest.xml",
        "duplicate-attribute-same-value",
        'android:exported="false"\n',
        'android:exported="false"\n            android:exported="false"\n',
        where="provider exported pasted twice",
    ),
    mistake(
        "android_manifest.xml",
        "merge-conflict",
        '    <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE" />\n',
        conflict(
            '    <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE" />\n',
            '    <uses-permission android:name="android.permission.POST_NOTIFICATIONS" />\n',
        ),
        "refuse",
        "a permission",
    ),
    mistake(
        "android_dimens.xml",
        "tag-missing-bracket",
        '<dimen name="fab_margin">16dp</dimen>',
        '<dimen name="fab_margin">16dp</dimen',
        where="fab_margin's end tag",
    ),
    mistake(
        "android_dimens.xml",
        "double-hyphen-in-comment",
        "<!-- Per Material Design specs: -->",
        "<!-- Per Material Design specs -- see below: -->",
        where="a comment",
    ),
    mistake(
        "android_dimens.xml",
        "unclosed-element",
        '<dimen name="card_elevation">2dp</dimen>',
        '<dimen name="card_elevation">2dp',
        where="card_elevation",
    ),
    cut("android_dimens.xml", '<dimen name="header_margin">24'),
    mistake(
        "android_dimens.xml",
        "attribute-missing-quote",
        'name="margin_small"',
        'name=margin_small"',
        where="margin_small's name",
    ),
    mistake(
        "android_themes.xml",
        "end-tag-case",
        'parent="Base.Theme.Sunflower"></style>',
        'parent="Base.Theme.Sunflower"></Style>',
        where="Theme.Sunflower",
    ),
    mistake(
        "android_themes.xml",
        "missing-final-closer",
        '    <style name="Theme.Sunflower" parent="Base.Theme.Sunflower"></style>\n</resources>\n',
        '    <style name="Theme.Sunflower" parent="Base.Theme.Sunflower"></style>\n',
        where="the last end tag left out",
    ),
    mistake(
        "android_themes.xml",
        "attribute-missing-quote",
        'parent="Theme.MaterialComponents.DayNight.NoActionBar">',
        'parent="Theme.MaterialComponents.DayNight.NoActionBar>',
        where="Base.Theme.Sunflower's parent",
    ),
    mistake(
        "android_layout.xml",
        "missing-self-close",
        'tools:text="Details about the plant" />',
        'tools:text="Details about the plant" >',
        where="TextView",
    ),
    mistake(
        "android_layout.xml",
        "smart-quotes",
        'android:layout_width="match_parent"',
        "android:layout_width=\u201cmatch_parent\u201d",
        where="layout_width",
    ),
    mistake(
        "android_layout.xml",
        "unquoted-attribute",
        'android:layout_height="wrap_content"',
        "android:layout_height=wrap_content",
        where="layout_height",
    ),
    mistake(
        "android_vector.xml",
        "attributes-run-together",
        'android:height="28dp" android:viewportHeight="21"',
        'android:height="28dp"android:viewportHeight="21"',
        where="vector attributes",
    ),
    cut("android_vector.xml", "C13.97,21 18,16.97 18,12C13.03,12 9,16."),
    mistake(
        "android_vector.xml",
        "missing-self-close",
        'android:fillType="nonZero" />',
        'android:fillType="nonZero" >',
        where="path",
    ),
    mistake(
        "pom_rest_service.xml",
        "unclosed-element",
        "<version>4.0.6</version>",
        "<version>4.0.6",
        where="parent.version",
    ),
    mistake(
        "pom_rest_service.xml",
        "end-tag-case",
        "<artifactId>spring-boot-starter-webmvc</artifactId>",
        "<artifactId>spring-boot-starter-webmvc</artifactid>",
        where="dependencies[0].artifactId",
    ),
    mistake(
        "pom_rest_service.xml",
        "missing-final-closer",
        "\n</project>\n",
        "\n",
        where="the last end tag left out",
    ),
    cut(
        "pom_rest_service.xml",
        "<artifactId>spring-boot-starter-webmvc-test</artifactId>\n      <sco",
    ),
    mistake(
        "pom_rest_service.xml",
        "merge-conflict",
        "    <java.version>17</java.version>\n",
        conflict("    <java.version>17</java.version>\n", "    <java.version>21</java.version>\n"),
        "refuse",
        "properties.java.version",
    ),
    mistake(
        "pom_rest_service.xml",
        "bare-ampersand",
        "Spring Boot &amp; Maven",
        "Spring Boot & Maven",
        where="description",
        intended=("Demo project for Spring Boot", "Demo project for Spring Boot &amp; Maven"),
    ),
    mistake(
        "pom_rest_service.xml",
        "html-style-empty-element",
        "<relativePath/>",
        "<relativePath>",
        where="parent.relativePath written as in HTML",
    ),
    # --- CSV ----------------------------------------------------------------------------------
    mistake(
        "countries.csv",
        "unquoted-delimiter-in-field",
        '"Bonaire, Sint Eustatius and Saba",BQ',
        "Bonaire, Sint Eustatius and Saba,BQ",
        where="a name with a comma, its quotes lost",
    ),
    mistake(
        "countries.csv",
        "trailing-delimiter",
        "Albania,AL\n",
        "Albania,AL,\n",
        where="one row ends with a comma",
    ),
    mistake(
        "countries.csv",
        "missing-delimiter",
        "Andorra,AD\n",
        "Andorra AD\n",
        "refuse",
        "one row's comma lost",
    ),
    mistake(
        "countries.csv",
        "other-delimiter-in-row",
        "Algeria,DZ\n",
        "Algeria;DZ\n",
        where="one row typed with a semicolon",
    ),
    mistake(
        "countries.csv",
        "merge-conflict",
        "Aruba,AW\n",
        conflict("Aruba,AW\n", "Aruba,AW\nAustralia,AU\n"),
        "refuse",
        "rows around Aruba",
    ),
    mistake(
        "countries.csv",
        "title-line",
        "Name,Code\n",
        "Countries and their ISO 3166-1 alpha-2 codes\nName,Code\n",
        where="a title line above the header",
    ),
    mistake(
        "language_codes_3b2.csv",
        "unclosed-quote",
        '"afr","af","Afrikaans"\n',
        '"afr","af","Afrikaans\n',
        where="a field's closing quote lost",
    ),
    mistake(
        "language_codes_3b2.csv",
        "header-wrapped",
        '"alpha3-b","alpha2","English"\n',
        '"alpha3-b","alpha2",\n"English"\n',
        where="the header broken onto two lines",
    ),
    mistake(
        "language_codes_3b2.csv",
        "missing-field",
        '"ara","ar","Arabic"\n',
        '"ara","Arabic"\n',
        "refuse",
        "one row lost a cell",
    ),
    mistake(
        "language_codes_3b2.csv",
        "extra-field",
        '"amh","am","Amharic"\n',
        '"amh","am","","Amharic"\n',
        "refuse",
        "one row has an extra empty cell in the middle",
    ),
    cut("language_codes_3b2.csv", '"asm","as","Assa'),
    mistake(
        "language_codes_full.csv",
        "header-wrapped",
        '"alpha3-b","alpha3-t","alpha2","English","French"\n',
        '"alpha3-b","alpha3-t","alpha2",\n"English","French"\n',
        where="the header broken onto two lines",
    ),
    mistake(
        "language_codes_full.csv",
        "unquoted-delimiter-in-field",
        '"afro-asiatiques, langues"\n',
        "afro-asiatiques, langues\n",
        where="the quotes of a field with a comma lost",
        intended=('"afro-asiatiques, langues\r"\n', '"afro-asiatiques, langues"\n'),
    ),
    mistake(
        "language_codes_full.csv",
        "missing-field",
        '"ace","","","Achinese","aceh\r"\n',
        '"ace","","Achinese","aceh\r"\n',
        "refuse",
        "one row lost an empty cell",
    ),
    mistake(
        "language_codes_full.csv",
        "extra-field",
        '"ach","","","Acoli","acoli\r"\n',
        '"ach","","","","Acoli","acoli\r"\n',
        "refuse",
        "one row has an extra empty cell",
    ),
    mistake(
        "ietf_language_tags.csv",
        "header-wrapped",
        "lang,langType,territory,revGenDate,defs,dftLang,file\n",
        "lang,langType,territory,\nrevGenDate,defs,dftLang,file\n",
        where="the header broken onto two lines",
    ),
    mistake(
        "ietf_language_tags.csv",
        "missing-delimiter",
        "aa-DJ,aa,DJ,,2,0,aa_DJ.xml\n",
        "aa-DJ,aa,DJ,2,0,aa_DJ.xml\n",
        "refuse",
        "one row lost a comma between empty cells",
    ),
    mistake(
        "ietf_language_tags.csv",
        "trailing-delimiter",
        "af,af,,,10,0,af.xml\n",
        "af,af,,,10,0,af.xml,\n",
        where="one row ends with a comma",
    ),
    mistake(
        "ietf_language_tags.csv",
        "merge-conflict",
        "ab-GE,ab,GE,,0,0,ab_GE.xml\n",
        conflict("ab-GE,ab,GE,,0,0,ab_GE.xml\n", "ab-GE,ab,GE,,1,0,ab_GE.xml\n"),
        "refuse",
        "one row",
    ),
    mistake(
        "ietf_language_tags.csv",
        "stray-quote",
        "agq-CM,agq,CM,,0,0,agq_CM.xml\n",
        'agq-CM,agq,CM,,0,0,"agq_CM.xml\n',
        where="a quote typed before a field",
    ),
]

# The closing fence of the code-fence case: an LLM answer ends its fence too.
_SUFFIXES = {("composer_laravel.json", "code-fence"): "```\n"}


def _replace_once(text: str, old: str, new: str, what: str) -> str:
    found = text.count(old)
    if found != 1:
        raise SystemExit(f"{what}: {old!r} occurs {found} times, not once")
    return text.replace(old, new)


def _format(name: str) -> str:
    suffix = name.rsplit(".", 1)[1]
    return {"yml": "yaml"}.get(suffix, suffix)


def _parses(raw: bytes, format: str) -> bool:
    try:
        convert(raw, src=format, to="json", repair="off")
    except StructconvError:
        return False
    return True


def build() -> list[dict[str, object]]:
    (HERE / "broken").mkdir(exist_ok=True)
    for stale in (HERE / "broken").iterdir():
        stale.unlink()
    entries: list[dict[str, object]] = []
    problems: list[str] = []
    taken: set[str] = set()
    for case in CASES:
        original = (HERE / "originals" / case.original).read_bytes().decode("utf-8")
        format = _format(case.original)
        stem, suffix = case.original.rsplit(".", 1)
        name = f"{stem}--{case.kind}.{suffix}"
        number = 2
        while name in taken:
            name = f"{stem}--{case.kind}-{number}.{suffix}"
            number += 1
        taken.add(name)
        text = original
        entry: dict[str, object] = {"id": name, "format": format, "original": case.original}
        if case.intended is not None:
            text = _replace_once(text, *case.intended, f"{name} (intended)")
            entry["data"] = json.loads(convert(text, src=format, to="json", repair="off").text)
        if case.cut_after:
            end = text.index(case.cut_after) + len(case.cut_after)
            if text.count(case.cut_after) != 1:
                raise SystemExit(f"{name}: the cut point is not unique")
            text = text[:end]
        elif case.edit is not None:
            text = _replace_once(text, *case.edit, name)
        text += _SUFFIXES.get((case.original, case.kind), "")
        raw = text.encode(case.encoding)
        if raw == original.encode("utf-8"):
            raise SystemExit(f"{name}: the broken file is the original")
        if _parses(raw, format):
            problems.append(f"{name}: the strict reader accepts it; not a repair case")
            continue
        (HERE / "broken" / name).write_bytes(raw)
        entry.update(
            {
                "expect": case.expect,
                "kind": case.kind,
                "mistake": case.kind + (f": {case.where}" if case.where else ""),
            }
        )
        entries.append(entry)
    if problems:
        raise SystemExit("\n".join(problems))
    return entries


def main() -> None:
    entries = build()
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in entries)
    (HERE / "cases.json").write_text(f'{{"cases": [\n{lines}\n]}}\n', encoding="utf-8")
    kinds = len({entry["kind"] for entry in entries})
    print(f"{len(entries)} cases, {kinds} kinds of mistake", file=sys.stderr)


if __name__ == "__main__":
    main()
