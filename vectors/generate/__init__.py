"""The vectors that code writes, one module per section of docs/dialect.md.

Most cases are files written by hand (see ``vectors/README.md``); a module
here writes only what cannot be typed in an editor or is derived from another
source:

- ``s02_root``, ``s06_json_escape``, ``s07_text``: byte-exact text (CR, C1
  controls, a byte order mark) that editors rewrite;
- ``s04_scalars``, ``s09_parsing``: integers of 4300 digits, nesting at the
  depth limit, and input that is not UTF-8 at all;
- ``s08_schemas``: payloads for every endpoint schema under ``schemas/``;
- ``s11_docs``: the JSON of the Altcraft docs' examples, read from
  ``docs/examples/`` (their one home);
- ``flags``: the ``pins:*`` flags, computed from each case's XML.

Each section module has ``generate() -> Vectors``: the manifest entries of the
cases it makes (without ``files`` and the ``pins:*`` flags, which the build
adds) and the bytes of every file it writes.
"""

from __future__ import annotations

import importlib

from ._vectors import Vectors

__all__ = ["SECTIONS", "Vectors", "generate"]

SECTIONS = ("s02_root", "s04_scalars", "s06_json_escape", "s07_text", "s08_schemas", "s09_parsing", "s11_docs")


def generate() -> Vectors:
    """Every generated case and file, section by section."""
    found = Vectors()
    for name in SECTIONS:
        module = importlib.import_module(f"{__name__}.{name}")
        found.extend(module.generate())
    return found
