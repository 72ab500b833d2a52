// What htmx does not do by itself on isacc's pages:
// - rows ticked for "Refresh selected" stay ticked when a live table redraws itself;
// - Enter in a box with data-enter-clicks presses its own button, not the form's;
// - a form with data-confirm (rotating a key, deactivating a user) asks first, since the
//   content security policy allows no inline onsubmit;
// - the reason fetched for a row opens in the dialog, which closes again once its
//   Refresh has been sent;
// - a button with data-copy copies the text of the element it names (a webhook URL, a
//   key shown once) and says so to screen readers;
// - the keyboard focus stays on its control when a live table redraws itself or the
//   settings form is saved.
(function () {
  var ticked = new Set();
  var focused = null;  // the focused control a swap is about to replace, by what names it

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("input[data-tick]")) {
      if (box.checked) { ticked.add(box.value); } else { ticked.delete(box.value); }
    }
  });

  // Enter in a box that belongs to its own button (a new warehouse's name) presses that
  // button instead of submitting the form around it.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key === "Enter" && box.matches && box.matches("input[data-enter-clicks]")) {
      event.preventDefault();
      document.getElementById(box.getAttribute("data-enter-clicks")).click();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button || !navigator.clipboard) { return; }
    var text = document.getElementById(button.getAttribute("data-copy")).textContent.trim();
    navigator.clipboard.writeText(text).then(function () {
      var status = document.querySelector("[data-copy-status]");
      if (status) { status.textContent = button.getAttribute("data-copied") || "Copied"; }
      button.setAttribute("aria-pressed", "true");
    });
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("input[data-tick]").forEach(function (box) {
      box.checked = ticked.has(box.value);
    });
  });

  // htmx itself puts the focus back after a swap only on an element with an id. A row's
  // tick, Refresh button and links, and the settings' switches and radios, have none: one
  // per row or per choice, ids would fill the markup (and idiomorph would be a second
  // library for the same). So the control is found again by what names it (its name and
  // value, or its link's address, and its place among those alike). Without this the focus
  // falls back to the page's start at every redraw.
  function twinsOf(element) {
    var selector;
    if (element.name) {
      selector = element.tagName + '[name="' + CSS.escape(element.name) + '"]' +
        (element.hasAttribute("value") ? '[value="' + CSS.escape(element.getAttribute("value")) + '"]' : "");
    } else if (element.tagName === "A" && element.hasAttribute("href")) {
      selector = 'a[href="' + CSS.escape(element.getAttribute("href")) + '"]';
    } else {
      return null;
    }
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var element = document.activeElement;
    focused = null;
    if (!event.detail.shouldSwap || !element || element.id ||
        !event.detail.target.contains(element)) { return; }
    var twins = twinsOf(element);
    if (twins) { focused = {element: element, place: twins.indexOf(element)}; }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (focused && !document.body.contains(focused.element)) {
      var twin = twinsOf(focused.element)[focused.place];
      if (twin) { twin.focus({preventScroll: true}); }
    }
    focused = null;
    if (event.detail.target.id === "reason-dialog-body") {
      var dialog = document.getElementById("reason-dialog");
      if (!dialog.open) { dialog.showModal(); }
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful || event.detail.requestConfig.verb !== "post") { return; }
    if (event.detail.elt.hasAttribute("data-closes-dialog")) {
      document.getElementById("reason-dialog").close();
    }
    if (event.detail.pathInfo.requestPath.indexOf("/refresh") !== -1) { ticked.clear(); }
  });
})();
