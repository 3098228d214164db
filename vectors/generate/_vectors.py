"""The cases a generator makes: manifest entries and the bytes of their files."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)  # integers of 4300 and 5000 digits, past Python's own guard

_NO_VALUE: Any = object()


def json_bytes(value: Any) -> bytes:
    """A vector's ``.json``: ASCII (every other character a ``\\u`` escape), two-space indent, one newline."""
    return (json.dumps(value, ensure_ascii=True, indent=2) + "\n").encode("ascii")


@dataclass
class Vectors:
    """Manifest entries (without ``files`` and ``pins:*`` flags) and files (path under vectors/ -> bytes)."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def extend(self, other: Vectors) -> None:
        self.entries.extend(other.entries)
        self.files.update(other.files)

    def add(
        self,
        entry: dict[str, Any],
        *,
        xml: bytes | None = None,
        value: Any = _NO_VALUE,
        json_text: str | None = None,
    ) -> None:
        """One case: its entry, its XML, and its JSON as a value or as raw text."""
        folder, case_id = entry["kind"], entry["id"]
        self.entries.append(entry)
        if xml is not None:
            self.files[f"{folder}/{case_id}.xml"] = xml
        if json_text is not None:
            self.files[f"{folder}/{case_id}.json"] = json_text.encode("ascii")
        elif value is not _NO_VALUE:
            self.files[f"{folder}/{case_id}.json"] = json_bytes(value)

    def valid(
        self, id: str, rule: int, description: str, value: Any, xml: bytes, flags: list[str] | None = None
    ) -> None:
        """JSON and its canonical XML: both directions hold."""
        self.add(_entry(id, "valid", rule, description, flags), xml=xml, value=value)

    def decode_only(
        self, id: str, rule: int, description: str, xml: bytes, value: Any, flags: list[str] | None = None
    ) -> None:
        """Valid XML that is not canonical, and what it decodes to."""
        self.add(_entry(id, "decode-only", rule, description, flags), xml=xml, value=value)

    def invalid(
        self,
        id: str,
        rule: int,
        description: str,
        xml: bytes,
        line: int,
        path: str = "",
        flags: list[str] | None = None,
    ) -> None:
        """XML the decoder must refuse, with the DecodeError's line and JSON Pointer."""
        entry = _entry(id, "invalid", rule, description, flags)
        entry["error"] = {"class": "DecodeError", "line": line, "path": path}
        self.add(entry, xml=xml)

    def invalid_json(
        self, id: str, rule: int, description: str, json_text: str, path: str = "", flags: list[str] | None = None
    ) -> None:
        """JSON the encoder must refuse (EncodeError), with the error's JSON Pointer."""
        entry = _entry(id, "invalid", rule, description, flags)
        entry["error"] = {"class": "EncodeError", "line": None, "path": path}
        self.add(entry, json_text=json_text)


def _entry(id: str, kind: str, rule: int, description: str, flags: list[str] | None) -> dict[str, Any]:
    return {"id": id, "kind": kind, "description": description, "rule": f"dialect.md#{rule}", "flags": flags or []}
