"""The vectors of vectors/ against the Python API, and checks of the manifest.

One parametrized test per kind, the test id being the vector id; then checks
that the manifest is well formed and covers what it must: every section of
docs/dialect.md, every Decision, every example on the captured Altcraft doc
pages, every endpoint schema.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import codec
from codec import conformance
from codec.conformance import Case, same

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "vectors"
SPEC = ROOT / "docs" / "dialect.md"
CAPTURES = ROOT.parent / "shared" / "altcraft-docs"

CASES = conformance.load(VECTORS)
MANIFEST = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))


def _params(kind: str) -> list[Any]:
    return [pytest.param(case, id=case.id) for case in CASES if case.kind == kind]


def _options(case: Case) -> dict[str, Any]:
    if case.endpoint is None:
        return {}
    return {"endpoint": case.endpoint, "direction": case.direction}


def _check_valid(case: Case) -> None:
    value = case.expected()
    assert same(codec.decode(case.xml(), **_options(case)), value, ordered=True)
    assert codec.encode(value, **_options(case)) == case.xml()
    # §10: the pretty form is not canonical but decodes to the same value.
    assert same(codec.decode(codec.encode(value, pretty=True, **_options(case)), **_options(case)), value)


def _check_decode_only(case: Case) -> None:
    value = case.expected()
    assert same(codec.decode(case.xml(), **_options(case)), value, ordered=True)
    # Otherwise it would be a valid case: the XML is not the canonical form.
    assert codec.encode(value, **_options(case)) != case.xml()


def _check_invalid(case: Case) -> None:
    assert case.error is not None
    if "xml" in case.files:
        with pytest.raises(codec.DecodeError) as caught:
            codec.decode(case.xml(), **_options(case))
        assert caught.value.line == case.error.line
    else:
        with pytest.raises(codec.EncodeError) as caught:  # type: ignore[assignment]
            codec.encode(case.expected(), **_options(case))
    assert type(caught.value).__name__ == case.error.cls
    if case.error.path is not None:
        assert caught.value.path == case.error.path


@pytest.mark.parametrize("case", _params("valid"))
def test_valid(case: Case) -> None:
    _check_valid(case)


@pytest.mark.parametrize("case", _params("decode-only"))
def test_decode_only(case: Case) -> None:
    _check_decode_only(case)


@pytest.mark.parametrize("case", _params("invalid"))
def test_invalid(case: Case) -> None:
    _check_invalid(case)


@pytest.mark.parametrize("case", _params("implementation-defined"))
def test_implementation_defined(case: Case) -> None:
    checks = {"valid": _check_valid, "decode-only": _check_decode_only, "invalid": _check_invalid}
    checks[case.behaves_as](case)


@pytest.mark.parametrize("case", _params("schema"))
def test_schema(case: Case) -> None:
    assert case.endpoint is not None
    assert case.direction in ("request", "response")
    payload = case.expected()
    options: dict[str, Any] = {"endpoint": case.endpoint, "direction": case.direction}
    if case.valid:
        codec.validate(payload, strict=case.strict, **options)
        # A valid payload survives the trip through XML with its schema (§8).
        assert same(codec.decode(codec.encode(payload, **options), **options), payload)
        return
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate(payload, strict=case.strict, **options)
    found = sorted({(v.path, v.keyword) for v in caught.value.errors})
    assert found == sorted((e["path"], e["keyword"]) for e in case.entry["errors"])


# ------------------------------------------------------------------ the manifest


def test_manifest_matches_its_schema() -> None:
    schema = json.loads((VECTORS / "manifest.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(MANIFEST)]
    assert not errors


def test_ids_are_unique_and_files_are_all_listed() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    listed = {path for case in CASES for path in case.files.values()}
    assert all(path.is_file() for path in listed)
    on_disk = {path for kind in conformance.KINDS for path in (VECTORS / kind).iterdir()}
    assert on_disk == listed


def test_files_are_named_after_their_case() -> None:
    for case in CASES:
        for suffix, path in case.files.items():
            assert path == VECTORS / case.kind / f"{case.id}.{suffix}"


def test_json_files_are_ascii() -> None:
    # Non-ASCII, control and surrogate characters are written as \u escapes.
    for case in CASES:
        if "json" in case.files:
            case.json_bytes().decode("ascii")


def test_canonical_xml_has_no_trailing_newline() -> None:
    for case in CASES:
        if case.behaves_as == "valid":
            assert not case.xml().endswith(b"\n"), case.id


def _sections() -> dict[int, str]:
    headings = re.findall(r"^## (\d+)\. (.+)$", SPEC.read_text(encoding="utf-8"), re.MULTILINE)
    return {int(number): title for number, title in headings}


def test_rules_name_real_sections_of_the_spec() -> None:
    sections = _sections()
    assert sorted(sections) == list(range(1, len(sections) + 1))
    for case in CASES:
        match = re.fullmatch(r"dialect\.md#(\d+)", case.rule)
        assert match and int(match.group(1)) in sections, case.id


def test_every_section_of_the_spec_has_vectors() -> None:
    covered = {int(case.rule.split("#")[1]) for case in CASES}
    assert covered == set(_sections())


def test_every_decision_has_an_implementation_defined_vector() -> None:
    text = SPEC.read_text(encoding="utf-8")
    parts = re.split(r"^## (\d+)\. ", text, flags=re.MULTILINE)
    decided = {int(number) for number, body in zip(parts[1::2], parts[2::2], strict=True) if "**Decision**" in body}
    assert decided
    covered = {int(c.rule.split("#")[1]) for c in CASES if c.kind == "implementation-defined"}
    assert decided <= covered


def test_vectors_named_by_the_spec_exist() -> None:
    named = set(re.findall(r"`(docs-[a-z0-9-]+)`", SPEC.read_text(encoding="utf-8")))
    assert named
    assert named <= {case.id for case in CASES}


def test_at_least_150_vectors_besides_the_schema_payloads() -> None:
    assert sum(case.kind != "schema" for case in CASES) >= 150


def test_readme_counts_are_current() -> None:
    readme = " ".join((VECTORS / "README.md").read_text(encoding="utf-8").split())
    counts = ", ".join(f"{sum(c.kind == k for c in CASES)} {k}" for k in conformance.KINDS)
    assert f"Counts: {counts} ({len(CASES)} in all)." in readme


def test_flags_pin_what_the_runner_needs() -> None:
    # The conformance tests break these rules on purpose; there must be enough to notice.
    for flag in ("pins:array-attribute", "pins:scalar-types"):
        assert sum(flag in case.flags and case.kind == "valid" for case in CASES) >= 10
    assert all(case.needs_schema == ("needs-schema" in case.flags) for case in CASES)


# ------------------------------------------------------------------ the Altcraft docs


def _doc_examples(text: str) -> tuple[list[Any], list[str]]:
    """The JSON examples (each starting a line with '{') and the XML ones
    ('<xml>' to '</xml>') of a captured doc page."""
    decoder = json.JSONDecoder()
    examples: list[Any] = []
    end = 0
    for match in re.finditer(r"(?m)^\{", text):
        if match.start() < end:
            continue  # inside the previous example
        value, end = decoder.raw_decode(text, match.start())
        examples.append(value)
    xml = re.findall(r"(?ms)^<xml>.*?^</xml>", text)
    return examples, xml


def _captures() -> list[Path]:
    if not CAPTURES.is_dir():
        pytest.skip("../shared/altcraft-docs is not here")
    return sorted(CAPTURES.glob("*.txt"))


def _from_docs(capture: Path) -> list[Case]:
    name = "../shared/altcraft-docs/" + capture.name
    return [c for c in CASES if "from-docs" in c.flags and name in c.entry["source"]["captures"]]


def test_every_documented_example_is_a_vector() -> None:
    for capture in _captures():
        json_examples, xml_examples = _doc_examples(capture.read_text(encoding="utf-8"))
        cases = _from_docs(capture)
        values = [c.expected() for c in cases if c.kind == "valid"]
        for example in json_examples:
            assert any(same(example, value, ordered=True) for value in values), (capture.name, example)
        published = [c.xml() for c in cases if "xml" in c.files and not c.entry["corrections"]]
        for example in xml_examples:
            assert example.encode("utf-8") in published, (capture.name, example[:60])


def test_published_xml_is_verbatim() -> None:
    for capture in _captures():
        text = capture.read_text(encoding="utf-8")
        for case in _from_docs(capture):
            if case.kind in ("decode-only", "invalid") and not case.entry["corrections"]:
                assert case.xml().decode("utf-8") in text, case.id


def test_malformed_relations_get_response_is_pinned_both_ways() -> None:
    published = next(c for c in CASES if c.id == "docs-relations-get-response-xml-as-published")
    repaired = next(c for c in CASES if c.id == "docs-relations-get-response-xml-repaired")
    assert published.kind == "invalid"
    assert (repaired.kind, repaired.endpoint, repaired.direction) == ("decode-only", "relations/get", "response")
    data = repaired.expected()["data"]
    assert isinstance(data, list)
    assert len(data) == 1


# ------------------------------------------------------------------ the endpoint schemas


def test_every_endpoint_schema_has_a_valid_and_two_invalid_payloads() -> None:
    schemas = ROOT / "schemas"
    wanted = set()
    for path in schemas.rglob("*.json"):
        relative = path.relative_to(schemas).as_posix()
        match = re.fullmatch(r"(.+)\.(request|response)\.json", relative)
        if match and not relative.startswith("shared/"):
            wanted.add((match.group(1), match.group(2)))
    assert wanted
    for endpoint, direction in sorted(wanted):
        cases = [c for c in CASES if c.kind == "schema" and (c.endpoint, c.direction) == (endpoint, direction)]
        assert sum(c.valid is True for c in cases) >= 1, (endpoint, direction)
        assert sum(c.valid is False for c in cases) >= 2, (endpoint, direction)


def test_a_copy_of_the_folder_checks_clean(build: Any, tmp_path: Path) -> None:
    # So that each complaint below comes from its one edit.
    shutil.copytree(VECTORS, tmp_path / "vectors", ignore=shutil.ignore_patterns("__pycache__", "generate", "build.py"))
    assert build.check(tmp_path / "vectors") == []


def test_the_files_are_what_their_generator_writes() -> None:
    # The files are what implementers read: the ones written by hand, the ones
    # vectors/generate/ writes and manifest.json must agree, or CI fails here
    # (a hand edit of a generated file would otherwise be reverted by the next build).
    build = VECTORS / "build.py"
    done = subprocess.run([sys.executable, str(build), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def build() -> Any:
    spec = importlib.util.spec_from_file_location("vectors_build", VECTORS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replace(old: bytes, new: bytes, count: int = 1) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new, count))

    return edit


# (file under vectors/, the edit, words of the complaint)
DISAGREEMENTS: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "invalid/parse-utf16le-bom.xml",
        _replace(b"x", b"y"),
        "differs from what build.py writes: invalid/parse-utf16le-bom",
    ),
    ("valid/limit-depth-64-objects.json", _replace(b'"x"', b'"y"'), "differs from what build.py writes: valid/limit"),
    ("valid/docs-relations-get-response-json.json", _replace(b"11323123", b"1"), "writes: valid/docs-relations-get"),
    ("manifest.json", _replace(b'"description": "', b'"description": "Edited. '), "writes: manifest.json"),
    ("meta/01-documents.json", _replace(b'"description": "', b'"description": "Edited. '), "writes: manifest.json"),
    # A hand-written file whose computed flags change: the manifest is out of date.
    ("valid/document-several-members.xml", _replace(b"<db_id>1<", b"<db_id>x<"), "writes: manifest.json"),
    ("decode-only/root-start-end-tags.xml", Path.unlink, "writes: manifest.json"),
    ("valid/not-a-case.xml", lambda path: path.write_bytes(b"<xml/>"), "not in the manifest"),
    ("meta/03-objects-and-arrays.json", _replace(b'"flags": []', b'"flags": ["pins:json-escape"]'), "computed"),
    ("meta/04-scalars.json", _replace(b"[", b"", 1), "not JSON"),
    # A hand-written schema case whose verdict jsonschema does not share.
    ("meta/08-schema-guided.json", _replace(b'"valid": true', b'"valid": false'), "but jsonschema finds []"),
]


@pytest.mark.parametrize("name,edit,complaint", DISAGREEMENTS, ids=[d[0] for d in DISAGREEMENTS])
def test_the_check_fails_when_files_and_generators_disagree(
    build: Any, tmp_path: Path, name: str, edit: Callable[[Path], None], complaint: str
) -> None:
    copy = tmp_path / "vectors"
    shutil.copytree(VECTORS, copy, ignore=shutil.ignore_patterns("__pycache__", "generate", "build.py"))
    edit(copy / name)
    found = build.check(copy)
    assert any(complaint in line for line in found), found
