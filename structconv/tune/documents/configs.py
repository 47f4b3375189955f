"""Templates of configs and manifests (docker-compose, Kubernetes, GitHub Actions,
pyproject, Cargo, package.json, tsconfig, Helm, Ansible, app configs, i18n, OpenAPI)."""

from __future__ import annotations

import random
from typing import Any

from structconv.tune.documents.base import (
    APPS,
    COMMANDS,
    COUNTRIES,
    CRATES,
    DESCRIPTIONS,
    EN_UI,
    FR_UI,
    IMAGES,
    JA_UI,
    LEVELS,
    PACKAGES_JS,
    PACKAGES_PY,
    PEOPLE,
    REMARKS,
    SERVICES,
    _email,
    _maybe,
    _pick,
    _remark,
    _some,
    _version,
    template,
)

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
