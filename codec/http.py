"""Altcraft API requests and responses over HTTP, read and written without I/O.

The functions here take what a server already has (method, path, headers,
body bytes) and return plain values, in the style of ``h11``: no sockets, no
framework, standard library only. :mod:`codec.gateway` builds ASGI and WSGI
middleware on them.

Reading a request the way the API does ("API interaction" page):

- **Method**: the path ``/api/v1.1/<method>`` names it; ``endpoint_from_path``.
  A path under the prefix that is not plainly ``/api/v1.1/name/name`` (dot
  segments, doubled slashes, percent-escapes, other characters) is refused
  (400), because routers disagree on how to normalise such paths and a
  gateway must judge the request its upstream will route. Names are matched
  without regard to case.
- **Body**: ``application/json``, ``application/xml`` or ``text/xml``;
  anything else, a missing ``Content-Type``, or a ``Content-Encoding`` other
  than ``identity`` is the API's error 415. An empty body is the empty
  request ``{}``, whatever its ``Content-Type``. The ``charset`` parameter is
  honoured (default UTF-8). The XML dialect is UTF-8 only (docs/dialect.md
  §9), so an XML body sent in another charset is decoded with that charset to
  text first, and an encoding its XML declaration names must then agree with
  the charset (the declaration is dropped before the text is read). Charsets
  are those of the web (UTF-8/16/32, US-ASCII, ISO-8859-*, Windows-125*,
  KOI8-R/U, IBM866, GB2312/GBK/GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR);
  others, UTF-7 among them, are 415.
- **Token**: the body's ``token``, else ``Authorization: Bearer <token>``,
  else the ``token`` query parameter (which the docs discourage).
- **Response format**: ``negotiate_format``: the body's ``format``, else the
  ``format`` query parameter, else the ``Accept`` header (``application/json``,
  ``application/xml`` or ``text/xml``, by q-value), else the format the body
  came in, else JSON.

Numbers longer than 4,300 digits (CPython's own guard) are refused with 400,
in JSON and as digit runs in XML: no API request needs them, and reading them
exactly costs time that grows faster than their length.
"""

from __future__ import annotations

import codecs
import email.message
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import parse_qsl

from . import _json, schemas
from ._accel import speedups
from ._api import decode, encode
from ._api_errors import ApiError, ApiErrorCode
from ._dialect import declared_encoding
from ._endpoint import Endpoint
from ._errors import DecodeError, where
from ._limits import DEFAULT_LIMITS, Limits
from .schemas import ValidationError, Violation

__all__ = [
    "API_PREFIX",
    "JSON_CONTENT_TYPE",
    "XML_CONTENT_TYPE",
    "ApiRequest",
    "Format",
    "Headers",
    "HttpError",
    "Query",
    "RequestHead",
    "asgi_lane",
    "endpoint_from_path",
    "error_body",
    "negotiate_format",
    "parse_content_type",
    "parse_request",
    "read_body",
    "read_head",
    "render_response",
]

Format: TypeAlias = Literal["json", "xml"]
"""A body format: ``"json"`` or ``"xml"``."""

Headers: TypeAlias = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
"""Request headers: a mapping, or ``(name, value)`` pairs as ASGI gives them (bytes or str)."""

Query: TypeAlias = str | bytes | Mapping[str, str]
"""The query string (raw, without ``?``) or its parameters."""

API_PREFIX: Final = "/api/v1.1/"
JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"
XML_CONTENT_TYPE: Final = "application/xml; charset=utf-8"

_MEDIA_FORMATS: Final[dict[str, Format]] = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
_SUPPORTED: Final = "application/json, application/xml or text/xml"
_CHARSET_LABELS: Final = (
    *("utf-8", "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be", "us-ascii"),
    *(f"iso-8859-{n}" for n in range(1, 17) if n != 12),
    *(f"windows-{n}" for n in range(1250, 1259)),
    *("koi8-r", "koi8-u", "ibm866", "gb2312", "gbk", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr"),
)
_CHARSETS: Final = frozenset(codecs.lookup(label).name for label in _CHARSET_LABELS)
_MAX_QUERY_FIELDS: Final = 256
_MAX_LISTED: Final = 20  # violations listed in error_text
_MAX_MESSAGE: Final = 200  # characters of one violation in error_text


class HttpError(ApiError):
    """A request the API would refuse, with the code it would refuse it with.

    Attributes:
        code: the API's code (400, 415, 450, 501...), see :class:`ApiErrorCode`.
        text: the ``error_text`` to send, e.g. ``"Request validation error:
            /rel_id: 'x' is not of type 'integer'"``.
        status: the HTTP status naming the same failure (400, 404, 413, 415,
            422), for servers that answer errors with HTTP statuses; the API
            itself answers HTTP 200.
        response_format: the format the caller asked for, as far as the
            request could be read: answer in it (:meth:`render`).
        violations: for 450, every way the body breaks the endpoint schema.
    """

    def __init__(
        self,
        code: int,
        text: str,
        *,
        status: int,
        response_format: Format = "json",
        violations: Sequence[Violation] = (),
    ) -> None:
        super().__init__(code, text)
        self.status = status
        self.response_format: Format = response_format
        self.violations = tuple(violations)

    def body(self) -> dict[str, Any]:
        """The Altcraft-style error body: ``{"error": code, "error_text": text}``."""
        return error_body(self.code, self.text)

    def render(self, fmt: Format | None = None) -> tuple[str, bytes]:
        """``(content_type, body)`` of the error body, in ``fmt`` or :attr:`response_format`."""
        return render_response(self.body(), fmt or self.response_format)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_http_error, (int(self.code), self.text, self.status, self.response_format, self.violations))


def _rebuild_http_error(
    code: int, text: str, status: int, response_format: Format, violations: tuple[Violation, ...]
) -> HttpError:
    return HttpError(code, text, status=status, response_format=response_format, violations=violations)


def _error(code: ApiErrorCode, detail: str, *, status: int) -> HttpError:
    return HttpError(code, f"{code.meaning}: {detail}", status=status)


def _clip(text: str, limit: int = _MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """An API request, read.

    Attributes:
        method: the HTTP method, upper case (the API takes POST; the others
            are read the same way, so that none escapes checking).
        endpoint: the API method, e.g. ``"relations/edit"`` (lower case).
        known: whether the endpoint has a schema (``codec.endpoints()``).
        payload: the body as a dict (``{}`` for an empty body).
        token: the API token from the body, the ``Authorization: Bearer``
            header or the query, in that order; ``None`` when there is none.
        request_format: the format the body came in (``"json"`` when empty).
        response_format: the format to answer in (:func:`negotiate_format`).
    """

    method: str
    endpoint: str
    known: bool
    payload: dict[str, Any]
    token: str | None
    request_format: Format
    response_format: Format


# --- small parsers ------------------------------------------------------------


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


# ASGI header names (bytes) by their lower-case text: a server sees the same
# few names on every request. Bounded: names a client makes up are not kept
# past the first _MAX_NAMES.
_NAMES: Final[dict[bytes, str]] = {}
_MAX_NAMES: Final = 256


def _fields(headers: Headers) -> dict[str, list[str]]:
    """Header values by lower-case name, in order."""
    if speedups is not None and type(headers) is list:
        # The compiled loop, for ASGI's list of byte pairs whose names are in
        # _NAMES already; None for anything else, which the loop below reads.
        compiled: dict[str, list[str]] | None = speedups.header_fields(headers, _NAMES)
        if compiled is not None:
            return compiled
    pairs: Iterable[tuple[str | bytes, str | bytes]]
    if isinstance(headers, (list, tuple)):  # ASGI's list: no ABC check
        pairs = headers
    else:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
    fields: dict[str, list[str]] = {}
    names = _NAMES
    for name, value in pairs:  # once per header of every request: no calls beyond the needed ones
        key = names.get(name) if type(name) is bytes else None
        if key is None:
            key = (name.decode("latin-1") if type(name) is bytes else _text(name)).lower()
            if type(name) is bytes and len(names) < _MAX_NAMES:
                names[name] = key
        text = value.decode("latin-1") if type(value) is bytes else _text(value)
        found = fields.get(key)
        if found is None:
            fields[key] = [text]
        else:
            found.append(text)
    return fields


def _single(fields: Mapping[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise _error(ApiErrorCode.INCORRECT_REQUEST, f"the {name} header is repeated", status=400)
    return values[0]


def _params(query: Query | None, *, strict: bool) -> dict[str, str]:
    """The ``token`` and ``format`` query parameters (the only ones the API reads)."""
    if not query:
        return {}
    if isinstance(query, Mapping):
        return {key: str(query[key]) for key in ("token", "format") if key in query}
    try:
        pairs = parse_qsl(_text(query), keep_blank_values=True, max_num_fields=_MAX_QUERY_FIELDS)
    except ValueError:
        if strict:
            raise _error(ApiErrorCode.INCORRECT_REQUEST, "too many query parameters", status=400) from None
        return {}
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in ("token", "format"):
            if key in params and strict:
                raise _error(ApiErrorCode.INCORRECT_REQUEST, f"the query repeats {key!r}", status=400)
            params.setdefault(key, value)
    return params


@lru_cache(maxsize=256)  # a server sees few distinct values
def parse_content_type(value: str) -> tuple[str, str | None]:
    """``(media_type, charset)`` of a ``Content-Type`` value, both lower case.

    >>> parse_content_type('text/xml; charset="Windows-1251"')
    ('text/xml', 'windows-1251')
    """
    media = value.split(";", 1)[0].strip().lower()
    message = email.message.Message()
    message["content-type"] = value
    charset = message.get_content_charset()
    return media, charset


def _accepted(accept: str) -> Format | None:
    """The format an ``Accept`` header prefers, if it names JSON or XML."""
    best: Format | None = None
    best_q = 0.0
    for item in accept.split(",")[:64]:
        media, _, params = item.partition(";")
        fmt = _MEDIA_FORMATS.get(media.strip().lower())
        if fmt is None:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if 0.0 < q <= 1.0 and q > best_q:
            best, best_q = fmt, q
    return best


def _format_name(value: object) -> Format | None:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered == "json":
            return "json"
        if lowered == "xml":
            return "xml"
    return None


def negotiate_format(
    headers: Headers,
    *,
    query: Query | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Format:
    """The format to answer a request in.

    In order: the body's ``format`` member, the ``format`` query parameter,
    the ``Accept`` header (JSON or XML media types, by q-value; ``*/*`` says
    nothing), the request's own ``Content-Type``, and JSON. Never raises:
    malformed parts are skipped.
    """
    return _negotiate(_fields(headers), _params(query, strict=False), payload)


def _negotiate(fields: Mapping[str, list[str]], params: Mapping[str, str], payload: Mapping[str, Any] | None) -> Format:
    if payload is not None:
        fmt = _format_name(payload.get("format"))
        if fmt is not None:
            return fmt
    fmt = _format_name(params.get("format"))
    if fmt is not None:
        return fmt
    for value in fields.get("accept", ()):
        fmt = _accepted(value)
        if fmt is not None:
            return fmt
    for value in fields.get("content-type", ())[:1]:
        fmt = _MEDIA_FORMATS.get(parse_content_type(value)[0])
        if fmt is not None:
            return fmt
    return "json"


# --- the method ---------------------------------------------------------------

_CANONICAL: Final = re.compile(r"/(?i:api)/(?i:v)1\.1(?:/[A-Za-z0-9_-]+)*/?")


def _is_api(path: str) -> bool:
    lowered = path.lower()
    return lowered == API_PREFIX[:-1] or lowered.startswith(API_PREFIX)


@cache
def _known() -> frozenset[str]:
    return frozenset(schemas.endpoints())


def endpoint_from_path(path: str, *, raw_path: str | None = None) -> str | None:
    """The API method a request path names, or ``None`` for a path outside the API.

    Args:
        path: the request path, percent-decoded (ASGI ``path``, WSGI
            ``SCRIPT_NAME + PATH_INFO``), without the query.
        raw_path: the path as sent, when the server gives it (ASGI
            ``raw_path``); it must say the same as ``path``.

    Returns:
        The method in lower case, e.g. ``"relations/edit"`` for
        ``/api/v1.1/relations/edit/``, whether or not it has a schema.

    Raises:
        HttpError: 400 for a path under ``/api/v1.1/`` (or one a lenient
            router would normalise to it) that is not canonical; 501 (HTTP
            404) for ``/api/v1.1/`` naming no method.
    """
    if raw_path == path:
        raw_path = None
    if len(path) > 200 or (raw_path is not None and len(raw_path) > 200):
        return _endpoint.__wrapped__(path, raw_path)  # not kept: no method has such a path
    return _endpoint(path, raw_path)


@lru_cache(maxsize=1024)  # a server sees the same few paths over and over; refusals are not cached
def _endpoint(path: str, raw_path: str | None = None) -> str | None:
    paths = (path,) if raw_path is None else (path, raw_path)
    plain = all(_CANONICAL.fullmatch(candidate) is not None for candidate in paths)
    if not plain:
        if not any(_is_api(p) or _is_api(posixpath.normpath("/" + p.lstrip("/"))) for p in paths):
            return None
        shown = _clip(" or ".join(repr(candidate) for candidate in paths), 160)
        raise _error(
            ApiErrorCode.INCORRECT_REQUEST, f"the path {shown} is not a plain /api/v1.1/<method> path", status=400
        )
    name = path[len(API_PREFIX) :].rstrip("/").lower() if len(path) > len(API_PREFIX) else ""
    if not name:
        raise _error(ApiErrorCode.NO_SUCH_METHOD, "the path names no method", status=404)
    return name


# --- the body -----------------------------------------------------------------


def _body_format(fields: Mapping[str, list[str]], body: bytes) -> tuple[Format, str]:
    """The body's format and charset (a Python codec name), from the headers."""
    coding = _single(fields, "content-encoding") if "content-encoding" in fields else None
    if coding is not None and coding.strip().lower() not in ("", "identity"):
        raise _error(
            ApiErrorCode.UNSUPPORTED_CONTENT_TYPE,
            f"Content-Encoding {_clip(coding.strip(), 40)!r} (send the body uncompressed)",
            status=415,
        )
    value = _single(fields, "content-type")
    if not body:
        # Empty is empty in any format. (WSGI servers report a missing
        # Content-Type as text/plain, so it cannot be judged here.)
        media = "" if value is None else parse_content_type(value)[0]
        return _MEDIA_FORMATS.get(media, "json"), "utf-8"
    if value is None or not value.strip():
        raise _error(ApiErrorCode.UNSUPPORTED_CONTENT_TYPE, f"no Content-Type (send {_SUPPORTED})", status=415)
    return _content_format(value)


@lru_cache(maxsize=256)  # a server sees few distinct values; refusals are not cached
def _content_format(value: str) -> tuple[Format, str]:
    """The format and charset (a Python codec name) a ``Content-Type`` value names."""
    media, charset = parse_content_type(value)
    fmt = _MEDIA_FORMATS.get(media)
    if fmt is None:
        raise _error(ApiErrorCode.UNSUPPORTED_CONTENT_TYPE, f"{_clip(media, 80)!r} (send {_SUPPORTED})", status=415)
    return fmt, _codec_name(charset)


def _codec_name(charset: str | None) -> str:
    if charset is None:
        return "utf-8"
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        name = ""
    if name not in _CHARSETS:
        raise _error(ApiErrorCode.UNSUPPORTED_CONTENT_TYPE, f"charset {_clip(charset, 40)!r}", status=415)
    return name


def _malformed(detail: str) -> HttpError:
    return _error(ApiErrorCode.INCORRECT_REQUEST, detail, status=400)


def _unicode(body: bytes, charset: str) -> str:
    try:
        return body.decode(charset)
    except UnicodeDecodeError as exc:
        raise _malformed(f"the body is not valid {charset} (byte {exc.start})") from None


def _check_nesting(text: str, limits: Limits) -> None:
    """Refuse JSON nested past the limits before ``json.loads`` recurses into it."""
    brackets = _json.brackets(text)
    if len(brackets) > 2 * limits.max_elements:
        raise _malformed(f"malformed JSON: more than {limits.max_elements} objects and arrays")
    if _json.depth(brackets) > limits.max_depth:
        raise _malformed(f"malformed JSON: nested deeper than the limit of {limits.max_depth}")


def _read_json(body: bytes, charset: str, limits: Limits) -> dict[str, Any]:
    try:
        text = body.decode(charset).removeprefix("\ufeff")  # _unicode, one call less
    except UnicodeDecodeError:
        text = _unicode(body, charset)  # raises
    opening = text.count("{") + text.count("[")  # at C speed: bounds depth and containers from above
    if opening > limits.max_depth or opening > limits.max_elements:
        _check_nesting(text, limits)
    try:
        value = _json.loads(text, max_int_digits=limits.max_int_digits)
    except _json.EmbeddedJSONError as exc:
        place = where(line=_json.error_line(text, exc), trailing=True)
        place = f" ({place})" if place else ""
        raise _malformed(f"malformed JSON: {_clip(str(exc).removeprefix('invalid JSON: '))}{place}") from None
    if not isinstance(value, dict):
        raise _malformed(f"the body must be a JSON object, not {type(value).__name__}")
    return value


def _undeclared(text: str, charset: str) -> str:
    """``text`` without the encoding of its XML declaration, which must be ``charset``."""
    match = declared_encoding(text)
    if match is None:
        return text
    declared = match.group(1)
    try:
        same = codecs.lookup(declared).name == charset
    except LookupError:
        same = False
    if not same:
        raise _malformed(f"the XML declares encoding {_clip(declared, 40)!r} but the Content-Type says {charset}")
    return text[: match.start()] + text[match.end() :]


def _read_xml(
    body: bytes, charset: str, endpoint: Endpoint | None, limits: Limits
) -> tuple[dict[str, Any], bytes | str]:
    """The payload, and the document as the decoder read it (for error lines)."""
    data: bytes | str
    if charset == "utf-8":
        data = body
    else:
        data = _undeclared(_unicode(body, charset).removeprefix("\ufeff"), charset)
    try:
        payload = decode(data, limits=limits) if endpoint is None else endpoint.decode(data)
    except DecodeError as exc:
        # Say "malformed XML" once, whether or not the decoder's message starts with it.
        raise _malformed(f"malformed XML: {_clip(str(exc).removeprefix('malformed XML: '))}") from None
    return payload, data


def _violations_text(violations: Sequence[Violation]) -> str:
    listed = [_clip(str(violation)) for violation in violations[:_MAX_LISTED]]
    more = len(violations) - len(listed)
    text = "; ".join(listed) + (f"; and {more} more" if more > 0 else "")
    return f"{ApiErrorCode.VALIDATION_ERROR.meaning}: {text}"


def _bearer(fields: Mapping[str, list[str]]) -> str | None:
    for value in fields.get("authorization", ())[:1]:
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


@dataclass(frozen=True, slots=True)
class RequestHead:
    """A request before its body is read: enough to refuse it or size its body.

    :func:`read_head` makes one; :func:`read_body` reads the body for it.
    A gateway decides here whether to read the body at all.

    Attributes:
        method: the HTTP method, upper case.
        endpoint: the API method, e.g. ``"relations/edit"`` (lower case).
        known: whether the endpoint has a schema (``codec.endpoints()``).
        fields: the header values by lower-case name, in order.
        query: the query, as given.
    """

    method: str
    endpoint: str
    known: bool
    fields: Mapping[str, list[str]]
    query: Query | None = None

    def header(self, name: str) -> str | None:
        """The value of a header that may be sent once (``name`` in lower case).

        Raises:
            HttpError: 400, the header is repeated.
        """
        try:
            return _single(self.fields, name)
        except HttpError as error:
            error.response_format = self.error_format()
            raise

    def error_format(self) -> Format:
        """The format to refuse the request in before its body is read."""
        return _negotiate(self.fields, _params(self.query, strict=False), None)

    def refusal(self, code: ApiErrorCode, detail: str, *, status: int) -> HttpError:
        """An :class:`HttpError` refusing this request: ``"<meaning>: <detail>"``, in its format."""
        error = _error(code, detail, status=status)
        error.response_format = self.error_format()
        return error


# The records of every request, made without their dataclass __init__, which
# sets each field through object.__setattr__ (they are frozen): the slots'
# own setters fill the same fields of the same object, in half the time. The
# records have no __post_init__ or defaults to miss; tests/test_http.py holds
# each equal to the one __init__ makes.
_new: Final = object.__new__
_head_method, _head_endpoint, _head_known, _head_fields, _head_query = (
    getattr(RequestHead, name).__set__ for name in ("method", "endpoint", "known", "fields", "query")
)
(
    _request_method,
    _request_endpoint_name,
    _request_known,
    _request_payload,
    _request_token,
    _request_format,
    _response_format,
) = (
    getattr(ApiRequest, name).__set__
    for name in ("method", "endpoint", "known", "payload", "token", "request_format", "response_format")
)


def read_head(
    method: str,
    path: str,
    headers: Headers,
    *,
    query: Query | None = None,
    raw_path: str | None = None,
) -> RequestHead | None:
    """The head of a request under ``/api/v1.1/``, or ``None`` for a path outside the API.

    Args: as :func:`parse_request`.

    Raises:
        HttpError: 400 for a path under ``/api/v1.1/`` that is not plain, 501
            (HTTP 404) for one naming no method; in the caller's format.
    """
    fields = _fields(headers)
    try:
        if len(path) <= 200 and (raw_path is None or raw_path == path):  # endpoint_from_path's common case
            endpoint = _endpoint(path)  # one str argument: the cache's key is the str itself
        else:
            endpoint = endpoint_from_path(path, raw_path=raw_path)
    except HttpError as error:
        error.response_format = _negotiate(fields, _params(query, strict=False), None)
        raise
    if endpoint is None:
        return None
    head = _new(RequestHead)  # RequestHead(...), at half the cost: see _new
    _head_method(head, method.upper())
    _head_endpoint(head, endpoint)
    _head_known(head, endpoint in _known())
    _head_fields(head, fields)
    _head_query(head, query)
    return head


def parse_request(
    method: str,
    path: str,
    headers: Headers,
    body: bytes,
    *,
    query: Query | None = None,
    raw_path: str | None = None,
    validate: bool = False,
    strict: bool = False,
    require_token: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ApiRequest:
    """Read an API request the way the API does.

    Args:
        method: the HTTP method.
        path: the request path, percent-decoded, without the query.
        headers: the request headers (a mapping or ``(name, value)`` pairs).
        body: the whole body.
        query: the query string, or its parameters (``token``, ``format``).
        raw_path: the path as sent, when known (see :func:`endpoint_from_path`).
        validate: check the payload against the endpoint's request schema
            (endpoints without one are not checked).
        strict: with ``validate``, refuse members the schema does not
            document, at every level.
        require_token: refuse a request that carries no token (in the body,
            ``Authorization: Bearer`` or the query) with the API's 401.
        limits: the codec's bounds on size and depth.

    Returns:
        The request: endpoint, payload, token, request and response format.

    Raises:
        HttpError: with the API's code, checked in this order: 501 for a path
            naming no method (HTTP 404) or outside ``/api/v1.1/``; 400 for a
            non-plain path, a malformed query or body (HTTP 400, or 413 for a
            body over ``limits.max_bytes``); 415 for an unsupported
            Content-Type, Content-Encoding or charset; 401 for a missing
            token (``require_token``); 450 for a payload that breaks the
            schema (HTTP 422). Its ``response_format`` is the caller's.
    """
    head = read_head(method, path, headers, query=query, raw_path=raw_path)
    if head is None:
        fields = _fields(headers)
        error = _error(ApiErrorCode.NO_SUCH_METHOD, f"{_clip(repr(path), 120)} is not under {API_PREFIX}", status=404)
        error.response_format = _negotiate(fields, _params(query, strict=False), None)
        raise error
    return read_body(head, body, validate=validate, strict=strict, require_token=require_token, limits=limits)


def read_body(
    head: RequestHead,
    body: bytes,
    *,
    validate: bool = False,
    strict: bool = False,
    require_token: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ApiRequest:
    """:func:`parse_request` for a request whose head has been read.

    An empty body is the empty request ``{}``, whatever its Content-Type, and
    is validated as such (450 listing the required members, if any).

    Raises:
        HttpError: as :func:`parse_request`, from 400 on.
    """
    fields, query = head.fields, head.query
    payload: dict[str, Any] | None = None
    endpoint = _REQUEST_ENDPOINTS.get((head.endpoint, strict, id(limits))) if head.known else None
    if endpoint is None and head.known:
        endpoint = _prepare_endpoint(head.endpoint, strict, limits)
    try:
        params = _params(query, strict=True) if query else {}
        request_format, charset = _body_format(fields, body)
        if len(body) > limits.max_bytes:
            raise _error(
                ApiErrorCode.INCORRECT_REQUEST, f"the body is over the limit of {limits.max_bytes} bytes", status=413
            )
        document: bytes | str = b""
        if not body:
            payload = {}
        elif request_format == "json":
            payload = _read_json(body, charset, limits)
        else:
            payload, document = _read_xml(body, charset, endpoint, limits)
        body_token = payload.get("token")
        token = body_token if isinstance(body_token, str) and body_token else _bearer(fields) or params.get("token")
        if require_token and not token:
            raise _error(
                ApiErrorCode.TOKEN_REQUIRED,
                "send it as the body's token or in an Authorization: Bearer header",
                status=401,
            )
        if validate and endpoint is not None:
            try:
                endpoint.validator.validate(payload)  # Endpoint.validate, one call less
            except ValidationError as invalid:
                raise _invalid(invalid, endpoint, document or None) from invalid
    except HttpError as error:
        # The caller's format is worked out only for an error: most requests have none.
        error.response_format = _negotiate(fields, _params(query, strict=False), payload)
        raise
    if body and "format" not in payload and "format" not in params and "accept" not in fields:
        # What _negotiate finds: the one Content-Type, whose format the body came in.
        response_format = request_format
    else:
        response_format = _negotiate(fields, params, payload)
    request = _new(ApiRequest)  # ApiRequest(...), at half the cost: see _new
    _request_method(request, head.method)
    _request_endpoint_name(request, head.endpoint)
    _request_known(request, head.known)
    _request_payload(request, payload)
    _request_token(request, token or None)
    _request_format(request, request_format)
    _response_format(request, response_format)
    return request


# The request endpoints a server sees, prepared once per method and options,
# not per request (so the validation backend "auto" picks is chosen when a
# method is first seen). One plain dict: cheaper per request than a cache
# decorator, and bounded by emptying it, as a server sees few keys. Keyed by
# the Limits' identity, not its value: a dataclass hashes in Python, and a
# server passes the same object every time. The id stays that object's: the
# Endpoint under it holds the Limits alive.
_REQUEST_ENDPOINTS: Final[dict[tuple[str, bool, int], Endpoint]] = {}
_MAX_REQUEST_ENDPOINTS: Final = 512


def _prepare_endpoint(name: str, strict: bool, limits: Limits) -> Endpoint:
    """A new request Endpoint of ``name``, kept (read_body looks it up inline)."""
    if len(_REQUEST_ENDPOINTS) >= _MAX_REQUEST_ENDPOINTS:
        _REQUEST_ENDPOINTS.clear()
    found = _REQUEST_ENDPOINTS[name, strict, id(limits)] = Endpoint(name, "request", strict=strict, limits=limits)
    return found


def asgi_lane(*, strict: bool, limits: Limits, max_body_bytes: int, convert_xml_to_json: bool) -> Any:
    """The compiled check of a server's common request, or ``None`` without the accelerator.

    For ASGI servers (:mod:`codec.gateway` uses it). ``lane.head(scope)``
    gives a state, or ``None`` when the request is not the lane's: only a
    plain ``/api/v1.1/<method>`` path of a method with a schema, one
    ``Content-Type`` the API reads, a ``Content-Length`` (if sent) of at most
    ``max_body_bytes``, no query and no ``Content-Encoding``. With that state,
    ``lane.body(state, message)`` (the first ``http.request`` message) gives
    ``(body, None)`` only when :func:`read_head` and :func:`read_body`
    (``validate=True``, ``strict``, ``limits``, no token required) read the
    request without an error, the whole body in that message, of at most
    ``max_body_bytes``; with ``convert_xml_to_json``, an XML body comes as
    ``(json, content_type)``, as :func:`render_response` writes it. Otherwise
    it gives ``None``: then read the request with those functions, which
    decide. Each rule is theirs: the lane calls the same path cache,
    Content-Type table, readers, validator and writer, in fewer Python calls.
    """
    if speedups is None:
        return None
    return speedups.RequestLane(
        _endpoint,
        _known(),
        _content_format,
        _read_json,
        _read_xml,
        render_response,
        _REQUEST_ENDPOINTS,
        _prepare_endpoint,
        _NAMES,
        limits,
        strict,
        min(max_body_bytes, limits.max_bytes),
        convert_xml_to_json,
    )


def _invalid(error: ValidationError, endpoint: Endpoint, document: bytes | str | None) -> HttpError:
    """The 450 refusing a payload, its violations located in the XML ``document`` it came from."""
    located = error if document is None else endpoint.located(error, document)
    return HttpError(
        ApiErrorCode.VALIDATION_ERROR,
        _violations_text(located.errors),
        status=422,
        violations=located.errors,
    )


# --- responses ----------------------------------------------------------------


def error_body(code: int, text: str | None = None) -> dict[str, Any]:
    """An Altcraft-style error body: ``{"error": code, "error_text": text}``.

    ``text`` defaults to the code's documented meaning.
    """
    if text is None:
        try:
            text = ApiErrorCode(code).meaning
        except ValueError:
            text = ""
    return {"error": int(code), "error_text": text}


def render_response(
    payload: Mapping[str, Any],
    fmt: Format,
    *,
    endpoint: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[str, bytes]:
    """Write a response body in ``fmt``.

    Args:
        payload: the response, e.g. ``{"error": 0, "error_text": "..."}``.
        fmt: ``"json"`` or ``"xml"``.
        endpoint: for XML, the method whose response schema marks members
            to write as embedded JSON (ignored when it has no schema).
        limits: the nesting depth bound.

    Returns:
        ``(content_type, body)``: ``application/json; charset=utf-8`` with
        compact UTF-8 JSON, or ``application/xml; charset=utf-8`` with
        canonical XML of the dialect.

    Raises:
        EncodeError: a value that is not JSON-compatible.
        ValueError: ``fmt`` is neither ``"json"`` nor ``"xml"``.
    """
    if fmt == "json":
        return JSON_CONTENT_TYPE, _json.document_text(payload, limits).encode("utf-8")
    if fmt == "xml":
        if endpoint is not None:
            try:
                return XML_CONTENT_TYPE, encode(payload, endpoint=endpoint.lower(), direction="response", limits=limits)
            except schemas.UnknownEndpointError:
                pass  # no schema: the plain dialect
        return XML_CONTENT_TYPE, encode(payload, limits=limits)
    raise ValueError(f"fmt must be 'json' or 'xml', not {fmt!r}")
