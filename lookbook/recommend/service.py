"""Recommendations for one request: rank with the model, then hold every result to the live rows.

The fitted model proposes candidates; this module decides what is served.  Each
candidate is re-read from the database and re-checked against the hard filters, so a
bag deleted, sold out or repriced since the fit is never served against the
contract.  Curator rules for the outfit win over the model: hidden bags never appear,
pinned bags come first.  When the filters leave fewer than ``limit`` bags, the season
preference is loosened and the answer says so in ``relaxed``; nothing else is padded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from lookbook.catalog.models import CurationRule, Item
from lookbook.recommend import behaviour
from lookbook.recommend.behaviour import ClickThrough
from lookbook.recommend.estimator import BagRecommender, Ranking
from lookbook.recommend.filters import Filters, removed_by
from lookbook.recommend.holder import Served
from lookbook.recommend.item_table import ItemTable
from lookbook.recommend.query import BagView, traits_of
from lookbook.styling.markets import Market

PINNED_REASON = "picked by our stylists for this outfit"
MAX_ROUNDS = 3


@dataclass
class Result:
    """One recommended item with its score (0..1) and reasons."""

    item: Item
    score: float
    reasons: list[str]
    weak: bool = False  # far below the best result: "the closest we have"


@dataclass
class RuleBook:
    """Every curator rule, by outfit id (None: hidden everywhere) and by bag id, each in
    rule order as ((created_at, id), action, sku of the other item)."""

    by_outfit: dict[int | None, list[tuple[Any, str, str]]] = field(default_factory=dict)
    by_bag: dict[int, list[tuple[Any, str, str]]] = field(default_factory=dict)


@dataclass
class Answer:
    """What a recommendation call returns."""

    results: list[Result] = field(default_factory=list)
    relaxed: list[str] = field(default_factory=list)
    removed_by: list[str] = field(default_factory=list)  # when empty: the filter(s) to blame


def _score(value: float) -> float:
    return round(min(max(float(value), 0.0), 1.0), 4)


def answer_revision(served: Served, click_through: ClickThrough) -> str | None:
    """Name what answers depend on (catalog and model revisions, click-through); None if unknown."""
    base = served.answers_revision
    # An empty click-through ranks like none at all (the recommender uses ClickThrough()).
    version = click_through.version if click_through else ClickThrough().version
    return None if base is None else f"{base}:{version}"


class Recommender:
    """Serve recommendations from a model against the live catalog in ``session``."""

    def __init__(self, session: Session | Callable[[], Session], served: Served,
                 click_through: ClickThrough | None = None, items: ItemTable | None = None) -> None:
        # A session, or how to open one: an answer whose rows and rules the revision's item
        # table already holds never needs a session at all.
        self._session = session
        self.served = served
        self.model: BagRecommender = served.model
        # Shopper click-through: a weak, bounded step after the model (see behaviour.py).
        self.click_through = click_through or ClickThrough()
        # Rows of the catalog revision this request read, shared by the process's requests.
        self.items = items if items is not None and served.catalog_revision else None

    @property
    def session(self) -> Session:
        """The request's session (opened on first use when given as a factory)."""
        if not isinstance(self._session, Session):
            self._session = self._session()
        return self._session

    @property
    def answer_revision(self) -> str | None:
        """What an answer depends on: catalog and model revisions and the click-through used.

        None when that cannot be named (then the answer must not be remembered).
        """
        return answer_revision(self.served, self.click_through)

    # -- live rows and curator rules -------------------------------------------------------
    def live(self, skus: Sequence[str]) -> dict[str, Item]:
        """Return the current rows of these skus (deleted ones are simply absent)."""
        if not skus:
            return {}
        if self.items is not None:
            return self.items.items(lambda: self.session, self.served.catalog_revision, skus)
        rows = self.session.scalars(select(Item).where(Item.sku.in_(list(dict.fromkeys(skus)))))
        return {i.sku: i for i in rows}

    def rules(self, *, outfit_id: int | None = None, bag_id: int | None = None
              ) -> tuple[list[Item], set[str]]:
        """Return (pinned items in rule order, hidden skus) for an outfit or for a bag.

        A bag hidden everywhere (a rule without an outfit) is hidden for every outfit,
        ad-hoc ones included, and wins over a pin.  With the revision's item table the
        rules are read once per revision (a rule write changes it) and the pinned rows
        come from the table.
        """
        if self.items is None:
            return self._read_rules(outfit_id, bag_id)
        pinned, hidden = self.items.value(
            self.served.catalog_revision, ("rules", outfit_id, bag_id),
            lambda: self._rules_from_book(outfit_id, bag_id))
        rows = self.live(pinned)
        return [rows[s] for s in pinned if s in rows], set(hidden)

    def _rules_from_book(self, outfit_id: int | None, bag_id: int | None
                         ) -> tuple[tuple[str, ...], frozenset[str]]:
        """Pick one outfit's (or bag's) rules from every rule, read once per revision."""
        assert self.items is not None  # only asked with the revision's table (see rules)
        book = self.items.value(self.served.catalog_revision, ("rule book",), self._rule_book)
        if bag_id is not None and outfit_id is None:
            chosen = book.by_bag.get(bag_id, ())
        else:
            everywhere = book.by_outfit.get(None, ())
            mine = book.by_outfit.get(outfit_id, ()) if outfit_id is not None else ()
            chosen = sorted((*mine, *everywhere))  # rule order: created_at, then id
        pins = tuple(sku for _order, action, sku in chosen if action != "hide")
        return pins, frozenset(sku for _order, action, sku in chosen if action == "hide")

    def _rule_book(self) -> RuleBook:
        """Read every curator rule with the skus it names (one Core query)."""
        outfit, bag = aliased(Item), aliased(Item)
        stmt = (select(CurationRule.created_at, CurationRule.id, CurationRule.outfit_id,
                       CurationRule.bag_id, CurationRule.action, outfit.sku, bag.sku)
                .join(bag, bag.id == CurationRule.bag_id)
                .outerjoin(outfit, outfit.id == CurationRule.outfit_id))
        book = RuleBook()
        for created, rule_id, outfit_id, bag_id, action, outfit_sku, bag_sku in self.session.execute(stmt):
            order = (created, rule_id)
            book.by_outfit.setdefault(outfit_id, []).append((order, action, bag_sku))
            if outfit_sku is not None:
                book.by_bag.setdefault(bag_id, []).append((order, action, outfit_sku))
        for rules in (*book.by_outfit.values(), *book.by_bag.values()):
            rules.sort()
        return book

    def _rule_statement(self, outfit_id: int | None, bag_id: int | None) -> Any:
        if bag_id is not None and outfit_id is None:
            other, where = CurationRule.outfit_id, CurationRule.bag_id == bag_id
        else:
            other, where = CurationRule.bag_id, CurationRule.outfit_id.is_(None)
            if outfit_id is not None:
                where = or_(CurationRule.outfit_id == outfit_id, where)
        return other, where

    def _read_rules(self, outfit_id: int | None, bag_id: int | None) -> tuple[list[Item], set[str]]:
        other, where = self._rule_statement(outfit_id, bag_id)
        stmt = (select(CurationRule.action, Item).join(Item, Item.id == other)
                .where(where).order_by(CurationRule.created_at, CurationRule.id))
        pins, hidden = [], set()
        for action, item in self.session.execute(stmt):
            if action == "hide":
                hidden.add(item.sku)
            else:
                pins.append(item)
        return pins, hidden

    def hidden_everywhere(self) -> set[str]:
        """Return the skus of bags curators hid everywhere."""
        if self.items is not None:  # the rule book's: no query of its own
            return set(self.rules()[1])
        return set(self._hidden_everywhere())

    def _hidden_everywhere(self) -> frozenset[str]:
        stmt = (select(Item.sku).join(CurationRule, CurationRule.bag_id == Item.id)
                .where(CurationRule.outfit_id.is_(None)))
        return frozenset(self.session.scalars(stmt))

    # -- bags for an outfit ----------------------------------------------------------------
    def bags_for_outfit(self, outfit: Any, filters: Filters, limit: int, *,
                        market: Market | None = None, outfit_id: int | None = None) -> Answer:
        """Complete the look: bags for a catalog outfit (``outfit_id``) or an ad-hoc one."""
        pins, hidden = self.rules(outfit_id=outfit_id)
        filters = replace(filters, exclude=(*filters.exclude, *sorted(hidden)))
        traits = traits_of(outfit)
        sku = getattr(outfit, "sku", None) if outfit_id is not None else None
        vector = self.model.outfit_vector(outfit, sku=sku)
        season = filters.season[0] if filters.season else None
        answer = Answer()
        taken: set[str] = set()
        for pin in pins:
            if len(answer.results) < limit and filters.accepts(pin):
                answer.results.append(Result(pin, 1.0, self._pin_reasons(pin, traits)))
                taken.add(pin.sku)
        want = limit - len(answer.results)
        pool = want + behaviour.POOL if self.click_through and want > 0 else want
        position = self.model.outfit_position_.get(sku) if sku is not None else None
        picked = self._pick_bags(traits, vector, filters, pool, season, market, taken, position)
        if len(picked) < want and filters.season:
            more = self._pick_bags(traits, vector, filters.without("season"), want - len(picked),
                                   season, market, taken | {r.item.sku for r in picked}, position)
            if more:
                answer.relaxed.append("season")
                picked += more
        picked.sort(key=lambda r: (-r.score, r.item.sku))
        # After the model, the filters and the pins: shopper click-through nudges the order.
        answer.results += behaviour.apply_click_through(self.click_through, sku, picked, want)
        if not answer.results:
            answer.removed_by = removed_by(self.model.bags_, filters)
        return answer

    def _pin_reasons(self, pin: Item, traits: Any) -> list[str]:
        pos = self.model.bag_position_.get(pin.sku)
        if pos is None:
            return [PINNED_REASON]
        ctx = self.model.pair_context(traits)
        return [PINNED_REASON, *self.model.explain(ctx, pos, BagView.of(pin))[:2]]

    def _pick_bags(self, traits: Any, vector: Any, filters: Filters, want: int,
                   season: str | None, market: Market | None, taken: set[str],
                   position: int | None = None) -> list[Result]:
        """Take the model's candidates in order until ``want`` pass the live checks.

        ``position`` is a catalog outfit's row in the model (its kept candidates may serve).
        """
        if want <= 0:
            return []
        extra = len(taken)
        for _round in range(MAX_ROUNDS):
            ranking = self.model.rank_bags(traits, filters, want, outfit_vector=vector,
                                           season=season, market=market, extra=extra, outfit=position)
            out = self._accept(ranking, filters, want, taken,
                               lambda pos, item, r=ranking: self.model.explain(r, pos, BagView.of(item)))
            if out:
                best = float(ranking.scores.max())
                for result in out:
                    result.weak = best - result.score > ranking.weak_gap
            if len(out) >= want or ranking.exhausted:
                return out
            extra = 4 * (want + extra)
        return out

    def _accept(self, ranking: Ranking, filters: Filters, want: int, taken: set[str],
                explain: Any, kind: str = "bag") -> list[Result]:
        skus = self.model.bags_.skus if kind == "bag" else self.model.outfit_skus_
        candidates = [(int(p), float(s)) for p, s in zip(ranking.positions, ranking.scores, strict=True)]
        rows: dict[str, Item] = {}
        fetched = 0
        out: list[Result] = []
        for i, (pos, score) in enumerate(candidates):
            if i >= fetched:  # read live rows a few at a time: most candidates pass
                batch = candidates[fetched:fetched + want - len(out) + 2]
                rows.update(self.live([skus[p] for p, _ in batch]))
                fetched += len(batch)
            item = rows.get(skus[pos])
            if item is None or item.sku in taken or item.kind != kind:
                continue
            if kind == "bag" and not filters.accepts(item):
                continue
            if kind == "outfit" and not filters.accepts_outfit(item):
                continue
            out.append(Result(item, _score(score), explain(pos, item)))
            if len(out) >= want:
                break
        return out

    # -- outfits for a bag, similar bags ---------------------------------------------------
    def outfits_for_bag(self, bag: Item, limit: int, filters: Filters) -> Answer:
        """Wear it with: outfits this bag completes, curator rules applied."""
        pins, hidden = self.rules(bag_id=bag.id)
        filters = replace(filters, exclude=(*filters.exclude, *sorted(hidden)))
        pos = self.model.bag_position_.get(bag.sku)
        answer = Answer()
        taken: set[str] = set()
        for pin in pins:
            if len(answer.results) < limit and filters.accepts_outfit(pin):
                answer.results.append(Result(pin, 1.0, ["picked by our stylists for this bag"]))
                taken.add(pin.sku)
        want = limit - len(answer.results)
        if pos is None or want <= 0:
            return answer
        ranking = self.model.rank_outfits(bag.sku, want + len(taken), filters.exclude)
        viewed = BagView.of(bag)

        def explain(opos: int, outfit: Item) -> list[str]:
            ctx = self.model.pair_context(traits_of(outfit))
            out = self.model.explain(ctx, pos, viewed)
            vote = ranking.votes.get(opos)
            if vote and vote[0] > 0:
                out = ["dressed like outfits our stylists paired with this bag", *out[:2]]
            return out

        picked = self._accept(ranking, filters, want, taken, explain, kind="outfit")
        picked.sort(key=lambda r: (-r.score, r.item.sku))
        answer.results += picked
        return answer

    def similar_bags(self, bag: Item, filters: Filters, limit: int) -> Answer:
        """Bags like this one, by weighted feature similarity."""
        pos = self.model.bag_position_.get(bag.sku)
        if pos is None:
            return Answer()
        filters = replace(filters, exclude=(*filters.exclude, bag.sku, *sorted(self.hidden_everywhere())))
        ranking = self.model.rank_similar(bag.sku, filters, limit)
        viewed = BagView.of(bag)
        picked = self._accept(ranking, filters, limit, set(),
                              lambda p, item: self.model.explain_similar(p, pos, BagView.of(item), viewed))
        picked.sort(key=lambda r: (-r.score, r.item.sku))
        return Answer(picked, removed_by=[] if picked else removed_by(self.model.bags_, filters))
