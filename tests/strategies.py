"""Hypothesis strategies for JSON values, shared by the property tests."""

from __future__ import annotations

import enum
import re
from collections import ChainMap, OrderedDict, UserDict
from types import MappingProxyType
from typing import Any

from hypothesis import strategies as st

# Keys and strings over all of Unicode, surrogates and controls included,
# with the troublesome cases made likely rather than left to chance.
_special_text = st.sampled_from(
    [
        "",
        "0",
        "1",
        "-1",
        "1.0",
        "1e5",
        "true",
        "false",
        "null",
        "NaN",
        " 1",
        "01",
        "xml",
        "XmlFoo",
        "a b",
        "a:b",
        "1abc",
        "\r",
        "\r\n",
        " ",
        "\t",
        "]]>",
        "&amp;",
        "<a>",
        "\x00",
        "\ud800",
        "\udc00\ud800",  # low then high: not a pair, carried by the escape
        "\ufffe",
        "\uffff",
    ]
)
_any_char = st.characters(exclude_categories=())  # every code point, surrogates included
# A high surrogate followed by a low one is no JSON string (every JSON reader
# joins the pair into one character): JSON values leave it out, and
# ``with_surrogate_pairs`` puts it in for the tests of its refusal (§6).
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _no_pair(value: str) -> bool:
    return _PAIR.search(value) is None


text = st.one_of(
    _special_text,
    st.text(_any_char, max_size=12).filter(_no_pair),
    st.text(st.characters(max_codepoint=0x7F, exclude_categories=()), max_size=12),
)
keys = st.one_of(
    _special_text,
    st.text(_any_char, max_size=8).filter(_no_pair),
    st.from_regex(r"[a-z_][a-z0-9_.-]{0,6}", fullmatch=True),
)

floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1.0, 1e16, 1e-7, 5e-324, 1.7976931348623157e308, -1e300]),
)
integers = st.one_of(st.integers(), st.integers(min_value=2**64, max_value=2**200), st.integers(max_value=-(2**64)))
scalars = st.one_of(st.none(), st.booleans(), integers, floats, text)


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(keys, children, max_size=4),
        ),
        max_leaves=max_leaves,
    )


documents = st.dictionaries(keys, json_values(), max_size=5)


@st.composite
def deep_documents(draw: st.DrawFn, max_depth: int = 64) -> dict[str, Any]:
    """A document nested to a drawn depth up to ``max_depth`` (the default
    limit), through a random mix of objects and arrays."""
    depth = draw(st.integers(2, max_depth))
    value: Any = draw(scalars)
    for _ in range(depth - 1):
        if draw(st.booleans()):
            value = {draw(keys): value}
        else:
            value = [value, *draw(st.lists(scalars, max_size=1))]
    return {draw(keys): value}


def has_surrogate_pair(value: Any) -> bool:
    """Whether a string or key in ``value`` holds a surrogate pair as two
    code units, which the encoder refuses (docs/dialect.md §6)."""
    if isinstance(value, str):
        return _PAIR.search(value) is not None
    if isinstance(value, dict | UserDict | ChainMap | MappingProxyType):
        return any(has_surrogate_pair(k) or has_surrogate_pair(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_surrogate_pair(v) for v in value)
    return False


def same(a: Any, b: Any) -> bool:
    """Equality that also compares types exactly (1 vs 1.0 vs True) and the sign of zero."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, float):
        return a == b and str(a) == str(b)
    return bool(a == b)


# ---------------------------------------------------------------- issue 8 classes
# Values that are JSON by the json module's rules but not plain dicts, lists
# and exact scalars: subclasses, Enum members, non-dict Mappings. The encoder
# must write each by its value, exactly as json.dumps does.


class Colour(str, enum.Enum):
    RED = "red"
    NUMBER = "1"  # a value that needs string='true'
    EMPTY = ""


class Level(enum.IntEnum):
    LOW = 1
    BIG = 2**70


class Loud(str):
    """A str whose str() lies: the value must be written, not __str__."""

    def __str__(self) -> str:
        return "LOUD"

    def __repr__(self) -> str:
        return "LOUD"


class Lying(int):
    def __int__(self) -> int:
        return -1

    def __str__(self) -> str:
        return "lying"

    __repr__ = __str__


class Floaty(float):
    def __float__(self) -> float:
        return -1.0

    def __repr__(self) -> str:
        return "floaty"


class Proxy(dict):  # type: ignore[type-arg]
    """A dict subclass: still a Mapping, read through items()."""


def plain(value: Any) -> Any:
    """What json.loads(json.dumps(value)) gives, exactly (keys by value)."""
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, dict | UserDict | ChainMap | MappingProxyType):
        return {str.__str__(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


# Surrogate pairs as two code units, which no JSON text can carry (§6).
surrogate_pairs = st.tuples(
    st.characters(min_codepoint=0xD800, max_codepoint=0xDBFF), st.characters(min_codepoint=0xDC00, max_codepoint=0xDFFF)
).map("".join)

# Documents holding such pairs somewhere (values, keys, nested, in objects
# that take the JSON escape): the encoder must refuse every one.
_pair_text = st.tuples(text, surrogate_pairs, text).map("".join)
with_surrogate_pairs = st.recursive(
    st.dictionaries(st.one_of(keys, _pair_text), st.one_of(scalars, _pair_text), min_size=1, max_size=3).filter(
        has_surrogate_pair
    ),
    lambda children: st.one_of(
        st.dictionaries(keys, children, min_size=1, max_size=2),
        st.dictionaries(keys, st.lists(children, min_size=1, max_size=2), min_size=1, max_size=2),
    ),
    max_leaves=4,
)

# Keys that isdigit() accepts but int() refuses, and very long digit runs.
digit_like_keys = st.sampled_from(["²", "①", "₃", "٣", "0", "1" * 5000, "9" * 4301])

subclass_scalars = st.one_of(
    st.sampled_from([Colour.RED, Colour.NUMBER, Colour.EMPTY, Level.LOW, Level.BIG]),
    text.filter(lambda s: not any(0xD800 <= ord(c) <= 0xDBFF for c in s)).map(Loud),
    st.integers().map(Lying),
    st.floats(allow_nan=False, allow_infinity=False).map(Floaty),
)
subclass_keys = st.one_of(st.sampled_from([Colour.RED, Colour.NUMBER]), keys.map(Loud), digit_like_keys)


def _mapping_of(pairs: dict[Any, Any], kind: int) -> Any:
    return [dict, Proxy, UserDict, MappingProxyType, ChainMap, OrderedDict][kind](pairs)


def unusual_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """JSON values built from subclasses, Enum members and non-dict Mappings."""
    leaves = st.one_of(scalars, subclass_scalars)
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.lists(children, max_size=3).map(tuple),
            st.builds(
                _mapping_of,
                st.dictionaries(st.one_of(keys, subclass_keys), children, max_size=3),
                st.integers(0, 5),
            ),
        ),
        max_leaves=max_leaves,
    )


def unique_by_value(mapping: Any) -> bool:
    """Whether no two keys of ``mapping`` (recursively) are equal by value."""
    if isinstance(mapping, dict | UserDict | ChainMap | MappingProxyType):
        names = [str.__str__(k) for k in mapping]
        return len(set(names)) == len(names) and all(unique_by_value(v) for v in mapping.values())
    if isinstance(mapping, list | tuple):
        return all(unique_by_value(v) for v in mapping)
    return True


unusual_documents = st.dictionaries(st.one_of(keys, subclass_keys), unusual_values(), max_size=4).filter(
    unique_by_value
)
