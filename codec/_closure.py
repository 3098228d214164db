"""Strict mode's closure: the plain schema that refuses the members no schema
node documents, at every position of a payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._facets import Node, facets_of

__all__ = ["closure_of"]

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

    def build(self, nodes: list[Node]) -> str:
        facets = facets_of(nodes)
        key = frozenset(id(node) for node, _ in facets)
        if key in self.names:
            return self.names[key]
        name = self.names[key] = f"n{len(self.names)}"
        members: dict[str, list[Node]] = {}
        patterns: dict[str, list[Node]] = {}
        additional: list[Node] = []
        items: list[Node] = []
        prefix: dict[int, list[Node]] = {}
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


def closure_of(nodes: list[Node]) -> tuple[Any, dict[str, Any]]:
    """(the closure schema of the position ``nodes`` describe, the $defs it refers to)."""
    closure = _Closure()
    root = closure.build(nodes)
    return closure.prune(root)
