"""Which rules exist, by name only: the repair package's door (read_or_repair) asks it
on every read, so it imports nothing (the rules and their types load on the error path)."""

# Format name -> the module with its rules.
RULES: dict[str, str] = {
    "json": "structconv.repair.rules.json",
    "jsonl": "structconv.repair.rules.jsonl",
    "yaml": "structconv.repair.rules.yaml",
    "toml": "structconv.repair.rules.toml",
    "xml": "structconv.repair.rules.xml",
    "csv": "structconv.repair.rules.csv",
}

# The formats whose rules also review input that parsed.
REVIEWED: frozenset[str] = frozenset({"csv"})
