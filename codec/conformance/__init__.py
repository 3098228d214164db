"""The conformance runner: the vectors of ``vectors/`` against any implementation.

An implementation under test is one to three commands that speak a stdin/stdout
protocol (``vectors/README.md`` has the full text):

- the **decoder** reads an XML document on standard input and prints the JSON
  it decodes to; a refusal is a non-zero exit status;
- the **encoder** reads a JSON document and prints its XML; a refusal is a
  non-zero exit status;
- the **validator** (optional) reads a JSON payload and exits 0 when it is
  valid, or non-zero with a JSON array of the violations' JSON Pointers on
  standard output.

Cases that need an endpoint's schema get ``ALTCRAFT_ENDPOINT`` (e.g.
``relations/get``) and ``ALTCRAFT_DIRECTION`` (``request`` or ``response``) in
their environment, and schema cases in strict mode ``ALTCRAFT_STRICT=1``; an
implementation without schemas skips them with ``--skip-schema``.

Decoded JSON is compared with the expected value type for type (``1``, ``1.0``
and ``true`` differ, so do ``0.0`` and ``-0.0``), member order aside. Encoder
output is judged by decoding it with this library's decoder, and with
``--canonical`` also byte for byte against the vector's canonical XML (one
trailing newline is ignored). Commands run without a shell (``shlex.split``),
one process per case, in a thread pool, each with a timeout.

The library side is :func:`load`, :func:`select`, :func:`run`, :func:`report`
and :func:`junit_xml`; :class:`Command` and :func:`in_process` make programs out
of commands and Python functions, and ``python -m codec.conformance
decode|encode|validate`` is this library behind the protocol (the reference
adapter).

One module per job: :mod:`.manifest` (the cases), :mod:`.programs` (commands
and in-process functions under test), :mod:`.reference` (this library as a
program), :mod:`.runner` (judging) and :mod:`.reports` (text and JUnit). The
command ``altcraft-codec conformance`` is in :mod:`codec.cli`.
"""

from __future__ import annotations

# "X as X": re-exported for callers of the single-module runner, though not in
# the short __all__ below (mypy --strict needs the explicit form).
from .manifest import DIRECTION_VARIABLE as DIRECTION_VARIABLE
from .manifest import ENDPOINT_VARIABLE as ENDPOINT_VARIABLE
from .manifest import KINDS as KINDS
from .manifest import STRICT_VARIABLE as STRICT_VARIABLE
from .manifest import Case, load, select
from .manifest import ExpectedError as ExpectedError
from .manifest import default_vectors_dir as default_vectors_dir
from .programs import Command, Refusal, in_process
from .programs import Outcome as Outcome
from .programs import Program as Program
from .reference import adapter_main, reference_program
from .reference import reference_decode as reference_decode
from .reference import reference_encode as reference_encode
from .reference import reference_validate as reference_validate
from .reports import junit_xml, report
from .runner import Result, run
from .runner import same as same

# The names most callers need; the rest are public in their modules.
__all__ = [
    "Case",
    "Command",
    "Refusal",
    "Result",
    "adapter_main",
    "in_process",
    "junit_xml",
    "load",
    "reference_program",
    "report",
    "run",
    "select",
]
