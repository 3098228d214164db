"""codec.openapi: the OpenAPI 3.1 document and the bundled schemas, checked by
the tools that read them: openapi-spec-validator, Schemathesis (against
codec.gateway's middleware in front of a loopback stub that answers like
Altcraft), check-jsonschema, and the installed ``altcraft-codec openapi``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from loopback import HOST, ASGIServer, read_body

import codec
from codec import openapi
from codec.gateway import AltcraftValidationMiddleware

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "vectors"
TIMEOUT = 30


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):
                found += _refs(value)
        return found
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def _lookup(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#"), ref
    node: Any = document
    for part in ref[1:].split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


# --------------------------------------------------------------------- the document


def test_document_is_valid_openapi_3_1() -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.versions import consts, get_spec_version

    document = openapi.document()
    assert document["openapi"] == "3.1.0"
    assert get_spec_version(document) == consts.OPENAPIV31
    validate(document)


def test_one_post_per_endpoint_with_both_media_types() -> None:
    document = openapi.document()
    assert sorted(document["paths"]) == sorted(f"/api/v1.1/{name}" for name in codec.endpoints())
    for path, item in document["paths"].items():
        assert list(item) == ["post"], path
        operation = item["post"]
        name = path.removeprefix("/api/v1.1/")
        assert set(operation["requestBody"]["content"]) == {"application/json", "application/xml"}
        request = operation["requestBody"]["content"]["application/json"]["schema"]
        assert _lookup(document, request["$ref"])["title"] == codec.schema(name, "request")["title"]
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"]
        assert _lookup(document, answer[0]["$ref"])["title"] == codec.schema(name, "response")["title"]
        assert answer[1] == {"$ref": "#/components/schemas/ApiError"}


def test_every_ref_points_inside_the_document() -> None:
    document = openapi.document()
    refs = _refs(document)
    assert len(refs) > 500
    for ref in set(refs):
        assert ref.startswith("#/components/schemas/"), ref
        assert isinstance(_lookup(document, ref), dict), ref


def test_security_schemes_and_error_codes() -> None:
    document = openapi.document()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert (schemes["bodyToken"]["name"], schemes["bodyToken"]["x-altcraft-in"]) == ("token", "body")
    assert {"bearer": []} in document["security"] and {"bodyToken": []} in document["security"]
    codes = document["components"]["schemas"]["ApiError"]["properties"]["error"]["x-altcraft-codes"]
    assert codes == {str(code.value): code.meaning for code in codec.ApiErrorCode if code}
    assert "docs/dialect.md" in document["info"]["description"]
    assert "cannot express" in document["info"]["description"]


def test_embedded_schemas_give_the_codecs_verdicts() -> None:
    # The components, read with a plain 2020-12 validator and the document as
    # the only resource, agree with codec.validate on every schema vector.
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = openapi.document()
    uri = "urn:altcraft-codec:openapi"
    registry = Registry().with_resource(uri, Resource.from_contents(document, default_specification=DRAFT202012))
    manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for case in manifest["cases"]:
        if case["kind"] != "schema" or case["strict"]:
            continue
        name = f"{case['endpoint']}.{case['direction']}".replace("/", ".")
        validator = Draft202012Validator({"$ref": f"{uri}#/components/schemas/{name}"}, registry=registry)
        payload = json.loads((VECTORS / case["files"]["json"]).read_text(encoding="utf-8"))
        assert validator.is_valid(payload) == case["valid"], case["id"]
        checked += 1
    assert checked > 700


def test_bundle_is_self_contained(tmp_path: Path) -> None:
    bundled = openapi.bundle("/api/v1.1/subscriptions/get/", "response")
    assert sorted(bundled["$defs"]) == ["shared.channel", "shared.envelope", "shared.subscription"]
    assert all(ref.startswith("#") for ref in _refs(bundled))
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(bundled)
    with pytest.raises(codec.UnknownEndpointError):
        openapi.bundle("subscriptions/gett", "response")


# --------------------------------------------------------------------- the command


def test_the_installed_command_writes_the_document(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = Path(sys.executable).parent / "altcraft-codec"
    out = tmp_path / "openapi.json"
    written = subprocess.run(
        [command, "openapi", "-o", str(out)], capture_output=True, env=env, timeout=60, check=False
    )
    assert written.returncode == 0, written.stderr
    assert written.stdout == b""
    printed = subprocess.run([command, "openapi"], capture_output=True, env=env, timeout=60, check=False)
    assert printed.returncode == 0, printed.stderr
    assert out.read_bytes() == printed.stdout == openapi.dumps().encode()
    assert json.loads(printed.stdout)["openapi"] == "3.1.0"
    bad = subprocess.run(
        [command, "openapi", "-o", str(tmp_path / "no/such/dir/x.json")],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode != 0 and b"Traceback" not in bad.stderr, bad.stderr


# --------------------------------------------------------------------- Schemathesis


def _valid_responses() -> dict[str, Any]:
    """Each endpoint's valid response vector: what the stub answers."""
    manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    answers = {}
    for case in manifest["cases"]:
        if case["kind"] == "schema" and case["direction"] == "response" and case["valid"] and not case["strict"]:
            answer = json.loads((VECTORS / case["files"]["json"]).read_text(encoding="utf-8"))
            answer.update(error=0, error_text="Successful operation")  # as Altcraft says it
            codec.validate(answer, endpoint=case["endpoint"], direction="response")
            answers[case["endpoint"]] = answer
    return answers


class _Stub:
    """A stand-in for Altcraft: each method answers its valid response vector, in
    the request's format (XML for an XML body, else JSON), HTTP 200; an unknown
    method gets the API's 501. GET /openapi.json serves the document."""

    def __init__(self) -> None:
        self.answers = _valid_responses()
        self.document = openapi.dumps().encode()
        self.requests = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        await read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        if path == "/openapi.json":
            body, content_type = self.document, "application/json"
        else:
            self.requests += 1
            name = path.removeprefix("/api/v1.1/").strip("/")
            answer = self.answers.get(name, {"error": 501, "error_text": "The method does not exist"})
            if "xml" in headers.get("content-type", ""):
                body = (
                    codec.encode(answer, endpoint=name, direction="response")
                    if name in self.answers
                    else codec.encode(answer)
                )
                content_type = "application/xml; charset=utf-8"
            else:
                body, content_type = json.dumps(answer).encode(), "application/json; charset=utf-8"
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type.encode())]}
        )
        await send({"type": "http.response.body", "body": body})


# Bounded for CI: examples per operation and phase; the seed makes a run repeatable.
MAX_EXAMPLES = int(os.environ.get("ALTCRAFT_SCHEMATHESIS_EXAMPLES", "2"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_document(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "st"
    assert command.exists(), "schemathesis is in the test extra"
    stub = _Stub()
    server = ASGIServer(AltcraftValidationMiddleware(stub), start_timeout=TIMEOUT)
    try:
        report = tmp_path / "report.ndjson"
        result = subprocess.run(
            [
                command,
                "run",
                f"http://{HOST}:{server.port}/openapi.json",
                "--url",
                f"http://{HOST}:{server.port}",
                "--checks",
                CHECKS,
                "--phases",
                "examples,fuzzing",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                "11",
                "--workers",
                "2",
                "--suppress-health-check",
                "all",
                "--report",
                "ndjson",
                "--report-ndjson-path",
                str(report),
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=tmp_path,  # its cache directory goes there
            env=dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1"),
        )
    finally:
        server.close()
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary + result.stderr[-3000:]
    match = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert match and int(match.group(1)) >= len(codec.endpoints()) * MAX_EXAMPLES * 9 // 10, summary  # a few dedupe
    assert match.group(1) == match.group(2), summary
    # Not all refused at the gate: a good share reached the stub (JSON and XML alike).
    assert stub.requests >= int(match.group(1)) // 3, (stub.requests, summary)
    print(summary)
