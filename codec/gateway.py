"""ASGI and WSGI middleware that check Altcraft API requests before they go on.

Wrap the application (or proxy) that forwards requests to an Altcraft
installation; no web framework is needed::

    from codec.gateway import AltcraftValidationMiddleware, AltcraftValidationWSGIMiddleware

    asgi_app = AltcraftValidationMiddleware(upstream_asgi_app, strict=True)
    wsgi_app = AltcraftValidationWSGIMiddleware(upstream_wsgi_app, convert_xml_to_json=True)

For each HTTP request under ``/api/v1.1/`` the middleware reads the body as
the API would (:mod:`codec.http`), validates it against the endpoint's request
schema, and then either answers it itself, with an Altcraft-style error body
in the caller's format, or passes it on:

- **valid**: passed on with the body byte for byte as received (a fresh
  ASGI ``receive`` channel / WSGI ``wsgi.input``), or, with
  ``convert_xml_to_json``, an XML body converted to JSON (``Content-Type:
  application/json; charset=utf-8``, ``Content-Length`` set, any
  ``Transfer-Encoding`` dropped). All other headers go on unchanged.
- **invalid** (fails the schema): ``{"error": 450, "error_text": "Request
  validation error: /rel_id: 'x' is not of type 'integer'; ..."}``, listing
  the failing JSON Pointer paths (and XML lines), at most 20 of them.
- **unreadable**: 400 (malformed JSON or XML, a non-canonical path, a
  repeated Content-Type), 415 (Content-Type, Content-Encoding or charset not
  supported), as the API's own codes.
- **unknown endpoint** (no schema): passed on untouched with
  ``unknown_endpoints="pass"`` (XML is still converted when
  ``convert_xml_to_json`` is set), or answered 501 "The method does not
  exist" with ``"refuse"``.
- **too large** (over ``max_body_bytes``, by Content-Length or as read):
  HTTP **413** with API error 400 in the body, always, and the body is not
  read further. (The API's own 413 means "database not available", so it is
  not used for this.)

**HTTP status.** The API answers HTTP 200 and reports errors in ``error``; by
default (``error_status="api"``) the middleware does the same, so a client
cannot tell a gateway refusal from an Altcraft one and existing error
handling works unchanged. ``error_status="http"`` sends the HTTP status that
names each failure instead: 400, 404 (501), 415, 422 (450). Oversized bodies
are 413 either way, since their body is never read.

Requests outside ``/api/v1.1/`` and non-HTTP ASGI scopes (lifespan,
websocket) pass through untouched; every HTTP method is checked the same way.
Bodies over 64 KiB are validated in a worker thread under asyncio, so the
event loop is not held up by big batch calls.
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final, Generic, Literal, TypeAlias, TypeVar

from ._limits import DEFAULT_LIMITS
from .http import (
    JSON_CONTENT_TYPE,
    Headers,
    HttpError,
    _fields,
    _known,
    _negotiate,
    _params,
    _read,
    _single,
    endpoint_from_path,
    parse_content_type,
    render_response,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "AltcraftValidationMiddleware",
    "AltcraftValidationWSGIMiddleware",
    "ErrorStatus",
    "UnknownEndpoints",
]

UnknownEndpoints: TypeAlias = Literal["pass", "refuse"]
ErrorStatus: TypeAlias = Literal["api", "http"]

DEFAULT_MAX_BODY_BYTES: Final = 16 * 1024 * 1024
_INLINE_BYTES: Final = 64 * 1024  # larger bodies are validated off the event loop

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]
StartResponse: TypeAlias = Callable[..., Any]
WSGIApp: TypeAlias = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class _Answer:
    """A response the gateway sends itself."""

    status: int
    content_type: str
    body: bytes
    close: bool = False


@dataclass(frozen=True, slots=True)
class _Forward:
    """Pass the request on with this body; ``content_type`` set when it was converted."""

    body: bytes
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A request to read and check: what is known before its body."""

    method: str
    endpoint: str
    fields: dict[str, list[str]]
    query: str | bytes


class _Gate:
    """The decisions both middlewares share; no I/O."""

    def __init__(
        self,
        *,
        strict: bool,
        convert_xml_to_json: bool,
        unknown_endpoints: UnknownEndpoints,
        max_body_bytes: int,
        error_status: ErrorStatus,
    ) -> None:
        if unknown_endpoints not in ("pass", "refuse"):
            raise ValueError(f"unknown_endpoints must be 'pass' or 'refuse', not {unknown_endpoints!r}")
        if error_status not in ("api", "http"):
            raise ValueError(f"error_status must be 'api' or 'http', not {error_status!r}")
        if type(max_body_bytes) is not int or max_body_bytes < 0:
            raise ValueError(f"max_body_bytes must be a non-negative int, not {max_body_bytes!r}")
        self.strict = strict
        self.convert = convert_xml_to_json
        self.unknown = unknown_endpoints
        self.max_body_bytes = max_body_bytes
        self.error_status = error_status

    def answer(self, error: HttpError) -> _Answer:
        content_type, body = error.render()
        oversized = error.status == 413
        status = error.status if self.error_status == "http" or oversized else 200
        return _Answer(status, content_type, body, close=oversized)

    def refuse(self, fields: Mapping[str, list[str]], query: str | bytes, code: int, text: str, status: int) -> _Answer:
        fmt = _negotiate(fields, _params(query, strict=False), None)
        return self.answer(HttpError(code, text, status=status, response_format=fmt))

    def start(
        self, method: str, path: str, raw_path: str | None, headers: Headers, query: str | bytes
    ) -> _Plan | _Answer | None:
        """Before the body: a plan to read it, an answer, or ``None`` to pass the request on untouched."""
        fields = _fields(headers)
        try:
            endpoint = endpoint_from_path(path, raw_path=raw_path)
        except HttpError as error:
            return self.refuse(fields, query, error.code, error.text, error.status)
        if endpoint is None:
            return None
        if endpoint not in _known():
            if self.unknown == "refuse":
                text = f"The method does not exist: {endpoint} (no schema; the gateway refuses unknown methods)"
                return self.refuse(fields, query, 501, text, 404)
            if not (self.convert and _is_xml(fields)):
                return None
        plan = _Plan(method, endpoint, fields, query)
        try:
            length = _single(fields, "content-length")
        except HttpError:
            return self.refuse(fields, query, 400, "Incorrect request: the Content-Length header is repeated", 400)
        if length is not None:
            length = length.strip()
            if not length.isdigit() or not length.isascii():
                return self.bad_length(plan, f"Content-Length {length[:40]!r} is not a number")
            if int(length) > self.max_body_bytes:
                return self.too_large(plan, int(length))
        return plan

    def too_large(self, plan: _Plan, size: int | None = None) -> _Answer:
        shown = f"{size} bytes" if size is not None else "the body"
        text = f"Incorrect request: {shown} is over the gateway's limit of {self.max_body_bytes} bytes"
        return self.refuse(plan.fields, plan.query, 400, text, 413)

    def bad_length(self, plan: _Plan, detail: str) -> _Answer:
        return self.refuse(plan.fields, plan.query, 400, f"Incorrect request: {detail}", 400)

    def finish(self, plan: _Plan, body: bytes) -> _Answer | _Forward:
        """Check a request whose body has been read."""
        try:
            request = _read(
                plan.method,
                plan.endpoint,
                plan.fields,
                plan.query,
                body,
                validate=True,
                strict=self.strict,
                limits=DEFAULT_LIMITS,
            )
        except HttpError as error:
            return self.answer(error)
        if self.convert and request.request_format == "xml" and body:
            _, converted = render_response(request.payload, "json")
            return _Forward(converted, JSON_CONTENT_TYPE)
        return _Forward(body)


def _is_xml(fields: Mapping[str, list[str]]) -> bool:
    try:
        value = _single(fields, "content-type")
    except HttpError:
        return True  # repeated: read it, and refuse it
    return value is not None and parse_content_type(value)[0] in ("application/xml", "text/xml")


_App = TypeVar("_App")


class _Middleware(Generic[_App]):
    """The options both middlewares take, held as a :class:`_Gate`."""

    def __init__(
        self,
        app: _App,
        *,
        strict: bool = False,
        convert_xml_to_json: bool = False,
        unknown_endpoints: UnknownEndpoints = "pass",
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        error_status: ErrorStatus = "api",
    ) -> None:
        self.app = app
        self._gate = _Gate(
            strict=strict,
            convert_xml_to_json=convert_xml_to_json,
            unknown_endpoints=unknown_endpoints,
            max_body_bytes=max_body_bytes,
            error_status=error_status,
        )


# --- ASGI ---------------------------------------------------------------------


class AltcraftValidationMiddleware(_Middleware[ASGIApp]):
    """ASGI 3 middleware that validates Altcraft API requests (see the module doc).

    Args:
        app: the ASGI application to pass valid requests to.
        strict: refuse members the endpoint schema does not document, at every level.
        convert_xml_to_json: pass XML bodies on as JSON.
        unknown_endpoints: ``"pass"`` methods without a schema on unchecked, or
            ``"refuse"`` them with the API's 501.
        max_body_bytes: the largest body read (default 16 MiB); larger is
            answered HTTP 413.
        error_status: ``"api"`` (HTTP 200, as the API) or ``"http"`` (4xx).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gate = self._gate
        path: str = scope.get("path", "")
        raw = scope.get("raw_path")
        raw_path = raw.decode("latin-1").partition("?")[0] if isinstance(raw, bytes) else None
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers", ()))
        plan = gate.start(scope.get("method", "POST"), path, raw_path, headers, scope.get("query_string", b""))
        if plan is None:
            await self.app(scope, receive, send)
            return
        if isinstance(plan, _Answer):
            await _send_answer(send, plan)
            return
        body = await _read_body(receive, gate.max_body_bytes)
        if body is None:
            return  # the client went away
        if isinstance(body, _Overflow):
            await _send_answer(send, gate.too_large(plan))
            return
        check = functools.partial(gate.finish, plan, body)
        result = await _run(check) if len(body) > _INLINE_BYTES else check()
        if isinstance(result, _Answer):
            await _send_answer(send, result)
            return
        if result.content_type is not None:
            scope = dict(scope)
            scope["headers"] = _converted_headers(headers, result.content_type, len(result.body))
        await self.app(scope, _replay(result.body, receive), send)


class _Overflow:
    """The body went past the limit."""


_TOO_LARGE: Final = _Overflow()


async def _read_body(receive: Receive, limit: int) -> bytes | _Overflow | None:
    """The whole request body; ``_TOO_LARGE`` past ``limit``; ``None`` on disconnect."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        kind = message.get("type")
        if kind == "http.disconnect":
            return None
        if kind != "http.request":
            continue
        chunk = message.get("body", b"") or b""
        size += len(chunk)
        if size > limit:
            return _TOO_LARGE
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that gives ``body`` once, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _run(check: Callable[[], _Answer | _Forward]) -> _Answer | _Forward:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio (trio...): validate inline
        return check()
    return await loop.run_in_executor(None, check)


def _converted_headers(headers: list[tuple[bytes, bytes]], content_type: str, length: int) -> list[tuple[bytes, bytes]]:
    dropped = (b"content-type", b"content-length", b"transfer-encoding")
    kept = [(name, value) for name, value in headers if name.lower() not in dropped]
    return [*kept, (b"content-type", content_type.encode("latin-1")), (b"content-length", str(length).encode())]


async def _send_answer(send: Send, answer: _Answer) -> None:
    headers = [
        (b"content-type", answer.content_type.encode("latin-1")),
        (b"content-length", str(len(answer.body)).encode()),
    ]
    if answer.close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


# --- WSGI ---------------------------------------------------------------------


class AltcraftValidationWSGIMiddleware(_Middleware[WSGIApp]):
    """WSGI (PEP 3333) middleware that validates Altcraft API requests (see the module doc).

    Takes the same options as :class:`AltcraftValidationMiddleware`. The body
    is read by ``CONTENT_LENGTH``; without one it is read to the end only when
    the server sets ``wsgi.input_terminated``, and is otherwise empty (as
    PEP 3333 requires). The application always gets a fresh ``wsgi.input``
    holding exactly the body that was checked.
    """

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        gate = self._gate
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        raw_path = raw_uri.partition("?")[0] if isinstance(raw_uri, str) and raw_uri.startswith("/") else None
        method = environ.get("REQUEST_METHOD", "POST")
        plan = gate.start(method, path, raw_path, _environ_headers(environ), environ.get("QUERY_STRING", ""))
        if plan is None:
            return self.app(environ, start_response)
        if isinstance(plan, _Answer):
            return _wsgi_answer(start_response, plan)
        body = self._read(environ, plan)
        if isinstance(body, _Answer):
            return _wsgi_answer(start_response, body)
        result = gate.finish(plan, body)
        if isinstance(result, _Answer):
            return _wsgi_answer(start_response, result)
        environ = dict(environ)
        environ["wsgi.input"] = io.BytesIO(result.body)
        environ["CONTENT_LENGTH"] = str(len(result.body))
        if result.content_type is not None:
            environ["CONTENT_TYPE"] = result.content_type
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def _read(self, environ: dict[str, Any], plan: _Plan) -> bytes | _Answer:
        """The body: CONTENT_LENGTH bytes (checked by the plan), or to the end if terminated."""
        gate = self._gate
        stream = environ["wsgi.input"]
        length_text = str(environ.get("CONTENT_LENGTH") or "").strip()
        if length_text:
            length = int(length_text)
            body = _read_exactly(stream, length)
            if len(body) < length:
                return gate.bad_length(plan, f"the body ended after {len(body)} of {length} bytes")
            return body
        if environ.get("wsgi.input_terminated"):
            body = _read_exactly(stream, gate.max_body_bytes + 1)
            if len(body) > gate.max_body_bytes:
                return gate.too_large(plan)
            return body
        return b""


def _read_exactly(stream: Any, length: int) -> bytes:
    chunks: list[bytes] = []
    left = length
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _environ_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    headers = [
        (key[5:].replace("_", "-").lower(), value)
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    ]
    for key, name in (("CONTENT_TYPE", "content-type"), ("CONTENT_LENGTH", "content-length")):
        value = environ.get(key)
        if value:
            headers.append((name, str(value)))
    return headers


def _wsgi_answer(start_response: StartResponse, answer: _Answer) -> list[bytes]:
    # No Connection header: PEP 3333 leaves hop-by-hop headers to the server.
    status = f"{answer.status} {HTTPStatus(answer.status).phrase}"
    start_response(status, [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))])
    return [answer.body]
