"""Validate what a curator types about a lookbook: its details and its publishing dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lookbook.catalog.records import Problem, RowInvalid
from lookbook.database import utcnow
from lookbook.lookbooks.records import SLUG_RE
from lookbook.styling import vocab

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_SLUG = 80
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")


def aware(value: dt.datetime) -> dt.datetime:
    """Return a stored time as timezone-aware UTC (SQLite hands back naive UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def slugify(text: str) -> str:
    """Turn a title into an address: lowercase ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")


@dataclass(frozen=True)
class Details:
    """A lookbook's descriptive fields, validated."""

    title: str
    slug: str
    description: str = ""
    season: str | None = None
    market: str | None = None
    cover_position: int | None = None


def _text(raw: Mapping[str, Any], name: str, limit: int, problems: list[Problem]) -> str:
    value = raw.get(name) or ""
    if not isinstance(value, str):
        problems.append(Problem(name, "must be text"))
        return ""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").strip())
    if _CONTROL.search(value.replace("\n", " ").replace("\t", " ")):
        problems.append(Problem(name, "must not contain control or invisible formatting characters"))
    elif len(value) > limit:
        problems.append(Problem(name, f"must be at most {limit} characters ({len(value)} now)"))
    return value


def _choice(raw: Mapping[str, Any], name: str, allowed: tuple[str, ...],
            problems: list[Problem]) -> str | None:
    value = (raw.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        problems.append(Problem(name, f"choose one of: {', '.join(allowed)}"))
        return None
    return value


def parse_details(raw: Mapping[str, Any]) -> Details:
    """Validate submitted details or raise RowInvalid naming each field's problem.

    An empty address is made from the title; the cover is a look's position (0-based)
    or empty for "the first look".
    """
    problems: list[Problem] = []
    title = _text(raw, "title", MAX_TITLE, problems)
    if not title and not any(p.field == "title" for p in problems):
        problems.append(Problem("title", "enter a title"))
    slug = (raw.get("slug") or "").strip().lower() if isinstance(raw.get("slug"), str) else ""
    if not slug:
        slug = slugify(title)
        if title and not slug:
            problems.append(Problem("slug", "enter an address made of letters, digits and hyphens"))
    elif len(slug) > MAX_SLUG or not SLUG_RE.match(slug):
        problems.append(Problem("slug", f"use lowercase letters, digits and single hyphens, "
                                        f"at most {MAX_SLUG} characters (like autumn-evenings)"))
    description = _text(raw, "description", MAX_DESCRIPTION, problems)
    season = _choice(raw, "season", vocab.SEASONS, problems)
    market = _choice(raw, "market", vocab.MARKETS, problems)
    cover_raw = (raw.get("cover") or "").strip() if isinstance(raw.get("cover"), str) else ""
    cover = None
    if cover_raw:
        if not cover_raw.isascii() or not cover_raw.isdigit() or int(cover_raw) > 10_000:
            problems.append(Problem("cover", "choose one of the lookbook's looks"))
        else:
            cover = int(cover_raw)
    if problems:
        raise RowInvalid(problems)
    return Details(title=title, slug=slug, description=description, season=season, market=market,
                   cover_position=cover)


@dataclass(frozen=True)
class Schedule:
    """When a lookbook goes live and when it comes down (None: now / never)."""

    publish_at: dt.datetime | None
    unpublish_at: dt.datetime | None

    def describe(self) -> str:
        start = f"from {self.publish_at:%Y-%m-%d %H:%M} UTC" if self.publish_at else "from now"
        end = f" until {self.unpublish_at:%Y-%m-%d %H:%M} UTC" if self.unpublish_at else ""
        return f"Scheduled {start}{end}"


def _when(raw: Mapping[str, Any], name: str, problems: list[Problem]) -> dt.datetime | None:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        if not _DATETIME.match(value):
            raise ValueError(value)
        parsed = dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        problems.append(Problem(name, "enter a date and time like 2026-12-01 18:00"))
        return None
    if not 2000 <= parsed.year <= 2100:
        problems.append(Problem(name, "enter a year between 2000 and 2100"))
        return None
    return parsed.replace(tzinfo=dt.UTC)


def parse_schedule(raw: Mapping[str, Any], now: dt.datetime | None = None) -> Schedule:
    """Validate publish/take-down times (UTC) or raise RowInvalid."""
    now = now or utcnow()
    problems: list[Problem] = []
    start = _when(raw, "publish_at", problems)
    end = _when(raw, "unpublish_at", problems)
    if start is None and end is None and not problems:
        problems.append(Problem("publish_at", "enter when to publish, when to take it down, or both"))
    if end is not None and end <= now:
        problems.append(Problem("unpublish_at", "the take-down time must be in the future"))
    elif start is not None and end is not None and end <= start:
        problems.append(Problem("unpublish_at", "the take-down time must be after the publish time"))
    if problems:
        raise RowInvalid(problems)
    return Schedule(start, end)
