"""Source positions in a JSON text: where a value sits, where reading failed.

The standard library's reader gives a position only for syntax errors; the
command line also needs one for every schema violation (a JSON Pointer) and
for the values :func:`codec._json.loads` refuses from its hooks (a duplicate
key, ``NaN``, a number that overflows, an integer over the digit limit).

One scanner does both. It walks the tokens with a regular expression and
keeps its own stack, so it is linear in the text and never recurses: a deep
or huge document cannot overflow or hang it. It only reports positions; what
is valid is decided by ``_json.loads`` and the schema, never here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Final

__all__ = ["byte_line_col", "first_problem", "line_col", "too_deep", "value_positions"]

# Whitespace, then one token: a string, a punctuation mark, or an atom (a
# number or a literal, up to the next delimiter). A string that does not end
# matches nothing, which ends the scan (the text is then malformed anyway).
_TOKEN: Final = re.compile(
    r'[ \t\n\r]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([{}\[\],:])|([^ \t\n\r{}\[\],:"]+))',
    re.DOTALL,
)
_STRING, _PUNCT, _ATOM = 1, 2, 3
_CONSTANTS: Final = frozenset({"NaN", "Infinity", "-Infinity"})
_INTEGER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class _Trie:
    """The wanted pointers, one node per segment."""

    __slots__ = ("children", "pointer")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.pointer: str | None = None


def _trie(pointers: Iterable[str]) -> _Trie:
    root = _Trie()
    for pointer in pointers:
        node = root
        if pointer:
            for part in pointer.split("/")[1:]:
                segment = part.replace("~1", "/").replace("~0", "~")
                node = node.children.setdefault(segment, _Trie())
        node.pointer = pointer
    return root


class _Frame:
    """An open object or array."""

    __slots__ = ("duplicate", "index", "is_object", "key", "keys", "node", "want_key")

    def __init__(self, is_object: bool, node: _Trie | None, track_keys: bool) -> None:
        self.is_object = is_object
        self.node = node
        self.index = 0  # the next array index
        self.key: str | None = None  # the member being read
        self.want_key = is_object
        self.keys: set[str] | None = set() if (is_object and track_keys) else None
        self.duplicate: int | None = None  # position of the first repeated key


def _walk(text: str, wanted: _Trie | None, max_int_digits: int | None) -> tuple[dict[str, int], int | None]:
    """Scan ``text`` once.

    Returns the position of each wanted pointer's value and, with
    ``max_int_digits``, the position of the first problem in the order
    ``json.loads`` meets them (a refused literal or number when it is read,
    a duplicate key when its object closes).
    """
    found: dict[str, int] = {}
    problem: int | None = None
    checking = max_int_digits is not None
    stack: list[_Frame] = []
    root = wanted
    pos = 0
    match = _TOKEN.match
    while problem is None:
        token = match(text, pos)
        if token is None:
            break
        pos = token.end()
        group = token.lastindex
        start = token.start(group or 0)
        value = token.group(group or 0)
        frame = stack[-1] if stack else None
        if frame is not None and frame.want_key:
            if group == _STRING:
                if (frame.node is not None and frame.node.children) or frame.keys is not None:
                    try:
                        key = json.loads(value)
                    except ValueError:
                        break
                    if frame.keys is not None:
                        if key in frame.keys and frame.duplicate is None:
                            frame.duplicate = start
                        frame.keys.add(key)
                    frame.key = key
                else:
                    frame.key = None
                frame.want_key = False
                continue
            if value != "}":
                break
        if group == _PUNCT and value in ":,":
            if value == "," and frame is not None:
                if frame.is_object:
                    frame.want_key = True
                else:
                    frame.index += 1
            continue
        if group == _PUNCT and value in "}]":
            if frame is None:
                break
            stack.pop()
            if frame.duplicate is not None:
                problem = frame.duplicate
            continue
        # A value starts here: find its node among the wanted pointers.
        if frame is None:
            node = root
        elif frame.node is None:
            node = None
        else:
            segment = frame.key if frame.is_object else str(frame.index)
            node = frame.node.children.get(segment) if segment is not None else None
        if node is not None and node.pointer is not None and node.pointer not in found:
            found[node.pointer] = start
        if group == _PUNCT:  # "{" or "["
            if not checking and (node is None or not node.children):
                pos = _skip(text, pos)  # nothing wanted inside: skip at C speed
                continue
            stack.append(_Frame(value == "{", node, checking))
            continue
        if checking and group == _ATOM and _is_refused(value, max_int_digits or 0):
            problem = start
    return found, problem


# A run of text without brackets, strings included whole.
_FLAT: Final = re.compile(r'(?:[^"\[\]{}]+|"[^"\\]*(?:\\.[^"\\]*)*")*')


def _skip(text: str, pos: int) -> int:
    """The index after the bracket that closes the one before ``pos``."""
    level = 1
    end = len(text)
    while level:
        pos = _FLAT.match(text, pos).end()  # type: ignore[union-attr]  # "*" always matches
        if pos >= end or text[pos] == '"':
            return end  # unterminated: the text is malformed
        level += 1 if text[pos] in "[{" else -1
        pos += 1
    return pos


def _is_refused(atom: str, max_int_digits: int) -> bool:
    """An atom ``_json.loads`` refuses from a hook (not a syntax error)."""
    if atom in _CONSTANTS:
        return True
    if _INTEGER.fullmatch(atom):
        return len(atom) - atom.startswith("-") > max_int_digits
    if _NUMBER.fullmatch(atom):
        return float(atom) in (float("inf"), float("-inf"))
    return False


def value_positions(text: str, pointers: Iterable[str]) -> dict[str, int]:
    """The index in ``text`` where the value at each JSON Pointer starts.

    Pointers that do not lead to a value are left out. Linear in ``text``.
    """
    found, _ = _walk(text, _trie(pointers), None)
    return found


def first_problem(text: str, *, max_int_digits: int) -> int | None:
    """Where ``_json.loads`` stopped with an error that carries no position:
    the first duplicate key, non-finite literal, overflowing number or
    over-long integer, in the order the reader meets them.
    """
    _, problem = _walk(text, None, max_int_digits)
    return problem


def too_deep(text: str, max_depth: int) -> int | None:
    """The index of the first bracket nested deeper than ``max_depth``.

    Only brackets cost a step; the text between them is skipped at C speed.
    """
    level = 0
    end = len(text)
    pos = 0
    while True:
        pos = _FLAT.match(text, pos).end()  # type: ignore[union-attr]  # "*" always matches
        if pos >= end or text[pos] == '"':
            return None
        if text[pos] in "[{":
            level += 1
            if level > max_depth:
                return pos
        else:
            level -= 1
        pos += 1


def line_col(text: str, positions: Iterable[int]) -> dict[int, tuple[int, int]]:
    """The 1-based line and column (in characters) of each index in ``text``.

    One pass over the text for all positions together.
    """
    result: dict[int, tuple[int, int]] = {}
    line = 1
    line_start = 0
    previous = 0
    for position in sorted(set(positions)):
        line += text.count("\n", previous, position)
        newline = text.rfind("\n", previous, position)
        if newline >= 0:
            line_start = newline + 1
        result[position] = (line, position - line_start + 1)
        previous = position
    return result


def byte_line_col(data: bytes, index: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``index`` of UTF-8
    ``data``, which may stop being UTF-8 there (where a text cannot be had)."""
    start = data.rfind(b"\n", 0, index) + 1
    return data.count(b"\n", 0, index) + 1, len(data[start:index].decode("utf-8", "replace")) + 1
