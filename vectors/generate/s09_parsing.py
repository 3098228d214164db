"""§9 Parsing and limits: input that is not UTF-8 text, and the limits at their edges.

Bytes no editor keeps (other encodings, broken UTF-8, byte order marks, NUL
and control bytes, CRs) and documents too deep or too long to type. The
limits are restated here (64 levels, 4300 digits): the vectors never ask the
codec what the answer is.
"""

from __future__ import annotations

import json
from typing import Any

from ._vectors import Vectors

MAX_DEPTH = 64  # codec.Limits().max_depth; the root object is level 1
MAX_INT_DIGITS = 4300  # codec.Limits().max_int_digits

_BOM = b"\xef\xbb\xbf"
_ENCODING = ["encoding"]
_HOSTILE = ["hostile"]


def generate() -> Vectors:
    out = Vectors()
    _byte_order_marks(out)
    _other_encodings(out)
    _broken_utf8(out)
    _raw_bytes(out)
    _integer_digits(out)
    _depth(out)
    return out


def _byte_order_marks(out: Vectors) -> None:
    out.decode_only(
        "parse-utf8-bom", 9, "A UTF-8 byte order mark is accepted.", _BOM + b"<xml><a>1</a></xml>", {"a": 1}, _ENCODING
    )
    out.decode_only(
        "parse-bom-and-declaration",
        9,
        "A byte order mark before the declaration.",
        _BOM + b'<?xml version="1.0" encoding="UTF-8"?>\r\n<xml><a>1</a></xml>',
        {"a": 1},
        _ENCODING,
    )
    out.invalid(
        "parse-double-bom",
        9,
        "One UTF-8 byte order mark is accepted; two are refused.",
        _BOM + _BOM + b"<xml/>",
        1,
        flags=_HOSTILE,
    )


def _other_encodings(out: Vectors) -> None:
    document = "\ufeff<xml><a>1</a></xml>"
    out.invalid(
        "parse-utf16le-bom", 9, "UTF-16 (LE with BOM) is refused.", document.encode("utf-16-le"), 1, flags=_ENCODING
    )
    out.invalid(
        "parse-utf16be-bom", 9, "UTF-16 (BE with BOM) is refused.", document.encode("utf-16-be"), 1, flags=_ENCODING
    )
    out.invalid(
        "parse-utf16-no-bom", 9, "UTF-16 without a BOM is refused.", "<xml/>".encode("utf-16-le"), 1, flags=_ENCODING
    )
    out.invalid(
        "parse-utf32-bom", 9, "UTF-32 with a BOM is refused.", "\ufeff<xml/>".encode("utf-32-be"), 1, flags=_ENCODING
    )
    out.invalid(
        "parse-declared-iso-8859-1",
        9,
        "A declaration of ISO-8859-1 is refused (the bytes are Latin-1).",
        b"<?xml version='1.0' encoding='ISO-8859-1'?>\n<xml><a>caf\xe9</a></xml>",
        1,
        flags=_ENCODING,
    )


def _broken_utf8(out: Vectors) -> None:
    out.invalid(
        "parse-invalid-utf8-byte",
        9,
        "A byte that is never UTF-8 (0xFF) is refused.",
        b"<xml>\n<a>\xff</a></xml>",
        2,
        flags=_ENCODING,
    )
    out.invalid(
        "parse-latin1-bytes-undeclared",
        9,
        "Latin-1 bytes in an undeclared (so UTF-8) document are refused.",
        b"<xml><a>caf\xe9</a></xml>",
        1,
        flags=_ENCODING,
    )
    out.invalid(
        "parse-overlong-utf8",
        9,
        "An overlong UTF-8 form is refused.",
        b"<xml><a>\xc0\xaf</a></xml>",
        1,
        flags=_ENCODING,
    )
    out.invalid(
        "parse-encoded-surrogate",
        9,
        "A surrogate encoded in UTF-8 (CESU style) is refused.",
        b"<xml><a>\xed\xa0\x80</a></xml>",
        1,
        flags=_ENCODING,
    )
    out.invalid(
        "parse-truncated-utf8",
        9,
        "A truncated UTF-8 sequence is refused.",
        b"<xml><a>\xe2\x82</a></xml>",
        1,
        flags=_ENCODING,
    )


def _raw_bytes(out: Vectors) -> None:
    out.invalid("parse-raw-nul-byte", 9, "A raw NUL byte is refused.", b"<xml><a>\x00</a></xml>", 1, flags=_HOSTILE)
    out.invalid(
        "parse-raw-control-byte", 9, "A raw control character (U+0001) is refused.", b"<xml><a>\x01</a></xml>", 1
    )
    # Trailing spaces after the last newline: editors strip them.
    out.invalid("parse-whitespace-input", 9, "Whitespace is not a document.", b"  \n ", 2)


def _integer_digits(out: Vectors) -> None:
    out.invalid(
        "limit-integer-4301-digits",
        9,
        "An integer of 4301 digits is over the default Limits.max_int_digits: refused, not read as a string.",
        f"<xml>\n<a>{'7' * (MAX_INT_DIGITS + 1)}</a>\n</xml>".encode(),
        2,
        "/a",
        flags=["big-int", "pins:scalar-types"],
    )


def _nested_objects(depth: int) -> tuple[Any, bytes]:
    """A document of ``depth`` nested objects (the root counts 1), and its XML."""
    value: Any = "x"
    for _ in range(depth):
        value = {"a": value}
    return value, ("<xml>" + "<a>" * depth + "x" + "</a>" * depth + "</xml>").encode()


def _nested_arrays(depth: int) -> bytes:
    """<xml><a array='true'> ... with arrays and objects alternating to ``depth``."""
    # Each <a array='true'> holding an element adds an array and an object: 2 levels.
    levels = (depth - 2) // 2
    return ("<xml>" + "<a array='true'>" * levels + "<b array='true'>1</b>" + "</a>" * levels + "</xml>").encode()


def _depth(out: Vectors) -> None:
    limits = ["limits"]
    at_limit, at_limit_xml = _nested_objects(MAX_DEPTH)
    out.valid(
        "limit-depth-64-objects",
        9,
        "64 levels of objects (the root is 1) is at the default depth limit: accepted.",
        at_limit,
        at_limit_xml,
        flags=limits,
    )
    over, over_xml = _nested_objects(MAX_DEPTH + 1)
    out.invalid(
        "limit-depth-65-objects",
        9,
        "65 levels of objects is over the default depth limit of 64.",
        over_xml,
        1,
        "/a" * MAX_DEPTH,
        flags=limits,
    )
    out.invalid_json(
        "limit-depth-65-objects-encode",
        9,
        "The encoder refuses 65 levels too, so it never writes what the decoder would refuse.",
        json.dumps(over),
        "/a" * MAX_DEPTH,
        flags=limits,
    )
    pairs = (MAX_DEPTH - 2) // 2  # an array and the object in it: 31 pairs below the root
    out.valid(
        "limit-depth-64-arrays",
        9,
        "Arrays count toward the depth: one-item arrays of objects, 64 levels in all.",
        json.loads("{" + '"a":[{' * pairs + '"b":[1]' + "}]" * pairs + "}"),
        _nested_arrays(MAX_DEPTH),
        flags=limits,
    )
    out.invalid(
        "limit-depth-65-arrays",
        9,
        "One-item arrays of objects, 65 levels (the innermost array is one too many).",
        ("<xml>" + "<a array='true'>" * pairs + "<b array='true'><c>1</c></b>" + "</a>" * pairs + "</xml>").encode(),
        1,
        "/a/0" * pairs + "/b/0",
        flags=limits,
    )
    out.valid(
        "limit-depth-64-embedded-json",
        9,
        "Embedded JSON counts toward the depth: 62 arrays inside a one-item array, 64 in all.",
        {"a": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))},
        ("<xml><a array='true' json='true'>" + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "</a></xml>").encode(),
        flags=limits,
    )
    out.invalid(
        "limit-depth-65-embedded-json",
        9,
        "Embedded JSON nesting past the limit is refused before it is parsed.",
        ("<xml>\n<a json='true'>" + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "</a>\n</xml>").encode(),
        2,
        "/a",
        flags=limits,
    )
