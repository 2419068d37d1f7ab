"""Decode request bodies safely: JSON objects and CSV text, never a 500."""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import request

from lookbook.api.problems import ApiProblem
from lookbook.catalog.text import json_problems


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_value() -> Any:
    """Decode the request body as JSON or answer 415/400 (deep nesting and NaN included).

    Every string in the document (keys too) must pass the text policy's character
    rules (``lookbook.catalog.text``): a lone surrogate or a control character is a 422
    naming where it is, before any view reads it.
    """
    if not request.is_json:
        raise ApiProblem(415, "send the body as application/json", title="Unsupported media type")
    try:
        value = json.loads(request.get_data(cache=True), parse_constant=_reject_constant)
    except RecursionError:
        raise ApiProblem(400, "the JSON body is nested too deeply", title="Invalid JSON") from None
    except ValueError as exc:
        raise ApiProblem(400, f"the body is not valid JSON: {str(exc)[:120]}",
                         title="Invalid JSON") from None
    problems = json_problems(value)
    if problems:
        raise ApiProblem(422, "the body holds text that is not allowed", title="Invalid text",
                         errors=problems)
    return value


def encode_json(data: Any) -> bytes:
    """Encode an answer compactly as UTF-8 JSON (keys in the order they were built).

    orjson, about a hundred times faster than the json module here, and it splices
    pre-encoded items (``orjson.Fragment``) into the body.
    """
    return orjson.dumps(data)


def json_body() -> dict[str, Any]:
    """Decode the request body as a JSON object or answer 400/415/422."""
    data = json_value()
    if not isinstance(data, dict):
        raise ApiProblem(422, "the body must be a JSON object", title="Invalid body")
    return data
