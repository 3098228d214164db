"""``altcraft-codec conformance``: the runner as a command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import BinaryIO

from .manifest import KINDS, load, select
from .programs import Command
from .reports import junit_xml, report
from .runner import run

__all__ = ["add_arguments", "command"]


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
