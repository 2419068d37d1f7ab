"""Curator rules, addressed by sku: pin or hide a bag for an outfit, or hide it everywhere.

The same validation serves the API (``/api/v1/rules``), the studio's forms and the
import document's ``"rules"`` list.  A pair (outfit, bag) holds at most one rule, so
setting a pin where a hide was replaces it; a bag holds at most one "everywhere" rule,
which is always a hide.  A hide everywhere wins over a pin for one outfit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from lookbook.catalog.models import CurationRule, Item
from lookbook.catalog.records import Problem, RowInvalid, valid_sku

ACTIONS = ("pin", "hide")


@dataclass(frozen=True)
class RuleRecord:
    """A validated rule: the action, the bag's sku and the outfit's (None: everywhere)."""

    action: str
    bag: str
    outfit: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "bag": self.bag, "outfit": self.outfit}


@dataclass(frozen=True)
class RuleView:
    """A stored rule with its items, as lists and pages show it."""

    id: int
    action: str
    bag: Item
    outfit: Item | None
    created_at: dt.datetime
    created_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "bag": self.bag.sku,
                "outfit": self.outfit.sku if self.outfit else None}


def _sku(raw: Mapping[str, Any], name: str, problems: list[Problem], *, required: bool) -> str | None:
    value = raw.get(name)
    if value is None:
        if required:
            problems.append(Problem(name, "is required (a sku)"))
        return None
    sku = valid_sku(value)
    if sku is None:
        problems.append(Problem(name, "must be a sku (1-64 letters, digits, '.', '_' or '-')"))
    return sku


def parse_rule(raw: Any) -> RuleRecord:
    """Validate a raw rule (``{"action", "bag", "outfit"}``) or raise RowInvalid."""
    if not isinstance(raw, Mapping):
        raise RowInvalid([Problem("rule", 'must be an object {"action", "bag", "outfit"}')])
    problems: list[Problem] = []
    action = raw.get("action")
    if action not in ACTIONS:
        problems.append(Problem("action", "must be 'pin' or 'hide'"))
    bag = _sku(raw, "bag", problems, required=True)
    outfit = _sku(raw, "outfit", problems, required=False)
    if action == "pin" and outfit is None and not any(p.field == "outfit" for p in problems):
        problems.append(Problem("outfit", "a pin needs an outfit; only 'hide' applies everywhere"))
    unknown = [k for k in raw if k not in ("action", "bag", "outfit")]
    if unknown:
        problems.append(Problem(str(unknown[0]), f"unknown field(s): {', '.join(map(str, unknown))}"))
    if problems:
        raise RowInvalid(problems)
    assert bag is not None and isinstance(action, str)
    return RuleRecord(action=action, bag=bag, outfit=outfit)


def _a(kind: str) -> str:
    return "an outfit" if kind == "outfit" else f"a {kind}"


def check_references(record: RuleRecord, kinds: Mapping[str, str]) -> list[Problem]:
    """Return problems for a rule whose skus are unknown or of the wrong kind."""
    problems = []
    for name, sku, kind in (("bag", record.bag, "bag"), ("outfit", record.outfit, "outfit")):
        if sku is None:
            continue
        found = kinds.get(sku)
        if found is None:
            problems.append(Problem(name, f"unknown sku {sku!r}"))
        elif found != kind:
            problems.append(Problem(name, f"{sku} is {_a(found)}, not {_a(kind)}"))
    return problems


def kinds_of(session: Session, skus: Sequence[str]) -> dict[str, str]:
    """Return {sku: kind} for the skus that exist."""
    wanted = sorted({s for s in skus if s})
    if not wanted:
        return {}
    return dict(session.execute(select(Item.sku, Item.kind).where(Item.sku.in_(wanted))).all())


def _views() -> tuple[Select, Any, Any]:
    """Return the select of (rule, bag, outfit) rows and the bag and outfit aliases."""
    outfit, bag = aliased(Item), aliased(Item)
    stmt = (select(CurationRule, bag, outfit)
            .join(bag, bag.id == CurationRule.bag_id)
            .outerjoin(outfit, outfit.id == CurationRule.outfit_id))
    return stmt, bag, outfit


def _view(row: Any) -> RuleView:
    rule, bag, outfit = row
    return RuleView(rule.id, rule.action, bag, outfit, rule.created_at, rule.created_by)


def find_rule(session: Session, bag_sku: str, outfit_sku: str | None) -> CurationRule | None:
    """Return the stored rule for (outfit, bag), or for the bag everywhere."""
    outfit, bag = aliased(Item), aliased(Item)
    stmt = select(CurationRule).join(bag, bag.id == CurationRule.bag_id).where(bag.sku == bag_sku)
    if outfit_sku is None:
        stmt = stmt.where(CurationRule.outfit_id.is_(None))
    else:
        stmt = stmt.join(outfit, outfit.id == CurationRule.outfit_id).where(outfit.sku == outfit_sku)
    return session.scalar(stmt)


def set_rule(session: Session, record: RuleRecord, *, by: str | None = None
             ) -> tuple[RuleRecord | None, bool, CurationRule]:
    """Store a rule (replacing the pair's other action); return (the rule before, changed, row).

    Raises RowInvalid when a sku is unknown or of the wrong kind.
    """
    problems = check_references(record, kinds_of(session, [record.bag, record.outfit or ""]))
    if problems:
        raise RowInvalid(problems)
    existing = find_rule(session, record.bag, record.outfit)
    if existing is not None:
        before = RuleRecord(existing.action, record.bag, record.outfit)
        if existing.action == record.action:
            return before, False, existing
        existing.action = record.action
        existing.created_by = by
        session.flush()
        return before, True, existing
    ids = dict(session.execute(select(Item.sku, Item.id).where(
        Item.sku.in_([record.bag, *([record.outfit] if record.outfit else [])]))).all())
    rule = CurationRule(outfit_id=ids.get(record.outfit) if record.outfit else None,
                        bag_id=ids[record.bag], action=record.action, created_by=by)
    session.add(rule)
    session.flush()
    return None, True, rule


def delete_rule(session: Session, bag_sku: str, outfit_sku: str | None) -> RuleRecord | None:
    """Delete the rule for (outfit, bag) or the bag's everywhere rule; return it, or None."""
    rule = find_rule(session, bag_sku, outfit_sku)
    if rule is None:
        return None
    gone = RuleRecord(rule.action, bag_sku, outfit_sku)
    session.delete(rule)
    session.flush()
    return gone


def list_rules(session: Session, *, outfit_sku: str | None = None, bag_sku: str | None = None,
               action: str | None = None, any_sku: str | None = None, everywhere: bool = False,
               page: int = 1, per_page: int = 50) -> tuple[list[RuleView], int]:
    """Return one page of rules (newest first) and the total, optionally for one item.

    ``any_sku`` matches the rule's bag or its outfit; ``everywhere`` keeps only the
    rules that hide a bag everywhere.
    """
    stmt, bag_alias, outfit_alias = _views()
    if any_sku is not None:
        stmt = stmt.where((bag_alias.sku == any_sku) | (outfit_alias.sku == any_sku))
    if everywhere:
        stmt = stmt.where(CurationRule.outfit_id.is_(None))
    if outfit_sku is not None:
        stmt = stmt.where(outfit_alias.sku == outfit_sku)
    if bag_sku is not None:
        stmt = stmt.where(bag_alias.sku == bag_sku)
    if action is not None:
        stmt = stmt.where(CurationRule.action == action)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(CurationRule.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return [_view(r) for r in rows], total


def rules_for_outfit(session: Session, outfit_id: int) -> dict[str, str]:
    """Return {bag sku: action} of the rules that apply to an outfit (its own and global)."""
    bag = aliased(Item)
    stmt = (select(bag.sku, CurationRule.action, CurationRule.outfit_id)
            .join(bag, bag.id == CurationRule.bag_id)
            .where((CurationRule.outfit_id == outfit_id) | CurationRule.outfit_id.is_(None)))
    out: dict[str, str] = {}
    for sku, action, owner in session.execute(stmt):
        if owner is None:
            out[sku] = "hide everywhere"
        else:
            out.setdefault(sku, action)
    return out


def hidden_everywhere(session: Session, bag_ids: Sequence[int] | None = None) -> set[int]:
    """Return the ids of bags hidden everywhere (of these bags, when given)."""
    stmt = select(CurationRule.bag_id).where(CurationRule.outfit_id.is_(None))
    if bag_ids is not None:
        stmt = stmt.where(CurationRule.bag_id.in_(list(bag_ids)))
    return set(session.scalars(stmt))


def all_rules(session: Session) -> list[dict[str, Any]]:
    """Return every rule in the import/export shape, oldest first."""
    stmt, _bag, _outfit = _views()
    rows = session.execute(stmt.order_by(CurationRule.id))
    return [_view(r).as_dict() for r in rows]


def upsert_rules(session: Session, records: Sequence[RuleRecord], ids: Mapping[str, int]
                 ) -> tuple[int, int]:
    """Create or change rules of an import (skus already checked); return (created, updated)."""
    created = updated = 0
    for record in records:
        outfit_id = ids[record.outfit] if record.outfit else None
        owner = (CurationRule.outfit_id.is_(None) if outfit_id is None
                 else CurationRule.outfit_id == outfit_id)
        rule = session.scalar(select(CurationRule).where(CurationRule.bag_id == ids[record.bag], owner))
        if rule is None:
            session.add(CurationRule(outfit_id=outfit_id, bag_id=ids[record.bag],
                                     action=record.action))
            created += 1
        elif rule.action != record.action:
            rule.action = record.action
            updated += 1
    session.flush()
    return created, updated
