"""What studio views share: error maps for forms, the conflict page, thumbnails, paging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask import Response, abort, current_app, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadData, URLSafeSerializer

from lookbook.catalog.models import Item
from lookbook.catalog.queries import BadKey, Key, Page, parse_key
from lookbook.catalog.records import Problem
from lookbook.lookbooks.details import aware
from lookbook.lookbooks.editing import EditConflict

Errors = dict[str, list[str]]


def form_errors(problems: Iterable[Problem]) -> Errors:
    """Group problems by field, in the order they were found (for the error summary)."""
    out: Errors = {}
    for p in problems:
        out.setdefault(p.field, []).append(p.message)
    return out


def conflict_page(exc: EditConflict, reload_url: str) -> Response:
    """Answer a stale save: 409, who changed it and when, and a way back."""
    page = render_template("curate/conflict.html", conflict=exc, reload_url=reload_url)
    return Response(page, status=409, mimetype="text/html")


def invalid(template: str, status: int = 400, **context: Any) -> Response:
    """Show a form again with its errors (400: nothing was changed)."""
    return Response(render_template(template, **context), status=status, mimetype="text/html")


def thumb(item: Item | None, largest: bool = False) -> dict[str, Any] | None:
    """Return a WebP rendition of an item's first photo (the smallest, or the largest)."""
    if item is None or not item.images:
        return None
    renditions = item.images[0].renditions()
    if not renditions:
        return None
    pick = renditions[-1] if largest else renditions[0]
    return {"url": url_for("media.serve", key=pick["key"]), "width": pick["width"],
            "height": pick["height"]}


def when(value: dt.datetime | None) -> str:
    """Format a stored time for people: "2026-11-27 14:05 UTC"."""
    return f"{aware(value):%Y-%m-%d %H:%M} UTC" if value else "—"


def pages(total: int, per_page: int) -> int:
    """Return how many pages a list of ``total`` rows fills."""
    return max(1, -(-total // per_page))


def list_pages(found: Page, per_page: int) -> int | None:
    """Return how many pages a capped list fills, or None when it was not counted to the end."""
    return pages(found.total, per_page) if found.counted else None


PAGE_LINK_SALT = "studio-page-link"
MAX_PAGE_LINK = 400  # characters; a real one is well under 200
MAX_NUMBERED_PAGE = 20  # ?page=N without a row key counts rows from the start: only shallow pages


def _page_links() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=PAGE_LINK_SALT)  # type: ignore[arg-type]


def read_page_link(args: Any, order: str) -> tuple[Key | None, Key | None]:
    """Return the (after, before) keys a list link carries; a damaged or forged one is a 400.

    The keys are signed, so a hand-edited link is refused before it reaches a query, and
    each names the order it was made for (a key of prices cannot seek a list of names).
    """
    found: list[Key | None] = []
    for name in ("after", "before"):
        raw = args.get(name)
        if raw is None or raw == "":
            found.append(None)
            continue
        try:
            if len(raw) > MAX_PAGE_LINK:
                raise BadKey("too long")
            data = _page_links().loads(raw)
            if not isinstance(data, dict) or data.get("o") != order:
                raise BadKey("made for another order")
            found.append(parse_key(order, data.get("k")))
        except (BadData, BadKey):
            abort(400, "This page link is damaged or out of date. Start again from the first page.")
    if found[0] is not None and found[1] is not None:
        abort(400, "A page link reads either after or before a row, not both.")
    page = args.get("page", "1")
    if found == [None, None] and page.isdigit() and int(page) > MAX_NUMBERED_PAGE:
        # Page 2,000 by number walks 100k rows; the Next and Previous links seek instead.
        abort(400, f"Pages past {MAX_NUMBERED_PAGE} are reached with the Next and Previous links. "
                   "Start again from the first page.")
    return found[0], found[1]


def page_link_args(found: Page, order: str, page: int, args: dict[str, Any]) -> dict[str, Any]:
    """Return the url_for arguments of the Previous and Next links of a list page.

    Next carries the last row's signed key (``after=``) and Previous the first row's
    (``before=``), so any page is an index range read; page 1 is a plain link.
    """
    def sign(key: list[Any]) -> str:
        return str(_page_links().dumps({"o": order, "k": key}))

    out: dict[str, Any] = {"prev": None, "next": None}
    if found.has_prev and found.prev_key is not None:
        out["prev"] = dict(args) if page <= 2 else dict(args, page=page - 1, before=sign(found.prev_key))
    if found.has_next and found.next_key is not None:
        out["next"] = dict(args, page=page + 1, after=sign(found.next_key))
    return out


def found_count(found: Page, noun: str) -> str:
    """Say how many items a list found: "1 outfit", "240 bags", "more than 1,000 items"."""
    if not found.counted:
        return f"More than {found.cap:,} {noun}s"
    return f"{found.total:,} {noun}{'' if found.total == 1 else 's'}"


def label(value: str) -> str:
    """Return a vocabulary value as a form shows it ("north-america" -> "North America")."""
    return value.replace("-", " ").replace("/", " / ").title() if value else value


def options(values: Iterable[str]) -> list[tuple[str, str]]:
    """Return (value, label) pairs for a select, radios or checkboxes."""
    return [(v, label(v)) for v in values]


def template_helpers() -> dict[str, Any]:
    """Names every studio template can use."""
    return {"csrf_token": generate_csrf, "thumb": thumb, "when": when, "options": options, "label": label,
            "found_count": found_count,
            "is_admin": getattr(current_user, "role", None) == "admin"}
