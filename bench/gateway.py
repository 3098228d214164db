"""Benchmark: requests per second through codec.gateway's ASGI middleware against the bare app.

Run: python bench/gateway.py [--seconds 1] [--rounds 5] [--connections 4]

A valid relations/edit request, in JSON and in XML, is sent on loopback to
the same stand-in for Altcraft with and without the middleware (and with XML
converted to JSON). Each server is a uvicorn process of its own (one worker,
h11) on an ephemeral port of 127.0.0.1; the client, in this process, keeps
``--connections`` HTTP/1.1 connections busy for ``--seconds`` per
measurement, ``--rounds`` times interleaved, and reports the median rate, its
range, and the median ratio to the bare app within a round (adjacent in time,
so slow drifts of a shared machine cancel out). It then times the ASGI app
called in this process without HTTP: the middleware's own CPU per request.
Nothing but 127.0.0.1 is contacted. Needs uvicorn (the ``gateway`` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from codec.gateway import AltcraftValidationMiddleware

HOST = "127.0.0.1"
EDIT = "/api/v1.1/relations/edit"

# The request example of relations/edit, in both formats.
EDIT_JSON = json.dumps(
    {
        "token": "bfc505684d774e52b188fa1f003cd5ed",
        "rel_id": 2,
        "profile_a": {"profile_id": "669e6968ebf4ac52b623a997"},
        "profile_b": {"profile_id": "6751b8f1c5e3db9bcb75befa"},
        "weights": {"user_like": 2, "donate": 343, "is_online": True},
    }
).encode()
EDIT_XML = (
    b"<xml><token>bfc505684d774e52b188fa1f003cd5ed</token><rel_id>2</rel_id>"
    b"<profile_a><profile_id>669e6968ebf4ac52b623a997</profile_id></profile_a>"
    b"<profile_b><profile_id>6751b8f1c5e3db9bcb75befa</profile_id></profile_b>"
    b"<weights><user_like>2</user_like><donate>343</donate><is_online>true</is_online></weights></xml>"
)
ANSWER = b'{"error": 0, "error_text": "Successful operation"}'


async def upstream(scope: Any, receive: Any, send: Any) -> None:
    """The bare app: reads the body and answers success, as a thin proxy's cost."""
    if scope["type"] != "http":
        return  # the servers here run with lifespan="off"
    while True:
        message = await receive()
        if not message.get("more_body"):
            break
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", b"%d" % len(ANSWER))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": ANSWER})


APPS: dict[str, Any] = {
    "bare": upstream,
    "gateway": AltcraftValidationMiddleware(upstream),
    "gateway-convert": AltcraftValidationMiddleware(upstream, convert_xml_to_json=True),
}


def _serve_fd(fd: int, which: str) -> None:
    """Child: serve ``which`` on the listening socket ``fd`` until SIGTERM."""
    import uvicorn  # noqa: PLC0415 - only the children need it

    sock = socket.socket(fileno=fd)
    config = uvicorn.Config(APPS[which], lifespan="off", log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


# --- the benchmark ---------------------------------------------------------------


class _Connection:
    """A minimal keep-alive HTTP/1.1 client for one fixed request (cheap per call)."""

    def __init__(self, port: int, request: bytes) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request = request
        self.buffer = b""

    def call(self) -> tuple[bytes, bytes]:
        """Send the request; return the status line and the body."""
        self.sock.sendall(self.request)
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self.buffer) < length:
            self._more()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, body

    def _more(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buffer += data

    def close(self) -> None:
        self.sock.close()


def _request(content_type: str, body: bytes, path: str = EDIT) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {content_type}\r\n"
        f"Authorization: Bearer bfc505684d774e52b188fa1f003cd5ed\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def _check(status: bytes, body: bytes) -> None:
    if not status.startswith(b"HTTP/1.1 200") or body != ANSWER:
        raise RuntimeError(f"unexpected answer: {status!r} {body[:200]!r}")


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux ``/proc``; 0.0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(port: int, request: bytes, connections: int, seconds: float, pid: int = 0) -> tuple[float, float]:
    """Requests per second with ``connections`` busy connections, after a warm-up, and the
    server's CPU seconds per request (``pid``'s, over the same window)."""
    clients = [_Connection(port, request) for _ in range(connections)]
    for client in clients:
        _check(*client.call())
    counts = [0] * connections
    stop = threading.Event()
    errors: list[BaseException] = []

    def work(index: int) -> None:
        client = clients[index]
        try:
            while not stop.is_set():
                _check(*client.call())
                counts[index] += 1
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    time.sleep(min(0.5, seconds / 2))  # warm-up, not counted
    before, began, cpu = sum(counts), time.perf_counter(), _cpu_seconds(pid)
    time.sleep(seconds)
    after, elapsed, cpu = sum(counts), time.perf_counter() - began, _cpu_seconds(pid) - cpu
    stop.set()
    for thread in threads:
        thread.join(30)
    for client in clients:
        client.close()
    if errors:
        raise errors[0]
    return (after - before) / elapsed, cpu / max(after - before, 1)


class _Child:
    """A server process on an ephemeral port of 127.0.0.1."""

    def __init__(self, which: str) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((HOST, 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        fd = self.sock.fileno()
        command = [sys.executable, os.path.abspath(__file__), "--serve-fd", str(fd), "--serve-app", which]
        self.process = subprocess.Popen(command, pass_fds=[fd])

    def close(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.sock.close()


Row = tuple[str, str, list[float], list[float]]  # format, server, req/s and server CPU s/request per round


def bench(args: argparse.Namespace) -> list[Row]:
    """Requests/second and server CPU per request of every case, one figure per round."""
    cases: list[tuple[str, str, str, bytes]] = [
        ("JSON", "bare", "application/json", EDIT_JSON),
        ("JSON", "gateway", "application/json", EDIT_JSON),
        ("XML", "bare", "text/xml", EDIT_XML),
        ("XML", "gateway", "text/xml", EDIT_XML),
        ("XML", "gateway-convert", "text/xml", EDIT_XML),
    ]
    children = {which: _Child(which) for which in ("bare", "gateway", "gateway-convert")}
    try:
        for _fmt, which, content_type, body in cases:  # every server up, every validator built
            _measure(children[which].port, _request(content_type, body), 1, 0.05)
        rates: dict[tuple[str, str], list[float]] = {}
        cpus: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.rounds):
            for fmt, which, content_type, body in cases:
                child = children[which]
                request = _request(content_type, body)
                rate, cpu = _measure(child.port, request, args.connections, args.seconds, child.process.pid)
                rates.setdefault((fmt, which), []).append(rate)
                cpus.setdefault((fmt, which), []).append(cpu)
    finally:
        for child in children.values():
            child.close()
    return [(fmt, which, rates[fmt, which], cpus[fmt, which]) for fmt, which in rates]


def in_process(seconds: float) -> list[tuple[str, str, float]]:
    """Microseconds of CPU per request for the ASGI app called directly, no HTTP:
    the middleware's own cost, steadier than loopback figures on a busy machine."""
    cases = [
        ("JSON", "bare", b"application/json", EDIT_JSON),
        ("JSON", "gateway", b"application/json", EDIT_JSON),
        ("XML", "bare", b"text/xml", EDIT_XML),
        ("XML", "gateway", b"text/xml", EDIT_XML),
        ("XML", "gateway-convert", b"text/xml", EDIT_XML),
    ]

    async def call(app: Any, content_type: bytes, body: bytes) -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and message["body"] != ANSWER:
                raise RuntimeError(f"unexpected answer: {message['body'][:200]!r}")

        headers = [(b"host", HOST.encode()), (b"content-type", content_type), (b"content-length", b"%d" % len(body))]
        scope = {"type": "http", "method": "POST", "path": EDIT, "raw_path": EDIT.encode(), "query_string": b""}
        await app({**scope, "headers": headers}, receive, send)

    async def run() -> list[tuple[str, str, float]]:
        rows = []
        for _fmt, which, content_type, body in cases:  # warm-up: schemas loaded, validators built
            for _ in range(50):
                await call(APPS[which], content_type, body)
        for fmt, which, content_type, body in cases:
            count, began = 0, time.process_time()
            while time.process_time() - began < seconds / 4 or count < 100:
                await call(APPS[which], content_type, body)
                count += 1
            rows.append((fmt, which, (time.process_time() - began) / count * 1e6))
        return rows

    return asyncio.run(run())


COSTLY_XML = b"<xml>" + b"<ids>x</ids>" * 5000 + b"</xml>"  # 60 KB, 5,000 violations of market/products/delete


def stall(rounds: int) -> list[tuple[float, float, float]]:
    """While the gateway checks a costly body, how long a valid request waits.

    Per round: the seconds the costly body took to be answered, and the median
    and longest time of the valid relations/edit requests sent meanwhile, one
    after another on another connection."""
    child = _Child("gateway")
    results = []
    try:
        small = _Connection(child.port, _request("application/json", EDIT_JSON))
        _check(*small.call())
        for _ in range(rounds):
            costly = _Connection(child.port, _request("text/xml", COSTLY_XML, "/api/v1.1/market/products/delete"))
            done: list[float] = []
            began = time.perf_counter()

            def send_costly(connection: _Connection = costly) -> None:
                connection.call()
                done.append(time.perf_counter() - began)

            thread = threading.Thread(target=send_costly)
            thread.start()
            time.sleep(0.02)  # its body is in
            waits = []
            while thread.is_alive():
                sent = time.perf_counter()
                _check(*small.call())
                waits.append(time.perf_counter() - sent)
            thread.join()
            costly.close()
            results.append((done[0], statistics.median(waits), max(waits)))
        small.close()
    finally:
        child.close()
    return results


def print_table(rows: Sequence[Row], args: argparse.Namespace) -> None:
    """Per case: the median rate and its range, its median ratio to the bare app in the same
    rounds (adjacent in time, so slow drifts of a shared machine cancel out), the server's CPU
    per request, and the ratio of the bare app's CPU per request to it: the throughput a
    CPU-bound server reaches, which other load on the machine does not blur."""
    labels = {
        "bare": "app without the middleware",
        "gateway": "through the middleware",
        "gateway-convert": "through the middleware, converted to JSON",
    }
    by_case = {(fmt, which): (rates, cpus) for fmt, which, rates, cpus in rows}
    print(
        f"relations/edit, valid request; uvicorn {_uvicorn_version()} (1 worker, h11) on {HOST}; "
        f"{args.connections} keep-alive connections; {args.rounds} interleaved rounds of {args.seconds:g} s; "
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'body':<5} {'server':<42} {'req/s':>7} {'(min-max)':>13} {'vs bare':>8}"
        f" {'server CPU/request':>19} {'(min-max)':>11} {'vs bare':>8}"
    )
    for fmt, which, rates, cpus in rows:
        bare_rates, bare_cpus = by_case[fmt, "bare"]
        ratio = statistics.median(r / b for r, b in zip(rates, bare_rates, strict=True))
        cpu_ratio = statistics.median(b / c for b, c in zip(bare_cpus, cpus, strict=True) if c)
        print(
            f"{fmt:<5} {labels[which]:<42} {statistics.median(rates):>7.0f} {_span(rates, 1, '.0f'):>13}"
            f" {ratio:>8.0%} {statistics.median(cpus) * 1e6:>16.0f} µs {_span(cpus, 1e6, '.0f'):>11}"
            f" {cpu_ratio:>8.0%}"
        )


def _span(values: Sequence[float], scale: float, spec: str) -> str:
    return f"({min(values) * scale:{spec}}-{max(values) * scale:{spec}})"


def _uvicorn_version() -> str:
    try:
        import uvicorn  # noqa: PLC0415
    except ImportError:
        return "?"
    return str(uvicorn.__version__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per measurement (default 1)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds, medians reported (default 5)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--serve-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-app", default="bare", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fd is not None:
        _serve_fd(args.serve_fd, args.serve_app)
        return 0
    if args.seconds <= 0 or args.seconds > 60 or not 1 <= args.rounds <= 20 or not 1 <= args.connections <= 64:
        parser.error("--seconds must be in (0, 60], --rounds in 1..20, --connections in 1..64")
    print_table(bench(args), args)
    print("\nthe same requests, the ASGI app called in this process without HTTP (CPU per request):")
    for fmt, which, micros in in_process(args.seconds):
        print(f"{fmt:<5} {which:<16} {micros:>6.1f} µs")
    print(f"\na costly body ({len(COSTLY_XML)} bytes of XML, 5,000 violations) and valid requests sent meanwhile:")
    for costly, median, longest in stall(args.rounds):
        print(
            f"answered in {costly:.2f} s; meanwhile a valid request took {median * 1e3:.1f} ms (longest {longest * 1e3:.1f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
