"""Recommendation endpoints (DESIGN §4.3): complete the look, wear it with, similar, bundles."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import orjson
from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from lookbook.api.body import encode_json, json_body
from lookbook.api.items import item_json, item_or_404
from lookbook.api.openapi import check_body
from lookbook.api.problems import ApiProblem, field_error, param_problem
from lookbook.catalog.models import Item
from lookbook.catalog.params import ParamError
from lookbook.catalog.records import RowInvalid, parse_item, valid_sku
from lookbook.recommend.answer_cache import Encoded
from lookbook.recommend.bundles import BundleAnswer, make_bundles
from lookbook.recommend.request import RecommendQuery
from lookbook.recommend.service import Answer, Recommender
from lookbook.server import answer_front, services

bp = Blueprint("recommendations", __name__)
MAX_BATCH = 20
FILTER_FIELDS = ("limit", "size", "min_price", "max_price", "material", "sustainability", "season",
                 "market", "in_stock", "tier", "exclude")
ADHOC_DEFAULTS = {"sku": "adhoc-outfit", "kind": "outfit", "name": "Your outfit", "price": "0",
                  "currency": "EUR"}


def _reply(subject: str, subject_json: Any, results: list[dict[str, Any]],
           relaxed: list[str], rec: Recommender, removed_by: list[str] | None = None) -> dict[str, Any]:
    """The envelope every recommendation answer shares: what was asked about, then the results."""
    return {subject: subject_json, "results": results, "relaxed": relaxed,
            "removed_by": removed_by or [],
            "model": {"revision": rec.served.revision, "fresh": rec.served.fresh}}


def _item(item: Item, rec: Recommender) -> Any:
    """Return an item's API JSON, spliced in pre-encoded when the revision's table holds it."""
    if rec.items is None:
        return item_json(item)
    return orjson.Fragment(rec.items.encoded(rec.served.catalog_revision, site(), item,
                                             lambda i: orjson.dumps(item_json(i))))


def _subject(sku: str, kind: str, rec: Recommender) -> Item:
    """Return the catalog item a question is about (from the revision's table) or answer 404."""
    if rec.items is None:
        return item_or_404(sku, kind)
    found = rec.live([sku]).get(sku)
    if found is None or found.kind != kind:
        raise ApiProblem(404, f"no {kind} with sku {sku!r}", title="Not found", slug="unknown-sku")
    return found


def _results(answer: Answer, key: str, rec: Recommender) -> list[dict[str, Any]]:
    return [{key: _item(r.item, rec), "score": r.score, "reasons": r.reasons, "weak": r.weak}
            for r in answer.results]


def _bundles_json(answer: BundleAnswer, rec: Recommender) -> list[dict[str, Any]]:
    return [{
        "items": [_item(b.accent.item, rec), _item(b.functional.item, rec)],
        "total_price": format(b.total, "f"),
        "currency": b.currency,
        "discount": b.discount,
        "score": b.score,
        "reasons": b.reasons,
    } for b in answer.bundles]


def _discount() -> Decimal:
    return current_app.config["LOOKBOOK"].bundle_discount_percent


# -- the operations, shared by the single endpoints and the batch ---------------------------
def bags_for(sku: str, source: Mapping[str, Any], rec: Recommender) -> dict[str, Any]:
    outfit = _subject(sku, "outfit", rec)
    q = RecommendQuery(source, accent_default=True, strict=True)
    answer = rec.bags_for_outfit(outfit, q.filters, q.limit, market=q.market, outfit_id=outfit.id)
    return _reply("outfit", _item(outfit, rec), _results(answer, "bag", rec), answer.relaxed, rec,
                  answer.removed_by)


def outfits_for(sku: str, source: Mapping[str, Any], rec: Recommender) -> dict[str, Any]:
    bag = _subject(sku, "bag", rec)
    q = RecommendQuery(source, accent_default=False, strict=True)
    answer = rec.outfits_for_bag(bag, q.limit, q.filters)
    return _reply("bag", _item(bag, rec), _results(answer, "outfit", rec), answer.relaxed, rec)


def similar_to(sku: str, source: Mapping[str, Any], rec: Recommender) -> dict[str, Any]:
    bag = _subject(sku, "bag", rec)
    q = RecommendQuery(source, accent_default=False, strict=True)
    answer = rec.similar_bags(bag, q.filters, q.limit)
    return _reply("bag", _item(bag, rec), _results(answer, "bag", rec), answer.relaxed, rec,
                  answer.removed_by)


def bundles_for(sku: str, source: Mapping[str, Any], rec: Recommender) -> dict[str, Any]:
    outfit = _subject(sku, "outfit", rec)
    q = RecommendQuery(source, accent_default=True, strict=True)
    answer = make_bundles(rec, outfit, q.filters, q.limit, market=q.market, outfit_id=outfit.id,
                          discount_percent=_discount())
    return _reply("outfit", _item(outfit, rec), _bundles_json(answer, rec), answer.relaxed, rec,
                  answer.removed_by)


OPERATIONS: dict[str, Callable[[str, Mapping[str, Any], Recommender], dict[str, Any]]] = {
    "bags": bags_for, "outfits": outfits_for, "similar": similar_to, "bundles": bundles_for,
}


def question_key(kind: str, sku: str, source: Mapping[str, Any]) -> tuple:
    """Name a question: the site it is asked on (URLs in answers are absolute), kind, sku, params."""
    pairs = source.items(multi=True) if isinstance(source, MultiDict) else source.items()
    return (site(), kind, sku, tuple(sorted((str(k), str(v)) for k, v in pairs)))


def site() -> tuple[str, str, str]:
    """Name the site a request asks on (URLs in answers are absolute): the parts of
    ``request.root_url``, which costs more to build than a cache look-up."""
    return (request.scheme, request.host, request.root_path)


def answer(kind: str, sku: str, source: Mapping[str, Any]) -> tuple[Encoded, str]:
    """Answer one catalog question as JSON bytes, reusing the answer given on this revision.

    Returns the answer and where it came from ("process", "shared" or "computed").
    """
    operation = OPERATIONS[kind]
    revision = services.answer_revision()  # a cached answer needs no session, no model call
    if revision is None:  # nothing names what the answer depends on: never remember it
        return Encoded.of(encode_json(operation(sku, source, services.recommender()))), "computed"
    request.environ[answer_front.MARK] = revision  # the front may repeat it on this revision
    return services.answer_cache().encoded(
        question_key(kind, sku, source), revision,
        lambda: encode_json(operation(sku, source, services.recommender())))


def encoded_response(answered: tuple[Encoded, str]) -> Response:
    """Send an encoded answer with its ETag (a matching If-None-Match gets 304 later on)."""
    value, origin = answered
    resp = Response(value.body, mimetype="application/json")
    resp.set_etag(value.etag, weak=True)
    resp.headers["X-Answer-Cache"] = origin  # computed | process | shared: for operators
    return resp


# -- JSON bodies ------------------------------------------------------------------------------
def body_params(body: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Turn JSON filter values (strings, numbers, booleans, lists) into query-style strings."""
    out: dict[str, str] = {}
    errors = []
    for name in FILTER_FIELDS:
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, int | float | str):
            out[name] = str(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[name] = ",".join(value)
        else:
            errors.append(field_error(prefix + name, "must be text, a number, true/false or a list of text"))
    if errors:
        raise ApiProblem(422, "invalid request fields", title="Invalid body", errors=errors)
    return out


def adhoc_outfit(raw: Any) -> Any:
    """Validate the ad-hoc outfit of a POST body; sku, name and price may be left out."""
    if not isinstance(raw, dict):
        raise ApiProblem(422, "'outfit' must be an object of outfit attributes", title="Invalid body",
                         errors=[field_error("outfit", "is required (an object)")])
    if raw.get("kind") not in (None, "outfit"):
        raise ApiProblem(422, "an ad-hoc outfit must be an outfit", title="Invalid body",
                         errors=[field_error("outfit.kind", "must be 'outfit'")])
    try:
        record, _warnings = parse_item({**ADHOC_DEFAULTS, **{k: v for k, v in raw.items() if v is not None}})
    except RowInvalid as exc:
        raise ApiProblem(422, "the outfit is not valid", title="Invalid body",
                         errors=[field_error(f"outfit.{p.field}", p.message) for p in exc.problems]) from None
    return record


def adhoc_json(record: Any) -> dict[str, Any]:
    """Return an ad-hoc outfit the way items are shown (it has no sku)."""
    return {"sku": None, "kind": "outfit", "name": record.name, "occasions": record.occasions,
            "colours": [{"name": n, "hex": h} for n, h in record.colours],
            "material": record.material, "material_family": record.material_family,
            "styles": record.styles, "seasons": record.seasons,
            "sustainability": record.sustainability, "tier": record.tier}


# -- views ------------------------------------------------------------------------------------
@bp.get("/outfits/<sku>/bags")
def outfit_bags(sku: str) -> Response:
    """Complete the look: bags for a catalog outfit."""
    return encoded_response(answer("bags", sku, request.args))


@bp.post("/recommendations/bags")
def adhoc_bags() -> Response:
    """Complete the look for an outfit described in the body, not in the catalog."""
    body = json_body()
    outfit = adhoc_outfit(body.get("outfit"))
    q = RecommendQuery(body_params(body), accent_default=True, strict=True)
    check_body("AdhocRequest", body)
    rec = services.recommender()
    answer = rec.bags_for_outfit(outfit, q.filters, q.limit, market=q.market)
    reply = _reply("outfit", adhoc_json(outfit), _results(answer, "bag", rec), answer.relaxed, rec,
                   answer.removed_by)
    return Response(encode_json(reply), mimetype="application/json")


@bp.get("/bags/<sku>/outfits")
def bag_outfits(sku: str) -> Response:
    """Wear it with: outfits for a bag."""
    return encoded_response(answer("outfits", sku, request.args))


@bp.get("/bags/<sku>/similar")
def bag_similar(sku: str) -> Response:
    """Bags similar to a bag."""
    return encoded_response(answer("similar", sku, request.args))


@bp.get("/outfits/<sku>/bundles")
def outfit_bundles(sku: str) -> Response:
    """Bundles of an accent and a functional bag for an outfit."""
    return encoded_response(answer("bundles", sku, request.args))


@bp.post("/recommendations")
def batch() -> Response:
    """Answer several recommendation requests in one call (one result per request)."""
    body = json_body()
    requests_ = body.get("requests")
    if not isinstance(requests_, list) or not requests_ or len(requests_) > MAX_BATCH:
        raise ApiProblem(422, f"'requests' must be a list of 1 to {MAX_BATCH} requests",
                         title="Invalid body", errors=[field_error("requests", "1 to 20 requests")])
    errors = []
    asked: list[tuple[str, str]] = []
    for i, req in enumerate(requests_):
        if not isinstance(req, dict):
            errors.append(field_error(f"requests[{i}]", "must be an object"))
            continue
        kind = req.get("type")
        if not isinstance(kind, str) or kind not in OPERATIONS:  # {} is not hashable: test type first
            errors.append(field_error(f"requests[{i}].type", f"must be one of {', '.join(OPERATIONS)}"))
        sku = valid_sku(req.get("sku"))
        if sku is None:
            errors.append(field_error(f"requests[{i}].sku", "is required: a sku (1-64 letters, digits, "
                                                            "'.', '_' or '-')"))
        if not errors:
            asked.append((str(kind), str(sku)))
    if errors:
        raise ApiProblem(422, "invalid requests", title="Invalid body", errors=errors)
    check_body("BatchRequest", body)
    results: list[bytes] = []
    for i, (req, (kind, sku)) in enumerate(zip(requests_, asked, strict=True)):
        try:
            results.append(answer(kind, sku, body_params(req, f"requests[{i}]."))[0].body)
        except ApiProblem as exc:
            results.append(encode_json(exc.body()))
        except ParamError as exc:
            results.append(encode_json(param_problem(exc).body()))
    # The cached answers are already JSON: join them instead of decoding and re-encoding.
    return Response(b'{"results":[' + b",".join(results) + b"]}", mimetype="application/json")
