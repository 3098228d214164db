"""Packaging: the wheel ships the schemas and works outside the source tree.

Builds the wheel from this checkout, installs it with its dependencies into a
fresh virtual environment in a temporary directory (no system site-packages,
not the test environment), and runs that environment's Python from another
temporary directory, in isolated mode (``-I``: no PYTHONPATH, no user site, no
current directory on sys.path), so the only ``codec`` it can import is the
installed one and the only schemas it can read are the ones inside the wheel.

Takes some 10-20 s: a build (without isolation when hatchling is installed,
which the editable install of the test environment usually brings), a venv
without pip (the test environment's pip installs into it), and an install
that may download lxml, jsonschema and referencing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import codec

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"

CHECK = textwrap.dedent(
    """
    import json
    import sys
    from pathlib import Path

    import codec
    from codec import schemas

    package = Path(codec.__file__).resolve().parent
    shipped = package / "_schemas"
    result = {
        "prefix": sys.prefix,
        "package": str(package),
        "sys_path": sys.path,
        "root": str(schemas._schemas_root()),
        "shipped": shipped.is_dir(),
        "files": sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*.json")),
        "endpoints": list(codec.endpoints()),
        "backend": schemas.backend(),
    }
    valid = {"rel_id": 2, "profile_id": "669e6968ebf4ac52b623a997"}
    codec.validate(valid, endpoint="relations/get", direction="request", strict=True)
    try:
        codec.validate({"rel_id": "2", "colour": "red"}, endpoint="/api/v1.1/relations/get/",
                       direction="request", strict=True)
    except codec.ValidationError as error:
        result["errors"] = [[v.path, v.keyword] for v in error.errors]
    xml = b"<xml><data><xxh_a>123</xxh_a><props/></data><error>0</error></xml>"
    result["decoded"] = codec.decode(xml, endpoint="relations/get", direction="response", validate=True)
    result["schema_title"] = codec.schema("profiles/list", "request")["title"]
    result["encoded"] = codec.encode({"db_id": 1, "query": {"a": 1}}, endpoint="profiles/list",
                                     direction="request").decode()
    try:
        codec.schema("relations/gett", "request")
    except LookupError as error:
        result["unknown"] = str(error)
    print(json.dumps(result))
    """
)


def _run(command: list[str | Path], **options: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **options,  # type: ignore[call-overload]
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _clean_env() -> dict[str, str]:
    """The environment without anything that points Python at this checkout."""
    drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV", "PYTHONSAFEPATH"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONNOUSERSITE"] = "1"
    env.pop("ALTCRAFT_CODEC_BACKEND", None)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    command: list[str | Path] = [sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(4, "--no-isolation")  # no download of the build backend
    _run(command, cwd=out, env=_clean_env())
    (built,) = out.glob("altcraft_codec-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    home = tmp_path_factory.mktemp("fresh")
    assert not home.resolve().is_relative_to(ROOT)
    venv = home / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], env=_clean_env())
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # The test environment's pip installs into the fresh venv, dependencies included.
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel],
        cwd=home,
        env=_clean_env(),
    )
    work = tmp_path_factory.mktemp("elsewhere")
    (work / "codec").mkdir()  # a decoy: -I keeps the cwd off sys.path
    done = _run([python, "-I", "-c", CHECK], cwd=work, env=_clean_env())
    yield {"venv": venv.resolve(), **json.loads(done.stdout)}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_wheel_holds_every_schema_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        shipped = {
            name.removeprefix("codec/_schemas/"): _digest(archive.read(name))
            for name in names
            if name.startswith("codec/_schemas/") and name.endswith(".json")
        }
    expected = {p.relative_to(SCHEMAS).as_posix(): _digest(p.read_bytes()) for p in SCHEMAS.rglob("*.json")}
    # Besides the schemas, only their README (conventions, strict mode, coverage).
    assert {n for n in names if n.startswith("codec/_schemas/") and not n.endswith(".json")} <= {
        "codec/_schemas/README.md"
    }
    assert shipped == expected
    assert "codec/__init__.py" in names
    assert "codec/schemas.py" in names
    assert not [n for n in names if n.startswith(("tests/", "schemas/", "vectors/"))]


def test_installed_wheel_runs_outside_the_source_tree(installed: dict[str, object]) -> None:
    package = Path(str(installed["package"]))
    venv = Path(str(installed["venv"]))
    assert package.is_relative_to(venv), package
    assert not package.is_relative_to(ROOT)
    assert Path(str(installed["prefix"])).resolve() == venv
    assert not any(str(ROOT) in entry for entry in installed["sys_path"])  # type: ignore[attr-defined]
    assert Path(str(installed["root"])) == package / "_schemas"
    assert installed["shipped"] is True
    expected = sorted(p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*.json"))
    assert installed["files"] == expected
    assert "site-packages" in package.parts


def test_installed_wheel_validates(installed: dict[str, object]) -> None:
    endpoints = installed["endpoints"]
    assert isinstance(endpoints, list)
    assert len(endpoints) >= 122  # issue 9 adds the endpoints whose pages were found
    assert endpoints == sorted(endpoints)
    # No fast extra in the fresh venv: the reference backend.
    assert installed["backend"] == "jsonschema"
    # The same violations as in the source tree.
    with pytest.raises(codec.ValidationError) as caught:
        codec.validate({"rel_id": "2", "colour": "red"}, endpoint="relations/get", direction="request", strict=True)
    expected = [[v.path, v.keyword] for v in caught.value.errors]
    assert ["", "additionalProperties"] in expected
    assert ["/rel_id", "type"] in expected
    assert installed["errors"] == expected
    assert installed["decoded"] == {"data": [{"xxh_a": "123", "props": {}}], "error": 0}
    assert installed["schema_title"] == "profiles/list request"
    assert installed["encoded"] == "<xml><db_id>1</db_id><query json='true'>{\"a\":1}</query></xml>"
    assert "relations/get" in str(installed["unknown"])


def test_installed_schemas_serve_other_tools(installed: dict[str, object], tmp_path: Path) -> None:
    # Issue 11: the schema files inside the installed wheel work with check-jsonschema as they are
    # (no network: a dead proxy), and the installed package writes the OpenAPI document and has codec.types.
    package = Path(str(installed["package"]))
    venv = Path(str(installed["venv"]))
    dead = "http://127.0.0.1:9"
    env = {"PATH": "/usr/bin:/bin", "HTTP_PROXY": dead, "HTTPS_PROXY": dead}
    command = Path(sys.executable).parent / "check-jsonschema"
    schema = package / "_schemas" / "relations" / "edit.request.json"
    good = ROOT / "vectors" / "schema" / "schema-relations-edit-request-valid.json"
    bad = ROOT / "vectors" / "schema" / "schema-relations-edit-request-invalid-wrong-type-email.json"
    _run([command, "--schemafile", schema, good], env=env)
    refused = subprocess.run(
        [str(command), "--schemafile", str(schema), str(bad)], capture_output=True, text=True, env=env, check=False
    )
    assert refused.returncode == 1 and "$.email: 12345 is not of type 'string'" in refused.stdout, refused
    script = "import codec.openapi, codec.types; print(len(codec.openapi.document()['paths']))"
    done = _run([venv / "bin" / "python", "-I", "-c", script], cwd=tmp_path, env=_clean_env())
    assert int(done.stdout) == len(installed["endpoints"])  # type: ignore[arg-type]
