// Verdict overlays on the annotated article: Enter or a click on a highlight (or a side-list entry)
// opens its <dialog>; Esc, the close button or a click outside closes it; focus returns to the opener.
// Listeners sit on the document so content swapped in by htmx (the view toggle) works unchanged.
(function () {
  "use strict";
  var opener = null;

  function dialogFor(element) {
    var id = element.getAttribute("data-overlay-open");
    return id ? document.getElementById("overlay-" + id) : null;
  }

  function open(element) {
    var dialog = dialogFor(element);
    if (!dialog || dialog.open) { return; }
    // A highlight cut at a paragraph break is focusable only in its first piece.
    opener = element.tabIndex >= 0 ? element
      : document.getElementById("claim-" + element.getAttribute("data-overlay-open")) || element;
    dialog.showModal();
    var close = dialog.querySelector("[data-overlay-close]");
    if (close) { close.focus(); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest && target.closest("a[href]") && !target.closest("[data-overlay-open]")) { return; }
    var trigger = target.closest && target.closest("[data-overlay-open]");
    if (trigger) { event.preventDefault(); open(trigger); return; }
    if (target.closest && target.closest("[data-overlay-close]")) {
      var dialog = target.closest("dialog");
      if (dialog) { dialog.close(); }
      return;
    }
    // A click on the backdrop lands on the dialog element itself, outside its content box.
    if (target.tagName === "DIALOG" && target.classList.contains("overlay")) {
      var box = target.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
                   event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) { target.close(); }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var target = event.target;
    // Buttons already turn Enter and Space into clicks; highlights are spans with role="button".
    if (target.tagName === "BUTTON" || !target.hasAttribute || !target.hasAttribute("data-overlay-open")) { return; }
    event.preventDefault();
    open(target);
  });

  document.addEventListener("close", function (event) {
    if (!event.target.classList || !event.target.classList.contains("overlay")) { return; }
    if (opener && document.contains(opener)) { opener.focus(); }
    opener = null;
  }, true);
})();
