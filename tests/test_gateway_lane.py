"""The gateway's compiled lane (codec.http.asgi_lane) against the pure path.

The lane takes a server's common request (a valid one, in one body message)
in two calls; for anything else it says nothing and the pure path reads the
request from the start. So the middleware must answer every request, and
pass every request on, exactly as it does without the lane: these tests run
generated requests through both and compare what the client and the app get.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codec
from codec import http
from codec._accel import pure_path
from codec.gateway import AltcraftValidationMiddleware

pytestmark = pytest.mark.skipif(not codec.accelerated(), reason="pure run: no compiled lane to compare")

EDIT = "/api/v1.1/relations/edit"
# The docs' own relations/edit request example.
VALID = json.loads((Path(__file__).parents[1] / "docs/examples/relations/edit.request.json").read_text("utf-8"))[
    "payload"
]
VALID_JSON = json.dumps(VALID).encode()
VALID_XML = codec.encode(VALID)
BODIES = [
    VALID_JSON,
    VALID_XML,
    b"\xef\xbb\xbf" + VALID_JSON,  # a BOM
    json.dumps({**VALID, "rel_id": "x"}).encode(),  # a violation
    json.dumps({**VALID, "extra": 1}).encode(),  # refused by strict only
    json.dumps({**VALID, "weights": {f"w{i}": i for i in range(120)}}).encode(),  # over 1 KiB: a worker thread
    codec.encode({**VALID, "rel_id": "x"}),
    b'{"rel_id": 2,',  # malformed
    b"<xml><rel_id>2</rel_id>",
    b"[]",
    b"",
    b"{}",
    "<xml><имя>Иван</имя></xml>".encode("windows-1251"),
]
PATHS = [
    EDIT,
    EDIT + "/",
    "/api/v1.1/Relations/Edit",
    "/API/v1.1/relations/edit",
    "/api/v1.1/relations//edit",
    "/api/v1.1/no/such/method",
    "/api/v1.1/",
    "/elsewhere",
    "/api/v1.1/" + "x" * 200,
]
CONTENT_TYPES = [
    b"application/json",
    b"application/json; charset=utf-8",
    b"text/xml",
    b"application/xml; charset=windows-1251",
    b"text/plain",
    b"",
    b"application/json; charset=nope",
]


@st.composite
def requests(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A valid request the lane takes, then up to three changes, each one
    thing a request can differ in: the lane's edges are one change away."""
    xml = draw(st.booleans())
    path = EDIT
    raw_path: bytes | None = EDIT.encode()
    body = VALID_XML if xml else VALID_JSON
    content_types = [b"text/xml" if xml else b"application/json"]
    length = "right"
    extra: list[tuple[bytes, bytes]] = []
    query = b""
    split = False
    for change in draw(st.lists(st.sampled_from(CHANGES), max_size=3)):
        if change == "path":
            path = draw(st.sampled_from(PATHS))
            raw_path = path.encode()
        elif change == "raw":
            raw_path = draw(st.sampled_from([None, path.encode() + b"?x=1", path.replace("edit", "%65dit").encode()]))
        elif change == "body":  # mostly one of the same format: the lane's checks are then the ones tried
            same = [b for b in BODIES if b.lstrip(b"\xef\xbb\xbf").startswith(b"<" if xml else b"{")]
            body = draw(st.one_of(st.sampled_from(same), st.sampled_from(BODIES)))
        elif change == "content-type":
            content_types = draw(st.lists(st.sampled_from(CONTENT_TYPES), max_size=2))
        elif change == "content-length":
            length = draw(st.sampled_from(["none", "short", "huge", "word", "twice", "spaced"]))
        elif change == "header":
            extra.append(draw(st.sampled_from(EXTRA_HEADERS)))
        elif change == "query":
            query = draw(st.sampled_from([b"format=xml", b"token=t", b"x=1", b"token=a&token=b", b"format=a&format=b"]))
        elif change == "split":
            split = len(body) > 1
    headers = [(b"content-type", content_type) for content_type in content_types]
    if length != "none":
        value = {
            "right": b"%d" % len(body),
            "short": b"%d" % max(len(body) - 1, 0),
            "huge": b"%d" % 10**9,
            "word": b"ten",
            "twice": b"%d" % len(body),
            "spaced": b" %d " % len(body),
        }[length]
        headers += [(b"content-length", value)] * (2 if length == "twice" else 1)
    headers += extra
    draw(st.randoms()).shuffle(headers)
    scope: dict[str, Any] = {"type": "http", "method": "POST", "path": path, "headers": headers, "query_string": query}
    if raw_path is not None:
        scope["raw_path"] = raw_path
    if split:
        messages = [
            {"type": "http.request", "body": body[:1], "more_body": True},
            {"type": "http.request", "body": body[1:], "more_body": False},
        ]
    else:
        messages = [{"type": "http.request", "body": body, "more_body": False}]
    return scope, messages


CHANGES = ["path", "raw", "body", "content-type", "content-length", "header", "header", "query", "split"]
EXTRA_HEADERS = [
    (b"content-encoding", b"gzip"),
    (b"content-encoding", b"identity"),
    (b"content-encoding", b""),
    (b"accept", b"text/xml"),
    (b"authorization", b"Bearer t"),
    (b"expect", b"100-continue"),
    (b"Content-Type", b"application/json"),
    (b"transfer-encoding", b"chunked"),
    (b"x-custom", b"\xff"),
]
# http caches the header names it has lowered; the lane reads only cached
# names (others go to the pure path, which caches them): every name here is
# seen once first, so that the lane meets each in its first example.
http.read_head("POST", EDIT, [(b"content-type", b"text/xml"), (b"content-length", b"1"), *EXTRA_HEADERS])


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    got = json.dumps({"headers": [[n.decode("latin-1"), v.decode("latin-1")] for n, v in scope["headers"]]})
    await send({"type": "http.response.start", "status": 299, "headers": [(b"x-app", b"1")]})
    await send({"type": "http.response.body", "body": b"".join(chunks) + b"|" + got.encode()})


def _run(middleware: AltcraftValidationMiddleware, scope: dict[str, Any], messages: list[dict[str, Any]]) -> Any:
    pending = [dict(message) for message in messages]
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(middleware(dict(scope), receive, send))
    return sent


OPTIONS = st.fixed_dictionaries(
    {
        "strict": st.booleans(),
        "convert_xml_to_json": st.booleans(),
        "max_body_bytes": st.sampled_from([100, 16 * 1024 * 1024]),
        "error_status": st.sampled_from(["api", "http"]),
        "unknown_endpoints": st.sampled_from(["pass", "refuse"]),
    }
)


@settings(max_examples=1000)
@given(requests(), OPTIONS)
def test_every_request_is_answered_and_passed_on_as_without_the_lane(
    request: tuple[dict[str, Any], list[dict[str, Any]]], options: dict[str, Any]
) -> None:
    scope, messages = request
    with_lane = AltcraftValidationMiddleware(_app, **options)
    with pure_path():
        without = AltcraftValidationMiddleware(_app, **options)
    assert with_lane._lane is not None and without._lane is None
    assert _run(with_lane, scope, messages) == _run(without, scope, messages)


def _scope(content_type: bytes, body: bytes) -> dict[str, Any]:
    headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
    return {"type": "http", "method": "POST", "path": EDIT, "raw_path": EDIT.encode(), "headers": headers}


@pytest.mark.parametrize(("content_type", "body"), [(b"application/json", VALID_JSON), (b"text/xml", VALID_XML)])
def test_the_lane_takes_a_valid_request_alone(
    content_type: bytes, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    middleware = AltcraftValidationMiddleware(_app)
    lane = middleware._lane
    state = lane.head(_scope(content_type, body))
    assert state is not None
    assert lane.body(state, {"type": "http.request", "body": body, "more_body": False}) == (body, None)
    # ... and forwards it without read_head and read_body
    import codec.gateway

    def unused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the pure path ran")

    monkeypatch.setattr(codec.gateway, "read_head", unused)
    monkeypatch.setattr(codec.gateway, "read_body", unused)
    sent = _run(middleware, _scope(content_type, body), [{"type": "http.request", "body": body, "more_body": False}])
    assert sent[0]["status"] == 299 and sent[1]["body"].startswith(body + b"|")


def test_the_lane_leaves_what_it_does_not_take_to_the_pure_path() -> None:
    lane = http.asgi_lane(strict=False, limits=codec.Limits(), max_body_bytes=1024, convert_xml_to_json=False)
    assert lane.head({**_scope(b"application/json", VALID_JSON), "query_string": b"format=xml"}) is None
    assert lane.head({**_scope(b"application/json", VALID_JSON), "path": "/api/v1.1/no/such"}) is None
    state = lane.head(_scope(b"application/json", VALID_JSON))
    invalid = json.dumps({**VALID, "rel_id": "x"}).encode()
    assert lane.body(state, {"type": "http.request", "body": invalid, "more_body": False}) is None
    assert lane.body(state, {"type": "http.request", "body": VALID_JSON, "more_body": True}) is None
    assert lane.body(state, {"type": "http.request", "body": VALID_JSON * 10, "more_body": False}) is None
    with pure_path():
        assert http.asgi_lane(strict=False, limits=codec.Limits(), max_body_bytes=1, convert_xml_to_json=False) is None


def test_the_lane_converts_xml_as_render_response_writes_it() -> None:
    lane = http.asgi_lane(strict=False, limits=codec.Limits(), max_body_bytes=1024, convert_xml_to_json=True)
    state = lane.head(_scope(b"text/xml", VALID_XML))
    converted = lane.body(state, {"type": "http.request", "body": VALID_XML, "more_body": False})
    content_type, expected = http.render_response(VALID, "json")
    assert converted == (expected, content_type)
    assert json.loads(expected) == VALID
    # JSON bodies go on as they are
    state = lane.head(_scope(b"application/json", VALID_JSON))
    assert lane.body(state, {"type": "http.request", "body": VALID_JSON, "more_body": False}) == (VALID_JSON, None)


def test_require_token_takes_no_lane() -> None:
    assert AltcraftValidationMiddleware(_app, require_token=True)._lane is None


def test_a_failure_inside_the_lane_is_answered_as_the_pure_path_answers_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    # Endpoints not prepared yet, and preparing one fails: the lane hands the
    # request over, and the pure path answers the API's 500 (and logs it).
    monkeypatch.setattr(http, "_prepare_endpoint", broken)
    monkeypatch.setattr(http, "_REQUEST_ENDPOINTS", {})
    middleware = AltcraftValidationMiddleware(_app)
    sent = _run(middleware, _scope(b"application/json", VALID_JSON), [{"type": "http.request", "body": VALID_JSON}])
    assert json.loads(sent[1]["body"]) == {
        "error": 500,
        "error_text": "Internal service error: the gateway could not check the request",
    }
