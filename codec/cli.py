"""The ``altcraft-codec`` command.

    altcraft-codec encode [FILE] [--pretty]   JSON -> XML
    altcraft-codec decode [FILE] [--pretty]   XML -> JSON
    altcraft-codec conformance --decoder CMD  run the vectors against another implementation

encode and decode take --endpoint METHOD --direction request|response to
read and write as the endpoint means it (docs/dialect.md §8), and --validate
or --strict to check against its schema.

FILE defaults to standard input; output goes to standard output. Exit status:
0 on success, 1 on invalid input (``FILE:LINE: message`` on standard error),
2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO

from . import _json, conformance
from ._api import decode, encode
from ._errors import CodecError, DecodeError, EncodeError

__all__ = ["main"]

_STDIN = "<stdin>"


class _UsageError(Exception):
    """Options that do not go together; exit 2, as argparse does."""


class _InputError(Exception):
    """Input the command cannot use; reported as FILE:LINE: message, exit 1."""

    def __init__(self, name: str, line: int | None, msg: str) -> None:
        super().__init__(f"{name}:{line}: {msg}" if line is not None else f"{name}: {msg}")


def _read(path: str | None, stdin: BinaryIO) -> tuple[str, bytes]:
    if path is None or path == "-":
        return _STDIN, stdin.read()
    try:
        with open(path, "rb") as file:
            return path, file.read()
    except OSError as exc:
        raise _InputError(path, None, f"cannot read: {exc.strerror}") from None


def _load_json(name: str, data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _InputError(name, data.count(b"\n", 0, exc.start) + 1, "the JSON is not UTF-8") from None
    try:
        return _json.loads(text)
    except _json.EmbeddedJSONError as exc:
        line = _json.error_line(text, exc)
        raise _InputError(name, line, str(exc)) from None


def _schema_options(args: argparse.Namespace) -> dict[str, Any]:
    if (args.endpoint is None) != (args.direction is None):
        raise _UsageError("--endpoint and --direction go together")
    if (args.validate or args.strict) and args.endpoint is None:
        raise _UsageError("--validate and --strict need --endpoint and --direction")
    return {
        "endpoint": args.endpoint,
        "direction": args.direction,
        "validate": args.validate or args.strict,
        "strict": args.strict,
    }


def _invalid(name: str, error: Any) -> _InputError:
    """A ValidationError as one FILE:LINE: line per violation."""
    lines = [
        f"{name}:{v.line}: {v.path or '/'}: {v.message}" if v.line else f"{name}: {v.path or '/'}: {v.message}"
        for v in error.errors
    ]
    return _InputError(name, None, f"invalid {error.endpoint} {error.direction}:\n" + "\n".join(lines))


def _encode_command(args: argparse.Namespace, stdin: BinaryIO) -> bytes:
    options = _schema_options(args)
    name, data = _read(args.file, stdin)
    value = _load_json(name, data)
    try:
        return encode(value, pretty=args.pretty, **options) + b"\n"
    except EncodeError as exc:
        raise _InputError(name, None, str(exc)) from None
    except CodecError as exc:
        if hasattr(exc, "errors"):
            raise _invalid(name, exc) from None
        raise


def _decode_command(args: argparse.Namespace, stdin: BinaryIO) -> bytes:
    options = _schema_options(args)
    name, data = _read(args.file, stdin)
    try:
        value = decode(data, **options)
    except DecodeError as exc:
        where = f" (at {exc.path})" if exc.path else ""
        raise _InputError(name, exc.line, exc.msg + where) from None
    except CodecError as exc:
        if hasattr(exc, "errors"):
            raise _invalid(name, exc) from None
        raise
    return (_json.dumps(value, indent="  " if args.pretty else None) + "\n").encode("utf-8")


def _openapi_command(args: argparse.Namespace, stdin: BinaryIO) -> bytes:
    """``altcraft-codec openapi [-o FILE]``: the OpenAPI 3.1 document (codec.openapi)."""
    from . import openapi  # noqa: PLC0415 - loads every schema: only for this command

    text = openapi.dumps().encode("utf-8")
    if args.output is None:
        return text
    try:
        with open(args.output, "wb") as out:
            out.write(text)
    except OSError as exc:
        raise SystemExit(f"altcraft-codec openapi: cannot write {args.output}: {exc.strerror}") from None
    return b""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="altcraft-codec",
        description="Convert Altcraft API v1.1 bodies between JSON and the API's XML dialect.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command, summary in (("encode", "JSON to XML"), ("decode", "XML to JSON")):
        sub = commands.add_parser(command, help=summary, description=summary)
        sub.add_argument("file", nargs="?", metavar="FILE", help="input file (default: standard input)")
        sub.add_argument("--pretty", action="store_true", help="indent the output")
        sub.add_argument(
            "--endpoint", metavar="METHOD", help="read/write as this endpoint means it, e.g. relations/get"
        )
        sub.add_argument("--direction", choices=("request", "response"), help="with --endpoint")
        sub.add_argument("--validate", action="store_true", help="also check against the endpoint's schema")
        sub.add_argument("--strict", action="store_true", help="validate, refusing undocumented top-level members")
    summary = "run the test vectors against an implementation (see vectors/README.md)"
    conformance.add_arguments(commands.add_parser("conformance", help=summary, description=summary))
    summary = "write the OpenAPI 3.1 document of every endpoint with a schema"
    commands.add_parser("openapi", help=summary, description=summary).add_argument(
        "-o", "--output", metavar="FILE", help="write it to FILE (default: standard output)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    handlers = {"encode": _encode_command, "decode": _decode_command, "conformance": conformance.command}
    handlers["openapi"] = _openapi_command
    try:
        output = handlers[args.command](args, sys.stdin.buffer)
    except _UsageError as exc:
        parser.error(str(exc))
    except (_InputError, CodecError) as exc:
        print(f"altcraft-codec: {exc}" if isinstance(exc, CodecError) else exc, file=sys.stderr)
        return 1
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
