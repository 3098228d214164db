"""Hypothesis properties of the codec over arbitrary JSON documents."""

from __future__ import annotations

import contextlib
import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import (
    deep_documents,
    documents,
    has_surrogate_pair,
    json_values,
    keys,
    plain,
    same,
    scalars,
    text,
    unusual_documents,
    with_surrogate_pairs,
)

import codec
import codec.schemas
from codec import EncodeError, Limits
from codec._shape import Kind, Shape

# The newer properties run at most this many examples, also in CI, to keep
# the suite's time bounded (the fuzz job, tests/test_fuzz.py, goes further).
BOUNDED = settings(max_examples=min(settings.default.max_examples, 500))


def round_trips(document: dict[str, Any], pretty: bool = False, **options: Any) -> None:
    """``document`` decodes back exactly, or is refused for a surrogate pair,
    which no JSON text can carry as two code units (docs/dialect.md §6)."""
    if has_surrogate_pair(document):
        with pytest.raises(EncodeError, match="surrogate"):
            codec.encode(document, pretty=pretty, **options)
        return
    assert same(codec.decode(codec.encode(document, pretty=pretty, **options), **options), document)


@given(documents)
def test_decode_inverts_encode_exactly(document: dict[str, Any]) -> None:
    round_trips(document)


@BOUNDED
@given(with_surrogate_pairs, st.booleans())
def test_surrogate_pairs_are_refused_wherever_they_are(document: dict[str, Any], pretty: bool) -> None:
    # §6: no JSON text can carry a high surrogate followed by a low one.
    with pytest.raises(EncodeError, match="surrogate"):
        codec.encode(document, pretty=pretty)


@given(deep_documents())
def test_deep_documents_round_trip_up_to_the_depth_limit(document: dict[str, Any]) -> None:
    assume(not has_surrogate_pair(document))
    encoded = codec.encode(document)
    assert same(codec.decode(encoded), document)
    assert codec.encode(codec.decode(encoded)) == encoded


@given(documents)
def test_pretty_output_decodes_to_the_same_value(document: dict[str, Any]) -> None:
    round_trips(document, pretty=True)


@given(documents)
def test_encoding_is_canonical(document: dict[str, Any]) -> None:
    assume(not has_surrogate_pair(document))
    once = codec.encode(document)
    assert codec.encode(codec.decode(once)) == once


@BOUNDED
@given(unusual_documents)
def test_subclasses_and_mappings_are_written_by_value(document: dict[str, Any]) -> None:
    # Enum members, str/int/float subclasses that lie in __str__/__int__/__repr__,
    # and non-dict Mappings: written exactly as their json.dumps value.
    expected = plain(document)
    if has_surrogate_pair(expected):
        with pytest.raises(EncodeError, match="surrogate"):
            codec.encode(document)
        return
    assert codec.encode(document) == codec.encode(expected)
    assert codec.encode(document, pretty=True) == codec.encode(expected, pretty=True)
    assert same(codec.decode(codec.encode(document)), expected)


# Small limits, so that documents cross them often.
small_limits = st.builds(
    Limits,
    max_bytes=st.integers(6, 400),
    max_depth=st.integers(1, 6),
    max_elements=st.integers(1, 30),
    max_int_digits=st.integers(1, 25),
)


@BOUNDED
@given(documents, small_limits)
def test_the_encoder_refuses_exactly_what_the_decoder_refuses(document: dict[str, Any], limits: Limits) -> None:
    # One Limits for both directions (§9): encode(v, limits=L) succeeds exactly
    # when decode(encode(v), limits=L) does.
    assume(not has_surrogate_pair(document))
    xml = codec.encode(document)
    try:
        codec.decode(xml, limits=limits)
        readable = True
    except codec.DecodeError:
        readable = False
    try:
        assert codec.encode(document, limits=limits) == xml
        writable = True
    except EncodeError:
        writable = False
    assert writable == readable


# ------------------------------------------------------------ schema-guided


def _endpoint_shapes() -> list[tuple[str, str]]:
    return [(e, d) for e in codec.schemas.endpoints() for d in ("request", "response")]


@st.composite
def shaped_values(draw: st.DrawFn, shape: Shape | None, depth: int = 0) -> Any:
    """A value that follows ``shape`` in places and breaks it in others: any
    JSON value may stand anywhere, valid for the schema or not."""
    if shape is None or depth > 4 or draw(st.integers(0, 3)) == 0:
        return draw(json_values(max_leaves=6))
    kind = shape.kind
    if kind is Kind.ARRAY or (shape.items is not None and draw(st.booleans())):
        return draw(st.lists(shaped_values(shape.items, depth + 1), max_size=3))
    if shape.properties or shape.additional is not None:
        names = sorted(shape.properties)
        members = draw(st.lists(st.one_of(st.sampled_from(names), keys) if names else keys, max_size=4, unique=True))
        return {name: draw(shaped_values(shape.member(name), depth + 1)) for name in members}
    if kind is Kind.OBJECT:
        return draw(st.dictionaries(keys, json_values(max_leaves=4), max_size=3))
    if kind is Kind.STRING:
        return draw(st.one_of(text, scalars))
    return draw(json_values(max_leaves=6))


@functools.cache
def _shape(endpoint: str, direction: str) -> Shape:
    return codec.schemas.shape(endpoint, direction)  # type: ignore[arg-type]


@settings(
    max_examples=min(settings.default.max_examples, 500),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.sampled_from(_endpoint_shapes()), st.data())
def test_schema_guided_round_trips_are_exact_for_any_value(where: tuple[str, str], data: st.DataObject) -> None:
    # §8: the encoder knows the shape the decoder applies, and where a value
    # does not fit it (valid for the schema or not), writes the attribute that
    # keeps it: decode(encode(v, endpoint=E), endpoint=E) == v for every v.
    endpoint, direction = where
    document = data.draw(shaped_values(_shape(endpoint, direction)))
    if not isinstance(document, dict):
        document = {"value": document}
    options: dict[str, Any] = {"endpoint": endpoint, "direction": direction}
    round_trips(document, **options)
    round_trips(document, pretty=True, **options)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_decode_error(data: bytes) -> None:
    with contextlib.suppress(codec.DecodeError):
        codec.decode(data)


@given(documents, st.data())
def test_mutated_documents_raise_only_decode_error(document: dict[str, Any], data: st.DataObject) -> None:
    assume(not has_surrogate_pair(document))
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
