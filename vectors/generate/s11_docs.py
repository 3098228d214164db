"""§11 The Altcraft docs: the JSON of their examples, read from ``docs/examples/``.

The docs' examples have one home, ``docs/examples/<endpoint>.<direction>.json``
(``payload``, and ``xml`` when the page has one); ``tests/test_schema_files.py``
reads them there too. The cases themselves (ids, descriptions, sources,
corrections) are in ``meta/11-altcraft-docs.json``, their other files written by
hand: the canonical XML, and the published XML that differs from the example.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._vectors import Vectors, json_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _data_unwrapped(payload: dict[str, Any]) -> dict[str, Any]:
    # Read without the schema, a single <data> element is the object itself.
    return dict(payload, data=payload["data"][0])


def _same(payload: Any) -> Any:
    return payload


# vector file <- the example's payload (through a correction, where the case has one)
PAYLOADS: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("valid/docs-relations-get-request-json.json", "relations/get.request.json", _same),
    ("decode-only/docs-relations-get-request-xml.json", "relations/get.request.json", _same),
    ("valid/docs-relations-get-response-json.json", "relations/get.response.json", _same),
    ("decode-only/docs-relations-get-response-xml-repaired.json", "relations/get.response.json", _same),
    (
        "decode-only/docs-relations-get-response-xml-repaired-without-schema.json",
        "relations/get.response.json",
        _data_unwrapped,
    ),
    ("valid/docs-relations-edit-request-json.json", "relations/edit.request.json", _same),
    ("decode-only/docs-relations-edit-request-xml.json", "relations/edit.request.json", _same),
    ("valid/docs-relations-edit-response-json.json", "relations/edit.response.json", _same),
    ("decode-only/docs-relations-edit-response-xml.json", "relations/edit.response.json", _same),
    ("valid/docs-subscriptions-get-request-json.json", "subscriptions/get.request.json", _same),
    ("decode-only/docs-subscriptions-get-request-xml.json", "subscriptions/get.request.json", _same),
    ("valid/docs-subscriptions-get-response-json.json", "subscriptions/get.response.json", _same),
    # The API interaction page's example is the profiles/import request and response.
    ("valid/docs-api-interaction-request-json.json", "profiles/import.request.json", _same),
    ("valid/docs-api-interaction-response-json.json", "profiles/import.response.json", _same),
]

# vector file <- the example's published XML
XML: list[tuple[str, str]] = [
    ("decode-only/docs-relations-get-request-xml.xml", "relations/get.request.json"),
]


def example(name: str) -> dict[str, Any]:
    """The example file ``docs/examples/NAME`` (``relations/get.response.json``)."""
    found: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return found


def generate() -> Vectors:
    out = Vectors()
    for vector, name, correct in PAYLOADS:
        out.files[vector] = json_bytes(correct(example(name)["payload"]))
    for vector, name in XML:
        out.files[vector] = example(name)["xml"].encode("utf-8")
    return out
