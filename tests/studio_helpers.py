"""Signing in to the studio in tests, and posting its forms with their CSRF token."""

from __future__ import annotations

import re
from typing import Any

from lookbook.auth.users import create_user

PASSWORD = "a long enough password"
_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def make_user(db, email: str, role: str = "curator") -> str:
    """Create a staff account; return its email."""
    with db.write() as session:
        create_user(session, email, PASSWORD, role=role)
    return email


class Studio:
    """A signed-in test client that knows its CSRF token."""

    def __init__(self, app, email: str | None = None) -> None:
        self.client = app.test_client()
        self.token = ""
        if email:
            self.sign_in(email)

    def sign_in(self, email: str, password: str = PASSWORD):
        page = self.client.get("/login").get_data(as_text=True)
        resp = self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": _TOKEN.search(page).group(1)})
        self.refresh_token()
        return resp

    def refresh_token(self) -> None:
        match = _TOKEN.search(self.client.get("/login").get_data(as_text=True))
        self.token = match.group(1) if match else ""

    def get(self, path: str, **kw: Any):
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kw)

    def page(self, path: str) -> str:
        resp = self.client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)


def version_of(html: str) -> str:
    """Return the lookbook version the editor's forms carry."""
    return re.search(r'name="version" value="(\d+)"', html).group(1)
