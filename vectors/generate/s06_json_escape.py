"""§6 The JSON escape: characters that need none, though editors mangle them (DEL, NEL, U+2028)."""

from __future__ import annotations

from ._vectors import Vectors


def generate() -> Vectors:
    out = Vectors()
    out.valid(
        "json-escape-allowed-controls-stay-plain",
        6,
        "DEL (U+007F), NEL (U+0085) and U+2028 are legal XML characters: no escape.",
        {"a": "x\u007fy\u0085z\u2028"},
        "<xml><a>x\u007fy\u0085z\u2028</a></xml>".encode(),
    )
    return out
