"""A client of the Altcraft API, as users write one: relations/edit over HTTP, in XML or JSON.

The call builds the request, checks it against the endpoint's schema, encodes
it (XML with ``codec.encode``, or JSON), sends it with the standard library's
``urllib``, decodes the answer with the endpoint's response schema and turns
an error answer into ``codec.ApiError`` with ``codec.raise_for_error``::

    python examples/client.py                       # against a stub of the API on 127.0.0.1
    python examples/client.py --format json
    python examples/client.py --url https://example.com --token YOUR_TOKEN

Without ``--url`` the script starts a stand-in for Altcraft on an ephemeral
port of 127.0.0.1 (``stub_server``), which answers the way the API does:
HTTP 200 with ``{"error": N, "error_text": "..."}`` in the caller's format,
401 without a token, 450 for an invalid request, 404 for an unknown profile.
Nothing but that address is contacted unless ``--url`` says so.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

try:
    import codec
    from codec.http import HttpError, negotiate_format, parse_request, render_response
except ModuleNotFoundError:  # run by a Python that lacks the package
    sys.exit(
        f"codec is not installed for {sys.executable}: install it into this Python "
        "(python -m pip install .), or run the script with the Python of the environment that has it"
    )

ENDPOINT = "relations/edit"
CONTENT_TYPES = {"xml": "application/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


# --- the client ------------------------------------------------------------------------


def edit_relation(
    base_url: str,
    token: str,
    *,
    rel_id: int,
    profile_a: str,
    profile_b: str,
    weights: Mapping[str, Any],
    fmt: Literal["xml", "json"] = "xml",
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Overwrite the properties of a relation between two profiles (relations/edit).

    Returns:
        The decoded response: ``profile_a``, ``profile_b``, ``relation_id``.

    Raises:
        codec.ValidationError: the request breaks the endpoint's schema (not sent).
        codec.ApiError: the API answered an error (``.code``, ``.text``).
        codec.DecodeError: the answer is not an API response.
        urllib.error.URLError: the API could not be reached.
    """
    request = {
        "rel_id": rel_id,
        "profile_a": {"profile_id": profile_a},
        "profile_b": {"profile_id": profile_b},
        "weights": dict(weights),
    }
    if fmt == "xml":
        body = codec.encode(request, endpoint=ENDPOINT, direction="request", validate=True)
    else:
        codec.validate(request, endpoint=ENDPOINT, direction="request")
        body = json.dumps(request).encode("utf-8")
    http_request = urllib.request.Request(
        f"{base_url.rstrip('/')}/api/v1.1/{ENDPOINT}",
        data=body,
        method="POST",
        headers={
            "Content-Type": CONTENT_TYPES[fmt],
            "Accept": CONTENT_TYPES[fmt],
            "Authorization": f"Bearer {token}",  # not in the URL: the API advises against it
        },
    )
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as reply:
            answer, content_type = reply.read(), reply.headers.get_content_type()
    except urllib.error.HTTPError as error:  # a gateway that answers errors with HTTP statuses
        with error:
            answer, content_type = error.read(), error.headers.get_content_type()
    if content_type in ("application/xml", "text/xml"):
        response = codec.decode(answer, endpoint=ENDPOINT, direction="response")
    else:
        response = json.loads(answer)
    codec.raise_for_error(response)
    return response


# --- a stand-in for the API ------------------------------------------------------------

KNOWN_PROFILES = frozenset({"669e6968ebf4ac52b623a997", "6751b8f1c5e3db9bcb75befa"})


def answer(method: str, path: str, headers: Mapping[str, str], body: bytes) -> tuple[str, bytes]:
    """What the stub answers: ``(content_type, body)``, always HTTP 200, as the API does."""
    try:
        request = parse_request(method, path, headers, body, validate=True, require_token=True)
    except HttpError as error:
        return error.render()
    payload = request.payload
    unknown = [payload[side]["profile_id"] for side in ("profile_a", "profile_b")]
    unknown = [profile for profile in unknown if profile not in KNOWN_PROFILES]
    if unknown:
        response: dict[str, Any] = {"error": 404, "error_text": f"Profile not found: {unknown[0]}"}
    else:
        response = {
            "error": 0,
            "error_text": "",
            "profile_a": payload["profile_a"]["profile_id"],
            "profile_b": payload["profile_b"]["profile_id"],
            "relation_id": payload["rel_id"],
        }
    fmt = negotiate_format(headers, payload=payload)
    return render_response(response, fmt, endpoint=request.endpoint)


class _StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path, _, _query = self.path.partition("?")
        content_type, data = answer(self.command, path, dict(self.headers.items()), body)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def stub_server() -> Iterator[str]:
    """A stand-in for the API on an ephemeral port of 127.0.0.1; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# --- the command -----------------------------------------------------------------------


def _calls(base_url: str, token: str, fmt: Literal["xml", "json"]) -> int:
    weights = {"user_like": 2, "donate": 343, "is_online": True}
    a, b = sorted(KNOWN_PROFILES)
    response = edit_relation(base_url, token, rel_id=2, profile_a=a, profile_b=b, weights=weights, fmt=fmt)
    print(f"relation {response['relation_id']} between {response['profile_a']} and {response['profile_b']}: edited")
    try:
        edit_relation(base_url, token, rel_id=2, profile_a=a, profile_b="0" * 24, weights=weights, fmt=fmt)
    except codec.ApiError as error:
        print(f"refused as expected: {error} (code {int(error.code)})")
        return 0
    print("the second call should have been refused", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Call relations/edit of an Altcraft API (a loopback stub by default).")
    parser.add_argument("--url", help="the API's base URL, e.g. https://example.com (default: a stub on 127.0.0.1)")
    parser.add_argument("--token", default="bfc505684d774e52b188fa1f003cd5ed", help="the API token")
    parser.add_argument("--format", choices=("xml", "json"), default="xml", help="the request's format")
    args = parser.parse_args(argv)
    if args.url:
        return _calls(args.url, args.token, args.format)
    with stub_server() as url:
        return _calls(url, args.token, args.format)


if __name__ == "__main__":
    sys.exit(main())
