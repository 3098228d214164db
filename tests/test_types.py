"""codec.types: TypedDicts generated from the schemas, checked with mypy itself.

- ``python -m codec._typegen --check`` holds codec/types.py to what the schemas give;
- mypy --strict passes a small client (tests/typed_clients/client_ok.py) and
  reports exactly the two mistakes of its copy client_bad.py;
- every valid schema vector and complete ("strict") doc example, written as a
  literal annotated with its TypedDict, type-checks: the types never refuse a
  documented member's value the schema takes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import codec
from codec import _typegen, types

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = Path(__file__).resolve().parent / "typed_clients"


def test_types_module_is_what_the_schemas_give() -> None:
    command = [sys.executable, "-m", "codec._typegen", "--check"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert _typegen.generate() == _typegen.generate()  # no clock, no set order


def test_check_fails_on_a_stale_file_and_a_rerun_fixes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "types.py"
    stale.write_text(_typegen.OUTPUT.read_text(encoding="utf-8").replace("rel_id", "rel_ib", 1), encoding="utf-8")
    monkeypatch.setattr(_typegen, "OUTPUT", stale)
    assert _typegen.main(["--check"]) == 1
    assert _typegen.main([]) == 0
    assert _typegen.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == _typegen.OUTPUT.read_text(encoding="utf-8")


def test_a_class_per_endpoint_and_direction() -> None:
    for name in codec.endpoints():
        for direction in ("request", "response"):
            cls = getattr(types, _typegen._camel(name) + _typegen._camel(direction))
            schema = codec.schema(name, direction)
            assert set(schema.get("required", ())) <= cls.__required_keys__, name
            assert set(schema.get("properties", {})) <= cls.__required_keys__ | cls.__optional_keys__, name
    assert types.RelationsGetRequest.__required_keys__ == {"rel_id"}
    assert {"token", "format", "matching", "email"} <= types.RelationsGetRequest.__optional_keys__


def _literal_module() -> str:
    """Every valid vector and doc example as a literal annotated with its class."""
    payloads: list[tuple[str, str, object]] = []
    manifest = json.loads((ROOT / "vectors" / "manifest.json").read_text(encoding="utf-8"))
    for case in manifest["cases"]:
        if case["kind"] == "schema" and case["valid"]:
            payload = json.loads((ROOT / "vectors" / case["files"]["json"]).read_text(encoding="utf-8"))
            payloads.append((case["endpoint"], case["direction"], payload))
    examples = ROOT / "docs" / "examples"
    for path in sorted(examples.rglob("*.json")):
        example = json.loads(path.read_text(encoding="utf-8"))
        if not example.get("strict"):
            continue  # may carry undocumented members, which a TypedDict literal refuses (by design)
        section, _, file = path.relative_to(examples).as_posix().rpartition("/")
        method, direction = file.split(".")[:2]
        payloads.append((f"{section}/{method}", direction, example["payload"]))
    lines = ["from codec import types", ""]
    for index, (endpoint, direction, payload) in enumerate(payloads):
        name = _typegen._camel(endpoint) + _typegen._camel(direction)
        lines.append(f"x{index}: types.{name} = {payload!r}")
    return "\n".join(lines) + "\n"


def test_mypy_passes_the_client_and_every_valid_payload_and_flags_the_two_mistakes(tmp_path: Path) -> None:
    literals = tmp_path / "valid_payloads.py"
    literals.write_text(_literal_module(), encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache")]
    files = [CLIENTS / "client_ok.py", CLIENTS / "client_bad.py", literals]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    found = [
        (Path(m.group(1)).name, int(m.group(2)), m.group(3))
        for m in (re.match(r"(.+?):(\d+): error: .*\[([a-z-]+)\]$", line) for line in errors)
        if m
    ]
    assert len(found) == len(errors), result.stdout
    assert found == [("client_bad.py", 20, "typeddict-unknown-key"), ("client_bad.py", 21, "typeddict-item")], (
        result.stdout
    )
    assert 'Extra key "emial"' in errors[0] and '"resource_id" has incompatible type "str"' in errors[1]


def test_the_two_clients_differ_by_the_two_mistakes_only() -> None:
    good = (CLIENTS / "client_ok.py").read_text(encoding="utf-8").splitlines()
    bad = (CLIENTS / "client_bad.py").read_text(encoding="utf-8").splitlines()
    assert len(good) == len(bad)
    differ = [number for number, (a, b) in enumerate(zip(good, bad, strict=True), 1) if a != b]
    assert differ == [1, 20, 21]  # the docstring, then the mistakes


def test_union_members_are_split_at_the_top_level_only() -> None:
    # anyOf [scalars, array of scalars] (goals/register pixel_data after the audit) once lost list[]'s members.
    assert _typegen._union_parts("str | float | list[str | float | None]") == [
        "str",
        "float",
        "list[str | float | None]",
    ]
    assert _typegen._union_parts("dict[str, int | str]") == ["dict[str, int | str]"]
    assert _typegen._union(["None | str", "str | list[int | None]"]) == "str | list[int | None] | None"
