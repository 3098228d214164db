"""A deliberately broken implementation for tests/test_conformance.py.

Its decoder reads every element's text as a string, as an XML-to-JSON converter
that ignores the dialect's scalar rules would (``<a>1</a>`` is ``{"a": "1"}``,
``<a>true</a>`` is ``{"a": "true"}``); the attributes still count, so what
``json='true'`` carries keeps its types. The conformance runner must fail exactly
the vectors flagged ``pins:scalar-types`` that run the decoder. Its encoder is
altcraft-codec's, unchanged. It knows no endpoint schemas.

    python tests/shims/all_strings.py decode < doc.xml
    python tests/shims/all_strings.py encode < doc.json
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from codec import _json, conformance
from codec._decode import decode as decode_with_shape
from codec._shape import Kind, Shape

# A shape hint (docs/dialect.md §8) that declares every member, at any depth,
# and every array item a string: the decoder's own way of keeping text as text.
_EVERYTHING_A_STRING = Shape(Kind.STRING)
_EVERYTHING_A_STRING.additional = _EVERYTHING_A_STRING
_EVERYTHING_A_STRING.items = _EVERYTHING_A_STRING


def decode(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Decode with every plain text read as a string."""
    del variables  # no schema support
    return (_json.dumps(decode_with_shape(data, shape=_EVERYTHING_A_STRING)) + "\n").encode("utf-8")


FUNCTIONS = {"decode": decode, "encode": conformance.reference_encode}

if __name__ == "__main__":
    sys.exit(conformance.adapter_main(functions=FUNCTIONS))
