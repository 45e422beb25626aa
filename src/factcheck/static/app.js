// factcheck's one small script: CSRF header for htmx requests. Behaviour for pages lives in
// data attributes read here, so templates stay free of inline scripts.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
  });
})();
