"""Apply the text policy (``lookbook.catalog.text``) to everything a request carries.

Before any view runs: every query parameter, path segment and form field must be valid
Unicode without control characters (forms may hold line breaks: textareas send them),
and a ``sku`` or ``slug`` in the path is normalised (NFKC) or, when no item or
lookbook could have it, answered with a 404 that does not repeat it.  JSON bodies are
checked where they are decoded (``lookbook.api.body``).  Views then apply each field's
own rules (limits, vocabularies) on top.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import BaseConverter

from lookbook.catalog.params import ParamError, field_error
from lookbook.catalog.records import RESERVED_SKUS, valid_sku
from lookbook.catalog.text import MULTILINE, ONE_LINE, problem_in
from lookbook.lookbooks.records import valid_slug

MAX_URL = 8000  # characters of path and query; gunicorn itself stops at 8190 bytes


class SkuConverter(BaseConverter):
    """A path segment naming an item: never a sibling route such as ``/items/import``."""

    regex = "(?!(?:" + "|".join(sorted(RESERVED_SKUS)) + ")$)[^/]+"


def init_app(app: Flask) -> None:
    """Register the ``sku`` converter and the checks every request goes through first."""
    app.url_map.converters["sku"] = SkuConverter
    app.url_value_preprocessor(_normalise_path_values)
    app.before_request(_check_query_and_form)


def _normalise_path_values(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values:
        return
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        if name == "sku":
            checked = valid_sku(value)
        elif name == "slug":
            checked = valid_slug(value)
        else:
            checked = None if problem_in(value) else value
        if checked is None:
            if request.method in ("PUT", "POST", "PATCH") and name in ("sku", "slug"):
                raise ParamError([field_error(name, f"is not a valid {name}")])
            abort(404)  # nothing can live at this address; the 404 does not repeat it
        values[name] = checked


def _check_query_and_form() -> None:
    if len(request.full_path) > MAX_URL:
        abort(414)
    errors = [field_error(name, problem)
              for name, value in request.args.items(multi=True)
              if (problem := problem_in(name or "") or problem_in(value or "", ONE_LINE))]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        errors += [field_error(name, problem)
                   for name, value in request.form.items(multi=True)
                   if (problem := problem_in(name or "") or problem_in(value or "", MULTILINE))]
    if errors:
        for error in errors:  # a bad parameter *name* is not repeated either
            field = error["field"]
            if not field or problem_in(field):  # a multipart part may have no name at all
                error["field"] = "(a parameter name)"
        raise ParamError(errors)
