"""codec.http (reading and writing API requests without I/O) and the API's error codes."""

from __future__ import annotations

import dataclasses
import json
import pickle
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents, same

import codec
from codec import ApiError, ApiErrorCode, raise_for_error
from codec.http import (
    JSON_CONTENT_TYPE,
    XML_CONTENT_TYPE,
    ApiRequest,
    HttpError,
    endpoint_from_path,
    error_body,
    negotiate_format,
    parse_content_type,
    parse_request,
    read_body,
    read_head,
    render_response,
)

EDIT = "/api/v1.1/relations/edit"
VALID: dict[str, Any] = {
    "token": "bfc505684d774e52b188fa1f003cd5ed",
    "rel_id": 2,
    "profile_a": {"profile_id": "669e6968ebf4ac52b623a997"},
    "profile_b": {"profile_id": "6751b8f1c5e3db9bcb75befa"},
    "weights": {"user_like": 2, "donate": 343, "is_online": True},
}
VALID_JSON = json.dumps(VALID).encode()
VALID_XML = b"""<xml>
<token>bfc505684d774e52b188fa1f003cd5ed</token>
<rel_id>2</rel_id>
<profile_a><profile_id>669e6968ebf4ac52b623a997</profile_id></profile_a>
<profile_b><profile_id>6751b8f1c5e3db9bcb75befa</profile_id></profile_b>
<weights><user_like>2</user_like><donate>343</donate><is_online>true</is_online></weights>
</xml>"""


def read(body: bytes, content_type: str | None = "application/json", path: str = EDIT, **kwargs: Any) -> ApiRequest:
    headers = dict(kwargs.pop("headers", {}))
    if content_type is not None:
        headers["Content-Type"] = content_type
    kwargs.setdefault("validate", True)
    return parse_request("POST", path, headers, body, **kwargs)


def refusal(body: bytes, content_type: str | None = "application/json", **kwargs: Any) -> HttpError:
    with pytest.raises(HttpError) as caught:
        read(body, content_type, **kwargs)
    return caught.value


# --- the error codes --------------------------------------------------------------

DOCUMENTED = {
    0: "Operation is successful",
    400: "Incorrect request",
    401: "API token required",
    402: "Tariff limit reached",
    403: "No rights for this action",
    404: "The object is not found in the token vision zone",
    409: "Another record with the same unique attributes already exists",
    413: "The database is not available in the selected resource",
    415: "Requested Content-Type is not supported",
    429: "The number of requests set in the configuration file has been exceeded (API_MAX_REQUESTS_COUNT)",
    435: "Ambiguous search, there are several objects with given attributes",
    441: "The object belongs to another group",
    450: "Request validation error",
    500: "Internal service error",
    501: "The method does not exist",
}


def test_the_enum_is_the_documented_table() -> None:
    assert {int(code): code.meaning for code in ApiErrorCode} == DOCUMENTED
    assert ApiErrorCode(450) is ApiErrorCode.VALIDATION_ERROR
    assert ApiErrorCode.DATABASE_NOT_AVAILABLE == 413
    assert isinstance(ApiErrorCode.OK, int)


def test_api_error_is_a_codec_error_with_code_and_text() -> None:
    error = ApiError(450, "bad rel_id")
    assert isinstance(error, codec.CodecError)
    assert error.code is ApiErrorCode.VALIDATION_ERROR
    assert error.text == "bad rel_id"
    assert error.meaning == "Request validation error"
    assert str(error) == "Altcraft API error 450 (Request validation error): bad rel_id"
    undocumented = ApiError(777, "new")
    assert undocumented.code == 777
    assert type(undocumented.code) is int
    assert undocumented.meaning is None
    with pytest.raises(TypeError):
        ApiError("450", "x")  # type: ignore[arg-type]


def test_errors_pickle() -> None:
    error = pickle.loads(pickle.dumps(ApiError(404, "no such profile", response={"error": 404})))
    assert (error.code, error.text, error.response) == (404, "no such profile", {"error": 404})
    http_error = refusal(b'{"rel_id": "x"}')
    again = pickle.loads(pickle.dumps(http_error))
    assert isinstance(again, HttpError)
    assert (again.code, again.text, again.status, again.violations) == (
        http_error.code,
        http_error.text,
        http_error.status,
        http_error.violations,
    )


def test_raise_for_error() -> None:
    assert raise_for_error({"error": 0, "error_text": "Successful operation", "profile_id": "x"}) is None
    with pytest.raises(ApiError) as caught:
        raise_for_error({"error": 404, "error_text": "Profile not found"})
    assert caught.value.code is ApiErrorCode.NOT_FOUND
    assert caught.value.text == "Profile not found"
    assert caught.value.response == {"error": 404, "error_text": "Profile not found"}
    # from XML, and with the misspelt member of the workflows/list example
    xml = codec.decode(b"<xml><error>450</error><error_text>rel_id is required</error_text></xml>")
    with pytest.raises(ApiError, match="rel_id is required"):
        raise_for_error(xml)
    with pytest.raises(ApiError) as caught:
        raise_for_error({"error": 435, "error text": "ambiguous"})
    assert caught.value.text == "ambiguous"
    with pytest.raises(ApiError) as caught:
        raise_for_error({"error": 500})
    assert caught.value.text == ""


@pytest.mark.parametrize(
    "response",
    [
        {},
        {"error": True},
        {"error": "450"},
        {"error": None},
        {"error": 1.0},
        {"data": []},
        [("error", 1)],
        None,
        450,
        b"",
        b"  \n",
        b"[]",
        b'"error"',
        b"{",
        b'{"error": 450, "error": 0}',
        b'{"error": NaN}',
        b'{"error": "450"}',
        "<xml><error>450</xml>",
        b"<xml><error string='true'>450</error></xml>",
        b"<xml><error_text>no code</error_text></xml>",
        b"\xff\xfe{",
        b"<html><body>502 Bad Gateway</body></html>",
        "Internal Server Error",
    ],
)
def test_raise_for_error_refuses_what_is_not_a_response(response: Any) -> None:
    with pytest.raises(codec.DecodeError) as caught:
        raise_for_error(response)
    as_text = response.decode("latin-1") if isinstance(response, bytes) else response
    if not (isinstance(as_text, str) and as_text.lstrip().startswith("<")):
        assert str(caught.value).startswith("not an Altcraft API response: ")  # XML: the decoder's own message
    # a DecodeError is a ValueError, as the old refusals were
    with pytest.raises(ValueError):
        raise_for_error(response)


def test_raise_for_error_reads_bodies_as_received() -> None:
    success = b'{"error": 0, "error_text": "Successful operation", "profile_id": "x"}'
    for body in (success, success.decode(), bytearray(success), memoryview(success), b"\xef\xbb\xbf \n" + success):
        assert raise_for_error(body) is None
    xml = b"<?xml version='1.0' encoding='UTF-8'?>\n<xml><error>404</error><error_text>Profile not found</error_text></xml>"
    for body in (xml, xml.decode().split("\n", 1)[1]):
        with pytest.raises(ApiError) as caught:
            raise_for_error(body)
        assert (caught.value.code, caught.value.text) == (ApiErrorCode.NOT_FOUND, "Profile not found")
        assert caught.value.response == {"error": 404, "error_text": "Profile not found"}
    with pytest.raises(ApiError) as caught:
        raise_for_error(b'{"error": 450, "error_text": "Request validation error"}')
    assert caught.value.code == 450
    assert raise_for_error(b"<xml><error>0</error><error_text>Successful operation</error_text></xml>") is None
    # the line of malformed JSON
    with pytest.raises(codec.DecodeError) as refused:
        raise_for_error(b'{"error": 0,\n "error_text": oops}')
    assert refused.value.line == 2
    assert str(refused.value).count("JSON") == 1


# --- the method ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/api/v1.1/relations/edit", "relations/edit"),
        ("/api/v1.1/relations/edit/", "relations/edit"),
        ("/API/V1.1/Relations/Edit", "relations/edit"),
        ("/api/v1.1/no/such-method", "no/such-method"),
        ("/health", None),
        ("/", None),
        ("/api/v1.10/relations/edit", None),
        ("/api/v2/relations/edit", None),
    ],
)
def test_endpoint_from_path(path: str, endpoint: str | None) -> None:
    assert endpoint_from_path(path) == endpoint


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1.1/relations/./edit",
        "/api/v1.1/relations/../profiles/delete",
        "/api/v1.1//relations/edit",
        "/api/v1.1/relations/edit//",
        "//api/v1.1/relations/edit",
        "/./api/v1.1/relations/edit",
        "/x/../api/v1.1/relations/edit",
        "/api/v1.1/relations/edit;x=1",
        "/api/v1.1/relations/edit%00",
        "/api/v1.1/relations/édit",
        "/api/v1.1/relations/edit\n",
    ],
)
def test_paths_a_lenient_router_could_read_as_a_method_are_refused(path: str) -> None:
    with pytest.raises(HttpError) as caught:
        endpoint_from_path(path)
    assert (caught.value.code, caught.value.status) == (400, 400)


def test_the_raw_path_must_say_what_the_decoded_one_says() -> None:
    assert endpoint_from_path(EDIT, raw_path=EDIT) == "relations/edit"
    for raw in ("/api/v1.1/relations%2Fedit", "/%61pi/v1.1/relations/edit", "/api/v1.1/relations/%65dit"):
        with pytest.raises(HttpError):
            endpoint_from_path(EDIT, raw_path=raw)


@pytest.mark.parametrize("path", ["/api/v1.1/", "/api/v1.1"])
def test_a_path_naming_no_method_is_501(path: str) -> None:
    with pytest.raises(HttpError) as caught:
        endpoint_from_path(path)
    assert (caught.value.code, caught.value.status) == (ApiErrorCode.NO_SUCH_METHOD, 404)


def test_a_path_outside_the_api_is_501_for_parse_request() -> None:
    error = refusal(VALID_JSON, path="/health")
    assert (error.code, error.status) == (501, 404)


# --- reading bodies -----------------------------------------------------------


def test_a_valid_json_request() -> None:
    request = read(VALID_JSON)
    assert request == ApiRequest(
        method="POST",
        endpoint="relations/edit",
        known=True,
        payload=VALID,
        token=VALID["token"],
        request_format="json",
        response_format="json",
    )


def test_a_valid_xml_request_is_read_by_the_endpoint_schema() -> None:
    for content_type in ("application/xml", "text/xml", "text/xml; charset=UTF-8", "application/xml;charset=utf-8"):
        request = read(VALID_XML, content_type)
        assert request.payload == VALID
        assert (request.request_format, request.response_format) == ("xml", "xml")
    # the schema says profile_id is a string: digits stay a string without string='true'
    digits = VALID_XML.replace(b"669e6968ebf4ac52b623a997", b"12345")
    assert read(digits, "text/xml").payload["profile_a"] == {"profile_id": "12345"}


def test_unknown_endpoints_are_read_without_a_schema_and_not_validated() -> None:
    request = read(b"<xml><a>1</a><b array='true'>x</b></xml>", "text/xml", path="/api/v1.1/new/method")
    assert (request.endpoint, request.known, request.payload) == ("new/method", False, {"a": 1, "b": ["x"]})


def test_the_token_comes_from_the_body_then_the_header_then_the_query() -> None:
    body = {key: value for key, value in VALID.items() if key != "token"}
    bearer = {"Authorization": "Bearer from-header"}
    assert read(VALID_JSON, headers=bearer, query="token=from-query").token == VALID["token"]
    assert read(json.dumps(body).encode(), headers=bearer, query="token=from-query").token == "from-header"
    assert read(json.dumps(body).encode(), headers={"authorization": "bearer  lower "}).token == "lower"
    assert read(json.dumps(body).encode(), query="token=from-query").token == "from-query"
    assert read(json.dumps(body).encode(), headers={"Authorization": "Basic dXNlcg=="}).token is None
    assert read(json.dumps(body).encode()).token is None


def test_headers_as_asgi_pairs() -> None:
    headers = [(b"content-type", b"application/json"), (b"authorization", b"Bearer t"), (b"accept", b"text/xml")]
    request = parse_request("post", EDIT, headers, json.dumps({**VALID, "token": ""}).encode())
    assert (request.token, request.response_format) == ("t", "xml")


def _head_fields(headers: Any) -> tuple[str, Any]:
    try:
        head = read_head("POST", EDIT, headers)
    except Exception as exc:  # the type is what must agree
        return ("error", type(exc).__name__)
    assert head is not None
    return ("fields", head.fields)


_HEADER_NAMES = st.sampled_from([b"content-type", b"Content-Type", b"ACCEPT", b"x-\xe9", b"host", b"authorization"])
_HEADER_PAIRS = st.one_of(
    st.tuples(_HEADER_NAMES, st.binary(max_size=12)),
    st.lists(st.one_of(_HEADER_NAMES, st.binary(max_size=4)), min_size=2, max_size=2),  # a server's [name, value]
    st.tuples(st.sampled_from(["content-type", "Accept"]), st.text(max_size=8)),  # str pairs: the pure loop's
    st.tuples(_HEADER_NAMES),  # not a pair: refused alike
)


@pytest.mark.skipif(not codec.accelerated(), reason="pure run: no compiled header loop to compare")
@given(st.lists(_HEADER_PAIRS, max_size=8))
def test_the_compiled_header_loop_reads_asgi_headers_as_the_pure_one(headers: list[Any]) -> None:
    with codec._accel.pure_path():
        pure = _head_fields(headers)
    # Twice: the first call may meet a name not cached yet (the pure loop
    # caches it); the second reads every cached name in the compiled loop.
    assert _head_fields(headers) == pure
    assert _head_fields(headers) == pure


def test_the_compiled_header_loop_is_the_one_asgi_headers_take() -> None:
    headers = [(b"content-type", b"application/json"), (b"x-seen-twice", b"1"), (b"x-seen-twice", b"\xff")]
    read_head("POST", EDIT, headers)  # caches the names
    fields = {"content-type": ["application/json"], "x-seen-twice": ["1", "\xff"]}
    assert dict(read_head("POST", EDIT, headers).fields) == fields  # type: ignore[union-attr]
    if codec.accelerated():
        uncached = {b"content-type": "content-type"}  # the other name is not in it: handed over
        assert codec._accel.speedups.header_fields(headers, uncached) is None
        assert codec._accel.speedups.header_fields(headers, codec.http._NAMES) == fields


def test_an_empty_body_is_the_empty_request() -> None:
    request = read(b"", None, validate=False)
    assert (request.payload, request.request_format) == ({}, "json")
    assert read(b"", "text/xml", validate=False).payload == {}
    # ... which relations/edit refuses
    assert refusal(b"", None).code == 450


@pytest.mark.parametrize(
    ("charset", "declaration"),
    [
        ("windows-1251", ""),
        ("windows-1251", '<?xml version="1.0" encoding="windows-1251"?>\n'),
        ("koi8-r", "<?xml version='1.0' encoding='KOI8-R'?>"),
        ("utf-16", '<?xml version="1.0" encoding="UTF-16"?>'),
        ("iso-8859-5", ""),
    ],
)
def test_xml_in_another_charset_is_decoded_to_text_first(charset: str, declaration: str) -> None:
    document = declaration + "<xml><rel_id>2</rel_id><weights><имя>Иван</имя></weights></xml>"
    request = read(document.encode(charset), f'text/xml; charset="{charset}"', validate=False)
    assert request.payload == {"rel_id": 2, "weights": {"имя": "Иван"}}


def test_json_in_another_charset() -> None:
    text = json.dumps({**VALID, "weights": {"name": "Иван"}}, ensure_ascii=False)
    for charset in ("utf-16", "utf-32-be", "windows-1251", "koi8-r"):
        assert read(text.encode(charset), f"application/json; charset={charset}").payload["weights"] == {"name": "Иван"}
    assert read(b"\xef\xbb\xbf" + VALID_JSON).payload == VALID  # a UTF-8 byte order mark


def test_charset_problems() -> None:
    # a declaration that contradicts the header
    declared = b'<?xml version="1.0" encoding="koi8-r"?><xml/>'
    assert refusal(declared, "text/xml; charset=windows-1251").code == 400
    # UTF-8 by the header, another encoding by the declaration: the dialect is UTF-8 only
    assert refusal(declared, "text/xml").code == 400
    # bytes that are not the declared charset
    assert refusal(b'{"a": "\xff"}').code == 400
    assert refusal("{}".encode("utf-16"), "application/json; charset=us-ascii").code == 400
    # charsets that are not supported: 415
    for charset in ("utf-7", "x-unknown", "unicode_escape", "rot13", "base64", "idna"):
        error = refusal(VALID_JSON, f"application/json; charset={charset}")
        assert (error.code, error.status) == (415, 415), charset


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json", "*/*"],
)
def test_unsupported_content_types_are_415(content_type: str | None) -> None:
    error = refusal(VALID_JSON, content_type)
    assert (error.code, error.status) == (ApiErrorCode.UNSUPPORTED_CONTENT_TYPE, 415)
    assert error.text.startswith("Requested Content-Type is not supported")


def test_compressed_bodies_are_415_and_repeated_content_types_400() -> None:
    assert refusal(VALID_JSON, headers={"Content-Encoding": "gzip"}).code == 415
    assert read(VALID_JSON, headers={"Content-Encoding": "identity"}).payload == VALID
    pairs = [("content-type", "application/json"), ("content-type", "text/xml")]
    with pytest.raises(HttpError) as caught:
        parse_request("POST", EDIT, pairs, VALID_JSON)
    assert caught.value.code == 400


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'"text"',
        b"null",
        b"{} {}",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": 1e999}',
        b'{"a": 1, "a": 2}',
        b'{"a": 1,}',
        b"{'a': 1}",
        b'{"a": 1} // comment',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 65 + b"1" + b"}" * 65,
        b'{"a": ' + b"9" * 4301 + b"}",
        b'{"a": -' + b"9" * 4301 + b"}",
        b" ",
        b"\x00",
    ],
)
def test_malformed_json_is_400(body: bytes) -> None:
    error = refusal(body)
    assert (error.code, error.status) == (ApiErrorCode.INCORRECT_REQUEST, 400)
    assert error.text.startswith("Incorrect request: ")
    assert len(error.text) < 400
    assert_said_once(error.text)


def assert_said_once(text: str) -> None:
    """No prefix twice: "malformed XML: malformed XML: ..." or "malformed JSON: invalid JSON: ..."."""
    lowered = text.lower()
    assert lowered.count("incorrect request") == 1, text
    assert lowered.count("malformed") + lowered.count("invalid json") <= 1, text


def test_json_numbers_up_to_the_limit_are_exact() -> None:
    big = 10**4299
    assert read(b'{"a": ' + str(big).encode() + b"}", validate=False).payload == {"a": big}


@pytest.mark.parametrize(
    "body",
    [
        b"<xml>",
        b"<notxml/>",
        b"<xml><a>1</a><b/><a>2</a></xml>",
        b'<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><b>&a;</b></xml>',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml>&lol2;</xml>',
        b'<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml/>',
        b"<xml xmlns='urn:x'/>",
        b"<xml><a foo='1'>x</a></xml>",
        b"<xml><a>" + b"9" * 4301 + b"</a></xml>",
        b"<xml><a json='true'>[" + b"9" * 4301 + b"]</a></xml>",
        b"<xml>" + b"<a>" * 300 + b"</a>" * 300 + b"</xml>",
        b"\xff\xfe<\x00x\x00",
        b"{}",
    ],
)
def test_malformed_or_hostile_xml_is_400(body: bytes) -> None:
    error = refusal(body, "application/xml")
    assert (error.code, error.status) == (400, 400)
    assert error.text.startswith("Incorrect request: malformed XML") or "not" in error.text
    assert_said_once(error.text)


def test_a_body_over_the_codec_limit_is_413() -> None:
    error = refusal(VALID_JSON, limits=codec.Limits(max_bytes=10))
    assert (error.code, error.status) == (400, 413)


def test_json_past_the_element_limit_says_so() -> None:
    error = refusal(b'{"a": [' + b",".join([b"[]"] * 20) + b"]}", limits=codec.Limits(max_elements=10))
    assert error.text == "Incorrect request: malformed JSON: more than 10 objects and arrays"


def test_require_token() -> None:
    bare = {k: v for k, v in VALID.items() if k != "token"}
    error = refusal(json.dumps(bare).encode(), require_token=True)
    assert (error.code, error.status) == (ApiErrorCode.TOKEN_REQUIRED, 401)
    assert error.text == "API token required: send it as the body's token or in an Authorization: Bearer header"
    assert (
        refusal(VALID_XML.replace(b"bfc505684d774e52b188fa1f003cd5ed", b""), "text/xml", require_token=True).code == 401
    )
    assert read(VALID_JSON, require_token=True).token == VALID["token"]
    assert read(json.dumps(bare).encode(), headers={"Authorization": "Bearer b"}, require_token=True).token == "b"
    assert read(json.dumps(bare).encode(), query="token=q", require_token=True).token == "q"
    # before the schema: an invalid body without a token is 401, with one 450
    assert refusal(b'{"rel_id": "x"}', require_token=True).code == 401
    assert refusal(b'{"rel_id": "x", "token": "t"}', require_token=True).code == 450
    # the answer in the caller's format
    assert refusal(b"{}", headers={"Accept": "text/xml"}, require_token=True).response_format == "xml"


def test_the_head_is_read_before_the_body() -> None:
    from codec.http import RequestHead, read_body, read_head

    assert read_head("POST", "/health", {}) is None
    head = read_head("post", EDIT + "/", [(b"Content-Type", b"application/json"), (b"Accept", b"text/xml")])
    assert isinstance(head, RequestHead)
    assert (head.method, head.endpoint, head.known) == ("POST", "relations/edit", True)
    assert head.header("content-type") == "application/json"
    assert head.header("content-length") is None
    assert head.error_format() == "xml"
    assert read_body(head, VALID_JSON, validate=True).payload == VALID
    repeated = read_head("POST", EDIT, [("X-A", "1"), ("x-a", "2"), ("Accept", "application/xml")])
    assert repeated is not None
    with pytest.raises(HttpError) as caught:
        repeated.header("x-a")
    assert (caught.value.code, caught.value.response_format) == (400, "xml")
    refused = head.refusal(ApiErrorCode.NO_SUCH_METHOD, "no", status=404)
    assert (refused.text, refused.status, refused.response_format) == ("The method does not exist: no", 404, "xml")
    with pytest.raises(HttpError) as caught:
        read_head("POST", "/api/v1.1/a/../b", {"Accept": "application/xml"})
    assert (caught.value.code, caught.value.response_format) == (400, "xml")


# --- validation ---------------------------------------------------------------


def test_an_invalid_request_is_450_listing_the_failing_paths() -> None:
    bad = {**VALID, "rel_id": "two", "profile_a": {}}
    del bad["weights"]
    error = refusal(json.dumps(bad).encode())
    assert (error.code, error.status) == (ApiErrorCode.VALIDATION_ERROR, 422)
    assert error.text.startswith("Request validation error: ")
    assert "/rel_id: 'two' is not of type 'integer'" in error.text
    assert "/: 'weights' is a required property" in error.text
    assert "/profile_a" in error.text
    assert {violation.path for violation in error.violations} >= {"", "/rel_id", "/profile_a"}
    assert error.body() == {"error": 450, "error_text": error.text}


def test_xml_violations_carry_their_lines() -> None:
    error = refusal(VALID_XML.replace(b"<rel_id>2</rel_id>", b"<rel_id>two</rel_id>"), "text/xml")
    assert "line 3: /rel_id: 'two' is not of type 'integer'" in error.text
    assert error.violations[0].line == 3


def test_strict_mode_refuses_undocumented_members() -> None:
    extra = json.dumps({**VALID, "surprise": 1}).encode()
    assert read(extra).payload["surprise"] == 1
    error = refusal(extra, strict=True)
    assert error.code == 450
    assert "surprise" in error.text


def test_error_text_is_bounded() -> None:
    long = refusal(json.dumps({**VALID, "rel_id": "x" * 100_000}).encode())
    assert len(long.text) < 300
    assert "…" in long.text
    many = refusal(b'{"ids": [' + b",".join([b'"x"'] * 1000) + b"]}", path="/api/v1.1/market/products/delete")
    assert len(many.violations) == 1000
    assert many.text.count("is not of type 'integer'") == 20
    assert many.text.endswith("; and 980 more")


def test_validate_false_only_reads() -> None:
    assert read(b'{"rel_id": "x"}', validate=False).payload == {"rel_id": "x"}


# --- formats ------------------------------------------------------------------


def test_the_response_format() -> None:
    json_request = {"Content-Type": "application/json"}
    xml_request = {"Content-Type": "text/xml"}
    assert negotiate_format({}) == "json"
    assert negotiate_format(json_request) == "json"
    assert negotiate_format(xml_request) == "xml"
    assert negotiate_format({**json_request, "Accept": "application/xml"}) == "xml"
    assert negotiate_format({**xml_request, "Accept": "application/json"}) == "json"
    assert negotiate_format({**xml_request, "Accept": "*/*"}) == "xml"
    assert negotiate_format({"Accept": "text/xml;q=0.5, application/json;q=0.9"}) == "json"
    assert negotiate_format({"Accept": "text/xml;q=0, application/json"}) == "json"
    assert negotiate_format({"Accept": "text/xml;q=bad"}) == "json"
    assert negotiate_format({**json_request, "Accept": "text/xml"}, query="format=json") == "json"
    assert negotiate_format(json_request, query="format=XML") == "xml"
    assert negotiate_format(json_request, query={"format": "xml"}) == "xml"
    assert negotiate_format(xml_request, query="format=json", payload={"format": "xml"}) == "xml"
    assert negotiate_format(json_request, query="format=yaml", payload={"format": 1}) == "json"


def test_parse_request_answers_in_the_callers_format() -> None:
    assert read(json.dumps({**VALID, "format": "xml"}).encode()).response_format == "xml"
    assert refusal(b'{"rel_id": "x", "format": "xml"}').response_format == "xml"
    assert refusal(b"<xml><rel_id>x</rel_id></xml>", "text/xml").response_format == "xml"
    assert refusal(b"<xml>", "text/xml", query="format=json").response_format == "json"
    assert refusal(b"{}", "text/plain", headers={"Accept": "application/xml"}).response_format == "xml"


def test_repeated_query_parameters_are_400() -> None:
    assert refusal(VALID_JSON, query="format=json&format=xml").code == 400
    assert refusal(VALID_JSON, query="&".join(f"k{i}=1" for i in range(300))).code == 400


def test_parse_content_type() -> None:
    assert parse_content_type("Application/JSON") == ("application/json", None)
    assert parse_content_type('text/xml; charset="Windows-1251"') == ("text/xml", "windows-1251")
    assert parse_content_type("text/xml; foo=bar; charset=koi8-r") == ("text/xml", "koi8-r")


def test_render_response() -> None:
    response = {"error": 0, "error_text": "Successful operation", "profile_id": "5f4fa1a5ce9448665fef548e"}
    content_type, body = render_response(response, "json")
    assert content_type == JSON_CONTENT_TYPE == "application/json; charset=utf-8"
    assert json.loads(body) == response
    content_type, body = render_response(response, "xml")
    assert content_type == XML_CONTENT_TYPE == "application/xml; charset=utf-8"
    assert body == (
        b"<xml><error>0</error><error_text>Successful operation</error_text>"
        b"<profile_id>5f4fa1a5ce9448665fef548e</profile_id></xml>"
    )
    # the endpoint's response schema guides XML: a one-item array read back without attributes
    data = {"error": 0, "data": [{"profile_id_a": "1"}]}
    assert codec.decode(render_response(data, "xml", endpoint="/api/v1.1/relations/get/")[1]) == data
    with pytest.raises(codec.EncodeError):
        render_response({"a": {1, 2}}, "json")
    with pytest.raises(codec.EncodeError):
        render_response({"a": float("nan")}, "json")
    with pytest.raises(codec.EncodeError):
        render_response([1], "json")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fmt"):
        render_response({}, "yaml")  # type: ignore[arg-type]


def test_error_bodies() -> None:
    assert error_body(450, "x") == {"error": 450, "error_text": "x"}
    assert error_body(ApiErrorCode.NO_RIGHTS) == {"error": 403, "error_text": "No rights for this action"}
    assert error_body(999) == {"error": 999, "error_text": ""}
    error = refusal(b'{"rel_id": "<&>]]>"}')
    for fmt in ("json", "xml"):
        _, body = error.render(fmt)  # type: ignore[arg-type]
        decoded = json.loads(body) if fmt == "json" else codec.decode(body)
        assert decoded == error.body()
        with pytest.raises(ApiError) as caught:
            raise_for_error(decoded)
        assert caught.value.code == 450


# --- properties ---------------------------------------------------------------


@settings(max_examples=150)  # the codec's own properties run the big numbers; this checks the wiring
@given(documents)
def test_rendered_json_and_xml_read_back_the_same(document: dict[str, Any]) -> None:
    refused = []
    for fmt, content_type in (("json", "application/json"), ("xml", "application/xml")):
        try:
            _, body = render_response(document, fmt)  # type: ignore[arg-type]
        except codec.EncodeError as error:  # what the codec cannot keep (§6), refused in both formats
            refused.append(error.msg)
            continue
        request = read(body, content_type, path="/api/v1.1/any/method", validate=False)
        assert same(request.payload, document)
    assert len(refused) in (0, 2), refused


@settings(max_examples=300)
@given(st.binary(max_size=200), st.sampled_from(["application/json", "text/xml", "text/plain", None]))
def test_arbitrary_bodies_raise_only_http_errors(body: bytes, content_type: str | None) -> None:
    try:
        read(body, content_type)
    except HttpError as error:
        assert error.code in (400, 415, 450)
        render_response(error.body(), error.response_format)


# --- the lines of violations (codec._locate.lines_of) ------------------------------------


def _reference_line(root: Any, path: str, shape: Any) -> int | None:
    """One pointer at a time, as the decoder reads arrays (§3, §8): the oracle
    that the single walk over all pointers must agree with."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]] if path else []
    element, index = root, 0
    while index < len(parts):
        if element.get("json") == "true" or not len(element):
            break
        key = parts[index]
        run = [child for child in element if child.tag == key]
        if not run:
            break
        shape = None if shape is None else shape.member(key)
        index += 1
        element = run[0]
        is_array = len(run) > 1 or element.get("array") == "true" or (shape is not None and shape.kind.name == "ARRAY")
        if is_array and index < len(parts) and parts[index].isascii() and parts[index].isdigit():
            digits = parts[index].lstrip("0") or "0"
            if len(digits) <= 6 and int(digits) < len(run):
                element = run[int(digits)]
            index += 1
            shape = None if shape is None else shape.items
    return element.sourceline if isinstance(element.sourceline, int) else None


def _pointers(value: Any, prefix: str = "") -> list[str]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _pointers(item, f"{prefix}/{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            found += _pointers(item, f"{prefix}/{position}")
    return found


_small_keys = st.sampled_from(["a", "b", "data", "phones"])
_trees = st.recursive(
    st.one_of(st.integers(0, 9), st.sampled_from(["x", "", "1"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_small_keys, inner, max_size=3)),
    max_leaves=25,
)
_odd_segments = st.sampled_from(
    ["0", "1", "3", "01", "001", "²", "①", "₃", "9" * 5000, "0" * 5000 + "1", "a", "data", "~0", ""]
)


@settings(max_examples=200)
@given(
    st.dictionaries(_small_keys, _trees, max_size=4),
    st.booleans(),
    st.lists(st.lists(_odd_segments, max_size=4), max_size=6),
    st.sampled_from([None, ("relations/get", "response"), ("profiles/list", "request")]),
)
def test_one_walk_finds_the_line_of_every_pointer(
    document: dict[str, Any], strip: bool, extra: list[list[str]], endpoint: tuple[str, str] | None
) -> None:
    from codec import _decode, _locate, schemas

    xml = codec.encode(document, pretty=True)
    if strip:  # arrays written without the attribute: the shape or the run decides
        xml = xml.replace(b" array='true'", b"")
    root = _decode.parse(xml)
    shape = None if endpoint is None else schemas.shape(*endpoint)  # type: ignore[arg-type]
    paths = _pointers(document) + ["/" + "/".join(parts) for parts in extra]
    lines = _locate.lines_of(root, paths, shape)
    assert lines == {path: _reference_line(root, path, shape) for path in paths}


def test_violations_with_digit_like_segments_get_lines_not_crashes() -> None:
    from codec import _decode, _locate

    root = _decode.parse(b"<xml>\n<a array='true'>\n<b>1</b>\n</a>\n<c>2</c>\n<d>1</d>\n<d>2</d>\n</xml>")
    paths = [
        "/a/²",
        "/a/①/b",
        "/a/₃",
        "/a/" + "9" * 5000,
        "/a/0/b",
        "/a/01/b",
        "/c/0",
        "/d/01",
        "/d/" + "0" * 5000 + "1",
    ]
    assert _locate.lines_of(root, paths, None) == {
        "/a/²": 2,
        "/a/①/b": 2,
        "/a/₃": 2,
        "/a/" + "9" * 5000: 2,
        "/a/0/b": 3,
        "/a/01/b": 3,
        "/c/0": 5,
        "/d/01": 7,  # read as 1, as before (jsonschema never writes leading zeros)
        "/d/" + "0" * 5000 + "1": 7,
    }


def test_thousands_of_violations_are_located_in_one_pass() -> None:
    # 8,000 invalid records: each used to rescan all 8,000 siblings (minutes);
    # the guard is generous, the ratio is measured in bench/
    records = b"".join(b"<data><db_b>x%d</db_b></data>\n" % i for i in range(8000))
    xml = b"<xml>\n" + records + b"<error>0</error></xml>"
    started = time.monotonic()
    with pytest.raises(codec.ValidationError) as caught:
        codec.decode(xml, endpoint="relations/get", direction="response", validate=True)
    assert time.monotonic() - started < 5
    errors = caught.value.errors
    assert len(errors) == 8000
    assert [(v.path, v.line) for v in errors[:2]] == [("/data/0/db_b", 2), ("/data/1/db_b", 3)]
    assert (errors[-1].path, errors[-1].line) == ("/data/7999/db_b", 8001)


# --- the records, as the hot path makes them ------------------------------------


def _as_init_makes_it(record: Any) -> Any:
    return type(record)(**{field.name: getattr(record, field.name) for field in dataclasses.fields(record)})


@pytest.mark.parametrize(
    ("body", "content_type", "path", "query"),
    [
        (VALID_JSON, "application/json", EDIT, None),
        (VALID_XML, "text/xml", EDIT, "format=xml"),
        (b"", None, "/api/v1.1/some/method", b"token=t"),
        (b"<xml><a>1</a></xml>", "application/xml", "/api/v1.1/new/method", None),
    ],
)
def test_records_are_what_their_init_makes(body: bytes, content_type: str | None, path: str, query: Any) -> None:
    headers = [(b"Content-Type", content_type.encode())] if content_type else []
    head = read_head("post", path, headers, query=query)
    assert head is not None
    assert head.fields == ({"content-type": [content_type]} if content_type else {})
    request = read_body(head, body, validate=True)
    for record in (head, request):
        made = _as_init_makes_it(record)
        assert type(record) is type(made)
        assert record == made
        assert repr(record) == repr(made)
        assert dataclasses.replace(record) == record
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.method = "GET"  # type: ignore[misc]
    assert (head.method, request.method, request.endpoint) == ("POST", "POST", path.removeprefix("/api/v1.1/"))


@settings(max_examples=300)
@given(
    st.sampled_from(["application/json", "text/xml", "application/xml; charset=utf-8", "text/plain", None]),
    st.sampled_from([None, "text/xml", "application/json;q=0.5, text/xml", "*/*", "text/html"]),
    st.sampled_from([None, "format=xml", "format=json", "format=yaml", "token=t"]),
    st.sampled_from([None, "xml", "JSON", 3, "csv"]),
    st.booleans(),
)
def test_the_response_format_is_what_negotiate_format_says(
    content_type: str | None, accept: str | None, query: str | None, fmt: Any, empty: bool
) -> None:
    headers = {name: value for name, value in (("Content-Type", content_type), ("Accept", accept)) if value}
    payload: dict[str, Any] = {} if fmt is None else {"format": fmt}
    if empty:
        body = b""
        payload = {}
    elif content_type is not None and "xml" in content_type:
        body = codec.encode(payload)
    else:
        body = json.dumps(payload).encode()
    try:
        request = parse_request("POST", "/api/v1.1/some/method", headers, body, query=query)
    except HttpError as error:
        assert error.response_format == negotiate_format(headers, query=query, payload=None)
        return
    assert request.response_format == negotiate_format(headers, query=query, payload=request.payload)
