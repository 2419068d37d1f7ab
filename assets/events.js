/* Lookbook shopper events for our own pages: impressions and clicks, sent in batches.
 *
 * Include with <script src="/assets/events.js" defer data-placement="page"></script>
 * (the framable lookbook uses data-placement="embed").  Mark what to count:
 *   data-track-item="SKU"  (optional data-track-outfit / data-track-bag: what it was shown with)
 *   data-track-lookbook="slug" data-track-look="N"  (the N-th look of a lookbook)
 * An element counts one impression when at least half of it has been on screen, and a
 * click when a link or button inside it is used (data-track-event="add_to_cart" on that
 * link or button records an add-to-cart instead).  Without JavaScript nothing is sent
 * and nothing changes.  No cookies, no identifiers: each event has a random id only so
 * a re-sent batch is counted once.
 */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.fetch || !window.IntersectionObserver) return;
  var placement = me.getAttribute("data-placement") || "page";
  var endpoint = new URL("/api/v1/events", me.src).href;
  var site = "";
  try {  // framed: name the embedding site (the parent's origin) for the analytics
    if (window.top !== window && document.referrer) site = new URL(document.referrer).origin;
  } catch (e) { site = ""; }
  var queue = [], timer = 0;

  function id() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function about(el) {
    var d = el.dataset, e = {};
    if (d.trackItem) e.item = d.trackItem;
    if (d.trackOutfit) e.outfit = d.trackOutfit;
    if (d.trackBag) e.bag = d.trackBag;
    if (d.trackLookbook) e.lookbook = d.trackLookbook;
    if (d.trackLook) e.look = parseInt(d.trackLook, 10);
    return e;
  }

  function record(type, el) {
    var e = about(el);
    e.id = id(); e.type = type; e.placement = placement; e.at = new Date().toISOString();
    queue.push(e);
    if (queue.length >= 50) flush(); else if (!timer) timer = setTimeout(flush, 2000);
  }

  function flush() {
    clearTimeout(timer); timer = 0;
    while (queue.length) {
      var body = {events: queue.splice(0, 100)};
      if (site) body.site = site;
      fetch(endpoint, {method: "POST", keepalive: true, headers: {"Content-Type": "application/json"},
                       body: JSON.stringify(body)}).catch(function () {});
    }
  }

  var seen = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { seen.unobserve(entry.target); record("impression", entry.target); }
    });
  }, {threshold: 0.5});
  var marked = document.querySelectorAll("[data-track-item],[data-track-lookbook]");
  Array.prototype.forEach.call(marked, function (el) { seen.observe(el); });

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("a[href],button");
    var el = target && target.closest("[data-track-item],[data-track-lookbook]");
    if (el) record(target.getAttribute("data-track-event") === "add_to_cart" ? "add_to_cart" : "click", el);
    if (el && target.tagName === "A") flush();  // the page may be about to go away
  });
  addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () { if (document.hidden) flush(); });
})();
