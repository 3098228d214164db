"""The conformance runner: the vectors of ``vectors/`` against any implementation.

An implementation under test is one to three commands that speak a stdin/stdout
protocol (``vectors/README.md`` has the full text):

- the **decoder** reads an XML document on standard input and prints the JSON
  it decodes to; a refusal is a non-zero exit status;
- the **encoder** reads a JSON document and prints its XML; a refusal is a
  non-zero exit status;
- the **validator** (optional) reads a JSON payload and exits 0 when it is
  valid, or non-zero with a JSON array of the violations' JSON Pointers on
  standard output.

Cases that need an endpoint's schema get ``ALTCRAFT_ENDPOINT`` (e.g.
``relations/get``) and ``ALTCRAFT_DIRECTION`` (``request`` or ``response``) in
their environment, and schema cases in strict mode ``ALTCRAFT_STRICT=1``; an
implementation without schemas skips them with ``--skip-schema``.

Decoded JSON is compared with the expected value type for type (``1``, ``1.0``
and ``true`` differ, so do ``0.0`` and ``-0.0``), member order aside. Encoder
output is judged by decoding it with this library's decoder, and with
``--canonical`` also byte for byte against the vector's canonical XML (one
trailing newline is ignored). Commands run without a shell (``shlex.split``),
one process per case, in a thread pool, each with a timeout.

The library side is :func:`load`, :func:`select`, :func:`run`, :func:`report`
and :func:`junit_xml`; :class:`Command` and :func:`in_process` make programs out
of commands and Python functions, and ``python -m codec.conformance
decode|encode|validate`` is this library behind the protocol (the reference
adapter). ``altcraft-codec conformance`` is :func:`command`.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import os
import re
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

from . import _json
from ._api import decode
from ._dialect import _ILLEGAL
from ._errors import CodecError, DecodeError

__all__ = [
    "DIRECTION_VARIABLE",
    "ENDPOINT_VARIABLE",
    "KINDS",
    "STRICT_VARIABLE",
    "Case",
    "Command",
    "ExpectedError",
    "Outcome",
    "Program",
    "Refusal",
    "Result",
    "adapter_main",
    "add_arguments",
    "command",
    "default_vectors_dir",
    "in_process",
    "junit_xml",
    "load",
    "reference_decode",
    "reference_encode",
    "reference_program",
    "reference_validate",
    "report",
    "run",
    "same",
    "select",
]

KINDS: Final = ("valid", "decode-only", "invalid", "implementation-defined", "schema")
"""The kinds of vector, in manifest order."""

ENDPOINT_VARIABLE: Final = "ALTCRAFT_ENDPOINT"
DIRECTION_VARIABLE: Final = "ALTCRAFT_DIRECTION"
STRICT_VARIABLE: Final = "ALTCRAFT_STRICT"
_SCHEMA_VARIABLES: Final = (ENDPOINT_VARIABLE, DIRECTION_VARIABLE, STRICT_VARIABLE)

Status = Literal["passed", "failed", "skipped"]


# --- the manifest -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpectedError:
    """How an invalid case must be refused.

    Attributes:
        cls: ``"DecodeError"`` (XML input, the decoder refuses) or
            ``"EncodeError"`` (JSON input, the encoder refuses).
        line: the 1-based XML line of the refusal, or ``None``.
        path: the JSON Pointer this library reports, or ``None`` if unpinned.
    """

    cls: str
    line: int | None
    path: str | None


@dataclass(frozen=True, slots=True)
class Case:
    """One vector of the manifest.

    Attributes:
        id: the stable, kebab-case id.
        kind: one of :data:`KINDS`.
        behaves_as: what is checked: the kind itself, or for an
            implementation-defined case ``valid``, ``decode-only`` or ``invalid``.
        description: one line.
        rule: the section of docs/dialect.md it pins, e.g. ``dialect.md#3``.
        flags: e.g. ``from-docs``, ``needs-schema``, ``pins:array-attribute``.
        files: ``"xml"`` and/or ``"json"`` to absolute paths.
        error: for invalid cases, how they must be refused.
        endpoint: the endpoint whose schema guides the case, if any.
        direction: ``"request"`` or ``"response"`` with ``endpoint``.
        valid: for schema cases, whether the payload is valid.
        error_paths: for invalid schema cases, the JSON Pointers that must be reported.
        strict: for schema cases, whether strict mode applies.
        entry: the raw manifest entry.
    """

    id: str
    kind: str
    behaves_as: str
    description: str
    rule: str
    flags: frozenset[str]
    files: Mapping[str, Path]
    error: ExpectedError | None = None
    endpoint: str | None = None
    direction: str | None = None
    valid: bool | None = None
    error_paths: tuple[str, ...] = ()
    strict: bool = False
    entry: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def needs_schema(self) -> bool:
        """Whether the case needs schema support (an endpoint, or validation)."""
        return self.kind == "schema" or self.endpoint is not None

    @property
    def decodes(self) -> bool:
        """Whether the case runs the decoder."""
        return self.behaves_as in ("valid", "decode-only") or (self.behaves_as == "invalid" and "xml" in self.files)

    @property
    def encodes(self) -> bool:
        """Whether the case runs the encoder."""
        return self.behaves_as == "valid" or (self.behaves_as == "invalid" and "xml" not in self.files)

    def xml(self) -> bytes:
        """The XML file's bytes."""
        return self.files["xml"].read_bytes()

    def json_bytes(self) -> bytes:
        """The JSON file's bytes."""
        return self.files["json"].read_bytes()

    def expected(self) -> Any:
        """The JSON file's value, read strictly (exact integers, no duplicate keys)."""
        return _json.loads(self.json_bytes().decode("utf-8"))

    def environment(self) -> dict[str, str]:
        """The protocol's environment variables for this case."""
        env = {}
        if self.endpoint is not None and self.direction is not None:
            env[ENDPOINT_VARIABLE] = self.endpoint
            env[DIRECTION_VARIABLE] = self.direction
        if self.strict:
            env[STRICT_VARIABLE] = "1"
        return env


def default_vectors_dir() -> Path | None:
    """The ``vectors/`` folder of a source checkout, if there is one."""
    candidate = Path(__file__).resolve().parent.parent / "vectors"
    return candidate if (candidate / "manifest.json").is_file() else None


def load(directory: Path | str | None = None) -> list[Case]:
    """Read ``manifest.json`` in ``directory`` (default: :func:`default_vectors_dir`).

    Raises:
        FileNotFoundError: no manifest.
        ValueError: a malformed entry.
    """
    root = Path(directory) if directory is not None else default_vectors_dir()
    if root is None:
        raise FileNotFoundError("no vectors/ folder next to the package: pass the folder explicitly")
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return [_case(root, entry) for entry in manifest["cases"]]


def _case(root: Path, entry: Mapping[str, Any]) -> Case:
    try:
        kind = entry["kind"]
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        error = entry.get("error")
        expected_error = None
        if error is not None:
            expected_error = ExpectedError(error["class"], error.get("line"), error.get("path"))
        return Case(
            id=entry["id"],
            kind=kind,
            behaves_as=entry.get("behaves_as", kind),
            description=entry["description"],
            rule=entry["rule"],
            flags=frozenset(entry.get("flags", ())),
            files={name: root / path for name, path in entry["files"].items()},
            error=expected_error,
            endpoint=entry.get("endpoint"),
            direction=entry.get("direction"),
            valid=entry.get("valid"),
            error_paths=tuple(e["path"] for e in entry.get("errors", ())),
            strict=bool(entry.get("strict", False)),
            entry=entry,
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed manifest entry {entry.get('id', '?')!r}: {exc!r}") from None


def select(
    cases: Iterable[Case],
    *,
    kinds: Sequence[str] = (),
    ids: Sequence[str] = (),
    flags: Sequence[str] = (),
    skip_schema: bool = False,
) -> list[Case]:
    """The cases of any of ``kinds``, with an id matching any of the glob
    patterns ``ids``, carrying all of ``flags``; empty filters match all.
    ``skip_schema`` leaves out every case that needs schema support."""
    chosen = []
    for case in cases:
        if kinds and case.kind not in kinds:
            continue
        if ids and not any(fnmatch.fnmatchcase(case.id, pattern) for pattern in ids):
            continue
        if not case.flags.issuperset(flags):
            continue
        if skip_schema and case.needs_schema:
            continue
        chosen.append(case)
    return chosen


# --- programs -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a program did with one input.

    Attributes:
        accepted: it exited 0 (the input was taken).
        output: its standard output.
        diagnostics: its standard error, as text.
        problem: set when it neither accepted nor refused (timed out, killed,
            not runnable); such an outcome always fails the case.
    """

    accepted: bool
    output: bytes = b""
    diagnostics: str = ""
    problem: str | None = None


Program = Callable[[bytes, Mapping[str, str]], Outcome]
"""A decoder, encoder or validator: input bytes and protocol variables to an outcome."""


class Command:
    """A program run as a command: ``shlex.split``, no shell, with a timeout.

    The protocol variables are added to the inherited environment, and any
    inherited ones are removed when a case has none.
    """

    def __init__(self, command: str, *, timeout: float = 10.0) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise ValueError("empty command")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"Command({shlex.join(self.argv)!r})"

    def check(self) -> str | None:
        """Why the command cannot run, or ``None`` when it can."""
        program = self.argv[0]
        if shutil.which(program) is None:
            return f"{program}: command not found or not executable"
        return None

    def __call__(self, data: bytes, variables: Mapping[str, str]) -> Outcome:
        import subprocess  # noqa: PLC0415 - kept off the CLI's start-up path

        env = {k: v for k, v in os.environ.items() if k not in _SCHEMA_VARIABLES}
        env.update(variables)
        try:
            done = subprocess.run(
                self.argv, input=data, capture_output=True, timeout=self.timeout, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            return Outcome(False, problem=f"timed out after {self.timeout:g} s")
        except OSError as exc:
            return Outcome(False, problem=f"could not run {self.argv[0]}: {exc.strerror or exc}")
        diagnostics = done.stderr.decode("utf-8", "replace")
        if done.returncode < 0:
            return Outcome(False, done.stdout, diagnostics, problem=f"killed by signal {-done.returncode}")
        if done.returncode in (126, 127):
            return Outcome(False, done.stdout, diagnostics, problem=f"could not run (exit status {done.returncode})")
        return Outcome(done.returncode == 0, done.stdout, diagnostics)


class Refusal(Exception):
    """Raised by an :func:`in_process` function to refuse its input.

    Attributes:
        output: what the refusal prints on standard output (a validator's
            error paths).
    """

    def __init__(self, message: str, output: bytes = b"") -> None:
        super().__init__(message)
        self.output = output


def in_process(function: Callable[[bytes, Mapping[str, str]], bytes]) -> Program:
    """A program from a Python function taking the input and the protocol
    variables and returning the output. Raising :class:`Refusal` or
    :class:`~codec.CodecError` refuses the input; any other exception is a
    crash (the case fails)."""

    def program(data: bytes, variables: Mapping[str, str]) -> Outcome:
        try:
            return Outcome(True, function(data, variables))
        except Refusal as refusal:
            return Outcome(False, refusal.output, str(refusal))
        except DecodeError as error:
            where = "" if error.line is None else f"{error.line}:"
            return Outcome(False, diagnostics=f"<stdin>:{where} {error.msg}")
        except CodecError as error:
            return Outcome(False, diagnostics=f"<stdin>: {error}")
        except Exception as exc:
            return Outcome(False, problem=f"crashed: {type(exc).__name__}: {exc}")

    return program


# --- the reference adapter ------------------------------------------------------


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
    from ._api import encode  # noqa: PLC0415 - only the adapter encodes

    try:
        value = _json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refusal(f"<stdin>: not a JSON document: {exc}") from None
    return encode(value, **_schema_options(variables)) + b"\n"


def reference_validate(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Validate the JSON payload ``data``; refuses with the JSON array of error paths."""
    from .schemas import iter_errors  # noqa: PLC0415 - only the validator needs schemas

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
        message = "\n".join(f"<stdin>: {v.path or '/'}: {v.message}" for v in violations)
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


# --- judging ------------------------------------------------------------------


def same(a: Any, b: Any, *, ordered: bool = False) -> bool:
    """JSON equality with exact types: ``1``, ``1.0`` and ``True`` differ, and
    so do ``0.0`` and ``-0.0``. Member order counts only if ``ordered``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        if ordered and list(a) != list(b):
            return False
        return a.keys() == b.keys() and all(same(a[k], b[k], ordered=ordered) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y, ordered=ordered) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return bool(a == b)


@dataclass(frozen=True, slots=True)
class Result:
    """The verdict on one case.

    Attributes:
        case: the case.
        status: ``"passed"``, ``"failed"`` or ``"skipped"``.
        message: why it failed or was skipped (empty when it passed).
        diff: expected against actual, when there is something to compare.
        seconds: time spent on the case.
    """

    case: Case
    status: Status
    message: str = ""
    diff: str = ""
    seconds: float = 0.0


class _Failure(Exception):
    def __init__(self, message: str, diff: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.diff = diff


@dataclass(frozen=True, slots=True)
class _Runner:
    decoder: Program | None
    encoder: Program | None
    validator: Program | None
    canonical: bool
    check_lines: bool

    def missing(self, case: Case) -> str | None:
        """Why ``case`` cannot run with the programs given, or ``None``."""
        if case.kind == "schema":
            return None if self.validator is not None else "no validator given"
        if case.behaves_as == "valid":
            return None if self.decoder is not None or self.encoder is not None else "no decoder or encoder given"
        if case.decodes and self.decoder is None:
            return "no decoder given"
        if case.encodes and not case.decodes and self.encoder is None:
            return "no encoder given"
        return None

    def judge(self, case: Case) -> Result:
        start = time.perf_counter()
        reason = self.missing(case)
        if reason is not None:
            return Result(case, "skipped", reason)
        try:
            if case.kind == "schema":
                self.check_schema(case)
            elif case.behaves_as == "invalid":
                self.check_refusal(case)
            else:
                if self.decoder is not None:
                    self.check_decoder(case)
                if case.behaves_as == "valid" and self.encoder is not None:
                    self.check_encoder(case)
        except _Failure as failure:
            return Result(case, "failed", failure.message, failure.diff, time.perf_counter() - start)
        except OSError as exc:
            return Result(case, "failed", f"cannot read the vector: {exc}", "", time.perf_counter() - start)
        return Result(case, "passed", seconds=time.perf_counter() - start)

    def check_decoder(self, case: Case) -> None:
        assert self.decoder is not None
        outcome = _ran(self.decoder(case.xml(), case.environment()), "decoder")
        if not outcome.accepted:
            raise _Failure(f"the decoder refused a valid document: {_first_line(outcome.diagnostics)}")
        try:
            actual = _json.loads(outcome.output.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Failure(f"the decoder's output is not a JSON document: {exc}", _excerpt(outcome.output)) from None
        expected = case.expected()
        if not same(actual, expected):
            raise _Failure("the decoder's output differs from the expected JSON", _json_diff(expected, actual))

    def check_encoder(self, case: Case) -> None:
        assert self.encoder is not None
        outcome = _ran(self.encoder(case.json_bytes(), case.environment()), "encoder")
        if not outcome.accepted:
            raise _Failure(f"the encoder refused a valid document: {_first_line(outcome.diagnostics)}")
        output = outcome.output[:-1] if outcome.output.endswith(b"\n") else outcome.output
        if self.canonical and output != case.xml():
            raise _Failure("the encoder's output is not the canonical XML", _xml_diff(case.xml(), output))
        options: dict[str, Any] = {}
        if case.endpoint is not None:
            options = {"endpoint": case.endpoint, "direction": case.direction}
        try:
            actual = decode(output, **options)
        except DecodeError as error:
            raise _Failure(f"the encoder's output does not decode: {error}", _excerpt(output)) from None
        expected = case.expected()
        if not same(actual, expected):
            raise _Failure("the encoder's output decodes to a different value", _json_diff(expected, actual))

    def check_refusal(self, case: Case) -> None:
        if case.decodes:
            assert self.decoder is not None
            outcome = _ran(self.decoder(case.xml(), case.environment()), "decoder")
            role = "decoder"
        else:
            assert self.encoder is not None
            outcome = _ran(self.encoder(case.json_bytes(), case.environment()), "encoder")
            role = "encoder"
        if outcome.accepted:
            raise _Failure(f"the {role} accepted input it must refuse", _excerpt(outcome.output))
        expected_line = None if case.error is None else case.error.line
        if self.check_lines and role == "decoder" and expected_line is not None:
            line = _reported_line(outcome.diagnostics)
            if line != expected_line:
                raise _Failure(
                    f"refused at line {line}, expected line {expected_line}", _first_line(outcome.diagnostics)
                )

    def check_schema(self, case: Case) -> None:
        assert self.validator is not None
        outcome = _ran(self.validator(case.json_bytes(), case.environment()), "validator")
        if case.valid:
            if not outcome.accepted:
                raise _Failure("the validator refused a valid payload", _excerpt(outcome.output))
            return
        if outcome.accepted:
            raise _Failure("the validator accepted an invalid payload")
        try:
            reported = json.loads(outcome.output.decode("utf-8"))
            if not isinstance(reported, list) or not all(isinstance(p, str) for p in reported):
                raise ValueError("not an array of strings")
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Failure(
                f"the validator did not print a JSON array of error paths: {exc}", _excerpt(outcome.output)
            ) from None
        missing = [p for p in case.error_paths if p not in reported]
        if missing:
            raise _Failure(f"error paths not reported: {json.dumps(missing)}; reported: {json.dumps(reported)}")


def _ran(outcome: Outcome, role: str) -> Outcome:
    if outcome.problem is not None:
        raise _Failure(f"the {role} {outcome.problem}", _first_line(outcome.diagnostics))
    return outcome


_LINE: Final = re.compile(r":(\d+):")


def _reported_line(diagnostics: str) -> int | None:
    """The LINE of the first ``NAME:LINE: message`` in a refusal's diagnostics."""
    match = _LINE.search(diagnostics)
    return int(match.group(1)) if match else None


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else "(no message)"


def _excerpt(data: bytes, limit: int = 400) -> str:
    text = data.decode("utf-8", "backslashreplace")
    return text if len(text) <= limit else text[:limit] + "..."


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _json_diff(expected: Any, actual: Any) -> str:
    import difflib  # noqa: PLC0415 - kept off the CLI's start-up path

    left = _json.dumps(_sorted(expected), indent="  ").splitlines()
    right = _json.dumps(_sorted(actual), indent="  ").splitlines()
    return "\n".join(difflib.unified_diff(left, right, "expected", "actual", lineterm="", n=2))


def _xml_diff(expected: bytes, actual: bytes) -> str:
    import difflib  # noqa: PLC0415 - kept off the CLI's start-up path

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "backslashreplace").replace(">", ">\n").splitlines()

    return "\n".join(difflib.unified_diff(lines(expected), lines(actual), "expected", "actual", lineterm="", n=2))


def run(
    cases: Sequence[Case],
    *,
    decoder: Program | None = None,
    encoder: Program | None = None,
    validator: Program | None = None,
    canonical: bool = False,
    check_lines: bool = False,
    jobs: int | None = None,
) -> list[Result]:
    """Run ``cases`` against the programs given; results in the cases' order.

    A case that needs a program not given is skipped (a valid case runs the
    programs it has). ``canonical`` also compares the encoder's output with the
    canonical XML byte for byte; ``check_lines`` compares the line of a
    decoder's refusal (the first ``NAME:LINE:`` on its standard error) with
    the vector's. ``jobs`` is the number of cases run at once (default: the
    CPU count).
    """
    runner = _Runner(decoder, encoder, validator, canonical, check_lines)
    workers = max(1, jobs or os.cpu_count() or 1)
    if workers == 1:
        return [runner.judge(case) for case in cases]
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - kept off the CLI's start-up path

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(runner.judge, cases))


# --- reporting ----------------------------------------------------------------


def report(results: Sequence[Result]) -> str:
    """The text report: a line per failure with its diff indented under it,
    a line per reason for skipping, and last ``N passed, M failed``."""
    lines = []
    for result in results:
        if result.status == "failed":
            case = result.case
            lines.append(f"FAIL {case.id} [{case.kind}, {case.rule}]: {result.message}")
            lines.extend("    " + line for line in result.diff.splitlines())
    skipped: dict[str, int] = {}
    for result in results:
        if result.status == "skipped":
            skipped[result.message] = skipped.get(result.message, 0) + 1
    lines.extend(f"{count} skipped: {reason}" for reason, count in skipped.items())
    passed = sum(r.status == "passed" for r in results)
    failed = sum(r.status == "failed" for r in results)
    lines.append(f"{passed} passed, {failed} failed")
    return "\n".join(lines) + "\n"


def _xml_safe(text: str) -> str:
    """``text`` with the characters XML cannot hold (§6) as ``\\uXXXX``."""
    return _ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def junit_xml(results: Sequence[Result], *, name: str = "altcraft-codec conformance") -> bytes:
    """JUnit XML for CI systems: a ``testsuite`` per kind, a ``testcase`` per
    vector (``classname`` ``vectors.KIND``, ``name`` the id)."""
    from xml.etree import ElementTree  # noqa: PLC0415 - kept off the CLI's start-up path

    suites = ElementTree.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    elapsed = 0.0
    for kind in KINDS:
        members = [r for r in results if r.case.kind == kind]
        if not members:
            continue
        failures = sum(r.status == "failed" for r in members)
        skipped = sum(r.status == "skipped" for r in members)
        seconds = sum(r.seconds for r in members)
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=kind,
            tests=str(len(members)),
            failures=str(failures),
            errors="0",
            skipped=str(skipped),
            time=f"{seconds:.3f}",
        )
        for result in members:
            case = result.case
            testcase = ElementTree.SubElement(
                suite, "testcase", classname=f"vectors.{kind}", name=case.id, time=f"{result.seconds:.3f}"
            )
            if result.status == "failed":
                failure = ElementTree.SubElement(testcase, "failure", message=_xml_safe(result.message))
                failure.text = _xml_safe(result.diff)
            elif result.status == "skipped":
                ElementTree.SubElement(testcase, "skipped", message=_xml_safe(result.message))
        totals["tests"] += len(members)
        totals["failures"] += failures
        totals["skipped"] += skipped
        elapsed += seconds
    for key, value in totals.items():
        suites.set(key, str(value))
    suites.set("errors", "0")
    suites.set("time", f"{elapsed:.3f}")
    ElementTree.indent(suites)
    document: bytes = ElementTree.tostring(suites, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


# --- the command ----------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``altcraft-codec conformance`` to ``parser``."""
    parser.add_argument("--decoder", metavar="CMD", help="command that reads XML on stdin and prints JSON")
    parser.add_argument("--encoder", metavar="CMD", help="command that reads JSON on stdin and prints XML")
    parser.add_argument(
        "--validator", metavar="CMD", help="command that reads a JSON payload and exits non-zero if it is invalid"
    )
    parser.add_argument("--vectors", metavar="DIR", help="the vectors folder (default: the checkout's vectors/)")
    parser.add_argument("--kind", action="append", default=[], choices=KINDS, help="run only this kind (repeatable)")
    parser.add_argument(
        "--id", action="append", default=[], metavar="PATTERN", help="run only ids matching this glob (repeatable)"
    )
    parser.add_argument(
        "--flag", action="append", default=[], metavar="FLAG", help="run only cases carrying this flag (repeatable)"
    )
    parser.add_argument(
        "--skip-schema", action="store_true", help="skip the cases that need schema support (endpoints, validation)"
    )
    parser.add_argument("--canonical", action="store_true", help="also require the encoder's output byte for byte")
    parser.add_argument(
        "--check-lines", action="store_true", help="require the line of a refusal (stderr 'NAME:LINE: message')"
    )
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per command (default 10)")
    parser.add_argument("--jobs", type=int, default=0, metavar="N", help="cases run at once (default: CPU count)")
    parser.add_argument("--list", action="store_true", help="list the selected cases and exit")


def _usage_error(message: str) -> SystemExit:
    print(f"altcraft-codec conformance: error: {message}", file=sys.stderr)
    return SystemExit(2)


def command(args: argparse.Namespace, stdin: BinaryIO) -> bytes:
    """Run ``altcraft-codec conformance``; prints the report on standard output.

    Returns ``b""`` when every selected case passed (exit status 0); raises
    ``SystemExit(1)`` when one failed and ``SystemExit(2)`` on a usage error.
    ``stdin`` is unused (the commands get the vectors).
    """
    del stdin
    try:
        cases = select(load(args.vectors), kinds=args.kind, ids=args.id, flags=args.flag, skip_schema=args.skip_schema)
    except (OSError, ValueError) as exc:
        raise _usage_error(f"cannot read the vectors: {exc}") from None
    if args.list:
        for case in cases:
            print(f"{case.id}\t{case.kind}\t{case.rule}\t{','.join(sorted(case.flags))}")
        return b""
    programs: dict[str, Command] = {}
    for role in ("decoder", "encoder", "validator"):
        text = getattr(args, role)
        if text is None:
            continue
        try:
            program = Command(text, timeout=args.timeout)
        except ValueError as exc:
            raise _usage_error(f"--{role}: {exc}") from None
        problem = program.check()
        if problem is not None:
            raise _usage_error(f"--{role}: {problem}")
        programs[role] = program
    if not programs:
        raise _usage_error("give at least one of --decoder, --encoder, --validator")
    results = run(
        cases,
        decoder=programs.get("decoder"),
        encoder=programs.get("encoder"),
        validator=programs.get("validator"),
        canonical=args.canonical,
        check_lines=args.check_lines,
        jobs=args.jobs or None,
    )
    sys.stdout.write(report(results))
    sys.stdout.flush()
    if args.junit:
        Path(args.junit).write_bytes(junit_xml(results))
    if any(r.status == "failed" for r in results):
        raise SystemExit(1)
    return b""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(adapter_main())
