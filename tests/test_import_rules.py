"""Curator rules travel in the JSON import/export document, validated like everything else."""

import json

from sqlalchemy import func, select

from lookbook.catalog.models import CurationRule
from lookbook.transfer.exporter import export_document
from lookbook.transfer.importer import import_rows, read_json
from tests.conftest import item

ITEMS = [item("O-1", "outfit"), item("B-1"), item("B-2")]
RULES = [{"action": "pin", "bag": "B-1", "outfit": "O-1"},
         {"action": "hide", "bag": "B-2", "outfit": None}]


def _import(db, doc, **kw):
    rows, books = read_json(json.dumps(doc).encode())
    with db.write() as session:
        return import_rows(session, rows, books, **kw)


def _rule_count(db):
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(CurationRule))


def test_rules_import_then_export_unchanged_and_reimport_changes_nothing(db):
    report = _import(db, {"items": ITEMS, "rules": RULES})
    assert report.ok and (report.rules, report.rules_created, report.rules_updated) == (2, 2, 0)
    with db.session() as session:
        exported = export_document(session)
    assert exported["rules"] == RULES
    again = _import(db, exported)
    assert again.ok and (again.rules_created, again.rules_updated) == (0, 0)
    assert not again.changed


def test_an_imported_rule_changes_the_action_of_an_existing_pair(db):
    _import(db, {"items": ITEMS, "rules": RULES})
    report = _import(db, {"rules": [{"action": "hide", "bag": "B-1", "outfit": "O-1"}]})
    assert report.ok and report.rules_updated == 1
    with db.session() as session:
        pair = select(CurationRule.action).where(CurationRule.outfit_id.is_not(None))
        assert session.scalar(pair) == "hide"


def test_bad_rules_are_reported_by_position_and_nothing_is_written(db):
    doc = {"items": ITEMS, "rules": [
        {"action": "pin", "bag": "B-1"},
        {"action": "hide", "bag": "NOPE", "outfit": "O-1"},
        {"action": "hide", "bag": "O-1"},
        {"action": "hide", "bag": "B-2", "outfit": "O-1"},
        {"action": "pin", "bag": "B-2", "outfit": "O-1"},
        "hide B-1",
    ]}
    report = _import(db, doc)
    assert not report.ok and not report.written
    where = {(e.location, e.field) for e in report.errors}
    assert where == {("rules[0]", "outfit"), ("rules[1]", "bag"), ("rules[2]", "bag"),
                     ("rules[4]", "bag"), ("rules[5]", "rule")}
    assert report.created == 0 and _rule_count(db) == 0


def test_a_dry_run_checks_rules_and_writes_none(db):
    report = _import(db, {"items": ITEMS, "rules": RULES}, dry_run=True)
    assert report.ok and report.rules == 2 and _rule_count(db) == 0
