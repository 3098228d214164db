"""The schema registry: one JSON Schema per endpoint and direction, validation,
and the shape hints that guide XML reading.

Schemas are the files under the repository's ``schemas/`` (shipped inside the
wheel as ``codec/_schemas``). They are resolved only against each other: a
``$ref`` outside the registry is an error, never a fetch.

Two validation backends give the same verdicts: ``jsonschema`` (the reference,
always there) and ``jsonschema-rs`` (the ``fast`` extra), used automatically
when installed. The fast one only decides valid/invalid; the errors of an
invalid payload are always worked out by the reference, so they read the same
whichever backend ran.
"""

from __future__ import annotations

import calendar
import difflib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import jsonschema
import referencing
import referencing.exceptions
from jsonschema.exceptions import best_match
from referencing.jsonschema import DRAFT202012

from ._errors import CodecError, pointer
from ._limits import DEFAULT_LIMITS
from ._shape import Kind, Shape

__all__ = [
    "Direction",
    "UnknownEndpointError",
    "ValidationError",
    "Violation",
    "backend",
    "documents",
    "endpoints",
    "iter_errors",
    "schema",
    "shape",
    "validate",
]

Direction = Literal["request", "response"]
Backend = Literal["auto", "jsonschema", "jsonschema-rs"]
_DIRECTIONS: Final = ("request", "response")
# The registry's name for the schemas/ folder: each file is known by this base
# plus its path. A name only, never fetched. The files themselves carry no
# "$id", so a standard tool resolves their relative "$ref"s against the file's
# own location, offline and with no flags (README, "Using the schemas elsewhere").
_BASE_URI: Final = "https://altcraft-codec.invalid/schemas/"


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a payload breaks its endpoint's schema.

    Attributes:
        path: JSON Pointer of the offending value (``""`` is the payload).
        message: what is wrong, for a person.
        keyword: the JSON Schema keyword that failed (``type``, ``required``...).
        line: the XML line of the offending element, when the payload came as XML.
    """

    path: str
    message: str
    keyword: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "/"
        if self.line is not None:
            where = f"line {self.line}: {where}"
        return f"{where}: {self.message}"


class ValidationError(CodecError):
    """A payload that breaks its endpoint's schema.

    Attributes:
        errors: every violation, sorted by path.
        best: the most relevant violation, also shown in the message.
        endpoint: the endpoint validated against.
        direction: ``"request"`` or ``"response"``.
    """

    def __init__(self, errors: list[Violation], *, best: Violation, endpoint: str, direction: str) -> None:
        self.errors = sorted(errors, key=_sort_key)
        self.best = best
        self.endpoint = endpoint
        self.direction = direction
        more = len(self.errors) - 1
        tail = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"invalid {endpoint} {direction}: {best}{tail}")


class UnknownEndpointError(CodecError, LookupError):
    """An endpoint name with no schema; the message names close matches."""

    def __init__(self, endpoint: str, suggestions: list[str]) -> None:
        self.endpoint = endpoint
        self.suggestions = suggestions
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown endpoint {endpoint!r}{hint} (codec.endpoints() lists them)")


def _sort_key(violation: Violation) -> tuple[list[tuple[int, int, str]], str]:
    # Array indices in numeric order: /data/2 before /data/10.
    parts = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in violation.path.split("/")[1:]]
    return parts, violation.keyword


# --- the registry -----------------------------------------------------------


def _schemas_root() -> Path:
    shipped = resources.files("codec") / "_schemas"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parent.parent / "schemas"  # a source checkout


@cache
def _documents() -> dict[str, Any]:
    """Every schema file, by its registry URI (``_BASE_URI`` + its path)."""
    documents = {}
    root = _schemas_root()
    for path in sorted(root.rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        documents[_BASE_URI + path.relative_to(root).as_posix()] = document
    if not documents:
        raise RuntimeError(f"no schemas found under {root}")
    return documents


def documents() -> dict[str, dict[str, Any]]:
    """Every schema file, shared blocks too, by its path under ``schemas/``
    (``"shared/matching.json"``, ``"relations/get.request.json"``), as copies.

    Their ``$ref``s are relative to that path; for tools that bundle them
    (:mod:`codec.openapi`).
    """
    return {uri[len(_BASE_URI) :]: json.loads(json.dumps(doc)) for uri, doc in _documents().items()}


def _refuse_retrieval(uri: str) -> referencing.Resource[Any]:
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


@cache
def _registry() -> referencing.Registry[Any]:
    # Every resource is draft 2020-12 by construction. The documents' own
    # "$schema" is left out: at each $ref into a document naming one,
    # jsonschema's evolve() would swap the stock Draft202012Validator in for
    # _Reference and drop its "pattern" and "array" rules.
    resources_ = [
        (uri, DRAFT202012.create_resource({k: v for k, v in doc.items() if k != "$schema"}))
        for uri, doc in _documents().items()
    ]
    registry: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]
    return registry.with_resources(resources_).crawl()


@cache
def endpoints() -> tuple[str, ...]:
    """Every endpoint with schemas, e.g. ``"relations/get"``, sorted."""
    names = set()
    for uri in _documents():
        match = re.fullmatch(re.escape(_BASE_URI) + r"(.+)\.(request|response)\.json", uri)
        if match:
            names.add(match.group(1))
    return tuple(sorted(names))


def _normalize(endpoint: str) -> str:
    """Accept the forms a gateway sees: ``/api/v1.1/relations/get/`` too."""
    name = endpoint.strip().strip("/")
    for prefix in ("api/v1.1/", "v1.1/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name


def _schema_id(endpoint: str, direction: str) -> str:
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be 'request' or 'response', not {direction!r}")
    name = _normalize(endpoint)
    if name not in endpoints():
        raise UnknownEndpointError(endpoint, difflib.get_close_matches(name, endpoints(), n=3, cutoff=0.6))
    return f"{_BASE_URI}{name}.{direction}.json"


def schema(endpoint: str, direction: Direction) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``endpoint``'s ``direction``.

    Raises:
        UnknownEndpointError: no such endpoint.
        ValueError: ``direction`` is not ``"request"`` or ``"response"``.
    """
    document: dict[str, Any] = json.loads(json.dumps(_documents()[_schema_id(endpoint, direction)]))
    return document


# --- formats ----------------------------------------------------------------
# The shape of each format is the "pattern" next to it in the schema files
# (ECMA-262, read the same by every validator: standard tools agree with the
# codec). A format check adds only what a pattern cannot say, a real day of the
# month, as check-jsonschema does too; "email" needs nothing more than its
# pattern. Both backends run these same functions, so their verdicts match.

_DAY: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _is_real_day(value: object) -> bool:
    """False only for a day its month does not have (2023-02-29, 2024-04-31).

    Anything else out of shape or range is the pattern's to report, once."""
    match = _DAY.match(value) if isinstance(value, str) else None
    if match is None:
        return True
    year, month, day = (int(part) for part in match.groups())
    if not (year >= 1 and 1 <= month <= 12 and 1 <= day <= 31):
        return True
    return day <= calendar.monthrange(year, month)[1]


def _has_its_pattern(value: object) -> bool:
    return True


# "email" is listed so that jsonschema-rs does not apply its own email rule.
_FORMATS: Final = {"date-time": _is_real_day, "date": _is_real_day, "email": _has_its_pattern}


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for name, check in _FORMATS.items():
        checker.checks(name)(check)
    return checker


# --- validation -------------------------------------------------------------


def _root_schema(schema_id: str, strict: bool) -> dict[str, Any]:
    if strict:
        # Strict mode: a member no "properties" of the schema evaluates is an
        # error. Every documented member is declared that way (schemas/README).
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": schema_id,
            "unevaluatedProperties": False,
        }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": schema_id}


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with ECMA-262's ``$`` (JSON Schema's dialect, and
    jsonschema-rs's): the end of the input only. Python's ``$`` also matches
    before a final newline, so ``"1\\n"`` would pass ``^[0-9]+$``."""
    out = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        index += 1
    return re.compile("".join(out))


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    if validator.is_type(instance, "string") and _ecma_regex(pattern).search(instance) is None:
        if "format" in schema:  # the pattern is that format's shape (see formats above)
            yield jsonschema.ValidationError(f"{instance!r} is not a valid {schema['format']}")
        else:
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


# The reference, aligned with jsonschema-rs (and the encoder) where Python's
# defaults differ: a tuple is an array, and "$" in a pattern ends the input.
_Reference: Final = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "array", lambda _, instance: isinstance(instance, (list, tuple))
    ),
)


@cache
def _reference_validator(schema_id: str, strict: bool) -> jsonschema.protocols.Validator:
    validator: jsonschema.protocols.Validator = _Reference(
        _root_schema(schema_id, strict), registry=_registry(), format_checker=_format_checker()
    )
    return validator


def _fast_module() -> Any:
    try:
        import jsonschema_rs  # noqa: PLC0415 - optional extra
    except ImportError:
        return None
    return jsonschema_rs


@cache
def _fast_registry() -> Any:
    module = _fast_module()
    # jsonschema-rs fetches unknown http(s) $refs by default: refuse, as _registry does.
    return module.Registry(list(_documents().items()), retriever=_refuse_fetch)


def _refuse_fetch(uri: str) -> Any:
    raise ValueError(f"{uri} is outside the schema registry; nothing is fetched")


@cache
def _fast_validator(schema_id: str, strict: bool) -> Any:
    module = _fast_module()
    return module.validator_for(
        _root_schema(schema_id, strict),
        registry=_fast_registry(),
        validate_formats=True,
        formats=_FORMATS,
        ignore_unknown_formats=True,
        retriever=_refuse_fetch,
    )


def backend() -> str:
    """The validation backend ``"auto"`` picks: ``"jsonschema-rs"`` if installed.

    The environment variable ``ALTCRAFT_CODEC_BACKEND=jsonschema`` forces the
    reference backend.
    """
    if os.environ.get("ALTCRAFT_CODEC_BACKEND") == "jsonschema" or _fast_module() is None:
        return "jsonschema"
    return "jsonschema-rs"


def _check_depth(payload: Any, max_depth: int) -> None:
    """Refuse a payload nested past the codec's limit, without recursing.

    Runs before either backend: the reference one would hit RecursionError and
    the Rust one could overflow its stack on a recursive schema.
    """
    level = [payload]
    depth = 1
    while level:
        if depth > max_depth:
            raise _TooDeep(depth)
        below = []
        for container in level:
            if not isinstance(container, (Mapping, list, tuple)):
                continue  # a scalar payload (it fails the schema's "type")
            members = container.values() if isinstance(container, Mapping) else container
            for child in members:
                kind = type(child)
                if kind is dict or kind is list or (kind is not str and isinstance(child, (Mapping, list, tuple))):
                    below.append(child)
        level = below
        depth += 1


class _TooDeep(Exception):
    pass


def _violations(payload: Any, schema_id: str, strict: bool) -> tuple[list[Violation], Violation | None]:
    validator = _reference_validator(schema_id, strict)
    errors = list(validator.iter_errors(payload))
    if not errors:
        return [], None
    violations = [_violation(error) for error in errors]
    return violations, _violation(best_match(errors))


def _violation(error: jsonschema.ValidationError) -> Violation:
    # Report the deepest sub-error of a oneOf/anyOf only when it says more.
    return Violation(path=pointer(list(error.absolute_path)), message=error.message, keyword=str(error.validator))


def iter_errors(
    payload: Any,
    *,
    endpoint: str,
    direction: Direction,
    strict: bool = False,
) -> Iterator[Violation]:
    """Every way ``payload`` breaks the schema, sorted by path (none if valid).

    Raises:
        UnknownEndpointError: no such endpoint.
    """
    schema_id = _schema_id(endpoint, direction)
    try:
        _check_depth(payload, DEFAULT_LIMITS.max_depth)
    except _TooDeep:
        yield Violation("", f"nested deeper than the limit of {DEFAULT_LIMITS.max_depth}", "maxDepth")
        return
    violations, _ = _violations(payload, schema_id, strict)
    yield from sorted(violations, key=_sort_key)


def validate(
    payload: Any,
    *,
    endpoint: str,
    direction: Direction,
    strict: bool = False,
    backend: Backend = "auto",
) -> None:
    """Check ``payload`` against the schema of ``endpoint``'s ``direction``.

    Args:
        payload: a decoded request or response body.
        endpoint: the method path, e.g. ``"relations/get"`` (``/api/v1.1/``
            prefixes and trailing slashes are accepted).
        direction: ``"request"`` or ``"response"``.
        strict: also refuse top-level members the schema does not document.
        backend: ``"auto"`` (jsonschema-rs when installed), ``"jsonschema"``
            or ``"jsonschema-rs"``.

    Raises:
        ValidationError: the payload is invalid; ``.errors`` has every violation.
        UnknownEndpointError: no such endpoint.
    """
    schema_id = _schema_id(endpoint, direction)
    name = _normalize(endpoint)
    try:
        _check_depth(payload, DEFAULT_LIMITS.max_depth)
    except _TooDeep:
        violation = Violation("", f"nested deeper than the limit of {DEFAULT_LIMITS.max_depth}", "maxDepth")
        raise ValidationError([violation], best=violation, endpoint=name, direction=direction) from None
    chosen = globals()["backend"]() if backend == "auto" else backend
    if chosen == "jsonschema-rs":
        if _fast_module() is None:
            raise ValueError("the jsonschema-rs backend is not installed (pip install 'altcraft-codec[fast]')")
        try:
            if _fast_validator(schema_id, strict).is_valid(payload):
                return
        except ValueError:
            pass  # a value jsonschema-rs cannot convert (a set, bytes...): the reference decides
    elif chosen != "jsonschema":
        raise ValueError(f"unknown backend {backend!r}")
    violations, best = _violations(payload, schema_id, strict)
    if best is not None:
        raise ValidationError(violations, best=best, endpoint=name, direction=direction)


# --- shapes -----------------------------------------------------------------

_Node = tuple[Any, Any]  # (schema node, the referencing.Resolver it is read with)


@cache
def shape(endpoint: str, direction: Direction) -> Shape:
    """The shape hint of an endpoint's schema: where arrays, objects, strings
    and embedded JSON sit, for reading XML that leaves the attributes out.

    Raises:
        UnknownEndpointError: no such endpoint.
    """
    schema_id = _schema_id(endpoint, direction)
    resolver = _registry().resolver()
    resolved = resolver.lookup(schema_id)
    return _ShapeBuilder().build([(resolved.contents, resolved.resolver)])


class _ShapeBuilder:
    """Reduces schema nodes to a :class:`Shape` tree.

    A position in a payload can be described by several schema nodes (through
    ``$ref``, ``allOf``, ``anyOf``, ``oneOf``, ``if``/``then``/``else``); their
    facts are merged. Recursive schemas give cyclic shapes, built once.
    """

    def __init__(self) -> None:
        self.built: dict[frozenset[int], Shape] = {}

    def facets(self, nodes: list[_Node]) -> list[_Node]:
        seen: set[int] = set()
        found: list[_Node] = []
        stack = list(nodes)
        while stack:
            node, resolver = stack.pop()
            if id(node) in seen or not isinstance(node, Mapping):
                continue
            seen.add(id(node))
            found.append((node, resolver))
            if "$ref" in node:
                resolved = resolver.lookup(node["$ref"])
                stack.append((resolved.contents, resolved.resolver))
            for keyword in ("allOf", "anyOf", "oneOf"):
                stack.extend((sub, resolver) for sub in node.get(keyword, ()))
            for keyword in ("then", "else"):
                if keyword in node:
                    stack.append((node[keyword], resolver))
        return found

    def build(self, nodes: list[_Node]) -> Shape:
        facets = self.facets(nodes)
        key = frozenset(id(node) for node, _ in facets)
        if key in self.built:
            return self.built[key]
        types: set[str] = set()
        embedded = False
        members: dict[str, list[_Node]] = {}
        items: list[_Node] = []
        additional: list[_Node] = []
        for node, resolver in facets:
            declared = node.get("type")
            if declared is not None:
                types.update([declared] if isinstance(declared, str) else declared)
            embedded = embedded or node.get("x-xml") == "json"
            for name, sub in node.get("properties", {}).items():
                members.setdefault(name, []).append((sub, resolver))
            if isinstance(node.get("items"), Mapping):
                items.append((node["items"], resolver))
            if isinstance(node.get("additionalProperties"), Mapping):
                additional.append((node["additionalProperties"], resolver))
        types.discard("null")
        kinds = {"array": Kind.ARRAY, "object": Kind.OBJECT, "string": Kind.STRING}
        kind = Kind.JSON if embedded else kinds.get(next(iter(types)), Kind.ANY) if len(types) == 1 else Kind.ANY
        result = Shape(kind)
        self.built[key] = result
        result.properties = {name: self.build(subs) for name, subs in members.items()}
        result.items = self.build(items) if items else None
        result.additional = self.build(additional) if additional else None
        return result
