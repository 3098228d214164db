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
from ._dialect import has_illegal_chars, int_to_str, is_element_name, looks_like_scalar
from ._errors import EncodeError, pointer
from ._limits import DEFAULT_LIMITS, Limits
from ._shape import Kind, Shape

__all__ = ["encode"]

_ITEM: Final = " array='true'"
_AS_STRING: Final = " string='true'"
_AS_JSON: Final = " json='true'"


class _Refusal(Exception):
    """An unencodable value; collects the path while the stack unwinds."""

    def __init__(self, msg: str) -> None:
        self.msg = msg
        self.parts: list[str | int] = []


# Open and close tags per key, or None for a key that cannot be an element
# name. Keys repeat across records, so this saves the name check and two
# concatenations per element. Bounded, because keys come from callers.
_TAGS: dict[str, tuple[str, str] | None] = {}
_TAGS_MAX: Final = 4096


def _tags(key: object) -> tuple[str, str] | None:
    if type(key) is not str:
        if isinstance(key, str):
            key = str(key)
        else:
            raise _Refusal(f"object keys must be strings, not {type(key).__name__}")
    found = _TAGS.get(key, False)
    if found is not False:
        return found  # type: ignore[return-value]
    tags = ("<" + key, "</" + key + ">") if is_element_name(key) else None
    if len(_TAGS) >= _TAGS_MAX:
        _TAGS.clear()
    _TAGS[key] = tags
    return tags


# First characters of strings that may need string='true' (numbers, true, false).
_SCALAR_START: Final = frozenset("-0123456789tf")
_NUMBER_CHARS: Final = "0123456789.eE+-"
_BOOLEANS: Final = frozenset({"true", "false"})


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text


def _checked_json(value: Any, depth: int, limits: Limits) -> Any:
    """``value`` as plain dicts, lists and scalars, its types and depth checked.

    ``depth`` is the depth ``value`` has if it is an object or an array.
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        _integer(value, limits)
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _Refusal(f"{value!r} is not a JSON number")
        return value
    if isinstance(value, (Mapping, list, tuple)) and depth > limits.max_depth:
        raise _Refusal(f"nesting deeper than the limit of {limits.max_depth}")
    if isinstance(value, Mapping):
        result = {}
        for key, member in value.items():
            if not isinstance(key, str):
                raise _Refusal(f"object keys must be strings, not {type(key).__name__}")
            try:
                result[str(key)] = _checked_json(member, depth + 1, limits)
            except _Refusal as refusal:
                refusal.parts.append(key)
                raise
        return result
    if isinstance(value, (list, tuple)):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_checked_json(item, depth + 1, limits))
            except _Refusal as refusal:
                refusal.parts.append(index)
                raise
        return items
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return _checked_json(int(value), depth, limits)
    if isinstance(value, float):
        return _checked_json(float(value), depth, limits)
    raise _Refusal(f"{type(value).__name__} is not a JSON type")


def _integer(value: int, limits: Limits) -> str:
    """``value`` in decimal, refused past ``limits.max_int_digits`` (§9)."""
    if value.bit_length() > 4 * limits.max_int_digits:  # surely over: do not convert
        raise _Refusal(f"an integer of over {limits.max_int_digits} digits (Limits.max_int_digits)")
    text = int_to_str(value)
    if len(text) - (value < 0) > limits.max_int_digits:
        raise _Refusal(f"an integer of {len(text) - (value < 0)} digits, over the limit of {limits.max_int_digits}")
    return text


def _is_array(value: Any) -> bool:
    kind = type(value)
    return kind is list or kind is tuple or (kind is not str and isinstance(value, (list, tuple)))


class _Writer:
    """One encoding run: the output list and the options.

    Every ``depth`` argument is the depth the value has if it is an object or
    an array: the root object is at depth 1 (spec §9).
    """

    __slots__ = ("check_chars", "indent", "limits", "max_depth", "out")

    def __init__(self, limits: Limits, pretty: bool, check_chars: bool) -> None:
        self.limits = limits
        max_depth = limits.max_depth
        self.out: list[str] = []
        self.max_depth = max_depth
        self.indent: str | None = "\n" if pretty else None
        self.check_chars = check_chars

    def _deeper(self, depth: int) -> None:
        if depth > self.max_depth:
            raise _Refusal(f"nesting deeper than the limit of {self.max_depth}")

    def members(self, obj: Mapping[Any, Any], depth: int, shape: Shape | None, indent: str | None) -> bool:
        """Write an object's members; False if a key cannot be an element name.

        The hot loop of the encoder: plain strings, integers and booleans are
        written inline (a method call per value would cost a third more).
        """
        self._deeper(depth)
        out = self.out
        mark = len(out)
        inner = None if indent is None else indent + "  "
        plain = shape is None and indent is None and not self.check_chars
        for key, value in obj.items():
            tags = _TAGS.get(key) or _tags(key)
            if tags is None:
                del out[mark:]
                return False
            try:
                kind = type(value)
                if plain:
                    if kind is str:
                        if (
                            value
                            and (
                                value[0] not in _SCALAR_START or (value.strip(_NUMBER_CHARS) and value not in _BOOLEANS)
                            )
                            and "&" not in value
                            and "<" not in value
                            and ">" not in value
                            and "\r" not in value
                        ):
                            out += (tags[0], ">", value, tags[1])
                            continue
                    elif kind is int:
                        out += (tags[0], ">", _integer(value, self.limits), tags[1])
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
                else:
                    self.element(tags, "", value, depth + 1, member, inner)
            except _Refusal as refusal:
                refusal.parts.append(key)
                raise
        return True

    def array(self, tags: tuple[str, str], items: Any, depth: int, shape: Shape | None, indent: str | None) -> None:
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
                if type(item) is str and not item:
                    # A bare <k array='true'/> is [], so [""] takes the escape.
                    self.embedded(tags, _ITEM, item, depth + 1, indent)
                else:
                    self.element(tags, _ITEM, item, depth + 1, item_shape, indent)
            except _Refusal as refusal:
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
            except _Refusal as refusal:
                refusal.parts.append(index)
                raise

    def element(
        self, tags: tuple[str, str], attrs: str, value: Any, depth: int, shape: Shape | None, indent: str | None
    ) -> None:
        kind = type(value)
        if shape is not None and shape.kind is Kind.JSON:
            self.embedded(tags, attrs, value, depth, indent)
            return
        out = self.out
        if indent is not None:
            out.append(indent)
        if kind is str:
            if not value:
                out.append(tags[0] + attrs + "/>")
            elif self.check_chars and has_illegal_chars(value):
                self.embedded(tags, attrs, value, depth, None)
            elif looks_like_scalar(value):
                out.append(tags[0] + attrs + _AS_STRING + ">" + _escape(value) + tags[1])
            else:
                out.append(tags[0] + attrs + ">" + _escape(value) + tags[1])
        elif kind is int:
            out.append(tags[0] + attrs + ">" + _integer(value, self.limits) + tags[1])
        elif kind is bool:
            out.append(tags[0] + attrs + (">true" if value else ">false") + tags[1])
        elif kind is dict:
            self.nested(tags, attrs, value, depth, shape, indent)
        elif kind is float:
            if not math.isfinite(value):
                raise _Refusal(f"{value!r} is not a JSON number")
            out.append(tags[0] + attrs + ">" + repr(value) + tags[1])
        elif value is None or kind is list or kind is tuple:
            # null has no element form, and an array directly inside an array
            # cannot be told apart from its parent's repeated elements.
            self.embedded(tags, attrs, value, depth, None)
        else:
            self.element(tags, attrs, _checked_json(value, depth, self.limits), depth, shape, None)

    def nested(
        self,
        tags: tuple[str, str],
        attrs: str,
        value: dict[Any, Any],
        depth: int,
        shape: Shape | None,
        indent: str | None,
    ) -> None:
        if not value:
            self.embedded(tags, attrs, value, depth, None)
            return
        out = self.out
        out.append(tags[0] + attrs + ">")
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

    def embedded(self, tags: tuple[str, str], attrs: str, value: Any, depth: int, indent: str | None) -> None:
        if indent is not None:
            self.out.append(indent)
        text = _json.dumps(_checked_json(value, depth, self.limits))
        self.out.append(tags[0] + attrs + _AS_JSON + ">" + _escape(text) + tags[1])


_ROOT_TAGS: Final = ("<xml", "</xml>")


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
        obj: the request or response body: a mapping with string keys whose
            values are dicts, lists, tuples, str, int, float, bool or None.
        pretty: indent the output by two spaces per level. Decoding the
            pretty output gives the same value.
        shape: a shape hint (from an endpoint schema); members it marks as
            embedded JSON are always written with ``json='true'``.
        limits: the bound on nesting depth.

    Returns:
        UTF-8 XML, canonical (spec §10) unless ``pretty``.

    Raises:
        EncodeError: a value that is not JSON-compatible (a set, a datetime,
            NaN, an infinity, a non-string key, nesting past the depth limit),
            with its path.
    """
    if not isinstance(obj, Mapping):
        raise EncodeError(f"the document must be an object (a mapping), not {type(obj).__name__}")
    if speedups is not None and shape is None and type(obj) is dict:
        # The compiled writer returns these same bytes, or None for anything
        # but the common case (then the pure writer below decides).
        fast: bytes | None = speedups.encode(obj, pretty, limits.max_depth, limits.max_int_digits)
        if fast is not None:
            return fast
    try:
        data = _utf8_if_legal(_write(obj, pretty, shape, limits, check_chars=False))
        if data is None:
            # Rare: a string XML cannot hold. Write again, checking each string,
            # so that only the strings that need it take the JSON escape.
            data = _write(obj, pretty, shape, limits, check_chars=True).encode("utf-8")
    except _Refusal as refusal:
        raise EncodeError(refusal.msg, path=pointer(refusal.parts[::-1])) from None
    except RecursionError:
        raise EncodeError(f"nesting deeper than the limit of {limits.max_depth}") from None
    return data


# The characters of §6 that XML cannot hold, found in the UTF-8 output in a few
# C-speed passes (a regex over the text is several times slower): surrogates
# fail to encode, C0 controls are deleted by translate, U+FFFE/U+FFFF searched.
_C0_ILLEGAL: Final = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NONCHARACTERS: Final = ("\ufffe".encode(), "\uffff".encode())


def _utf8_if_legal(text: str) -> bytes | None:
    """``text`` as UTF-8, or None if it has a character XML cannot hold."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if len(data.translate(None, _C0_ILLEGAL)) != len(data):
        return None
    if _NONCHARACTERS[0] in data or _NONCHARACTERS[1] in data:
        return None
    return data


def _write(obj: Mapping[Any, Any], pretty: bool, shape: Shape | None, limits: Limits, check_chars: bool) -> str:
    writer = _Writer(limits, pretty, check_chars)
    out = writer.out
    out.append("<xml>")
    if not obj:
        return "<xml/>"
    if writer.members(obj, 1, shape, writer.indent):
        if pretty:
            out.append("\n")
        out.append("</xml>")
    else:
        # A key that cannot be an element name: the root itself is the
        # smallest value that needs the JSON escape.
        out[:] = []
        writer.embedded(_ROOT_TAGS, "", obj, 1, None)
    return "".join(out)
