"""§8 Schema-guided reading and writing: payloads for every endpoint schema.

The files under ``vectors/schema/`` are all written here, from ``schemas/`` (read
through ``codec.schemas.documents()``). For every endpoint schema this makes one valid
payload and at least two invalid ones, each invalid in one known way:

- ``wrong-type-P``: the top-level member P with a value of another JSON type
  (one ``type`` error at ``/P``);
- ``missing-P``: a required top-level member left out (``required`` at the root);
- ``not-an-object``: ``[]`` instead of an object (``type`` at the root), when
  one of the two above is not possible;
- for requests, ``strict-unknown-member``: a member no schema documents, an
  error only in strict mode (``additionalProperties`` at the root).

Strict mode refuses, at every object of the payload, a member that no schema
node applying there declares under ``properties`` (through $ref, allOf, anyOf,
oneOf, then and else), unless one of those nodes leaves the object open
(``additionalProperties`` or ``unevaluatedProperties`` true or a schema) or none
declares any member. Each such object is one ``additionalProperties`` error at
the object's path. This file works that out on its own (``_undocumented``),
separately from ``codec.schemas``, which builds a schema for it: the two are
held equal by tests/test_schemas.py (every nested object of every valid
payload), so this walk is the oracle, not a copy. It also differs on purpose
where payloads are made (``_synth`` follows the first anyOf/oneOf branch
only), so the codec's walk could not replace it without changing every file.

Hand-written schema cases (``meta/08-schema-guided.json``: payloads whose first
error, ``first``, is pinned, the errors a person must be able to act on) get
their ``errors`` from ``errors()`` here, when vectors/build.py builds the manifest.

Payloads are synthesized from the schema and then repaired with the
validator's own errors until they validate. Everything is checked here with
``jsonschema`` itself (not with the codec), and a payload is kept only if its
errors are exactly the ones it is meant to have; ``tests/test_vectors.py``
then checks ``codec.validate`` against them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from codec import schemas

from ._vectors import Vectors

BASE = "https://altcraft-codec.invalid/schemas/"

_DOCUMENTS = schemas.documents()  # path under schemas/ -> the file's JSON, shared blocks too
_REGISTRY: Registry = Registry().with_resources(
    (BASE + rel, Resource.from_contents(doc, default_specification=DRAFT202012)) for rel, doc in _DOCUMENTS.items()
)

_Node = tuple[Any, Any]  # (schema node, the resolver it is read with)


def _validator(schema_id: str) -> Draft202012Validator:
    root: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": schema_id}
    # jsonschema's own format checks (email: an "@"; date-time only with
    # rfc3339-validator installed), not the codec's: enough for these payloads.
    return Draft202012Validator(root, registry=_REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _pointer(parts: list[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _keyword(error: ValidationError) -> str:
    """The failing keyword; the pattern that gives a format its shape (every
    "format" in the schemas has one) is reported as that format."""
    if error.validator == "pattern" and isinstance(error.schema, dict) and "format" in error.schema:
        return "format"
    return str(error.validator)


def _errors(schema_id: str, payload: Any, strict: bool = False) -> list[dict[str, str]]:
    """The distinct (path, keyword) pairs of ``payload``'s errors, sorted."""
    found = {(_pointer(list(e.absolute_path)), _keyword(e)) for e in _validator(schema_id).iter_errors(payload)}
    if strict:
        found.update((path, "additionalProperties") for path in _undocumented(_root(schema_id), payload, []))
    return [{"path": path, "keyword": keyword} for path, keyword in sorted(found)]


def _undocumented(nodes: list[_Node], value: Any, path: list[Any]) -> Iterator[str]:
    """Paths of the objects in ``value`` with a member strict mode refuses."""
    facets = _expand(nodes, branches=True)
    if isinstance(value, dict):
        declared = {name for node, _ in facets for name in node.get("properties", {})}
        closed = declared and all(
            node.get(k, False) is False for node, _ in facets for k in ("additionalProperties", "unevaluatedProperties")
        )
        if closed and any(name not in declared for name in value):
            yield _pointer(path)
        for name, member in value.items():
            yield from _undocumented(_at(nodes, [name]), member, [*path, name])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _undocumented(_at(nodes, [0]), item, [*path, index])


def _expand(nodes: list[_Node], branches: bool) -> list[_Node]:
    """Every schema node that applies at one place: through $ref and allOf,
    and with ``branches`` also every anyOf/oneOf branch and then/else."""
    found: list[_Node] = []
    seen: set[int] = set()
    stack = list(nodes)
    while stack:
        node, resolver = stack.pop(0)
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        found.append((node, resolver))
        if "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            stack.append((resolved.contents, resolved.resolver))
        stack.extend((sub, resolver) for sub in node.get("allOf", ()))
        for keyword in ("anyOf", "oneOf"):
            subs = node.get(keyword, ())
            stack.extend((sub, resolver) for sub in (subs if branches else subs[:1]))
        if branches:
            stack.extend((node[k], resolver) for k in ("then", "else") if k in node)
    return found


def _root(schema_id: str) -> list[_Node]:
    resolved = _REGISTRY.resolver().lookup(schema_id)
    return [(resolved.contents, resolved.resolver)]


def _at(nodes: list[_Node], path: list[str | int]) -> list[_Node]:
    """The schema nodes that apply at ``path`` below ``nodes``."""
    for part in path:
        below: list[_Node] = []
        for node, resolver in _expand(nodes, branches=True):
            if isinstance(part, int):
                if isinstance(node.get("items"), dict):
                    below.append((node["items"], resolver))
            elif part in node.get("properties", {}):
                below.append((node["properties"][part], resolver))
            elif isinstance(node.get("additionalProperties"), dict):
                below.append((node["additionalProperties"], resolver))
        nodes = below
    return nodes


def _types(facets: list[_Node]) -> list[str]:
    allowed: set[str] | None = None
    for node, _ in facets:
        declared = node.get("type")
        if declared is not None:
            kinds = {declared} if isinstance(declared, str) else set(declared)
            allowed = kinds if allowed is None else allowed & kinds
    if allowed is None:
        if any("properties" in n or "required" in n for n, _ in facets):
            return ["object"]
        return ["array"] if any("items" in n for n, _ in facets) else ["string"]
    order = ["object", "array", "string", "integer", "boolean", "number", "null"]
    return [t for t in order if t in allowed]


_FORMATS = {"email": "user@example.com", "date": "2024-01-31", "date-time": "2024-01-31T12:00:00Z"}


def _synth(nodes: list[_Node], depth: int = 0) -> Any:
    """A small value for ``nodes``: required members only, shortest arrays."""
    facets = _expand(nodes, branches=False)
    for node, _ in facets:
        if "const" in node:
            return copy.deepcopy(node["const"])
    for node, _ in facets:
        if node.get("enum"):
            return copy.deepcopy(node["enum"][0])
    kinds = _types(facets)
    kind = kinds[0] if kinds else "string"
    if kind == "object":
        value: dict[str, Any] = {}
        if depth > 6:
            return value
        for node, _ in facets:
            for name in node.get("required", ()):
                if name not in value:
                    value[name] = _synth(_at(nodes, [name]), depth + 1)
        return value
    if kind == "array":
        count = max((n.get("minItems", 0) for n, _ in facets), default=0)
        return [_synth(_at(nodes, [0]), depth + 1) for _ in range(count)]
    if kind == "string":
        for node, _ in facets:
            if node.get("format") in _FORMATS:
                return _FORMATS[node["format"]]
            if "pattern" in node:
                return "1"
        return "x" * max((n.get("minLength", 1) for n, _ in facets), default=1)
    if kind in ("integer", "number"):
        low = max((n["minimum"] for n, _ in facets if "minimum" in n), default=1)
        return max(1, low) if kind == "integer" else float(max(1, low)) + 0.5
    return True if kind == "boolean" else None


def _set(payload: Any, path: list[str | int], value: Any) -> Any:
    if not path:
        return value
    target = payload
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return payload


def _repair(schema_id: str, payload: Any) -> Any:
    """Fix ``payload`` with the validator's errors until it is valid."""
    validator = _validator(schema_id)
    root = _root(schema_id)
    for _ in range(40):
        errors = sorted(validator.iter_errors(payload), key=lambda e: len(e.absolute_path))
        if not errors:
            return payload
        error: ValidationError = errors[0]
        while error.validator in ("anyOf", "oneOf") and error.context:
            first = [e for e in error.context if e.relative_schema_path[0] == 0] or list(error.context)
            error = first[0]
        path = list(error.absolute_path)
        if error.validator == "required":
            target = payload
            for part in path:
                target = target[part]
            for name in error.validator_value:
                if name not in target:
                    target[name] = _synth(_at(root, [*path, name]))
        else:
            payload = _set(payload, path, _synth([(error.schema, _REGISTRY.resolver(base_uri=schema_id))]))
    raise ValueError(f"{schema_id}: could not make a valid payload: {payload!r}")


def _enrich(schema_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Add every documented top-level member (and, for an array of objects,
    one item with its members) that keeps the payload valid, strictly too."""
    root = _root(schema_id)
    names: list[str] = []
    for node, _ in _expand(root, branches=False):
        names.extend(n for n in node.get("properties", {}) if n not in names)
    for name in names:
        if name in payload:
            continue
        trial = copy.deepcopy(payload)
        trial[name] = _synth(_at(root, [name]), 1)
        if isinstance(trial[name], list) and not trial[name]:
            item = _synth(_at(root, [name, 0]), 2)
            if isinstance(item, dict):
                for member in _members(_at(root, [name, 0])):
                    extra = dict(item)
                    extra[member] = _synth(_at(root, [name, 0, member]), 3)
                    if not _errors(schema_id, dict(trial, **{name: [extra]})):
                        item = extra
            trial[name] = [item]
            if _errors(schema_id, trial):
                trial[name] = []
        if not _errors(schema_id, trial) and not _errors(schema_id, trial, strict=True):
            payload = trial
    return payload


def _members(nodes: list[_Node]) -> list[str]:
    names: list[str] = []
    for node, _ in _expand(nodes, branches=False):
        names.extend(n for n in node.get("properties", {}) if n not in names)
    return names


_OTHER_TYPE = {
    "null": 0,
    "string": 12345,
    "integer": "12345",
    "number": "1.5",
    "boolean": "true",
    "array": "x",
    "object": "x",
}


def _single_type(nodes: list[_Node]) -> str | None:
    facets = _expand(nodes, branches=True)
    if any(k in node for node, _ in facets for k in ("anyOf", "oneOf", "not")):
        return None
    kinds = _types(facets)
    return kinds[0] if len(kinds) == 1 and any("type" in n for n, _ in facets) else None


def _entry(endpoint: str, direction: str, name: str, description: str, **fields: Any) -> dict[str, Any]:
    slug = endpoint.replace("/", "-").replace("_", "-")
    case_id = f"schema-{slug}-{direction}-{name}"
    return {
        "id": case_id,
        "kind": "schema",
        "description": description,
        "rule": "dialect.md#8",
        "flags": ["needs-schema"],
        "endpoint": endpoint,
        "direction": direction,
        **fields,
    }


def _cases_for(endpoint: str, direction: str) -> Iterator[tuple[dict[str, Any], Any]]:
    schema_id = f"{BASE}{endpoint}.{direction}.json"
    root = _root(schema_id)
    valid = _enrich(schema_id, _repair(schema_id, _synth(root)))
    assert not _errors(schema_id, valid), (schema_id, valid)
    title = f"{endpoint} {direction}"
    yield _entry(endpoint, direction, "valid", f"A valid {title}.", valid=True, strict=False, errors=[]), valid

    invalid = 0
    names = _members(root)
    for name in sorted(names, key=lambda n: (n not in valid, n)):
        kind = _single_type(_at(root, [name]))
        if kind is None:
            continue
        payload = copy.deepcopy(valid)
        payload[name] = _OTHER_TYPE[kind]
        errors = _errors(schema_id, payload)
        if errors == [{"path": "/" + name, "keyword": "type"}]:
            description = f"A {title} whose {name} is not of type {kind}."
            yield (
                _entry(
                    endpoint,
                    direction,
                    f"invalid-wrong-type-{name}".replace("_", "-"),
                    description,
                    valid=False,
                    strict=False,
                    errors=errors,
                ),
                payload,
            )
            invalid += 1
            break
    required = [n for node, _ in _expand(root, branches=False) for n in node.get("required", ())]
    for name in sorted(dict.fromkeys(required)):
        payload = copy.deepcopy(valid)
        payload.pop(name, None)
        errors = _errors(schema_id, payload)
        if errors == [{"path": "", "keyword": "required"}]:
            description = f"A {title} without its required {name}."
            yield (
                _entry(
                    endpoint,
                    direction,
                    f"invalid-missing-{name}".replace("_", "-"),
                    description,
                    valid=False,
                    strict=False,
                    errors=errors,
                ),
                payload,
            )
            invalid += 1
            break
    if invalid < 2:
        errors = _errors(schema_id, [])
        assert {e["path"] for e in errors} == {""}, (schema_id, errors)
        yield (
            _entry(
                endpoint,
                direction,
                "invalid-not-an-object",
                f"A {title} that is an array, not an object.",
                valid=False,
                strict=False,
                errors=errors,
            ),
            [],
        )
        invalid += 1
    if invalid < 2:
        raise ValueError(f"{schema_id}: fewer than two invalid payloads")
    if direction == "request":
        payload = dict(valid, x_undocumented=1)
        errors = _errors(schema_id, payload, strict=True)
        if not _errors(schema_id, payload) and errors == [{"path": "", "keyword": "additionalProperties"}]:
            description = f"A {title} with an undocumented member: valid, but not in strict mode."
            yield (
                _entry(
                    endpoint,
                    direction,
                    "invalid-strict-unknown-member",
                    description,
                    valid=False,
                    strict=True,
                    errors=errors,
                ),
                payload,
            )


def endpoint_schemas() -> list[tuple[str, str]]:
    """(endpoint, direction) of every endpoint schema: each endpoint has both."""
    return [(endpoint, direction) for endpoint in schemas.endpoints() for direction in ("request", "response")]


def errors(endpoint: str, direction: str, payload: Any, strict: bool = False) -> list[dict[str, str]]:
    """The (path, keyword) of each violation of ``payload``, sorted: the ``errors``
    of a schema case, worked out with jsonschema and, when ``strict``, the walk above."""
    return _errors(f"{BASE}{endpoint}.{direction}.json", payload, strict)


def schema_cases() -> list[tuple[dict[str, Any], Any]]:
    """Every schema vector: (manifest entry, payload)."""
    return [case for endpoint, direction in endpoint_schemas() for case in _cases_for(endpoint, direction)]


def generate() -> Vectors:
    out = Vectors()
    for entry, payload in schema_cases():
        out.add(entry, value=payload)
    return out
