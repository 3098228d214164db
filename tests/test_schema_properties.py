"""Property tests over every endpoint schema and direction.

For payloads generated from the schema (tests/schema_strategies.py):

1. they validate (whichever backend ``auto`` picks);
2. ``decode(encode(p, endpoint=e, direction=d), endpoint=e, direction=d,
   validate=True)`` is ``p`` exactly (types included: 1 vs 1.0 vs True, "1"
   vs 1, the sign of zero);
3. with the dialect's ``array='true'`` and ``string='true'`` attributes
   stripped from the encoded XML (``json='true'`` kept), the schema-guided
   decode still gives ``p`` wherever the schema determines the shapes.

What the schema cannot give back once those attributes are gone, and so what
property 3 leaves out (``_determined`` checks it on the payload):

- a string that reads as a number or a boolean ("123", "true") where the
  schema does not declare a string (an undeclared member, or a member typed
  integer-or-string): it comes back as the number;
- an array of one item or none where the schema does not declare an array:
  the bare element is the item itself, or "";
- a one-item array whose item needs the JSON escape ("", null, an array, {},
  an object with a key that is not an XML name, a string XML cannot hold):
  a lone ``json='true'`` element is the whole member's value (spec §8,
  Decision), so ``[""]`` reads as ``""``.

Everything else (one-item and empty arrays the schema declares, number-like
strings the schema types as strings, objects, numbers, booleans, embedded
JSON) must come back exactly, and the test also checks that such payloads
are common, so that the property is not vacuous.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import event, find, given, settings
from hypothesis import strategies as st
from schema_strategies import cases, payloads
from strategies import same

import codec
from codec import schemas
from codec._dialect import has_illegal_chars, is_element_name, looks_like_scalar
from codec._shape import Kind, Shape

# Few examples per case in the dev profile, more under ci (HYPOTHESIS_PROFILE=ci
# gives max_examples=2000); 244 cases, so the whole file stays within minutes.
EXAMPLES = 10 if settings().max_examples <= 200 else 60

CASES = cases()

_HINT = re.compile(rb"<[^<>]*>")


def strip_hints(xml: bytes) -> bytes:
    """``xml`` without ``array='true'`` and ``string='true'``, as servers write it.

    The encoder escapes ``<`` and ``>`` in text, so every ``<...>`` is a tag.
    """
    return _HINT.sub(lambda m: m.group().replace(b" array='true'", b"").replace(b" string='true'", b""), xml)


def _kind(shape: Shape | None) -> Kind:
    return Kind.ANY if shape is None else shape.kind


def _escaped(item: Any, shape: Shape | None) -> bool:
    """Whether the encoder writes ``item``, alone in an array, with json='true'."""
    if _kind(shape) is Kind.JSON or item is None or item == "" or isinstance(item, list):
        return True
    if isinstance(item, str):
        return has_illegal_chars(item)
    if isinstance(item, dict):
        return not item or not all(is_element_name(k) for k in item)
    return False


def _member(value: Any, shape: Shape | None) -> bool:
    """Whether a member's value comes back from its element(s) without hints."""
    kind = _kind(shape)
    if kind is Kind.JSON:
        return True  # always written with json='true', which stays
    if isinstance(value, list):
        items = None if shape is None else shape.items
        if len(value) >= 2:  # a run of siblings is an array whatever the shape
            return all(_item(item, items) for item in value)
        if kind is not Kind.ARRAY:
            return False
        return not value or (not _escaped(value[0], items) and _item(value[0], items))
    return _item(value, shape)


def _item(value: Any, shape: Shape | None) -> bool:
    """Whether a value written as one element (no array='true') comes back."""
    kind = _kind(shape)
    if kind is Kind.JSON or value is None or isinstance(value, list):
        return True  # json='true'
    if (
        (kind is Kind.ARRAY)
        or (kind is Kind.OBJECT and not isinstance(value, dict))
        or (kind is Kind.STRING and not isinstance(value, str))
    ):
        return False
    if isinstance(value, str):
        return has_illegal_chars(value) or not looks_like_scalar(value) or kind is Kind.STRING
    if isinstance(value, dict):
        if not value or not all(is_element_name(k) for k in value):
            return True  # json='true'
        return all(_member(member, None if shape is None else shape.member(k)) for k, member in value.items())
    return True  # numbers and booleans carry no hint


def _determined(payload: dict[str, Any], shape: Shape) -> bool:
    if not payload or not all(is_element_name(k) for k in payload):
        return True  # <xml/>, or the whole document as embedded JSON
    return all(_member(value, shape.member(key)) for key, value in payload.items())


@pytest.mark.parametrize(("endpoint", "direction"), CASES, ids=[f"{e}.{d}" for e, d in CASES])
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_generated_payload_validates_and_round_trips(endpoint: str, direction: str, data: st.DataObject) -> None:
    payload = data.draw(payloads(endpoint, direction), label="payload")
    codec.validate(payload, endpoint=endpoint, direction=direction)

    xml = codec.encode(payload, endpoint=endpoint, direction=direction)
    back = codec.decode(xml, endpoint=endpoint, direction=direction, validate=True)
    assert same(back, payload), (xml, back)

    stripped = strip_hints(xml)
    back = codec.decode(stripped, endpoint=endpoint, direction=direction)
    determined = _determined(payload, schemas.shape(endpoint, direction))
    event(f"stripped XML determined by the schema: {determined}")
    if determined:
        assert same(back, payload), (stripped, back)


# ---------------------------------------------------------------- the predicate
# _determined must be exact, or property 3 proves less than it says: these
# pin it on known cases both ways, and check it is not vacuous.

RELATIONS_GET_RESPONSE = {
    "data": [{"profile_id_a": "669e6968ebf4ac52b623a997", "xxh_a": "123", "db_b": 9, "props": {}}],
    "error": 0,
    "error_text": "Successful operation",
    "total_count": 1,
}


@pytest.mark.parametrize(
    ("endpoint", "direction", "payload", "determined"),
    [
        ("relations/get", "response", RELATIONS_GET_RESPONSE, True),
        ("relations/get", "response", dict(RELATIONS_GET_RESPONSE, data=[]), True),
        ("databases/list", "response", {"error": 0, "data": [{"id": 1, "ui_tags": []}]}, True),
        ("profiles/list", "request", {"db_id": 1, "query": {"$or": [{"a": 1}]}, "fields": ["_id"]}, True),
        ("subscriptions/get", "response", {"error": 0, "data": {"cats": ["1"]}}, True),
        # undeclared members, and a declared array holding one escaped item
        ("relations/get", "request", {"rel_id": 1, "profile_id": "p", "extra": "123"}, False),
        ("relations/get", "request", {"rel_id": 1, "profile_id": "p", "extra": ["a"]}, False),
        ("relations/get", "request", {"rel_id": 1, "profile_id": "p", "extra": []}, False),
        ("profiles/list", "request", {"db_id": 1, "fields": [""]}, False),
        ("databases/list", "response", {"error": 0, "data": [{"ui_tags": [[1]]}]}, False),
    ],
)
def test_determined_predicate(endpoint: str, direction: Any, payload: dict[str, Any], determined: bool) -> None:
    assert _determined(payload, schemas.shape(endpoint, direction)) is determined
    xml = codec.encode(payload, endpoint=endpoint, direction=direction)
    back = codec.decode(strip_hints(xml), endpoint=endpoint, direction=direction)
    assert same(back, payload) is determined, (strip_hints(xml), back)


def test_strip_hints_leaves_text_and_json_alone() -> None:
    payload = {"a": [" array='true'"], "b": "1", "c": {"$or": [1]}}
    xml = codec.encode(payload)
    assert xml == (
        b"<xml><a array='true'> array='true'</a><b string='true'>1</b><c json='true'>{\"$or\":[1]}</c></xml>"
    )
    assert strip_hints(xml) == b"<xml><a> array='true'</a><b>1</b><c json='true'>{\"$or\":[1]}</c></xml>"


def _hinted_and_determined(endpoint: str, direction: str, payload: dict[str, Any]) -> bool:
    xml = codec.encode(payload, endpoint=endpoint, direction=direction)
    return strip_hints(xml) != xml and _determined(payload, schemas.shape(endpoint, direction))


@pytest.mark.parametrize(
    ("endpoint", "direction"),
    [
        ("relations/get", "response"),
        ("databases/list", "response"),
        ("profiles/list", "request"),
        ("subscriptions/get", "response"),
        ("profiles/import", "request"),
    ],
)
def test_generator_reaches_payloads_that_lose_hints_and_come_back(endpoint: str, direction: str) -> None:
    """Property 3 is not vacuous: payloads whose XML needs hints the schema
    then supplies (one-item or empty arrays, number-like strings) are drawn."""
    found = find(
        payloads(endpoint, direction),
        lambda p: _hinted_and_determined(endpoint, direction, p),
        settings=settings(max_examples=500, database=None),
    )
    assert _hinted_and_determined(endpoint, direction, found)
