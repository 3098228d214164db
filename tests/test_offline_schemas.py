"""The schema files as a standard tool sees them: check-jsonschema, offline, no flags.

check-jsonschema (a separately maintained validator) gets each file under
``schemas/`` as it is, with ``--schemafile`` and nothing else; its relative
``$ref``s must resolve to the files next to it (the files carry no ``$id``) and
nothing may be fetched (every run has a dead HTTP proxy). Its verdict must be
the codec's on every schema vector of ``vectors/manifest.json``, on every doc
example of ``docs/examples/`` and on the format edge values below.

Two forms are checked: the files themselves and their bundled single-file
form (codec.openapi.bundle, ``altcraft-codec schema``). check-jsonschema 0.39
resolves a file's ``$ref`` to a neighbouring file, but not a ``$ref`` made from
inside that neighbour to a third file across folders (its issue #640: the
second hop is joined to the first file's folder); schemas whose shared blocks
refer to other shared blocks are therefore checked in the bundled form only.

The runs are batched: one check-jsonschema call per schema file takes every
instance for that schema; the calls go through its command-line entry point
in this process (its own argument parsing, loading and reporting), and one
test runs the installed ``check-jsonschema`` command as a user would.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import codec
from codec import openapi, schemas

pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra")
from check_jsonschema import main as check_jsonschema_main
from click.testing import CliRunner  # click comes with check-jsonschema

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
VECTORS = ROOT / "vectors"
EXAMPLES = ROOT / "docs" / "examples"
DEAD_PROXY = "http://127.0.0.1:9"  # a fetch through it fails at once, loudly

# (endpoint, direction, strict, instance name, payload, the manifest's verdict or None)
Case = tuple[str, str, bool, str, Any, "bool | None"]


def _manifest_cases() -> list[Case]:
    manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    cases: list[Case] = []
    for entry in manifest["cases"]:
        if entry["kind"] != "schema":
            continue
        payload = json.loads((VECTORS / entry["files"]["json"]).read_text(encoding="utf-8"))
        cases.append((entry["endpoint"], entry["direction"], entry["strict"], entry["id"], payload, entry["valid"]))
    return cases


def _example_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(EXAMPLES.rglob("*.json")):
        rel = path.relative_to(EXAMPLES).as_posix()
        section, _, name = rel.rpartition("/")
        method, direction = name.split(".")[:2]
        example = json.loads(path.read_text(encoding="utf-8"))
        for strict in (False, True) if example.get("strict") else (False,):
            label = f"example-{rel.replace('/', '-')}-{'strict' if strict else 'plain'}"
            cases.append((f"{section}/{method}", direction, strict, label, example["payload"], True))
    return cases


# Values where format checkers disagree: check-jsonschema's own "email" is "has
# an @", its "date-time" takes "," for "." and a final newline, the codec took a
# space for the "T". The schemas now state each format's shape as a "pattern",
# which both read alike; these pin that they do.
FORMAT_EDGES: list[tuple[str, str, str, list[str]]] = [
    (
        "suppresses/email_add",
        "email",
        "email",
        [
            "a@example.com",
            "first.last+tag@sub.example.co.uk",
            "ü@пример.рф",
            "a@b",
            "a b@example.com",
            "a\u00a0b@example.com",
            "@example.com",
            "a@",
            "a@@example.com",
            "a@.com",
            "a@example.",
            "a@example.com\n",
            '"a b"@example.com',
            "x" * 320 + "@example.com",
            "",
        ],
    ),
    (
        "scampaigns/activate",
        "activate_date",
        "date-time",
        [
            "2024-01-31T10:00:00Z",
            "2024-02-29t00:00:00z",
            "2024-01-31T10:00:00.123+03:00",
            "2024-01-31 10:00:00Z",
            "2024-01-31T10:00:00,5Z",
            "2024-01-31T10:00:00Z\n",
            "0000-01-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-31T24:00:00Z",
            "2024-01-31T10:00:60Z",
            "2024-01-31T10:00:00+24:00",
            "2024-01-31T10:00:00",
            "2024-01-31",
            "２０２４-01-31T10:00:00Z",
        ],
    ),
]


def _format_cases() -> list[Case]:
    cases: list[Case] = []
    for endpoint, member, fmt, values in FORMAT_EDGES:
        for index, value in enumerate(values):
            cases.append((endpoint, "request", False, f"{fmt}-{index}", {"id": 1, member: value}, None))
    return cases


def _strict_wrapper(endpoint: str, direction: str, schema_file: Path) -> dict[str, Any]:
    """The strict form of a schema for an outside tool: the codec's own strict
    root (the schema and the closure of its documented members, a standard
    2020-12 document), pointing at the file instead of the registry's name."""
    internal = f"https://altcraft-codec.invalid/schemas/{endpoint}.{direction}.json"
    root = schemas._root_schema(internal, True)
    assert root["$ref"] == internal
    wrapper = {key: value for key, value in root.items() if key != "$id"}  # its base is its own file
    wrapper["$ref"] = schema_file.as_uri()
    return wrapper


def test_strict_wrapper_is_the_codecs_strict_root() -> None:
    # If codec.schemas builds strict mode another way, this test must follow it.
    internal = "https://altcraft-codec.invalid/schemas/relations/get.request.json"
    ours = _strict_wrapper("relations/get", "request", SCHEMAS / "relations/get.request.json")
    root = schemas._root_schema(internal, True)
    assert {k: v for k, v in root.items() if k != "$id"} == dict(ours, **{"$ref": internal})
    assert "additionalProperties" in json.dumps(ours["$defs"])  # the closure that strict mode adds


def _codec_verdict(endpoint: str, direction: str, strict: bool, payload: Any) -> bool:
    try:
        codec.validate(payload, endpoint=endpoint, direction=direction, strict=strict)  # type: ignore[arg-type]
    except codec.ValidationError:
        return False
    return True


def _second_hop(endpoint: str, direction: str) -> bool:
    """Whether the schema reaches a file through another file (check-jsonschema #640)."""
    files = schemas.documents()
    root = f"{endpoint}.{direction}.json"
    first = {_target(root, ref) for ref in _refs(files[root])} - {root}
    return any(_target(path, ref) != path for path in first for ref in _refs(files[path]))


def _target(path: str, ref: str) -> str:
    file = ref.partition("#")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), file)) if file else path


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for key, value in node.items() if key not in ("const", "enum") for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def _tool_verdicts(
    cases: list[Case], workdir: Path, monkeypatch: pytest.MonkeyPatch, *, bundled: bool
) -> dict[str, bool]:
    """check-jsonschema's verdict on each case, by instance name: one run per schema."""
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(variable, DEAD_PROXY)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    groups: dict[tuple[str, str, bool], list[Case]] = defaultdict(list)
    for case in cases:
        groups[case[0], case[1], case[2]].append(case)
    verdicts: dict[str, bool] = {}
    runner = CliRunner()
    for (endpoint, direction, strict), members in sorted(groups.items()):
        schema_file = SCHEMAS / f"{endpoint}.{direction}.json"
        if bundled:
            schema_file = workdir / f"bundle-{endpoint.replace('/', '-')}.{direction}.json"
            schema_file.write_text(json.dumps(openapi.bundle(endpoint, direction)), encoding="utf-8")
        elif _second_hop(endpoint, direction):
            continue
        if strict:
            wrapper = workdir / f"strict-{endpoint.replace('/', '-')}.{direction}.json"
            wrapper.write_text(json.dumps(_strict_wrapper(endpoint, direction, schema_file)), encoding="utf-8")
            schema_file = wrapper
        files = []
        for case in members:
            instance = workdir / f"{case[3]}.json"
            instance.write_text(json.dumps(case[4], ensure_ascii=False), encoding="utf-8")
            files.append(str(instance))
        result = runner.invoke(check_jsonschema_main, ["--schemafile", str(schema_file), "-o", "json", *files])
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        assert result.exit_code in (0, 1) and not crashed, f"{schema_file}: {result.output}{result.exception!r}"
        assert result.stdout.strip(), f"{schema_file}: no report; stderr: {result.stderr}"
        report = json.loads(result.stdout)
        assert not report.get("parse_errors"), report
        failed = {Path(error["filename"]).name for error in report["errors"]}
        for case in members:
            verdicts[case[3]] = f"{case[3]}.json" not in failed
    return verdicts


def _compare(cases: list[Case], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = {}
    for endpoint, direction, strict, name, payload, expected in cases:
        ours[name] = _codec_verdict(endpoint, direction, strict, payload)
        if expected is not None:
            assert ours[name] == expected, f"{name}: the codec says {ours[name]}, the vector {expected}"
    for bundled in (False, True):
        workdir = tmp_path / ("bundled" if bundled else "files")
        workdir.mkdir()
        tool = _tool_verdicts(cases, workdir, monkeypatch, bundled=bundled)
        if bundled:
            assert set(tool) == set(ours)  # every case, in this form
        differ = [f"{name}: check-jsonschema {verdict}, codec {ours[name]}" for name, verdict in tool.items()]
        assert [line for name, line in zip(tool, differ, strict=True) if tool[name] != ours[name]] == []


def test_most_files_are_checked_as_they_are() -> None:
    pairs = [(name, direction) for name in codec.endpoints() for direction in ("request", "response")]
    second_hop = [pair for pair in pairs if _second_hop(*pair)]
    assert len(second_hop) < len(pairs) / 4, second_hop


def test_check_jsonschema_agrees_on_every_schema_vector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _manifest_cases()
    assert len(cases) > 800  # every endpoint schema, both ways, strict cases too
    assert any(case[2] for case in cases) and not all(case[5] for case in cases)
    _compare(cases, tmp_path, monkeypatch)


def test_check_jsonschema_agrees_on_every_doc_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _example_cases()
    assert cases
    _compare(cases, tmp_path, monkeypatch)


def test_check_jsonschema_agrees_on_format_edges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _format_cases()
    _compare(cases, tmp_path, monkeypatch)
    # Not all one way: both accept some and refuse some of each format.
    verdicts = {case[3]: _codec_verdict(*case[:3], case[4]) for case in cases}
    for _, _, fmt, values in FORMAT_EDGES:
        mine = {verdicts[f"{fmt}-{i}"] for i in range(len(values))}
        assert mine == {True, False}, fmt


def _format_nodes(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("format") in ("email", "date", "date-time"):
            found.append(node)
        for value in node.values():
            found += _format_nodes(value)
    elif isinstance(node, list):
        for value in node:
            found += _format_nodes(value)
    return found


def test_every_format_states_its_shape_as_a_pattern() -> None:
    # The codec's format checks rely on it (codec/_formats.py); a schema
    # added without it: run /work/notes/rewrite_schemas.py (see the README).
    patterns: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SCHEMAS.rglob("*.json")):
        for node in _format_nodes(json.loads(path.read_text(encoding="utf-8"))):
            assert "pattern" in node, f"{path.relative_to(SCHEMAS)}: {node['format']} with no pattern"
            patterns[node["format"]].add(node["pattern"])
    assert {fmt: len(found) for fmt, found in patterns.items()} == {"email": 1, "date": 1, "date-time": 1}


def test_the_installed_command_with_no_flags(tmp_path: Path) -> None:
    # The README's command, verbatim: a schema file with relative $refs into
    # schemas/shared/, no network (dead proxy), no flags.
    command = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert command is not None
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {"rel_id": 2, "profile_a": {"profile_id": "p"}, "profile_b": {"email": "a@example.com"}, "weights": {}}
        )
    )
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"rel_id": 2, "profile_a": {"profile_id": "p"}, "profile_b": {"email": "a@b"}, "weights": {}})
    )
    env = {"PATH": "/usr/bin:/bin", "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY}
    schema = str(SCHEMAS / "relations/edit.request.json")
    ok = subprocess.run(
        [command, "--schemafile", schema, str(good)], capture_output=True, text=True, env=env, check=False
    )
    assert (ok.returncode, ok.stdout.strip()) == (0, "ok -- validation done"), ok.stderr
    ko = subprocess.run(
        [command, "--schemafile", schema, str(bad)], capture_output=True, text=True, env=env, check=False
    )
    assert ko.returncode == 1, ko.stderr
    assert "$.profile_b.email: 'a@b' does not match" in ko.stdout
    assert "Traceback" not in ko.stdout + ko.stderr


def _readme_commands() -> list[tuple[str, list[str]]]:
    """The ``$ command`` lines of the README's "Using the schemas elsewhere" and the output under each."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using the schemas elsewhere\n", 1)[1].split("\n## ", 1)[0]
    commands: list[tuple[str, list[str]]] = []
    for block in section.split("```console\n")[1:]:
        for line in block.split("```", 1)[0].splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                commands[-1][1].append(line)
    return commands


def test_readme_commands(tmp_path: Path) -> None:
    commands = _readme_commands()
    assert len(commands) >= 5
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "MYPY_CACHE_DIR": str(tmp_path / "mypy"),
        "HTTP_PROXY": DEAD_PROXY,
        "HTTPS_PROXY": DEAD_PROXY,
        "NO_COLOR": "1",
    }
    for command, expected in commands:
        run = subprocess.run(
            command, shell=True, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False
        )
        assert (run.stdout + run.stderr).splitlines() == expected, command
