"""The curator studio's root: sign-in, CSRF and no-store for all of /curate, and the start page.

Each part of the studio is a nested blueprint in ``lookbook.web.studio``; this module
guards them all in one place (see ``lookbook.web.studio.access``) and shows the
lookbooks a stylist is working on.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from lookbook.audit.models import AuditEntry
from lookbook.catalog.queries import Count, kind_counts
from lookbook.lookbooks.editing import state
from lookbook.lookbooks.models import Look, Lookbook
from lookbook.server import appdb
from lookbook.web.auth import LogoutForm
from lookbook.web.studio import access
from lookbook.web.studio.audit import bp as audit_bp
from lookbook.web.studio.common import template_helpers
from lookbook.web.studio.imports import bp as imports_bp
from lookbook.web.studio.items import bp as items_bp
from lookbook.web.studio.keys import bp as keys_bp
from lookbook.web.studio.lookbooks import bp as lookbooks_bp
from lookbook.web.studio.looks import bp as looks_bp
from lookbook.web.studio.outfits import bp as outfits_bp
from lookbook.web.studio.people import bp as people_bp
from lookbook.web.studio.photos import bp as photos_bp
from lookbook.web.studio.rules import bp as rules_bp

bp = Blueprint("curate", __name__, url_prefix="/curate")
COUNT_UP_TO = 1000  # exact below this; above, PostgreSQL's estimate ("about 25,000 outfits")


def say_count(count: Count, noun: str) -> str:
    """Say a count: "1 outfit", "240 bags", "about 25,000 outfits", "more than 1,000 bags"."""
    plural = "" if count.n == 1 else "s"
    if count.exact:
        return f"{count.n:,} {noun}{plural}"
    if count.n > COUNT_UP_TO + 1:
        digits = len(str(count.n)) - 2  # two significant figures: an estimate is no closer
        return f"about {round(count.n, -digits):,} {noun}s"
    return f"more than {COUNT_UP_TO:,} {noun}s"
access.install(bp)
bp.context_processor(template_helpers)
for child in (lookbooks_bp, looks_bp, outfits_bp, items_bp, photos_bp, rules_bp, imports_bp, audit_bp,
              people_bp, keys_bp):
    bp.register_blueprint(child)


@bp.get("/")
def home() -> str:
    """Show every lookbook with where it stands, and what the catalog holds."""
    session = appdb.session()
    counts = {kind: say_count(count, kind) for kind, count in kind_counts(session, COUNT_UP_TO).items()}
    books = session.scalars(select(Lookbook).order_by(Lookbook.updated_at.desc(), Lookbook.id)).all()
    looks = dict(session.execute(select(Look.lookbook_id, func.count()).group_by(Look.lookbook_id)).all())
    recent = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(8)).all()
    return render_template("curate/home.html", counts=counts, lookbooks=books, looks=looks,
                           state=state, recent=recent, logout_form=LogoutForm())
