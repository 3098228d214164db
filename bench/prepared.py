"""Benchmark: a prepared codec.Endpoint against the keyword API, per call, on small payloads.

Run: python bench/prepared.py [--rounds 15] [--calls 2000]

``codec.decode(data, endpoint=..., direction=..., validate=True)`` names the
endpoint on every call; ``codec.Endpoint(...)`` is made once and called
(msgspec's prepared ``Decoder(Type)``). Each row times both ways of doing the
same work on the same payload, and the plain codec (no endpoint, no schema) for scale:
``--calls`` calls per timing, the three interleaved in each of ``--rounds``
rounds, medians of the per-call times and their range (min-max), and the
median of the per-round savings. The payloads are the docs' own examples
(docs/examples/relations/), a few hundred bytes each: where per-call
overhead shows most.

For the keyword API as it was before the prepared object (commit 2a20873),
run this file with ``PYTHONPATH`` pointing at a checkout of that commit: the
``Endpoint`` rows are then skipped and the keyword rows show the old cost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import codec
import codec.schemas

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples" / "relations"


def cases() -> list[tuple[str, dict[str, Callable[[], object]]]]:
    """Rows: (label, {way: call}) with "keyword", "prepared" and "plain" ways."""
    rows = []
    prepared = hasattr(codec, "Endpoint")
    for name, direction in (("edit", "request"), ("get", "response")):
        payload: dict[str, Any] = json.loads((EXAMPLES / f"{name}.{direction}.json").read_text("utf-8"))["payload"]
        endpoint = f"relations/{name}"
        xml = codec.encode(payload, endpoint=endpoint, direction=direction)
        keywords: dict[str, Any] = {"endpoint": endpoint, "direction": direction}
        prepared_endpoint = codec.Endpoint(endpoint, direction) if prepared else None
        label = f"{endpoint} {direction} ({len(xml)} B of XML)"

        def ways(
            keyword: Callable[[], object], method: Callable[[], object] | None, plain: Callable[[], object] | None
        ) -> dict[str, Callable[[], object]]:
            found = {"keyword": keyword}
            if plain is not None:
                found["plain"] = plain
            if method is not None:
                found["prepared"] = method
            return found

        ep = prepared_endpoint
        rows += [
            (
                f"decode            {label}",
                ways(
                    lambda xml=xml, kw=keywords: codec.decode(xml, **kw),
                    None if ep is None else lambda xml=xml, ep=ep: ep.decode(xml),
                    lambda xml=xml: codec.decode(xml),
                ),
            ),
            (
                f"decode + validate {label}",
                ways(
                    lambda xml=xml, kw=keywords: codec.decode(xml, validate=True, **kw),
                    None if ep is None else lambda xml=xml, ep=ep: ep.decode(xml, validate=True),
                    lambda xml=xml: codec.decode(xml),
                ),
            ),
            (
                f"encode            {label}",
                ways(
                    lambda p=payload, kw=keywords: codec.encode(p, **kw),
                    None if ep is None else lambda p=payload, ep=ep: ep.encode(p),
                    lambda p=payload: codec.encode(p),
                ),
            ),
            (
                f"validate          {label}",
                ways(
                    lambda p=payload, kw=keywords: codec.validate(p, **kw),
                    None if ep is None else lambda p=payload, ep=ep: ep.validate(p),
                    None,
                ),
            ),
        ]
    return rows


def per_call(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def measure(ways: dict[str, Callable[[], object]], rounds: int, calls: int) -> dict[str, list[float]]:
    for fn in ways.values():
        per_call(fn, max(1, calls // 10))  # warm up: schemas loaded, validators compiled
    times: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(rounds):
        for way, fn in ways.items():
            times[way].append(per_call(fn, calls))
    return times


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values) * 1e6:6.2f} ({min(values) * 1e6:.2f}-{max(values) * 1e6:.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--calls", type=int, default=2000, help="calls per timing (default 2000)")
    args = parser.parse_args(argv)
    print(f"µs per call, median (min-max) of {args.rounds} interleaved rounds of {args.calls} calls")
    print(
        f"accelerator: {'compiled' if codec.accelerated() else 'pure'}; validation backend: {codec.schemas.backend()}"
    )
    print(f"{'operation':60s} {'keyword API':>22s} {'Endpoint':>22s} {'saving':>8s}   plain codec (scale)")
    for label, ways in cases():
        times = measure(ways, args.rounds, args.calls)
        prepared = times.get("prepared")
        if prepared is None:
            saving = "-"
            shown = "-"
        else:
            saving = f"{statistics.median(k - p for k, p in zip(times['keyword'], prepared, strict=True)) * 1e6:.2f}"
            shown = _cell(prepared)
        plain = _cell(times["plain"]) if "plain" in times else "-"
        print(f"{label:60s} {_cell(times['keyword']):>22s} {shown:>22s} {saving:>8s}   {plain}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
