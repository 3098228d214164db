"""altcraft-codec: the Altcraft Platform API v1.1 wire format, JSON and XML.

``encode`` turns a request or response dict into the API's XML dialect and
``decode`` reads it back, losslessly; see docs/dialect.md for the rules.
"""

from ._decode import decode
from ._encode import encode
from ._errors import CodecError, DecodeError, EncodeError
from ._limits import Limits

__all__ = ["CodecError", "DecodeError", "EncodeError", "Limits", "decode", "encode"]
__version__ = "0.1.0"
