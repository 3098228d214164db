"""Benchmark: codec against lxml's raw parse/serialize, xmltodict, and validation backends.

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
import codec.schemas

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


def bare_walk(element: Any) -> None:
    """The least a Python decoder over lxml must do: visit every element and
    read its tag and text, building nothing. Bounds what codec.decode can reach."""
    child = element[0] if len(element) else None
    while child is not None:
        child.tag  # noqa: B018
        child.tail  # noqa: B018
        if len(child):
            bare_walk(child)
        else:
            child.text  # noqa: B018
        child = child.getnext()


def bare_write(value: dict[str, Any], out: list[str]) -> None:
    """The least a Python encoder must do: one open tag, text and close tag per
    value, with no escaping, typing or checks. Bounds what codec.encode can reach."""
    for key, item in value.items():
        if type(item) is list:
            for element in item:
                out.append("<" + key + ">")
                bare_write(element, out) if type(element) is dict else out.append(str(element))
                out.append("</" + key + ">")
        elif type(item) is dict:
            out.append("<" + key + ">")
            bare_write(item, out)
            out.append("</" + key + ">")
        else:
            out.append("<" + key + ">" + str(item) + "</" + key + ">")


def _bare_encode(value: dict[str, Any]) -> bytes:
    out: list[str] = []
    bare_write(value, out)
    return "".join(out).encode()


def ratio(seconds: float, floor: float) -> str:
    return f"{fmt(seconds)} ({seconds / floor:.2f}x)"


def run(sizes: list[int], repeat: int) -> dict[str, list[dict[str, str]]]:
    tables: dict[str, list[dict[str, str]]] = {"decode": [], "encode": [], "validate": []}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    fast = codec.schemas.backend() == "jsonschema-rs"
    for n in sizes:
        value = relations_response(n)
        xml = codec.encode(value)
        tree = etree.fromstring(xml, parser)
        reps = max(3, repeat if n >= 1000 else repeat * 20)
        parse = median_seconds(lambda: etree.fromstring(xml, parser), reps)
        write = median_seconds(lambda: etree.tostring(tree), reps)
        dec = median_seconds(lambda: codec.decode(xml), reps)
        enc = median_seconds(lambda: codec.encode(value), reps)
        walk = median_seconds(lambda: bare_walk(etree.fromstring(xml, parser)), reps)
        bare = median_seconds(lambda: _bare_encode(value), reps)
        decode_row = {"N": str(n), "bytes": str(len(xml)), "lxml parse (floor)": fmt(parse)}
        decode_row["codec.decode"] = ratio(dec, parse)
        decode_row["parse + bare walk"] = ratio(walk, parse)
        encode_row = {"N": str(n), "lxml tostring (floor)": fmt(write), "codec.encode": ratio(enc, write)}
        encode_row["bare Python writer"] = ratio(bare, write)
        if xmltodict is not None:
            decode_row["xmltodict.parse"] = ratio(median_seconds(lambda: xmltodict.parse(xml), reps), parse)
            parsed = xmltodict.parse(xml)
            encode_row["xmltodict.unparse"] = ratio(median_seconds(lambda: xmltodict.unparse(parsed), reps), write)
        tables["decode"].append(decode_row)
        tables["encode"].append(encode_row)

        def check(backend: str) -> None:
            codec.validate(value, endpoint="relations/get", direction="response", backend=backend)  # type: ignore[arg-type]

        validate_row = {"N": str(n), "codec.decode": fmt(dec)}
        if fast:
            validate_row["validate, jsonschema-rs"] = ratio(median_seconds(lambda: check("jsonschema-rs"), reps), dec)
        slow_reps = max(1, reps // 5)
        validate_row["validate, jsonschema"] = ratio(median_seconds(lambda: check("jsonschema"), slow_reps), dec)
        guided = median_seconds(
            lambda: codec.decode(xml, endpoint="relations/get", direction="response", validate=True), reps
        )
        validate_row["decode(endpoint=, validate=True)"] = ratio(guided, dec)
        tables["validate"].append(validate_row)
    return tables


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
    tables = run(sizes, args.repeat)
    print(f"Python {sys.version.split()[0]}, lxml {etree.__version__}, validation backend {codec.schemas.backend()}")
    print("\nDecode (ratios against lxml's parse of the same bytes):\n" + table(tables["decode"]))
    print("\nEncode (ratios against lxml's tostring of a prebuilt tree):\n" + table(tables["encode"]))
    print("\nValidate a relations/get response (ratios against codec.decode of it):\n" + table(tables["validate"]))


if __name__ == "__main__":
    main()
