# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled fast path of the codec (optional; see codec/_accel.py).

The pure-Python modules (_encode.py, _decode.py) are the reference and the
source of every error. Each function here either returns exactly what the
pure path returns for its input or returns ``None`` ("hand over"), and the
caller then runs the pure path, which gives the result or the error with its
position. So this module never raises on bad input: it only handles the
common case fast and declines everything else (subclasses of the JSON types,
characters XML cannot hold, keys that are not element names below the root
object, limits reached, ...).
"""

from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.dict cimport PyDict_GetItem, PyDict_Next
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_AsUTF8AndSize
from libc.math cimport INFINITY
from libc.string cimport memcpy, strlen

from ._dialect import ARRAY, JSON, ROOT, STRING, TRUE, attribute, escape_text, is_element_name
from ._limits import LIBXML2_MAX_TEXT_BYTES

# The dialect's spellings come from codec/_dialect.py, their one home, and are
# held here as C strings: §2 the root, §5 the attributes, §7 the escapes.
cdef bytes _ROOT_NAME = ROOT.encode()
cdef bytes _ROOT_OPEN = f"<{ROOT}>".encode()
cdef bytes _ROOT_EMPTY = f"<{ROOT}/>".encode()
cdef bytes _ROOT_CLOSE = f"</{ROOT}>".encode()
cdef bytes _ROOT_JSON_OPEN = f"<{ROOT}{attribute(JSON)}>".encode()
cdef bytes _ARRAY_ATTR = attribute(ARRAY).encode()
cdef bytes _STRING_ATTR = attribute(STRING).encode()
cdef bytes _JSON_ATTR = attribute(JSON).encode()
cdef bytes _ARRAY_NAME = ARRAY.encode()
cdef bytes _STRING_NAME = STRING.encode()
cdef bytes _JSON_NAME = JSON.encode()
cdef bytes _TRUE_VALUE = TRUE.encode()
cdef bytes _AMP = escape_text("&").encode()
cdef bytes _LT = escape_text("<").encode()
cdef bytes _GT = escape_text(">").encode()
cdef bytes _CR = escape_text("\r").encode()
from ._shape import Kind

cdef extern from "Python.h":
    Py_ssize_t PyList_GET_SIZE(object)
    PyObject* PyList_GET_ITEM(object, Py_ssize_t)
    Py_ssize_t PyTuple_GET_SIZE(object)
    PyObject* PyTuple_GET_ITEM(object, Py_ssize_t)
    long long PyLong_AsLongLongAndOverflow(object, int*) except? -1
    char* PyOS_double_to_string(double, char, int, int, int*) except NULL
    double PyFloat_AS_DOUBLE(object)
    int Py_DTSF_ADD_DOT_0


# The size of the last document written (a hint for the next buffer), capped
# so that one huge document does not make every later call allocate as much.
cdef Py_ssize_t _last_size = 0
cdef Py_ssize_t _HINT_MAX = 16 * 1024 * 1024


# --- the output buffer ------------------------------------------------------


cdef class _Out:
    """One growing byte buffer; the document is written straight into it."""

    cdef char* data
    cdef Py_ssize_t size
    cdef Py_ssize_t cap

    def __cinit__(self, Py_ssize_t hint):
        # Growing by doubling costs a copy per step on big documents; callers
        # pass the size of the last document as a hint, since consecutive
        # documents tend to be alike (measured: 1.13x -> 0.85x of lxml's
        # tostring at 10,000 records).
        self.cap = max(4096, hint + (hint >> 3))
        self.size = 0
        self.data = <char*>PyMem_Malloc(self.cap)
        if self.data is NULL:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.data)

    cdef int grow(self, Py_ssize_t extra) except -1:
        cdef Py_ssize_t need = self.size + extra
        cdef Py_ssize_t cap = self.cap
        cdef char* data
        if need <= cap:
            return 0
        while cap < need:
            cap *= 2
        data = <char*>PyMem_Realloc(self.data, cap)
        if data is NULL:
            raise MemoryError()
        self.data = data
        self.cap = cap
        return 0

    cdef inline int write(self, const char* text, Py_ssize_t n) except -1:
        if self.size + n > self.cap:
            self.grow(n)
        memcpy(self.data + self.size, text, n)
        self.size += n
        return 0

    cdef inline int byte(self, char c) except -1:
        if self.size + 1 > self.cap:
            self.grow(1)
        self.data[self.size] = c
        self.size += 1
        return 0

    cdef bytes result(self):
        global _last_size
        _last_size = self.size
        return PyBytes_FromStringAndSize(self.data, self.size)


# --- text ---------------------------------------------------------------------

# Each returns 0 when written, 1 when the text must be handed over (a
# character XML cannot hold, §6), -1 on a Python error.


cdef inline bint _illegal_byte(unsigned char c) noexcept nogil:
    # §6: C0 controls other than tab, LF and CR.
    return c < 0x20 and c != 0x09 and c != 0x0A and c != 0x0D


cdef int _text(_Out out, const char* s, Py_ssize_t n) except -1:
    """Element text, escaped as §7 says: & < > and CR."""
    cdef Py_ssize_t i
    cdef Py_ssize_t start = 0
    cdef unsigned char c
    for i in range(n):
        c = <unsigned char>s[i]
        if c >= 0x3F:
            if c == 0xEF and i + 2 < n and <unsigned char>s[i + 1] == 0xBF and (
                <unsigned char>s[i + 2] == 0xBE or <unsigned char>s[i + 2] == 0xBF
            ):
                return 1  # U+FFFE, U+FFFF
            continue
        if c == b'&':
            out.write(s + start, i - start)
            out.write(_AMP, len(_AMP))
            start = i + 1
        elif c == b'<':
            out.write(s + start, i - start)
            out.write(_LT, len(_LT))
            start = i + 1
        elif c == b'>':
            out.write(s + start, i - start)
            out.write(_GT, len(_GT))
            start = i + 1
        elif c == 0x0D:
            out.write(s + start, i - start)
            out.write(_CR, len(_CR))
            start = i + 1
        elif _illegal_byte(c):
            return 1
    out.write(s + start, n - start)
    return 0


cdef const char* _HEX = b"0123456789abcdef"


cdef int _json_string(_Out out, const char* s, Py_ssize_t n) except -1:
    """A JSON string (§6 canonical form), then escaped as element text."""
    cdef Py_ssize_t i
    cdef unsigned char c
    cdef char hexbuf[6]
    out.byte(b'"')
    for i in range(n):
        c = <unsigned char>s[i]
        if c >= 0x3F:
            if c == b'\\':
                out.write(b"\\\\", 2)
                continue
            if c == 0xEF and i + 2 < n and <unsigned char>s[i + 1] == 0xBF and (
                <unsigned char>s[i + 2] == 0xBE or <unsigned char>s[i + 2] == 0xBF
            ):
                return 1  # U+FFFE, U+FFFF: rare, left to the pure path
            out.byte(<char>c)
        elif c == b'"':
            out.write(b'\\"', 2)
        elif c == b'&':
            out.write(_AMP, len(_AMP))
        elif c == b'<':
            out.write(_LT, len(_LT))
        elif c == b'>':
            out.write(_GT, len(_GT))
        elif c >= 0x20:
            out.byte(<char>c)
        elif c == 0x0A:
            out.write(b"\\n", 2)
        elif c == 0x0D:
            out.write(b"\\r", 2)
        elif c == 0x09:
            out.write(b"\\t", 2)
        elif c == 0x08:
            out.write(b"\\b", 2)
        elif c == 0x0C:
            out.write(b"\\f", 2)
        else:
            hexbuf[0] = b'\\'
            hexbuf[1] = b'u'
            hexbuf[2] = b'0'
            hexbuf[3] = b'0'
            hexbuf[4] = _HEX[c >> 4]
            hexbuf[5] = _HEX[c & 15]
            out.write(hexbuf, 6)
    out.byte(b'"')
    return 0


cdef bint _scalar_like(const char* s, Py_ssize_t n) noexcept nogil:
    """Whether plain text would not read back as a string (§4): ``true``,
    ``false`` or the JSON number grammar. Mirrors _dialect.looks_like_scalar
    (tests/test_speedups.py holds the two equal)."""
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t digits
    if n == 4 and s[0] == b't' and s[1] == b'r' and s[2] == b'u' and s[3] == b'e':
        return True
    if n == 5 and s[0] == b'f' and s[1] == b'a' and s[2] == b'l' and s[3] == b's' and s[4] == b'e':
        return True
    if i < n and s[i] == b'-':
        i += 1
    if i >= n:
        return False
    if s[i] == b'0':
        i += 1
    elif b'1' <= s[i] <= b'9':
        while i < n and b'0' <= s[i] <= b'9':
            i += 1
    else:
        return False
    if i < n and s[i] == b'.':
        i += 1
        digits = i
        while i < n and b'0' <= s[i] <= b'9':
            i += 1
        if i == digits:
            return False
    if i < n and (s[i] == b'e' or s[i] == b'E'):
        i += 1
        if i < n and (s[i] == b'+' or s[i] == b'-'):
            i += 1
        digits = i
        while i < n and b'0' <= s[i] <= b'9':
            i += 1
        if i == digits:
            return False
    return i == n


def scalar_like(str text):
    """``_scalar_like`` for tests: must equal _dialect.looks_like_scalar."""
    raw = text.encode("utf-8", "surrogatepass")
    return _scalar_like(raw, len(raw))


# --- the encoder ----------------------------------------------------------------


cdef class _Tags:
    """The open and close tag of one key, as UTF-8 (``<key`` and ``</key>``)."""

    cdef bytes open
    cdef bytes close


cdef object _KIND_JSON = Kind.JSON
cdef object _KIND_ARRAY = Kind.ARRAY
cdef object _KIND_OBJECT = Kind.OBJECT
cdef object _KIND_STRING = Kind.STRING

# libxml2 reads at most this many bytes in one text node (codec/_limits.py):
# a longer text is the pure path's to refuse or escape.
cdef Py_ssize_t _MAX_TEXT = LIBXML2_MAX_TEXT_BYTES


cdef class Encoder:
    """One encoding run, mirroring _encode._Writer rule for rule (§3-§8).

    ``encode`` returns the document, or ``None`` to hand over. The counts
    (elements written, objects and arrays inside embedded JSON) and the size
    are checked against the limits exactly as the pure encoder checks them,
    and anything over a limit hands over, so that the pure path raises.
    """

    cdef _Out out
    cdef dict tags
    cdef int max_depth
    cdef Py_ssize_t max_int_digits
    cdef Py_ssize_t max_elements
    cdef Py_ssize_t max_bytes
    cdef Py_ssize_t elements
    cdef bint pretty

    def __cinit__(self, dict tags, limits, bint pretty):
        global _last_size
        self.out = _Out(min(_last_size, _HINT_MAX))
        self.tags = tags
        self.max_depth = limits.max_depth
        self.max_int_digits = limits.max_int_digits
        self.max_elements = limits.max_elements
        self.max_bytes = limits.max_bytes
        self.elements = 0
        self.pretty = pretty

    cdef object tags_of(self, object key):
        """The tags of ``key``, ``False`` for a key that is not an element
        name, ``None`` to hand over (a key that is not exactly a str)."""
        if type(key) is not str:
            return None
        cdef _Tags tags
        cdef PyObject* found = PyDict_GetItem(self.tags, key)
        if found is not NULL:
            return <object>found
        if len(self.tags) >= 4096:
            self.tags.clear()
        if not is_element_name(key):
            self.tags[key] = False
            return False
        tags = _Tags.__new__(_Tags)
        try:
            raw = (<str>key).encode("utf-8")
        except UnicodeEncodeError:
            return None
        tags.open = b"<" + raw
        tags.close = b"</" + raw + b">"
        self.tags[key] = tags
        return tags

    cdef int indent(self, int level) except -1:
        cdef int i
        if level < 0:
            return 0
        self.out.byte(b'\n')
        for i in range(level):
            self.out.write(b"  ", 2)
        return 0

    cdef int members(self, dict obj, int depth, object shape, int level) except -1:
        """Write an object's members. 0 written; 1 hand over; 2 a key that is
        not an element name (the caller escapes the whole object)."""
        cdef Py_ssize_t pos = 0
        cdef PyObject* k
        cdef PyObject* v
        cdef int status
        cdef int inner = -1 if level < 0 else level + 1
        if depth > self.max_depth:
            return 1
        while PyDict_Next(obj, &pos, &k, &v):
            tags = self.tags_of(<object>k)
            if tags is None:
                return 1
            if tags is False:
                return 2
            member = None if shape is None else shape.member(<object>k)
            status = self.member(<_Tags>tags, <object>v, depth + 1, member, inner)
            if status:
                return status
        return 0

    cdef int member(self, _Tags tags, object value, int depth, object shape, int level) except -1:
        kind = type(value)
        if shape is not None and shape.kind is _KIND_JSON:
            self.indent(level)
            return self.embedded(tags, 0, value, depth)
        if kind is list or kind is tuple:
            return self.array(tags, value, depth, shape, level)
        if shape is not None and shape.kind is _KIND_ARRAY:
            # §8: a lone element of an array member is read as its one item;
            # only the escape keeps a value that is not an array.
            self.indent(level)
            return self.embedded(tags, 0, value, depth)
        return self.element(tags, 0, value, depth, shape, level)

    cdef int open_tag(self, _Tags tags, int attrs) except -1:
        # attrs: bit 1 array='true', bit 2 string='true', bit 4 json='true'.
        self.elements += 1
        self.out.write(tags.open, len(tags.open))
        if attrs & 1:
            self.out.write(_ARRAY_ATTR, len(_ARRAY_ATTR))
        if attrs & 2:
            self.out.write(_STRING_ATTR, len(_STRING_ATTR))
        if attrs & 4:
            self.out.write(_JSON_ATTR, len(_JSON_ATTR))
        return 0

    cdef int close_tag(self, _Tags tags) except -1:
        self.out.write(tags.close, len(tags.close))
        return 0

    cdef int array(self, _Tags tags, object items, int depth, object shape, int level) except -1:
        cdef Py_ssize_t n = len(items)
        cdef Py_ssize_t i
        cdef int status
        if depth > self.max_depth:
            return 1
        if n == 0:
            self.indent(level)
            self.open_tag(tags, 1)
            self.out.write(b"/>", 2)
            return 0
        item_shape = None if shape is None else shape.items
        if n == 1:
            item = items[0]
            if type(item) is str and not item:
                # A bare <k array='true'/> is [], so [""] takes the escape.
                self.indent(level)
                return self.embedded(tags, 1, item, depth + 1)
            return self.element(tags, 1, item, depth + 1, item_shape, level)
        for i in range(n):
            status = self.element(tags, 0, items[i], depth + 1, item_shape, level)
            if status:
                return status
        return 0

    cdef int element(self, _Tags tags, int attrs, object value, int depth, object shape, int level) except -1:
        cdef const char* s
        cdef Py_ssize_t n
        cdef Py_ssize_t mark
        cdef int status
        cdef long long small
        cdef int overflow
        kind = type(value)
        self.indent(level)
        if shape is not None:
            shape_kind = shape.kind
            if shape_kind is _KIND_JSON:
                return self.embedded(tags, attrs, value, depth)
            if shape_kind is _KIND_STRING and (kind is int or kind is float or kind is bool):
                # §8: the text of a string member is kept as a string.
                return self.embedded(tags, attrs, value, depth)
            if (shape_kind is _KIND_OBJECT or shape_kind is _KIND_ARRAY) and kind is str and not value:
                # §8: an empty element of an object or array member is {} or [].
                self.open_tag(tags, attrs | 2)
                return self.out.write(b"/>", 2)
        if kind is str:
            try:
                s = PyUnicode_AsUTF8AndSize(value, &n)
            except UnicodeEncodeError:
                return 1  # lone surrogates: the pure path decides
            if n == 0:
                self.open_tag(tags, attrs)
                self.out.write(b"/>", 2)
                return 0
            if n > _MAX_TEXT:
                return 1
            if _scalar_like(s, n):
                attrs |= 2
            self.open_tag(tags, attrs)
            self.out.byte(b'>')
            if _text(self.out, s, n):
                return 1
            return self.close_tag(tags)
        if kind is int:
            small = PyLong_AsLongLongAndOverflow(value, &overflow)
            if overflow:
                return 1  # past 64 bits: rare, the pure path writes it
            self.open_tag(tags, attrs)
            self.out.byte(b'>')
            if self.small_int(small):
                return 1
            return self.close_tag(tags)
        if kind is bool:
            self.open_tag(tags, attrs)
            if value:
                self.out.write(b">true", 5)
            else:
                self.out.write(b">false", 6)
            return self.close_tag(tags)
        if kind is dict:
            if not value:
                if depth > self.max_depth:
                    return 1
                return self.embedded(tags, attrs, value, depth)
            mark = self.out.size
            self.open_tag(tags, attrs)
            self.out.byte(b'>')
            status = self.members(<dict>value, depth, shape, level)
            if status == 2:
                # A key that cannot be an element name: this object is the
                # smallest value that needs the JSON escape.
                self.out.size = mark
                self.elements -= 1
                return self.embedded(tags, attrs, value, depth)
            if status:
                return status
            self.indent(level)
            return self.close_tag(tags)
        if kind is float:
            self.open_tag(tags, attrs)
            self.out.byte(b'>')
            if self.double(PyFloat_AS_DOUBLE(value)):
                return 1
            return self.close_tag(tags)
        if value is None or kind is list or kind is tuple:
            # null has no element form, and an array directly inside an array
            # cannot be told apart from its parent's repeated elements.
            return self.embedded(tags, attrs, value, depth)
        return 1  # anything else (subclasses, other Mappings): the pure path

    cdef int small_int(self, long long value) except -1:
        cdef char buf[24]
        cdef int i = 24
        cdef unsigned long long u
        if value < 0:
            u = <unsigned long long>(-(value + 1)) + 1
        else:
            u = <unsigned long long>value
        while True:
            i -= 1
            buf[i] = <char>(48 + u % 10)
            u //= 10
            if u == 0:
                break
        if value < 0:
            i -= 1
            buf[i] = b'-'
        if 24 - i - (value < 0) > self.max_int_digits:
            return 1  # over Limits.max_int_digits: the pure path refuses it
        self.out.write(buf + i, 24 - i)
        return 0

    cdef int double(self, double value) except -1:
        """``repr(value)`` (§4: the shortest text that reads back the same
        double); 1 for NaN and the infinities, which JSON cannot hold."""
        cdef char* text
        if value != value or value == INFINITY or value == -INFINITY:
            return 1
        text = PyOS_double_to_string(value, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
        try:
            self.out.write(text, strlen(text))
        finally:
            PyMem_Free(text)
        return 0

    cdef int embedded(self, _Tags tags, int attrs, object value, int depth) except -1:
        cdef Py_ssize_t start
        self.open_tag(tags, attrs | 4)
        self.out.byte(b'>')
        start = self.out.size
        if self.json(value, depth):
            return 1
        if self.out.size - start > _MAX_TEXT:
            return 1  # a text node libxml2 may not read: the pure path decides
        return self.close_tag(tags)

    cdef int json(self, object value, int depth) except -1:
        """``value`` in the canonical JSON of §6, escaped as element text;
        each object and array counts as an element (§9)."""
        cdef const char* s
        cdef Py_ssize_t n
        cdef Py_ssize_t pos = 0
        cdef PyObject* k
        cdef PyObject* v
        cdef bint first
        cdef long long small
        cdef int overflow
        kind = type(value)
        if kind is str:
            try:
                s = PyUnicode_AsUTF8AndSize(value, &n)
            except UnicodeEncodeError:
                return 1
            return _json_string(self.out, s, n)
        if value is None:
            return self.out.write(b"null", 4)
        if kind is bool:
            if value:
                return self.out.write(b"true", 4)
            return self.out.write(b"false", 5)
        if kind is int:
            small = PyLong_AsLongLongAndOverflow(value, &overflow)
            if overflow:
                return 1
            return self.small_int(small)
        if kind is float:
            return self.double(PyFloat_AS_DOUBLE(value))
        if depth > self.max_depth:
            return 1
        if kind is dict:
            self.elements += 1
            self.out.byte(b'{')
            first = True
            while PyDict_Next(value, &pos, &k, &v):
                if type(<object>k) is not str:
                    return 1
                if not first:
                    self.out.byte(b',')
                first = False
                try:
                    s = PyUnicode_AsUTF8AndSize(<object>k, &n)
                except UnicodeEncodeError:
                    return 1
                if _json_string(self.out, s, n):
                    return 1
                self.out.byte(b':')
                if self.json(<object>v, depth + 1):
                    return 1
            return self.out.byte(b'}')
        if kind is list or kind is tuple:
            self.elements += 1
            self.out.byte(b'[')
            first = True
            for item in value:
                if not first:
                    self.out.byte(b',')
                first = False
                if self.json(item, depth + 1):
                    return 1
            return self.out.byte(b']')
        return 1

    def encode(self, dict obj, object shape):
        """The document for ``obj``, or ``None`` to hand over to the pure path."""
        cdef int status
        if not obj:
            return _ROOT_EMPTY
        self.elements = 1
        self.out.write(_ROOT_OPEN, len(_ROOT_OPEN))
        status = self.members(obj, 1, shape, 0 if self.pretty else -1)
        if status == 2:
            # A key that cannot be an element name: the root itself is the
            # smallest value that needs the JSON escape.
            self.out.size = 0
            self.elements = 1
            self.out.write(_ROOT_JSON_OPEN, len(_ROOT_JSON_OPEN))
            if self.json(obj, 1):
                return None
            if self.out.size - len(_ROOT_JSON_OPEN) > _MAX_TEXT:
                return None
            self.out.write(_ROOT_CLOSE, len(_ROOT_CLOSE))
        elif status:
            return None
        else:
            if self.pretty:
                self.out.byte(b'\n')
            self.out.write(_ROOT_CLOSE, len(_ROOT_CLOSE))
        if self.out.size > self.max_bytes or self.elements > self.max_elements:
            return None  # over a limit: the pure path refuses it, with its message
        return self.out.result()


_TAGS = {}


# The walks recurse in C, which has no recursion check: their depth is bounded
# by Limits.max_depth, which Limits itself caps at 255 (libxml2's ceiling).
def encode(dict obj, bint pretty, shape, limits):
    """The canonical (or pretty) document for ``obj``, or ``None``."""
    return Encoder(_TAGS, limits, pretty).encode(obj, shape)


# --- the decoder ----------------------------------------------------------------
# Two routes to the same dict, both mirroring _decode._Reader rule for rule:
#
# - the tree route (decode_tree): a walk of the tree lxml parsed, through
#   lxml's public C API;
# - the event route (decode_bytes): CPython's own expat (the public
#   pyexpat.expat_CAPI capsule) reports start tags, text and end tags, and the
#   values are built from those events with no tree at all.
#
# Neither needs private libxml2 symbols, so the wheel stays portable. Both
# hand over (return None) on anything but the common case; the pure walker
# then produces the value or the error with its line and pointer. The value
# rules for an element's text (§4-§6, §8) are written once, in _Values.

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from cpython.pycapsule cimport PyCapsule_Import
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memcmp, memset, strcmp
from libc.stdint cimport uint16_t, uint32_t

import os as _os
import re as _re

from . import _json
from ._dialect import TooManyDigits
from ._limits import LIBXML2_MAX_NAME_BYTES

cdef Py_ssize_t _MAX_NAME = LIBXML2_MAX_NAME_BYTES

# The C API is lxml's own: refuse to load against an lxml other than the one
# whose headers this module was compiled with (codec/_accel.py then stays pure).
from lxml import etree as _etree

LXML_VERSION = (<bytes>cetree.LXML_VERSION_STRING).decode("ascii")
if _etree.__version__ != LXML_VERSION:
    raise ImportError(f"codec._speedups was built for lxml {LXML_VERSION}, not lxml {_etree.__version__}")
cetree.import_lxml__etree()

cdef extern from "Python.h":
    double PyOS_string_to_double(const char*, char**, PyObject*) except? -1.0
    int PyDict_SetItem(object, object, object) except -1
    int PyDict_Contains(object, object) except -1
    int PyList_Append(object, object) except -1
    object PyUnicode_FromStringAndSize(const char*, Py_ssize_t)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)

cdef object _ARRAY = Kind.ARRAY
cdef object _OBJECT = Kind.OBJECT
cdef object _STRING = Kind.STRING
cdef object _JSON = Kind.JSON


class _HandOver(Exception):
    """Raised inside a route: the pure walker takes the document."""


cdef inline bint _is_space(unsigned char c) noexcept nogil:
    return c == 0x20 or c == 0x09 or c == 0x0A or c == 0x0D


cdef bint _blank_bytes(const char* s, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        if not _is_space(<unsigned char>s[i]):
            return False
    return True


cdef object _small_int(const char* s, Py_ssize_t n):
    cdef long long value = 0
    cdef Py_ssize_t i = 0
    cdef bint negative = s[0] == b'-'
    if negative:
        i = 1
    while i < n:
        value = value * 10 + (s[i] - 48)
        i += 1
    return -value if negative else value


cdef enum:
    # A shape's kind as a code: 0 no shape, then Kind's members (ANY last).
    _K_NONE = 0
    _K_OBJECT = 1
    _K_ARRAY = 2
    _K_STRING = 3
    _K_JSON = 4
    _K_ANY = 5


cdef int _kind_code(object shape) except -1:
    if shape is None:
        return _K_NONE
    kind = shape.kind
    if kind is _OBJECT:
        return _K_OBJECT
    if kind is _ARRAY:
        return _K_ARRAY
    if kind is _STRING:
        return _K_STRING
    if kind is _JSON:
        return _K_JSON
    return _K_ANY


cdef class _Values:
    """The value rules both routes share: an element's text to its value.

    ``budget`` counts down the elements (and the objects and arrays of
    embedded JSON) as _decode._Reader counts them; a route hands over when it
    goes below zero, so that the pure path raises its error.
    """

    cdef int max_depth
    cdef Py_ssize_t max_int_digits
    cdef Py_ssize_t budget

    cdef object scalar_bytes(self, const char* s, Py_ssize_t n):
        """§4 on UTF-8 text that is not empty (``s[n]`` is a NUL)."""
        cdef Py_ssize_t i
        cdef bint integer = True
        cdef unsigned char c
        cdef double value
        c = <unsigned char>s[0]
        if c == b't' and n == 4 and memcmp(s, b"true", 4) == 0:
            return True
        if c == b'f' and n == 5 and memcmp(s, b"false", 5) == 0:
            return False
        if (c == b'-' or b'0' <= c <= b'9') and _scalar_like(s, n):
            for i in range(n):
                c = <unsigned char>s[i]
                if c == b'.' or c == b'e' or c == b'E':
                    integer = False
                    break
            if integer:
                if n - (s[0] == b'-') > self.max_int_digits:
                    raise _HandOver()  # over Limits.max_int_digits: the pure path refuses
                if n <= 18:
                    return _small_int(s, n)
                if n > 4000:
                    raise _HandOver()  # past CPython's int() digit limit: _dialect converts it
                return int(PyUnicode_DecodeUTF8(s, n, NULL))
            value = PyOS_string_to_double(s, NULL, NULL)
            if value == INFINITY or value == -INFINITY:
                return PyUnicode_DecodeUTF8(s, n, NULL)  # §4: 1e999 stays a string
            return value
        return PyUnicode_DecodeUTF8(s, n, NULL)

    cdef object leaf(self, const char* s, Py_ssize_t n, int bits, int depth, object shape):
        """_Reader.value for an element without child elements, whose text is
        the UTF-8 ``s[:n]`` (NUL-terminated); ``bits`` are its attributes
        (1 array, 2 string, 4 json), ``depth`` its depth if it is a container."""
        return self.leaf_kind(s, n, bits, depth, _kind_code(shape))

    cdef object leaf_kind(self, const char* s, Py_ssize_t n, int bits, int depth, int kind):
        """``leaf`` with the shape's kind as a code (_kind_code)."""
        if bits & 4:
            return self.embedded(s, n, depth)
        if bits & 2:
            return PyUnicode_DecodeUTF8(s, n, NULL)
        if kind:
            if n == 0:
                if kind == _K_OBJECT or kind == _K_ARRAY:
                    if depth > self.max_depth:
                        raise _HandOver()  # an empty container counts toward the depth (§9)
                    return {} if kind == _K_OBJECT else []
                return ""
            if kind == _K_STRING:
                return PyUnicode_DecodeUTF8(s, n, NULL)
            if kind == _K_JSON:
                return self.embedded(s, n, depth)
        if n == 0:
            return ""
        return self.scalar_bytes(s, n)

    cdef object embedded(self, const char* s, Py_ssize_t n, int depth):
        """The JSON text of a ``json='true'`` element (§6) or of one the shape
        declares JSON (§8), read by _json; any error hands over."""
        text = PyUnicode_DecodeUTF8(s, n, NULL)
        brackets = _json.brackets(text)
        if brackets:
            self.budget -= (len(brackets) + 1) // 2
            if self.budget < 0:
                raise _HandOver()
            if depth - 1 + _json.depth(brackets) > self.max_depth:
                raise _HandOver()
        try:
            return _json.loads(text, max_int_digits=self.max_int_digits)
        except (_json.EmbeddedJSONError, TooManyDigits):
            raise _HandOver()


# --- the tree route ---------------------------------------------------------------


cdef bint _blank(tree.xmlNode* node) noexcept nogil:
    """Whether the text nodes from ``node`` up to the next element are only
    whitespace (§7: formatting between child elements)."""
    cdef const unsigned char* s
    while node is not NULL and node.type != tree.XML_ELEMENT_NODE:
        if node.content is not NULL:
            s = <const unsigned char*>node.content
            while s[0]:
                if not _is_space(s[0]):
                    return False
                s += 1
        node = node.next
    return True


cdef inline tree.xmlNode* _next_element(tree.xmlNode* node) noexcept nogil:
    while node is not NULL and node.type != tree.XML_ELEMENT_NODE:
        node = node.next
    return node


cdef inline bint _same_name(tree.xmlNode* a, tree.xmlNode* b) noexcept nogil:
    # Names come from the parser's dictionary, so equal names are usually the
    # same pointer; strcmp settles the rest.
    return a.name == b.name or strcmp(<const char*>a.name, <const char*>b.name) == 0


cdef enum:
    _NAME_SLOTS = 256


cdef class Reader(_Values):
    """One decoding run over a parsed tree."""

    cdef bint attributes
    cdef dict names
    cdef const tree.xmlChar* name_keys[256]
    cdef PyObject* name_values[256]

    def __cinit__(self, int max_depth, Py_ssize_t max_int_digits, Py_ssize_t max_elements, bint attributes):
        memset(self.name_keys, 0, sizeof(self.name_keys))
        self.max_depth = max_depth
        self.max_int_digits = max_int_digits
        self.budget = max_elements
        self.attributes = attributes
        self.names = {}

    cdef str name(self, tree.xmlNode* node):
        """The element's name as a str, made once per distinct name pointer
        (a small open-addressing table: names repeat across records)."""
        cdef size_t slot = (<size_t>node.name >> 4) & (_NAME_SLOTS - 1)
        cdef int probe
        for probe in range(8):
            if self.name_keys[slot] == node.name:
                return <str>self.name_values[slot]
            if self.name_keys[slot] is NULL:
                break
            slot = (slot + 1) & (_NAME_SLOTS - 1)
        found = PyUnicode_DecodeUTF8(<const char*>node.name, strlen(<const char*>node.name), NULL)
        if self.name_keys[slot] is NULL:
            self.name_keys[slot] = node.name
            self.name_values[slot] = <PyObject*>found
            self.names[<size_t>node.name] = found  # keeps it alive
        return <str>found

    cdef object text(self, tree.xmlNode* node):
        """lxml's ``.text``: the text nodes before the first child element,
        joined (comments and PIs were dropped by the parser, §7); ``None`` when
        there are none."""
        cdef tree.xmlNode* child = node.children
        cdef tree.xmlNode* second
        if child is NULL or child.type == tree.XML_ELEMENT_NODE:
            return None
        if child.type != tree.XML_TEXT_NODE and child.type != tree.XML_CDATA_SECTION_NODE:
            raise _HandOver()
        second = child.next
        if second is NULL or second.type == tree.XML_ELEMENT_NODE:
            return PyUnicode_DecodeUTF8(<const char*>child.content, strlen(<const char*>child.content), NULL)
        parts = []
        while child is not NULL and child.type != tree.XML_ELEMENT_NODE:
            if child.type != tree.XML_TEXT_NODE and child.type != tree.XML_CDATA_SECTION_NODE:
                raise _HandOver()
            parts.append(PyUnicode_DecodeUTF8(<const char*>child.content, strlen(<const char*>child.content), NULL))
            child = child.next
        return "".join(parts)

    cdef int flags(self, tree.xmlNode* node) except -1:
        """The element's attributes as bits (1 array, 2 string, 4 json), §5;
        anything else hands over."""
        cdef tree.xmlAttr* attr = node.properties
        cdef int bits = 0
        cdef const char* name
        cdef tree.xmlNode* value
        while attr is not NULL:
            if attr.ns is not NULL:
                raise _HandOver()
            name = <const char*>attr.name
            if strcmp(name, _ARRAY_NAME) == 0:
                bits |= 1
            elif strcmp(name, _STRING_NAME) == 0:
                bits |= 2
            elif strcmp(name, _JSON_NAME) == 0:
                bits |= 4
            else:
                raise _HandOver()
            value = attr.children
            if (value is NULL or value.next is not NULL or value.type != tree.XML_TEXT_NODE
                    or strcmp(<const char*>value.content, _TRUE_VALUE) != 0):
                raise _HandOver()
            attr = attr.next
        if bits & 6 == 6:
            raise _HandOver()
        return bits

    cdef Py_ssize_t count(self, tree.xmlNode* node) noexcept:
        cdef Py_ssize_t n = 0
        cdef tree.xmlNode* child = node.children
        while child is not NULL:
            if child.type == tree.XML_ELEMENT_NODE:
                n += 1
            child = child.next
        return n

    cdef inline bint plain(self, tree.xmlNode* node) noexcept:
        return node.ns is NULL and node.nsDef is NULL

    def document(self, cetree._Element root, shape):
        cdef tree.xmlNode* c_root = root._c_node
        try:
            if not self.plain(c_root) or strcmp(<const char*>c_root.name, _ROOT_NAME) != 0:
                return None
            self.budget -= 1
            if c_root.properties is not NULL:
                return None  # json='true' on the root (or an error): rare
            if _next_element(c_root.children) is not NULL:
                return self.members(c_root, 1, shape)
            if not _blank(c_root.children):
                return None
            return {}
        except _HandOver:
            return None

    cdef dict members(self, tree.xmlNode* parent, int depth, object shape):
        cdef tree.xmlNode* child
        cdef tree.xmlNode* following
        cdef dict result = {}
        cdef str tag
        if depth > self.max_depth:
            raise _HandOver()
        self.budget -= self.count(parent)
        if self.budget < 0:
            raise _HandOver()
        if not _blank(parent.children):
            raise _HandOver()  # text mixed with child elements
        child = _next_element(parent.children)
        while child is not NULL:
            if not self.plain(child):
                raise _HandOver()
            if not _blank(child.next):
                raise _HandOver()
            following = _next_element(child.next)
            tag = self.name(child)
            if tag in result:
                raise _HandOver()  # a non-adjacent repeat
            member = None if shape is None else shape.member(tag)
            if following is not NULL and _same_name(following, child):
                run = [child_node(child)]
                while following is not NULL and _same_name(following, child):
                    if not self.plain(following) or not _blank(following.next):
                        raise _HandOver()
                    run.append(child_node(following))
                    following = _next_element(following.next)
                result[tag] = self.items(run, depth + 1, member)
            elif member is not None or (self.attributes and child.properties is not NULL):
                result[tag] = self.single(child, depth, member)
            elif _next_element(child.children) is not NULL:
                result[tag] = self.members(child, depth + 1, None)
            else:
                result[tag] = self.plain_leaf(child)
            child = following
        return result

    cdef object plain_leaf(self, tree.xmlNode* node):
        """A plain leaf with no hint: the scalar rules of §4."""
        cdef tree.xmlNode* text = node.children
        cdef const char* s
        if text is NULL:
            return ""
        if text.next is not NULL or (text.type != tree.XML_TEXT_NODE and text.type != tree.XML_CDATA_SECTION_NODE):
            return self.value(node, 0, None, 0)
        s = <const char*>text.content
        if s[0] == 0:
            return ""
        return self.scalar_bytes(s, strlen(s))

    cdef object single(self, tree.xmlNode* element, int depth, object shape):
        cdef int bits
        if self.attributes and element.properties is not NULL:
            bits = self.flags(element)
            if bits & 1 or (shape is not None and shape.kind is _ARRAY and not bits & 4):
                return self.items([child_node(element)], depth + 1, shape)
            return self.value(element, depth + 1, shape, bits)
        if shape is not None and shape.kind is _ARRAY:
            if _next_element(element.children) is NULL and not self.text(element):
                if depth + 1 > self.max_depth:
                    raise _HandOver()  # an empty container counts toward the depth (§9)
                return []
            return self.items([child_node(element)], depth + 1, shape)
        return self.value(element, depth + 1, shape, 0)

    cdef list items(self, list run, int depth, object shape):
        cdef tree.xmlNode* element
        cdef int bits
        if depth > self.max_depth:
            raise _HandOver()
        item_shape = None if shape is None else shape.items
        result = []
        for holder in run:
            element = (<_Node>holder).node
            if self.attributes and element.properties is not NULL:
                bits = self.flags(element)
                if (len(run) == 1 and not bits & 6 and _next_element(element.children) is NULL
                        and not self.text(element)):
                    return []  # <k array='true'/>
                result.append(self.value(element, depth + 1, item_shape, bits))
            else:
                result.append(self.value(element, depth + 1, item_shape, 0))
        return result

    cdef object value(self, tree.xmlNode* element, int depth, object shape, int bits):
        cdef tree.xmlNode* child = element.children
        cdef const char* s
        cdef Py_ssize_t n
        if _next_element(child) is not NULL:
            if bits & 6:
                raise _HandOver()
            return self.members(element, depth, shape)
        if child is NULL:
            return self.leaf(b"", 0, bits, depth, shape)
        if child.next is NULL and (child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE):
            s = <const char*>child.content
            return self.leaf(s, strlen(s), bits, depth, shape)
        text = self.text(element)  # several text nodes, or a node of another kind (hands over)
        s = PyUnicode_AsUTF8AndSize(text, &n)
        return self.leaf(s, n, bits, depth, shape)


cdef class _Node:
    """A C node pointer carried in a Python list (runs of siblings)."""

    cdef tree.xmlNode* node


cdef _Node child_node(tree.xmlNode* node):
    cdef _Node holder = _Node.__new__(_Node)
    holder.node = node
    return holder


def decode_tree(root, shape, limits, bint attributes):
    """The dict of a parsed document, or ``None`` to hand over to the pure walker."""
    return Reader(limits.max_depth, limits.max_int_digits, limits.max_elements, attributes).document(root, shape)


# --- the event route --------------------------------------------------------------
# CPython's pyexpat exports the expat functions it was built with through a
# capsule (Include/pyexpat.h). Its layout is declared here, verbatim, rather
# than taken from pyexpat.h and expat.h, which a build machine may lack; the
# capsule's magic and size are checked before it is used, and the route stays
# off (every call hands over) when they do not match.

cdef extern from *:
    """
    typedef struct altcraft_XML_ParserStruct *altcraft_XML_Parser;
    typedef void (*altcraft_StartElementHandler)(void *, const char *, const char **);
    typedef void (*altcraft_EndElementHandler)(void *, const char *);
    typedef void (*altcraft_CharacterDataHandler)(void *, const char *, int);
    typedef void (*altcraft_CommentHandler)(void *, const char *);
    typedef void (*altcraft_ProcessingInstructionHandler)(void *, const char *, const char *);
    typedef void (*altcraft_StartDoctypeDeclHandler)(void *, const char *, const char *, const char *, int);

    /* struct PyExpat_CAPI of Include/pyexpat.h, "pyexpat.expat_CAPI 1.1"
       (CPython 3.8 to 3.14 at least: later versions only append members).
       XML_Char is char (pyexpat is built without XML_UNICODE); enums are ints. */
    struct altcraft_PyExpat_CAPI {
        char *magic;
        int size;
        int MAJOR_VERSION;
        int MINOR_VERSION;
        int MICRO_VERSION;
        const char *(*ErrorString)(int);
        int (*GetErrorCode)(altcraft_XML_Parser);
        void *GetErrorColumnNumber;
        void *GetErrorLineNumber;
        int (*Parse)(altcraft_XML_Parser, const char *, int, int);
        altcraft_XML_Parser (*ParserCreate_MM)(const char *, const void *, const char *);
        void (*ParserFree)(altcraft_XML_Parser);
        void (*SetCharacterDataHandler)(altcraft_XML_Parser, altcraft_CharacterDataHandler);
        void (*SetCommentHandler)(altcraft_XML_Parser, altcraft_CommentHandler);
        void *SetDefaultHandlerExpand;
        void (*SetElementHandler)(altcraft_XML_Parser, altcraft_StartElementHandler, altcraft_EndElementHandler);
        void *SetNamespaceDeclHandler;
        void (*SetProcessingInstructionHandler)(altcraft_XML_Parser, altcraft_ProcessingInstructionHandler);
        void *SetUnknownEncodingHandler;
        void (*SetUserData)(altcraft_XML_Parser, void *);
        void (*SetStartDoctypeDeclHandler)(altcraft_XML_Parser, altcraft_StartDoctypeDeclHandler);
        void *SetEncoding;
        void *DefaultUnknownEncodingHandler;
        int (*SetHashSalt)(altcraft_XML_Parser, unsigned long);
    };
    """
    ctypedef struct XML_ParserStruct "altcraft_XML_ParserStruct"
    ctypedef XML_ParserStruct* XML_Parser "altcraft_XML_Parser"
    ctypedef void (*StartElementHandler "altcraft_StartElementHandler")(void*, const char*, const char**) noexcept
    ctypedef void (*EndElementHandler "altcraft_EndElementHandler")(void*, const char*) noexcept
    ctypedef void (*CharacterDataHandler "altcraft_CharacterDataHandler")(void*, const char*, int) noexcept
    ctypedef void (*CommentHandler "altcraft_CommentHandler")(void*, const char*) noexcept
    ctypedef void (*ProcessingInstructionHandler "altcraft_ProcessingInstructionHandler")(
        void*, const char*, const char*) noexcept
    ctypedef void (*StartDoctypeDeclHandler "altcraft_StartDoctypeDeclHandler")(
        void*, const char*, const char*, const char*, int) noexcept

    struct ExpatCAPI "altcraft_PyExpat_CAPI":
        char* magic
        int size
        int MAJOR_VERSION
        int MINOR_VERSION
        int MICRO_VERSION
        int (*Parse)(XML_Parser, const char*, int, int) noexcept
        XML_Parser (*ParserCreate_MM)(const char*, const void*, const char*) noexcept
        void (*ParserFree)(XML_Parser) noexcept
        void (*SetCharacterDataHandler)(XML_Parser, CharacterDataHandler) noexcept
        void (*SetCommentHandler)(XML_Parser, CommentHandler) noexcept
        void (*SetElementHandler)(XML_Parser, StartElementHandler, EndElementHandler) noexcept
        void (*SetProcessingInstructionHandler)(XML_Parser, ProcessingInstructionHandler) noexcept
        void (*SetUserData)(XML_Parser, void*) noexcept
        void (*SetStartDoctypeDeclHandler)(XML_Parser, StartDoctypeDeclHandler) noexcept
        int (*SetHashSalt)(XML_Parser, unsigned long) noexcept


cdef ExpatCAPI* _expat = NULL
cdef unsigned long _salt = 0


cdef str _load_expat():
    """Find and check the capsule; '' when the route can run, else why not."""
    global _expat, _salt
    cdef ExpatCAPI* capi
    try:
        capi = <ExpatCAPI*>PyCapsule_Import(b"pyexpat.expat_CAPI", 0)
    except Exception as exc:  # no pyexpat (a Python built without expat)
        return f"pyexpat.expat_CAPI is not available ({exc})"
    if capi is NULL:
        return "pyexpat.expat_CAPI is NULL"
    if capi.magic is NULL or memcmp(capi.magic, b"pyexpat.expat_CAPI 1.", 21) != 0:
        return "pyexpat.expat_CAPI has an unknown magic"
    if capi.size < <int>sizeof(ExpatCAPI):
        return f"pyexpat.expat_CAPI is {capi.size} bytes, under the {sizeof(ExpatCAPI)} this module reads"
    # Expat before 2.4 lacks fixes this route's acceptance argument leans on
    # (tests/test_speedups.py compares it with libxml2 on the version present).
    if capi.MAJOR_VERSION != 2 or capi.MINOR_VERSION < 4:
        return f"expat {capi.MAJOR_VERSION}.{capi.MINOR_VERSION} is older than 2.4"
    if capi.SetHashSalt is NULL:
        return "pyexpat.expat_CAPI has no SetHashSalt"
    # One random salt per process for expat's hash tables (attribute names),
    # as pyexpat itself does: no per-parser entropy read, no fixed salt.
    _salt = int.from_bytes(_os.urandom(8), "little") | 1
    _expat = capi
    return ""


EXPAT_UNAVAILABLE = _load_expat()
"""Why the event route is off ('' when it is on)."""
EXPAT_VERSION = (_expat.MAJOR_VERSION, _expat.MINOR_VERSION, _expat.MICRO_VERSION) if _expat is not NULL else None

# A declaration of the plain forms the encoder and common tools write. The
# prolog checks in _decode._prepare already refused other encodings and
# versions; anything else that starts like a declaration is the tree route's.
_DECLARATION = _re.compile(
    rb"<\?xml version=(['\"])1\.0\1"
    rb"(?: encoding=(['\"])(?i:utf-?8)\2)?"
    rb"(?: standalone=(['\"])(?:yes|no)\3)? ?\?>"
)

cdef enum:
    _CHUNK = 1 << 18    # bytes fed to expat at a time: a hand-over stops early


cdef extern from "Python.h":
    void _incref "Py_INCREF"(PyObject*)
    void _decref "Py_DECREF"(PyObject*)
    void _xdecref "Py_XDECREF"(PyObject*)


cdef inline bint _same_str(PyObject* a, PyObject* b) noexcept:
    # Names are made once per document (_Events.name), so equal names are
    # almost always the same object; past the table's size, compare text.
    return a == b or (PyUnicode_GET_LENGTH(<object>a) == PyUnicode_GET_LENGTH(<object>b)
                      and memcmp(PyUnicode_DATA(<object>a), PyUnicode_DATA(<object>b),
                                 PyUnicode_GET_LENGTH(<object>a)) == 0)


cdef struct _Frame:
    # One open element. As a container it also holds the run of same-named
    # children being read (§3): the first element's value waits in
    # ``pending`` (or, for a leaf, its text in the route's buffer) until the
    # next sibling shows whether the run is an array. Borrowed pointers
    # (names, shapes) are kept alive by the _Events object; NULL is None.
    PyObject* name          # borrowed
    PyObject* shape         # borrowed: the shape of its members, if it holds an object
    int depth               # its depth, if it holds an object (§9)
    int bits                # its attributes: 1 array, 2 string, 4 json
    PyObject* result        # owned: its members, once it has a child element
    PyObject* run_name      # borrowed: the run of its children now being read
    PyObject* run_member    # borrowed: shape.member(run_name)
    PyObject* run_items     # borrowed: the item shape, once the run has two elements
    PyObject* run_list      # owned: the run's values, once it has two elements
    Py_ssize_t run_count
    int run_bits            # the first element's attributes
    bint run_listed         # the first element alone is an array (array='true', or the shape)
    bint pending_leaf       # the first element had no child: its text is in the buffer
    PyObject* pending       # owned: else its value


cdef extern from *:
    """
    /* A dict with room for n members. _PyDict_NewPresized is CPython's own
       (json and pickle use it); where a version hides it, a plain dict. */
    #if PY_VERSION_HEX < 0x030D0000
    #define altcraft_dict_sized(n) _PyDict_NewPresized(n)
    #else
    #define altcraft_dict_sized(n) PyDict_New()
    #endif
    """
    PyObject* _dict_sized "altcraft_dict_sized"(Py_ssize_t)
    Py_ssize_t PyDict_Size(object)

cdef enum:
    _SIZED_LEVELS = 16


cdef enum:
    # Past this many objects held for the caches (names and shapes), an
    # _Events forgets them all before its next document: the tables are
    # bounded anyway, and a server reading ever new names or shapes (a shape
    # built per call, a document of unseen names) must not hold them forever.
    _KEEP_MAX = 512
    # A text buffer grown past this by a large document goes back to its
    # first size after it: the spare is held between documents.
    _BUF_KEEP = 1 << 16


cdef class _Events(_Values):
    """The event route's reader: its handlers and caches.

    One reader serves many documents (``begin`` ... ``finish``): its caches
    (names, next siblings, members and kinds of shapes) are keyed by the
    pointers of names and shapes, which ``keep`` holds, so an entry stays
    valid until ``forget`` clears them together; a shape or name cannot die
    and another object take its address while the reader keys by it. What a
    document sets (frames, text, budget, limits, shape, result) is reset by
    ``begin`` and released by ``finish``.
    """

    cdef XML_Parser parser
    cdef _Frame* frames
    cdef int frame_cap      # max_depth + 3: levels read before handing over
    cdef int frames_size    # frames allocated (at least frame_cap)
    cdef _Frame* top
    cdef int level          # open elements
    cdef object shape
    cdef object root_shape  # the last document's shape, in keep
    cdef list keep          # the names and shapes frames and caches point to
    cdef object document
    cdef bint stopped
    cdef object error       # an unexpected exception from a handler
    # the text since the last tag (of the open leaf, or of the last closed
    # one while its run is undecided): NUL-terminated
    cdef char* buf
    cdef Py_ssize_t buf_len
    cdef Py_ssize_t buf_cap
    cdef Py_ssize_t segment  # bytes of text since the last tag (one libxml2 text node)
    cdef PyObject* names[256]
    cdef size_t name_hashes[256]
    # the name that followed a name as its next sibling (or, with the low bit
    # of the key set, came first in an element of a name) last time: records
    # repeat their members in order, and one strcmp checks the guess
    cdef size_t next_keys[256]
    cdef PyObject* next_names[256]
    cdef Py_ssize_t sizes[16]  # members of the last object closed at each level
    # shape.member(name) by (shape, name) pointers: records repeat their members
    cdef PyObject* member_shapes[256]
    cdef PyObject* member_names[256]
    cdef PyObject* member_values[256]
    # each shape's kind code and item shape, by pointer
    cdef PyObject* info_shapes[64]
    cdef int info_kinds[64]
    cdef PyObject* info_items[64]

    def __cinit__(self):
        # Cython zeroes the object: every table starts empty.
        self.keep = []
        self.buf_cap = 256
        self.buf = <char*>PyMem_Malloc(self.buf_cap + 1)
        if self.buf is NULL:
            raise MemoryError()
        self.buf[0] = 0

    def __dealloc__(self):
        self.release()
        PyMem_Free(self.frames)
        PyMem_Free(self.buf)

    cdef int forget(self) except -1:
        """Empty the caches and let go of what they keyed by."""
        memset(self.names, 0, sizeof(self.names))
        memset(self.name_hashes, 0, sizeof(self.name_hashes))
        memset(self.next_keys, 0, sizeof(self.next_keys))
        memset(self.next_names, 0, sizeof(self.next_names))
        memset(self.member_shapes, 0, sizeof(self.member_shapes))
        memset(self.member_names, 0, sizeof(self.member_names))
        memset(self.member_values, 0, sizeof(self.member_values))
        memset(self.info_shapes, 0, sizeof(self.info_shapes))
        memset(self.info_kinds, 0, sizeof(self.info_kinds))
        memset(self.info_items, 0, sizeof(self.info_items))
        self.root_shape = None
        # Last: the tables no longer point into it when its objects go.
        self.keep = []
        return 0

    cdef int begin(self, object shape, limits) except -1:
        """Ready for a document read with ``shape`` and ``limits``."""
        cdef _Frame* grown
        cdef int cap
        if len(self.keep) > _KEEP_MAX:
            self.forget()
        if shape is not None and shape is not self.root_shape:
            # The caches key by the root shape's pointer too: held in keep
            # like the member shapes, so it outlives its entries.
            self.keep.append(shape)
            self.root_shape = shape
        self.max_depth = limits.max_depth
        self.max_int_digits = limits.max_int_digits
        self.budget = limits.max_elements
        self.shape = shape
        # Elements nest at most max_depth + 1 deep in a document that decodes
        # (§9); one more level is read before that hands over. The frames
        # kept from a document with a smaller max_depth are grown to that.
        cap = self.max_depth + 3
        if cap > self.frames_size:
            grown = <_Frame*>PyMem_Realloc(self.frames, cap * sizeof(_Frame))
            if grown is NULL:
                raise MemoryError()
            self.frames = grown
            self.frames_size = cap
        self.frame_cap = cap
        self.top = NULL
        self.level = 0
        self.document = None
        self.stopped = False
        self.error = None
        self.buf_len = 0
        self.buf[0] = 0
        self.segment = 0
        # Sizes of the last document's objects are a hint only (how big a
        # dict to make), but a document's reading starts from none, as it did
        # with a reader per document.
        memset(self.sizes, 0, sizeof(self.sizes))
        return 0

    cdef void release(self) noexcept:
        """Let go of what the open elements own (a document handed over
        midway leaves some open)."""
        cdef int i
        if self.frames is not NULL:
            for i in range(self.level):
                _xdecref(self.frames[i].result)
                _xdecref(self.frames[i].run_list)
                _xdecref(self.frames[i].pending)
                self.frames[i].result = NULL
                self.frames[i].run_list = NULL
                self.frames[i].pending = NULL
        self.level = 0
        self.top = NULL

    cdef int finish(self) except -1:
        """After a document, whatever its end: hold nothing of it but the caches."""
        cdef char* shrunk
        self.release()
        self.document = None
        self.error = None
        self.shape = None
        if self.buf_cap > _BUF_KEEP:
            shrunk = <char*>PyMem_Realloc(self.buf, 256 + 1)
            if shrunk is not NULL:
                self.buf = shrunk
                self.buf_cap = 256
        self.buf_len = 0
        self.buf[0] = 0
        return 0

    cdef void stop(self) noexcept:
        """Hand over: no more events (the C API has no XML_StopParser, so the
        handlers are taken away and the caller stops feeding)."""
        self.stopped = True
        _expat.SetElementHandler(self.parser, NULL, NULL)
        _expat.SetCharacterDataHandler(self.parser, NULL)

    cdef PyObject* name(self, const char* s) except? NULL:
        """The str of a tag name (borrowed), made once per distinct name; NULL
        to hand over (a prefix, a non-ASCII name, a name near libxml2's limit)."""
        cdef Py_ssize_t n = 0
        cdef size_t h = 5381
        cdef unsigned char c
        cdef size_t slot
        cdef int probe
        cdef PyObject* found
        while True:
            c = <unsigned char>s[n]
            if c == 0:
                break
            if c >= 0x80 or c == b':':
                # Non-ASCII names: XML 1.0's 4th and 5th editions (expat,
                # libxml2) differ there. ':' is namespaces (refused, §9).
                return NULL
            h = h * 33 + c
            n += 1
        if n >= _MAX_NAME:
            return NULL
        slot = h & 255
        for probe in range(8):
            found = self.names[slot]
            if found is NULL:
                break
            if (self.name_hashes[slot] == h and PyUnicode_GET_LENGTH(<object>found) == n
                    and memcmp(PyUnicode_DATA(<object>found), s, n) == 0):
                return found
            slot = (slot + 1) & 255
        made = PyUnicode_FromStringAndSize(s, n)
        self.keep.append(made)
        if self.names[slot] is NULL:
            self.names[slot] = <PyObject*>made
            self.name_hashes[slot] = h
        return <PyObject*>made

    cdef PyObject* member(self, PyObject* shape, PyObject* name) except? NULL:
        """``shape.member(name)``, borrowed (kept alive here); NULL for None.
        Asked once per shape and name (Shape.member depends on nothing else)."""
        cdef size_t slot = ((<size_t>shape >> 4) * 31 + (<size_t>name >> 4)) & 255
        cdef int probe
        for probe in range(4):
            if self.member_shapes[slot] is NULL:
                break
            if self.member_shapes[slot] == shape and self.member_names[slot] == name:
                return self.member_values[slot]
            slot = (slot + 1) & 255
        # Shape.member(name), without the method call: the properties' entry,
        # else the shape of any other member (codec/_shape.py).
        properties = (<object>shape).properties
        if type(properties) is dict:
            found = (<dict>properties).get(<object>name)
            if found is None:
                found = (<object>shape).additional
        else:
            found = (<object>shape).member(<object>name)
        cdef PyObject* value = NULL
        if found is not None:
            self.keep.append(found)
            value = <PyObject*>found
        if self.member_shapes[slot] is NULL:
            self.member_shapes[slot] = shape  # shape and name are kept alive by self.keep, or the caller
            self.member_names[slot] = name
            self.member_values[slot] = value
        return value

    cdef int kind(self, PyObject* shape, PyObject** items) except -1:
        """The kind code of ``shape`` (NULL: none), and its item shape in
        ``items`` (borrowed, kept alive by ``shape``; NULL for None)."""
        cdef size_t slot
        cdef int probe
        cdef int code
        if shape is NULL:
            items[0] = NULL
            return _K_NONE
        slot = (<size_t>shape >> 4) & 63
        for probe in range(4):
            if self.info_shapes[slot] == shape:
                items[0] = self.info_items[slot]
                return self.info_kinds[slot]
            if self.info_shapes[slot] is NULL:
                break
            slot = (slot + 1) & 63
        code = _kind_code(<object>shape)
        found = (<object>shape).items
        items[0] = NULL if found is None else <PyObject*>found
        if self.info_shapes[slot] is NULL:
            # The item shape is kept alive by ``shape`` as long as nobody
            # reassigns shape.items; held here too, as frames and the member
            # cache may key by it.
            if found is not None:
                self.keep.append(found)
            self.info_shapes[slot] = shape
            self.info_kinds[slot] = code
            self.info_items[slot] = items[0]
        return code

    cdef int take_text(self, const char* s, int n) except -1:
        """Text inside the open element: kept for a leaf, checked for a container."""
        cdef Py_ssize_t cap
        cdef char* grown
        self.segment += n
        if self.segment >= _MAX_TEXT:
            return 1  # a text node libxml2 may refuse
        if self.level == 0:
            return 0
        if self.top.result is not NULL:
            return 0 if _blank_bytes(s, n) else 1  # text mixed with child elements
        if self.buf_len + n > self.buf_cap:
            cap = self.buf_cap
            while cap < self.buf_len + n:
                cap *= 2
            grown = <char*>PyMem_Realloc(self.buf, cap + 1)
            if grown is NULL:
                raise MemoryError()
            self.buf = grown
            self.buf_cap = cap
        memcpy(self.buf + self.buf_len, s, n)
        self.buf_len += n
        self.buf[self.buf_len] = 0
        return 0

    cdef int start(self, const char* c_name, const char** atts) except -1:
        """A start tag. 0 read; 1 hand over."""
        cdef _Frame* parent = self.top
        cdef _Frame* frame
        cdef int bits = 0
        cdef int i = 0
        cdef int depth
        cdef bint listed
        cdef PyObject* shape
        cdef PyObject* name
        cdef PyObject* member
        cdef PyObject* member_items
        cdef PyObject* items_of_items
        cdef int member_kind
        cdef size_t key
        cdef size_t slot
        # §5 The attributes: array, string and json, each 'true'.
        while atts[i] is not NULL:
            if strcmp(atts[i + 1], _TRUE_VALUE) != 0:
                return 1
            if strcmp(atts[i], _ARRAY_NAME) == 0:
                bits |= 1
            elif strcmp(atts[i], _STRING_NAME) == 0:
                bits |= 2
            elif strcmp(atts[i], _JSON_NAME) == 0:
                bits |= 4
            else:
                return 1  # another attribute, xmlns among them
            i += 2
        if bits & 6 == 6 or i > 6:
            return 1
        if self.level == 0:
            key = 0
        elif parent.result is NULL:
            key = <size_t>parent.name | 1
        else:
            key = <size_t>parent.run_name  # the previous sibling's
        slot = <size_t>(<unsigned long long>key * 0x9E3779B97F4A7C15ULL >> 56)  # Fibonacci hashing: 8 bits
        name = self.next_names[slot] if self.next_keys[slot] == key else NULL
        if name is NULL or strcmp(c_name, <const char*>PyUnicode_DATA(<object>name)) != 0:
            name = self.name(c_name)
            if name is NULL:
                return 1
            self.next_keys[slot] = key
            self.next_names[slot] = name
        self.segment = 0
        if self.level >= self.frame_cap:
            return 1
        if self.level == 0:
            # §2 The root: <xml>, with no attribute or json='true' alone.
            if self.document is not None or memcmp(c_name, <const char*>_ROOT_NAME, len(_ROOT_NAME) + 1) != 0 or (bits and bits != 4):
                return 1
            self.budget -= 1
            depth = 1
            shape = NULL if self.shape is None else <PyObject*>self.shape
        else:
            if parent.result is NULL:
                # The parent's first child element: it holds an object (§3).
                if parent.bits & 6 or parent.depth > self.max_depth:
                    return 1
                if not _blank_bytes(self.buf, self.buf_len):
                    return 1  # text mixed with child elements
                # Sized like the last object read at this level (records
                # alike): no dict grows twice on its way to six members.
                parent.result = _dict_sized(self.sizes[self.level - 1] if self.level <= _SIZED_LEVELS else 0)
                if parent.result is NULL:
                    raise MemoryError()
            self.budget -= 1
            if self.budget < 0:
                return 1
            if parent.run_count and _same_str(name, parent.run_name):
                # A same-named sibling: the run is an array of two or more (§3).
                if parent.run_count == 1:
                    if parent.depth + 1 > self.max_depth:
                        return 1
                    member = parent.run_member
                    self.kind(member, &parent.run_items)
                    if parent.pending_leaf:
                        first = self.leaf_kind(self.buf, self.buf_len, parent.run_bits, parent.depth + 2,
                                               self.kind(parent.run_items, &items_of_items))
                    elif parent.run_listed or member is NULL:
                        first = <object>parent.pending  # read with the run's depth and shape already
                    else:
                        return 1  # read with the member's shape, not its items': rare
                    run = [first]
                    _incref(<PyObject*>run)
                    parent.run_list = <PyObject*>run
                    _xdecref(parent.pending)
                    parent.pending = NULL
                parent.run_count += 1
                depth = parent.depth + 2
                shape = parent.run_items
            else:
                if parent.run_count:
                    self.close_run(parent)
                if PyDict_Contains(<object>parent.result, <object>name):
                    return 1  # a repeat not next to its siblings of that name
                member = NULL if parent.shape is NULL else self.member(parent.shape, name)
                member_kind = self.kind(member, &member_items)
                listed = bits & 1 or (member_kind == _K_ARRAY and not bits & 4)
                parent.run_name = name
                parent.run_member = member
                parent.run_count = 1
                parent.run_bits = bits
                parent.run_listed = listed
                if listed:
                    depth = parent.depth + 2
                    shape = member_items
                elif member is NULL:
                    # A lone element is at depth + 1, an element of a run at
                    # depth + 2; which one is known only at the next sibling,
                    # so an object here is read at the deeper (stricter) one.
                    depth = parent.depth + 2
                    shape = NULL
                else:
                    depth = parent.depth + 1
                    shape = member
        frame = &self.frames[self.level]
        frame.name = name
        frame.shape = shape
        frame.depth = depth
        frame.bits = bits
        frame.result = NULL
        frame.run_count = 0
        frame.run_list = NULL
        frame.pending = NULL
        self.top = frame
        self.level += 1
        self.buf_len = 0
        self.buf[0] = 0
        return 0

    cdef int close_run(self, _Frame* frame) except -1:
        """Settle the run of ``frame``'s children that just ended (§3)."""
        cdef object value
        cdef PyObject* member = frame.run_member
        cdef PyObject* items
        cdef PyObject* unused
        cdef int kind = self.kind(member, &items)
        if frame.run_count > 1:
            value = <object>frame.run_list
            _decref(frame.run_list)
            frame.run_list = NULL
        elif frame.pending_leaf:
            if frame.run_listed:
                if frame.depth + 1 > self.max_depth:
                    raise _HandOver()
                if not frame.run_bits & 6 and self.buf_len == 0:
                    value = []  # <k array='true'/>, or an empty element the shape says is an array
                else:
                    value = [self.leaf_kind(self.buf, self.buf_len, frame.run_bits, frame.depth + 2,
                                            self.kind(items, &unused))]
            else:
                value = self.leaf_kind(self.buf, self.buf_len, frame.run_bits, frame.depth + 1, kind)
        else:
            value = <object>frame.pending
            _decref(frame.pending)
            frame.pending = NULL
            if frame.run_listed:
                value = [value]
        frame.run_count = 0
        PyDict_SetItem(<object>frame.result, <object>frame.run_name, value)
        return 0

    cdef int end(self) except -1:
        """An end tag. 0 read; 1 hand over."""
        cdef _Frame* frame = self.top
        cdef _Frame* parent
        cdef object value = None
        cdef bint leaf = frame.result is NULL
        cdef PyObject* unused
        self.segment = 0
        if not leaf:
            if frame.run_count:
                self.close_run(frame)
            value = <object>frame.result
            _decref(frame.result)
            frame.result = NULL
            if self.level <= _SIZED_LEVELS:
                self.sizes[self.level - 1] = PyDict_Size(value)
        self.level -= 1
        if self.level == 0:
            if not leaf:
                self.document = value
            elif frame.bits:
                # §6 <xml json='true'>: the embedded JSON must be an object.
                value = self.embedded(self.buf, self.buf_len, 1)
                if type(value) is not dict:
                    return 1
                self.document = value
            elif _blank_bytes(self.buf, self.buf_len):
                self.document = {}
            else:
                return 1  # the root holds text
            return 0
        parent = &self.frames[self.level - 1]
        self.top = parent
        if parent.run_count == 1:
            parent.pending_leaf = leaf
            if not leaf:  # a leaf's text stays in the buffer until the next tag
                _incref(<PyObject*>value)
                parent.pending = <PyObject*>value
        elif leaf:
            PyList_Append(<object>parent.run_list, self.leaf_kind(
                self.buf, self.buf_len, frame.bits, frame.depth, self.kind(frame.shape, &unused)))
        else:
            PyList_Append(<object>parent.run_list, value)
        return 0

    cdef object run(self, bytes raw):
        cdef const char* data = raw
        cdef Py_ssize_t n = len(raw)
        cdef Py_ssize_t pos = 0
        cdef int chunk
        cdef int status
        self.parser = _expat.ParserCreate_MM(b"UTF-8", NULL, NULL)
        if self.parser is NULL:
            raise MemoryError()
        try:
            _expat.SetHashSalt(self.parser, _salt)
            _expat.SetUserData(self.parser, <void*>self)
            _expat.SetElementHandler(self.parser, _on_start, _on_end)
            _expat.SetCharacterDataHandler(self.parser, _on_text)
            # §7 drops comments and processing instructions and joins the
            # text around them; rare in API payloads, they are the tree
            # route's, as are DOCTYPEs (refused, §9).
            _expat.SetCommentHandler(self.parser, _on_other)
            _expat.SetProcessingInstructionHandler(self.parser, _on_pi)
            _expat.SetStartDoctypeDeclHandler(self.parser, _on_doctype)
            while True:
                chunk = <int>min(n - pos, <Py_ssize_t>_CHUNK)
                status = _expat.Parse(self.parser, data + pos, chunk, pos + chunk == n)
                pos += chunk
                if self.error is not None:
                    raise self.error
                if status == 0 or self.stopped:
                    return None  # malformed (expat's error is not libxml2's), or handed over
                if pos == n:
                    break
        finally:
            _expat.ParserFree(self.parser)
            self.parser = NULL
        if self.level != 0 or type(self.document) is not dict:
            return None
        return self.document


cdef void _on_start(void* data, const char* name, const char** atts) noexcept:
    cdef _Events events = <_Events>data
    cdef int status
    try:
        status = events.start(name, atts)
    except _HandOver:
        status = 1
    except BaseException as exc:
        events.error = exc
        status = 1
    if status:
        events.stop()


cdef void _on_end(void* data, const char* name) noexcept:
    cdef _Events events = <_Events>data
    cdef int status
    try:
        status = events.end()
    except _HandOver:
        status = 1
    except BaseException as exc:
        events.error = exc
        status = 1
    if status:
        events.stop()


cdef void _on_text(void* data, const char* s, int n) noexcept:
    cdef _Events events = <_Events>data
    cdef int status
    try:
        status = events.take_text(s, n)
    except BaseException as exc:
        events.error = exc
        status = 1
    if status:
        events.stop()


cdef void _on_other(void* data, const char* text) noexcept:
    (<_Events>data).stop()


cdef void _on_pi(void* data, const char* target, const char* text) noexcept:
    (<_Events>data).stop()


cdef void _on_doctype(void* data, const char* name, const char* sysid, const char* pubid, int internal) noexcept:
    (<_Events>data).stop()


# The reader a finished document leaves for the next one, so that a server
# reading the same kinds of documents makes their names and looks up their
# members once. A decode takes it (leaving None) and gives it back when done;
# a decode that finds None (another thread's decode is running inside a
# handler's Python code, or a nested decode from a finalizer) reads with a
# reader of its own. No lock: the take and the give are each a read and a
# write of this C global with no Python code between them, so under the GIL
# no other thread can run in the middle, and a reader is never in two
# decodes at once.
cdef _Events _spare = None


cdef _Events _take_events(object shape, limits):
    global _spare
    cdef _Events events = _spare
    if events is None:
        events = _Events()
    else:
        _spare = None
    events.begin(shape, limits)
    return events


cdef int _give_events(_Events events) except -1:
    global _spare
    events.finish()
    # Another decode's reader may be there already (it finished first while
    # this one ran): either serves; this one replaces it.
    _spare = events
    return 0


def decode_bytes(bytes raw, shape, limits):
    """The dict of a document (bytes as _decode._prepare returns them:
    UTF-8, no BOM, the prolog checked), read from expat's events with no
    tree; or ``None`` to hand over to lxml and the walks.

    A value is returned only when libxml2 would accept the same bytes:
    anything expat refuses, anything outside the plain subset both parsers
    read alike (comments, PIs, DOCTYPEs, unusual declarations, prefixed or
    non-ASCII names, other attributes) and anything near one of libxml2's
    limits hands over, as does every dialect error.
    """
    if _expat is NULL:
        return None
    # libxml2 refuses some things past 10,000,000 bytes (a text node, its
    # dictionary of names, a lookup); no smaller document can reach them.
    if len(raw) >= _MAX_TEXT or len(raw) < 2:
        return None
    # Expat reads UTF-16 after a NUL in the first two bytes or a UTF-16 byte
    # order mark, whatever encoding it is told (measured on expat 2.5), where
    # libxml2 refuses: only a document that opens with "<" or whitespace
    # and no NUL is read here.
    if raw[0] not in b"< \t\r\n" or raw[1] == 0:
        return None
    if raw.startswith(b"<?xml") and _DECLARATION.match(raw) is None:
        return None
    # The route counts elements as it reads them and hands over past
    # Limits.max_elements, but building a million values first takes a
    # second: a document that may hold too many is counted up front. An
    # element takes four bytes at least ("<a/>"), so most need no count.
    max_elements = limits.max_elements
    if len(raw) // 4 >= max_elements and _start_tags(raw, len(raw)) > max_elements:
        return None  # the pure path counts them again and says where
    cdef _Events events = _take_events(shape, limits)
    try:
        return events.run(raw)
    finally:
        _give_events(events)


cdef Py_ssize_t _start_tags(const char* s, Py_ssize_t n) noexcept nogil:
    """How many "<" not followed by "/" ``s[:n]`` holds: the elements of a
    well-formed document, and more if comments or CDATA hold some."""
    cdef Py_ssize_t i
    cdef Py_ssize_t count = 0
    for i in range(n - 1):
        count += s[i] == b'<' and s[i + 1] != b'/'
    return count + (n > 0 and s[n - 1] == b'<')


# --- validation: the payload limits scan (codec.schemas) ----------------------
# The pure scan walks every payload breadth first before the schema is
# consulted: too deep, an integer too long, a key that is not a string, a
# Mapping that is not a dict. Most payloads are plain JSON values well within
# the limits; this walk says so at C speed and hands everything else (None)
# to the pure scan, which alone decides and words a refusal.


cdef bint _plain_within(object value, Py_ssize_t depth, Py_ssize_t max_depth, Py_ssize_t bits) except -1:
    cdef type kind = type(value)
    cdef object key, child
    cdef int overflow
    if kind is str or kind is float or kind is bool or value is None:
        return True
    if kind is int:
        if bits >= 64:
            # Most integers fit a long long, so within 64 bits: no method call.
            PyLong_AsLongLongAndOverflow(value, &overflow)
            if not overflow:
                return True
        return (<object>value).bit_length() <= bits
    if depth > max_depth:
        return False
    if kind is dict:
        for key, child in (<dict>value).items():
            if type(key) is not str:
                return False
            if not _plain_within(child, depth + 1, max_depth, bits):
                return False
        return True
    if kind is list:
        for child in <list>value:
            if not _plain_within(child, depth + 1, max_depth, bits):
                return False
        return True
    return False


def plain_within(object payload, Py_ssize_t max_depth, Py_ssize_t max_int_digits):
    """True when ``payload`` is made of dicts (string keys), lists, strings,
    floats, bools, None and integers of at most ``3 * max_int_digits`` bits,
    nested at most ``max_depth`` deep (the payload itself is depth 1);
    False: the pure scan decides."""
    if max_depth > 255:
        return False  # the C stack: Limits caps max_depth at 255 anyway
    return _plain_within(payload, 1, max_depth, 3 * max_int_digits)



# --- HTTP request heads: codec.http._fields ----------------------------------
# A server hands every request's headers over as a list of (name, value)
# byte pairs (ASGI), with the same few names each time. The pure _fields
# lowers each name once and keeps it in its cache; this loop builds the same
# dict from that cache, and hands over (None) for anything else: a name not
# cached yet (the pure loop lowers and caches it), a pair that is not two
# bytes objects.


def header_fields(list headers, dict names):
    """``codec.http._fields(headers)`` for ASGI headers whose names are all in
    ``names`` (http's cache of lowered names), else None."""
    cdef dict fields = {}
    cdef object pair, name, value, key, found
    for pair in headers:
        if type(pair) is tuple:
            if PyTuple_GET_SIZE(pair) != 2:
                return None
            name = <object>PyTuple_GET_ITEM(pair, 0)
            value = <object>PyTuple_GET_ITEM(pair, 1)
        elif type(pair) is list and PyList_GET_SIZE(pair) == 2:
            name = <object>PyList_GET_ITEM(pair, 0)
            value = <object>PyList_GET_ITEM(pair, 1)
        else:
            return None
        if type(name) is not bytes or type(value) is not bytes:
            return None
        key = names.get(name)
        if key is None:
            return None
        found = fields.get(key)
        if found is None:
            fields[key] = [(<bytes>value).decode("latin-1")]
        else:
            (<list>found).append((<bytes>value).decode("latin-1"))
    return fields


# --- the gateway's common request: codec.http.asgi_lane ------------------------
# A server's requests are mostly valid, and each one that goes through
# codec.gateway is read by http.read_head and read_body and checked by the
# gateway's gate: some twenty Python calls, whose code a busy server has
# mostly out of its caches by the next request. This lane takes the common
# request in two calls: a plain API path, a known method, one Content-Type,
# a Content-Length within the limit, no query, no Content-Encoding, and one
# body message within the limits. It calls the same functions for every rule
# (http's path cache, Content-Type table and readers, the prepared
# endpoint's validator, render_response for a conversion), so it can only
# say "pass this on" where the pure path passes the same bytes on; for
# anything else it says nothing (None) and the pure path reads the request
# from the start.


cdef class RequestLane:
    """See codec.http.asgi_lane."""

    cdef object endpoint_of     # http._endpoint: the method a plain path names
    cdef object known           # the methods with a schema
    cdef object content_format  # http._content_format
    cdef object read_json       # http._read_json
    cdef object read_xml        # http._read_xml
    cdef object render          # http.render_response
    cdef dict endpoints         # http._REQUEST_ENDPOINTS
    cdef object prepare         # http._prepare_endpoint
    cdef dict names             # http._NAMES
    cdef object limits
    cdef object key_limits      # id(limits), the endpoints' key
    cdef Py_ssize_t max_body    # the largest body the lane reads
    cdef bint strict
    cdef bint convert

    def __init__(self, endpoint_of, known, content_format, read_json, read_xml, render, dict endpoints, prepare,
                 dict names, limits, bint strict, Py_ssize_t max_body, bint convert):
        # max_body: the smallest of the gateway's body limit, the size it
        # checks inline (not in a worker thread) and Limits.max_bytes.
        self.endpoint_of = endpoint_of
        self.known = known
        self.content_format = content_format
        self.read_json = read_json
        self.read_xml = read_xml
        self.render = render
        self.endpoints = endpoints
        self.prepare = prepare
        self.names = names
        self.limits = limits
        self.key_limits = id(limits)
        self.max_body = max_body
        self.strict = strict
        self.convert = convert

    def head(self, scope):
        """The state to read the body with, or None: not the lane's request."""
        if type(scope) is not dict:
            return None
        path = (<dict>scope).get("path")
        if type(path) is not str or len(<str>path) > 200:
            return None
        raw = (<dict>scope).get("raw_path")
        if raw is not None:
            if type(raw) is not bytes:
                return None
            if (<bytes>raw).decode("latin-1").partition("?")[0] != path:
                return None  # the pure path compares the two
        if (<dict>scope).get("query_string"):
            return None
        headers = (<dict>scope).get("headers")
        if type(headers) is not list:
            return None
        fields = header_fields(headers, self.names)
        if fields is None or "content-encoding" in <dict>fields:
            return None
        values = (<dict>fields).get("content-type")
        if type(values) is not list or len(<list>values) != 1:
            return None
        values_length = (<dict>fields).get("content-length")
        if values_length is not None:
            if len(<list>values_length) != 1:
                return None
            length = (<list>values_length)[0]
            if not ((<str>length).isascii() and (<str>length).isdigit() and len(<str>length) <= 18):
                return None
            if int(length) > self.max_body:
                return None
        try:
            name = self.endpoint_of(path)
            format_and_charset = self.content_format((<list>values)[0])
            if name is None or name not in self.known:
                return None
            endpoint = self.endpoints.get((name, self.strict, self.key_limits))
            if endpoint is None:
                endpoint = self.prepare(name, self.strict, self.limits)
        except Exception:
            return None  # the pure path refuses it in its words, or answers a failure the API's way
        return (endpoint, format_and_charset[0], format_and_charset[1])

    def body(self, tuple state, message):
        """``(body, None)`` when the body ``message`` holds is valid as it is,
        ``(json, content_type)`` when it is valid XML to pass on converted;
        None: the pure path decides."""
        if type(message) is not dict or (<dict>message).get("type") != "http.request":
            return None
        if (<dict>message).get("more_body", False):
            return None
        body = (<dict>message).get("body")
        if type(body) is not bytes:
            return None
        size = len(<bytes>body)
        if size == 0 or size > self.max_body:
            return None
        endpoint, fmt, charset = state
        try:
            if fmt == "json":
                payload = self.read_json(body, charset, self.limits)
            else:
                payload = self.read_xml(body, charset, endpoint, self.limits)[0]
            endpoint.validator.validate(payload)
            if self.convert and fmt == "xml":
                content_type, converted = self.render(payload, "json")
                return (converted, content_type)
        except Exception:
            return None  # refused, or anything else: the pure path reads it again and answers
        return (body, None)

# --- strict JSON reading: the hooks of codec._json.loads ----------------------
# json's C scanner calls a hook for every object (to refuse duplicate keys),
# integer (to bound its digits) and float (to refuse infinities). These are
# the same hooks compiled: the common case answered here, everything else
# (a duplicate key, a long integer, an infinite float) handed to the pure
# hook given, which alone decides and words the refusal.


cdef class JsonHooks:
    """Compiled ``object_pairs_hook``, ``parse_int`` and ``parse_float`` for
    ``json.JSONDecoder``, with the pure hooks as the fallback that decides
    every unusual case; ``short``: integers of at most this many characters
    are read here."""

    cdef object _pairs
    cdef object _int
    cdef object _float
    cdef Py_ssize_t _short

    def __init__(self, pairs, integer, floating, Py_ssize_t short):
        self._pairs = pairs
        self._int = integer
        self._float = floating
        self._short = short

    def unique_keys(self, list pairs):
        cdef dict result = dict(pairs)
        if len(result) != len(pairs):
            return self._pairs(pairs)  # a key repeats: the pure hook refuses it
        return result

    def bounded_int(self, str text):
        if len(text) <= self._short:
            return int(text)
        return self._int(text)

    def finite_float(self, str text):
        value = float(text)
        if value == INFINITY or value == -INFINITY:
            return self._float(text)  # the pure hook refuses it
        return value

    def read(self, str text):
        """``(value,)`` of a plain JSON ``text``: objects without repeated
        keys, arrays, strings without escapes or control characters, integers
        of at most ``short`` (and 18) characters, finite floats, true, false,
        null, nested at most 200 deep, whitespace around; or ``None`` for
        anything else, which json's scanner and the hooks then read (and
        refuse, word for word). The value is the one they would give."""
        cdef _Cursor cursor
        _ready(text)  # a legacy string (3.10, 3.11) gets its kind and data
        cursor.kind = _str_kind(text)
        cursor.data = _str_data(text)
        cursor.hits = 0
        cursor.stores = 0
        cursor.pos = _read_space(text, 0, len(text))
        cursor.n = len(text)
        cursor.short = self._short if self._short < 18 else 18
        value = _read_value(text, &cursor, 0)
        if value is _HAND:
            return None
        if _read_space(text, cursor.pos, cursor.n) != cursor.n:
            return None  # trailing data: json's error
        return (value,)


cdef struct _Cursor:
    Py_ssize_t pos
    Py_ssize_t n
    Py_ssize_t short
    int kind           # the text's PyUnicode kind and data (the key table reads them)
    const void* data
    Py_ssize_t hits    # keys this text took from the key table
    Py_ssize_t stores  # and keys it put in

cdef object _HAND = object()  # "hand over": not a value of any JSON text


cdef extern from "Python.h":
    int _ready "__Pyx_PyUnicode_READY"(object) except -1
    int _str_kind "PyUnicode_KIND"(object)
    const void* _str_data "PyUnicode_DATA"(object)
    Py_ssize_t _str_length "PyUnicode_GET_LENGTH"(PyObject*)
    int _kind_of "PyUnicode_KIND"(PyObject*)
    const void* _data_of "PyUnicode_DATA"(PyObject*)
    Py_UCS4 _str_read "PyUnicode_READ"(int, const void*, Py_ssize_t) noexcept nogil
    object _substring "PyUnicode_Substring"(object, Py_ssize_t, Py_ssize_t)
    void _key_incref "Py_INCREF"(PyObject*)
    void _key_xdecref "Py_XDECREF"(PyObject*)


# --- the key table: a server reads the same member names in every request ------
# A short key (at most _KEY_MAX characters) is looked up in a fixed table of
# the keys read last: a hash of its characters and length picks a bucket of
# two entries, the last two keys of that hash read (the later one first, so
# that two names of one request sharing a bucket both stay). An entry whose
# string has exactly the key's characters gives the key (its hash already
# computed, no string made or freed); otherwise a new string is made and
# takes the bucket's first entry, the first moving to the second. Values are
# never taken from the table. Each entry keeps a check (the length and 8
# bits of the hash) so that most other keys are told apart without reading
# their strings; the characters are compared whenever the check matches.
# A text that brings mostly new keys stops storing them after its first 64
# (replacing entries that no later text finds would only churn the table).
#
# The table holds a reference to each string in it. It is read and written
# only with the GIL held, and nothing between a look-up and its store runs
# Python code or lets the GIL go: PyUnicode_Substring makes an exact str,
# which is not tracked by the garbage collector (so no collection runs), and
# the string a store drops is an exact str, whose deallocation runs no Python
# code either. So no other thread sees a bucket half written, and a string is
# freed only after the table no longer points to it.

cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    /* Eight bytes as one word, the first in the low bits, on every platform. */
    static inline uint64_t altcraft_key_word(const unsigned char* p) {
        uint64_t w;
        memcpy(&w, p, 8);
    #if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w);
    #endif
        return w;
    }
    """
    unsigned long long _key_word "altcraft_key_word"(const unsigned char*) noexcept nogil

cdef enum:
    _KEY_BITS = 9      # 512 buckets of 2 entries
    _KEY_MAX = 64

cdef struct _KeyEntry:
    PyObject* key      # a strong reference, or NULL
    unsigned int check

cdef _KeyEntry _keys[1 << _KEY_BITS][2]


cdef inline bint _same_chars(PyObject* cached, int kind, const void* data, Py_ssize_t start,
                             Py_ssize_t length) noexcept:
    # Whether the string ``cached`` is the text's ``length`` characters from
    # ``start``: the same length and code points, whatever the two kinds.
    cdef int cached_kind = _kind_of(cached)
    cdef const void* cached_data = _data_of(cached)
    cdef Py_ssize_t i
    if _str_length(cached) != length:
        return False
    if cached_kind == 1 and kind == 1:  # the usual case, too short for a call to memcmp
        for i in range(length):
            if (<const unsigned char*>cached_data)[i] != (<const unsigned char*>data)[start + i]:
                return False
        return True
    if cached_kind == kind:
        return memcmp(cached_data, <const char*>data + start * kind, length * kind) == 0
    for i in range(length):
        if _str_read(cached_kind, cached_data, i) != _str_read(kind, data, start + i):
            return False
    return True


cdef object _read_key(str text, _Cursor* cursor):
    # At the opening quote of a member name: as _read_string, but a short
    # name comes from the key table (see above).
    cdef int kind = cursor.kind
    cdef const void* data = cursor.data
    cdef const unsigned char* bytes1 = <const unsigned char*>data
    cdef Py_ssize_t start = cursor.pos + 1
    cdef Py_ssize_t i = start
    cdef Py_ssize_t j
    cdef Py_ssize_t n = cursor.n
    cdef Py_ssize_t length
    cdef Py_UCS4 c
    cdef unsigned long long h = 0
    cdef unsigned long long word
    cdef int shift
    cdef unsigned int check
    cdef _KeyEntry* bucket
    cdef _KeyEntry entry
    cdef PyObject* old
    if kind == 1:  # the usual text: one byte a character
        while True:
            if i >= n:
                return _HAND
            c = bytes1[i]
            if c == u'"':
                break
            if c == u'\\' or c < 0x20:
                return _HAND  # escapes and control characters: json's
            i += 1
    elif kind == 2:
        while True:
            if i >= n:
                return _HAND
            c = (<const uint16_t*>data)[i]
            if c == u'"':
                break
            if c == u'\\' or c < 0x20:
                return _HAND
            i += 1
    else:
        while True:
            if i >= n:
                return _HAND
            c = (<const uint32_t*>data)[i]
            if c == u'"':
                break
            if c == u'\\' or c < 0x20:
                return _HAND
            i += 1
    cursor.pos = i + 1
    length = i - start
    if length > _KEY_MAX:
        return _substring(text, start, i)
    # The hash, of the code points alone (a key hashes alike in texts of
    # every kind): eight at a time xored into a word at bits 0, 8, ..., 56,
    # each word rotated and xored in, then the length, then one mixing
    # multiplication. A pass apart from the scan, so that long keys cost no
    # hashing; in a one-byte text each word is one load.
    j = start
    word = 0
    shift = 0
    if kind == 1:
        while j + 8 <= i:
            h = ((h << 7) | (h >> 57)) ^ _key_word(bytes1 + j)
            j += 8
        if j < i and j + 8 <= n:  # the last few: one load within the text, masked
            word = _key_word(bytes1 + j) & ((<unsigned long long>1 << (8 * (i - j))) - 1)
            j = i
    while j < i:
        word ^= <unsigned long long>_str_read(kind, data, j) << shift
        j += 1
        shift += 8
        if shift == 64:
            h = ((h << 7) | (h >> 57)) ^ word
            word = 0
            shift = 0
    h = ((h << 7) | (h >> 57)) ^ word
    h = (h ^ <unsigned long long>length) * 0x9E3779B97F4A7C15ull
    bucket = _keys[h >> (64 - _KEY_BITS)]  # the top bits: the best mixed
    check = <unsigned int>(length << 8) | <unsigned int>((h >> 32) & 0xFF)
    if bucket[0].check == check and bucket[0].key != NULL and _same_chars(bucket[0].key, kind, data, start, length):
        cursor.hits += 1
        return <object>bucket[0].key
    if bucket[1].check == check and bucket[1].key != NULL and _same_chars(bucket[1].key, kind, data, start, length):
        cursor.hits += 1
        entry = bucket[1]
        bucket[1] = bucket[0]
        bucket[0] = entry
        return <object>entry.key
    key = _substring(text, start, i)
    if cursor.stores >= 64 and cursor.hits < cursor.stores:
        return key  # a text of many keys not seen before: storing them all would only churn
    cursor.stores += 1
    _key_incref(<PyObject*>key)
    old = bucket[1].key
    bucket[1] = bucket[0]
    bucket[0].key = <PyObject*>key
    bucket[0].check = check
    _key_xdecref(old)  # after the bucket is rewritten; an exact str: no Python code runs
    return key


cdef inline Py_ssize_t _read_space(str text, Py_ssize_t pos, Py_ssize_t n):
    cdef Py_UCS4 c
    while pos < n:
        c = text[pos]
        if c != u' ' and c != u'\t' and c != u'\n' and c != u'\r':
            break
        pos += 1
    return pos


cdef object _read_string(str text, _Cursor* cursor):
    # At the opening quote. Escapes and control characters hand over.
    cdef Py_ssize_t start = cursor.pos + 1
    cdef Py_ssize_t i = start
    cdef Py_UCS4 c
    while i < cursor.n:
        c = text[i]
        if c == u'"':
            cursor.pos = i + 1
            return text[start:i]
        if c == u'\\' or c < 0x20:
            return _HAND
        i += 1
    return _HAND


cdef object _read_number(str text, _Cursor* cursor):
    cdef Py_ssize_t start = cursor.pos
    cdef Py_ssize_t i = start
    cdef Py_ssize_t n = cursor.n
    cdef bint negative = False
    cdef bint fraction = False
    cdef long long whole = 0
    cdef Py_UCS4 c
    if text[i] == u'-':
        negative = True
        i += 1
    if i >= n:
        return _HAND
    c = text[i]
    if c == u'0':
        i += 1
    elif u'1' <= c <= u'9':
        while i < n and u'0' <= text[i] <= u'9':
            i += 1
    else:
        return _HAND
    if i < n and text[i] == u'.':
        fraction = True
        i += 1
        if i >= n or not (u'0' <= text[i] <= u'9'):
            return _HAND
        while i < n and u'0' <= text[i] <= u'9':
            i += 1
    if i < n and (text[i] == u'e' or text[i] == u'E'):
        fraction = True
        i += 1
        if i < n and (text[i] == u'+' or text[i] == u'-'):
            i += 1
        if i >= n or not (u'0' <= text[i] <= u'9'):
            return _HAND
        while i < n and u'0' <= text[i] <= u'9':
            i += 1
    cursor.pos = i
    if fraction:
        value = float(text[start:i])
        if value == INFINITY or value == -INFINITY:
            return _HAND
        return value
    if i - start > cursor.short:
        return _HAND  # a long integer: the digit limit is the pure hook's
    for c in text[start + negative:i]:
        whole = whole * 10 + (<long long>c - 48)
    return -whole if negative else whole


cdef object _read_value(str text, _Cursor* cursor, int depth):
    cdef Py_UCS4 c
    cdef Py_ssize_t pos = cursor.pos
    cdef Py_ssize_t n = cursor.n
    cdef dict obj
    cdef list items
    if pos >= n:
        return _HAND
    c = text[pos]
    if c == u'"':
        return _read_string(text, cursor)
    if c == u'{':
        if depth >= 200:
            return _HAND
        obj = {}
        pos = _read_space(text, pos + 1, n)
        if pos < n and text[pos] == u'}':
            cursor.pos = pos + 1
            return obj
        while True:
            if pos >= n or text[pos] != u'"':
                return _HAND
            cursor.pos = pos
            key = _read_key(text, cursor)
            if key is _HAND:
                return _HAND
            pos = _read_space(text, cursor.pos, n)
            if pos >= n or text[pos] != u':':
                return _HAND
            cursor.pos = _read_space(text, pos + 1, n)
            value = _read_value(text, cursor, depth + 1)
            if value is _HAND:
                return _HAND
            size = len(obj)
            obj[key] = value
            if len(obj) == size:
                return _HAND  # a repeated key: the pure hook refuses it
            pos = _read_space(text, cursor.pos, n)
            if pos >= n:
                return _HAND
            c = text[pos]
            if c == u'}':
                cursor.pos = pos + 1
                return obj
            if c != u',':
                return _HAND
            pos = _read_space(text, pos + 1, n)
    if c == u'[':
        if depth >= 200:
            return _HAND
        items = []
        pos = _read_space(text, pos + 1, n)
        if pos < n and text[pos] == u']':
            cursor.pos = pos + 1
            return items
        while True:
            cursor.pos = pos
            value = _read_value(text, cursor, depth + 1)
            if value is _HAND:
                return _HAND
            items.append(value)
            pos = _read_space(text, cursor.pos, n)
            if pos >= n:
                return _HAND
            c = text[pos]
            if c == u']':
                cursor.pos = pos + 1
                return items
            if c != u',':
                return _HAND
            pos = _read_space(text, pos + 1, n)
    if c == u'-' or u'0' <= c <= u'9':
        return _read_number(text, cursor)
    if c == u't' and text[pos:pos + 4] == u'true':
        cursor.pos = pos + 4
        return True
    if c == u'f' and text[pos:pos + 5] == u'false':
        cursor.pos = pos + 5
        return False
    if c == u'n' and text[pos:pos + 4] == u'null':
        cursor.pos = pos + 4
        return None
    return _HAND


# --- plain XML: the event route's events without expat --------------------------
# A small document of the plainest kind (the root and elements with ASCII
# names, no attributes, text of printable ASCII without entity or character
# references) is read here by a scan that gives _Events the very events
# expat gives it for such a document; expat's parser (made and freed per
# document, its names hashed, its input accounted for) is the larger part
# of reading one. Anything else hands over to decode_bytes, untouched.


cdef inline bint _name_start(unsigned char c) noexcept nogil:
    return (b'a' <= c <= b'z') or (b'A' <= c <= b'Z') or c == b'_'


cdef inline bint _name_char(unsigned char c) noexcept nogil:
    return _name_start(c) or (b'0' <= c <= b'9') or c == b'.' or c == b'-'


def decode_plain(bytes raw, shape, limits):
    """What :func:`decode_bytes` returns for ``raw`` when it is a plain
    document: whitespace, ``<xml>`` and elements written ``<name>``,
    ``<name/>`` and ``</name>`` (ASCII names), text of tabs, newlines and
    printable ASCII but "<", ">" and "&", whitespace; ``None`` for any other
    document (then decode_bytes reads it), and whenever _Events hands over."""
    cdef const unsigned char* s = raw
    cdef Py_ssize_t n = len(raw)
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t start
    cdef Py_ssize_t name_len
    cdef unsigned char c
    cdef char name[256]
    cdef const char* no_atts[1]
    cdef _Events events
    cdef Py_ssize_t opened[256]  # where each open element's name starts in raw
    cdef Py_ssize_t lengths[256]
    cdef int level = 0
    cdef bint done = False
    no_atts[0] = NULL
    if _expat is NULL:
        return None  # the route is off: so is this way into it
    if n >= _MAX_TEXT or n < 2:
        return None
    max_elements = limits.max_elements
    if n // 4 >= max_elements and _start_tags(<const char*>s, n) > max_elements:
        return None
    events = _take_events(shape, limits)
    try:
        while i < n:
            c = s[i]
            if c == b'<':
                i += 1
                if i < n and s[i] == b'/':
                    # an end tag: the open element's name, then ">"
                    if level == 0:
                        return None
                    i += 1
                    name_len = lengths[level - 1]
                    if i + name_len >= n or memcmp(s + i, s + opened[level - 1], name_len) != 0:
                        return None
                    i += name_len
                    if s[i] != b'>':
                        return None
                    i += 1
                    level -= 1
                    if events.end():
                        return None
                    if level == 0:
                        done = True
                    continue
                if done or i >= n or not _name_start(s[i]):
                    return None  # a second root, or not a plain start tag ("<?", "<!", ...)
                start = i
                while i < n and _name_char(s[i]):
                    i += 1
                name_len = i - start
                if i >= n or name_len > 255 or level >= 256:
                    return None
                memcpy(name, s + start, name_len)
                name[name_len] = 0
                if s[i] == b'>':
                    i += 1
                    if events.start(name, no_atts):
                        return None
                    opened[level] = start
                    lengths[level] = name_len
                    level += 1
                elif s[i] == b'/' and i + 1 < n and s[i + 1] == b'>':
                    i += 2
                    if events.start(name, no_atts) or events.end():
                        return None
                    if level == 0:
                        done = True
                else:
                    return None  # attributes, or anything else
                continue
            # text up to the next tag
            start = i
            while i < n:
                c = s[i]
                if c == b'<':
                    break
                if c == b'&' or c == b'>' or c >= 0x7f or (c < 0x20 and c != b'\t' and c != b'\n'):
                    return None
                i += 1
            if level == 0:
                # outside the root: whitespace only, and expat does not report it
                if not _blank_bytes(<const char*>s + start, i - start):
                    return None
                continue
            if events.take_text(<const char*>s + start, <int>(i - start)):
                return None
        if not done or level != 0 or type(events.document) is not dict:
            return None
        return events.document
    except _HandOver:
        return None
    finally:
        _give_events(events)
