"""The demo catalog covers the vocabulary, is deterministic, and builds end to end."""

from lookbook.catalog.records import parse_item
from lookbook.demo.catalog import NIGHT, generate, public_fields
from lookbook.styling import vocab


def _records():
    return [parse_item(public_fields(raw))[0] for raw in generate()["items"]]


def test_demo_catalog_is_deterministic():
    assert generate() == generate()


def test_demo_catalog_covers_every_occasion_size_family_season_and_tier():
    records = _records()
    bags = [r for r in records if r.kind == "bag"]
    assert len(bags) >= 120 and len(records) - len(bags) >= 40
    assert {o for r in records for o in r.occasions} == set(vocab.OCCASIONS)
    assert {r.size for r in bags} == set(vocab.SIZES)
    assert {r.material_family for r in records} >= set(vocab.MATERIAL_FAMILIES) - {"other"}
    assert {s for r in records for s in r.seasons} == set(vocab.SEASONS)
    assert {r.tier for r in records} == set(vocab.TIERS)


def test_the_demo_stylist_has_her_own_taste_not_the_models_rules():
    doc = generate()
    items = {i["sku"]: i for i in doc["items"]}
    looks = [(book["slug"], look) for book in doc["lookbooks"] for look in book["looks"]]
    assert len(doc["lookbooks"]) >= 6 and 80 <= len(looks) <= 120  # enough to learn from
    night = [items[lk["bag"]] for _s, lk in looks if items[lk["outfit"]]["_archetype"] in NIGHT]
    day = [items[lk["bag"]] for _s, lk in looks if items[lk["outfit"]]["_archetype"] not in NIGHT]
    shiny = lambda bag: bool({"gold", "silver"} & set(bag["colours"][:1])) or "metallic" in bag["styles"]  # noqa: E731
    assert not any(shiny(b) for b in day)  # metallic only at night
    assert sum(shiny(b) for b in night) >= len(night) / 3
    # Mostly black, grey or a colour of the outfit's own family -- rarely the brief's "contrast".
    bold = [b for b in day if b["colours"][0] in ("neon", "yellow", "orange", "pink", "coral")]
    assert len(bold) <= len(day) / 10
    for _slug, look in looks:
        assert float(items[look["bag"]]["width_cm"]) < 20


def test_lookbook_demo_builds_a_catalog_that_the_api_serves(run_cli, app, client):
    result = run_cli("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert '"lookbooks": 8' in result.output
    bags = client.get("/api/v1/items?kind=bag&size=micro").json
    assert bags["total"] > 10
    assert client.get("/api/v1/items?kind=outfit").json["total"] >= 40
    again = run_cli("demo", "--no-serve")
    assert "0 created, 0 updated" in again.output
