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

This module is the public face; the private modules beside it do one job each:
the ``pattern``s and ``format``s (``_formats``), strict mode's closure
(``_closure``), the limits checked before the schema (``_payload_limits``), the
wording of violations and the choice of the best (``_messages``), and the
shape hints (``_shape_builder``, over ``_facets``).
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import jsonschema
import referencing
import referencing.exceptions
from referencing.jsonschema import DRAFT202012

from . import _messages, _payload_limits
from ._closure import closure_of
from ._dialect import too_many_digits
from ._errors import CodecError, pointer, where
from ._formats import FORMATS, ecma_regex, format_checker
from ._limits import DEFAULT_LIMITS, Limits
from ._payload_limits import BadKey, TooDeep, TooLong, prepare
from ._shape import Shape
from ._shape_builder import shape_of

__all__ = [
    "Direction",
    "UnknownEndpointError",
    "ValidationError",
    "Validator",
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
        keyword: the JSON Schema keyword that failed (``type``, ``required``...;
            ``additionalProperties`` for a member strict mode refuses), or
            ``depth`` / ``digits`` for a payload past ``Limits.max_depth`` /
            ``Limits.max_int_digits`` (checked before the schema).
        line: the XML line of the offending element, when the payload came as XML.
    """

    path: str
    message: str
    keyword: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{where(line=self.line, pointer=self.path)}: {self.message}"


class ValidationError(CodecError):
    """A payload that breaks its endpoint's schema.

    Attributes:
        errors: every violation, sorted by path.
        best: the most relevant violation, also shown in the message.
        endpoint: the endpoint validated against.
        direction: ``"request"`` or ``"response"``.
    """

    def __init__(self, errors: list[Violation], *, best: Violation, endpoint: str, direction: str) -> None:
        self.errors = sorted(errors, key=_messages.sort_key)
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


# --- validation -------------------------------------------------------------


def _root_schema(schema_id: str, strict: bool) -> dict[str, Any]:
    root: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": schema_id}
    if strict:
        # The strict variant adds the endpoint's closure (see codec/_closure.py)
        # to the schema: both backends evaluate the same standard document.
        root["$id"] = schema_id.split("#", maxsplit=1)[0].replace(_BASE_URI, _BASE_URI + "strict/", 1)
        closure, defs = _closure(schema_id)
        if defs:
            root["allOf"] = [closure]
            root["$defs"] = defs
    return root


@cache
def _closure(schema_id: str) -> tuple[Any, dict[str, Any]]:
    """(the closure schema of ``schema_id``, the $defs it refers to)."""
    resolved = _registry().resolver().lookup(schema_id)
    return closure_of([(resolved.contents, resolved.resolver)])


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    if validator.is_type(instance, "string") and ecma_regex(pattern).search(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")  # worded by _messages.message_of


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
        _root_schema(schema_id, strict), registry=_registry(), format_checker=format_checker()
    )
    return validator


@cache  # an import statement costs more than the validation of a small payload
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
        formats=FORMATS,
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


# --- the violations ---------------------------------------------------------
# A payload past its Limits is refused before the schema (codec/_payload_limits.py)
# with one violation; the schema's violations are worded and the best one chosen
# by codec/_messages.py.


def _past_limits(payload: Any, limits: Limits) -> tuple[Any, Violation | None]:
    try:
        return prepare(payload, limits), None
    except TooDeep as deep:
        return None, Violation(
            deep.path, f"nested deeper than the limit of {limits.max_depth} (Limits.max_depth)", "depth"
        )
    except TooLong as long:
        return None, Violation(long.path, too_many_digits(limits.max_int_digits), "digits")
    except BadKey as bad:
        message = f"object keys must be strings, not {type(bad.key).__name__}"
        return None, Violation(bad.path, message, "type")


def _violations(payload: Any, schema_id: str, strict: bool) -> tuple[list[Violation], Violation | None]:
    validator = _reference_validator(schema_id, strict)
    errors = list(validator.iter_errors(payload))
    if not errors:
        return [], None
    violations = [_violation(error) for error in errors]
    return violations, violations[_messages.best_of(errors, violations)]


def _violation(error: jsonschema.ValidationError) -> Violation:
    return Violation(
        path=pointer(list(error.absolute_path)),
        message=_messages.message_of(error),
        keyword=_messages.keyword_of(error),
    )


class Validator:
    """The schema check of one endpoint's direction, prepared once.

    What :func:`validate` works out on every call (the endpoint's name, its
    schema, the backend and its compiled validator) is done here once; a
    server checking the same endpoint over and over keeps one and calls
    :meth:`validate`. :class:`codec.Endpoint` holds one.

    Args: as :func:`validate`, less the payload.

    Raises:
        UnknownEndpointError: no such endpoint.
        ValueError: an unknown ``direction`` or ``backend``, or
            ``"jsonschema-rs"`` when it is not installed.
    """

    __slots__ = ("_fast", "_schema_id", "backend", "direction", "endpoint", "limits", "strict")

    def __init__(
        self,
        endpoint: str,
        direction: Direction,
        *,
        strict: bool = False,
        backend: Backend = "auto",
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._schema_id = _schema_id(endpoint, direction)
        self.endpoint: str = _normalize(endpoint)
        self.direction: Direction = direction
        self.strict = strict
        self.limits = limits
        self.backend: str = _chosen(backend)
        self._fast: Any = None  # compiled on first use: decoding alone never needs it

    def __repr__(self) -> str:
        return f"Validator({self.endpoint!r}, {self.direction!r}, strict={self.strict}, backend={self.backend!r})"

    def validate(self, payload: Any) -> None:
        """Check ``payload``; as :func:`validate`.

        Raises:
            ValidationError: the payload is invalid; ``.errors`` has every violation.
        """
        limits = self.limits
        compiled = _payload_limits.speedups
        # prepare()'s compiled first step, two calls less: a plain payload
        # within the limits is passed as it is; prepare() decides the rest.
        if compiled is None or not compiled.plain_within(payload, limits.max_depth, limits.max_int_digits):
            payload, refused = _past_limits(payload, limits)
            if refused is not None:
                raise ValidationError([refused], best=refused, endpoint=self.endpoint, direction=self.direction)
        if self.backend == "jsonschema-rs":
            # The fast backend only says valid or not; an invalid payload's
            # violations are always the reference's, so they read the same.
            if self._fast is None:
                self._fast = _fast_validator(self._schema_id, self.strict)
            try:
                if self._fast.is_valid(payload):
                    return
            except ValueError:
                pass  # a value jsonschema-rs cannot convert (a set, bytes...): the reference decides
        violations, best = _violations(payload, self._schema_id, self.strict)
        if best is not None:
            raise ValidationError(violations, best=best, endpoint=self.endpoint, direction=self.direction)

    def iter_errors(self, payload: Any) -> Iterator[Violation]:
        """Every way ``payload`` breaks the schema, sorted by path; as :func:`iter_errors`."""
        payload, refused = _past_limits(payload, self.limits)
        if refused is not None:
            yield refused
            return
        violations, _ = _violations(payload, self._schema_id, self.strict)
        yield from sorted(violations, key=_messages.sort_key)


def _chosen(backend: Backend) -> str:
    if backend == "auto":
        return globals()["backend"]()  # type: ignore[no-any-return]
    if backend == "jsonschema-rs":
        if _fast_module() is None:
            raise ValueError("the jsonschema-rs backend is not installed (pip install 'altcraft-codec[fast]')")
        return backend
    if backend != "jsonschema":
        raise ValueError(f"unknown backend {backend!r}")
    return backend


@lru_cache(maxsize=256)
def _validator(endpoint: str, direction: Direction, strict: bool, backend: Backend, limits: Limits) -> Validator:
    return Validator(endpoint, direction, strict=strict, backend=backend, limits=limits)


def iter_errors(
    payload: Any,
    *,
    endpoint: str,
    direction: Direction,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Violation]:
    """Every way ``payload`` breaks the schema, sorted by path (none if valid).

    Takes the same arguments as :func:`validate`.

    Raises:
        UnknownEndpointError: no such endpoint.
    """
    validator = _validator(endpoint, direction, strict, "jsonschema", limits)  # raises here, not at next()
    return validator.iter_errors(payload)


def validate(
    payload: Any,
    *,
    endpoint: str,
    direction: Direction,
    strict: bool = False,
    backend: Backend = "auto",
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """Check ``payload`` against the schema of ``endpoint``'s ``direction``.

    A :class:`Validator` does this with the per-call preparation done once.

    Args:
        payload: a decoded request or response body (any Mapping is an object,
            a list or tuple an array).
        endpoint: the method path, e.g. ``"relations/get"`` (``/api/v1.1/``
            prefixes and trailing slashes are accepted).
        direction: ``"request"`` or ``"response"``.
        strict: also refuse members the schema does not document, at every
            level (objects the schema leaves open stay open).
        backend: ``"auto"`` (jsonschema-rs when installed), ``"jsonschema"``
            or ``"jsonschema-rs"``.
        limits: a payload nested past ``limits.max_depth`` is refused with one
            violation of keyword ``"depth"``, one with an integer longer than
            ``limits.max_int_digits`` with keyword ``"digits"``, before the
            schema is consulted.

    Raises:
        ValidationError: the payload is invalid; ``.errors`` has every violation.
        UnknownEndpointError: no such endpoint.
    """
    # "auto" is resolved on each call: ALTCRAFT_CODEC_BACKEND may change.
    chosen: Any = _chosen(backend)
    _validator(endpoint, direction, strict, chosen, limits).validate(payload)


# --- shapes -----------------------------------------------------------------


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
    return shape_of([(resolved.contents, resolved.resolver)])
