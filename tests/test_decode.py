"""Unit tests of the decoder against docs/dialect.md, table by table.

Every expected value here is written from the spec, not produced by the code.
"""

from __future__ import annotations

import array
import copy
import io
import math
import pathlib
import pickle
from typing import Any

import pytest
from strategies import same

import codec
from codec import CodecError, DecodeError, EncodeError, Limits
from codec._decode import decode as decode_with_shape
from codec._shape import Kind, Shape


def decode(text: str, **kwargs: Any) -> Any:
    return codec.decode(text.encode("utf-8"), **kwargs)


def member(xml_text: str) -> Any:
    """The value of the one member ``k`` of ``<xml>`` + ``xml_text`` + ``</xml>``."""
    result = decode("<xml>" + xml_text + "</xml>")
    assert list(result) == ["k"]
    return result["k"]


# §4 Scalars: the text of a plain leaf.
SCALARS = [
    ("true", True),
    ("false", False),
    ("True", "True"),
    ("FALSE", "FALSE"),
    (" true", " true"),
    ("true ", "true "),
    ("0", 0),
    ("-0", 0),
    ("7", 7),
    ("-42", -42),
    ("123456789012345678901234567890", 123456789012345678901234567890),
    ("-98765432109876543210987654321", -98765432109876543210987654321),
    ("1.0", 1.0),
    ("-0.0", -0.0),
    ("0.5", 0.5),
    ("123.456", 123.456),
    ("1e5", 100000.0),
    ("1E5", 100000.0),
    ("1e+5", 100000.0),
    ("1e-5", 0.00001),
    ("-2.5E-3", -0.0025),
    ("0e0", 0.0),
    ("1.7976931348623157e308", 1.7976931348623157e308),
    ("5e-324", 5e-324),
    ("1e-999", 0.0),
    ("1e999", "1e999"),
    ("-1e999", "-1e999"),
    ("1.8e308", "1.8e308"),
    ("null", "null"),
    ("NaN", "NaN"),
    ("nan", "nan"),
    ("Infinity", "Infinity"),
    ("-Infinity", "-Infinity"),
    ("inf", "inf"),
    ("01", "01"),
    ("-01", "-01"),
    ("00", "00"),
    (" 1", " 1"),
    ("1 ", "1 "),
    ("+1", "+1"),
    ("1.", "1."),
    (".5", ".5"),
    ("1.e5", "1.e5"),
    ("1e", "1e"),
    ("1e+", "1e+"),
    ("-", "-"),
    ("--1", "--1"),
    ("0x10", "0x10"),
    ("1_000", "1_000"),
    ("1,5", "1,5"),
    ("١٢٣", "١٢٣"),  # Arabic-Indic digits are not ASCII digits
    ("１", "１"),  # fullwidth
    ("1²", "1²"),
    ("²", "²"),
    ("5af1023c84f66195", "5af1023c84f66195"),  # a hash ID that starts with a digit
    ("669e6968ebf4ac52b623a997", "669e6968ebf4ac52b623a997"),
    ("1e5x", "1e5x"),
    ("abc", "abc"),
    ("ünïcødé ✓ 😀", "ünïcødé ✓ 😀"),
]


@pytest.mark.parametrize(("text", "expected"), SCALARS, ids=[repr(t) for t, _ in SCALARS])
def test_scalar_text(text: str, expected: Any) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    value = member(f"<k>{escaped}</k>")
    assert same(value, expected), f"{text!r} read as {value!r}, expected {expected!r}"
    # The same text as an array item, and with string='true' always a string.
    assert same(decode(f"<xml><k>{escaped}</k><k>{escaped}</k></xml>")["k"], [expected, expected])
    assert same(member(f"<k array='true'>{escaped}</k>"), [expected])
    assert member(f"<k string='true'>{escaped}</k>") == text


def test_float_text_is_a_float_never_an_int() -> None:
    assert type(member("<k>1.0</k>")) is float
    assert type(member("<k>1e2</k>")) is float
    assert type(member("<k>100</k>")) is int
    assert math.copysign(1.0, member("<k>-0.0</k>")) == -1.0
    assert math.copysign(1.0, member("<k>-0e0</k>")) == -1.0


@pytest.mark.parametrize(
    ("xml_text", "expected"),
    [
        ("<k/>", ""),
        ("<k></k>", ""),
        ("<k />", ""),
        ("<k string='true'/>", ""),
        ("<k string='true'></k>", ""),
        ("<k string='true'>true</k>", "true"),
        ("<k string='true'>-1.5e3</k>", "-1.5e3"),
        ('<k string="true">007</k>', "007"),
    ],
)
def test_empty_and_string_elements(xml_text: str, expected: Any) -> None:
    assert member(xml_text) == expected


# §7 Text: kept exactly; CR survives as a reference; comments, PIs dropped and
# the text around them joined; CDATA is text.
TEXTS = [
    ("<k> a </k>", " a "),
    ("<k>  </k>", "  "),
    ("<k>\t</k>", "\t"),
    ("<k>\n</k>", "\n"),
    ("<k>a\n  b\n</k>", "a\n  b\n"),
    ("<k>a&#13;b</k>", "a\rb"),
    ("<k>&#13;</k>", "\r"),
    ("<k>a&#13;&#10;b</k>", "a\r\nb"),
    ("<k>a&#xD;b</k>", "a\rb"),
    ("<k>a\rb</k>", "a\nb"),  # a literal CR is an XML line end
    ("<k>a\r\nb</k>", "a\nb"),
    ("<k>a\r\rb</k>", "a\n\nb"),
    ("<k>ab<!-- c -->cd</k>", "abcd"),
    ("<k>ab<!-- c --><!-- d -->cd</k>", "abcd"),
    ("<k>1<!-- -->2</k>", 12),
    ("<k>tr<!-- -->ue</k>", True),
    ("<k><!-- only a comment --></k>", ""),
    ("<k>ab<?pi x?>cd</k>", "abcd"),
    ("<k><?pi?></k>", ""),
    ("<k><![CDATA[<b>&amp;</b>]]></k>", "<b>&amp;</b>"),
    ("<k>a<![CDATA[b]]>c</k>", "abc"),
    ("<k><![CDATA[]]></k>", ""),
    ("<k><![CDATA[ ]]></k>", " "),
    ("<k><![CDATA[1]]></k>", 1),
    ("<k><![CDATA[1]]><![CDATA[2]]></k>", 12),
    ("<k><![CDATA[]]]]><![CDATA[>]]></k>", "]]>"),
    ("<k>&lt;&gt;&amp;&quot;&apos;</k>", "<>&\"'"),
    ("<k>&#65;&#x42;&#x1F600;&#9;</k>", "AB\U0001f600\t"),
    ("<k>a]]&gt;b</k>", "a]]>b"),
    ("<k>\u00a0</k>", "\u00a0"),
    ("<k>\u2028</k>", "\u2028"),
    ("<k>\U0010fffd</k>", "\U0010fffd"),
]


@pytest.mark.parametrize(("xml_text", "expected"), TEXTS, ids=[repr(x) for x, _ in TEXTS])
def test_text_preservation(xml_text: str, expected: Any) -> None:
    assert same(member(xml_text), expected)


def test_literal_cr_in_bytes() -> None:
    assert codec.decode(b"<xml><k>a\rb\r\nc</k></xml>") == {"k": "a\nb\nc"}
    assert codec.decode(b"<xml>\r\n<k>1</k>\r\n</xml>") == {"k": 1}


# §3 Arrays and objects.
STRUCTURES = [
    ("<xml/>", {}),
    ("<xml></xml>", {}),
    ("<xml> \t\r\n </xml>", {}),
    ("<xml><!-- c --></xml>", {}),
    ("<xml><a>1</a><a>2</a></xml>", {"a": [1, 2]}),
    ("<xml><a array='true'>1</a></xml>", {"a": [1]}),
    ('<xml><a array="true">1</a></xml>', {"a": [1]}),
    ("<xml><a array='true'/></xml>", {"a": []}),
    ("<xml><a array='true'></a></xml>", {"a": []}),
    ("<xml><a array='true'>  </a></xml>", {"a": ["  "]}),
    ("<xml><a array='true' string='true'/></xml>", {"a": [""]}),
    ("<xml><a array='true' string='true'>1</a></xml>", {"a": ["1"]}),
    ("<xml><a array='true' json='true'>null</a></xml>", {"a": [None]}),
    ("<xml><a json='true' array='true'>null</a></xml>", {"a": [None]}),
    ("<xml><a array='true' json='true'>\"\"</a></xml>", {"a": [""]}),
    ("<xml><a array='true' json='true'>[]</a></xml>", {"a": [[]]}),
    ("<xml><a json='true'>[1,2]</a><a>3</a></xml>", {"a": [[1, 2], 3]}),
    ("<xml><a json='true'>[1,2]</a><a json='true'>[]</a></xml>", {"a": [[1, 2], []]}),
    ("<xml><a array='true'>1</a><a>2</a></xml>", {"a": [1, 2]}),
    ("<xml><a>1</a><a array='true'>2</a></xml>", {"a": [1, 2]}),
    ("<xml><a array='true'>1</a><a array='true'>2</a></xml>", {"a": [1, 2]}),
    ("<xml><a/><a/></xml>", {"a": ["", ""]}),
    ("<xml><a array='true'/><a/></xml>", {"a": ["", ""]}),
    ("<xml><a>1</a><!-- between --><a>2</a></xml>", {"a": [1, 2]}),
    ("<xml>\n  <a>1</a>\n  <a>2</a>\n</xml>", {"a": [1, 2]}),
    ("<xml><a><b>1</b></a></xml>", {"a": {"b": 1}}),
    ("<xml><a><b>1</b><c>x</c></a></xml>", {"a": {"b": 1, "c": "x"}}),
    ("<xml><a array='true'><b>1</b></a></xml>", {"a": [{"b": 1}]}),
    ("<xml><a><b>1</b></a><a><b>2</b></a></xml>", {"a": [{"b": 1}, {"b": 2}]}),
    ("<xml><a>1</a><a><b>2</b></a></xml>", {"a": [1, {"b": 2}]}),
    ("<xml><a json='true'>{}</a><a json='true'>{}</a></xml>", {"a": [{}, {}]}),
    ("<xml><a><b array='true'/></a></xml>", {"a": {"b": []}}),
    ("<xml><a><![CDATA[ \n ]]><b>1</b></a></xml>", {"a": {"b": 1}}),
    # An empty CDATA section is no text (§4 rule 3, §3 "no text").
    ("<xml><a><![CDATA[]]></a><b>1</b></xml>", {"a": "", "b": 1}),
    ("<xml><a><![CDATA[]]></a><a>1</a></xml>", {"a": ["", 1]}),
    ("<xml><a><![CDATA[]]></a><b string='true'>1</b></xml>", {"a": "", "b": "1"}),
    ("<xml><a array='true'><![CDATA[]]></a></xml>", {"a": []}),
    ("<xml><a array='true'><![CDATA[]]><!-- c --></a></xml>", {"a": []}),
    ("<xml><a array='true' string='true'><![CDATA[]]></a></xml>", {"a": [""]}),
    ("<xml><![CDATA[]]></xml>", {}),
    ("<xml><b>1</b><a>2</a></xml>", {"b": 1, "a": 2}),
    (
        "<xml><xmlfoo>1</xmlfoo><XmlBar>2</XmlBar><_a>3</_a><a.b-c>4</a.b-c><é>5</é><Ω·>6</Ω·></xml>",
        {"xmlfoo": 1, "XmlBar": 2, "_a": 3, "a.b-c": 4, "é": 5, "Ω·": 6},
    ),
    ("<xml json='true'>{\"a b\":1}</xml>", {"a b": 1}),
    ("<xml json='true'>{}</xml>", {}),
    ('<xml json="true"> {"a": []} </xml>', {"a": []}),
    ('<xml json=\'true\'>{"":{"$or":[1]}}</xml>', {"": {"$or": [1]}}),
    ("<xml\n>\n<a\n>1</a\n>\n</xml\n>", {"a": 1}),
    ('<?xml version="1.0"?><xml/>', {}),
    ("<?xml version='1.0' encoding='UTF-8'?>\n<xml/>", {}),
    ('<?xml version="1.0" encoding="utf-8" standalone="yes"?><xml/>', {}),
    ("<!-- before --><?pi before?>\n<xml/>\n<!-- after --><?pi after?>\n", {}),
]


@pytest.mark.parametrize(("document", "expected"), STRUCTURES, ids=[d for d, _ in STRUCTURES])
def test_structures(document: str, expected: dict[str, Any]) -> None:
    assert same(decode(document), expected)


# §6 The JSON escape.
EMBEDDED = [
    ('{"b":[1,{"c":null}],"d":"x"}', {"b": [1, {"c": None}], "d": "x"}),
    ("1", 1),
    ("1.0", 1.0),
    ("-0.0", -0.0),
    ("1e2", 100.0),
    ("1e-400", 0.0),
    ("123456789012345678901234567890", 123456789012345678901234567890),
    ('"1"', "1"),
    ('""', ""),
    ("true", True),
    ("false", False),
    ("null", None),
    ("[]", []),
    ("{}", {}),
    ("[[[]]]", [[[]]]),
    (" [1] ", [1]),
    ("\n[\n1\n]\n", [1]),
    ('"\\ud800"', "\ud800"),
    ('"\\udfff\\ud800"', "\udfff\ud800"),
    ('"\\ud83d\\ude00"', "\U0001f600"),
    ('"\\u0000\\u001f\\ufffe"', "\x00\x1f\ufffe"),
    ('"a\\"b\\\\c\\/d\\n\\r\\t\\b\\f"', 'a"b\\c/d\n\r\t\b\f'),
    ('"&lt;&amp;&gt;"', "<&>"),
    ("[1,&#13;2]", [1, 2]),
    ('"\\r"', "\r"),
    ('<![CDATA[{"x":"<&>"}]]>', {"x": "<&>"}),
    ("[1,<!-- c -->2]", [1, 2]),
    ('{"b":1,"a":2}', {"b": 1, "a": 2}),
    ('{"a":{"a":1}}', {"a": {"a": 1}}),
]


@pytest.mark.parametrize(("text", "expected"), EMBEDDED, ids=[t for t, _ in EMBEDDED])
def test_embedded_json(text: str, expected: Any) -> None:
    assert same(member(f"<k json='true'>{text}</k>"), expected)
    assert same(member(f'<k json="true" array="true">{text}</k>'), [expected])


def test_embedded_json_keeps_key_order() -> None:
    assert list(member('<k json=\'true\'>{"z":1,"a":2,"m":3}</k>')) == ["z", "a", "m"]


# Strictness: each error is a DecodeError with the line of the offending
# element and the JSON Pointer of the value being read.
ERRORS = [
    # (id, document, line, path, words the message must contain)
    (
        "unknown-attribute-in-array-item",
        "<xml>\n<data><x>1</x></data>\n<data><x y='true'>2</x></data>\n</xml>",
        3,
        "/data/1/x",
        "unknown attribute",
    ),
    ("unknown-attribute", "<xml>\n<a>\n<b id='true'>1</b>\n</a>\n</xml>", 3, "/a/b", "unknown attribute"),
    ("unknown-attribute-type", "<xml>\n\n<a type='string'>1</a></xml>", 3, "/a", "unknown attribute"),
    ("namespaced-attribute", "<xml>\n<a xml:lang='en'>1</a></xml>", 2, "/a", "attribute"),
    ("array-True", "<xml>\n<a>\n<b string='True'>1</b>\n</a>\n</xml>", 3, "/a/b", "true"),
    ("string-1", "<xml>\n<a string='1'>1</a></xml>", 2, "/a", "true"),
    ("string-false", "<xml>\n<a string='false'>1</a></xml>", 2, "/a", "true"),
    ("json-yes", "<xml>\n<a json='yes'>1</a></xml>", 2, "/a", "true"),
    ("string-empty", "<xml>\n<a string=''>1</a></xml>", 2, "/a", "true"),
    ("string-space", "<xml>\n<a string=' true'>1</a></xml>", 2, "/a", "true"),
    ("mixed-text-after-child", "<xml>\n<o>\n<p>1</p>\ntext\n</o>\n</xml>", 2, "/o", "mixed"),
    ("mixed-text-before-child", "<xml>\n<o>lead<p>1</p></o>\n</xml>", 2, "/o", "mixed"),
    ("mixed-text-between-children", "<xml>\n<o><p>1</p>,<q>2</q></o>\n</xml>", 2, "/o", "mixed"),
    ("mixed-nbsp", "<xml>\n<o><p>1</p>\u00a0<q>2</q></o>\n</xml>", 2, "/o", "mixed"),
    ("mixed-cdata", "<xml>\n<o><![CDATA[x]]><p>1</p></o>\n</xml>", 2, "/o", "mixed"),
    ("mixed-in-array-item", "<xml>\n<d><p>1</p></d>\n<d>x<p>2</p></d>\n</xml>", 3, "/d/1", "mixed"),
    ("mixed-in-array-run", "<xml>\n<d>1</d>x<d>2</d>\n</xml>", 1, "", "mixed"),
    ("mixed-at-root", "<xml>\nhello\n<a>1</a>\n</xml>", 1, "", "mixed"),
    ("text-at-root", "<xml>\nhello\n</xml>", 1, "", "text"),
    ("string-with-children", "<xml>\n<a string='true'>\n<b>1</b>\n</a>\n</xml>", 2, "/a", "string='true'"),
    (
        "string-with-children-in-array",
        "<xml>\n<a array='true' string='true'><b>1</b></a>\n</xml>",
        2,
        "/a/0",
        "string='true'",
    ),
    ("json-with-children", "<xml>\n<a>\n<q json='true'><b>1</b></q>\n</a>\n</xml>", 3, "/a/q", "json='true'"),
    ("json-invalid", "<xml>\n<a>1</a>\n<q json='true'>{\"x\": }</q>\n</xml>", 3, "/q", "json='true'"),
    ("json-and-string", "<xml>\n<q string='true' json='true'>1</q>\n</xml>", 2, "/q", "string='true' and json='true'"),
    (
        "four-attributes",
        "<xml>\n<q array='true' string='true' json='true' x='true'>1</q></xml>",
        2,
        "/q/0",
        "attributes",
    ),
    ("root-other-name", "<root>\n<a>1</a>\n</root>", 1, "", "root"),
    ("root-upper-case", "<XML>\n<a>1</a>\n</XML>", 1, "", "root"),
    ("root-xmlx", "<xmlx/>", 1, "", "root"),
    ("root-attribute-array", "<xml array='true'>\n<a>1</a>\n</xml>", 1, "", "root"),
    ("root-attribute-string", "<xml string='true'/>", 1, "", "root"),
    ("root-attribute-unknown", "<xml id='true'><a>1</a></xml>", 1, "", "attribute"),
    ("root-json-array", "<xml json='true'>[1]</xml>", 1, "", "object"),
    ("root-json-null", "\n<xml json='true'>null</xml>", 2, "", "object"),
    ("root-json-and-array", "<xml json='true' array='true'>{}</xml>", 1, "", "root"),
    ("root-json-invalid", "<xml json='true'>{]</xml>", 1, "", "json='true'"),
    ("root-json-with-children", "<xml json='true'>\n<a/>\n</xml>", 1, "", "on an element with children"),
    ("namespaced-child", "<xml>\n<p:a xmlns:p='urn:x'>1</p:a>\n</xml>", 2, "/a", "namespaces"),
    ("double-bom", "\ufeff\ufeff<xml/>", 1, "", "byte order marks"),
    ("xml-version-1-1", "<?xml version='1.1'?><xml/>", 1, "", "XML 1.0"),
    ("doctype", '<?xml version="1.0"?>\n<!DOCTYPE xml>\n<xml/>', 2, "", "DOCTYPE"),
    ("doctype-internal-subset", "<!DOCTYPE xml [<!ELEMENT xml ANY>]><xml/>", 1, "", "DOCTYPE"),
    ("malformed-unclosed", "<xml>\n<a>1</a>\n<b>\n</xml>", 4, "", "malformed"),
    ("malformed-stray-end-tag", "<xml>\n<a>1</a>\n</b>\n</xml>", 3, "", "malformed"),
    ("malformed-two-roots", "<xml/>\n<xml/>", 2, "", "malformed"),
    ("malformed-duplicate-attribute", "<xml>\n<a array='true' array='true'>1</a></xml>", 2, "", "malformed"),
    ("malformed-unquoted-attribute", "<xml>\n<a array=true>1</a></xml>", 2, "", "malformed"),
    ("malformed-empty", "", None, "", ""),
    ("malformed-whitespace-only", " \n ", None, "", ""),
    ("declared-encoding", "<?xml version='1.0' encoding='ISO-8859-1'?><xml/>", 1, "", "encoding"),
]


@pytest.mark.parametrize(("document", "line", "path", "words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_strictness_errors(document: str, line: int | None, path: str, words: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(document)
    error = info.value
    assert words in error.msg
    if line is not None:
        assert error.line == line
    assert error.path == path
    assert isinstance(error, ValueError)
    assert isinstance(error, CodecError)


def test_siblings_must_be_adjacent() -> None:
    with pytest.raises(DecodeError) as info:
        decode("<xml>\n<a>1</a>\n<b>2</b>\n<a>3</a>\n</xml>")
    assert "<a>" in info.value.msg
    assert info.value.line == 4
    assert info.value.path in ("/a", "/a/1")


INVALID_JSON = [
    "",
    " ",
    "NaN",
    "Infinity",
    "-Infinity",
    "[1,]",
    '{"a":1,}',
    "{'a':1}",
    "/* c */ 1",
    "// c\n1",
    "01",
    "-01",
    "+1",
    ".5",
    "1.",
    "0x10",
    "1 2",
    '"a',
    "tru",
    "True",
    "None",
    '{"a":1}}',
    "[",
    '{"a"}',
    "{a:1}",
    '"\t"',
    '"\\x41"',
    '"\\u12"',
    "1e999",
    '{"a":1,"a":1}',
]


@pytest.mark.parametrize("text", INVALID_JSON)
def test_invalid_embedded_json(text: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    with pytest.raises(DecodeError) as info:
        decode(f"<xml>\n<a>\n<k json='true'>{escaped}</k>\n</a>\n</xml>")
    assert info.value.line == 3
    assert info.value.path == "/a/k"
    assert "json='true'" in info.value.msg


def test_error_paths_follow_shapes() -> None:
    # A schema-declared array read from a single bare element: the item index shows.
    shape = Shape(Kind.OBJECT, properties={"data": Shape(Kind.ARRAY, items=Shape(Kind.OBJECT))})
    document = "<xml>\n<data>\n<x bad='true'>1</x>\n</data>\n</xml>"
    with pytest.raises(DecodeError) as info:
        decode_with_shape(document.encode(), shape=shape)
    assert (info.value.line, info.value.path) == (3, "/data/0/x")
    with pytest.raises(DecodeError) as info:
        decode(document)
    assert (info.value.line, info.value.path) == (3, "/data/x")


# Input types.
def test_shapes_read_empty_cdata_as_no_text() -> None:
    shape = Shape(
        Kind.OBJECT,
        properties={"a": Shape(Kind.ARRAY), "o": Shape(Kind.OBJECT), "s": Shape(Kind.STRING)},
    )
    document = b"<xml><a><![CDATA[]]></a><o><![CDATA[]]></o><s><![CDATA[]]></s></xml>"
    assert decode_with_shape(document, shape=shape) == {"a": [], "o": {}, "s": ""}
    document = b"<xml><a></a><o/><s/></xml>"
    assert decode_with_shape(document, shape=shape) == {"a": [], "o": {}, "s": ""}


def test_input_types() -> None:
    text = "<xml><a>é</a><b array='true'>1</b></xml>"
    expected = {"a": "é", "b": [1]}
    data = text.encode("utf-8")
    assert codec.decode(text) == expected
    assert codec.decode(data) == expected
    assert codec.decode(bytearray(data)) == expected
    assert codec.decode(memoryview(data)) == expected
    assert codec.decode(memoryview(b"..." + data + b"...")[3:-3]) == expected
    assert codec.decode("\ufeff" + text) == expected
    assert codec.decode(b"\xef\xbb\xbf" + data) == expected


@pytest.mark.parametrize(
    "data",
    [None, 1, 1.5, ["<xml/>"], {"xml": 1}, io.BytesIO(b"<xml/>"), pathlib.Path("x.xml"), array.array("b", b"<xml/>")],
    ids=lambda d: type(d).__name__,
)
def test_other_input_types_are_a_type_error(data: Any) -> None:
    with pytest.raises(TypeError):
        codec.decode(data)


def test_str_input_is_checked_like_bytes() -> None:
    with pytest.raises(DecodeError, match="encoding"):
        codec.decode("<?xml version='1.0' encoding='UTF-16'?><xml/>")
    with pytest.raises(DecodeError, match="surrogate"):
        codec.decode("<xml><a>\ud800</a></xml>")


# Limits (§9).
def test_default_limits_match_the_spec() -> None:
    limits = Limits()
    assert (limits.max_bytes, limits.max_depth, limits.max_elements) == (32 * 1024 * 1024, 64, 1_000_000)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_depth": 0},
        {"max_depth": -1},
        {"max_bytes": 0},
        {"max_elements": 0},
        {"max_elements": -5},
        {"max_depth": 1.5},
        {"max_depth": "64"},
        {"max_depth": None},
        {"max_depth": True},
    ],
)
def test_invalid_limits_are_a_value_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Limits(**kwargs)


DEPTHS = [
    # (document, its depth: objects and arrays, the root object being 1)
    ("<xml/>", 1),
    ("<xml><a>1</a></xml>", 1),
    ("<xml><a json='true'>1</a></xml>", 1),
    ("<xml><a json='true'>\"[[[{{{\"</a></xml>", 1),
    ("<xml><a><b>1</b></a></xml>", 2),
    ("<xml><a>1</a><a>2</a></xml>", 2),
    ("<xml><a array='true'>1</a></xml>", 2),
    ("<xml><a array='true'/></xml>", 2),
    ("<xml><a json='true'>[]</a></xml>", 2),
    ("<xml><a json='true'>{}</a></xml>", 2),
    ("<xml><a><b>1</b><b>2</b></a></xml>", 3),
    ("<xml><a><b>1</b></a><a><b>2</b></a></xml>", 3),
    ("<xml><a array='true'><b>1</b></a></xml>", 3),
    ('<xml json=\'true\'>{"a":{"b":[1]}}</xml>', 3),
    ("<xml><a json='true'>[[1],[2]]</a></xml>", 3),
    ("<xml><a array='true' json='true'>[1]</a></xml>", 3),
    ("<xml><a><b json='true'>[[1]]</b></a></xml>", 4),
    ("<xml><a><b><c><d>1</d></c></b></a></xml>", 4),
]


@pytest.mark.parametrize(("document", "depth"), DEPTHS, ids=[d for d, _ in DEPTHS])
def test_max_depth(document: str, depth: int) -> None:
    decode(document, limits=Limits(max_depth=depth))
    decode(document, limits=Limits(max_depth=depth + 10))
    if depth > 1:
        with pytest.raises(DecodeError, match="deeper"):
            decode(document, limits=Limits(max_depth=depth - 1))


def test_raised_max_depth_accepts_what_the_default_refuses() -> None:
    document = "<xml>" + "<a>" * 99 + "1" + "</a>" * 99 + "</xml>"  # depth 99
    with pytest.raises(DecodeError, match="deeper"):
        decode(document)
    value = decode(document, limits=Limits(max_depth=99))
    for _ in range(98):
        value = value["a"]
    assert value == {"a": 1}


ELEMENT_COUNTS = [
    ("<xml/>", 1),
    ("<xml><a/><b/></xml>", 3),
    ("<xml><a><b/></a></xml>", 3),
    ("<xml><a/><a/><a/></xml>", 4),
    ("<xml><a array='true'><b/></a><c string='true'/></xml>", 4),
    ("<xml><a json='true'>[{},{},{}]</a></xml>", 6),  # two elements, four JSON containers
]


@pytest.mark.parametrize(("document", "count"), ELEMENT_COUNTS, ids=[d for d, _ in ELEMENT_COUNTS])
def test_max_elements(document: str, count: int) -> None:
    decode(document, limits=Limits(max_elements=count))
    if count > 1:
        with pytest.raises(DecodeError, match="max_elements"):
            decode(document, limits=Limits(max_elements=count - 1))


def test_raised_max_elements_accepts_what_the_default_refuses() -> None:
    document = b"<xml>" + b"<a/>" * 1_000_000 + b"</xml>"
    with pytest.raises(DecodeError, match="max_elements"):
        codec.decode(document)
    assert len(codec.decode(document, limits=Limits(max_elements=1_000_001))["a"]) == 1_000_000


def test_max_bytes() -> None:
    assert codec.decode(b"<xml></xml>", limits=Limits(max_bytes=11)) == {}
    with pytest.raises(DecodeError, match="max_bytes") as info:
        codec.decode(b"<xml></xml>", limits=Limits(max_bytes=10))
    assert info.value.line is None
    # str input is measured in UTF-8 bytes: 19 characters, 20 bytes.
    text = "<xml><a>é</a></xml>"
    assert codec.decode(text, limits=Limits(max_bytes=20)) == {"a": "é"}
    with pytest.raises(DecodeError, match="max_bytes"):
        codec.decode(text, limits=Limits(max_bytes=19))
    # A BOM is part of the input.
    with pytest.raises(DecodeError, match="max_bytes"):
        codec.decode(b"\xef\xbb\xbf<xml/>", limits=Limits(max_bytes=8))


def test_raised_max_bytes_accepts_what_the_default_refuses() -> None:
    part = "x" * (9 * 1024 * 1024)
    document = ("<xml>" + f"<a>{part}</a>" * 4 + "</xml>").encode()
    assert len(document) > 32 * 1024 * 1024
    with pytest.raises(DecodeError, match="max_bytes"):
        codec.decode(document)
    assert codec.decode(document, limits=Limits(max_bytes=40 * 1024 * 1024)) == {"a": [part] * 4}


# The errors.
def test_error_classes() -> None:
    assert issubclass(CodecError, Exception)
    for cls in (DecodeError, EncodeError):
        assert issubclass(cls, CodecError)
        assert issubclass(cls, ValueError)
    assert not issubclass(DecodeError, EncodeError)
    assert not issubclass(EncodeError, DecodeError)


def _raised_decode_error() -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode("<xml>\n<a>\n<b x='true'/>\n</a>\n</xml>")
    return info.value


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_decode_error_pickles(protocol: int) -> None:
    for error in (
        DecodeError("bad", line=3, path="/a/0"),
        DecodeError("bad"),
        DecodeError("bad", line=None, path="/a~1b"),
        _raised_decode_error(),
    ):
        copied = pickle.loads(pickle.dumps(error, protocol))
        assert type(copied) is DecodeError
        assert (copied.msg, copied.line, copied.path) == (error.msg, error.line, error.path)
        assert str(copied) == str(error)
        assert copied.args == error.args
        deep = copy.deepcopy(error)
        assert (deep.msg, deep.line, deep.path, str(deep)) == (error.msg, error.line, error.path, str(error))


def test_raised_decode_error_attributes() -> None:
    error = _raised_decode_error()
    assert (error.line, error.path) == (3, "/a/b")
    assert error.msg in str(error)
    assert "3" in str(error)
    assert "/a/b" in str(error)


def test_malformed_xml_errors_do_not_leak_between_documents() -> None:
    # The parser is reused per thread; each error must be this document's
    # first one, never one left over from an earlier parse.
    first = "<xml>\n\n\n\n<a>1</b>\n</xml>"
    second = "<xml>\n<a>\u00ff&bogus;</a>\n<c>\n</xml>"
    for _ in range(3):
        with pytest.raises(DecodeError) as info:
            decode(first)
        assert info.value.line == 5
        with pytest.raises(DecodeError) as info:
            decode(second)
        assert info.value.line == 2
        assert "bogus" in info.value.msg
