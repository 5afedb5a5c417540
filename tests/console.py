"""Signing in to the supervisor console through its form, as a browser would."""

from __future__ import annotations

import re

from tests.api import PASSWORD


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Console:
    def __init__(self, app):
        self.client = app.test_client()
        self.token = ""

    def login(self, username: str, password: str = PASSWORD):
        page = self.client.get("/supervisor/login").get_data(as_text=True)
        response = self.client.post("/supervisor/login", data={
            "username": username, "password": password, "csrf_token": csrf_token(page)})
        if response.status_code == 303:
            self.token = csrf_token(self.client.get("/supervisor/").get_data(as_text=True))
        return response

    def get(self, path: str):
        return self.client.get(path, buffered=True)

    def html(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict, with_token: bool = True):
        if with_token:
            data = {**data, "csrf_token": self.token}
        return self.client.post(path, data=data)
