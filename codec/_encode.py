"""The encoder: a JSON-compatible mapping to canonical XML bytes.

Canonical output (spec §10) is written directly as text rather than through an
lxml tree: it is several times faster, and it pins every byte, which the
conformance vectors compare.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from . import _json
from ._accel import speedups
from ._dialect import (
    ARRAY,
    BOOLEANS,
    DIRECT_INT_DIGITS,
    JSON,
    NUMBER_CHARS,
    ROOT,
    SCALAR_START,
    STRING,
    attribute,
    escape_text,
    has_illegal_chars,
    is_element_name,
    looks_like_scalar,
)
from ._errors import EncodeError
from ._json import UnencodableValue, integer_text, plain_mapping, plain_scalar, plain_value
from ._limits import DEFAULT_LIMITS, LIBXML2_MAX_TEXT_BYTES, Limits
from ._shape import Kind, Shape

__all__ = ["encode"]

# §5 The attributes as written, with their leading space.
_ITEM: Final = attribute(ARRAY)
_AS_STRING: Final = attribute(STRING)
_AS_JSON: Final = attribute(JSON)


# Tags per key: the open tag's start, the close tag, and the whole open tag
# of an element with no attribute (so a plain value is three pieces of the
# output, not four); None for a key that cannot be an element name. Keys
# repeat across records, so this saves the name check and the concatenations
# per element. Bounded, because keys come from callers.
_Tags = tuple[str, str, str]
_TAGS: dict[str, _Tags | None] = {}
_TAGS_MAX: Final = 4096


class _NotPlain(Exception):
    """A key that is not an exact ``str``: the object is read again by
    :func:`plain_mapping`."""


def _tags(key: str) -> _Tags | None:
    """The tags of ``key``; called when the cache misses.

    Only exact ``str`` keys are cached. A ``str`` subclass key (an ``Enum``
    member) that misses raises :class:`_NotPlain`; one that hits is equal to,
    and hashes as, a cached exact ``str``, so its tags are that string's.
    Checking the type here, on the miss, keeps the check out of the hot loop.
    """
    if type(key) is not str:
        raise _NotPlain
    found = _TAGS.get(key, False)
    if found is not False:
        return found  # type: ignore[return-value]
    tags = ("<" + key, "</" + key + ">", "<" + key + ">") if is_element_name(key) else None
    if len(_TAGS) >= _TAGS_MAX:
        _TAGS.clear()
    _TAGS[key] = tags
    return tags


_isfinite: Final = math.isfinite


def _is_array(value: Any) -> bool:
    kind = type(value)
    return kind is list or kind is tuple or (kind is not str and isinstance(value, (list, tuple)))


class _Writer:
    """One encoding run: the output list and the options.

    Every ``depth`` argument is the depth the value has if it is an object or
    an array: the root object is at depth 1 (spec §9).

    The first run is ``careful=False``: it writes strings as they are. When its
    output has a character XML cannot hold, or could have a text node longer
    than libxml2 reads, the encoder runs again ``careful``, checking every
    string, so that only the strings that need it take the JSON escape and an
    over-long text is refused with its path.
    """

    __slots__ = ("careful", "containers", "indent", "limits", "max_depth", "out", "short_int_bits")

    def __init__(self, limits: Limits, pretty: bool, careful: bool) -> None:
        self.limits = limits
        self.out: list[str] = []
        self.max_depth = limits.max_depth
        # An integer under 2**(3 * d) is under 8**d < 10**d: at most d digits.
        # With d within the digit limit and DIRECT_INT_DIGITS, str() writes it
        # as integer_text would, with no check to make.
        self.short_int_bits = 3 * min(limits.max_int_digits, DIRECT_INT_DIGITS)
        self.indent: str | None = "\n" if pretty else None
        self.careful = careful
        self.containers = [0]  # objects and arrays inside embedded JSON

    def _deeper(self, depth: int) -> None:
        if depth > self.max_depth:
            raise UnencodableValue(f"nesting deeper than the limit of {self.max_depth}")

    def members(self, obj: dict[Any, Any], depth: int, shape: Shape | None, indent: str | None) -> bool:
        """Write an object's members (§3); False if a key cannot be an element name.

        ``obj`` is a dict (other mappings are read by :func:`plain_mapping`
        first); its keys may still be ``str`` subclasses or not strings.

        The hot loop of the encoder: plain strings, integers and booleans are
        written inline (a method call per value would cost a third more).
        """
        if depth > self.max_depth:
            self._deeper(depth)
        out = self.out
        mark = len(out)
        inner = None if indent is None else indent + "  "
        plain = shape is None and indent is None and not self.careful
        short_int_bits = self.short_int_bits
        cached_tags = _TAGS.get  # _TAGS is cleared, never replaced
        try:
            for key, value in obj.items():
                tags = cached_tags(key) or _tags(key)
                if tags is None:
                    del out[mark:]
                    return False
                try:
                    kind = type(value)
                    if plain:
                        if kind is str:
                            # §4 surely not looks_like_scalar, and §7 nothing for
                            # escape_text to escape (its ESCAPED characters),
                            # inline; tests/test_dialect_rules.py holds them equal.
                            # (lstrip: all NUMBER_CHARS if and only if it strips
                            # everything, and it stops at the first other one.)
                            if (
                                value
                                and (
                                    value[0] not in SCALAR_START
                                    or (value.lstrip(NUMBER_CHARS) and value not in BOOLEANS)
                                )
                                and "&" not in value
                                and "<" not in value
                                and ">" not in value
                                and "\r" not in value
                            ):
                                out += (tags[2], value, tags[1])
                                continue
                        elif kind is int:
                            # integer_text, with its call and checks only for long ones.
                            text = (
                                str(value) if value.bit_length() <= short_int_bits else integer_text(value, self.limits)
                            )
                            out += (tags[2], text, tags[1])
                            continue
                        elif kind is float and _isfinite(value):
                            # What element() writes; it refuses NaN and the infinities.
                            out += (tags[2], repr(value), tags[1])
                            continue
                        elif kind is bool:
                            out += (tags[0], ">true" if value else ">false", tags[1])
                            continue
                        elif kind is dict:
                            self.nested(tags, "", value, depth + 1, None, None)
                            continue
                    member = None if shape is None else shape.member(key)
                    if member is not None and member.kind is Kind.JSON:
                        self.embedded(tags, "", value, depth + 1, inner)
                    elif kind is list or (kind is not str and kind is not dict and _is_array(value)):
                        self.array(tags, value, depth + 1, member, inner)
                    elif member is not None and member.kind is Kind.ARRAY:
                        # §8: a lone element of an array member is read as its one
                        # item; only the escape keeps a value that is not an array.
                        self.embedded(tags, "", value, depth + 1, inner)
                    else:
                        self.element(tags, "", value, depth + 1, member, inner)
                except UnencodableValue as refusal:
                    refusal.parts.append(key)
                    raise
        except _NotPlain:
            # A key that is not an exact str (an Enum member, or not a str at
            # all): start again with the keys by value, or refuse.
            del out[mark:]
            return self.members(plain_mapping(obj), depth, shape, indent)
        return True

    def array(self, tags: _Tags, items: Any, depth: int, shape: Shape | None, indent: str | None) -> None:
        """Write an array member as its run of same-named elements (§3)."""
        self._deeper(depth)
        if not items:
            if indent is not None:
                self.out.append(indent)
            self.out.append(tags[0] + _ITEM + "/>")
            return
        item_shape = None if shape is None else shape.items
        if len(items) == 1:
            item = items[0]
            try:
                if isinstance(item, str) and not item:
                    # A bare <k array='true'/> is [], so [""] takes the escape.
                    self.embedded(tags, _ITEM, item, depth + 1, indent)
                else:
                    self.element(tags, _ITEM, item, depth + 1, item_shape, indent)
            except UnencodableValue as refusal:
                refusal.parts.append(0)
                raise
            return
        plain = item_shape is None and indent is None
        for index, item in enumerate(items):
            try:
                if plain and type(item) is dict:
                    self.nested(tags, "", item, depth + 1, None, None)
                else:
                    self.element(tags, "", item, depth + 1, item_shape, indent)
            except UnencodableValue as refusal:
                refusal.parts.append(index)
                raise

    def element(self, tags: _Tags, attrs: str, value: Any, depth: int, shape: Shape | None, indent: str | None) -> None:
        """Write one value as an element: scalars by §4 and §7, what fits no
        element by the escape of §6, what the shape declares by §8."""
        kind = type(value)
        if shape is not None:
            if shape.kind is Kind.JSON:
                self.embedded(tags, attrs, value, depth, indent)
                return
            if kind is not str and kind is not dict and kind is not list and kind is not tuple and value is not None:
                value = plain_scalar(value) if isinstance(value, (str, int, float)) else value
                kind = type(value)
            if shape.kind is Kind.STRING and (kind is int or kind is float or kind is bool):
                # §8: the text of a string member is kept as a string.
                self.embedded(tags, attrs, value, depth, indent)
                return
            if (shape.kind is Kind.OBJECT or shape.kind is Kind.ARRAY) and kind is str and not value:
                # §8: an empty element of an object or array member is {} or [].
                if indent is not None:
                    self.out.append(indent)
                self.out.append(tags[0] + attrs + _AS_STRING + "/>")
                return
        out = self.out
        if indent is not None and (kind is str or kind is int or kind is bool or kind is dict or kind is float):
            out.append(indent)
        if kind is str:
            if not value:
                out.append(tags[0] + attrs + "/>")
            elif self.careful and (has_illegal_chars(value) or self.too_long(value)):
                self.embedded(tags, attrs, value, depth, None)
            elif looks_like_scalar(value):
                out.append(tags[0] + attrs + _AS_STRING + ">" + escape_text(value) + tags[1])
            else:
                out.append(tags[0] + attrs + ">" + escape_text(value) + tags[1])
        elif kind is int:
            out.append(tags[0] + attrs + ">" + integer_text(value, self.limits) + tags[1])
        elif kind is bool:
            out.append(tags[0] + attrs + (">true" if value else ">false") + tags[1])
        elif kind is dict:
            self.nested(tags, attrs, value, depth, shape, indent)
        elif kind is float:
            if not math.isfinite(value):
                raise UnencodableValue(f"{value!r} is not a JSON number")
            out.append(tags[0] + attrs + ">" + repr(value) + tags[1])
        elif value is None or kind is list or kind is tuple:
            # null has no element form, and an array directly inside an array
            # cannot be told apart from its parent's repeated elements.
            self.embedded(tags, attrs, value, depth, indent)
        elif isinstance(value, Mapping):
            self.element(tags, attrs, plain_mapping(value), depth, shape, indent)
        elif isinstance(value, (list, tuple)):
            self.element(tags, attrs, list(value), depth, shape, indent)
        else:
            self.element(tags, attrs, plain_scalar(value), depth, shape, indent)

    def too_long(self, text: str) -> bool:
        """Whether ``text`` is over libxml2's text node limit (§9)."""
        if len(text) * 4 <= LIBXML2_MAX_TEXT_BYTES:
            return False
        if len(text.encode("utf-8", "surrogatepass")) <= LIBXML2_MAX_TEXT_BYTES:
            return False
        if self.careful and not has_illegal_chars(text):
            raise UnencodableValue(
                f"a text of {len(text.encode('utf-8'))} UTF-8 bytes, over libxml2's limit of "
                f"{LIBXML2_MAX_TEXT_BYTES} for one text node"
            )
        return True

    def nested(
        self,
        tags: _Tags,
        attrs: str,
        value: dict[Any, Any],
        depth: int,
        shape: Shape | None,
        indent: str | None,
    ) -> None:
        """Write an object as an element with children, or with the JSON escape
        when it is empty or has a key that cannot be a tag (§3, §6)."""
        if not value:
            self.embedded(tags, attrs, value, depth, None)
            return
        out = self.out
        out.append(tags[0] + attrs + ">" if attrs else tags[2])
        mark = len(out)
        if self.members(value, depth, shape, indent):
            if indent is not None:
                out.append(indent)
            out.append(tags[1])
        else:
            # A key that cannot be an element name: this object is the
            # smallest value that needs the JSON escape.
            del out[mark - 1 :]
            self.embedded(tags, attrs, value, depth, None)

    def embedded(self, tags: _Tags, attrs: str, value: Any, depth: int, indent: str | None) -> None:
        """Write ``value`` with the JSON escape, ``json='true'`` (§6)."""
        if indent is not None:
            self.out.append(indent)
        text = _json.dumps(plain_value(value, depth, self.limits, self.containers))
        if len(text) * 4 > LIBXML2_MAX_TEXT_BYTES and len(text.encode("utf-8")) > LIBXML2_MAX_TEXT_BYTES:
            raise UnencodableValue(
                f"the JSON text of this value is {len(text.encode('utf-8'))} UTF-8 bytes, over libxml2's limit "
                f"of {LIBXML2_MAX_TEXT_BYTES} for one text node"
            )
        self.out.append(tags[0] + attrs + _AS_JSON + ">" + escape_text(text) + tags[1])


# §2 The root element's tags; §10 "<xml/>" for {}.
_ROOT_TAGS: Final = ("<" + ROOT, "</" + ROOT + ">", "<" + ROOT + ">")
_EMPTY_ROOT: Final = "<" + ROOT + "/>"


def encode(
    obj: Mapping[str, Any],
    /,
    *,
    pretty: bool = False,
    shape: Shape | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Encode a JSON-compatible mapping as an XML document of the dialect.

    Args:
        obj: the request or response body (§1): a mapping with string keys whose
            values are mappings, lists, tuples, str, int, float, bool or None
            (subclasses such as ``Enum`` members are written by their value,
            as ``json.dumps`` writes them).
        pretty: indent the output by two spaces per level. Decoding the
            pretty output gives the same value.
        shape: a shape hint (from an endpoint schema): members it marks as
            embedded JSON are always written with ``json='true'``, and values
            that do not fit their member's shape take the attribute that keeps
            them (§8), so that decoding with the same shape gives them back.
        limits: the bounds the decoder applies; the encoder refuses what
            ``decode`` with the same limits would refuse (§9).

    Returns:
        UTF-8 XML, canonical (spec §10) unless ``pretty``.

    Raises:
        EncodeError: a value that is not JSON-compatible (a set, a datetime,
            NaN, an infinity, a non-string key, a string holding a surrogate
            pair as two code units) or over a limit, with its path.
    """
    if not isinstance(obj, Mapping):
        raise EncodeError(f"the document must be an object (a mapping), not {type(obj).__name__}")
    if speedups is not None and type(obj) is dict:
        # The compiled writer returns these same bytes, or None for anything
        # but the common case (then the pure writer below decides, errors and
        # their paths included). It applies every limit itself.
        fast: bytes | None = speedups.encode(obj, pretty, shape, limits)
        if fast is not None:
            return fast
    try:
        writer = _Writer(limits, pretty, careful=False)
        data = _utf8_if_fits(_write(writer, obj, shape))
        if data is None:
            # Rare: a string XML cannot hold, or a text node that may be longer
            # than libxml2 reads. Write again, checking each string.
            writer = _Writer(limits, pretty, careful=True)
            data = _write(writer, obj, shape).encode("utf-8")
        _check_size(data, writer.containers[0], limits)
    except UnencodableValue as refusal:
        raise refusal.error() from None
    except RecursionError:
        raise EncodeError(f"nesting deeper than the limit of {limits.max_depth}") from None
    return data


def _check_size(data: bytes, containers: int, limits: Limits) -> None:
    """Refuse output the decoder with ``limits`` would refuse for its size (§9)."""
    if len(data) > limits.max_bytes:
        raise UnencodableValue(
            f"the document is {len(data)} bytes, over the limit of {limits.max_bytes} (Limits.max_bytes)"
        )
    # Each element takes at least 4 bytes (<a/>), so short output needs no count.
    if len(data) // 4 + containers > limits.max_elements:
        # No comments, CDATA or processing instructions are written, and "<"
        # in text is escaped: each "<" not followed by "/" starts an element.
        elements = data.count(b"<") - data.count(b"</") + containers
        if elements > limits.max_elements:
            raise UnencodableValue(
                f"{elements} elements (embedded JSON objects and arrays included), "
                f"over the limit of {limits.max_elements} (Limits.max_elements)"
            )


# The characters of §6 that XML cannot hold, found in the UTF-8 output in a few
# C-speed passes (a regex over the text is several times slower): surrogates
# fail to encode, C0 controls are deleted by translate, U+FFFE/U+FFFF searched.
_C0_ILLEGAL: Final = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NONCHARACTERS: Final = ("\ufffe".encode(), "\uffff".encode())
_TEXT_WINDOW: Final = LIBXML2_MAX_TEXT_BYTES // 2


def _utf8_if_fits(text: str) -> bytes | None:
    """``text`` as UTF-8, or None if it has a character XML cannot hold or
    may have a text node over libxml2's limit."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if len(data.translate(None, _C0_ILLEGAL)) != len(data):
        return None
    # ASCII text, which str knows without a scan, holds no noncharacter: the
    # two searches took most of this function's time on large output.
    if not text.isascii() and (_NONCHARACTERS[0] in data or _NONCHARACTERS[1] in data):
        return None
    if len(data) > LIBXML2_MAX_TEXT_BYTES and _may_have_long_text(data):
        return None
    return data


def _may_have_long_text(data: bytes) -> bool:
    """Whether ``data`` has a run of over LIBXML2_MAX_TEXT_BYTES bytes without
    a "<". Such a run holds a whole window of half that size aligned to its
    size, so a few C-speed searches find it."""
    return any(
        data.find(b"<", start, start + _TEXT_WINDOW) < 0 for start in range(0, len(data) - _TEXT_WINDOW, _TEXT_WINDOW)
    )


def _write(writer: _Writer, obj: Mapping[Any, Any], shape: Shape | None) -> str:
    """The document: the root element (§2) in canonical form (§10)."""
    if type(obj) is not dict:
        obj = plain_mapping(obj)
    out = writer.out
    if not obj:
        return _EMPTY_ROOT
    out.append(_ROOT_TAGS[2])
    if writer.members(obj, 1, shape, writer.indent):
        if writer.indent is not None:
            out.append("\n")
        out.append(_ROOT_TAGS[1])
    else:
        # A key that cannot be an element name: the root itself is the
        # smallest value that needs the JSON escape.
        out[:] = []
        writer.containers[0] = 0
        writer.embedded(_ROOT_TAGS, "", obj, 1, None)
    return "".join(out)
