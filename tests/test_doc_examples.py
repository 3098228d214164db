"""The Altcraft docs' own examples, one file each under ``docs/examples/``.

Layout: ``docs/examples/<endpoint>.<direction>[.<label>].json``, e.g.
``docs/examples/relations/get.response.json`` or
``docs/examples/segments/add.request.dynamic.json``. Each file is an object:

- ``source``: the URL of the page the example was copied from (required);
- ``version``: the docs version read, e.g. ``"v74"`` (optional);
- ``strict``: true when the example is complete and current, so it must also
  pass ``strict=True`` (no undocumented member anywhere);
- ``note``: why the example was adapted, if it was (optional);
- ``payload``: the JSON body exactly as the page shows it (comments dropped);
- ``xml``: optional, the page's XML form of the same body; it must decode
  (schema-guided, §8 of docs/dialect.md) to ``payload``.

Every example must validate: a gateway that refuses the docs' own examples
blocks real traffic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import codec

ROOT = Path(__file__).resolve().parent.parent / "docs" / "examples"
FILES = sorted(ROOT.rglob("*.json"))
KEYS = {"source", "version", "strict", "note", "payload", "xml"}


def _split(path: Path) -> tuple[str, str]:
    """``(endpoint, direction)`` from the file's place under ``docs/examples``."""
    rel = path.relative_to(ROOT).as_posix()
    section, _, name = rel.rpartition("/")
    method, direction = name.split(".")[:2]
    return f"{section}/{method}", direction


def _load(path: Path) -> dict[str, Any]:
    example: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return example


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_there_are_examples() -> None:
    assert len(FILES) >= 8


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_example_file_is_well_formed(path: Path) -> None:
    example = _load(path)
    assert set(example) <= KEYS, set(example) - KEYS
    assert str(example["source"]).startswith("https://"), "source must be the page's URL"
    assert isinstance(example.get("strict", False), bool)
    endpoint, direction = _split(path)
    assert direction in ("request", "response"), path.name
    assert endpoint in codec.endpoints(), f"{endpoint}: no schema"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_example_validates(path: Path) -> None:
    example = _load(path)
    endpoint, direction = _split(path)
    problems = [str(v) for v in codec.iter_errors(example["payload"], endpoint=endpoint, direction=direction)]
    assert not problems
    if example.get("strict"):
        strict = codec.iter_errors(example["payload"], endpoint=endpoint, direction=direction, strict=True)
        assert not [str(v) for v in strict]


@pytest.mark.parametrize("path", [p for p in FILES if "xml" in _load(p)], ids=_id)
def test_xml_example_decodes_to_its_payload(path: Path) -> None:
    example = _load(path)
    endpoint, direction = _split(path)
    assert codec.decode(example["xml"], endpoint=endpoint, direction=direction) == example["payload"]
