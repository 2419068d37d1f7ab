"""The OpenAPI 3.1 document for /api/v1, served at /api/v1/openapi.json.

Written as data next to the views it describes; tests check that every API route is
documented here and fuzz the API against it (schemathesis), so it cannot drift.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from lookbook.analytics.models import EVENT_TYPES, PLACEMENTS
from lookbook.styling import vocab

bp = Blueprint("openapi", __name__)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _list_param(name: str, values: tuple[str, ...] | list[str], doc: str) -> dict[str, Any]:
    """A query parameter taking any of ``values``, comma-separated (``a,b``)."""
    return {"name": name, "in": "query", "required": False, "description": doc + " (comma-separated)",
            "style": "form", "explode": False,
            "schema": {"type": "array", "minItems": 1,  # repeats are allowed (and ignored)
                       "items": {"type": "string", "enum": list(values)}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SKU = {"name": "sku", "in": "path", "required": True,
       "schema": {"type": "string", "minLength": 1, "maxLength": 64,
                  "pattern": r"^(?!import$)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"}}
SLUG = {"name": "slug", "in": "path", "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 80,
                   "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$"}}
PRICE = {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$", "examples": ["49.90"]}
MATERIALS = (*vocab.MATERIALS, *vocab.MATERIAL_FAMILIES)

FILTERS = [
    _list_param("kind", vocab.KINDS, "outfit or bag"),
    _list_param("occasion", vocab.OCCASIONS, "occasions"),
    _list_param("colour", tuple(vocab.COLOURS), "colour names"),
    _list_param("material", MATERIALS, "materials or material families"),
    _list_param("size", vocab.SIZES, "bag sizes"),
    _list_param("season", vocab.SEASONS, "seasons"),
    _list_param("sustainability", vocab.SUSTAINABILITY, "sustainability tags"),
    {"name": "min_price", "in": "query", "schema": PRICE},
    {"name": "max_price", "in": "query", "schema": PRICE},
    {"name": "in_stock", "in": "query", "schema": {"type": "string", "enum": ["true", "false", "any"]},
     "description": "`true`: only items in stock (the default for recommendations); `false`: only "
                    "items that are out of stock (e.g. to list what is sold out), never a way to lift "
                    "the filter; `any`: no stock filter at all"},
]
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1},
     "description": "at most 100 (larger values are capped)"},
]
RECOMMEND = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1},
     "description": "default 5, at most 50 (larger values are capped)"},
    {**_list_param("size", vocab.SIZES, "bag sizes"),
     "description": "bag sizes (comma-separated) or `any`; bags-for-outfit and bundle accents "
                    "default to micro,mini"},
    *[p for p in FILTERS if p["name"] in ("material", "sustainability", "season", "min_price",
                                          "max_price", "in_stock")],
    _list_param("tier", vocab.TIERS, "tiers"),
    _list_param("market", vocab.MARKETS, "market profile id"),
    {"name": "exclude", "in": "query", "description": "skus never to return, comma-separated",
     "style": "form", "explode": False,
     "schema": {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1}}},
]
RULE_OUTFIT = {"name": "outfit", "in": "query", "description": "an outfit sku",
               "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
RULE_BAG = {"name": "bag", "in": "query", "description": "a bag sku",
            "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
ERRORS = {"400": _problem("Invalid parameters"), "414": _problem("The address is too long"),
          "429": _problem("Too many requests"),
          "503": _problem("Database unavailable")}
WRITE_ERRORS = {**ERRORS, "401": _problem("Missing or invalid secret key"),
                "403": _problem("A publishable key cannot write"),
                "415": _problem("Unsupported media type"), "422": _problem("Invalid body")}
SECRET: list[dict[str, list[str]]] = [{"secretKey": []}]

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        },
    },
    "Colour": {"type": "object", "required": ["name", "hex"], "properties": {
        "name": {"type": "string", "enum": list(vocab.COLOURS)},
        "hex": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
        "label": {"type": "string", "description": "the retailer's own colour name (e.g. 'Navy Blue') "
                                                   "when it differs from the vocabulary name"}}},
    "Item": {
        "type": "object",
        "required": ["sku", "kind", "name", "occasions", "colours", "price", "currency", "images"],
        "properties": {
            "sku": {"type": "string"}, "kind": {"type": "string", "enum": list(vocab.KINDS)},
            "name": {"type": "string"},
            "occasions": {"type": "array", "items": {"type": "string"}},
            "colours": {"type": "array", "items": _ref("Colour")},
            "material": _nullable({"type": "string"}),
            "material_family": _nullable({"type": "string"}),
            "styles": {"type": "array", "items": {"type": "string"}},
            "seasons": {"type": "array", "items": {"type": "string"}},
            "sustainability": {"type": "array", "items": {"type": "string"}},
            "price": PRICE, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "brand": _nullable({"type": "string"}), "tier": _nullable({"type": "string"}),
            "in_stock": {"type": "boolean"}, "limited_edition": {"type": "boolean"},
            "url": _nullable({"type": "string", "format": "uri", "maxLength": 2048,
                              "description": "The retailer's product page (http or https)."}),
            "images": {"type": "array", "items": {"type": "string", "format": "uri"},
                       "description": "Absolute URLs of the photos (largest WebP of each)."},
            "image_sizes": {"type": "array", "items": {"type": "array", "items": {"type": "object"}}},
            "width_cm": {"type": "number"}, "size": {"type": "string", "enum": list(vocab.SIZES)},
            "silhouette": {"type": "string"}, "detachable_strap": {"type": "boolean"},
        },
    },
    "ItemInput": {
        "type": "object", "required": ["sku", "kind", "name", "colours", "price", "currency"],
        "description": "The import fields (DESIGN §4.2); lists may also be ';'-separated text.",
        "properties": {
            "sku": {"type": "string"}, "kind": {"type": "string", "enum": list(vocab.KINDS)},
            "name": {"type": "string"},
            "colours": {"type": "array", "items": {"type": "string"}},
            "price": {"type": "string"}, "currency": {"type": "string"},
            "url": _nullable({"type": "string", "maxLength": 2048,
                              "description": "The retailer's product page: http:// or https:// only."}),
        },
    },
    "ItemPage": {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
        "items": {"type": "array", "items": _ref("Item")}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}}},
    "Scored": {"type": "object", "required": ["score", "reasons"], "properties": {
        "bag": _ref("Item"), "outfit": _ref("Item"),
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "weak": {"type": "boolean", "description": "true when the result scores far below the best "
                                                   "one: the closest the catalog has, not a strong match"}}},
    "Bundle": {"type": "object", "required": ["items", "total_price", "currency", "score", "reasons"],
               "properties": {
                   "items": {"type": "array", "items": _ref("Item"), "minItems": 2, "maxItems": 2},
                   "total_price": PRICE, "currency": {"type": "string"},
                   "score": {"type": "number"}, "reasons": {"type": "array", "items": {"type": "string"}}}},
    "Recommendations": {"type": "object", "required": ["results", "model"], "properties": {
        "outfit": {"type": "object"}, "bag": _ref("Item"),
        "results": {"type": "array", "items": {"anyOf": [_ref("Scored"), _ref("Bundle")]}},
        "relaxed": {"type": "array", "items": {"type": "string"},
                    "description": "filters loosened to fill the answer (e.g. season)"},
        "removed_by": {"type": "array", "items": {"type": "string"},
                       "description": "when results is empty: the filter that removed every candidate "
                                      "(lifting it alone would give results), or every active filter "
                                      "when no single one is to blame"},
        "model": {"type": "object", "required": ["revision"],
                  "properties": {"revision": {"type": "string"}}}}},
    "Lookbook": {"type": "object", "required": ["slug", "title", "description", "season", "url"],
                 "properties": {"slug": {"type": "string"}, "title": {"type": "string"},
                                "description": {"type": "string"},
                                "season": _nullable({"type": "string"}),
                                "market": _nullable({"type": "string", "enum": list(vocab.MARKETS)}),
                                "url": {"type": "string", "format": "uri",
                                        "description": "The lookbook's shopper page (absolute)."},
                                "looks": {"type": "array", "items": {"type": "object"}},
                                "looks_count": {"type": "integer"}}},
    "Rule": {"type": "object", "required": ["action", "bag", "outfit"],
             "description": "A curator rule: pin or hide a bag for an outfit; a null outfit "
                            "hides the bag everywhere (only 'hide' may be global).",
             "properties": {"action": {"type": "string", "enum": ["pin", "hide"]},
                            "bag": {"type": "string"}, "outfit": _nullable({"type": "string"}),
                            "created_at": {"type": "string", "format": "date-time"}}},
    "RuleInput": {"type": "object", "required": ["action", "bag"], "additionalProperties": False,
                  "properties": {"action": {"type": "string", "enum": ["pin", "hide"]},
                                 "bag": {"type": "string", "minLength": 1, "maxLength": 64},
                                 "outfit": _nullable({"type": "string", "minLength": 1,
                                                      "maxLength": 64})}},
    "Event": {
        "type": "object", "required": ["id", "type", "placement"],
        "description": "One shopper event. Name the item (or outfit and bag) or the lookbook it "
                       "is about; `look` (the look's number) needs `lookbook`. Nothing about the "
                       "shopper is stored; the embedding site is taken from the Origin header.",
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
                   "description": "made by the client (e.g. a UUID); a re-sent id is counted once"},
            "type": {"type": "string", "enum": list(EVENT_TYPES),
                     "description": "`purchase` needs a secret key"},
            "placement": {"type": "string", "enum": list(PLACEMENTS)},
            "item": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"},
            "outfit": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
                       "description": "the outfit the item was shown with"},
            "bag": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
                    "description": "the bag the item was shown with"},
            "lookbook": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 80},
            "look": {"type": "integer", "minimum": 1, "maximum": 1000},
            "at": {"type": "string", "format": "date-time",
                   "description": "when it happened (default now); at most 7 days ago, 5 minutes ahead"},
        },
    },
    "EventOutcome": {"type": "object", "required": ["received", "stored", "duplicates", "ignored"],
                     "properties": {
                         "received": {"type": "integer"}, "stored": {"type": "integer"},
                         "duplicates": {"type": "integer", "description": "ids already recorded"},
                         "ignored": {"type": "array", "description": "events about unknown items or "
                                                                     "lookbooks (not stored)",
                                     "items": {"type": "object", "required": ["field", "message"],
                                               "properties": {"field": {"type": "string"},
                                                              "message": {"type": "string"}}}}}},
    "ImportReport": {"type": "object", "required": ["rows", "written", "created", "updated"],
                     "properties": {"rows": {"type": "integer"}, "written": {"type": "boolean"},
                                    "created": {"type": "integer"}, "updated": {"type": "integer"},
                                    "unchanged": {"type": "integer"}}},
}


def _paths() -> dict[str, Any]:
    item_404 = {**ERRORS, "404": _problem("Unknown sku")}
    recs = _json(_ref("Recommendations"))
    return {
        "/items": {
            "get": {"summary": "List catalog items", "parameters": FILTERS + PAGING,
                    "responses": {"200": _json(_ref("ItemPage")), **ERRORS}},
            "post": {"summary": "Create an item", "security": SECRET,
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": _ref("ItemInput")}}},
                     "responses": {"201": _json(_ref("Item"), "Created"),
                                   "409": _problem("The sku exists"), **WRITE_ERRORS}},
        },
        "/items/{sku}": {
            "parameters": [SKU],
            "get": {"summary": "One item", "responses": {"200": _json(_ref("Item")), **item_404}},
            "put": {"summary": "Create or replace an item", "security": SECRET,
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": _ref("ItemInput")}}},
                    "responses": {"200": _json(_ref("Item")), "201": _json(_ref("Item"), "Created"),
                                  "409": _problem("The sku is another kind"), **WRITE_ERRORS}},
            "delete": {"summary": "Delete an item", "security": SECRET,
                       "responses": {"204": {"description": "Deleted"}, "404": _problem("Unknown sku"),
                                     **WRITE_ERRORS}},
        },
        "/items/import": {
            "post": {"summary": "Import items (and lookbooks), all or nothing", "security": SECRET,
                     "parameters": [{"name": "dry_run", "in": "query",
                                     "schema": {"type": "string", "enum": ["true", "false"]}}],
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {"type": ["array", "object"]}},
                         "text/csv": {"schema": {"type": "string"}}}},
                     "responses": {"200": _json(_ref("ImportReport")), **WRITE_ERRORS}},
        },
        "/items/{sku}/images": {
            "parameters": [SKU],
            "post": {"summary": "Upload a product photo", "security": SECRET,
                     "parameters": [{"name": "palette", "in": "query",
                                     "schema": {"type": "string", "enum": ["offer", "replace"]}}],
                     "requestBody": {"required": True, "content": {"multipart/form-data": {
                         "schema": {"type": "object", "required": ["image"], "properties": {
                             "image": {"type": "string", "format": "binary"}}}}}},
                     "responses": {"200": _json(_ref("Item")), "201": _json(_ref("Item"), "Stored"),
                                   "404": _problem("Unknown sku"), "409": _problem("Photo cap reached"),
                                   "413": _problem("Too large"),
                                   **WRITE_ERRORS}},
        },
        "/outfits/{sku}/bags": {"parameters": [SKU], "get": {
            "summary": "Complete the look: bags for an outfit", "parameters": RECOMMEND,
            "responses": {"200": recs, **item_404}}},
        "/outfits/{sku}/bundles": {"parameters": [SKU], "get": {
            "summary": "Bundles: an accent and a functional bag", "parameters": RECOMMEND,
            "responses": {"200": recs, **item_404}}},
        "/bags/{sku}/outfits": {"parameters": [SKU], "get": {
            "summary": "Wear it with: outfits for a bag", "parameters": RECOMMEND,
            "responses": {"200": recs, **item_404}}},
        "/bags/{sku}/similar": {"parameters": [SKU], "get": {
            "summary": "Similar bags", "parameters": RECOMMEND,
            "responses": {"200": recs, **item_404}}},
        "/recommendations/bags": {"post": {
            "summary": "Bags for an outfit that is not in the catalog",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["outfit"],
                "properties": {"outfit": {"type": "object"}, "limit": {"type": "integer"}}}}}},
            "responses": {"200": recs, "415": _problem("Unsupported media type"),
                          "422": _problem("Invalid body"), **ERRORS}}},
        "/recommendations": {"post": {
            "summary": "Several recommendation requests in one call",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["requests"], "properties": {"requests": {
                    "type": "array", "items": {"type": "object", "required": ["type", "sku"],
                                               "properties": {
                                                   "type": {"type": "string", "enum": [
                                                       "bags", "outfits", "similar", "bundles"]},
                                                   "sku": {"type": "string"}}}}}}}}},
            "responses": {"200": _json({"type": "object", "required": ["results"], "properties": {
                "results": {"type": "array", "items": {"type": "object"}}}}),
                "415": _problem("Unsupported media type"), "422": _problem("Invalid body"), **ERRORS}}},
        "/rules": {
            "get": {"summary": "Curator rules, newest first", "security": SECRET,
                    "parameters": [RULE_OUTFIT, RULE_BAG,
                                   {"name": "action", "in": "query",
                                    "schema": {"type": "string", "enum": ["pin", "hide"]}},
                                   *PAGING],
                    "responses": {"200": _json({"type": "object",
                                                "required": ["rules", "page", "per_page", "total"],
                                                "properties": {
                                                    "rules": {"type": "array", "items": _ref("Rule")},
                                                    "page": {"type": "integer"},
                                                    "per_page": {"type": "integer"},
                                                    "total": {"type": "integer"}}}),
                                  "401": _problem("Missing or invalid secret key"), **ERRORS}},
            "post": {"summary": "Pin or hide a bag for an outfit, or hide it everywhere",
                     "security": SECRET,
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": _ref("RuleInput")}}},
                     "responses": {"200": _json(_ref("Rule"), "Changed or already set"),
                                   "201": _json(_ref("Rule"), "Created"), **WRITE_ERRORS}},
            "delete": {"summary": "Remove the rule for a bag and outfit (no outfit: everywhere)",
                       "security": SECRET,
                       "parameters": [{**RULE_BAG, "required": True}, RULE_OUTFIT],
                       "responses": {"204": {"description": "Removed"},
                                     "404": _problem("No such rule"), **WRITE_ERRORS}},
        },
        "/events": {"post": {
            "summary": "Record shopper events in a batch (impressions, clicks, add-to-carts, purchases)",
            "description": "No key, or a publishable key, for impressions, clicks and add-to-carts "
                           "(CORS-enabled for the widget); a secret key for purchases.",
            "security": [{}, {"publishableKey": []}, SECRET[0]],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["events"], "properties": {"events": {
                    "type": "array", "minItems": 1, "maxItems": 100, "items": _ref("Event")}}}}}},
            "responses": {"202": _json(_ref("EventOutcome"), "Stored (re-sent and unknown events "
                                                             "are counted, not stored)"),
                          "401": _problem("Unknown or revoked key, or a purchase without a key"),
                          "403": _problem("A purchase with a publishable key"),
                          "413": _problem("Too large"), "415": _problem("Unsupported media type"),
                          "422": _problem("Invalid events"), **ERRORS}}},
        "/lookbooks": {"get": {"summary": "Published lookbooks", "responses": {
            "200": _json({"type": "object", "required": ["lookbooks"], "properties": {
                "lookbooks": {"type": "array", "items": _ref("Lookbook")}}}), **ERRORS}}},
        "/lookbooks/{slug}": {"parameters": [SLUG],
                              "get": {"summary": "One published lookbook with its looks", "responses": {
                                  "200": _json(_ref("Lookbook")), "404": _problem("Unknown lookbook"),
                                  **ERRORS}}},
    }


def document() -> dict[str, Any]:
    """Return the OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lookbook API", "version": "1",
                 "description": "Catalog, recommendations with reasons, and lookbooks for micro "
                                "and mini handbags. Errors are RFC 9457 problem details."},
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "secretKey": {"type": "http", "scheme": "bearer",
                              "description": "a secret key from `lookbook create-key --secret`"},
                "publishableKey": {"type": "http", "scheme": "bearer",
                                   "description": "a publishable key from `lookbook create-key` "
                                                  "(safe in a web page: reads and shopper events)"}},
        },
    }


@bp.get("/openapi.json")
def serve() -> dict[str, Any]:
    """Serve the OpenAPI document."""
    return document()
