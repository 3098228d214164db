"""The vector manifest: ``vectors/manifest.json`` read into :class:`Case` values.

The file format is documented in ``vectors/README.md`` and
``vectors/manifest.schema.json``; this module only reads it and selects cases.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .. import _json

__all__ = [
    "DIRECTION_VARIABLE",
    "ENDPOINT_VARIABLE",
    "KINDS",
    "SCHEMA_VARIABLES",
    "STRICT_VARIABLE",
    "Case",
    "ExpectedError",
    "default_vectors_dir",
    "load",
    "select",
]

KINDS: Final = ("valid", "decode-only", "invalid", "implementation-defined", "schema")
"""The kinds of vector, in manifest order."""

ENDPOINT_VARIABLE: Final = "ALTCRAFT_ENDPOINT"
DIRECTION_VARIABLE: Final = "ALTCRAFT_DIRECTION"
STRICT_VARIABLE: Final = "ALTCRAFT_STRICT"
SCHEMA_VARIABLES: Final = (ENDPOINT_VARIABLE, DIRECTION_VARIABLE, STRICT_VARIABLE)


@dataclass(frozen=True, slots=True)
class ExpectedError:
    """How an invalid case must be refused.

    Attributes:
        cls: ``"DecodeError"`` (XML input, the decoder refuses) or
            ``"EncodeError"`` (JSON input, the encoder refuses).
        line: the 1-based XML line of the refusal, or ``None``.
        path: the JSON Pointer this library reports, or ``None`` if unpinned.
    """

    cls: str
    line: int | None
    path: str | None


@dataclass(frozen=True, slots=True)
class Case:
    """One vector of the manifest.

    Attributes:
        id: the stable, kebab-case id.
        kind: one of :data:`KINDS`.
        behaves_as: what is checked: the kind itself, or for an
            implementation-defined case ``valid``, ``decode-only`` or ``invalid``.
        description: one line.
        rule: the section of docs/dialect.md it pins, e.g. ``dialect.md#3``.
        flags: e.g. ``from-docs``, ``needs-schema``, ``pins:array-attribute``.
        files: ``"xml"`` and/or ``"json"`` to absolute paths.
        error: for invalid cases, how they must be refused.
        endpoint: the endpoint whose schema guides the case, if any.
        direction: ``"request"`` or ``"response"`` with ``endpoint``.
        valid: for schema cases, whether the payload is valid.
        error_paths: for invalid schema cases, the JSON Pointers that must be reported.
        strict: for schema cases, whether strict mode applies.
        entry: the raw manifest entry.
    """

    id: str
    kind: str
    behaves_as: str
    description: str
    rule: str
    flags: frozenset[str]
    files: Mapping[str, Path]
    error: ExpectedError | None = None
    endpoint: str | None = None
    direction: str | None = None
    valid: bool | None = None
    error_paths: tuple[str, ...] = ()
    strict: bool = False
    entry: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def needs_schema(self) -> bool:
        """Whether the case needs schema support (an endpoint, or validation)."""
        return self.kind == "schema" or self.endpoint is not None

    @property
    def decodes(self) -> bool:
        """Whether the case runs the decoder."""
        return self.behaves_as in ("valid", "decode-only") or (self.behaves_as == "invalid" and "xml" in self.files)

    @property
    def encodes(self) -> bool:
        """Whether the case runs the encoder."""
        return self.behaves_as == "valid" or (self.behaves_as == "invalid" and "xml" not in self.files)

    def xml(self) -> bytes:
        """The XML file's bytes."""
        return self.files["xml"].read_bytes()

    def json_bytes(self) -> bytes:
        """The JSON file's bytes."""
        return self.files["json"].read_bytes()

    def expected(self) -> Any:
        """The JSON file's value, read strictly (exact integers, no duplicate keys)."""
        return _json.loads(self.json_bytes().decode("utf-8"))

    def environment(self) -> dict[str, str]:
        """The protocol's environment variables for this case."""
        env = {}
        if self.endpoint is not None and self.direction is not None:
            env[ENDPOINT_VARIABLE] = self.endpoint
            env[DIRECTION_VARIABLE] = self.direction
        if self.strict:
            env[STRICT_VARIABLE] = "1"
        return env


def default_vectors_dir() -> Path | None:
    """The ``vectors/`` folder of a source checkout, if there is one."""
    candidate = Path(__file__).resolve().parents[2] / "vectors"
    return candidate if (candidate / "manifest.json").is_file() else None


def load(directory: Path | str | None = None) -> list[Case]:
    """Read ``manifest.json`` in ``directory`` (default: :func:`default_vectors_dir`).

    Raises:
        FileNotFoundError: no manifest.
        ValueError: a malformed entry.
    """
    root = Path(directory) if directory is not None else default_vectors_dir()
    if root is None:
        raise FileNotFoundError("no vectors/ folder next to the package: pass the folder explicitly")
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return [_case(root, entry) for entry in manifest["cases"]]


def _case(root: Path, entry: Mapping[str, Any]) -> Case:
    try:
        kind = entry["kind"]
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        error = entry.get("error")
        expected_error = None
        if error is not None:
            expected_error = ExpectedError(error["class"], error.get("line"), error.get("path"))
        return Case(
            id=entry["id"],
            kind=kind,
            behaves_as=entry.get("behaves_as", kind),
            description=entry["description"],
            rule=entry["rule"],
            flags=frozenset(entry.get("flags", ())),
            files={name: root / path for name, path in entry["files"].items()},
            error=expected_error,
            endpoint=entry.get("endpoint"),
            direction=entry.get("direction"),
            valid=entry.get("valid"),
            error_paths=tuple(e["path"] for e in entry.get("errors", ())),
            strict=bool(entry.get("strict", False)),
            entry=entry,
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed manifest entry {entry.get('id', '?')!r}: {exc!r}") from None


def select(
    cases: Iterable[Case],
    *,
    kinds: Sequence[str] = (),
    ids: Sequence[str] = (),
    flags: Sequence[str] = (),
    skip_schema: bool = False,
) -> list[Case]:
    """The cases of any of ``kinds``, with an id matching any of the glob
    patterns ``ids``, carrying all of ``flags``; empty filters match all.
    ``skip_schema`` leaves out every case that needs schema support."""
    chosen = []
    for case in cases:
        if kinds and case.kind not in kinds:
            continue
        if ids and not any(fnmatch.fnmatchcase(case.id, pattern) for pattern in ids):
            continue
        if not case.flags.issuperset(flags):
            continue
        if skip_schema and case.needs_schema:
            continue
        chosen.append(case)
    return chosen
