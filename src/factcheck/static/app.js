// factcheck's one small script: CSRF header for htmx requests. Behaviour for pages lives in
// data attributes read here, so templates stay free of inline scripts.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
  });
  // htmx 2 does not swap 4xx/5xx answers by default. Ours are fragments meant to be seen: a form
  // re-rendered with its message, or an error retargeted to the flash area. Page scripts that
  // handle a status themselves listen after this one and have the last word.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && !event.detail.shouldSwap) {
      event.detail.shouldSwap = true;
      event.detail.isError = status >= 500;
      if (status >= 500 && !event.detail.xhr.getResponseHeader("HX-Retarget")) {
        var flash = document.getElementById("flash");
        if (flash) { event.detail.target = flash; }
      }
    }
  });
  // A later successful change clears the flash area, so an old refusal does not linger.
  document.addEventListener("htmx:afterRequest", function (event) {
    var flash = document.getElementById("flash");
    if (flash && event.detail.successful && event.detail.xhr.status < 400 &&
        event.detail.target !== flash && (event.detail.requestConfig || {}).verb !== "get") {
      flash.innerHTML = "";
    }
  });
})();
