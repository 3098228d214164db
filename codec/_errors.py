"""The exception hierarchy.

Every error the library raises on bad input is a :class:`CodecError`. The two
codec errors are also :class:`ValueError`, as ``json.JSONDecodeError`` is, so
code written for the standard library's ``json`` keeps working.
"""

from __future__ import annotations

__all__ = ["CodecError", "DecodeError", "EncodeError", "pointer", "where"]


def pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """Render path parts as an RFC 6901 JSON Pointer (``""`` is the root)."""
    # A str subclass part (an Enum member key) is its value, not its __str__.
    return "".join(
        "/" + (str.__str__(p) if isinstance(p, str) else str(p)).replace("~", "~0").replace("/", "~1") for p in parts
    )


def where(
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
    pointer: str | None = None,
    *,
    trailing: bool = False,
) -> str:
    """Where an error is: the one way every message of the library writes it.

    The position is ``FILE:LINE:COLUMN`` with a file (the compilers' form,
    which editors follow and the conformance protocol reads the line from),
    ``line LINE, column COLUMN`` without one; lines and columns are 1-based,
    and a column without a line is left out. The JSON Pointer comes last;
    ``""``, the payload itself, is written ``/``. ``None`` leaves a part out,
    and nothing known is ``""``.

    Leading (the default) is the head of a report line,
    ``f"{where(...)}: {message}"``, the parts joined by ``": "``:
    ``data.json:3:17: /rel_id``, ``line 3: /rel_id``, ``/``. Trailing is the
    tail of an exception's message, ``f"{message} ({where(..., trailing=True)})"``
    as ``json`` and ``tomllib`` put it, the message first, joined by ``", "``
    and the pointer as ``at /rel_id``: ``line 3, column 7, at /rel_id``.
    """
    if line is None:
        column = None  # a column alone places nothing
    parts = []
    if file is not None:
        parts.append(":".join(str(part) for part in (file, line, column) if part is not None))
    elif line is not None:
        parts.append(f"line {line}" if column is None else f"line {line}, column {column}")
    if pointer is not None:
        parts.append(("at " if trailing else "") + (pointer or "/"))
    return (", " if trailing else ": ").join(parts)


class CodecError(Exception):
    """Base class of every error this library raises on bad input."""


class DecodeError(CodecError, ValueError):
    """XML that is not a valid document of the dialect.

    Attributes:
        msg: what was wrong, without the position.
        line: 1-based line of the offending XML, or ``None`` when the input
            has no lines to speak of (wrong encoding, over the size limit).
        column: 1-based column (in characters) where the XML stopped being
            well-formed, as libxml2 reports it; ``None`` for a refusal of an
            element (lxml keeps no column for elements) or of the input as a
            whole.
        path: JSON Pointer of the value being decoded (``""`` is the root).
    """

    def __init__(self, msg: str, *, line: int | None = None, column: int | None = None, path: str = "") -> None:
        self.msg = msg
        self.line = line
        self.column = column
        self.path = path
        place = where(line=line, column=column, pointer=path or None, trailing=True)
        super().__init__(f"{msg} ({place})" if place else msg)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_decode_error, (self.msg, self.line, self.path, self.column))


class EncodeError(CodecError, ValueError):
    """A Python value the dialect cannot carry (not JSON-compatible).

    Attributes:
        msg: what was wrong.
        path: JSON Pointer of the offending value (``""`` is the root).
    """

    def __init__(self, msg: str, *, path: str = "") -> None:
        self.msg = msg
        self.path = path
        place = where(pointer=path or None, trailing=True)
        super().__init__(f"{msg} ({place})" if place else msg)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_encode_error, (self.msg, self.path))


def _rebuild_decode_error(msg: str, line: int | None, path: str, column: int | None = None) -> DecodeError:
    # column last and optional: a DecodeError pickled before it existed still loads.
    return DecodeError(msg, line=line, column=column, path=path)


def _rebuild_encode_error(msg: str, path: str) -> EncodeError:
    return EncodeError(msg, path=path)
