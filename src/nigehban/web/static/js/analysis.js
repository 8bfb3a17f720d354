// The analysis pages: filter forms that apply a changed choice at once, and the time slider of the
// spread page, which steps through the years and shows the districts a group had reached by then.
(function () {
  "use strict";

  // <form data-autosubmit>: a changed <select> submits the form (text and date fields wait for "Show")
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.tagName === "SELECT" && target.form && target.form.hasAttribute("data-autosubmit")) {
      if (typeof target.form.requestSubmit === "function") { target.form.requestSubmit(); } else { target.form.submit(); }
    }
  });

  function plural(count, word) { return count + " " + word + (count === 1 ? "" : "s"); }

  // <div data-spread-slider>: an <input type=range> of years and <li data-first="YEAR" data-active="Y1 Y2">
  function wireSlider(box) {
    var range = box.querySelector("input[type=range]");
    var summary = box.querySelector("[data-spread-summary]");
    var items = box.querySelectorAll("li[data-first]");
    if (!range) { return; }

    function show() {
      var year = parseInt(range.value, 10);
      var reached = 0, fresh = 0, active = 0;
      for (var i = 0; i < items.length; i += 1) {
        var item = items[i];
        var first = parseInt(item.getAttribute("data-first"), 10);
        var years = (item.getAttribute("data-active") || "").split(" ");
        var isReached = first <= year;
        var isActive = years.indexOf(String(year)) >= 0;
        item.hidden = !isReached;
        item.classList.toggle("is-new", first === year);
        item.classList.toggle("is-active", isActive && first !== year);
        if (isReached) { reached += 1; }
        if (first === year) { fresh += 1; }
        if (isActive) { active += 1; }
      }
      if (summary) {
        summary.textContent = "By " + year + ": " + plural(reached, "district") + " reached; " +
          active + " active in " + year + ", " + fresh + " for the first time.";
      }
      box.setAttribute("data-year", String(year));
    }

    range.addEventListener("input", show);
    show();
  }

  var sliders = document.querySelectorAll("[data-spread-slider]");
  for (var i = 0; i < sliders.length; i += 1) { wireSlider(sliders[i]); }
})();
