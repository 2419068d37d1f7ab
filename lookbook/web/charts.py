"""Geometry for the studio's server-rendered SVG charts (no JavaScript, no library).

Charts are laid out in percentages of their width (no viewBox), so text keeps its
size on a phone while bars stretch; each chart has a title and a text description,
and the same numbers are always in a table next to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lookbook.analytics.report import Row

ROW_HEIGHT = 46
DAILY_HEIGHT = 180
MAX_LABEL = 40
BAR_SPAN = 80  # percent of the width for the longest bar; the click-through sits to its right


def percent(value: float | None) -> str:
    """Format a click-through rate for people: '4.2%', or '–' when nothing was shown."""
    return "–" if value is None else f"{value * 100:.1f}%"


def count(n: int, noun: str) -> str:
    """Say '1 click' or '1,204 clicks'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def short(label: str, limit: int = MAX_LABEL) -> str:
    """Shorten a label to fit a chart line (the table keeps it whole)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart: impressions with clicks drawn inside."""

    y: int
    label: str
    full_label: str
    shown_width: float  # percent of the chart width
    clicked_width: float
    rate: str
    impressions: int
    clicks: int


def bar_rows(rows: Sequence[Row], top: int = 10) -> tuple[list[Bar], int]:
    """Lay out the first ``top`` rows; return the bars and the chart height in pixels."""
    rows = list(rows)[:top]
    most = max((max(r.impressions, r.clicks) for r in rows), default=0) or 1
    bars = [Bar(y=i * ROW_HEIGHT, label=short(r.label), full_label=r.label,
                shown_width=round(BAR_SPAN * r.impressions / most, 2),
                clicked_width=round(BAR_SPAN * r.clicks / most, 2), rate=percent(r.click_through),
                impressions=r.impressions, clicks=r.clicks)
            for i, r in enumerate(rows)]
    return bars, max(len(bars), 1) * ROW_HEIGHT


def describe(rows: Sequence[Row], what: str, top: int = 10) -> str:
    """Say in words what a bar chart shows (its <desc>)."""
    if not rows:
        return f"No {what.lower()} were shown in this period."
    parts = [f"{r.label}: {count(r.impressions, 'impression')}, {count(r.clicks, 'click')}, "
             f"{percent(r.click_through)} click-through" for r in list(rows)[:top]]
    return f"{what}, most shown first. " + "; ".join(parts) + "."


@dataclass(frozen=True)
class Column:
    """One day of the daily chart."""

    x: float  # percent
    width: float
    shown_height: float  # pixels
    clicked_height: float
    day: dt.date
    impressions: int
    clicks: int


def day_columns(series: Sequence[tuple[dt.date, int, int]], height: int = DAILY_HEIGHT
                ) -> tuple[list[Column], int, list[tuple[float, str]]]:
    """Lay out a daily series; return columns, the axis maximum and x-axis tick labels."""
    n = max(len(series), 1)
    most = max((max(i, c) for _d, i, c in series), default=0)
    scale = height / most if most else 0
    step = 100 / n
    gap = min(step * 0.2, 0.6)
    columns = [Column(x=round(k * step + gap / 2, 3), width=round(step - gap, 3),
                      shown_height=round(i * scale, 1), clicked_height=round(c * scale, 1),
                      day=d, impressions=i, clicks=c)
               for k, (d, i, c) in enumerate(series)]
    picks = sorted({0, n // 2, n - 1}) if n > 2 else list(range(n))
    ticks = [(round((k + 0.5) * step, 2), series[k][0].strftime("%d %b")) for k in picks if series]
    return columns, most, ticks
