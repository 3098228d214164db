"""Programs under test: commands (or Python functions) behind the stdin/stdout
protocol of ``vectors/README.md``, and what they did with one input."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .._errors import CodecError, DecodeError, where
from .manifest import SCHEMA_VARIABLES

__all__ = ["Command", "Outcome", "Program", "Refusal", "in_process"]


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

        env = {k: v for k, v in os.environ.items() if k not in SCHEMA_VARIABLES}
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
            place = where("<stdin>", error.line, error.column, error.path or None)
            return Outcome(False, diagnostics=f"{place}: {error.msg}")
        except CodecError as error:
            return Outcome(False, diagnostics=f"<stdin>: {error}")
        except Exception as exc:
            return Outcome(False, problem=f"crashed: {type(exc).__name__}: {exc}")

    return program
