"""altcraft-codec: the Altcraft Platform API v1.1 wire format, JSON and XML.

``encode`` turns a request or response dict into the API's XML dialect and
``decode`` reads it back, losslessly (docs/dialect.md); ``validate`` checks a
payload against its endpoint's JSON Schema. ``Endpoint`` prepares all three
for one endpoint and direction, to be called again and again.
"""

from typing import TYPE_CHECKING, Any

from ._accel import accelerated
from ._api import decode, encode
from ._api_errors import ApiError, ApiErrorCode, raise_for_error
from ._errors import CodecError, DecodeError, EncodeError
from ._limits import Limits

if TYPE_CHECKING:
    from ._endpoint import Endpoint
    from .schemas import (
        Direction,
        UnknownEndpointError,
        ValidationError,
        Violation,
        endpoints,
        iter_errors,
        schema,
        validate,
    )

# The schema layer (jsonschema and the schema files) is loaded on first use:
# it would double the start-up time of every plain encode/decode command.
_SCHEMA_NAMES = frozenset(
    {
        "Direction",
        "UnknownEndpointError",
        "ValidationError",
        "Violation",
        "endpoints",
        "iter_errors",
        "schema",
        "validate",
    }
)


def __getattr__(name: str) -> Any:
    if name == "Endpoint":
        from ._endpoint import Endpoint  # noqa: PLC0415

        return Endpoint
    if name in _SCHEMA_NAMES:
        from . import schemas  # noqa: PLC0415

        return getattr(schemas, name)
    raise AttributeError(f"module 'codec' has no attribute {name!r}")


__all__ = [
    "ApiError",
    "ApiErrorCode",
    "CodecError",
    "DecodeError",
    "Direction",
    "EncodeError",
    "Endpoint",
    "Limits",
    "UnknownEndpointError",
    "ValidationError",
    "Violation",
    "accelerated",
    "decode",
    "encode",
    "endpoints",
    "iter_errors",
    "raise_for_error",
    "schema",
    "validate",
]
__version__ = "0.1.0"
