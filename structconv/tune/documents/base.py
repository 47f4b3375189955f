"""The source document, the registry of templates, and the pools their values come from."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
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
