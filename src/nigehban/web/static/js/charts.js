// Charts: every element with data-chart-src="/api/..." gets the Vega-Lite spec from that URL and is
// drawn with vega-embed.
//
// The content security policy has no 'unsafe-eval', so vega must not compile expressions with
// new Function(): `ast: true` makes vega parse them to syntax trees, and `expr` hands those to the
// vendored AST interpreter (tests/web/test_analysis.py renders every chart in node with Function
// and eval trapped). vega-embed and vega-tooltip would inject <style> elements, which the policy
// refuses: their styles are vendored as files (defaultStyle: false, disableDefaultStyle: true), and
// forceActionsMenu keeps the "..." menu that defaultStyle would otherwise bring. The menu offers only
// the PNG/SVG export: no source view and no online editor, so nothing leaves the machine. The canvas
// renderer draws without setting style attributes.
//
// For tests and other scripts: data-chart-state="loading" | "ready" | "error" on the element, and
// window.nigehbanCharts.render(element[, url]) draws (or redraws) one chart.
(function () {
  "use strict";

  function options(element) {
    return {
      mode: "vega-lite",
      renderer: "canvas",
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
      actions: { export: true, source: false, compiled: false, editor: false },
      forceActionsMenu: true, // the "..." menu; without defaultStyle vega-embed would list the links openly
      downloadFileName: element.getAttribute("data-chart-name") || "nigehban-chart"
    };
  }

  function fail(element, message) {
    element.setAttribute("data-chart-state", "error");
    element.textContent = "";
    var note = document.createElement("p");
    note.className = "alert";
    note.setAttribute("role", "alert");
    note.textContent = message;
    element.appendChild(note);
  }

  function fetchSpec(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          throw new Error((body && body.detail) || "The chart could not be loaded (" + response.status + ").");
        }
        return body;
      });
    });
  }

  // Draw the chart of `element` from its data-chart-src (or `url`, which then becomes its source).
  function render(element, url) {
    if (url) { element.setAttribute("data-chart-src", url); }
    var source = element.getAttribute("data-chart-src");
    if (!source) { return Promise.resolve(null); }
    if (element.nigehbanView) { element.nigehbanView.finalize(); element.nigehbanView = null; }
    element.setAttribute("data-chart-state", "loading");
    element.setAttribute("aria-busy", "true");
    if (typeof window.vegaEmbed !== "function" || !window.vegaInterpreter) {
      fail(element, "The chart library did not load; the table below has the same numbers.");
      element.removeAttribute("aria-busy");
      return Promise.resolve(null);
    }
    return fetchSpec(source)
      .then(function (spec) { return window.vegaEmbed(element, spec, options(element)); })
      .then(function (result) {
        element.nigehbanView = result.view;
        element.setAttribute("data-chart-state", "ready");
        return result.view;
      })
      .catch(function (error) {
        fail(element, error && error.message ? error.message : String(error));
        return null;
      })
      .then(function (view) {
        element.removeAttribute("aria-busy");
        return view;
      });
  }

  window.nigehbanCharts = { render: render };

  var charts = document.querySelectorAll("[data-chart-src]");
  for (var i = 0; i < charts.length; i += 1) { render(charts[i]); }
})();
