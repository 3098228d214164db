"""The schema nodes that describe one position of a payload: the walk that
strict mode's closure (:mod:`codec._closure`) and the shape hints
(:mod:`codec._shape_builder`) both read a schema with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Node", "facets_of"]

Node = tuple[Any, Any]  # (schema node, the referencing.Resolver it is read with)


def facets_of(nodes: list[Node]) -> list[Node]:
    """Every schema node that describes the same position as ``nodes``: through
    ``$ref``, ``allOf``, ``anyOf``, ``oneOf``, ``then``, ``else`` and
    ``dependentSchemas`` (not ``if`` or ``not``, which only test it)."""
    seen: set[int] = set()
    found: list[Node] = []
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
