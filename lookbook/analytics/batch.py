"""Validate a batch of shopper events (DESIGN §4.3) into plain records; no Flask, no database.

Every problem names its field as ``events[i].field`` so a client can find it; a batch
with any invalid event is refused whole.  Timestamps must be recent: an event from
more than :data:`MAX_AGE` ago or more than :data:`MAX_SKEW` ahead is a client bug (or
a replay), not something to chart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lookbook.analytics.models import EVENT_TYPES, MAX_SITE, PLACEMENTS
from lookbook.catalog.params import field_error
from lookbook.catalog.records import valid_sku
from lookbook.lookbooks.records import SLUG_RE

MAX_EVENTS = 100
MAX_AGE = dt.timedelta(days=7)
MAX_SKEW = dt.timedelta(minutes=5)
MAX_LOOK = 1000
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class BatchInvalid(ValueError):
    """The batch (or some of its events) is invalid; ``errors`` names each field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the events")


@dataclass(frozen=True)
class EventRecord:
    """One valid event, before its references are checked against the catalog."""

    client_id: str
    type: str
    at: dt.datetime
    placement: str
    item: str = ""
    outfit: str = ""
    bag: str = ""
    lookbook: str = ""
    look: int | None = None


def site_of(origin: str | None) -> str:
    """Normalise an Origin header to ``scheme://host[:port]`` (lower case); '' if unusable."""
    if not origin or origin == "null" or len(origin) > MAX_SITE:
        return ""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host or not host.isascii():
        return ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.isprintable() and value.isascii()


class _Reader:
    """Read the fields of one event, collecting problems as ``events[i].field``."""

    def __init__(self, raw: Mapping[str, Any], index: int, errors: list[dict[str, str]]) -> None:
        self.raw, self.prefix, self.errors = raw, f"events[{index}].", errors

    def fail(self, name: str, message: str) -> None:
        self.errors.append(field_error(self.prefix + name, message))

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.raw.get(name)
        if value not in allowed:
            self.fail(name, f"is required: one of {', '.join(allowed)}")
            return ""
        return value

    def sku(self, name: str) -> str:
        value = self.raw.get(name)
        if value is None or value == "":
            return ""
        sku = valid_sku(value) if _text(value) else None
        if sku is None:
            self.fail(name, "must be a sku: letters, digits, '.', '_' or '-' (at most 64)")
            return ""
        return sku

    def slug(self, name: str) -> str:
        value = self.raw.get(name)
        if value is None or value == "":
            return ""
        if not _text(value) or len(value) > 80 or not SLUG_RE.match(value):
            self.fail(name, "must be a lookbook slug: lowercase letters, digits and hyphens")
            return ""
        return value

    def look(self) -> int | None:
        value = self.raw.get("look")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LOOK:
            self.fail("look", f"must be the look's number in its lookbook (1 to {MAX_LOOK})")
            return None
        return value

    def client_id(self) -> str:
        value = self.raw.get("id")
        if not isinstance(value, str) or not _text(value) or not CLIENT_ID_RE.match(value):
            self.fail("id", "is required: 8 to 64 letters, digits, '_' or '-' (e.g. a UUID)")
            return ""
        return value

    def at(self, now: dt.datetime) -> dt.datetime:
        value = self.raw.get("at")
        if value is None:
            return now
        if not _text(value) or len(value) > 40:
            self.fail("at", "must be an RFC 3339 time such as 2026-11-28T10:15:00Z")
            return now
        try:
            when = dt.datetime.fromisoformat(value.replace("z", "Z"))
        except ValueError:
            self.fail("at", "must be an RFC 3339 time such as 2026-11-28T10:15:00Z")
            return now
        if when.tzinfo is None:
            self.fail("at", "needs a time zone (Z or +hh:mm)")
            return now
        if when > now + MAX_SKEW:
            self.fail("at", "is in the future")
            return now
        if when < now - MAX_AGE:
            self.fail("at", f"is older than {MAX_AGE.days} days")
            return now
        return when.astimezone(dt.UTC)


def parse_event(raw: Any, index: int, now: dt.datetime, errors: list[dict[str, str]]) -> EventRecord | None:
    """Validate one event; append its problems to ``errors`` and return None if it has any."""
    if not isinstance(raw, dict):
        errors.append(field_error(f"events[{index}]", "must be an object"))
        return None
    before = len(errors)
    r = _Reader(raw, index, errors)
    record = EventRecord(client_id=r.client_id(), type=r.choice("type", EVENT_TYPES), at=r.at(now),
                         placement=r.choice("placement", PLACEMENTS), item=r.sku("item"),
                         outfit=r.sku("outfit"), bag=r.sku("bag"), lookbook=r.slug("lookbook"), look=r.look())
    if record.look is not None and not record.lookbook:
        r.fail("lookbook", "is required with 'look'")
    if not (record.item or record.outfit or record.bag or record.lookbook):
        r.fail("item", "name the item (sku) or the lookbook (slug) the event is about")
    elif record.type in ("add_to_cart", "purchase") and not (record.item or record.bag or record.look):
        r.fail("item", f"a {record.type} names the item (sku) bought")
    return record if len(errors) == before else None


def parse_batch(body: Mapping[str, Any], now: dt.datetime) -> list[EventRecord]:
    """Validate ``{"events": [...]}``; raise :class:`BatchInvalid` naming every bad field."""
    events = body.get("events")
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise BatchInvalid([field_error("events", f"must be a list of 1 to {MAX_EVENTS} events")])
    errors: list[dict[str, str]] = []
    records = [parse_event(raw, i, now, errors) for i, raw in enumerate(events)]
    if errors:
        raise BatchInvalid(errors)
    return [r for r in records if r is not None]
