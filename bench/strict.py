"""Benchmark: what deep strict mode costs, and that validation stays linear.

Run: python bench/strict.py [--repeat N] [--size N]

Payloads are relations/get responses with N records (valid) and with N
records each broken twice (a wrong type and an undocumented member, so every
record gives one violation open and two strict). For each backend, open and
strict runs are interleaved; figures are medians with the range of the
repeats, and every ratio compares figures from this run: strict / open, and
the time for 2N records / N records (2.0 is linear).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import codec
import codec.schemas


def payload(size: int, broken: bool) -> dict[str, Any]:
    record = {"profile_id_a": 1, "colour": "red"} if broken else {"profile_id_a": "p", "xxh_a": "1"}
    return {"error": 0, "data": [dict(record) for _ in range(size)]}


def once(value: Any, strict: bool, backend: str) -> float:
    start = time.perf_counter()
    with contextlib.suppress(codec.ValidationError):
        codec.validate(value, endpoint="relations/get", direction="response", strict=strict, backend=backend)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    backends = ["jsonschema"] + (["jsonschema-rs"] if codec.schemas.backend() == "jsonschema-rs" else [])
    for broken in (False, True):
        for backend in backends:
            runs: dict[tuple[int, bool], list[float]] = {}
            for _ in range(args.repeat):  # interleaved: every variant once per round
                for size in (args.size, 2 * args.size):
                    value = payload(size, broken)
                    for strict in (False, True):
                        runs.setdefault((size, strict), []).append(once(value, strict, backend))
            median = {key: statistics.median(times) for key, times in runs.items()}
            kind = "invalid" if broken else "valid"
            for (size, strict), times in sorted(runs.items()):
                mode = "strict" if strict else "open"
                print(
                    f"{kind:7} {backend:13} {mode:6} N={size:<6} {median[size, strict]:.4f}s"
                    f" [{min(times):.4f}-{max(times):.4f}]"
                )
            for strict in (False, True):
                growth = median[2 * args.size, strict] / median[args.size, strict]
                print(f"{kind:7} {backend:13} {'strict' if strict else 'open':6} 2N/N = {growth:.2f}")
            print(f"{kind:7} {backend:13} strict/open at N = {median[args.size, True] / median[args.size, False]:.2f}")


if __name__ == "__main__":
    main()
