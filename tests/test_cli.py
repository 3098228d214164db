"""The installed ``altcraft-codec`` command, run as a subprocess.

    altcraft-codec encode [FILE] [--pretty]   JSON to XML
    altcraft-codec decode [FILE] [--pretty]   XML to JSON

Standard input and output by default; exit 0 on success, 1 on invalid input
with ``FILE:LINE: message`` on standard error, 2 on a usage error.
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
    assert result.stderr.decode().startswith("<stdin>:2: an integer of 4301 digits")


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


@pytest.mark.parametrize(
    ("document", "line", "words"),
    [
        pytest.param(b"<xml>\n<a>1</a>\n<b>\n</xml>\n", 4, "malformed", id="unclosed"),
        pytest.param(b"<xml>\n<a>1</a>\n<b>2</c>\n</xml>\n", 3, "malformed", id="mismatched"),
        pytest.param(b"<xml>\n<a>1</a>\n</b>\n</xml>\n", 3, "malformed", id="stray-end-tag"),
        pytest.param(b"<xml>\n\n\n\n<a>&bogus;</a>\n</xml>\n", 5, "", id="undefined-entity"),
        pytest.param(b"<xml>\n<a>\n<b x='true'>1</b>\n</a>\n</xml>\n", 3, "/a/b", id="unknown-attribute"),
        pytest.param(b"<xml>\n<a>\n\n<q json='true'>{]</q>\n</a>\n</xml>\n", 4, "/a/q", id="bad-embedded-json"),
        pytest.param(b'<?xml version="1.0"?>\n<!DOCTYPE xml>\n<xml/>', 2, "DOCTYPE", id="doctype"),
        pytest.param(b"<root/>", 1, "root", id="wrong-root"),
        pytest.param(b"<xml><a>\xff</a></xml>", 1, "", id="invalid-utf8"),
    ],
)
def test_invalid_xml(tmp_path: Path, document: bytes, line: int, words: str) -> None:
    source = tmp_path / "bad.xml"
    source.write_bytes(document)
    message = failed(run("decode", str(source)))
    assert message.startswith(f"{source}:{line}: "), message
    assert words in message
    assert message.count("\n") == 1


def test_invalid_xml_on_stdin_and_relative_names(tmp_path: Path) -> None:
    document = b"<xml>\n<a>1</a>\n<b>2</c>\n</xml>\n"
    (tmp_path / "bad.xml").write_bytes(document)
    message = failed(run("decode", stdin=document))
    assert re.match(r"(<stdin>|-):3: ", message), message
    message = failed(run("decode", "bad.xml", cwd=tmp_path))
    assert message.startswith("bad.xml:3: "), message


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
