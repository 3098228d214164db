"""Builds ``manifest.json`` from the vector files, their metadata and the generators.

The files are the source of truth, reviewed as files (vectors/README.md):

- a case written by hand is its files, ``KIND/ID.xml`` and/or ``KIND/ID.json``,
  and one entry in ``meta/NN-SECTION.json`` (NN the section of docs/dialect.md):
  its manifest entry without what is worked out here: ``files`` (found on
  disk), the ``pins:*`` flags (from its XML) and a schema case's ``errors``
  (from jsonschema);
- a generated case is what cannot be typed: byte-exact encodings, depth and
  size limits, the schema payloads, and the JSON of the docs' examples, read
  from docs/examples/. ``generate/`` writes them, one module per section.

    python vectors/build.py              # write the generated files and manifest.json
    python vectors/build.py --check      # exit 1 if files, metadata and generators disagree
    python vectors/build.py --generated  # list the files the generators write

Nothing here asks the codec what the answer is: expected values are the files,
and ``tests/test_vectors.py`` checks the codec against them.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]  # this checkout's codec (schemas/ read through it), and generate/

from generate import Vectors, generate, s08_schemas  # noqa: E402
from generate.flags import content_flags  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402
from lxml import etree  # noqa: E402

KINDS = ("valid", "decode-only", "invalid", "implementation-defined", "schema")
OWNED = ("schema",)  # folders whose every file a generator writes: build.py may delete there
# The order of an entry's members in manifest.json.
KEYS = (
    "id",
    "kind",
    "description",
    "rule",
    "flags",
    "files",
    "behaves_as",
    "choice",
    "error",
    "endpoint",
    "direction",
    "source",
    "corrections",
    "valid",
    "strict",
    "errors",
    "first",
)


def read_meta(vectors: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries of ``meta/*.json``, in file order, and what is wrong with them."""
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in sorted((vectors / "meta").glob("*.json")):
        section = int(path.name.split("-", 1)[0])
        try:
            listed = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            problems.append(f"meta/{path.name}: not JSON: {error}")
            continue
        for entry in listed:
            where = f"meta/{path.name}: {entry.get('id') if isinstance(entry, dict) else entry!r}"
            if not isinstance(entry, dict) or not {"id", "kind", "rule"} <= entry.keys():
                problems.append(f"{where}: an entry needs at least id, kind and rule")
                continue
            if entry.get("rule") != f"dialect.md#{section}":
                problems.append(f"{where}: its rule is not dialect.md#{section}, the section of its file")
            if "files" in entry:
                problems.append(f"{where}: files are found on disk, not listed")
            if any(flag.startswith("pins:") for flag in entry.get("flags", ())):
                problems.append(f"{where}: pins:* flags are computed from the XML, not listed")
            if "errors" in entry:
                problems.append(f"{where}: a schema case's errors are computed, not listed")
            entries.append(entry)
    return entries, problems


@cache
def generated() -> Vectors:
    """What the generators write (the same for every copy of the folder)."""
    return generate()


def _json_text(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=True, indent=2) + "\n").encode("ascii")


def _complete(entry: dict[str, Any], vectors: Path, made: dict[str, bytes], problems: list[str]) -> dict[str, Any]:
    """The manifest entry: ``files`` from what exists, ``pins:*`` flags from the
    XML, and a hand-written schema case's ``errors``."""
    names: dict[str, str] = {}
    for suffix in ("xml", "json"):
        name = f"{entry['kind']}/{entry['id']}.{suffix}"
        if name in made or (vectors / name).is_file():
            names[suffix] = name
    if not names:
        problems.append(f"{entry['id']}: no file {entry['kind']}/{entry['id']}.xml or .json")
    flags = set(entry.get("flags", ()))
    if "xml" in names and entry.get("behaves_as", entry["kind"]) in ("valid", "decode-only"):
        name = names["xml"]
        xml = made[name] if name in made else (vectors / name).read_bytes()
        try:
            flags |= content_flags(xml)
        except etree.XMLSyntaxError as error:
            problems.append(f"{name}: not well-formed, so not {entry['kind']}: {error}")
    full = dict(entry, flags=sorted(flags), files=names)
    if (
        entry["kind"] == "schema"
        and "errors" not in entry
        and "json" in names
        and {"endpoint", "direction"} <= entry.keys()
    ):
        name = names["json"]
        payload = json.loads(made[name] if name in made else (vectors / name).read_bytes())
        full["errors"] = _schema_errors(entry, payload, problems)
    return {**{key: full[key] for key in KEYS if key in full}, **full}


def _schema_errors(entry: dict[str, Any], payload: Any, problems: list[str]) -> list[dict[str, str]]:
    """A hand-written schema case's errors, checked against its ``valid`` and ``first``."""
    errors = s08_schemas.errors(entry["endpoint"], entry["direction"], payload, entry.get("strict", False))
    if entry.get("valid") != (not errors):
        problems.append(f"{entry['id']}: valid is {entry.get('valid')}, but jsonschema finds {errors}")
    first = entry.get("first")
    if first is not None and {"path": first["path"], "keyword": first["keyword"]} not in errors:
        problems.append(f"{entry['id']}: its first error is not among the errors jsonschema finds: {errors}")
    return errors


def _section(rule: str) -> int:
    number = rule.rpartition("#")[2]
    return int(number) if number.isdigit() else 0


def build(vectors: Path = HERE) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The files build.py writes (path under ``vectors`` -> bytes: the generated
    ones and manifest.json), what is wrong, and the files no case lists."""
    hand, problems = read_meta(vectors)
    made = generated()
    files = dict(made.files)
    entries = [_complete(entry, vectors, files, problems) for entry in [*hand, *made.entries]]
    seen: set[str] = set()
    for entry in entries:
        if entry["id"] in seen:
            problems.append(f"{entry['id']}: two cases with this id")
        seen.add(entry["id"])
    order = {kind: i for i, kind in enumerate(KINDS)}
    entries.sort(key=lambda e: (order.get(e["kind"], len(order)), _section(e["rule"])))
    manifest = {"$schema": "./manifest.schema.json", "version": 1, "spec": "docs/dialect.md", "cases": entries}
    schema = json.loads((vectors / "manifest.schema.json").read_text(encoding="utf-8"))
    for error in Draft202012Validator(schema).iter_errors(manifest):
        where = "/".join(str(part) for part in error.absolute_path)
        problems.append(f"manifest.json /{where}: {error.message}")
    files["manifest.json"] = _json_text(manifest)
    listed = {name for entry in entries for name in entry["files"].values()}
    stale = [
        f"{kind}/{path.name}"
        for kind in KINDS
        if (vectors / kind).is_dir()
        for path in sorted((vectors / kind).iterdir())
        if f"{kind}/{path.name}" not in listed
    ]
    return files, problems, stale


def check(vectors: Path = HERE) -> list[str]:
    """Every disagreement between the files under ``vectors``, their metadata and the generators."""
    files, problems, stale = build(vectors)
    found = list(problems)
    found += [f"not in the manifest (no case in meta/ or generate/): {name}" for name in stale]
    for name, data in files.items():
        path = vectors / name
        if not path.is_file() or path.read_bytes() != data:
            found.append(f"differs from what build.py writes: {name}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything disagrees")
    mode.add_argument("--generated", action="store_true", help="list the files the generators write")
    args = parser.parse_args()
    if args.generated:
        print("\n".join(sorted(generated().files)))
        return 0
    if args.check:
        found = check()
        print("\n".join(found) if found else "vectors: files, metadata and generators agree")
        return 1 if found else 0
    files, problems, stale = build()
    for name, data in files.items():
        path = HERE / name
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {name}")
    for name in stale:
        if name.split("/")[0] in OWNED:
            (HERE / name).unlink()
            print(f"deleted {name}")
        else:  # written by hand: only a person deletes it, or gives it an entry in meta/
            problems.append(f"not in the manifest (no case in meta/ or generate/): {name}")
    if problems:
        print("\n".join(problems))
    counts = json.loads(files["manifest.json"])["cases"]
    summary = {kind: sum(case["kind"] == kind for case in counts) for kind in KINDS}
    print(f"{len(counts)} vectors: " + ", ".join(f"{n} {kind}" for kind, n in summary.items()))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
