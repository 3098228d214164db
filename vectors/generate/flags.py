"""The ``pins:*`` flags: computed from a case's XML, never written by hand.

They say which rule a case depends on, so that the conformance runner can
tell an implementation which rule it broke (see ``vectors/README.md``):

- ``pins:array-attribute``: an element with array='true' and no same-named
  neighbour, so the attribute alone makes it an array (§3);
- ``pins:scalar-types``: a leaf with no string/json attribute whose text §4
  reads as a boolean or a number;
- ``pins:string-attribute`` / ``pins:json-escape``: the attribute occurs (§5, §6).
"""

from __future__ import annotations

import math
import re

from lxml import etree

# §4, restated: the vectors do not ask the codec.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _reads_as_scalar(text: str) -> bool:
    """Whether plain element text is a boolean or a number by §4 (not a string)."""
    if text in ("true", "false"):
        return True
    if _NUMBER.fullmatch(text) is None:
        return False
    if "." not in text and "e" not in text and "E" not in text:
        return True  # an integer, exact at any size
    return math.isfinite(float(text))  # an overflowing float reads as a string


def content_flags(xml: bytes) -> set[str]:
    """The ``pins:*`` flags of a well-formed vector's XML."""
    parser = etree.XMLParser(resolve_entities=False, remove_comments=True, remove_pis=True)
    root = etree.fromstring(xml, parser)
    flags: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("string") == "true":
            flags.add("pins:string-attribute")
        if element.get("json") == "true":
            flags.add("pins:json-escape")
        if element is root:
            continue
        if element.get("array") == "true":
            before, after = element.getprevious(), element.getnext()
            if (before is None or before.tag != element.tag) and (after is None or after.tag != element.tag):
                flags.add("pins:array-attribute")
        if (
            len(element) == 0
            and element.get("string") is None
            and element.get("json") is None
            and element.text is not None
            and _reads_as_scalar(element.text)
        ):
            flags.add("pins:scalar-types")
    return flags
