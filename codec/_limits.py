"""Resource limits for decoding and encoding (§9 of the spec).

One set of limits bounds both directions: the encoder refuses exactly what the
decoder with the same :class:`Limits` would refuse, so that every document
``encode`` writes, ``decode`` reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_LIMITS", "LIBXML2_MAX_DEPTH", "LIBXML2_MAX_NAME_BYTES", "LIBXML2_MAX_TEXT_BYTES", "Limits"]

# libxml2's own ceilings, kept on (the parser runs without huge_tree, which
# would lift them together with other safeguards). Measured on libxml2 2.14:
# 256 nested elements parse and 257 do not; a text node of 10,000,000 UTF-8
# bytes (after entity and character references are replaced) parses and one
# more byte does not; an element name of 50,000 UTF-8 bytes parses and one
# more does not.
LIBXML2_MAX_DEPTH: Final = 256
LIBXML2_MAX_TEXT_BYTES: Final = 10_000_000
LIBXML2_MAX_NAME_BYTES: Final = 50_000

# The root object is element 1 and an object's scalar members sit one element
# deeper than it, so a value of depth d needs d + 1 levels of elements.
_DEPTH_CEILING: Final = LIBXML2_MAX_DEPTH - 1


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what :func:`codec.decode` and :func:`codec.encode` accept.

    The defaults suit API payloads: the Altcraft docs advise at most 10 MB or
    10,000 profiles per batch call. Raise them for bigger exports. Both
    directions apply the same limits: ``encode`` refuses what ``decode`` with
    the same limits would refuse.

    Attributes:
        max_bytes: size of the XML document, in UTF-8 bytes.
        max_depth: nesting depth of values, counting the root object as 1 and
            counting JSON nested inside ``json='true'`` elements too. At most
            255: libxml2 parses at most 256 levels of elements.
        max_elements: number of XML elements in one document, counting the
            objects and arrays of JSON inside ``json='true'`` elements too.
        max_int_digits: digits of one integer. Converting decimal text to an
            int costs more than linear time, so a longer one is refused; the
            default is CPython's own bound (``sys.get_int_max_str_digits``).
            Under 10,000,000: libxml2 reads no longer text node.

    libxml2 also bounds one text node to 10,000,000 UTF-8 bytes; no limit
    here lifts that (see docs/dialect.md §9).
    """

    max_bytes: int = 32 * 1024 * 1024
    max_depth: int = 64
    max_elements: int = 1_000_000
    max_int_digits: int = 4300

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_depth", "max_elements", "max_int_digits"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"Limits.{name} must be a positive int, not {value!r}")
        if self.max_int_digits >= LIBXML2_MAX_TEXT_BYTES:
            raise ValueError(
                f"Limits.max_int_digits must be under {LIBXML2_MAX_TEXT_BYTES} "
                f"(libxml2's limit on one text node, in bytes), not {self.max_int_digits}"
            )
        if self.max_depth > _DEPTH_CEILING:
            raise ValueError(
                f"Limits.max_depth must be at most {_DEPTH_CEILING} "
                f"(libxml2 parses at most {LIBXML2_MAX_DEPTH} levels of elements), not {self.max_depth}"
            )


DEFAULT_LIMITS = Limits()
