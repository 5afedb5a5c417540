"""A real HTTP receiver on a free local port: records every request, answers as scripted."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK = {"errcode": 0, "errmsg": "ok"}
SECRET = "internal-admin-token-7f3a9c: db=10.0.0.5 user=root"  # what an internal service says


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    at: float

    def json(self):
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # a client that timed out leaves a broken pipe: expected here


class Receiver:
    """Scripted answers per path: 'ok', 'http500', 'slow' (sleeps past the client's timeout),
    'errcode45009' and 'errcode93000' (WeCom's HTTP 200 with an error code), 'secret200' and
    'secret500' (SECRET as plain text), 'huge' (200 with 8 MiB of text) and
    'retry-after=<value>' (429 with that Retry-After header)."""

    def __init__(self, slow_seconds: float = 2.0, port: int = 0):
        self.requests: list[Received] = []
        self.scripts: dict[str, deque] = {}
        self.always: dict[str, str] = {}
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                behaviour = receiver._record(self.path, dict(self.headers), body)
                receiver._answer(self, behaviour)

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", port), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def url(self, path: str) -> str:
        return self.base + path

    def script(self, path: str, *behaviours: str) -> None:
        """Answer the next requests to `path` with these, then 'ok'."""
        self.scripts.setdefault(path, deque()).extend(behaviours)

    def answer_always(self, path: str, behaviour: str) -> None:
        self.always[path] = behaviour

    def to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _record(self, path: str, headers: dict, body: bytes) -> str:
        with self._lock:
            self.requests.append(Received(path, headers, body, time.monotonic()))
            queue = self.scripts.get(path)
            if queue:
                return queue.popleft()
            return self.always.get(path, "ok")

    def _answer(self, handler: BaseHTTPRequestHandler, behaviour: str) -> None:
        status, body, headers = 200, OK, {"Content-Type": "application/json"}
        if behaviour in ("secret200", "secret500", "huge"):
            status = 500 if behaviour == "secret500" else 200
            text = SECRET if behaviour != "huge" else SECRET * (8 * 1024 * 1024 // len(SECRET))
            self._write(handler, status, {"Content-Type": "text/plain"}, text.encode())
            return
        if behaviour.startswith("retry-after="):
            status, body = 429, {"error": "slow down"}
            headers["Retry-After"] = behaviour.removeprefix("retry-after=")
        elif behaviour == "http500":
            status, body = 500, {"error": "boom"}
        elif behaviour == "slow":
            time.sleep(self.slow_seconds)
        elif behaviour.startswith("errcode"):
            code = int(behaviour.removeprefix("errcode"))
            body = {"errcode": code, "errmsg": {45009: "api freq out of limit",
                                                93000: "invalid webhook url"}.get(code, "x")}
        self._write(handler, status, headers, json.dumps(body).encode())

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, status: int, headers: dict,
               data: bytes) -> None:
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout, or it read all it wanted)


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.alerts.receiver [--port 8085]`: answer every POST with WeCom's
    `{"errcode": 0}` and print what arrived, for trying the alerts by hand (README)."""
    import argparse

    options = argparse.ArgumentParser(description=main.__doc__)
    options.add_argument("--port", type=int, default=8085)
    port = options.parse_args(argv).port
    with Receiver(port=port) as receiver:
        print(f"listening on {receiver.base}/ (Ctrl-C stops)", flush=True)
        seen = 0
        try:
            while True:
                time.sleep(0.2)
                for request in receiver.requests[seen:]:
                    print(f"POST {request.path}\n{request.body.decode(errors='replace')}\n",
                          flush=True)
                seen = len(receiver.requests)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
