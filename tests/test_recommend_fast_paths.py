"""The request path's fast code gives exactly what the straightforward code gives.

Each fast path (direct feature rows, reasons with cached colour maths, curator rules
kept per revision...) is compared with the plain computation over random catalogs, so
a speed-up can never change what is recommended or why.
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np

from lookbook.catalog.records import ItemRecord
from lookbook.recommend.features import RowEncoder, fitted_transformer, rows
from lookbook.styling import vocab


def random_records(n: int, seed: int) -> list[ItemRecord]:
    """Records with every shape the encoders meet: empty, repeated and unknown values too."""
    rng = random.Random(seed)
    colours = list(vocab.COLOURS.items())

    def some(values, unknown: str) -> list[str]:
        picked = rng.sample(list(values), rng.randint(0, 3))
        if rng.random() < 0.2 and picked:
            picked.append(picked[0])  # a repeated value counts twice in a mean-normalised block
        if rng.random() < 0.1:
            picked.append(unknown)
        return picked

    out = []
    for i in range(n):
        palette = rng.sample(colours, rng.randint(0, 3))
        if palette and rng.random() < 0.3:  # a retailer's own shade of a vocabulary colour
            palette[0] = (palette[0][0], f"#{rng.randrange(0x1000000):06x}")
        width = Decimal(rng.randint(40, 500)) / 10 if rng.random() < 0.8 else None
        out.append(ItemRecord(
            sku=f"R{i}", kind=rng.choice(("bag", "outfit")), name=f"r{i}",
            price=Decimal(rng.choice((0, rng.randint(1, 500000)))) / 100, currency="EUR",
            colours=palette, occasions=some(vocab.OCCASIONS, "gala"), styles=some(vocab.STYLES, "boho"),
            seasons=some(vocab.SEASONS, "monsoon"),
            material_family=rng.choice((*vocab.MATERIAL_FAMILIES, None, "unknown family")),
            tier=rng.choice((*vocab.TIERS, None)), size=vocab.size_for_width(width) if width else None,
            width_cm=width, silhouette=rng.choice((*vocab.SILHOUETTES, None, "odd")),
            limited_edition=rng.random() < 0.3, detachable_strap=rng.random() < 0.3,
        ))
    return out


def test_direct_feature_rows_equal_the_column_transformer_s():
    transformer = fitted_transformer()
    encoder = RowEncoder(transformer)
    for seed in range(5):
        records = random_records(300, seed)
        expected = transformer.transform(rows(records))
        got = encoder.transform(records)
        assert got.dtype == expected.dtype == np.float32
        assert np.array_equal(got, expected)
        for record in records[:20]:  # one at a time, as an ad-hoc outfit is encoded
            assert np.array_equal(encoder.transform([record]), transformer.transform(rows([record])))
    assert encoder.transform([]).shape == (0, expected.shape[1])


def reference_mmr(scores: np.ndarray, vectors: np.ndarray, trade_off: float, k: int) -> np.ndarray:
    """MMR written plainly with numpy arrays (the code the list version replaced)."""
    n = len(scores)
    sims = vectors @ vectors.T
    chosen: list[int] = []
    left = np.ones(n, dtype=bool)
    max_sim = np.zeros(n)
    for _ in range(min(k, n)):
        gain = trade_off * scores - (1.0 - trade_off) * max_sim
        gain[~left] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(pick)
        left[pick] = False
        max_sim = np.maximum(max_sim, sims[pick])
    rest = [i for i in np.argsort(-scores, kind="stable") if left[i]]
    return np.array(chosen + rest, dtype=np.int64)


def test_mmr_on_plain_floats_picks_exactly_what_the_numpy_version_picks():
    from lookbook.recommend.diversity import mmr_order

    rng = np.random.default_rng(4)
    for trial in range(300):
        n = int(rng.integers(1, 40))
        # Few distinct values, so ties (in score and in similarity) are common.
        scores = rng.integers(0, 6, n) / 5.0 if trial % 2 else rng.random(n)
        if trial % 3 == 0:
            scores = scores.astype(np.float32)
        vectors = rng.integers(0, 3, (n, 6)).astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        k, trade_off = int(rng.integers(1, 8)), float(rng.choice([0.85, 0.7, 1.0, 0.5]))
        assert mmr_order(scores, vectors, trade_off, k).tolist() == \
            reference_mmr(scores, vectors, trade_off, k).tolist()


def test_a_cached_answer_opens_no_session_and_still_sees_the_next_write(app, db, client, monkeypatch):
    from lookbook.catalog.models import Item
    from lookbook.database import Database
    from tests.recommend_fixtures import skus
    from tests.test_recommend_service import evening_catalog

    evening_catalog(db)
    url = "/api/v1/outfits/GOWN-1/bags?size=any&limit=8"
    first = client.get(url)
    assert first.headers["X-Answer-Cache"] == "computed"
    client.get(url)  # the click-through is read now; from here on the revision alone names answers
    sessions = []
    real_session = Database.session
    monkeypatch.setattr(Database, "session", lambda self: sessions.append(1) or real_session(self))
    hit = client.get(url)
    assert hit.headers["X-Answer-Cache"] == "process" and hit.data == first.data
    assert sessions == []  # revision read on a driver connection: no ORM session, no ranking
    sold = skus(first.get_json())[0]
    with db.write() as session:  # another writer (a second worker or host) sells the top bag out
        session.query(Item).filter_by(sku=sold).one().in_stock = False
    after = client.get(url)
    assert after.headers["X-Answer-Cache"] == "computed"
    assert sold not in skus(after.get_json()) and skus(after.get_json())


def test_the_cheap_access_line_is_gunicorn_s_own_line():
    import datetime as dt
    import logging
    from types import SimpleNamespace

    from gunicorn import glogging
    from gunicorn.config import Config

    from lookbook.server.gunicorn import access_logger_class

    cfg = Config()
    cfg.set("accesslog", "-")
    lines: dict[str, list[str]] = {}

    class Capture(logging.Handler):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name_ = name

        def emit(self, record: logging.LogRecord) -> None:
            lines.setdefault(self.name_, []).append(record.getMessage())

    environ = {"REMOTE_ADDR": "10.0.0.7", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
               "RAW_URI": '/api/v1/outfits/O1/bags?q="x"', "HTTP_USER_AGENT": 'wrk "4"',
               "HTTP_REFERER": "https://shop.example/look"}
    resp = SimpleNamespace(status="200 OK", sent=3954, headers=[("Content-Type", "application/json")])
    req = SimpleNamespace(headers=[("HOST", "shop.example")])
    for name, cls in (("gunicorn", glogging.Logger), ("ours", access_logger_class())):
        logger = cls(cfg)
        logger.now = lambda: "[27/Nov/2026:20:24:12 +0000]"
        logger.access_log.handlers = [Capture(name)]
        logger.access(resp, req, {**environ}, dt.timedelta(microseconds=850))
        logger.access(SimpleNamespace(status=304, sent=None, headers=[]), req,
                      {**environ, "HTTP_REFERER": "-"}, dt.timedelta(seconds=1))
    assert lines["ours"] == lines["gunicorn"] and len(lines["ours"]) == 2
    assert lines["ours"][0].startswith('10.0.0.7 - - [27/Nov/2026:20:24:12 +0000] "GET /api/v1/outfits/O1')


def test_an_uncached_answer_from_held_rows_opens_no_session(app, db, client, monkeypatch):
    """Rows and rules the revision's table holds need no ORM session, even for a new question."""
    from lookbook.database import Database
    from tests.recommend_fixtures import add_rule, skus
    from tests.test_recommend_service import evening_catalog

    evening_catalog(db)
    wide = client.get("/api/v1/outfits/GOWN-1/bags?size=any&limit=8").get_json()
    client.get("/api/v1/outfits/GOWN-1/bags?size=any&limit=7")  # click-through read by now
    sessions = []
    real_session = Database.session
    monkeypatch.setattr(Database, "session", lambda self: sessions.append(1) or real_session(self))
    narrower = client.get("/api/v1/outfits/GOWN-1/bags?size=any&limit=3")
    assert narrower.headers["X-Answer-Cache"] == "computed"
    assert skus(narrower.get_json()) == skus(wide)[:3] and sessions == []
    monkeypatch.setattr(Database, "session", real_session)
    add_rule(db, "GOWN-1", skus(wide)[0], "hide")  # a rule write: new revision, rules re-read
    assert skus(wide)[0] not in skus(client.get("/api/v1/outfits/GOWN-1/bags?size=any&limit=3").get_json())


def test_price_bins_split_each_price_exactly_as_unbuffered_adds_do():
    """The soft price bins use plain fancy-index adds: same float32 values as np.add.at,
    including prices on and beyond the first and last centres and unpriced items."""
    from lookbook.recommend.features import PRICE_CENTRES, price_bins

    prices = np.concatenate([np.random.default_rng(3).uniform(0, 6000, 5000),
                             [0.0, -1.0, 1e-9, 1.0, PRICE_CENTRES[0], PRICE_CENTRES[-1], 1e7]])
    centres = np.log(np.array(PRICE_CENTRES))
    pos = np.clip(np.interp(np.log(np.maximum(prices, 1e-3)), centres, np.arange(len(centres))),
                  0, len(centres) - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(centres) - 1)
    expected = np.zeros((len(prices), len(centres)), dtype=np.float32)
    np.add.at(expected, (np.arange(len(prices)), lo), 1 - (pos - lo))
    np.add.at(expected, (np.arange(len(prices)), hi), pos - lo)
    expected[prices <= 0] = 0
    got = price_bins(prices)
    assert np.array_equal(got, expected)
    assert np.allclose(got[prices > 0].sum(axis=1), 1.0)  # every priced item is fully binned


def test_a_worker_s_start_up_objects_leave_the_collector_s_sight_and_new_garbage_does_not():
    """``lookbook serve`` workers freeze what they built at start (no more 200 ms full
    collections walking scikit-learn's modules); garbage made afterwards is still freed."""
    import gc
    import weakref

    from lookbook.server.gunicorn import settle_heap

    class Node:
        pass

    try:
        settle_heap()
        frozen = gc.get_freeze_count()
        # Everything alive now sits in the permanent generation, out of every collection;
        # the generations the collector walks hold only what was made since.
        assert frozen > 10_000 and len(gc.get_objects()) < frozen * 0.01
        cycle = Node()
        cycle.self = cycle  # type: ignore[attr-defined]
        alive = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert alive() is None  # made after the freeze: collected as usual
    finally:
        gc.unfreeze()


def _catalog_with_looks(n_bags: int, n_outfits: int, seed: int):
    """A random catalog big enough that each outfit's kept candidates are a short list."""
    from lookbook.recommend.data import Catalog

    rng = random.Random(seed)
    colours = list(vocab.COLOURS.items())
    bags, outfits = [], []
    for i in range(n_bags):
        width = Decimal(rng.randint(50, 450)) / 10
        bags.append(ItemRecord(
            sku=f"B{i}", kind="bag", name=f"b{i}", price=Decimal(rng.randint(2000, 90000)) / 100,
            currency="EUR", colours=rng.sample(colours, rng.choice((1, 2))),
            occasions=rng.sample(vocab.OCCASIONS, rng.randint(1, 2)),
            styles=rng.sample(vocab.STYLES, rng.randint(0, 2)), seasons=rng.sample(vocab.SEASONS, 1),
            material_family=rng.choice(vocab.MATERIAL_FAMILIES), tier=rng.choice(vocab.TIERS),
            in_stock=rng.random() < 0.85, width_cm=width, size=vocab.size_for_width(width),
            silhouette=rng.choice(vocab.SILHOUETTES), limited_edition=rng.random() < 0.1))
    for i in range(n_outfits):
        outfits.append(ItemRecord(
            sku=f"O{i}", kind="outfit", name=f"o{i}", price=Decimal(200), currency="EUR",
            colours=rng.sample(colours, rng.choice((1, 2, 3))),
            occasions=rng.sample(vocab.OCCASIONS, rng.randint(1, 2)),
            styles=rng.sample(vocab.STYLES, rng.randint(0, 1)), seasons=rng.sample(vocab.SEASONS, 1),
            tier=rng.choice(vocab.TIERS)))
    looks = [(rng.choice(outfits).sku, rng.choice(bags).sku) for _ in range(40)]
    return Catalog(outfits, bags, looks, "rev")


def test_an_outfit_s_kept_candidates_rank_exactly_as_the_full_scan(monkeypatch):
    """For catalog outfits the default question is answered from the candidates kept at fit
    time; whatever the filters, exclusions, limit or extra rows asked, the ranking must be
    the full scan's, and the scan must take over when the list cannot prove its answer."""
    from lookbook.recommend.estimator import CANDIDATES, BagRecommender
    from lookbook.recommend.filters import Filters
    from lookbook.recommend.query import traits_of

    catalog = _catalog_with_looks(6000, 40, seed=3)
    model = BagRecommender().fit(catalog)
    start, end = model.candidate_rows_
    assert end - start > 4 * CANDIDATES  # the lists are short: the proof is needed
    scans = []
    real_top = BagRecommender._top
    monkeypatch.setattr(BagRecommender, "_top",
                        lambda self, *a, **k: scans.append(1) or real_top(self, *a, **k))
    rng = np.random.default_rng(1)
    asked = used = 0
    for o, outfit in enumerate(catalog.outfits):
        traits, vector = traits_of(outfit), model.outfit_vector(sku=outfit.sku)
        some_skus = tuple(model.bags_.skus[int(p)] for p in model.outfit_candidates_[o][:30:3])
        for filters, limit, extra in (
            (Filters(size=vocab.ACCENT_SIZES), 5, 0),
            (Filters(size=vocab.ACCENT_SIZES), 50, 0),
            (Filters(size=vocab.ACCENT_SIZES, exclude=some_skus + some_skus[:2]), 5, 3),
            (Filters(size=vocab.ACCENT_SIZES, in_stock=None, max_price=Decimal(300)), 8, 0),
            (Filters(size=vocab.ACCENT_SIZES, material=("nylon",)), 5, 0),
            (Filters(size=vocab.ACCENT_SIZES, in_stock=False), 5, int(rng.integers(0, 40))),
        ):
            before = len(scans)
            fast = model.rank_bags(traits, filters, limit, outfit_vector=vector, extra=extra, outfit=o)
            asked += 1
            used += len(scans) == before
            plain = model.rank_bags(traits, filters, limit, outfit_vector=vector, extra=extra)
            assert fast.positions.tolist() == plain.positions.tolist()
            assert np.allclose(fast.scores, plain.scores, atol=1e-5)
            assert fast.exhausted == plain.exhausted
    assert used >= asked // 2  # the kept lists answered most questions ...
    assert used < asked  # ... and the scan the ones they could not prove
    before = len(scans)
    other = catalog.outfits[0]
    model.rank_bags(traits_of(other), Filters(size=vocab.ACCENT_SIZES), 5, season="winter",
                    outfit_vector=model.outfit_vector(sku=other.sku), outfit=0)
    model.rank_bags(traits_of(catalog.outfits[1]), Filters(size=vocab.ACCENT_SIZES), 5,
                    outfit_vector=model.outfit_vector(sku=other.sku), outfit=0)  # another outfit's query
    model.rank_bags(traits_of(other), Filters(size=("mini",)), 5, outfit=0)
    assert len(scans) == before + 3  # none of these is the question the list was kept for

    # Exclude all but the list's 25 lowest: its k-th best would be the list's last, which
    # the bags left out of the list may tie (or beat after rounding): the scan decides.
    listed = model.outfit_candidates_[0]
    q = model.outfit_queries_[0]
    by_score = listed[np.argsort(-(model.bag_matrix_[listed] @ q), kind="stable")]
    unlimited = Filters(size=vocab.ACCENT_SIZES, in_stock=None,
                        exclude=tuple(model.bags_.skus[int(p)] for p in by_score[:-25]))
    before = len(scans)
    vector = model.outfit_vector(sku=other.sku)
    fast = model.rank_bags(traits_of(other), unlimited, 5, outfit_vector=vector, outfit=0)
    assert len(scans) == before + 1
    plain = model.rank_bags(traits_of(other), unlimited, 5, outfit_vector=vector)
    assert fast.positions.tolist() == plain.positions.tolist()
