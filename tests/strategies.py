"""Hypothesis strategies for JSON values, shared by the property tests."""

from __future__ import annotations

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
        "\ufffe",
        "\uffff",
    ]
)
_any_char = st.characters(exclude_categories=())  # every code point, surrogates included
text = st.one_of(
    _special_text,
    st.text(_any_char, max_size=12),
    st.text(st.characters(max_codepoint=0x7F, exclude_categories=()), max_size=12),
)
keys = st.one_of(
    _special_text,
    st.text(_any_char, max_size=8),
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
