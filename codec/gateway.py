"""ASGI and WSGI middleware that check Altcraft API requests before they go on.

Wrap the application (or proxy) that forwards requests to an Altcraft
installation; no web framework is needed::

    from codec.gateway import AltcraftValidationMiddleware, AltcraftValidationWSGIMiddleware

    asgi_app = AltcraftValidationMiddleware(upstream_asgi_app, strict=True)
    wsgi_app = AltcraftValidationWSGIMiddleware(upstream_wsgi_app, convert_xml_to_json=True)

For each HTTP request under ``/api/v1.1/`` the middleware reads the body as
the API would (:mod:`codec.http`), validates it against the endpoint's request
schema, and then either answers it itself or passes it on:

- **valid**: passed on with the body byte for byte as received (a fresh
  ASGI ``receive`` channel / WSGI ``wsgi.input``), or, with
  ``convert_xml_to_json``, an XML body converted to JSON (``Content-Type:
  application/json; charset=utf-8``, ``Content-Length`` set, any
  ``Transfer-Encoding`` dropped). All other headers go on unchanged.
- **invalid** (fails the schema): 450, ``"Request validation error: /rel_id:
  'x' is not of type 'integer'; ..."``, listing the failing JSON Pointer paths
  (and XML lines), at most 20 of them.
- **unreadable**: 400 (malformed JSON or XML, a non-canonical path, a
  repeated header, a body over ``max_body_bytes``), 415 (Content-Type,
  Content-Encoding or charset not supported).
- **no token** (with ``require_token``): 401 "API token required" when
  neither the body's ``token``, an ``Authorization: Bearer`` header nor the
  ``token`` query parameter carries one. The API reads a token from any of the
  three (its "API interaction" page lists the URL as a place for the API key,
  while advising against it), so the gateway accepts the same three: refusing
  what the API accepts would break working clients.
- **a failure of the gateway itself** (a bug): 500 "Internal service
  error", logged with its traceback to the ``codec.gateway`` logger.
- **unknown endpoint** (no schema): passed on untouched with
  ``unknown_endpoints="pass"`` (XML is still converted when
  ``convert_xml_to_json`` is set), or answered 501 "The method does not
  exist" with ``"refuse"``.
- **empty body**: the empty request ``{}``, whatever its Content-Type (the
  API takes parameters from the body, but a call may need none beyond a
  token in the header). It is validated as ``{}``: passed on when the
  endpoint requires no member, else 450 naming the required ones.

**Every answer** the middleware gives is the API's own error body,
``{"error": N, "error_text": "..."}``, in the caller's format (the body's
``format``, the ``format`` query parameter, ``Accept``, then the format the
body came in), and its HTTP status follows one rule, set by
``error_status``:

- ``"api"`` (the default): HTTP 200, always, as the API itself answers
  errors; a client cannot tell a gateway refusal from an Altcraft one, and
  existing error handling works unchanged.
- ``"http"``: the HTTP status naming the failure: 400, 401, 404 (for 501),
  413 (a body over ``max_body_bytes``), 415, 422 (for 450), 500.

A body over ``max_body_bytes`` (by Content-Length or as read) is not kept:
like every request answered before its body is read, the rest of the body
is read and thrown away, up to 64 MiB, and then answered, so that a client
still sending gets the answer rather than a connection reset. A request that
announces more than that, or waits for ``100 Continue``, is answered at once
with ``Connection: close``.

Requests outside ``/api/v1.1/`` and non-HTTP ASGI scopes (lifespan,
websocket) pass through untouched; every HTTP method is checked the same way.
Under asyncio, bodies over 1 KiB are checked in a worker thread, so that a
costly body (thousands of violations to describe) does not hold up the event
loop: the other requests are served meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any, Final, Generic, Literal, TypeAlias, TypeVar

from ._api_errors import ApiErrorCode
from ._limits import DEFAULT_LIMITS
from .http import (
    JSON_CONTENT_TYPE,
    Headers,
    HttpError,
    RequestHead,
    asgi_lane,
    parse_content_type,
    read_body,
    read_head,
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
# Bodies above this are checked off the event loop. Checking costs time in
# proportion to the body, but steeply for a body of violations (some 60 µs
# each to describe, one per 4 bytes of JSON at worst): up to 1 KiB, that is at
# most some milliseconds; past it, a worker thread pays, and the loop goes on.
_INLINE_BYTES: Final = 1024
# The most of a refused body that is read and thrown away so that its client
# gets the answer (a server that closes a connection with unread data resets it).
_DRAIN_BYTES: Final = 64 * 1024 * 1024

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]
StartResponse: TypeAlias = Callable[..., Any]
WSGIApp: TypeAlias = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

Unread: TypeAlias = Literal["none", "drain", "close"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Answer:
    """A response the gateway sends itself.

    ``unread`` says what is left of the request body: nothing; a rest to read
    and throw away before answering (up to ``_DRAIN_BYTES``); or a rest not to
    read at all (then the connection is closed after the answer).
    """

    status: int
    content_type: str
    body: bytes
    unread: Unread = "none"


# Pass the request on with this body, and the Content-Type to give it when it
# was converted (None: unchanged). A plain tuple: made for every request that
# goes on, without a constructor call.
_Forward: TypeAlias = tuple[bytes, str | None]


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
        require_token: bool,
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
        self.require_token = require_token

    def answer(self, error: HttpError, unread: Unread = "none") -> _Answer:
        content_type, body = error.render()
        status = error.status if self.error_status == "http" else 200
        return _Answer(status, content_type, body, unread)

    def start(
        self, method: str, path: str, raw_path: str | None, headers: Headers, query: str | bytes
    ) -> RequestHead | _Answer | None:
        """Before the body: the head to read it for, an answer, or ``None`` to pass the request on untouched."""
        try:
            head = read_head(method, path, headers, query=query, raw_path=raw_path)
        except HttpError as error:
            return self.answer(error, _unread(_lower_fields(headers)))
        if head is None:
            return None
        try:
            declared = _declared_length(head)
        except HttpError as error:
            return self.answer(error, "close")  # no length to read by
        if not head.known:
            if self.unknown == "refuse":
                detail = f"{head.endpoint} (no schema; the gateway refuses unknown methods)"
                refusal = head.refusal(ApiErrorCode.NO_SUCH_METHOD, detail, status=404)
                return self.answer(refusal, _unread(head.fields, declared))
            if not (self.convert and _is_xml(head)):
                return None
        if declared is not None and declared > self.max_body_bytes:
            return self.too_large(head, declared)
        return head

    def too_large(self, head: RequestHead, size: int | None = None) -> _Answer:
        shown = f"{size} bytes" if size is not None else "the body"
        detail = f"{shown} is over the gateway's limit of {self.max_body_bytes} bytes"
        error = head.refusal(ApiErrorCode.INCORRECT_REQUEST, detail, status=413)
        return self.answer(error, _unread(head.fields, size))

    def truncated(self, head: RequestHead, got: int, length: int) -> _Answer:
        detail = f"the body ended after {got} of {length} bytes"
        return self.answer(head.refusal(ApiErrorCode.INCORRECT_REQUEST, detail, status=400), "close")

    def finish(self, head: RequestHead, body: bytes) -> _Answer | _Forward:
        """Check a request whose body has been read."""
        try:
            request = read_body(
                head,
                body,
                validate=True,
                strict=self.strict,
                require_token=self.require_token,
                limits=DEFAULT_LIMITS,
            )
        except HttpError as error:
            return self.answer(error)
        except Exception:  # a bug of the library: still answered the API's way, and logged
            _log.exception("codec.gateway could not check a request to %s", head.endpoint)
            refusal = head.refusal(ApiErrorCode.INTERNAL_ERROR, "the gateway could not check the request", status=500)
            return self.answer(refusal)
        if self.convert and request.request_format == "xml" and body:
            _, converted = render_response(request.payload, "json")
            return converted, JSON_CONTENT_TYPE
        return body, None


def _declared_length(head: RequestHead) -> int | None:
    """The Content-Length, if sent; ``HttpError`` 400 for one that is not a number."""
    values = head.fields.get("content-length")
    if values is None:
        return None
    value = values[0] if len(values) == 1 else head.header("content-length")  # refuses a repeated one
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        raise head.refusal(ApiErrorCode.INCORRECT_REQUEST, f"Content-Length {value[:40]!r} is not a number", status=400)
    return int(value) if len(value) <= 18 else 10**18


def _lower_fields(headers: Headers) -> dict[str, list[str]]:
    """The headers by lower-case name, for a request whose head could not be read."""
    pairs: Iterable[tuple[str | bytes, str | bytes]] = headers.items() if isinstance(headers, Mapping) else headers
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        text = name.decode("latin-1") if isinstance(name, bytes) else name
        fields.setdefault(text.lower(), []).append(value.decode("latin-1") if isinstance(value, bytes) else value)
    return fields


def _unread(fields: Mapping[str, list[str]], declared: int | None = None) -> Unread:
    """What to do with the body of a request answered before it was read."""
    if any(value.strip().lower() == "100-continue" for value in fields.get("expect", ())):
        return "close"  # the client sends the body only if told to go on: do not
    if declared is not None and declared > _DRAIN_BYTES:
        return "close"
    return "drain"


def _is_xml(head: RequestHead) -> bool:
    try:
        value = head.header("content-type")
    except HttpError:
        return True  # repeated: read it, and refuse it
    return value is not None and parse_content_type(value)[0] in ("application/xml", "text/xml")


_App = TypeVar("_App")


class _Middleware(Generic[_App]):
    """The options both middlewares take, held as a :class:`_Gate`."""

    _asgi: bool = False

    def __init__(
        self,
        app: _App,
        *,
        strict: bool = False,
        convert_xml_to_json: bool = False,
        unknown_endpoints: UnknownEndpoints = "pass",
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        error_status: ErrorStatus = "api",
        require_token: bool = False,
    ) -> None:
        self.app = app
        self._gate = _Gate(
            strict=strict,
            convert_xml_to_json=convert_xml_to_json,
            unknown_endpoints=unknown_endpoints,
            max_body_bytes=max_body_bytes,
            error_status=error_status,
            require_token=require_token,
        )
        # The compiled lane for the common request (codec.http.asgi_lane), for
        # ASGI: None on the pure path, and with require_token (it reads no token).
        self._lane: Any = None
        if self._asgi and not require_token:
            self._lane = asgi_lane(
                strict=strict,
                limits=DEFAULT_LIMITS,
                max_body_bytes=min(max_body_bytes, _INLINE_BYTES),  # larger ones: checked in a worker thread
                convert_xml_to_json=convert_xml_to_json,
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
            refused (400, HTTP 413 with ``error_status="http"``).
        error_status: ``"api"`` (HTTP 200, as the API) or ``"http"`` (4xx).
        require_token: refuse requests without an API token (401).
    """

    _asgi = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        result: _Forward | None = None
        lane = self._lane
        if lane is not None:
            state = lane.head(scope)
            if state is not None:
                message = await receive()
                result = lane.body(state, message)  # the body to pass on, or None
                if result is None:
                    receive = _again(message, receive)  # the pure path reads it again and decides
        if result is None:
            result = await self._check(scope, receive, send)
            if result is None:
                return  # answered, or passed on untouched
        forwarded, content_type = result
        if content_type is not None:
            scope = dict(scope)
            scope["headers"] = _converted_headers(scope.get("headers") or (), content_type, len(forwarded))
        await self.app(scope, _again({"type": "http.request", "body": forwarded, "more_body": False}, receive), send)

    async def _check(self, scope: Scope, receive: Receive, send: Send) -> _Forward | None:
        """The pure path: the body to pass on, or None once the request is
        answered (or passed on untouched)."""
        gate = self._gate
        path: str = scope.get("path", "")
        raw = scope.get("raw_path")
        raw_path = raw.decode("latin-1").partition("?")[0] if isinstance(raw, bytes) else None
        headers: Iterable[tuple[bytes, bytes]] = scope.get("headers") or ()
        head = gate.start(scope.get("method", "POST"), path, raw_path, headers, scope.get("query_string", b""))
        if head is None:
            await self.app(scope, receive, send)
            return None
        if isinstance(head, _Answer):
            await _answer(receive, send, head)
            return None
        body = await _read_body(receive, gate.max_body_bytes)
        if body is None:
            return None  # the client went away
        if isinstance(body, _Overflow):
            answer = gate.too_large(head)
            await _answer(receive, send, answer if not body.ended else replace(answer, unread="none"))
            return None
        if len(body) > _INLINE_BYTES:
            result = await _run(functools.partial(gate.finish, head, body))
        else:
            result = gate.finish(head, body)
        if isinstance(result, _Answer):
            await _answer(receive, send, result)
            return None
        return result


@dataclass(frozen=True, slots=True)
class _Overflow:
    """The body went past the limit; ``ended``: its last part has arrived."""

    ended: bool


async def _read_body(receive: Receive, limit: int) -> bytes | _Overflow | None:
    """The whole request body; an :class:`_Overflow` past ``limit``; ``None`` on disconnect."""
    message = await receive()
    if message.get("type") == "http.request" and not message.get("more_body", False):
        body: bytes = message.get("body", b"") or b""  # the whole body in one message: most requests
        return body if len(body) <= limit else _Overflow(ended=True)
    chunks: list[bytes] = []
    size = 0
    while True:
        kind = message.get("type")
        if kind == "http.disconnect":
            return None
        if kind == "http.request":
            chunk = message.get("body", b"") or b""
            more = message.get("more_body", False)
            size += len(chunk)
            if size > limit:
                return _Overflow(ended=not more)
            chunks.append(chunk)
            if not more:
                return b"".join(chunks)
        message = await receive()


async def _discard(receive: Receive, limit: int) -> bool | None:
    """Read the rest of the body and drop it: whether it ended within ``limit``; ``None`` on disconnect."""
    size = 0
    while True:
        message = await receive()
        kind = message.get("type")
        if kind == "http.disconnect":
            return None
        if kind != "http.request":
            continue
        if not message.get("more_body", False):
            return True
        size += len(message.get("body", b"") or b"")
        if size > limit:
            return False


async def _answer(receive: Receive, send: Send, answer: _Answer) -> None:
    """Send ``answer``, after reading what its client is still sending, when that is bounded."""
    close = answer.unread == "close"
    if answer.unread == "drain":
        ended = await _discard(receive, _DRAIN_BYTES)
        if ended is None:
            return  # the client went away
        close = not ended
    headers = [
        (b"content-type", answer.content_type.encode("latin-1")),
        (b"content-length", str(len(answer.body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


def _again(message: Message, receive: Receive) -> Receive:
    """A receive channel that gives ``message`` once (the body to pass on, or
    the message the lane read), then defers to the real one."""
    given = False

    async def again() -> Message:
        nonlocal given
        if not given:
            given = True
            return message
        return await receive()

    return again


async def _run(check: Callable[[], _Answer | _Forward]) -> _Answer | _Forward:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio (trio...): validate inline
        return check()
    return await loop.run_in_executor(None, check)


def _converted_headers(
    headers: Iterable[tuple[bytes, bytes]], content_type: str, length: int
) -> list[tuple[bytes, bytes]]:
    dropped = (b"content-type", b"content-length", b"transfer-encoding")
    kept = [(name, value) for name, value in headers if name.lower() not in dropped]
    return [*kept, (b"content-type", content_type.encode("latin-1")), (b"content-length", str(length).encode())]


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
        head = gate.start(method, path, raw_path, _environ_headers(environ), environ.get("QUERY_STRING", ""))
        if head is None:
            return self.app(environ, start_response)
        if isinstance(head, _Answer):
            return _wsgi_answer(environ, start_response, head)
        body = self._read(environ, head)
        if isinstance(body, _Answer):
            return _wsgi_answer(environ, start_response, body, already=gate.max_body_bytes + 1)
        result = gate.finish(head, body)
        if isinstance(result, _Answer):
            return _wsgi_answer(environ, start_response, result)
        forwarded, content_type = result
        environ = dict(environ)
        environ["wsgi.input"] = io.BytesIO(forwarded)
        environ["CONTENT_LENGTH"] = str(len(forwarded))
        if content_type is not None:
            environ["CONTENT_TYPE"] = content_type
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def _read(self, environ: dict[str, Any], head: RequestHead) -> bytes | _Answer:
        """The body: CONTENT_LENGTH bytes (checked by :meth:`_Gate.start`), or to the end if terminated."""
        gate = self._gate
        stream = environ["wsgi.input"]
        length_text = str(environ.get("CONTENT_LENGTH") or "").strip()
        if length_text:
            length = int(length_text)
            body = _read_exactly(stream, length)
            if len(body) < length:
                return gate.truncated(head, len(body), length)
            return body
        if environ.get("wsgi.input_terminated"):
            body = _read_exactly(stream, gate.max_body_bytes + 1)
            if len(body) > gate.max_body_bytes:
                return gate.too_large(head)
            return body
        return b""


def _read_exactly(stream: Any, length: int, *, keep: bool = True) -> bytes:
    """Up to ``length`` bytes of ``stream`` (fewer at its end); dropped unless ``keep``."""
    chunks: list[bytes] = []
    left = length
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        if keep:
            chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _wsgi_answer(
    environ: dict[str, Any], start_response: StartResponse, answer: _Answer, already: int = 0
) -> list[bytes]:
    if answer.unread == "drain":
        # The body's rest, read and dropped (``already`` bytes of it were read).
        length_text = str(environ.get("CONTENT_LENGTH") or "").strip()
        if length_text.isascii() and length_text.isdigit() and int(length_text) <= _DRAIN_BYTES:
            _read_exactly(environ["wsgi.input"], int(length_text) - already, keep=False)
        elif not length_text and environ.get("wsgi.input_terminated"):
            _read_exactly(environ["wsgi.input"], _DRAIN_BYTES, keep=False)
    # No Connection header: PEP 3333 leaves hop-by-hop headers to the server.
    status = f"{answer.status} {HTTPStatus(answer.status).phrase}"
    start_response(status, [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))])
    return [answer.body]


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
