"""Shopper behaviour as a weak, bounded ranking signal: smoothed click-through from roll-ups.

Click-through is noisy (a bag shown ten times and clicked twice says little), so it
is smoothed with Beta priors, hierarchically: a bag's rate starts at the site-wide
rate, an outfit→bag pair's rate starts at the bag's rate, and each moves away only as
impressions accumulate (``PRIOR_STRENGTH`` impressions' worth of belief).  The lift
over the site-wide rate becomes a score adjustment of at most ``BOUND`` either way
(``BOUND * tanh(lift)``), applied after the model has ranked and the hard filters and
curator rules have been applied: two results whose model scores differ by more than
``2 * BOUND`` never swap, hidden bags stay hidden and pinned bags stay first.

Counts come from the daily roll-ups only (one grouped query per refresh), and a
process keeps them for ``REFRESH_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lookbook.analytics.models import DailyCount

BOUND = 0.05
PRIOR_STRENGTH = 50.0
WINDOW_DAYS = 90
REFRESH_SECONDS = 600
POOL = 5  # extra candidates ranked, so a well-chosen bag just below the cut can move in
REASON = "often chosen with similar outfits"


class Scored(Protocol):
    """A recommendation result: an item with a sku, a 0..1 score and reasons."""

    item: Any
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class ClickThrough:
    """Clicks and impressions per bag and per outfit→bag pair, with their smoothed rates."""

    bags: dict[str, tuple[int, int]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    clicks: int = 0
    impressions: int = 0
    version: str = "none"

    def __bool__(self) -> bool:
        return self.impressions > 0

    @property
    def base(self) -> float:
        """The site-wide click-through: the prior every bag starts from."""
        return self.clicks / self.impressions if self.impressions else 0.0

    def bag_rate(self, bag: str) -> float:
        """The bag's click-through, shrunk towards the site-wide rate."""
        clicks, shown = self.bags.get(bag, (0, 0))
        return (clicks + PRIOR_STRENGTH * self.base) / (shown + PRIOR_STRENGTH)

    def pair_rate(self, outfit: str | None, bag: str) -> float:
        """The pair's click-through, shrunk towards the bag's rate."""
        prior = self.bag_rate(bag)
        if not outfit:
            return prior
        clicks, shown = self.pairs.get((outfit, bag), (0, 0))
        return (clicks + PRIOR_STRENGTH * prior) / (shown + PRIOR_STRENGTH)

    def adjustment(self, outfit: str | None, bag: str) -> float:
        """Return the score change for showing ``bag`` with ``outfit``: within ±BOUND."""
        if not self.impressions or self.base <= 0:
            return 0.0
        lift = self.pair_rate(outfit, bag) / self.base - 1.0
        return BOUND * math.tanh(lift)


def load_click_through(session: Session, today: dt.date | None = None,
                       window_days: int = WINDOW_DAYS) -> ClickThrough:
    """Read clicks and impressions of the last ``window_days`` days from the roll-ups."""
    start = (today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(days=window_days)
    shown, clicked = func.sum(DailyCount.impressions), func.sum(DailyCount.clicks)
    rows = session.execute(
        select(DailyCount.outfit, DailyCount.bag, clicked, shown)
        .where(DailyCount.day >= start, DailyCount.bag != "")
        .group_by(DailyCount.outfit, DailyCount.bag)).all()
    bags: dict[str, tuple[int, int]] = {}
    pairs: dict[tuple[str, str], tuple[int, int]] = {}
    total_clicks = total_shown = 0
    for outfit, bag, clicks, impressions in rows:
        impressions = int(impressions or 0)
        clicks = min(int(clicks or 0), impressions)  # a click never counts without being seen
        c, n = bags.get(bag, (0, 0))
        bags[bag] = (c + clicks, n + impressions)
        if outfit:
            pairs[(outfit, bag)] = (clicks, impressions)
        total_clicks += clicks
        total_shown += impressions
    digest = hashlib.sha256(repr(sorted(pairs.items()) + sorted(bags.items())).encode()).hexdigest()
    return ClickThrough(bags, pairs, total_clicks, total_shown, digest[:16])


def apply_click_through(signal: ClickThrough, outfit: str | None, results: Sequence[Scored],
                        keep: int) -> list[Any]:
    """Re-score model-ranked results by click-through, best first; keep the first ``keep``."""
    if not signal:
        return list(results)[:keep]
    out = []
    for r in results:
        delta = signal.adjustment(outfit, r.item.sku)
        reasons = list(r.reasons)
        if delta >= BOUND / 2 and REASON not in reasons:
            reasons.insert(1 if reasons else 0, REASON)
        score = round(min(max(r.score + delta, 0.0), 1.0), 4)
        out.append(replace(r, score=score, reasons=reasons))  # type: ignore[type-var]  # dataclass rows
    out.sort(key=lambda r: (-r.score, r.item.sku))
    return out[:keep]


class ClickThroughCache:
    """Keep one process's click-through for a while, so ranking reads no roll-ups per request."""

    def __init__(self, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.refresh_seconds = refresh_seconds
        self._value = ClickThrough()
        self._loaded_at = -math.inf
        self._lock = threading.Lock()

    def current(self, session: Session) -> ClickThrough:
        """Return the click-through, re-read from the roll-ups when it is older than the refresh."""
        if time.monotonic() - self._loaded_at < self.refresh_seconds:
            return self._value
        with self._lock:
            if time.monotonic() - self._loaded_at >= self.refresh_seconds:
                self._value = load_click_through(session)
                self._loaded_at = time.monotonic()
        return self._value

    def cached(self) -> ClickThrough | None:
        """Return the click-through if it needs no re-read now, else None (no database)."""
        if time.monotonic() - self._loaded_at < self.refresh_seconds:
            return self._value
        return None

    def forget(self) -> None:
        """Re-read on the next request (tests, and after ``lookbook rollup``)."""
        self._loaded_at = -math.inf
