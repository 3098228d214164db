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
import re
import types
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
from codec import _accel, _decode, _dialect, _encode, _json, _payload_limits
from codec._accel import pure_path
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


class _TreeOnly:
    """The accelerator with its event route handing everything over, so that
    the compiled tree route (lxml's tree, walked in C) decides alone."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    @staticmethod
    def decode_bytes(raw: bytes, shape: Any, limits: Limits) -> None:
        return None

    @staticmethod
    def decode_plain(raw: bytes, shape: Any, limits: Limits) -> None:
        return None


@contextmanager
def _tree_only() -> Iterator[None]:
    saved = _decode.speedups
    _decode.speedups = None if saved is None else _TreeOnly(saved)  # type: ignore[assignment]
    try:
        yield
    finally:
        _decode.speedups = saved


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except codec.CodecError as error:
        return type(error).__name__, (str(error), getattr(error, "line", None), getattr(error, "path", None))


def _both(call: Callable[[], Any]) -> None:
    """``call`` gives the same result or error compiled (the event route, then
    the tree route), with the tree route alone, and pure."""
    fast = _outcome(call)
    with _tree_only():
        tree = _outcome(call)
    with pure_path():
        pure = _outcome(call)
    for got in (fast, tree):
        assert got[0] == pure[0], (got, pure)
        if got[0] == "ok" and not isinstance(got[1], bytes):
            assert same(got[1], pure[1]), (got, pure)
        else:
            assert got[1] == pure[1]


_LIMITS = st.sampled_from(
    [
        Limits(),
        Limits(max_depth=1),
        Limits(max_depth=2),
        Limits(max_depth=3),
        Limits(max_int_digits=1),
        Limits(max_int_digits=3),
        Limits(max_elements=1),
        Limits(max_elements=3),
        Limits(max_elements=12),
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


# --- the event route (expat's events straight to values, no tree) -------------


def _route(data: bytes | str, shape: Any = None, limits: Limits | None = None) -> Any:
    """What the event route alone returns for ``data`` (``None``: it hands over)."""
    assert _accel.speedups is not None
    limits = Limits() if limits is None else limits
    try:
        raw = _decode._prepare(data, limits)
    except codec.DecodeError:
        return None
    return _accel.speedups.decode_bytes(raw, shape, limits)


_TAG_NAMES = re.compile(rb"</?([^\s/>]+)")


@compiled
def test_the_event_route_is_on() -> None:
    assert _accel.speedups is not None
    assert _accel.speedups.EXPAT_UNAVAILABLE == ""
    assert _route(b"<xml><a>1</a><a>2</a><b>x</b></xml>") == {"a": [1, 2], "b": "x"}


@settings(max_examples=300)  # each example runs both paths; CI time is bounded
@compiled
@given(documents, st.booleans())
def test_the_event_route_reads_what_the_encoder_writes(document: dict[str, Any], pretty: bool) -> None:
    try:
        data = codec.encode(document, pretty=pretty)
    except codec.EncodeError:
        return
    value = _route(data)
    with pure_path():
        expected = codec.decode(data)
    if value is not None:
        assert same(value, expected), (value, expected)
    elif all(name.isascii() for name in _TAG_NAMES.findall(data)) and b"json='true'" not in data:
        # Only non-ASCII names (4th and 5th edition name rules) and embedded
        # JSON (huge integers) may make it hand over a canonical document.
        raise AssertionError(f"the event route handed over {data!r}")


# Byte-level cases where expat and libxml2 could differ, or where the dialect's
# rules meet the parser's: each is decoded compiled and pure, and must agree.
_CASES = [
    # line ends and character references (§7)
    b"<xml><a>x\r\ny\rz</a></xml>",
    b"<xml><a>x&#13;\ny&#xD;</a></xml>",
    b"<xml>\r\n<a>1</a>\r\n</xml>",
    b"<xml><a>&lt;&gt;&amp;&quot;&apos;</a></xml>",
    b"<xml><a>&#0;</a></xml>",
    b"<xml><a>&#1;</a></xml>",
    b"<xml><a>&#xFFFE;</a></xml>",
    b"<xml><a>&#xD800;</a></xml>",
    b"<xml><a>&#x110000;</a></xml>",
    b"<xml><a>&#x10FFFF;&#x1F600;</a></xml>",
    b"<xml><a>\xef\xbf\xbe</a></xml>",
    b"<xml><a>\xed\xa0\x80</a></xml>",
    b"<xml><a>\xc0\x80</a></xml>",
    b"<xml><a>\xf4\x90\x80\x80</a></xml>",
    b"<xml><a>\xef\xb7\x90</a></xml>",
    b"<xml><a>\x0c</a></xml>",
    b"<xml><a>a\x00b</a></xml>",
    b"<xml/>\x00",
    b"<xml><a>&foo;</a></xml>",
    b"<xml><a>&#x0041;&#0000066;</a></xml>",
    b"<xml><a>&#X41;</a></xml>",
    b"<xml><a>&#65</a></xml>",
    b"<xml><a>&#x;</a></xml>",
    b"<xml><a>&# 65;</a></xml>",
    b"<xml><a>&#x9;&#xA;&#x20;</a></xml>",
    b"<xml><a>\x7f\xc2\x80\xc2\x9f</a></xml>",
    b"<xml><a>\xee\x80\x80\xf3\xb0\x80\x80</a></xml>",
    b"<xml><a>\xef\xbb\xbf</a></xml>",
    b"<xml><a>&amp</a></xml>",
    b"<xml><a>]]></a></xml>",
    b"<xml><a>]]</a><b>]></b></xml>",
    b"<xml><a>x > y</a></xml>",
    # CDATA, comments and processing instructions (§7)
    b"<xml><a><![CDATA[1]]>2</a></xml>",
    b"<xml><a><![CDATA[]]></a></xml>",
    b"<xml><a><![CDATA[<b>&amp;]]></a></xml>",
    b"<xml><a>\n<![CDATA[ ]]>\n<b>1</b></a></xml>",
    b"<xml><a>\n<![CDATA[x]]>\n<b>1</b></a></xml>",
    b"<xml><a>1<!-- c -->2</a></xml>",
    b"<xml><a>1<?pi x?>2</a></xml>",
    b"<xml><!-- c --><a>1</a></xml>",
    b"<xml><a>1<!-- a -- b -->2</a></xml>",
    b"<xml><a>1<!--->2</a></xml>",
    b"<xml><a>1<?xml x?>2</a></xml>",
    b"<xml><a>1<?XmL x?>2</a></xml>",
    b"<!-- c --><xml/>",
    b"<?pi?><xml/>",
    b"<xml/><!-- c -->",
    b"<xml/><?pi?>",
    b"<xml/>\n \t",
    # the declaration, the DOCTYPE and what follows the root (§9)
    b"<?xml version='1.0'?><xml><a>1</a></xml>",
    b'<?xml version="1.0" encoding="UTF-8"?>\n<xml><a>1</a></xml>',
    b"<?xml version='1.0' encoding='utf8' standalone='yes'?><xml/>",
    b"<?xml version='1.0' standalone='maybe'?><xml/>",
    b"<?xml version='1.0' encoding='utf-8' ?><xml/>",
    b"<?xml  version = '1.0'?><xml/>",
    b"<?xml encoding='utf-8'?><xml/>",
    b"<?xml version='1.1'?><xml/>",
    b"<?xml version='1.0' encoding='latin-1'?><xml/>",
    b"<?xml version='1.0' standalone='yes' encoding='utf-8'?><xml/>",
    b"<?xml version='1.0'><xml/>",
    b" <?xml version='1.0'?><xml/>",
    b"\xef\xbb\xbf<?xml version='1.0'?><xml/>",
    b"\xef\xbb\xbf<xml><a>1</a></xml>",
    # expat reads these as UTF-16 whatever encoding it is told; libxml2 refuses them
    b"\xef\xbb\xbf" + "<xml><a>1</a></xml>".encode("utf-16-le"),
    b"\xef\xbb\xbf" + "<xml><a>1</a></xml>".encode("utf-16-be"),
    b"\xef\xbb\xbf" + "<xml><a>1</a></xml>".encode("utf-16"),
    b"\xef\xbb\xbf" + "\n<xml><a>1</a></xml>".encode("utf-16-le"),
    b"\xef\xbb\xbf\xfe\xff\x00<\x00x\x00m\x00l\x00/\x00>",
    "<xml><a>1</a></xml>".encode("utf-16-le"),
    "<xml><a>1</a></xml>".encode("utf-32"),
    b"\xef\xbb\xbf" + "<xml><a>1</a></xml>".encode("utf-32-le"),
    b"\xef\xbb\xbf\xef\xbb\xbf<xml/>",
    b"<\x00",
    b"\x00<xml/>",
    b"\t<xml/>",
    b"x<xml/>",
    b"<!DOCTYPE xml><xml/>",
    b"<xml/><!DOCTYPE xml>",
    b'<!DOCTYPE xml [<!ENTITY e "1">]><xml><a>&e;</a></xml>',
    b"<xml/>x",
    b"<xml/><xml/>",
    b"<xml>",
    b"",
    b"   ",
    b"<xml></xmlx>",
    # tags and names (§3)
    b"<xml><a >1</a ></xml>",
    b"<xml><a\n\t>1</a\n></xml>",
    b"<xml><a/ ></xml>",
    b"<xml ><a/></xml >",
    b"<xml><a:b>1</a:b></xml>",
    b"<xml xmlns='urn:x'><a>1</a></xml>",
    b"<xml><a xmlns:p='urn:x'>1</a></xml>",
    b"<xml><a xml:lang='en'>1</a></xml>",
    b"<xml><\xc3\xa9>1</\xc3\xa9></xml>",
    b"<xml><\xe2\x81\xb0>1</\xe2\x81\xb0></xml>",
    b"<xml><a\xcc\x80>1</a\xcc\x80></xml>",
    b"<xml><\xcc\x80>1</\xcc\x80></xml>",
    b"<xml><xmlfoo>1</xmlfoo><XMLbar>2</XMLbar></xml>",
    b"<xml><_a.b-c>1</_a.b-c></xml>",
    b"<xml><1a>1</1a></xml>",
    b"<xml><-a>1</-a></xml>",
    b"<XML><a>1</a></XML>",
    b"<root><a>1</a></root>",
    # attributes (§5)
    b"<xml><a array='true'>1</a></xml>",
    b'<xml><a array="true">1</a></xml>',
    b"<xml><a array='&#116;rue'>1</a></xml>",
    b"<xml><a array=' true'>1</a></xml>",
    b"<xml><a array='true\n'>1</a></xml>",
    b"<xml><a array='TRUE'>1</a></xml>",
    b"<xml><a array='true' array='true'>1</a></xml>",
    b"<xml><a array='true'string='true'>1</a></xml>",
    b"<xml><a array=true>1</a></xml>",
    b"<xml><a array='<'>1</a></xml>",
    b"<xml><a string='true' json='true'>1</a></xml>",
    b"<xml><a array='true' string='true'>1</a></xml>",
    b"<xml><a array='true' string='true'/></xml>",
    b"<xml><a array='true' json='true'>[1]</a></xml>",
    b"<xml><a other='true'>1</a></xml>",
    b"<xml><a array='true'/></xml>",
    b"<xml><a array='true'></a></xml>",
    b"<xml><a array='true'><![CDATA[]]></a></xml>",
    b"<xml><a array='true'> </a></xml>",
    b"<xml><a array='true'/><a/></xml>",
    b"<xml><a/><a array='true'/></xml>",
    b"<xml><a array='true'><b>1</b></a><a>2</a></xml>",
    b"<xml><a string='true'><b>1</b></a></xml>",
    b"<xml><a json='true'><b>1</b></a></xml>",
    b"<xml><a string='true'>1</a><a>1</a></xml>",
    b"<xml><a json='true'>{\"b\": [1, {}]}</a></xml>",
    b"<xml><a json='true'>{bad</a></xml>",
    b"<xml><a json='true'></a></xml>",
    b"<xml json='true'>{\"a\": 1}</xml>",
    b"<xml json='true'>[1]</xml>",
    b"<xml json='true'><a/></xml>",
    b"<xml array='true'/>",
    b"<xml string='true'>x</xml>",
    # the dialect's structure (§3, §4, §7)
    b"<xml>text</xml>",
    b"<xml> \n </xml>",
    b"<xml>x<a>1</a></xml>",
    b"<xml><a>1</a>x</xml>",
    b"<xml><a>1</a><b>2</b><a>3</a></xml>",
    b"<xml><a>1</a><a><b>2</b></a><a/></xml>",
    b"<xml><a><b>1</b></a><a><b>2</b></a></xml>",
    b"<xml><a><b>1</b><b>2</b></a><c/></xml>",
    b"<xml><a>1<b>2</b></a></xml>",
    b"<xml><a><b>2</b>1</a></xml>",
    b"<xml><a>-0</a><b>00</b><c>1.0e5</c><d>1e999</d><e>-1E-2</e><f>.5</f><g>1.</g></xml>",
    b"<xml><a>true</a><b>false</b><c>True</c><d>null</d><e> 1</e><f>1 </f></xml>",
    b"<xml><a>\xd9\xa3</a><b>\xc2\xb2</b></xml>",
    b"<xml><a>" + b"9" * 4300 + b"</a></xml>",
    b"<xml><a>" + b"9" * 4301 + b"</a></xml>",
    b"<xml><a>-" + b"9" * 5000 + b"</a></xml>",
    b"<xml><a>1" + b"0" * 400 + b".5</a></xml>",
    # nesting at libxml2's ceiling and the dialect's limit (§9)
    b"<xml>" + b"<a>" * 64 + b"1" + b"</a>" * 64 + b"</xml>",
    b"<xml>" + b"<a>" * 65 + b"1" + b"</a>" * 65 + b"</xml>",
    b"<xml>" + b"<a>" * 63 + b"<b/><b/>" + b"</a>" * 63 + b"</xml>",
    b"<xml>" + b"<a>" * 255 + b"1" + b"</a>" * 255 + b"</xml>",
    b"<xml>" + b"<a>" * 256 + b"1" + b"</a>" * 256 + b"</xml>",
    # names at libxml2's limit
    b"<xml><" + b"n" * 49_999 + b">1</" + b"n" * 49_999 + b"></xml>",
    b"<xml><" + b"n" * 50_000 + b">1</" + b"n" * 50_000 + b"></xml>",
    b"<xml><" + b"n" * 50_001 + b">1</" + b"n" * 50_001 + b"></xml>",
]


@compiled
@pytest.mark.parametrize("limits", [Limits(), Limits(max_depth=2), Limits(max_elements=3), Limits(max_int_digits=3)])
@pytest.mark.parametrize("data", _CASES)
def test_byte_level_cases_decode_alike(data: bytes, limits: Limits) -> None:
    _both(lambda: codec.decode(data, limits=limits))
    _both(lambda: codec.decode(data, endpoint="relations/get", direction="response", limits=limits))


@compiled
@pytest.mark.parametrize(
    ("data", "value"),
    [
        (b"<xml><a>x\r\ny\rz</a></xml>", {"a": "x\ny\nz"}),
        (b"<xml><a>x&#13;</a></xml>", {"a": "x\r"}),
        (b"<xml><a array='&#116;rue'>1</a></xml>", {"a": [1]}),
        (b"<xml><a><![CDATA[1]]>2</a></xml>", {"a": 12}),
        (b"<xml><a><![CDATA[]]></a></xml>", {"a": ""}),
        (b"<?xml version='1.0' encoding='UTF-8'?>\n<xml/>", {}),
        (b"\xef\xbb\xbf<xml><a>1</a></xml>", {"a": 1}),
        (b"<xml><a>&lt;&#x1F600;</a></xml>", {"a": "<\U0001f600"}),
        (b"<xml json='true'>{\"a\": [1]}</xml>", {"a": [1]}),
    ],
)
def test_the_event_route_takes_plain_documents(data: bytes, value: Any) -> None:
    assert _route(data) == value


@compiled
@pytest.mark.parametrize(
    "data",
    [
        b"<xml><a>1<!-- c -->2</a></xml>",
        b"<xml><a>1<?pi?>2</a></xml>",
        b"<xml><a:b>1</a:b></xml>",
        b"<xml><\xc3\xa9>1</\xc3\xa9></xml>",
        b"<?xml  version='1.0'?><xml/>",
        b"<xml><a>&foo;</a></xml>",
        b"<xml><a>1</a><b/><a>2</a></xml>",
    ],
)
def test_the_event_route_hands_over_the_unusual(data: bytes) -> None:
    assert _route(data) is None


# Small documents from the tokens where parsers and the dialect meet: most are
# malformed, and the compiled path must refuse exactly what the pure one does.
_TOKENS = st.sampled_from(
    (
        b"<xml>|</xml>|<a>|</a>|<b>|</b>|<a/>|<b/>|<xml/>|<a array='true'>|<a string='true'>|<a json='true'>"
        b"| array='true'| string='true'| json='true'|='true'| xmlns='u'|<|>|/|=|'|\"|a|x|xml|:|1|-|.|e|true| "
        b"|\n|\r|\t|&amp;|&#13;|&#0;|&#x41;|&#65;|&#|&x;|&|;|]]>|<![CDATA[|]]|<!--|-->|<?|?>"
        b"|<?xml version='1.0'?>|<!DOCTYPE|\xc3\xa9|\xff|\x00|\x7f|\xc2\x80|\xef\xbf\xbe|\xef\xbb\xbf|{|}|[|]"
    ).split(b"|")
)


@settings(max_examples=1000)  # small documents, both paths each
@compiled
@given(st.lists(_TOKENS, max_size=24), _LIMITS)
def test_token_soup_decodes_alike(tokens: list[bytes], limits: Limits) -> None:
    data = b"".join(tokens)
    _both(lambda: codec.decode(data, limits=limits))


# --- the payload limits scan of validation ------------------------------------

_ODD_VALUES = st.recursive(
    st.one_of(
        json_values(10),
        st.integers(min_value=-(10**80), max_value=10**80),
        st.sampled_from([True, 2**200, -(2**150), 1.5, "x"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=3),
        st.dictionaries(keys, children, max_size=3).map(types.MappingProxyType),
        st.dictionaries(st.integers(0, 3), children, max_size=2),
    ),
    max_leaves=12,
)


@compiled
@settings(max_examples=400)
@given(value=_ODD_VALUES, depth=st.integers(1, 7), digits=st.integers(1, 40))
def test_the_compiled_scan_says_plain_only_where_the_pure_scan_finds_nothing(
    value: Any, depth: int, digits: int
) -> None:
    limits = Limits(max_depth=depth, max_int_digits=digits)
    pure = _payload_limits.scan(value, limits)
    if _accel.speedups.plain_within(value, depth, digits):
        assert pure == (False, False)


@compiled
@settings(max_examples=200)
@given(value=json_values(20))
def test_the_compiled_scan_takes_plain_json_values(value: Any) -> None:
    # A JSON value (dicts with string keys, lists, scalars, small integers)
    # within the limits is what validation sees from decode and from http:
    # the compiled scan must take it, or it speeds nothing up.
    limits = Limits(max_depth=64)
    if _payload_limits.scan(value, limits) == (False, False):
        assert _accel.speedups.plain_within(value, limits.max_depth, limits.max_int_digits)
