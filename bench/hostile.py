"""Benchmark: the hostile inputs of issue 8, items 8 and 9, before and after.

Run: python bench/hostile.py [--repeat N] [--records N]

Each case runs in a fresh Python process, so that its peak memory can be
read: ``ru_maxrss`` after the call minus ``ru_maxrss`` before it (the input
already built). tracemalloc would not see libxml2's allocations. The codec is
whatever ``import codec`` finds: run it with ``PYTHONPATH=<a checkout>`` to
measure that checkout (e.g. a worktree of the base commit, then this branch).

Cases:
- item 9: ``codec.decode`` of 32 MiB of ``<a/>`` (8 million elements, refused
  by Limits.max_elements): seconds and peak extra memory.
- item 8: ``codec.decode(..., endpoint="relations/get", direction="response",
  validate=True)`` of N records each with one violation (``db_b`` a string),
  against decode + validate of N valid records: the cost of mapping every
  violation to its XML line.

Figures are medians of the repeats, with the range; every ratio compares
figures from this run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_PRELUDE = """
import json, resource, time
import codec

def relations(n, db_b):
    return {
        "data": [
            {"profile_id_a": f"669e6968ebf4ac52b623{i:04x}", "xxh_a": f"5af1023c84f6{i:04x}",
             "profile_id_b": f"6751b8f1c5e3db9bcb75{i:04x}", "xxh_b": f"879cebbb0e6b{i:04x}",
             "db_b": db_b, "props": {"exr": {"value": i}}}
            for i in range(n)
        ],
        "error": 0, "error_text": "Successful operation", "total_count": n,
    }

def measure(call):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        call()
        outcome = "accepted"
    except codec.CodecError as error:
        outcome = f"{type(error).__name__}: {len(getattr(error, 'errors', [])) or ''} {str(error)[:60]}"
    seconds = time.perf_counter() - start
    extra = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"seconds": seconds, "extra_mib": extra / 1024, "outcome": outcome}))
"""

CASES = {
    "item 9: decode 32 MiB of <a/>": """
doc = b"<xml>" + b"<a/>" * (32 * 1024 * 1024 // 4 - 3) + b"</xml>"
measure(lambda: codec.decode(doc))
""",
    "item 8: decode+validate, {n} invalid records": """
xml = codec.encode(relations({n}, "x"))
measure(lambda: codec.decode(xml, endpoint="relations/get", direction="response", validate=True))
""",
    "item 8: decode+validate, {n} valid records": """
xml = codec.encode(relations({n}, 9))
measure(lambda: codec.decode(xml, endpoint="relations/get", direction="response", validate=True))
""",
}


def run_case(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + code],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )
    if done.returncode != 0:
        return {"seconds": float("nan"), "extra_mib": float("nan"), "outcome": done.stderr.strip().splitlines()[-1]}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--records", type=int, default=8000)
    args = parser.parse_args()
    codec_path = subprocess.run(
        [sys.executable, "-c", "import codec; print(codec.__file__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"codec: {codec_path}   repeats: {args.repeat}   records: {args.records}")
    labels = [name.format(n=args.records) for name in CASES]
    runs: dict[str, list[dict[str, object]]] = {label: [] for label in labels}
    for _ in range(args.repeat):  # interleaved: each repeat runs every case once
        for label, code in zip(labels, CASES.values(), strict=True):
            runs[label].append(run_case(code.replace("{n}", str(args.records))))
    medians: dict[str, float] = {}
    for label, results in runs.items():
        seconds = [float(r["seconds"]) for r in results]  # type: ignore[arg-type]
        memory = [float(r["extra_mib"]) for r in results]  # type: ignore[arg-type]
        medians[label] = statistics.median(seconds)
        print(
            f"{label:48} {statistics.median(seconds):8.3f} s [{min(seconds):.3f}-{max(seconds):.3f}]"
            f"  peak +{statistics.median(memory):7.1f} MiB [{min(memory):.1f}-{max(memory):.1f}]"
            f"  {results[0]['outcome']}"
        )
    invalid, valid = medians[labels[1]], medians[labels[2]]
    print(f"item 8 ratio, invalid/valid records: {invalid / valid:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
