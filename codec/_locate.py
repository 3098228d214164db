"""Where a value sits in the XML: the element <-> JSON Pointer mapping.

The decoder's own reading of §3 and §8, walked backwards: from an element to
the pointer of its value (for decode errors), and from pointers to the lines
of their elements (for validation errors). Both ask
:func:`codec._dialect.reads_as_array` whether a member is an array, the
predicate the decoder's walk applies.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from lxml import etree

from ._dialect import ARRAY, JSON, TRUE, reads_as_array
from ._errors import pointer
from ._shape import Kind, Shape

__all__ = ["lines_of", "path_of"]


def _declares_array(shape: Shape | None) -> bool:
    return shape is not None and shape.kind is Kind.ARRAY


def path_of(element: Any, shape: Shape | None) -> str:
    """The JSON Pointer of ``element``'s value, worked out from the tree (§3, §8)."""
    chain = [element, *element.iterancestors()][::-1]
    parts: list[str | int] = []
    for parent, child in itertools.pairwise(chain):
        tag = child.tag
        shape = None if shape is None else shape.member(tag) if isinstance(tag, str) else None
        siblings = [s for s in parent if s.tag == tag]
        parts.append(etree.QName(tag).localname if isinstance(tag, str) and tag[:1] == "{" else str(tag))
        if reads_as_array(len(siblings), child.get(ARRAY) == TRUE, child.get(JSON) == TRUE, _declares_array(shape)):
            parts.append(siblings.index(child))
            shape = None if shape is None else shape.items
    return pointer(parts)


def _index(part: str, size: int) -> int | None:
    """The array index a pointer segment names, if below ``size``.

    RFC 6901 indices are ASCII digits; ``str.isdigit`` also takes "²" or "①",
    which ``int`` refuses, and a run of thousands of digits is out of range
    of any array without converting it (``int`` refuses more than 4,300).
    """
    if not (part.isascii() and part.isdigit()):
        return None
    digits = part.lstrip("0") or "0"
    if len(digits) > len(str(size)):
        return size  # out of range
    return int(digits)


class _Wanted:
    """A trie of the pointers still to locate, one node per segment."""

    __slots__ = ("here", "next")

    def __init__(self) -> None:
        self.here: list[str] = []  # pointers that end at this node
        self.next: dict[str, _Wanted] = {}

    def all(self) -> list[str]:
        """Every pointer ending at or below this node."""
        found: list[str] = []
        stack = [self]
        while stack:
            node = stack.pop()
            found.extend(node.here)
            stack.extend(node.next.values())
        return found


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def lines_of(root: Any, paths: Iterable[str], shape: Shape | None) -> dict[str, int | None]:
    """The line of the element holding the value at each JSON Pointer of ``paths``.

    Follows the decoder's reading (§3, §8): a member is the run of children
    with its name; an index picks an element of that run, or stays on a lone
    element holding a one-item array (and on the run's first element when
    out of range). Inside embedded JSON, or below what the tree holds, the
    line of the deepest element reached.

    One walk for all the pointers: each element on the way has its children
    grouped by name once, however many pointers pass through it.
    """
    wanted = _Wanted()
    for path in set(paths):
        node = wanted
        for part in path.split("/")[1:] if path else ():
            node = node.next.setdefault(_unescape(part), _Wanted())
        node.here.append(path)
    lines: dict[str, int | None] = {}
    stack: list[tuple[Any, _Wanted, Shape | None]] = [(root, wanted, shape)]
    while stack:
        element, node, here = stack.pop()
        line = element.sourceline if isinstance(element.sourceline, int) else None
        if element.get(JSON) == TRUE or not len(element):
            lines.update(dict.fromkeys(node.all(), line))
            continue
        lines.update(dict.fromkeys(node.here, line))
        runs: dict[str, list[Any]] = {key: [] for key in node.next}
        for child in element:
            run = runs.get(child.tag)
            if run is not None:
                run.append(child)
        for key, below in node.next.items():
            run = runs[key]
            if not run:
                lines.update(dict.fromkeys(below.all(), line))
                continue
            member = None if here is None else here.member(key)
            first = run[0]
            if not reads_as_array(len(run), first.get(ARRAY) == TRUE, first.get(JSON) == TRUE, _declares_array(member)):
                stack.append((first, below, member))
                continue
            rest = _Wanted()
            rest.here = below.here
            items = None if member is None else member.items
            for part, deeper in below.next.items():
                position = _index(part, len(run))
                if position is None:
                    rest.next[part] = deeper
                else:
                    stack.append((run[position] if position < len(run) else first, deeper, items))
            stack.append((first, rest, member))
    return lines
