"""JSON: the canonical writer and the strict reader of embedded JSON (§6 of
the spec), and the check of a Python value as JSON that the encoder and the
HTTP layer share.

The dialect fixes the exact text (other implementations must produce the
same bytes), so the writer here is the reference: ``json.dumps`` escapes less
(it writes surrogates, U+FFFE and U+FFFF as they are) and cannot write
integers past CPython's digit limit. Its C encoder writes every other text
the same, so :func:`dumps` takes it first and checks for those cases.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeAlias

from ._dialect import int_digits, int_to_str, str_to_int, surrogate_pair_at, too_many_digits
from ._errors import EncodeError, pointer
from ._limits import Limits

__all__ = [
    "EmbeddedJSONError",
    "UnencodableValue",
    "brackets",
    "checked",
    "depth",
    "document_text",
    "dumps",
    "error_line",
    "integer_text",
    "loads",
    "plain_key",
    "plain_mapping",
    "plain_scalar",
    "plain_value",
    "reader",
]


class EmbeddedJSONError(ValueError):
    """Invalid JSON; the caller adds the position in the document.

    ``pos`` is the index in the JSON text where the error was found, if known.
    """

    def __init__(self, msg: str, pos: int | None = None) -> None:
        super().__init__(msg)
        self.pos = pos


def error_line(text: str, error: EmbeddedJSONError) -> int | None:
    """The 1-based line of ``text`` where ``error`` was found, if known."""
    return None if error.pos is None else text.count("\n", 0, error.pos) + 1


# Escaped in JSON strings: the quote, the backslash, every C0 control (JSON
# requires it), and what XML 1.0 cannot hold (surrogates, U+FFFE, U+FFFF).
_ESCAPE: Final = re.compile('["\\\\\x00-\x1f\ud800-\udfff\ufffe\uffff]')
_SHORT: Final = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char) or f"\\u{ord(char):04x}"


def _string(text: str) -> str:
    return '"' + _ESCAPE.sub(_escape_char, text) + '"'


# The json module's C encoder (_C_CHUNKS), set to write §6's compact form: for checked
# values (exact dicts with str keys, lists, str, finite floats, ints, bools,
# None) its text is _written()'s, but where a string holds a surrogate,
# U+FFFE or U+FFFF, which §6 escapes and it writes as they are (_RAW finds
# them); an integer past CPython's digit limit makes it raise ValueError, and
# a value of another type TypeError.
# tests/test_json_writing.py holds the two writers equal.
def _unencodable(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _c_chunks() -> Callable[[Any, int], Sequence[str]]:
    """The C encoder itself, made once (json.dumps makes one per call): the
    text's chunks, to be joined."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without json's C accelerator
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
        return lambda value, _: (encode(value),)
    chunks: Callable[[Any, int], Sequence[str]] = make(
        None, _unencodable, json.encoder.encode_basestring, None, ":", ",", False, False, False
    )
    return chunks


_C_CHUNKS: Final = _c_chunks()
_RAW: Final = re.compile("[\ud800-\udfff\ufffe\uffff]")


def dumps(value: Any, *, indent: str | None = None) -> str:
    """Write ``value`` as JSON: compact, in the canonical form of §6, or
    indented by ``indent`` per level.

    The caller has checked ``value`` (types, depth, finite floats).
    """
    if indent is None and (type(value) is dict or type(value) is list):
        text = _c_text(value)
        if text is not None:
            return text
    return _written(value, indent)


def document_text(document: Mapping[str, Any], limits: Limits) -> str:
    """``dumps(checked(document, limits))``: a document as compact JSON, checked."""
    compiled = _compiled() if speedups is _UNSET else speedups
    if (
        compiled is not None
        and type(document) is dict
        and compiled.plain_within(document, limits.max_depth, limits.max_int_digits)
    ):
        # checked()'s common case at C speed: plain values within the limits.
        # What else checked() refuses (a surrogate pair in a string, a float
        # that is not finite) sends the text on below, to checked().
        text = _c_text(document)
        if text is not None:
            return text
    return dumps(checked(document, limits))


def _c_text(value: dict[str, Any] | list[Any]) -> str | None:
    """The C encoder's text of ``value`` when it is the reference's, else None."""
    try:
        text = "".join(_C_CHUNKS(value, 0))
    except (ValueError, TypeError):
        return None  # an integer too long for int.__repr__, an unchecked value: the reference decides
    return text if text.isascii() or _RAW.search(text) is None else None


def _written(value: Any, indent: str | None = None) -> str:
    """:func:`dumps` in Python: the reference writer."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    # Subclasses (Enum members, classes overriding __str__ or __int__) are
    # written by their value, as json.dumps writes them.
    if isinstance(value, str):
        return _string(str.__str__(value))
    if isinstance(value, int):
        return int_to_str(int.__int__(value))
    if isinstance(value, float):
        return float.__repr__(float.__float__(value))
    if indent is None:
        if isinstance(value, dict):
            return "{" + ",".join(_string(str.__str__(k)) + ":" + _written(v) for k, v in value.items()) + "}"
        return "[" + ",".join(_written(v) for v in value) + "]"
    return _indented(value, indent, "\n")


def _indented(value: Any, indent: str, newline: str) -> str:
    inner = newline + indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = (_string(str.__str__(k)) + ": " + _indented(v, indent, inner) for k, v in value.items())
        return "{" + inner + ("," + inner).join(members) + newline + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_indented(v, indent, inner) for v in value) + newline + "]"
    return _written(value)


# Depth of a JSON text without parsing it: drop the strings, keep the brackets.
# An unterminated string runs to the end, so that no quote is scanned twice
# (linear time on hostile input such as many escaped quotes).
_STRINGS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS: Final = re.compile(r"[^\[\]{}]+")


def brackets(text: str) -> str:
    """The brackets of a JSON text, strings left out: ``[{},[]]`` of
    ``[{"a": "]"}, []]``. Read without parsing, at C speed, so that a deep or
    huge document can be refused before ``json.loads`` recurses or allocates.
    """
    if "[" not in text and "{" not in text:
        return ""
    return _NOT_BRACKETS.sub("", _STRINGS.sub("", text) if '"' in text else text)


def depth(brackets: str) -> int:
    """The deepest nesting of ``brackets`` (from :func:`brackets`).

    Linear; the caller bounds the length first (each bracket opens or closes
    an object or array, which count toward the element limit).
    """
    level = deepest = 0
    for char in brackets:
        if char in "[{":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise EmbeddedJSONError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise EmbeddedJSONError(f"number {text[:40]} is too large for a JSON number")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise EmbeddedJSONError(f"duplicate key {key!r}")
            seen.add(key)
    return result


# The accelerator, once loaded (codec._accel imports codec._speedups, which
# imports this module: it cannot be imported at the top). _accel.pure_path()
# sets it to None for a block.
_UNSET: Final[Any] = object()
speedups: Any = _UNSET
_SPACE: Final = re.compile(r"[ \t\n\r]*")  # json.decoder.WHITESPACE


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return pos if match is None else match.end()


def _compiled() -> Any:
    global speedups  # noqa: PLW0603 - resolved once, on the first read
    if speedups is _UNSET:
        from ._accel import speedups as loaded  # noqa: PLC0415 - see above

        speedups = loaded
    return speedups


_Readers: TypeAlias = tuple[Callable[[str], "tuple[Any] | None"] | None, Callable[[str], Any], Callable[[str], Any]]


@functools.lru_cache(maxsize=16)
def _decoder(max_int_digits: int, compiled: Any) -> _Readers:
    """``(plain, scanned, decode)``: the compiled reader of plain texts (or
    None), the json scanner with the hooks, and the one then the other."""
    short = min(max_int_digits, 4000)  # int() takes 4300 digits at most

    def bounded_int(text: str) -> int:
        if len(text) <= short:  # most integers: no count, no chunking, one call less
            return int(text)
        if len(text) > max_int_digits and int_digits(text) > max_int_digits:
            raise EmbeddedJSONError(too_many_digits(max_int_digits, int_digits(text)))
        return str_to_int(text)

    pairs_hook: Callable[[list[tuple[str, Any]]], Any] = _unique_keys
    int_hook: Callable[[str], Any] = bounded_int
    float_hook: Callable[[str], Any] = _finite_float
    plain: Callable[[str], tuple[Any] | None] | None = None
    if compiled is not None:
        # The same hooks compiled; each hands its unusual cases to the pure
        # one. And a reader of plain texts, which hands over anything else.
        hooks = compiled.JsonHooks(_unique_keys, bounded_int, _finite_float, short)
        pairs_hook, int_hook, float_hook = hooks.unique_keys, hooks.bounded_int, hooks.finite_float
        plain = hooks.read
    decoder: Any = json.JSONDecoder(
        object_pairs_hook=pairs_hook,
        parse_float=float_hook,
        parse_int=int_hook,
        parse_constant=_refuse_constant,
    )
    scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once  # not in typeshed

    def scanned(text: str) -> Any:
        # json.JSONDecoder.decode, without its two Python frames: the same
        # value, the same errors at the same positions.
        start = _skip_space(text, 0) if text[:1] in " \t\n\r" else 0
        try:
            value, end = scan(text, start)
        except StopIteration as err:
            raise json.JSONDecodeError("Expecting value", text, err.value) from None
        if end != len(text):
            end = _skip_space(text, end)
            if end != len(text):
                raise json.JSONDecodeError("Extra data", text, end)
        return value

    def decode(text: str) -> Any:
        if plain is not None:
            read = plain(text)
            if read is not None:
                return read[0]
        return scanned(text)

    return plain, scanned, decode


def reader(max_int_digits: int = 4300, *, compiled: bool = True) -> Callable[[str], Any]:
    """:func:`loads` for one digit limit, with the compiled hooks (when the
    accelerator is loaded and ``compiled``) or the pure ones: for tests that
    hold the two equal."""
    return _decoder(max_int_digits, _compiled() if compiled else None)[2]


def loads(text: str, *, max_int_digits: int = 4300) -> Any:
    """Read JSON strictly (§6): no NaN/Infinity, no duplicate keys, finite numbers,
    integers of at most ``max_int_digits`` digits."""
    plain, scanned, _ = _decoder(max_int_digits, _compiled() if speedups is _UNSET else speedups)
    if plain is not None:  # decode(), one call less: most texts are plain
        read = plain(text)
        if read is not None:
            return read[0]
    try:
        return scanned(text)
    except EmbeddedJSONError:
        raise
    except json.JSONDecodeError as exc:
        raise EmbeddedJSONError(f"invalid JSON: {exc.msg} at char {exc.pos}", exc.pos) from None
    except (ValueError, RecursionError) as exc:
        raise EmbeddedJSONError(f"invalid JSON: {exc}") from None


# --- Python values as JSON values: what the encoder and the HTTP layer accept


class UnencodableValue(Exception):
    """A value with no JSON form, or past a limit; collects its path while the
    stack unwinds (``parts``, innermost first)."""

    def __init__(self, msg: str) -> None:
        self.msg = msg
        self.parts: list[str | int] = []

    def error(self) -> EncodeError:
        """The :class:`EncodeError` a caller sees, with the JSON Pointer."""
        return EncodeError(self.msg, path=pointer(self.parts[::-1]))


def plain_key(key: object) -> str:
    """``key`` as an exact ``str``: a ``str`` subclass (a ``StrEnum`` member)
    by its value, as ``json.dumps`` writes it, never by its ``__str__``."""
    if type(key) is str:
        return key
    if isinstance(key, str):
        return str.__str__(key)
    raise UnencodableValue(f"object keys must be strings, not {type(key).__name__}")


def plain_mapping(obj: Mapping[Any, Any]) -> dict[str, Any]:
    """Any mapping as a dict with exact ``str`` keys (§1): one rule for dicts,
    ``MappingProxyType``, ``ChainMap``, ``UserDict`` and custom mappings.

    Keys that are equal only after conversion (a ``str`` subclass with its own
    ``__eq__``/``__hash__``, a mapping that yields a key twice) would become a
    repeated element, which reads back as an array: refused, as are keys
    that are not strings and mappings that fail while being read.
    """
    result: dict[str, Any] = {}
    try:
        for key, value in obj.items():
            plain = plain_key(key)
            if plain in result:
                raise UnencodableValue(f"the key {plain!r} occurs twice in one object")
            result[plain] = value
    except UnencodableValue:
        raise
    except Exception as exc:  # a custom Mapping's own code failed: a refusal, not a crash
        raise UnencodableValue(f"reading the {type(obj).__name__} failed: {type(exc).__name__}: {exc}") from None
    return result


def plain_scalar(value: Any) -> Any:
    """A ``str``/``int``/``float`` subclass instance as its exact base value
    (§1), as ``json.dumps`` writes it: an ``Enum`` member by its value, never by an
    overridden ``__str__``, ``__int__``, ``__float__`` or ``__repr__``."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(int.__int__(value))
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    raise UnencodableValue(f"{type(value).__name__} is not a JSON type")


def _surrogate_pair(text: str, index: int, what: str) -> UnencodableValue:
    high, low = ord(text[index]), ord(text[index + 1])
    return UnencodableValue(
        f"{what} holds a high surrogate followed by a low one (U+{high:04X} U+{low:04X} at index {index}): "
        "no JSON text can keep them apart, every reader joins them into one character"
    )


def integer_text(value: int, limits: Limits) -> str:
    """``value`` in decimal, refused past ``limits.max_int_digits`` (§9)."""
    if value.bit_length() > 4 * limits.max_int_digits:  # surely over: do not convert
        raise UnencodableValue(too_many_digits(limits.max_int_digits))
    text = int_to_str(value)
    # The length bounds the digits from above: most integers need no count.
    if len(text) > limits.max_int_digits:
        digits = int_digits(text)
        if digits > limits.max_int_digits:
            raise UnencodableValue(too_many_digits(limits.max_int_digits, digits))
    return text


def plain_value(value: Any, depth: int, limits: Limits, counts: list[int] | None = None) -> Any:
    """``value`` as plain dicts, lists and scalars, its types (§1, §6) and limits (§9) checked.

    ``depth`` is the depth ``value`` has if it is an object or an array.
    ``counts[0]``, if given, is increased by the objects and arrays found:
    the decoder counts them toward ``max_elements`` (§9).

    Raises:
        UnencodableValue: with the path, innermost first.
    """
    kind = type(value)
    if kind is str:
        pair = surrogate_pair_at(value)
        if pair >= 0:
            raise _surrogate_pair(value, pair, "the string")
        return value
    if kind is bool or value is None:
        return value
    if kind is int:
        integer_text(value, limits)
        return value
    if kind is float:
        if not math.isfinite(value):
            raise UnencodableValue(f"{value!r} is not a JSON number")
        return value
    if isinstance(value, (Mapping, list, tuple)):
        if depth > limits.max_depth:
            raise UnencodableValue(f"nesting deeper than the limit of {limits.max_depth}")
        if counts is not None:
            counts[0] += 1
    if isinstance(value, Mapping):
        result = {}
        for key, member in plain_mapping(value).items():
            try:
                pair = surrogate_pair_at(key)
                if pair >= 0:
                    raise _surrogate_pair(key, pair, "the key")
                result[key] = plain_value(member, depth + 1, limits, counts)
            except UnencodableValue as refusal:
                refusal.parts.append(key)
                raise
        return result
    if isinstance(value, (list, tuple)):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(plain_value(item, depth + 1, limits, counts))
            except UnencodableValue as refusal:
                refusal.parts.append(index)
                raise
        return items
    return plain_value(plain_scalar(value), depth, limits, counts)


def checked(document: Mapping[str, Any], limits: Limits) -> dict[str, Any]:
    """A JSON document (an object) as plain dicts, lists and scalars, checked
    as the encoder checks values: types, depth and integer digits.

    Raises:
        EncodeError: with the path of the offending value.
    """
    if not isinstance(document, Mapping):
        raise EncodeError(f"the document must be an object (a mapping), not {type(document).__name__}")
    try:
        result: dict[str, Any] = plain_value(document, 1, limits)
    except UnencodableValue as refusal:
        raise refusal.error() from None
    except RecursionError:
        raise EncodeError(f"nesting deeper than the limit of {limits.max_depth}") from None
    return result
