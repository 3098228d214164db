"""``python -m codec.conformance decode|encode|validate``: the reference adapter."""

import sys

from .reference import adapter_main

sys.exit(adapter_main())
