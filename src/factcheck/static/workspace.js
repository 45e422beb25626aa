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
