// The review page: pointing at a field (hover, focus or tap on its row) outlines its evidence in the
// report and scrolls the first piece into view. Marks carry their fields in data-fields.
(function () {
  "use strict";

  var table = document.querySelector("[data-review-fields]");
  var documentBox = document.querySelector('[data-testid="evidence"]');
  if (!table || !documentBox) { return; }

  function marksOf(field) {
    return Array.prototype.filter.call(documentBox.querySelectorAll("mark[data-fields]"), function (mark) {
      return mark.dataset.fields.split(" ").indexOf(field) >= 0;
    });
  }

  function clear() {
    Array.prototype.forEach.call(documentBox.querySelectorAll("mark.focus"), function (mark) {
      mark.classList.remove("focus");
    });
  }

  function show(row, scroll) {
    clear();
    var marks = marksOf(row.dataset.field);
    marks.forEach(function (mark) { mark.classList.add("focus"); });
    if (scroll && marks.length) { marks[0].scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  }

  Array.prototype.forEach.call(table.querySelectorAll("tr[data-field]"), function (row) {
    row.addEventListener("mouseenter", function () { show(row, false); });
    row.addEventListener("mouseleave", clear);
    row.addEventListener("focus", function () { show(row, true); });
    row.addEventListener("click", function () { show(row, true); });
  });
})();
