"""RFC 9457 problem details: the one way the API says something went wrong."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPE_BASE = "https://lookbook.example/problems/"
PROBLEM_MIMETYPE = "application/problem+json"


class ApiProblem(Exception):
    """Raise in a view to answer with a problem+json response."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        slug: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTP_STATUS_CODES.get(status, "Error")
        self.slug = slug or self.title.lower().replace(" ", "-")
        self.errors = errors or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """Return the problem document (e.g. for one failed request of a batch)."""
        return problem_body(self.status, self.detail, title=self.title, slug=self.slug,
                            errors=self.errors)

    def response(self) -> Response:
        return problem_response(
            self.status, self.detail, title=self.title, slug=self.slug,
            errors=self.errors, headers=self.headers,
        )


def problem_body(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return an RFC 9457 problem document."""
    title = title or HTTP_STATUS_CODES.get(status, "Error")
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build a problem+json response."""
    body = problem_body(status, detail, title=title, slug=slug, errors=errors)
    resp = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    resp.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def field_error(name: str, message: str) -> dict[str, str]:
    """Return one entry of a problem's ``errors`` list."""
    return {"field": name, "message": message}
