"""RFC 9457 problem details: the one way the API says something went wrong."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from werkzeug.http import HTTP_STATUS_CODES

from lookbook.catalog.params import ParamError, field_error

__all__ = ["PROBLEM_MIMETYPE", "ApiProblem", "field_error", "param_problem", "problem_response"]

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
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body

    def response(self) -> Response:
        """Return the problem as an application/problem+json response."""
        resp = Response(json.dumps(self.body()), status=self.status, mimetype=PROBLEM_MIMETYPE)
        resp.headers["Cache-Control"] = "no-store"
        for key, value in self.headers.items():
            resp.headers[key] = value
        return resp


def problem_response(status: int, detail: str, **options: Any) -> Response:
    """Build a problem+json response (``options``: title, slug, errors, headers)."""
    return ApiProblem(status, detail, **options).response()


def param_problem(exc: ParamError) -> ApiProblem:
    """Return the 400 problem for invalid request parameters."""
    return ApiProblem(400, str(exc), title="Invalid parameters", errors=exc.errors)
