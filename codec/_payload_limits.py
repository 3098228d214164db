"""The payload before the schema: the limits (depth, integer digits, string
keys) checked in one pass, and the copy both validation backends take."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from ._accel import speedups
from ._errors import pointer

if TYPE_CHECKING:
    from ._limits import Limits

__all__ = ["BadKey", "TooDeep", "TooLong", "prepare", "scan", "speedups"]


class TooDeep(Exception):
    """A payload nested past ``Limits.max_depth``; ``path`` is the first value too deep."""

    def __init__(self, path: str) -> None:
        self.path = path


class TooLong(Exception):
    """An integer longer than ``Limits.max_int_digits``, at ``path``."""

    def __init__(self, path: str) -> None:
        self.path = path


class BadKey(Exception):
    """An object key that is not a string, in the object at ``path``."""

    def __init__(self, path: str, key: object) -> None:
        self.path = path
        self.key = key


def prepare(payload: Any, limits: Limits) -> Any:
    """The payload as both backends take it, checked against ``limits``, without recursing.

    Refuses a payload nested past ``limits.max_depth`` before either backend
    runs (the reference one would hit RecursionError, the Rust one could
    overflow its stack on a recursive schema), and an integer longer than
    ``limits.max_int_digits`` (the decoder and encoder refuse it too; Python
    cannot even print it), and an object key that is not a string (the
    encoder refuses it too). A Mapping that is not a dict (MappingProxyType,
    ChainMap, UserDict...) is an object like a dict: such a payload is copied
    with plain dicts in their place; any other payload is returned as it is.
    """
    # The compiled walk says "plain JSON within the limits" at C speed for the
    # common payload, and nothing else: the pure scan decides everything else.
    if speedups is not None and speedups.plain_within(payload, limits.max_depth, limits.max_int_digits):
        return payload
    refused, foreign = scan(payload, limits)
    if refused:
        _locate(payload, limits)  # raises, with the path
    return _plain(payload) if foreign else payload


_STR: Final = frozenset({str})


def scan(payload: Any, limits: Limits) -> tuple[bool, bool]:
    """(whether ``payload`` is past a limit, whether it holds a non-dict Mapping):
    one breadth-first pass, level by level, as cheap per value as it can be."""
    level = [payload]
    depth = 1
    foreign = False
    bits = limits.max_int_digits * 3  # below 3 bits a digit, no int is too long
    while level:
        if depth > limits.max_depth:
            return True, foreign
        below = []
        for container in level:
            members: Any
            if type(container) is dict or isinstance(container, Mapping):
                foreign = foreign or type(container) is not dict
                if not set(map(type, container)) <= _STR and not all(isinstance(k, str) for k in container):
                    return True, foreign
                members = container.values()
            elif isinstance(container, (list, tuple)):
                members = container
            elif isinstance(container, int) and _too_long(container, limits):
                return True, foreign
            else:
                continue
            for child in members:
                kind = type(child)
                if kind is str or kind is float or kind is bool or child is None:
                    continue
                if kind is dict or kind is list or isinstance(child, (Mapping, list, tuple)):
                    below.append(child)
                elif isinstance(child, int) and child.bit_length() > bits:
                    below.append(child)  # looked at one level down
        level = below
        depth += 1
    return False, foreign


def _locate(payload: Any, limits: Limits) -> None:
    """Raise the error scan() found, with its path: the same walk, remembering parents."""
    levels: list[list[tuple[Any, int, Any]]] = [[(payload, -1, None)]]
    bits = limits.max_int_digits * 3
    while levels[-1]:
        if len(levels) > limits.max_depth:
            raise TooDeep(_path_of(levels, len(levels) - 1, 0))
        below: list[tuple[Any, int, Any]] = []
        for index, (container, _, _) in enumerate(levels[-1]):
            if isinstance(container, Mapping):
                for key in container:
                    if not isinstance(key, str):  # as the encoder: JSON keys are strings
                        raise BadKey(_path_of(levels, len(levels) - 1, index), key)
                pairs: Any = container.items()
            elif isinstance(container, (list, tuple)):
                pairs = enumerate(container)
            else:
                if isinstance(container, int) and _too_long(container, limits):
                    raise TooLong(_path_of(levels, len(levels) - 1, index))
                continue
            for key, child in pairs:
                huge = isinstance(child, int) and child.bit_length() > bits
                if huge or isinstance(child, (Mapping, list, tuple)):
                    below.append((child, index, key))
        levels.append(below)


def _too_long(number: int, limits: Limits) -> bool:
    return number.bit_length() > limits.max_int_digits * 3 and abs(number) >= _power_of_ten(limits.max_int_digits)


@cache
def _power_of_ten(digits: int) -> int:
    return int(10**digits)


def _path_of(levels: list[list[tuple[Any, int, Any]]], level: int, index: int) -> str:
    parts: list[str | int] = []
    while level > 0:
        _, parent, key = levels[level][index]
        parts.append(key)
        level, index = level - 1, parent
    return pointer(parts[::-1])


def _plain(value: Any) -> Any:
    """``value`` with every Mapping a dict (recursion bounded by prepare's depth check)."""
    if isinstance(value, Mapping):
        return {key: _plain(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_plain(child) for child in value]
    if isinstance(value, tuple):
        return tuple(_plain(child) for child in value)
    return value
