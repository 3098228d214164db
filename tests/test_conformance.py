"""The conformance runner (codec/conformance.py, ``altcraft-codec conformance``).

Against our own CLI it passes every vector it can run (the CLI has no schema
support: those cases go through the reference adapter); against the broken
shims in tests/shims/ it fails exactly the vectors flagged as pinning the rule
each one breaks. The full suite runs against the CLI once (a process per case
and direction), shared by a module-scoped fixture; the exactness checks of the
shims run in-process over every vector, and over the protocol on a sample.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree

import pytest

from codec import cli, conformance
from codec.conformance import Case, Command, Outcome, Result

ROOT = Path(__file__).resolve().parents[1]
SHIMS = ROOT / "tests" / "shims"
PYTHON = sys.executable
_SCRIPT = Path(sys.executable).with_name("altcraft-codec")
CLI = str(_SCRIPT) if _SCRIPT.is_file() else f"{PYTHON} -m codec.cli"
ADAPTER = f"{PYTHON} -m codec.conformance"

CASES = conformance.load()
WITHOUT_SCHEMA = conformance.select(CASES, skip_schema=True)


def _shim(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"shim_{name}", SHIMS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _failed(results: Sequence[Result]) -> set[str]:
    return {r.case.id for r in results if r.status == "failed"}


def _pinning(cases: Sequence[Case], flag: str, uses: Callable[[Case], bool]) -> set[str]:
    return {c.id for c in cases if flag in c.flags and uses(c)}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [*shlex.split(CLI), "conformance", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, cwd=ROOT)


# ---------------------------------------------------------------- against our CLI


@pytest.fixture(scope="module")
def cli_results() -> list[Result]:
    """Every case that needs no schema, against ``altcraft-codec decode`` / ``encode``."""
    return conformance.run(
        WITHOUT_SCHEMA,
        decoder=Command(f"{CLI} decode", timeout=60),
        encoder=Command(f"{CLI} encode", timeout=60),
        canonical=True,
        check_lines=True,
        jobs=2 * (os.cpu_count() or 1),
    )


def test_our_cli_passes_every_vector(cli_results: list[Result]) -> None:
    failures = {r.case.id: f"{r.message}\n{r.diff}" for r in cli_results if r.status == "failed"}
    assert failures == {}
    assert not [r for r in cli_results if r.status == "skipped"]
    assert len(cli_results) == len(WITHOUT_SCHEMA) > 250


def test_schema_cases_pass_through_the_reference_adapter() -> None:
    # A sample over the protocol (every case runs in-process below): one of each shape.
    ids = ["schema-relations-get-response-*", "schema-guided-encode-*", "decision-schema-*", "docs-*-repaired"]
    cases = conformance.select(CASES, ids=ids)
    assert {c.kind for c in cases} == {"schema", "valid", "decode-only", "implementation-defined"}
    results = conformance.run(
        cases,
        decoder=Command(f"{ADAPTER} decode", timeout=60),
        encoder=Command(f"{ADAPTER} encode", timeout=60),
        validator=Command(f"{ADAPTER} validate", timeout=60),
        canonical=True,
    )
    assert [(r.case.id, r.message) for r in results if r.status != "passed"] == []


def test_reference_passes_every_vector_in_process() -> None:
    results = conformance.run(
        CASES,
        decoder=conformance.reference_program("decode"),
        encoder=conformance.reference_program("encode"),
        validator=conformance.reference_program("validate"),
        canonical=True,
        check_lines=True,
        jobs=1,
    )
    assert _failed(results) == set()
    assert all(r.status != "skipped" for r in results)


# ---------------------------------------------------------------- against broken shims


def test_dropping_array_attributes_fails_exactly_the_array_vectors() -> None:
    shim = _shim("drop_array")
    results = conformance.run(WITHOUT_SCHEMA, encoder=conformance.in_process(shim.encode), jobs=1)
    expected = _pinning(WITHOUT_SCHEMA, "pins:array-attribute", lambda c: c.encodes)
    assert len(expected) >= 10
    assert _failed(results) == expected


def test_typing_everything_as_strings_fails_exactly_the_scalar_vectors() -> None:
    shim = _shim("all_strings")
    results = conformance.run(WITHOUT_SCHEMA, decoder=conformance.in_process(shim.decode), jobs=1)
    expected = _pinning(WITHOUT_SCHEMA, "pins:scalar-types", lambda c: c.decodes)
    assert len(expected) >= 30
    assert _failed(results) == expected


def _run_shim(tmp_path: Path, role: str, shim: str, *filters: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    junit = tmp_path / f"{shim}.xml"
    command = f"{PYTHON} {SHIMS / shim}.py {role.removesuffix('r')}"
    done = _cli(f"--{role}", command, "--kind", "valid", *filters, "--junit", str(junit))
    return done, junit


@pytest.mark.parametrize(
    "role,shim,flag,filters",
    [
        (
            "encoder",
            "drop_array",
            "pins:array-attribute",
            ["--id", "array-one-*", "--id", "array-empty*", "--id", "array-two-*"],
        ),
        (
            "decoder",
            "all_strings",
            "pins:scalar-types",
            ["--id", "scalar-integer-*", "--id", "string-b*", "--id", "string-n*"],
        ),
    ],
    ids=["drop_array", "all_strings"],
)
def test_shims_over_the_protocol(tmp_path: Path, role: str, shim: str, flag: str, filters: list[str]) -> None:
    done, junit = _run_shim(tmp_path, role, shim, *filters)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    ran = conformance.select(CASES, kinds=["valid"], ids=filters[1::2])
    expected = _pinning(ran, flag, lambda c: True)
    assert 0 < len(expected) < len(ran)
    assert {line.split()[1] for line in lines if line.startswith("FAIL ")} == expected
    assert lines[-1] == f"{len(ran) - len(expected)} passed, {len(expected)} failed"
    suites = ElementTree.parse(junit).getroot()
    assert suites.get("tests") == str(len(ran))
    assert suites.get("failures") == str(len(expected))
    failed = {t.get("name") for t in suites.iter("testcase") if t.find("failure") is not None}
    assert failed == expected


# ---------------------------------------------------------------- the command


def test_exit_status_is_zero_when_everything_passes() -> None:
    done = _cli("--decoder", f"{CLI} decode", "--kind", "decode-only", "--id", "text-cdata*")
    assert done.returncode == 0, done.stdout + done.stderr
    count = len(conformance.select(CASES, kinds=["decode-only"], ids=["text-cdata*"]))
    assert done.stdout.splitlines() == [f"{count} passed, 0 failed"]


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = cli.main(["conformance", *args])
    except SystemExit as exit:
        status = int(exit.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _main(capsys)
    assert status == 2
    assert "--decoder" in err
    status, _, err = _main(capsys, "--decoder", "no-such-program-for-altcraft decode")
    assert status == 2
    assert "not found" in err
    status, _, err = _main(capsys, "--decoder", "true", "--vectors", "/nonexistent")
    assert status == 2
    assert "cannot read the vectors" in err


def test_list_applies_the_filters(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _main(capsys, "--list", "--kind", "invalid", "--flag", "hostile")
    assert status == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) >= 10
    assert all(row[1] == "invalid" and "hostile" in row[3].split(",") for row in rows)
    status, out, _ = _main(capsys, "--list", "--id", "docs-*", "--skip-schema")
    ids = [line.split("\t")[0] for line in out.splitlines()]
    assert ids
    assert all(i.startswith("docs-") for i in ids)
    assert "docs-relations-get-response-xml-repaired" not in ids


def test_select() -> None:
    assert {c.kind for c in conformance.select(CASES, kinds=["schema"])} == {"schema"}
    picked = conformance.select(CASES, ids=["array-one-*", "array-two-items"])
    assert picked
    assert all(c.id.startswith("array-one-") or c.id == "array-two-items" for c in picked)
    both = conformance.select(CASES, flags=["from-docs", "needs-schema"])
    assert [c.id for c in both] == ["docs-relations-get-response-xml-repaired"]
    assert not any(c.needs_schema for c in WITHOUT_SCHEMA)


# ---------------------------------------------------------------- judging and reporting


def test_same_compares_types_exactly() -> None:
    same = conformance.same
    assert same({"a": [1, 1.0, True, "1", None]}, {"a": [1, 1.0, True, "1", None]})
    assert not same(1, 1.0)
    assert not same(1, True)
    assert not same(0.0, -0.0)
    assert not same("1", 1)
    assert same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1}, ordered=True)
    assert not same([1, 2], [2, 1])


def _answering(output: bytes) -> conformance.Program:
    return conformance.in_process(lambda data, variables: output)


def _one(case_id: str) -> list[Case]:
    return [next(c for c in CASES if c.id == case_id)]


def test_results_say_what_went_wrong() -> None:
    (result,) = conformance.run(_one("scalar-float-one"), decoder=_answering(b'{"a": 1}'))
    assert result.status == "failed"
    assert "differs" in result.message
    assert '-  "a": 1.0' in result.diff
    assert '+  "a": 1' in result.diff
    (result,) = conformance.run(_one("scalar-float-one"), decoder=_answering(b"not json"))
    assert "not a JSON document" in result.message
    (result,) = conformance.run(_one("parse-doctype"), decoder=_answering(b"{}"))
    assert "accepted input it must refuse" in result.message
    (result,) = conformance.run(_one("array-one-item"), encoder=_answering(b"<xml><a>1</a></xml>\n"), canonical=True)
    assert "not the canonical XML" in result.message
    (result,) = conformance.run(_one("array-one-item"), encoder=_answering(b"<xml><a>1</a></xml>\n"))
    assert "decodes to a different value" in result.message
    (result,) = conformance.run(_one("array-one-item"), encoder=_answering(b"<xml><a array='true'>1</a></xml>\n"))
    assert result.status == "passed"


def test_refusal_lines_are_compared_only_when_asked() -> None:
    def refuse_at(line: int) -> conformance.Program:
        return lambda data, variables: Outcome(False, b"", f"<stdin>:{line}: no")

    case = _one("attribute-value-capitalised")  # refused at line 3
    assert conformance.run(case, decoder=refuse_at(1))[0].status == "passed"
    assert conformance.run(case, decoder=refuse_at(1), check_lines=True)[0].status == "failed"
    assert conformance.run(case, decoder=refuse_at(3), check_lines=True)[0].status == "passed"


def test_schema_cases_need_the_error_paths() -> None:
    case = [c for c in CASES if c.kind == "schema" and c.valid is False and c.error_paths == ("/data",)][:1]
    assert case

    def refuse_with(paths: bytes) -> conformance.Program:
        return lambda data, variables: Outcome(False, paths)

    assert conformance.run(case, validator=refuse_with(b'["/data"]'))[0].status == "passed"
    assert conformance.run(case, validator=refuse_with(b'["", "/data"]'))[0].status == "passed"
    assert conformance.run(case, validator=refuse_with(b'["/error"]'))[0].status == "failed"
    assert conformance.run(case, validator=refuse_with(b""))[0].status == "failed"
    assert conformance.run(case, validator=_answering(b""))[0].status == "failed"


def test_missing_programs_skip_cases() -> None:
    results = conformance.run(conformance.select(CASES, kinds=["decode-only", "schema"]), encoder=_answering(b""))
    assert {r.status for r in results} == {"skipped"}
    # No stray group of two: a line reading "2 skipped", not a count that merely ends in 2 (e.g. "952 skipped").
    assert not re.search(r"(?m)^2 skipped", conformance.report(results))
    assert conformance.report(results).endswith("0 passed, 0 failed\n")


def test_commands_that_hang_or_crash_fail_the_case() -> None:
    hang = Command(f"{PYTHON} -c 'import time; time.sleep(30)'", timeout=0.5)
    (result,) = conformance.run(_one("root-empty-object"), decoder=hang)
    assert result.status == "failed"
    assert "timed out" in result.message

    def crash(data: bytes, variables: Mapping[str, str]) -> bytes:
        raise RuntimeError("boom")

    (result,) = conformance.run(_one("parse-doctype"), decoder=conformance.in_process(crash))
    assert result.status == "failed"
    assert "crashed" in result.message


def test_schema_variables_reach_the_command() -> None:
    seen: list[dict[str, str]] = []

    def record(data: bytes, variables: Mapping[str, str]) -> bytes:
        seen.append(dict(variables))
        return b"{}"

    conformance.run(_one("docs-relations-get-response-xml-repaired"), decoder=conformance.in_process(record))
    conformance.run(_one("root-empty-object"), decoder=conformance.in_process(record))
    assert seen == [{"ALTCRAFT_ENDPOINT": "relations/get", "ALTCRAFT_DIRECTION": "response"}, {}]


def test_junit_xml_parses(cli_results: list[Result]) -> None:
    root = ElementTree.fromstring(conformance.junit_xml(cli_results))
    assert root.tag == "testsuites"
    assert root.get("tests") == str(len(cli_results))
    assert root.get("failures") == str(len(_failed(cli_results)))
    names = [t.get("name", "") for t in root.iter("testcase")]
    assert sorted(names) == sorted(r.case.id for r in cli_results)
    assert {s.get("name") for s in root.iter("testsuite")} == {c.kind for c in WITHOUT_SCHEMA}


def test_junit_xml_carries_text_xml_cannot_hold() -> None:
    case = _one("json-escape-nul-character")[0]
    result = Result(case, "failed", "bad \x00 byte", "diff \ud800 here")
    root = ElementTree.fromstring(conformance.junit_xml([result]))
    failure = next(root.iter("failure"))
    assert failure.get("message") == "bad \\u0000 byte"
    assert failure.text == "diff \\ud800 here"


def test_report_lists_failures_then_the_totals(cli_results: list[Result]) -> None:
    lines = conformance.report(cli_results).splitlines()
    failed = _failed(cli_results)
    assert lines[-1] == f"{len(cli_results) - len(failed)} passed, {len(failed)} failed"
    assert {line.split()[1] for line in lines if line.startswith("FAIL ")} == failed


def test_the_adapter_speaks_the_protocol() -> None:
    def adapter(role: str, data: bytes, **env: str) -> subprocess.CompletedProcess[bytes]:
        variables: dict[str, Any] = {**os.environ, **env}
        return subprocess.run(
            [PYTHON, "-m", "codec.conformance", role], input=data, capture_output=True, env=variables, check=False
        )

    done = adapter(
        "decode",
        b"<xml><data><db_b>1</db_b></data></xml>",
        ALTCRAFT_ENDPOINT="relations/get",
        ALTCRAFT_DIRECTION="response",
    )
    assert (done.returncode, done.stdout) == (0, b'{"data":[{"db_b":1}]}\n')
    done = adapter("decode", b"<xml>\n<a array='no'/></xml>")
    assert done.returncode == 1
    assert done.stderr.startswith(b"<stdin>:2: ")
    done = adapter("validate", b'{"error": "0"}', ALTCRAFT_ENDPOINT="relations/get", ALTCRAFT_DIRECTION="response")
    assert (done.returncode, done.stdout) == (1, b'["/error"]\n')


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(b"<xml>\n<a>1</a>\n<b>2</c>\n</xml>", "<stdin>:3:9: malformed XML: ", id="malformed"),
        pytest.param(
            b"<xml>\n<a>\n<b x='true'>1</b>\n</a>\n</xml>", "<stdin>:3: /a/b: unknown attribute", id="element"
        ),
    ],
)
def test_the_adapter_and_the_cli_place_a_refusal_alike(document: bytes, expected: str) -> None:
    def stderr(command: str) -> str:
        done = subprocess.run(shlex.split(command), input=document, capture_output=True, check=False, timeout=60)
        assert done.returncode == 1
        return done.stderr.decode()

    said = stderr(f"{ADAPTER} decode")
    assert said.startswith(expected), said
    assert stderr(f"{CLI} decode") == said
