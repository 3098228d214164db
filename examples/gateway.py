"""A validating gateway in front of a (fake) Altcraft API, served on 127.0.0.1.

A stand-in for Altcraft that answers every method with "Successful
operation" (and tells what reached it), wrapped in codec.gateway's middleware.
From a clone of the repository, after the README's install command::

    .venv/bin/pip install '.[gateway]'                      # uvicorn, for the ASGI middleware
    .venv/bin/python examples/gateway.py                    # ASGI (uvicorn) on 127.0.0.1:8080
    .venv/bin/python examples/gateway.py --wsgi --strict    # WSGI (wsgiref) instead, strict schemas

Without the ``gateway`` extra the script serves the WSGI middleware with the
standard library's wsgiref, and says so. Then::

    curl -s 127.0.0.1:8080/api/v1.1/relations/edit -H 'Content-Type: application/json' \\
         -d '{"rel_id": 2, "profile_a": {"profile_id": "a"}, "profile_b": {"profile_id": "b"}, "weights": {}}'
    curl -s 127.0.0.1:8080/api/v1.1/relations/edit -H 'Content-Type: text/xml' \\
         -d '<xml><rel_id>two</rel_id></xml>'

The middleware's throughput against the bare app is measured by
``bench/gateway.py``.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from collections.abc import Iterable, Sequence
from typing import Any

try:
    from codec.gateway import AltcraftValidationMiddleware, AltcraftValidationWSGIMiddleware
except ModuleNotFoundError:  # the usual cause: a Python other than the one the package went into
    sys.exit(
        f"codec is not installed for {sys.executable}: run the script with the Python of the "
        "environment you installed it into (.venv/bin/python examples/gateway.py after the README's "
        "install command), or install it here with: python -m pip install '.[gateway]'"
    )

HOST = "127.0.0.1"


# --- the stand-in for Altcraft ---------------------------------------------------------


def _fake_answer(path: str, content_type: str, body: bytes) -> bytes:
    """What the fake API answers: success, and what reached it."""
    method = path.removeprefix("/api/v1.1/").strip("/")
    seen = {"method": method, "content_type": content_type, "bytes": len(body)}
    return json.dumps({"error": 0, "error_text": "Successful operation", "upstream_saw": seen}).encode()


async def fake_altcraft(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI stand-in for an Altcraft installation (it does not parse bodies)."""
    if scope["type"] != "http":
        return  # the servers here run with lifespan="off"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
    answer = _fake_answer(scope["path"], content_type, body)
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(answer)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def fake_altcraft_wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The same stand-in, for WSGI."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    answer = _fake_answer(environ.get("PATH_INFO", ""), environ.get("CONTENT_TYPE", ""), body)
    start_response(
        "200 OK", [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(answer)))]
    )
    return [answer]


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "strict": args.strict,
        "convert_xml_to_json": args.convert_xml_to_json,
        "unknown_endpoints": "refuse" if args.refuse_unknown else "pass",
        "max_body_bytes": args.max_body_bytes,
        "error_status": "http" if args.http_statuses else "api",
        "require_token": args.require_token,
    }


def serve_wsgi(args: argparse.Namespace, note: str = "") -> None:
    from wsgiref.simple_server import make_server  # noqa: PLC0415

    options = _options(args)
    with make_server(HOST, args.port, AltcraftValidationWSGIMiddleware(fake_altcraft_wsgi, **options)) as server:
        print(f"gateway (WSGI) on http://{HOST}:{server.server_port}/api/v1.1/ {options}{note}", flush=True)
        server.serve_forever()


def serve(args: argparse.Namespace) -> None:
    if args.wsgi:
        serve_wsgi(args)
        return
    try:
        import uvicorn  # noqa: PLC0415 - optional: the gateway extra
    except ImportError:
        serve_wsgi(args, "; uvicorn is not installed (pip install '.[gateway]' for the ASGI middleware)")
        return
    options = _options(args)
    config = uvicorn.Config(
        AltcraftValidationMiddleware(fake_altcraft, **options), lifespan="off", log_level="warning", access_log=False
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, args.port))
    sock.listen(1024)  # connections wait in the backlog until uvicorn serves them
    print(f"gateway (ASGI) on http://{HOST}:{sock.getsockname()[1]}/api/v1.1/ {options}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a demo Altcraft gateway on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 to serve on (default 8080)")
    parser.add_argument("--wsgi", action="store_true", help="serve the WSGI middleware with wsgiref instead of ASGI")
    parser.add_argument("--strict", action="store_true", help="refuse members the schemas do not document")
    parser.add_argument("--convert-xml-to-json", action="store_true", help="pass XML bodies on as JSON")
    parser.add_argument("--refuse-unknown", action="store_true", help="refuse methods without a schema (501)")
    parser.add_argument("--http-statuses", action="store_true", help="answer errors with 4xx/5xx, not HTTP 200")
    parser.add_argument("--require-token", action="store_true", help="refuse requests without an API token (401)")
    parser.add_argument("--max-body-bytes", type=int, default=16 * 1024 * 1024, help="largest body (default 16 MiB)")
    serve(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
