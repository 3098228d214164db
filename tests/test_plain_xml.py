"""The compiled reader of plain XML documents (``decode_plain``) against the event route.

``decode_plain`` scans the plainest documents itself (ASCII names, no
attributes, printable ASCII text without references) and gives the event
route's handlers the events expat would give them; it hands every other
document over. Whenever it returns a value, that value must be the one the
event route (``decode_bytes``, expat) returns, and the one the pure decoder
returns; and it must read the plain documents a gateway sees.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents, same

import codec
from codec import _accel, _decode, schemas
from codec._accel import pure_path
from codec._limits import Limits

compiled = pytest.mark.skipif(_accel.speedups is None, reason=f"pure run: {_accel.why_pure}")

EDIT_XML = (
    b"<xml><token>bfc505684d774e52b188fa1f003cd5ed</token><rel_id>2</rel_id>"
    b"<profile_a><profile_id>669e6968ebf4ac52b623a997</profile_id></profile_a>"
    b"<profile_b><profile_id>6751b8f1c5e3db9bcb75befa</profile_id></profile_b>"
    b"<weights><user_like>2</user_like><donate>343</donate><is_online>true</is_online></weights></xml>"
)
SHAPES = [None, schemas.shape("relations/edit", "request")]
LIMITS = [Limits(), Limits(max_depth=2), Limits(max_elements=5), Limits(max_int_digits=2)]


def _check(raw: bytes, shape: Any = None, limits: Limits | None = None) -> Any:
    """decode_plain's answer for ``raw``, after holding it to the event route's and the pure decoder's."""
    assert _accel.speedups is not None
    limits = Limits() if limits is None else limits
    try:
        prepared = _decode._prepare(raw, limits)
    except codec.DecodeError:
        return None
    plain = _accel.speedups.decode_plain(prepared, shape, limits)
    if plain is not None:
        events = _accel.speedups.decode_bytes(prepared, shape, limits)
        assert events is not None and same(plain, events), (raw, plain, events)
        with pure_path():
            assert same(plain, _decode.decode(raw, shape=shape, limits=limits)), raw
    return plain


@compiled
def test_the_gateways_documents_are_read() -> None:
    for shape in SHAPES:
        assert _check(EDIT_XML, shape) is not None
    assert _check(b"\n <xml/>\n") == {}
    assert _check(b"<xml><a/><b>x</b><b>y</b>\n\t<c><d>1.5</d></c></xml>") == {
        "a": "",
        "b": ["x", "y"],
        "c": {"d": 1.5},
    }


@compiled
@pytest.mark.parametrize(
    "raw",
    [
        b"<?xml version='1.0'?><xml/>",
        b"<xml a='1'/>",
        b"<xml><a array='true'>1</a></xml>",
        b"<xml><a>&amp;</a></xml>",
        b"<xml><a>\xc3\xa9</a></xml>",
        b"<xml><a>x\r\ny</a></xml>",
        b"<xml><!-- c --><a>1</a></xml>",
        b"<xml><a>]]></a></xml>",
        b"<xml><a >1</a></xml>",
        b"<xml><a>1</a ></xml>",
        b"<xml><a:b>1</a:b></xml>",
        b"<xml><a>1</b></xml>",
        b"<xml><a>1</a></xml><xml/>",
        b"<xml><a>1</a></xml>x",
        b"<xml><a>1</a>",
        b"<xml><a>\x01</a></xml>",
        b"<xml><a>\x7f</a></xml>",
        b"<notxml/>",
        b"x<xml/>",
        b"<xml><1a/></xml>",
    ],
)
def test_other_documents_are_handed_over(raw: bytes) -> None:
    assert _accel.speedups is not None
    assert _accel.speedups.decode_plain(raw, None, Limits()) is None


@compiled
@pytest.mark.parametrize(
    "raw",
    [
        b"<xml><a>1</a><a>2</a><b>x</b></xml>",
        b"<xml><a>1</a><b/><a>2</a></xml>",
        b"<xml><a> </a><b>\t\n</b></xml>",
        b"<xml>x<a>1</a></xml>",
        b"<xml><a>1</a>x</xml>",
        b"<xml><a><b>1</b>x</a></xml>",
        b"<xml><a><b><c><d>1</d></c></b></a></xml>",
        b"<xml><a>" + b"9" * 30 + b"</a></xml>",
        b"<xml><a>-0</a><b>1e5</b><c>null</c><d>true</d><e>01</e><f>[]</f><g>{}</g></xml>",
        b"<xml><a/><a/><a/><a/><a/><a/></xml>",
        b"<xml><weights><user_like>x</user_like></weights><rel_id>2</rel_id></xml>",
        b"<xml><profile_a><profile_id>12345</profile_id></profile_a></xml>",
        b"<xml><rel_id/><token/></xml>",
        b"<xml><xml>1</xml></xml>",
        b"<xml><_a.b-c>1</_a.b-c></xml>",
    ],
)
@pytest.mark.parametrize("limits", LIMITS, ids=range(len(LIMITS)))
@pytest.mark.parametrize("shape", SHAPES, ids=["no-shape", "relations-edit"])
def test_plain_documents_read_alike(raw: bytes, limits: Limits, shape: Any) -> None:
    _check(raw, shape, limits)


@settings(max_examples=300)
@compiled
@given(documents, st.booleans(), st.sampled_from(SHAPES), st.sampled_from(LIMITS))
def test_encoded_documents_read_alike(document: dict[str, Any], pretty: bool, shape: Any, limits: Limits) -> None:
    try:
        raw = codec.encode(document, pretty=pretty)
    except codec.EncodeError:
        return
    _check(raw, shape, limits)


_PIECES = st.sampled_from(
    [
        *("<xml>", "</xml>", "<xml/>", "<a>", "</a>", "<b>", "</b>", "<a/>", "<weights>", "</weights>"),
        *("<rel_id>", "</rel_id>", "<user_like>", "</user_like>", "1", "x", "true", "2.5", " ", "\n", "\t"),
        *("<", ">", "/", "&", "<a ", "</a ", "\r", "]]>", "<!---->", "<?p?>"),
    ]
)


@settings(max_examples=500)
@compiled
@given(st.lists(_PIECES, max_size=16).map("".join), st.sampled_from(SHAPES), st.sampled_from(LIMITS))
def test_generated_documents_read_alike(text: str, shape: Any, limits: Limits) -> None:
    _check(text.encode(), shape, limits)
