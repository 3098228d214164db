"""The ``altcraft-codec`` command.

    altcraft-codec encode [FILE] [--pretty]          JSON -> XML
    altcraft-codec decode [FILE] [--pretty]          XML -> JSON
    altcraft-codec validate FILE... --endpoint M --direction D
                                                     check payloads against a schema
    altcraft-codec endpoints [--json]                the endpoints, with a summary each
    altcraft-codec schema M --direction D            one schema, self-contained
    altcraft-codec conformance --decoder CMD         run the vectors against another implementation

encode and decode take --endpoint METHOD --direction request|response to
read and write as the endpoint means it (docs/dialect.md §8), and --validate
or --strict to check against its schema.

FILE defaults to standard input (also ``-``); output goes to standard output.
Exit status: 0 on success, 1 on invalid input (``FILE:LINE:COL: /pointer:
message`` on standard error, each part when known: XML elements have no
column, see codec._errors.where), 2 on a usage error. A reader
that goes away (``| head``) ends the command quietly with status 141, as a
filter killed by SIGPIPE, and Ctrl-C with 130; a closed or full standard
output is status 1.

Each subcommand is one ``_add_*`` function: it declares the subcommand's
options and sets ``handler``, a function of the parsed arguments that writes
through :func:`_out` and returns the exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from . import __version__, _json, _jsonpos, conformance
from ._api import decode, encode
from ._errors import CodecError, DecodeError, EncodeError, where
from ._limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:  # codec.schemas loads jsonschema: only the schema options import it
    from ._endpoint import Endpoint
    from .schemas import Direction, UnknownEndpointError, ValidationError, Violation

__all__ = ["main"]

_PROG = "altcraft-codec"
_STDIN = "<stdin>"
# What a shell reports for a filter killed by SIGPIPE (128 + 13) or SIGINT (128 + 2).
_BROKEN_PIPE_STATUS = 141
_INTERRUPTED_STATUS = 130


class _UsageError(Exception):
    """Options that do not go together; exit 2 with the subcommand's usage."""


@dataclass(frozen=True)
class _Problem:
    """One thing wrong with one input: a schema violation (``keyword`` set)
    or input the command cannot read (``keyword`` None)."""

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    keyword: str | None = None

    def text(self, name: str) -> str:
        return f"{where(name, self.line, self.column, self.path)}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "message": self.message,
            "keyword": self.keyword,
            "line": self.line,
            "column": self.column,
        }


class _InputError(Exception):
    """Input the command cannot use; exit 1."""

    def __init__(self, name: str, problems: list[_Problem], header: str | None = None) -> None:
        self.name = name
        self.problems = problems
        lines = [problem.text(name) for problem in problems]
        if header is not None:
            lines.insert(0, f"{name}: {header}")
        super().__init__("\n".join(lines))


# --- standard streams ---------------------------------------------------------
# A standard descriptor may be closed (``<&-``, ``>&-``): Python then sets
# sys.stdin/stdout/stderr to None. The descriptor gets /dev/null, so that no
# file the command opens lands on it, and the stream reports EBADF when used,
# as ``cat`` does.


class _OutputError(Exception):
    """Standard output cannot be written (closed, full device...)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))


class _Closed(io.RawIOBase):
    """A standard stream whose descriptor was closed when the command started."""

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    def write(self, data: Any) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))


def _guard_standard_streams() -> None:
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            placeholder = os.open(os.devnull, os.O_RDWR)
            if placeholder != fd:  # pragma: no cover - lowest free descriptor
                os.dup2(placeholder, fd)
                os.close(placeholder)
        if getattr(sys, name) is None:
            if name == "stderr":  # messages are lost; the exit status still tells
                sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
            else:
                setattr(sys, name, io.TextIOWrapper(_Closed(), encoding="utf-8", write_through=True))


def _stdin() -> BinaryIO:
    return sys.stdin.buffer


def _out(data: bytes | str) -> None:
    """Write to standard output now (a report streams file by file)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _OutputError(exc) from None


def _err(text: str) -> None:
    with contextlib.suppress(OSError):
        print(text, file=sys.stderr)


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that the flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


# --- reading input ------------------------------------------------------------


def _read(path: str | None, limits: Limits = DEFAULT_LIMITS) -> tuple[str, bytes]:
    """The name and bytes of ``path`` (``-`` or None: standard input).

    Reads at most ``limits.max_bytes + 1`` bytes: ``/dev/zero`` or a huge
    pipe is refused, not buffered.
    """
    name = _STDIN if path is None or path == "-" else path
    try:
        if name == _STDIN:
            data = _stdin().read(limits.max_bytes + 1)
        else:
            with open(name, "rb") as file:
                data = file.read(limits.max_bytes + 1)
    except OSError as exc:
        raise _InputError(name, [_Problem(f"cannot read: {exc.strerror or exc}")]) from None
    if len(data) > limits.max_bytes:
        message = f"larger than the limit of {limits.max_bytes} bytes (Limits.max_bytes); nothing was converted"
        raise _InputError(name, [_Problem(message)])
    return name, data


def _load_json(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[str, Any]:
    """The text and value of a JSON document; every refusal has a line and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _jsonpos.byte_line_col(data, exc.start)
        raise _InputError(name, [_Problem("the JSON is not UTF-8", line=line, column=column)]) from None
    try:
        return text, _json.loads(text, max_int_digits=limits.max_int_digits)
    except _json.EmbeddedJSONError as exc:
        message = str(exc)
        position = exc.pos
        if position is None and isinstance(exc.__context__, RecursionError):
            position = _jsonpos.too_deep(text, limits.max_depth)
            message = f"nested deeper than the limit of {limits.max_depth}"
        elif position is None:
            # A duplicate key, NaN, an overflowing number: refused from a hook, with no position.
            position = _jsonpos.first_problem(text, max_int_digits=limits.max_int_digits)
        raise _InputError(name, [_at(text, position, _Problem(message))]) from None


def _at(text: str, position: int | None, problem: _Problem) -> _Problem:
    if position is None:
        return problem
    line, column = _jsonpos.line_col(text, [position])[position]
    return _Problem(problem.message, problem.path, line, column, problem.keyword)


def _json_violations(text: str, violations: Sequence[Violation]) -> list[_Problem]:
    """Schema violations of a JSON text, each at the line:col of its value."""
    offsets = _jsonpos.value_positions(text, {v.path for v in violations})
    places = _jsonpos.line_col(text, offsets.values())
    problems = []
    for v in violations:
        line, column = places.get(offsets.get(v.path, -1), (None, None))
        problems.append(_Problem(v.message, v.path, line, column, v.keyword))
    return problems


def _xml_violations(violations: Sequence[Violation]) -> list[_Problem]:
    """Schema violations of an XML document, at the line of the element (lxml has no column)."""
    return [_Problem(v.message, v.path, v.line, None, v.keyword) for v in violations]


def _decode_problem(exc: DecodeError) -> _Problem:
    return _Problem(exc.msg, exc.path or None, exc.line, exc.column)


def _invalid_payload(exc: CodecError) -> ValidationError | None:
    """``exc`` if it is a ValidationError, else None. Imported here, on a
    failure: a successful plain encode or decode never loads jsonschema, and
    only validation, which has loaded it already, raises one."""
    from .schemas import ValidationError  # noqa: PLC0415 - jsonschema: not for plain encode/decode

    return exc if isinstance(exc, ValidationError) else None


# --- endpoints ----------------------------------------------------------------


def _unknown_endpoint(exc: UnknownEndpointError) -> str:
    hint = f"; did you mean {' or '.join(exc.suggestions)}?" if exc.suggestions else ""
    return f"unknown endpoint {exc.endpoint!r}{hint} ('{_PROG} endpoints' lists them)"


def _prepared(endpoint: str, direction: Direction, *, strict: bool = False) -> Endpoint:
    """The endpoint, prepared once for every file of the command."""
    from ._endpoint import Endpoint  # noqa: PLC0415 - the schema layer is slow to import
    from .schemas import UnknownEndpointError  # noqa: PLC0415

    try:
        return Endpoint(endpoint, direction, strict=strict)
    except UnknownEndpointError as exc:
        raise _UsageError(_unknown_endpoint(exc)) from None


def _add_endpoint_options(sub: argparse.ArgumentParser, *, required: bool) -> None:
    sub.add_argument(
        "--endpoint",
        metavar="METHOD",
        required=required,
        help="the API method, e.g. relations/get ('altcraft-codec endpoints' lists them)",
    )
    sub.add_argument("--direction", choices=("request", "response"), required=required, help="with --endpoint")


# --- encode, decode -----------------------------------------------------------


def _schema_options(args: argparse.Namespace) -> tuple[Endpoint | None, bool]:
    """The prepared endpoint of ``--endpoint``/``--direction`` (or none), and whether to validate."""
    if (args.endpoint is None) != (args.direction is None):
        raise _UsageError("--endpoint and --direction go together")
    if (args.validate or args.strict) and args.endpoint is None:
        raise _UsageError("--validate and --strict need --endpoint and --direction")
    if args.endpoint is None:
        return None, False
    return _prepared(args.endpoint, args.direction, strict=args.strict), args.validate or args.strict


def _invalid(name: str, error: ValidationError, problems: list[_Problem]) -> _InputError:
    """A ValidationError as one FILE:LINE: line per violation, under a header."""
    return _InputError(name, problems, header=f"invalid {error.endpoint} {error.direction}:")


def _encode_command(args: argparse.Namespace) -> int:
    endpoint, validate = _schema_options(args)
    name, data = _read(args.file)
    text, value = _load_json(name, data)
    try:
        if endpoint is None:
            output = encode(value, pretty=args.pretty)
        else:
            output = endpoint.encode(value, pretty=args.pretty, validate=validate)
    except EncodeError as exc:
        position = _jsonpos.value_positions(text, [exc.path]).get(exc.path)
        raise _InputError(name, [_at(text, position, _Problem(exc.msg, exc.path or None))]) from None
    except CodecError as exc:
        invalid = _invalid_payload(exc)
        if invalid is None:
            raise
        raise _invalid(name, invalid, _json_violations(text, invalid.errors)) from None
    _out(output + b"\n")
    return 0


def _decode_command(args: argparse.Namespace) -> int:
    endpoint, validate = _schema_options(args)
    name, data = _read(args.file)
    try:
        value = decode(data) if endpoint is None else endpoint.decode(data, validate=validate)
    except DecodeError as exc:
        raise _InputError(name, [_decode_problem(exc)]) from None
    except CodecError as exc:
        invalid = _invalid_payload(exc)
        if invalid is None:
            raise
        raise _invalid(name, invalid, _xml_violations(invalid.errors)) from None
    _out(_json.dumps(value, indent="  " if args.pretty else None) + "\n")
    return 0


def _add_codec(commands: Any, command: str, summary: str, handler: Callable[[argparse.Namespace], int]) -> None:
    sub = commands.add_parser(command, help=summary, description=summary)
    sub.add_argument("file", nargs="?", metavar="FILE", help="input file (default: standard input)")
    sub.add_argument("--pretty", action="store_true", help="indent the output")
    _add_endpoint_options(sub, required=False)
    sub.add_argument("--validate", action="store_true", help="also check against the endpoint's schema")
    sub.add_argument("--strict", action="store_true", help="validate, refusing undocumented members at every level")
    sub.set_defaults(handler=handler, subparser=sub)


def _add_encode(commands: Any) -> None:
    _add_codec(commands, "encode", "JSON to XML", _encode_command)


def _add_decode(commands: Any) -> None:
    _add_codec(commands, "decode", "XML to JSON", _decode_command)


# --- validate -----------------------------------------------------------------


def _sniff(data: bytes) -> str:
    """``xml`` when the first character (after a BOM and blanks) is ``<``, else ``json``."""
    return "xml" if data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<") else "json"


def _validate_one(path: str, args: argparse.Namespace, endpoint: Endpoint) -> tuple[str, str | None, list[_Problem]]:
    """The name, format and problems of one file (none: valid)."""
    from . import schemas  # noqa: PLC0415

    try:
        name, data = _read(path)
    except _InputError as exc:
        return exc.name, None, exc.problems
    kind = _sniff(data) if args.format == "auto" else args.format
    try:
        if kind == "xml":
            endpoint.decode(data, validate=True)
        else:
            text, value = _load_json(name, data)
            try:
                endpoint.validate(value)
            except schemas.ValidationError as exc:
                return name, kind, _json_violations(text, exc.errors)
    except _InputError as exc:
        return name, kind, exc.problems
    except DecodeError as exc:
        return name, kind, [_decode_problem(exc)]
    except schemas.ValidationError as exc:
        return name, kind, _xml_violations(exc.errors)
    return name, kind, []


def _validate_command(args: argparse.Namespace) -> int:
    endpoint = _prepared(args.endpoint, args.direction, strict=args.strict)
    files = []
    for path in args.files:
        name, kind, problems = _validate_one(path, args, endpoint)
        if args.output == "text":
            _out("".join(problem.text(name) + "\n" for problem in problems))
        files.append({"file": name, "format": kind, "valid": not problems, "errors": [p.as_json() for p in problems]})
    valid = all(entry["valid"] for entry in files)
    if args.output == "json":
        report = {
            "endpoint": args.endpoint,
            "direction": args.direction,
            "strict": args.strict,
            "valid": valid,
            "files": files,
        }
        _out(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0 if valid else 1


def _add_validate(commands: Any) -> None:
    summary = "check JSON or XML payloads against an endpoint's schema"
    sub = commands.add_parser(
        "validate",
        help=summary,
        description=summary
        + ". Text output is one 'FILE:LINE:COL: /pointer: message' line per problem (XML: a column only "
        "when it is malformed); "
        "nothing when every file is valid. Exit 0: all valid; 1: any invalid or unreadable; 2: usage.",
    )
    sub.add_argument("files", nargs="+", metavar="FILE", help="payload files ('-' for standard input)")
    _add_endpoint_options(sub, required=True)
    sub.add_argument("--strict", action="store_true", help="also refuse undocumented members at every level")
    sub.add_argument(
        "--format", choices=("auto", "json", "xml"), default="auto", help="input format (default: by content)"
    )
    sub.add_argument("-o", "--output", choices=("text", "json"), default="text", help="report format (default: text)")
    sub.set_defaults(handler=_validate_command, subparser=sub)


# --- endpoints, schema --------------------------------------------------------

_FIRST_SENTENCE = re.compile(r"(.+?)[.!?](?:\s|$)", re.DOTALL)


def _summary(endpoint: str) -> str:
    """The first sentence of the request schema's description."""
    from . import schemas  # noqa: PLC0415

    description = " ".join(str(schemas.schema(endpoint, "request").get("description", "")).split())
    match = _FIRST_SENTENCE.match(description)
    return match.group(1) if match else description


def _endpoints_command(args: argparse.Namespace) -> int:
    from . import schemas  # noqa: PLC0415

    rows = [(name, _summary(name)) for name in schemas.endpoints()]
    if args.json:
        _out(json.dumps([{"endpoint": n, "summary": s} for n, s in rows], indent=2, ensure_ascii=False) + "\n")
    else:
        # Tab-separated: stable as endpoints are added, and ``cut -f1`` gives the names.
        _out("".join(f"{name}\t{summary}\n" for name, summary in rows))
    return 0


def _add_endpoints(commands: Any) -> None:
    summary = "list the endpoints with schemas, one line each"
    sub = commands.add_parser("endpoints", help=summary, description=summary)
    sub.add_argument("--json", action="store_true", help='a JSON array of {"endpoint", "summary"}')
    sub.set_defaults(handler=_endpoints_command, subparser=sub)


def _schema_command(args: argparse.Namespace) -> int:
    from . import openapi, schemas  # noqa: PLC0415

    try:
        document = openapi.bundle(args.endpoint, args.direction)
    except schemas.UnknownEndpointError as exc:
        raise _UsageError(_unknown_endpoint(exc)) from None
    _out(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


def _add_schema(commands: Any) -> None:
    summary = "print an endpoint's JSON Schema (draft 2020-12), self-contained"
    sub = commands.add_parser(
        "schema",
        help=summary,
        description=summary + ": every shared schema it refers to is bundled under $defs "
        "(named like shared.matching) and every $ref points inside the document.",
    )
    sub.add_argument("endpoint", metavar="METHOD", help="the API method, e.g. relations/get")
    sub.add_argument("--direction", choices=("request", "response"), required=True)
    sub.set_defaults(handler=_schema_command, subparser=sub)


# --- conformance --------------------------------------------------------------


def _conformance_programs(args: argparse.Namespace) -> dict[str, conformance.Command]:
    """The commands under test, by role; each checked to start."""
    programs = {}
    for role in ("decoder", "encoder", "validator"):
        text = getattr(args, role)
        if text is None:
            continue
        try:
            program = conformance.Command(text, timeout=args.timeout)
        except ValueError as exc:
            raise _UsageError(f"--{role}: {exc}") from None
        problem = program.check()
        if problem is not None:
            raise _UsageError(f"--{role}: {problem}")
        programs[role] = program
    if not programs:
        raise _UsageError("give at least one of --decoder, --encoder, --validator")
    return programs


def _conformance_command(args: argparse.Namespace) -> int:
    """The report on standard output; 1 when a selected case failed."""
    if args.vectors is None and conformance.default_vectors_dir() is None:
        raise _UsageError(
            "no vectors/ folder next to the installed package (the wheel does not ship it): "
            "pass --vectors DIR, the vectors/ folder of a clone or of the sdist"
        )
    try:
        cases = conformance.select(
            conformance.load(args.vectors), kinds=args.kind, ids=args.id, flags=args.flag, skip_schema=args.skip_schema
        )
    except (OSError, ValueError) as exc:
        raise _UsageError(f"cannot read the vectors: {exc}") from None
    if args.list:
        _out("".join(f"{case.id}\t{case.kind}\t{case.rule}\t{','.join(sorted(case.flags))}\n" for case in cases))
        return 0
    programs = _conformance_programs(args)
    results = conformance.run(
        cases,
        decoder=programs.get("decoder"),
        encoder=programs.get("encoder"),
        validator=programs.get("validator"),
        canonical=args.canonical,
        check_lines=args.check_lines,
        jobs=args.jobs or None,
    )
    _out(conformance.report(results))
    if args.junit:
        try:
            Path(args.junit).write_bytes(conformance.junit_xml(results))
        except OSError as exc:
            _err(f"{_PROG} conformance: cannot write {args.junit}: {exc.strerror or exc}")
            return 1
    return 1 if any(result.status == "failed" for result in results) else 0


def _add_conformance(commands: Any) -> None:
    summary = "run the test vectors against an implementation (see vectors/README.md)"
    sub = commands.add_parser("conformance", help=summary, description=summary)
    sub.add_argument("--decoder", metavar="CMD", help="command that reads XML on stdin and prints JSON")
    sub.add_argument("--encoder", metavar="CMD", help="command that reads JSON on stdin and prints XML")
    sub.add_argument(
        "--validator", metavar="CMD", help="command that reads a JSON payload and exits non-zero if it is invalid"
    )
    sub.add_argument("--vectors", metavar="DIR", help="the vectors folder (default: the checkout's vectors/)")
    sub.add_argument(
        "--kind", action="append", default=[], choices=conformance.KINDS, help="run only this kind (repeatable)"
    )
    sub.add_argument(
        "--id", action="append", default=[], metavar="PATTERN", help="run only ids matching this glob (repeatable)"
    )
    sub.add_argument(
        "--flag", action="append", default=[], metavar="FLAG", help="run only cases carrying this flag (repeatable)"
    )
    sub.add_argument(
        "--skip-schema", action="store_true", help="skip the cases that need schema support (endpoints, validation)"
    )
    sub.add_argument("--canonical", action="store_true", help="also require the encoder's output byte for byte")
    sub.add_argument(
        "--check-lines", action="store_true", help="require the line of a refusal (stderr 'NAME:LINE: message')"
    )
    sub.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    sub.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per command (default 10)")
    sub.add_argument("--jobs", type=int, default=0, metavar="N", help="cases run at once (default: CPU count)")
    sub.add_argument("--list", action="store_true", help="list the selected cases and exit")
    sub.set_defaults(handler=_conformance_command, subparser=sub)


# --- openapi ------------------------------------------------------------------


def _openapi_command(args: argparse.Namespace) -> int:
    """``altcraft-codec openapi [-o FILE]``: the OpenAPI 3.1 document (codec.openapi)."""
    from . import openapi  # noqa: PLC0415 - loads every schema: only for this command

    text = openapi.dumps()
    if args.output is None:
        _out(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        _err(f"{_PROG} openapi: cannot write {args.output}: {exc.strerror or exc}")
        return 1
    return 0


def _add_openapi(commands: Any) -> None:
    summary = "write the OpenAPI 3.1 document of every endpoint with a schema"
    sub = commands.add_parser("openapi", help=summary, description=summary)
    sub.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (default: standard output)")
    sub.set_defaults(handler=_openapi_command, subparser=sub)


# --- the command --------------------------------------------------------------

# One function per subcommand, in the order --help lists them.
_SUBCOMMANDS: tuple[Callable[[Any], None], ...] = (
    _add_encode,
    _add_decode,
    _add_validate,
    _add_endpoints,
    _add_schema,
    _add_conformance,
    _add_openapi,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Convert Altcraft API v1.1 bodies between JSON and the API's XML dialect, and validate them.",
    )
    parser.add_argument("--version", action="version", version=f"{_PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in _SUBCOMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    _guard_standard_streams()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except _UsageError as exc:
        args.subparser.error(str(exc))
    except _InputError as exc:
        _err(str(exc))
        return 1
    except CodecError as exc:
        _err(f"{_PROG}: {exc}")
        return 1
    except BrokenPipeError:
        _silence_stdout()
        return _BROKEN_PIPE_STATUS
    except _OutputError as exc:
        _err(f"{_PROG}: cannot write to standard output: {exc}")
        _silence_stdout()
        return 1
    except KeyboardInterrupt:  # Ctrl-C: quiet, as other filters
        return _INTERRUPTED_STATUS
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
