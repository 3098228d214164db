"""Strict JSON reading (codec._json.loads): the compiled reader against the pure one.

The accelerator's ``JsonHooks`` read plain texts whole (``read``) and answer
the common case of json's scanner hooks (objects, integers, floats); each
hands everything else over, in the end to the pure hooks. Both readers must
give the same value, of the same types, or the same error, with the same
message: on hand-picked edge cases (duplicate keys, integers over the digit
limit, NaN/Infinity, 1e999, deep nesting, whitespace, escapes, extra data)
and on generated texts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import json_values

from codec import _accel, _json
from codec._accel import pure_path

compiled = pytest.mark.skipif(_accel.speedups is None, reason=f"pure run: {_accel.why_pure}")


def _typed(value: Any) -> Any:
    """``value`` with every scalar's exact type and repr: 1 and 1.0, 0.0 and -0.0 differ."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(member)) for key, member in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


def _outcome(read: Callable[[str], Any], text: str) -> Any:
    try:
        return ("value", _typed(read(text)))
    except Exception as exc:  # the type and the words are what must agree
        return ("error", type(exc).__name__, str(exc))


def _both(text: str, max_int_digits: int = 4300) -> tuple[Any, Any]:
    fast = _outcome(_json.reader(max_int_digits, compiled=True), text)
    pure = _outcome(_json.reader(max_int_digits, compiled=False), text)
    return fast, pure


EDGES = [
    "",
    " ",
    "{}",
    "[]",
    " {} ",
    "\n[1, 2]\t",
    '{"a": 1, "a": 2}',
    '{"a": {"b": 1, "b": 1}}',
    '[{"x": 1}, {"y": 2, "x": 3, "y": 4}]',
    '{"": 1, "": 2}',
    "1" * 4000,
    "1" * 4001,
    "1" * 4300,
    "1" * 4301,
    "-" + "9" * 4301,
    "[" + "2" * 5000 + "]",
    "0",
    "-0",
    "-0.0",
    "1.5",
    "1e999",
    "-1e999",
    "1e-999",
    "[1E400]",
    "2.5e+3",
    "NaN",
    "[Infinity]",
    "-Infinity",
    '{"a": NaN}',
    "[" * 50 + "]" * 50,
    "[" * 100000 + "]" * 100000,
    '{"a": [1, 2.0, true, false, null, "s\\u00e9\\ud83d\\ude00"]}',
    '{"a": 1} x',
    "[1,]",
    '{"a" 1}',
    "\x0b{}",
    "\ufeff{}",
    "{} \x0b",
    "01",
    "1.",
    '"\\ud800"',
    '"unterminated',
    '"tab\there"',
    '"a\\nb"',
    '{"k\\u00e9": "\u00e9\u4e2d\U0001f600"}',
    '{"\u00e9": 1, "\u00e9": 2}',
    "[1.0, -0.0, 0.5e-3, 1E+2, 12e0]",
    "[-, 1]",
    "[01]",
    "[1.]",
    "[.5]",
    "[1e]",
    "[1e+]",
    "[-0]",
    "[tru]",
    "[nul]",
    "[true ,false , null]",
    "[1,\r\n2]",
    '{"a":1,}',
    "[1 2]",
    "[" * 199 + "]" * 199,
    "[" * 200 + "]" * 200,
    "[" * 201 + "]" * 201,
    "999999999999999999",
    "-999999999999999999",
    "9999999999999999999",
    "-99999999999999999",
    "123456789012345678",
]


@compiled
@pytest.mark.parametrize("text", EDGES, ids=range(len(EDGES)))
def test_edge_cases_read_alike(text: str) -> None:
    fast, pure = _both(text)
    assert fast == pure


@compiled
@pytest.mark.parametrize("digits", [1, 5, 40, 4000])
def test_digit_limits_read_alike(digits: int) -> None:
    for text in ("7" * digits, "7" * (digits + 1), "-" + "7" * (digits + 1), f"[{'3' * (digits + 2)}]"):
        fast, pure = _both(text, max_int_digits=digits)
        assert fast == pure


@compiled
def test_the_pure_hooks_refuse_what_the_compiled_ones_hand_over() -> None:
    # The refusals come from the pure hooks, word for word.
    for text, message in [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("1e999", "number 1e999 is too large for a JSON number"),
        ("NaN", "NaN is not a JSON value"),
    ]:
        with pytest.raises(_json.EmbeddedJSONError) as caught:
            _json.loads(text)
        assert str(caught.value) == message


@compiled
def test_loads_takes_the_compiled_hooks_unless_pure() -> None:
    text = '{"a": 1}'
    assert _json.loads(text) == {"a": 1}
    compiled_loads = _json.reader(4300, compiled=True)
    pure_loads = _json.reader(4300, compiled=False)
    assert compiled_loads is not pure_loads
    with pure_path():
        assert _json.reader(4300) is pure_loads
        assert _json.loads(text) == {"a": 1}
    assert _json.reader(4300) is compiled_loads


@compiled
@given(json_values())
def test_generated_values_read_alike(value: Any) -> None:
    for text in (json.dumps(value), json.dumps(value, indent=1)):
        fast, pure = _both(text)
        assert fast == pure


_TOKENS = st.sampled_from(
    [
        *("{", "}", "[", "]", ",", ":", '"a"', '"b"', "1", "-2", "3.5", "1e999", "NaN", "true", "null", " "),
        *("9" * 50, "-", "0", "01", ".", "e", "E+", "tru", '"\\n"', '"\u00e9"', '"\t"', "\t", "\r\n", "\x0b"),
    ]
)


@compiled
@given(st.lists(_TOKENS, max_size=30).map("".join), st.sampled_from([3, 20, 4300]))
def test_generated_texts_read_alike(text: str, digits: int) -> None:
    fast, pure = _both(text, max_int_digits=digits)
    assert fast == pure


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_numbers_round_trip(number: float) -> None:
    text = json.dumps(number)
    assert _typed(_json.loads(text)) == _typed(number)


@compiled
@pytest.mark.parametrize("text", ['{"a": [1, 2.5, "x", true, null], "b": {}}', " [] ", "-12", '"s"'])
def test_the_plain_reader_reads_plain_texts(text: str) -> None:
    hooks = _accel.speedups.JsonHooks(None, None, None, 4000)  # no fallback needed: nothing to hand over
    assert hooks.read(text) == (json.loads(text),)


@compiled
@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '"\\n"', "1e999", "NaN", "[1,]", "", "1" * 19])
def test_the_plain_reader_hands_over_the_rest(text: str) -> None:
    hooks = _accel.speedups.JsonHooks(None, None, None, 4000)
    assert hooks.read(text) is None


@compiled
@given(
    st.integers(min_value=-(10**25), max_value=10**25) | st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([3, 17, 18, 19, 4300]),
)
def test_generated_numbers_read_alike(number: float, digits: int) -> None:
    for text in (json.dumps(number), f"[{json.dumps(number)}]", f'{{"n": {json.dumps(number)}}}'):
        fast, pure = _both(text, max_int_digits=digits)
        assert fast == pure


@compiled
@given(json_values())
def test_generated_values_read_alike_in_every_spelling(value: Any) -> None:
    for text in (json.dumps(value, separators=(",", ":")), json.dumps(value, ensure_ascii=False, indent="\t")):
        fast, pure = _both(text)
        assert fast == pure


# --- the key table: member names shared across calls --------------------------
# The compiled reader keeps the short member names it read last and gives the
# same string again for the same characters. Whatever the table holds, every
# text must still read as the pure reader and json.loads read it: keys of
# every string kind, keys alike but in their last character or in the high
# bits of one (the table's hash slots are few, so some of these share one),
# equal keys in texts of different kinds, more keys than the table holds.

_KEY_BASES = [
    *("a", "b", "ab", "ba", "", " ", "a" * 63, "a" * 64, "a" * 65, "a" * 64 + "b"),
    *("\u00e9", "\u00e8", "a\u00e9", "\u00e9a", "\u0161", "\u0261", "\u4e2d", "\u4e2e", "\ufffd"),
    *("\U0001f600", "\U0001f601", "a\U0001f600", "\U00010061", "\U00020061", "\ud800", "\udfff"),
    *("token", "tokem", "tokeo", "profile_id", "profile_a", "profile_b", "rel_id", "rel_ie"),
]
# Keys differing from "key" only in the last character, across every kind.
_KEY_BASES += ["key" + chr(code) for code in (0x61, 0x62, 0xE1, 0x161, 0x261, 0x4E61, 0x10061, 0x1F661)]
# Padding that raises the text's kind without touching the keys.
_PADS = ["", "\u00ff", "\u4e2d", "\U0001f600"]


def _object_text(pairs: list[tuple[str, Any]], pad: str) -> str:
    members = [
        f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}" for key, value in pairs
    ]
    if pad:
        members.append(f'"pad{len(pairs)}": "{pad}"')
    return "{" + ", ".join(members) + "}"


def _reads_as_json_does(text: str) -> None:
    fast, pure = _both(text)
    assert fast == pure
    if fast[0] == "value":
        assert fast == ("value", _typed(json.loads(text)))
        value = _json.reader(4300, compiled=True)(text)
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                assert all(type(key) is str for key in item)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)


@compiled
def test_keys_read_alike_across_calls() -> None:
    texts = []
    for round_ in range(2):
        for pad in _PADS:
            for index, key in enumerate(_KEY_BASES):
                neighbour = _KEY_BASES[(index + 1 + round_) % len(_KEY_BASES)]
                texts.append(_object_text([(key, index), (neighbour, key)], pad))
                texts.append(_object_text([(key, {key: [key]}), (key + "x", {neighbour: None})], pad))
                texts.append(_object_text([(key, 1), (key, 2)], pad))  # a repeated key: refused alike
    # More distinct keys than the table holds, of every kind, in texts of
    # every kind (thousands of keys of one length: some pairs of them look
    # alike to the table until their characters are compared), then the
    # first keys again.
    for pad in _PADS:
        for low in (0x30, 0xC0, 0x4E00, 0x1F600):  # one code point each of the kinds
            ends = [chr(low + i // 60) + chr(low + i % 60) for i in range(3000)]
            head = chr(low + 1) * 8
            texts += [_object_text([(head + end, 1), (end + head, 2)], pad) for end in ends]
    # Texts of many keys each, new and seen before (the reader stops storing
    # the keys of a text that brings mostly new ones).
    wide = [(f"w{i}", i) for i in range(3000)]
    texts += [_object_text(wide, pad) for pad in _PADS]
    texts += [_object_text(wide[::-1] + [(key, 0) for key in _KEY_BASES], pad) for pad in _PADS]
    texts += [_object_text([(key, 0)], pad) for pad in reversed(_PADS) for key in _KEY_BASES]
    for text in texts:
        _reads_as_json_does(text)


@compiled
def test_the_plain_reader_reuses_short_keys_only() -> None:
    hooks = _accel.speedups.JsonHooks(None, None, None, 4000)
    long_key = "k" * 65
    text = f'{{"token": "token", "{long_key}": "v"}}'
    (first,) = hooks.read(text)
    ((second, _),) = hooks.read("[" + text + ', "\U0001f600"]')  # in a text of another kind
    assert first == second
    [(token, value), (long_first, _)] = list(first.items())
    [(token_again, value_again), (long_second, _)] = list(second.items())
    assert token_again is token  # the same string: taken from the table
    assert value_again is not value  # values are new strings
    assert long_second is not long_first  # long keys are not kept


_MIXED_KEYS = st.text(alphabet="ab\u00e9\u0161\u4e2d\U0001f600\U0001f601", max_size=3)
_SMALL_SCALARS = st.none() | st.booleans() | st.integers(-1000, 1000) | _MIXED_KEYS


@compiled
@given(st.lists(st.tuples(st.lists(st.tuples(_MIXED_KEYS, _SMALL_SCALARS), max_size=5), st.sampled_from(_PADS))))
def test_generated_objects_read_alike_in_sequence(objects: list[tuple[list[tuple[str, Any]], str]]) -> None:
    for pairs, pad in objects:
        _reads_as_json_does(_object_text(pairs, pad))
