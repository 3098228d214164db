"""Benchmark: codec against lxml's raw parse/serialize and against xmltodict.

Run: python bench/run.py [--repeat N] [--sizes 1,100,10000]

Payloads are relations/get-shaped responses with N records. Every figure is
the median of the repeats, and every ratio compares figures from this run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree

import codec

try:
    import xmltodict
except ImportError:  # pragma: no cover - optional in the bench
    xmltodict = None


def relations_response(n: int) -> dict[str, Any]:
    """A relations/get response with ``n`` relation records."""
    return {
        "data": [
            {
                "profile_id_a": f"669e6968ebf4ac52b623{i:04x}",
                "xxh_a": f"5af1023c84f6{i:04x}",
                "profile_id_b": f"6751b8f1c5e3db9bcb75{i:04x}",
                "xxh_b": f"879cebbb0e6b{i:04x}",
                "db_b": 9 + i % 7,
                "props": {"exr": {"value": 11323123 + i}, "active": i % 2 == 0, "score": i / 7},
            }
            for i in range(n)
        ],
        "error": 0,
        "error_text": "Successful operation",
        "total_count": n,
    }


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def run(sizes: list[int], repeat: int) -> list[dict[str, str]]:
    rows = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for n in sizes:
        value = relations_response(n)
        xml = codec.encode(value)
        tree = etree.fromstring(xml, parser)
        reps = max(3, repeat if n >= 1000 else repeat * 20)
        floor_parse = median_seconds(lambda: etree.fromstring(xml, parser), reps)
        floor_write = median_seconds(lambda: etree.tostring(tree), reps)
        dec = median_seconds(lambda: codec.decode(xml), reps)
        enc = median_seconds(lambda: codec.encode(value), reps)
        row = {
            "N": str(n),
            "bytes": str(len(xml)),
            "lxml parse": fmt(floor_parse),
            "codec.decode": fmt(dec),
            "decode/floor": f"{dec / floor_parse:.2f}x",
            "lxml write": fmt(floor_write),
            "codec.encode": fmt(enc),
            "encode/floor": f"{enc / floor_write:.2f}x",
        }
        if xmltodict is not None:
            xtd_parse = median_seconds(lambda: xmltodict.parse(xml), reps)
            xtd_value = xmltodict.parse(xml)
            xtd_write = median_seconds(lambda: xmltodict.unparse(xtd_value), reps)
            row["xmltodict.parse"] = f"{fmt(xtd_parse)} ({xtd_parse / floor_parse:.1f}x)"
            row["xmltodict.unparse"] = f"{fmt(xtd_write)} ({xtd_write / floor_write:.1f}x)"
        rows.append(row)
    return rows


def table(rows: list[dict[str, str]]) -> str:
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r.get(c, "")) for r in rows)) for c in columns}
    lines = [
        "| " + " | ".join(c.ljust(widths[c]) for c in columns) + " |",
        "|" + "|".join("-" * (widths[c] + 2) for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(r.get(c, "").ljust(widths[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,100,10000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(table(run(sizes, args.repeat)))


if __name__ == "__main__":
    main()
