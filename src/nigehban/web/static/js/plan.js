// The plan builder: the budget slider and the number box follow each other, and the plan is built
// again (htmx posts the form, the result replaces #plan-result) once the budget rests for a moment.
// Without JavaScript the form posts with its button and the page comes back with the plan.
(function () {
  "use strict";

  var form = document.querySelector("[data-plan-form]");
  if (!form) { return; }
  var range = form.querySelector("[data-plan-range]");
  var number = form.querySelector("[data-plan-number]");
  var shown = form.querySelector("[data-plan-shown]");
  var timer = null;

  function describe(value) {
    var amount = Number(value) || 0;
    var crore = amount / 10000000;
    shown.textContent = "PKR " + amount.toLocaleString("en-PK") +
      (crore >= 0.1 ? " (" + crore.toLocaleString("en-PK", { maximumFractionDigits: 1 }) + " crore)" : "");
  }

  function rebuild() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () {
      if (window.htmx) { window.htmx.trigger(form, "plan-change"); } else { form.requestSubmit(); }
    }, 500);
  }

  range.addEventListener("input", function () {
    number.value = range.value;
    describe(range.value);
    rebuild();
  });
  number.addEventListener("input", function () {
    if (number.value !== "" && Number(number.value) <= Number(range.max)) { range.value = number.value; }
    describe(number.value);
    rebuild();
  });
  Array.prototype.forEach.call(form.querySelectorAll("select, input[type=checkbox]"), function (input) {
    input.addEventListener("change", rebuild);
  });
  describe(number.value);
})();
