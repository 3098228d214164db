"""How the schema files' strings are checked: their ``pattern``s read as
ECMA-262, and the ``format`` functions both validation backends run.
"""

from __future__ import annotations

import calendar
import re
from functools import cache
from typing import Final

import jsonschema

__all__ = ["FORMATS", "ecma_regex", "format_checker"]

# The shape of each format is the "pattern" next to it in the schema files
# (ECMA-262, read the same by every validator: standard tools agree with the
# codec). A format check adds only what a pattern cannot say, a real day of the
# month, as check-jsonschema does too; "email" needs nothing more than its
# pattern. Both backends run these same functions, so their verdicts match.

_DAY: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _is_real_day(value: object) -> bool:
    """False only for a day its month does not have (2023-02-29, 2024-04-31).

    Anything else out of shape or range is the pattern's to report, once."""
    match = _DAY.match(value) if isinstance(value, str) else None
    if match is None:
        return True
    year, month, day = (int(part) for part in match.groups())
    if not (year >= 1 and 1 <= month <= 12 and 1 <= day <= 31):
        return True
    return day <= calendar.monthrange(year, month)[1]


def _has_its_pattern(value: object) -> bool:
    return True


# "email" is listed so that jsonschema-rs does not apply its own email rule.
FORMATS: Final = {"date-time": _is_real_day, "date": _is_real_day, "email": _has_its_pattern}


def format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


@cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with ECMA-262's ``$`` (JSON Schema's dialect, and
    jsonschema-rs's): the end of the input only. Python's ``$`` also matches
    before a final newline, so ``"1\\n"`` would pass ``^[0-9]+$``."""
    out = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        index += 1
    return re.compile("".join(out))
