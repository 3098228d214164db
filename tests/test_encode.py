"""Unit tests of the encoder against docs/dialect.md, table by table.

Every expected byte string here is written from the spec (§3-§7, §10), not
produced by the code.
"""

from __future__ import annotations

import collections
import copy
import datetime
import decimal
import enum
import fractions
import pickle
import types
import uuid
from typing import Any

import pytest
from strategies import same

import codec
from codec import CodecError, EncodeError, Limits
from codec._encode import encode as encode_with_shape
from codec._shape import Kind, Shape


def xml(body: str) -> bytes:
    return ("<xml>" + body + "</xml>").encode("utf-8")


CANONICAL = [
    # §2, §10 the root
    ({}, b"<xml/>"),
    ({"a": 1}, xml("<a>1</a>")),
    ({"b": 1, "a": 2}, xml("<b>1</b><a>2</a>")),
    # §3 arrays
    ({"a": [1, 2]}, xml("<a>1</a><a>2</a>")),
    ({"a": [1]}, xml("<a array='true'>1</a>")),
    ({"a": []}, xml("<a array='true'/>")),
    ({"a": [None]}, xml("<a array='true' json='true'>null</a>")),
    ({"a": [None, None]}, xml("<a json='true'>null</a><a json='true'>null</a>")),
    ({"a": [[1, 2], 3]}, xml("<a json='true'>[1,2]</a><a>3</a>")),
    ({"a": [[1, 2]]}, xml("<a array='true' json='true'>[1,2]</a>")),
    ({"a": [[]]}, xml("<a array='true' json='true'>[]</a>")),
    ({"a": [""]}, xml("<a array='true' json='true'>\"\"</a>")),
    ({"a": ["", ""]}, xml("<a/><a/>")),
    ({"a": ["x"]}, xml("<a array='true'>x</a>")),
    ({"a": ["1"]}, xml("<a array='true' string='true'>1</a>")),
    ({"a": [True]}, xml("<a array='true'>true</a>")),
    ({"a": [{}]}, xml("<a array='true' json='true'>{}</a>")),
    ({"a": [{"b": 1}]}, xml("<a array='true'><b>1</b></a>")),
    ({"a": [{"b": 1}, {"c": 2}]}, xml("<a><b>1</b></a><a><c>2</c></a>")),
    ({"a": [{"b": [1]}]}, xml("<a array='true'><b array='true'>1</b></a>")),
    ({"a": (1, 2)}, xml("<a>1</a><a>2</a>")),
    ({"a": ()}, xml("<a array='true'/>")),
    # §3 objects, §6 the escape for what has no element form
    ({"a": {"b": 1}}, xml("<a><b>1</b></a>")),
    ({"a": {}}, xml("<a json='true'>{}</a>")),
    ({"a": {"b": {}}}, xml("<a><b json='true'>{}</b></a>")),
    ({"a": None}, xml("<a json='true'>null</a>")),
    ({"a": {"b": None}}, xml("<a><b json='true'>null</b></a>")),
    # §4 scalars
    ({"a": True, "b": False}, xml("<a>true</a><b>false</b>")),
    ({"a": ""}, xml("<a/>")),
    ({"a": "x"}, xml("<a>x</a>")),
    ({"a": "1"}, xml("<a string='true'>1</a>")),
    ({"a": "true"}, xml("<a string='true'>true</a>")),
    ({"a": "false"}, xml("<a string='true'>false</a>")),
    ({"a": "-0"}, xml("<a string='true'>-0</a>")),
    ({"a": "1.5"}, xml("<a string='true'>1.5</a>")),
    ({"a": "1E5"}, xml("<a string='true'>1E5</a>")),
    ({"a": "1e999"}, xml("<a string='true'>1e999</a>")),
    ({"a": "123456789012345678901234567890"}, xml("<a string='true'>123456789012345678901234567890</a>")),
    ({"a": "null"}, xml("<a>null</a>")),
    ({"a": "NaN"}, xml("<a>NaN</a>")),
    ({"a": "True"}, xml("<a>True</a>")),
    ({"a": "01"}, xml("<a>01</a>")),
    ({"a": " 1"}, xml("<a> 1</a>")),
    ({"a": "+1"}, xml("<a>+1</a>")),
    ({"a": "1."}, xml("<a>1.</a>")),
    ({"a": "١"}, xml("<a>١</a>")),
    ({"a": 0}, xml("<a>0</a>")),
    ({"a": -5}, xml("<a>-5</a>")),
    ({"a": 2**100}, xml("<a>1267650600228229401496703205376</a>")),
    ({"a": -(2**64)}, xml("<a>-18446744073709551616</a>")),
    ({"a": 1.0}, xml("<a>1.0</a>")),
    ({"a": 0.0}, xml("<a>0.0</a>")),
    ({"a": -0.0}, xml("<a>-0.0</a>")),
    ({"a": 0.0001}, xml("<a>0.0001</a>")),
    ({"a": 123.456}, xml("<a>123.456</a>")),
    ({"a": 0.1}, xml("<a>0.1</a>")),
    ({"a": 1 / 3}, xml("<a>0.3333333333333333</a>")),
    ({"a": 1e15}, xml("<a>1000000000000000.0</a>")),
    ({"a": 9999999999999998.0}, xml("<a>9999999999999998.0</a>")),
    ({"a": 1e16}, xml("<a>1e+16</a>")),
    ({"a": 1e-05}, xml("<a>1e-05</a>")),
    ({"a": 1.5e300}, xml("<a>1.5e+300</a>")),
    ({"a": -2.5e-7}, xml("<a>-2.5e-07</a>")),
    ({"a": 5e-324}, xml("<a>5e-324</a>")),
    ({"a": 1.7976931348623157e308}, xml("<a>1.7976931348623157e+308</a>")),
    # §7 text
    ({"a": "a&b<c>d\re"}, xml("<a>a&amp;b&lt;c&gt;d&#13;e</a>")),
    ({"a": "\r\n"}, xml("<a>&#13;\n</a>")),
    ({"a": "\t\n"}, xml("<a>\t\n</a>")),
    ({"a": " x "}, xml("<a> x </a>")),
    ({"a": "'\""}, xml("<a>'\"</a>")),
    ({"a": "]]>"}, xml("<a>]]&gt;</a>")),
    ({"a": "&amp;"}, xml("<a>&amp;amp;</a>")),
    ({"a": "é😀\u2028"}, xml("<a>é😀\u2028</a>")),
    ({"a": "\x7f\x85"}, xml("<a>\x7f\x85</a>")),
    # §3 keys: names, and the smallest object that needs the escape
    ({"_a": 1, "a.b-c": 2, "é": 3, "Ω·": 4, "a1": 5}, xml("<_a>1</_a><a.b-c>2</a.b-c><é>3</é><Ω·>4</Ω·><a1>5</a1>")),
    ({"xm": 1, "x-ml": 2}, xml("<xm>1</xm><x-ml>2</x-ml>")),
    ({"a b": 1}, b"<xml json='true'>{\"a b\":1}</xml>"),
    ({"": 1}, b"<xml json='true'>{\"\":1}</xml>"),
    ({"1abc": 1}, b"<xml json='true'>{\"1abc\":1}</xml>"),
    ({"a:b": 1}, b"<xml json='true'>{\"a:b\":1}</xml>"),
    ({"$or": 1}, b"<xml json='true'>{\"$or\":1}</xml>"),
    ({"xmlns": 1}, b"<xml json='true'>{\"xmlns\":1}</xml>"),
    ({"XmlFoo": 1}, b"<xml json='true'>{\"XmlFoo\":1}</xml>"),
    ({"xml": 1}, b"<xml json='true'>{\"xml\":1}</xml>"),
    ({"-a": 1}, b"<xml json='true'>{\"-a\":1}</xml>"),
    ({"a": 1, "b c": 2}, b'<xml json=\'true\'>{"a":1,"b c":2}</xml>'),
    ({"a": {"$or": 1}}, xml("<a json='true'>{\"$or\":1}</a>")),
    ({"x": 1, "a": {"b c": 2}}, xml("<x>1</x><a json='true'>{\"b c\":2}</a>")),
    ({"a": {"b": {"c d": 1}, "e": 2}}, xml("<a><b json='true'>{\"c d\":1}</b><e>2</e></a>")),
    ({"a": [{"b c": 1}, 2]}, xml("<a json='true'>{\"b c\":1}</a><a>2</a>")),
    ({"a": [{"b c": 1}]}, xml("<a array='true' json='true'>{\"b c\":1}</a>")),
    # §6 strings XML cannot hold
    ({"a": "x\x00"}, xml("<a json='true'>\"x\\u0000\"</a>")),
    ({"a": "\x1f"}, xml("<a json='true'>\"\\u001f\"</a>")),
    ({"a": "\x0b\x0c"}, xml("<a json='true'>\"\\u000b\\f\"</a>")),
    ({"a": "\ud800"}, xml("<a json='true'>\"\\ud800\"</a>")),
    ({"a": "\udfff\ud800"}, xml("<a json='true'>\"\\udfff\\ud800\"</a>")),
    ({"a": "\ufffe"}, xml("<a json='true'>\"\\ufffe\"</a>")),
    ({"a": "\uffff"}, xml("<a json='true'>\"\\uffff\"</a>")),
    ({"a": "1\x00"}, xml("<a json='true'>\"1\\u0000\"</a>")),
    ({"a": ["\x00"]}, xml("<a array='true' json='true'>\"\\u0000\"</a>")),
    ({"a": ["\x00", "ok"]}, xml("<a json='true'>\"\\u0000\"</a><a>ok</a>")),
    ({"a": "ok", "b": "\x01"}, xml("<a>ok</a><b json='true'>\"\\u0001\"</b>")),
    ({"\ud800": 1}, b"<xml json='true'>{\"\\ud800\":1}</xml>"),
    # §6 the canonical JSON text, then escaped as element text (§7)
    (
        {"a b": 'q"\\\n\r\t\b\f\x1f<&>\x7f\u2028/é'},
        b'<xml json=\'true\'>{"a b":"q\\"\\\\\\n\\r\\t\\b\\f\\u001f&lt;&amp;&gt;\x7f\xe2\x80\xa8/\xc3\xa9"}</xml>',
    ),
    (
        {"a b": [1.0, 1e16, -0.0, 2**70, 1e-05, True, False, None, "s", {}, []]},
        b'<xml json=\'true\'>{"a b":[1.0,1e+16,-0.0,1180591620717411303424,1e-05,true,false,null,"s",{},[]]}</xml>',
    ),
    ({"a b": {"z": 1, "a": {"y": [2]}}}, b'<xml json=\'true\'>{"a b":{"z":1,"a":{"y":[2]}}}</xml>'),
    ({"a": [[{"b": "\r"}]]}, xml("<a array='true' json='true'>[{\"b\":\"\\r\"}]</a>")),
]


@pytest.mark.parametrize(("value", "expected"), CANONICAL, ids=[repr(v)[:60] for v, _ in CANONICAL])
def test_canonical_encoding(value: dict[str, Any], expected: bytes) -> None:
    assert codec.encode(value) == expected
    # And back (the properties cover this at large; here it pins each row).
    assert same(codec.decode(expected), _as_json(value))


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    return value


PRETTY = [
    ({}, b"<xml/>"),
    ({"a": 1}, b"<xml>\n  <a>1</a>\n</xml>"),
    ({"a": {"b": 1}, "c": [1, 2]}, b"<xml>\n  <a>\n    <b>1</b>\n  </a>\n  <c>1</c>\n  <c>2</c>\n</xml>"),
    (
        {"a": [], "b": [{"c": 1}], "d": None, "e": {}},
        b"<xml>\n  <a array='true'/>\n  <b array='true'>\n    <c>1</c>\n  </b>\n"
        b"  <d json='true'>null</d>\n  <e json='true'>{}</e>\n</xml>",
    ),
    ({"a": {"b c": 1}}, b"<xml>\n  <a json='true'>{\"b c\":1}</a>\n</xml>"),
    ({"a": "x\ny"}, b"<xml>\n  <a>x\ny</a>\n</xml>"),
    ({"a b": 1}, b"<xml json='true'>{\"a b\":1}</xml>"),
]


@pytest.mark.parametrize(("value", "expected"), PRETTY, ids=[repr(v)[:60] for v, _ in PRETTY])
def test_pretty_encoding(value: dict[str, Any], expected: bytes) -> None:
    assert codec.encode(value, pretty=True) == expected
    assert same(codec.decode(expected), value)


def test_output_is_utf8_bytes_without_declaration() -> None:
    out = codec.encode({"a": "é"})
    assert type(out) is bytes
    assert out == "<xml><a>é</a></xml>".encode()
    assert not out.startswith((b"<?xml", b"\xef\xbb\xbf"))
    assert not out.endswith(b"\n")


class _Color(enum.IntEnum):
    RED = 1


class _Text(str):
    pass


class _Number(float):
    pass


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (collections.OrderedDict([("b", 1), ("a", 2)]), xml("<b>1</b><a>2</a>")),
        (types.MappingProxyType({"a": 1}), xml("<a>1</a>")),
        ({"a": types.MappingProxyType({"b": 1})}, xml("<a><b>1</b></a>")),
        ({"a": types.MappingProxyType({})}, xml("<a json='true'>{}</a>")),
        ({"a": collections.OrderedDict(b=[1])}, xml("<a><b array='true'>1</b></a>")),
        ({"a": _Color.RED}, xml("<a>1</a>")),
        ({"a": _Text("1")}, xml("<a string='true'>1</a>")),
        ({_Text("k"): 1}, xml("<k>1</k>")),
        ({"a": _Number(1.5)}, xml("<a>1.5</a>")),
    ],
    ids=["OrderedDict", "MappingProxyType", "nested-mapping", "nested-empty-mapping", "nested-OrderedDict",
         "IntEnum", "str-subclass", "str-subclass-key", "float-subclass"],
)  # fmt: skip
def test_json_compatible_python_types(value: Any, expected: bytes) -> None:
    assert codec.encode(value) == expected


ERRORS = [
    # (value, path, a word of the message)
    ({"a": {1, 2}}, "/a", "set"),
    ({"a": [1, frozenset()]}, "/a/1", "frozenset"),
    ({"a": [1, datetime.datetime(2020, 1, 1)]}, "/a/1", "datetime"),
    ({"a": {"b": datetime.date(2020, 1, 1)}}, "/a/b", "date"),
    ({"a": {"b": decimal.Decimal("1.5")}}, "/a/b", "Decimal"),
    ({"a": fractions.Fraction(1, 3)}, "/a", "Fraction"),
    ({"a": uuid.UUID(int=0)}, "/a", "UUID"),
    ({"a": float("nan")}, "/a", "nan"),
    ({"a": float("inf")}, "/a", "inf"),
    ({"a": [1, float("-inf")]}, "/a/1", "inf"),
    ({"a": _Number("nan")}, "/a", "nan"),
    ({"a": [[float("nan")]]}, "/a/0/0", "nan"),
    ({"a": [None, float("nan")]}, "/a/1", "nan"),
    ({"a b": {"c": float("nan")}}, "/a b/c", "nan"),
    ({"a/b": {"m~n": float("inf")}}, "/a~1b/m~0n", "inf"),
    ({"a": {"": [float("nan")]}}, "/a//0", "nan"),
    ({"a": b"x"}, "/a", "bytes"),
    ({"a": bytearray(b"x")}, "/a", "bytearray"),
    ({"a": memoryview(b"x")}, "/a", "memoryview"),
    ({"a": 1j}, "/a", "complex"),
    ({"a": object()}, "/a", "object"),
    ({"a": range(3)}, "/a", "range"),
    ({"a": iter([1])}, "/a", "iterator"),
    ({1: "x"}, "", "keys"),
    ({"a": {1: "x"}}, "/a", "keys"),
    ({"a": {None: 1}}, "/a", "keys"),
    ({"a": {(1,): 1}}, "/a", "keys"),
    ({"a": {b"k": 1}}, "/a", "keys"),
    ({True: 1}, "", "keys"),
    ({"a": {"b c": 1, 2: 3}}, "/a", "keys"),
    ({"a": [{"k": {1.5: 1}}]}, "/a/0/k", "keys"),
]


@pytest.mark.parametrize(("value", "path", "word"), ERRORS, ids=[repr(v)[:50] for v, _, _ in ERRORS])
def test_encode_errors_name_the_path(value: Any, path: str, word: str) -> None:
    for pretty in (False, True):
        with pytest.raises(EncodeError) as info:
            codec.encode(value, pretty=pretty)
        assert info.value.path == path
        assert word in info.value.msg
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, CodecError)


@pytest.mark.parametrize("value", [[1], [], "x", None, 1, ({"a": 1},), b"<xml/>"], ids=repr)
def test_the_document_must_be_a_mapping(value: Any) -> None:
    with pytest.raises(EncodeError) as info:
        codec.encode(value)
    assert info.value.path == ""


DEPTHS = [
    # (value, its depth, the path refused at depth - 1)
    ({"a": 1}, 1, None),
    ({"a": {"b": 1}}, 2, "/a"),
    ({"a": [1]}, 2, "/a"),
    ({"a": []}, 2, "/a"),
    ({"a": {}}, 2, "/a"),
    ({"a": [1, 2]}, 2, "/a"),
    ({"a": [[1]]}, 3, "/a/0"),
    ({"a": [{"b": 1}]}, 3, "/a/0"),
    ({"a": {"b c": {"d": 1}}}, 3, "/a/b c"),
    ({"x": 1, "a": {"b": [[]]}}, 4, "/a/b/0"),
    ({"a b": {"c": {"d": [1]}}}, 4, "/a b/c/d"),
]


@pytest.mark.parametrize(("value", "depth", "path"), DEPTHS, ids=[repr(v) for v, _, _ in DEPTHS])
def test_max_depth(value: dict[str, Any], depth: int, path: str | None) -> None:
    out = codec.encode(value, limits=Limits(max_depth=depth))
    assert codec.decode(out, limits=Limits(max_depth=depth)) == _as_json(value)
    if path is not None:
        with pytest.raises(EncodeError, match="deeper") as info:
            codec.encode(value, limits=Limits(max_depth=depth - 1))
        assert info.value.path == path


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"b": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def test_default_max_depth_and_raising_it() -> None:
    codec.encode(_nested(64))
    with pytest.raises(EncodeError, match="deeper") as info:
        codec.encode(_nested(65))
    assert info.value.path == "/a" * 64
    out = codec.encode(_nested(65), limits=Limits(max_depth=65))
    assert codec.decode(out, limits=Limits(max_depth=65)) == _nested(65)


def test_self_referencing_values() -> None:
    loop: dict[str, Any] = {}
    loop["a"] = loop
    with pytest.raises(EncodeError, match="deeper") as info:
        codec.encode(loop)
    assert info.value.path == "/a" * 64
    items: list[Any] = []
    items.append(items)
    with pytest.raises(EncodeError, match="deeper") as info:
        codec.encode({"k": items})
    assert info.value.path.startswith("/k/0/0")
    escaped: dict[str, Any] = {"x y": 1}
    escaped["z"] = escaped
    with pytest.raises(EncodeError, match="deeper"):
        codec.encode({"k": escaped})
    # With the limit at its highest, still an EncodeError, never a RecursionError.
    for value in (loop, {"k": items}, {"k": escaped}):
        with pytest.raises(EncodeError, match="deeper"):
            codec.encode(value, limits=Limits(max_depth=255))


def test_shared_but_not_cyclic_values_are_fine() -> None:
    shared = {"b": [1, 2]}
    assert codec.encode({"a": shared, "c": shared}) == xml("<a><b>1</b><b>2</b></a><c><b>1</b><b>2</b></c>")


def test_big_integers_are_exact() -> None:
    big = 7 * (10**20_000 - 1) // 9
    limits = Limits(max_int_digits=30_000)
    assert codec.encode({"a": big}, limits=limits) == xml("<a>" + "7" * 20_000 + "</a>")
    assert codec.encode({"a": -big}, limits=limits) == xml("<a>-" + "7" * 20_000 + "</a>")
    assert codec.encode({"a b": [big]}, limits=limits) == b"<xml json='true'>{\"a b\":[" + b"7" * 20_000 + b"]}</xml>"
    assert codec.encode({"a": 10**4299}) == xml("<a>1" + "0" * 4299 + "</a>")
    encoded = codec.encode({"a": -(2**70_000)}, limits=limits)
    assert codec.decode(encoded, limits=limits) == {"a": -(2**70_000)}


@pytest.mark.parametrize("value", [10**4300, -(10**4300), 10**100_000], ids=["4301-digits", "negative", "huge"])
def test_integers_over_the_digit_limit_are_refused(value: int) -> None:
    with pytest.raises(EncodeError, match=r"max_int_digits|limit of 4300") as info:
        codec.encode({"a": {"b": [1, value]}})
    assert info.value.path == "/a/b/1"


SHAPED = [
    ({"q": {"a": 1}}, xml("<q json='true'>{\"a\":1}</q>")),
    ({"q": "x"}, xml("<q json='true'>\"x\"</q>")),
    ({"q": [1, 2]}, xml("<q json='true'>[1,2]</q>")),
    ({"q": None}, xml("<q json='true'>null</q>")),
    ({"q": 1, "r": {"a": 1}}, xml("<q json='true'>1</q><r><a>1</a></r>")),
]


@pytest.mark.parametrize(("value", "expected"), SHAPED, ids=[repr(v) for v, _ in SHAPED])
def test_members_declared_embedded_json_always_take_the_escape(value: dict[str, Any], expected: bytes) -> None:
    shape = Shape(Kind.OBJECT, properties={"q": Shape(Kind.JSON)})
    assert encode_with_shape(value, shape=shape) == expected


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_encode_error_pickles(protocol: int) -> None:
    with pytest.raises(EncodeError) as info:
        codec.encode({"a": [1, {1, 2}]})
    raised = info.value
    assert raised.path == "/a/1"
    for error in (EncodeError("bad", path="/a/0"), EncodeError("bad"), EncodeError("bad", path="/a~1b"), raised):
        copied = pickle.loads(pickle.dumps(error, protocol))
        assert type(copied) is EncodeError
        assert (copied.msg, copied.path) == (error.msg, error.path)
        assert str(copied) == str(error)
        assert copied.args == error.args
        deep = copy.deepcopy(error)
        assert (deep.msg, deep.path, str(deep)) == (error.msg, error.path, str(error))
    assert raised.msg in str(raised)
    assert "/a/1" in str(raised)
