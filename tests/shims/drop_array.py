"""A deliberately broken implementation for tests/test_conformance.py.

Its encoder is altcraft-codec's, except that it drops every ``array='true'``
from the output, as a writer that forgets one-item and empty arrays would: the
conformance runner must fail exactly the vectors flagged ``pins:array-attribute``
that run the encoder. Its decoder is altcraft-codec's, unchanged.

    python tests/shims/drop_array.py encode < doc.json
    python tests/shims/drop_array.py decode < doc.xml
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping

from codec import conformance

# In canonical output '<' starts a tag (text escapes it), so this only touches tags.
_ARRAY_ATTRIBUTE = re.compile(rb"(<[^<>]*?) array='true'")


def encode(data: bytes, variables: Mapping[str, str]) -> bytes:
    """Encode with altcraft-codec, then drop every array='true'."""
    return _ARRAY_ATTRIBUTE.sub(rb"\1", conformance.reference_encode(data, variables))


FUNCTIONS = {"encode": encode, "decode": conformance.reference_decode}

if __name__ == "__main__":
    sys.exit(conformance.adapter_main(functions=FUNCTIONS))
