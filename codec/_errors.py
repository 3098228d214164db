"""The exception hierarchy.

Every error the library raises on bad input is a :class:`CodecError`. The two
codec errors are also :class:`ValueError`, as ``json.JSONDecodeError`` is, so
code written for the standard library's ``json`` keeps working.
"""

from __future__ import annotations

__all__ = ["CodecError", "DecodeError", "EncodeError", "pointer"]


def pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """Render path parts as an RFC 6901 JSON Pointer (``""`` is the root)."""
    # A str subclass part (an Enum member key) is its value, not its __str__.
    return "".join(
        "/" + (str.__str__(p) if isinstance(p, str) else str(p)).replace("~", "~0").replace("/", "~1") for p in parts
    )


class CodecError(Exception):
    """Base class of every error this library raises on bad input."""


class DecodeError(CodecError, ValueError):
    """XML that is not a valid document of the dialect.

    Attributes:
        msg: what was wrong, without the position.
        line: 1-based line of the offending XML, or ``None`` when the input
            has no lines to speak of (wrong encoding, over the size limit).
        path: JSON Pointer of the value being decoded (``""`` is the root).
    """

    def __init__(self, msg: str, *, line: int | None = None, path: str = "") -> None:
        self.msg = msg
        self.line = line
        self.path = path
        where = []
        if line is not None:
            where.append(f"line {line}")
        if path:
            where.append(f"at {path}")
        super().__init__(f"{msg} ({', '.join(where)})" if where else msg)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_decode_error, (self.msg, self.line, self.path))


class EncodeError(CodecError, ValueError):
    """A Python value the dialect cannot carry (not JSON-compatible).

    Attributes:
        msg: what was wrong.
        path: JSON Pointer of the offending value (``""`` is the root).
    """

    def __init__(self, msg: str, *, path: str = "") -> None:
        self.msg = msg
        self.path = path
        super().__init__(f"{msg} (at {path})" if path else msg)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_encode_error, (self.msg, self.path))


def _rebuild_decode_error(msg: str, line: int | None, path: str) -> DecodeError:
    return DecodeError(msg, line=line, path=path)


def _rebuild_encode_error(msg: str, path: str) -> EncodeError:
    return EncodeError(msg, path=path)
