"""examples/client.py: a complete client call, run against loopback stubs of the API.

The example is run as users run it (a subprocess) and imported to call its
function directly, against its own stub server (``http.server``) and against
the gateway middleware in front of an ASGI stub (uvicorn), on 127.0.0.1 only.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from loopback import ASGIServer, read_body
from test_gateway import loopback_only

import codec
from codec.gateway import AltcraftValidationMiddleware

__all__ = ["loopback_only"]  # a fixture, used by name

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "client.py"
A, B = "669e6968ebf4ac52b623a997", "6751b8f1c5e3db9bcb75befa"
WEIGHTS = {"user_like": 2, "donate": 343, "is_online": True}


@pytest.fixture(scope="module")
def client() -> ModuleType:
    spec = importlib.util.spec_from_file_location("altcraft_client_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stub(client: ModuleType, loopback_only: None) -> Iterator[str]:
    with client.stub_server() as url:
        yield url


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_example_runs_against_its_stub(fmt: str, loopback_only: None) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--format", fmt], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"relation 2 between {A} and {B}: edited",
        "refused as expected: Altcraft API error 404 (The object is not found in the token vision zone): "
        "Profile not found: 000000000000000000000000 (code 404)",
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_call_decodes_the_answer_by_its_schema(client: ModuleType, stub: str, fmt: str) -> None:
    response = client.edit_relation(stub, "t0k", rel_id=7, profile_a=A, profile_b=B, weights=WEIGHTS, fmt=fmt)
    # relation_id an int, error_text the empty string: read by the response schema in XML too
    assert response == {"error": 0, "error_text": "", "profile_a": A, "profile_b": B, "relation_id": 7}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_error_answer_raises_api_error(client: ModuleType, stub: str, fmt: str) -> None:
    with pytest.raises(codec.ApiError) as caught:
        client.edit_relation(stub, "t0k", rel_id=7, profile_a=A, profile_b="f" * 24, weights=WEIGHTS, fmt=fmt)
    assert caught.value.code is codec.ApiErrorCode.NOT_FOUND
    assert caught.value.text == "Profile not found: " + "f" * 24
    with pytest.raises(codec.ApiError) as caught:
        client.edit_relation(stub, "", rel_id=7, profile_a=A, profile_b=B, weights=WEIGHTS, fmt=fmt)
    assert caught.value.code is codec.ApiErrorCode.TOKEN_REQUIRED


def test_an_invalid_request_is_not_sent(client: ModuleType, loopback_only: None) -> None:
    with socket.socket() as sock:  # a port nothing listens on: sending would fail otherwise
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    for fmt in ("xml", "json"):
        with pytest.raises(codec.ValidationError, match="rel_id"):
            client.edit_relation(closed, "t", rel_id="two", profile_a=A, profile_b=B, weights=WEIGHTS, fmt=fmt)


def test_through_a_gateway_that_answers_with_http_statuses(client: ModuleType, loopback_only: None) -> None:
    async def upstream(scope: Any, receive: Any, send: Any) -> None:
        body = await read_body(receive)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        content_type, answer = client.answer(scope["method"], scope["path"], headers, body)
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type.encode())]}
        )
        await send({"type": "http.response.body", "body": answer})

    server = ASGIServer(AltcraftValidationMiddleware(upstream, require_token=True, error_status="http"))
    try:
        url = f"http://127.0.0.1:{server.port}"
        for fmt in ("xml", "json"):
            response = client.edit_relation(url, "t", rel_id=3, profile_a=A, profile_b=B, weights=WEIGHTS, fmt=fmt)
            assert response["relation_id"] == 3
            # refused by the gateway with HTTP 401: urllib raises HTTPError, the body still tells
            with pytest.raises(codec.ApiError) as caught:
                client.edit_relation(url, "", rel_id=3, profile_a=A, profile_b=B, weights=WEIGHTS, fmt=fmt)
            assert caught.value.code == 401
    finally:
        server.close()
