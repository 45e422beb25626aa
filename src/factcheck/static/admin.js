// Admin pages: a refused change (422, 409, 404, 403) answers with the section re-rendered around
// the message; htmx does not swap error responses by default, so let it swap these ones.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (status >= 400 && status < 500 && source && source.closest("[data-admin-section]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
