"""A one-request-per-connection HTTP proxy on localhost that can misbehave on purpose:
drop a response after the server has handled the request, refuse requests, or stall them."""

from __future__ import annotations

import socket
import threading
import time

from tests.live_server import free_port


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    lines = [line for line in head.split(b"\r\n")
             if not line.lower().startswith(b"connection:")]
    return b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n" + body


class MisbehavingProxy:
    """Forward to `upstream`; `rules` decide per request line what goes wrong."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.port = free_port()
        self.log: list[str] = []
        self.drop_response_of: str | None = None  # request-line prefix: forward, then drop
        self.refuse: str | None = None  # request-line prefix: close without forwarding
        self.stall: tuple[str, float] | None = None  # prefix, seconds before forwarding
        self.seen = threading.Event()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            request = _read_request(conn)
            line = request.split(b"\r\n", 1)[0].decode(errors="replace")
            self.log.append(line)
            if self.refuse and line.startswith(self.refuse):
                return
            if self.stall and line.startswith(self.stall[0]):
                self.seen.set()
                time.sleep(self.stall[1])
            try:
                with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
                    upstream.sendall(request)
                    response = b""
                    while chunk := upstream.recv(65536):
                        response += chunk
            except OSError:
                return
            if self.drop_response_of and line.startswith(self.drop_response_of):
                self.drop_response_of = None  # once: the server committed, the device hears nothing
                return
            conn.sendall(response)
