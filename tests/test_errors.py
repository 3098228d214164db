"""Where an error is (codec/_errors.py): one formatter, one wording everywhere."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import codec
from codec._errors import where
from codec.schemas import Violation


@pytest.mark.parametrize(
    ("parts", "leading", "trailing"),
    [
        ({}, "", ""),
        ({"file": "a.json", "line": 3, "column": 17, "pointer": "/rel_id"}, "a.json:3:17: /rel_id", None),
        ({"file": "a.xml", "line": 3}, "a.xml:3", None),
        ({"file": "<stdin>"}, "<stdin>", None),
        ({"file": "a.xml", "column": 9}, "a.xml", None),  # a column alone places nothing
        ({"line": 3, "column": 9}, "line 3, column 9", "line 3, column 9"),
        ({"line": 4, "pointer": "/data/a/1"}, "line 4: /data/a/1", "line 4, at /data/a/1"),
        ({"pointer": "/error"}, "/error", "at /error"),
        ({"pointer": ""}, "/", "at /"),  # the payload itself
        ({"column": 9}, "", ""),
    ],
)
def test_where(parts: dict[str, Any], leading: str, trailing: str | None) -> None:
    assert where(**parts) == leading
    if trailing is not None:
        assert where(**parts, trailing=True) == trailing


def test_malformed_xml_has_a_column_outside_its_message() -> None:
    with pytest.raises(codec.DecodeError) as info:
        codec.decode(b"<xml>\n<a>1</a>\n<b>2</c>\n</xml>")
    error = info.value
    assert (error.line, error.column, error.path) == (3, 9, "")
    assert error.msg == "malformed XML: Opening and ending tag mismatch: b line 3 and c"
    assert str(error) == error.msg + " (line 3, column 9)"


def test_a_refused_element_has_no_column() -> None:
    with pytest.raises(codec.DecodeError) as info:
        codec.decode(b"<xml>\n<a>\n<b x='true'>1</b>\n</a>\n</xml>")
    error = info.value
    assert (error.line, error.column, error.path) == (3, None, "/a/b")
    assert str(error).endswith(" (line 3, at /a/b)")


def test_the_column_survives_pickling() -> None:
    error = codec.DecodeError("m", line=3, column=9, path="/a")
    copied = pickle.loads(pickle.dumps(error))
    assert (copied.msg, copied.line, copied.column, copied.path, str(copied)) == ("m", 3, 9, "/a", str(error))
    assert str(copied) == "m (line 3, column 9, at /a)"


def test_a_decode_error_pickled_without_a_column_still_loads() -> None:
    # What __reduce__ wrote before DecodeError had a column: (msg, line, path).
    rebuild, _ = codec.DecodeError("m").__reduce__()
    old = rebuild("m", 3, "/a")  # type: ignore[operator]
    assert (old.msg, old.line, old.column, old.path) == ("m", 3, None, "/a")


def test_exceptions_say_the_message_first() -> None:
    assert str(codec.EncodeError("set is not a JSON type", path="/data/0")) == "set is not a JSON type (at /data/0)"
    assert str(codec.EncodeError("m")) == "m"
    assert str(codec.DecodeError("m", line=2)) == "m (line 2)"


def test_violations_say_where_first() -> None:
    assert str(Violation("/rel_id", "'two' is not of type 'integer'", "type", line=3)) == (
        "line 3: /rel_id: 'two' is not of type 'integer'"
    )
    assert str(Violation("", "'rel_id' is a required property", "required")) == "/: 'rel_id' is a required property"
