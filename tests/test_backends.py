"""Differential test: jsonschema-rs (the ``fast`` extra) and jsonschema (the
reference) give the same verdict on every payload the tests use.

Compared are the raw verdicts of both validators (``is_valid``), in open and
strict mode, and what ``codec.validate`` raises with ``backend="jsonschema"``
and ``backend="jsonschema-rs"``. The raw verdicts matter: ``validate`` hands an
invalid verdict of the fast backend to the reference for the errors, so a
payload only jsonschema-rs refused would pass silently there.

Payloads: the published examples and the hand-made valid and invalid payloads
of test_schema_files.py (endpoints and shared blocks), the schema vectors under
vectors/schema/ (whatever exists at run time), payloads generated from every
schema by tests/schema_strategies.py together with mutated copies of them, and
values where Python and Rust are known to differ.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schema_strategies import cases, mutations, payloads, schema_id
from test_schema_files import EXAMPLES, INVALID, VALID

import codec
from codec import _formats, schemas

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://altcraft-codec.invalid/schemas/"
VECTORS = ROOT / "vectors"

EXAMPLES_PER_CASE = 5 if settings().max_examples <= 200 else 20


def verdicts(payload: Any, uri: str, strict: bool) -> tuple[bool, bool | None]:
    """(jsonschema, jsonschema-rs) verdicts; None when jsonschema-rs cannot
    take the value at all (a set, bytes, a lone surrogate), where ``validate``
    asks the reference."""
    reference = schemas._reference_validator(uri, strict).is_valid(payload)
    try:
        fast = schemas._fast_validator(uri, strict).is_valid(payload)
    except ValueError:
        fast = None
    return reference, fast


def outcome(payload: Any, endpoint: str, direction: Any, strict: bool, backend: Any) -> list[tuple[str, str, str]]:
    try:
        codec.validate(payload, endpoint=endpoint, direction=direction, strict=strict, backend=backend)
    except codec.ValidationError as error:
        return [(v.path, v.keyword, v.message) for v in error.errors]
    return []


def _rust_cannot_take(value: Any) -> bool:
    """Whether ``value`` holds what jsonschema-rs refuses to convert: a type
    that is not JSON, or a str with a lone surrogate (which the codec carries
    through the JSON escape, but Rust strings cannot hold)."""
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(_rust_cannot_take(k) or _rust_cannot_take(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_rust_cannot_take(v) for v in value)
    return value is not None and not isinstance(value, (bool, int, float))


def _containers(value: Any) -> Any:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _containers(child)
    elif isinstance(value, (list, tuple)):
        yield value
        for child in value:
            yield from _containers(child)


def check(payload: Any, uri: str, endpoint: str | None = None, direction: str | None = None) -> None:
    for strict in (False, True):
        reference, fast = verdicts(payload, uri, strict)
        if fast is None:  # validate() asks the reference: compared below
            assert _rust_cannot_take(payload), "jsonschema-rs refused a JSON value"
        else:
            assert fast == reference, f"strict={strict}: jsonschema says {reference}, jsonschema-rs says {fast}"
        if endpoint is not None:
            found = outcome(payload, endpoint, direction, strict, "jsonschema")
            assert found == outcome(payload, endpoint, direction, strict, "jsonschema-rs")
            # No message repeats an object or array of the payload.
            reprs = {repr(c) for c in _containers(payload) if c}
            assert not [m for _, _, m in found for r in reprs if r in m]


def _endpoint_of(ref: str) -> tuple[str | None, str | None]:
    match = re.fullmatch(r"(.+)\.(request|response)\.json", ref)
    return (match.group(1), match.group(2)) if match else (None, None)


# ------------------------------------------------- payloads of test_schema_files

HAND_MADE = [(ref, payload) for ref, payload in EXAMPLES + VALID] + [(c[0], c[1]) for c in INVALID]


@pytest.mark.parametrize(
    ("ref", "payload"), HAND_MADE, ids=[f"{i}-{ref.rsplit('/', 1)[-1]}" for i, (ref, _) in enumerate(HAND_MADE)]
)
def test_hand_made_payloads(ref: str, payload: Any) -> None:
    check(payload, BASE + ref, *_endpoint_of(ref))


def test_hand_made_payloads_cover_both_verdicts() -> None:
    valid = [verdicts(p, BASE + ref, False)[0] for ref, p in HAND_MADE]
    assert valid.count(True) >= 20
    assert valid.count(False) == len(INVALID)


# ------------------------------------------------------------------ the vectors


@cache
def _vector_endpoints() -> dict[str, tuple[str, str]]:
    """File name -> (endpoint, direction), from the manifest where it says."""
    found: dict[str, tuple[str, str]] = {}
    manifest = VECTORS / "manifest.json"
    if manifest.is_file():
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8")).get("cases", [])
        except ValueError:  # being rewritten right now
            entries = []
        for entry in entries:
            path = entry.get("files", {}).get("json", "")
            if entry.get("kind") == "schema" and entry.get("endpoint") and path:
                found[Path(path).name] = (entry["endpoint"], entry["direction"])
    return found


def _infer(name: str) -> tuple[str, str] | None:
    """(endpoint, direction) from a name like schema-relations-get-request-valid.json."""
    for endpoint in sorted(codec.endpoints(), key=len, reverse=True):
        dashed = endpoint.replace("/", "-").replace("_", "-")
        for direction in ("request", "response"):
            if name.startswith(f"schema-{dashed}-{direction}"):
                return endpoint, direction
    return None


def _vector_files() -> list[Path]:
    folder = VECTORS / "schema"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_schema_vectors() -> None:
    """Every vector under vectors/schema/ (one test: the folder is growing)."""
    checked = 0
    for path in _vector_files():
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # a file being written
        where = _vector_endpoints().get(path.name) or _infer(path.name)
        assert where is not None, f"{path.name}: no endpoint in the manifest or the name"
        endpoint, direction = where
        try:
            check(payload, schema_id(endpoint, direction), endpoint, direction)
        except AssertionError as error:
            raise AssertionError(f"{path.name}: {error}") from None
        checked += 1
    assert checked == 0 or checked >= len(_vector_files()) // 2


# ------------------------------------------------------------ generated payloads

CASES = cases()


@pytest.mark.parametrize(("endpoint", "direction"), CASES, ids=[f"{e}.{d}" for e, d in CASES])
@settings(max_examples=EXAMPLES_PER_CASE)
@given(data=st.data())
def test_generated_and_mutated_payloads(endpoint: str, direction: str, data: st.DataObject) -> None:
    payload = data.draw(payloads(endpoint, direction), label="payload")
    check(payload, schema_id(endpoint, direction), endpoint, direction)
    mutated = data.draw(mutations(payload), label="mutated")
    check(mutated, schema_id(endpoint, direction), endpoint, direction)


# ------------------------------------------------- where Python and Rust differ

RELATIONS_GET = {"rel_id": 2, "profile_id": "p"}
LOYALTY = {"loyalty_program_id": 1, "matching": "email", "email": "a@example.com", "amount": "1"}

EDGES = [
    # Python's "$" also matches before a final newline; ECMA-262's does not.
    ("loyalty/accrue_points", "request", dict(LOYALTY, amount="1\n"), False),
    ("loyalty/accrue_points", "request", dict(LOYALTY, amount="1\n2"), False),
    ("loyalty/accrue_points", "request", dict(LOYALTY, amount="10.25"), True),
    # A tuple is an array (the encoder writes it as one).
    ("profiles/list", "request", {"db_id": 1, "fields": ("_id", "email")}, True),
    ("profiles/list", "request", {"db_id": 1, "fields": ("_id", 1)}, False),
    # Integers: past 64 bits, and floats with no fraction (JSON Schema: integers).
    ("relations/get", "request", dict(RELATIONS_GET, rel_id=2**64), True),
    ("relations/get", "request", dict(RELATIONS_GET, rel_id=-(2**200)), True),
    ("relations/get", "request", dict(RELATIONS_GET, rel_id=2.0), True),
    ("relations/get", "request", dict(RELATIONS_GET, rel_id=1e300), True),
    ("relations/get", "request", dict(RELATIONS_GET, rel_id=-0.0), True),
    ("relations/get", "request", dict(RELATIONS_GET, rel_id=2.5), False),
    ("relations/get", "request", dict(RELATIONS_GET, rel_id=True), False),
    # Strings XML and UTF-8 cannot carry, which the codec still round-trips.
    ("relations/get", "request", dict(RELATIONS_GET, profile_id="\ud800"), True),
    ("relations/get", "request", dict(RELATIONS_GET, profile_id="\x00\ufffe"), True),
    ("relations/get", "request", dict(RELATIONS_GET, email="\ud800@example.com"), True),
    ("relations/get", "request", dict(RELATIONS_GET, email="a\u00a0b@example.com"), False),
    # Formats: dates Python parses but RFC 3339 refuses, and the reverse.
    ("scampaigns/activate", "request", {"id": 1, "activate_date": "2024-01-31T10:00:00+01:00"}, True),
    ("scampaigns/activate", "request", {"id": 1, "activate_date": "2024-01-31T10:00:00+0100"}, False),
    ("scampaigns/activate", "request", {"id": 1, "activate_date": "20240131T100000Z"}, False),
    ("scampaigns/activate", "request", {"id": 1, "activate_date": "2024-01-31T10:00Z"}, False),
    ("scampaigns/activate", "request", {"id": 1, "activate_date": "２０２４-01-31T10:00:00Z"}, False),
    # Not an object at all.
    ("relations/get", "request", [], False),
    ("relations/get", "request", None, False),
]


@pytest.mark.parametrize(("endpoint", "direction", "payload", "valid"), EDGES)
def test_edge_values(endpoint: str, direction: str, payload: Any, valid: bool) -> None:
    check(payload, schema_id(endpoint, direction), endpoint, direction)
    assert verdicts(payload, schema_id(endpoint, direction), False)[0] is valid


@pytest.mark.parametrize("value", [{1, 2}, b"bytes", frozenset()])
def test_values_jsonschema_rs_cannot_take_are_judged_by_the_reference(value: Any) -> None:
    declared = dict(RELATIONS_GET, profile_id=value)
    assert outcome(declared, "relations/get", "request", False, "jsonschema-rs") == outcome(
        declared, "relations/get", "request", False, "jsonschema"
    )
    assert outcome(declared, "relations/get", "request", False, "jsonschema")
    undeclared = dict(RELATIONS_GET, extra=value)
    codec.validate(undeclared, endpoint="relations/get", direction="request", backend="jsonschema-rs")
    codec.validate(undeclared, endpoint="relations/get", direction="request", backend="jsonschema")


# ------------------------------------------------------------ picking a backend


def test_auto_uses_jsonschema_rs_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALTCRAFT_CODEC_BACKEND", raising=False)
    assert schemas.backend() == "jsonschema-rs"
    monkeypatch.setenv("ALTCRAFT_CODEC_BACKEND", "jsonschema")
    assert schemas.backend() == "jsonschema"


def test_auto_falls_back_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALTCRAFT_CODEC_BACKEND", raising=False)
    monkeypatch.setattr(schemas, "_fast_module", lambda: None)
    assert schemas.backend() == "jsonschema"
    codec.validate(RELATIONS_GET, endpoint="relations/get", direction="request")
    with pytest.raises(codec.ValidationError):
        codec.validate({}, endpoint="relations/get", direction="request")
    with pytest.raises(ValueError, match="not installed"):
        codec.validate(RELATIONS_GET, endpoint="relations/get", direction="request", backend="jsonschema-rs")


def test_auto_really_runs_the_fast_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALTCRAFT_CODEC_BACKEND", raising=False)
    calls: list[str] = []
    original = schemas._fast_validator

    def spy(uri: str, strict: bool) -> Any:
        calls.append(uri)
        return original(uri, strict)

    monkeypatch.setattr(schemas, "_fast_validator", spy)
    schemas._validator.cache_clear()  # prepared validators compile their fast one on first use
    codec.validate(RELATIONS_GET, endpoint="relations/get", direction="request")
    assert calls == [schema_id("relations/get", "request")]
    assert schemas.Validator("relations/get", "request").backend == "jsonschema-rs"
    assert isinstance(original(calls[0], False), jsonschema_rs.Validator)


def test_unknown_backend_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="backend"):
        codec.validate(RELATIONS_GET, endpoint="relations/get", direction="request", backend="fastest")  # type: ignore[arg-type]


# ------------------------------------------------------- date and date-time
# The codec checks both formats with its own functions, in both backends (so
# they agree by construction); these tests hold those functions to
# jsonschema-rs's own RFC 3339 checkers, the standard they follow.

_RS_DATE_TIME = jsonschema_rs.validator_for({"format": "date-time"}, validate_formats=True)


def _format_patterns() -> dict[str, str]:
    """The one pattern the schema files give each format (every node alike)."""
    found: dict[str, set[str]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("format"), str) and "pattern" in node:
                found.setdefault(node["format"], set()).add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for document in schemas.documents().values():
        walk(document)
    assert all(len(patterns) == 1 for patterns in found.values()), found
    return {name: patterns.pop() for name, patterns in found.items()}


_PATTERNS = {name: _formats.ecma_regex(pattern) for name, pattern in _format_patterns().items()}


def _codec_accepts(name: str, text: str) -> bool:
    """The codec's verdict on a value of format ``name``: its pattern, then its check."""
    return _PATTERNS[name].search(text) is not None and bool(_formats.FORMATS[name](text))


_RS_DATE = jsonschema_rs.validator_for({"format": "date"}, validate_formats=True)


def _two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n:02d}")


_DATES = st.builds(
    lambda y, m, d: f"{y:04d}-{m}-{d}",
    st.integers(0, 9999),
    _two(0, 13),
    _two(0, 32),
)
_TIMES = st.builds(
    lambda h, m, s, fraction, zone: f"{h}:{m}:{s}{fraction}{zone}",
    _two(0, 25),
    _two(0, 60),
    _two(0, 61),
    st.sampled_from(["", ".5", ".123456789", "."]),
    st.one_of(
        st.sampled_from(["Z", "z", "", "+00:00", "-00:00"]),
        st.builds("{}{}:{}".format, st.sampled_from("+-"), _two(0, 25), _two(0, 60)),
    ),
)
_DATE_TIMES = st.builds(lambda d, sep, t: d + sep + t, _DATES, st.sampled_from(["T", "t", " ", "_"]), _TIMES)


@settings(max_examples=EXAMPLES_PER_CASE * 100)
@given(st.one_of(_DATE_TIMES, _DATES, st.text(max_size=30)))
def test_date_time_is_rfc_3339_as_jsonschema_rs_checks_it(text: str) -> None:
    # The codec's verdict is the schemas' pattern plus its format check (the real
    # day of the month). DECISION: the pattern leaves out leap seconds and year
    # 0000, which jsonschema-rs's own format rule takes and check-jsonschema's
    # does not; every validator reads the pattern alike.
    assert _codec_accepts("date-time", text) == (
        _RS_DATE_TIME.is_valid(text) and text[:4] != "0000" and text[17:19] != "60"
    )
    assert _codec_accepts("date", text) == (_RS_DATE.is_valid(text) and text[:4] != "0000")


@pytest.mark.parametrize(
    "text",
    [
        "2016-12-31T23:59:60Z",
        "2017-01-01T02:59:60+03:00",
        "2016-12-31T22:59:60-01:00",
        "2024-01-31T12:59:60Z",
        "2024-01-31 10:00:00Z",
        "0000-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2024-01-31T10:00:00+23:59",
        "2024-01-31T10:00:00Z\n",
        "２024-01-31T10:00:00Z",
    ],
)
def test_date_time_edges_match_jsonschema_rs(text: str) -> None:
    assert _codec_accepts("date-time", text) == (
        _RS_DATE_TIME.is_valid(text) and text[:4] != "0000" and text[17:19] != "60"
    )
