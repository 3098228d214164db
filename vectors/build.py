"""Authoring tool: writes the vector files and ``manifest.json`` from the tables below.

The files under ``vectors/`` are what implementations consume; this script is how
they are made, so that every ``.xml`` is written byte for byte (binary mode, no
trailing newline unless a case is about one) and every ``.json`` is ASCII with
``\\u`` escapes. It never asks the codec what the answer is: expected values are
written here by hand from docs/dialect.md, and ``tests/test_vectors.py`` checks
the codec against them.

    python vectors/build.py          # rewrite the files (schema/ included)
    python vectors/build.py --check  # fail if the files on disk differ

Schema vectors (``schema/``) are generated from ``schemas/`` by
``vectors/schema_cases.py`` and checked with ``jsonschema`` before they are
written.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

HERE = Path(__file__).resolve().parent
KIND_DIRS = ("valid", "decode-only", "invalid", "implementation-defined", "schema")

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)  # the 5000-digit integer vector

_NO_VALUE: Any = object()


@dataclass
class Case:
    """One vector, before it is written."""

    id: str
    kind: str
    rule: int
    description: str
    value: Any = _NO_VALUE  # the JSON value (expected, or the encoder's input)
    json_text: str | None = None  # raw JSON input of an encode-direction invalid case
    xml: bytes | None = None
    error: dict[str, Any] | None = None
    flags: list[str] = field(default_factory=list)
    endpoint: str | None = None
    direction: str | None = None
    source: dict[str, Any] | None = None
    corrections: list[str] | None = None
    choice: str | None = None
    behaves_as: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


CASES: list[Case] = []


def _add(case: Case) -> None:
    if any(c.id == case.id for c in CASES):
        raise SystemExit(f"duplicate id {case.id}")
    CASES.append(case)


def valid(id: str, rule: int, description: str, value: Any, xml: bytes | str, **kw: Any) -> None:
    """JSON and its canonical XML: both directions hold."""
    _add(Case(id, "valid", rule, description, value=value, xml=_b(xml), **kw))


def decode_only(id: str, rule: int, description: str, xml: bytes | str, value: Any, **kw: Any) -> None:
    """Valid XML that is not canonical, and what it decodes to."""
    _add(Case(id, "decode-only", rule, description, value=value, xml=_b(xml), **kw))


def invalid(
    id: str, rule: int, description: str, xml: bytes | str, line: int | None, path: str | None = "", **kw: Any
) -> None:
    """XML the decoder must refuse, with the DecodeError's line (and JSON Pointer)."""
    error: dict[str, Any] = {"class": "DecodeError", "line": line}
    if path is not None:
        error["path"] = path
    _add(Case(id, "invalid", rule, description, xml=_b(xml), error=error, **kw))


def invalid_json(id: str, rule: int, description: str, json_text: str, path: str = "", **kw: Any) -> None:
    """JSON the encoder must refuse (EncodeError), with the error's JSON Pointer."""
    error = {"class": "EncodeError", "line": None, "path": path}
    _add(Case(id, "invalid", rule, description, json_text=json_text, error=error, **kw))


def implementation_defined(
    id: str,
    rule: int,
    description: str,
    choice: str,
    behaves_as: str,
    xml: bytes | str,
    value: Any = _NO_VALUE,
    line: int | None = None,
    path: str = "",
    **kw: Any,
) -> None:
    """A case where the Altcraft docs leave a choice; ``choice`` says ours."""
    error = {"class": "DecodeError", "line": line, "path": path} if behaves_as == "invalid" else None
    _add(
        Case(
            id,
            "implementation-defined",
            rule,
            description,
            value=value,
            xml=_b(xml),
            error=error,
            choice=choice,
            behaves_as=behaves_as,
            **kw,
        )
    )


def _b(xml: bytes | str) -> bytes:
    return xml.encode("utf-8") if isinstance(xml, str) else xml


# ----------------------------------------------------------------------------
# §1 Documents

valid(
    "document-one-member", 1, "A document is one JSON object; its XML root is <xml>.", {"a": "b"}, "<xml><a>b</a></xml>"
)
valid(
    "document-several-members",
    1,
    "Members of the top-level object are the root's children, in order.",
    {"token": "abc", "db_id": 1, "matching": "email"},
    "<xml><token>abc</token><db_id>1</db_id><matching>email</matching></xml>",
)
valid(
    "document-utf8-text",
    1,
    "The XML form is UTF-8: non-ASCII text is written as itself (2-, 3- and 4-byte sequences).",
    {"name": "Jos\u00e9 \u65e5\u672c \U0001f600"},
    "<xml><name>Jos\u00e9 \u65e5\u672c \U0001f600</name></xml>",
)
invalid_json(
    "document-top-level-array", 1, "The encoder accepts only an object at the top: an array is refused.", "[1, 2]"
)
invalid_json(
    "document-top-level-string", 1, "The encoder accepts only an object at the top: a string is refused.", '"xml"'
)
invalid_json("document-top-level-number", 1, "The encoder accepts only an object at the top: a number is refused.", "1")
invalid_json("document-top-level-null", 1, "The encoder accepts only an object at the top: null is refused.", "null")
invalid_json("document-top-level-true", 1, "The encoder accepts only an object at the top: true is refused.", "true")

# ----------------------------------------------------------------------------
# §2 The root element

valid("root-empty-object", 2, "{} is the empty root <xml/>.", {}, "<xml/>")
decode_only("root-start-end-tags", 2, "<xml></xml> is {}.", "<xml></xml>", {})
decode_only(
    "root-whitespace-only", 2, "A root holding only whitespace (space, tab, CR, LF) is {}.", "<xml>\n  \t\r\n</xml>", {}
)
invalid("root-wrong-name", 2, "A root element not named xml is refused.", "<root>\n<a>1</a>\n</root>", 1)
invalid("root-upper-case-name", 2, "The root name is case-sensitive: <XML> is refused.", "<XML><a>1</a></XML>", 1)
invalid("root-text", 2, "A root holding text, not members, is refused.", "<xml>hello</xml>", 1)
invalid("root-array-attribute", 2, "The root takes no array attribute.", "<xml array='true'><a>1</a></xml>", 1)
invalid("root-string-attribute", 2, "The root takes no string attribute.", "<xml string='true'>x</xml>", 1)
invalid(
    "root-json-array", 2, "The root's embedded JSON must be an object, not an array.", "<xml json='true'>[1]</xml>", 1
)
invalid("root-json-null", 2, "The root's embedded JSON must be an object, not null.", "<xml json='true'>null</xml>", 1)
invalid(
    "root-json-with-children",
    2,
    "json='true' on a root with child elements is refused.",
    "<xml json='true'>\n<a>1</a>\n</xml>",
    1,
)
valid(
    "root-json-escape-empty-key",
    2,
    "A document with a key that cannot be an element name takes the JSON escape on the root.",
    {"": 1},
    "<xml json='true'>{\"\":1}</xml>",
)
valid(
    "root-json-escape-whole-document",
    2,
    "With the root escaped, every member is in the JSON text, element names or not.",
    {"a": 1, "b c": [1, 2]},
    '<xml json=\'true\'>{"a":1,"b c":[1,2]}</xml>',
)
decode_only(
    "root-json-escape-plain-keys",
    2,
    "The root's JSON escape is read even when every key could be an element name.",
    "<xml json='true'>{\"a\": 1}</xml>",
    {"a": 1},
)
decode_only(
    "root-json-escape-double-quoted",
    2,
    'json="true" on the root with whitespace around the JSON text.',
    '<xml json="true">\n  {"a b": true}\n</xml>',
    {"a b": True},
)

# ----------------------------------------------------------------------------
# §3 Objects and arrays

valid(
    "object-nested",
    3,
    "An element with child elements is an object.",
    {"a": {"b": 1, "c": "x"}},
    "<xml><a><b>1</b><c>x</c></a></xml>",
)
valid(
    "object-deeply-nested",
    3,
    "Objects nest as elements.",
    {"a": {"b": {"c": {"d": "e"}}}},
    "<xml><a><b><c><d>e</d></c></b></a></xml>",
)
valid(
    "object-member-order",
    3,
    "Members are written in the object's key order (the order of the input), not sorted.",
    {"b": 1, "a": 2, "c": 3},
    "<xml><b>1</b><a>2</a><c>3</c></xml>",
)
valid(
    "object-empty-member",
    3,
    "An empty object below the root has no element form: <k json='true'>{}</k>.",
    {"a": {}},
    "<xml><a json='true'>{}</a></xml>",
)
valid(
    "key-name-characters",
    3,
    "Keys that are XML names: letters, digits after the first, '_', '-', '.'.",
    {"_a": 1, "a-b.c": 2, "a1": 3, "A": 4},
    "<xml><_a>1</_a><a-b.c>2</a-b.c><a1>3</a1><A>4</A></xml>",
)
valid(
    "key-non-ascii",
    3,
    "A non-ASCII letter key is an element name.",
    {"\u043a\u043b\u044e\u0447": "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435"},
    "<xml><\u043a\u043b\u044e\u0447>\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435</\u043a\u043b\u044e\u0447></xml>",
)
valid(
    "key-empty-nested",
    3,
    "The empty key forces the JSON escape on the smallest object holding it.",
    {"x": {"": 1}},
    "<xml><x json='true'>{\"\":1}</x></xml>",
)
valid(
    "key-digit-first",
    3,
    "A key starting with a digit forces the escape (here on the root).",
    {"1abc": 1},
    "<xml json='true'>{\"1abc\":1}</xml>",
)
valid("key-with-space", 3, "A key with a space forces the escape.", {"a b": 1}, "<xml json='true'>{\"a b\":1}</xml>")
valid(
    "key-with-colon",
    3,
    "A key with ':' forces the escape (the dialect has no namespaces).",
    {"a:b": 1},
    "<xml json='true'>{\"a:b\":1}</xml>",
)
valid(
    "key-dollar-operator",
    3,
    "Query operators such as $or are not names: their object takes the escape.",
    {"q": {"$or": [{"a": 1}, {"b": "x"}]}},
    '<xml><q json=\'true\'>{"$or":[{"a":1},{"b":"x"}]}</q></xml>',
)
valid(
    "key-xmlns",
    3,
    "xmlns is reserved by XML: it forces the escape.",
    {"xmlns": 1},
    "<xml json='true'>{\"xmlns\":1}</xml>",
)
valid(
    "key-xml-prefix-any-case",
    3,
    "Keys starting with xml in any letter case are reserved: they force the escape.",
    {"x": {"XmlFoo": 1}},
    "<xml><x json='true'>{\"XmlFoo\":1}</x></xml>",
)
valid(
    "key-control-character",
    3,
    "A key with a control character is no name: the escape, with the character as \\u0001.",
    {"x": {"\u0001": 1}},
    "<xml><x json='true'>{\"\\u0001\":1}</x></xml>",
)
valid(
    "key-escape-smallest-object",
    3,
    "Only the smallest object holding the bad key takes the escape; its siblings stay plain XML.",
    {"a": {"b": {"c d": 1}, "e": 2}, "f": 3},
    "<xml><a><b json='true'>{\"c d\":1}</b><e>2</e></a><f>3</f></xml>",
)
valid(
    "key-escape-array-item",
    3,
    "An array item object with a bad key takes the escape on its item element.",
    {"a": [{"$or": 1}, {"b": 2}]},
    "<xml><a json='true'>{\"$or\":1}</a><a><b>2</b></a></xml>",
)
valid(
    "key-escape-one-item-array",
    3,
    "The only item with a bad key: array='true' and json='true' on one element.",
    {"a": [{"$or": 1}]},
    "<xml><a array='true' json='true'>{\"$or\":1}</a></xml>",
)
decode_only(
    "key-xml-prefixed-element",
    3,
    "The decoder accepts element names starting with xml (the encoder never writes them).",
    "<xml><xmlfoo>1</xmlfoo><XMLbar>x</XMLbar></xml>",
    {"xmlfoo": 1, "XMLbar": "x"},
)
valid("array-two-items", 3, "Two or more items: plain repeated siblings.", {"a": [1, 2]}, "<xml><a>1</a><a>2</a></xml>")
valid(
    "array-three-strings",
    3,
    "Repeated siblings, strings.",
    {"a": ["x", "y", "z"]},
    "<xml><a>x</a><a>y</a><a>z</a></xml>",
)
valid(
    "array-one-item", 3, "One item: the element carries array='true'.", {"a": [1]}, "<xml><a array='true'>1</a></xml>"
)
valid("array-one-string", 3, "One string item: array='true'.", {"a": ["x"]}, "<xml><a array='true'>x</a></xml>")
valid(
    "array-one-object",
    3,
    "One object item: array='true' on the element holding its members.",
    {"a": [{"b": 1}]},
    "<xml><a array='true'><b>1</b></a></xml>",
)
valid("array-empty", 3, "No items: one empty element with array='true'.", {"a": []}, "<xml><a array='true'/></xml>")
valid(
    "array-empty-nested", 3, "An empty array inside an object.", {"a": {"b": []}}, "<xml><a><b array='true'/></a></xml>"
)
valid(
    "array-null-item",
    3,
    "[null]: the item takes the escape next to array='true'.",
    {"a": [None]},
    "<xml><a array='true' json='true'>null</a></xml>",
)
valid(
    "array-null-items",
    3,
    "Each null item takes the escape.",
    {"a": [None, None]},
    "<xml><a json='true'>null</a><a json='true'>null</a></xml>",
)
valid(
    "array-mixed-items",
    3,
    "Items of different types are siblings, each written by its own rules.",
    {"a": [1, "x", True, None, 1.5, {"b": 1}, "2"]},
    "<xml><a>1</a><a>x</a><a>true</a><a json='true'>null</a><a>1.5</a><a><b>1</b></a><a string='true'>2</a></xml>",
)
valid(
    "array-of-objects",
    3,
    "An array of objects is a run of elements with children.",
    {"a": [{"b": 1}, {"b": 2}]},
    "<xml><a><b>1</b></a><a><b>2</b></a></xml>",
)
valid(
    "array-in-array",
    3,
    "An array directly inside an array is an item written with the escape.",
    {"a": [[1, 2], 3]},
    "<xml><a json='true'>[1,2]</a><a>3</a></xml>",
)
valid(
    "array-in-array-only-item",
    3,
    "An array as the only item: array='true' json='true'.",
    {"a": [[1, 2]]},
    "<xml><a array='true' json='true'>[1,2]</a></xml>",
)
valid(
    "array-of-empty-arrays",
    3,
    "Empty arrays as items take the escape.",
    {"a": [[], []]},
    "<xml><a json='true'>[]</a><a json='true'>[]</a></xml>",
)
valid(
    "array-of-empty-objects",
    3,
    "Empty objects as items take the escape.",
    {"a": [{}, {}]},
    "<xml><a json='true'>{}</a><a json='true'>{}</a></xml>",
)
valid(
    "array-one-empty-string",
    3,
    "[\"\"] takes the escape on the item, because <a array='true'/> is [].",
    {"a": [""]},
    "<xml><a array='true' json='true'>\"\"</a></xml>",
)
valid("array-two-empty-strings", 3, "Two empty strings are two empty elements.", {"a": ["", ""]}, "<xml><a/><a/></xml>")
valid(
    "array-one-number-like-string",
    3,
    "A one-item array of a number-like string: array='true' then string='true'.",
    {"a": ["1"]},
    "<xml><a array='true' string='true'>1</a></xml>",
)
valid(
    "array-items-with-arrays",
    3,
    "Arrays inside array items (objects) follow the same rules.",
    {"a": [{"b": [1]}, {"b": []}, {"b": [1, 2]}]},
    "<xml><a><b array='true'>1</b></a><a><b array='true'/></a><a><b>1</b><b>2</b></a></xml>",
)
valid(
    "array-adjacent-runs",
    3,
    "Two arrays in one object are two runs of siblings.",
    {"a": [1, 2], "b": [3, 4]},
    "<xml><a>1</a><a>2</a><b>3</b><b>4</b></xml>",
)
decode_only(
    "array-attribute-on-every-sibling",
    3,
    "array='true' on every sibling of a run changes nothing.",
    "<xml><a array='true'>1</a><a array='true'>2</a></xml>",
    {"a": [1, 2]},
)
decode_only(
    "array-attribute-on-some-siblings",
    3,
    "array='true' on some siblings of a run changes nothing.",
    "<xml><a>1</a><a array='true'>2</a><a>3</a></xml>",
    {"a": [1, 2, 3]},
)
decode_only(
    "array-attribute-run-of-empty-elements",
    3,
    "In a run, an empty element with array='true' is an empty-string item, not [].",
    "<xml><a array='true'/><a array='true'/></xml>",
    {"a": ["", ""]},
)
decode_only(
    "array-empty-start-end-tags", 3, "<a array='true'></a> is [].", "<xml><a array='true'></a></xml>", {"a": []}
)
valid(
    "array-one-whitespace-string",
    3,
    "A one-item array of whitespace is a one-item array of that text, not [] (text is kept).",
    {"a": [" "]},
    "<xml><a array='true'> </a></xml>",
)
decode_only(
    "array-attribute-with-string-empty",
    3,
    "<a array='true' string='true'/> is [\"\"]: another attribute means it is not [].",
    "<xml><a array='true' string='true'/></xml>",
    {"a": [""]},
)
decode_only(
    "array-pretty-printed-object-item",
    3,
    "A one-item array of an object, with formatting whitespace.",
    "<xml>\n  <a array='true'>\n    <b>1</b>\n  </a>\n</xml>",
    {"a": [{"b": 1}]},
)

# ----------------------------------------------------------------------------
# §4 Scalars

valid(
    "scalar-booleans",
    4,
    "true and false, lower case, are booleans.",
    {"a": True, "b": False},
    "<xml><a>true</a><b>false</b></xml>",
)
valid("scalar-integer-zero", 4, "0 is an integer.", {"a": 0}, "<xml><a>0</a></xml>")
valid(
    "scalar-integer-negative",
    4,
    "Negative integers are written with a leading '-'.",
    {"a": -42},
    "<xml><a>-42</a></xml>",
)
valid(
    "scalar-integer-64-bit-edges",
    4,
    "Integers at and past the 64-bit edges stay exact.",
    {"a": 9223372036854775807, "b": 9223372036854775808, "c": -9223372036854775809, "d": 18446744073709551616},
    "<xml><a>9223372036854775807</a><b>9223372036854775808</b><c>-9223372036854775809</c><d>18446744073709551616</d></xml>",
    flags=["big-int"],
)
valid(
    "scalar-integer-big",
    4,
    "An integer is exact at any size.",
    {"a": 123456789012345678901234567890, "b": -123456789012345678901234567890},
    "<xml><a>123456789012345678901234567890</a><b>-123456789012345678901234567890</b></xml>",
    flags=["big-int"],
)
_BIG = int("7" * 4300)
valid(
    "scalar-integer-4300-digits",
    4,
    "An integer of 4300 digits (the default Limits.max_int_digits) stays exact.",
    {"a": _BIG},
    f"<xml><a>{'7' * 4300}</a></xml>",
    flags=["big-int"],
)
invalid(
    "limit-integer-4301-digits",
    9,
    "An integer of 4301 digits is over the default Limits.max_int_digits: refused, not read as a string.",
    f"<xml>\n<a>{'7' * 4301}</a>\n</xml>",
    2,
    "/a",
    flags=["big-int", "pins:scalar-types"],
)
valid(
    "scalar-float-one",
    4,
    "1.0 is the float 1.0, never the integer 1.",
    {"a": 1.0},
    "<xml><a>1.0</a></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-negative-zero",
    4,
    "-0.0 keeps its sign.",
    {"a": -0.0},
    "<xml><a>-0.0</a></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-positional",
    4,
    "Floats in [1e-4, 1e16) are positional.",
    {"a": 123.456, "b": 0.1},
    "<xml><a>123.456</a><b>0.1</b></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-small-positional",
    4,
    "0.0001 is still positional.",
    {"a": 0.0001},
    "<xml><a>0.0001</a></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-1e16", 4, "1e16 is scientific: 1e+16.", {"a": 1e16}, "<xml><a>1e+16</a></xml>", flags=["float-format"]
)
valid(
    "scalar-float-just-under-1e16",
    4,
    "The largest positional form: 9999999999999998.0.",
    {"a": 9999999999999998.0},
    "<xml><a>9999999999999998.0</a></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-1e-05",
    4,
    "Below 1e-4, scientific with a two-digit exponent: 1e-05.",
    {"a": 1e-05},
    "<xml><a>1e-05</a></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-large-exponent",
    4,
    "1.5e300 is 1.5e+300.",
    {"a": 1.5e300, "b": -2.5e-300},
    "<xml><a>1.5e+300</a><b>-2.5e-300</b></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-extremes",
    4,
    "The largest double and the smallest subnormal, shortest round-trip form.",
    {"max": 1.7976931348623157e308, "min": 5e-324},
    "<xml><max>1.7976931348623157e+308</max><min>5e-324</min></xml>",
    flags=["float-format"],
)
valid(
    "scalar-float-shortest-repr",
    4,
    "The shortest decimal that reads back to the same double.",
    {"a": 0.30000000000000004, "b": 2.5},
    "<xml><a>0.30000000000000004</a><b>2.5</b></xml>",
    flags=["float-format"],
)
valid(
    "string-integer-like",
    4,
    "A string that reads as a number takes string='true'.",
    {"a": "1"},
    "<xml><a string='true'>1</a></xml>",
)
valid(
    "string-number-like-forms",
    4,
    "Every string matching the number grammar takes string='true'.",
    {"a": "-5", "b": "1.5", "c": "1e5", "d": "-0", "e": "0.0"},
    "<xml><a string='true'>-5</a><b string='true'>1.5</b><c string='true'>1e5</c><d string='true'>-0</d><e string='true'>0.0</e></xml>",
)
valid(
    "string-booleans",
    4,
    '"true" and "false" take string=\'true\'.',
    {"a": "true", "b": "false"},
    "<xml><a string='true'>true</a><b string='true'>false</b></xml>",
)
valid(
    "string-overflowing-number",
    4,
    "\"1e999\" matches the number grammar, so it takes string='true' (no reader needs to know about overflow).",
    {"a": "1e999"},
    "<xml><a string='true'>1e999</a></xml>",
)
valid(
    "string-not-numbers",
    4,
    "Strings outside the number grammar are plain: NaN, Infinity, 01, +1, 1., .5, ' 1'.",
    {"a": "NaN", "b": "Infinity", "c": "-Infinity", "d": "01", "e": "+1", "f": "1.", "g": ".5", "h": " 1", "i": "1 "},
    "<xml><a>NaN</a><b>Infinity</b><c>-Infinity</c><d>01</d><e>+1</e><f>1.</f><g>.5</g><h> 1</h><i>1 </i></xml>",
)
valid(
    "string-boolean-other-case",
    4,
    "Only lower-case true/false are booleans: True and FALSE are plain strings.",
    {"a": "True", "b": "FALSE"},
    "<xml><a>True</a><b>FALSE</b></xml>",
)
valid(
    "string-non-ascii-digits",
    4,
    "Digits must be ASCII: full-width and Arabic-Indic digits are plain strings.",
    {"a": "\uff11\uff12", "b": "\u0661\u0662"},
    "<xml><a>\uff11\uff12</a><b>\u0661\u0662</b></xml>",
)
valid(
    "string-hash-ids",
    4,
    "Hash IDs: hex with a letter is plain; all-digit ones take string='true'; a leading 0 makes it no number.",
    {"a": "5af1023c84f66195", "b": "8791234567123456", "c": "0123456789012345", "d": "1e10abc"},
    "<xml><a>5af1023c84f66195</a><b string='true'>8791234567123456</b><c>0123456789012345</c><d>1e10abc</d></xml>",
)
valid(
    "string-phone",
    4,
    "A phone number with '+' is not a number: plain.",
    {"phone": "+79000000000"},
    "<xml><phone>+79000000000</phone></xml>",
)
valid("string-minus-only", 4, "'-' alone is not a number.", {"a": "-", "b": "-a"}, "<xml><a>-</a><b>-a</b></xml>")
valid("string-empty", 4, "The empty string is an empty element <k/>.", {"a": ""}, "<xml><a/></xml>")
valid(
    "string-null-word",
    4,
    '"null" is plain text: null is not special in element text.',
    {"a": "null"},
    "<xml><a>null</a></xml>",
)
decode_only("scalar-empty-start-end-tags", 4, "<k></k> is the empty string (rule 3).", "<xml><a></a></xml>", {"a": ""})
decode_only(
    "scalar-integer-minus-zero",
    4,
    "-0 matches the grammar with no fraction: the integer 0.",
    "<xml><a>-0</a></xml>",
    {"a": 0},
)
decode_only(
    "scalar-float-exponent-forms",
    4,
    "E, e+ and e- exponents read as floats, even without a fraction.",
    "<xml><a>1E5</a><b>1e+5</b><c>25e-1</c><d>1E-2</d></xml>",
    {"a": 100000.0, "b": 100000.0, "c": 2.5, "d": 0.01},
    flags=["float-format"],
)
decode_only(
    "scalar-float-trailing-zeros",
    4,
    "A fraction of zeros is still a float: 2.000 is 2.0; 10.50 is 10.5.",
    "<xml><a>2.000</a><b>10.50</b><c>0.0</c></xml>",
    {"a": 2.0, "b": 10.5, "c": 0.0},
    flags=["float-format"],
)
decode_only(
    "scalar-float-round-to-nearest",
    4,
    "Decimal text rounds to the nearest double (ties to even).",
    "<xml><a>9007199254740993.0</a><b>0.1000000000000000055511151231257827</b></xml>",
    {"a": 9007199254740992.0, "b": 0.1},
    flags=["float-format"],
)
decode_only(
    "scalar-float-underflow",
    4,
    "A float that underflows reads as 0.0.",
    "<xml><a>1e-999</a><b>-1e-400</b></xml>",
    {"a": 0.0, "b": -0.0},
    flags=["float-format"],
)
decode_only(
    "scalar-cdata-number",
    4,
    "CDATA is text: <![CDATA[1]]> reads as the number 1.",
    "<xml><a><![CDATA[1]]></a><b><![CDATA[true]]></b></xml>",
    {"a": 1, "b": True},
)
decode_only(
    "scalar-char-reference-digits",
    4,
    "Character references are text: &#49;&#50; reads as the number 12.",
    "<xml><a>&#49;&#50;</a></xml>",
    {"a": 12},
)

# ----------------------------------------------------------------------------
# §5 Attributes

invalid(
    "attribute-unknown",
    5,
    "An attribute other than array, string, json is refused.",
    "<xml>\n<a id='1'>1</a>\n</xml>",
    2,
    "/a",
)
invalid(
    "attribute-unknown-upper-case",
    5,
    "Attribute names are case-sensitive: ARRAY is unknown.",
    "<xml><a ARRAY='true'>1</a></xml>",
    1,
    "/a",
)
invalid(
    "attribute-value-capitalised",
    5,
    "The only value is 'true': 'True' is refused.",
    "<xml>\n\n<a array='True'>1</a></xml>",
    3,
    "/a",
)
invalid(
    "attribute-value-one", 5, "The only value is 'true': '1' is refused.", "<xml><a string='1'>1</a></xml>", 1, "/a"
)
invalid(
    "attribute-value-false",
    5,
    "The only value is 'true': 'false' is refused, not ignored.",
    "<xml><a json='false'>1</a></xml>",
    1,
    "/a",
)
invalid("attribute-value-empty", 5, "An empty attribute value is refused.", "<xml><a array=''>1</a></xml>", 1, "/a")
invalid(
    "attribute-value-padded",
    5,
    "The value is compared exactly: ' true' is refused.",
    "<xml><a string=' true'>1</a></xml>",
    1,
    "/a",
)
invalid(
    "attribute-namespaced-xml-lang",
    5,
    "A namespaced attribute such as xml:lang is refused.",
    "<xml><a xml:lang='en'>x</a></xml>",
    1,
    "/a",
)
invalid(
    "attribute-string-with-children",
    5,
    "string='true' on an element with child elements is refused.",
    "<xml>\n<a string='true'>\n<b>1</b>\n</a>\n</xml>",
    2,
    "/a",
)
invalid(
    "attribute-json-with-children",
    5,
    "json='true' on an element with child elements is refused.",
    "<xml>\n<a json='true'><b>1</b></a>\n</xml>",
    2,
    "/a",
)
invalid(
    "attribute-string-and-json",
    5,
    "string='true' and json='true' together are refused.",
    "<xml><a string='true' json='true'>1</a></xml>",
    1,
    "/a",
)
invalid(
    "attribute-all-three",
    5,
    "array, string and json together are refused (string with json).",
    "<xml><a array='true' string='true' json='true'>1</a></xml>",
    1,
    "/a/0",
)
invalid(
    "attribute-four-attributes",
    5,
    "More than three attributes are refused before any is read.",
    "<xml><a array='true' string='true' json='true' x='true'>1</a></xml>",
    1,
    "/a/0",
)
invalid(
    "attribute-duplicate",
    5,
    "A repeated attribute is not well-formed XML.",
    "<xml><a array='true' array='true'>1</a></xml>",
    1,
)
decode_only(
    "attribute-double-quotes",
    5,
    "Attribute values in double quotes read the same as in single quotes.",
    '<xml><a array="true">1</a><b string="true">2</b><c json="true">null</c></xml>',
    {"a": [1], "b": "2", "c": None},
)
decode_only(
    "attribute-order-reversed",
    5,
    "Attribute order does not matter: string before array.",
    "<xml><a string='true' array='true'>1</a><b json='true' array='true'>[]</b></xml>",
    {"a": ["1"], "b": [[]]},
)
decode_only(
    "attribute-whitespace-in-tag",
    5,
    "Whitespace around '=' and line breaks inside the tag are XML's business.",
    "<xml><a\n  array = 'true'\n>1</a></xml>",
    {"a": [1]},
)
decode_only(
    "attribute-value-char-reference",
    5,
    "The value is read after XML unescaping: 'tr&#117;e' is 'true'.",
    "<xml><a array='tr&#117;e'>1</a></xml>",
    {"a": [1]},
)
decode_only(
    "attribute-string-on-plain-text",
    5,
    "string='true' on text that needs no marker is allowed (not canonical).",
    "<xml><a string='true'>abc</a></xml>",
    {"a": "abc"},
)
decode_only(
    "attribute-string-keeps-text",
    5,
    "string='true' keeps the text exactly, whitespace included.",
    "<xml><a string='true'> 1 </a><b string='true'>true</b></xml>",
    {"a": " 1 ", "b": "true"},
)
decode_only(
    "attribute-string-empty", 5, "string='true' with no text is \"\".", "<xml><a string='true'/></xml>", {"a": ""}
)
valid(
    "attribute-array-with-string",
    5,
    "array='true' combines with string='true', array first.",
    {"a": ["true"]},
    "<xml><a array='true' string='true'>true</a></xml>",
)
valid(
    "attribute-array-with-json",
    5,
    "array='true' combines with json='true', array first.",
    {"a": [{}]},
    "<xml><a array='true' json='true'>{}</a></xml>",
)

# ----------------------------------------------------------------------------
# §6 The JSON escape

valid(
    "json-escape-null",
    6,
    "null has no element form: <k json='true'>null</k>.",
    {"a": None},
    "<xml><a json='true'>null</a></xml>",
)
valid(
    "json-escape-nested-null",
    6,
    "The escape is on the null only; its parent stays plain.",
    {"a": {"b": None, "c": 1}},
    "<xml><a><b json='true'>null</b><c>1</c></a></xml>",
)
valid(
    "json-escape-nul-character",
    6,
    "U+0000 cannot be held by XML: the string takes the escape as \\u0000.",
    {"a": "\u0000"},
    "<xml><a json='true'>\"\\u0000\"</a></xml>",
)
valid(
    "json-escape-control-characters",
    6,
    "C0 controls: short escapes for \\b and \\f, \\u00xx (lower-case hex) for the rest; tab, LF, CR as \\t \\n \\r.",
    {"a": "a\bb\fc\u0001d\u001f\t\n\r"},
    "<xml><a json='true'>\"a\\bb\\fc\\u0001d\\u001f\\t\\n\\r\"</a></xml>",
)
valid(
    "json-escape-lone-high-surrogate",
    6,
    "A lone surrogate is carried only by the escape, as \\ud800.",
    {"a": "\ud800"},
    "<xml><a json='true'>\"\\ud800\"</a></xml>",
)
valid(
    "json-escape-lone-low-surrogate",
    6,
    "A lone low surrogate inside text: the whole string takes the escape.",
    {"a": "x\udc00y"},
    "<xml><a json='true'>\"x\\udc00y\"</a></xml>",
)
valid(
    "json-escape-noncharacters",
    6,
    "U+FFFE and U+FFFF cannot be held by XML: \\ufffe, \\uffff.",
    {"a": "\ufffe", "b": "x\uffff"},
    "<xml><a json='true'>\"\\ufffe\"</a><b json='true'>\"x\\uffff\"</b></xml>",
)
valid(
    "json-escape-only-the-string",
    6,
    "Only the string that needs it takes the escape, not its neighbours.",
    {"a": ["x", "\u0007", "y"], "b": 1},
    "<xml><a>x</a><a json='true'>\"\\u0007\"</a><a>y</a><b>1</b></xml>",
)
valid(
    "json-escape-text-escaping",
    6,
    'The JSON text is then escaped as element text: " and \\ in JSON, < & > in XML.',
    {"a": {"b c": 'say "hi" \\ <&>'}},
    '<xml><a json=\'true\'>{"b c":"say \\"hi\\" \\\\ &lt;&amp;&gt;"}</a></xml>',
)
valid(
    "json-escape-non-ascii-as-itself",
    6,
    "In the JSON text, non-ASCII characters are written as themselves, not \\u escapes.",
    {"a": {"\u00e9 \u00fc": "\u65e5\u672c\U0001f600"}},
    '<xml><a json=\'true\'>{"\u00e9 \u00fc":"\u65e5\u672c\U0001f600"}</a></xml>',
)
valid(
    "json-escape-canonical-numbers",
    6,
    "Numbers in the JSON text: integers in decimal, floats in the repr form.",
    {"a": {"x y": [1.0, -0.0, 1e16, 1e-05, 123456789012345678901234567890, True, False, None]}},
    "<xml><a json='true'>{\"x y\":[1.0,-0.0,1e+16,1e-05,123456789012345678901234567890,true,false,null]}</a></xml>",
    flags=["float-format", "big-int"],
)
valid(
    "json-escape-member-order",
    6,
    "Members in the JSON text keep the object's key order, no whitespace.",
    {"a": {"z": 1, "a b": 2, "m": {"y": [], "x": {}}}},
    '<xml><a json=\'true\'>{"z":1,"a b":2,"m":{"y":[],"x":{}}}</a></xml>',
)
valid(
    "json-escape-cr-inside",
    6,
    "A CR inside an escaped string is the JSON escape \\r, not &#13;.",
    {"a": "\u0000\r\n"},
    "<xml><a json='true'>\"\\u0000\\r\\n\"</a></xml>",
)
valid(
    "json-escape-deep-array",
    6,
    "Arrays nested in arrays: one escape on the outermost item.",
    {"a": [[[1, [2]], []]]},
    "<xml><a array='true' json='true'>[[1,[2]],[]]</a></xml>",
)
valid(
    "json-escape-allowed-controls-stay-plain",
    6,
    "DEL (U+007F), NEL (U+0085) and U+2028 are legal XML characters: no escape.",
    {"a": "x\u007fy\u0085z\u2028"},
    "<xml><a>x\u007fy\u0085z\u2028</a></xml>",
)
decode_only(
    "json-escape-whitespace-around",
    6,
    "JSON whitespace inside the escaped text is allowed.",
    "<xml><a json='true'> [ 1 ,\n 2 ] </a></xml>",
    {"a": [1, 2]},
)
decode_only(
    "json-escape-scalars",
    6,
    "The escape may hold any JSON value: string, number, boolean.",
    "<xml><a json='true'>\"1\"</a><b json='true'>1</b><c json='true'>false</c><d json='true'>1.0</d></xml>",
    {"a": "1", "b": 1, "c": False, "d": 1.0},
)
decode_only(
    "json-escape-unicode-escapes",
    6,
    "\\u escapes, surrogate pairs combined into one character.",
    "<xml><a json='true'>\"\\u00e9\\ud83d\\ude00\\u0041\"</a></xml>",
    {"a": "\u00e9\U0001f600A"},
)
decode_only(
    "json-escape-big-integer",
    6,
    "Integers in embedded JSON are exact at any size.",
    "<xml><a json='true'>[123456789012345678901234567890, -1]</a></xml>",
    {"a": [123456789012345678901234567890, -1]},
    flags=["big-int"],
)
decode_only(
    "json-escape-cdata",
    6,
    "The JSON text may come in CDATA.",
    '<xml><a json=\'true\'><![CDATA[{"b":"<&>"}]]></a></xml>',
    {"a": {"b": "<&>"}},
)
decode_only(
    "json-escape-xml-entities",
    6,
    "The JSON text is read after XML unescaping: &quot; is '\"'.",
    "<xml><a json='true'>{&quot;b&quot;:&#91;1&#93;}</a></xml>",
    {"a": {"b": [1]}},
)
decode_only(
    "json-escape-exponent",
    6,
    "1E2 in JSON is the float 100.0.",
    "<xml><a json='true'>1E2</a></xml>",
    {"a": 100.0},
    flags=["float-format"],
)
decode_only(
    "json-escape-lone-surrogate-escapes",
    6,
    "\\udc00 alone and \\ud800 before a non-surrogate give lone surrogates.",
    '<xml><a json=\'true\'>["\\udc00", "\\ud800x"]</a></xml>',
    {"a": ["\udc00", "\ud800x"]},
)
invalid(
    "json-escape-invalid-json", 6, "Text that is not JSON is refused.", "<xml>\n<a json='true'>{</a>\n</xml>", 2, "/a"
)
invalid(
    "json-escape-empty-text",
    6,
    "An empty json='true' element is no JSON text: refused.",
    "<xml><a json='true'/></xml>",
    1,
    "/a",
)
invalid("json-escape-whitespace-only", 6, "Whitespace is no JSON text.", "<xml><a json='true'>  </a></xml>", 1, "/a")
invalid("json-escape-nan", 6, "NaN is not JSON.", "<xml><a json='true'>NaN</a></xml>", 1, "/a")
invalid("json-escape-infinity", 6, "Infinity is not JSON.", "<xml><a json='true'>[Infinity]</a></xml>", 1, "/a")
invalid(
    "json-escape-negative-infinity", 6, "-Infinity is not JSON.", "<xml><a json='true'>-Infinity</a></xml>", 1, "/a"
)
invalid("json-escape-trailing-comma", 6, "A trailing comma is not JSON.", "<xml><a json='true'>[1,]</a></xml>", 1, "/a")
invalid("json-escape-comment", 6, "Comments are not JSON.", "<xml><a json='true'>/* c */ 1</a></xml>", 1, "/a")
invalid(
    "json-escape-single-quotes",
    6,
    "Single-quoted strings are not JSON.",
    "<xml><a json='true'>{'b': 1}</a></xml>",
    1,
    "/a",
)
invalid(
    "json-escape-trailing-data",
    6,
    "Two JSON values are not one JSON text.",
    "<xml><a json='true'>1 2</a></xml>",
    1,
    "/a",
)
invalid("json-escape-leading-zero", 6, "01 is not a JSON number.", "<xml><a json='true'>01</a></xml>", 1, "/a")
invalid("json-escape-bad-escape", 6, "\\x41 is not a JSON escape.", "<xml><a json='true'>\"\\x41\"</a></xml>", 1, "/a")
invalid(
    "json-escape-raw-tab-in-string",
    6,
    "A raw tab inside a JSON string is not JSON.",
    "<xml><a json='true'>\"a\tb\"</a></xml>",
    1,
    "/a",
)
invalid(
    "json-escape-number-overflow",
    6,
    "A number that overflows a double is an error inside the escape.",
    "<xml><a json='true'>[1e999]</a></xml>",
    1,
    "/a",
)
invalid(
    "json-escape-in-array-item",
    6,
    "Invalid JSON in an item is refused at the item's pointer.",
    "<xml><a>1</a><a json='true'>nul</a></xml>",
    1,
    "/a/1",
)

# ----------------------------------------------------------------------------
# §7 Text

valid(
    "text-spaces-kept",
    7,
    "Text is kept exactly: no trimming.",
    {"a": " a ", "b": "x  y"},
    "<xml><a> a </a><b>x  y</b></xml>",
    flags=["whitespace"],
)
valid(
    "text-whitespace-only",
    7,
    "Whitespace-only text of a leaf is a string.",
    {"a": "   ", "b": "\t"},
    "<xml><a>   </a><b>\t</b></xml>",
    flags=["whitespace"],
)
valid(
    "text-tab-and-newline",
    7,
    "Tab and LF are written as themselves.",
    {"a": "line1\nline2\tend\n"},
    "<xml><a>line1\nline2\tend\n</a></xml>",
    flags=["whitespace"],
)
valid(
    "text-carriage-return",
    7,
    "CR is written &#13; (a literal CR would become LF).",
    {"a": "a\rb"},
    "<xml><a>a&#13;b</a></xml>",
    flags=["whitespace"],
)
valid(
    "text-crlf",
    7,
    "CR LF is &#13; then a literal LF.",
    {"a": "a\r\nb\r"},
    "<xml><a>a&#13;\nb&#13;</a></xml>",
    flags=["whitespace"],
)
valid(
    "text-markup-characters",
    7,
    "& < > are escaped as &amp; &lt; &gt;.",
    {"a": "<b>&amp;</b>", "c": "a>b"},
    "<xml><a>&lt;b&gt;&amp;amp;&lt;/b&gt;</a><c>a&gt;b</c></xml>",
)
valid("text-cdata-end", 7, "]]> is written ]]&gt;.", {"a": "]]>"}, "<xml><a>]]&gt;</a></xml>")
valid(
    "text-quotes-not-escaped",
    7,
    "Quotes and apostrophes are not escaped in text.",
    {"a": '"it\'s"'},
    '<xml><a>"it\'s"</a></xml>',
)
valid(
    "text-non-ascii",
    7,
    "Non-ASCII text is written as itself, astral characters included.",
    {"a": "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440", "b": "\U0001f600\U00010348"},
    "<xml><a>\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440</a><b>\U0001f600\U00010348</b></xml>",
)
decode_only(
    "text-predefined-entities",
    7,
    "The five predefined entities.",
    "<xml><a>&lt;&gt;&amp;&quot;&apos;</a></xml>",
    {"a": "<>&\"'"},
)
decode_only(
    "text-character-references",
    7,
    "Decimal and hex character references, astral included.",
    "<xml><a>&#65;&#x42;&#x1F600;</a></xml>",
    {"a": "AB\U0001f600"},
)
decode_only(
    "text-cr-reference-hex",
    7,
    "&#xD; is CR, kept.",
    "<xml><a>a&#xD;&#xA;b</a></xml>",
    {"a": "a\r\nb"},
    flags=["whitespace"],
)
decode_only(
    "text-literal-cr-normalised",
    7,
    "Literal CR LF and CR are turned into LF by XML end-of-line handling.",
    b"<xml><a>a\r\nb\rc</a></xml>",
    {"a": "a\nb\nc"},
    flags=["whitespace"],
)
decode_only(
    "text-cdata", 7, "CDATA content is text.", "<xml><a><![CDATA[<b>&amp;</b>]]></a></xml>", {"a": "<b>&amp;</b>"}
)
decode_only(
    "text-cdata-joined",
    7,
    "Text and CDATA sections are joined.",
    "<xml><a>x<![CDATA[<y>]]>z<![CDATA[]]]]><![CDATA[>]]></a></xml>",
    {"a": "x<y>z]]>"},
)
decode_only(
    "text-cdata-empty",
    7,
    "An empty CDATA section is no text: the empty string (and [] with array='true').",
    "<xml><a><![CDATA[]]></a><b array='true'><![CDATA[]]></b><c>1</c></xml>",
    {"a": "", "b": [], "c": 1},
)
decode_only(
    "text-unescaped-greater-than", 7, "A bare > in text is allowed by XML.", "<xml><a>a>b</a></xml>", {"a": "a>b"}
)
decode_only(
    "text-formatting-whitespace",
    7,
    "Whitespace between child elements (space, tab, CR, LF) is formatting.",
    b"<xml>\r\n\t<a>\n  <b>1</b>\n\t<c>x</c>\r\n</a>  \n</xml>",
    {"a": {"b": 1, "c": "x"}},
    flags=["whitespace"],
)
decode_only(
    "text-formatting-whitespace-in-runs",
    7,
    "Formatting whitespace between the siblings of a run.",
    "<xml>\n  <a>1</a>\n  <a>2</a>\n</xml>",
    {"a": [1, 2]},
    flags=["whitespace"],
)
invalid(
    "text-mixed-before-child",
    7,
    "Text before a child element is mixed content: refused.",
    "<xml>\n<a>x<b>1</b></a>\n</xml>",
    2,
    "/a",
)
invalid(
    "text-mixed-after-child",
    7,
    "Text after a child element is mixed content: refused.",
    "<xml><a><b>1</b>y</a></xml>",
    1,
    "/a",
)
invalid("text-mixed-in-root", 7, "Text next to the root's children is refused.", "<xml>x<a>1</a></xml>", 1, "")
invalid(
    "text-mixed-non-breaking-space",
    7,
    "U+00A0 is not XML whitespace: next to child elements it is mixed content.",
    "<xml><a>\u00a0<b>1</b></a></xml>",
    1,
    "/a",
)
invalid("text-unescaped-ampersand", 7, "A bare & is not well-formed.", "<xml><a>a & b</a></xml>", 1)
invalid("text-unescaped-less-than", 7, "A bare < in text is not well-formed.", "<xml><a>a < b</a></xml>", 1)

# ----------------------------------------------------------------------------
# §9 Parsing and limits

decode_only(
    "parse-utf8-bom",
    9,
    "A UTF-8 byte order mark is accepted.",
    b"\xef\xbb\xbf<xml><a>1</a></xml>",
    {"a": 1},
    flags=["encoding"],
)
decode_only(
    "parse-xml-declaration",
    9,
    "An XML declaration with UTF-8 is accepted.",
    '<?xml version="1.0" encoding="UTF-8"?>\n<xml><a>1</a></xml>',
    {"a": 1},
)
decode_only(
    "parse-xml-declaration-variants",
    9,
    "Declarations with single quotes, lower-case utf-8 and standalone.",
    "<?xml version='1.0' encoding='utf-8' standalone='yes'?><xml><a>x</a></xml>",
    {"a": "x"},
)
decode_only(
    "parse-xml-declaration-utf8-alias",
    9,
    "encoding='UTF8' names UTF-8 too.",
    "<?xml version='1.0' encoding='UTF8'?><xml/>",
    {},
)
decode_only(
    "parse-xml-declaration-no-encoding",
    9,
    "A declaration without encoding is UTF-8.",
    '<?xml version="1.0"?><xml><a>1</a></xml>',
    {"a": 1},
)
decode_only(
    "parse-bom-and-declaration",
    9,
    "A byte order mark before the declaration.",
    b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\r\n<xml><a>1</a></xml>',
    {"a": 1},
    flags=["encoding"],
)
decode_only(
    "parse-trailing-newline",
    9,
    "Whitespace after the root element is allowed.",
    "<xml><a>1</a></xml>\n",
    {"a": 1},
    flags=["whitespace"],
)
invalid("parse-doctype", 9, "A DOCTYPE is refused.", "<!DOCTYPE xml>\n<xml/>", 1, flags=["hostile"])
invalid(
    "parse-doctype-internal-entity",
    9,
    "A DOCTYPE with an internal entity (the billion laughs shape) is refused before expansion.",
    "<?xml version='1.0'?>\n<!DOCTYPE xml [\n<!ENTITY a 'aaaaaaaaaa'>\n<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>\n]>\n<xml><a>&b;</a></xml>",
    2,
    flags=["hostile"],
)
invalid(
    "parse-doctype-external-entity",
    9,
    "An external entity (XXE) is refused: no file is read.",
    "<!DOCTYPE xml [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>\n<xml><a>&e;</a></xml>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-doctype-parameter-entity",
    9,
    "A parameter entity fetching an external DTD is refused.",
    "<!DOCTYPE xml [<!ENTITY % p SYSTEM 'http://example.invalid/x.dtd'> %p;]>\n<xml/>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-doctype-after-comment",
    9,
    "A DOCTYPE after a comment is refused too.",
    "<!-- c -->\n<!DOCTYPE xml SYSTEM 'x.dtd'>\n<xml/>",
    2,
    flags=["hostile"],
)
invalid(
    "parse-doctype-after-processing-instruction",
    9,
    "A DOCTYPE after a processing instruction is refused.",
    "<?pi x?><!DOCTYPE xml><xml/>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-doctype-entity-after-comment",
    9,
    "A DOCTYPE declaring an entity, after a comment, is refused (no entity node reaches the result).",
    "<!-- c --><!DOCTYPE xml [<!ENTITY e 'x'>]><xml>\n<a>&e;</a></xml>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-undefined-entity",
    9,
    "An undefined entity reference is refused.",
    "<xml>\n<a>&foo;</a>\n</xml>",
    2,
    flags=["hostile"],
)
invalid(
    "parse-html-entity",
    9,
    "HTML entities such as &nbsp; are not predefined in XML.",
    "<xml><a>&nbsp;</a></xml>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-namespace-default",
    9,
    "A default namespace declaration is refused.",
    "<xml xmlns='urn:x'><a>1</a></xml>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-namespace-empty",
    9,
    "Even xmlns='' is a namespace declaration: refused.",
    "<xml xmlns=''><a>1</a></xml>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-namespace-prefixed-element",
    9,
    "A prefixed element name is refused.",
    "<xml>\n<p:a xmlns:p='urn:x'>1</p:a>\n</xml>",
    2,
    "/a",
    flags=["hostile"],
)
invalid(
    "parse-double-bom",
    9,
    "One UTF-8 byte order mark is accepted; two are refused.",
    b"\xef\xbb\xbf\xef\xbb\xbf<xml/>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-xml-version-1-1",
    9,
    "The dialect is XML 1.0: a declaration of version 1.1 is refused.",
    "<?xml version='1.1'?><xml><a>1</a></xml>",
    1,
)

invalid(
    "parse-namespace-declaration-on-child",
    9,
    "A namespace declaration on a child element is refused.",
    "<xml><a xmlns:p='urn:x'>1</a></xml>",
    1,
    "/a",
    flags=["hostile"],
)
invalid(
    "parse-namespace-undeclared-prefix",
    9,
    "A prefix with no declaration is refused.",
    "<xml><p:a>1</p:a></xml>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-xinclude",
    9,
    "XInclude is a namespace and is refused; nothing is included.",
    "<xml xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='file:///etc/passwd'/></xml>",
    1,
    flags=["hostile"],
)
invalid(
    "parse-utf16le-bom",
    9,
    "UTF-16 (LE with BOM) is refused.",
    "\ufeff<xml><a>1</a></xml>".encode("utf-16-le"),
    1,
    flags=["encoding"],
)
invalid(
    "parse-utf16be-bom",
    9,
    "UTF-16 (BE with BOM) is refused.",
    "\ufeff<xml><a>1</a></xml>".encode("utf-16-be"),
    1,
    flags=["encoding"],
)
invalid(
    "parse-utf16-no-bom", 9, "UTF-16 without a BOM is refused.", "<xml/>".encode("utf-16-le"), 1, flags=["encoding"]
)
invalid(
    "parse-utf32-bom", 9, "UTF-32 with a BOM is refused.", "\ufeff<xml/>".encode("utf-32-be"), 1, flags=["encoding"]
)
invalid(
    "parse-declared-iso-8859-1",
    9,
    "A declaration of ISO-8859-1 is refused (the bytes are Latin-1).",
    b"<?xml version='1.0' encoding='ISO-8859-1'?>\n<xml><a>caf\xe9</a></xml>",
    1,
    flags=["encoding"],
)
invalid(
    "parse-declared-utf7",
    9,
    "A declaration of UTF-7 is refused.",
    '<?xml version="1.0" encoding="UTF-7"?><xml/>',
    1,
    flags=["encoding"],
)
invalid(
    "parse-declared-windows-1251",
    9,
    "A declaration of windows-1251 is refused.",
    "<?xml version='1.0' encoding='windows-1251'?><xml/>",
    1,
    flags=["encoding"],
)
invalid(
    "parse-declared-utf16",
    9,
    "A declaration of UTF-16 on UTF-8 bytes is refused.",
    '<?xml version="1.0" encoding="UTF-16"?><xml/>',
    1,
    flags=["encoding"],
)
invalid(
    "parse-invalid-utf8-byte",
    9,
    "A byte that is never UTF-8 (0xFF) is refused.",
    b"<xml>\n<a>\xff</a></xml>",
    2,
    flags=["encoding"],
)
invalid(
    "parse-latin1-bytes-undeclared",
    9,
    "Latin-1 bytes in an undeclared (so UTF-8) document are refused.",
    b"<xml><a>caf\xe9</a></xml>",
    1,
    flags=["encoding"],
)
invalid(
    "parse-overlong-utf8", 9, "An overlong UTF-8 form is refused.", b"<xml><a>\xc0\xaf</a></xml>", 1, flags=["encoding"]
)
invalid(
    "parse-encoded-surrogate",
    9,
    "A surrogate encoded in UTF-8 (CESU style) is refused.",
    b"<xml><a>\xed\xa0\x80</a></xml>",
    1,
    flags=["encoding"],
)
invalid(
    "parse-truncated-utf8",
    9,
    "A truncated UTF-8 sequence is refused.",
    b"<xml><a>\xe2\x82</a></xml>",
    1,
    flags=["encoding"],
)
invalid(
    "parse-char-reference-nul",
    9,
    "&#0; is a character XML cannot hold.",
    "<xml><a>&#0;</a></xml>",
    1,
    flags=["hostile"],
)
invalid("parse-char-reference-control", 9, "&#1; is a character XML 1.0 cannot hold.", "<xml><a>&#1;</a></xml>", 1)
invalid("parse-char-reference-surrogate", 9, "&#xD800; is a surrogate: refused.", "<xml><a>&#xD800;</a></xml>", 1)
invalid("parse-char-reference-fffe", 9, "&#xFFFE; is a noncharacter XML excludes.", "<xml><a>&#xFFFE;</a></xml>", 1)
invalid("parse-raw-nul-byte", 9, "A raw NUL byte is refused.", b"<xml><a>\x00</a></xml>", 1, flags=["hostile"])
invalid("parse-raw-control-byte", 9, "A raw control character (U+0001) is refused.", b"<xml><a>\x01</a></xml>", 1)
invalid("parse-truncated-document", 9, "A document cut off before its end tag is refused.", "<xml>\n<a>1</a>", 2)
invalid("parse-truncated-in-tag", 9, "A document cut off inside a tag is refused.", "<xml><a array='tr", 1)
invalid("parse-empty-input", 9, "Empty input is not a document.", b"", 1)
invalid("parse-whitespace-input", 9, "Whitespace is not a document.", "  \n ", 2)
invalid("parse-two-roots", 9, "Two root elements are refused.", "<xml/>\n<xml/>", 2)
invalid("parse-text-after-root", 9, "Text after the root element is refused.", "<xml/>x", 1)
invalid("parse-mismatched-tags", 9, "A mismatched end tag is refused, at its line.", "<xml>\n<a>1</b>\n</xml>", 2)
invalid(
    "parse-declaration-not-first",
    9,
    "An XML declaration after whitespace is refused.",
    " <?xml version='1.0'?><xml/>",
    1,
)
invalid("parse-unsupported-xml-version", 9, "XML version 2.0 is refused.", "<?xml version='2.0'?><xml/>", 1)


def _nested_objects(depth: int) -> tuple[Any, str]:
    """A document of ``depth`` nested objects (the root counts 1), and its XML."""
    value: Any = "x"
    for _ in range(depth):
        value = {"a": value}
    return value, "<xml>" + "<a>" * depth + "x" + "</a>" * depth + "</xml>"


_v64, _x64 = _nested_objects(64)
valid(
    "limit-depth-64-objects",
    9,
    "64 levels of objects (the root is 1) is at the default depth limit: accepted.",
    _v64,
    _x64,
    flags=["limits"],
)
_v65, _x65 = _nested_objects(65)
invalid(
    "limit-depth-65-objects",
    9,
    "65 levels of objects is over the default depth limit of 64.",
    _x65,
    1,
    "/a" * 64,
    flags=["limits"],
)
invalid_json(
    "limit-depth-65-objects-encode",
    9,
    "The encoder refuses 65 levels too, so it never writes what the decoder would refuse.",
    json.dumps(_v65),
    "/a" * 64,
    flags=["limits"],
)


def _nested_arrays(depth: int) -> str:
    """<xml><a array='true'> ... with arrays and objects alternating to ``depth``."""
    # Each <a array='true'> holding an element adds an array and an object: 2 levels.
    levels = (depth - 2) // 2
    return "<xml>" + "<a array='true'>" * levels + "<b array='true'>1</b>" + "</a>" * levels + "</xml>"


valid(
    "limit-depth-64-arrays",
    9,
    "Arrays count toward the depth: one-item arrays of objects, 64 levels in all.",
    json.loads("{" + '"a":[{' * 31 + '"b":[1]' + "}]" * 31 + "}"),
    _nested_arrays(64),
    flags=["limits"],
)
invalid(
    "limit-depth-65-arrays",
    9,
    "One-item arrays of objects, 65 levels (the innermost array is one too many).",
    "<xml>" + "<a array='true'>" * 31 + "<b array='true'><c>1</c></b>" + "</a>" * 31 + "</xml>",
    1,
    "/a/0" * 31 + "/b/0",
    flags=["limits"],
)
valid(
    "limit-depth-64-embedded-json",
    9,
    "Embedded JSON counts toward the depth: 62 arrays inside a one-item array, 64 in all.",
    {"a": json.loads("[" * 63 + "]" * 63)},
    "<xml><a array='true' json='true'>" + "[" * 62 + "]" * 62 + "</a></xml>",
    flags=["limits"],
)
invalid(
    "limit-depth-65-embedded-json",
    9,
    "Embedded JSON nesting past the limit is refused before it is parsed.",
    "<xml>\n<a json='true'>" + "[" * 64 + "]" * 64 + "</a>\n</xml>",
    2,
    "/a",
    flags=["limits"],
)

# ----------------------------------------------------------------------------
# §10 Canonical form

valid(
    "canonical-mixed-document",
    10,
    "Canonical bytes for a document using every construct: no whitespace, single quotes, attribute order.",
    {
        "s": "x",
        "e": "",
        "n": 1,
        "f": 0.5,
        "b": True,
        "z": None,
        "o": {"k": "v"},
        "eo": {},
        "a0": [],
        "a1": ["1"],
        "a2": [1, "2"],
        "j": {"$in": [1]},
    },
    "<xml><s>x</s><e/><n>1</n><f>0.5</f><b>true</b><z json='true'>null</z><o><k>v</k></o><eo json='true'>{}</eo>"
    "<a0 array='true'/><a1 array='true' string='true'>1</a1><a2>1</a2><a2 string='true'>2</a2>"
    "<j json='true'>{\"$in\":[1]}</j></xml>",
)
valid(
    "canonical-escaped-empty-text",
    10,
    'An escaped value is written with start and end tags even when its text is short: "" inside an item.',
    {"a": [""], "b": {"c": [""]}},
    "<xml><a array='true' json='true'>\"\"</a><b><c array='true' json='true'>\"\"</c></b></xml>",
)
valid(
    "canonical-nested-empties",
    10,
    "Empty string, empty array and empty object side by side below the root.",
    {"o": {"s": "", "a": [], "e": {}}},
    "<xml><o><s/><a array='true'/><e json='true'>{}</e></o></xml>",
)
decode_only(
    "canonical-pretty-output",
    10,
    "encode(pretty=True) output: two-space indentation, not canonical, decodes to the same value.",
    "<xml>\n  <a>1</a>\n  <a>2</a>\n  <b>\n    <c array='true'/>\n    <d json='true'>{}</d>\n    <e>\n      <f>x</f>\n    </e>\n  </b>\n  <g/>\n</xml>",
    {"a": [1, 2], "b": {"c": [], "d": {}, "e": {"f": "x"}}, "g": ""},
    flags=["whitespace"],
)
decode_only(
    "canonical-alternative-spellings",
    10,
    "Non-canonical spellings of canonical values: start-end tags, escaped quotes, char references, CDATA.",
    '<xml><a></a><b array=\'true\'></b><c>&#97;&apos;</c><d><![CDATA[x]]></d><e array="true" json="true">""</e></xml>',
    {"a": "", "b": [], "c": "a'", "d": "x", "e": [""]},
)

# ----------------------------------------------------------------------------
# Implementation-defined: the Decisions of docs/dialect.md

implementation_defined(
    "decision-root-json-escape",
    2,
    "A document whose key cannot be an element name is written with the JSON escape on the root.",
    "The root takes json='true' with the whole object as JSON text (the docs give no way to carry such keys).",
    "valid",
    '<xml json=\'true\'>{"$or":[{"a":1}],"b":2}</xml>',
    {"$or": [{"a": 1}], "b": 2},
)
implementation_defined(
    "decision-non-adjacent-siblings",
    3,
    "Same-named siblings that are not adjacent.",
    "An error, not a silent merge into one array: a JSON object has no duplicate keys and the encoder never writes it.",
    "invalid",
    "<xml>\n<a>1</a>\n<b/>\n<a>2</a>\n</xml>",
    line=4,
    path="/a/1",
)
implementation_defined(
    "decision-non-adjacent-siblings-nested",
    3,
    "Same-named siblings separated by another member, inside an object.",
    "An error, not a silent merge.",
    "invalid",
    "<xml><o><x>1</x><y>2</y><x>3</x></o></xml>",
    line=1,
    path="/o/x/1",
)
implementation_defined(
    "decision-float-overflow-is-string",
    4,
    "A float text whose value overflows a double.",
    'Read as the string "1e999", never as infinity (JSON has no infinity).',
    "decode-only",
    "<xml><a>1e999</a><b>-1e999</b><c>1.8e308</c></xml>",
    {"a": "1e999", "b": "-1e999", "c": "1.8e308"},
)
implementation_defined(
    "decision-null-text-is-string",
    4,
    "Element text null.",
    "null is not special in element text: <k>null</k> is the string \"null\"; null itself is <k json='true'>null</k>.",
    "valid",
    "<xml><a>null</a><b json='true'>null</b></xml>",
    {"a": "null", "b": None},
)
implementation_defined(
    "decision-empty-element-is-empty-string",
    4,
    "An empty element with no attribute.",
    "The empty string (as the relations/edit response example writes error_text), not null and not {}.",
    "valid",
    "<xml><a/><b><c/></b></xml>",
    {"a": "", "b": {"c": ""}},
)
implementation_defined(
    "decision-json-duplicate-key",
    6,
    "A repeated key in an object inside json='true'.",
    "An error (JSON parsers differ on which copy wins, so it would be silent loss).",
    "invalid",
    '<xml><a json=\'true\'>{"x":1,"x":2}</a></xml>',
    line=1,
    path="/a",
)
implementation_defined(
    "decision-json-duplicate-key-nested",
    6,
    "A repeated key deep inside the embedded JSON, even with equal values.",
    "An error.",
    "invalid",
    '<xml>\n<q json=\'true\'>[{"y":{"z":1,"z":1}}]</q></xml>',
    line=2,
    path="/q",
)
implementation_defined(
    "decision-json-duplicate-key-root",
    6,
    "A repeated key in the root's JSON escape.",
    "An error.",
    "invalid",
    '<xml json=\'true\'>{"a b":1,"a b":1}</xml>',
    line=1,
    path="",
)
implementation_defined(
    "decision-json-number-overflow",
    6,
    "A number that overflows a double inside json='true'.",
    "An error (unlike element text, where it reads as a string).",
    "invalid",
    "<xml><a json='true'>1e999</a></xml>",
    line=1,
    path="/a",
)
implementation_defined(
    "decision-comment-joins-text",
    7,
    "A comment inside text.",
    'Comments are dropped and the text around them is joined: <k>ab<!-- c -->cd</k> is "abcd", never "ab".',
    "decode-only",
    "<xml><k>ab<!-- c -->cd</k></xml>",
    {"k": "abcd"},
)
implementation_defined(
    "decision-processing-instruction-joins-text",
    7,
    "A processing instruction inside text.",
    "Dropped, the text around it joined.",
    "decode-only",
    "<xml><k>12<?pi data?>34</k></xml>",
    {"k": 1234},
)
implementation_defined(
    "decision-comment-only-element",
    7,
    "An element holding only a comment.",
    'The comment is dropped: the element has no text, so it is "".',
    "decode-only",
    "<xml><k><!-- nothing --></k></xml>",
    {"k": ""},
)
implementation_defined(
    "decision-comments-between-members",
    7,
    "Comments and processing instructions around and between elements, a run included.",
    "Dropped; a comment between two same-named siblings does not break their run.",
    "decode-only",
    "<?pi before?>\n<!-- before -->\n<xml>\n<!-- c --><a>1</a><!-- c --><a>2</a><?pi x?><b>3</b>\n</xml>\n<!-- after -->",
    {"a": [1, 2], "b": 3},
)

# ----------------------------------------------------------------------------
# §11 The Altcraft docs

DOCS = "../shared/altcraft-docs/"
RELATIONS_GET = {
    "url": "https://guides.altcraft.com/en/developer-guide/profiles/profile-relations/get-relations-list",
    "title": "Get profile relations info (relations/get)",
    "captures": [DOCS + "000_24bc9aa6b6e5c3c7.txt", DOCS + "001_84aa5ec59261fea9.txt"],
}
RELATIONS_GET_XML_ONLY = dict(RELATIONS_GET, captures=[DOCS + "000_24bc9aa6b6e5c3c7.txt"])
RELATIONS_EDIT = {
    "url": "https://guides.altcraft.com/en/v71/developer-guide/profiles/profile-relations/9406157",
    "title": "Overwrite relation properties (relations/edit), v72",
    "captures": [DOCS + "002_fdfa5ee274a088a4.txt"],
}
API_INTERACTION = {
    "url": "https://guides.altcraft.com/en/developer-guide/api-interaction",
    "title": "API interaction",
    "captures": [DOCS + "003_d2ab5ae4dde6829c.txt"],
}
SUBSCRIPTIONS_GET = {
    "url": "https://guides.altcraft.com/en/developer-guide/profiles/subscriptions/2195527",
    "title": "Get profile subscription (subscriptions/get), v74",
    "captures": [DOCS + "004_ccd6aa82f66e3559.txt"],
}
FROM_DOCS = ["from-docs"]

RG_REQUEST = {"token": "8a28168486844c8bae2673a51d4433ff", "rel_id": 2, "profile_id": "669e6968ebf4ac52b623a997"}
RG_RESPONSE = {
    "data": [
        {
            "profile_id_a": "669e6968ebf4ac52b623a997",
            "xxh_a": "5af1023c84f66195",
            "profile_id_b": "6751b8f1c5e3db9bcb75befa",
            "xxh_b": "879cebbb0e6b6723",
            "db_b": 9,
            "props": {"exr": {"value": 11323123}},
        }
    ],
    "error": 0,
    "error_text": "Successful operation",
    "total_count": 1,
}
RG_RESPONSE_XML_PUBLISHED = """<xml>
<data>
<profile_id_a>669e6968ebf4ac52b623a997</profile_id_a>
<xxh_a>5af1023c84f66195</xxh_a>
<profile_id_b>6751b8f1c5e3db9bcb75befa</profile_id_b>
<xxh_b>879cebbb0e6b6723</xxh_b>
<db_b>9</db_b>
<props>
<exr>
<value>11323123</value>
</exr>
</props>
</relation>
</data>
<error>0</error>
<error_text>Successful operation</error_text>
<total_count>1</total_count>
</data>
<error>0</error>
<error_text>Successful operation</error_text>
</xml>"""
RG_RESPONSE_XML_REPAIRED = RG_RESPONSE_XML_PUBLISHED.replace("</props>\n</relation>\n", "</props>\n").replace(
    "<total_count>1</total_count>\n</data>\n<error>0</error>\n<error_text>Successful operation</error_text>\n",
    "<total_count>1</total_count>\n",
)
RG_REPAIRS = [
    "removed the stray </relation> (line 13), which closes an element never opened",
    "removed the second </data> and the repeated <error> and <error_text> after <total_count> (lines 18-20)",
]

valid(
    "docs-relations-get-request-json",
    11,
    "relations/get request, the page's JSON example.",
    RG_REQUEST,
    "<xml><token>8a28168486844c8bae2673a51d4433ff</token><rel_id>2</rel_id><profile_id>669e6968ebf4ac52b623a997</profile_id></xml>",
    flags=FROM_DOCS,
    source=RELATIONS_GET,
    corrections=[],
)
decode_only(
    "docs-relations-get-request-xml",
    11,
    "relations/get request, the page's XML example (line breaks between elements) decodes to its JSON example.",
    "<xml>\n<token>8a28168486844c8bae2673a51d4433ff</token>\n<rel_id>2</rel_id>\n<profile_id>669e6968ebf4ac52b623a997</profile_id>\n</xml>",
    RG_REQUEST,
    flags=FROM_DOCS,
    source=RELATIONS_GET_XML_ONLY,
    corrections=[],
)
valid(
    "docs-relations-get-response-json",
    11,
    "relations/get response, the page's JSON example: data is a one-item array, so array='true'.",
    RG_RESPONSE,
    "<xml><data array='true'><profile_id_a>669e6968ebf4ac52b623a997</profile_id_a><xxh_a>5af1023c84f66195</xxh_a>"
    "<profile_id_b>6751b8f1c5e3db9bcb75befa</profile_id_b><xxh_b>879cebbb0e6b6723</xxh_b><db_b>9</db_b>"
    "<props><exr><value>11323123</value></exr></props></data><error>0</error>"
    "<error_text>Successful operation</error_text><total_count>1</total_count></xml>",
    flags=FROM_DOCS,
    source=RELATIONS_GET,
    corrections=[],
)
invalid(
    "docs-relations-get-response-xml-as-published",
    11,
    "relations/get response XML exactly as published: not well-formed; refused at the stray </relation>.",
    RG_RESPONSE_XML_PUBLISHED,
    13,
    flags=FROM_DOCS,
    source=RELATIONS_GET_XML_ONLY,
    corrections=[],
)
decode_only(
    "docs-relations-get-response-xml-repaired",
    11,
    "relations/get response XML repaired, read with the endpoint's schema: data becomes a one-element array.",
    RG_RESPONSE_XML_REPAIRED,
    RG_RESPONSE,
    flags=[*FROM_DOCS, "needs-schema"],
    endpoint="relations/get",
    direction="response",
    source=RELATIONS_GET_XML_ONLY,
    corrections=RG_REPAIRS,
)
decode_only(
    "docs-relations-get-response-xml-repaired-without-schema",
    11,
    "The repaired relations/get response XML without a schema: data is a plain object (no array='true').",
    RG_RESPONSE_XML_REPAIRED,
    dict(RG_RESPONSE, data=RG_RESPONSE["data"][0]),
    flags=FROM_DOCS,
    source=RELATIONS_GET_XML_ONLY,
    corrections=[*RG_REPAIRS, "expected JSON: data is the relation object itself, since nothing marks it as an array"],
)

RE_REQUEST = {
    "token": "abcdefghijklmnqrstuvwxyz",
    "rel_id": 3,
    "profile_a": {"profile_id": "5d63dbdb439e7306b596c5d0"},
    "profile_b": {"profile_id": "5d441038439e7363f3c26539"},
    "weights": {"user_like": 2, "donate": 343, "is_online": True},
}
RE_RESPONSE = {
    "error": 0,
    "error_text": "",
    "profile_a": "5c910f6bc484d023b1309bee",
    "profile_b": "5c910938c484d023b1309bac",
    "relation_id": 1,
}
valid(
    "docs-relations-edit-profile-a-parameter",
    11,
    "relations/edit, the profile_a parameter's example object.",
    {"profile_id": "c1wefohoi1312"},
    "<xml><profile_id>c1wefohoi1312</profile_id></xml>",
    flags=FROM_DOCS,
    source=RELATIONS_EDIT,
    corrections=[],
)
valid(
    "docs-relations-edit-profile-b-parameter",
    11,
    "relations/edit, the profile_b parameter's example object.",
    {"profile_id": "c1wefohoi13123"},
    "<xml><profile_id>c1wefohoi13123</profile_id></xml>",
    flags=FROM_DOCS,
    source=RELATIONS_EDIT,
    corrections=[],
)
valid(
    "docs-relations-edit-weights-parameter",
    11,
    "relations/edit, the weights parameter's example object.",
    {"user_like": 2, "donate": 343, "is_online": True},
    "<xml><user_like>2</user_like><donate>343</donate><is_online>true</is_online></xml>",
    flags=FROM_DOCS,
    source=RELATIONS_EDIT,
    corrections=[],
)
valid(
    "docs-relations-edit-request-json",
    11,
    "relations/edit request, the page's JSON example.",
    RE_REQUEST,
    "<xml><token>abcdefghijklmnqrstuvwxyz</token><rel_id>3</rel_id><profile_a><profile_id>5d63dbdb439e7306b596c5d0</profile_id></profile_a>"
    "<profile_b><profile_id>5d441038439e7363f3c26539</profile_id></profile_b>"
    "<weights><user_like>2</user_like><donate>343</donate><is_online>true</is_online></weights></xml>",
    flags=FROM_DOCS,
    source=RELATIONS_EDIT,
    corrections=[],
)
decode_only(
    "docs-relations-edit-request-xml",
    11,
    "relations/edit request, the page's XML example decodes to its JSON example.",
    "<xml>\n<token>abcdefghijklmnqrstuvwxyz</token>\n<rel_id>3</rel_id>\n<profile_a>\n<profile_id>5d63dbdb439e7306b596c5d0</profile_id>\n"
    "</profile_a>\n<profile_b>\n<profile_id>5d441038439e7363f3c26539</profile_id>\n</profile_b>\n<weights>\n<user_like>2</user_like>\n"
    "<donate>343</donate>\n<is_online>true</is_online>\n</weights>\n</xml>",
    RE_REQUEST,
    flags=FROM_DOCS,
    source=RELATIONS_EDIT,
    corrections=[],
)
valid(
    "docs-relations-edit-response-json",
    11,
    'relations/edit response, the page\'s JSON example: error_text "" is <error_text/>.',
    RE_RESPONSE,
    "<xml><error>0</error><error_text/><profile_a>5c910f6bc484d023b1309bee</profile_a><profile_b>5c910938c484d023b1309bac</profile_b>"
    "<relation_id>1</relation_id></xml>",
    flags=FROM_DOCS,
    source=RELATIONS_EDIT,
    corrections=[],
)
decode_only(
    "docs-relations-edit-response-xml",
    11,
    'relations/edit response, the page\'s XML example: <error_text></error_text> is "".',
    "<xml>\n<error>0</error>\n<error_text></error_text>\n<profile_a>5c910f6bc484d023b1309bee</profile_a>\n"
    "<profile_b>5c910938c484d023b1309bac</profile_b>\n<relation_id>1</relation_id>\n</xml>",
    RE_RESPONSE,
    flags=FROM_DOCS,
    source=RELATIONS_EDIT,
    corrections=[],
)
valid(
    "docs-api-interaction-request-json",
    11,
    "API interaction, the authorization example (profiles/import): phones is a one-item array.",
    {
        "token": "bfc505684d774e52b188fa1f003cd5ed",
        "db_id": 1,
        "resource_id": 1,
        "matching": "email",
        "email": "example@example.com",
        "data": {
            "_status": 0,
            "_fname": "Jim",
            "_lname": "Jones",
            "email": "example@example.com",
            "phones": ["+79000000000"],
        },
    },
    "<xml><token>bfc505684d774e52b188fa1f003cd5ed</token><db_id>1</db_id><resource_id>1</resource_id><matching>email</matching>"
    "<email>example@example.com</email><data><_status>0</_status><_fname>Jim</_fname><_lname>Jones</_lname>"
    "<email>example@example.com</email><phones array='true'>+79000000000</phones></data></xml>",
    flags=FROM_DOCS,
    source=API_INTERACTION,
    corrections=[],
)
valid(
    "docs-api-interaction-response-json",
    11,
    "API interaction, the successful response example.",
    {"error": 0, "error_text": "Successful operation", "profile_id": "5f4fa1a5ce9448665fef548e"},
    "<xml><error>0</error><error_text>Successful operation</error_text><profile_id>5f4fa1a5ce9448665fef548e</profile_id></xml>",
    flags=FROM_DOCS,
    source=API_INTERACTION,
    corrections=[],
)
decode_only(
    "docs-api-interaction-attribute-quotes",
    11,
    "The page writes array='true', string='true', json='true' in single quotes; double quotes read the same.",
    '<xml><ids array="true">1</ids><code string="true">007</code><code2 string=\'true\'>42</code2>'
    '<query json="true">{"$or":[{"_lname":"Doe"}]}</query></xml>',
    {"ids": [1], "code": "007", "code2": "42", "query": {"$or": [{"_lname": "Doe"}]}},
    flags=FROM_DOCS,
    source=API_INTERACTION,
    corrections=["the page describes the attributes in prose only; this document is ours, built from that description"],
)

SG_REQUEST = {
    "token": "abcdefghijklmnqrstuvwxyz",
    "db_id": 1,
    "resource_id": 26,
    "channel": "push",
    "subscription_id": "abcdefghijklmnqrstuvwxyz",
    "profile_id": "abcdefghijklmnqrstuvwxyz",
    "provider": "Firefox",
}
SG_REQUEST_XML = (
    "<xml>\n<token>abcdefghijklmnqrstuvwxyz</token>\n<db_id>1</db_id>\n<resource_id>26</resource_id>\n<channel>push</channel>\n"
    "<subscription_id>abcdefghijklmnqrstuvwxyz</subscription_id>\n<profile_id>abcdefghijklmnqrstuvwxyz</profile_id>\n"
    "<provider>Firefox</provider>\n</xml>"
)
valid(
    "docs-subscriptions-get-telegram-cc-data",
    11,
    "subscriptions/get, the Telegram cc_data parameter's example object.",
    {"id": 1},
    "<xml><id>1</id></xml>",
    flags=FROM_DOCS,
    source=SUBSCRIPTIONS_GET,
    corrections=[],
)
valid(
    "docs-subscriptions-get-whatsapp-cc-data",
    11,
    "subscriptions/get, the WhatsApp cc_data parameter's example object.",
    {"phone": "+79000000000"},
    "<xml><phone>+79000000000</phone></xml>",
    flags=FROM_DOCS,
    source=SUBSCRIPTIONS_GET,
    corrections=[],
)
valid(
    "docs-subscriptions-get-request-json",
    11,
    "subscriptions/get request, the page's JSON example.",
    SG_REQUEST,
    SG_REQUEST_XML.replace("\n", ""),
    flags=FROM_DOCS,
    source=SUBSCRIPTIONS_GET,
    corrections=[],
)
decode_only(
    "docs-subscriptions-get-request-xml",
    11,
    "subscriptions/get request, the page's XML example decodes to its JSON example.",
    SG_REQUEST_XML,
    SG_REQUEST,
    flags=FROM_DOCS,
    source=SUBSCRIPTIONS_GET,
    corrections=[],
)
valid(
    "docs-subscriptions-get-response-json",
    11,
    "subscriptions/get response, the page's JSON example (the one the schema is checked against).",
    {
        "data": {
            "channel": "push",
            "priority": 10,
            "provider": "Firefox",
            "resource_id": 1,
            "status": "subscribed",
            "subscription_id": "abcdefghijklmnqrstuvwxyz",
            "custom_fields": {"_device_type": "mob", "_os": "Android", "custom_field_1": "test value"},
            "cats": ["news_category", "transaction_category"],
        },
        "error": 0,
        "error_text": "Successful operation",
    },
    "<xml><data><channel>push</channel><priority>10</priority><provider>Firefox</provider><resource_id>1</resource_id>"
    "<status>subscribed</status><subscription_id>abcdefghijklmnqrstuvwxyz</subscription_id>"
    "<custom_fields><_device_type>mob</_device_type><_os>Android</_os><custom_field_1>test value</custom_field_1></custom_fields>"
    "<cats>news_category</cats><cats>transaction_category</cats></data><error>0</error>"
    "<error_text>Successful operation</error_text></xml>",
    flags=FROM_DOCS,
    source=SUBSCRIPTIONS_GET,
    corrections=[],
)
decode_only(
    "docs-subscriptions-get-response-xml",
    11,
    "subscriptions/get response XML as published decodes to what it says, not to the page's JSON example "
    "(priority 0 vs 10, resource_id 26 vs 1, no custom_fields, no cats).",
    "<xml>\n<data>\n<channel>push</channel>\n<priority>0</priority>\n<provider>Firefox</provider>\n<resource_id>26</resource_id>\n"
    "<status>subscribed</status>\n<subscription_id>abcdefghijklmnqrstuvwxyz</subscription_id>\n</data>\n<error>0</error>\n"
    "<error_text>Successful operation</error_text>\n</xml>",
    {
        "data": {
            "channel": "push",
            "priority": 0,
            "provider": "Firefox",
            "resource_id": 26,
            "status": "subscribed",
            "subscription_id": "abcdefghijklmnqrstuvwxyz",
        },
        "error": 0,
        "error_text": "Successful operation",
    },
    flags=FROM_DOCS,
    source=SUBSCRIPTIONS_GET,
    corrections=[],
)

# ----------------------------------------------------------------------------
# §8 Schema-guided reading and writing (needs an endpoint's schema)

SCHEMA = ["needs-schema"]
decode_only(
    "schema-guided-single-element-array",
    8,
    "A member the schema declares an array is an array even as one bare element (relations/get data).",
    "<xml><data><xxh_a>5af1023c84f66195</xxh_a><db_b>9</db_b></data><error>0</error></xml>",
    {"data": [{"xxh_a": "5af1023c84f66195", "db_b": 9}], "error": 0},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
decode_only(
    "schema-guided-empty-element-array",
    8,
    "An empty element of a declared array is [].",
    "<xml><data/><error>0</error><total_count>0</total_count></xml>",
    {"data": [], "error": 0, "total_count": 0},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
decode_only(
    "schema-guided-array-of-scalars",
    8,
    "A bare <dbs_ids>1</dbs_ids> is [1] when the schema says array (resources/get, as the docs write it).",
    "<xml><data><id>1</id><name>Shop</name><dbs_ids>1</dbs_ids><channels>email</channels></data><error>0</error></xml>",
    {"data": {"id": 1, "name": "Shop", "dbs_ids": [1], "channels": ["email"]}, "error": 0},
    flags=SCHEMA,
    endpoint="resources/get",
    direction="response",
)
decode_only(
    "schema-guided-empty-array-in-items",
    8,
    "<ui_tags/> is [] inside each item of a declared array (databases/list, as the docs write it).",
    "<xml><data><id>1</id><name>Main</name><ui_tags/></data><data><id>2</id><name>Test</name><ui_tags>vip</ui_tags></data><error>0</error></xml>",
    {"data": [{"id": 1, "name": "Main", "ui_tags": []}, {"id": 2, "name": "Test", "ui_tags": ["vip"]}], "error": 0},
    flags=SCHEMA,
    endpoint="databases/list",
    direction="response",
)
decode_only(
    "schema-guided-empty-object",
    8,
    "An empty element of a declared object is {} (relations/get props).",
    "<xml><data><db_b>9</db_b><props/></data><error>0</error></xml>",
    {"data": [{"db_b": 9, "props": {}}], "error": 0},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
decode_only(
    "schema-guided-string-keeps-text",
    8,
    "A member declared a string keeps number-like or boolean-like text as a string (hash IDs).",
    "<xml><data><xxh_a>8791234567123456</xxh_a><xxh_b>1e5</xxh_b><profile_id_a>true</profile_id_a></data><error>0</error><error_text>0</error_text></xml>",
    {"data": [{"xxh_a": "8791234567123456", "xxh_b": "1e5", "profile_id_a": "true"}], "error": 0, "error_text": "0"},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
decode_only(
    "schema-guided-embedded-json",
    8,
    "A member the schema marks as embedded JSON (x-xml: json) has its text parsed as JSON (profiles/list query).",
    '<xml><db_id>1</db_id><query>{"$or":[{"_lname":"Doe"},{"_city":"Moscow"}]}</query><fields>_id</fields></xml>',
    {"db_id": 1, "query": {"$or": [{"_lname": "Doe"}, {"_city": "Moscow"}]}, "fields": ["_id"]},
    flags=SCHEMA,
    endpoint="profiles/list",
    direction="request",
)
decode_only(
    "schema-guided-attributes-win",
    8,
    "Attributes written in the XML win over the schema: json='true' on a string member, string='true' on an array member.",
    "<xml><data><xxh_a json='true'>1</xxh_a></data><data string='true'>x</data></xml>",
    {"data": [{"xxh_a": 1}, "x"]},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
decode_only(
    "schema-guided-unknown-member",
    8,
    "A member the schema does not cover is read by the plain rules.",
    "<xml><data><db_b>9</db_b><extra>1</extra></data><error>0</error><other>2</other></xml>",
    {"data": [{"db_b": 9, "extra": 1}], "error": 0, "other": 2},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
valid(
    "schema-guided-encode-embedded-json",
    8,
    "Encoding with a schema: a member declared embedded JSON is always written with json='true'.",
    {"db_id": 1, "query": {"_lname": "Doe"}, "fields": ["_id", "_lname"]},
    '<xml><db_id>1</db_id><query json=\'true\'>{"_lname":"Doe"}</query><fields>_id</fields><fields>_lname</fields></xml>',
    flags=SCHEMA,
    endpoint="profiles/list",
    direction="request",
)
implementation_defined(
    "decision-schema-json-attribute-whole-value",
    8,
    "A single element with json='true' and no array='true' where the schema declares an array.",
    "It gives the member's whole value: <data json='true'>[...]</data> is the array itself, not a one-item array of it.",
    "decode-only",
    '<xml><data json=\'true\'>[{"db_b":1},{"db_b":2}]</data><error>0</error></xml>',
    {"data": [{"db_b": 1}, {"db_b": 2}], "error": 0},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)


# ----------------------------------------------------------------------------
# Issue 8: hostile and unusual input (surrogates, xml-... PIs, schema misfits)
#
# A high surrogate followed by a low one as two code units has no vector: no
# JSON file can hold it (every reader joins "\ud800\udc00" into U+10000), which
# is why the encoder refuses it (§6); tests/test_hostile.py pins the refusal.
# These pin its neighbours.

valid(
    "json-escape-low-then-high-surrogate",
    6,
    "A low surrogate before a high one is no pair: two lone surrogates, carried by the escape.",
    {"a": "\udc00\ud800"},
    "<xml><a json='true'>\"\\udc00\\ud800\"</a></xml>",
)
valid(
    "text-astral-character-as-itself",
    6,
    "An astral character (U+10000) is text, written as itself in UTF-8, never as an escaped pair.",
    {"a": "\U00010000", "\U0001f600": "x"},
    "<xml><a>\U00010000</a><😀>x</😀></xml>",
)
decode_only(
    "pi-named-xml-stylesheet-is-not-the-declaration",
    7,
    "<?xml-stylesheet ...?> is a processing instruction, not the declaration: dropped, its version='1.1' unread.",
    "<?xml-stylesheet href='a.xsl' type='text/xsl' version='1.1' encoding='ISO-8859-1'?><xml><a>1</a></xml>",
    {"a": 1},
)
decode_only(
    "pi-named-xml-model-after-bom",
    7,
    "After a byte order mark, <?xml-model ...?> is a processing instruction too.",
    b"\xef\xbb\xbf<?xml-model href='a.rng' version='2.0'?>\n<xml><a>1</a></xml>",
    {"a": 1},
)
invalid(
    "parse-xml-declaration-tab-version-1-1",
    9,
    "<?xml followed by a tab is the declaration: version 1.1 is refused.",
    "<?xml\tversion='1.1'?><xml/>",
    1,
)
valid(
    "schema-guided-encode-object-in-array-member",
    8,
    "Encoding with a schema: an object where an array is declared takes json='true' (suppresses/domains_add domains).",
    {"domains": {"a": {}}},
    "<xml><domains json='true'>{\"a\":{}}</domains></xml>",
    flags=SCHEMA,
    endpoint="suppresses/domains_add",
    direction="request",
)
valid(
    "schema-guided-encode-scalar-in-array-member",
    8,
    "Encoding with a schema: a number where an array is declared takes json='true' (profiles/list fields).",
    {"fields": 1},
    "<xml><fields json='true'>1</fields></xml>",
    flags=SCHEMA,
    endpoint="profiles/list",
    direction="request",
)
valid(
    "schema-guided-encode-misfits-in-items",
    8,
    "Encoding with a schema: a boolean where a string is declared takes json='true', \"\" where an object is declared string='true'.",
    {"data": [{"xxh_a": True, "props": ""}]},
    "<xml><data array='true'><xxh_a json='true'>true</xxh_a><props string='true'/></data></xml>",
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
decode_only(
    "schema-guided-empty-string-attribute-in-object-member",
    8,
    "string='true' on an empty element wins over a declared object: \"\", not {} (relations/get props).",
    "<xml><data><props string='true'/></data></xml>",
    {"data": [{"props": ""}]},
    flags=SCHEMA,
    endpoint="relations/get",
    direction="response",
)
invalid(
    "schema-guided-declared-json-not-json",
    8,
    "A member declared embedded JSON whose text is not JSON is refused (profiles/list query).",
    "<xml>\n<query>x</query>\n</xml>",
    2,
    "/query",
    flags=SCHEMA,
    endpoint="profiles/list",
    direction="request",
)


# ----------------------------------------------------------------------------
# Writing


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=True, indent=2) + "\n").encode("ascii")


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _reads_as_scalar(text: str) -> bool:
    """Whether plain element text is a boolean or a number by §4 (not a string)."""
    if text in ("true", "false"):
        return True
    if _NUMBER.fullmatch(text) is None:
        return False
    if "." not in text and "e" not in text and "E" not in text:
        return True  # an integer, exact at any size
    return math.isfinite(float(text))  # an overflowing float reads as a string


def content_flags(xml: bytes) -> set[str]:
    """The flags that follow from a well-formed vector's XML:

    - ``pins:array-attribute``: an element with array='true' and no same-named
      neighbour, so the attribute alone makes it an array;
    - ``pins:scalar-types``: a leaf with no string/json attribute whose text §4
      reads as a boolean or a number;
    - ``pins:string-attribute`` / ``pins:json-escape``: the attribute occurs.
    """
    parser = etree.XMLParser(resolve_entities=False, remove_comments=True, remove_pis=True)
    root = etree.fromstring(xml, parser)
    flags: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("string") == "true":
            flags.add("pins:string-attribute")
        if element.get("json") == "true":
            flags.add("pins:json-escape")
        if element is root:
            continue
        if element.get("array") == "true":
            before, after = element.getprevious(), element.getnext()
            if (before is None or before.tag != element.tag) and (after is None or after.tag != element.tag):
                flags.add("pins:array-attribute")
        if (
            len(element) == 0
            and element.get("string") is None
            and element.get("json") is None
            and element.text is not None
            and _reads_as_scalar(element.text)
        ):
            flags.add("pins:scalar-types")
    return flags


def _entry(case: Case) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest entry of ``case`` and its files (path relative to vectors/ -> bytes)."""
    folder = case.kind
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    if case.xml is not None:
        names["xml"] = f"{folder}/{case.id}.xml"
        files[names["xml"]] = case.xml
    if case.json_text is not None:
        names["json"] = f"{folder}/{case.id}.json"
        files[names["json"]] = case.json_text.encode("ascii")
    elif case.value is not _NO_VALUE:
        names["json"] = f"{folder}/{case.id}.json"
        files[names["json"]] = _json_bytes(case.value)
    behaves = case.behaves_as or case.kind
    flags = set(case.flags)
    if behaves in ("valid", "decode-only") and case.xml is not None:
        flags |= content_flags(case.xml)
    entry: dict[str, Any] = {
        "id": case.id,
        "kind": case.kind,
        "description": case.description,
        "rule": f"dialect.md#{case.rule}",
        "flags": sorted(flags),
        "files": names,
    }
    if case.kind == "implementation-defined":
        entry["behaves_as"] = case.behaves_as
        entry["choice"] = case.choice
    if case.error is not None:
        entry["error"] = case.error
    if case.endpoint is not None:
        entry["endpoint"] = case.endpoint
        entry["direction"] = case.direction
    if case.source is not None:
        entry["source"] = case.source
        entry["corrections"] = case.corrections or []
    entry.update(case.extra)
    return entry, files


def build() -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every file, schema vectors included."""
    from schema_cases import schema_cases  # noqa: PLC0415 - a sibling script

    entries: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    order = {kind: i for i, kind in enumerate(KIND_DIRS)}
    for case in sorted(CASES, key=lambda c: order[c.kind]):
        entry, case_files = _entry(case)
        entries.append(entry)
        files.update(case_files)
    for entry, payload in schema_cases():
        entries.append(entry)
        files[entry["files"]["json"]] = _json_bytes(payload)
    manifest = {
        "$schema": "./manifest.schema.json",
        "version": 1,
        "spec": "docs/dialect.md",
        "cases": entries,
    }
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=True, indent=2) + "\n").encode("ascii")
    return manifest, files


def _existing() -> Iterator[Path]:
    for kind in KIND_DIRS:
        folder = HERE / kind
        if folder.is_dir():
            yield from (p for p in folder.iterdir() if p.is_file())


def main() -> int:
    """Write the vectors, or with --check compare them with what is on disk."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that differ")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    manifest, files = build()
    wanted = {HERE / name for name in files}
    stale = [p for p in _existing() if p not in wanted]
    changed = [
        name for name, data in files.items() if not (HERE / name).is_file() or (HERE / name).read_bytes() != data
    ]
    if args.check:
        for name in changed:
            print(f"differs: {name}")
        for path in stale:
            print(f"not in the manifest: {path.relative_to(HERE)}")
        return 1 if changed or stale else 0
    for path in stale:
        path.unlink()
    for name in changed:
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
    counts: dict[str, int] = {}
    for entry in manifest["cases"]:
        counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
    print(f"{len(manifest['cases'])} vectors: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
