"""Hostile inputs to the decoder: one named regression test per attack class.

The issue: every hostile input (entity bombs, internal and external entities,
parameter entities, deep nesting, huge text, attribute floods, gzip bytes,
invalid or overlong UTF-8, illegal character references, truncated documents,
random bytes) ends in a DecodeError within a second, never a RecursionError,
MemoryError, a hang or a read of a local file (docs/dialect.md §9).

Every big input is built in the test, outside the timed call. The one-second
bound is a safety bound, not a benchmark; on top of it a watchdog turns a hang
into a failure rather than a stuck test run.

The tests after "issue 8" pin the encoder too: values it once changed silently
(surrogate pairs, Enum members, schema misfits), crashes on unusual Mappings,
and documents it wrote that the decoder with the same Limits refused.
"""

from __future__ import annotations

import contextlib
import enum
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import ChainMap, OrderedDict, UserDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import codec
from codec import DecodeError, EncodeError, Limits

WALL = 1.0  # seconds: the bound the issue sets on every hostile input
WATCHDOG = 20  # seconds: past this the test fails instead of hanging


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _watchdog(seconds: int = WATCHDOG) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (where signals can do it)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _fire(signum: int, frame: Any) -> None:
        raise _Hang(f"still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, _fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed_decode(data: Any, **kwargs: Any) -> tuple[Any, float]:
    """Decode ``data``; returns (value or DecodeError, seconds). Anything else propagates."""
    with _watchdog():
        start = time.perf_counter()
        try:
            result: Any = codec.decode(data, **kwargs)
        except DecodeError as exc:
            result = exc
        elapsed = time.perf_counter() - start
    return result, elapsed


def refused(data: Any, **kwargs: Any) -> DecodeError:
    """Assert that decoding ``data`` is a DecodeError within WALL seconds."""
    result, elapsed = timed_decode(data, **kwargs)
    assert isinstance(result, DecodeError), f"decoded to {str(result)[:200]!r} instead of a DecodeError"
    assert elapsed < WALL, f"the DecodeError took {elapsed:.2f}s (bound {WALL}s): {result.msg[:200]}"
    assert isinstance(result.msg, str) and result.msg
    assert result.line is None or (isinstance(result.line, int) and result.line >= 1)
    assert isinstance(result.path, str)
    return result


def accepted(data: Any, **kwargs: Any) -> Any:
    result, elapsed = timed_decode(data, **kwargs)
    assert not isinstance(result, DecodeError), f"refused: {result}"
    assert elapsed < WALL, f"decoding took {elapsed:.2f}s (bound {WALL}s)"
    return result


# Where a DOCTYPE can stand in a document: at the start, after the XML
# declaration, and after comments, processing instructions and whitespace in
# the prolog. The line the DOCTYPE is on, for each.
PROLOGS = {
    "at-start": (b"", 1),
    "after-declaration": (b'<?xml version="1.0" encoding="UTF-8"?>\n', 2),
    "after-comment": (b"<!-- a comment -->", 1),
    "after-empty-comment": (b"<!---->\n", 2),
    "after-processing-instruction": (b"<?pi data?>\n\n", 3),
    "after-declaration-and-comment": (b'<?xml version="1.0"?>\n<!-- c -->\n', 3),
    "after-bom-and-whitespace": (b"\xef\xbb\xbf \n\t", 2),
}


def _doctype_refused(prolog: str, doctype: bytes, body: bytes) -> DecodeError:
    head, line = PROLOGS[prolog]
    error = refused(head + doctype + b"\n" + body)
    assert "DOCTYPE" in error.msg
    assert error.line == line
    return error


@pytest.mark.parametrize("prolog", PROLOGS)
def test_billion_laughs(prolog: str) -> None:
    lol = [b'<!ENTITY lol0 "lol">']
    lol += [b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)]
    doctype = b"<!DOCTYPE xml [\n" + b"\n".join(lol) + b"\n]>"
    error = _doctype_refused(prolog, doctype, b"<xml><a>&lol9;</a></xml>")
    assert "lol" not in str(error)


@pytest.mark.parametrize("prolog", PROLOGS)
def test_quadratic_blowup_entity(prolog: str) -> None:
    doctype = b'<!DOCTYPE xml [<!ENTITY big "' + b"x" * 100_000 + b'">]>'
    _doctype_refused(prolog, doctype, b"<xml><a>" + b"&big;" * 20_000 + b"</a></xml>")


@pytest.mark.parametrize("prolog", PROLOGS)
def test_internal_entity(prolog: str) -> None:
    error = _doctype_refused(prolog, b'<!DOCTYPE xml [<!ENTITY e "boom">]>', b"<xml><a>&e;</a></xml>")
    assert "boom" not in str(error)


@pytest.mark.parametrize("entity", [b"&e;", b"&nbsp;", b"&lt", b"&#;", b"& ;"])
def test_undeclared_entity_reference(entity: bytes) -> None:
    error = refused(b"<xml>\n<a>" + entity + b"</a></xml>")
    assert error.line == 2


class _FifoWatch:
    """A FIFO that records whether anyone opened it for reading.

    A writer thread blocks in open() until a reader comes; if the decoder
    opens the file, the thread sees it. Nothing can block the test: close()
    releases the writer itself.
    """

    def __init__(self, directory: Path, content: bytes) -> None:
        self.path = directory / "secret.fifo"
        os.mkfifo(self.path)
        self.content = content
        self.opened = threading.Event()
        self.released = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)
        try:
            if not self.released:
                self.opened.set()
            with contextlib.suppress(OSError):
                os.write(fd, self.content)
        finally:
            os.close(fd)

    def close(self) -> None:
        self.released = True
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self.thread.join(5)
        os.close(fd)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[_FifoWatch]:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs os.mkfifo")  # pragma: no cover
    watch = _FifoWatch(tmp_path, b'<!ENTITY e "SECRET-1b7f">SECRET-1b7f')
    yield watch
    watch.close()


def _passwd_lines() -> list[str]:
    try:
        lines = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if len(line) > 8]


@pytest.mark.parametrize("prolog", PROLOGS)
def test_external_entity_file_is_never_read(prolog: str, fifo: _FifoWatch) -> None:
    # The classic: SYSTEM "file:///etc/passwd". Its content must not reach
    # the result nor the message.
    doctype = b'<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    error = _doctype_refused(prolog, doctype, b"<xml><a>&xxe;</a></xml>")
    for line in _passwd_lines():
        assert line not in str(error)
    # And the file is not even opened: an entity pointing at a FIFO.
    doctype = b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file://' + str(fifo.path).encode() + b'">]>'
    error = _doctype_refused(prolog, doctype, b"<xml><a>&e;</a></xml>")
    time.sleep(0.05)
    assert not fifo.opened.is_set(), "the decoder opened the file named by an external entity"
    assert "SECRET" not in str(error)


@pytest.mark.parametrize("prolog", PROLOGS)
def test_parameter_entities(prolog: str, fifo: _FifoWatch) -> None:
    doctype = b'<!DOCTYPE xml [\n<!ENTITY % p SYSTEM "file://' + str(fifo.path).encode() + b'">\n%p;\n]>'
    _doctype_refused(prolog, doctype, b"<xml><a>&e;</a></xml>")
    doctype = b"<!DOCTYPE xml [\n<!ENTITY % q \"<!ENTITY e 'boom'>\">\n%q;\n]>"
    _doctype_refused(prolog, doctype, b"<xml><a>&e;</a></xml>")
    time.sleep(0.05)
    assert not fifo.opened.is_set(), "the decoder opened the file named by a parameter entity"


@pytest.mark.parametrize("prolog", PROLOGS)
def test_external_dtd(prolog: str, fifo: _FifoWatch) -> None:
    _doctype_refused(prolog, b'<!DOCTYPE xml SYSTEM "file:///etc/passwd">', b"<xml><a>1</a></xml>")
    public = (
        b'<!DOCTYPE xml PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
    )
    _doctype_refused(prolog, public, b"<xml><a>1</a></xml>")
    _doctype_refused(prolog, b'<!DOCTYPE xml SYSTEM "file://' + str(fifo.path).encode() + b'">', b"<xml/>")
    time.sleep(0.05)
    assert not fifo.opened.is_set(), "the decoder opened an external DTD"


def test_xinclude_is_not_processed(fifo: _FifoWatch) -> None:
    # Read as a plain element, xi:include is a namespaced name: refused.
    href = str(fifo.path).encode()
    declared = (
        b'<xml xmlns:xi="http://www.w3.org/2001/XInclude">\n<xi:include href="' + href + b'" parse="text"/>\n</xml>'
    )
    error = refused(declared)
    assert "namespace" in error.msg
    assert error.line == 1
    inner = b'<xml>\n<a>\n<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="' + href + b'"/>\n</a>\n</xml>'
    error = refused(inner)
    assert "namespace" in error.msg
    assert error.line == 3
    # Without the declaration the prefix is undefined: not well-formed.
    undeclared = b'<xml>\n<xi:include href="' + href + b'" parse="text"/>\n</xml>'
    assert refused(undeclared).line == 2
    time.sleep(0.05)
    assert not fifo.opened.is_set(), "the decoder processed an XInclude"


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(b'<xml xmlns="http://example.com/"><a>1</a></xml>', id="default-namespace"),
        pytest.param(b'<xml xmlns:p="urn:p"><p:a>1</p:a></xml>', id="prefixed-element"),
        pytest.param(b"<xml><a xmlns:p='urn:p' p:array='true'>1</a></xml>", id="prefixed-attribute"),
        pytest.param(b"<xml><a xml:lang='en'>1</a></xml>", id="xml-lang"),
        pytest.param(b"<xml><a xmlns=''>1</a></xml>", id="empty-default-namespace"),
        pytest.param(b"<xml><xml:a>1</xml:a></xml>", id="xml-prefix-element"),
        pytest.param(b"<xml><p:a>1</p:a></xml>", id="undeclared-prefix"),
    ],
)
def test_namespaces_refused(document: bytes) -> None:
    assert refused(document).line == 1


def test_100k_deep_nesting() -> None:
    opened = b"<xml>" + b"<a>" * 100_000
    assert refused(opened).line == 1
    closed = opened + b"1" + b"</a>" * 100_000 + b"</xml>"
    assert refused(closed).line == 1
    lines = b"<xml>\n" + b"<a>\n" * 100_000 + b"1" + b"</a>" * 100_000 + b"</xml>"
    error = refused(lines)
    assert error.line is not None and error.line > 60
    # max_depth cannot be raised past what libxml2 parses (256 levels of elements).
    refused(closed, limits=Limits(max_depth=255))
    with pytest.raises(ValueError, match="at most 255"):
        Limits(max_depth=256)


def _nested_objects(depth: int) -> bytes:
    """A document whose value nests ``depth`` objects deep (the root is 1)."""
    return b"<xml>" + b"<a>" * (depth - 1) + b"<b>1</b>" + b"</a>" * (depth - 1) + b"</xml>"


def test_nesting_just_over_max_depth() -> None:
    assert accepted(_nested_objects(64)) == _nested_value(64)
    error = refused(_nested_objects(65))
    assert "deeper" in error.msg and "64" in error.msg
    assert error.line == 1
    assert error.path == "/a" * 64
    # The same with arrays (each array is a level) and with a lower limit.
    two_arrays = b"<xml><a><b>1</b><b>2</b></a><a><b>3</b><b>4</b></a></xml>"  # depth 4
    assert accepted(two_arrays, limits=Limits(max_depth=4)) == {"a": [{"b": [1, 2]}, {"b": [3, 4]}]}
    assert "deeper" in refused(two_arrays, limits=Limits(max_depth=3)).msg
    with_attrs = b"<xml><a array='true'><b array='true'>1</b></a></xml>"  # depth 4
    assert accepted(with_attrs, limits=Limits(max_depth=4)) == {"a": [{"b": [1]}]}
    assert "deeper" in refused(with_attrs, limits=Limits(max_depth=3)).msg


def _nested_value(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"b": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b"[" * 100_000, id="100k-open-brackets"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="100k-closed-brackets"),
        pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="100k-objects"),
        pytest.param(b'[{"a":' * 50_000, id="100k-mixed"),
        pytest.param(b'["x",' * 100_000, id="100k-with-strings"),
    ],
)
def test_deep_json_inside_json_attribute(text: bytes) -> None:
    error = refused(b"<xml>\n<a json='true'>" + text + b"</a>\n</xml>")
    assert "deeper" in error.msg
    assert error.line == 2
    assert error.path == "/a"
    error = refused(b"<xml json='true'>" + text + b"</xml>")
    assert error.line == 1
    assert error.path == ""


def test_json_nesting_just_over_max_depth() -> None:
    # The root object is depth 1; JSON in a member adds its own depth.
    assert accepted(b"<xml><a json='true'>" + b"[" * 63 + b"]" * 63 + b"</a></xml>") is not None
    error = refused(b"<xml><a json='true'>" + b"[" * 64 + b"]" * 64 + b"</a></xml>")
    assert "deeper" in error.msg
    assert error.path == "/a"
    # JSON in a member of nested objects: 10 objects + 55 arrays = 65.
    deep = b"<xml>" + b"<o>" * 9 + b"<a json='true'>" + b"[" * 55 + b"]" * 55 + b"</a>" + b"</o>" * 9 + b"</xml>"
    assert "deeper" in refused(deep).msg
    assert accepted(deep, limits=Limits(max_depth=65)) is not None


def test_deep_json_with_raised_limit_is_still_a_decode_error() -> None:
    # With the depth limit at its highest, still a DecodeError, never a RecursionError.
    refused(b"<xml><a json='true'>" + b"[" * 100_000 + b"]" * 100_000 + b"</a></xml>", limits=Limits(max_depth=255))


def test_embedded_json_unterminated_escaped_quotes() -> None:
    # Regression: the depth pre-scan stripped strings with a regex that went
    # quadratic on many unterminated strings (60 kB took 13 s).
    refused(b"<xml><a json='true'>[" + b'\\"' * 200_000 + b"</a></xml>")
    refused(b"<xml><a json='true'>[" + b'"\\' * 200_000 + b"</a></xml>")
    refused(b"<xml><a json='true'>[" + b'"' * 400_001 + b"</a></xml>")


def test_embedded_json_long_string_is_fast() -> None:
    # A long but valid JSON string: the depth pre-scan must not be slow on it.
    text = "x" * 5_000_000
    assert accepted(b"<xml><a json='true'>[\"" + text.encode() + b'"]</a></xml>') == {"a": [text]}


def test_50mb_text() -> None:
    body = b"x" * (50 * 1024 * 1024)
    document = b"<xml><a>" + body + b"</a></xml>"
    error = refused(document)
    assert "max_bytes" in error.msg
    assert error.line is None
    # With the size limit raised, libxml2's 10 MB text node limit still holds.
    error = refused(document, limits=Limits(max_bytes=64 * 1024 * 1024))
    assert error.line == 1
    # And the same through str input (counted in UTF-8 bytes).
    assert "max_bytes" in refused(document.decode("ascii")).msg


def test_text_over_the_libxml2_limit_in_embedded_json() -> None:
    document = b"<xml><a json='true'>\"" + b"x" * 11_000_000 + b'"</a></xml>'
    assert refused(document).line == 1


@pytest.mark.parametrize("where", ["child", "root"])
def test_attribute_flood(where: str) -> None:
    attributes = b" ".join(b"a%d='true'" % i for i in range(100_000))
    if where == "child":
        document = b"<xml>\n<k " + attributes + b">1</k>\n</xml>"
        line, path = 2, "/k"
    else:
        document = b"<xml " + attributes + b"><k>1</k></xml>"
        line, path = 1, ""
    error = refused(document)
    assert "attributes" in error.msg
    assert error.line == line
    assert error.path == path


def test_attribute_flood_of_dialect_names() -> None:
    # Four attributes are too many even when they look legitimate.
    error = refused(b"<xml><k array='true' string='true' json='true' x='true'>1</k></xml>")
    assert "attributes" in error.msg


def test_namespace_declaration_flood() -> None:
    declarations = b" ".join(b"xmlns:p%d='urn:%d'" % (i, i) for i in range(100_000))
    assert "namespace" in refused(b"<xml " + declarations + b"><k>1</k></xml>").msg


def test_too_many_elements() -> None:
    flat = b"<xml>" + b"<a/>" * 1_000_000 + b"</xml>"  # 1,000,001 elements with the root
    error = refused(flat)
    assert "max_elements" in error.msg
    nested = b"<xml>" + b"<a><b/><b/></a>" * 333_334 + b"</xml>"
    assert "max_elements" in refused(nested).msg
    limits = Limits(max_elements=1_000)
    assert "max_elements" in refused(b"<xml>" + b"<a/>" * 1_000 + b"</xml>", limits=limits).msg
    assert accepted(b"<xml>" + b"<a/>" * 999 + b"</xml>", limits=limits) == {"a": [""] * 999}


def test_gzip_bytes() -> None:
    payload = gzip.compress(b"<xml><a>1</a></xml>")
    refused(payload)
    bomb = gzip.compress(b"<xml>" + b"<a>1</a>" * 1_000_000 + b"</xml>")
    refused(bomb)


_WIDE = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("encoding", _WIDE)
@pytest.mark.parametrize(
    "document",
    [
        "<xml><a>1</a></xml>",
        " <xml><a>é</a></xml>",
        '<?xml version="1.0" encoding="{enc}"?><xml><a>1</a></xml>',
        '<?xml version="1.0"?><xml><a>1</a></xml>',
    ],
)
def test_utf16_and_utf32(encoding: str, document: str) -> None:
    text = document.format(enc=encoding.upper().replace("-LE", "LE").replace("-BE", "BE"))
    plain = text.encode(encoding)  # "utf-16" and "utf-32" put a BOM first
    with_bom = plain if encoding in ("utf-16", "utf-32") else ("\ufeff" + text).encode(encoding)
    without_bom = text.encode(encoding if encoding.endswith(("-le", "-be")) else encoding + "-le")
    assert with_bom[:2] in (b"\xff\xfe", b"\xfe\xff", b"\x00\x00")
    for data in (with_bom, without_bom):
        refused(data)
        # The same after a UTF-8 BOM.
        refused(b"\xef\xbb\xbf" + data)
    # A wide BOM before UTF-8 text.
    refused(with_bom[: 4 if "32" in encoding else 2] + document.format(enc="UTF-8").encode())


@pytest.mark.parametrize(
    "declared",
    ["UTF-7", "utf-7", "ISO-8859-1", "latin1", "windows-1251", "US-ASCII", "UTF-16", "UTF-32", "EBCDIC-US", "bogus"],
)
def test_other_declared_encodings(declared: str) -> None:
    for quote in ("'", '"'):
        document = f"<?xml version='1.0' encoding={quote}{declared}{quote}?>\n<xml><a>+AGEAYgBj-é</a></xml>"
        error = refused(document.encode("utf-8"))
        assert "encoding" in error.msg
        assert declared in error.msg
        assert error.line == 1
    # A real ISO-8859-1 document (the é as one byte) is refused too.
    refused(b"<?xml version='1.0' encoding='" + declared.encode() + b"'?><xml><a>\xe9</a></xml>")


def test_utf7_declaration() -> None:
    # libxml2 would decode "+ADw-" as "<" under UTF-7.
    document = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-xml+AD4-+ADw-a+AD4-1+ADw-/a+AD4-+ADw-/xml+AD4-'
    assert "UTF-7" in refused(document).msg


def test_iso_8859_1_lying_declaration() -> None:
    # UTF-8 bytes under an ISO-8859-1 declaration: refused, never mojibake.
    document = '<?xml version="1.0" encoding="ISO-8859-1"?><xml><a>Привет</a></xml>'.encode()
    assert "ISO-8859-1" in refused(document).msg


@pytest.mark.parametrize(
    "sequence",
    [
        pytest.param(b"\xff", id="ff"),
        pytest.param(b"\xfe", id="fe"),
        pytest.param(b"\x80", id="lone-continuation"),
        pytest.param(b"\xbf\xbf", id="continuations"),
        pytest.param(b"\xc3", id="truncated-2"),
        pytest.param(b"\xe2\x82", id="truncated-3"),
        pytest.param(b"\xf0\x9f\x98", id="truncated-4"),
        pytest.param(b"\xf8\x88\x80\x80\x80", id="five-byte"),
        pytest.param(b"\xfc\x84\x80\x80\x80\x80", id="six-byte"),
        pytest.param(b"\xf4\x90\x80\x80", id="over-10ffff"),
        pytest.param(b"\xf5\x80\x80\x80", id="f5"),
        pytest.param(b"\xe9", id="latin1-e-acute"),
    ],
)
def test_invalid_utf8(sequence: bytes) -> None:
    for document in (
        b"<xml>\n<a>x" + sequence + b"y</a></xml>",
        b"<xml>\n<a array='" + sequence + b"'>1</a></xml>",
        b"<xml>\n<a" + sequence + b">1</a" + sequence + b"></xml>",
        b"<xml>\n<a json='true'>\"" + sequence + b'"</a></xml>',
    ):
        assert refused(document).line == 2
    refused(b"<xml><a>1</a></xml>" + sequence)
    refused(b"<xml><a>1</a></xml>\n<!-- " + sequence + b" -->")


@pytest.mark.parametrize(
    "sequence",
    [
        pytest.param(b"\xc0\xaf", id="slash-2"),
        pytest.param(b"\xe0\x80\xaf", id="slash-3"),
        pytest.param(b"\xf0\x80\x80\xaf", id="slash-4"),
        pytest.param(b"\xc1\xbf", id="c1"),
        pytest.param(b"\xc0\x80", id="modified-utf8-nul"),
        pytest.param(b"\xe0\x9f\xbf", id="max-overlong-3"),
        pytest.param(b"\xf0\x8f\xbf\xbf", id="max-overlong-4"),
    ],
)
def test_overlong_utf8(sequence: bytes) -> None:
    assert refused(b"<xml>\n<a>" + sequence + b"</a></xml>").line == 2
    # An overlong "<" must not open a tag.
    refused(b"<xml>\xc0\xbca>1\xc0\xbc/a></xml>")


@pytest.mark.parametrize(
    "sequence",
    [
        pytest.param(b"\xed\xa0\x80", id="d800"),
        pytest.param(b"\xed\xbf\xbf", id="dfff"),
        pytest.param(b"\xed\xa0\xbd\xed\xb8\x80", id="cesu-8-pair"),
    ],
)
def test_encoded_surrogates(sequence: bytes) -> None:
    assert refused(b"<xml>\n<a>" + sequence + b"</a></xml>").line == 2
    refused(b"<xml><a json='true'>\"" + sequence + b'"</a></xml>')


@pytest.mark.parametrize(
    "reference",
    [
        b"&#0;",
        b"&#x0;",
        b"&#00000;",
        b"&#1;",
        b"&#x8;",
        b"&#x1F;",
        b"&#xB;",
        b"&#xFFFE;",
        b"&#xFFFF;",
        b"&#xfffe;",
        b"&#xD800;",
        b"&#xDFFF;",
        b"&#55296;",
        b"&#x110000;",
        b"&#99999999999999999999;",
        b"&#x-1;",
        b"&#;",
        b"&#x;",
    ],
)
def test_illegal_character_references(reference: bytes) -> None:
    assert refused(b"<xml>\n<a>x" + reference + b"y</a></xml>").line == 2
    refused(b"<xml><a string='" + reference + b"'>1</a></xml>")
    refused(b"<xml><a json='true'>\"" + reference + b'"</a></xml>')


@pytest.mark.parametrize("char", [b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1f"])
def test_illegal_literal_characters(char: bytes) -> None:
    assert refused(b"<xml>\n<a>x" + char + b"y</a></xml>").line == 2


# A small valid document with a declaration, a comment, attributes, CDATA,
# embedded JSON, character references and multi-byte UTF-8.
SMALL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- prolog -->\n"
    "<xml>\n"
    "  <data array='true'><id>1</id><name>Ünïcødé ✓ 😀</name></data>\n"
    '  <q json="true">{"a":[1,2.5,null]}</q>\n'
    "  <s string='true'>007</s>\n"
    "  <t><![CDATA[<&>]]>&amp;&#x41;&#13;</t>\n"
    "  <e/>\n"
    "</xml>"
).encode()
SMALL_VALUE = {
    "data": [{"id": 1, "name": "Ünïcødé ✓ 😀"}],
    "q": {"a": [1, 2.5, None]},
    "s": "007",
    "t": "<&>&A\r",
    "e": "",
}


def test_truncated_documents() -> None:
    assert accepted(SMALL) == SMALL_VALUE
    for size in range(len(SMALL)):
        refused(SMALL[:size])
        refused(SMALL[:size].decode("utf-8", "ignore"))


def test_truncated_encoded_documents() -> None:
    for document in (codec.encode(SMALL_VALUE), codec.encode(SMALL_VALUE, pretty=True)):
        assert accepted(document) == SMALL_VALUE
        for size in range(len(document)):
            refused(document[:size])


def test_random_bytes() -> None:
    rng = random.Random(20240612)  # fixed: the same blobs on every run
    start = time.perf_counter()
    for size in [1, 2, 3, 4, 5, 8, 16, 64, 256, 4096, 65536] * 4:
        blob = rng.randbytes(size)
        refused(blob)
        refused(b"<xml>" + blob)  # never closed
        refused(b"<xml><a>\x00" + blob + b"</a></xml>")  # NUL cannot occur in XML
        refused(b"\xef\xbb\xbf<?xml version='1.0'?>" + blob)
    assert time.perf_counter() - start < 10 * WALL
    refused(b"")
    refused(rng.randbytes(10_000_000))


@pytest.mark.parametrize("surrogate", ["\ud800", "\udbff", "\udc00", "\udfff", "\udfff\ud800"])
def test_str_input_with_lone_surrogate(surrogate: str) -> None:
    for document in (
        f"<xml><a>{surrogate}</a></xml>",
        f"<xml><a json='true'>\"{surrogate}\"</a></xml>",
        f"<xml><a{surrogate}>1</a{surrogate}></xml>",
        f"<xml/>{surrogate}",
    ):
        assert "surrogate" in refused(document).msg


def test_str_input_with_a_valid_pair_is_fine() -> None:
    assert accepted("<xml><a>\U0001f600</a></xml>") == {"a": "\U0001f600"}


MILLION = 1_000_000


def test_huge_integer_text() -> None:
    # Integers are exact up to Limits.max_int_digits (§9): past it, refused
    # before any conversion, in element text and in embedded JSON alike.
    digits = b"7" * 5 * MILLION  # under libxml2's 10 MB text-node limit
    for document, path in [
        (b"<xml><a>" + digits + b"</a></xml>", "/a"),
        (b"<xml><a>-" + digits + b"</a></xml>", "/a"),
        (b"<xml><a json='true'>" + digits + b"</a></xml>", "/a"),
        (b"<xml><a json='true'>[-" + digits + b"]</a></xml>", "/a"),
    ]:
        error = refused(document)
        assert "max_int_digits" in error.msg or "limit of 4300" in error.msg
        assert error.path == path


def test_raised_digit_limit_keeps_big_integers_exact() -> None:
    sevens = 7 * (10**MILLION - 1) // 9
    limits = Limits(max_int_digits=MILLION)
    assert accepted(b"<xml><a>" + b"7" * MILLION + b"</a></xml>", limits=limits) == {"a": sevens}
    assert accepted(b"<xml><a json='true'>[-" + b"7" * MILLION + b"]</a></xml>", limits=limits) == {"a": [-sevens]}


def test_huge_float_text() -> None:
    # Huge exponents and mantissas are floats or, past a double, strings (§4).
    exponent = b"9" * MILLION
    assert accepted(b"<xml><a>1e" + exponent + b"</a></xml>") == {"a": "1e" + "9" * MILLION}
    assert accepted(b"<xml><a>1e-" + exponent + b"</a></xml>") == {"a": 0.0}
    assert accepted(b"<xml><a>0." + b"3" * MILLION + b"</a></xml>") == {"a": float("0." + "3" * 40)}
    assert accepted(b"<xml><a>1" + b"0" * 400 + b".5</a></xml>") == {"a": "1" + "0" * 400 + ".5"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("1e999", "large", id="1e999"),
        pytest.param("-1e999", "large", id="minus-1e999"),
        pytest.param("1E99999999999999999999", "large", id="huge-exponent"),
        pytest.param("[1, 2e400]", "large", id="in-array"),
        pytest.param('{"a": {"b": 1' + "0" * 400 + ".0}}", "large", id="long-mantissa"),
        pytest.param("1e" + "9" * 100_000, "large", id="100k-digit-exponent"),
        pytest.param("NaN", "NaN", id="NaN"),
        pytest.param("Infinity", "Infinity", id="Infinity"),
        pytest.param("-Infinity", "Infinity", id="minus-Infinity"),
        pytest.param('[1, {"x": NaN}]', "NaN", id="nested-NaN"),
        pytest.param("nan", "invalid", id="lower-nan"),
        pytest.param('{"a": 1, "a": 2}', "duplicate", id="duplicate-key"),
        pytest.param('{"a": 1, "b": {"c": 1, "c": 1}}', "duplicate", id="nested-duplicate-key"),
        pytest.param('[{"k": 1}, {"k": 1, "k": 2}]', "duplicate", id="duplicate-in-array"),
        pytest.param('{"' + "k" * 100_000 + '": 1, "' + "k" * 100_000 + '": 2}', "duplicate", id="long-duplicate"),
    ],
)
def test_embedded_json_hostile_numbers_and_keys(text: str, reason: str) -> None:
    error = refused(f"<xml>\n<n>1</n>\n<a json='true'>{text}</a></xml>".encode())
    assert reason in error.msg
    assert error.line == 3
    assert error.path == "/a"


def test_embedded_json_many_duplicate_keys() -> None:
    members = ",".join(f'"k{i % 50_000}":1' for i in range(100_000))
    assert "duplicate" in refused(b"<xml json='true'>{" + members.encode() + b"}</xml>").msg


# ---------------------------------------------------------------- issue 8
# Silent changes, crashes, and what the encoder writes but the decoder refuses.


PAIR = "\ud800\udc00"


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": PAIR}, "/a"),
        ({"a": "x" + PAIR + "y"}, "/a"),
        ({PAIR: 1}, "/" + PAIR),
        ({"a": {"b": [1, "\udbff\udfff"]}}, "/a/b/1"),
        ({"a": None, "b": {"c d": PAIR}}, "/b/c d"),  # inside embedded JSON
        ({"a": {PAIR: {}}}, "/a/" + PAIR),
        ({"a": [PAIR]}, "/a/0"),
        ({"a": MappingProxyType({"b": PAIR})}, "/a/b"),
    ],
)
def test_surrogate_pair_as_two_code_units_is_refused(value: dict[str, Any], path: str) -> None:
    # Written as \ud800\udc00 it would read back as one astral character.
    for pretty in (False, True):
        with pytest.raises(EncodeError, match="high surrogate followed by a low one") as caught:
            codec.encode(value, pretty=pretty)
        assert caught.value.path == path


def test_surrogate_pair_in_embedded_json_of_an_endpoint_is_refused() -> None:
    with pytest.raises(EncodeError, match="surrogate") as caught:
        codec.encode({"query": {"_fname": PAIR}}, endpoint="profiles/list", direction="request")
    assert caught.value.path == "/query/_fname"


def test_surrogates_that_are_no_pair_round_trip() -> None:
    for text in ("\udc00\ud800", "\ud800", "\udc00", "\ud800x\udc00", "\U00010000"):
        for document in ({"a": text}, {text: 1}, {"a": [text, text]}):
            assert codec.decode(codec.encode(document)) == document
    # An escaped pair from a client is one character, as every JSON reader has it.
    assert codec.decode(b"<xml><a json='true'>\"\\ud800\\udc00\"</a></xml>") == {"a": "\U00010000"}


class Channel(str, enum.Enum):
    EMAIL = "email"
    DIGITS = "42"


class Priority(enum.IntEnum):
    HIGH = 10


class Shouty(str):
    def __str__(self) -> str:
        return "SHOUT"


class Tricky(int):
    def __int__(self) -> int:
        return -1

    def __str__(self) -> str:
        return "tricky"

    __repr__ = __str__


class Wobbly(float):
    def __float__(self) -> float:
        return 0.0

    def __repr__(self) -> str:
        return "wobbly"


def test_str_int_float_subclasses_are_written_by_value() -> None:
    value = {
        Channel.EMAIL: Channel.EMAIL,
        "digits": Channel.DIGITS,
        "p": Priority.HIGH,
        "s": Shouty("hi"),
        Shouty("k"): Tricky(7),
        "f": Wobbly(2.5),
        "t": True,
        "list": [Channel.EMAIL, Priority.HIGH, Wobbly(0.5)],
        "embedded": {"a b": Channel.EMAIL, "n": Tricky(3), "f": Wobbly(1.5), Channel.DIGITS: Priority.HIGH},
    }
    expected = json.loads(json.dumps(value))
    encoded = codec.encode(value)
    assert encoded == codec.encode(expected)
    assert codec.decode(encoded) == expected
    assert b"Channel" not in encoded and b"SHOUT" not in encoded and b"tricky" not in encoded
    assert codec.encode(value, pretty=True) == codec.encode(expected, pretty=True)
    # The same through a schema's embedded JSON member.
    query = {"query": {"channel": Channel.EMAIL, "n": Tricky(1)}}
    assert codec.decode(
        codec.encode(query, endpoint="profiles/list", direction="request"),
        endpoint="profiles/list",
        direction="request",
    ) == {"query": {"channel": "email", "n": 1}}


def test_keys_equal_by_value_are_refused_not_merged() -> None:
    class Anything(str):
        def __eq__(self, other: object) -> bool:
            return False

        def __hash__(self) -> int:
            return id(self)

    for value in ({Anything("a"): 1, "a": 2}, {"x": {"a": 1, Anything("a"): 2}}, {"x": [{Anything("a"): 1, "a": 2}]}):
        with pytest.raises(EncodeError, match="occurs twice"):
            codec.encode(value)


class Flaky(Mapping[Any, Any]):
    """A Mapping whose items are whatever the test says, or raise."""

    def __init__(self, pairs: list[tuple[Any, Any]] | None = None, error: Exception | None = None) -> None:
        self.pairs = pairs or []
        self.error = error

    def __getitem__(self, key: Any) -> Any:
        return next(value for name, value in self.pairs if name == key)

    def __iter__(self) -> Iterator[Any]:
        if self.error is not None:
            raise self.error
        return iter([k for k, _ in self.pairs])

    def __len__(self) -> int:
        return len(self.pairs)


def test_every_mapping_encodes_as_a_dict() -> None:
    plain = {"a": {"b": 1}, "c": [{"d": ""}]}
    for wrap in (MappingProxyType, ChainMap, UserDict, OrderedDict, lambda d: Flaky(list(d.items()))):
        wrapped = wrap({"a": wrap({"b": 1}), "c": [wrap({"d": ""})]})
        assert codec.encode(wrapped) == codec.encode(plain)
        assert codec.encode(wrapped, pretty=True) == codec.encode(plain, pretty=True)
    assert codec.encode(MappingProxyType({})) == b"<xml/>"
    assert codec.encode({"a": ChainMap()}) == b"<xml><a json='true'>{}</a></xml>"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Flaky([(["unhashable"], 1)]), "keys must be strings, not list"),
        (Flaky([(1, 1)]), "keys must be strings, not int"),
        (Flaky(error=RuntimeError("boom")), "RuntimeError: boom"),
        (Flaky([("a", 1), ("a", 2)]), "occurs twice"),
    ],
)
def test_custom_mapping_failures_are_encode_errors_at_every_level(bad: Any, message: str) -> None:
    for value, path in ((bad, ""), ({"x": bad}, "/x"), ({"x": [1, bad]}, "/x/1"), ({"x y": {"z": bad}}, "/x y/z")):
        with pytest.raises(EncodeError, match=message) as caught:
            codec.encode(value)
        assert caught.value.path == path


@pytest.mark.parametrize(
    ("endpoint", "direction", "value"),
    [
        ("suppresses/domains_add", "request", {"domains": {"a": {}}}),
        ("suppresses/domains_add", "request", {"domains": "a"}),
        ("profiles/list", "request", {"fields": 1}),
        ("profiles/list", "request", {"fields": [1, True, None, 1.5]}),
        ("relations/get", "response", {"data": [{"xxh_a": 1, "props": "", "db_b": "9"}]}),
        ("relations/get", "response", {"data": ""}),
        ("relations/get", "response", {"data": [""]}),
        ("relations/get", "response", {"data": [[], {}, ""]}),
    ],
)
def test_schema_guided_misfits_round_trip(endpoint: str, direction: str, value: dict[str, Any]) -> None:
    options: dict[str, Any] = {"endpoint": endpoint, "direction": direction}
    for pretty in (False, True):
        assert codec.decode(codec.encode(value, pretty=pretty, **options), **options) == value


@pytest.mark.parametrize(
    "prolog",
    [
        b"<?xml-stylesheet href='a.xsl' version='1.1'?>",
        b"<?xml-stylesheet encoding='ISO-8859-1'?>",
        b"\xef\xbb\xbf<?xml-model version='2.0'?>\n",
        b"<?xmlfoo version='1.1'?>",
    ],
)
def test_processing_instruction_named_xml_is_not_the_declaration(prolog: bytes) -> None:
    assert accepted(prolog + b"<xml><a>1</a></xml>") == {"a": 1}


def test_the_declaration_is_xml_then_whitespace_at_the_start() -> None:
    for space in (b" ", b"\t", b"\r\n", b"\n"):
        assert "version" in refused(b"<?xml" + space + b"version='1.1'?><xml/>").msg


def test_32mib_of_empty_elements_is_refused_before_the_tree_is_built() -> None:
    # Measured in a fresh process: peak RSS after minus peak RSS before the
    # call (libxml2's memory is invisible to tracemalloc).
    script = """
import resource, sys, time, codec
doc = b"<xml>" + b"<a/>" * (32 * 1024 * 1024 // 4 - 3) + b"</xml>"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    codec.decode(doc)
except codec.DecodeError as error:
    assert "max_elements" in error.msg and error.line == 1, error
else:
    raise SystemExit("accepted")
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    seconds, extra_kib = done.stdout.split()
    assert float(seconds) < WALL
    assert int(extra_kib) < 100 * 1024


def test_element_prescan_counts_exactly() -> None:
    limits = Limits(max_elements=1_000)
    # "<" inside comments, CDATA and processing instructions starts no element.
    hidden = b"<!-- <a><a> --><?pi <a>?>"
    document = b"<xml>" + hidden + b"<a><![CDATA[<<<<]]></a>" * 999 + hidden + b"</xml>"
    assert accepted(document, limits=limits) == {"a": ["<<<<"] * 999}
    over = b"<xml>" + hidden + b"<a><![CDATA[<<<<]]></a>" * 1_000 + b"</xml>"
    assert "max_elements" in refused(over, limits=limits).msg
    lines = b"<xml>\n" + b"<a/>\n" * 1_000 + b"</xml>"
    error = refused(lines, limits=limits)
    assert error.line == 1_001  # the 1,001st element: the root and 1,000 <a/>
    # Many comments holding "<" cannot make the count slow.
    flood = b"<xml>" + b"<a/><!--<-->" * 500_000 + b"</xml>"
    assert "max_elements" in refused(flood, limits=Limits(max_elements=400_000)).msg


def test_empty_element_read_as_container_counts_toward_depth() -> None:
    limits = Limits(max_depth=1)
    options: dict[str, Any] = {"endpoint": "relations/get", "direction": "response", "limits": limits}
    assert "deeper" in refused(b"<xml><data/></xml>", **options).msg
    assert (
        "deeper"
        in refused(
            b"<xml><data><props/></data></xml>",
            **options,
        ).msg
    )
    two = Limits(max_depth=2)
    assert (
        "deeper"
        in refused(b"<xml><data><props/></data></xml>", endpoint="relations/get", direction="response", limits=two).msg
    )
    assert accepted(b"<xml><data/></xml>", endpoint="relations/get", direction="response", limits=two) == {"data": []}


def test_declared_json_without_the_attribute_says_what_was_found() -> None:
    error = refused(b"<xml><query>x</query></xml>", endpoint="profiles/list", direction="request")
    assert "json='true'" not in error.msg
    assert "<query>" in error.msg and "'x'" in error.msg
    assert error.path == "/query"


TEXT_CEILING = 10_000_000  # libxml2's text node limit, in UTF-8 bytes


def test_encoder_refuses_text_nodes_libxml2_cannot_read() -> None:
    with _watchdog():
        at = {"a": "x" * TEXT_CEILING}
        assert codec.decode(codec.encode(at)) == at
        for value, path in (
            ({"a": "x" * (TEXT_CEILING + 1)}, "/a"),
            ({"a": "é" * (TEXT_CEILING // 2 + 1)}, "/a"),  # bytes, not characters
            ({"b": [1, {"a": [[None] * (TEXT_CEILING // 5)]}]}, "/b/1/a/0"),  # embedded JSON text
        ):
            with pytest.raises(EncodeError, match="10000000") as caught:
                codec.encode(value)
            assert caught.value.path == path
        # A string that needs the JSON escape anyway is measured as its JSON text.
        with pytest.raises(EncodeError, match="10000000"):
            codec.encode({"a": "\x00" * (TEXT_CEILING // 6 + 1)})


def test_long_keys_take_the_json_escape() -> None:
    for key in ("k" * 50_001, "é" * 25_001):
        document = {"a": {key: 1}}
        encoded = codec.encode(document)
        assert encoded.startswith(b"<xml><a json='true'>")
        assert codec.decode(encoded) == document
    assert codec.encode({"k" * 50_000: 1}).startswith(b"<xml><kkk")


@pytest.mark.parametrize(
    ("document", "limits"),
    [
        ({"a": [0] * 999_999}, Limits()),
        ({"a": [None] * 5}, Limits(max_elements=6)),
        ({"a": {"b": [[1], {}]}}, Limits(max_elements=6)),
        ({"a": "x" * 100}, Limits(max_bytes=120)),
        ({"a": {"b": {"c": 1}}}, Limits(max_depth=3)),
        ({"a": [[[]]]}, Limits(max_depth=4)),
        ({"a": 10**29}, Limits(max_int_digits=30)),
    ],
)
def test_the_encoder_refuses_exactly_what_the_decoder_refuses(document: dict[str, Any], limits: Limits) -> None:
    encoded = codec.encode(document, limits=limits)
    assert codec.decode(encoded, limits=limits) == document
    tighter = Limits(
        max_bytes=min(limits.max_bytes, len(encoded) - 1) if limits.max_bytes < 2**20 else limits.max_bytes,
        max_depth=limits.max_depth - 1 if limits.max_depth < 64 else limits.max_depth,
        max_elements=limits.max_elements - 1 if limits.max_elements < 10**6 else limits.max_elements,
        max_int_digits=limits.max_int_digits - 1 if limits.max_int_digits < 4300 else limits.max_int_digits,
    )
    if tighter == limits:
        tighter = Limits(max_elements=limits.max_elements - 1)
    with pytest.raises(DecodeError):
        codec.decode(encoded, limits=tighter)
    with pytest.raises(EncodeError):
        codec.encode(document, limits=tighter)


def test_defaults_refuse_what_the_issue_found_encodable() -> None:
    with pytest.raises(EncodeError, match="max_elements"):
        codec.encode({"a": [0] * 1_000_000})
    with pytest.raises(EncodeError, match="max_bytes"):
        codec.encode({"a": ["x" * 1000] * 40_000})
    with pytest.raises(ValueError, match="at most 255"):
        Limits(max_depth=400)
    with pytest.raises(ValueError, match="max_int_digits must be under 10000000"):
        Limits(max_int_digits=10_000_000)
