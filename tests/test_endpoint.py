"""codec.Endpoint: the prepared codec of one endpoint and direction.

It must do exactly what the keyword API does (which is now a cache of them)
and what the schema layer's functions do, with the per-call work done once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

import codec
from codec import Limits, _endpoint, schemas

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
FILES = sorted(EXAMPLES.rglob("*.json"))


def _split(path: Path) -> tuple[str, Any]:
    section, _, name = path.relative_to(EXAMPLES).as_posix().rpartition("/")
    method, direction = name.split(".")[:2]
    return f"{section}/{method}", direction


def _payload(path: Path) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(path.read_text("utf-8"))["payload"]
    return payload


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_the_prepared_endpoint_does_what_the_keywords_do(path: Path) -> None:
    name, direction = _split(path)
    payload = _payload(path)
    endpoint = codec.Endpoint(name, direction)
    xml = endpoint.encode(payload)
    assert xml == codec.encode(payload, endpoint=name, direction=direction)
    assert endpoint.encode(payload, pretty=True) == codec.encode(
        payload, endpoint=name, direction=direction, pretty=True
    )
    assert endpoint.decode(xml, validate=True) == payload == codec.decode(xml, endpoint=name, direction=direction)
    endpoint.validate(payload)
    assert list(endpoint.iter_errors(payload)) == []


def test_the_violations_are_those_of_the_schema_layer() -> None:
    payload = {"rel_id": "two", "profile_a": {}, "extra": 1}
    endpoint = codec.Endpoint("relations/edit", "request", strict=True)
    with pytest.raises(codec.ValidationError) as caught:
        endpoint.validate(payload)
    with pytest.raises(codec.ValidationError) as keyword:
        codec.validate(payload, endpoint="relations/edit", direction="request", strict=True)
    assert caught.value.errors == keyword.value.errors
    assert caught.value.best == keyword.value.best
    assert list(endpoint.iter_errors(payload)) == list(
        codec.iter_errors(payload, endpoint="relations/edit", direction="request", strict=True)
    )
    assert str(caught.value) == str(keyword.value)


def test_decode_with_validation_gives_each_violation_its_line() -> None:
    xml = b"<xml>\n<rel_id>two</rel_id>\n<profile_a><profile_id>x</profile_id></profile_a>\n</xml>"
    endpoint = codec.Endpoint("relations/edit", "request")
    with pytest.raises(codec.ValidationError) as caught:
        endpoint.decode(xml, validate=True)
    lines = {violation.path: violation.line for violation in caught.value.errors}
    assert lines["/rel_id"] == 2
    with pytest.raises(codec.ValidationError) as keyword:
        codec.decode(xml, endpoint="relations/edit", direction="request", validate=True)
    assert keyword.value.errors == caught.value.errors


def test_the_name_is_normalised_and_unknown_ones_are_refused() -> None:
    endpoint = codec.Endpoint("/api/v1.1/relations/get/", "response")
    assert endpoint.name == "relations/get"
    assert endpoint.direction == "response"
    assert endpoint.shape is schemas.shape("relations/get", "response")
    assert repr(endpoint).startswith("Endpoint('relations/get', 'response', strict=False")
    with pytest.raises(codec.UnknownEndpointError, match="relations/get"):
        codec.Endpoint("relations/gett", "request")
    with pytest.raises(ValueError, match="direction"):
        codec.Endpoint("relations/get", "sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="backend"):
        codec.Endpoint("relations/get", "request", backend="fastest")  # type: ignore[arg-type]


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def test_its_limits_bound_validation_as_they_bound_the_codec() -> None:
    limits = Limits(max_depth=5)
    endpoint = codec.Endpoint("relations/edit", "request", limits=limits)
    deep = {"rel_id": 1, "weights": _nested(5)}  # the root and five levels below: six
    with pytest.raises(codec.ValidationError) as caught:
        endpoint.validate(deep)
    assert caught.value.best.keyword == "depth"
    assert "limit of 5" in caught.value.best.message
    with pytest.raises(codec.EncodeError, match="limit of 5"):
        endpoint.encode(deep)
    # The keyword API passes its limits to validation too (before, validation
    # ran with the default limits whatever the caller gave).
    with pytest.raises(codec.ValidationError) as keyword:
        codec.encode(deep, endpoint="relations/edit", direction="request", validate=True, limits=limits)
    assert keyword.value.best.keyword == "depth"
    loose = Limits(max_depth=100)
    very_deep = {"weights": _nested(80)}
    codec.Endpoint("relations/edit", "request", limits=loose).encode(very_deep, validate=False)
    with pytest.raises(codec.ValidationError) as default:
        codec.Endpoint("relations/edit", "request").validate(very_deep)
    assert default.value.best.keyword == "depth"


def test_the_keyword_api_shares_prepared_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _endpoint.prepared("relations/get", "request")
    assert _endpoint.prepared("relations/get", "request") is first
    assert _endpoint.prepared("relations/get", "request", strict=True) is not first
    assert _endpoint.prepared("relations/get", "request", limits=Limits(max_depth=9)) is not first
    # The backend "auto" picks may change with the environment: it is part of the key.
    monkeypatch.setenv("ALTCRAFT_CODEC_BACKEND", "jsonschema")
    assert _endpoint.prepared("relations/get", "request").validator.backend == "jsonschema"


def test_the_validator_is_usable_alone() -> None:
    validator = schemas.Validator("relations/get", "request", backend="jsonschema")
    assert validator.endpoint == "relations/get"
    assert validator.backend == "jsonschema"
    assert repr(validator) == "Validator('relations/get', 'request', strict=False, backend='jsonschema')"
    validator.validate({"rel_id": 1, "profile_id": "x"})
    with pytest.raises(codec.ValidationError) as caught:
        validator.validate({})
    assert caught.value.endpoint == "relations/get"
    assert caught.value.direction == "request"


def test_one_endpoint_serves_many_threads() -> None:
    endpoint = codec.Endpoint("relations/get", "response")
    payload = _payload(EXAMPLES / "relations" / "get.response.json")
    xml = endpoint.encode(payload)
    failures: list[object] = []

    def work() -> None:
        for _ in range(200):
            if endpoint.decode(xml, validate=True) != payload:
                failures.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
