"""Templates of spreadsheet exports with grouped columns (dotted columns in CSV)."""

from __future__ import annotations

import random
from typing import Any

from structconv.tune.documents.base import PRODUCTS, REGIONS, _maybe, template

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
