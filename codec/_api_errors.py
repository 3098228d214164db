"""The Altcraft API's response codes, and :class:`ApiError` for clients.

Every response of the API carries ``error`` (a code, ``0`` on success) and
``error_text``; the HTTP status is 200 even when ``error`` reports a failure
(the "API interaction" page). :func:`raise_for_error` turns a decoded response
whose ``error`` is not 0 into an exception, the way ``requests`` does with
HTTP statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, Final

from . import _decode, _json
from ._errors import CodecError, DecodeError

__all__ = ["ApiError", "ApiErrorCode", "raise_for_error"]


class ApiErrorCode(IntEnum):
    """The response codes of the Altcraft API v1.1 (the ``error`` member).

    Each member's :attr:`meaning` is the description the API documentation
    gives it. Note that 413 is *not* HTTP's "content too large": for the API it
    means that the database is not available in the selected resource.
    """

    OK = 0
    INCORRECT_REQUEST = 400
    TOKEN_REQUIRED = 401
    TARIFF_LIMIT_REACHED = 402
    NO_RIGHTS = 403
    NOT_FOUND = 404
    ALREADY_EXISTS = 409
    DATABASE_NOT_AVAILABLE = 413
    UNSUPPORTED_CONTENT_TYPE = 415
    TOO_MANY_REQUESTS = 429
    AMBIGUOUS_SEARCH = 435
    OTHER_GROUP = 441
    VALIDATION_ERROR = 450
    INTERNAL_ERROR = 500
    NO_SUCH_METHOD = 501

    @property
    def meaning(self) -> str:
        """The documented description of the code, e.g. ``"Request validation error"``."""
        return _MEANINGS[self.value]


_MEANINGS: Final[dict[int, str]] = {
    0: "Operation is successful",
    400: "Incorrect request",
    401: "API token required",
    402: "Tariff limit reached",
    403: "No rights for this action",
    404: "The object is not found in the token vision zone",
    409: "Another record with the same unique attributes already exists",
    413: "The database is not available in the selected resource",
    415: "Requested Content-Type is not supported",
    429: "The number of requests set in the configuration file has been exceeded (API_MAX_REQUESTS_COUNT)",
    435: "Ambiguous search, there are several objects with given attributes",
    441: "The object belongs to another group",
    450: "Request validation error",
    500: "Internal service error",
    501: "The method does not exist",
}


def _as_code(code: int) -> ApiErrorCode | int:
    try:
        return ApiErrorCode(code)
    except ValueError:
        return code


class ApiError(CodecError):
    """An API response whose ``error`` is not 0, or a request the API would
    answer that way.

    Attributes:
        code: the ``error`` code: an :class:`ApiErrorCode` when documented,
            else the plain int (the API may grow codes).
        text: the ``error_text`` (``""`` when the response has none).
        response: the whole decoded response, when there was one.
    """

    def __init__(self, code: int, text: str = "", *, response: Mapping[str, Any] | None = None) -> None:
        if isinstance(code, bool) or not isinstance(code, int):
            raise TypeError(f"an API error code is an int, not {type(code).__name__}")
        self.code: ApiErrorCode | int = _as_code(code)
        self.text = text
        self.response = response
        meaning = self.meaning
        label = f"Altcraft API error {int(code)}" + (f" ({meaning})" if meaning and meaning != text else "")
        super().__init__(f"{label}: {text}" if text else label)

    @property
    def meaning(self) -> str | None:
        """The documented meaning of :attr:`code`, or ``None`` for an undocumented code."""
        return self.code.meaning if isinstance(self.code, ApiErrorCode) else None

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_api_error, (int(self.code), self.text, self.response))


def _rebuild_api_error(code: int, text: str, response: Mapping[str, Any] | None) -> ApiError:
    return ApiError(code, text, response=response)


def raise_for_error(response: Mapping[str, Any] | bytes | bytearray | memoryview | str) -> None:
    """Raise :class:`ApiError` if the API ``response`` reports an error.

    Args:
        response: a response body, decoded (a mapping: ``codec.decode`` of
            XML, ``json.loads`` of JSON) or as received (bytes or str of
            JSON or XML, told apart by the first character; XML is decoded
            with :func:`codec.decode`).

    Raises:
        ApiError: ``response["error"]`` is not 0; ``.code`` and ``.text`` are
            its ``error`` and ``error_text``, ``.response`` the decoded body.
        DecodeError: ``response`` is not an API response: not JSON or XML of
            an object, or without an integer ``error`` member. (It is also a
            ``ValueError``.)
    """
    if isinstance(response, (bytes, bytearray, memoryview, str)):
        response = _decoded(response)
    if not isinstance(response, Mapping):
        raise DecodeError(f"not an Altcraft API response: a response is an object, not {type(response).__name__}")
    if "error" not in response:
        raise DecodeError("not an Altcraft API response: it has no 'error' member")
    code = response["error"]
    if isinstance(code, bool) or not isinstance(code, int):
        raise DecodeError(
            f"not an Altcraft API response: 'error' is {type(code).__name__} {code!r:.40}, not an integer code",
            path="/error",
        )
    if code == 0:
        return
    # One published example (workflows/list) spells the member 'error text'.
    text = response.get("error_text", response.get("error text", ""))
    raise ApiError(code, "" if text is None else text if isinstance(text, str) else str(text), response=response)


def _decoded(body: bytes | bytearray | memoryview | str) -> Any:
    """A response body as received, read as JSON or as XML by its first character."""
    if isinstance(body, str):
        text = body
    else:
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not an Altcraft API response: not UTF-8 (byte {exc.start})") from None
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "<":
        return _decode.decode(text if isinstance(body, str) else bytes(body))
    if not start:
        raise DecodeError("not an Altcraft API response: the body is empty")
    try:
        return _json.loads(text.removeprefix("\ufeff"))
    except _json.EmbeddedJSONError as exc:
        detail = str(exc).removeprefix("invalid JSON: ")
        raise DecodeError(
            f"not an Altcraft API response: malformed JSON: {detail}", line=_json.error_line(text, exc)
        ) from None
