"""The public entry points: the codec, guided and checked by endpoint schemas.

``codec.encode`` and ``codec.decode`` are these functions. Without an
endpoint they are the plain codec of docs/dialect.md; with one they read XML
the way the endpoint means it (§8) and can validate the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import _decode, _encode
from ._limits import DEFAULT_LIMITS, Limits
from ._locate import lines_of
from ._shape import Shape

if TYPE_CHECKING:
    from ._endpoint import Endpoint
    from .schemas import Direction, ValidationError, Violation

# codec.schemas (jsonschema, the schema files) is imported where it is used,
# so that plain encoding and decoding start fast.

__all__ = ["decode", "encode"]


def _check_keywords(endpoint: str | None, direction: Direction | None, validate: bool) -> None:
    """TypeError for an endpoint named by half, or validation with none."""
    if endpoint is None:
        if direction is not None:
            raise TypeError("direction= needs endpoint=")
        if validate:
            raise TypeError("validate=True needs endpoint= and direction=")
    elif direction is None:
        raise TypeError("endpoint= needs direction= ('request' or 'response')")


def _shape(endpoint: str, direction: Direction) -> Shape:
    from . import schemas  # noqa: PLC0415

    return schemas.shape(endpoint, direction)


def _prepared(endpoint: str, direction: Direction, strict: bool, limits: Limits) -> Endpoint:
    from ._endpoint import prepared  # noqa: PLC0415

    return prepared(endpoint, direction, strict=strict, limits=limits)


def encode(
    obj: Mapping[str, Any],
    /,
    *,
    pretty: bool = False,
    endpoint: str | None = None,
    direction: Direction | None = None,
    validate: bool = False,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Encode a request or response body as XML of the Altcraft dialect.

    With ``endpoint`` this is :meth:`codec.Endpoint.encode` of a shared,
    prepared :class:`codec.Endpoint` (without ``validate``, of its shape only).

    Args:
        obj: a mapping of JSON-compatible values.
        pretty: indent the output (not canonical; decodes to the same value).
        endpoint: the method, e.g. ``"profiles/list"``; members its schema
            marks as embedded JSON are written with ``json='true'``.
        direction: ``"request"`` or ``"response"``; required with ``endpoint``.
        validate: check ``obj`` against the endpoint's schema first.
        strict: with ``validate``, refuse undocumented members at every level.
        limits: bounds on depth, size and element count, for validation too.

    Returns:
        UTF-8 XML; canonical (docs/dialect.md §10) unless ``pretty``.

    Raises:
        EncodeError: a value that is not JSON-compatible, with its path.
        ValidationError: ``validate`` is set and ``obj`` breaks the schema.
        UnknownEndpointError: no such endpoint.
    """
    _check_keywords(endpoint, direction, validate)
    if endpoint is None or direction is None:
        return _encode.encode(obj, pretty=pretty, shape=None, limits=limits)
    if validate:
        return _prepared(endpoint, direction, strict, limits).encode(obj, pretty=pretty, validate=True)
    # Without validation only the shape is needed: what Endpoint.encode does,
    # less finding the prepared endpoint (and the validation backend) per call.
    return _encode.encode(obj, pretty=pretty, shape=_shape(endpoint, direction), limits=limits)


def decode(
    data: bytes | bytearray | memoryview | str,
    /,
    *,
    endpoint: str | None = None,
    direction: Direction | None = None,
    validate: bool = False,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Decode XML of the Altcraft dialect to a dict.

    With ``endpoint`` this is :meth:`codec.Endpoint.decode` of a shared,
    prepared :class:`codec.Endpoint` (without ``validate``, of its shape only).

    Args:
        data: the document, UTF-8 bytes or str.
        endpoint: the method, e.g. ``"relations/get"``: its schema says which
            members are arrays, objects, strings or embedded JSON when the
            XML leaves the attributes out (docs/dialect.md §8).
        direction: ``"request"`` or ``"response"``; required with ``endpoint``.
        validate: also check the result against the endpoint's schema; each
            violation then carries the XML line of its element.
        strict: with ``validate``, refuse undocumented members at every level.
        limits: bounds on size, depth and element count, for validation too.

    Raises:
        DecodeError: not a valid document of the dialect (line, JSON Pointer).
        ValidationError: ``validate`` is set and the payload breaks the schema.
        UnknownEndpointError: no such endpoint.
        TypeError: ``data`` is neither bytes nor str.
    """
    _check_keywords(endpoint, direction, validate)
    if endpoint is None or direction is None:
        return _decode.decode(data, shape=None, limits=limits)
    if validate:
        return _prepared(endpoint, direction, strict, limits).decode(data, validate=True)
    return _decode.decode(data, shape=_shape(endpoint, direction), limits=limits)  # as Endpoint.decode


def with_lines(
    error: ValidationError, data: bytes | bytearray | memoryview | str, shape: Shape | None, limits: Limits
) -> ValidationError:
    """``error`` with the XML line of each violation's element.

    The document is parsed again and walked once for all the violations
    together (:func:`codec._locate.lines_of`), so the cost grows with the
    document, not with the document times the number of violations.
    """
    root = _decode.parse(data, limits)
    lines = lines_of(root, [v.path for v in error.errors] + [error.best.path], shape)
    located = [_located(violation, lines) for violation in error.errors]
    best = _located(error.best, lines)
    return type(error)(located, best=best, endpoint=error.endpoint, direction=error.direction)


def _located(violation: Violation, lines: Mapping[str, int | None]) -> Violation:
    return type(violation)(violation.path, violation.message, violation.keyword, lines.get(violation.path))
