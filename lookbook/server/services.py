"""The services pages and the API share, created once in the app factory.

Views *ask* for a service (``services.recommender()``, ``services.storage()``) instead
of building one, so the API and the pages use the same model holder, answer cache and
media storage, and no page module imports an API module.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import select

from lookbook.catalog.models import Item
from lookbook.config import Settings
from lookbook.database import Database
from lookbook.images.storage import LocalStorage, Storage
from lookbook.recommend.answer_cache import AnswerCache
from lookbook.recommend.behaviour import ClickThroughCache
from lookbook.recommend.filters import Filters
from lookbook.recommend.holder import ModelHolder, read_revision
from lookbook.recommend.item_table import ItemTable
from lookbook.recommend.service import Recommender
from lookbook.recommend.service import answer_revision as service_answer_revision
from lookbook.recommend.shared_answers import SharedAnswers
from lookbook.server import appdb
from lookbook.server.health import add_ready_check
from lookbook.styling.markets import load_markets

HOLDER = "lookbook.model_holder"
CACHE = "lookbook.answer_cache"
ITEMS = "lookbook.item_table"
STORAGE = "lookbook.storage"
CLICK_THROUGH = "lookbook.click_through"


def init_app(app: Flask, settings: Settings, database: Database) -> None:
    """Create the model holder, the answer cache and media storage for this app."""
    holder = ModelHolder(database, settings.models_dir, refit=settings.recommend_refit)
    app.extensions[HOLDER] = holder
    app.extensions[CACHE] = AnswerCache(shared=_shared_answers(settings))
    app.extensions[ITEMS] = ItemTable()
    app.extensions[STORAGE] = LocalStorage(settings.media_dir)
    app.extensions[CLICK_THROUGH] = ClickThroughCache()
    add_ready_check(app, "model", lambda: model_answers(holder, database))
    load_markets()  # a broken market file stops startup here, not a request later


def _shared_answers(settings: Settings) -> SharedAnswers | None:
    """Share encoded answers between workers and hosts when Redis is configured."""
    if not settings.redis_url:
        return None
    return SharedAnswers.from_url(settings.redis_url,
                                  prefix=settings.extra.get("ANSWER_CACHE_PREFIX", settings.redis_prefix))


def model_holder() -> ModelHolder:
    """Return the app's model holder (one fitted model per process)."""
    return current_app.extensions[HOLDER]


def answer_cache() -> AnswerCache:
    """Return the app's cache of recommendation answers."""
    return current_app.extensions[CACHE]


def item_table() -> ItemTable:
    """Return the app's read-only items of the current catalog revision (and their JSON)."""
    return current_app.extensions[ITEMS]


def storage() -> Storage:
    """Return where media files (product photos) are kept."""
    return current_app.extensions[STORAGE]


def click_through() -> ClickThroughCache:
    """Return the app's shopper click-through (read from the roll-ups, refreshed now and then)."""
    return current_app.extensions[CLICK_THROUGH]


def recommender() -> Recommender:
    """Return this request's recommender; a request asks for the model and revision once.

    Raises :class:`lookbook.recommend.holder.ModelUnavailable` when no model can be
    served; the app answers that with a 503 (problem+json or page).
    """
    if "recommender" not in g:
        # The revision on a driver connection; an ORM session only when rows must be read.
        revision = read_revision(appdb.database())
        if revision is None:  # no revision row yet: the session path creates it
            session = appdb.session()
            g.recommender = Recommender(session, model_holder().current(session),
                                        click_through().current(session), item_table())
        else:
            clicks = click_through().cached()
            if clicks is None:
                clicks = click_through().current(appdb.session())
            g.recommender = Recommender(appdb.session, model_holder().current(revision), clicks,
                                        item_table())
    return g.recommender


def answer_revision() -> str | None:
    """Name this request's answers (see ``Recommender.answer_revision``), cheaply.

    A cached answer needs only this name, so it is read without an ORM session (see
    :func:`answers_revision_of`).  When the click-through is due for a re-read (or there
    is no revision row yet) the request's recommender names it.
    """
    if "answer_revision" not in g:
        revision = answers_revision_of(current_app) if "recommender" not in g else None
        g.answer_revision = revision if revision is not None else recommender().answer_revision
    return g.answer_revision


def answers_revision_of(app: Flask) -> str | None:
    """Name what an app's answers depend on now, outside any request context: the catalog
    revision on a pooled driver connection, the model the holder serves for it and the
    click-through version the process holds.  None when the click-through is due for a
    re-read or there is no revision row yet (then only a request's recommender can say).
    """
    cached = app.extensions[CLICK_THROUGH].cached()
    if cached is None:
        return None
    revision = read_revision(app.extensions[appdb.EXTENSION])
    if revision is None:
        return None
    return service_answer_revision(app.extensions[HOLDER].current(revision), cached)


def model_answers(holder: ModelHolder, database: Database) -> tuple[bool, str]:
    """Readiness: a model is served *and* answers one tiny recommendation on the live rows."""
    ok, detail = holder.ready()
    with database.session() as session:
        outfit = session.scalar(select(Item).where(Item.kind == "outfit").order_by(Item.id).limit(1))
        if outfit is None:
            return ok, detail + "; no outfit to ask about yet"
        rec = Recommender(session, holder.current(session))
        answer = rec.bags_for_outfit(outfit, Filters(in_stock=None, size=()), 1, outfit_id=outfit.id)
    return ok, f"{detail}; answered ({len(answer.results)} bag for {outfit.sku})"
