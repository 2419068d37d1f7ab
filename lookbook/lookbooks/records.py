"""Validate lookbooks as they arrive in a JSON import (DESIGN §4.2)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lookbook.catalog.records import Problem, RowInvalid, valid_sku
from lookbook.catalog.text import IDENTIFIER, MULTILINE, ONE_LINE, TextInvalid, check_text, column_limit
from lookbook.lookbooks.models import Lookbook
from lookbook.styling import vocab

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", re.ASCII)
MAX_SLUG = column_limit(Lookbook.slug) or 80
MAX_TITLE = column_limit(Lookbook.title) or 200
MAX_DESCRIPTION = 5000  # stored as TEXT: the limit is ours, not the column's
MAX_LOOKS = 200
MAX_NOTE = 2000


@dataclass
class LookRecord:
    """One look: skus of the outfit, the bag and the optional bundle."""

    outfit: str
    bag: str
    bundle: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class LookbookRecord:
    """A validated lookbook, its looks still addressed by sku."""

    slug: str
    title: str
    description: str = ""
    season: str | None = None
    published: bool = False
    looks: list[LookRecord] = field(default_factory=list)
    market: str | None = None  # a market id (vocab.MARKETS): re-weights, shown on the page
    cover_position: int | None = None  # the look on cards and share previews; None = first


def _text(raw: Mapping[str, Any], name: str, problems: list[Problem], limit: int,
          kind: str = ONE_LINE, where: str = "") -> str:
    value = raw.get(name)
    if value is None:
        return ""
    try:
        return check_text(value, kind=kind, limit=limit)
    except TextInvalid as exc:
        problems.append(Problem(f"{where}{name}", exc.message))
        return ""


def valid_slug(value: Any) -> str | None:
    """Return the slug ``value`` names, or None when no lookbook can have it."""
    try:
        slug = check_text(value, kind=IDENTIFIER, limit=MAX_SLUG)
    except TextInvalid:
        return None
    return slug if SLUG_RE.match(slug) else None


def _look(index: int, raw: Any, problems: list[Problem]) -> LookRecord | None:
    where = f"looks[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, "must be an object with outfit, bag, bundle and note"))
        return None
    skus = {}
    for name in ("outfit", "bag"):
        value = raw.get(name)
        sku = valid_sku(value)
        if sku is None:
            problems.append(Problem(f"{where}.{name}", "is required (a sku)" if not value
                                    else "is not a valid sku"))
        else:
            skus[name] = sku
    bundle_raw = raw.get("bundle") or []
    bundle: list[str] = []
    if not isinstance(bundle_raw, list):
        problems.append(Problem(f"{where}.bundle", "must be a list of skus [accent, functional]"))
    elif bundle_raw and len(bundle_raw) != 2:
        problems.append(Problem(f"{where}.bundle", "needs exactly two skus: accent, functional"))
    else:
        checked = [valid_sku(s) for s in bundle_raw]
        if any(s is None for s in checked):
            problems.append(Problem(f"{where}.bundle", "must be a list of skus [accent, functional]"))
        else:
            bundle = [s for s in checked if s is not None]
    note = _text(raw, "note", problems, MAX_NOTE, MULTILINE, where=f"{where}.")
    if len(skus) < 2:
        return None
    return LookRecord(outfit=skus["outfit"], bag=skus["bag"], bundle=bundle, note=note)


def parse_lookbook(raw: Any) -> LookbookRecord:
    """Validate one lookbook object or raise RowInvalid naming every problem."""
    if not isinstance(raw, Mapping):
        raise RowInvalid([Problem("lookbook", "must be an object")])
    problems: list[Problem] = []
    slug = valid_slug(raw.get("slug"))
    if slug is None:
        problems.append(Problem("slug", f"use lowercase letters, digits and single hyphens "
                                        f"(max {MAX_SLUG})"))
    title = _text(raw, "title", problems, MAX_TITLE)
    if not title and not any(p.field == "title" for p in problems):
        problems.append(Problem("title", "is required"))
    description = _text(raw, "description", problems, MAX_DESCRIPTION, MULTILINE)
    season = raw.get("season")
    if season is not None and (not isinstance(season, str) or season not in vocab.SEASONS):
        problems.append(Problem("season", f"expected one of: {', '.join(vocab.SEASONS)}"))
    published = raw.get("published", False)
    if not isinstance(published, bool):
        problems.append(Problem("published", "must be true or false"))
    market = raw.get("market")
    if market is not None and market not in vocab.MARKETS:
        problems.append(Problem("market", f"expected one of: {', '.join(vocab.MARKETS)}"))
    looks_raw = raw.get("looks") or []
    looks: list[LookRecord] = []
    if not isinstance(looks_raw, list):
        problems.append(Problem("looks", "must be a list"))
    elif len(looks_raw) > MAX_LOOKS:
        problems.append(Problem("looks", f"at most {MAX_LOOKS} looks per lookbook"))
    else:
        for i, look_raw in enumerate(looks_raw):
            look = _look(i, look_raw, problems)
            if look:
                looks.append(look)
    cover = raw.get("cover_position")
    if cover is not None and (isinstance(cover, bool) or not isinstance(cover, int)
                              or not 0 <= cover < max(len(looks), 1)):
        problems.append(Problem("cover_position",
                                "must be the position of one of the looks (0 is the first)"))
    if problems or slug is None:
        raise RowInvalid(problems)
    return LookbookRecord(
        slug=slug, title=title, description=description, season=season,
        published=published, looks=looks, market=market, cover_position=cover,
    )


def check_references(record: LookbookRecord, kinds: Mapping[str, str]) -> list[Problem]:
    """Return problems for looks whose skus are missing or of the wrong kind."""
    problems = []
    for i, look in enumerate(record.looks):
        wanted = [("outfit", look.outfit, "outfit"), ("bag", look.bag, "bag")]
        wanted += [(f"bundle[{j}]", sku, "bag") for j, sku in enumerate(look.bundle)]
        for name, sku, kind in wanted:
            found = kinds.get(sku)
            if found is None:
                problems.append(Problem(f"looks[{i}].{name}", f"unknown sku {sku!r}"))
            elif found != kind:
                problems.append(Problem(f"looks[{i}].{name}", f"{sku!r} is a {found}, not a {kind}"))
    return problems
