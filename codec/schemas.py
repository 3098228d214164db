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
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import jsonschema
import referencing
import referencing.exceptions
from referencing.jsonschema import DRAFT202012

from ._dialect import too_many_digits
from ._errors import CodecError, pointer, where
from ._limits import DEFAULT_LIMITS, Limits
from ._shape import Kind, Shape

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
    # Array indices in numeric order: /data/2 before /data/10, compared as
    # text (ASCII digits only: "²".isdigit() is true, and int() refuses both
    # it and more than 4300 digits).
    parts = [
        (0, len(p.lstrip("0")), p) if p.isascii() and p.isdigit() else (1, 0, p) for p in violation.path.split("/")[1:]
    ]
    return parts, violation.keyword


_Node = tuple[Any, Any]  # (schema node, the referencing.Resolver it is read with)


def _facets(nodes: list[_Node]) -> list[_Node]:
    """Every schema node that describes the same position as ``nodes``: through
    ``$ref``, ``allOf``, ``anyOf``, ``oneOf``, ``then``, ``else`` and
    ``dependentSchemas`` (not ``if`` or ``not``, which only test it)."""
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
        stack.extend((sub, resolver) for sub in node.get("dependentSchemas", {}).values())
    return found


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
    root: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": schema_id}
    if strict:
        # The strict variant adds the endpoint's closure (see _Closure) to the
        # schema: both backends evaluate the same standard document.
        root["$id"] = schema_id.split("#", maxsplit=1)[0].replace(_BASE_URI, _BASE_URI + "strict/", 1)
        closure, defs = _Closure.of(schema_id)
        if defs:
            root["allOf"] = [closure]
            root["$defs"] = defs
    return root


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
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")  # worded by _message


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


# --- strict mode ------------------------------------------------------------
# strict=True refuses members no schema documents, at every level. A position
# in a payload is described by every schema node that applies there (through
# $ref, allOf, anyOf, oneOf, then, else, dependentSchemas); the members they
# declare under "properties" together are the documented ones. The closure
# is a second, plain schema that says only that: at each position,
# "properties" listing those names and "additionalProperties": false, and the
# same one level down. A position stays open when one of its nodes says
# "additionalProperties" or "unevaluatedProperties" (true or a schema) or
# when no node declares any member (a free-form map). Being static, it does not
# depend on which anyOf branch passed, so a failing branch never makes its
# members "undocumented" and hides its own error.


class _Closure:
    def __init__(self) -> None:
        self.names: dict[frozenset[int], str] = {}
        self.defs: dict[str, dict[str, Any]] = {}

    @classmethod
    @cache
    def of(cls, schema_id: str) -> tuple[Any, dict[str, Any]]:
        """(the closure schema of ``schema_id``, the $defs it refers to)."""
        resolved = _registry().resolver().lookup(schema_id)
        closure = cls()
        root = closure.build([(resolved.contents, resolved.resolver)])
        return closure.prune(root)

    def build(self, nodes: list[_Node]) -> str:
        facets = _facets(nodes)
        key = frozenset(id(node) for node, _ in facets)
        if key in self.names:
            return self.names[key]
        name = self.names[key] = f"n{len(self.names)}"
        members: dict[str, list[_Node]] = {}
        patterns: dict[str, list[_Node]] = {}
        additional: list[_Node] = []
        items: list[_Node] = []
        prefix: dict[int, list[_Node]] = {}
        is_open = False
        for node, resolver in facets:
            for member, sub in node.get("properties", {}).items():
                members.setdefault(member, []).append((sub, resolver))
            for pattern, sub in node.get("patternProperties", {}).items():
                patterns.setdefault(pattern, []).append((sub, resolver))
            for keyword in ("additionalProperties", "unevaluatedProperties"):
                rest = node.get(keyword, False)
                is_open = is_open or rest is not False
                if isinstance(rest, Mapping):
                    additional.append((rest, resolver))
            if isinstance(node.get("items"), Mapping):
                items.append((node["items"], resolver))
            for index, sub in enumerate(node.get("prefixItems", ())):
                prefix.setdefault(index, []).append((sub, resolver))
        closure: dict[str, Any] = {}
        self.defs[name] = closure
        if members or patterns:
            closure["properties"] = {member: self.build(subs) for member, subs in members.items()}
        if patterns:
            closure["patternProperties"] = {pattern: self.build(subs) for pattern, subs in patterns.items()}
        if additional:
            closure["additionalProperties"] = self.build(additional)
        elif members and not is_open:
            closure["additionalProperties"] = False
        if prefix:
            closure["prefixItems"] = [self.build(prefix[i]) for i in range(max(prefix) + 1) if i in prefix]
        if items:
            closure["items"] = self.build(items)
        return name

    def prune(self, root: str) -> tuple[Any, dict[str, Any]]:
        """Drop the closures that refuse nothing, and turn names into $refs."""
        children = {
            name: [
                *closure.get("properties", {}).values(),
                *closure.get("patternProperties", {}).values(),
                *closure.get("prefixItems", ()),
                *(closure[k] for k in ("additionalProperties", "items") if isinstance(closure.get(k), str)),
            ]
            for name, closure in self.defs.items()
        }
        live = {name for name, closure in self.defs.items() if closure.get("additionalProperties") is False}
        grown = True
        while grown:  # a closure refuses something if one below it does
            before = len(live)
            live |= {name for name, below in children.items() if any(child in live for child in below)}
            grown = len(live) > before

        def ref(name: Any) -> Any:
            if not isinstance(name, str):
                return name
            return {"$ref": f"#/$defs/{name}"} if name in live else True

        defs: dict[str, Any] = {}
        for name in sorted(live, key=lambda n: int(n[1:])):
            closure = self.defs[name]
            out: dict[str, Any] = {}
            for keyword in ("properties", "patternProperties"):
                if keyword in closure:
                    out[keyword] = {k: ref(v) for k, v in closure[keyword].items()}
            if "prefixItems" in closure:
                out["prefixItems"] = [ref(v) for v in closure["prefixItems"]]
            for keyword in ("additionalProperties", "items"):
                if keyword in closure and ref(closure[keyword]) is not True:
                    out[keyword] = ref(closure[keyword])
            defs[name] = out
        return ref(root), defs


# --- the payload before the schema ------------------------------------------


class _TooDeep(Exception):
    def __init__(self, path: str) -> None:
        self.path = path


class _TooLong(Exception):
    def __init__(self, path: str) -> None:
        self.path = path


class _BadKey(Exception):
    def __init__(self, path: str, key: object) -> None:
        self.path = path
        self.key = key


def _prepare(payload: Any, limits: Limits) -> Any:
    """The payload as both backends take it, checked against ``limits``, without recursing.

    Refuses a payload nested past ``limits.max_depth`` before either backend
    runs (the reference one would hit RecursionError, the Rust one could
    overflow its stack on a recursive schema), and an integer longer than
    ``limits.max_int_digits`` (the decoder and encoder refuse it too; Python
    cannot even print it), and an object key that is not a string (the
    encoder refuses it too). A Mapping that is not a dict (MappingProxyType,
    ChainMap, UserDict...) is an object like a dict: such a payload is copied
    with plain dicts in their place; any other payload is returned as it is.
    """
    refused, foreign = _scan(payload, limits)
    if refused:
        _locate(payload, limits)  # raises, with the path
    return _plain(payload) if foreign else payload


_STR: Final = frozenset({str})


def _scan(payload: Any, limits: Limits) -> tuple[bool, bool]:
    """(whether ``payload`` is past a limit, whether it holds a non-dict Mapping):
    one breadth-first pass, level by level, as cheap per value as it can be."""
    level = [payload]
    depth = 1
    foreign = False
    bits = limits.max_int_digits * 3  # below 3 bits a digit, no int is too long
    while level:
        if depth > limits.max_depth:
            return True, foreign
        below = []
        for container in level:
            members: Any
            if type(container) is dict or isinstance(container, Mapping):
                foreign = foreign or type(container) is not dict
                if not set(map(type, container)) <= _STR and not all(isinstance(k, str) for k in container):
                    return True, foreign
                members = container.values()
            elif isinstance(container, (list, tuple)):
                members = container
            elif isinstance(container, int) and _too_long(container, limits):
                return True, foreign
            else:
                continue
            for child in members:
                kind = type(child)
                if kind is str or kind is float or kind is bool or child is None:
                    continue
                if kind is dict or kind is list or isinstance(child, (Mapping, list, tuple)):
                    below.append(child)
                elif isinstance(child, int) and child.bit_length() > bits:
                    below.append(child)  # looked at one level down
        level = below
        depth += 1
    return False, foreign


def _locate(payload: Any, limits: Limits) -> None:
    """Raise the error _scan found, with its path: the same walk, remembering parents."""
    levels: list[list[tuple[Any, int, Any]]] = [[(payload, -1, None)]]
    bits = limits.max_int_digits * 3
    while levels[-1]:
        if len(levels) > limits.max_depth:
            raise _TooDeep(_path_of(levels, len(levels) - 1, 0))
        below: list[tuple[Any, int, Any]] = []
        for index, (container, _, _) in enumerate(levels[-1]):
            if isinstance(container, Mapping):
                for key in container:
                    if not isinstance(key, str):  # as the encoder: JSON keys are strings
                        raise _BadKey(_path_of(levels, len(levels) - 1, index), key)
                pairs: Any = container.items()
            elif isinstance(container, (list, tuple)):
                pairs = enumerate(container)
            else:
                if isinstance(container, int) and _too_long(container, limits):
                    raise _TooLong(_path_of(levels, len(levels) - 1, index))
                continue
            for key, child in pairs:
                huge = isinstance(child, int) and child.bit_length() > bits
                if huge or isinstance(child, (Mapping, list, tuple)):
                    below.append((child, index, key))
        levels.append(below)


def _too_long(number: int, limits: Limits) -> bool:
    return number.bit_length() > limits.max_int_digits * 3 and abs(number) >= _power_of_ten(limits.max_int_digits)


@cache
def _power_of_ten(digits: int) -> int:
    return int(10**digits)


def _path_of(levels: list[list[tuple[Any, int, Any]]], level: int, index: int) -> str:
    parts: list[str | int] = []
    while level > 0:
        _, parent, key = levels[level][index]
        parts.append(key)
        level, index = level - 1, parent
    return pointer(parts[::-1])


def _plain(value: Any) -> Any:
    """``value`` with every Mapping a dict (recursion bounded by _prepare's depth check)."""
    if isinstance(value, Mapping):
        return {key: _plain(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_plain(child) for child in value]
    if isinstance(value, tuple):
        return tuple(_plain(child) for child in value)
    return value


def _past_limits(payload: Any, limits: Limits) -> tuple[Any, Violation | None]:
    try:
        return _prepare(payload, limits), None
    except _TooDeep as deep:
        return None, Violation(
            deep.path, f"nested deeper than the limit of {limits.max_depth} (Limits.max_depth)", "depth"
        )
    except _TooLong as long:
        return None, Violation(long.path, too_many_digits(limits.max_int_digits), "digits")
    except _BadKey as bad:
        message = f"object keys must be strings, not {type(bad.key).__name__}"
        return None, Violation(bad.path, message, "type")


# --- errors a person can act on ---------------------------------------------


def _describe(value: Any) -> str:
    """``value`` named for a message: scalars as written, never a whole object or array."""
    if isinstance(value, str):
        text = str.__repr__(value[:60] if len(value) > 80 else value)
        return f"{text[:-1]}…{text[-1]} ({len(value)} characters)" if len(value) > 80 else text
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return int.__repr__(value) if value.bit_length() < 200 else f"an integer of {len(hex(value)) - 2} hex digits"
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


def _literal(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


_FORMAT_NAMES: Final = {
    "email": "an email address",
    "date-time": "an RFC 3339 date-time (2024-01-31T12:00:00Z)",
    "date": "an RFC 3339 date (2024-01-31)",
}


def _kinds(value: Any) -> str:
    kinds = [str.__repr__(k) for k in ([value] if isinstance(value, str) else value)]
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"


def _names(names: list[str]) -> str:
    return ", ".join(name if name.startswith("...") else str.__repr__(name) for name in names)


@lru_cache(maxsize=4096)
def _close(name: str, declared: tuple[str, ...]) -> list[str]:
    # Cached: a payload repeats the same misspelling in every record.
    return difflib.get_close_matches(name, declared, n=1, cutoff=0.75)


def _undocumented(error: jsonschema.ValidationError) -> str:
    node: Any = error.schema
    instance: Any = error.instance
    declared = list(node.get("properties", {}))
    patterns = [_ecma_regex(p) for p in node.get("patternProperties", {})]
    extra = [
        key
        for key in instance
        if key not in declared and not any(p.search(key) for p in patterns if isinstance(key, str))
    ]
    names = tuple(declared)
    hints = {key: _close(str(key), names) for key in extra}
    shown = declared if len(declared) <= 12 else [*declared[:12], f"... ({len(declared)} in all)"]
    listed = f"documented: {_names(shown)}"
    if len(extra) == 1:
        ((key, close),) = hints.items()
        return f"{_describe(key)} is not a documented member here; " + (
            f"did you mean {close[0]!r}?" if close else listed
        )
    named = ", ".join(_describe(k) + (f" (did you mean {c[0]!r}?)" if c else "") for k, c in hints.items())
    return f"{named[:400]} are not documented members here; {listed}"


def _branches(error: jsonschema.ValidationError) -> dict[int, list[jsonschema.ValidationError]]:
    found: dict[int, list[jsonschema.ValidationError]] = {}
    for sub in error.context or ():
        found.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    return found


def _condition(node: Any) -> str:
    # A requirement that holds only in some case (a then-branch) is titled
    # with that case in the shared blocks: "with matching phone or phone_sub".
    title = node.get("title") if isinstance(node, Mapping) else None
    return f" ({title})" if isinstance(title, str) else ""


def _alternatives(error: jsonschema.ValidationError) -> str:
    """The message of a failed anyOf/oneOf, worked out from its branches."""
    options: Any = error.validator_value
    what = _describe(error.instance)
    if error.validator == "oneOf" and not error.context:
        return f"{what} matches more than one of the {len(options)} allowed forms; exactly one must match"
    if all(isinstance(o, Mapping) and set(o) - {"description", "title"} == {"required"} for o in options):
        # Lookup blocks: "one of profile_id, email, field_name (with field_value) is required".
        names = [
            o["required"][0] + (f" (with {', '.join(o['required'][1:])})" if len(o["required"]) > 1 else "")
            for o in options
            if o["required"]
        ]
        return f"one of {', '.join(names)} is required{_condition(error.schema)}"
    branches = _branches(error)
    # A branch failing on the payload's own type is not what the writer meant.
    fitting = {i: subs for i, subs in branches.items() if not any(s.validator == "type" and not s.path for s in subs)}
    if len(fitting) == 1:
        (subs,) = fitting.values()
        best = min(subs, key=_relevance)
        inner = pointer(list(best.path))
        return _message(best) + (f" (at {pointer(list(error.path))}{inner})" if inner else "")
    if not fitting:
        kinds = [o.get("type") for o in options if isinstance(o, Mapping)]
        if all(isinstance(k, str) for k in kinds):
            return f"{what} is not of type {_kinds(kinds)}"
    shown = fitting or branches
    reasons = [_message(min(subs, key=_relevance)) for _, subs in sorted(shown.items())]
    return f"{what} fits none of the {len(options)} allowed forms: " + "; ".join(reasons)[:400]


def _message(error: jsonschema.ValidationError) -> str:
    keyword: Any = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    node: Any = error.schema
    what = _describe(instance)
    if keyword == "type":
        return f"{what} is not of type {_kinds(value)}"
    if keyword == "enum":
        title = node.get("title") if isinstance(node, Mapping) else None
        listed = ", ".join(_literal(v) for v in value)
        return f"{what} is not a {title}; one of: {listed}" if title else f"{what} is not one of: {listed}"
    if keyword == "const":
        return f"{what} is not {_describe(value)}, the only value allowed here"
    if keyword == "format":
        return f"{what} is not {_FORMAT_NAMES.get(value, 'a valid ' + str(value))}"
    if keyword == "pattern":
        if isinstance(node, Mapping) and isinstance(node.get("format"), str):
            # The pattern is the shape of the format beside it (see formats
            # above): the problem is the format, said as such.
            return f"{what} is not {_FORMAT_NAMES.get(node['format'], 'a valid ' + node['format'])}"
        return f"{what} does not match {value!r}"
    if keyword in ("additionalProperties", "unevaluatedProperties") and value is False and isinstance(instance, dict):
        return _undocumented(error)
    if keyword in ("anyOf", "oneOf"):
        return _alternatives(error)
    limits = {
        "minLength": ("shorter than", "character"),
        "maxLength": ("longer than", "character"),
        "minItems": ("fewer than", "item"),
        "maxItems": ("more than", "item"),
        "minProperties": ("fewer than", "member"),
        "maxProperties": ("more than", "member"),
    }
    if keyword in limits:
        comparison, noun = limits[keyword]
        return f"{what} has {comparison} {_plural(value, noun)}"
    bounds = {
        "minimum": "less than",
        "maximum": "greater than",
        "exclusiveMinimum": "less than or equal to",
        "exclusiveMaximum": "greater than or equal to",
    }
    if keyword in bounds:
        return f"{what} is {bounds[keyword]} {value}"
    if keyword == "multipleOf":
        return f"{what} is not a multiple of {value}"
    if keyword == "uniqueItems":
        return f"{what} has items that are not unique"
    if keyword in ("required", "dependentRequired"):
        return error.message + _condition(node)  # names of members only, never the payload
    if keyword == "not":
        return f"{what} is not allowed here"
    if keyword in ("contains", "minContains", "maxContains"):
        return f"{what} has too few or too many items of the required kind"
    if keyword is None or node is False:
        return f"{what} is not allowed here"
    return f"{what} fails the schema's {keyword!r} rule"


_WEAK: Final = frozenset({"anyOf", "oneOf"})


def _relevance(error: jsonschema.ValidationError, message: str | None = None) -> tuple[int, int, int]:
    # Lower is more relevant: an undocumented member that looks like a typo of
    # a documented one first (it is usually why something required is missing),
    # then the shallowest error, then a concrete keyword over anyOf/oneOf.
    typo = 1
    if (
        error.validator == "additionalProperties"
        and error.validator_value is False
        and isinstance(error.instance, dict)
    ):
        typo = 0 if "did you mean" in (message or _undocumented(error)) else 2
    return typo, len(error.path), error.validator in _WEAK


def _violations(payload: Any, schema_id: str, strict: bool) -> tuple[list[Violation], Violation | None]:
    validator = _reference_validator(schema_id, strict)
    errors = list(validator.iter_errors(payload))
    if not errors:
        return [], None
    violations = [_violation(error) for error in errors]
    # Ties go to the first in path order, so every implementation picks the same.
    best = min(
        range(len(errors)), key=lambda i: (_relevance(errors[i], violations[i].message), _sort_key(violations[i]))
    )
    return violations, violations[best]


def _violation(error: jsonschema.ValidationError) -> Violation:
    return Violation(path=pointer(list(error.absolute_path)), message=_message(error), keyword=_keyword(error))


def _keyword(error: jsonschema.ValidationError) -> str:
    """The failing keyword; a format's pattern reports as ``format``, the
    keyword that says what the value should be."""
    node: Any = error.schema
    if error.validator == "pattern" and isinstance(node, Mapping) and isinstance(node.get("format"), str):
        return "format"
    return str(error.validator)


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
        payload, refused = _past_limits(payload, self.limits)
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
        yield from sorted(violations, key=_sort_key)


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
    return _ShapeBuilder().build([(resolved.contents, resolved.resolver)])


class _ShapeBuilder:
    """Reduces schema nodes to a :class:`Shape` tree.

    A position in a payload can be described by several schema nodes (through
    ``$ref``, ``allOf``, ``anyOf``, ``oneOf``, ``if``/``then``/``else``); their
    facts are merged. Recursive schemas give cyclic shapes, built once.
    """

    def __init__(self) -> None:
        self.built: dict[frozenset[int], Shape] = {}

    def build(self, nodes: list[_Node]) -> Shape:
        facets = _facets(nodes)
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
