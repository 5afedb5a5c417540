"""A streaming TCP proxy on localhost that drops every connection after it has carried a fixed
number of bytes towards the server, as a phone's network does mid-upload. It records each
request line and the body bytes it delivered, so a test can tell what arrived and whether
anything that arrived was sent again."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

from tests.live_server import free_port

BUFFER = 64 * 1024


@dataclass
class Carried:
    """One request: its request line, the body bytes delivered, whether it was cut."""

    request_line: str = ""
    body_bytes: int = 0
    cut: bool = False


class CuttingProxy:
    """Forward to `upstream_port`, cutting each connection after `cut_after` bytes upstream."""

    def __init__(self, upstream_port: int, cut_after: int):
        self.upstream_port = upstream_port
        self.cut_after = cut_after
        self.port = free_port()
        self.connections: list[Carried] = []
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.close()
        for thread in list(self._threads):
            thread.join(timeout=10)

    def body_bytes(self, method: str) -> int:
        """Body bytes delivered to the server by requests of `method`, over all connections."""
        return sum(c.body_bytes for c in self.connections if c.request_line.startswith(method))

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._relay, args=(client,), daemon=True)
            with self._lock:
                self._threads.append(thread)
            thread.start()

    def _relay(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        requests = _Requests(self)
        sent = 0
        try:
            while sent < self.cut_after:
                data = client.recv(min(BUFFER, self.cut_after - sent))
                if not data:
                    break
                upstream.sendall(data)
                sent += len(data)
                requests.feed(data)
            else:
                requests.cut()
        except OSError:
            pass
        finally:
            # Cut, or the client is done with the connection: nothing more is delivered.
            _close(upstream)
            _close(client)


class _Requests:
    """Splits what a (keep-alive) connection carries into requests (Content-Length bodies)."""

    def __init__(self, proxy: CuttingProxy):
        self.proxy, self.head, self.left, self.current = proxy, b"", 0, None

    def feed(self, data: bytes) -> None:
        while data:
            if self.left:
                taken = data[:self.left]
                self.current.body_bytes += len(taken)
                self.left -= len(taken)
                data = data[len(taken):]
                continue
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            head, _, data = self.head.partition(b"\r\n\r\n")
            self.head = b""
            lines = head.split(b"\r\n")
            self.current = Carried(request_line=lines[0].decode(errors="replace"))
            with self.proxy._lock:
                self.proxy.connections.append(self.current)
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    self.left = int(value.strip())

    def cut(self) -> None:
        if self.current is not None:
            self.current.cut = True


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(BUFFER):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _close(target)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
