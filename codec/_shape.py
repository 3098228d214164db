"""Shape hints: what a schema says about where values sit (§8 of the spec).

The decoder and encoder know nothing of JSON Schema. The schema layer reduces
an endpoint's schema to a tree of :class:`Shape` values, and the codec reads
plain XML with it: which fields are arrays (so one bare element is a one-item
array and an empty one is ``[]``), objects (empty is ``{}``), strings (a
number-like text stays a string) or embedded JSON (the text is parsed).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Final

__all__ = ["ANY", "Kind", "Shape"]


class Kind(Enum):
    """What a schema says a value is, as far as XML reading cares."""

    ANY = "any"
    OBJECT = "object"
    ARRAY = "array"
    STRING = "string"
    JSON = "json"


class Shape:
    """A node of the shape tree.

    ``properties`` and ``additional`` describe an object's members (by name,
    and for any other name); ``items`` describes an array's items.
    """

    __slots__ = ("additional", "items", "kind", "properties")

    def __init__(
        self,
        kind: Kind,
        *,
        properties: Mapping[str, Shape] | None = None,
        additional: Shape | None = None,
        items: Shape | None = None,
    ) -> None:
        self.kind = kind
        self.properties: Mapping[str, Shape] = properties or {}
        self.additional = additional
        self.items = items

    def member(self, key: str) -> Shape | None:
        """The shape of the member ``key`` of an object with this shape."""
        found = self.properties.get(key)
        return self.additional if found is None else found

    def __repr__(self) -> str:
        # Shallow: shapes of recursive schemas are cyclic.
        parts = [self.kind.name]
        if self.properties:
            parts.append("properties=[" + ", ".join(self.properties) + "]")
        if self.additional is not None:
            parts.append(f"additional={self.additional.kind.name}")
        if self.items is not None:
            parts.append(f"items={self.items.kind.name}")
        return f"Shape({', '.join(parts)})"


ANY: Final = Shape(Kind.ANY)
