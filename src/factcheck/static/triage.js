// Keyboard-first triage for /queue: j/k move, a accept, d dismiss, m duplicate, u undo,
// x select, Enter open, ? shortcuts. Every key presses the same button a mouse would, so the
// server answers both the same way (htmx swaps the row; 409s land in the flash area).
(function () {
  "use strict";

  var focusedId = null;   // the claim id of the focused row
  var lastActedId = null; // the row of the last action, for "u"
  var advanceFrom = null; // after a keyboard action, move on from this row once it is swapped

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue-rows tr.queue-row")); }
  function rowById(id) { return document.getElementById("claim-row-" + id); }
  function current() { return (focusedId && rowById(focusedId)) || null; }

  function focusRow(row, keepFocus) {
    if (!row) { return; }
    rows().forEach(function (r) { r.classList.remove("is-focused"); r.removeAttribute("aria-current"); });
    row.classList.add("is-focused");
    row.setAttribute("aria-current", "true");
    focusedId = row.dataset.claimId;
    if (!keepFocus) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    focusRow(all[next]);
  }

  function press(row, action) {
    var button = row && row.querySelector('[data-action="' + action + '"]');
    if (!button || button.disabled) { return false; }
    lastActedId = row.dataset.claimId;
    button.click();
    return true;
  }

  function openDuplicate(row) {
    var picker = row && row.querySelector("details[data-duplicate]");
    if (!picker) { return; }
    picker.open = true;
    var input = picker.querySelector("[data-duplicate-search]");
    if (input) { input.focus(); }
  }

  function toggleSelect(row) {
    var box = row && row.querySelector("input.row-select");
    if (box && !box.disabled) { box.checked = !box.checked; updateSelected(); }
  }

  function updateSelected() {
    var count = document.querySelectorAll("input.row-select:checked").length;
    var label = document.querySelector("[data-selected-count]");
    if (label) { label.textContent = String(count); }
  }

  function toggleShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (!dialog) { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }

  function typing(target) {
    if (!target) { return false; }
    if (target.tagName === "INPUT") { return !/^(checkbox|radio|button|submit)$/.test(target.type); }
    return target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("queue-rows")) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "Escape") {
      var open = document.querySelector("details[data-duplicate][open]");
      if (open) { open.open = false; focusRow(open.closest("tr")); }
      return;
    }
    if (typing(event.target)) { return; }
    var row = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": if (press(row, "accept")) { advanceFrom = focusedId; } break;
      case "d": if (press(row, "dismiss")) { advanceFrom = focusedId; } break;
      case "m": openDuplicate(row); break;
      case "u": press(rowById(lastActedId) || row, "undo"); break;
      case "x": toggleSelect(row); break;
      case "?": toggleShortcuts(); break;
      case "Enter":
        // Only on the row itself: Enter on a focused button or link keeps its usual meaning.
        if (event.target !== row) { return; }
        if (row) { var link = row.querySelector("a.queue-sentence"); if (link) { link.click(); } } break;
      default: return;
    }
    event.preventDefault();
  });

  // Mouse: clicking a row focuses it; clicking a row's button counts as its last action.
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("#queue-rows tr.queue-row");
    // A click makes the row current without taking the focus from what was clicked.
    if (row && !row.classList.contains("is-focused")) { focusRow(row, true); }
    if (row && event.target.closest("[data-action]")) { lastActedId = row.dataset.claimId; }
    var pick = event.target.closest && event.target.closest("[data-pick-claim]");
    if (pick) {
      var form = pick.closest("form");
      var field = form && form.querySelector("[data-duplicate-id]");
      if (field) {
        field.value = pick.dataset.pickClaim;
        if (row) { lastActedId = row.dataset.claimId; }
        form.requestSubmit();
      }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input.row-select")) { updateSelected(); }
  });

  // After htmx swaps a row (or the whole list), keep the keyboard where the reader expects it.
  document.addEventListener("htmx:afterSettle", function () {
    if (!document.getElementById("queue-rows")) { return; }
    if (advanceFrom) {
      var all = rows();
      var acted = rowById(advanceFrom);
      var index = all.indexOf(acted);
      advanceFrom = null;
      focusRow(all[index + 1] || acted);
    } else {
      // Never pull the focus out of a field the reader is typing in (search, duplicate picker).
      focusRow(current() || rows()[0], typing(document.activeElement));
    }
    updateSelected();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "bulk-form" && event.detail.successful) {
      document.querySelectorAll("input.row-select:checked").forEach(function (box) { box.checked = false; });
      updateSelected();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var opener = document.querySelector("[data-shortcuts-open]");
    if (opener) { opener.addEventListener("click", toggleShortcuts); }
    focusRow(rows()[0]);
  });
})();
