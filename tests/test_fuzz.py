"""Fuzzing as a standing guard: decode arbitrary bytes, encode arbitrary objects.

The fuzzer is Hypothesis, not atheris. atheris installs here (a cp311 wheel),
but its coverage guidance sees Python bytecode only, and the parsing is
libxml2's uninstrumented C; the encoder's inputs are Python objects (Enum
members, str/int/float subclasses, non-dict Mappings, surrogates) that
Hypothesis strategies build directly and shrink to a readable repr, where
atheris would need a hand-written decoder from bytes. Hypothesis is already a
test dependency, runs in-process under pytest, and keeps every failing example
in its database (.hypothesis/) to replay first.

The targets assert only what the library promises:
- every refusal is one of the library's own errors (a CodecError subclass);
- every call returns within a second;
- whatever decodes re-encodes, and decodes back to exactly the same value
  (plain and with the endpoint's schema); whatever encodes decodes back to its
  JSON value (as json.dumps sees it).

Time: a short pass in the normal suite; ``CODEC_FUZZ_SECONDS=N`` (CI sets it)
runs each target for its share of N seconds, in rounds of fresh seeds.

Every input that ever failed is kept in tests/fuzz-corpus/ and replayed by the
normal suite (``test_corpus_*``); a failing run writes its input there too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections import ChainMap, OrderedDict, UserDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from strategies import (
    Colour,
    Floaty,
    Level,
    Loud,
    Lying,
    Proxy,
    documents,
    has_surrogate_pair,
    plain,
    same,
    unusual_documents,
    with_surrogate_pairs,
)

import codec
from codec import CodecError, Limits, conformance

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "fuzz-corpus"
DEFAULTS = Limits()
CALL_BOUND = 1.0  # seconds, for every call
BUDGET = float(os.environ.get("CODEC_FUZZ_SECONDS", "0"))
TARGETS = 3  # the budget is shared between the three targets below

ENDPOINTS = [
    ("relations/get", "response"),
    ("profiles/list", "request"),
    ("suppresses/domains_add", "request"),
    ("resources/get", "response"),
    ("databases/list", "response"),
]

# ------------------------------------------------------------------ seeds


@cache
def _vector_xml() -> list[tuple[bytes, str | None, str | None]]:
    """Every XML file of vectors/, with its endpoint (the fuzzer's seeds)."""
    return [(case.xml(), case.endpoint, case.direction) for case in conformance.load() if "xml" in case.files]


@cache
def _vector_values() -> list[Any]:
    return [
        case.expected()
        for case in conformance.load()
        if case.kind in ("valid", "decode-only") and "json" in case.files and case.endpoint is None
    ]


_SPLICES = [b"<", b">", b"&", b"'", b"/", b"<a>", b"</a>", b"<a/>", b" array='true'", b" json='true'"]
_SPLICES += [b" string='true'", b"<?xml-x?>", b"<!--<-->", b"<![CDATA[<]]>", b"\xff", b"\\ud800", b"[", b"{", b'"']


@st.composite
def xml_inputs(draw: st.DrawFn) -> tuple[bytes, str | None, str | None]:
    """Vector XML, mutated; or arbitrary bytes; with or without an endpoint."""
    if draw(st.integers(0, 4)) == 0:
        raw, endpoint, direction = draw(st.binary(max_size=200)), None, None
    else:
        raw, endpoint, direction = draw(st.sampled_from(_vector_xml()))
    data = bytearray(raw)
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "delete", "insert", "duplicate"]))
        if action == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[pos : pos + draw(st.integers(1, 8))]
        elif action == "duplicate":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 40))]
        else:
            data[pos:pos] = draw(st.sampled_from(_SPLICES))
    if draw(st.integers(0, 2)) == 0:
        endpoint, direction = draw(st.sampled_from(ENDPOINTS))
    return bytes(data), endpoint, direction


objects = st.one_of(
    st.sampled_from(_vector_values()) if _vector_values() else documents,
    documents,
    unusual_documents,
    with_surrogate_pairs,
)

small_limits = st.one_of(
    st.just(Limits()),
    st.builds(Limits, max_depth=st.integers(1, 8), max_elements=st.integers(1, 50), max_int_digits=st.integers(1, 40)),
)

# ------------------------------------------------------------------ checks


def _timed(call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    try:
        return call()
    finally:
        elapsed = time.perf_counter() - start
        assert elapsed < CALL_BOUND, f"a call took {elapsed:.2f}s"


def check_decode(data: bytes, endpoint: str | None, direction: str | None, limits: Limits = DEFAULTS) -> None:
    options: dict[str, Any] = {"endpoint": endpoint, "direction": direction} if endpoint else {}
    try:
        value = _timed(lambda: codec.decode(data, limits=limits, **options))
    except CodecError:
        return
    # Whatever decodes re-encodes with the same limits and reads back exactly.
    encoded = _timed(lambda: codec.encode(value, limits=limits, **options))
    assert same(_timed(lambda: codec.decode(encoded, limits=limits, **options)), value)
    if endpoint:
        # Validation refuses only with the library's own error.
        with contextlib.suppress(CodecError):
            _timed(lambda: codec.decode(data, limits=limits, validate=True, **options))


def check_encode(obj: Any, limits: Limits = DEFAULTS, pretty: bool = False) -> None:
    expected = plain(obj)
    try:
        encoded = _timed(lambda: codec.encode(obj, limits=limits, pretty=pretty))
    except CodecError:
        return
    assert not has_surrogate_pair(expected), "a surrogate pair was written; it reads back as one character"
    assert same(_timed(lambda: codec.decode(encoded, limits=limits)), expected)


# ------------------------------------------------------------------ corpus


def _remember(name: str, data: bytes) -> None:
    """Keep a failing input in the corpus, named by its hash."""
    CORPUS.mkdir(exist_ok=True)
    path = CORPUS / f"{name}-{hashlib.sha256(data).hexdigest()[:16]}"
    if not path.exists():
        path.write_bytes(data)


def _endpoint_of(path: Path) -> tuple[str | None, str | None]:
    """``decode@relations~get@response-....xml`` names its endpoint."""
    parts = path.name.split("@")
    if len(parts) < 3:
        return None, None
    return parts[1].replace("~", "/"), parts[2].split("-")[0]


# The names an encode corpus entry may use: the classes of tests/strategies.py.
_NAMES = {
    "Colour": Colour,
    "Level": Level,
    "Loud": Loud,
    "Lying": Lying,
    "Floaty": Floaty,
    "Proxy": Proxy,
    "UserDict": UserDict,
    "ChainMap": ChainMap,
    "OrderedDict": OrderedDict,
    "MappingProxyType": MappingProxyType,
}


def _corpus(prefix: str) -> list[Path]:
    return sorted(CORPUS.glob(prefix + "*")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", _corpus("decode"), ids=lambda p: p.name)
def test_corpus_decode(path: Path) -> None:
    check_decode(path.read_bytes(), *_endpoint_of(path))


@pytest.mark.parametrize("path", _corpus("encode"), ids=lambda p: p.name)
def test_corpus_encode(path: Path) -> None:
    # A Python expression (the repr Hypothesis reported), built from _NAMES only.
    obj = eval(path.read_text(encoding="utf-8"), {"__builtins__": {}}, dict(_NAMES))
    check_encode(obj)
    check_encode(obj, pretty=True)


def test_the_corpus_is_not_empty() -> None:
    assert _corpus("decode") and _corpus("encode")


# ------------------------------------------------------------------ targets

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@FUZZ
@given(xml_inputs())
def fuzz_decode(case: tuple[bytes, str | None, str | None]) -> None:
    data, endpoint, direction = case
    try:
        check_decode(data, endpoint, direction)
    except BaseException:
        name = "decode" if endpoint is None else f"decode@{endpoint.replace('/', '~')}@{direction}"
        _remember(name, data)
        raise


@FUZZ
@given(xml_inputs(), small_limits)
def fuzz_decode_limits(case: tuple[bytes, str | None, str | None], limits: Limits) -> None:
    check_decode(case[0], case[1], case[2], limits)


@FUZZ
@given(objects, small_limits, st.booleans())
def fuzz_encode(obj: Any, limits: Limits, pretty: bool) -> None:
    try:
        check_encode(obj, limits, pretty)
    except BaseException:
        _remember("encode", repr(obj).encode("utf-8"))
        raise


def _run(target: Callable[[], None]) -> None:
    """One pass; with a budget, rounds of fresh seeds until it is spent."""
    target()
    deadline = time.monotonic() + BUDGET / TARGETS
    round_ = 1
    while time.monotonic() < deadline:
        seed(round_)(target)()
        round_ += 1


def test_fuzz_decode() -> None:
    _run(fuzz_decode)


def test_fuzz_decode_with_small_limits() -> None:
    _run(fuzz_decode_limits)


def test_fuzz_encode() -> None:
    _run(fuzz_encode)
