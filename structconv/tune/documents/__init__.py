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

# The template modules register their templates when imported.
from structconv.tune.documents import configs, records, spreadsheets
from structconv.tune.documents.base import TEMPLATES, Document, Template, template
from structconv.tune.documents.drawing import (
    TEMPLATE_WEIGHTS,
    documents,
    draw_hypothesis_documents,
    template_document,
)

__all__ = [
    "TEMPLATES",
    "TEMPLATE_WEIGHTS",
    "Document",
    "Template",
    "configs",
    "documents",
    "draw_hypothesis_documents",
    "records",
    "spreadsheets",
    "template",
    "template_document",
]
