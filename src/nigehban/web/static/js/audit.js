// The audit form on a phone. Each item's fieldset posts its answer as soon as it changes (htmx:
// hx-post, hx-trigger "change"; hx-sync queues the posts on the form, so answers given quickly are
// saved in order and the progress count in the last reply is the true one). This file adds what htmx
// does not: an answer that could not be sent (no connection) is marked and sent again when the
// connection returns, the file input is emptied once its photo is saved (so the next answer does not
// send it again), and the GPS button.
// Without JavaScript the form still works: "Save all answers" posts every answer at once.
(function () {
  "use strict";

  var form = document.querySelector("[data-audit-form]");
  if (!form || !window.htmx) { return; }

  function fieldsetOf(event) {
    var element = event.detail && event.detail.elt;
    return element && element.matches && element.matches("fieldset[hx-post]") ? element : null;
  }

  function say(fieldset, text) {
    var status = fieldset.querySelector(".saved");
    if (status) { status.textContent = text; }
  }

  form.addEventListener("htmx:beforeRequest", function (event) {
    var fieldset = fieldsetOf(event);
    if (fieldset) { say(fieldset, "Saving…"); }
  });

  form.addEventListener("htmx:afterRequest", function (event) {
    var fieldset = fieldsetOf(event);
    if (!fieldset || !event.detail.successful) { return; }
    fieldset.classList.remove("unsaved");
    if (fieldset.querySelector("input[type=radio]:checked")) { fieldset.classList.add("answered"); }
    Array.prototype.forEach.call(fieldset.querySelectorAll("input[type=file]"), function (input) { input.value = ""; });
  });

  // no answer from the server at all (offline, timeout): keep it marked and try again later
  form.addEventListener("htmx:sendError", function (event) {
    var fieldset = fieldsetOf(event);
    if (!fieldset) { return; }
    fieldset.classList.add("unsaved");
    say(fieldset, "Not saved yet (no connection): it will be sent again.");
  });

  // the server refused the answer (e.g. off the item's scale): show why beside the item
  form.addEventListener("htmx:responseError", function (event) {
    var fieldset = fieldsetOf(event);
    if (!fieldset) { return; }
    var xhr = event.detail.xhr;
    var message = "Not saved (" + xhr.status + ").";
    try { message = "Not saved: " + JSON.parse(xhr.responseText).detail; } catch (ignored) { /* an HTML page */ }
    if (xhr.status >= 500) { fieldset.classList.add("unsaved"); }
    say(fieldset, message);
  });

  function resend() {
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.unsaved"), function (fieldset) {
      window.htmx.trigger(fieldset, "change");
    });
  }
  window.addEventListener("online", resend);
  window.setInterval(function () {
    if (navigator.onLine !== false) { resend(); }
  }, 20000);

  // GPS: where the auditor stands, recorded on the audit
  var button = form.querySelector("[data-gps-button]");
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        var latitude = form.querySelector("[data-gps-latitude]");
        var longitude = form.querySelector("[data-gps-longitude]");
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        form.querySelector("[data-gps-shown]").textContent = latitude.value + ", " + longitude.value +
          " (±" + Math.round(position.coords.accuracy) + " m)";
        latitude.dispatchEvent(new Event("change", { bubbles: true }));
        button.disabled = false;
      }, function (error) {
        form.querySelector("[data-gps-shown]").textContent = "position not available: " + error.message;
        button.disabled = false;
      }, { enableHighAccuracy: true, timeout: 20000 });
    });
  }
})();
