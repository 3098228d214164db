"""Hypothesis strategies that generate payloads from the endpoint schemas.

``payloads(endpoint, direction)`` draws request or response bodies that the
endpoint's schema accepts. It reads the schema through the codec's own
registry (``codec.schemas._registry()``), so every ``$ref`` resolves as the
validator resolves it, and generates from its structure:

- the schema nodes that describe one value (``$ref``, ``allOf``, and one drawn
  alternative of each ``anyOf``/``oneOf``) are merged: types intersected,
  ``properties`` and ``required`` collected, ``enum``/``const`` honoured;
- ``if``/``then``/``else`` is decided on the object drawn so far: the ``if``
  is evaluated with the reference validator and the chosen branch is merged
  in (its required members are added, its constraints on members already
  drawn make them be drawn again). String members that an ``if`` compares
  with ``const``/``enum`` (``channel``: "email", "push", "sms"...) draw those
  values half of the time, so every matching mode and channel is exercised
  with the fields it needs, rather than left to chance and rejected;
- strings come in the shapes the codec must keep apart: number-like and
  boolean-like text, whitespace, markup, lone surrogates, XML-illegal
  characters; ``format`` email / date-time / date and simple ``pattern``\\s
  are generated to match; objects the schema leaves open may carry
  undeclared members with arbitrary JSON values (keys that are not XML names
  included, e.g. ``$or`` in profiles/list ``query``);
- what the structure cannot guarantee (an ``if`` flipped by a member added
  later, ``uniqueItems``, ``not``) is left to a final check with the
  reference validator, which rejects the draw (``assume``). The rejection
  rate stays low: the test runs with Hypothesis's health checks on.

``mutations(payload)`` derives invalid-looking variants (a member dropped, a
value replaced by another JSON value) for the backend differential test.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from strategies import floats, integers, json_values, keys, text

from codec import schemas

_BASE = "https://altcraft-codec.invalid/schemas/"
_MAX_DEPTH = 6  # past this many nested objects/arrays, draw only what is required

Node = tuple[Any, Any]  # (a schema, the referencing.Resolver that reads its $refs)

# Text a string member may hold, with the cases that matter for the XML
# dialect made likely: number- and boolean-like text (hash IDs, phones),
# markup, whitespace, lone surrogates and characters XML cannot hold.
_tricky_text = st.sampled_from(
    ["123", "007", "-1", "1.5", "1e5", "+79000000000", "true", "false", "null", " ", " x ", "a&b", "<a/>", "\r\n"]
)
strings = st.one_of(text, _tricky_text, st.from_regex(r"[a-z0-9]{1,16}", fullmatch=True))
# Keys of open objects: XML names, MongoDB operators (not names), anything.
open_keys = st.one_of(keys, st.sampled_from(["$or", "$in", "$and", "a b", "1st", "_id", "xml"]))
open_values = json_values(max_leaves=6)

emails = st.builds(
    "{}@{}.{}".format,
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True),
    st.sampled_from(["com", "ru", "example", "co.uk"]),
)
_offsets = st.one_of(
    st.just("Z"),
    st.builds("{}{:02d}:{:02d}".format, st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)),
)
date_times = st.builds(
    "{}{}{}{}".format,
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["T", "T", "t", " "]),
    st.times().map(lambda t: t.isoformat(timespec="microseconds" if t.microsecond else "seconds")),
    _offsets,
)
dates = st.dates().map(lambda d: d.isoformat())


@dataclass
class Facets:
    """What the schema nodes describing one value say, merged."""

    types: set[str] | None = None  # None: any type
    enum: list[Any] | None = None
    const: list[Any] = field(default_factory=list)  # [value] when there is a const
    formats: set[str] = field(default_factory=set)
    patterns: set[str] = field(default_factory=set)
    minimum: float | None = None
    maximum: float | None = None
    min_length: int = 0
    max_length: int | None = None
    min_items: int = 0
    max_items: int | None = None
    unique_items: bool = False
    properties: dict[str, list[Node]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    additional: list[Node] = field(default_factory=list)
    closed: bool = False  # additionalProperties: false
    items: list[Node] = field(default_factory=list)
    conditionals: list[tuple[Node, Any, Any]] = field(default_factory=list)  # (if, then, else)
    impossible: bool = False

    def restrict_types(self, declared: str | list[str]) -> None:
        names = {declared} if isinstance(declared, str) else set(declared)
        if "number" in names:
            names.add("integer")
        self.types = names if self.types is None else self.types & names

    def add_enum(self, values: list[Any]) -> None:
        if self.enum is None:
            self.enum = list(values)
        else:
            self.enum = [v for v in self.enum if v in values]


def _walk_conditions(node: Any) -> Iterator[tuple[str, Any]]:
    """(member, value) pairs an ``if`` schema compares with const or enum."""
    if not isinstance(node, dict):
        return
    for name, sub in node.get("properties", {}).items():
        if isinstance(sub, dict):
            if "const" in sub:
                yield name, sub["const"]
            for value in sub.get("enum", ()):
                yield name, value
    for keyword in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(keyword, ()):
            yield from _walk_conditions(sub)
    yield from _walk_conditions(node.get("not"))


class _Generator:
    """Draws one payload; ``draw`` is Hypothesis's."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.base = _checker()

    # --- merging schema nodes ------------------------------------------------

    def flatten(self, nodes: list[Node], facets: Facets) -> Facets:
        stack = list(reversed(nodes))
        while stack:
            node, resolver = stack.pop()
            if node is True or node == {}:
                continue
            if node is False or not isinstance(node, dict):
                facets.impossible = True
                continue
            if "$ref" in node:
                resolved = resolver.lookup(node["$ref"])
                stack.append((resolved.contents, resolved.resolver))
            stack.extend((sub, resolver) for sub in reversed(node.get("allOf", ())))
            for keyword in ("anyOf", "oneOf"):
                if keyword in node:
                    options = node[keyword]
                    stack.append((options[self.draw(_between(0, len(options) - 1))], resolver))
            if "if" in node:
                facets.conditionals.append(((node["if"], resolver), node.get("then"), node.get("else")))
            self.merge(node, resolver, facets)
        return facets

    def merge(self, node: dict[str, Any], resolver: Any, facets: Facets) -> None:
        if "type" in node:
            facets.restrict_types(node["type"])
        if node.get("x-xml") == "json":
            facets.restrict_types("object")
        if "enum" in node:
            facets.add_enum(node["enum"])
        if "const" in node:
            facets.const = [node["const"]]
        if "format" in node:
            facets.formats.add(node["format"])
        if "pattern" in node:
            facets.patterns.add(node["pattern"])
        if "minimum" in node:
            facets.minimum = max(node["minimum"], facets.minimum if facets.minimum is not None else -math.inf)
        if "maximum" in node:
            facets.maximum = min(node["maximum"], facets.maximum if facets.maximum is not None else math.inf)
        facets.min_length = max(facets.min_length, node.get("minLength", 0))
        if "maxLength" in node:
            facets.max_length = min(
                node["maxLength"], node["maxLength"] if facets.max_length is None else facets.max_length
            )
        facets.min_items = max(facets.min_items, node.get("minItems", 0))
        if "maxItems" in node:
            facets.max_items = min(node["maxItems"], node["maxItems"] if facets.max_items is None else facets.max_items)
        facets.unique_items = facets.unique_items or bool(node.get("uniqueItems"))
        for name, sub in node.get("properties", {}).items():
            facets.properties.setdefault(name, []).append((sub, resolver))
        for name in node.get("required", ()):
            if name not in facets.required:
                facets.required.append(name)
        extra = node.get("additionalProperties")
        if extra is False:
            facets.closed = True
        elif isinstance(extra, dict):
            facets.additional.append((extra, resolver))
        if "items" in node:
            facets.items.append((node["items"], resolver))

    # --- values --------------------------------------------------------------

    def value(self, nodes: list[Node], depth: int, hints: list[Any] | None = None) -> Any:
        facets = self.flatten(nodes, Facets())
        assume(not facets.impossible)
        if facets.const:
            return copy.deepcopy(facets.const[0])
        if facets.enum is not None:
            assume(facets.enum)
            return copy.deepcopy(facets.enum[self.draw(_between(0, len(facets.enum) - 1))])
        if hints and self.draw(st.booleans()):
            return hints[self.draw(_between(0, len(hints) - 1))]
        types = facets.types
        if types is None:
            if facets.properties or facets.required:
                types = {"object"}
            elif facets.items:
                types = {"array"}
            else:
                return self.draw(open_values)
        assume(types)
        ordered = sorted(types)
        kind = ordered[self.draw(_between(0, len(ordered) - 1))]
        if kind == "object":
            return self.object(facets, depth)
        if kind == "array":
            return self.array(facets, depth)
        if kind == "string":
            return self.string(facets)
        if kind in ("integer", "number"):
            return self.number(facets, kind)
        if kind == "boolean":
            return self.draw(st.booleans())
        return None

    def string(self, facets: Facets) -> str:
        if "email" in facets.formats:
            strategy: st.SearchStrategy[str] = emails
        elif "date-time" in facets.formats:
            strategy = date_times
        elif "date" in facets.formats:
            strategy = dates
        elif facets.patterns:
            strategy = _regex(sorted(facets.patterns)[0])
        elif facets.min_length or facets.max_length is not None:
            strategy = st.text(min_size=facets.min_length, max_size=facets.max_length)
        else:
            strategy = strings
        return self.draw(strategy)

    def number(self, facets: Facets, kind: str) -> int | float:
        low, high = facets.minimum, facets.maximum
        if low is not None or high is not None:
            lo = None if low is None else math.ceil(low)
            hi = None if high is None else math.floor(high)
            return self.draw(_between(lo, hi))
        if kind == "integer":
            return self.draw(integers)
        return self.draw(st.one_of(integers, floats))

    def array(self, facets: Facets, depth: int) -> list[Any]:
        if not facets.items:
            return self.draw(st.lists(open_values, max_size=3))
        high = facets.min_items if depth >= _MAX_DEPTH else max(facets.min_items, 3)
        if facets.max_items is not None:
            high = min(high, facets.max_items)
        count = self.draw(_between(facets.min_items, high))
        result: list[Any] = []
        for _ in range(count):
            item = self.value(facets.items, depth + 1)
            if facets.unique_items and item in result:
                continue
            result.append(item)
        return result

    def object(self, facets: Facets, depth: int) -> dict[str, Any]:
        hints: dict[str, list[Any]] = {}
        for (condition, _), _then, _else in facets.conditionals:
            for name, value in _walk_conditions(condition):
                hints.setdefault(name, [])
                if value not in hints[name]:
                    hints[name].append(value)
        declared = set(facets.properties) | set(facets.required) | set(_names_in_branches(facets))
        result: dict[str, Any] = {}
        for name in facets.properties:
            # Members an ``if`` looks at (matching, channel) are there 3 times in 4.
            wanted = self.draw(_between(0, 3)) != 0 if name in hints else self.draw(st.booleans())
            if name in facets.required or (depth < _MAX_DEPTH and wanted):
                result[name] = self.value(facets.properties[name], depth + 1, hints.get(name))
        for name in facets.required:
            if name not in result:
                result[name] = self.value(facets.properties.get(name, []), depth + 1, hints.get(name))
        if not facets.closed and depth < _MAX_DEPTH:
            free_form = not facets.properties and not facets.required and not facets.conditionals
            if free_form or self.draw(_between(0, 3)) == 0:
                for name in self.draw(_extra_keys):
                    if name in declared:
                        continue
                    if facets.additional:
                        result[name] = self.value(facets.additional, depth + 1)
                    else:
                        result[name] = self.draw(open_values)
        self.decide(facets, result, hints, depth)
        return result

    def decide(self, facets: Facets, result: dict[str, Any], hints: dict[str, list[Any]], depth: int) -> None:
        """Apply ``if``/``then``/``else``: merge the branch each ``if`` picks."""
        pending = list(facets.conditionals)
        for _ in range(8):
            if not pending:
                return
            (condition, resolver), then, otherwise = pending.pop(0)
            branch = then if self.base.evolve(schema=condition, _resolver=resolver).is_valid(result) else otherwise
            if branch is None:
                continue
            extra = self.flatten([(branch, resolver)], Facets())
            assume(not extra.impossible)
            pending.extend(extra.conditionals)
            for name, nodes in extra.properties.items():
                facets.properties.setdefault(name, []).extend(nodes)
                if name in result:
                    result[name] = self.value(facets.properties[name], depth + 1, hints.get(name))
            for name in extra.required:
                if name not in result:
                    result[name] = self.value(facets.properties.get(name, []), depth + 1, hints.get(name))


def _names_in_branches(facets: Facets) -> Iterator[str]:
    """Member names the ``then``/``else`` branches may declare or require."""
    stack = [node for _, then, otherwise in facets.conditionals for node in (then, otherwise)]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield from node.get("properties", {})
        yield from node.get("required", ())
        for keyword in ("allOf", "anyOf", "oneOf"):
            stack.extend(node.get(keyword, ()))
        stack.extend(node.get(keyword) for keyword in ("then", "else"))


@cache
def _between(low: int | None, high: int | None) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


_extra_keys = st.lists(open_keys, max_size=3, unique=True)


@cache
def _checker() -> Any:
    """A reference validator to evaluate ``if`` schemas with (via ``evolve``)."""
    return schemas._reference_validator(schema_id("relations/get", "request"), False)


def schema_id(endpoint: str, direction: str) -> str:
    return f"{_BASE}{endpoint}.{direction}.json"


@st.composite
def _payloads(draw: st.DrawFn, endpoint: str, direction: str) -> dict[str, Any]:
    resolved = schemas._registry().resolver().lookup(schema_id(endpoint, direction))
    payload = _Generator(draw).value([(resolved.contents, resolved.resolver)], 1)
    assume(isinstance(payload, dict))
    assume(schemas._reference_validator(schema_id(endpoint, direction), False).is_valid(payload))
    return payload  # type: ignore[no-any-return]


@cache
def payloads(endpoint: str, direction: str) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads the schema of ``endpoint``'s ``direction`` accepts."""
    return _payloads(endpoint, direction)


# --- invalid-looking variants, for the differential test -------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _paths(member, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


_replacements = st.one_of(
    st.sampled_from(["", "x", "1", "a@b", "not-an-email", "2024-13-01T00:00:00Z", "1\n", [], {}, None, 0, -1, 1.5]),
    json_values(max_leaves=4),
)


@st.composite
def mutations(draw: st.DrawFn, payload: dict[str, Any]) -> Any:
    """``payload`` with one value replaced by another, one member dropped, or
    a member added to one of its objects (a misspelling for strict mode)."""
    mutated = copy.deepcopy(payload)
    paths = list(_paths(mutated))
    path = draw(st.sampled_from(paths))
    target = mutated
    for part in path:
        target = target[part]
    if isinstance(target, dict) and draw(st.integers(0, 3)) == 0:
        target[draw(st.sampled_from(["x_extra", "emial", "prority", "²", "10"]))] = draw(_replacements)
        return mutated
    if not path:
        return draw(st.sampled_from([[], "x", None, 1, {}]))
    parent = mutated
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(_replacements)
    return mutated


def directions() -> tuple[str, str]:
    return ("request", "response")


def cases() -> list[tuple[str, str]]:
    """Every (endpoint, direction)."""
    return [(endpoint, direction) for endpoint in schemas.endpoints() for direction in directions()]
