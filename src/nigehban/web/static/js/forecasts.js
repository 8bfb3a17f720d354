// The forecasts page: choices that apply at once, and a box that narrows the risk table to the
// districts whose name or code contains the text typed.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.tagName === "SELECT" && target.form && target.form.hasAttribute("data-autosubmit")) {
      if (typeof target.form.requestSubmit === "function") { target.form.requestSubmit(); } else { target.form.submit(); }
    }
  });

  // <input data-table-filter="ID">: hide the rows of table ID whose text does not contain the input
  var boxes = document.querySelectorAll("input[data-table-filter]");
  for (var i = 0; i < boxes.length; i += 1) {
    (function (box) {
      var table = document.getElementById(box.getAttribute("data-table-filter"));
      if (!table) { return; }
      var rows = table.querySelectorAll("tbody tr");
      var count = document.querySelector("[data-filter-count='" + table.id + "']");
      box.addEventListener("input", function () {
        var text = box.value.trim().toLowerCase();
        var shown = 0;
        for (var j = 0; j < rows.length; j += 1) {
          var match = !text || rows[j].textContent.toLowerCase().indexOf(text) >= 0;
          rows[j].hidden = !match;
          if (match) { shown += 1; }
        }
        if (count) { count.textContent = shown + " of " + rows.length + " shown"; }
      });
    })(boxes[i]);
  }
})();
