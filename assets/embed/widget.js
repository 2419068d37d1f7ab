/* Lookbook widget: fills
 *   <div data-lookbook-outfit="SKU"></div>  complete the look (bags for an outfit)
 *   <div data-lookbook-bag="SKU"></div>     wear it with (outfits for a bag)
 *   <div data-lookbook="slug"></div>        a whole lookbook
 * on any site, each in its own shadow root so the host page's CSS cannot reach it.
 * Settings as data attributes on the element, or on the script tag for the whole page:
 * data-limit, data-size (micro,mini | any), data-market; on the script tag only,
 * data-key (a publishable key, sent in a header, never in a URL).
 * Nothing is fetched until a block is near the viewport; then every recommendation block
 * of the page is asked for in one batched request.  Prices are formatted in the host
 * page's language (<html lang>) with Intl.NumberFormat: the API serves many storefronts
 * in many languages, and the host page knows which one its shoppers read.
 * Impressions (half a block on screen) and clicks go to /api/v1/events in batches.
 * No dependencies, no cookies, no identifiers beyond a random id per event.
 */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.fetch || !window.IntersectionObserver || !Element.prototype.attachShadow) return;
  var cfg = me.dataset, BASE = new URL(me.src).origin, KEY = cfg.key || "";
  var SEL = "[data-lookbook-outfit],[data-lookbook-bag],[data-lookbook]";
  var CSS = ":host{display:block}" +
    ".w{all:initial;display:block;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1a1a1a;" +
    "background:#fff;border:1px solid #e5e1da;border-radius:10px;padding:14px 16px;max-width:60rem}" +
    "h2{font-size:18px;font-weight:600;line-height:1.25;margin:0 0 10px}" +
    "p{margin:0}ul{list-style:none;margin:0;padding:0}" +
    ".g{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(140px,1fr))}" +
    ".c{display:flex;flex-direction:column;gap:3px;font-size:14px}" +
    ".c img,.k img{display:block;width:100%;height:auto;aspect-ratio:4/5;object-fit:cover;border-radius:6px;background:#f6f5f2}" +
    "a{color:#8a2342;font-weight:600;text-decoration:underline}a:focus-visible{outline:3px solid #8a2342;outline-offset:2px}" +
    ".n{font-weight:600}.p{font-variant-numeric:tabular-nums}.r{color:#4a4a4a;font-size:13px}" +
    ".d{color:#4a4a4a;margin:-4px 0 10px}.l{border-top:1px solid #e5e1da;padding-top:10px;margin-top:10px}" +
    ".k{display:grid;grid-template-columns:repeat(2,minmax(0,200px));gap:12px}.o{font-style:italic;color:#4a4a4a;margin-top:6px}" +
    ".h{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    ".f{margin-top:10px;font-size:13px;color:#5d5d5d}";
  var sheet = null;
  try { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); } catch (e) { sheet = null; }

  function headers(json) {
    var h = {};
    if (json) h["Content-Type"] = "application/json";
    if (KEY) h.Authorization = "Bearer " + KEY;
    return h;
  }

  function h(tag, attrs, kids) {
    var el = document.createElement(tag), k;
    for (k in attrs || {}) if (attrs[k] != null) el.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { if (c != null) el.appendChild(typeof c == "string" ? document.createTextNode(c) : c); });
    return el;
  }

  /* -- events: queued, sent in batches, flushed when the shopper leaves ----------------- */
  var queue = [], timer = 0;
  function uid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)),
      function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function record(type, about) {
    var e = {id: uid(), type: type, placement: "widget", at: new Date().toISOString()}, k;
    for (k in about) if (about[k] != null) e[k] = about[k];
    queue.push(e);
    if (type == "click" || queue.length >= 50) flush(); else if (!timer) timer = setTimeout(flush, 2000);
  }
  function flush(leaving) {  // keepalive lets a batch outlive the page it was sent from
    clearTimeout(timer); timer = 0;
    while (queue.length) {
      fetch(BASE + "/api/v1/events", {method: "POST", keepalive: leaving === true, headers: headers(true),
        body: JSON.stringify({events: queue.splice(0, 100)})}).catch(function () {});
    }
  }
  addEventListener("pagehide", function () { flush(true); });
  document.addEventListener("visibilitychange", function () { if (document.hidden) flush(true); });
  var seen = new IntersectionObserver(function (entries) {
    entries.forEach(function (en) {
      if (en.isIntersecting) { seen.unobserve(en.target); record("impression", en.target.lb); }
    });
  }, {threshold: 0.5});
  function track(el, about) {
    el.lb = about;
    seen.observe(el);
    el.addEventListener("click", function (ev) { if (ev.target.closest("a")) record("click", about); });
    return el;
  }

  /* -- rendering ------------------------------------------------------------------------- */
  var money = {};
  function price(item, host) {
    var lang = (host.closest("[lang]") || document.documentElement).lang || navigator.language, key = lang + item.currency;
    try {
      money[key] = money[key] || new Intl.NumberFormat(lang || undefined, {style: "currency", currency: item.currency});
      return money[key].format(+item.price);
    } catch (e) { return item.price + " " + item.currency; }
  }
  function abs(u) { return new URL(u, BASE).href; }
  function photo(item) {
    var sizes = (item.image_sizes || [])[0] || [], webp = sizes.filter(function (s) { return s.format == "webp"; });
    var src = item.images && item.images[0];
    if (!src && !webp.length) return null;
    var first = webp[0] || {};
    return h("img", {src: abs(src || first.url), alt: item.name, loading: "lazy", decoding: "async",
      width: first.width, height: first.height, sizes: "(min-width: 40rem) 180px, 45vw",
      srcset: webp.length ? webp.map(function (s) { return abs(s.url) + " " + s.width + "w"; }).join(", ") : null});
  }
  function link(item, fallback) {
    var url = item.url || fallback || BASE + (item.kind == "bag" ? "/bags/" : "/outfits/") + encodeURIComponent(item.sku);
    return h("a", {href: url, target: "_blank", rel: "noopener"}, [item.name]);
  }
  function card(item, host, reasons) {
    return h("li", {"class": "c"}, [photo(item), h("span", {"class": "n"}, [link(item)]),
      h("span", {"class": "p"}, [price(item, host)]),
      reasons && reasons.length ? h("span", {"class": "r"}, [reasons[0]]) : null]);
  }
  function frame(host, title, kids) {
    var root = host.shadowRoot || host.attachShadow({mode: "open"});
    if (sheet) root.adoptedStyleSheets = [sheet]; else kids.unshift(h("style", {}, [CSS]));
    root.replaceChildren(h("section", {"class": "w", "aria-label": title}, kids));
  }
  function clear(host) { if (host.shadowRoot) host.shadowRoot.replaceChildren(); host.removeAttribute("aria-busy"); }

  function showRecommendations(host, answer) {
    var outfit = host.dataset.lookbookOutfit, rows = answer && answer.results;
    if (!rows || !rows.length) return clear(host);
    var title = outfit ? "Complete the look" : "Wear it with";
    var list = h("ul", {"class": "g", role: "list"}, rows.map(function (r) {
      var item = outfit ? r.bag : r.outfit;
      return track(card(item, host, r.reasons), outfit ? {item: item.sku, outfit: outfit} : {item: item.sku, bag: host.dataset.lookbookBag});
    }));
    frame(host, title, [h("h2", {}, [title]), list]);
    host.removeAttribute("aria-busy");
  }

  function showLookbook(host, book) {
    var limit = +(host.dataset.limit || cfg.limit) || 0, looks = book.looks || [];
    if (limit) looks = looks.slice(0, limit);
    var items = looks.map(function (look, i) {
      var about = {lookbook: book.slug, look: i + 1};
      var pair = [look.outfit, look.bag].map(function (item) {
        return h("div", {"class": "c"}, [photo(item), h("span", {"class": "n"}, [link(item)]),
          h("span", {"class": "p"}, [price(item, host)])]);
      });
      return track(h("li", {"class": "l"}, [h("h3", {"class": "h"}, ["Look " + (i + 1)]), h("div", {"class": "k"}, pair),
        look.note ? h("p", {"class": "o"}, [look.note]) : null]), about);
    });
    frame(host, book.title, [h("h2", {}, [book.title]), book.description ? h("p", {"class": "d"}, [book.description]) : null,
      h("ul", {role: "list"}, items),
      h("p", {"class": "f"}, [h("a", {href: book.url || BASE + "/lookbooks/" + book.slug, target: "_blank", rel: "noopener"}, ["See the whole lookbook"])])]);
    host.removeAttribute("aria-busy");
  }

  /* -- loading: lazily, recommendations in one batched request --------------------------- */
  function opt(host, name) { return host.dataset[name] || cfg[name]; }
  function ask(hosts) {
    for (var i = 0; i < hosts.length; i += 20) (function (group) {
      var requests = group.map(function (host) {
        var d = host.dataset, q = {type: d.lookbookOutfit ? "bags" : "outfits", sku: d.lookbookOutfit || d.lookbookBag};
        ["limit", "size", "market"].forEach(function (n) { if (opt(host, n)) q[n] = opt(host, n); });
        if (q.type == "outfits") delete q.size;
        return q;
      });
      fetch(BASE + "/api/v1/recommendations", {method: "POST", headers: headers(true), body: JSON.stringify({requests: requests})})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) { group.forEach(function (host, j) { showRecommendations(host, data.results[j]); }); })
        .catch(function () { group.forEach(clear); });
    })(hosts.slice(i, i + 20));
  }
  var waiting = [];
  var near = new IntersectionObserver(function (entries) {
    var batch = false;
    entries.forEach(function (en) {
      if (!en.isIntersecting) return;
      var host = en.target;
      near.unobserve(host);
      if (host.dataset.lookbook) {
        fetch(BASE + "/api/v1/lookbooks/" + encodeURIComponent(host.dataset.lookbook), {headers: headers(false)})
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (book) { if (book) showLookbook(host, book); else clear(host); })
          .catch(function () { clear(host); });
      } else batch = true;
    });
    if (batch) {  // one request for every recommendation block on the page, seen or not yet
      waiting.forEach(function (host) { near.unobserve(host); });
      ask(waiting.splice(0));
    }
  }, {rootMargin: "400px 0px"});

  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll(SEL), function (host) {
      if (host.lbSeen) return;
      host.lbSeen = true;
      host.setAttribute("aria-busy", "true");
      if (!host.dataset.lookbook) waiting.push(host);
      near.observe(host);
    });
  }
  scan();
  if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", scan);
})();
