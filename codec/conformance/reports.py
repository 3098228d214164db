"""Reports of a run: the text summary and JUnit XML for CI systems."""

from __future__ import annotations

from collections.abc import Sequence

from .._dialect import ILLEGAL
from .manifest import KINDS
from .runner import Result

__all__ = ["junit_xml", "report"]


def report(results: Sequence[Result]) -> str:
    """The text report: a line per failure with its diff indented under it,
    a line per reason for skipping, and last ``N passed, M failed``."""
    lines = []
    for result in results:
        if result.status == "failed":
            case = result.case
            lines.append(f"FAIL {case.id} [{case.kind}, {case.rule}]: {result.message}")
            lines.extend("    " + line for line in result.diff.splitlines())
    skipped: dict[str, int] = {}
    for result in results:
        if result.status == "skipped":
            skipped[result.message] = skipped.get(result.message, 0) + 1
    lines.extend(f"{count} skipped: {reason}" for reason, count in skipped.items())
    passed = sum(r.status == "passed" for r in results)
    failed = sum(r.status == "failed" for r in results)
    lines.append(f"{passed} passed, {failed} failed")
    return "\n".join(lines) + "\n"


def _xml_safe(text: str) -> str:
    """``text`` with the characters XML cannot hold (§6) as ``\\uXXXX``."""
    return ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def junit_xml(results: Sequence[Result], *, name: str = "altcraft-codec conformance") -> bytes:
    """JUnit XML for CI systems: a ``testsuite`` per kind, a ``testcase`` per
    vector (``classname`` ``vectors.KIND``, ``name`` the id)."""
    from xml.etree import ElementTree  # noqa: PLC0415 - kept off the CLI's start-up path

    suites = ElementTree.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    elapsed = 0.0
    for kind in KINDS:
        members = [r for r in results if r.case.kind == kind]
        if not members:
            continue
        failures = sum(r.status == "failed" for r in members)
        skipped = sum(r.status == "skipped" for r in members)
        seconds = sum(r.seconds for r in members)
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=kind,
            tests=str(len(members)),
            failures=str(failures),
            errors="0",
            skipped=str(skipped),
            time=f"{seconds:.3f}",
        )
        for result in members:
            case = result.case
            testcase = ElementTree.SubElement(
                suite, "testcase", classname=f"vectors.{kind}", name=case.id, time=f"{result.seconds:.3f}"
            )
            if result.status == "failed":
                failure = ElementTree.SubElement(testcase, "failure", message=_xml_safe(result.message))
                failure.text = _xml_safe(result.diff)
            elif result.status == "skipped":
                ElementTree.SubElement(testcase, "skipped", message=_xml_safe(result.message))
        totals["tests"] += len(members)
        totals["failures"] += failures
        totals["skipped"] += skipped
        elapsed += seconds
    for key, value in totals.items():
        suites.set(key, str(value))
    suites.set("errors", "0")
    suites.set("time", f"{elapsed:.3f}")
    ElementTree.indent(suites)
    document: bytes = ElementTree.tostring(suites, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
