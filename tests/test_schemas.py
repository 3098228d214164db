"""The schema layer's API: the registry, validation, strict mode, schema-guided
decoding and encoding, XML lines of violations, and the safety rules (no
fetch, formats, depth, patterns).

The schema files themselves (metaschema, refs, examples, invalid payloads per
shared block) are checked by test_schema_files.py.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
import time
import urllib.request
from collections import ChainMap, UserDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
import referencing.exceptions
from strategies import same
from test_schema_files import EXAMPLES, INVALID

import codec
from codec import _formats, _messages, schemas

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ["jsonschema", "jsonschema-rs"]
PUBLISHED = [(ref.rsplit(".", 2)[0], ref.rsplit(".", 2)[1], payload) for ref, payload in EXAMPLES]
PUBLISHED_IDS = [f"{e}.{d}" for e, d, _ in PUBLISHED]


def errors(payload: Any, endpoint: str, direction: Any, **options: Any) -> list[codec.Violation]:
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate(payload, endpoint=endpoint, direction=direction, **options)
    return caught.value.errors


# ----------------------------------------------------------------- the registry


def test_endpoints_lists_every_endpoint_sorted() -> None:
    names = codec.endpoints()
    assert len(names) >= 122  # issue 9 adds the endpoints whose pages were found
    assert list(names) == sorted(names)
    assert len(set(names)) == len(names)
    assert {"relations/get", "profiles/list", "databases/list", "campaigns/triggers/start"} <= set(names)
    for name in names:
        for direction in ("request", "response"):
            assert (ROOT / "schemas" / f"{name}.{direction}.json").is_file()
    assert not any(name.startswith("shared") for name in names)


def test_schema_returns_a_copy_of_the_file() -> None:
    first = codec.schema("relations/get", "request")
    assert first["title"] == "relations/get request"
    assert first["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert first == json.loads((ROOT / "schemas/relations/get.request.json").read_text(encoding="utf-8"))
    first["properties"].clear()
    first["title"] = "changed"
    second = codec.schema("relations/get", "request")
    assert second["title"] == "relations/get request"
    assert second["properties"]
    codec.validate({"rel_id": 2, "profile_id": "p"}, endpoint="relations/get", direction="request")


@pytest.mark.parametrize(
    ("name", "close"),
    [("relations/gett", "relations/get"), ("relation/get", "relations/get"), ("profiles/lists", "profiles/list")],
)
def test_unknown_endpoint_names_close_matches(name: str, close: str) -> None:
    with pytest.raises(codec.UnknownEndpointError) as caught:
        codec.schema(name, "request")
    error = caught.value
    assert isinstance(error, LookupError)
    assert isinstance(error, codec.CodecError)
    assert close in error.suggestions
    assert close in str(error)
    assert repr(name) in str(error)
    assert error.endpoint == name


def test_unknown_endpoint_without_close_match() -> None:
    with pytest.raises(codec.UnknownEndpointError) as caught:
        codec.validate({}, endpoint="zzzzzz/qqqq", direction="request")
    assert caught.value.suggestions == []
    assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: codec.validate({}, endpoint="nope/nope", direction="request"),
        lambda: list(codec.iter_errors({}, endpoint="nope/nope", direction="request")),
        lambda: codec.schema("nope/nope", "response"),
        lambda: schemas.shape("nope/nope", "response"),
        lambda: codec.encode({}, endpoint="nope/nope", direction="request"),
        lambda: codec.decode(b"<xml/>", endpoint="nope/nope", direction="response"),
    ],
    ids=["validate", "iter_errors", "schema", "shape", "encode", "decode"],
)
def test_every_entry_point_refuses_an_unknown_endpoint(call: Any) -> None:
    with pytest.raises(LookupError):
        call()


@pytest.mark.parametrize("direction", ["req", "Request", "", None, "both"])
def test_bad_direction_is_a_value_error(direction: Any) -> None:
    with pytest.raises(ValueError, match="direction"):
        codec.schema("relations/get", direction)
    with pytest.raises(ValueError, match="direction"):
        codec.validate({}, endpoint="relations/get", direction=direction)
    with pytest.raises(ValueError, match="direction"):
        list(codec.iter_errors({}, endpoint="relations/get", direction=direction))


def test_direction_and_endpoint_go_together() -> None:
    with pytest.raises(TypeError):
        codec.decode(b"<xml/>", endpoint="relations/get")
    with pytest.raises(TypeError):
        codec.decode(b"<xml/>", direction="request")
    with pytest.raises(TypeError):
        codec.decode(b"<xml/>", validate=True)
    with pytest.raises(TypeError):
        codec.encode({}, validate=True)


@pytest.mark.parametrize(
    "spelling",
    ["relations/get", "/api/v1.1/relations/get/", "api/v1.1/relations/get", "v1.1/relations/get", " relations/get/ "],
)
def test_endpoint_spellings_a_gateway_sees(spelling: str) -> None:
    assert codec.schema(spelling, "request") == codec.schema("relations/get", "request")
    payload = {"rel_id": "2", "profile_id": "p"}
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate(payload, endpoint=spelling, direction="request")
    assert caught.value.endpoint == "relations/get"
    assert caught.value.direction == "request"
    assert str(caught.value).startswith("invalid relations/get request: ")
    xml = b"<xml><rel_id>2</rel_id><profile_id>123</profile_id></xml>"
    assert codec.decode(xml, endpoint=spelling, direction="request") == {"rel_id": 2, "profile_id": "123"}


# ------------------------------------------------------------------- validation


@pytest.mark.parametrize(("endpoint", "direction", "payload"), PUBLISHED, ids=PUBLISHED_IDS)
@pytest.mark.parametrize("backend", ["auto", *BACKENDS])
def test_published_examples_validate(endpoint: str, direction: Any, payload: Any, backend: Any) -> None:
    assert codec.validate(payload, endpoint=endpoint, direction=direction, backend=backend) is None
    assert codec.validate(payload, endpoint=endpoint, direction=direction, strict=True, backend=backend) is None
    assert list(codec.iter_errors(payload, endpoint=endpoint, direction=direction, strict=True)) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_validation_error_carries_every_error_sorted(backend: Any) -> None:
    payload = {"rel_id": "two", "profile_id": 5, "email": 7, "resource_id": "r"}
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate(payload, endpoint="relations/get", direction="request", backend=backend)
    error = caught.value
    assert isinstance(error, codec.CodecError)
    assert [(v.path, v.keyword) for v in error.errors] == [
        ("/email", "type"),
        ("/profile_id", "type"),
        ("/rel_id", "type"),
        ("/resource_id", "type"),
    ]
    for violation in error.errors:
        assert isinstance(violation, codec.Violation)
        assert violation.message
        assert violation.line is None
    assert "'two' is not of type 'integer'" in {v.message for v in error.errors}
    assert error.best in error.errors
    assert str(error.best) in str(error)
    assert str(error) == f"invalid relations/get request: {error.best} (and 3 more)"
    assert list(codec.iter_errors(payload, endpoint="relations/get", direction="request")) == error.errors


def test_errors_sort_by_path_with_array_indices_in_numeric_order() -> None:
    payload = {"error": 0, "data": [{"id": "x"} for _ in range(12)], "total_count": "n", "error_text": 1}
    found = errors(payload, "databases/list", "response")
    assert [v.path for v in found] == [
        *(f"/data/{i}/id" for i in range(12)),
        "/error_text",
        "/total_count",
    ]
    assert list(codec.iter_errors(payload, endpoint="databases/list", direction="response")) == found


def test_most_relevant_error_is_in_the_message() -> None:
    # A matching mode without its field: the "required" error, not the enum noise.
    payload = {"db_id": 1, "matching": "phone", "email": "a@example.com"}
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate(payload, endpoint="profiles/get", direction="request")
    assert caught.value.best.keyword == "required"
    assert "'phone' is a required property" in str(caught.value)


def test_one_error_has_no_tail_and_valid_payloads_have_no_errors() -> None:
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate({"rel_id": 1}, endpoint="relations/get", direction="request")
    assert len(caught.value.errors) == 1
    assert "more)" not in str(caught.value)
    ok = {"rel_id": 1, "profile_id": "p"}
    assert list(codec.iter_errors(ok, endpoint="relations/get", direction="request")) == []


@pytest.mark.parametrize("payload", [5, "x", None, [1], True])
def test_a_payload_that_is_not_an_object_is_a_validation_error(payload: Any) -> None:
    for backend in BACKENDS:
        found = errors(payload, "relations/get", "request", backend=backend)
        assert ("", "type") in [(v.path, v.keyword) for v in found]


def _pointer(json_path: str) -> str:
    """``$.data[0].email`` as ``/data/0/email``."""
    return re.sub(r"\[(\d+)\]", r"/\1", json_path[1:]).replace(".", "/")


@pytest.mark.parametrize(
    ("ref", "payload", "path", "keyword", "word"),
    INVALID,
    ids=[f"{i}-{c[0].rsplit('/', 1)[-1]}-{c[3]}" for i, c in enumerate(INVALID)],
)
def test_invalid_payloads_fail_at_the_expected_path_through_the_codec(
    ref: str, payload: Any, path: str, keyword: str, word: str
) -> None:
    # test_schema_files.py checks these with a plain jsonschema validator; here
    # with the codec's own (its pattern and array rules), as Violations.
    uri = "https://altcraft-codec.invalid/schemas/" + ref
    violations, best = schemas._violations(payload, uri, False)
    assert best is not None
    hits = [v for v in violations if v.path == _pointer(path) and v.keyword == keyword and word in v.message]
    assert hits, violations
    match = re.fullmatch(r"(.+)\.(request|response)\.json", ref)
    if match:
        found = errors(payload, match.group(1), match.group(2))
        assert (_pointer(path), keyword) in [(v.path, v.keyword) for v in found]


# ------------------------------------------------------------------ strict mode


@pytest.mark.parametrize(("endpoint", "direction", "payload"), PUBLISHED, ids=PUBLISHED_IDS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_strict_mode_refuses_an_undocumented_top_level_member(
    endpoint: str, direction: Any, payload: Any, backend: Any
) -> None:
    extra = dict(payload, colour="red")
    codec.validate(extra, endpoint=endpoint, direction=direction, backend=backend)
    found = errors(extra, endpoint, direction, strict=True, backend=backend)
    assert [(v.path, v.keyword) for v in found] == [("", "additionalProperties")]
    assert "'colour'" in found[0].message


def test_strict_mode_accepts_every_documented_member() -> None:
    # Each matching mode's own fields are documented, even in if/then branches.
    payload = {
        "token": "t",
        "rel_id": 1,
        "matching": "custom",
        "field_name": "CRM_ID",
        "field_value": 5,
        "resource_id": 2,
    }
    codec.validate(payload, endpoint="relations/get", direction="request", strict=True)
    codec.validate(
        {"db_id": 1, "profile_id": "p", "resource_id": 2, "channel": "telegram_bot", "cc_data": {"id": 1}},
        endpoint="subscriptions/delete",
        direction="request",
        strict=True,
    )


def test_strict_mode_reaches_nested_objects() -> None:
    response = {"error": 0, "data": [{"profile_id_a": "p", "nested_extra": 1}]}
    codec.validate(response, endpoint="relations/get", direction="response")
    found = errors(response, "relations/get", "response", strict=True)
    assert [(v.path, v.keyword) for v in found] == [("/data/0", "additionalProperties")]
    assert "'nested_extra' is not a documented member here" in found[0].message


def test_strict_mode_through_encode_and_decode() -> None:
    extra = {"rel_id": 2, "profile_id": "p", "colour": "red"}
    assert codec.encode(extra, endpoint="relations/get", direction="request", validate=True)
    with pytest.raises(codec.ValidationError):
        codec.encode(extra, endpoint="relations/get", direction="request", validate=True, strict=True)
    xml = codec.encode(extra)
    assert codec.decode(xml, endpoint="relations/get", direction="request", validate=True) == extra
    with pytest.raises(codec.ValidationError) as caught:
        codec.decode(xml, endpoint="relations/get", direction="request", validate=True, strict=True)
    assert caught.value.errors[0].keyword == "additionalProperties"
    assert caught.value.errors[0].line == 1


# ---------------------------------------------------------- schema-guided reading


def test_one_element_array_without_attribute() -> None:
    xml = (
        b"<xml><data><profile_id_a>669e6968ebf4ac52b623a997</profile_id_a><xxh_a>5af1023c84f66195</xxh_a>"
        b"<db_b>9</db_b></data><error>0</error><total_count>1</total_count></xml>"
    )
    guided = codec.decode(xml, endpoint="relations/get", direction="response")
    assert guided["data"] == [{"profile_id_a": "669e6968ebf4ac52b623a997", "xxh_a": "5af1023c84f66195", "db_b": 9}]
    assert isinstance(codec.decode(xml)["data"], dict)  # without the schema: an object
    codec.validate(guided, endpoint="relations/get", direction="response", strict=True)


def test_one_element_array_of_scalars() -> None:
    xml = b"<xml><data><cats>news</cats><priority>1</priority></data><error>0</error></xml>"
    assert codec.decode(xml, endpoint="subscriptions/get", direction="response")["data"] == {
        "cats": ["news"],
        "priority": 1,
    }


def test_empty_element_is_an_empty_array_where_declared() -> None:
    xml = b"<xml><data><id>1</id><name>db</name><ui_tags/></data><error>0</error></xml>"
    value = codec.decode(xml, endpoint="databases/list", direction="response")
    assert same(value, {"data": [{"id": 1, "name": "db", "ui_tags": []}], "error": 0})
    assert codec.decode(xml)["data"]["ui_tags"] == ""


def test_empty_element_is_an_empty_object_where_declared() -> None:
    xml = b"<xml><data><profile_id_a>p</profile_id_a><props/></data><error>0</error></xml>"
    value = codec.decode(xml, endpoint="relations/get", direction="response")
    assert same(value["data"][0]["props"], {})
    assert schemas.shape("relations/get", "response").member("data").items.member("props").kind.value == "object"


@pytest.mark.parametrize("text", ["123", "5af1023c84f66195", "1e5", "0012", "-1", "true", "1.50", "+79000000000"])
def test_string_declared_text_stays_a_string(text: str) -> None:
    xml = f"<xml><data><xxh_a>{text}</xxh_a><db_b>9</db_b></data><error>0</error></xml>".encode()
    value = codec.decode(xml, endpoint="relations/get", direction="response")
    assert same(value["data"][0]["xxh_a"], text)
    assert same(value["data"][0]["db_b"], 9)
    assert same(value["error"], 0)


def test_phone_like_values_stay_strings() -> None:
    xml = b"<xml><db_id>1</db_id><matching>phone</matching><phone>79000000000</phone></xml>"
    value = codec.decode(xml, endpoint="profiles/get", direction="request", validate=True)
    assert same(value, {"db_id": 1, "matching": "phone", "phone": "79000000000"})


def test_embedded_json_query_is_parsed() -> None:
    query = '{"$or":[{"_lname":"Doe"},{"_city":"Moscow"}],"age":{"$gt":18}}'
    xml = f"<xml><db_id>1</db_id><query>{query}</query><fields>_id</fields></xml>".encode()
    value = codec.decode(xml, endpoint="profiles/list", direction="request", validate=True)
    assert same(
        value,
        {"db_id": 1, "query": {"$or": [{"_lname": "Doe"}, {"_city": "Moscow"}], "age": {"$gt": 18}}, "fields": ["_id"]},
    )
    # Without the schema the text is a string.
    assert codec.decode(xml)["query"] == query


def test_attributes_win_over_the_schema() -> None:
    xml = b'<xml><data json=\'true\'>[{"db_b":1},{"db_b":2}]</data><error>0</error></xml>'
    assert codec.decode(xml, endpoint="relations/get", direction="response")["data"] == [{"db_b": 1}, {"db_b": 2}]
    xml = b"<xml><data array='true'><xxh_a string='true'>12</xxh_a></data><error>0</error></xml>"
    assert codec.decode(xml, endpoint="relations/get", direction="response")["data"] == [{"xxh_a": "12"}]


def test_encode_writes_embedded_json_where_declared() -> None:
    payload = {"db_id": 1, "query": {"email": "a@example.com", "age": 5}}
    xml = codec.encode(payload, endpoint="profiles/list", direction="request")
    assert xml == b'<xml><db_id>1</db_id><query json=\'true\'>{"email":"a@example.com","age":5}</query></xml>'
    # Without the endpoint the keys are names, so the object is plain XML.
    assert codec.encode(payload) == (
        b"<xml><db_id>1</db_id><query><email>a@example.com</email><age>5</age></query></xml>"
    )
    assert same(codec.decode(xml, endpoint="profiles/list", direction="request"), payload)
    assert same(codec.decode(xml), payload)
    with_ops = {"db_id": 1, "query": {"$or": [{"a": 1}]}}
    assert b'<query json=\'true\'>{"$or":[{"a":1}]}</query>' in codec.encode(
        with_ops, endpoint="profiles/list", direction="request"
    )
    custom = {"id": "5511", "custom_request": {"email": "a@example.com"}}
    assert b"<custom_request json='true'>" in codec.encode(
        custom, endpoint="campaigns/triggers/start", direction="request", validate=True
    )


# -------------------------------------------------------------- lines of errors

LINES_XML = b"""<xml>
  <data>
    <id>1</id>
    <name>one</name>
    <ui_tags/>
  </data>
  <data>
    <id>two</id>
    <name>2</name>
    <ui_tags>a</ui_tags>
    <ui_tags>b</ui_tags>
    <ui_tags>3</ui_tags>
  </data>
  <error>0</error>
  <total_count>many</total_count>
</xml>
"""


def test_decode_validate_gives_xml_lines() -> None:
    with pytest.raises(codec.ValidationError) as caught:
        codec.decode(LINES_XML, endpoint="databases/list", direction="response", validate=True)
    found = [(v.path, v.keyword, v.line) for v in caught.value.errors]
    # name "2" and ui_tags "3" are declared strings: no error there.
    assert found == [("/data/1/id", "type", 8), ("/total_count", "type", 15)]
    assert caught.value.best.line in (8, 15)
    assert f"line {caught.value.best.line}: " in str(caught.value)


def test_lines_of_array_items_nested_objects_and_embedded_json() -> None:
    xml = b"""<xml>
<db_id>1</db_id>
<matching>email</matching>
<data>
  <email>a@example.com</email>
</data>
<data>
  <email>b@example.com</email>
  <subscriptions>
    <channel>email</channel>
    <resource_id>x</resource_id>
  </subscriptions>
</data>
<data>
  <phones>1</phones>
  <phones><n>2</n></phones>
</data>
</xml>"""
    with pytest.raises(codec.ValidationError) as caught:
        codec.decode(xml, endpoint="profiles/import_batch", direction="request", validate=True)
    lines = {v.path: v.line for v in caught.value.errors}
    assert lines["/data/1/subscriptions/0/resource_id"] == 11
    assert lines["/data/2/phones/1"] == 16  # "1" on line 15 is a declared string: valid
    assert lines["/data/2"] == 14  # no email (matching=email): the item's own element
    assert len(lines) == 3

    xml = b"<xml>\n<db_id>1</db_id>\n<query json='true'>\n[1, 2]\n</query>\n</xml>"
    with pytest.raises(codec.ValidationError) as caught:
        codec.decode(xml, endpoint="profiles/list", direction="request", validate=True)
    assert [(v.path, v.line) for v in caught.value.errors] == [("/query", 3)]


def test_root_level_violation_points_at_the_root_element() -> None:
    xml = b"\n\n<xml>\n<profile_id>p</profile_id>\n</xml>"
    with pytest.raises(codec.ValidationError) as caught:
        codec.decode(xml, endpoint="relations/get", direction="request", validate=True)
    assert [(v.path, v.keyword, v.line) for v in caught.value.errors] == [("", "required", 3)]
    assert str(caught.value.errors[0]).startswith("line 3: /: ")


# ------------------------------------------------------------------------- depth


def _nested(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for i in range(levels):
        value = {"k": value} if i % 2 else [value]
    return value


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("where", ["open member", "declared member", "array"])
def test_a_payload_100_levels_deep_is_a_validation_error(backend: Any, where: str) -> None:
    deep = _nested(99)
    payload: Any = {
        "open member": {"rel_id": 1, "profile_id": "p", "props": deep},
        "declared member": {"rel_id": 1, "profile_id": deep},
        "array": {"rel_id": [deep]},
    }[where]
    found = errors(payload, "relations/get", "request", backend=backend)
    assert [v.keyword for v in found] == ["depth"]
    # The path names the first value past the limit: 64 steps below the root.
    member = {"open member": "/props/", "declared member": "/profile_id/", "array": "/rel_id/"}[where]
    assert found[0].path.startswith(member)
    assert found[0].path.count("/") == 64
    assert "64" in found[0].message
    assert list(codec.iter_errors(payload, endpoint="relations/get", direction="request")) == found


@pytest.mark.parametrize("backend", BACKENDS)
def test_deep_payload_on_a_recursive_schema(backend: Any) -> None:
    query: dict[str, Any] = {"name": "leaf"}
    for _ in range(200):
        query = {"child": [query]}
    payload = {"name": "s", "list_id": 1, "segment": [{"queries": [query]}]}
    found = errors(payload, "segments/add", "request", backend=backend)
    assert [v.keyword for v in found] == ["depth"]


def _depth(value: Any) -> int:
    """Nesting depth as the codec counts it: the root object is 1."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_payload_at_the_depth_limit_validates(backend: Any) -> None:
    def segment(leaf: dict[str, Any]) -> dict[str, Any]:
        query = leaf
        for _ in range(29):
            query = {"child": [query]}
        return {"name": "s", "list_id": 1, "segment": [{"condition": "and", "list_id": 1, "queries": [query]}]}

    at_limit = segment({"name": "leaf", "child": []})
    assert _depth(at_limit) == 64
    codec.validate(at_limit, endpoint="segments/add", direction="request", backend=backend)
    over = segment({"name": "leaf", "child": [{"name": "x"}]})
    assert _depth(over) == 65
    found = errors(over, "segments/add", "request", backend=backend)
    assert [v.keyword for v in found] == ["depth"]


def test_deep_xml_is_a_decode_error_not_a_recursion_error() -> None:
    xml = b"<xml>" + b"<a>" * 100 + b"1" + b"</a>" * 100 + b"</xml>"
    with pytest.raises(codec.DecodeError):
        codec.decode(xml, endpoint="relations/get", direction="request", validate=True)


# -------------------------------------------------------------- no remote $ref


class _Server:
    """A local HTTP server that counts requests and serves a permissive schema."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                body = b'{"type": "integer"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/schema+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.hits = hits
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/x.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    with _Server() as running:
        yield running


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        pytest.fail(f"network access attempted: {args!r}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


REMOTE = ["{server}", "https://example.com/schemas/x.json", "http://127.0.0.1:1/x.json"]


@pytest.mark.parametrize("uri", REMOTE)
def test_reference_backend_never_fetches_a_remote_ref(uri: str, server: _Server, no_network: None) -> None:
    uri = uri.format(server=server.url)
    for schema in ({"$ref": uri}, {"properties": {"a": {"$ref": uri}}}):
        validator = jsonschema.Draft202012Validator(schema, registry=schemas._registry())
        with pytest.raises(referencing.exceptions.Unresolvable):
            validator.is_valid({"a": 1})
    # Also through the codec's own validator class and registry.
    resolver = schemas._registry().resolver()
    with pytest.raises(referencing.exceptions.Unresolvable):
        resolver.lookup(uri)
    assert server.hits == []


@pytest.mark.parametrize("uri", REMOTE)
def test_fast_backend_never_fetches_a_remote_ref(uri: str, server: _Server) -> None:
    uri = uri.format(server=server.url)
    with pytest.raises(jsonschema_rs.ValidationError, match="nothing is fetched"):
        jsonschema_rs.validator_for({"$ref": uri}, registry=schemas._fast_registry())
    assert server.hits == []


def test_fetch_detector_works(server: _Server) -> None:
    # The empty hit lists above mean something: a fetch is seen.
    with urllib.request.urlopen(server.url, timeout=10) as response:
        assert json.load(response) == {"type": "integer"}
    assert server.hits == ["/x.json"]


def test_unknown_registry_uri_is_an_error_not_a_fetch(no_network: None) -> None:
    missing = "https://altcraft-codec.invalid/schemas/shared/nope.json"
    validator = jsonschema.Draft202012Validator({"$ref": missing}, registry=schemas._registry())
    with pytest.raises(referencing.exceptions.Unresolvable):
        validator.is_valid(1)


# ----------------------------------------------------------------------- formats

FORMAT_CASES = [
    # (endpoint, member, valid values, invalid values)
    (
        "suppresses/email_add",
        {"id": 1},
        "email",
        ["a@example.com", "first.last+tag@sub.example.co.uk"],
        ["not-an-email", "a@b", "a b@example.com", "@example.com", "a@@example.com", "a@.com", "", "a@example.com\n"],
    ),
    (
        "scampaigns/activate",
        {"id": 1},
        "activate_date",
        ["2024-01-31T10:00:00Z", "2024-01-31T10:00:00.123+03:00", "2024-02-29t00:00:00z", "2024-01-31T23:59:59-05:30"],
        [
            # DECISION: the schemas' date-time pattern has no second 60 and no year 0000, so
            # leap seconds and year zero are refused alike by every validator (check-jsonschema
            # and jsonschema-rs read the pattern the same way; their format rules differ there).
            "2016-12-31T23:59:60Z",
            "2017-01-01T02:59:60+03:00",
            "0000-02-29T00:00:00Z",
            "2024-01-31 10:00:00-05:30",
            "2024-01-31T12:59:60Z",
            "2024-01-31T10:00:00+0300",
            "2024-01-31T10:00:00.Z",
            "２024-01-31T10:00:00Z",
            "2024-01-31",
            "2024-01-31 10:00:00-05:30",  # RFC 3339 has "T" (JSON Schema's date-time; check-jsonschema agrees)
            "2024-01-31T10:00:00,5Z",  # "." only (check-jsonschema takes ",": the pattern holds it to RFC 3339)
            "0000-01-01T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-01-31T10:00:00",
            "2024-13-01T10:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-31T25:00:00Z",
            "2024-01-31T10:00:00+99:99",
            "2024-01-31T10:00:00+24:00",
            "31.01.2024 10:00",
            "2024-01-31T10:00:00Z\n",
            "",
        ],
    ),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("endpoint", "base", "member", "good", "bad"), FORMAT_CASES, ids=["email", "date-time"])
def test_formats_are_checked(
    endpoint: str, base: dict[str, Any], member: str, good: list[str], bad: list[str], backend: Any
) -> None:
    for value in good:
        codec.validate(dict(base, **{member: value}), endpoint=endpoint, direction="request", backend=backend)
    for value in bad:
        found = errors(dict(base, **{member: value}), endpoint, "request", backend=backend)
        # The shape is the schema's "pattern", a day the month lacks is "format": one error either way.
        assert [v.path for v in found] == [f"/{member}"], value
        assert found[0].keyword in {"pattern", "format"}, value
        assert "is not a" in found[0].message, found[0].message  # names the format, not the regex


def test_format_checks_reach_shared_blocks() -> None:
    # email in the matching block, through $ref and allOf
    found = errors({"rel_id": 1, "matching": "email", "email": "nope"}, "relations/get", "request")
    assert [(v.path, v.message) for v in found] == [("/email", "'nope' is not an email address")]
    # date-time in the history event block, inside an array
    events = [{"datetime": "2024-01-31T10:00:00Z"}, {"datetime": "yesterday"}, {"email": "x@y"}]
    for backend in BACKENDS:
        found = errors({"error": 0, "data": events}, "subscribers/history_get", "response", backend=backend)
        # a format's shape is its pattern (formats above), reported as the format
        assert [(v.path, v.keyword) for v in found] == [("/data/1/datetime", "format"), ("/data/2/email", "format")]


def test_every_format_used_is_checked() -> None:
    used = set()
    for path in (ROOT / "schemas").rglob("*.json"):
        used |= set(re.findall(r'"format": "([^"]+)"', path.read_text(encoding="utf-8")))
    assert used <= set(_formats.FORMATS), used - set(_formats.FORMATS)


# ---------------------------------------------------------------------- patterns


def _patterns() -> list[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in (ROOT / "schemas").rglob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return sorted(found)


def _adversarial(size: int = 10_000) -> list[str]:
    return [
        "1" * size + "x",
        "-" + "1" * (size - 2) + ".",
        "1." * (size // 2) + "x",
        "1" * (size // 2) + "." + "1" * (size // 2) + "\n",
        "a" * size,
        ("1" * 50 + ".") * (size // 51) + "!",
        "-" * size,
        " " * size + "1",
    ]


@pytest.mark.parametrize("pattern", _patterns())
def test_no_pattern_backtracks_catastrophically(pattern: str) -> None:
    compiled = _formats.ecma_regex(pattern)
    fast = jsonschema_rs.validator_for({"pattern": pattern})
    for text in _adversarial():
        for check in (compiled.search, re.compile(pattern).search, fast.is_valid):
            start = time.perf_counter()
            check(text)
            elapsed = time.perf_counter() - start
            assert elapsed < 0.05, f"{pattern!r} took {elapsed * 1000:.0f} ms on {text[:20]!r}..."


def test_patterns_use_the_end_of_input_as_ecma_262_does() -> None:
    assert r"^-?[0-9]+(\.[0-9]+)?$" in _patterns()  # issue 9 adds date and ID patterns
    base = {"loyalty_program_id": 1, "matching": "email", "email": "a@example.com"}
    for backend in BACKENDS:
        for amount in ("100", "-1.50", "0"):
            codec.validate(
                dict(base, amount=amount), endpoint="loyalty/accrue_points", direction="request", backend=backend
            )
        for amount in ("1\n", "1.", ".5", "1e5", " 1", "١٢"):
            found = errors(dict(base, amount=amount), "loyalty/accrue_points", "request", backend=backend)
            assert [(v.path, v.keyword) for v in found] == [("/amount", "pattern")], amount


def test_ecma_regex_translation() -> None:
    assert _formats.ecma_regex("^a$").pattern == r"^a\Z"
    assert _formats.ecma_regex(r"^a\$$").pattern == r"^a\$\Z"
    assert _formats.ecma_regex("[$]$").pattern == r"[$]\Z"
    assert _formats.ecma_regex(r"[\]$]b").pattern == r"[\]$]b"


# ------------------------------------------------- errors a person can act on

MANIFEST = json.loads((ROOT / "vectors" / "manifest.json").read_text(encoding="utf-8"))
SCHEMA_VECTORS = [case for case in MANIFEST["cases"] if case["kind"] == "schema"]
NAMED = [case for case in SCHEMA_VECTORS if "first" in case]


def _vector(case: dict[str, Any]) -> Any:
    return json.loads((ROOT / "vectors" / case["files"]["json"]).read_text(encoding="utf-8"))


def test_the_named_vectors_are_there() -> None:
    names = {case["id"] for case in NAMED}
    assert "schema-relations-get-request-invalid-no-lookup-field" in names
    assert "schema-profiles-import-request-invalid-strict-nested-misspelling" in names
    assert len(NAMED) >= 8


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", NAMED, ids=[case["id"] for case in NAMED])
def test_the_first_error_names_the_real_problem(case: dict[str, Any], backend: Any) -> None:
    payload = _vector(case)
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate(
            payload, endpoint=case["endpoint"], direction=case["direction"], strict=case["strict"], backend=backend
        )
    best = caught.value.best
    first = case["first"]
    assert (best.path, best.keyword) == (first["path"], first["keyword"])
    for word in first["words"]:
        assert word in best.message
    assert str(best) in str(caught.value)


def test_the_issue_cases_word_for_word() -> None:
    request = {"rel_id": 2, "email": "not-an-email", "matching": "email"}
    found = errors(request, "relations/get", "request", strict=True)
    assert [str(v) for v in found] == ["/email: 'not-an-email' is not an email address"]
    found = errors({"rel_id": 2, "matching": "emial", "email": "a@example.com"}, "relations/get", "request")
    assert [str(v) for v in found] == [
        "/matching: 'emial' is not a matching mode; one of: email, email_profile, phone, profile_id, custom"
    ]
    found = errors({"rel_id": 2}, "relations/get", "request")
    assert [v.message for v in found] == ["one of profile_id, email, phone, field_name (with field_value) is required"]


def test_a_wrong_enum_value_is_one_error_everywhere() -> None:
    # Every enum the payload can reach is checked once: no node adds its own
    # enum to one it refers to (two lists of modes for one mistake).
    doubled = []
    for endpoint in codec.endpoints():
        for direction in ("request", "response"):
            document = codec.schema(endpoint, direction)
            stack: list[Any] = [document]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    if "enum" in node and "$ref" in node:
                        doubled.append(f"{endpoint}.{direction}")
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
    assert not doubled


def _containers(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _containers(child)
    elif isinstance(value, list):
        yield value
        for child in value:
            yield from _containers(child)


NOT_SCALARS = [{"a": [1, {"b": "c"}]}, [{"c": 1}, 2], {"email": "x"}, ["email"]]


def _assert_no_repr(payload: Any, violations: list[codec.Violation]) -> None:
    reprs = {repr(c) for c in _containers(payload) if c}
    for violation in violations:
        leaked = [r for r in reprs if r in violation.message]
        assert not leaked, f"{violation}: repr of {leaked[0]}"
        assert "{'" not in violation.message
        assert "[{" not in violation.message


@pytest.mark.parametrize("case", SCHEMA_VECTORS[::3], ids=[case["id"] for case in SCHEMA_VECTORS[::3]])
def test_no_message_holds_a_repr_of_the_payload(case: dict[str, Any]) -> None:
    """Across the schema vectors, and with each top-level member (and the
    payload itself) replaced by objects and arrays, whatever keyword fails."""
    payload = _vector(case)
    options = {"endpoint": case["endpoint"], "direction": case["direction"]}
    trials = [payload, *NOT_SCALARS]
    if isinstance(payload, dict):
        trials += [dict(payload, **{name: other}) for name in payload for other in NOT_SCALARS]
    for trial in trials:
        for strict in (False, True):
            _assert_no_repr(trial, list(codec.iter_errors(trial, strict=strict, **options)))


def test_long_values_are_cut_in_messages() -> None:
    found = errors({"rel_id": "x" * 100_000, "profile_id": "p"}, "relations/get", "request")
    assert len(found[0].message) < 200
    assert "(100000 characters)" in found[0].message
    found = errors({"rel_id": 1, "profile_id": 10**300}, "relations/get", "request")
    assert [v.keyword for v in found] == ["type"]
    assert found[0].message.startswith("an integer of ")


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_integer_past_max_int_digits_is_refused_not_a_crash(backend: Any) -> None:
    for payload, path in [({"rel_id": 1, "profile_id": [-(10**5000)]}, "/profile_id/0"), (10**4300, "")]:
        found = errors(payload, "relations/get", "request", backend=backend)
        assert [(v.path, v.keyword) for v in found] == [(path, "digits")]
        assert "4300" in found[0].message
    at_limit = {"rel_id": 10**4299, "profile_id": "p"}
    codec.validate(at_limit, endpoint="relations/get", direction="request", backend=backend)
    found = errors(at_limit, "relations/get", "request", backend=backend, limits=codec.Limits(max_int_digits=100))
    assert [(v.path, v.keyword) for v in found] == [("/rel_id", "digits")]


# ------------------------------------------------- strict mode, top to bottom


def _strict_oracle() -> Any:
    import sys

    sys.path.insert(0, str(ROOT / "vectors"))
    try:
        from generate import s08_schemas  # the vectors' own, separate rule
    finally:
        sys.path.pop(0)
    return s08_schemas


def _with_extra_everywhere(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path of a nested object, a copy of value with a misspelt member added there)."""
    if isinstance(value, dict):
        if path:
            yield path, None
        for name, child in value.items():
            for inner, _ in _with_extra_everywhere(child, (*path, name)):
                yield inner, None
    elif isinstance(value, list):
        for index, child in enumerate(value):
            for inner, _ in _with_extra_everywhere(child, (*path, index)):
                yield inner, None


def _add_at(payload: Any, path: tuple[Any, ...]) -> Any:
    copy = json.loads(json.dumps(payload))
    target = copy
    for part in path:
        target = target[part]
    target["x_misspelt"] = 1
    return copy


VALID_VECTORS = [case for case in SCHEMA_VECTORS if case["valid"]]


def test_strict_mode_refuses_nested_misspellings_across_endpoints() -> None:
    """Every nested object of every valid vector gets a misspelt member: strict
    mode refuses it exactly where the vectors' own rule (vectors/generate/s08_schemas.py) says
    the object is closed, with both backends, and open mode never does."""
    oracle = _strict_oracle()
    refused_at: set[str] = set()
    for case in VALID_VECTORS:
        payload = _vector(case)
        options = {"endpoint": case["endpoint"], "direction": case["direction"]}
        schema_id = f"{oracle.BASE}{case['endpoint']}.{case['direction']}.json"
        for path, _ in _with_extra_everywhere(payload):
            trial = _add_at(payload, path)
            if list(codec.iter_errors(trial, **options)):
                continue  # closed by the schema itself (additionalProperties: false)
            expected = sorted(oracle._undocumented(oracle._root(schema_id), trial, []))
            found = sorted(v.path for v in codec.iter_errors(trial, strict=True, **options))
            assert found == expected, (case["id"], path)
            for backend in BACKENDS:
                try:
                    codec.validate(trial, strict=True, backend=backend, **options)
                    verdict = True
                except codec.ValidationError as error:
                    verdict = False
                    assert "'x_misspelt' is not a documented member here" in error.best.message
                assert verdict == (not expected)
            if expected:
                refused_at.add(f"{case['endpoint']}.{case['direction']}")
    assert len(refused_at) >= 15, sorted(refused_at)


def test_strict_mode_keeps_documented_open_objects_open() -> None:
    request = {"db_id": 1, "matching": "email", "email": "a@example.com", "data": {"CRM_ID": 7}}
    codec.validate(request, endpoint="profiles/import", direction="request", strict=True)
    weights = {
        "rel_id": 2,
        "profile_a": {"profile_id": "a"},
        "profile_b": {"profile_id": "b"},
        "weights": {"user_like": 2, "any": {"name": [1]}},
    }
    assert list(codec.iter_errors(weights, endpoint="relations/edit", direction="request", strict=True)) == []


def test_strict_mode_finds_a_misspelling_in_a_subscription() -> None:
    request = {
        "db_id": 1,
        "matching": "email",
        "email": "a@example.com",
        "data": {"subscriptions": [{"resource_id": 1, "channel": "email", "email": "a@example.com", "prority": 1}]},
    }
    codec.validate(request, endpoint="profiles/import", direction="request")
    for backend in BACKENDS:
        found = errors(request, "profiles/import", "request", strict=True, backend=backend)
        assert [str(v) for v in found] == [
            "/data/subscriptions/0: 'prority' is not a documented member here; did you mean 'priority'?"
        ]


# ------------------------------------------------- keys, Mappings, limits


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("key", ["²", "①", "₃", "٣", "1" * 5000, "10", "9", "007"])
def test_digit_like_keys_never_crash(key: str, backend: Any) -> None:
    payload = {"pixel_data": {key: {}, "2": []}}
    found = errors(payload, "goals/register", "request", backend=backend)
    assert f"/pixel_data/{key}" in [v.path for v in found]
    listed = list(codec.iter_errors(payload, endpoint="goals/register", direction="request"))
    assert [(v.path, v.keyword) for v in listed] == [(v.path, v.keyword) for v in found]
    with pytest.raises(codec.ValidationError):
        codec.encode(payload, endpoint="goals/register", direction="request", validate=True)


def test_numeric_segments_sort_as_numbers_without_int() -> None:
    paths = ["/a/10", "/a/9", "/a/" + "1" * 5000, "/a/²", "/a/0010", "/a/b"]
    ordered = sorted((codec.Violation(p, "m", "type") for p in paths), key=_messages.sort_key)
    assert [v.path for v in ordered] == ["/a/9", "/a/0010", "/a/10", "/a/" + "1" * 5000, "/a/b", "/a/²"]


class _Custom(Mapping[str, Any]):
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


MAPPINGS = {
    "MappingProxyType": MappingProxyType,
    "ChainMap": ChainMap,
    "UserDict": UserDict,
    "custom Mapping": _Custom,
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", list(MAPPINGS))
def test_mappings_validate_like_dicts(kind: str, backend: Any) -> None:
    make = MAPPINGS[kind]
    good = make({"error": 0, "data": (make({"profile_id_a": "p"}),)})
    codec.validate(good, endpoint="relations/get", direction="response", strict=True, backend=backend)
    bad = make({"error": "0", "data": [make({"profile_id_a": 1, "extra": 2})]})
    found = errors(bad, "relations/get", "response", strict=True, backend=backend)
    plain = errors({"error": "0", "data": [{"profile_id_a": 1, "extra": 2}]}, "relations/get", "response", strict=True)
    assert found == plain


def test_validate_takes_the_callers_limits() -> None:
    payload = {"rel_id": 1, "profile_id": "p", "props": {"a": {"b": 1}}}
    codec.validate(payload, endpoint="relations/get", direction="request")
    shallow = codec.Limits(max_depth=2)
    for backend in BACKENDS:
        found = errors(payload, "relations/get", "request", backend=backend, limits=shallow)
        assert [(v.path, v.keyword) for v in found] == [("/props/a", "depth")]
        assert "limit of 2" in found[0].message
    listed = list(codec.iter_errors(payload, endpoint="relations/get", direction="request", limits=shallow))
    assert [(v.path, v.keyword) for v in listed] == [("/props/a", "depth")]
    codec.validate(payload, endpoint="relations/get", direction="request", limits=codec.Limits(max_depth=3))


MESSAGES = [
    ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, {"a": 1}, "an object is not of type 'integer' or 'string'"),
    (
        {"anyOf": [{"type": "object", "properties": {"a": {"type": "integer"}}}, {"type": "string"}]},
        {"a": "x"},
        "'x' is not of type 'integer' (at /a)",
    ),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 5, "5 matches more than one of the 2 allowed forms"),
    (
        {"anyOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}, {"type": "string"}]},
        {"c": [1]},
        "an object fits none of the 3 allowed forms: 'a' is a required property; 'b' is a required property",
    ),
    ({"anyOf": [{"required": ["a"]}, {"required": ["b", "c"]}]}, {}, "one of a, b (with c) is required"),
    ({"const": "and"}, ["x"], "an array is not 'and', the only value allowed here"),
    ({"not": {"type": "object"}}, {"a": {"b": 1}}, "an object is not allowed here"),
    ({"minItems": 2}, [{"a": 1}], "an array has fewer than 2 items"),
    ({"maxProperties": 1}, {"a": 1, "b": 2}, "an object has more than 1 member"),
    ({"uniqueItems": True}, [{"a": 1}, {"a": 1}], "an array has items that are not unique"),
    ({"minimum": 3}, 2, "2 is less than 3"),
    ({"enum": [1, None, "x"]}, True, "true is not one of: 1, null, x"),
    ({"enum": ["a"], "title": "channel"}, "b", "'b' is not a channel; one of: a"),
    (
        {"format": "date-time", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T"},
        "2024-01-31 10:00:00",
        "is not an RFC 3339 date-time",
    ),
    ({"format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}, "2023-02-29", "is not an RFC 3339 date"),
    ({"properties": {"a": False}}, {"a": {"b": 1}}, "an object is not allowed here"),
    ({"type": "integer"}, "x" * 100 + "y", "(101 characters)"),
]


@pytest.mark.parametrize(("node", "value", "words"), MESSAGES, ids=[m[2][:30] for m in MESSAGES])
def test_messages_per_keyword(node: dict[str, Any], value: Any, words: str) -> None:
    validator = schemas._Reference(node, format_checker=_formats.format_checker())
    (error,) = validator.iter_errors(value)
    message = _messages.message_of(error)
    assert words in message
    assert repr(value) not in message or not isinstance(value, (dict, list))


class _UnhashableKeys(Mapping[Any, Any]):
    def __getitem__(self, key: Any) -> Any:
        return 1

    def __iter__(self) -> Iterator[Any]:
        return iter([["a"]])

    def __len__(self) -> int:
        return 1


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("key", [1, None, ("a",), "unhashable"])
def test_a_key_that_is_not_a_string_is_one_violation(key: Any, backend: Any) -> None:
    # As the encoder: JSON object keys are strings, in a dict or any Mapping.
    inner: Any = _UnhashableKeys() if key == "unhashable" else {key: 1}
    payload = {"rel_id": 2, "profile_id": "p", "weights": [inner]}
    found = errors(payload, "relations/get", "request", backend=backend)
    assert [(v.path, v.keyword) for v in found] == [("/weights/0", "type")]
    assert found[0].message.startswith("object keys must be strings, not ")
    listed = list(codec.iter_errors(payload, endpoint="relations/get", direction="request"))
    assert [str(v) for v in listed] == [str(v) for v in found]


@pytest.mark.parametrize(
    ("payload", "endpoint", "expected"),
    [
        (
            {"rel_id": 2, "matching": "phone"},
            "relations/get",
            "/: 'phone' is a required property (with matching phone or phone_sub)",
        ),
        (
            {"db_id": 1, "matching": "email_phone", "data": {}},
            "profiles/import",
            "/: one of email, phone is required (with matching email_phone or email_phone_sub)",
        ),
        (
            {"db_id": 1, "profile_id": "p", "resource_id": 1, "channel": "telegram_bot", "cc_data": {}},
            "subscriptions/delete",
            "/cc_data: 'id' is a required property (with channel telegram_bot)",
        ),
    ],
)
def test_a_conditional_requirement_names_its_condition(payload: Any, endpoint: str, expected: str) -> None:
    assert [str(v) for v in errors(payload, endpoint, "request")] == [expected]
