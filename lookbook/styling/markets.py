"""Market profiles: regional re-weighting of the ranking, kept as data a retailer edits.

The profiles live in ``markets.json`` beside this module (or any file with the same
shape, e.g. from ``LOOKBOOK_MARKETS_FILE``).  Each one names bag features and how much
that market favours them; unknown markets or features are refused when the file is
read, so a typo cannot silently do nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lookbook.styling import vocab
from lookbook.styling.rules import known_key

DEFAULT_FILE = Path(__file__).with_name("markets.json")
ENV_FILE = "LOOKBOOK_MARKETS_FILE"


class MarketFileError(ValueError):
    """The market profile file is not usable."""


@dataclass(frozen=True)
class Market:
    """One region's preferences."""

    id: str
    label: str
    weights: dict[str, float]


def parse_markets(data: object) -> dict[str, Market]:
    """Validate a decoded market file and return its profiles by id."""
    if not isinstance(data, dict):
        raise MarketFileError("the market file must hold a JSON object keyed by market id")
    out: dict[str, Market] = {}
    for market_id, entry in data.items():
        if market_id.startswith("_"):
            continue
        if market_id not in vocab.MARKETS:
            raise MarketFileError(f"unknown market {market_id!r}; expected one of {vocab.MARKETS}")
        if not isinstance(entry, dict) or not isinstance(entry.get("weights"), dict):
            raise MarketFileError(f"{market_id}: needs a 'weights' object")
        weights: dict[str, float] = {}
        for key, value in entry["weights"].items():
            if not known_key(key):
                raise MarketFileError(f"{market_id}: {key!r} is not a bag feature (block:value)")
            if isinstance(value, bool) or not isinstance(value, int | float) or not -1 <= value <= 1:
                raise MarketFileError(f"{market_id}: weight of {key!r} must be a number in -1..1")
            weights[key] = float(value)
        out[market_id] = Market(market_id, str(entry.get("label") or market_id), weights)
    return out


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Market]:
    try:
        return parse_markets(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        raise MarketFileError(f"{path}: {exc}") from exc


def load_markets(path: Path | None = None) -> dict[str, Market]:
    """Return the market profiles (from ``path``, the environment, or the packaged file)."""
    chosen = path or Path(os.environ.get(ENV_FILE) or DEFAULT_FILE)
    return _load(chosen.resolve())
