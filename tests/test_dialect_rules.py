"""One home per rule: codec/_dialect.py against the code that inlines it, and
docs/dialect.md against the code that implements it.

Hot loops in the decoder and the encoder restate a rule of ``_dialect`` for
speed (with its constants); each such path is held equal here to the
``_dialect`` function it mirrors. The last tests check that every section of
the spec names its code and every ``§N`` in the code names a section.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

import codec
import codec.http
from codec import _decode, _dialect, _encode, _json, _locate, schemas
from codec._accel import pure_path
from codec._dialect import (
    ARRAY,
    ESCAPED,
    ILLEGAL,
    JSON,
    STRING,
    UTF8_NAMES,
    TooManyDigits,
    attribute,
    escape_text,
    int_digits,
    looks_like_scalar,
    parse_scalar,
    reads_as_array,
    too_many_digits,
)
from codec._shape import Kind, Shape

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "docs" / "dialect.md"
CODE = ROOT / "codec"


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except codec.CodecError as error:
        return type(error).__name__, error.msg  # type: ignore[attr-defined]


def _same(a: Any, b: Any) -> bool:
    """Equal, with floats compared by sign too (-0.0 is not 0.0 here)."""
    return type(a) is type(b) and (repr(a) == repr(b) if isinstance(a, float) else a == b)


# Text XML can carry; weighted toward what looks like a number or a boolean.
_LEGAL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff").filter(
    lambda char: not ILLEGAL.match(char)
)
_NUMBERS = st.from_regex(r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,5})?([eE][+-]?[0-9]{1,4})?", fullmatch=True)
texts = st.one_of(
    _NUMBERS,
    st.text(alphabet="-+0123456789.eEtruefalsx ", max_size=12),
    st.sampled_from(["true", "false", "True", "null", "NaN", "1e999", "-1e999", "-0.0", "01", "+1", "1.", "١٢٣"]),
    st.text(alphabet=st.sampled_from("ab1-&<>\r\n\t ]"), max_size=8),
    st.text(alphabet=_LEGAL, max_size=12),
)


# --- §4 scalars: the decoder's inline leaf reading is parse_scalar ----------------------


@given(texts, st.integers(1, 30))
@example("-12345", 5)
@example("-123456", 5)
@example("12345", 5)
@example("123456", 5)
@example("0", 1)
@example("00", 5)
@example("1\u0661", 5)  # a non-ASCII digit after an ASCII one
@example("0.5", 5)
@example("00.5", 5)
@example("1.", 5)
@example("1.5.5", 5)
@example("1.5e3", 5)
@example("9" * 400 + ".5", 5)  # overflows to infinity: no number
@example("9" * 308 + ".5", 5)
@example("1" * 4000, 4100)  # the longest integer read with int() alone
@example("1" * 4001, 4100)
@example("1" * 4001, 4000)
def test_the_decoders_inline_scalar_reading_is_parse_scalar(text: str, max_digits: int) -> None:
    limits = codec.Limits(max_int_digits=max_digits)
    with pure_path():
        found = _outcome(lambda: _decode.decode(f"<xml><a>{escape_text(text)}</a></xml>", limits=limits))
    try:
        expected: tuple[str, Any] = ("ok", {"a": parse_scalar(text, max_digits)})
    except TooManyDigits as exc:
        expected = ("DecodeError", str(exc))
    assert found[0] == expected[0], (found, expected)
    if found[0] == "ok":
        assert _same(found[1]["a"], expected[1]["a"]), (found, expected)
    else:
        assert found[1] == expected[1]


# --- §4 and §7 in the encoder: string='true' exactly where looks_like_scalar, text by escape_text


@given(texts, st.booleans())
def test_the_encoders_inline_string_check_and_escaping_are_the_dialects(text: str, pretty: bool) -> None:
    with pure_path():
        written = _encode.encode({"a": text}, pretty=pretty).decode("utf-8")
    indent = "\n  " if pretty else ""
    if not text:
        expected = f"<xml>{indent}<a/>" + ("\n" if pretty else "") + "</xml>"
    else:
        attrs = attribute(STRING) if looks_like_scalar(text) else ""
        expected = f"<xml>{indent}<a{attrs}>{escape_text(text)}</a>" + ("\n" if pretty else "") + "</xml>"
    assert written == expected


@given(
    st.one_of(
        st.integers(),
        st.integers(0, 40).flatmap(lambda n: st.sampled_from([8**n, 8**n - 1, -(8**n), 10**n, -(10**n)])),
        st.floats(),
    ),
    st.integers(1, 30),
)
@example(8**30 - 1, 30)  # the longest integer the inline path writes, at this limit
@example(8**30, 30)
@example(10**4000, 5000)  # over DIRECT_INT_DIGITS: integer_text's own conversion
def test_the_encoders_inline_numbers_are_integer_text_and_repr(number: float, max_digits: int) -> None:
    # The plain path writes ints and floats inline; pretty output takes element(), which does not.
    limits = codec.Limits(max_int_digits=max_digits)
    with pure_path():
        found = _outcome(lambda: _encode.encode({"a": number}, limits=limits).decode())
        pretty = _outcome(lambda: _encode.encode({"a": number}, pretty=True, limits=limits).decode())
    if isinstance(number, float):
        expected: tuple[str, Any] = ("ok", f"<xml><a>{number!r}</a></xml>") if math.isfinite(number) else pretty
    else:
        try:
            expected = ("ok", f"<xml><a>{_json.integer_text(number, limits)}</a></xml>")
        except _json.UnencodableValue as exc:
            expected = ("EncodeError", exc.error().msg)
    assert found == expected
    assert found[0] == pretty[0]
    if found[0] == "ok":
        assert found[1] == pretty[1].replace("\n", "").replace("  ", "")
    else:
        assert found[1] == pretty[1]


@given(st.text(alphabet=_LEGAL, max_size=20) | st.text(alphabet=st.sampled_from("a&<>\r\n]"), max_size=10))
def test_escape_text_round_trips_through_xml_and_escapes_exactly_its_characters(text: str) -> None:
    escaped = escape_text(text)
    assert (etree.fromstring(f"<a>{escaped}</a>").text or "") == text
    assert "]]>" not in escaped
    assert (escaped == text) == (not any(char in text for char in ESCAPED))


def test_the_encoders_c0_bytes_are_the_dialects_illegal_c0_characters() -> None:
    # §6: _encode finds the illegal C0 controls in its UTF-8 output with bytes.translate.
    c0 = {chr(byte) for byte in _encode._C0_ILLEGAL}
    assert c0 == {chr(code) for code in range(0x80) if ILLEGAL.match(chr(code))}


# --- §9 the digit limit: one count, one message, in every direction ----------------------

_INTEGERS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.integers(0, 40).flatmap(lambda n: st.sampled_from([10**n, -(10**n), 10**n - 1, -(10**n - 1)])),
    st.integers(-(10**60), 10**60),
)


@given(_INTEGERS, st.integers(1, 40))
@example(-12345, 5)
@example(-123456, 5)
@example(10**200, 10)
def test_the_digit_limit_is_one_rule_with_one_message(number: int, limit: int) -> None:
    text = str(number)
    digits = int_digits(text)
    assert digits == len(str(abs(number)))  # the sign is not a digit
    over = digits > limit
    limits = codec.Limits(max_int_digits=limit)
    message = too_many_digits(limit, digits)
    with pure_path():
        leaf = _outcome(lambda: _decode.decode(f"<xml><a>{text}</a></xml>", limits=limits))
        embedded = _outcome(lambda: _decode.decode(f"<xml><a json='true'>[{text}]</a></xml>", limits=limits))
        encoded = _outcome(lambda: _encode.encode({"a": number}, limits=limits))
    if not over:
        assert leaf == ("ok", {"a": number})
        assert embedded == ("ok", {"a": [number]})
        assert encoded[0] == "ok"
    else:
        assert leaf == ("DecodeError", message)
        assert embedded == ("DecodeError", f"json='true': {message}")
        # The encoder does not convert an integer surely over the limit to count it.
        assert encoded[0] == "EncodeError"
        assert encoded[1] in (message, too_many_digits(limit))
    with pytest.raises(_json.EmbeddedJSONError) if over else _nothing():
        assert _json.loads(text, max_int_digits=limit) == number
    try:
        schemas.validate({"a": number}, endpoint="relations/get", direction="request", limits=limits)
    except schemas.ValidationError as error:
        digit_errors = [v for v in error.errors if v.keyword == "digits"]
    else:
        digit_errors = []
    assert [v.message for v in digit_errors] == ([too_many_digits(limit)] if over else [])


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def test_embedded_json_counts_digits_as_element_text_does() -> None:
    # Issue 13: "-12345" with a limit of 4 was "6 digits" in embedded JSON, "5" in element text.
    with pytest.raises(_json.EmbeddedJSONError) as info:
        _json.loads("-12345", max_int_digits=4)
    assert str(info.value) == too_many_digits(4, 5)


# --- §3 and §8 is-this-an-array: one predicate for the decoder and for locating ---------


@given(st.integers(1, 3), st.booleans(), st.booleans(), st.booleans())
def test_the_decoder_and_the_locators_read_arrays_by_reads_as_array(
    siblings: int, array_attr: bool, json_attr: bool, declared: bool
) -> None:
    attrs = (attribute(ARRAY) if array_attr else "") + (attribute(JSON) if json_attr else "")
    text = "7" if json_attr else "x"
    document = "<xml>\n" + "".join(f"<a{attrs}>{text}</a>\n" for _ in range(siblings)) + "</xml>"
    shape = Shape(Kind.OBJECT, properties={"a": Shape(Kind.ARRAY)}) if declared else None
    is_array = reads_as_array(siblings, array_attr, json_attr, declared)
    with pure_path():
        value = _decode.decode(document, shape=shape)["a"]
    assert isinstance(value, list) == is_array
    root = _decode.parse(document)
    elements = list(root)
    paths = [f"/a/{index}" for index in range(siblings)] if is_array else ["/a"]
    assert [_locate.path_of(element, shape) for element in elements] == (paths if is_array else ["/a"])
    lines = _locate.lines_of(root, paths, shape)
    assert [lines[path] for path in paths] == [element.sourceline for element in elements[: len(paths)]]


# --- §9 the declared encoding: one rule for the decoder and the HTTP layer ---------------


@given(
    st.sampled_from(["utf-8", "UTF-8", "utf8", "Utf8", "latin-1", "ISO-8859-1", "utf-16", "ascii", "x"]),
    st.sampled_from([" ", "\t", "\n", "  ", "\r\n"]),
    st.sampled_from(["'", '"']),
    st.booleans(),
)
def test_the_declared_encoding_rule_is_shared(name: str, space: str, quote: str, stylesheet: bool) -> None:
    target = "xml-stylesheet href='a.xsl'" if stylesheet else "xml version='1.0'"
    document = f"<?{target}{space}encoding={quote}{name}{quote}?><xml><a>1</a></xml>"
    match = _dialect.declared_encoding(document)
    # A processing instruction whose target merely starts with "xml" is no declaration (§7).
    assert (match is None) == stylesheet
    refused = not stylesheet and name.lower() not in UTF8_NAMES
    decoded = _outcome(lambda: codec.decode(document.encode("utf-8")))
    assert (decoded[0] == "DecodeError") == refused
    if refused:
        assert decoded[1] == f"the declared encoding {name!r} is refused: the dialect is UTF-8 only"
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    try:
        request = codec.http.parse_request("POST", "/api/v1.1/relations/edit", headers, document.encode("utf-8"))
    except codec.http.HttpError as error:
        assert refused, error
    else:
        assert not refused
        assert request.payload == {"a": 1}


# --- docs/dialect.md <-> codec/: every section names its code, every §N names a section --

_HEADING = re.compile(r"^## (\d+)\. ", re.MULTILINE)
_CODE_LINE = re.compile(r"^## (\d+)\. [^\n]*\n\n\*Code:\* ([^\n]*)$", re.MULTILINE)
# "§N" of this spec; "RFC 8259 §6" is another document's.
_CITATION = re.compile(r"(?<!RFC \d{4} )§(\d+)")


def _sections() -> set[int]:
    return {int(number) for number in _HEADING.findall(SPEC.read_text(encoding="utf-8"))}


def _code_files() -> list[Path]:
    return sorted([*CODE.rglob("*.py"), *CODE.rglob("*.pyx")])


def _sites() -> list[tuple[int, str, str]]:
    """(section, file, name) for every name on a section's Code: line; a file
    named alone is the site itself (name "")."""
    sites = []
    for number, line in _CODE_LINE.findall(SPEC.read_text(encoding="utf-8")):
        for group in line.split(";"):
            path, *names = re.findall(r"`([^`]+)`", group)
            assert path.startswith("codec/"), f"§{number}: {group!r} names no file first"
            sites.extend((int(number), path, name) for name in names or [""])
    return sites


def _definition(source: list[str], name: str) -> str:
    """The text of ``name``'s definition in ``source`` (a function, method or
    class, else a module constant): the paragraph just above it (its comments,
    or the constants grouped under one comment), and its lines up to the next
    line indented no deeper. A site named by its file alone is the file."""
    if not name:
        return "\n".join(source)
    escaped = re.escape(name)
    definition = re.compile(rf"^(\s*)(?:def|class)\s+{escaped}\b")
    constant = re.compile(rf"^(){escaped}\s*[:=]")
    found = [(index, match) for index, line in enumerate(source) if (match := definition.match(line))]
    found = found or [(index, match) for index, line in enumerate(source) if (match := constant.match(line))]
    assert found, f"no definition of {name}"
    index, match = found[0]
    indent = len(match.group(1))
    start = index
    while start > 0 and source[start - 1].strip():
        start -= 1
    end = index + 1
    while end < len(source) and (
        not source[end].strip()
        or len(source[end]) - len(source[end].lstrip()) > indent
        or source[end][indent : indent + 1] in (")", "]")
    ):
        end += 1
    return "\n".join(source[start:end])


def test_every_section_of_the_spec_names_its_code() -> None:
    named = {number for number, _, _ in _sites()}
    assert named == _sections()


@pytest.mark.parametrize(("section", "path", "name"), _sites(), ids=str)
def test_each_named_site_cites_its_section(section: int, path: str, name: str) -> None:
    source = (ROOT / path).read_text(encoding="utf-8").splitlines()
    cited = _CITATION.findall(_definition(source, name))
    assert str(section) in cited, f"{path} {name or '(the file)'} is named under §{section} but does not cite it"


def test_every_section_is_cited_in_the_code_and_every_citation_is_a_section() -> None:
    cited: dict[int, list[str]] = {}
    for path in _code_files():
        for number in _CITATION.findall(path.read_text(encoding="utf-8")):
            cited.setdefault(int(number), []).append(str(path.relative_to(ROOT)))
    sections = _sections()
    assert sections <= set(cited), f"sections no code cites: {sorted(sections - set(cited))}"
    assert set(cited) <= sections, {n: cited[n] for n in set(cited) - sections}


def test_floats_are_compared_with_their_sign() -> None:
    # The helper the scalar test relies on tells -0.0 from 0.0.
    assert not _same(-0.0, 0.0)
    assert _same(math.inf, math.inf)
