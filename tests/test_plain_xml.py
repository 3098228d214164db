"""The compiled reader of plain XML documents (``decode_plain``) against the event route.

``decode_plain`` scans the plainest documents itself (ASCII names, no
attributes, printable ASCII text without references) and gives the event
route's handlers the events expat would give them; it hands every other
document over. Whenever it returns a value, that value must be the one the
event route (``decode_bytes``, expat) returns, and the one the pure decoder
returns; and it must read the plain documents a gateway sees.
"""

from __future__ import annotations

import gc
import json
import random
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents, same

import codec
from codec import _accel, _decode, schemas
from codec._accel import pure_path
from codec._limits import Limits
from codec._shape import Kind, Shape

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
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


# --- one reader across documents ------------------------------------------------
# The event route keeps its reader (and its caches of names, members and kinds,
# keyed by the pointers of names and shapes) from one document to the next. A
# document must read the same whatever was read before it: with other shapes,
# other limits, or a document that handed over midway and left elements open.

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,40}")


def _body(shape: Shape | None, depth: int) -> bytes:
    """The content of an element of ``shape``, plain (no attributes)."""
    kind = None if shape is None else shape.kind
    if kind is Kind.OBJECT and shape is not None:
        return b"".join(_element(name, member, depth + 1) for name, member in list(shape.properties.items())[:6])
    if kind is Kind.STRING:
        return b"007"
    if kind is Kind.JSON:
        return b"[1,2]"
    return b"12"


def _element(name: str, shape: Shape | None, depth: int) -> bytes:
    if depth > 3 or not _NAME.fullmatch(name):
        return b""
    tag = name.encode()
    if shape is not None and shape.kind is Kind.ARRAY:
        item = b"<" + tag + b">" + _body(shape.items, depth + 1) + b"</" + tag + b">"
        return item * (1 + depth % 2)  # two items, or one the shape alone makes an array
    return b"<" + tag + b">" + _body(shape, depth) + b"</" + tag + b">"


def _variants(raw: bytes) -> list[bytes]:
    """``raw``, and ``raw`` handing over late: an entity, a mismatched end tag."""
    found = [raw]
    end = raw.rfind(b"</xml>")
    if end > 0:
        found.append(raw[:end] + b"<zz>a&amp;b</zz>" + raw[end:])
        inner = raw.rfind(b"</", 0, end)
        if inner > 0:
            found.append(raw[: inner + 2] + b"q" + raw[inner + 2 :])
    return found


def _vector_xml() -> list[bytes]:
    manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for case in manifest["cases"]:
        if "xml" in case["files"]:
            raw = (VECTORS / case["files"]["xml"]).read_bytes()
            found.append(raw)
            for attribute in (b" array='true'", b" string='true'", b" json='true'"):
                raw = raw.replace(attribute, b"")
            found.append(raw)
    return found


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except codec.CodecError as error:
        return type(error).__name__, (str(error), getattr(error, "line", None), getattr(error, "path", None))


def _read_alike(raw: bytes, shape: Shape | None, limits: Limits) -> int:
    """Hold the compiled decode, decode_plain and decode_bytes of ``raw`` to
    the pure decode; 1 when decode_plain read it (0 when it handed over)."""
    assert _accel.speedups is not None
    with pure_path():
        expected = _outcome(lambda: _decode.decode(raw, shape=shape, limits=limits))
    got = _outcome(lambda: _decode.decode(raw, shape=shape, limits=limits))
    assert got[0] == expected[0], (raw, shape, limits, got, expected)
    assert same(got[1], expected[1]) if got[0] == "ok" else got[1] == expected[1], (raw, shape, limits)
    try:
        prepared = _decode._prepare(raw, limits)
    except codec.DecodeError:
        return 0
    plain = _accel.speedups.decode_plain(prepared, shape, limits)
    events = _accel.speedups.decode_bytes(prepared, shape, limits)
    for value in (plain, events):
        if value is not None:
            assert expected[0] == "ok" and same(value, expected[1]), (raw, shape, limits, value, expected)
    return plain is not None


def _elements(raw: bytes) -> int:
    return len(re.findall(rb"<[A-Za-z_]", raw))


@compiled
def test_documents_in_a_row_read_as_each_alone() -> None:
    shapes: list[Shape | None] = [None]
    own: list[tuple[bytes, Shape]] = []
    for endpoint in schemas.endpoints():
        for direction in ("request", "response"):
            shape = schemas.shape(endpoint, direction)  # type: ignore[arg-type]
            shapes.append(shape)
            for raw in _variants(b"<xml>" + _body(shape, 0) + b"</xml>"):
                own.append((raw, shape))
    own += [(raw, schemas.shape("relations/edit", "request")) for raw in _variants(EDIT_XML)]
    vectors = _vector_xml()
    rng = random.Random(20261129)
    plain = 0
    for _ in range(3000):
        choice = rng.random()
        if choice < 0.5:
            raw, shape = rng.choice(own)  # a document of the shape's own names
        elif choice < 0.8:
            raw, shape = rng.choice(own)[0], rng.choice(shapes)  # its names, another shape's members
        else:
            raw, shape = rng.choice(vectors), rng.choice(shapes)
        elements = _elements(raw)
        limits = rng.choice(
            [
                Limits(),
                Limits(),
                Limits(max_depth=2),
                Limits(max_int_digits=1),
                Limits(max_elements=3),
                Limits(max_elements=max(1, elements - 1)),  # handed over at the last element
            ]
        )
        plain += _read_alike(raw, shape, limits)
    assert plain > 500  # the sequence went through the plain reader, not only past it


def _edit_shapes() -> list[tuple[Callable[[], Shape | None], dict[str, Any]]]:
    """Shapes made anew on each call, with the names of one document (below)
    in different roles, and what the document reads as with each."""
    return [
        (lambda: Shape(Kind.OBJECT, properties={"a": Shape(Kind.STRING)}), {"a": "1", "b": {"c": 2}}),
        (
            lambda: Shape(
                Kind.OBJECT,
                properties={
                    "a": Shape(Kind.ARRAY, items=Shape(Kind.STRING)),
                    "b": Shape(Kind.OBJECT, properties={"c": Shape(Kind.ARRAY)}),
                },
            ),
            {"a": ["1"], "b": {"c": [2]}},
        ),
        (
            lambda: Shape(Kind.OBJECT, properties={"b": Shape(Kind.OBJECT, additional=Shape(Kind.STRING))}),
            {"a": 1, "b": {"c": "2"}},
        ),
        (lambda: None, {"a": 1, "b": {"c": 2}}),
    ]


@compiled
def test_a_dropped_shape_never_answers_for_a_new_one() -> None:
    assert _accel.speedups is not None
    raw = b"<xml><a>1</a><b><c>2</c></b></xml>"
    cases = _edit_shapes()
    for make, expected in cases:
        with pure_path():
            assert same(_decode.decode(raw, shape=make(), limits=Limits()), expected)
    # Each shape made, read with and dropped: a new shape may take a dropped
    # one's address. Past the reader's bound (512 objects held) its caches
    # are forgotten and the dropped shapes freed, so addresses do come back.
    rng = random.Random(7)
    for step in range(3000):
        make, expected = rng.choice(cases)
        shape = make()
        assert same(_accel.speedups.decode_plain(raw, shape, Limits()), expected), (step, shape)
        assert same(_accel.speedups.decode_bytes(raw, shape, Limits()), expected), (step, shape)
        del shape
        if step % 100 == 0:
            gc.collect()


class _Reentrant(Shape):
    """A shape whose member lookups run Python code: a decode of their own
    (as a finalizer or another thread could, while a decode runs)."""

    __slots__ = ("inner",)

    def member(self, key: str) -> Shape | None:
        self.inner.append(_decode.decode(b"<xml><a>x</a><c>3</c></xml>", shape=_INNER, limits=Limits()))
        return super().member(key)


_INNER = Shape(Kind.OBJECT, properties={"a": Shape(Kind.ARRAY), "c": Shape(Kind.STRING)})


class _Members(Mapping[str, Shape]):
    """Properties that are not a dict: the reader asks Shape.member."""

    def __init__(self, members: dict[str, Shape]) -> None:
        self._members = members

    def __getitem__(self, key: str) -> Shape:
        return self._members[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


@compiled
def test_a_decode_inside_a_decode_reads_both() -> None:
    assert _accel.speedups is not None
    for _ in range(3):
        for route in (_accel.speedups.decode_plain, _accel.speedups.decode_bytes):
            # A new shape each time: a cached one is not asked again.
            shape = _Reentrant(Kind.OBJECT, properties=_Members({"a": Shape(Kind.STRING), "b": Shape(Kind.ARRAY)}))
            shape.inner = []
            assert same(route(b"<xml><a>1</a><b>2</b><c>3</c></xml>", shape, Limits()), {"a": "1", "b": [2], "c": 3})
            assert len(shape.inner) == 3  # a, b and c looked up, each with a decode inside
            assert all(same(inner, {"a": ["x"], "c": "3"}) for inner in shape.inner)


@compiled
def test_threads_reading_at_once_read_alike() -> None:
    assert _accel.speedups is not None
    speedups = _accel.speedups
    cases = [(make, expected, make()) for make, expected in _edit_shapes()]
    # Members looked up by Python code (a Mapping, not a dict) give other
    # threads a chance to run in the middle of a document.
    slow = Shape(Kind.OBJECT, properties=_Members({"a": Shape(Kind.ARRAY), "b": Shape(Kind.OBJECT)}))
    cases.append((lambda: slow, {"a": [1], "b": {"c": 2}}, slow))
    raw = b"<xml><a>1</a><b><c>2</c></b></xml>"
    failures: list[Any] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(2000):
            _, expected, shape = rng.choice(cases)
            for route in (speedups.decode_plain, speedups.decode_bytes):
                got = route(raw, shape, Limits())
                if not same(got, expected):
                    failures.append((got, expected))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
