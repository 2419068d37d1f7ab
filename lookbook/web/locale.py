"""Prices, sizes and lists for shoppers, formatted by Babel in their locale (never by hand).

Money and numbers follow the shopper's locale: the first ``Accept-Language`` entry
Babel knows, else the ``LOOKBOOK_LOCALE`` setting (``€1,334.90`` in English,
``1.334,90 €`` in German).  The words around them stay in the page's language, so
lists of vocabulary words ("black, gold and ivory") are joined the English way.
A response whose body used the negotiated locale says ``Vary: Accept-Language``.

Templates use the filters ``money``, ``size_label`` and ``words``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_currency
from babel.units import format_unit
from flask import Flask, Response, current_app, g, has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

PAGE_LANGUAGE = "en"  # the language the page text is written in (<html lang>)
MAX_HEADER = 256  # longer Accept-Language headers are cut: a browser sends a few entries


def init_app(app: Flask) -> None:
    """Register the formatting filters and the Vary header for negotiated pages."""
    app.add_template_filter(money)
    app.add_template_filter(size_label)
    app.add_template_filter(words)
    app.add_template_global(current_locale)
    app.after_request(_vary)


@lru_cache(maxsize=512)
def negotiate(header: str, default: str) -> Locale:
    """Return the first locale of an Accept-Language header Babel knows, else ``default``."""
    for value, _quality in parse_accept_header(header[:MAX_HEADER], LanguageAccept):
        if value == "*":
            continue
        try:
            return Locale.parse(value.replace("-", "_"))
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    return Locale.parse(default.replace("-", "_"))


def current_locale() -> Locale:
    """Return the locale for this request's numbers and prices."""
    default = current_app.config["LOOKBOOK"].locale
    if not has_request_context():
        return Locale.parse(default.replace("-", "_"))
    if "locale" not in g:
        g.locale = negotiate(request.headers.get("Accept-Language", ""), default)
    return g.locale


def money(amount: Decimal | float | str, currency: str) -> str:
    """Format an amount in its currency for the shopper (``€1,334.90``, ``1.334,90 €``)."""
    return _money(Decimal(str(amount)), currency, current_locale())


@lru_cache(maxsize=4096)
def _money(amount: Decimal, currency: str, locale: Locale) -> str:
    # A page shows the same few prices many times and Babel's formatting is most of a
    # card's render time: remember the strings (a catalog has a few thousand prices).
    return format_currency(amount, currency, locale=locale)


@lru_cache(maxsize=1024)
def _centimetres(width: Decimal, locale: Locale) -> str:
    return format_unit(width.normalize(), "length-centimeter", length="short", locale=locale)


def size_label(item: Any) -> str:
    """Return a bag's size with its width, e.g. "micro (8 cm)"; "" for items without one."""
    size = getattr(item, "size", None)
    if not size:
        return ""
    width = getattr(item, "width_cm", None)
    if width is None:
        return size
    return f"{size} ({_centimetres(Decimal(str(width)), current_locale())})"


def words(values: Iterable[str], style: str = "standard") -> str:
    """Join words the way the page's language does ("black, gold, and ivory"; style "or")."""
    return format_list([str(v) for v in values], style=style,  # type: ignore[arg-type]  # Babel's Literal
                       locale=PAGE_LANGUAGE)


def _vary(resp: Response) -> Response:
    if "locale" in g:
        resp.vary.add("Accept-Language")
    return resp
