"""The reference adapter: this library behind the conformance protocol
(``python -m codec.conformance decode|encode|validate``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal

from .. import _json
from .._api import decode
from .._errors import where
from .manifest import DIRECTION_VARIABLE, ENDPOINT_VARIABLE, STRICT_VARIABLE
from .programs import Program, Refusal, in_process

__all__ = ["adapter_main", "reference_decode", "reference_encode", "reference_program", "reference_validate"]


def _schema_options(variables: Mapping[str, str]) -> dict[str, Any]:
    endpoint = variables.get(ENDPOINT_VARIABLE)
    if not endpoint:
        return {}
    return {"endpoint": endpoint, "direction": variables.get(DIRECTION_VARIABLE) or "request"}


def reference_decode(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Decode ``data`` with this library (schema-guided when the variables name an endpoint)."""
    value = decode(data, **_schema_options(variables))
    return (_json.dumps(value) + "\n").encode("utf-8")


def reference_encode(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Encode the JSON document ``data`` with this library; one trailing newline."""
    from .._api import encode  # noqa: PLC0415 - only the adapter encodes

    try:
        value = _json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refusal(f"<stdin>: not a JSON document: {exc}") from None
    return encode(value, **_schema_options(variables)) + b"\n"


def reference_validate(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Validate the JSON payload ``data``; refuses with the JSON array of error paths."""
    from ..schemas import iter_errors  # noqa: PLC0415 - only the validator needs schemas

    options = _schema_options(variables)
    if not options:
        raise Refusal(f"<stdin>: {ENDPOINT_VARIABLE} is not set")
    try:
        payload = _json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refusal(f"<stdin>: not a JSON document: {exc}") from None
    strict = variables.get(STRICT_VARIABLE, "") not in ("", "0")
    violations = list(iter_errors(payload, strict=strict, **options))
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
