"""Hypothesis properties of the codec over arbitrary JSON documents."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from strategies import deep_documents, documents, same

import codec


@given(documents)
def test_decode_inverts_encode_exactly(document: dict[str, Any]) -> None:
    assert same(codec.decode(codec.encode(document)), document)


@given(deep_documents())
def test_deep_documents_round_trip_up_to_the_depth_limit(document: dict[str, Any]) -> None:
    encoded = codec.encode(document)
    assert same(codec.decode(encoded), document)
    assert codec.encode(codec.decode(encoded)) == encoded


@given(documents)
def test_pretty_output_decodes_to_the_same_value(document: dict[str, Any]) -> None:
    assert same(codec.decode(codec.encode(document, pretty=True)), document)


@given(documents)
def test_encoding_is_canonical(document: dict[str, Any]) -> None:
    once = codec.encode(document)
    assert codec.encode(codec.decode(once)) == once


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_decode_error(data: bytes) -> None:
    with contextlib.suppress(codec.DecodeError):
        codec.decode(data)


@given(documents, st.data())
def test_mutated_documents_raise_only_decode_error(document: dict[str, Any], data: st.DataObject) -> None:
    raw = bytearray(codec.encode(document))
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        pos = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if action == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif action == "delete" and raw:
            del raw[pos]
        else:
            raw[pos:pos] = data.draw(
                st.sampled_from([b"<", b">", b"&", b"'", b"/", b"<a>", b"</a>", b" x='true'", b"\xff"])
            )
    with contextlib.suppress(codec.DecodeError):
        codec.decode(bytes(raw))
