"""The OpenAPI 3.1 document for the API, served at /api/v1/openapi.json.

Written as data next to the views it describes; tests check that every API route (and
health and oEmbed) is documented here and fuzz the API against it (schemathesis), so it
cannot drift.  Request bodies are also *checked* against it (:func:`check_body`): a view
first gives its own field-by-field problems, then anything the document does not allow
is refused too, so the document never promises less than the API enforces.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs
from flask import Blueprint, request

from lookbook.analytics.models import EVENT_TYPES, MAX_SITE, PLACEMENTS
from lookbook.api.problems import ApiProblem
from lookbook.catalog.records import MAX_COLOURS, MAX_TEXT, MAX_URL
from lookbook.styling import vocab

bp = Blueprint("openapi", __name__)
API = "/api/v1"
# The demo catalog's (``lookbook demo``): examples that answer on a demo instance.
EXAMPLE_OUTFIT, EXAMPLE_BAG, EXAMPLE_LOOKBOOK = "OUT-0001", "BAG-0001", "city-commute"


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


def _json(schema: dict[str, Any], description: str = "OK",
          links: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description,
                              "content": {"application/json": {"schema": schema}}}
    if links:
        answer["links"] = links
    return answer


def _link(operation_id: str, **parameters: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": parameters}


# Characters no text field may hold (lookbook.catalog.text): C0/C1 controls, DEL,
# bidirectional controls, zero-width characters and the BOM.
_BANNED = "\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
SKU_PATTERN = r"^(?!import$)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SKU_TEXT = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": SKU_PATTERN}
SLUG_TEXT = {"type": "string", "minLength": 1, "maxLength": 80, "pattern": SLUG_PATTERN}


def _sku_path(example: str, what: str = "a sku") -> dict[str, Any]:
    return {"name": "sku", "in": "path", "required": True, "description": what,
            "schema": {**SKU_TEXT, "examples": [example]}}


def _line(limit: int | None, *, required: bool = True) -> dict[str, Any]:
    """One line of text with at least one visible character (``required``), at most ``limit``."""
    pattern = f"^[^{_BANNED}]*[^\\s{_BANNED}][^{_BANNED}]*$" if required else f"^[^{_BANNED}]*$"
    schema: dict[str, Any] = {"type": "string", "pattern": pattern}
    if limit:
        schema["maxLength"] = limit
    return schema


ITEM_SKU = _sku_path(EXAMPLE_BAG, "an item's sku")
OUTFIT_SKU = _sku_path(EXAMPLE_OUTFIT, "an outfit's sku")
BAG_SKU = _sku_path(EXAMPLE_BAG, "a bag's sku")
SLUG = {"name": "slug", "in": "path", "required": True,
        "schema": {**SLUG_TEXT, "examples": [EXAMPLE_LOOKBOOK]}}
PRICE = {"type": "string", "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$", "examples": ["49.90"]}
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
    {"name": "max_price", "in": "query", "schema": PRICE,
     "description": "not below min_price"},
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
    {**_list_param("size", (*vocab.SIZES, "any"), "bag sizes"),
     "description": "bag sizes (comma-separated), or `any` alone for every size; bags-for-outfit "
                    "and bundle accents default to micro,mini"},
    *[p for p in FILTERS if p["name"] in ("material", "sustainability", "season", "min_price",
                                          "max_price", "in_stock")],
    _list_param("tier", vocab.TIERS, "tiers"),
    {"name": "market", "in": "query", "description": "a market profile id",
     "schema": {"type": "string", "enum": list(vocab.MARKETS)}},
    {"name": "exclude", "in": "query", "description": "skus never to return, comma-separated",
     "style": "form", "explode": False,
     "schema": {"type": "array", "minItems": 1, "maxItems": 100, "items": SKU_TEXT}},
]
RULE_OUTFIT = {"name": "outfit", "in": "query", "description": "an outfit sku",
               "schema": {**SKU_TEXT, "examples": [EXAMPLE_OUTFIT]}}
RULE_BAG = {"name": "bag", "in": "query", "description": "a bag sku",
            "schema": {**SKU_TEXT, "examples": [EXAMPLE_BAG]}}
ERRORS = {"400": _problem("Invalid parameters"), "414": _problem("The address is too long"),
          "429": _problem("Too many requests"),
          "503": _problem("Database unavailable")}
BODY_ERRORS = {"400": _problem("Invalid JSON"), "415": _problem("Unsupported media type"),
               "422": _problem("Invalid body")}
WRITE_ERRORS = {**ERRORS, **BODY_ERRORS, "401": _problem("Missing or invalid secret key"),
                "403": _problem("A publishable key cannot write")}
SECRET: list[dict[str, list[str]]] = [{"secretKey": []}]
# Blank text: the spaces a stripped value loses that the text policy lets into a body.
BLANK = {"anyOf": [{"type": "null"},
                   {"type": "string", "pattern": "^[ \t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f"
                                                 "\u205f\u3000]*$"}],
         "description": "null or blank: left out"}
# Field names of a body: one line, no control or formatting characters (lookbook.catalog.text).
KEYS = {"pattern": f"^[^{_BANNED}]*$"}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field: ``schema``, or null/blank text (both mean "not given")."""
    return {"anyOf": [schema, *BLANK["anyOf"]]}


def _vocab_list(values: tuple[str, ...] | list[str], max_items: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": {"type": "string", "enum": list(values)}}
    if max_items:
        schema["maxItems"] = max_items
    return _optional(schema)


FLAG = _optional({"type": "boolean"})
# A width in centimetres as text: more than 0, at most 300, at most two decimals.
WIDTH_PATTERN = r"^(?!0*(\.0*)?$)(?:[0-9]{1,2}|[12][0-9]{2})(\.[0-9]{1,2})?$|^300(\.00?)?$"
COLOUR_VALUE = {"anyOf": [{"type": "string", "enum": list(vocab.COLOURS)},
                          {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}],
                "description": "a vocabulary colour name or #rrggbb (CSS and common fashion colour "
                               "names are read too)"}
# The item fields a JSON write takes (DESIGN §4.2); ``sku`` and ``kind`` are per operation.
ITEM_FIELDS: dict[str, Any] = {
    "name": {**_line(MAX_TEXT["name"]), "minLength": 1},
    "colours": {"type": "array", "minItems": 1, "maxItems": MAX_COLOURS, "items": COLOUR_VALUE,
                "description": "primary colour first"},
    "occasions": _vocab_list(vocab.OCCASIONS),
    "styles": _vocab_list(vocab.STYLES),
    "seasons": _vocab_list(vocab.SEASONS),
    "sustainability": _optional({"type": "array", "items": {"anyOf": [
        {"type": "string", "enum": list(vocab.SUSTAINABILITY)},
        {"type": "string", "maxLength": 200,
         "pattern": f"^[Cc][Ee][Rr][Tt][Ii][Ff][Ii][Ee][Dd]:[^{_BANNED}]+$",
         "description": "a named certification, e.g. certified:GRS"}]}}),
    "material": _optional({**_line(MAX_TEXT["material"])}),
    "price": {"anyOf": [PRICE, {"type": "integer", "minimum": 0, "maximum": 9_999_999_999}],
              "description": "a plain decimal like \"129.90\" (at most two decimals), or a whole number"},
    "currency": {"type": "string", "enum": sorted(vocab.CURRENCIES)},
    "brand": _optional(_line(MAX_TEXT["brand"])),
    "tier": _optional({"type": "string", "enum": list(vocab.TIERS)}),
    "in_stock": FLAG, "limited_edition": FLAG,
    "url": _optional({"type": "string", "format": "iri", "maxLength": MAX_URL,
                      "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@:\[\]]+(:[0-9]{1,5})?([/?#]\S*)?$",
                      "description": "The retailer's product page: http:// or https:// only."}),
    "width_cm": {"anyOf": [{"type": "string", "pattern": WIDTH_PATTERN},
                           {"type": "integer", "minimum": 1, "maximum": 300}],
                 "description": "bags only (required for them): the width in centimetres, up to 300"},
    "silhouette": {"type": "string", "enum": list(vocab.SILHOUETTES),
                   "description": "bags only (required for them)"},
    "detachable_strap": FLAG,
    "size": _optional({"type": "string", "enum": list(vocab.SIZES),
                       "description": "derived from width_cm; may be repeated, never contradicted"}),
}
BAG_ONLY_ABSENT = {"anyOf": [*BLANK["anyOf"], {"const": False}, {"const": "false"}]}
# A bag needs its width and silhouette; an outfit has none of the bag-only fields.
KIND_RULES = {"if": {"properties": {"kind": {"const": "bag"}}, "required": ["kind"]},
              "then": {"required": ["width_cm", "silhouette"]},
              "else": {"properties": {"width_cm": BAG_ONLY_ABSENT, "silhouette": BAG_ONLY_ABSENT,
                                      "detachable_strap": BAG_ONLY_ABSENT, "size": BAG_ONLY_ABSENT}}}


def _item_input(*, with_sku: bool) -> dict[str, Any]:
    required = ["kind", "name", "colours", "price", "currency"]
    properties = {"kind": {"type": "string", "enum": list(vocab.KINDS)}, **ITEM_FIELDS}
    if with_sku:
        required.insert(0, "sku")
        properties = {"sku": SKU_TEXT, **properties}
    return {"type": "object", "required": required, "properties": properties, **KIND_RULES,
            "propertyNames": KEYS,
            "description": "The import fields (DESIGN §4.2). Photos are uploaded separately; "
                           "unknown fields are ignored." + ("" if with_sku else
                                                            " The sku is the URL's (leave it out)."),
            "examples": [{**({"sku": "BAG-9001"} if with_sku else {}), "kind": "bag",
                          "name": "Lyra micro bag", "colours": ["black", "gold"], "price": "129.90",
                          "currency": "EUR", "width_cm": "14", "silhouette": "chain",
                          "occasions": ["evening"]}]}


ADHOC_OUTFIT = {
    "type": "object", "required": ["colours"], "propertyNames": KEYS,
    "description": "An outfit described by its attributes (sku, name and price may be left out).",
    "properties": {"kind": _nullable({"const": "outfit"}), "sku": _nullable(SKU_TEXT),
                   **{k: v for k, v in ITEM_FIELDS.items() if k not in ("width_cm", "silhouette")},
                   "width_cm": BAG_ONLY_ABSENT, "silhouette": BAG_ONLY_ABSENT,
                   "detachable_strap": BAG_ONLY_ABSENT, "size": BAG_ONLY_ABSENT,
                   "name": _nullable({**_line(MAX_TEXT["name"])}),
                   "price": _nullable(ITEM_FIELDS["price"]),
                   "currency": _nullable(ITEM_FIELDS["currency"])},
    "examples": [{"colours": ["navy", "white"], "occasions": ["business"], "styles": ["classic"]}],
}


def _literal(text: str) -> str:
    """``text`` as a regular expression both Python and ECMA-262 dialects read alike."""
    return "".join(c if c.isalnum() or c in " -_" else f"[{c}]" for c in text)


def _choices(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """A list of vocabulary words: a JSON array, or comma-separated text as in a query string."""
    word = "(?:" + "|".join(_literal(v) for v in values) + ")"
    return {"anyOf": [{"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(values)}},
                      {"type": "string", "pattern": f"^{word}(?:,{word})*$"}, {"type": "null"}]}


_SKU_WORD = r"(?!import(?:,|$))[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
# The query parameters of a recommendation, as JSON (null: not given); text is read as the
# query string's would be (the widget sends {"limit": "3", "size": "micro,mini"}).
BODY_FILTERS = {
    "limit": {"anyOf": [{"type": "integer", "minimum": 1},
                        {"type": "string", "pattern": "^0*[1-9][0-9]*$"}, {"type": "null"}]},
    "size": _choices((*vocab.SIZES, "any")),
    "min_price": {"anyOf": [PRICE, {"type": "integer", "minimum": 0, "maximum": 9_999_999_999},
                            {"type": "null"}]},
    "max_price": {"anyOf": [PRICE, {"type": "integer", "minimum": 0, "maximum": 9_999_999_999},
                            {"type": "null"}]},
    "material": _choices(MATERIALS), "sustainability": _choices(vocab.SUSTAINABILITY),
    "season": _choices(vocab.SEASONS), "tier": _choices(vocab.TIERS),
    "market": _nullable({"type": "string", "enum": list(vocab.MARKETS)}),
    "in_stock": {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false", "any"]},
                           {"type": "null"}]},
    "exclude": {"anyOf": [{"type": "array", "minItems": 1, "maxItems": 100, "items": SKU_TEXT},
                          {"type": "string", "pattern": f"^{_SKU_WORD}(?:,{_SKU_WORD}){{0,99}}$"},
                          {"type": "null"}]},
}
SKU_PROPERTY = {"type": "string", "pattern": SKU_PATTERN, "maxLength": 64}

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
            "url": _nullable({"type": "string", "format": "iri", "maxLength": 2048,
                              "description": "The retailer's product page (http or https; an "
                                             "IRI: the host and path may hold non-ASCII letters)."}),
            "images": {"type": "array", "items": {"type": "string", "format": "uri"},
                       "description": "Absolute URLs of the photos (largest WebP of each)."},
            "image_sizes": {"type": "array", "items": {"type": "array", "items": {"type": "object"}}},
            "width_cm": {"type": "number"}, "size": {"type": "string", "enum": list(vocab.SIZES)},
            "silhouette": {"type": "string"}, "detachable_strap": {"type": "boolean"},
        },
    },
    "ItemInput": _item_input(with_sku=True),
    "ItemReplacement": _item_input(with_sku=False),
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
    "AdhocRequest": {"type": "object", "required": ["outfit"], "propertyNames": KEYS,
                     "properties": {"outfit": ADHOC_OUTFIT, **BODY_FILTERS}},
    "BatchRequest": {
        "type": "object", "required": ["requests"], "properties": {"requests": {
            "type": "array", "minItems": 1, "maxItems": 20,
            "items": {"type": "object", "required": ["type", "sku"], "propertyNames": KEYS,
                      "properties": {"type": {"type": "string", "enum": ["bags", "outfits", "similar",
                                                                          "bundles"]},
                                     "sku": SKU_PROPERTY, **BODY_FILTERS}}}},
        "examples": [{"requests": [{"type": "bags", "sku": EXAMPLE_OUTFIT, "limit": 3},
                                   {"type": "similar", "sku": EXAMPLE_BAG}]}]},
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
                  "description": "`bag` must be a bag and `outfit` an outfit of the catalog; a pin "
                                 "needs an outfit.",
                  "properties": {"action": {"type": "string", "enum": ["pin", "hide"]},
                                 "bag": SKU_PROPERTY, "outfit": _nullable(SKU_PROPERTY)},
                  "if": {"properties": {"action": {"const": "pin"}}, "required": ["action"]},
                  "then": {"required": ["outfit"], "properties": {"outfit": SKU_PROPERTY}},
                  "examples": [{"action": "pin", "bag": EXAMPLE_BAG, "outfit": EXAMPLE_OUTFIT}]},
    "Event": {
        "type": "object", "required": ["id", "type", "placement"], "propertyNames": KEYS,
        "description": "One shopper event. Name the item (or outfit and bag) or the lookbook it "
                       "is about; `look` (the look's number) needs `lookbook`; an add-to-cart or "
                       "purchase names the item, the bag or the look bought. Nothing about the "
                       "shopper is stored; the embedding site is taken from the Origin header.",
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
                   "description": "made by the client (e.g. a UUID); a re-sent id is counted once"},
            "type": {"type": "string", "enum": list(EVENT_TYPES),
                     "description": "`purchase` needs a secret key"},
            "placement": {"type": "string", "enum": list(PLACEMENTS)},
            "item": SKU_PROPERTY,
            "outfit": {**SKU_PROPERTY, "description": "the outfit the item was shown with"},
            "bag": {**SKU_PROPERTY, "description": "the bag the item was shown with"},
            "lookbook": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80},
            "look": {"type": "integer", "minimum": 1, "maximum": 1000},
            "at": {"type": "string", "format": "date-time",
                   "description": "when it happened (default now); at most 7 days ago, 5 minutes ahead"},
        },
        "anyOf": [{"required": ["item"]}, {"required": ["outfit"]}, {"required": ["bag"]},
                  {"required": ["lookbook"]}],
        "dependentRequired": {"look": ["lookbook"]},
        "if": {"properties": {"type": {"enum": ["add_to_cart", "purchase"]}}, "required": ["type"]},
        "then": {"anyOf": [{"required": ["item"]}, {"required": ["bag"]}, {"required": ["look"]}]},
    },
    "EventBatch": {
        "type": "object", "required": ["events"], "propertyNames": KEYS,
        "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 100, "items": _ref("Event")},
                       "site": {"type": "string", "maxLength": MAX_SITE,
                                "description": "only from our own framed lookbook view: the origin "
                                               "of the page framing it (ignored from anyone else)"}},
        "examples": [{"events": [{"id": "0b6f3c9e-2a41-4d7a-9c5e-1f2d3a4b5c6d", "type": "click",
                                  "placement": "widget", "item": EXAMPLE_BAG, "outfit": EXAMPLE_OUTFIT}]}]},
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
    "OEmbed": {"type": "object",
               "required": ["version", "type", "html", "width", "height", "provider_name"],
               "properties": {"version": {"const": "1.0"}, "type": {"const": "rich"},
                              "title": {"type": "string"}, "provider_name": {"type": "string"},
                              "provider_url": {"type": "string", "format": "uri"},
                              "cache_age": {"type": "integer"},
                              "html": {"type": "string", "description": "an iframe of the lookbook's "
                                                                        "embeddable view"},
                              "width": {"type": "integer"}, "height": {"type": "integer"},
                              "thumbnail_url": {"type": "string", "format": "uri"},
                              "thumbnail_width": {"type": "integer"},
                              "thumbnail_height": {"type": "integer"}}},
    "Health": {"type": "object", "required": ["status"], "properties": {
        "status": {"type": "string", "enum": ["ok", "unavailable"]},
        "checks": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["ok"],
            "properties": {"ok": {"type": "boolean"}, "detail": {}}}}}},
}


def _body(schema: str, *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": _ref(schema)}}}


def _paths() -> dict[str, Any]:
    item_404 = {**ERRORS, "404": _problem("Unknown sku")}
    recs = _json(_ref("Recommendations"), links={
        "SimilarToFirstBag": _link("similarBags", sku="$response.body#/results/0/bag/sku"),
        "OutfitsForFirstBag": _link("outfitsForBag", sku="$response.body#/results/0/bag/sku")})
    item_links = {"GetItem": _link("getItem", sku="$response.body#/sku"),
                  "UploadImage": _link("uploadImage", sku="$response.body#/sku"),
                  "DeleteItem": _link("deleteItem", sku="$response.body#/sku")}
    rule_links = {"DeleteRule": _link("deleteRule", bag="$response.body#/bag",
                                      outfit="$response.body#/outfit")}
    paths: dict[str, Any] = {
        "/items": {
            "get": {"operationId": "listItems", "summary": "List catalog items",
                    "parameters": FILTERS + PAGING,
                    "responses": {"200": _json(_ref("ItemPage"), links={
                        "FirstItem": _link("getItem", sku="$response.body#/items/0/sku")}), **ERRORS}},
            "post": {"operationId": "createItem", "summary": "Create an item", "security": SECRET,
                     "requestBody": _body("ItemInput"),
                     "responses": {"201": _json(_ref("Item"), "Created", links=item_links),
                                   "409": _problem("The sku exists"), **WRITE_ERRORS}},
        },
        "/items/{sku}": {
            "parameters": [ITEM_SKU],
            "get": {"operationId": "getItem", "summary": "One item",
                    "responses": {"200": _json(_ref("Item")), **item_404}},
            "put": {"operationId": "replaceItem", "summary": "Create or replace an item",
                    "security": SECRET, "requestBody": _body("ItemReplacement"),
                    "responses": {"200": _json(_ref("Item")), "201": _json(_ref("Item"), "Created"),
                                  "409": _problem("The sku is another kind"), **WRITE_ERRORS}},
            "delete": {"operationId": "deleteItem", "summary": "Delete an item", "security": SECRET,
                       "responses": {"204": {"description": "Deleted"}, "404": _problem("Unknown sku"),
                                     **WRITE_ERRORS}},
        },
        "/items/import": {
            "post": {"operationId": "importItems", "summary": "Import items (and lookbooks), all or nothing",
                     "security": SECRET,
                     "parameters": [{"name": "dry_run", "in": "query",
                                     "schema": {"type": "string", "enum": ["true", "false"]}}],
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {"type": ["array", "object"]}},
                         "text/csv": {"schema": {"type": "string"}}}},
                     "responses": {"200": _json(_ref("ImportReport")), **WRITE_ERRORS}},
        },
        "/items/{sku}/images": {
            "parameters": [ITEM_SKU],
            "post": {"operationId": "uploadImage", "summary": "Upload a product photo", "security": SECRET,
                     "parameters": [{"name": "palette", "in": "query",
                                     "schema": {"type": "string", "enum": ["offer", "replace"]}}],
                     "requestBody": {"required": True, "content": {"multipart/form-data": {
                         "schema": {"type": "object", "required": ["image"], "properties": {
                             "image": {"type": "string", "format": "binary",
                                       "description": "a JPEG, PNG or WebP photo"}}}}}},
                     "responses": {"200": _json(_ref("Item")), "201": _json(_ref("Item"), "Stored"),
                                   "404": _problem("Unknown sku"), "409": _problem("Photo cap reached"),
                                   "413": _problem("Too large"), **WRITE_ERRORS}},
        },
        "/outfits/{sku}/bags": {"parameters": [OUTFIT_SKU], "get": {
            "operationId": "bagsForOutfit", "summary": "Complete the look: bags for an outfit",
            "parameters": RECOMMEND, "responses": {"200": recs, **item_404}}},
        "/outfits/{sku}/bundles": {"parameters": [OUTFIT_SKU], "get": {
            "operationId": "bundlesForOutfit", "summary": "Bundles: an accent and a functional bag",
            "parameters": RECOMMEND, "responses": {"200": _json(_ref("Recommendations")), **item_404}}},
        "/bags/{sku}/outfits": {"parameters": [BAG_SKU], "get": {
            "operationId": "outfitsForBag", "summary": "Wear it with: outfits for a bag",
            "parameters": RECOMMEND, "responses": {"200": _json(_ref("Recommendations")), **item_404}}},
        "/bags/{sku}/similar": {"parameters": [BAG_SKU], "get": {
            "operationId": "similarBags", "summary": "Similar bags", "parameters": RECOMMEND,
            "responses": {"200": _json(_ref("Recommendations")), **item_404}}},
        "/recommendations/bags": {"post": {
            "operationId": "bagsForAdhocOutfit", "summary": "Bags for an outfit that is not in the catalog",
            "requestBody": _body("AdhocRequest"),
            "responses": {"200": _json(_ref("Recommendations")), **BODY_ERRORS, **ERRORS}}},
        "/recommendations": {"post": {
            "operationId": "batchRecommendations", "summary": "Several recommendation requests in one call",
            "description": "One answer per request, in order: a recommendation answer, or the "
                           "problem (e.g. 404) of that request alone.",
            "requestBody": _body("BatchRequest"),
            "responses": {"200": _json({"type": "object", "required": ["results"], "properties": {
                "results": {"type": "array", "items": {"type": "object"}}}}),
                **BODY_ERRORS, **ERRORS}}},
        "/rules": {
            "get": {"operationId": "listRules", "summary": "Curator rules, newest first", "security": SECRET,
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
                                  "401": _problem("Missing or invalid secret key"),
                                  "403": _problem("A publishable key cannot read rules"), **ERRORS}},
            "post": {"operationId": "setRule",
                     "summary": "Pin or hide a bag for an outfit, or hide it everywhere",
                     "security": SECRET, "requestBody": _body("RuleInput"),
                     "responses": {"200": _json(_ref("Rule"), "Changed or already set", links=rule_links),
                                   "201": _json(_ref("Rule"), "Created", links=rule_links),
                                   **WRITE_ERRORS}},
            "delete": {"operationId": "deleteRule",
                       "summary": "Remove the rule for a bag and outfit (no outfit: everywhere)",
                       "security": SECRET,
                       "parameters": [{**RULE_BAG, "required": True}, RULE_OUTFIT],
                       "responses": {"204": {"description": "Removed"},
                                     "404": _problem("No such rule"), **WRITE_ERRORS}},
        },
        "/events": {"post": {
            "operationId": "recordEvents",
            "summary": "Record shopper events in a batch (impressions, clicks, add-to-carts, purchases)",
            "description": "No key, or a publishable key, for impressions, clicks and add-to-carts "
                           "(CORS-enabled for the widget); a secret key for purchases.",
            "security": [{}, {"publishableKey": []}, SECRET[0]],
            "requestBody": _body("EventBatch"),
            "responses": {"202": _json(_ref("EventOutcome"), "Stored (re-sent and unknown events "
                                                             "are counted, not stored)"),
                          "401": _problem("Unknown or revoked key, or a purchase without a key"),
                          "403": _problem("A purchase with a publishable key"),
                          "413": _problem("Too large"), **BODY_ERRORS, **ERRORS}}},
        "/lookbooks": {"get": {"operationId": "listLookbooks", "summary": "Published lookbooks",
                               "responses": {
            "200": _json({"type": "object", "required": ["lookbooks"], "properties": {
                "lookbooks": {"type": "array", "items": _ref("Lookbook")}}}, links={
                "FirstLookbook": _link("getLookbook", slug="$response.body#/lookbooks/0/slug"),
                "EmbedFirstLookbook": _link("oembed", url="$response.body#/lookbooks/0/url")}),
            **ERRORS}}},
        "/lookbooks/{slug}": {"parameters": [SLUG],
                              "get": {"operationId": "getLookbook",
                                      "summary": "One published lookbook with its looks", "responses": {
                                          "200": _json(_ref("Lookbook")), "404": _problem("Unknown lookbook"),
                                          **ERRORS}}},
    }
    return {
        **{API + path: ops for path, ops in paths.items()},
        "/oembed": {"get": {
            "operationId": "oembed", "summary": "oEmbed 1.0 for a lookbook page of this site",
            "description": "A `rich` embed: an iframe of the lookbook's framable view. Only this "
                           "site's published lookbook URLs are answered (404 otherwise).",
            "parameters": [
                {"name": "url", "in": "query", "required": True,
                 "schema": {"type": "string", "minLength": 1, "maxLength": 2048,
                            "pattern": f"^[^{_BANNED}]*$",
                            "examples": [f"https://lookbook.example/lookbooks/{EXAMPLE_LOOKBOOK}"]}},
                {"name": "maxwidth", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "maxheight", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "xml"]},
                 "description": "json (the default) or xml"}],
            "responses": {"200": {"description": "The embed (XML: the same fields as elements of "
                                                 "<oembed>)",
                                  "content": {"application/json": {"schema": _ref("OEmbed")},
                                              "text/xml": {"schema": {"type": "string"}}}},
                          "404": _problem("Not a lookbook of this site"), **ERRORS}}},
        "/health/live": {"get": {"operationId": "live", "summary": "The process answers",
                                 "responses": {"200": _json(_ref("Health"))}}},
        "/health/ready": {"get": {"operationId": "ready",
                                  "summary": "The database (and the model) are ready; never cached",
                                  "responses": {"200": _json(_ref("Health")),
                                                "503": _json(_ref("Health"), "Not ready")}}},
    }


def document(server: str = "http://localhost:5000") -> dict[str, Any]:
    """Return the OpenAPI document; ``server`` is this site's absolute root URL."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lookbook API", "version": "1",
                 "description": "Catalog, recommendations with reasons, lookbooks and shopper events "
                                "for micro and mini handbags, plus oEmbed and health checks. Errors are "
                                "RFC 9457 problem details. A human-readable guide is at /api."},
        "servers": [{"url": server.rstrip("/"), "description": "this site"}],
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


def _inline(schema: Any) -> Any:
    """``schema`` with every ``$ref`` to a component replaced by the component itself."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return _inline(SCHEMAS[ref.rsplit("/", 1)[1]])
        return {k: _inline(v) for k, v in schema.items() if k != "examples"}
    if isinstance(schema, list):
        return [_inline(v) for v in schema]
    return schema


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(_inline(SCHEMAS[name]), validate_formats=True)


def _where(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"


def _message(kind: Any) -> str:
    """Say what is wrong without repeating the value (the text policy never echoes input)."""
    name = type(kind).__name__
    return {"Type": "has the wrong type", "Enum": "is not one of the documented values",
            "Constant": "is not the documented value", "Pattern": "does not have the documented form",
            "MinLength": "is too short", "MaxLength": "is too long", "MinItems": "has too few entries",
            "MaxItems": "has too many entries", "Minimum": "is too small", "Maximum": "is too large",
            "ExclusiveMinimum": "is too small", "ExclusiveMaximum": "is too large",
            "Required": "is required", "AdditionalProperties": "is not a field of this object",
            "Format": "does not have the documented format",
            "AnyOf": "matches none of the documented forms",
            }.get(name, "does not match the API document")


def check_body(schema: str, body: Any) -> None:
    """Refuse (422) a body the OpenAPI schema ``schema`` does not allow, naming each field."""
    errors = []
    for error in _validator(schema).iter_errors(body):
        path = list(error.instance_path)
        kind = error.kind
        if type(kind).__name__ == "Required":
            path.append(str(kind.property))
        elif type(kind).__name__ == "AdditionalProperties":
            path.append(str(kind.unexpected[0])[:80] if kind.unexpected else "(field)")
        errors.append({"field": _where(path), "message": _message(kind)})
        if len(errors) >= 50:
            break
    if errors:
        raise ApiProblem(422, "the body does not match the API document (see /api/v1/openapi.json)",
                         title="Invalid body", errors=errors)


@bp.get("/openapi.json")
def serve() -> dict[str, Any]:
    """Serve the OpenAPI document, naming this site (behind a proxy, its public host)."""
    return document(request.url_root)
