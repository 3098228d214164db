"""The ``altcraft-codec`` command.

    altcraft-codec encode [FILE] [--pretty]   JSON -> XML
    altcraft-codec decode [FILE] [--pretty]   XML -> JSON

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
from ._decode import decode
from ._encode import encode
from ._errors import CodecError, DecodeError, EncodeError

__all__ = ["main"]

_STDIN = "<stdin>"


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


def _encode_command(args: argparse.Namespace, stdin: BinaryIO) -> bytes:
    name, data = _read(args.file, stdin)
    value = _load_json(name, data)
    try:
        return encode(value, pretty=args.pretty) + b"\n"
    except EncodeError as exc:
        raise _InputError(name, None, str(exc)) from None


def _decode_command(args: argparse.Namespace, stdin: BinaryIO) -> bytes:
    name, data = _read(args.file, stdin)
    try:
        value = decode(data)
    except DecodeError as exc:
        where = f" (at {exc.path})" if exc.path else ""
        raise _InputError(name, exc.line, exc.msg + where) from None
    return (_json.dumps(value, indent="  " if args.pretty else None) + "\n").encode("utf-8")


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
    summary = "run the test vectors against an implementation (see vectors/README.md)"
    conformance.add_arguments(commands.add_parser("conformance", help=summary, description=summary))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = _parser().parse_args(argv)
    handlers = {"encode": _encode_command, "decode": _decode_command, "conformance": conformance.command}
    try:
        output = handlers[args.command](args, sys.stdin.buffer)
    except (_InputError, CodecError) as exc:
        print(f"altcraft-codec: {exc}" if isinstance(exc, CodecError) else exc, file=sys.stderr)
        return 1
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
