"""A client that sends a request's head and part of its body, then waits: a slow phone
upload on a bad network, made on purpose and held open until the test lets it finish."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit


class TricklingUpload:
    """A request (PUT unless told) whose body arrives in two halves with a pause between."""

    def __init__(self, base_url: str, path: str, body: bytes, headers: dict[str, str], *,
                 method: str = "PUT"):
        address = urlsplit(base_url)
        self.sock = socket.create_connection((address.hostname, address.port), timeout=30)
        head = [f"{method} {path} HTTP/1.1", f"Host: {address.netloc}",
                f"Content-Length: {len(body)}", "Connection: close",
                *(f"{name}: {value}" for name, value in headers.items())]
        self.body = body
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())

    def send_first_half(self, *, settle: float = 0.5) -> None:
        """Send half the body and give the server time to start reading it."""
        self.sock.sendall(self.body[: len(self.body) // 2])
        time.sleep(settle)

    def finish(self) -> tuple[int, bytes]:
        """Send the rest; the status code and body of the answer."""
        self.sock.sendall(self.body[len(self.body) // 2:])
        answer = b""
        while chunk := self.sock.recv(65536):
            answer += chunk
        self.sock.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body

    def close(self) -> None:
        self.sock.close()
