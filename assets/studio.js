/* The studio's small enhancements; every page works without them.
   - Focus the error summary when a form comes back with problems (GOV.UK pattern).
   - Drag and drop to reorder looks in the editor.  Keyboard users (and everyone
     without JavaScript) use the "Move up" / "Move down" buttons, which post forms. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }

  // Keyboard path for reordering: "Move up" / "Move down" post a form and the page
  // reloads; give focus back to the moved look's button so Enter can move it again.
  var KEY = "lookbook-studio-moved";
  var remember = function (value) {
    try { if (value) { window.sessionStorage.setItem(KEY, value); } else { window.sessionStorage.removeItem(KEY); } }
    catch (e) { /* private mode: focus simply starts at the top */ }
  };
  var moved = null;
  try { moved = window.sessionStorage.getItem(KEY); } catch (e) { moved = null; }
  remember(null);
  if (moved && !summary) {
    var parts = moved.split(":");
    var look = document.getElementById("look-" + parts[0]);
    if (look) {
      var same = look.querySelector("button[name=direction][value=" + (parts[1] === "up" ? "up" : "down") + "]");
      var other = look.querySelector("button[name=direction][value=" + (parts[1] === "up" ? "down" : "up") + "]");
      var target = same && !same.disabled ? same : other;
      // After the load (and the browser's jump to #look-N, which resets focus).
      if (target && !target.disabled) {
        window.addEventListener("load", function () { window.setTimeout(function () { target.focus(); }, 0); });
      }
    }
  }
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var item = event.target.closest(".look");
    if (button && button.name === "direction" && item) {
      remember(item.getAttribute("data-look") + ":" + button.value);
    }
  });

  var list = document.querySelector("ol.looks[data-reorder]");
  if (!list || !window.fetch || !window.URLSearchParams) { return; }
  var looks = function () { return Array.prototype.slice.call(list.querySelectorAll(".look")); };
  if (looks().length < 2) { return; }
  list.classList.add("js-reorder");
  var hint = document.querySelector(".drag-hint");
  if (hint && window.matchMedia("(pointer: fine)").matches) { hint.hidden = false; }
  var status = document.querySelector(".reorder-status");
  var say = function (text) { if (status) { status.textContent = text; } };
  var field = function (name) {
    var input = document.querySelector("input[name='" + name + "']");
    return input ? input.value : "";
  };
  var before = looks().map(function (li) { return li.getAttribute("data-look"); }).join(",");
  var dragged = null;

  list.addEventListener("mousedown", function (event) {
    var look = event.target.closest(".look");
    if (look) { look.draggable = Boolean(event.target.closest(".drag-handle")); }
  });
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".look");
    if (!dragged) { return; }
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-look"));
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var over = event.target.closest(".look");
    if (!over || over === dragged) { return; }
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("is-dragging");
    dragged.draggable = false;
    dragged = null;
    save();
  });

  function save() {
    var order = looks().map(function (li) { return li.getAttribute("data-look"); }).join(",");
    if (order === before) { return; }
    say("Saving the new order…");
    var body = new URLSearchParams({csrf_token: field("csrf_token"), version: field("version"), order: order});
    fetch(list.getAttribute("data-reorder"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": field("csrf_token")}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (result.ok) {
        say(result.data.message + " Refreshing…");
        window.location.reload();
      } else {
        say(result.data.error + " Reloading the lookbook…");
        window.setTimeout(function () { window.location.href = result.data.reload; }, 2500);
      }
    }).catch(function () {
      say("The new order could not be saved. Reload the page and try again.");
    });
  }
}());
