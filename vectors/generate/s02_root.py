"""§2 The root element: the case whose bytes an editor would rewrite (a CR)."""

from __future__ import annotations

from ._vectors import Vectors


def generate() -> Vectors:
    out = Vectors()
    out.decode_only(
        "root-whitespace-only",
        2,
        "A root holding only whitespace (space, tab, CR, LF) is {}.",
        b"<xml>\n  \t\r\n</xml>",
        {},
    )
    return out
