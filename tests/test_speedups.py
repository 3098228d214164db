"""The compiled accelerator (codec/_speedups.pyx) against the pure modules.

The accelerator must return exactly what the pure path returns, or hand over
to it; so every result and every error (message, line, pointer) is the same
with and without it. These tests run both paths on the same inputs: the pure
path is forced by setting the modules' ``speedups`` to ``None``, as
``ALTCRAFT_CODEC_PURE=1`` does at import.

.ci/run runs the whole suite twice: compiled (with
``ALTCRAFT_CODEC_EXPECT_ACCELERATED=1``, so that a missing build fails
:func:`test_the_compiled_path_is_loaded`) and pure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents, json_values, keys, same

import codec
import codec.schemas
from codec import _accel, _decode, _dialect, _encode, _json
from codec._limits import Limits

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
compiled = pytest.mark.skipif(_accel.speedups is None, reason=f"pure run: {_accel.why_pure}")


def test_the_compiled_path_is_loaded() -> None:
    if os.environ.get("ALTCRAFT_CODEC_EXPECT_ACCELERATED", "") not in ("", "0"):
        assert codec.accelerated(), _accel.why_pure
    if os.environ.get("ALTCRAFT_CODEC_PURE", "") not in ("", "0"):
        assert not codec.accelerated()
        assert _encode.speedups is None and _decode.speedups is None
    assert codec.accelerated() == (_accel.speedups is not None)


@contextmanager
def _pure() -> Iterator[None]:
    saved = _encode.speedups, _decode.speedups
    _encode.speedups = _decode.speedups = None
    try:
        yield
    finally:
        _encode.speedups, _decode.speedups = saved


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except codec.CodecError as error:
        return type(error).__name__, (str(error), getattr(error, "line", None), getattr(error, "path", None))


def _both(call: Callable[[], Any]) -> None:
    fast = _outcome(call)
    with _pure():
        pure = _outcome(call)
    assert fast[0] == pure[0], (fast, pure)
    if fast[0] == "ok" and not isinstance(fast[1], bytes):
        assert same(fast[1], pure[1]), (fast, pure)
    else:
        assert fast[1] == pure[1]


_LIMITS = st.sampled_from(
    [
        Limits(),
        Limits(max_depth=1),
        Limits(max_depth=2),
        Limits(max_depth=3),
        Limits(max_int_digits=1),
        Limits(max_int_digits=3),
    ]
)


@settings(max_examples=300)  # each example runs both paths; CI time is bounded
@compiled
@given(documents, st.booleans(), _LIMITS)
def test_encode_is_the_pure_encode(document: dict[str, Any], pretty: bool, limits: Limits) -> None:
    _both(lambda: codec.encode(document, pretty=pretty, limits=limits))


@settings(max_examples=300)  # each example runs both paths; CI time is bounded
@compiled
@given(documents, _LIMITS)
def test_decode_is_the_pure_decode(document: dict[str, Any], limits: Limits) -> None:
    try:
        data = codec.encode(document)
    except codec.EncodeError:
        return
    _both(lambda: codec.decode(data, limits=limits))


def _vector_xml() -> list[bytes]:
    manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    return [(VECTORS / case["files"]["xml"]).read_bytes() for case in manifest["cases"] if "xml" in case["files"]]


_XML = _vector_xml()
_ENDPOINTS = codec.endpoints()


def _mutate(data: bytes, where: int, byte: int, action: str) -> bytes:
    where %= len(data) or 1
    if action == "strip-attributes":
        return data.replace(b" array='true'", b"").replace(b" string='true'", b"").replace(b" json='true'", b"")
    if action == "delete":
        return data[:where] + data[where + 1 :]
    if action == "insert":
        return data[:where] + bytes([byte]) + data[where:]
    return data[:where] + bytes([byte]) + data[where + 1 :]


@settings(max_examples=300)  # each example runs both paths; CI time is bounded
@compiled
@given(
    st.sampled_from(_XML),
    st.integers(0, 10**6),
    st.integers(0, 255),
    st.sampled_from(["none", "strip-attributes", "delete", "insert", "replace"]),
    st.one_of(st.none(), st.sampled_from(_ENDPOINTS)),
    st.sampled_from(["request", "response"]),
    _LIMITS,
)
def test_decode_of_mutated_vectors_is_the_pure_decode(
    data: bytes, where: int, byte: int, action: str, endpoint: str | None, direction: str, limits: Limits
) -> None:
    mutated = data if action == "none" else _mutate(data, where, byte, action)
    if endpoint is None:
        _both(lambda: codec.decode(mutated, limits=limits))
    else:
        _both(lambda: codec.decode(mutated, endpoint=endpoint, direction=direction, limits=limits))  # type: ignore[arg-type]


@settings(max_examples=300)  # each example runs both paths; CI time is bounded
@compiled
@given(
    st.sampled_from(_ENDPOINTS),
    st.sampled_from(["request", "response"]),
    st.dictionaries(keys, json_values(), max_size=5),
)
def test_schema_guided_encode_and_decode_are_the_pure_ones(
    endpoint: str, direction: Any, document: dict[str, Any]
) -> None:
    _both(lambda: codec.encode(document, endpoint=endpoint, direction=direction))
    try:
        data = codec.encode(document, endpoint=endpoint, direction=direction)
    except codec.EncodeError:
        return
    _both(lambda: codec.decode(data, endpoint=endpoint, direction=direction))


@compiled
@pytest.mark.parametrize("pretty", [False, True])
def test_every_vector_encodes_alike(pretty: bool) -> None:
    manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    for case in manifest["cases"]:
        if "json" in case["files"] and case["kind"] != "schema":
            text = (VECTORS / case["files"]["json"]).read_text(encoding="utf-8")
            try:
                value = _json.loads(text)  # exact integers, like the vectors
            except ValueError:
                continue
            if isinstance(value, dict):
                _both(lambda value=value: codec.encode(value, pretty=pretty))


@compiled
@given(st.one_of(st.text(st.sampled_from("-+.eE0123456789tfrualsx "), max_size=12), st.text(max_size=8)))
def test_the_compiled_scalar_rule_is_the_dialect_one(text: str) -> None:
    assert _accel.speedups is not None
    assert _accel.speedups.scalar_like(text) == _dialect.looks_like_scalar(text)
