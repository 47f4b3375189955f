"""Templates of records (users, orders, products, logs, sensor readings, XML catalogues)."""

from __future__ import annotations

import random
from typing import Any

from structconv.tune.documents.base import (
    APPS,
    CITIES,
    CURRENCIES,
    EN_UI,
    FR_UI,
    JA_UI,
    LEVELS,
    LOG_MESSAGES,
    PEOPLE,
    PRODUCTS,
    STATUSES,
    _date,
    _email,
    _maybe,
    _money,
    _pick,
    _remark,
    _some,
    _timestamp,
    _version,
    template,
)

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
