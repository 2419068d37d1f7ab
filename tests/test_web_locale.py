"""Prices and sizes are formatted by Babel in the shopper's locale, never by hand."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from lookbook.config import ConfigError, Settings
from lookbook.web.locale import money, negotiate, size_label, words


@pytest.mark.parametrize(("header", "expected"), [
    ("", "€1,334.90"),
    ("en-US,en;q=0.9", "€1,334.90"),
    ("de-DE,de;q=0.9,en;q=0.8", "1.334,90\xa0€"),
    ("xx-nowhere, de;q=0.5", "1.334,90\xa0€"),   # an unknown language is skipped
    ("*", "€1,334.90"),
])
def test_money_follows_accept_language(app, header, expected):
    with app.test_request_context(headers={"Accept-Language": header}):
        assert money(Decimal("1334.90"), "EUR") == expected


def test_the_locale_setting_is_the_default(tmp_path, db):
    from lookbook import create_app

    app = create_app({"instance": tmp_path, "database": db, "database_url": db.url,
                      "secret_key": "x" * 32, "locale": "de_DE", "TESTING": True})
    with app.test_request_context():
        assert money(Decimal("49.9"), "EUR") == "49,90\xa0€"
    with app.test_request_context(headers={"Accept-Language": "en-GB"}):
        assert money(Decimal("49.9"), "GBP") == "£49.90"


def test_an_unknown_locale_setting_stops_startup():
    with pytest.raises(ConfigError, match="LOOKBOOK_LOCALE"):
        Settings.from_env({"LOOKBOOK_LOCALE": "klingon"})


def test_negotiation_ignores_absurd_headers():
    assert str(negotiate("x" * 5000, "en")) == "en"
    assert str(negotiate("de-CH;q=0.2, fr-FR;q=0.9", "en")) == "fr_FR"


def test_size_label_shows_the_width_in_the_shoppers_numbers(app):
    bag = SimpleNamespace(size="micro", width_cm=Decimal("8.50"))
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert size_label(bag) == "micro (8,5 cm)"
    with app.test_request_context():
        assert size_label(bag) == "micro (8.5 cm)"
        assert size_label(SimpleNamespace(size="mini", width_cm=Decimal("10.00"))) == "mini (10 cm)"
        assert size_label(SimpleNamespace(size=None, width_cm=None)) == ""


def test_words_join_lists_in_english():
    assert words(["black"]) == "black"
    assert words(["black", "gold"]) == "black and gold"
    assert words(["black", "gold", "ivory"]) == "black, gold, and ivory"
