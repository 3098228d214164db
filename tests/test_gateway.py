"""codec.gateway against real servers: uvicorn (ASGI) and wsgiref (WSGI) on 127.0.0.1.

Each server listens on an ephemeral port of 127.0.0.1 in a background thread
and runs an echo upstream (it answers with the body and headers it received)
wrapped in the middleware. Requests are real HTTP over loopback, with
timeouts. A guard fails any test that opens a socket to another address.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from loopback import HOST, TIMEOUT, ASGIServer, read_body
from test_wheel import _clean_env, installed, wheel

import codec
from codec.gateway import AltcraftValidationMiddleware, AltcraftValidationWSGIMiddleware

__all__ = ["installed", "wheel"]  # fixtures of test_wheel, used here by name

EDIT = "/api/v1.1/relations/edit"
VALID: dict[str, Any] = {
    "rel_id": 2,
    "profile_a": {"profile_id": "669e6968ebf4ac52b623a997"},
    "profile_b": {"profile_id": "6751b8f1c5e3db9bcb75befa"},
    "weights": {"user_like": 2, "donate": 343, "is_online": True},
}
VALID_JSON = b'{ "rel_id": 2, "profile_a": {"profile_id": "669e6968ebf4ac52b623a997"},\n "profile_b": {"profile_id": "6751b8f1c5e3db9bcb75befa"},\n "weights": {"user_like": 2, "donate": 343, "is_online": true} }\n'
VALID_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<xml>
  <!-- a comment the upstream must still see -->
  <rel_id>2</rel_id>
  <profile_a><profile_id>669e6968ebf4ac52b623a997</profile_id></profile_a>
  <profile_b><profile_id>6751b8f1c5e3db9bcb75befa</profile_id></profile_b>
  <weights><user_like>2</user_like><donate>343</donate><is_online>true</is_online></weights>
</xml>
"""
INVALID_XML = VALID_XML.replace(b"<rel_id>2</rel_id>", b"<rel_id>two</rel_id>")


# --- nothing but loopback -------------------------------------------------------

_LOOPBACK = {"127.0.0.1", "::1"}


def _loopback_only(original: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(self: socket.socket, address: Any, *args: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
            raise AssertionError(f"the test suite tried to reach {address!r}; only 127.0.0.1 is allowed")
        return original(self, address, *args)

    return guarded


@pytest.fixture(scope="module")
def loopback_only() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("connect", "connect_ex", "bind"):
            patch.setattr(socket.socket, name, _loopback_only(getattr(socket.socket, name)))
        yield


def test_the_guard_refuses_other_addresses(loopback_only: None) -> None:
    with socket.socket() as sock, pytest.raises(AssertionError, match=r"only 127\.0\.0\.1"):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: refused before any packet is sent


# --- the upstream: echoes what reached it ---------------------------------------


def _echo_headers(method: str, path: str, headers: dict[str, str], body: bytes) -> list[tuple[str, str]]:
    return [
        ("content-type", "application/octet-stream"),
        ("content-length", str(len(body))),
        ("x-upstream", "reached"),
        ("x-upstream-method", method),
        ("x-upstream-path", path),
        ("x-upstream-content-type", headers.get("content-type", "")),
        ("x-upstream-content-length", headers.get("content-length", "")),
        ("x-upstream-authorization", headers.get("authorization", "")),
        ("x-upstream-transfer-encoding", headers.get("transfer-encoding", "")),
    ]


async def echo_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    body = await read_body(receive)
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    response_headers = _echo_headers(scope["method"], scope["path"], headers, body)
    encoded = [(name.encode(), value.encode("latin-1")) for name, value in response_headers]
    await send({"type": "http.response.start", "status": 200, "headers": encoded})
    await send({"type": "http.response.body", "body": body})


def echo_wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    headers["content-type"] = environ.get("CONTENT_TYPE", "")
    headers["content-length"] = environ.get("CONTENT_LENGTH", "")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    start_response("200 OK", _echo_headers(environ["REQUEST_METHOD"], path, headers, body))
    return [body]


# --- servers --------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    timeout = TIMEOUT  # the socket timeout of each connection

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(WSGIServer):
    daemon_threads = True


class _WSGIServer:
    def __init__(self, app: Any) -> None:
        self.server = make_server(HOST, 0, app, handler_class=_QuietHandler)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(TIMEOUT)


@pytest.fixture(scope="module")
def serve(loopback_only: None) -> Iterator[Callable[..., int]]:
    """``serve(kind, **options)``: the port of a server of that kind running the
    echo upstream behind the middleware with those options (started once)."""
    started: dict[tuple[str, tuple[tuple[str, Any], ...]], ASGIServer | _WSGIServer] = {}

    def serve(kind: str, **options: Any) -> int:
        key = (kind, tuple(sorted(options.items())))
        if key not in started:
            if kind == "asgi":
                started[key] = ASGIServer(AltcraftValidationMiddleware(echo_asgi, **options))
            else:
                started[key] = _WSGIServer(AltcraftValidationWSGIMiddleware(echo_wsgi, **options))
        return started[key].port

    yield serve
    with ThreadPoolExecutor() as pool:  # in parallel: each takes a moment
        list(pool.map(lambda server: server.close(), started.values()))


@pytest.fixture(params=["asgi", "wsgi"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- the client -----------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def reached_upstream(self) -> bool:
        return self.headers.get("x-upstream") == "reached"

    def api(self) -> dict[str, Any]:
        """The body as a decoded API response, by its Content-Type."""
        content_type = self.headers["content-type"]
        if content_type == "application/json; charset=utf-8":
            value: dict[str, Any] = json.loads(self.body)
            return value
        assert content_type == "application/xml; charset=utf-8"
        return codec.decode(self.body)


def send(
    port: int,
    path: str = EDIT,
    body: bytes | Iterable[bytes] = b"",
    headers: Iterable[tuple[str, str]] | dict[str, str] = (),
    *,
    method: str = "POST",
    connection: http.client.HTTPConnection | None = None,
    chunked: bool = False,
) -> Reply:
    """One request to 127.0.0.1:port; headers may repeat (pairs)."""
    conn = connection or http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers)
        for name, value in pairs:
            conn.putheader(name, value)
        if chunked:
            # encoded here and sent with the headers in one write, so that a
            # server that answers early finds the whole request sent
            conn.putheader("Transfer-Encoding", "chunked")
            encoded = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in body if chunk)
            conn.endheaders(encoded + b"0\r\n\r\n")
        else:
            assert isinstance(body, bytes)
            if not any(name.lower() == "content-length" for name, _ in pairs):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
        response = conn.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        if connection is None:
            conn.close()


JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "text/xml; charset=utf-8"}


def assert_refused(reply: Reply, status: int, code: int, fmt: str = "json") -> str:
    """Check an answer of the gateway; return its error_text."""
    assert not reply.reached_upstream
    assert reply.status == status, reply
    assert reply.headers["content-type"] == f"application/{fmt}; charset=utf-8"
    assert int(reply.headers["content-length"]) == len(reply.body)
    body = reply.api()
    assert set(body) == {"error", "error_text"}
    assert body["error"] == code
    assert isinstance(body["error_text"], str)
    with pytest.raises(codec.ApiError):
        codec.raise_for_error(body)
    return body["error_text"]


# --- valid requests pass on unchanged ------------------------------------------------


def test_valid_json_reaches_the_upstream_byte_for_byte(serve: Callable[..., int], kind: str) -> None:
    headers = {**JSON, "Authorization": "Bearer secret-token"}
    reply = send(serve(kind), EDIT, VALID_JSON, headers)
    assert reply.status == 200
    assert reply.reached_upstream
    assert reply.body == VALID_JSON
    assert reply.headers["x-upstream-content-type"] == "application/json"
    assert reply.headers["x-upstream-content-length"] == str(len(VALID_JSON))
    assert reply.headers["x-upstream-authorization"] == "Bearer secret-token"
    assert reply.headers["x-upstream-path"] == EDIT


def test_valid_xml_reaches_the_upstream_byte_for_byte(serve: Callable[..., int], kind: str) -> None:
    for content_type in ("text/xml; charset=utf-8", "application/xml"):
        reply = send(serve(kind), EDIT + "/", VALID_XML, {"Content-Type": content_type})
        assert reply.status == 200
        assert reply.body == VALID_XML
        assert reply.headers["x-upstream-content-type"] == content_type


def test_xml_in_another_charset_passes_unchanged(serve: Callable[..., int], kind: str) -> None:
    document = VALID_XML.decode().replace('encoding="UTF-8"', 'encoding="windows-1251"')
    document = document.replace("<user_like>", "<имя>Иван</имя><user_like>")
    body = document.encode("windows-1251")
    reply = send(serve(kind), EDIT, body, {"Content-Type": "text/xml; charset=windows-1251"})
    assert (reply.status, reply.body) == (200, body)


def test_xml_converted_to_json_for_the_upstream(serve: Callable[..., int], kind: str) -> None:
    port = serve(kind, convert_xml_to_json=True)
    reply = send(port, EDIT, VALID_XML, {**XML, "Authorization": "Bearer t"})
    assert reply.status == 200
    assert reply.headers["x-upstream-content-type"] == "application/json; charset=utf-8"
    assert reply.headers["x-upstream-content-length"] == str(len(reply.body))
    assert reply.headers["x-upstream-authorization"] == "Bearer t"
    assert json.loads(reply.body) == VALID
    # from another charset too
    cyrillic = VALID_XML.replace(b"UTF-8", b"koi8-r").decode().replace("<donate>", "<имя>Иван</имя><donate>")
    reply = send(port, EDIT, cyrillic.encode("koi8-r"), {"Content-Type": "application/xml; charset=KOI8-R"})
    assert json.loads(reply.body)["weights"]["имя"] == "Иван"
    # JSON is left alone
    reply = send(port, EDIT, VALID_JSON, JSON)
    assert (reply.body, reply.headers["x-upstream-content-type"]) == (VALID_JSON, "application/json")


def test_xml_converted_when_sent_chunked(serve: Callable[..., int]) -> None:
    chunks = [VALID_XML[:50], VALID_XML[50:51], VALID_XML[51:]]
    reply = send(serve("asgi", convert_xml_to_json=True), EDIT, chunks, XML, chunked=True)
    assert reply.status == 200
    assert json.loads(reply.body) == VALID
    assert reply.headers["x-upstream-transfer-encoding"] == ""
    assert reply.headers["x-upstream-content-length"] == str(len(reply.body))


def test_paths_outside_the_api_pass_untouched(serve: Callable[..., int], kind: str) -> None:
    port = serve(kind, unknown_endpoints="refuse", max_body_bytes=10)
    reply = send(port, "/health", method="GET")
    assert (reply.status, reply.reached_upstream, reply.headers["x-upstream-method"]) == (200, True, "GET")
    reply = send(port, "/upload", b"not json at all, and long", {"Content-Type": "text/plain"})
    assert (reply.status, reply.body) == (200, b"not json at all, and long")


# --- invalid requests are answered by the gateway ---------------------------------


def test_invalid_json_is_450_in_json(serve: Callable[..., int], kind: str) -> None:
    bad = json.dumps({**VALID, "rel_id": "two", "profile_b": {"matching": "nope"}}).encode()
    text = assert_refused(send(serve(kind), EDIT, bad, JSON), 200, 450)
    assert text.startswith("Request validation error: ")
    assert "/rel_id: 'two' is not of type 'integer'" in text
    assert "/profile_b" in text


def test_invalid_xml_is_450_in_xml_with_lines(serve: Callable[..., int], kind: str) -> None:
    text = assert_refused(send(serve(kind), EDIT, INVALID_XML, XML), 200, 450, "xml")
    assert "line 4: /rel_id: 'two' is not of type 'integer'" in text


def test_the_error_follows_the_callers_format(serve: Callable[..., int], kind: str) -> None:
    port = serve(kind)
    bad = b'{"rel_id": "two"}'
    assert_refused(send(port, EDIT, bad, {**JSON, "Accept": "application/xml"}), 200, 450, "xml")
    assert_refused(send(port, EDIT + "?format=xml", bad, JSON), 200, 450, "xml")
    assert_refused(send(port, EDIT, b'{"rel_id": "two", "format": "xml"}', JSON), 200, 450, "xml")
    assert_refused(send(port, EDIT + "?format=json", INVALID_XML, XML), 200, 450, "json")
    assert_refused(send(port, EDIT, b"{}", {"Content-Type": "text/plain", "Accept": "text/xml"}), 200, 415, "xml")


def test_strict_mode(serve: Callable[..., int], kind: str) -> None:
    extra = json.dumps({**VALID, "surprise": 1}).encode()
    assert send(serve(kind), EDIT, extra, JSON).body == extra
    text = assert_refused(send(serve(kind, strict=True), EDIT, extra, JSON), 200, 450)
    assert "surprise" in text


def test_http_statuses_on_request(serve: Callable[..., int], kind: str) -> None:
    port = serve(kind, error_status="http", unknown_endpoints="refuse")
    assert_refused(send(port, EDIT, b'{"rel_id": "two"}', JSON), 422, 450)
    assert_refused(send(port, EDIT, b"{", JSON), 400, 400)
    assert_refused(send(port, EDIT, b"a=1", {"Content-Type": "application/x-www-form-urlencoded"}), 415, 415)
    assert_refused(send(port, "/api/v1.1/no/such", VALID_JSON, JSON), 404, 501)
    assert send(port, EDIT, VALID_JSON, JSON).status == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{", "application/json"),
        (b'{"rel_id": 2, "rel_id": 3}', "application/json"),
        (b'{"rel_id": NaN}', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe{}", "application/json"),
        (b"<xml><rel_id>2</rel_id>", "text/xml"),
        (b"<xml>&unknown;</xml>", "text/xml"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><xml/>', "text/xml"),
        (b"{}", "application/xml"),
    ],
)
def test_malformed_bodies_are_400(serve: Callable[..., int], kind: str, body: bytes, content_type: str) -> None:
    fmt = "xml" if "xml" in content_type else "json"
    text = assert_refused(send(serve(kind), EDIT, body, {"Content-Type": content_type}), 200, 400, fmt)
    assert text.startswith("Incorrect request: ")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Content-Type": "text/plain"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {"Content-Type": "application/json; charset=utf-7"},
        {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    ],
)
def test_unsupported_content_is_415(serve: Callable[..., int], kind: str, headers: dict[str, str]) -> None:
    text = assert_refused(send(serve(kind), EDIT, VALID_JSON, headers), 200, 415)
    assert text.startswith("Requested Content-Type is not supported")


def test_every_method_is_checked(serve: Callable[..., int], kind: str) -> None:
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        assert_refused(send(serve(kind), EDIT, method=method), 200, 450)
        reply = send(serve(kind), EDIT, VALID_JSON, JSON, method=method)
        assert (reply.status, reply.headers["x-upstream-method"]) == (200, method)


def test_unknown_endpoints_pass_or_are_refused(serve: Callable[..., int], kind: str) -> None:
    anything = b"not even JSON"
    reply = send(serve(kind), "/api/v1.1/new/method", anything, {"Content-Type": "text/plain"})
    assert (reply.status, reply.body) == (200, anything)
    text = assert_refused(send(serve(kind, unknown_endpoints="refuse"), "/api/v1.1/new/method", anything), 200, 501)
    assert text.startswith("The method does not exist: new/method")
    assert_refused(send(serve(kind), "/api/v1.1/", VALID_JSON, JSON), 200, 501)
    # converted: unknown XML is read without a schema
    port = serve(kind, convert_xml_to_json=True)
    reply = send(port, "/api/v1.1/new/method", b"<xml><a>1</a></xml>", XML)
    assert (reply.status, json.loads(reply.body)) == (200, {"a": 1})
    assert_refused(send(port, "/api/v1.1/new/method", b"<xml>", XML), 200, 400, "xml")


def test_require_token(serve: Callable[..., int], kind: str) -> None:
    port = serve(kind, require_token=True)
    for fmt, body, content_type in (("json", VALID_JSON, JSON), ("xml", VALID_XML, XML)):
        text = assert_refused(send(port, EDIT, body, content_type), 200, 401, fmt)
        assert text == "API token required: send it as the body's token or in an Authorization: Bearer header"
    assert_refused(send(port, EDIT, VALID_JSON, {**JSON, "Authorization": "Bearer "}), 200, 401)
    assert_refused(send(port, EDIT, VALID_JSON, {**JSON, "Authorization": "Basic dXNlcjpwdw=="}), 200, 401)
    assert_refused(send(port, EDIT + "?token=", VALID_JSON, JSON), 200, 401)
    with_token = json.dumps({**VALID, "token": "t0k"}).encode()
    assert send(port, EDIT, with_token, JSON).body == with_token
    assert send(port, EDIT, VALID_JSON, {**JSON, "Authorization": "Bearer t0k"}).reached_upstream
    # the API reads the key from the URL too (its docs advise against it): so does the gateway
    assert send(port, EDIT + "?token=t0k", VALID_JSON, JSON).reached_upstream
    # the token is asked for before the payload is judged, as the API does
    assert_refused(send(port, EDIT, b'{"rel_id": "two"}', JSON), 200, 401)
    assert_refused(send(port, EDIT, b'{"rel_id": "two", "token": "t"}', JSON), 200, 450)
    assert_refused(send(serve(kind, require_token=True, error_status="http"), EDIT, VALID_JSON, JSON), 401, 401)
    # not required: passed on without one
    assert send(serve(kind), EDIT, VALID_JSON, JSON).reached_upstream


def test_an_empty_body_is_the_empty_request(serve: Callable[..., int], kind: str) -> None:
    port = serve(kind)
    # an endpoint that needs no member: passed on, empty
    for headers in ({}, JSON, XML, {"Content-Type": "text/plain"}):
        reply = send(port, "/api/v1.1/databases/list", b"", {**headers, "Authorization": "Bearer t"})
        assert (reply.status, reply.reached_upstream, reply.body) == (200, True, b"")
    # one that does: 450 naming what is missing, in the format of the Content-Type
    text = assert_refused(send(port, EDIT, b"", XML), 200, 450, "xml")
    assert "/: 'rel_id' is a required property" in text


@pytest.mark.parametrize(
    ("body", "content_type", "said_once"),
    [
        (b"{", "application/json", "malformed JSON: "),
        (b'{"a": 1, "a": 2}', "application/json", "malformed JSON: "),
        (b"<xml><a>", "text/xml", "malformed XML: "),
        (b"<xml>&x;</xml>", "text/xml", "malformed XML: "),
        (b"<xml><a>1</a><a s='1'>2</a></xml>", "text/xml", "malformed XML: "),
    ],
)
def test_refusals_say_each_thing_once(
    serve: Callable[..., int], body: bytes, content_type: str, said_once: str
) -> None:
    fmt = "xml" if "xml" in content_type else "json"
    text = assert_refused(send(serve("asgi"), EDIT, body, {"Content-Type": content_type}), 200, 400, fmt)
    assert text.startswith("Incorrect request: " + said_once)
    for phrase in ("Incorrect request", "malformed", "invalid JSON", "JSON:", "XML:"):
        assert text.count(phrase) <= 1, text


@pytest.mark.parametrize("segment", ["²", "①", "₃", "٣", "9" * 5000])
def test_digit_like_member_names_get_an_api_answer(serve: Callable[..., int], kind: str, segment: str) -> None:
    # once crashed the violation sort (int("²")): HTTP 500 from the server, not the API's answer
    body = json.dumps({"pixel_data": {segment: {}}}).encode()
    reply = send(serve(kind), "/api/v1.1/goals/register", body, JSON)
    assert reply.status == 200
    answer = reply.api()
    assert set(answer) == {"error", "error_text"}
    # 450: a validation error, never the safety net's 500 (issue 8 item 4: pointer
    # segments are read as indices only when they are ASCII digits)
    assert answer["error"] == 450


def test_a_failure_inside_the_gateway_is_the_apis_500_and_logged(
    serve: Callable[..., int], kind: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import codec.gateway

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    port = serve(kind, error_status="http")
    monkeypatch.setattr(codec.gateway, "read_body", broken)
    with caplog.at_level("ERROR", logger="codec.gateway"):
        # With a query, which the compiled lane leaves to read_body (tested below)
        text = assert_refused(send(port, EDIT + "?format=json", VALID_JSON, JSON), 500, 500)
    assert text == "Internal service error: the gateway could not check the request"
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


# --- oversized and hostile ----------------------------------------------------------


@pytest.mark.parametrize(("error_status", "status"), [("api", 200), ("http", 413)])
def test_an_oversized_body_is_400_at_the_status_of_the_mode(
    serve: Callable[..., int], kind: str, error_status: str, status: int
) -> None:
    port = serve(kind, max_body_bytes=1024, error_status=error_status)
    assert send(port, EDIT, VALID_JSON, JSON).status == 200
    # sent in full, by Content-Length
    big = json.dumps({**VALID, "weights": {f"w{i}": i for i in range(200)}}).encode()
    text = assert_refused(send(port, EDIT, big, JSON), status, 400)
    assert text == f"Incorrect request: {len(big)} bytes is over the gateway's limit of 1024 bytes"
    # declared far larger than sent: answered at once, and the connection closed
    reply = send(port, EDIT, b"", {**XML, "Content-Length": str(10**12)})
    text = assert_refused(reply, status, 400, "xml")
    assert "over the gateway's limit of 1024 bytes" in text
    if kind == "asgi":
        assert reply.headers.get("connection") == "close"


def _stream(port: int, chunks: Iterable[bytes], headers: dict[str, str]) -> Reply:
    """POST while the body is still being produced, as curl and requests do with big uploads."""
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        conn.request("POST", EDIT, body=chunks, headers=headers, encode_chunked="Content-Length" not in headers)
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


@pytest.mark.parametrize("error_status", ["api", "http"])
def test_an_oversized_upload_gets_the_answer_not_a_reset(serve: Callable[..., int], error_status: str) -> None:
    # 3 MB against a limit of 1 KiB, written 64 KiB at a time: a gateway that
    # answered and closed at once reset the connection under the client
    port = serve("asgi", max_body_bytes=1024, error_status=error_status)
    status = 200 if error_status == "api" else 413
    piece = b"x" * 65536
    for _ in range(3):
        text = assert_refused(_stream(port, iter([piece] * 48), JSON), status, 400)
        assert text == "Incorrect request: the body is over the gateway's limit of 1024 bytes"
        sized = {**JSON, "Content-Length": str(48 * len(piece))}
        assert_refused(_stream(port, iter([piece] * 48), sized), status, 400)
    # WSGI (wsgiref reads no chunked bodies): by Content-Length
    port = serve("wsgi", max_body_bytes=1024, error_status=error_status)
    for _ in range(3):
        assert_refused(_stream(port, iter([piece] * 48), {**JSON, "Content-Length": str(48 * len(piece))}), status, 400)


def test_a_client_waiting_for_100_continue_is_answered_at_once(serve: Callable[..., int]) -> None:
    port = serve("asgi", max_body_bytes=1024)
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as sock:
        sock.sendall(
            f"POST {EDIT} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {10**7}\r\nExpect: 100-continue\r\n\r\n".encode()
        )
        received = b""
        while b"</" not in received and not received.endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            received += data
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")  # the final answer, no 100 Continue first
    assert b"connection: close" in head.lower()
    assert json.loads(body)["error"] == 400


def test_an_answer_before_the_body_reads_the_body_first(serve: Callable[..., int]) -> None:
    # refused on the method alone: the body the client is sending is still taken
    port = serve("asgi", unknown_endpoints="refuse")
    piece = b"x" * 65536
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        for _ in range(2):  # and the connection stays open for the next request
            conn.request("POST", "/api/v1.1/new/method", body=iter([piece] * 32), headers=JSON, encode_chunked=True)
            response = conn.getresponse()
            assert (response.status, json.loads(response.read())["error"]) == (200, 501)
            assert response.getheader("connection") is None
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        (
            "billion laughs",
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml>&b;</xml>',
            "text/xml",
        ),
        ("external entity", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>', "text/xml"),
        (
            "xinclude",
            b'<xml xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd"/></xml>',
            "text/xml",
        ),
        ("deep json", b'{"weights":' * 10_000 + b"1" + b"}" * 10_000, "application/json"),
        ("deep xml", b"<xml>" + b"<a>" * 10_000 + b"</a>" * 10_000 + b"</xml>", "text/xml"),
        ("huge integer json", b'{"rel_id": ' + b"9" * 1_000_000 + b"}", "application/json"),
        ("huge integer xml", b"<xml><rel_id>" + b"9" * 1_000_000 + b"</rel_id></xml>", "text/xml"),
        ("utf-16 as utf-8", '{"rel_id": 2}'.encode("utf-16"), "application/json"),
        ("nul bytes", b'{"rel_id": 2}\x00\x00', "application/json"),
    ],
)
def test_hostile_bodies_are_refused_quickly(
    serve: Callable[..., int], kind: str, name: str, body: bytes, content_type: str
) -> None:
    started = time.monotonic()
    reply = send(serve(kind), EDIT, body, {"Content-Type": content_type})
    assert time.monotonic() - started < 2, name
    assert_refused(reply, 200, 400, "xml" if "xml" in content_type else "json")


def test_the_error_text_is_escaped_not_injected(serve: Callable[..., int], kind: str) -> None:
    hostile = '</error_text><error>0</error><x a="'
    body = json.dumps({**VALID, "rel_id": hostile}).encode()
    reply = send(serve(kind), EDIT, body, {**JSON, "Accept": "application/xml"})
    text = assert_refused(reply, 200, 450, "xml")
    assert hostile in text
    assert b"<error>0</error>" not in reply.body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1.1/relations/../relations/edit",
        "/api/v1.1/relations/./edit",
        "/api/v1.1//relations/edit",
        "//api/v1.1/relations/edit",
        "/api/v1.1/relations/edit%00",
        "/api/v1.1/relations/edit;.json",
    ],
)
def test_paths_that_routers_may_rewrite_are_refused(serve: Callable[..., int], kind: str, path: str) -> None:
    reply = send(serve(kind), path, b'{"rel_id": "two"}', JSON)
    if kind == "wsgi" and path.startswith("//"):
        # http.server collapses the leading slashes itself, for every app: what
        # the upstream sees is relations/edit, so that is what is checked
        assert_refused(reply, 200, 450)
    else:
        assert_refused(reply, 200, 400)


def test_percent_escapes_in_the_method_path(serve: Callable[..., int], kind: str) -> None:
    path = "/api/v1.1/relations%2Fedit"
    reply = send(serve(kind), path, b'{"rel_id": "two"}', JSON)
    if kind == "asgi":  # raw_path shows the escape: refused
        assert_refused(reply, 200, 400)
    else:  # WSGI has only the decoded path, which the upstream sees too: checked as relations/edit
        assert_refused(reply, 200, 450)


def test_a_repeated_content_type_is_refused(serve: Callable[..., int]) -> None:
    headers = [("Content-Type", "application/json"), ("Content-Type", "text/xml")]
    assert_refused(send(serve("asgi"), EDIT, VALID_JSON, headers), 200, 400)


def test_a_bad_content_length_is_refused(serve: Callable[..., int]) -> None:
    # wsgiref passes any Content-Length on; the middleware refuses what is not a number
    reply = send(serve("wsgi"), EDIT, b"", [("Content-Type", "application/json"), ("Content-Length", "2x")])
    assert_refused(reply, 200, 400)


def test_asgi_content_length_checks_without_a_server() -> None:
    # h11 (uvicorn) refuses or merges such headers itself; other servers may not
    async def call(headers: list[tuple[bytes, bytes]]) -> tuple[int, dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send_(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": EDIT, "headers": headers, "query_string": b""}
        await AltcraftValidationMiddleware(echo_asgi, max_body_bytes=100)(scope, receive, send_)
        return sent[0]["status"], json.loads(sent[1]["body"])

    ct = (b"content-type", b"application/json")
    assert asyncio.run(call([ct, (b"content-length", b"2, 2")]))[1]["error"] == 400
    for digits in (b"\xb2", b"2\xb9", b"+2", b" 2x"):  # "²", "2¹": str.isdigit's, not a length
        answer = asyncio.run(call([ct, (b"content-length", digits)]))[1]
        assert (answer["error"], "is not a number" in answer["error_text"]) == (400, True), digits
    assert asyncio.run(call([ct, (b"content-length", b" 2 ")]))[1]["error"] == 450  # padded: read as 2
    assert asyncio.run(call([ct, (b"content-length", b"2"), (b"content-length", b"3")]))[1]["error"] == 400
    status, body = asyncio.run(call([ct, (b"content-length", b"101")]))
    assert (status, body["error"]) == (200, 400)
    assert asyncio.run(call([ct, (b"content-length", b"2")]))[1]["error"] == 450


def _call_wsgi(app: Any, body: bytes, **environ: Any) -> tuple[str, dict[str, Any], io.BytesIO]:
    """Call a WSGI middleware without a server: (status, decoded answer, the input stream)."""
    stream = io.BytesIO(body)
    base = {"REQUEST_METHOD": "POST", "PATH_INFO": EDIT, "CONTENT_TYPE": "application/json", "wsgi.input": stream}
    started: list[str] = []
    chunks = app({**base, **environ}, lambda status, headers: started.append(status))
    return started[0], json.loads(b"".join(chunks)), stream


def test_wsgi_bodies_without_a_length_and_refused_bodies_are_read_to_the_end() -> None:
    app = AltcraftValidationWSGIMiddleware(echo_wsgi, max_body_bytes=100, error_status="http")
    big = b"x" * 5000
    # read to the end when the server says the input ends (chunked): over the limit, 413, and drained
    status, answer, stream = _call_wsgi(app, big, **{"wsgi.input_terminated": True})
    assert (status, answer["error"]) == ("413 Request Entity Too Large", 400)
    assert stream.read() == b""
    # by Content-Length: refused before reading, then drained so that the client gets the answer
    status, answer, stream = _call_wsgi(app, big, CONTENT_LENGTH=str(len(big)))
    assert (status, answer["error"], stream.read()) == ("413 Request Entity Too Large", 400, b"")
    # a refused method: the body is drained too
    refusing = AltcraftValidationWSGIMiddleware(echo_wsgi, unknown_endpoints="refuse")
    status, answer, stream = _call_wsgi(refusing, big, CONTENT_LENGTH="5000", PATH_INFO="/api/v1.1/new/method")
    assert (status, answer["error"], stream.read()) == ("200 OK", 501, b"")
    # neither a length nor the end marked: no body (PEP 3333), the empty request
    status, answer, stream = _call_wsgi(app, b'{"rel_id": 2}')
    assert (status, answer["error"]) == ("422 Unprocessable Entity", 450)
    assert "'rel_id' is a required property" in answer["error_text"]
    # a length that is no number, even one str.isdigit() takes
    for length in ("2x", "²"):
        status, answer, _ = _call_wsgi(app, b"{}", CONTENT_LENGTH=length)
        assert (status, answer["error"]) == ("400 Bad Request", 400)


# --- connections -------------------------------------------------------------------


def test_keep_alive_connections_survive_answers_and_passes(serve: Callable[..., int]) -> None:
    port = serve("asgi")
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        for _ in range(3):
            assert send(port, EDIT, VALID_JSON, JSON, connection=conn).body == VALID_JSON
            assert_refused(send(port, EDIT, b'{"rel_id": "x"}', JSON, connection=conn), 200, 450)
            assert_refused(send(port, EDIT, b"{", JSON, connection=conn), 200, 400)
            assert send(port, "/health", method="GET", connection=conn).reached_upstream
    finally:
        conn.close()


def test_concurrent_requests_large_and_small(serve: Callable[..., int]) -> None:
    port = serve("asgi")
    large = json.dumps({**VALID, "weights": {f"w{i}": "x" * 50 for i in range(3000)}}).encode()
    assert len(large) > 64 * 1024  # validated off the event loop
    bad_large = large.replace(b'"rel_id": 2', b'"rel_id": "2"')

    def one(index: int) -> None:
        if index % 3 == 0:
            assert send(port, EDIT, large, JSON).body == large
        elif index % 3 == 1:
            assert_refused(send(port, EDIT, bad_large, JSON), 200, 450)
        else:
            assert send(port, EDIT, VALID_XML, XML).body == VALID_XML

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(one, range(24)))


def test_other_requests_are_served_while_a_costly_body_is_checked(
    serve: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A body whose check takes long (here made to take 2 s; a real one: tens of
    # thousands of violations to describe) must not hold up the event loop.
    import codec.gateway

    checking = threading.Event()
    real = codec.gateway.read_body

    def slow(head: Any, body: bytes, **options: Any) -> Any:
        if len(body) > 10_000:
            checking.set()
            time.sleep(2)  # blocks whatever thread runs it, as pure-Python validation does
        return real(head, body, **options)

    monkeypatch.setattr(codec.gateway, "read_body", slow)
    port = serve("asgi")
    costly = b'{"ids": [' + b",".join([b'"x"'] * 5000) + b"]}"
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(send, port, "/api/v1.1/market/products/delete", costly, JSON)
        assert checking.wait(TIMEOUT)
        for _ in range(3):
            assert send(port, EDIT, VALID_JSON, JSON).reached_upstream
            assert_refused(send(port, EDIT, b'{"rel_id": "x"}', JSON), 200, 450)
        assert not pending.done()  # served while the costly one was still being checked
        assert_refused(pending.result(), 200, 450)


def test_a_body_of_many_violations_is_checked_off_the_loop(serve: Callable[..., int]) -> None:
    # the real thing: 15,000 violations in 60 KB (once checked on the loop,
    # which then stood still for seconds) take long to describe; a small
    # request sent meanwhile is answered before them
    port = serve("asgi")
    costly = b'{"ids": [' + b",".join([b'"x"'] * 15_000) + b"]}"
    assert len(costly) < 64 * 1024

    def timed() -> tuple[Reply, float]:
        reply = send(port, "/api/v1.1/market/products/delete", costly, JSON)
        return reply, time.monotonic()

    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        pending = pool.submit(timed)
        time.sleep(0.05)
        small = send(port, EDIT, VALID_JSON, JSON)
        small_done = time.monotonic()
        reply, costly_done = pending.result()
    assert small.reached_upstream
    assert assert_refused(reply, 200, 450).endswith("; and 14980 more")
    if costly_done - started > 0.5:  # slow enough to tell: the small one did not wait for it
        assert small_done < costly_done - 0.2


# --- the example -----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gateway.py"


def _run_example(command: list[str], **options: Any) -> tuple[subprocess.Popen[str], int, str]:
    """Start the example; its process, port and first line ("gateway (ASGI) on http://...")."""
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
    assert server.stdout is not None
    line = server.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        server.kill()
        _, err = server.communicate(timeout=TIMEOUT)
        raise AssertionError(f"the example did not start: {line!r} {err}")
    return server, int(match.group(1)), line


def _stop(server: subprocess.Popen[str]) -> None:
    server.terminate()
    server.communicate(timeout=TIMEOUT)


def _check_the_demo(port: int) -> None:
    reply = send(port, EDIT, VALID_JSON, JSON)
    assert reply.status == 200
    assert json.loads(reply.body)["upstream_saw"] == {
        "method": "relations/edit",
        "content_type": "application/json",
        "bytes": len(VALID_JSON),
    }
    assert_refused(send(port, EDIT, INVALID_XML, XML), 200, 450, "xml")


def test_the_example_runs(loopback_only: None) -> None:
    help_text = subprocess.run(
        [sys.executable, str(EXAMPLE), "--help"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "--require-token" in help_text
    server, port, line = _run_example([sys.executable, str(EXAMPLE), "--port", "0", "--strict"])
    try:
        assert line.startswith("gateway (ASGI) on ")
        _check_the_demo(port)
    finally:
        _stop(server)


def test_the_readme_and_the_example_name_the_same_install(loopback_only: None) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = EXAMPLE.read_text(encoding="utf-8")
    for command in (".venv/bin/pip install '.[gateway]'", ".venv/bin/python examples/gateway.py"):
        assert command in readme
        assert command in example
    assert "gateway = [" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_example_runs_from_a_fresh_install_of_the_package(installed: dict[str, Any], tmp_path: Path) -> None:
    # what a user has after the README's install command (pip install ., no
    # extras): the package in a fresh venv, no uvicorn, the script run from the clone
    python = Path(str(installed["venv"])) / "bin" / "python"
    server, port, line = _run_example([str(python), str(EXAMPLE), "--port", "0"], cwd=ROOT, env=_clean_env())
    try:
        assert line.startswith("gateway (WSGI) on ")
        assert "uvicorn is not installed" in line
        _check_the_demo(port)
    finally:
        _stop(server)
    # run by a Python without the package (the cause of the ModuleNotFoundError users
    # met: `python` is not the venv's): says so and how to fix it, not a traceback
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", bare], check=True, timeout=60, env=_clean_env())
    done = subprocess.run(
        [bare / "bin" / "python", EXAMPLE], capture_output=True, text=True, timeout=60, check=False, env=_clean_env()
    )
    assert done.returncode == 1
    assert done.stderr.startswith("codec is not installed for "), done.stderr
    assert ".venv/bin/python examples/gateway.py" in done.stderr
