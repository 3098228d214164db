"""Resource limits for decoding and encoding (§9 of the spec)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what :func:`codec.decode` and :func:`codec.encode` accept.

    The defaults suit API payloads: the Altcraft docs advise at most 10 MB or
    10,000 profiles per batch call. Raise them for bigger exports.

    Attributes:
        max_bytes: size of the XML input, in UTF-8 bytes.
        max_depth: nesting depth of values, counting the root object as 1 and
            counting JSON nested inside ``json='true'`` elements too.
        max_elements: number of XML elements in one document, counting the
            objects and arrays of JSON inside ``json='true'`` elements too.
        max_int_digits: digits of one integer. Converting decimal text to an
            int costs more than linear time, so a longer one is refused; the
            default is CPython's own bound (``sys.get_int_max_str_digits``).
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


DEFAULT_LIMITS = Limits()
