"""Queries beyond one path (wildcards, filters, projections) with JMESPath.

JMESPath rather than a home-made language or JSONPath: it has one specification and
a compliance suite that its implementations share (the AWS CLI, Ansible's json_query
and jp speak the same language), so an expression means the same everywhere; the
`jmespath` package is small, pure Python and kept by AWS. JSONPath had no standard
until RFC 9535 (2024) and its Python packages still differ on filters and slices.
Plain paths of `get` are JMESPath too (`spec.containers[0].image`, `tool."my.key"`).
"""

from __future__ import annotations

from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from structconv.errors import UsageError


def search_data(data: Any, expression: str) -> Any:
    """The result of `expression` on `data`; a malformed expression is a usage error."""
    try:
        compiled = jmespath.compile(expression)
    except JMESPathError as error:
        raise UsageError(f"bad query {expression!r}: {error}") from None
    try:
        return compiled.search(data)
    except JMESPathError as error:
        raise UsageError(f"query {expression!r} failed: {error}") from None
