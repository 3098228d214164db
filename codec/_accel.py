"""Which implementation runs: the compiled accelerator or pure Python.

``codec._speedups`` (built from ``_speedups.pyx`` when a compiler is there)
handles the common case of encoding and of decoding (from expat's events, with
no tree, or else by walking lxml's tree), and hands anything else back to the
pure modules, which stay the reference and the source of every error. ``ALTCRAFT_CODEC_PURE=1`` forces the pure path; so does
an extension built for another lxml (it refuses to load).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from types import ModuleType
from typing import Any

__all__ = ["accelerated", "pure_path", "speedups", "why_pure"]


def _load() -> tuple[ModuleType | None, str]:
    if os.environ.get("ALTCRAFT_CODEC_PURE", "") not in ("", "0"):
        return None, "ALTCRAFT_CODEC_PURE is set"
    if importlib.util.find_spec(f"{__package__}._speedups") is None:
        return None, "the accelerator was not built (no C compiler or Cython when the package was installed)"
    try:
        from . import _speedups  # noqa: PLC0415 - optional, compiled
    except ImportError as exc:  # built for another lxml, or for another Python
        return None, f"the accelerator did not load: {exc}"
    return _speedups, ""


speedups, why_pure = _load()
"""The compiled module, or ``None``; and why not, when it is ``None``."""


def accelerated() -> bool:
    """Whether encode and decode take the compiled fast path.

    ``False`` when the package was installed without a C compiler, when
    ``ALTCRAFT_CODEC_PURE=1`` is set, or when the extension was built for
    another lxml. Results and errors are the same either way; only speed
    differs.
    """
    return speedups is not None


@contextlib.contextmanager
def pure_path() -> Iterator[None]:
    """Run the pure modules in place of the compiled code, within the block.

    For tests and benchmarks that compare both paths in one process; not
    thread-safe (``ALTCRAFT_CODEC_PURE=1`` is how a program runs pure). The
    one list of the modules that call the accelerator.
    """
    from . import _decode, _encode, _json, _payload_limits, http  # noqa: PLC0415 - they import this module

    modules: tuple[Any, ...] = (_encode, _decode, _payload_limits, _json, http)
    saved = [module.speedups for module in modules]
    for module in modules:
        module.speedups = None
    try:
        yield
    finally:
        for module, compiled in zip(modules, saved, strict=True):
            module.speedups = compiled
