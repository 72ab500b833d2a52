// The pinned CDN copy of htmx loads first (with SRI). When the CDN cannot be reached
// (offline, blocked, tampered file refused by SRI) load the vendored copy of the same version.
(function () {
  if (window.htmx) return;
  var script = document.createElement("script");
  script.src = document.currentScript.dataset.fallback;
  script.async = false;
  document.head.appendChild(script);
})();
