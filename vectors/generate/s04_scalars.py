"""§4 Scalars: an integer of 4300 digits, the most the default limits read exactly."""

from __future__ import annotations

from ._vectors import Vectors
from .s09_parsing import MAX_INT_DIGITS


def generate() -> Vectors:
    out = Vectors()
    digits = "7" * MAX_INT_DIGITS
    out.valid(
        "scalar-integer-4300-digits",
        4,
        "An integer of 4300 digits (the default Limits.max_int_digits) stays exact.",
        {"a": int(digits)},
        f"<xml><a>{digits}</a></xml>".encode(),
        flags=["big-int"],
    )
    return out
