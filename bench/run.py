"""Benchmark: codec against lxml's raw parse/serialize, xmltodict, and validation backends.

Run: python bench/run.py [--repeat N] [--sizes 1,100,10000]

Payloads are relations/get-shaped responses with N records. Codec calls run
interleaved with lxml's own parse/serialize of the same document (the floors),
one call of each per round; each cell is the median of the per-round ratios to
the floor and their quartiles. Rows marked "pure" run the pure-Python path in
the same rounds as the compiled one (when the accelerator is built). Compiled
decode reads the plainest documents (ASCII names and text, no attributes or
references: these payloads) with its own scan, the others from expat's events
(the event route), both straight into values; "decode, event route" is that
route alone (what text beyond ASCII takes), "decode, tree route" the compiled
walk of lxml's tree it hands unusual documents to, and "expat parse" is expat
alone with no handlers, the event route's floor.
"""

from __future__ import annotations

import argparse
import pyexpat
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
from codec import _decode
from codec._accel import pure_path

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


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each function, one call of each per round, in turn.

    Interleaving puts every function under the same machine load in each round,
    so per-round ratios are fair even when the load drifts. The order rotates
    from round to round: a call right after lxml's parse pays for freeing the
    tree it built (measured: 0.07x of the floor at N = 100), so no function
    may always come first.
    """
    for fn in fns.values():
        fn()  # warm up
    names = list(fns)
    times: dict[str, list[float]] = {name: [] for name in fns}
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            fn = fns[name]
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def ratios(times: dict[str, list[float]], floor: str) -> dict[str, tuple[float, float, float]]:
    """Per function: the median of its per-round ratios to ``floor`` and the
    range (first and third quartiles) of those ratios."""
    result = {}
    for name, seconds in times.items():
        per_round = sorted(s / f for s, f in zip(seconds, times[floor], strict=True))
        q = statistics.quantiles(per_round, n=4) if len(per_round) > 1 else [per_round[0]] * 3
        result[name] = (statistics.median(per_round), q[0], q[2])
    return result


class _TreeOnly:
    """The accelerator with its event route handing everything over."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    @staticmethod
    def decode_bytes(raw: bytes, shape: Any, limits: Any) -> None:
        return None

    @staticmethod
    def decode_plain(raw: bytes, shape: Any, limits: Any) -> None:
        return None


class _EventOnly:
    """The accelerator without its plain-document scan: expat's events read everything."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    @staticmethod
    def decode_plain(raw: bytes, shape: Any, limits: Any) -> None:
        return None


def event_route(fn: Callable[[], object]) -> Callable[[], object]:
    """Run ``fn`` with the compiled event route alone (expat's events into values)."""

    def call() -> object:
        saved = _decode.speedups
        _decode.speedups = _EventOnly(saved)  # type: ignore[assignment]
        try:
            return fn()
        finally:
            _decode.speedups = saved

    return call


def tree_route(fn: Callable[[], object]) -> Callable[[], object]:
    """Run ``fn`` with the compiled tree route alone (lxml parses, C walks the tree)."""

    def call() -> object:
        saved = _decode.speedups
        _decode.speedups = _TreeOnly(saved)  # type: ignore[assignment]
        try:
            return fn()
        finally:
            _decode.speedups = saved

    return call


def expat_parse(xml: bytes) -> None:
    """expat reading the document with no handlers: the event route's floor."""
    parser = pyexpat.ParserCreate("UTF-8")
    parser.Parse(xml, True)


def pure(fn: Callable[[], object]) -> Callable[[], object]:
    def call() -> object:
        with pure_path():
            return fn()

    return call


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


def cell(stats: tuple[float, float, float]) -> str:
    return f"{stats[0]:.2f}x ({stats[1]:.2f}-{stats[2]:.2f})"


def codec_rows(sizes: list[int], rounds: int) -> dict[str, list[dict[str, str]]]:
    """Decode and encode, compiled and pure, as ratios to lxml's own floors."""
    tables: dict[str, list[dict[str, str]]] = {"decode": [], "encode": []}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    compiled = codec.accelerated()
    for n in sizes:
        value = relations_response(n)
        xml = codec.encode(value)
        tree = etree.fromstring(xml, parser)
        reps = max(5, rounds if n >= 1000 else rounds * 20)
        guided = {"endpoint": "relations/get", "direction": "response"}
        decoders: dict[str, Callable[[], object]] = {
            "lxml parse (floor)": lambda: etree.fromstring(xml, parser),
            "decode": lambda: codec.decode(xml),
            "decode(endpoint=)": lambda: codec.decode(xml, **guided),  # type: ignore[arg-type]
            "decode, pure": pure(lambda: codec.decode(xml)),
            "decode(endpoint=), pure": pure(lambda: codec.decode(xml, **guided)),  # type: ignore[arg-type]
            "parse + bare walk": lambda: bare_walk(etree.fromstring(xml, parser)),
            "expat parse": lambda: expat_parse(xml),
        }
        if compiled:
            decoders["decode, event route"] = event_route(lambda: codec.decode(xml))
            decoders["decode(endpoint=), event route"] = event_route(lambda: codec.decode(xml, **guided))  # type: ignore[arg-type]
            decoders["decode, tree route"] = tree_route(lambda: codec.decode(xml))
        encoders: dict[str, Callable[[], object]] = {
            "lxml tostring (floor)": lambda: etree.tostring(tree),
            "encode": lambda: codec.encode(value),
            "encode(pretty=True)": lambda: codec.encode(value, pretty=True),
            "encode, pure": pure(lambda: codec.encode(value)),
            "encode(pretty=True), pure": pure(lambda: codec.encode(value, pretty=True)),
            "bare Python writer": lambda: _bare_encode(value),
        }
        if xmltodict is not None:
            parsed = xmltodict.parse(xml)
            decoders["xmltodict.parse"] = lambda: xmltodict.parse(xml)
            encoders["xmltodict.unparse"] = lambda: xmltodict.unparse(parsed)
        if not compiled:  # the same path twice: say so rather than print it twice
            for name in ("decode", "decode(endpoint=)"):
                del decoders[name]
            for name in ("encode", "encode(pretty=True)"):
                del encoders[name]
        for kind, fns, floor in (
            ("decode", decoders, "lxml parse (floor)"),
            ("encode", encoders, "lxml tostring (floor)"),
        ):
            times = interleaved(fns, reps)
            row = {"N": str(n), "bytes": str(len(xml)), floor: fmt(statistics.median(times[floor]))}
            row.update({name: cell(stats) for name, stats in ratios(times, floor).items() if name != floor})
            tables[kind].append(row)
    return tables


def validate_rows(sizes: list[int], rounds: int) -> list[dict[str, str]]:
    rows = []
    fast = codec.schemas.backend() == "jsonschema-rs"
    for n in sizes:
        value = relations_response(n)
        xml = codec.encode(value)
        reps = max(3, rounds if n >= 1000 else rounds * 20)
        dec = median_seconds(lambda: codec.decode(xml), reps)

        def check(backend: str) -> None:
            codec.validate(value, endpoint="relations/get", direction="response", backend=backend)  # type: ignore[arg-type]

        row = {"N": str(n), "codec.decode": fmt(dec)}
        if fast:
            row["validate, jsonschema-rs"] = ratio(median_seconds(lambda: check("jsonschema-rs"), reps), dec)
        slow_reps = max(1, reps // 5)
        row["validate, jsonschema"] = ratio(median_seconds(lambda: check("jsonschema"), slow_reps), dec)
        guided = median_seconds(
            lambda: codec.decode(xml, endpoint="relations/get", direction="response", validate=True), reps
        )
        row["decode(endpoint=, validate=True)"] = ratio(guided, dec)
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
    parser.add_argument("--repeat", type=int, default=15, help="rounds at N >= 1000 (20x that below)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tables = codec_rows(sizes, args.repeat)
    path = "compiled accelerator" if codec.accelerated() else "pure Python only (the accelerator is not loaded)"
    print(
        f"Python {sys.version.split()[0]}, lxml {etree.__version__}, codec path: {path}, "
        f"validation backend {codec.schemas.backend()}"
    )
    print("Cells: median of per-round ratios to the floor (interleaved rounds), then the quartiles of those ratios.")
    print("\nDecode (ratios against lxml's parse of the same bytes):\n" + table(tables["decode"]))
    print("\nEncode (ratios against lxml's tostring of a prebuilt tree):\n" + table(tables["encode"]))
    print(
        "\nValidate a relations/get response (ratios against codec.decode of it):\n"
        + table(validate_rows(sizes, args.repeat))
    )


if __name__ == "__main__":
    main()
