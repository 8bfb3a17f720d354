// The map page: districts as a choropleth and incidents as H3 cells, from the JSON API.
// No basemap tiles (the map works offline); no inline scripts or style attributes (the content
// security policy forbids them): the page marks elements with data-* attributes and this file
// wires them up. Text from the server is only ever set with textContent, never as HTML.
(function () {
  "use strict";

  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") { return; }

  var form = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var legend = document.getElementById("map-legend");
  var panel = document.getElementById("district-panel");
  var metricSelect = form ? form.querySelector('select[name="metric"]') : null;
  var hasBoundaries = element.dataset.hasBoundaries === "true";
  var PALETTE = ["#f4f6f8", "#fde8c8", "#f9c58d", "#f39c5a", "#de6b35", "#b8411f"];
  var METRIC_LABELS = { incidents: "incidents", killed: "killed", risk: "p(attack)" };

  var map = L.map(element, { attributionControl: false, minZoom: 4, maxZoom: 15, zoomSnap: 1 });
  map.setView([30.2, 69.3], 5);
  var districtLayer = null;
  var cellLayer = L.layerGroup().addTo(map);
  var districtValues = {};
  var districtClasses = [];
  var metric = element.dataset.metric || "incidents";
  var pointsRequest = 0;
  var lastPointsKey = "";
  var fitted = false;
  var messages = { points: "", districts: "" };

  function filterParams() {
    var params = new URLSearchParams();
    if (!form) { return params; }
    ["since", "until", "group", "target_type", "attack_type"].forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && input.value && input.value.trim()) { params.set(name, input.value.trim()); }
    });
    return params;
  }

  function number(value, digits) {
    if (value === null || value === undefined) { return "–"; }
    return Number(value).toLocaleString("en", { maximumFractionDigits: digits || 0 });
  }

  function showStatus() {
    status.classList.remove("alert");
    status.textContent = [messages.points, messages.districts].filter(Boolean).join(" ");
  }

  function showError(message) {
    status.classList.add("alert");
    status.textContent = message;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          throw new Error((body && body.detail) || ("The request failed (" + response.status + ")."));
        }
        return body;
      });
    });
  }

  // districts ---------------------------------------------------------------------------------

  function classOf(value) {
    if (value === null || value === undefined || !districtClasses.length) { return 0; }
    if (metric !== "risk" && value <= 0) { return 0; }
    for (var i = 0; i < districtClasses.length; i += 1) {
      if (value <= districtClasses[i]) { return Math.min(i + 1, PALETTE.length - 1); }
    }
    return PALETTE.length - 1;
  }

  function districtStyle(feature) {
    var values = districtValues[feature.id] || {};
    return {
      color: "#51606e", weight: 0.8, opacity: 0.9, fillOpacity: 0.85,
      fillColor: PALETTE[classOf(values[metric])], className: "district"
    };
  }

  function tooltipFor(feature) {
    var values = districtValues[feature.id] || {};
    var tip = document.createElement("span");
    var name = document.createElement("strong");
    name.textContent = feature.properties.name;
    tip.appendChild(name);
    var value = values[metric];
    var text = metric === "risk"
      ? (value === undefined || value === null ? "no forecast" : "p(attack) " + number(value, 2))
      : number(value || 0) + " " + METRIC_LABELS[metric];
    tip.appendChild(document.createTextNode(" · " + text));
    return tip;
  }

  function drawLegend() {
    legend.textContent = "";
    if (districtLayer && districtClasses.length) {
      var title = document.createElement("span");
      title.textContent = "Districts by " + METRIC_LABELS[metric] + ":";
      legend.appendChild(title);
      var lower = metric === "risk" ? 0 : 1;
      districtClasses.forEach(function (upper, index) {
        var item = document.createElement("span");
        var swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.backgroundColor = PALETTE[Math.min(index + 1, PALETTE.length - 1)];
        item.appendChild(swatch);
        var digits = metric === "risk" ? 2 : 0;
        item.appendChild(document.createTextNode(number(lower, digits) + "–" + number(upper, digits)));
        legend.appendChild(item);
        lower = metric === "risk" ? upper : Math.floor(upper) + 1;
      });
      if (metric !== "risk") {
        var none = document.createElement("span");
        var blank = document.createElement("span");
        blank.className = "swatch";
        blank.style.backgroundColor = PALETTE[0];
        none.appendChild(blank);
        none.appendChild(document.createTextNode("none"));
        legend.appendChild(none);
      }
    }
    var cells = document.createElement("span");
    var dot = document.createElement("span");
    dot.className = "dot";
    cells.appendChild(dot);
    cells.appendChild(document.createTextNode("incidents per H3 cell (size: count; click to zoom in)"));
    legend.appendChild(cells);
  }

  function loadDistricts(withGeometry) {
    if (!hasBoundaries) {
      messages.districts = "No district boundaries are stored: only incidents are drawn.";
      drawLegend();
      showStatus();
      return Promise.resolve();
    }
    var params = filterParams();
    params.set("metric", metric);
    params.set("geometry", withGeometry ? "true" : "false");
    return getJSON(element.dataset.districtsUrl + "?" + params.toString()).then(function (data) {
      districtValues = data.values || {};
      districtClasses = data.classes || [];
      if (withGeometry && data.geojson) {
        if (districtLayer) { districtLayer.remove(); }
        districtLayer = L.geoJSON(data.geojson, {
          style: districtStyle,
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(function () { return tooltipFor(feature); }, { sticky: true, className: "district-tip" });
            layer.on("click", function () { openPanel(feature.id); });
            layer.on("add", function () {
              // hooks for keyboards, screen readers and browser tests: the path is a button
              var path = layer.getElement();
              if (!path) { return; }
              path.setAttribute("data-testid", "district-shape");
              path.setAttribute("data-pcode", feature.id);
              path.setAttribute("role", "button");
              path.setAttribute("tabindex", "0");
              path.setAttribute("aria-label", feature.properties.name + ": open its summary");
              path.addEventListener("keydown", function (event) {
                if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openPanel(feature.id); }
              });
            });
          }
        }).addTo(map);
        districtLayer.bringToBack();
        if (!fitted && districtLayer.getBounds().isValid()) {
          map.fitBounds(districtLayer.getBounds(), { padding: [8, 8], animate: false });
          fitted = true;
        }
      } else if (districtLayer) {
        districtLayer.setStyle(districtStyle);
      }
      messages.districts = data.outside_districts
        ? number(data.outside_districts) + " matching incidents carry a district code not among the current boundaries."
        : "";
      drawLegend();
      showStatus();
    });
  }

  // cells -------------------------------------------------------------------------------------

  function pointsParams() {
    var params = filterParams();
    var zoom = map.getZoom();
    params.set("zoom", String(zoom));
    if (zoom >= 9) {  // fine cells: only those in view
      var b = map.getBounds().pad(0.25);
      var clamp = function (value, low, high) { return Math.max(low, Math.min(high, value)); };
      params.set("bbox", [
        clamp(b.getWest(), -180, 179.9).toFixed(3), clamp(b.getSouth(), -90, 89.9).toFixed(3),
        clamp(b.getEast(), -179.9, 180).toFixed(3), clamp(b.getNorth(), -89.9, 90).toFixed(3)
      ].join(","));
    }
    return params;
  }

  function radius(count, largest) {
    return Math.max(4, Math.min(28, 28 * Math.sqrt(count / Math.max(1, largest))));
  }

  function loadPoints(force) {
    var params = pointsParams();
    var key = params.toString();
    if (!force && key === lastPointsKey) { return Promise.resolve(); }
    lastPointsKey = key;
    var request = ++pointsRequest;
    return getJSON(element.dataset.pointsUrl + "?" + key).then(function (data) {
      if (request !== pointsRequest) { return; }  // a newer request has been made meanwhile
      cellLayer.clearLayers();
      var largest = data.cells.length ? data.cells[0].incidents : 1;
      var bounds = [];
      data.cells.forEach(function (cell) {
        var marker = L.circleMarker([cell.latitude, cell.longitude], {
          radius: radius(cell.incidents, largest), color: "#7a1010", weight: 1,
          fillColor: "#a61b1b", fillOpacity: 0.55, className: "cell"
        });
        var tip = document.createElement("span");
        tip.textContent = number(cell.incidents) + " incidents, " + number(cell.killed) + " killed";
        marker.bindTooltip(tip);
        marker.on("click", function () { map.setView([cell.latitude, cell.longitude], Math.min(map.getZoom() + 2, 15)); });
        marker.addTo(cellLayer);
        var circle = marker.getElement();
        if (circle) {
          circle.setAttribute("data-testid", "map-cell");
          circle.setAttribute("data-incidents", String(cell.incidents));
        }
        bounds.push([cell.latitude, cell.longitude]);
      });
      if (!fitted && !hasBoundaries && bounds.length) {
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 8, animate: false });
        fitted = true;
      }
      var text = number(data.incidents) + " incidents drawn in " + number(data.cells.length) +
        " H3 cells (resolution " + data.resolution + (data.bbox ? ", in view" : "") + ")";
      if (data.unplaced) { text += "; " + number(data.unplaced) + " more match but have no precise location"; }
      text += ".";
      if (!data.cells.length && !data.unplaced) { text = "No incidents match these filters."; }
      messages.points = text;
      showStatus();
    });
  }

  // the district panel ------------------------------------------------------------------------

  function field(name) { return panel.querySelector('[data-field="' + name + '"]'); }

  function openPanel(pcode) {
    if (!panel) { window.location.href = "/districts/" + encodeURIComponent(pcode); return; }
    var params = filterParams();
    var query = params.toString();
    var profile = "/districts/" + encodeURIComponent(pcode) + (query ? "?" + query : "");
    panel.hidden = false;
    panel.dataset.pcode = pcode;
    field("name").textContent = "Loading…";
    field("province").textContent = "";
    field("counts").textContent = "";
    field("forecast").textContent = "";
    field("link").setAttribute("href", profile);
    map.invalidateSize();
    getJSON(element.dataset.districtUrl + encodeURIComponent(pcode) + (query ? "?" + query : "")).then(function (data) {
      if (panel.dataset.pcode !== pcode) { return; }
      field("name").textContent = data.district.name;
      field("province").textContent = [data.district.pcode, data.district.province].filter(Boolean).join(" · ");
      var counts = field("counts");
      var totals = data.totals;
      [["Incidents", number(totals.incidents)], ["Killed", number(totals.killed)], ["Wounded", number(totals.wounded)],
        ["Attacks on police", number(totals.police_attacks)],
        ["Dates", totals.first_date ? totals.first_date + " to " + totals.last_date : "none"],
        ["Most active group", data.groups.length ? data.groups[0].key : "–"]].forEach(function (pair) {
        var term = document.createElement("dt");
        term.textContent = pair[0];
        var value = document.createElement("dd");
        value.textContent = pair[1];
        counts.appendChild(term);
        counts.appendChild(value);
      });
      field("forecast").textContent = data.forecast.available
        ? "Forecast: p(attack) " + number(data.forecast.p_attack, 2) + " in " + data.forecast.period
        : "Forecast: " + data.forecast.note + ".";
    }).catch(function (error) { field("name").textContent = error.message; });
  }

  if (panel) {
    panel.querySelector('[data-action="close-panel"]').addEventListener("click", function () {
      panel.hidden = true;
      delete panel.dataset.pcode;
      map.invalidateSize();
    });
  }

  // wiring ------------------------------------------------------------------------------------

  function refresh(withGeometry) {
    // districts first: their first load fits the map, and the cells follow the zoom it sets
    return loadDistricts(withGeometry).then(function () { return loadPoints(true); }).catch(function (error) {
      showError(error.message);
    });
  }

  // data-loads counts the loads finished: a test waits for the next one (a fast load may flip
  // data-ready to false and back before anything sees it)
  function loaded() {
    element.dataset.loads = String(Number(element.dataset.loads || "0") + 1);
    element.dataset.ready = "true";
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (metricSelect && metricSelect.value && !metricSelect.selectedOptions[0].disabled) { metric = metricSelect.value; }
      var params = filterParams();
      params.set("metric", metric);
      window.history.replaceState(null, "", "/map?" + params.toString());
      // data-ready says when the map shows what the filters ask for (tests and benchmarks wait on it)
      element.dataset.ready = "false";
      refresh(false).then(loaded);
    });
  }
  if (metricSelect) {
    metricSelect.addEventListener("change", function () {
      if (metricSelect.selectedOptions[0].disabled) { return; }
      metric = metricSelect.value;
      loadDistricts(false).catch(function (error) { showError(error.message); });
    });
  }

  var moveTimer = null;
  map.on("moveend", function () {
    window.clearTimeout(moveTimer);
    moveTimer = window.setTimeout(function () {
      loadPoints(false).catch(function (error) { showError(error.message); });
    }, 150);
  });

  refresh(true).then(loaded);
})();
