"""Pin and hide rules in the studio: the list, a form to add one, and the buttons elsewhere.

The editor and an outfit's recommendation list post here with ``rule=ACTION|BAG``
(``pin``, ``hide`` or ``hide-everywhere``), the outfit, and where to come back to.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lookbook.audit.trail import record as audit
from lookbook.catalog.params import Params
from lookbook.catalog.records import Problem, RowInvalid, valid_sku
from lookbook.catalog.rules import RuleRecord, delete_rule, list_rules, parse_rule, set_rule
from lookbook.server import appdb
from lookbook.web.studio.access import actor, safe_back
from lookbook.web.studio.common import form_errors, invalid, pages

bp = Blueprint("rules", __name__, url_prefix="/rules")
PER_PAGE = 50
CHOICES = {"pin": "pin", "hide": "hide", "hide-everywhere": "hide"}
LABELS = {"bag": "Bag sku", "outfit": "Outfit sku", "action": "Rule"}


def describe(rule: RuleRecord) -> str:
    """Say what a rule does, in the words the studio uses."""
    if rule.outfit is None:
        return f"{rule.bag} is hidden everywhere"
    return f"{rule.bag} is {'pinned' if rule.action == 'pin' else 'hidden'} for {rule.outfit}"


def _submitted() -> tuple[dict[str, str], RuleRecord]:
    """Read a rule from a form: ``rule=ACTION|BAG`` or the fields action, bag and outfit."""
    form = request.form
    choice, _, bag = (form.get("rule") or "").partition("|")
    if not choice:
        choice, bag = form.get("action", ""), form.get("bag", "")
    values = {"action": choice, "bag": bag.strip(), "outfit": (form.get("outfit") or "").strip()}
    if choice not in CHOICES:
        raise RowInvalid([Problem("action", "choose pin, hide, or hide everywhere")])
    outfit = None if choice == "hide-everywhere" or not values["outfit"] else values["outfit"]
    return values, parse_rule({"action": CHOICES[choice], "bag": values["bag"] or None,
                               "outfit": outfit})


def _list_context(values: dict[str, str] | None = None, errors: dict | None = None) -> dict:
    p = Params(request.args)
    page = p.integer("page", 1, 1, 100_000)
    action = p.choices("show", ("pin", "hide", "everywhere")) or ()
    p.finish()
    q = valid_sku((request.args.get("q") or "").strip()[:64])
    show = action[0] if action else ""
    rows, total = list_rules(appdb.session(), any_sku=q, action=show if show in ("pin", "hide") else None,
                             everywhere=show == "everywhere", page=page, per_page=PER_PAGE)
    return {"rules": rows, "total": total, "page": page, "pages": pages(total, PER_PAGE), "q": q or "",
            "show": show, "values": values or {"action": "pin"}, "errors": errors or {},
            "labels": LABELS}


@bp.get("/")
def index() -> ResponseReturnValue:
    """List every rule (filter by sku or kind of rule) with a way to remove each."""
    return render_template("curate/rules.html", **_list_context())


@bp.post("/")
def add() -> ResponseReturnValue:
    """Pin or hide a bag; come back to the page the button was on."""
    back = safe_back(request.form.get("next"), url_for("curate.rules.index"))
    values: dict[str, str] = {}
    try:
        values, rule = _submitted()
        with appdb.database().write() as session:
            before, changed, _row = set_rule(session, rule, by=actor().label)
            if changed:
                audit(session, actor(), "rule.set", f"Rule: {describe(rule)}", sku=rule.bag,
                      other_sku=rule.outfit, before=before.as_dict() if before else None,
                      after=rule.as_dict())
    except RowInvalid as exc:
        if request.form.get("next"):  # a button on another page: say why there
            for problem in exc.problems:
                flash(f"{LABELS.get(problem.field, problem.field)}: {problem.message}", "error")
            return redirect(back, 303)
        return invalid("curate/rules.html", **_list_context(values, form_errors(exc.problems)))
    flash(f"Done: {describe(rule)}. Recommendations follow it from now on.", "success")
    return redirect(back, 303)


@bp.post("/remove")
def remove() -> ResponseReturnValue:
    """Remove a rule (the bag's everywhere rule when no outfit is given)."""
    back = safe_back(request.form.get("next"), url_for("curate.rules.index"))
    bag = valid_sku(request.form.get("bag", ""))
    outfit = valid_sku(request.form.get("outfit", ""))
    with appdb.database().write() as session:
        gone = delete_rule(session, bag, outfit) if bag else None
        if gone is not None:
            audit(session, actor(), "rule.delete", f"Removed rule: {describe(gone)}", sku=gone.bag,
                  other_sku=gone.outfit, before=gone.as_dict())
    if gone is None:
        flash("That rule was already gone.", "info")
    else:
        flash(f"Removed the rule: {describe(gone)}.", "success")
    return redirect(back, 303)
