"""HTTP to the FieldSync server (httpx); any client can be injected (e.g. a WSGI transport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx

CHUNK = 256 * 1024


class Unreachable(Exception):
    """The server could not be reached or did not answer; nothing is known to have changed."""


class ServerRefused(Exception):
    """The server answered with an error in the contract's shape."""

    def __init__(self, status: int, error: dict):
        super().__init__(f"{status} {error.get('code')}: {error.get('message')}")
        self.status, self.error = status, error

    @property
    def code(self) -> str:
        return self.error.get("code", "")


class Transport:
    def __init__(self, base_url: str, token: str | None = None, *,
                 client: httpx.Client | None = None, timeout: float = 30.0):
        self.http = client or httpx.Client(base_url=base_url, timeout=timeout)
        self._owns_http = client is None  # an injected client belongs to the embedding app
        self.token = token

    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise Unreachable(f"the server answered {response.status_code}")
        if response.status_code >= 400 and method != "HEAD":
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "http_error", "message": response.text[:200]}
            raise ServerRefused(response.status_code, error)
        return response

    def call(self, method: str, path: str, **kwargs) -> httpx.Response:
        """Any request with the token; errors as Unreachable or ServerRefused (not for HEAD)."""
        return self._call(method, path, **kwargs)

    def login(self, username: str, password: str, device_id: str) -> dict:
        return self._call("POST", "/api/v1/auth/token", json={
            "username": username, "password": password, "device_id": device_id}).json()

    def me(self) -> dict:
        return self._call("GET", "/api/v1/me").json()

    def media_exists(self, sha256: str) -> bool:
        response = self._call("HEAD", f"/api/v1/media/{sha256}")
        if response.status_code == 401:
            raise ServerRefused(401, {"code": "invalid_token", "message": "log in again"})
        return response.status_code == 200

    def upload(self, sha256: str, path: Path, content_type: str,
               advance: Callable[[int], None] = lambda n: None) -> None:
        def body():
            with open(path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    advance(len(chunk))
                    yield chunk

        self._call("PUT", f"/api/v1/media/{sha256}", content=body(),
                   headers={"Content-Type": content_type,
                            "Content-Length": str(path.stat().st_size)})

    def push(self, client_id: str, mutations: list[dict]) -> dict:
        # ASCII JSON: text typed in a broken encoding (a lone surrogate) cannot be written as
        # UTF-8; escaped, it reaches the server, which refuses that one mutation.
        body = json.dumps({"client_id": client_id, "mutations": mutations}).encode()
        return self._call("POST", "/api/v1/sync/push", content=body,
                          headers={"Content-Type": "application/json"}).json()

    def pull(self, cursor: str | None, limit: int) -> dict:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        # Pages are large and compress about tenfold; httpx inflates the answer.
        return self._call("GET", "/api/v1/sync/pull", params=params,
                          headers={"Accept-Encoding": "gzip"}).json()
