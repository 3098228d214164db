"""Embedded JSON: the canonical writer and the strict reader (§6 of the spec).

The standard library's ``json`` is not used for writing because the dialect
fixes the exact text (other implementations must produce the same bytes) and
because ``json.dumps`` cannot write integers past CPython's digit limit.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, Final

from ._dialect import int_to_str, str_to_int

__all__ = ["EmbeddedJSONError", "brackets", "depth", "dumps", "error_line", "loads"]


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


def dumps(value: Any, *, indent: str | None = None) -> str:
    """Write ``value`` as JSON: compact, in the canonical form of §6, or
    indented by ``indent`` per level.

    The caller has checked ``value`` (types, depth, finite floats).
    """
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
            return "{" + ",".join(_string(str.__str__(k)) + ":" + dumps(v) for k, v in value.items()) + "}"
        return "[" + ",".join(dumps(v) for v in value) + "]"
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
    return dumps(value)


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


@functools.lru_cache(maxsize=8)
def _decoder(max_int_digits: int) -> Callable[[str], Any]:
    def bounded_int(text: str) -> int:
        if len(text) - (text[0] == "-") > max_int_digits:
            raise EmbeddedJSONError(f"an integer of {len(text)} digits, over the limit of {max_int_digits}")
        return str_to_int(text)

    decoder = json.JSONDecoder(
        object_pairs_hook=_unique_keys,
        parse_float=_finite_float,
        parse_int=bounded_int,
        parse_constant=_refuse_constant,
    )
    return decoder.decode


def loads(text: str, *, max_int_digits: int = 4300) -> Any:
    """Read JSON strictly: no NaN/Infinity, no duplicate keys, finite numbers,
    integers of at most ``max_int_digits`` digits."""
    try:
        return _decoder(max_int_digits)(text)
    except EmbeddedJSONError:
        raise
    except json.JSONDecodeError as exc:
        raise EmbeddedJSONError(f"invalid JSON: {exc.msg} at char {exc.pos}", exc.pos) from None
    except (ValueError, RecursionError) as exc:
        raise EmbeddedJSONError(f"invalid JSON: {exc}") from None
