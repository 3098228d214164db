"""The rules of the XML dialect (docs/dialect.md), as constants and predicates.

Each name here is quoted by a section of the spec (and the spec names it back:
grep "§N" in both); the encoder and the decoder import these and restate
nothing about the format. Where a hot loop inlines a rule for speed, it uses
these constants, and tests/test_dialect_rules.py holds the inlined path equal
to the function here that it mirrors.
"""

from __future__ import annotations

import decimal
import re
from typing import Any, Final

from ._limits import LIBXML2_MAX_NAME_BYTES

__all__ = [
    "ARRAY",
    "ATTRIBUTES",
    "BOOLEANS",
    "DIRECT_INT_DIGITS",
    "ESCAPED",
    "FALSE_TEXT",
    "ILLEGAL",
    "JSON",
    "NUMBER_CHARS",
    "NUMBER_START",
    "ROOT",
    "SCALAR_START",
    "STRING",
    "TRUE",
    "TRUE_TEXT",
    "UTF8_NAMES",
    "VERSION",
    "TooManyDigits",
    "attribute",
    "declared_encoding",
    "declared_version",
    "escape_text",
    "has_illegal_chars",
    "int_digits",
    "is_element_name",
    "looks_like_scalar",
    "parse_number",
    "parse_scalar",
    "reads_as_array",
    "surrogate_pair_at",
    "too_many_digits",
]

# §2 The root element.
ROOT: Final = "xml"

# §5 The three attributes, and their one allowed value.
ARRAY: Final = "array"
STRING: Final = "string"
JSON: Final = "json"
ATTRIBUTES: Final = frozenset({ARRAY, STRING, JSON})
TRUE: Final = "true"

# §4 Scalars: the booleans, and the JSON number grammar (RFC 8259 §6), ASCII
# digits only. NUMBER_START and NUMBER_CHARS are cheap pre-tests of the
# grammar for hot loops: text starting outside NUMBER_START, or holding a
# character outside NUMBER_CHARS, is no number.
TRUE_TEXT: Final = "true"
FALSE_TEXT: Final = "false"
BOOLEANS: Final = frozenset({TRUE_TEXT, FALSE_TEXT})
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)
NUMBER_START: Final = frozenset("-0123456789")
NUMBER_CHARS: Final = "0123456789.eE+-"
# First characters of every text that looks like a scalar (a number, true, false).
SCALAR_START: Final = NUMBER_START | {TRUE_TEXT[0], FALSE_TEXT[0]}

# §3 Keys that can be element names: an XML 1.0 (5th edition) Name without
# ":" (namespaces are refused) that does not start with "xml" in any case
# (names starting so are reserved by XML itself).
_NAME_START = (
    "A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + r"\-.0-9\xb7\u0300-\u036f\u203f-\u2040"
_NAME: Final = re.compile(f"[{_NAME_START}][{_NAME_CHAR}]*")

# §6 Characters XML 1.0 cannot hold, even as character references: C0
# controls other than tab, LF and CR; surrogates; U+FFFE and U+FFFF.
ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# §6 A high surrogate followed by a low one: two code units that no JSON
# text can keep apart.
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")

# §9 Names: at most libxml2's name length, in UTF-8 bytes (4 per character
# at most, so shorter keys need no encoding to check).
_NAME_BYTES_SAFE: Final = LIBXML2_MAX_NAME_BYTES // 4

# §7 Text escaping: '&' and '<' must be escaped, '>' is escaped so that "]]>"
# cannot occur, and CR is written as a character reference because XML
# parsers turn a literal CR (and CR LF) into LF. ESCAPED holds the four
# characters, for hot loops that test them inline ("&" first: its
# replacement must not be escaped again).
_TEXT_ESCAPES: Final = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
ESCAPED: Final = "".join(char for char, _ in _TEXT_ESCAPES)

# §9 The encoding an XML declaration names: "<?xml" and whitespace at the very
# start (a PI such as <?xml-stylesheet?> is no declaration, §7), then XML's
# EncodingDecl (S 'encoding' Eq quoted-name; S is space, tab, CR, LF).
_DECLARATION_START: Final = "<?xml"
_SPACE: Final = frozenset(" \t\r\n")
_DECLARED_ENCODING: Final = re.compile(r"""[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""")
_DECLARED_VERSION: Final = re.compile(r"""[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""")
# XML 1.0 only; the names under which a declaration may name UTF-8.
VERSION: Final = "1.0"
UTF8_NAMES: Final = frozenset({"utf-8", "utf8"})


def is_element_name(key: str) -> bool:
    """Whether ``key`` can be written as an element name (§3).

    A name longer than libxml2 reads (§9) takes the JSON escape, as any other
    key that cannot be a tag does.
    """
    return (
        _NAME.fullmatch(key) is not None
        and key[:3].lower() != "xml"
        and (len(key) <= _NAME_BYTES_SAFE or len(key.encode("utf-8")) <= LIBXML2_MAX_NAME_BYTES)
    )


def surrogate_pair_at(text: str) -> int:
    """The index of a high surrogate followed by a low one in ``text``, or -1 (§6).

    No JSON text can carry them as two code units: every reader joins the
    escapes ``\\ud800\\udc00`` into one character. Such a string is not a
    JSON string, and the encoder refuses it.
    """
    if text.isascii():
        return -1
    match = _SURROGATE_PAIR.search(text)
    return -1 if match is None else match.start()


def has_illegal_chars(text: str) -> bool:
    """Whether ``text`` has a character XML 1.0 cannot carry (§6)."""
    return ILLEGAL.search(text) is not None


def escape_text(text: str) -> str:
    """Escape element text (§7)."""
    # Four substring tests and replaces run at C speed; a regex search costs
    # more on the short texts of API payloads.
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        for char, reference in _TEXT_ESCAPES:
            text = text.replace(char, reference)
    return text


def attribute(name: str) -> str:
    """``name='true'`` as the encoder writes it, with its leading space (§5, §10)."""
    return f" {name}='{TRUE}'"


def declared_encoding(document: str) -> re.Match[str] | None:
    """The ``encoding`` of the XML declaration that opens ``document``, or None (§9).

    Group 1 is the declared name as written; the match spans the
    pseudo-attribute and the whitespace before it. Bytes are read as Latin-1
    by the caller (``raw.decode("latin-1")``), which keeps every index.
    """
    return _declared(document, _DECLARED_ENCODING)


def declared_version(document: str) -> re.Match[str] | None:
    """The ``version`` of the XML declaration that opens ``document``, or None (§9)."""
    return _declared(document, _DECLARED_VERSION)


def _declared(document: str, pseudo_attribute: re.Pattern[str]) -> re.Match[str] | None:
    if not (document.startswith(_DECLARATION_START) and document[5:6] in _SPACE):
        return None
    end = document.find("?>")
    return pseudo_attribute.search(document, 0, end if end >= 0 else len(document))


def reads_as_array(siblings: int, array_attr: bool, json_attr: bool, declared_array: bool) -> bool:
    """Whether a member written as ``siblings`` same-named elements is an array (§3, §8).

    A run of two or more is one; a single element is one when it carries
    ``array='true'``, or when the endpoint's shape declares an array there and
    the element does not carry ``json='true'`` (which gives the whole value).
    """
    return siblings > 1 or array_attr or (declared_array and not json_attr)


def looks_like_scalar(text: str) -> bool:
    """Whether plain element text ``text`` would not read back as a string (§4).

    Such a string is written with ``string='true'``.
    """
    if text in BOOLEANS:
        return True
    return bool(text) and text[0] in NUMBER_START and _NUMBER.fullmatch(text) is not None


def parse_scalar(text: str | None, max_digits: int | None = None) -> Any:
    """The value of plain element text (§4): ``""`` for none, a boolean, a
    number, or else the text itself. Integers past ``max_digits`` raise
    :class:`TooManyDigits` (§9)."""
    if not text:
        return ""
    if text == TRUE_TEXT:
        return True
    if text == FALSE_TEXT:
        return False
    number = parse_number(text, max_digits)
    return text if number is None else number


class TooManyDigits(ValueError):
    """An integer longer than the caller's digit limit (§9)."""


def int_digits(text: str) -> int:
    """The digits of an integer's decimal text (§9): the sign is not one."""
    return len(text) - (text[:1] == "-")


def too_many_digits(limit: int, digits: int | None = None) -> str:
    """The one message for an integer past the digit limit (§9), from the
    decoder, the encoder, embedded JSON and validation alike. ``digits`` is
    None where the integer is too long to be worth counting."""
    count = f"more than {limit}" if digits is None else str(digits)
    return f"an integer of {count} digits, over the limit of {limit} (Limits.max_int_digits)"


def _int(text: str, max_digits: int | None) -> int:
    # The length bounds the digits from above: most integers need no count.
    if max_digits is not None and len(text) > max_digits:
        digits = int_digits(text)
        if digits > max_digits:
            raise TooManyDigits(too_many_digits(max_digits, digits))
    return str_to_int(text)


def parse_number(text: str, max_digits: int | None = None) -> int | float | None:
    """Read ``text`` as a JSON number, or ``None`` if it is not one (§4).

    Integers are exact at any size; a number with a fraction or an exponent is
    a float. A float that overflows to infinity is not a number JSON can hold,
    so it is not a number at all: ``None``. An integer of more than
    ``max_digits`` digits raises :class:`TooManyDigits`.
    """
    # Cheap rejections first: hex IDs and hashes often start with a digit.
    if not text or text[0] not in NUMBER_START:
        return None
    if text.isdigit():
        if text.isascii() and (text[0] != "0" or len(text) == 1):
            return _int(text, max_digits)
        return None
    if text.strip(NUMBER_CHARS) or _NUMBER.fullmatch(text) is None:
        return None
    if text[1:].isdigit():  # a negative integer
        return _int(text, max_digits)
    value = float(text)
    if value in (_INF, _NEG_INF):
        return None
    return value


_INF: Final = float("inf")
_NEG_INF: Final = float("-inf")

# CPython (3.11+, and 3.10.7+) refuses int <-> str conversions past 4300 digits
# as a guard against quadratic work. The dialect promises exact integers at any
# size, bounded only by the document size limit, so longer ones are split: in
# halves, recursively, so that the work stays subquadratic (a million digits
# take about half a second; converting chunk by chunk took over three).
_CHUNK: Final = 4000
_CHUNK_BITS: Final = 8192
# Decimal texts of up to this many characters convert both ways with plain
# int() and str() (str_to_int, int_to_str): hot loops may call those directly.
DIRECT_INT_DIGITS: Final = _CHUNK


def str_to_int(text: str) -> int:
    """``int(text)`` for a validated decimal, without CPython's digit limit."""
    if len(text) <= _CHUNK:
        return int(text)
    negative = text[0] == "-"
    digits = text[1:] if negative else text
    value = _digits_to_int(digits, 0, len(digits), {})
    return -value if negative else value


def _digits_to_int(digits: str, start: int, end: int, powers: dict[int, int]) -> int:
    size = end - start
    if size <= _CHUNK:
        return int(digits[start:end])
    low = _CHUNK  # the low part: a power-of-two multiple of _CHUNK digits, at least half
    while low * 2 < size:
        low *= 2
    power = powers.get(low)
    if power is None:
        power = powers[low] = 5**low  # high * 10**low is (high * 5**low) << low, a smaller product
    high = _digits_to_int(digits, start, end - low, powers)
    return ((high * power) << low) + _digits_to_int(digits, end - low, end, powers)


def int_to_str(value: int) -> str:
    """``str(value)`` without CPython's digit limit."""
    try:
        return str(value)
    except ValueError:
        pass
    # Build a Decimal by halves of the binary value (libmpdec multiplies big
    # numbers fast) and print it: subquadratic, where repeated divmod is not.
    context = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    magnitude = abs(value)
    text = str(_int_to_decimal(magnitude, magnitude.bit_length(), context, {}))
    return "-" + text if value < 0 else text


def _int_to_decimal(
    value: int, bits: int, context: decimal.Context, powers: dict[int, decimal.Decimal]
) -> decimal.Decimal:
    """``value`` (``0 <= value < 2**bits``) as an exact Decimal."""
    if bits <= _CHUNK_BITS:
        return decimal.Decimal(value)
    half = bits >> 1
    high = value >> half
    power = powers.get(half)
    if power is None:
        power = powers[half] = context.power(decimal.Decimal(2), half)
    return context.add(
        context.multiply(_int_to_decimal(high, bits - half, context, powers), power),
        _int_to_decimal(value - (high << half), half, context, powers),
    )
