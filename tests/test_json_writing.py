"""The JSON writer (§6): json's C encoder, taken first, against the reference writer.

``codec._json.dumps`` writes a checked value with the standard library's C
encoder and keeps its text unless a string holds what §6 escapes beyond
JSON's own (surrogates, U+FFFE, U+FFFF) or an integer is past CPython's digit
limit; ``document_text`` (what ``http.render_response`` writes) also skips
``checked``'s walk for plain payloads within the limits, with the compiled
check. Both must give exactly the reference's text, or its error.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents, json_values, unusual_documents, with_surrogate_pairs

from codec import EncodeError, Limits
from codec import _json as codec_json
from codec._accel import pure_path

TINY = Limits(max_depth=3, max_int_digits=5)


def _reference(document: Any, limits: Limits) -> tuple[str, str]:
    try:
        return ("text", codec_json._written(codec_json.checked(document, limits)))
    except EncodeError as error:
        return ("error", str(error))


def _fast(document: Any, limits: Limits) -> tuple[str, str]:
    try:
        return ("text", codec_json.document_text(document, limits))
    except EncodeError as error:
        return ("error", str(error))


EDGES: list[Any] = [
    {},
    [],
    {"": ""},
    {"a": "\ud800"},  # a lone surrogate: escaped by §6, written raw by json
    {"\udc00\ud800": 1},  # low then high, in a key
    {"a": ["\ufffe", "\uffff", "x\uffffy"]},
    {"a": '\x00\x1f\x7f"\\/\b\f\n\r\t\u2028\u2029'},
    {"n": 10**4400},  # past int.__repr__'s limit: json raises, the reference writes it
    {"n": -(10**4299)},
    {"f": [0.0, -0.0, 1e16, 5e-324, 1.7976931348623157e308, 1.0, 0.1]},
    {"b": [True, False, None]},
    {"é": {"😀": [[], {}]}},
]


@pytest.mark.parametrize("value", EDGES)
def test_edges_are_written_as_the_reference_writes_them(value: Any) -> None:
    assert codec_json.dumps(value) == codec_json._written(value)
    assert _fast(value, Limits()) == _reference(value, Limits())


def test_what_json_writes_raw_goes_to_the_reference_writer() -> None:
    # The reference's escapes, which json.dumps(ensure_ascii=False) would not write.
    assert codec_json.dumps(["\ud800", "\ufffe", "\uffff"]) == '["\\ud800","\\ufffe","\\uffff"]'
    assert codec_json.dumps({"n": 10**4400}) == '{"n":1' + "0" * 4400 + "}"


@pytest.mark.parametrize("bad", [{"f": math.nan}, {"f": [math.inf]}, {"p": "a\ud800\udc00b"}, {1: "x"}])
def test_what_checked_refuses_is_refused(bad: Any) -> None:
    with pytest.raises(EncodeError) as fast:
        codec_json.document_text(bad, Limits())
    with pytest.raises(EncodeError) as reference:
        codec_json.checked(bad, Limits())
    assert str(fast.value) == str(reference.value)


@given(json_values())
def test_generated_values_are_written_as_the_reference_writes_them(value: Any) -> None:
    assert codec_json.dumps(value) == codec_json._written(value)


@settings(max_examples=500)  # two writers, both paths: enough, and CI's time is bounded
@given(st.one_of(documents, unusual_documents, with_surrogate_pairs), st.sampled_from([Limits(), TINY]))
def test_generated_documents_are_written_or_refused_as_the_reference_does(document: Any, limits: Limits) -> None:
    assert _fast(document, limits) == _reference(document, limits)
    with pure_path():  # without the compiled limits check: json's encoder alone
        assert _fast(document, limits) == _reference(document, limits)
