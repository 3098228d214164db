"""Judging: each case run against the programs under test, with a verdict.

Decoded JSON is compared type for type (:func:`same`); encoder output is
judged by decoding it with this library's decoder.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from .. import _json
from .._api import decode
from .._errors import DecodeError
from .manifest import Case
from .programs import Outcome, Program

__all__ = ["Result", "Status", "run", "same"]

Status = Literal["passed", "failed", "skipped"]


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
