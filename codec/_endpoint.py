"""A prepared codec for one endpoint and direction (msgspec's ``Decoder(Type)`` pattern).

``codec.encode(obj, endpoint=..., direction=...)`` and its siblings look up
the endpoint, its shape (§8) and its schema on every call. An
:class:`Endpoint` does that once and is then called as often as needed:
``codec.http``, the gateway, the command line and the conformance reference
all hold one per endpoint, and the keyword API keeps a small cache of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from . import _api, _decode, _encode, schemas
from ._limits import DEFAULT_LIMITS, Limits
from ._shape import Shape
from .schemas import Backend, Direction, ValidationError, Validator, Violation

__all__ = ["Endpoint", "prepared"]


class Endpoint:
    """The codec and the schema check of one endpoint's request or response.

    >>> edit = Endpoint("relations/edit", "request")
    >>> edit.decode(b"<xml><rel_id>2</rel_id></xml>")
    {'rel_id': 2}

    Args:
        name: the method, e.g. ``"relations/get"`` (``/api/v1.1/`` prefixes
            and trailing slashes are accepted).
        direction: ``"request"`` or ``"response"``.
        strict: validation refuses members the schema does not document, at
            every level.
        limits: the bounds for decoding, encoding and validation alike.
        backend: the validation backend, as :func:`codec.validate` takes it;
            ``"auto"`` is resolved here, once.

    Raises:
        UnknownEndpointError: no such endpoint.
        ValueError: an unknown direction or backend.

    Attributes:
        name: the method, normalised (``"relations/get"``).
        direction, strict, limits: as given.
        shape: where the schema puts arrays, objects, strings and embedded
            JSON (docs/dialect.md §8).
        validator: the prepared :class:`codec.schemas.Validator`.
    """

    __slots__ = ("direction", "limits", "name", "shape", "strict", "validator")

    def __init__(
        self,
        name: str,
        direction: Direction,
        *,
        strict: bool = False,
        limits: Limits = DEFAULT_LIMITS,
        backend: Backend = "auto",
    ) -> None:
        self.validator = Validator(name, direction, strict=strict, backend=backend, limits=limits)
        self.name: str = self.validator.endpoint
        self.direction: Direction = direction
        self.strict = strict
        self.limits = limits
        self.shape: Shape = schemas.shape(self.name, direction)

    def __repr__(self) -> str:
        return f"Endpoint({self.name!r}, {self.direction!r}, strict={self.strict}, limits={self.limits!r})"

    def encode(self, obj: Mapping[str, Any], /, *, pretty: bool = False, validate: bool = False) -> bytes:
        """``obj`` as XML of the dialect, with the escapes the schema asks for (§8).

        Raises:
            EncodeError: a value that is not JSON-compatible, with its path.
            ValidationError: ``validate`` is set and ``obj`` breaks the schema.
        """
        if validate:
            self.validator.validate(obj)
        return _encode.encode(obj, pretty=pretty, shape=self.shape, limits=self.limits)

    def decode(self, data: bytes | bytearray | memoryview | str, /, *, validate: bool = False) -> dict[str, Any]:
        """The payload of an XML document, read as the schema means it (§8).

        Raises:
            DecodeError: not a document of the dialect (line, JSON Pointer).
            ValidationError: ``validate`` is set and the payload breaks the
                schema; each violation carries the line of its element.
            TypeError: ``data`` is neither bytes nor str.
        """
        value = _decode.decode(data, shape=self.shape, limits=self.limits)
        if validate:
            try:
                self.validator.validate(value)
            except ValidationError as error:
                raise self.located(error, data) from None
        return value

    def validate(self, payload: Any) -> None:
        """Check a payload against the schema (:meth:`codec.schemas.Validator.validate`).

        Raises:
            ValidationError: the payload is invalid; ``.errors`` has every violation.
        """
        self.validator.validate(payload)

    def iter_errors(self, payload: Any) -> Iterator[Violation]:
        """Every way ``payload`` breaks the schema, sorted by path (none if valid)."""
        return self.validator.iter_errors(payload)

    def located(self, error: ValidationError, document: bytes | bytearray | memoryview | str) -> ValidationError:
        """``error`` with the XML line of each violation's element in ``document``,
        the XML its payload was decoded from (one walk for all the violations)."""
        return _api.with_lines(error, document, self.shape, self.limits)


def prepared(name: str, direction: Direction, *, strict: bool = False, limits: Limits = DEFAULT_LIMITS) -> Endpoint:
    """A shared :class:`Endpoint` for the keyword API (``codec.decode(..., endpoint=...)``)."""
    # The backend "auto" picks is part of the key: ALTCRAFT_CODEC_BACKEND may change.
    return _cached(name, direction, strict, limits, schemas.backend())


@lru_cache(maxsize=256)
def _cached(name: str, direction: Direction, strict: bool, limits: Limits, backend: Any) -> Endpoint:
    return Endpoint(name, direction, strict=strict, limits=limits, backend=backend)
