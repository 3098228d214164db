"""The decoder: an XML document of the dialect to a dict.

lxml parses (C speed, hardened settings); a small recursive walker turns the
tree into JSON values. Positions for errors are worked out only when there is
an error, so the walk itself carries no path.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from typing import Any, Final

from lxml import etree

from . import _json
from ._accel import speedups
from ._dialect import (
    ARRAY,
    ATTRIBUTES,
    DIRECT_INT_DIGITS,
    FALSE_TEXT,
    JSON,
    NUMBER_CHARS,
    NUMBER_START,
    ROOT,
    STRING,
    TRUE,
    TRUE_TEXT,
    UTF8_NAMES,
    VERSION,
    TooManyDigits,
    declared_encoding,
    declared_version,
    parse_number,
    parse_scalar,
    reads_as_array,
)
from ._errors import DecodeError
from ._limits import DEFAULT_LIMITS, Limits
from ._locate import path_of
from ._shape import Kind, Shape

__all__ = ["decode", "parse"]

_Element = etree._Element


class _ElementError(Exception):
    """A dialect error at an element; its JSON Pointer is worked out later."""

    def __init__(self, msg: str, element: _Element) -> None:
        self.msg = msg
        self.element = element


# §9 The parser: from memory only, no DTD, no entity expansion, no network.
# Comments and processing instructions are dropped, and the text around them
# is joined (§7). One parser per thread: lxml parsers keep per-parse state.
_local = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser: hardened (§9), dropping comments and PIs (§7)."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            encoding="utf-8",
            resolve_entities=False,
            load_dtd=False,
            dtd_validation=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
            strip_cdata=True,
        )
        _local.parser = parser
    return parser


_BOM: Final = b"\xef\xbb\xbf"
_WIDE_BOMS: Final = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff", b"\xff\xfe")
_XML_SPACE: Final = b" \t\r\n"


def _line_at(raw: bytes, pos: int) -> int:
    return raw.count(b"\n", 0, pos) + 1


def _check_prolog(raw: bytes) -> None:
    """Refuse another encoding and any DOCTYPE before lxml sees them (§9)."""
    if raw.startswith(b"<?xml"):
        # Whether this is a declaration (not <?xml-stylesheet?>) is the rule's
        # to say; it reads str, and Latin-1 maps each byte to one character.
        end = raw.find(b"?>")
        prolog = raw[: end + 2 if end >= 0 else len(raw)].decode("latin-1")
        match = declared_encoding(prolog)
        if match is not None and match.group(1).lower() not in UTF8_NAMES:
            declared = _ascii(match.group(1))
            raise DecodeError(f"the declared encoding {declared!r} is refused: the dialect is UTF-8 only", line=1)
        version = declared_version(prolog)
        if version is not None and version.group(1) != VERSION:
            declared = _ascii(version.group(1))
            raise DecodeError(f"XML version {declared!r} is refused: the dialect is XML {VERSION}", line=1)
    pos = 0
    while True:
        while pos < len(raw) and raw[pos] in _XML_SPACE:
            pos += 1
        if raw.startswith(b"<?", pos):
            end, close = raw.find(b"?>", pos + 2), 2
        elif raw.startswith(b"<!--", pos):
            end, close = raw.find(b"-->", pos + 4), 3
        elif raw.startswith(b"<!", pos):
            raise DecodeError("a DOCTYPE is refused (no DTDs, no entities)", line=_line_at(raw, pos))
        else:
            return
        if end < 0:
            return  # unterminated: lxml reports it
        pos = end + close


def _ascii(latin1: str) -> str:
    """Text read as Latin-1, with every non-ASCII byte shown as U+FFFD."""
    return latin1.encode("latin-1").decode("ascii", "replace")


def _prepare(data: bytes | bytearray | memoryview | str, limits: Limits) -> bytes:
    """``data`` as UTF-8 bytes, checked before parsing: size, byte order marks, prolog (§9)."""
    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise DecodeError(f"the text has a lone surrogate at index {exc.start}, which XML cannot hold") from None
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise TypeError(f"decode() takes bytes or str, not {type(data).__name__}")
    if len(raw) > limits.max_bytes:
        raise DecodeError(f"the document is {len(raw)} bytes, over the limit of {limits.max_bytes} (Limits.max_bytes)")
    if raw.startswith(_BOM):
        raw = raw[3:]
        if raw.startswith(_BOM):
            raise DecodeError("two byte order marks: one is allowed", line=1)
    elif raw.startswith(_WIDE_BOMS) or raw[:1] == b"\x00" or raw[1:2] == b"\x00":
        raise DecodeError("the document is not UTF-8 (it looks like UTF-16 or UTF-32)", line=1)
    _check_prolog(raw)
    return raw


# §9 Markup that may hold a literal "<" without starting an element: comments,
# CDATA sections and processing instructions (the declaration among them).
# Lazy, with fixed terminators: linear.
_NOT_ELEMENTS: Final = re.compile(rb"<(?:!--.*?--|!\[CDATA\[.*?\]\]|\?.*?\?)>", re.DOTALL)
_START_TAG: Final = re.compile(rb"<(?!/)")
_CHUNK: Final = 1 << 16


def _start_tags(raw: bytes, start: int = 0, end: int | None = None) -> int:
    """How many "<" not followed by "/" ``raw[start:end]`` holds."""
    end = len(raw) if end is None else end
    count = raw.count(b"<", start, end) - raw.count(b"</", start, end)
    return count - 1 if raw[end - 1 : end + 1] == b"</" else count


def _check_element_count(raw: bytes, max_elements: int) -> None:
    """Refuse (§9) a document of more than ``max_elements`` elements before lxml
    builds its tree (a tree of 8 million elements takes about a gigabyte).

    In well-formed XML a "<" occurs in text or attribute values only inside
    comments, CDATA sections and processing instructions; with those removed,
    every "<" not followed by "/" starts an element, so the count is exact.
    A malformed document may be miscounted, but it is refused either way.
    """
    if len(raw) <= max_elements:
        return  # fewer bytes than the limit, so fewer "<": no count needed
    starts = raw.count(b"<")
    if starts <= max_elements:
        return  # surely within the limit: the common case, one C-speed count
    starts -= raw.count(b"</")
    if starts <= max_elements:
        return
    # Comments, CDATA sections and PIs open with "<!" or "<?"; a single-byte
    # search (memchr) rules them out faster than a two-byte count.
    markup = (raw.count(b"<!") if b"!" in raw else 0) + (raw.count(b"<?") if b"?" in raw else 0)
    if markup:
        # Each opens with a "<" that starts no element; only a "<" inside
        # one needs the (slower) scan to discount.
        if starts - markup <= max_elements:
            return
        if _start_tags(_NOT_ELEMENTS.sub(b"", raw)) <= max_elements:
            return
        # Keeping the lines of what was removed would cost a Python call per
        # comment, and hostile input has a million of them: no line.
        raise DecodeError(f"more than {max_elements} elements (Limits.max_elements)")
    # Over the limit: the line of the first element past it, found by chunks.
    seen = start = 0
    while True:
        count = _start_tags(raw, start, start + _CHUNK)
        if seen + count > max_elements:
            break
        seen += count
        start += _CHUNK
    found = next(itertools.islice(_START_TAG.finditer(raw, start, start + _CHUNK + 1), max_elements - seen, None))
    raise DecodeError(f"more than {max_elements} elements (Limits.max_elements)", line=_line_at(raw, found.start()))


def _parse(raw: bytes) -> _Element:
    parser = _parser()
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        # The first error is where the document went wrong (§11: the stray tag);
        # libxml2's later errors are consequences of it. The parser's own log
        # holds this run only (the exception's log accumulates across runs).
        errors = parser.error_log.filter_from_errors()
        entry = errors[0] if errors else None
        if entry is not None:
            msg = f"malformed XML: {entry.message.strip()}"
            raise DecodeError(msg, line=entry.line or None, column=entry.column or None) from None
        raise DecodeError(f"malformed XML: {exc}", line=exc.lineno or None) from None


_isfinite: Final = math.isfinite

# §7 Whitespace-only text between child elements is formatting.
_WS: Final = " \t\r\n"


def _refuse_namespaces(root: _Element) -> None:
    for element in root.iter():
        if element.nsmap or element.tag[0] == "{":
            raise _ElementError("namespaces are refused: the dialect has none", element)


class _Reader:
    """One decoding run: the limits, the element budget, and whether any
    element can carry attributes at all (if the document has no "=", none
    can, and the walk skips looking)."""

    __slots__ = ("attributes", "budget", "direct_int_digits", "max_depth", "max_int_digits")

    def __init__(self, limits: Limits, attributes: bool) -> None:
        self.max_depth = limits.max_depth
        self.max_int_digits = limits.max_int_digits
        # Integer texts this long are within the digit limit and need no
        # chunked conversion: the leaf loop reads them with int() itself.
        self.direct_int_digits = min(limits.max_int_digits, DIRECT_INT_DIGITS)
        self.budget = limits.max_elements
        self.attributes = attributes

    def document(self, root: _Element, shape: Shape | None) -> dict[str, Any]:
        """The object the root element holds (§2)."""
        if root.tag != ROOT:
            raise _ElementError(f"the root element must be <{ROOT}>, not <{root.tag}>", root)
        self.budget -= 1
        if self.attributes and root.attrib:
            is_item, is_string, is_json = self.flags(root)
            if is_item or is_string or not is_json:
                raise _ElementError("the root element takes no attribute but json='true'", root)
            if len(root):
                raise _ElementError("json='true' on an element with children", root)
            value = self.embedded(root, 1)
            if type(value) is not dict:
                raise _ElementError("the root element's embedded JSON must be an object", root)
            return value
        if len(root):
            return self.members(root, 1, shape)
        text = root.text
        if text is not None and text.strip(_WS):
            raise _ElementError("the root element must hold an object, not text", root)
        return {}

    def flags(self, element: _Element) -> tuple[bool, bool, bool]:
        """The element's (array, string, json) attributes, checked (§5)."""
        attrib = element.attrib
        if len(attrib) > len(ATTRIBUTES):
            raise _ElementError(f"{len(attrib)} attributes; the dialect has three", element)
        is_item = is_string = is_json = False
        for name, value in attrib.items():
            if name == ARRAY:
                is_item = True
            elif name == STRING:
                is_string = True
            elif name == JSON:
                is_json = True
            else:
                raise _ElementError(f"unknown attribute {name!r}; the dialect has array, string and json", element)
            if value != TRUE:
                raise _ElementError(f"attribute {name}={value!r}: the only value allowed is 'true'", element)
        if is_string and is_json:
            raise _ElementError("string='true' and json='true' on one element", element)
        return is_item, is_string, is_json

    def members(self, parent: _Element, depth: int, shape: Shape | None) -> dict[str, Any]:
        """The object held by ``parent``, an element with children (§3).

        The hot loop of the decoder: siblings are walked with getnext() so
        that a run of same-named siblings (an array, §3) is seen before its
        first element is decoded, and plain leaves are read inline.
        """
        if depth > self.max_depth:
            raise _ElementError(f"nesting deeper than the limit of {self.max_depth}", parent)
        self.budget -= len(parent)
        if self.budget < 0:
            raise _ElementError("more elements than the limit (Limits.max_elements)", parent)
        text = parent.text
        if text is not None and text.strip(_WS):
            raise _ElementError("text mixed with child elements", parent)
        result: dict[str, Any] = {}
        attributes = self.attributes
        direct_int_digits = self.direct_int_digits
        child: _Element | None = parent[0]
        tag = child.tag  # type: ignore[union-attr]
        while child is not None:
            tail = child.tail
            if tail is not None and tail.strip(_WS):
                raise _ElementError("text mixed with child elements", parent)
            following = child.getnext()
            next_tag = None if following is None else following.tag
            if tag in result:
                raise _ElementError(f"<{tag}> repeats, but not next to its siblings of that name", child)
            member = None if shape is None else shape.member(tag)
            if next_tag == tag:  # §3 a run of two or more: an array (_dialect.reads_as_array)
                run = [child]
                while next_tag == tag:
                    run.append(following)  # type: ignore[arg-type]
                    tail = following.tail  # type: ignore[union-attr]
                    if tail is not None and tail.strip(_WS):
                        raise _ElementError("text mixed with child elements", parent)
                    following = following.getnext()  # type: ignore[union-attr]
                    next_tag = None if following is None else following.tag
                result[tag] = self.items(run, depth + 1, member)
            elif member is not None or (attributes and child.attrib):
                result[tag] = self.single(child, depth, member)
            elif len(child):
                result[tag] = self.members(child, depth + 1, None)
            else:
                # §4 A plain leaf with no hint: _dialect.parse_scalar, inline
                # (tests/test_dialect_rules.py holds the two equal).
                value = child.text
                if not value:  # None, or "" from an empty CDATA section
                    result[tag] = ""
                elif value[0] in NUMBER_START:
                    # parse_number, with its two common cases inline (a call
                    # and a regex match cost several times the conversion).
                    if (
                        value.isdigit()
                        and value.isascii()
                        and len(value) <= direct_int_digits
                        and (value[0] != "0" or len(value) == 1)
                    ):
                        # A short non-negative integer.
                        result[tag] = int(value)
                    elif value.lstrip(NUMBER_CHARS):
                        # Not a number: hex IDs often start with a digit. (Left
                        # only: the text is all NUMBER_CHARS if and only if that
                        # strips it all, and it stops sooner.)
                        result[tag] = value
                    else:
                        head, dot, fraction = value.partition(".")
                        if dot and head.isdigit() and fraction.isdigit() and (head[0] != "0" or len(head) == 1):
                            # A non-negative decimal with no exponent: what
                            # parse_number's regex matches here, which float()
                            # reads alike (an overflow to infinity is no number).
                            number: Any = float(value)
                            result[tag] = number if _isfinite(number) else value
                        else:
                            try:  # not through self.number: one call per number fewer
                                number = parse_number(value, self.max_int_digits)
                            except TooManyDigits as exc:
                                raise _ElementError(str(exc), child) from None
                            result[tag] = value if number is None else number
                elif value == TRUE_TEXT:
                    result[tag] = True
                elif value == FALSE_TEXT:
                    result[tag] = False
                else:
                    result[tag] = value
            child = following
            tag = next_tag
        return result

    def single(self, element: _Element, depth: int, shape: Shape | None) -> Any:
        """The value of an element with no same-named sibling, in an object at
        ``depth``: an array by its attribute or its shape (§3, §8)."""
        declared_array = shape is not None and shape.kind is Kind.ARRAY
        if self.attributes and element.attrib:
            is_item, is_string, is_json = self.flags(element)
            if reads_as_array(1, is_item, is_json, declared_array):
                return self.items([element], depth + 1, shape)
            return self.value(element, depth + 1, shape, is_string, is_json)
        if declared_array:  # §3 reads_as_array(1, False, False, declared_array), inline
            if not element.text and not len(element):
                if depth + 1 > self.max_depth:
                    raise _ElementError(f"nesting deeper than the limit of {self.max_depth}", element)
                return []
            return self.items([element], depth + 1, shape)
        return self.value(element, depth + 1, shape, False, False)

    def items(self, run: list[_Element], depth: int, shape: Shape | None) -> list[Any]:
        """The array held by a run of same-named siblings, at ``depth`` (§3)."""
        if depth > self.max_depth:
            raise _ElementError(f"nesting deeper than the limit of {self.max_depth}", run[0])
        item_shape = None if shape is None else shape.items
        if item_shape is None and not self.attributes:
            # The common run (records of a response): self.value inline, one
            # call per item fewer.
            return [
                self.members(element, depth + 1, None)
                if len(element)
                else self.value(element, depth + 1, None, False, False)
                for element in run
            ]
        result = []
        for element in run:
            if self.attributes and element.attrib:
                _, is_string, is_json = self.flags(element)
                if len(run) == 1 and not (is_string or is_json or len(element) or element.text):
                    return []  # <k array='true'/>
                result.append(self.value(element, depth + 1, item_shape, is_string, is_json))
            else:
                result.append(self.value(element, depth + 1, item_shape, False, False))
        return result

    def value(self, element: _Element, depth: int, shape: Shape | None, is_string: bool, is_json: bool) -> Any:
        """The value of one element, at ``depth`` if it is a container (§4-§6),
        read as its shape declares where it has no attribute (§8)."""
        if len(element):
            if is_string or is_json:
                raise _ElementError(f"{'string' if is_string else 'json'}='true' on an element with children", element)
            return self.members(element, depth, shape)
        if is_json:
            return self.embedded(element, depth)
        text = element.text
        if is_string:
            return "" if text is None else text
        if shape is not None:
            kind = shape.kind
            if not text:
                if kind is Kind.OBJECT or kind is Kind.ARRAY:
                    if depth > self.max_depth:
                        raise _ElementError(f"nesting deeper than the limit of {self.max_depth}", element)
                    return {} if kind is Kind.OBJECT else []
                return ""
            if kind is Kind.STRING:
                return text
            if kind is Kind.JSON:
                return self.embedded(element, depth, declared=True)
        try:
            return parse_scalar(text, self.max_int_digits)
        except TooManyDigits as exc:
            raise _ElementError(str(exc), element) from None

    def number(self, text: str, element: _Element) -> int | float | None:
        """``text`` as a JSON number, or None (§4); long integers refused (§9)."""
        try:
            return parse_number(text, self.max_int_digits)
        except TooManyDigits as exc:
            raise _ElementError(str(exc), element) from None

    def embedded(self, element: _Element, depth: int, *, declared: bool = False) -> Any:
        """The JSON text of a ``json='true'`` element (§6), or of an element
        the shape ``declared`` embedded JSON (§8) written without the attribute."""
        text = element.text or ""
        brackets = _json.brackets(text)
        if brackets:
            self.budget -= (len(brackets) + 1) // 2  # the objects and arrays
            if self.budget < 0:
                raise _ElementError(
                    "more elements than the limit (Limits.max_elements), counting embedded JSON", element
                )
        if brackets and depth - 1 + _json.depth(brackets) > self.max_depth:
            raise _ElementError(f"embedded JSON nests deeper than the limit of {self.max_depth}", element)
        try:
            return _json.loads(text, max_int_digits=self.max_int_digits)
        except _json.EmbeddedJSONError as exc:
            if declared:
                # Say what the document holds: it has no json='true' to blame.
                found = text if len(text) <= 40 else text[:40] + "..."
                raise _ElementError(
                    f"the text of <{element.tag}> is not JSON, which the endpoint's schema declares there "
                    f"(found {found!r}): {exc}",
                    element,
                ) from None
            raise _ElementError(f"json='true': {exc}", element) from None


def decode(
    data: bytes | bytearray | memoryview | str,
    /,
    *,
    shape: Shape | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Decode an XML document of the dialect to a dict (§1).

    Args:
        data: the document, as UTF-8 bytes or as str.
        shape: a shape hint (from an endpoint schema) for XML that leaves out
            the dialect's attributes.
        limits: bounds on size, depth and element count.

    Raises:
        DecodeError: the input is not a valid document of the dialect, with
            the line and JSON Pointer of the offending element.
        TypeError: ``data`` is neither bytes nor str.
    """
    fast: dict[str, Any] | None = None
    plain_tried = False
    if speedups is not None and type(data) is bytes and len(data) <= limits.max_bytes:
        plain_tried = True
        # The plainest documents (ASCII; elements, text and whitespace only)
        # first, before _prepare: its checks (type, BOMs, NULs, the XML
        # declaration, DOCTYPE) look for bytes the plain scan hands over.
        fast = speedups.decode_plain(data, shape, limits)
        if fast is not None:
            return fast
    raw = _prepare(data, limits)
    if speedups is not None:
        # The compiled event route: the same dict with no tree, or None for
        # anything unusual (then lxml parses and the walks below decide). It
        # counts elements as it goes, handing over past Limits.max_elements.
        if not plain_tried:
            fast = speedups.decode_plain(raw, shape, limits)  # its plainest documents
        if fast is None:
            fast = speedups.decode_bytes(raw, shape, limits)
        if fast is not None:
            return fast
    _check_element_count(raw, limits.max_elements)
    root = _parse(raw)
    try:
        attributes = b"=" in raw
        # A namespace needs an xmlns attribute (so an "=") or a prefix (so a
        # ":"). One-byte searches (memchr) are ten times faster than the
        # substring searches, which run only when one of them is found.
        if (attributes or b":" in raw) and (b"xmlns" in raw or b"xml:" in raw):
            _refuse_namespaces(root)
        if speedups is not None:
            # The compiled walk returns this same dict, or None for anything
            # but the common case (then the pure walk below decides, errors
            # and their positions included).
            value: dict[str, Any] | None = speedups.decode_tree(root, shape, limits, attributes)
            if value is not None:
                return value
        return _Reader(limits, attributes).document(root, shape)
    except _ElementError as refusal:
        element = refusal.element
        line = element.sourceline
        raise DecodeError(
            refusal.msg, line=line if isinstance(line, int) else None, path=path_of(element, shape)
        ) from None
    except RecursionError:
        raise DecodeError(f"nesting deeper than the limit of {limits.max_depth}") from None


def parse(data: bytes | bytearray | memoryview | str, limits: Limits = DEFAULT_LIMITS) -> _Element:
    """The lxml tree of a document, parsed as :func:`decode` parses it.

    For locating values in the source (error lines) after a decode.
    """
    return _parse(_prepare(data, limits))
