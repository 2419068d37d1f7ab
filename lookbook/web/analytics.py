"""The studio's analytics: impressions, clicks and click-through over a chosen period.

Charts are server-rendered SVG from the daily roll-ups (see
:mod:`lookbook.analytics.report`); every number is also in a table and in a CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping

from flask import Blueprint, Response, render_template, request
from flask_login import login_required

from lookbook.analytics import report
from lookbook.catalog.params import field_error
from lookbook.server import appdb
from lookbook.transfer.exporter import neutralise
from lookbook.web import charts

bp = Blueprint("analytics", __name__, url_prefix="/curate")
PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Period:
    """The days to report: ``start`` and ``end`` (inclusive, UTC), read from the query."""

    def __init__(self, args: Mapping[str, str], today: dt.date) -> None:
        self.errors: list[dict[str, str]] = []
        self.end = self._date(args, "end", today)
        self.start = self._date(args, "start", self.end - dt.timedelta(days=DEFAULT_DAYS - 1))
        if not self.errors:
            if self.start > self.end:
                self.errors.append(field_error("start", "must be on or before the end date"))
            elif (self.end - self.start).days >= MAX_DAYS:
                self.errors.append(field_error("start", f"choose at most {MAX_DAYS} days"))
        if self.errors:
            self.end, self.start = today, today - dt.timedelta(days=DEFAULT_DAYS - 1)

    def _date(self, args: Mapping[str, str], name: str, default: dt.date) -> dt.date:
        raw = (args.get(name) or "").strip()
        if not raw:
            return default
        try:
            if not DATE_RE.match(raw):
                raise ValueError(raw)
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.errors.append(field_error(name, "must be a date like 2026-11-28"))
            return default

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/analytics")
@login_required
def page() -> Response:
    """Show totals, the daily series and a chart and table per lookbook, look, bag, placement, site."""
    today = _today()
    period = Period(request.args, today)
    session = appdb.session()
    total = report.totals(session, period.start, period.end)
    columns, most, ticks = charts.day_columns(report.daily(session, period.start, period.end))
    sections = []
    for dimension, title in report.DIMENSIONS.items():
        rows = report.breakdown(session, dimension, period.start, period.end)
        bars, height = charts.bar_rows(rows)
        sections.append({"id": dimension, "title": title, "rows": rows, "bars": bars, "height": height,
                         "desc": charts.describe(rows, title)})
    presets = [(days, {"start": (today - dt.timedelta(days=days - 1)).isoformat(),
                       "end": today.isoformat()}) for days in PRESETS]
    html = render_template("curate/analytics.html", period=period, total=total, columns=columns,
                           most=most, ticks=ticks, daily_height=charts.DAILY_HEIGHT,
                           sections=sections, presets=presets, percent=charts.percent,
                           errors=period.errors)
    return _no_store(Response(html, status=400 if period.errors else 200, mimetype="text/html"))


@bp.get("/analytics.csv")
@login_required
def download() -> Response:
    """Download every breakdown of the period as one CSV (formula-like cells neutralised)."""
    period = Period(request.args, _today())
    if period.errors:
        message = "; ".join(f"{e['field']}: {e['message']}" for e in period.errors)
        return _no_store(Response(message + "\n", status=400, mimetype="text/plain"))
    session = appdb.session()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "label", "impressions", "clicks", "click_through",
                     "add_to_carts", "purchases", "start", "end"])
    for dimension in report.DIMENSIONS:
        for row in report.breakdown(session, dimension, period.start, period.end, limit=10_000):
            rate = "" if row.click_through is None else f"{row.click_through:.4f}"
            writer.writerow([dimension, neutralise("/".join(row.key)), neutralise(row.label),
                             row.impressions, row.clicks, rate, row.add_to_carts, row.purchases,
                             period.start.isoformat(), period.end.isoformat()])
    name = f"lookbook-analytics-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    resp = Response(out.getvalue(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _no_store(resp)
