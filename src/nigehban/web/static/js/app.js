// Nigehban's own page behaviour. No inline scripts anywhere (the content security policy forbids
// them): pages mark elements with data-* attributes and this file wires them up.
(function () {
  "use strict";

  // the CSRF token of the session, for fetch() calls made by page scripts
  window.nigehbanCsrf = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  // <form data-confirm="Really?"> asks before submitting
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // htmx: show the server's message when a request fails, instead of failing silently
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = "The request failed (" + xhr.status + ").";
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.detail) { message = body.detail; }
    } catch (ignored) { /* an HTML error page */ }
    var target = document.getElementById("flash") || document.getElementById("main");
    var note = document.createElement("p");
    note.className = "alert";
    note.setAttribute("role", "alert");
    note.textContent = message;
    target.prepend(note);
  });
})();
