"""A real HTTP server on 127.0.0.1 for the tests: uvicorn serving an ASGI app
on an ephemeral port, in a thread; and the body reading every test app needs."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn  # the test extra has it: the tests that use it must run, not skip

HOST = "127.0.0.1"
TIMEOUT = 10.0


class ASGIServer:
    """``app`` served on ``HOST`` at ``self.port`` until :meth:`close`."""

    def __init__(self, app: Any, *, start_timeout: float = TIMEOUT) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((HOST, 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False, timeout_keep_alive=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + start_timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(TIMEOUT)
        self.sock.close()


async def read_body(receive: Any) -> bytes:
    """The whole request body of an ASGI request."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body
