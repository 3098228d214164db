"""One endpoint's schema as a self-contained document, for ``altcraft-codec schema``.

The schemas share blocks through relative ``$ref``s into ``schemas/shared/``.
A printed schema must work without that folder, so the shared documents it
reaches are bundled the way JSON Schema 2020-12 defines it (§9.3, "compound
schema documents"): each is embedded under the root's ``$defs`` with its own
``$id``, and every ``$ref`` is left exactly as written. A 2020-12 validator
resolves those ``$ref``s against the embedded ``$id``s, so the bundle has the
same verdicts as the registry, and recursive schemas stay finite (inlining
them would not).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urldefrag, urljoin

from . import schemas

__all__ = ["bundle"]


def _refs(document: Any) -> list[str]:
    """Every ``$ref`` string in ``document``, walked without recursion."""
    found = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                found.append(ref)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def bundle(endpoint: str, direction: schemas.Direction) -> dict[str, Any]:
    """The schema of ``endpoint``'s ``direction`` with every document it
    refers to, directly or not, embedded under ``$defs`` (keyed by its path
    under ``schemas/``).

    Raises:
        UnknownEndpointError: no such endpoint.
    """
    root = schemas.schema(endpoint, direction)
    documents = schemas._documents()
    base = root["$id"]
    embedded: dict[str, Any] = {}
    pending: list[tuple[Any, str]] = [(root, base)]
    while pending:
        document, uri = pending.pop()
        for ref in _refs(document):
            target = urldefrag(urljoin(uri, ref)).url
            if target == base or target in embedded or target not in documents:
                continue
            copy = json.loads(json.dumps(documents[target]))
            copy.pop("$schema", None)  # the root's dialect applies throughout
            embedded[target] = copy
            pending.append((copy, target))
    if embedded:
        defs = root.setdefault("$defs", {})
        prefix = base[: base.index("/schemas/") + len("/schemas/")]
        for uri in sorted(embedded):
            defs[uri.removeprefix(prefix)] = embedded[uri]
    return root
