"""The reference adapter: this library behind the conformance protocol
(``python -m codec.conformance decode|encode|validate``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, Literal

from .. import _json
from .._api import decode
from .._errors import where
from .manifest import DIRECTION_VARIABLE, ENDPOINT_VARIABLE, STRICT_VARIABLE
from .programs import Program, Refusal, in_process

if TYPE_CHECKING:
    from .._endpoint import Endpoint
    from ..schemas import Direction

__all__ = ["adapter_main", "reference_decode", "reference_encode", "reference_program", "reference_validate"]


def _endpoint(variables: Mapping[str, str]) -> Endpoint | None:
    """The prepared endpoint the variables name (shared across cases), or ``None``."""
    name = variables.get(ENDPOINT_VARIABLE)
    if not name:
        return None
    from .._endpoint import prepared  # noqa: PLC0415 - the schema layer, only when a case names one

    given = variables.get(DIRECTION_VARIABLE) or "request"
    if given not in ("request", "response"):
        raise Refusal(f"<stdin>: {DIRECTION_VARIABLE} must be 'request' or 'response', not {given!r}")
    direction: Direction = "request" if given == "request" else "response"
    strict = variables.get(STRICT_VARIABLE, "") not in ("", "0")
    return prepared(name, direction, strict=strict)


def reference_decode(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Decode ``data`` with this library (schema-guided when the variables name an endpoint)."""
    endpoint = _endpoint(variables)
    value = decode(data) if endpoint is None else endpoint.decode(data)
    return (_json.dumps(value) + "\n").encode("utf-8")


def reference_encode(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Encode the JSON document ``data`` with this library; one trailing newline."""
    from .._api import encode  # noqa: PLC0415 - only the adapter encodes

    try:
        value = _json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refusal(f"<stdin>: not a JSON document: {exc}") from None
    endpoint = _endpoint(variables)
    return (encode(value) if endpoint is None else endpoint.encode(value)) + b"\n"


def reference_validate(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Validate the JSON payload ``data``; refuses with the JSON array of error paths."""
    endpoint = _endpoint(variables)
    if endpoint is None:
        raise Refusal(f"<stdin>: {ENDPOINT_VARIABLE} is not set")
    try:
        payload = _json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refusal(f"<stdin>: not a JSON document: {exc}") from None
    violations = list(endpoint.iter_errors(payload))
    if violations:
        paths = sorted({v.path for v in violations})
        message = "\n".join(f"{where('<stdin>', v.line, pointer=v.path)}: {v.message}" for v in violations)
        raise Refusal(message, (json.dumps(paths) + "\n").encode("ascii"))
    return b""


_REFERENCE: Final = {"decode": reference_decode, "encode": reference_encode, "validate": reference_validate}


def reference_program(role: Literal["decode", "encode", "validate"]) -> Program:
    """This library as an in-process program of the protocol (what
    ``python -m codec.conformance ROLE`` does as a command)."""
    return in_process(_REFERENCE[role])


def adapter_main(
    argv: Sequence[str] | None = None,
    functions: Mapping[str, Callable[[bytes, Mapping[str, str]], bytes]] | None = None,
) -> int:
    """``python -m codec.conformance decode|encode|validate``: the reference adapter.

    Reads standard input, honours the protocol's environment variables, and
    answers as the protocol says; returns the exit status. ``functions`` maps
    roles to :func:`in_process`-style functions (default: this library), so a
    script can serve its own implementation the same way.
    """
    roles = _REFERENCE if functions is None else functions
    parser = argparse.ArgumentParser(
        description="An implementation behind the conformance protocol (vectors/README.md)."
    )
    parser.add_argument("role", choices=sorted(roles))
    args = parser.parse_args(argv)
    outcome = in_process(roles[args.role])(sys.stdin.buffer.read(), os.environ)
    sys.stdout.buffer.write(outcome.output)
    sys.stdout.buffer.flush()
    if outcome.diagnostics:
        print(outcome.diagnostics, file=sys.stderr)
    if outcome.problem is not None:
        print(outcome.problem, file=sys.stderr)
        return 70
    return 0 if outcome.accepted else 1
