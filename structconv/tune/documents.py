"""Source documents for the training pairs: valid neutral data, before anything breaks it.

Two kinds, both deterministic:

- templates: the files people actually break (docker-compose, Kubernetes manifests,
  GitHub Actions workflows, pyproject/Cargo/package.json/tsconfig, Helm values, Ansible
  vars, app configs, i18n files with Japanese text, user/order/product records,
  spreadsheet exports with grouped columns, log records), their values varied by a
  seeded random.Random. Some values carry what breaks writers and hand edits: quotes,
  `: ` and ` #`, `&`, `<`, accented letters, Windows paths.
- hypothesis: documents drawn by hypothesis strategies (odd keys and text, nesting,
  numbers at their edges), drawn once by a @given-decorated collector under a fixed
  seed, with the database and every phase but generation off, so the same seed gives
  the same documents. hypothesis is imported only there (a dev and [tune] dependency).

Documents are small on purpose: a rendered prompt and its answer must fit 384 tokens.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Document:
    """One source document: its data and the names the formats that need one use."""

    id: str
    source: str  # the template's name, or "hypothesis"
    data: Any
    root: str = "root"  # XML: the wrapping element; TOML: the key of a top-level list
    item: str = "item"  # XML: the element of a list item


Template = Callable[[random.Random], tuple[Any, str, str]]
TEMPLATES: dict[str, Template] = {}


def template(name: str) -> Callable[[Template], Template]:
    def register(function: Template) -> Template:
        TEMPLATES[name] = function
        return function

    return register


# --- value pools -------------------------------------------------------------------------

# fmt: off
PEOPLE = [
    "Ada Lovelace", "Grace Hopper", "Alan Turing", "Hopper, Grace", "Doe, Jane", "Linus Torvalds", "Margaret Hamilton",
    "Katherine Johnson", "Dennis Ritchie", "Barbara Liskov", "Ken Thompson", "Radia Perlman",
    "José Álvarez", "Zoë Müller", "François Dubois", "Søren Kierkegaard", "Łukasz Nowak",
    "山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健",
]
FIRST = ["Ada", "Grace", "Alan", "Linus", "Maria", "Yuki", "Ken", "Olga", "Ravi", "Chen", "Aiko"]
CITIES = ["Berlin", "Tokyo", "Osaka", "Lyon", "São Paulo", "Zürich", "Austin", "Kraków", "東京", "大阪"]
COUNTRIES = ["DE", "JP", "FR", "BR", "CH", "US", "PL", "GB", "IN"]
DOMAINS = ["example.com", "example.org", "corp.example", "mail.test"]
IMAGES = [
    "nginx:1.25", "postgres:16", "redis:7-alpine", "python:3.12-slim", "node:20",
    "ghcr.io/acme/api:2.4.1", "busybox", "traefik:v3.0", "grafana/grafana:10.4.2",
]
SERVICES = ["web", "api", "db", "cache", "worker", "proxy", "frontend", "queue"]
APPS = ["billing", "checkout", "search", "auth", "gateway", "reports", "inventory", "notifier"]
PACKAGES_PY = ["requests", "click", "pydantic", "httpx", "rich", "numpy", "fastapi", "sqlalchemy"]
PACKAGES_JS = ["react", "express", "lodash", "vite", "typescript", "zod", "axios", "vitest"]
CRATES = ["serde", "tokio", "anyhow", "clap", "reqwest", "tracing", "rand", "thiserror"]
LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"]
STATUSES = ["pending", "paid", "shipped", "cancelled", "refunded"]
CURRENCIES = ["EUR", "USD", "JPY", "GBP", "CHF"]
PRODUCTS = [
    "USB-C cable", "Desk lamp", "Notebook A5", "Coffee beans 1kg", "Wireless mouse",
    "Standing desk", "Café crème", "Tee shirt (M)", "ボールペン", "緑茶 100g", "充電器",
    "Paper, A4 (500 sheets)", "Tea, green 100g", "Cable, USB-C 2m", "Mug, white",
]
REGIONS = ["North", "South", "East", "West", "Central", "北海道", "関東", "関西", "九州"]
COMMANDS = [
    "npm run start", "python -m app", "gunicorn app:app", "sh -c 'sleep 5 && ./run'",
    "echo status: ok", "redis-server --save 60 1", "./serve --port 8080",
    "echo done # after build", "bash -c \"make test\"", "echo ready: yes # health",
    "printf 'mode: %s' prod", "echo \"started\"", "sh -c \"exec app --env=prod\"",
    "echo stage: build #1", "curl -fsS http://localhost:8080/health: || exit 1",
]
# Text people write in notes and messages, often what breaks YAML (`: `, ` #`) and JSON
# or TOML strings (`"`) when written by hand.
REMARKS = [
    "owner: team-a", "status: draft", "note: rotate keys monthly", "see: docs/ops.md",
    "retry: 3 times # max", "limit: 10 # per minute", "warning: slow # on CI",
    'use "prod" only', 'click "Save" first', 'the "fast" path', 'label "beta" # temp',
    "contact: ops@example.com", "注意: 本番環境", "担当: 山田 # 営業部", 'say "hi": then leave',
    "plain remark", "migrated in 2025", "Bob's service", "it's deprecated: use v2",
    'set "debug": false', 'called "Ace" & "Bolt"', "late, paid twice", "ok, verified",
    "call back Monday, 10am", "北口, 2階", "AT&T: backup link", "R&D: keep", "naïve: résumé",
]
NOTES = [
    "first release", "handles retries", "see #42", "AT&T contract", "Q&A session",
    'said "no" twice', "ratio < 1", "x > 0 && y < 5", "key: value pairs", "Bob's order",
    "café au lait", "naïve résumé", "© 2026 Acme", "50% off — today", "path C:\\temp\\logs",
    "price: 10 # net", "todo: check # later", "締め切り: 金曜日", "注意：再起動が必要です",  # noqa: RUF001
    "plain text", "no comment", "multi word note here",
]
DESCRIPTIONS = [
    "Handles payments for the web shop", "Internal tool, do not expose",
    "Legacy service: migrate by Q3", "API gateway & rate limiter", "Nightly batch job",
    "Caches sessions (TTL 1h)", "Sends e-mail notifications", "社内向けの管理画面",
]
JA_UI = {
    "save": "保存", "cancel": "キャンセル", "delete": "削除", "open": "開く", "close": "閉じる",
    "search": "検索", "settings": "設定", "logout": "ログアウト", "help": "ヘルプ",
    "confirm": "本当に削除しますか？", "welcome": "ようこそ、{name}さん",  # noqa: RUF001
    "error": "エラーが発生しました",
    "retry": "もう一度お試しください", "loading": "読み込み中…", "done": "完了しました",
}
EN_UI = {
    "save": "Save", "cancel": "Cancel", "delete": "Delete", "open": "Open", "close": "Close",
    "search": "Search", "settings": "Settings", "logout": "Log out", "help": "Help",
    "confirm": 'Click "OK" to delete', "welcome": "Welcome, {name}", "error": "An error occurred",
    "retry": "Please try again", "loading": "Loading…", "done": "Done",
}
FR_UI = {
    "save": "Enregistrer", "cancel": "Annuler", "delete": "Supprimer", "open": "Ouvrir",
    "close": "Fermer", "search": "Rechercher", "settings": "Paramètres", "logout": "Déconnexion",
    "help": "Aide", "confirm": "Supprimer vraiment ?", "welcome": "Bienvenue, {name}",
    "error": "Une erreur s'est produite", "retry": "Réessayez", "loading": "Chargement…",
    "done": "Terminé",
}
LOG_MESSAGES = [
    "connection refused: retrying in 5s", "user logged in", "cache miss for key user:42",
    "request took 1532 ms", 'unexpected token "}" at line 3', "disk usage at 91%",
    "job finished", "timeout after 30s", "ユーザーがログインしました", "payment failed: card declined",
]
# fmt: on


def _pick(rng: random.Random, pool: list[str]) -> str:
    return rng.choice(pool)


def _remark(rng: random.Random) -> str:
    return rng.choice(REMARKS if rng.random() < 0.7 else NOTES)


def _some(rng: random.Random, pool: list[str], low: int, high: int) -> list[str]:
    return rng.sample(pool, rng.randint(low, min(high, len(pool))))


def _version(rng: random.Random) -> str:
    return f"{rng.randint(0, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"


def _date(rng: random.Random) -> datetime.date:
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))


def _timestamp(rng: random.Random) -> str:
    moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=rng.randint(0, 90 * 86400)
    )
    return moment.isoformat().replace("+00:00", "Z")


def _money(rng: random.Random) -> float | int:
    return rng.choice([rng.randint(1, 500), round(rng.uniform(0.5, 999), 2)])


def _email(rng: random.Random) -> str:
    return f"{_pick(rng, FIRST).lower()}.{rng.randint(1, 99)}@{_pick(rng, DOMAINS)}"


def _maybe(rng: random.Random, probability: float = 0.5) -> bool:
    return rng.random() < probability


# --- configs and manifests ----------------------------------------------------------------


@template("docker-compose")
def docker_compose(rng: random.Random) -> tuple[Any, str, str]:
    services: dict[str, Any] = {}
    for name in _some(rng, SERVICES, 1, 2):
        service: dict[str, Any] = {"image": _pick(rng, IMAGES)}
        if _maybe(rng, 0.7):
            port = rng.choice([80, 3000, 5432, 6379, 8080, 9000])
            service["ports"] = [f"{rng.choice([port, port + 1, 8000 + rng.randint(0, 99)])}:{port}"]
        if _maybe(rng, 0.6):
            service["environment"] = {
                "LOG_LEVEL": _pick(rng, LEVELS).lower(),
                rng.choice(["DEBUG", "TZ", "DB_HOST", "NODE_ENV"]): rng.choice(
                    ["false", "Asia/Tokyo", "db", "production", "1"]
                ),
            }
        if _maybe(rng, 0.6):
            service["command"] = _pick(rng, COMMANDS)
        if _maybe(rng, 0.4):
            service["restart"] = rng.choice(["unless-stopped", "always", "on-failure"])
        if _maybe(rng, 0.3) and services:
            service["depends_on"] = [next(iter(services))]
        services[name] = service
    data: dict[str, Any] = {"services": services}
    if _maybe(rng, 0.3):
        data = {"version": rng.choice(["3.8", "3", "2.4"]), **data}
    if _maybe(rng, 0.2):
        data["volumes"] = {"pgdata": {}} if _maybe(rng) else {"data": {"driver": "local"}}
    if _maybe(rng, 0.2):
        data["x-note"] = _remark(rng)
    return data, "compose", "service"


@template("k8s-deployment")
def k8s_deployment(rng: random.Random) -> tuple[Any, str, str]:
    app = _pick(rng, APPS)
    container: dict[str, Any] = {"name": app, "image": f"registry.example/{app}:{_version(rng)}"}
    if _maybe(rng, 0.6):
        container["ports"] = [{"containerPort": rng.choice([80, 8080, 3000, 9090])}]
    if _maybe(rng, 0.6):
        container["resources"] = {
            "limits": {
                "cpu": rng.choice(["500m", "1", "250m"]),
                "memory": rng.choice(["256Mi", "1Gi"]),
            },
            "requests": {"memory": rng.choice(["128Mi", "64Mi", "512Mi"])},
        }
    elif _maybe(rng):
        container["args"] = rng.sample(["--verbose", "--port=8080", "--config=/etc/app.yaml"], 2)
    data: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": app, "labels": {"app": app, "tier": rng.choice(["backend", "web"])}},
        **({"annotations": {"description": _remark(rng)}} if _maybe(rng, 0.3) else {}),
        "spec": {"replicas": rng.randint(1, 5), "template": {"spec": {"containers": [container]}}},
    }
    return data, "deployment", "item"


@template("k8s-configmap")
def k8s_configmap(rng: random.Random) -> tuple[Any, str, str]:
    app = _pick(rng, APPS)
    entries = {
        "LOG_LEVEL": _pick(rng, LEVELS).lower(),
        "TIMEOUT": str(rng.choice([5, 30, 60])),
        "GREETING": rng.choice(["hello: world", "Hello, world", "こんにちは", "it's fine"]),
    }
    if _maybe(rng):
        entries["DESCRIPTION"] = _pick(rng, DESCRIPTIONS)
    data = {
        "apiVersion": "v1",
        "kind": rng.choice(["ConfigMap", "Secret"]),
        "metadata": {
            "name": f"{app}-config",
            "namespace": rng.choice(["default", "prod", "staging"]),
        },
        "data": dict(rng.sample(sorted(entries.items()), rng.randint(2, len(entries)))),
    }
    return data, "configmap", "item"


@template("k8s-service")
def k8s_service(rng: random.Random) -> tuple[Any, str, str]:
    app = _pick(rng, APPS)
    port = rng.choice([80, 443, 8080])
    data = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": app},
        "spec": {
            "type": rng.choice(["ClusterIP", "NodePort", "LoadBalancer"]),
            "selector": {"app": app},
            "ports": [
                {"port": port, "targetPort": rng.choice([port, 8080, 3000]), "protocol": "TCP"}
            ],
        },
    }
    return data, "service", "port"


@template("github-actions")
def github_actions(rng: random.Random) -> tuple[Any, str, str]:
    steps: list[Any] = [{"uses": "actions/checkout@v4"}]
    language = rng.choice(["python", "node", "go"])
    if language == "python":
        steps.append(
            {
                "uses": "actions/setup-python@v5",
                "with": {"python-version": rng.choice(["3.11", "3.12"])},
            }
        )
        steps.append(
            {
                "name": rng.choice(
                    ["Test: unit", "Run tests", "Lint: ruff # fast", 'Run "pytest"']
                ),
                "run": rng.choice(["pip install -e . && pytest", "pytest -q", "ruff check ."]),
            }
        )
    elif language == "node":
        steps.append(
            {"uses": "actions/setup-node@v4", "with": {"node-version": rng.choice([18, 20, 22])}}
        )
        steps.append(
            {
                "name": rng.choice(["Test", "Test: all", "npm: lint # quick"]),
                "run": rng.choice(["npm ci && npm test", "npm run lint", 'echo "ok"']),
            }
        )
    else:
        steps.append({"name": "Build: all packages", "run": "go build ./..."})
    trigger: Any = rng.choice([["push", "pull_request"], {"push": {"branches": ["main"]}}, "push"])
    data = {
        "name": rng.choice(["CI", "test", "build", "Lint & test"]),
        "on": trigger,
        "jobs": {"test": {"runs-on": rng.choice(["ubuntu-latest", "macos-14"]), "steps": steps}},
    }
    return data, "workflow", "step"


@template("pyproject")
def pyproject(rng: random.Random) -> tuple[Any, str, str]:
    project: dict[str, Any] = {
        "name": f"{_pick(rng, APPS)}-{rng.choice(['core', 'cli', 'sdk'])}",
        "version": _version(rng),
        "requires-python": rng.choice([">=3.10", ">=3.11", ">=3.12"]),
        "dependencies": [
            f"{p}>={rng.randint(1, 3)}.{rng.randint(0, 9)}" for p in _some(rng, PACKAGES_PY, 1, 3)
        ],
    }
    if _maybe(rng, 0.3):
        project["description"] = rng.choice(DESCRIPTIONS + REMARKS)
    if _maybe(rng, 0.3):
        project["authors"] = [{"name": _pick(rng, PEOPLE), "email": _email(rng)}]
    tool: dict[str, Any] = {}
    if _maybe(rng, 0.6):
        tool["ruff"] = {"line-length": rng.choice([88, 100, 120])}
    if _maybe(rng, 0.4):
        tool["pytest"] = {"ini_options": {"testpaths": ["tests"]}}
    data: dict[str, Any] = {"project": project}
    if tool:
        data["tool"] = tool
    return data, "pyproject", "item"


@template("cargo")
def cargo(rng: random.Random) -> tuple[Any, str, str]:
    dependencies: dict[str, Any] = {}
    for crate in _some(rng, CRATES, 1, 3):
        dependencies[crate] = (
            {
                "version": f"{rng.randint(0, 1)}.{rng.randint(0, 40)}",
                "features": [rng.choice(["derive", "full", "json"])],
            }
            if _maybe(rng, 0.4)
            else f"{rng.randint(0, 1)}.{rng.randint(0, 40)}"
        )
    data = {
        "package": {
            "name": f"{_pick(rng, APPS)}-rs",
            "version": _version(rng),
            "edition": rng.choice(["2021", "2024"]),
        },
        "dependencies": dependencies,
    }
    if _maybe(rng, 0.3):
        data["profile"] = {"release": {"lto": True, "opt-level": rng.choice([2, 3])}}
    return data, "cargo", "item"


@template("package-json")
def package_json(rng: random.Random) -> tuple[Any, str, str]:
    data: dict[str, Any] = {
        "name": rng.choice(["@acme/", ""]) + _pick(rng, APPS),
        "version": _version(rng),
        "private": rng.choice([True, False]),
        "scripts": dict(
            rng.sample(
                [
                    ("start", "node index.js"),
                    ("build", "vite build"),
                    ("test", "vitest run"),
                    ("lint", "eslint . --ext .ts"),
                    ("dev", "vite --port 3000"),
                ],
                rng.randint(1, 3),
            )
        ),
        "dependencies": {
            p: f"^{rng.randint(1, 18)}.{rng.randint(0, 9)}.0" for p in _some(rng, PACKAGES_JS, 1, 3)
        },
    }
    if _maybe(rng, 0.3):
        data["description"] = rng.choice(DESCRIPTIONS + REMARKS)
    return data, "package", "item"


@template("tsconfig")
def tsconfig(rng: random.Random) -> tuple[Any, str, str]:
    options: dict[str, Any] = {
        "target": rng.choice(["ES2020", "ES2022", "ESNext"]),
        "module": rng.choice(["ESNext", "NodeNext", "commonjs"]),
        "strict": rng.choice([True, False]),
        "outDir": rng.choice(["dist", "build", "./out"]),
    }
    if _maybe(rng):
        options["paths"] = {"@/*": ["src/*"]}
    if _maybe(rng):
        options["sourceMap"] = True
    data = {
        "compilerOptions": options,
        "include": rng.sample(["src", "tests", "types"], rng.randint(1, 2)),
    }
    if _maybe(rng, 0.3):
        data["exclude"] = ["node_modules"]
    return data, "tsconfig", "item"


@template("helm-values")
def helm_values(rng: random.Random) -> tuple[Any, str, str]:
    data: dict[str, Any] = {
        "replicaCount": rng.randint(1, 4),
        "image": {
            "repository": f"ghcr.io/acme/{_pick(rng, APPS)}",
            "tag": rng.choice(["latest", _version(rng), "stable"]),
            "pullPolicy": rng.choice(["IfNotPresent", "Always"]),
        },
    }
    if _maybe(rng, 0.6):
        data["resources"] = {
            "limits": {"cpu": rng.choice(["500m", "1"]), "memory": rng.choice(["512Mi", "1Gi"])},
            "requests": {
                "cpu": rng.choice(["100m", "250m"]),
                "memory": rng.choice(["128Mi", "256Mi"]),
            },
        }
    if _maybe(rng, 0.5):
        data["service"] = {"type": "ClusterIP", "port": rng.choice([80, 8080])}
    if _maybe(rng, 0.4):
        data["ingress"] = {
            "enabled": rng.choice([True, False]),
            "hosts": [f"{_pick(rng, APPS)}.example.com"],
        }
    if _maybe(rng, 0.3):
        data["podAnnotations"] = {"note": _remark(rng)}
    return data, "values", "item"


@template("ansible-vars")
def ansible_vars(rng: random.Random) -> tuple[Any, str, str]:
    data: dict[str, Any] = {
        "app_user": rng.choice(["deploy", "www-data", "app"]),
        "nginx_port": rng.choice([80, 8080, 443]),
        "packages": _some(rng, ["git", "curl", "nginx", "python3-pip", "htop", "jq"], 2, 4),
    }
    if _maybe(rng, 0.5):
        data["app_env"] = {"APP_MODE": rng.choice(["prod", "dev"]), "WORKERS": rng.randint(1, 8)}
    if _maybe(rng, 0.7):
        data["debug_msg"] = rng.choice(
            [
                "status: {{ result.rc }}",
                "deploy done",
                "check: ok # see log",
                _remark(rng),
                'restarted "nginx"',
            ]
        )
    if _maybe(rng, 0.3):
        data["when_condition"] = "ansible_os_family == 'Debian'"
    return data, "vars", "item"


@template("app-config")
def app_config(rng: random.Random) -> tuple[Any, str, str]:
    data: dict[str, Any] = {
        "server": {
            "host": rng.choice(["0.0.0.0", "localhost", "127.0.0.1"]),
            "port": rng.choice([8000, 8080, 5000]),
            "debug": rng.choice([True, False]),
        },
        "database": {
            "url": rng.choice(
                [
                    "postgres://app@db:5432/app",
                    "sqlite:///data.db",
                    "mysql://root@localhost/shop?ssl=true&pool=5",
                ]
            ),
            "timeout": rng.choice([5, 30, 2.5]),
        },
    }
    if _maybe(rng, 0.5):
        data["logging"] = {
            "level": _pick(rng, LEVELS),
            "file": rng.choice(["/var/log/app.log", "C:\\logs\\app.log", "logs/app.log"]),
        }
    if _maybe(rng, 0.4):
        data["features"] = _some(rng, ["search", "export", "beta-ui", "sso"], 1, 3)
    if _maybe(rng, 0.4):
        data["motd"] = _remark(rng)
    return data, "config", "feature"


@template("i18n-ja")
def i18n_ja(rng: random.Random) -> tuple[Any, str, str]:
    keys = rng.sample(sorted(JA_UI), rng.randint(3, 6))
    nested = _maybe(rng)
    if nested:
        split = rng.randint(1, len(keys) - 1)
        messages: dict[str, Any] = {
            "common": {key: JA_UI[key] for key in keys[:split]},
            "dialog": {key: JA_UI[key] for key in keys[split:]},
        }
    else:
        messages = {key: JA_UI[key] for key in keys}
    return {rng.choice(["ja", "ja-JP"]): messages}, "messages", "item"


@template("i18n-table")
def i18n_table(rng: random.Random) -> tuple[Any, str, str]:
    rows = []
    for key in rng.sample(sorted(JA_UI), rng.randint(2, 4)):
        row = {"key": key, "en": EN_UI[key], "ja": JA_UI[key]}
        if _maybe(rng, 0.4):
            row["fr"] = FR_UI[key]
        rows.append(row)
    columns = set.intersection(*(set(row) for row in rows))
    return [{k: v for k, v in row.items() if k in columns} for row in rows], "strings", "string"


@template("openapi")
def openapi(rng: random.Random) -> tuple[Any, str, str]:
    resource = rng.choice(["users", "orders", "items"])
    info: dict[str, Any] = {"title": f"{_pick(rng, APPS).title()} API", "version": _version(rng)}
    data = {
        "openapi": "3.0.3",
        "info": info,
        "paths": {
            f"/{resource}": {
                "get": {
                    "summary": rng.choice(
                        [f"List {resource}", f"Get {resource}: paged", "Search (beta)"]
                    )
                }
            }
        },
    }
    if _maybe(rng, 0.4):
        info["description"] = _pick(rng, DESCRIPTIONS)
    return data, "api", "item"


@template("prometheus")
def prometheus(rng: random.Random) -> tuple[Any, str, str]:
    data = {
        "global": {"scrape_interval": rng.choice(["15s", "30s", "1m"])},
        "scrape_configs": [
            {
                "job_name": _pick(rng, APPS),
                "static_configs": [{"targets": [f"localhost:{rng.choice([9090, 9100, 8080])}"]}],
            }
        ],
    }
    return data, "prometheus", "job"


@template("feature-flags")
def feature_flags(rng: random.Random) -> tuple[Any, str, str]:
    flags = {
        name: rng.choice([True, False])
        for name in rng.sample(
            ["new_checkout", "dark_mode", "beta_search", "sso", "export_csv", "ai_summary"],
            rng.randint(2, 4),
        )
    }
    data: dict[str, Any] = {
        "flags": flags,
        "rollout": {"percent": rng.choice([5, 25, 50, 100]), "region": _pick(rng, COUNTRIES)},
    }
    if _maybe(rng, 0.3):
        data["owner"] = _pick(rng, PEOPLE)
    if _maybe(rng, 0.3):
        data["comment"] = _remark(rng)
    return data, "flags", "item"


# --- records --------------------------------------------------------------------------------


@template("users")
def users(rng: random.Random) -> tuple[Any, str, str]:
    rows: list[dict[str, Any]] = []
    nested = _maybe(rng, 0.4)
    for number in range(rng.randint(2, 3)):
        row: dict[str, Any] = {
            "id": rng.randint(1, 999) if number == 0 else rows[-1]["id"] + rng.randint(1, 9)
        }
        row["name"] = _pick(rng, PEOPLE)
        row["email"] = _email(rng)
        row["active"] = rng.choice([True, False])
        if nested:
            row["address"] = {"city": _pick(rng, CITIES), "zip": f"{rng.randint(0, 99999):05d}"}
        rows.append(row)
    return rows, "users", "user"


@template("orders")
def orders(rng: random.Random) -> tuple[Any, str, str]:
    rows = []
    for _ in range(rng.randint(2, 3)):
        row: dict[str, Any] = {
            "order_id": f"INV-{rng.randint(1, 999):03d}",
            "customer": _pick(rng, PEOPLE),
            "total": _money(rng),
            "currency": _pick(rng, CURRENCIES),
            "date": _date(rng),
            "status": _pick(rng, STATUSES),
        }
        rows.append(row)
    if _maybe(rng, 0.35):
        for row in rows:
            row["note"] = _remark(rng)
    return rows, "orders", "order"


@template("products")
def products(rng: random.Random) -> tuple[Any, str, str]:
    rows = []
    with_tags = _maybe(rng, 0.3)
    for _ in range(rng.randint(2, 3)):
        row: dict[str, Any] = {
            "sku": f"{rng.choice(['AB', 'XK', 'JP'])}-{rng.randint(100, 9999)}",
            "name": _pick(rng, PRODUCTS),
            "price": _money(rng),
            "stock": rng.randint(0, 250),
        }
        if with_tags:
            row["tags"] = _some(rng, ["new", "sale", "eco", "bundle"], 1, 2)
        rows.append(row)
    return rows, "products", "product"


@template("catalog-xml")
def catalog_xml(rng: random.Random) -> tuple[Any, str, str]:
    books = []
    for _ in range(rng.randint(1, 2)):
        books.append(
            {
                "@id": f"bk{rng.randint(100, 999)}",
                "author": _pick(rng, PEOPLE),
                "title": rng.choice(
                    ["XML & You", "The <b> Tag", "Ünïcode Stories", "データ入門", "Midnight Rain"]
                ),
                "price": f"{rng.randint(5, 60)}.{rng.randint(0, 99):02d}",
            }
        )
    return {"catalog": {"book": books if len(books) > 1 else books[0]}}, "catalog", "item"


@template("maven-pom")
def maven_pom(rng: random.Random) -> tuple[Any, str, str]:
    dependency = {
        "groupId": rng.choice(["org.slf4j", "com.google.guava", "junit"]),
        "artifactId": rng.choice(["slf4j-api", "guava", "junit"]),
        "version": _version(rng),
    }
    if _maybe(rng, 0.4):
        dependency["scope"] = "test"
    data = {
        "project": {
            "@xmlns": "http://maven.apache.org/POM/4.0.0",
            "groupId": "com.acme",
            "artifactId": _pick(rng, APPS),
            "version": f"{_version(rng)}-SNAPSHOT" if _maybe(rng) else _version(rng),
            "dependencies": {"dependency": dependency},
        }
    }
    return data, "project", "item"


@template("android-strings")
def android_strings(rng: random.Random) -> tuple[Any, str, str]:
    keys = rng.sample(sorted(EN_UI), rng.randint(2, 3))
    table = rng.choice([EN_UI, JA_UI, FR_UI])
    strings = [{"@name": key, "#text": table[key]} for key in keys]
    return {"resources": {"string": strings}}, "resources", "string"


@template("logs")
def logs(rng: random.Random) -> tuple[Any, str, str]:
    rows = []
    for _ in range(rng.randint(2, 4)):
        row: dict[str, Any] = {
            "ts": _timestamp(rng),
            "level": _pick(rng, LEVELS),
            "msg": _pick(rng, LOG_MESSAGES),
        }
        if _maybe(rng, 0.5):
            row["logger"] = f"app.{_pick(rng, APPS)}"
        if _maybe(rng, 0.3):
            row["latency_ms"] = round(rng.uniform(0.1, 900), 1)
        rows.append(row)
    return rows, "log", "entry"


@template("sensor-readings")
def sensor_readings(rng: random.Random) -> tuple[Any, str, str]:
    sensor = f"{rng.choice(['t', 'h', 'p'])}-{rng.randint(1, 40):02d}"
    unit = {"t": "°C", "h": "%", "p": "hPa"}[sensor[0]]
    rows = [
        {
            "sensor": sensor,
            "time": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T{hour:02d}:00:00",
            "value": round(rng.uniform(-10, 1020), rng.choice([0, 1, 2])),
            "unit": unit,
        }
        for hour in sorted(rng.sample(range(24), rng.randint(2, 3)))
    ]
    return rows, "readings", "reading"


@template("expenses-ja")
def expenses_ja(rng: random.Random) -> tuple[Any, str, str]:
    rows = [
        {
            "日付": _date(rng).isoformat(),
            "摘要": rng.choice(["コンビニ", "交通費", "書籍代", "会議費", "タクシー"]),
            "金額": rng.randint(100, 20000),
        }
        for _ in range(rng.randint(2, 4))
    ]
    return rows, "expenses", "item"


# --- spreadsheet exports with grouped columns (dotted columns in CSV) ------------------------

# fmt: off
GROUP_SETS = [
    ["Q1", "Q2"], ["Q1", "Q2", "Q3"], ["2024", "2025"], ["Jan", "Feb", "Mar"], ["H1", "H2"],
    ["東京", "大阪"], ["actual", "budget"], ["Mon", "Tue"], ["前期", "今期"],
]
MEASURE_SETS = [
    ["sales", "units"], ["revenue"], ["min", "max"], ["count"], ["sales"], ["amount", "qty"],
    ["売上", "数量"], ["in", "out"],
]
ROW_LABELS = [
    ("region", REGIONS), ("store", ["Shibuya", "Umeda", "Mitte", "Soho", "Le Marais", "渋谷店"]),
    ("product", PRODUCTS), ("team", ["Sales", "Support", "R&D", "Ops"]), ("", REGIONS),
]
UNIT_COLUMNS = [
    ("price", ["USD", "EUR", "JPY"]), ("weight", ["kg", "g", "lb"]), ("length", ["cm", "m", "in"]),
    ("temp", ["°C", "°F"]), ("volume", ["l", "ml"]),
]
# fmt: on


def _measure(rng: random.Random, label: str) -> int | float:
    if label in ("min", "max", "in", "out") and _maybe(rng, 0.3):
        return round(rng.uniform(0, 99), 1)
    return rng.randint(0, 5000)


@template("spreadsheet-grouped")
def spreadsheet_grouped(rng: random.Random) -> tuple[Any, str, str]:
    label, values = rng.choice(ROW_LABELS[:-1])
    groups = rng.choice(GROUP_SETS)
    measures = rng.choice(MEASURE_SETS)
    rows = []
    for name in rng.sample(values, min(len(values), rng.randint(3, 4))):
        row: dict[str, Any] = {label: name}
        for group in groups:
            row[group] = {measure: _measure(rng, measure) for measure in measures}
        rows.append(row)
    return rows, "sheet", "row"


@template("spreadsheet-units")
def spreadsheet_units(rng: random.Random) -> tuple[Any, str, str]:
    label, values = rng.choice(ROW_LABELS[:-1])
    columns = rng.sample(UNIT_COLUMNS, rng.randint(1, 3))
    units = [(name, rng.choice(unit_pool)) for name, unit_pool in columns]
    rows = []
    for name in rng.sample(values, min(len(values), rng.randint(3, 4))):
        row: dict[str, Any] = {label: name}
        for column, unit in units:
            row[column] = {unit: rng.choice([rng.randint(1, 999), round(rng.uniform(0.1, 99), 2)])}
        rows.append(row)
    return rows, "sheet", "row"


@template("spreadsheet-three-level")
def spreadsheet_three_level(rng: random.Random) -> tuple[Any, str, str]:
    label, values = rng.choice(ROW_LABELS[:-1])
    years = (
        rng.sample(["2024", "2025", "2026"], 2) if _maybe(rng) else [rng.choice(["2025", "FY26"])]
    )
    halves = rng.choice([["H1", "H2"], ["Q1", "Q2"], ["actual", "plan"]])
    measure = rng.choice(["sales", "units", "cost"])
    rows = []
    for name in rng.sample(values, min(len(values), 3)):
        row: dict[str, Any] = {label: name}
        for year in sorted(years):
            row[year] = {half: {measure: rng.randint(0, 999)} for half in halves}
        rows.append(row)
    return rows, "sheet", "row"


@template("budget-sheet")
def budget_sheet(rng: random.Random) -> tuple[Any, str, str]:
    rows = []
    for department in rng.sample(
        ["Marketing", "Engineering", "Support", "Sales", "HR", "営業部"], rng.randint(3, 4)
    ):
        budget = rng.randint(10, 200) * 100
        spent = rng.randint(0, budget)
        rows.append(
            {
                "department": department,
                "budget": budget,
                "spent": spent,
                "remaining": budget - spent,
            }
        )
    return rows, "budget", "department"


# How often each template is drawn, relative to 1: spreadsheets and records more (CSV and
# JSON Lines can only hold those, and multi-row headers come from grouped columns).
# fmt: off
TEMPLATE_WEIGHTS = {
    "spreadsheet-grouped": 4.0, "spreadsheet-units": 3.0, "spreadsheet-three-level": 3.0,
    "budget-sheet": 1.0, "users": 1.5, "orders": 1.5, "products": 1.5, "logs": 1.5,
    "sensor-readings": 1.2, "expenses-ja": 1.2, "i18n-table": 1.2,
}
# fmt: on
REMARK_KEYS = ["note", "description", "comment", "remark", "memo", "備考"]


def _annotate(data: Any, rng: random.Random) -> Any:
    """A note added to the document (to every record of a list, to one mapping of a
    config): the text people write there is what breaks hand-edited files."""
    key = rng.choice(REMARK_KEYS)
    if isinstance(data, list):
        if all(isinstance(row, dict) and key not in row for row in data):
            for row in data:
                row[key] = _remark(rng)
        return data
    mappings = [node for node in _mappings(data) if key not in node]
    if mappings:
        rng.choice(mappings)[key] = _remark(rng)
    return data


def _mappings(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if not any(str(key).startswith(("@", "#")) for key in data):
            yield data
        for value in data.values():
            yield from _mappings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _mappings(value)


def template_document(index: int, seed: int) -> Document:
    """The `index`-th template document of `seed`: the template and its values drawn from it."""
    rng = random.Random(f"structconv-tune:{seed}:template:{index}")
    names = sorted(TEMPLATES)
    name = rng.choices(names, weights=[TEMPLATE_WEIGHTS.get(n, 1.0) for n in names])[0]
    data, root, item = TEMPLATES[name](rng)
    if rng.random() < 0.4 and not name.startswith(("spreadsheet", "budget")):
        data = _annotate(data, rng)
    return Document(f"t{index:06d}", name, data, root, item)


# --- hypothesis documents -------------------------------------------------------------------


def draw_hypothesis_documents(count: int, seed: int) -> list[Document]:
    """`count` documents drawn by hypothesis (fewer when it finds fewer distinct ones),
    the same for the same seed (a @given collector under @seed, database and shrinking off).
    """
    if count <= 0:
        return []
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    plain_keys = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
    odd_keys = st.text(
        alphabet=st.characters(
            max_codepoint=0x9FFF, categories=("L", "N", "Pd", "Pc"), exclude_characters="ªº"
        ),
        min_size=1,
        max_size=8,
    ).filter(lambda key: key[0].isalpha())
    keys = st.one_of(
        plain_keys,
        plain_keys,
        odd_keys,
        st.sampled_from(["id", "name", "type", "value", "名前", "値"]),
    )
    words = st.text(
        alphabet=st.characters(
            max_codepoint=0x9FFF,
            categories=("L", "N", "P", "S", "Zs"),
            exclude_characters="\u2028\u2029\x85",
        ),
        max_size=16,
    )
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda x: abs(x) < 1e15),
        words,
        st.sampled_from(
            ["", "true", "null", "007", "1.0", "a: b", "x # y", "it's", 'say "hi"', "C:\\tmp"]
        ),
        st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2040, 12, 31)),
    )
    tree = st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3),
            st.dictionaries(keys, children, min_size=1, max_size=3),
        ),
        max_leaves=8,
    )
    configs = st.dictionaries(keys, tree, min_size=1, max_size=5)

    @st.composite
    def record_lists(draw: Any) -> list[dict[str, Any]]:
        columns = draw(st.lists(keys, min_size=2, max_size=4, unique=True))
        cell = st.one_of(
            st.integers(min_value=-9999, max_value=99999),
            st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2)),
            words,
            st.booleans(),
        )
        records: list[dict[str, Any]] = draw(
            st.lists(
                st.fixed_dictionaries({column: cell for column in columns}), min_size=2, max_size=3
            )
        )
        return records

    documents: list[Any] = []
    seen: set[str] = set()

    @hypothesis_seed(seed)
    @settings(
        derandomize=True,
        database=None,
        max_examples=count * 2,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(configs, configs, record_lists()))
    def collect(data: Any) -> None:
        if len(documents) >= count:
            return
        marker = repr(data)
        if marker not in seen and len(marker) <= 400 and len(_distinct_scalars(data)) >= 4:
            seen.add(marker)
            documents.append(data)

    with _without_local_constants():
        collect()
    return [Document(f"h{index:06d}", "hypothesis", data) for index, data in enumerate(documents)]


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis also draws constants it finds in the source of the local modules loaded
    at the time (structconv's, a test's), so the same seed would give other documents
    after another import. The pool is emptied for the draw: the documents then depend on
    the seed and the hypothesis version only. (Internals; on a hypothesis without them,
    nothing is patched, and the determinism test says whether that still holds.)"""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    constants = getattr(providers, "Constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if original is None or constants is None or cache is None:  # pragma: no cover
        yield
        return
    empty = constants()
    cache.cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.cache.clear()


def _distinct_scalars(data: Any) -> set[str]:
    if isinstance(data, dict):
        found = {f"key:{key}" for key in data}
        for value in data.values():
            found |= _distinct_scalars(value)
        return found
    if isinstance(data, list):
        return set().union(*(_distinct_scalars(value) for value in data)) if data else set()
    return {repr(data)}


def documents(seed: int, hypothesis_count: int, every: int = 5) -> Iterator[Document]:
    """Source documents in a fixed order, without end: template documents, with one
    hypothesis document after every `every` of them while they last (`hypothesis_count`
    are drawn, on the first document asked for)."""
    drawn = iter(draw_hypothesis_documents(hypothesis_count, seed))
    index = 0
    while True:
        if index % every == every - 1:
            document = next(drawn, None)
            if document is not None:
                yield document
        yield template_document(index, seed)
        index += 1
