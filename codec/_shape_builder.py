"""The shape hint of a schema (:class:`codec._shape.Shape`): the one place that
reads JSON Schema for the decoder, which knows nothing of it."""

from __future__ import annotations

from collections.abc import Mapping

from ._facets import Node, facets_of
from ._shape import Kind, Shape

__all__ = ["shape_of"]


def shape_of(nodes: list[Node]) -> Shape:
    """The :class:`Shape` tree of the position ``nodes`` describe."""
    return _ShapeBuilder().build(nodes)


class _ShapeBuilder:
    """Reduces schema nodes to a :class:`Shape` tree.

    A position in a payload can be described by several schema nodes (through
    ``$ref``, ``allOf``, ``anyOf``, ``oneOf``, ``if``/``then``/``else``); their
    facts are merged. Recursive schemas give cyclic shapes, built once.
    """

    def __init__(self) -> None:
        self.built: dict[frozenset[int], Shape] = {}

    def build(self, nodes: list[Node]) -> Shape:
        facets = facets_of(nodes)
        key = frozenset(id(node) for node, _ in facets)
        if key in self.built:
            return self.built[key]
        types: set[str] = set()
        embedded = False
        members: dict[str, list[Node]] = {}
        items: list[Node] = []
        additional: list[Node] = []
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
