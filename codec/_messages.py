"""What a person reads about an invalid payload: each violation worded from
its keyword and value (never a Python repr of an object or array), and the
choice of the one to show first."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final, Protocol

import jsonschema

from ._errors import pointer
from ._formats import ecma_regex

__all__ = ["Worded", "best_of", "keyword_of", "message_of", "sort_key"]


class Worded(Protocol):
    """What the choice reads of a violation (:class:`codec.schemas.Violation`)."""

    @property
    def path(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def keyword(self) -> str: ...


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
    patterns = [ecma_regex(p) for p in node.get("patternProperties", {})]
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
        return message_of(best) + (f" (at {pointer(list(error.path))}{inner})" if inner else "")
    if not fitting:
        kinds = [o.get("type") for o in options if isinstance(o, Mapping)]
        if all(isinstance(k, str) for k in kinds):
            return f"{what} is not of type {_kinds(kinds)}"
    shown = fitting or branches
    reasons = [message_of(min(subs, key=_relevance)) for _, subs in sorted(shown.items())]
    return f"{what} fits none of the {len(options)} allowed forms: " + "; ".join(reasons)[:400]


def message_of(error: jsonschema.ValidationError) -> str:
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
            # in codec/_formats.py): the problem is the format, said as such.
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


def keyword_of(error: jsonschema.ValidationError) -> str:
    """The failing keyword; a format's pattern reports as ``format``, the
    keyword that says what the value should be."""
    node: Any = error.schema
    if error.validator == "pattern" and isinstance(node, Mapping) and isinstance(node.get("format"), str):
        return "format"
    return str(error.validator)


def sort_key(violation: Worded) -> tuple[list[tuple[int, int, str]], str]:
    # Array indices in numeric order: /data/2 before /data/10, compared as
    # text (ASCII digits only: "²".isdigit() is true, and int() refuses both
    # it and more than 4300 digits).
    parts = [
        (0, len(p.lstrip("0")), p) if p.isascii() and p.isdigit() else (1, 0, p) for p in violation.path.split("/")[1:]
    ]
    return parts, violation.keyword


def best_of(errors: Sequence[jsonschema.ValidationError], violations: Sequence[Worded]) -> int:
    """The index of the violation to show a person, of ``violations`` worded from ``errors``."""
    # Ties go to the first in path order, so every implementation picks the same.
    return min(
        range(len(errors)), key=lambda i: (_relevance(errors[i], violations[i].message), sort_key(violations[i]))
    )
