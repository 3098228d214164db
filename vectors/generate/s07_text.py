"""§7 Text: literal CRs, formatting whitespace with CRs and tabs, a byte order mark before a PI."""

from __future__ import annotations

from ._vectors import Vectors


def generate() -> Vectors:
    out = Vectors()
    out.decode_only(
        "text-literal-cr-normalised",
        7,
        "Literal CR LF and CR are turned into LF by XML end-of-line handling.",
        b"<xml><a>a\r\nb\rc</a></xml>",
        {"a": "a\nb\nc"},
        flags=["whitespace"],
    )
    out.decode_only(
        "text-formatting-whitespace",
        7,
        "Whitespace between child elements (space, tab, CR, LF) is formatting.",
        b"<xml>\r\n\t<a>\n  <b>1</b>\n\t<c>x</c>\r\n</a>  \n</xml>",
        {"a": {"b": 1, "c": "x"}},
        flags=["whitespace"],
    )
    out.decode_only(
        "pi-named-xml-model-after-bom",
        7,
        "After a byte order mark, <?xml-model ...?> is a processing instruction too.",
        b"\xef\xbb\xbf<?xml-model href='a.rng' version='2.0'?>\n<xml><a>1</a></xml>",
        {"a": 1},
    )
    return out
