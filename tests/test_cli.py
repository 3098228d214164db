"""The installed ``altcraft-codec`` command, run as a subprocess.

    altcraft-codec encode [FILE] [--pretty]   JSON to XML
    altcraft-codec decode [FILE] [--pretty]   XML to JSON
    altcraft-codec validate FILE... --endpoint M --direction D
    altcraft-codec endpoints | schema M --direction D | conformance | --version

Standard input and output by default; exit 0 on success, 1 on invalid input
with ``FILE:LINE: message`` on standard error (``FILE:LINE:COL:`` for JSON),
2 on a usage error, 141 when the reader of the output goes away. At the end,
the JSON position scanner behind the columns is tested in process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import documents, same

from codec import _json, _jsonpos

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "relations-get.response.json"


def _command() -> str:
    """The installed console script: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent
    found = shutil.which("altcraft-codec", path=str(beside)) or shutil.which("altcraft-codec")
    if found is None:
        pytest.fail("the altcraft-codec command is not installed (pip install -e .)")
    return found


def run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONUTF8="1")
    return subprocess.run(
        [_command(), *args], input=stdin, capture_output=True, timeout=60, cwd=cwd, env=env, check=False
    )


def ok(result: subprocess.CompletedProcess[bytes]) -> bytes:
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stderr == b""
    return result.stdout


def failed(result: subprocess.CompletedProcess[bytes], status: int = 1) -> str:
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == b""
    return result.stderr.decode("utf-8")


def test_the_command_is_installed() -> None:
    assert os.access(_command(), os.X_OK)


VALUE = {"a": [1], "b": "x", "c": {"d": 1.0, "e": None}, "f": "1", "g": []}
CANONICAL = (
    b"<xml><a array='true'>1</a><b>x</b><c><d>1.0</d><e json='true'>null</e></c>"
    b"<f string='true'>1</f><g array='true'/></xml>"
)


def test_encode_file(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(VALUE), encoding="utf-8")
    assert ok(run("encode", str(source))).rstrip(b"\n") == CANONICAL


def test_encode_stdin() -> None:
    assert ok(run("encode", stdin=json.dumps(VALUE).encode())).rstrip(b"\n") == CANONICAL
    assert ok(run("encode", "-", stdin=json.dumps(VALUE).encode())).rstrip(b"\n") == CANONICAL


def test_encode_json_with_a_bom_and_non_ascii() -> None:
    out = ok(run("encode", stdin=b"\xef\xbb\xbf" + '{"a": "é😀"}'.encode()))
    assert out.rstrip(b"\n") == "<xml><a>é😀</a></xml>".encode()


def _json_out(out: bytes) -> Any:
    return json.loads(out.decode("utf-8"))


def test_decode_file(tmp_path: Path) -> None:
    source = tmp_path / "in.xml"
    source.write_bytes(CANONICAL)
    out = ok(run("decode", str(source)))
    assert _json_out(out) == VALUE
    assert b"1.0" in out  # the float stays a float


def test_decode_stdin() -> None:
    assert _json_out(ok(run("decode", stdin=CANONICAL))) == VALUE
    assert _json_out(ok(run("decode", "-", stdin=CANONICAL))) == VALUE


def test_decode_keeps_big_integers_exact() -> None:
    digits = "7" * 4300  # the default Limits.max_int_digits
    out = ok(run("decode", stdin=f"<xml><a>{digits}</a><b>-{digits}</b></xml>".encode()))
    assert out.decode().replace(" ", "").strip() == f'{{"a":{digits},"b":-{digits}}}'


def test_decode_refuses_integers_over_the_digit_limit() -> None:
    result = run("decode", stdin=f"<xml>\n<a>{'7' * 4301}</a></xml>".encode())
    assert result.returncode == 1
    assert result.stderr.decode().startswith("<stdin>:2: /a: an integer of 4301 digits")


def test_pretty(tmp_path: Path) -> None:
    value = {"a": {"b": 1}, "c": [1, 2]}
    expected = b"<xml>\n  <a>\n    <b>1</b>\n  </a>\n  <c>1</c>\n  <c>2</c>\n</xml>"
    assert ok(run("encode", "--pretty", stdin=json.dumps(value).encode())).rstrip(b"\n") == expected
    source = tmp_path / "in.json"
    source.write_text(json.dumps(value), encoding="utf-8")
    assert ok(run("encode", str(source), "--pretty")).rstrip(b"\n") == expected
    out = ok(run("decode", "--pretty", stdin=expected))
    assert _json_out(out) == value
    assert len(out.decode().strip().splitlines()) > 1
    assert "\n  " in out.decode()
    compact = ok(run("decode", stdin=expected))
    assert len(compact.decode().strip().splitlines()) == 1


# A malformed document is placed at LINE:COL, the column as libxml2 reports
# it (past the offending token); a refused element at its LINE and pointer.
@pytest.mark.parametrize(
    ("document", "where", "words"),
    [
        pytest.param(b"<xml>\n<a>1</a>\n<b>\n</xml>\n", "4:7", "malformed", id="unclosed"),
        pytest.param(b"<xml>\n<a>1</a>\n<b>2</c>\n</xml>\n", "3:9", "malformed", id="mismatched"),
        pytest.param(b"<xml>\n<a>1</a>\n</b>\n</xml>\n", "3:5", "malformed", id="stray-end-tag"),
        pytest.param(b"<xml>\n\n\n\n<a>&bogus;</a>\n</xml>\n", "5:11", "bogus", id="undefined-entity"),
        pytest.param(b"<xml>\n<a>\n<b x='true'>1</b>\n</a>\n</xml>\n", "3: /a/b", "", id="unknown-attribute"),
        pytest.param(b"<xml>\n<a>\n\n<q json='true'>{]</q>\n</a>\n</xml>\n", "4: /a/q", "", id="bad-embedded-json"),
        pytest.param(b'<?xml version="1.0"?>\n<!DOCTYPE xml>\n<xml/>', "2", "DOCTYPE", id="doctype"),
        pytest.param(b"<root/>", "1", "root", id="wrong-root"),
        pytest.param(b"<xml><a>\xff</a></xml>", "1:9", "", id="invalid-utf8"),
    ],
)
def test_invalid_xml(tmp_path: Path, document: bytes, where: str, words: str) -> None:
    source = tmp_path / "bad.xml"
    source.write_bytes(document)
    message = failed(run("decode", str(source)))
    assert message.startswith(f"{source}:{where}: "), message
    assert words in message
    assert message.count("\n") == 1


def test_invalid_xml_on_stdin_and_relative_names(tmp_path: Path) -> None:
    document = b"<xml>\n<a>1</a>\n<b>2</c>\n</xml>\n"
    (tmp_path / "bad.xml").write_bytes(document)
    message = failed(run("decode", stdin=document))
    assert re.match(r"(<stdin>|-):3:9: ", message), message
    message = failed(run("decode", "bad.xml", cwd=tmp_path))
    assert message.startswith("bad.xml:3:9: "), message


# JSON errors carry LINE:COL (1-based, columns in characters): where the
# reader stopped, or where the refused value starts.
@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param('{\n  "a": 1,\n  "b": \n}\n', 4, 1, id="missing-value"),
        pytest.param('{\n "a": 1,\n "b": }\n', 3, 7, id="missing-value-same-line"),
        pytest.param('{\n "a": [1, 2,]\n}', 2, 13, id="trailing-comma"),
        pytest.param('{"a": 1}\n{"b": 2}', 2, 1, id="extra-data"),
        pytest.param('{\n\n\n"a" 1}', 4, 5, id="missing-colon"),
        pytest.param('{"a": "abc\n"}', 1, 11, id="newline-in-string"),
        pytest.param("{'a': 1}", 1, 2, id="single-quotes"),
        pytest.param('\n\n{"a": 1,}', 3, 9, id="trailing-comma-in-object"),
        pytest.param('{"é😀": [1,\n "ü", ]}', 2, 7, id="columns-count-characters"),
    ],
)
def test_malformed_json(tmp_path: Path, text: str, line: int, column: int) -> None:
    source = tmp_path / "bad.json"
    source.write_text(text, encoding="utf-8")
    message = failed(run("encode", str(source)))
    assert message.startswith(f"{source}:{line}:{column}: invalid JSON: "), message
    assert message.count("\n") == 1


def test_malformed_json_on_stdin() -> None:
    message = failed(run("encode", stdin=b'{\n "a": 1,\n "b": }\n'))
    assert re.match(r"(<stdin>|-):3:7: ", message), message


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        pytest.param('{"a": NaN}', "1:7", "NaN is not a JSON value", id="NaN"),
        pytest.param('{"a": [1,\n Infinity]}', "2:2", "Infinity is not a JSON value", id="Infinity"),
        pytest.param('{"a": {"b": -Infinity}}', "1:13", "-Infinity is not a JSON value", id="minus-Infinity"),
        pytest.param('{"a": "NaN",\n "b": 1e999}', "2:7", "1e999 is too large", id="overflow"),
        pytest.param('{"a": 1,\n  "a": 2}', "2:3", "duplicate key 'a'", id="duplicate-key"),
        pytest.param('{"a": 1, "b": {"c": 1, "c": 2}}', "1:24", "duplicate key 'c'", id="duplicate-key-nested"),
        # The reader checks an object's keys when it closes: the inner object's first.
        pytest.param('{"a": 1, "a": {"b": 1, "b": 2}}', "1:24", "duplicate key 'b'", id="duplicate-keys-inner-first"),
        pytest.param('{"a": "x\\"y", "a\\u0041": 1, "aA": 2}', "1:29", "duplicate key 'aA'", id="escaped-keys"),
        pytest.param('{"a":\n' + "1" * 4301 + "}", "2:1", "4301 digits", id="integer-digits"),
        pytest.param("[1, 2]", "1:1", "must be an object", id="not-an-object"),
        pytest.param("\ufeff\n  [1, 2]", "2:3", "must be an object", id="after-a-bom"),
    ],
)
def test_invalid_json_values(tmp_path: Path, text: str, where: str, words: str) -> None:
    source = tmp_path / "in.json"
    source.write_text(text, encoding="utf-8")
    message = failed(run("encode", str(source)))
    assert message.startswith(f"{source}:{where}: "), message
    assert words in message
    assert message.count("\n") == 1


def test_lone_surrogate_escapes_in_json_are_carried() -> None:
    out = ok(run("encode", stdin=b'{"a": "\\ud800"}'))
    assert out.rstrip(b"\n") == b"<xml><a json='true'>\"\\ud800\"</a></xml>"
    assert _json_out(ok(run("decode", stdin=out))) == {"a": "\ud800"}


def test_json_that_is_not_utf8(tmp_path: Path) -> None:
    source = tmp_path / "latin1.json"
    source.write_bytes(b'{\n"a": "caf\xe9"}')
    assert failed(run("encode", str(source))).startswith(f"{source}:2:10: the JSON is not UTF-8")


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xml"
    assert failed(run("decode", str(missing))).startswith(str(missing))
    assert failed(run("encode", str(tmp_path))).startswith(str(tmp_path))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param((), id="no-command"),
        pytest.param(("frob",), id="unknown-command"),
        pytest.param(("decode", "--frob"), id="unknown-option"),
        pytest.param(("encode", "--pretty=yes"), id="option-with-value"),
        pytest.param(("--frob", "encode"), id="unknown-global-option"),
        pytest.param(("encode", "a.json", "b.json"), id="two-files"),
    ],
)
def test_usage_errors(args: tuple[str, ...]) -> None:
    message = failed(run(*args, stdin=b"{}"), status=2)
    assert "usage" in message.lower()


def test_help_is_not_an_error() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert b"encode" in result.stdout and b"decode" in result.stdout


def test_the_readme_example_is_the_docs_relations_get_response() -> None:
    # examples/ holds the bare payload the README's commands take; it must stay
    # the docs' example (docs/examples/, which the schema tests check), not drift.
    docs = json.loads((ROOT / "docs" / "examples" / "relations" / "get.response.json").read_text(encoding="utf-8"))
    assert json.loads(EXAMPLE.read_text(encoding="utf-8")) == docs["payload"]


def test_example_round_trip() -> None:
    expected = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    xml = ok(run("encode", str(EXAMPLE)))
    assert _json_out(ok(run("decode", stdin=xml))) == expected
    pretty = ok(run("encode", "--pretty", str(EXAMPLE)))
    assert _json_out(ok(run("decode", "--pretty", stdin=pretty))) == expected


def test_example_round_trip_through_a_shell_pipe() -> None:
    if shutil.which("sh") is None:
        pytest.skip("needs a POSIX shell")  # pragma: no cover
    command = _command()
    pipeline = f'"{command}" encode "{EXAMPLE}" | "{command}" decode'
    result = subprocess.run(["sh", "-c", pipeline], capture_output=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(EXAMPLE.read_text(encoding="utf-8"))


# --- standard streams: closed, broken, full; bounded input ---------------------


def _sh(script: str, *, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("sh") is None:
        pytest.skip("needs a POSIX shell")  # pragma: no cover
    env = dict(os.environ, PYTHONUTF8="1", CODEC=_command())
    return subprocess.run(["sh", "-c", script], capture_output=True, timeout=timeout, env=env, check=False)


def test_closed_stdin_with_a_file_argument_is_not_needed() -> None:
    result = _sh(f'"$CODEC" encode "{EXAMPLE}" <&-')
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"<xml>")
    assert result.stderr == b""


def test_closed_stdin_without_a_file_is_one_line_error() -> None:
    for command in ("encode", "decode", "validate - --endpoint relations/get --direction request"):
        result = _sh(f'"$CODEC" {command} <&-')
        assert result.returncode == 1, (command, result)
        # validate reports on standard output, encode and decode on standard error
        report = result.stdout if command.startswith("validate") else result.stderr
        assert report.decode() == "<stdin>: cannot read: Bad file descriptor\n", command
        assert b"Traceback" not in result.stdout + result.stderr


def test_closed_stdout_is_one_line_error_like_cat() -> None:
    result = _sh(f'"$CODEC" encode "{EXAMPLE}" >&-')
    assert result.returncode == 1
    assert result.stderr.decode() == "altcraft-codec: cannot write to standard output: Bad file descriptor\n"


def test_closed_stdout_and_stderr_exit_status_still_tells() -> None:
    result = _sh(f'"$CODEC" encode "{EXAMPLE}" >&- 2>&-; echo "status $?" >&2')
    assert result.stderr == b"status 1\n"
    ok_run = _sh(f'"$CODEC" encode "{EXAMPLE}" 2>&- >/dev/null; echo "status $?"')
    assert ok_run.stdout == b"status 0\n"


def test_closed_stdout_does_not_capture_files_opened_later(tmp_path: Path) -> None:
    # With fd 1 closed, the first file opened would get fd 1; writes meant for
    # standard output must never land in it.
    source = tmp_path / "in.json"
    source.write_text(json.dumps(VALUE), encoding="utf-8")
    before = source.read_bytes()
    result = _sh(f'"$CODEC" validate "{source}" --endpoint relations/get --direction request >&-')
    assert result.returncode == 1
    assert source.read_bytes() == before


def test_broken_pipe_exits_quietly_like_a_filter() -> None:
    # A pipe whose reader is gone before anything is written: EPIPE for sure.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [_command(), "encode", "--pretty", str(EXAMPLE)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == b""


def test_broken_pipe_through_a_shell_pipeline(tmp_path: Path) -> None:
    # Output larger than a pipe buffer, to a reader that reads nothing.
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"data": [{"profile_id": "669e6968ebf4ac52b623a997", "n": n} for n in range(20_000)]}))
    result = _sh(f'"$CODEC" encode "{big}" | true')
    assert result.returncode == 0
    assert result.stderr == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_device_is_one_line_error() -> None:
    result = _sh(f'"$CODEC" encode "{EXAMPLE}" >/dev/full')
    assert result.returncode == 1
    assert result.stderr.decode() == "altcraft-codec: cannot write to standard output: No space left on device\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("decode", "/dev/zero"), id="decode-file"),
        pytest.param(("encode", "/dev/zero"), id="encode-file"),
        pytest.param(("validate", "/dev/zero", "--endpoint", "relations/get", "--direction", "request"), id="validate"),
    ],
)
def test_endless_input_is_refused_after_max_bytes(args: tuple[str, ...]) -> None:
    # Under a memory limit far below what reading /dev/zero whole would take,
    # and a generous time guard: the command reads max_bytes + 1 and stops.
    limit = 512 * 1024 * 1024
    result = _sh(f'ulimit -v {limit // 1024}; "$CODEC" {" ".join(args)}', timeout=30)
    assert result.returncode == 1, result
    message = (result.stdout + result.stderr).decode()
    assert message == "/dev/zero: larger than the limit of 33554432 bytes (Limits.max_bytes); nothing was converted\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_standard_input_is_refused_after_max_bytes() -> None:
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run([_command(), "decode"], stdin=zero, capture_output=True, timeout=30, check=False)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "<stdin>: larger than the limit of 33554432 bytes (Limits.max_bytes); nothing was converted\n"
    )


# --- validate --------------------------------------------------------------------

REQUEST = ["--endpoint", "relations/get", "--direction", "request"]
VALID_REQUEST = '{"rel_id": 2, "profile_id": "669e6968ebf4ac52b623a997"}'


def _files(tmp_path: Path, **contents: str | bytes) -> dict[str, Path]:
    paths = {}
    for name, content in contents.items():
        path = tmp_path / name.replace("_", ".")
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        paths[name] = path
    return paths


def test_validate_valid_files_say_nothing(tmp_path: Path) -> None:
    files = _files(
        tmp_path,
        a_json=VALID_REQUEST,
        b_xml="<xml><rel_id>2</rel_id><profile_id>669e6968ebf4ac52b623a997</profile_id></xml>",
    )
    result = run("validate", str(files["a_json"]), str(files["b_xml"]), *REQUEST)
    assert result.returncode == 0, result
    assert result.stdout == result.stderr == b""


def test_validate_many_files_one_line_per_problem(tmp_path: Path) -> None:
    files = _files(
        tmp_path,
        good_json=VALID_REQUEST,
        bad_json='{\n  "rel_id": "2",\n  "profile_id": 7\n}\n',
        bad_xml="<xml>\n<rel_id>two</rel_id>\n<email>a@example.com</email>\n</xml>\n",
        malformed_xml="<xml>\n<rel_id>2</rel_id>\n<email>\n</xml>\n",
        malformed_json='{"rel_id": 2,,}',
        nan_json='{"rel_id": NaN}',
        missing_json=b"",
    )
    files["missing_json"].unlink()
    names = ["good_json", "bad_json", "bad_xml", "malformed_xml", "malformed_json", "nan_json", "missing_json"]
    result = run("validate", *(n.replace("_", ".") for n in names), *REQUEST, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == b""
    lines = result.stdout.decode().splitlines()
    assert lines[:3] == [
        "bad.json:3:17: /profile_id: 7 is not of type 'string'",
        "bad.json:2:13: /rel_id: '2' is not of type 'integer'",
        "bad.xml:2: /rel_id: 'two' is not of type 'integer'",
    ]
    assert re.fullmatch(r"malformed\.xml:4:7: malformed XML: .*", lines[3]), lines[3]
    assert lines[4].startswith("malformed.json:1:14: invalid JSON: Expecting property name"), lines[4]
    assert lines[5] == "nan.json:1:12: NaN is not a JSON value"
    assert lines[6] == "missing.json: cannot read: No such file or directory"
    assert len(lines) == 7


def test_validate_json_report(tmp_path: Path) -> None:
    files = _files(tmp_path, good_json=VALID_REQUEST, bad_xml="<xml>\n<rel_id>two</rel_id>\n</xml>", worse_json="{")
    result = run("validate", "good.json", "bad.xml", "worse.json", *REQUEST, "--strict", "-o", "json", cwd=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["endpoint"] == "relations/get"
    assert report["direction"] == "request"
    assert report["strict"] is True
    assert report["valid"] is False
    assert [(f["file"], f["format"], f["valid"]) for f in report["files"]] == [
        ("good.json", "json", True),
        ("bad.xml", "xml", False),
        ("worse.json", "json", False),
    ]
    assert report["files"][0]["errors"] == []
    assert {
        "path": "/rel_id",
        "message": "'two' is not of type 'integer'",
        "keyword": "type",
        "line": 2,
        "column": None,
    } in (report["files"][1]["errors"])
    (worse,) = report["files"][2]["errors"]
    assert worse["keyword"] is None
    assert (worse["line"], worse["column"]) == (1, 2)
    assert worse["message"].startswith("invalid JSON")
    assert files


def test_validate_json_report_all_valid(tmp_path: Path) -> None:
    _files(tmp_path, a_json=VALID_REQUEST)
    result = run("validate", "a.json", *REQUEST, "-o", "json", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["valid"] is True


def test_validate_reads_standard_input_and_sniffs_the_format() -> None:
    result = run("validate", "-", *REQUEST, stdin=b"\xef\xbb\xbf \n<xml><rel_id>x</rel_id></xml>")
    assert result.returncode == 1
    assert "<stdin>:2: /rel_id: 'x' is not of type 'integer'" in result.stdout.decode()
    assert ok(run("validate", "-", *REQUEST, stdin=VALID_REQUEST.encode())) == b""


def test_validate_format_option_overrides_the_content(tmp_path: Path) -> None:
    _files(tmp_path, a_json=VALID_REQUEST, b_xml="<xml><rel_id>2</rel_id></xml>")
    forced = run("validate", "a.json", *REQUEST, "--format", "xml", cwd=tmp_path)
    assert forced.returncode == 1
    assert forced.stdout.decode().startswith("a.json:1:1: malformed XML")
    forced = run("validate", "b.xml", *REQUEST, "--format", "json", cwd=tmp_path)
    assert forced.returncode == 1
    assert forced.stdout.decode().startswith("b.xml:1:1: invalid JSON")


def test_validate_strict_and_responses(tmp_path: Path) -> None:
    _files(tmp_path, a_json='{"rel_id": 2, "email": "a@example.com", "colour": "red"}')
    assert ok(run("validate", "a.json", *REQUEST, cwd=tmp_path)) == b""
    strict = run("validate", "a.json", *REQUEST, "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stdout.decode() == (
        "a.json:1:1: /: 'colour' is not a documented member here; documented: 'rel_id', 'matching', 'email', "
        "'phone', 'profile_id', 'field_name', 'field_value', 'resource_id', 'token', 'format'\n"
    )
    response = ["--endpoint", "relations/get", "--direction", "response"]
    assert ok(run("validate", str(EXAMPLE), *response)) == b""


def test_validate_positions_of_nested_values(tmp_path: Path) -> None:
    # Every violation at the line:col of its own value: nested objects, array
    # items, keys with "/" and "~" (escaped in pointers), strings holding brackets.
    text = (
        '{\n  "data": [\n    {"profile_id_a": "]}[{", "xxh_a": "1", "db_b": 9},\n'
        '    {"profile_id_a": "x",\n     "db_b": "nine", "props": {"a/b~c": {"value": 1}}}\n  ],\n'
        '  "error": "0"\n}\n'
    )
    _files(tmp_path, r_json=text)
    result = run("validate", "r.json", "--endpoint", "relations/get", "--direction", "response", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert "r.json:5:14: /data/1/db_b: 'nine' is not of type 'integer'" in lines
    assert "r.json:7:12: /error: '0' is not of type 'integer'" in lines
    for line in lines:
        assert re.match(r"r\.json:\d+:\d+: /", line), line


def test_validate_huge_and_deep_json_in_bounded_time(tmp_path: Path) -> None:
    # A violation at the end of a big document, and a document nested a
    # million deep: the position scanner is linear and does not recurse.
    records = [{"profile_id_a": "669e6968ebf4ac52b623a997", "xxh_a": "1", "db_b": 9}] * 50_000
    records.append({"profile_id_a": "x", "xxh_a": "1", "db_b": "nine"})
    big = tmp_path / "big.json"
    text = json.dumps({"data": records, "error": 0})
    big.write_text(text, encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text('{"data":\n' + "[" * 1_000_000 + "]" * 1_000_000 + "}", encoding="utf-8")
    result = run(
        "validate", "big.json", "deep.json", "--endpoint", "relations/get", "--direction", "response", cwd=tmp_path
    )
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    column = text.rindex('"nine"') + 1
    assert f"big.json:1:{column}: /data/50000/db_b: 'nine' is not of type 'integer'" in lines
    assert lines[-1] == "deep.json:2:64: nested deeper than the limit of 64"


def test_validate_usage_errors_print_its_usage() -> None:
    for args in (
        ("validate", "a.json"),  # no --endpoint
        ("validate", *REQUEST),  # no file
        ("validate", "a.json", *REQUEST, "--format", "yaml"),
        ("validate", "a.json", *REQUEST, "-o", "xml"),
    ):
        message = failed(run(*args), status=2)
        assert message.startswith("usage: altcraft-codec validate "), (args, message)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("validate", "a.json", "--endpoint", "relation/get", "--direction", "request"), id="validate"),
        pytest.param(("encode", "--endpoint", "relation/get", "--direction", "request"), id="encode"),
        pytest.param(("decode", "--endpoint", "relation/get", "--direction", "request", "--validate"), id="decode"),
        pytest.param(("schema", "relation/get", "--direction", "request"), id="schema"),
    ],
)
def test_unknown_endpoint_is_a_usage_error_naming_the_cli(args: tuple[str, ...]) -> None:
    message = failed(run(*args, stdin=b"{}"), status=2)
    assert message.startswith(f"usage: altcraft-codec {args[0]} "), message
    assert message.splitlines()[-1] == (
        f"altcraft-codec {args[0]}: error: unknown endpoint 'relation/get'; did you mean relations/get or"
        " relations/edit or relations/detach? ('altcraft-codec endpoints' lists them)"
    )
    assert "codec.endpoints()" not in message


def test_subcommand_usage_errors_print_the_subcommand_usage() -> None:
    for args in (("encode", "--endpoint", "relations/get"), ("decode", "--strict"), ("schema", "relations/get")):
        message = failed(run(*args), status=2)
        assert message.startswith(f"usage: altcraft-codec {args[0]} "), (args, message)


# --- endpoints, schema, --version --------------------------------------------------


def test_endpoints_one_line_each() -> None:
    import codec

    lines = ok(run("endpoints")).decode().splitlines()
    assert len(lines) == len(codec.endpoints())
    rows = [re.fullmatch(r"(\S+)\t(\S[^\t]*)", line) for line in lines]
    assert all(rows), lines
    assert [row.group(1) for row in rows if row] == list(codec.endpoints())
    summaries = {row.group(1): row.group(2) for row in rows if row}
    assert summaries["campaigns/activate"] == "Activate mailing (campaign)"
    assert summaries["relations/get"].startswith("Get profile relations info")
    assert not any(s.endswith(".") or "POST /api" in s for s in summaries.values())


def test_endpoints_json() -> None:
    import codec

    listed = json.loads(ok(run("endpoints", "--json")))
    assert [entry["endpoint"] for entry in listed] == list(codec.endpoints())
    assert all(set(entry) == {"endpoint", "summary"} and entry["summary"] for entry in listed)
    text = ok(run("endpoints")).decode()
    assert all(f"{e['endpoint']}\t{e['summary']}\n" in text and e["summary"] in text for e in listed)


def _standalone_errors(schema: dict[str, Any], payload: Any) -> list[str]:
    """Error paths of ``payload`` under ``schema`` with a bare 2020-12 validator
    that can fetch nothing: only a self-contained schema works."""
    import jsonschema
    import referencing
    import referencing.exceptions

    def refuse(uri: str) -> referencing.Resource[Any]:
        raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]

    registry: referencing.Registry[Any] = referencing.Registry(retrieve=refuse)  # type: ignore[call-arg]
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    return sorted("".join(f"/{p}" for p in error.absolute_path) for error in validator.iter_errors(payload))


def test_schema_is_self_contained() -> None:
    import codec

    document = json.loads(ok(run("schema", "relations/get", "--direction", "request")))
    assert document["title"] == codec.schema("relations/get", "request")["title"]
    assert "shared.envelope" in document["$defs"]
    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(document))
    assert refs and all(ref.startswith("#") for ref in refs)  # nothing outside the document
    for payload in (
        {"rel_id": 2, "profile_id": "669e6968ebf4ac52b623a997"},
        {"rel_id": "2", "matching": "phone"},
        {"rel_id": 2, "matching": "email", "email": 5},
        {},
    ):
        expected = sorted(v.path for v in codec.iter_errors(payload, endpoint="relations/get", direction="request"))
        assert _standalone_errors(document, payload) == expected, payload


def test_every_schema_bundles_self_contained() -> None:
    # In process (one command per schema would take minutes): the bundle the
    # command prints, for every endpoint and direction.
    import jsonschema

    import codec
    from codec import openapi

    for endpoint in codec.endpoints():
        for direction in ("request", "response"):
            document = openapi.bundle(endpoint, direction)
            jsonschema.Draft202012Validator.check_schema(document)
            _standalone_errors(document, {})  # resolves every $ref it meets, or raises


def test_version() -> None:
    import codec

    assert ok(run("--version")).decode() == f"altcraft-codec {codec.__version__}\n"


# --- conformance outside a checkout ----------------------------------------------


@pytest.fixture(scope="module")
def installed_without_vectors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose ``codec`` is a copy laid out as the wheel installs
    it (schemas inside the package), with no vectors/ folder next to it."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "codec", site / "codec", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", site / "codec" / "_schemas")
    return dict(os.environ, PYTHONPATH=str(site), PYTHONUTF8="1")


def test_conformance_without_vectors_names_the_option(
    installed_without_vectors: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [_command(), "conformance", "--decoder", "altcraft-codec decode"],
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
        env=installed_without_vectors,
        check=False,
    )
    assert result.returncode == 2, result
    message = result.stderr.decode()
    assert message.startswith("usage: altcraft-codec conformance "), message
    assert "--vectors DIR" in message.splitlines()[-1]
    listed = subprocess.run(
        [_command(), "conformance", "--vectors", str(ROOT / "vectors"), "--list", "--id", "array-*"],
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
        env=installed_without_vectors,
        check=False,
    )
    assert listed.returncode == 0, listed
    assert listed.stdout.startswith(b"array-")


def test_conformance_usage_errors_print_its_usage() -> None:
    message = failed(run("conformance"), status=2)
    assert message.startswith("usage: altcraft-codec conformance "), message
    assert message.splitlines()[-1] == (
        "altcraft-codec conformance: error: give at least one of --decoder, --encoder, --validator"
    )


# --- pre-commit --------------------------------------------------------------------


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)


def test_pre_commit_hook_runs_the_readme_config(tmp_path: Path) -> None:
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "altcraft-codec-validate"
    assert hook["entry"] == "altcraft-codec validate"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["json", "xml"]
    (config_text,) = _blocks(_readme_section("Command line"), "yaml")
    config = yaml.safe_load(config_text)
    (used,) = config["repos"][0]["hooks"]
    assert used["id"] == hook["id"]
    # What pre-commit runs: the entry, the args, then the matching files.
    fixtures = tmp_path / "fixtures" / "relations-get" / "responses"
    fixtures.mkdir(parents=True)
    shutil.copy(EXAMPLE, fixtures / "one.json")
    (fixtures / "two.xml").write_bytes(ok(run("encode", str(EXAMPLE))))
    files = sorted(
        str(p.relative_to(tmp_path))
        for p in fixtures.iterdir()
        if re.match(used["files"], str(p.relative_to(tmp_path)))
    )
    assert len(files) == 2
    command = [_command(), *hook["entry"].split()[1:], *used["args"], *files]
    assert ok(subprocess.run(command, capture_output=True, timeout=60, cwd=tmp_path, check=False)) == b""
    (fixtures / "three.json").write_text('{"data": [], "error": "0"}', encoding="utf-8")
    bad = subprocess.run(
        [*command, str((fixtures / "three.json").relative_to(tmp_path))],
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stdout.decode().startswith("fixtures/relations-get/responses/three.json:1:")


# --- the README's shell session ------------------------------------------------------

_MARK = "@@altcraft-codec-readme@@"


def _session(block: str) -> list[tuple[str, str]]:
    """The ``$ command`` lines of a console block with the output under each."""
    steps: list[tuple[str, str]] = []
    for line in block.splitlines(keepends=True):
        if line.startswith("$ "):
            steps.append((line[2:].rstrip("\n"), ""))
        else:
            assert steps, f"output before any command: {line!r}"
            command, output = steps[-1]
            steps[-1] = (command, output + line)
    return steps


def test_readme_command_line_session(tmp_path: Path) -> None:
    # Runs exactly the README's shell lines (parsed from README.md, so they
    # cannot drift), in one shell, in a directory holding a copy of examples/,
    # and compares what each prints (standard output and error, as a terminal shows).
    blocks = _blocks(_readme_section("Command line"), "console")
    assert blocks, "the README lost its command line examples"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for block in blocks:
        steps = _session(block)
        script = "".join(
            f"{command}\n__status=$?; printf '%s\\n' '{_MARK}'; (exit $__status)\n" for command, _ in steps
        )
        env = dict(os.environ, PYTHONUTF8="1", PATH=f"{Path(_command()).parent}{os.pathsep}{os.environ['PATH']}")
        done = subprocess.run(
            ["sh", "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=env,
            timeout=120,
            check=False,
        )
        outputs = done.stdout.decode().split(_MARK + "\n")
        assert outputs[-1] == ""
        assert len(outputs) - 1 == len(steps)
        for (command, expected), actual in zip(steps, outputs, strict=False):
            assert actual == expected, command


# --- the position scanner (codec._jsonpos), against the standard library's reader ----


def _pointers(value: Any) -> dict[str, Any]:
    """Every JSON Pointer in ``value`` with the value it leads to."""
    found: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        pointer, item = stack.pop()
        found[pointer] = item
        children = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, child in children:
            stack.append((pointer + "/" + str(key).replace("~", "~0").replace("/", "~1"), child))
    return found


_LAYOUTS = st.sampled_from([None, 0, 1, "\t", "\r\n\t \n"])


@given(document=documents, indent=_LAYOUTS, ascii_only=st.booleans())
def test_value_positions_point_at_each_value(document: dict[str, Any], indent: Any, ascii_only: bool) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    expected = _pointers(document)
    found = _jsonpos.value_positions(text, [*expected, "/no such member", "/0/x"])
    assert set(found) == set(expected)
    reader = json.JSONDecoder()
    places = _jsonpos.line_col(text, found.values())
    for pointer, position in found.items():
        value, _ = reader.raw_decode(text, position)
        assert same(value, expected[pointer]), pointer
        line, column = places[position]
        assert line == text.count("\n", 0, position) + 1
        assert column == position - (text.rfind("\n", 0, position) + 1) + 1


@given(document=documents, data=st.data())
def test_first_problem_finds_a_refused_literal(document: dict[str, Any], data: st.DataObject) -> None:
    text = json.dumps(document)
    scalars = [p for p, v in _pointers(document).items() if not isinstance(v, (dict, list))]
    if not scalars:
        return
    pointer = data.draw(st.sampled_from(scalars))
    literal = data.draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1E+999", "9" * 4301]))
    start = _jsonpos.value_positions(text, [pointer])[pointer]
    _, end = json.JSONDecoder().raw_decode(text, start)
    spoiled = text[:start] + literal + text[end:]
    with pytest.raises(_json.EmbeddedJSONError) as caught:
        _json.loads(spoiled)
    assert caught.value.pos is None
    assert _jsonpos.first_problem(spoiled, max_int_digits=4300) == start


def test_first_problem_of_a_duplicate_key_is_the_repeat() -> None:
    text = '{"a": {"x": 1, "y": [{}], "x": 2}, "b": "\\"}", "b": 3}'
    assert _jsonpos.first_problem(text, max_int_digits=4300) == text.index('"x": 2')


def test_scanner_is_iterative_and_linear_on_hostile_text() -> None:
    # Deep, unterminated and quote-heavy texts: no recursion, no rescans.
    deep = "[" * 200_000 + "]" * 200_000
    assert _jsonpos.value_positions(deep, ["/0" * 1000]) == {"/0" * 1000: 1000}
    assert _jsonpos.too_deep(deep, 64) == 64
    assert _jsonpos.first_problem("[" * 200_000, max_int_digits=4300) is None
    assert _jsonpos.value_positions('{"a": "' + '\\"' * 100_000, ["/a", "/b"]) == {}
    assert _jsonpos.first_problem('{"a": "' + '\\"' * 100_000, max_int_digits=4300) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_interrupt_exits_quietly_with_130(tmp_path: Path) -> None:
    import signal

    fifo = tmp_path / "in.xml"
    os.mkfifo(fifo)
    # SIGINT's default disposition in the child: a shell script that started
    # this run in the background (as .ci/run does) hands down SIGINT ignored.
    process = subprocess.Popen(
        [_command(), "decode", str(fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads start before exec
    )
    try:
        # Opening the writing end returns once the command has opened the
        # reading end: it is then inside its read, past start-up.
        with open(fifo, "wb") as writer:
            writer.write(b"<xml>")
            writer.flush()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert (out, err) == (b"", b"")


def test_conformance_junit_file_that_cannot_be_written(tmp_path: Path) -> None:
    junit = tmp_path / "no" / "such" / "dir" / "report.xml"
    result = run("conformance", "--decoder", f"{_command()} decode", "--id", "array-one-item", "--junit", str(junit))
    assert result.returncode == 1
    assert result.stderr.decode() == f"altcraft-codec conformance: cannot write {junit}: No such file or directory\n"
    assert result.stdout.decode().endswith("1 passed, 0 failed\n")


def test_plain_encode_and_decode_do_not_load_the_schema_layer(tmp_path: Path) -> None:
    # jsonschema doubles the start-up time; only schema options need it.
    script = (
        "import sys, contextlib, io\n"
        "from codec import cli\n"
        "with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO())):\n"
        f"    assert cli.main(['encode', {str(EXAMPLE)!r}]) == 0\n"
        "assert 'jsonschema' not in sys.modules, 'encode loaded jsonschema'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
