"""Curator rules for integrators (secret key): list, set and remove pins and hides.

A rule is ``{"action": "pin"|"hide", "bag": sku, "outfit": sku or null}``; a null
outfit hides the bag everywhere.  Every write bumps the catalog revision, so the next
recommendation answer already follows it, and leaves an entry in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from lookbook.api.auth import key_actor, secret_key_required
from lookbook.api.body import json_body
from lookbook.api.openapi import check_body
from lookbook.api.problems import ApiProblem, field_error
from lookbook.audit.trail import record as audit
from lookbook.catalog.params import Params
from lookbook.catalog.records import RowInvalid, valid_sku
from lookbook.catalog.rules import RuleRecord, RuleView, delete_rule, list_rules, parse_rule, set_rule
from lookbook.server import appdb

bp = Blueprint("rules", __name__)
NO_STORE = {"Cache-Control": "no-store"}
MAX_PER_PAGE = 200


def rule_json(rule: RuleRecord | RuleView, created_at: dt.datetime) -> dict[str, Any]:
    """Return a rule as the API shows it."""
    if created_at.tzinfo is None:  # SQLite hands back naive UTC
        created_at = created_at.replace(tzinfo=dt.UTC)
    return {**rule.as_dict(), "created_at": created_at.isoformat()}


def describe(rule: RuleRecord) -> str:
    """Say what a rule does, for the audit trail."""
    if rule.outfit is None:
        return f"hide {rule.bag} everywhere"
    return f"{rule.action} {rule.bag} for {rule.outfit}"


def _invalid(exc: RowInvalid) -> ApiProblem:
    return ApiProblem(422, "the rule is not valid", title="Invalid rule",
                      errors=[p.as_dict() for p in exc.problems])


def _sku_param(p: Params, name: str) -> str | None:
    """A sku in the query, spelled as stored; absent is None, empty is an error (as documented)."""
    raw = p.source.get(name)
    if raw is None:
        return None
    sku = valid_sku(raw)
    if sku is None or sku != raw:
        p.errors.append(field_error(name, "must be a sku (1-64 letters, digits, '.', '_' or '-')"))
        return None
    return sku


@bp.get("/rules")
@secret_key_required
def index() -> ResponseReturnValue:
    """List rules, newest first; ``outfit``, ``bag`` and ``action`` narrow the list."""
    p = Params(request.args, strict=True)
    outfit, bag = _sku_param(p, "outfit"), _sku_param(p, "bag")
    action = p.choices("action", ("pin", "hide")) or ()
    if len(action) > 1:
        p.errors.append(field_error("action", "give one of: pin, hide"))
    page = p.integer("page", 1, 1, 100_000)
    per_page = p.integer("per_page", 50, 1, MAX_PER_PAGE, clamp=True)
    p.finish()
    rows, total = list_rules(appdb.session(), outfit_sku=outfit, bag_sku=bag,
                             action=action[0] if len(action) == 1 else None,
                             page=page, per_page=per_page)
    body = {"rules": [rule_json(r, r.created_at) for r in rows], "page": page, "per_page": per_page,
            "total": total}
    return body, 200, NO_STORE


@bp.post("/rules")
@secret_key_required
def create() -> ResponseReturnValue:
    """Pin or hide a bag (for an outfit, or everywhere); 201 when new, 200 when changed or kept."""
    body = json_body()
    try:
        rule = parse_rule(body)
    except RowInvalid as exc:
        raise _invalid(exc) from None
    check_body("RuleInput", body)
    with appdb.database().write() as session:
        try:
            before, changed, stored = set_rule(session, rule, by=key_actor().label)
        except RowInvalid as exc:
            raise _invalid(exc) from None
        if changed:
            audit(session, key_actor(), "rule.set", f"Rule: {describe(rule)}", sku=rule.bag,
                  other_sku=rule.outfit, before=before.as_dict() if before else None,
                  after=rule.as_dict())
        body = rule_json(rule, stored.created_at)
    return body, 201 if before is None else 200, NO_STORE


@bp.delete("/rules")
@secret_key_required
def remove() -> ResponseReturnValue:
    """Remove the rule for ``bag`` and ``outfit`` (no outfit: the bag's everywhere rule)."""
    p = Params(request.args, strict=True)
    bag, outfit = _sku_param(p, "bag"), _sku_param(p, "outfit")
    if bag is None and not p.errors:
        p.errors.append(field_error("bag", "is required (the rule's bag sku)"))
    p.finish()
    assert bag is not None
    with appdb.database().write() as session:
        gone = delete_rule(session, bag, outfit)
        if gone is None:
            where = f"for outfit {outfit!r}" if outfit else "everywhere"
            raise ApiProblem(404, f"no rule for bag {bag!r} {where}", title="Not found",
                             slug="unknown-rule")
        audit(session, key_actor(), "rule.delete", f"Removed rule: {describe(gone)}", sku=gone.bag,
              other_sku=gone.outfit, before=gone.as_dict())
    return Response(status=204)
