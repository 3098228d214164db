"""Checks of the JSON Schema files under schemas/.

Uses jsonschema and referencing directly (not the codec's validation): every file is a valid
draft 2020-12 schema with no $id (its path is its name: a standard tool resolves its relative
$refs to the files next to it), every $ref resolves inside a local registry
(nothing is fetched), every "page read" v1.1 endpoint of the catalogue has a request and a
response schema, the published doc examples validate (also in strict mode: wrapped as
{"$ref": id, "unevaluatedProperties": false} at the top, and with no undocumented member at any
level by the rule of vectors/generate/s08_schemas.py, see schemas/README.md), and invalid payloads fail
where expected.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
BASE = "https://altcraft-codec.invalid/schemas/"
CATALOGUE = ROOT.parent / "shared" / "altcraft-api" / "endpoints.json"
# A v1.1 method path: lower-case segments, no URL, no placeholder, no "v1.0:" prefix.
V11_PATH = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)+$")

SCHEMA_FILES = sorted(SCHEMAS.rglob("*.json"))
SCHEMA_IDS = [p.relative_to(SCHEMAS).as_posix() for p in SCHEMA_FILES]


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        doc: dict[str, Any] = json.load(f)
    return doc


DOCS = {p.relative_to(SCHEMAS).as_posix(): _load(p) for p in SCHEMA_FILES}
REGISTRY: Registry = Registry().with_resources(
    (BASE + rel, Resource.from_contents(doc, default_specification=DRAFT202012)) for rel, doc in DOCS.items()
)

# Keywords whose value is one subschema / a list of subschemas / a map of subschemas.
_ONE = {
    "additionalProperties",
    "contains",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
}
_LIST = {"allOf", "anyOf", "oneOf", "prefixItems"}
_MAP = {"$defs", "properties", "patternProperties", "dependentSchemas"}
_OTHER = {
    "$schema",
    "$id",
    "$ref",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "format",
    "contentEncoding",
    "contentMediaType",
}
CUSTOM = {"x-xml"}


def subschemas(schema: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (JSON pointer, schema object) for a schema and all its subschemas."""
    if not isinstance(schema, dict):
        return
    yield where, schema
    for key, value in schema.items():
        if key in _ONE:
            yield from subschemas(value, f"{where}/{key}")
        elif key in _LIST:
            for i, sub in enumerate(value):
                yield from subschemas(sub, f"{where}/{key}/{i}")
        elif key in _MAP:
            for name, sub in value.items():
                yield from subschemas(sub, f"{where}/{key}/{name}")


def validator(ref: str, strict: bool = False) -> Draft202012Validator:
    """A validator for the schema at `ref` (relative to schemas/, may carry a fragment)."""
    schema: dict[str, Any] = {"$ref": BASE + ref}
    if strict:
        schema["unevaluatedProperties"] = False
    return Draft202012Validator(schema, registry=REGISTRY)


def errors_of(ref: str, instance: Any) -> list[tuple[str, str, str]]:
    """(json_path, keyword, message) of every top-level error."""
    return [(e.json_path, str(e.validator), e.message) for e in validator(ref).iter_errors(instance)]


# --------------------------------------------------------------------------- files


def test_schema_files_exist() -> None:
    assert SCHEMA_FILES, "no schema files under schemas/"


@pytest.mark.parametrize("rel", SCHEMA_IDS)
def test_file_is_valid_2020_12_schema(rel: str) -> None:
    doc = DOCS[rel]
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # An absolute $id would make other tools resolve the relative $refs against it and fetch.
    assert "$id" not in doc
    assert isinstance(doc.get("title"), str) and doc["title"].strip()
    assert isinstance(doc.get("description"), str) and doc["description"].strip()
    text = (SCHEMAS / rel).read_text(encoding="utf-8")
    assert text == json.dumps(doc, indent=2, ensure_ascii=False) + "\n", (
        "not pretty-printed with 2-space indent and a trailing newline"
    )


@pytest.mark.parametrize("rel", SCHEMA_IDS)
def test_keywords_refs_and_safety(rel: str) -> None:
    doc = DOCS[rel]
    resolver = REGISTRY.resolver(base_uri=BASE + rel)
    for where, sub in subschemas(doc):
        unknown = set(sub) - _ONE - _LIST - _MAP - _OTHER - CUSTOM
        assert not unknown, f"{rel}{where}: unknown keywords {unknown}"
        if "x-xml" in sub:
            assert sub["x-xml"] == "json", f"{rel}{where}"
            assert sub.get("type") == "object", f"{rel}{where}: x-xml on a non-object"
        if "$ref" in sub:
            resolved = resolver.lookup(sub["$ref"]).contents
            assert isinstance(resolved, dict), f"{rel}{where}: bad $ref {sub['$ref']}"
        if sub.get("uniqueItems"):
            items = sub.get("items", {})
            assert items.get("type") != "object" and "$ref" not in items, f"{rel}{where}"
        if "pattern" in sub:
            # No nested unbounded quantifiers such as (a+)+ or (a*)* (backtracking risk).
            assert not re.search(r"[*+}][^()]*\)[*+{]", sub["pattern"]), f"{rel}{where}"
        if "$id" in sub:
            pytest.fail(f"{rel}{where}: $id")


@pytest.mark.parametrize("rel", [r for r in SCHEMA_IDS if r.endswith(".request.json")])
def test_request_top_level_stays_open(rel: str) -> None:
    doc = DOCS[rel]
    assert "additionalProperties" not in doc
    assert "unevaluatedProperties" not in doc
    assert doc.get("type") == "object"


@pytest.mark.parametrize("rel", [r for r in SCHEMA_IDS if r.endswith(".response.json")])
def test_response_uses_envelope(rel: str) -> None:
    doc = DOCS[rel]
    refs = [s.get("$ref", "") for s in doc.get("allOf", [])]
    assert any(r.endswith("shared/envelope.json#/$defs/response") for r in refs), rel


# --------------------------------------------------------------------- catalogue


def catalogue() -> list[dict[str, Any]]:
    if not CATALOGUE.is_file():
        pytest.skip(f"endpoint catalogue not found at {CATALOGUE} (../shared is missing)")
    entries = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return [
        e
        for e in entries
        if e["confidence"] == "page read" and isinstance(e["path"], str) and V11_PATH.match(e["path"])
    ]


def evaluated_properties(ref: str) -> set[str]:
    """Property names a strict wrapper evaluates unconditionally: those declared under
    `properties` of the schema or of anything reachable through $ref / allOf."""
    seen: set[int] = set()
    names: set[str] = set()

    def walk(schema: Any, resolver: Any) -> None:
        if not isinstance(schema, dict) or id(schema) in seen:
            return
        seen.add(id(schema))
        names.update(schema.get("properties", {}))
        if "$ref" in schema:
            resolved = resolver.lookup(schema["$ref"])
            walk(resolved.contents, resolved.resolver)
        for sub in schema.get("allOf", []):
            walk(sub, resolver)

    resolved = REGISTRY.resolver().lookup(BASE + ref)
    walk(resolved.contents, resolved.resolver)
    return names


def test_every_page_read_endpoint_has_both_files() -> None:
    paths = {e["path"] for e in catalogue()}
    assert len(paths) >= 120
    missing = [
        f"{p}.{kind}.json" for p in sorted(paths) for kind in ("request", "response") if f"{p}.{kind}.json" not in DOCS
    ]
    assert not missing, missing
    # Issue 9 adds endpoints the catalogue lacks (its "guessed" rows): such a schema must cite the
    # page it was written from, so every schema stays traceable to a published page.
    extra = [
        r
        for r in SCHEMA_IDS
        if not r.startswith("shared/")
        and r.rsplit(".", 2)[0] not in paths
        and "Source: https://" not in DOCS[r].get("description", "")
    ]
    assert not extra, f"schemas for endpoints neither in the catalogue nor citing a page: {extra}"


def test_every_documented_request_field_is_declared() -> None:
    problems = []
    for entry in catalogue():
        declared = evaluated_properties(f"{entry['path']}.request.json")
        for param in entry["request"]:
            name = param["name"]
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name not in declared:
                problems.append(f"{entry['path']}: {name}")
    assert not problems, problems


def test_every_documented_response_field_is_declared() -> None:
    problems = []
    for entry in catalogue():
        declared = evaluated_properties(f"{entry['path']}.response.json")
        for field in entry["response"]:
            name = field["name"].split(".")[0].split("[")[0]
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name not in declared:
                problems.append(f"{entry['path']}: {name}")
    assert not problems, problems


# ---------------------------------------------------------- published examples

EXAMPLES_DIR = ROOT / "docs" / "examples"  # the docs' examples have one home; the vectors read it too


def _example(name: str) -> Any:
    """The payload of ``docs/examples/NAME``, the example of the schema of the same name."""
    return _load(EXAMPLES_DIR / name)["payload"]


RELATIONS_GET_REQUEST = _example("relations/get.request.json")
RELATIONS_EDIT_REQUEST = _example("relations/edit.request.json")
SUBSCRIPTIONS_GET_REQUEST = _example("subscriptions/get.request.json")
PROFILES_IMPORT_REQUEST = _example("profiles/import.request.json")

# The published examples of the endpoints the project pinned first (docs/examples/
# holds more; tests/test_doc_examples.py runs every one through the codec).
EXAMPLE_NAMES = [
    "relations/get.request.json",
    "relations/get.response.json",
    "relations/edit.request.json",
    "relations/edit.response.json",
    "subscriptions/get.request.json",
    "subscriptions/get.response.json",
    "profiles/import.request.json",
    "profiles/import.response.json",
]
EXAMPLES = [(name, _example(name)) for name in EXAMPLE_NAMES]


@pytest.mark.parametrize("strict", [False, True], ids=["open", "strict"])
@pytest.mark.parametrize("ref,instance", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_published_example_validates(ref: str, instance: Any, strict: bool) -> None:
    errors = [e.message for e in validator(ref, strict).iter_errors(instance)]
    assert not errors


@pytest.mark.parametrize("ref,instance", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_published_example_has_no_undocumented_member_at_any_level(ref: str, instance: Any) -> None:
    sys.path.insert(0, str(ROOT / "vectors"))
    try:
        from generate import s08_schemas  # the vectors' own statement of strict mode
    finally:
        sys.path.pop(0)
    assert not list(s08_schemas._undocumented(s08_schemas._root(BASE + ref), instance, []))


def test_strict_mode_rejects_unknown_top_level_field() -> None:
    instance = dict(RELATIONS_GET_REQUEST, rel_idd=2)
    assert not list(validator("relations/get.request.json").iter_errors(instance))
    errors = list(validator("relations/get.request.json", strict=True).iter_errors(instance))
    assert [e.validator for e in errors] == ["unevaluatedProperties"]


# ------------------------------------------------------------- invalid payloads

M = "shared/matching.json#/$defs/"
CH = "shared/channel.json#/$defs/keys"
ENV = "shared/envelope.json#/$defs/"

INVALID = [
    # matching: each mode without its field(s)
    (M + "extended", {"matching": "email"}, "$", "required", "email"),
    (M + "extended", {"matching": "email_profile"}, "$", "required", "email"),
    (M + "extended", {"matching": "email_sub", "phone": "+7900"}, "$", "required", "email"),
    (M + "extended", {"matching": "phone", "email": "a@b.c"}, "$", "required", "phone"),
    (M + "extended", {"matching": "phone_sub"}, "$", "required", "phone"),
    (M + "extended", {"matching": "profile_id"}, "$", "required", "profile_id"),
    (M + "extended", {"matching": "push_sub", "provider": "x"}, "$", "required", "subscription_id"),
    (M + "extended", {"matching": "push_sub", "subscription_id": "x"}, "$", "required", "provider"),
    (M + "extended", {"matching": "custom", "field_name": "CRM_ID"}, "$", "required", "field_value"),
    (M + "extended", {"matching": "custom_sub", "field_value": 1}, "$", "required", "field_name"),
    (M + "extended", {"matching": "email_phone"}, "$", "anyOf", ""),
    (M + "extended", {"matching": "email_phone_sub", "profile_id": "x"}, "$", "anyOf", ""),
    # matching: no mode and no lookup; bad enums; wrong types
    (M + "basic", {"resource_id": 1}, "$", "anyOf", ""),
    (M + "basic", {"matching": "push_sub", "provider": "p", "subscription_id": "s"}, "$.matching", "enum", "push_sub"),
    (M + "reduced", {"matching": "email_profile", "email": "a@b.c"}, "$.matching", "enum", "email_profile"),
    (M + "extended", {"matching": "by_magic", "email": "a@b.c"}, "$.matching", "enum", ""),
    (M + "basic", {"matching": "custom", "field_name": "n", "field_value": [1]}, "$.field_value", "type", ""),
    (M + "basic", {"profile_id": 123}, "$.profile_id", "type", ""),
    (M + "basic", {"email": "a@b.c", "resource_id": "24"}, "$.resource_id", "type", ""),
    # channel keys: each channel without its key
    (CH, {"email": "a@b.c"}, "$", "required", "channel"),
    (CH, {"channel": "email"}, "$", "required", "email"),
    (CH, {"channel": "push", "provider": "Firefox"}, "$", "required", "subscription_id"),
    (CH, {"channel": "push", "subscription_id": "s"}, "$", "required", "provider"),
    (CH, {"channel": "sms"}, "$", "required", "phone"),
    (CH, {"channel": "telegram_bot"}, "$", "required", "cc_data"),
    (CH, {"channel": "telegram_bot", "cc_data": {"phone": "+7900"}}, "$.cc_data", "required", "id"),
    (CH, {"channel": "telegram_bot", "cc_data": {"id": "1"}}, "$.cc_data.id", "type", ""),
    (CH, {"channel": "whatsapp"}, "$", "required", "cc_data"),
    (CH, {"channel": "whatsapp", "cc_data": {"id": 1}}, "$.cc_data", "required", "phone"),
    (CH, {"channel": 1, "email": "a@b.c"}, "$.channel", "type", ""),
    # envelope
    (ENV + "request", {"token": 123}, "$.token", "type", ""),
    (ENV + "request", {"format": "csv"}, "$.format", "enum", ""),
    (ENV + "response", {"error_text": "ok"}, "$", "required", "error"),
    (ENV + "response", {"error": "0"}, "$.error", "type", ""),
    (ENV + "response", {"error": 0, "error_text": 0}, "$.error_text", "type", ""),
    # paging
    ("shared/paging.json#/$defs/int_cursor_request", {"from_id": "abc"}, "$.from_id", "type", ""),
    ("shared/paging.json#/$defs/string_cursor_request", {"from_id": 5}, "$.from_id", "type", ""),
    ("shared/paging.json#/$defs/int_cursor_request", {"limit": 0}, "$.limit", "minimum", ""),
    ("shared/paging.json#/$defs/list_filters", {"groups_id": ["a"]}, "$.groups_id[0]", "type", ""),
    # batch results
    ("shared/batch.json#/$defs/response", {"result": {"error": 0}}, "$.result", "type", ""),
    ("shared/batch.json#/$defs/response", {"result": [{"error": "x"}]}, "$.result[0].error", "type", ""),
    # profile data and subscriptions
    ("shared/profile.json#/$defs/input", {"phones": [1]}, "$.phones[0]", "type", ""),
    (
        "shared/profile.json#/$defs/input",
        {"subscriptions": [{"channel": "email"}]},
        "$.subscriptions[0]",
        "required",
        "resource_id",
    ),
    (
        "shared/profile.json#/$defs/output",
        {"subscriptions": [{"priority": "high"}]},
        "$.subscriptions[0].priority",
        "type",
        "",
    ),
    ("shared/subscription.json#/$defs/object", {"cats": "news"}, "$.cats", "type", ""),
    ("shared/objects.json#/$defs/Groups", [{"Id": 1, "id": 1}], "$[0]", "additionalProperties", ""),
    # endpoints
    ("relations/get.request.json", {"profile_id": "x"}, "$", "required", "rel_id"),
    ("relations/get.response.json", {"error": 0, "data": {"db_b": 1}}, "$.data", "type", ""),
    ("relations/edit.request.json", dict(RELATIONS_EDIT_REQUEST, profile_a={}), "$.profile_a", "anyOf", ""),
    ("subscriptions/get.request.json", dict(SUBSCRIPTIONS_GET_REQUEST, channel="sms"), "$", "required", "phone"),
    ("profiles/import.request.json", dict(PROFILES_IMPORT_REQUEST, matching="phone"), "$", "required", "phone"),
    (
        "profiles/import_batch.request.json",
        {"db_id": 1, "data": [{"matching": "phone", "email": "a@b.c"}]},
        "$.data[0]",
        "required",
        "phone",
    ),
    ("profiles/list.request.json", {"db_id": 1, "query": "{}"}, "$.query", "type", ""),
    (
        "campaigns/triggers/start_batch.request.json",
        {"trigger_id": 1, "matching": "phone", "data": [{"email": "a@b.c"}]},
        "$.data[0]",
        "required",
        "phone",
    ),
    (
        "campaigns/triggers/start_batch.request.json",
        {"trigger_id": 1, "matching": "custom", "data": [{"field_value": 1}]},
        "$",
        "required",
        "field_name",
    ),
    ("campaigns/triggers/start.request.json", {"id": 5511}, "$", "anyOf", ""),
    ("workflows/start.request.json", {"id": 1, "matching": "custom"}, "$", "required", "field_name"),
    ("loyalty/account/balance.request.json", {"loyalty_program_id": 1, "email": "a@b.c"}, "$", "required", "matching"),
    ("loyalty/commit_transaction.request.json", {"token": "t"}, "$", "anyOf", ""),
    ("segments/add.request.json", {"name": "s", "list_id": 1}, "$", "required", "segment"),
    ("campaigns/activate.request.json", {"id": 1, "override_source_id": 2}, "$", "required", "run_now"),
    ("market/products/delete.request.json", {"token": "t"}, "$", "anyOf", ""),
    ("promocodes/update.request.json", {"code": "C", "loyalty_id": 1}, "$", "anyOf", ""),
    ("pushes/post_events.request.json", {"events": 4, "uid": "u"}, "$.events", "enum", ""),
    (
        "databases/list.response.json",
        {"error": 0, "data": [{"Groups": [{"id": 1}]}]},
        "$.data[0].Groups[0]",
        "additionalProperties",
        "",
    ),
]

VALID = [
    (
        "subscriptions/set.request.json",
        {
            "db_id": 1,
            "profile_id": "p",
            "resource_id": 2,
            "channel": "whatsapp",
            "cc_data": {"phone": "+79000000000"},
            "status": "subscribed",
            "cats": ["news"],
        },
    ),
    (
        "subscriptions/delete.request.json",
        {"db_id": 1, "profile_id": "p", "resource_id": 2, "channel": "telegram_bot", "cc_data": {"id": 1}},
    ),
    (
        "relations/detach.request.json",
        {
            "rel_id": 1,
            "matching": "email",
            "profile_a": {"email": "a@example.com"},
            "profile_b": {"email": "b@example.com"},
        },
    ),
    (
        "profiles/get.request.json",
        {"db_id": 1, "matching": "push_sub", "provider": "android-firebase", "subscription_id": "tok"},
    ),
    ("profiles/delete.request.json", {"db_id": 1, "matching": "custom", "field_name": "CRM_ID", "field_value": 123}),
    (
        "profiles/import_batch.request.json",
        {
            "db_id": 1,
            "matching": "email",
            "data": [
                {
                    "email": "a@example.com",
                    "_fname": "A",
                    "subscriptions": [{"channel": "email", "resource_id": 1, "email_data": {"email": "a@example.com"}}],
                }
            ],
        },
    ),
    (
        "profiles/list.request.json",
        {
            "db_id": 1,
            "from_id": "",
            "limit": 1,
            "query": {"$or": [{"_lname": "Doe"}, {"_city": "Moscow"}]},
            "fields": ["_id", "_lname", "subscriptions"],
        },
    ),
    ("subscribers/history_get.request.json", {"list_id": 1, "xxh": "005a06ded879ecd7"}),
    ("campaigns/triggers/start.request.json", {"id": "5511", "custom_request": {"email": {"$in": ["a@example.com"]}}}),
    (
        "campaigns/triggers/start_batch.request.json",
        {
            "trigger_id": 1,
            "matching": "custom",
            "field_name": "CRM_ID",
            "data": [{"field_value": 1}, {"field_value": "2", "custom_data": {"k": "v"}}],
        },
    ),
    ("segments/add.request.json", {"name": "s", "list_id": 1, "is_static": True}),
    ("scampaigns/activate.request.json", {"id": 1, "start_date": ""}),
    ("suppresses/phones_remove.response.json", {"error": 0, "error_text": "Successful operation", "removed_count": 3}),
    (
        "workflows/list.response.json",
        {"error": 0, "data": [{"id": 1, "groups": [{"ID": 1, "title": "g"}]}], "total": 1},
    ),
]


@pytest.mark.parametrize("ref,instance", VALID, ids=[v[0] for v in VALID])
def test_hand_made_payload_validates_strictly(ref: str, instance: Any) -> None:
    errors = [e.message for e in validator(ref, strict=True).iter_errors(instance)]
    assert not errors


@pytest.mark.parametrize(
    "ref,instance,path,keyword,word",
    INVALID,
    ids=[f"{i}-{c[0].rsplit('/', 1)[-1]}-{c[2]}-{c[3]}" for i, c in enumerate(INVALID)],
)
def test_invalid_payload_fails_at_expected_path(ref: str, instance: Any, path: str, keyword: str, word: str) -> None:
    errors = errors_of(ref, instance)
    assert errors, "expected the payload to be rejected"
    hits = [e for e in errors if e[0] == path and e[1] == keyword and word in e[2]]
    assert hits, f"no {keyword!r} error at {path} mentioning {word!r}: {errors}"
