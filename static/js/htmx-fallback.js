// The pinned CDN copy of htmx loads first (with SRI). When the CDN cannot be reached
// (offline, blocked, or a tampered file refused by SRI) load the vendored copy of the same
// version. document.write keeps it a parser-blocking script, like the CDN tag it replaces:
// htmx only starts itself if it runs before DOMContentLoaded, which a script inserted with
// createElement does not promise.
if (!window.htmx) {
  document.write('<script src="' + document.currentScript.dataset.fallback + '"><\/script>');
}
