"""The rules of the XML dialect (docs/dialect.md), as constants and predicates.

Each name here is quoted by a section of the spec; the encoder and the decoder
import these and nothing else about the format, so a rule lives in one place.
"""

from __future__ import annotations

import decimal
import re
from typing import Final

from ._limits import LIBXML2_MAX_NAME_BYTES

__all__ = [
    "ARRAY",
    "ATTRIBUTES",
    "JSON",
    "ROOT",
    "STRING",
    "TRUE",
    "TooManyDigits",
    "escape_text",
    "has_illegal_chars",
    "is_element_name",
    "looks_like_scalar",
    "parse_number",
    "surrogate_pair_at",
]

# §2 The root element.
ROOT: Final = "xml"

# §5 The three attributes, and their one allowed value.
ARRAY: Final = "array"
STRING: Final = "string"
JSON: Final = "json"
ATTRIBUTES: Final = frozenset({ARRAY, STRING, JSON})
TRUE: Final = "true"

# §4 Scalars: the JSON number grammar (RFC 8259 §6), ASCII digits only.
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)
_NUMBER_START: Final = frozenset("-0123456789")
_NUMBER_CHARS: Final = "0123456789.eE+-"

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
_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# §6 A high surrogate followed by a low one: two code units that no JSON
# text can keep apart.
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")

# §9 Names: at most libxml2's name length, in UTF-8 bytes (4 per character
# at most, so shorter keys need no encoding to check).
_NAME_BYTES_SAFE: Final = LIBXML2_MAX_NAME_BYTES // 4

# §7 Text escaping: '&' and '<' must be escaped, '>' is escaped so that "]]>"
# cannot occur, and CR is written as a character reference because XML
# parsers turn a literal CR (and CR LF) into LF.
_TEXT_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_NEEDS_ESCAPE: Final = re.compile("[&<>\r]")


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
    return _ILLEGAL.search(text) is not None


def escape_text(text: str) -> str:
    """Escape element text (§7)."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_TEXT_ESCAPES)


def looks_like_scalar(text: str) -> bool:
    """Whether plain element text ``text`` would not read back as a string (§4).

    Such a string is written with ``string='true'``.
    """
    if text in {"true", "false"}:
        return True
    return bool(text) and text[0] in _NUMBER_START and _NUMBER.fullmatch(text) is not None


class TooManyDigits(ValueError):
    """An integer longer than the caller's digit limit."""


def _int(text: str, max_digits: int | None) -> int:
    if max_digits is not None and len(text) - (text[0] == "-") > max_digits:
        raise TooManyDigits(f"an integer of {len(text) - (text[0] == '-')} digits, over the limit of {max_digits}")
    return str_to_int(text)


def parse_number(text: str, max_digits: int | None = None) -> int | float | None:
    """Read ``text`` as a JSON number, or ``None`` if it is not one (§4).

    Integers are exact at any size; a number with a fraction or an exponent is
    a float. A float that overflows to infinity is not a number JSON can hold,
    so it is not a number at all: ``None``. An integer of more than
    ``max_digits`` digits raises :class:`TooManyDigits`.
    """
    # Cheap rejections first: hex IDs and hashes often start with a digit.
    if not text or text[0] not in _NUMBER_START:
        return None
    if text.isdigit():
        if text.isascii() and (text[0] != "0" or len(text) == 1):
            return _int(text, max_digits)
        return None
    if text.strip(_NUMBER_CHARS) or _NUMBER.fullmatch(text) is None:
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
