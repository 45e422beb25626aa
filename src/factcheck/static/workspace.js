// Claim workspace helpers: the live length hint for "claim reviewed", picking a source from the
// type-ahead, and a warning before leaving a verdict draft with unsaved changes.
(function () {
  "use strict";

  var dirty = false;

  function updateCount(input) {
    var limit = parseInt(input.dataset.warnAt, 10);
    var form = input.closest("form");
    var hint = form && form.querySelector("[data-char-count]");
    if (!hint || !limit) { return; }
    var length = input.value.length;
    var over = length > limit;
    hint.textContent = length + " of about " + limit + " characters" +
      (over ? ": longer than search results show. You can still save it." : ".");
    hint.classList.toggle("warn", over);
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.matches("[data-warn-at]")) { updateCount(target); }
    if (target.closest("[data-verdict-form]")) { dirty = true; }
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest("[data-verdict-form]")) { dirty = true; }
  });

  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest("[data-pick-source]");
    if (!pick) { return; }
    var form = pick.closest("form");
    var field = form && form.querySelector("[data-source-id]");
    if (!field) { return; }
    field.value = pick.dataset.pickSource;
    var chosen = form.querySelector("[data-source-chosen]");
    if (chosen) { chosen.textContent = "Chosen: " + pick.dataset.sourceTitle; }
    var excerpt = form.querySelector("textarea[name=excerpt]");
    if (excerpt) { excerpt.focus(); }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.successful && elt && elt.closest && elt.closest("[data-verdict-form]")) { dirty = false; }
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-warn-at]").forEach(updateCount);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-warn-at]").forEach(updateCount);
  });
})();

// Adding a claim by hand: turn a selection inside [data-select-text] into the server's offsets
// (Python string indices count code points; JavaScript counts UTF-16 units, so convert).
(function () {
  "use strict";

  function codePoints(text) { return Array.from(text).length; }

  document.addEventListener("selectionchange", function () {
    var box = document.querySelector("[data-select-text]");
    var selection = window.getSelection();
    if (!box || !selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) { return; }
    var before = document.createRange();
    before.setStart(box, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = codePoints(before.toString());
    var chosen = range.toString();
    var start_input = document.querySelector("[data-select-start]");
    var end_input = document.querySelector("[data-select-end]");
    var preview = document.querySelector("[data-select-preview]");
    if (start_input && end_input) {
      start_input.value = start;
      end_input.value = start + codePoints(chosen);
    }
    if (preview) { preview.textContent = "“" + chosen.trim() + "”"; }
  });
})();
