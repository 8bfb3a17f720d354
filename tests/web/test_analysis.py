"""The analysis pages and their JSON twins: trends, spread, hotspots, their Vega-Lite charts.

The JSON must carry the numbers of the app's own analysis (``app.trends``/``spread``/``hotspots``);
bad parameters are 4xx with a message, never 500. The charts run under the content security policy
without 'unsafe-eval': the pages load scripts from /static only, and the chart specs render in node
with the vendored vega, vega-lite and AST interpreter while ``Function`` and ``eval`` are trapped.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from nigehban import Nigehban
from nigehban.store.queries import IncidentFilter
from nigehban.web.pages import STATIC
from nigehban.web.security import CSP
from tests.web.conftest import PASSWORD, make_app, sign_in

VENDOR = STATIC / "vendor"


def viewer_of(world: Nigehban) -> TestClient:
    return sign_in(make_app(world), "viewer", PASSWORD)


# page structure: scripts from /static only --------------------------------------------------------


class PageAudit(HTMLParser):
    """What a page loads and what the content security policy would refuse in it."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.inline_code: list[str] = []
        self.stylesheets: list[str] = []
        self.refused: list[str] = []
        self.testids: set[str] = set()
        self.chart_sources: dict[str, str] = {}
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on") or name == "style":
                self.refused.append(f"<{tag} {name}=...>")
        if tag == "style":
            self.refused.append("<style> element")
        if tag == "script":
            self.scripts.append(attributes.get("src"))
            self._in_script = True
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")
        testid = attributes.get("data-testid")
        if testid:
            self.testids.add(testid)
            if attributes.get("data-chart-src"):
                self.chart_sources[testid] = attributes["data-chart-src"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_code.append(data.strip()[:80])


def audit(client: TestClient, path: str, *, status: int = 200) -> PageAudit:
    """Fetch a page and check that the policy lets everything on it run: no inline script, handler or
    style, every script and stylesheet from /static (and there), a CSP without 'unsafe-eval'."""
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == status, response.text[:500]
    policy = response.headers["content-security-policy"]
    assert policy == CSP
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy
    assert "unsafe-inline" not in policy
    page = PageAudit()
    page.feed(response.text)
    assert page.inline_code == [], "inline scripts are refused by the policy"
    assert page.refused == [], "inline handlers and styles are refused by the policy"
    assert page.scripts
    assert all(src and src.startswith("/static/") for src in page.scripts), page.scripts
    assert all(href.startswith("/static/") for href in page.stylesheets), page.stylesheets
    for url in [*page.scripts, *page.stylesheets]:
        assert url is not None
        assert client.get(url).status_code == 200, url
    return page


def test_pages_load_only_static_scripts(world: Nigehban) -> None:
    client = viewer_of(world)
    for path in (
        "/analysis",
        "/analysis?freq=month&province=KP",
        "/analysis/spread?group=TTP",
        "/analysis/spread",
        "/analysis/hotspots?permutations=99",
    ):
        page = audit(client, path)
        assert "/static/js/charts.js" in page.scripts
        assert "/static/vendor/vega-interpreter/vega-interpreter.min.js" in page.scripts
    audit(client, "/analysis?province=Narnia", status=422)  # an error shown on the page loads the same


def test_chart_script_uses_the_interpreter_and_no_injected_styles() -> None:
    """vega compiles expressions with new Function() unless told to parse them to syntax trees and
    interpret them; vega-embed and vega-tooltip inject <style> elements unless told not to."""
    script = (STATIC / "js" / "charts.js").read_text()
    for setting in (
        "ast: true",
        "expr: window.vegaInterpreter.expressionInterpreter",
        "defaultStyle: false",
        "disableDefaultStyle: true",
        "editor: false",
    ):
        assert setting in script
    interpreter = (VENDOR / "vega-interpreter" / "vega-interpreter.min.js").read_text()
    assert interpreter.startswith("var vegaInterpreter=")
    assert "Function(" not in interpreter
    for package in ("vega", "vega-lite", "vega-embed", "vega-tooltip", "vega-interpreter"):
        assert (VENDOR / package / "LICENSE").read_text().strip()
    vendored = (Path(__file__).parents[2] / "frontend" / "VENDORED.md").read_text()
    for package in ("vega", "vega-lite", "vega-embed", "vega-interpreter"):
        assert f"| {package} |" in vendored


NODE_HARNESS = r"""
// Render Vega-Lite specs headlessly with the vendored vega, vega-lite and AST interpreter while
// Function() and eval() throw: a chart that needs them would need 'unsafe-eval' in the browser.
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");
const [vendor, specsFile, mode] = process.argv.slice(2);
const calls = [];
const trap = (name) => function () { calls.push(name); throw new Error(name + " called"); };
globalThis.Function = new Proxy(Function, { apply: trap("Function()"), construct: trap("new Function()") });
globalThis.eval = trap("eval()");
for (const file of ["vega/vega.min.js", "vega-lite/vega-lite.min.js", "vega-interpreter/vega-interpreter.min.js"]) {
  vm.runInThisContext(fs.readFileSync(path.join(vendor, file), "utf8"), { filename: file });
}
const interpret = mode !== "compile";  // "compile": vega's default code generation, as a control
(async () => {
  const results = {};
  for (const [name, spec] of Object.entries(JSON.parse(fs.readFileSync(specsFile, "utf8")))) {
    const runtime = vega.parse(vegaLite.compile(spec).spec, null, { ast: interpret });
    const view = new vega.View(runtime, interpret ? { renderer: "none", expr: vegaInterpreter.expressionInterpreter }
                                                  : { renderer: "none" });
    await view.runAsync();
    const svg = await view.toSVG();
    results[name] = (svg.match(/<path|<rect|<line|<text/g) || []).length;
    view.finalize();
  }
  process.stdout.write(JSON.stringify({ calls, results }));
})().catch((error) => { process.stdout.write(JSON.stringify({ calls, error: String(error) })); });
"""


def render_without_eval(specs: dict[str, dict[str, Any]], tmp_path: Path, *, mode: str = "interpret") -> dict[str, Any]:
    """Render ``specs`` in node as the browser does (see :data:`NODE_HARNESS`); skips without node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the headless chart check needs it")
    harness = tmp_path / "harness.js"
    harness.write_text(NODE_HARNESS)
    specs_file = tmp_path / "specs.json"
    specs_file.write_text(json.dumps(specs))
    completed = subprocess.run(
        [node, str(harness), str(VENDOR), str(specs_file), mode], capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def test_charts_render_without_eval(world: Nigehban, tmp_path: Path) -> None:
    client = viewer_of(world)
    specs = {}
    for name, url in (
        ("trends", "/api/analysis/trends/chart?freq=quarter"),
        ("spread", "/api/analysis/spread/chart?group=TTP"),
        ("hotspots", "/api/analysis/hotspots/chart?permutations=99"),
    ):
        response = client.get(url)
        assert response.status_code == 200, response.text
        spec = response.json()
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
        assert '"url"' not in response.text  # data inline: nothing fetched, nothing parsed as CSV
        specs[name] = spec
    rendered = render_without_eval(specs, tmp_path)
    assert rendered["calls"] == [], rendered
    assert "error" not in rendered, rendered
    assert all(marks > 20 for marks in rendered["results"].values()), rendered
    # the control: vega's own code generation would need Function() (so the trap works)
    control = render_without_eval({"trends": specs["trends"]}, tmp_path, mode="compile")
    assert control["calls"]
    assert "error" in control


# trends ------------------------------------------------------------------------------------------


def test_trends_json_matches_the_app(world: Nigehban) -> None:
    client = viewer_of(world)
    response = client.get("/api/analysis/trends", params={"freq": "quarter", "province": "KP"})
    assert response.status_code == 200, response.text
    data = response.json()
    expected = world.trends(IncidentFilter(province="KP"), freq="quarter")
    assert data["periods"] == json.loads(json.dumps(expected.as_json_dict()["periods"]))
    frame = expected.frame
    assert data["totals"]["attacks"] == int(frame["attacks"].sum())
    assert data["totals"]["security_share"] == pytest.approx(frame["security_attacks"].sum() / frame["attacks"].sum())
    reported = frame["lethality_n"].sum()
    assert data["totals"]["lethality"] == pytest.approx(
        (frame["lethality"].fillna(0) * frame["lethality_n"]).sum() / reported
    )
    assert data["filter"] == "province=Khyber Pakhtunkhwa"
    assert data["query"] == {"province": "KP"}
    assert {"period", "attacks", "killed", "wounded", "lethality", "security_share", "security_lethality"} <= set(
        data["periods"][0]
    )


def test_trends_page_shows_the_numbers_and_links_its_chart(world: Nigehban) -> None:
    client = viewer_of(world)
    page = audit(client, "/analysis?freq=year&target_type=police")
    assert page.chart_sources["trend-chart"] == "/api/analysis/trends/chart?freq=year&target_type=police"
    assert {"trend-chart", "trend-table"} <= page.testids
    html = client.get("/analysis?freq=year&target_type=police").text
    attacks = world.trends(IncidentFilter(target_type="police"), freq="year").frame["attacks"]
    assert f"{int(attacks.sum()):,}" in html
    assert f'<td class="num">{int(attacks.iloc[0]):,}</td>' in html


def test_trend_chart_has_the_periods_of_the_data(world: Nigehban) -> None:
    client = viewer_of(world)
    spec = client.get("/api/analysis/trends/chart", params={"freq": "year"}).json()
    assert len(spec["vconcat"]) == 3  # counts, share of attacks on police, lethality
    counts = spec["datasets"][spec["vconcat"][0]["data"]["name"]]
    attacks = {row["start"][:4]: row["value"] for row in counts if row["measure"] == "attacks"}
    expected = world.trends(freq="year").frame
    assert attacks == {str(row.period): row.attacks for row in expected.itertuples()}


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"freq": "week"}, 422, "freq"),
        ({"province": "Narnia"}, 422, "Narnia"),
        ({"since": "2023-05-01", "until": "2023-01-01"}, 422, "after until"),
        ({"since": "2023-13-01"}, 422, "since"),
        ({"since": "1990-01-01", "until": "1990-12-31"}, 400, "no incidents match"),
        ({"target_type": "aliens"}, 422, "aliens"),
        ({"since": "0001-01-01"}, 422, "outside 1900 to 2099"),
        ({"until": "9999-12-31", "freq": "month"}, 422, "outside 1900 to 2099"),
        ({"suicide": "perhaps"}, 422, "suicide"),
    ],
)
def test_trends_bad_parameters_are_4xx_with_a_message(
    world: Nigehban, params: dict[str, str], status: int, words: str
) -> None:
    client = viewer_of(world)
    for path in ("/api/analysis/trends", "/api/analysis/trends/chart"):
        response = client.get(path, params=params)
        assert response.status_code == status, response.text
        assert words in response.json()["detail"]
    page = client.get("/analysis", params=params, headers={"Accept": "text/html"})
    assert page.status_code == status
    assert words in page.text


def test_incomplete_last_period_is_pointed_out(world: Nigehban) -> None:
    last = world.summary().last_date
    assert last is not None
    assert last.month < 11  # the demo world's data stop early in their last year
    client = viewer_of(world)
    data = client.get("/api/analysis/trends", params={"freq": "year"}).json()
    assert data["periods"][-1]["period"] == str(last.year)
    assert len(data["notes"]) == 1
    assert str(last) in data["notes"][0]
    assert f"{last.year - 1}-12-31" in data["notes"][0]
    month_before = (last.replace(day=1) - dt.timedelta(days=1)).isoformat()
    complete = client.get("/api/analysis/trends", params={"freq": "month", "until": month_before}).json()
    assert complete["periods"][-1]["period"] == month_before[:7]
    assert complete["notes"] == []
    html = client.get("/analysis?freq=year").text
    assert 'data-testid="analysis-note"' in html


def test_analysis_needs_a_signed_in_reader(world: Nigehban, web: TestClient) -> None:
    assert web.get("/api/analysis/trends").status_code == 401
    assert web.get("/api/analysis/spread/chart", params={"group": "TTP"}).status_code == 401
    page = web.get("/analysis", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


# spread ------------------------------------------------------------------------------------------


def test_spread_json_matches_the_app(world: Nigehban) -> None:
    client = viewer_of(world)
    response = client.get("/api/analysis/spread", params={"group": "TTP", "province": "KP"})
    assert response.status_code == 200, response.text
    data = response.json()
    expected = world.spread("TTP", filter=IncidentFilter(province="KP")).as_json_dict()
    assert data["group"] == "Tehrik-i-Taliban Pakistan"
    assert data["years"] == json.loads(json.dumps(expected["years"]))
    assert data["first_year"] == data["years"][0]["year"]
    assert data["last_year"] == data["years"][-1]["year"]


@pytest.mark.parametrize(
    ("params", "words"),
    [({}, "group"), ({"group": ""}, "group"), ({"group": "Nobody Front"}, "Nobody Front"), ({"freq": "x"}, "group")],
)
def test_spread_without_a_known_group_is_422(world: Nigehban, params: dict[str, str], words: str) -> None:
    client = viewer_of(world)
    for path in ("/api/analysis/spread", "/api/analysis/spread/chart"):
        response = client.get(path, params=params)
        assert response.status_code == 422, response.text
        assert words in response.json()["detail"]
    if params.get("group"):
        page = client.get("/analysis/spread", params=params, headers={"Accept": "text/html"})
        assert page.status_code == 422
        assert words in page.text
    else:  # the page asks for a group
        page = client.get("/analysis/spread", params=params, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "Name a group" in page.text


def test_spread_lists_the_districts_reached_for_the_slider(world: Nigehban) -> None:
    client = viewer_of(world)
    data = client.get("/api/analysis/spread", params={"group": "TTP"}).json()
    result = world.spread("TTP")
    assert [row["district_pcode"] for row in data["districts"]] == list(result.new_districts["district_pcode"])
    for row in data["districts"]:
        assert row["active_years"][0] == row["year"]  # active first in the year it is reached
        assert row["district_pcode"] in result.active_districts[row["year"]]
    by_year = [sum(1 for row in data["districts"] if row["year"] <= year["year"]) for year in data["years"]]
    assert by_year == [year["cumulative_districts"] for year in data["years"]]

    page = audit(client, "/analysis/spread?group=TTP")
    assert {"spread-chart", "spread-slider", "spread-districts", "spread-table"} <= page.testids
    html = client.get("/analysis/spread?group=TTP").text
    assert f'min="{data["first_year"]}" max="{data["last_year"]}"' in html
    assert html.count("<li data-first=") == len(data["districts"])
    first = data["districts"][0]
    assert f'<li data-first="{first["year"]}" data-active="{" ".join(map(str, first["active_years"]))}">' in html


# hotspots ----------------------------------------------------------------------------------------


def test_hotspots_without_boundaries_say_what_to_import(app: Nigehban) -> None:
    app.create_user("viewer", role="viewer", password=PASSWORD)
    client = viewer_of(app)
    response = client.get("/api/analysis/hotspots")
    assert response.status_code == 400
    assert "nigehban geo import-boundaries" in response.json()["detail"]
    page = client.get("/analysis/hotspots", headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert "nigehban geo import-boundaries" in page.text
    assert 'data-testid="hotspot-table"' not in page.text
    empty = client.get("/api/analysis/trends")
    assert empty.status_code == 400
    assert "no incidents match" in empty.json()["detail"]


def test_hotspots_json_matches_the_app(world: Nigehban) -> None:
    client = viewer_of(world)
    params = {"freq": "quarter", "permutations": "99", "alpha": "0.05"}
    response = client.get("/api/analysis/hotspots", params=params)
    assert response.status_code == 200, response.text
    data = response.json()
    expected = world.hotspots(freq="quarter", permutations=99, alpha=0.05)
    ever_hot = expected.districts[expected.districts["category"] != "not_hot"]
    assert [(row["district_pcode"], row["category"]) for row in data["districts"]] == list(
        zip(ever_hot["district_pcode"], ever_hot["category"], strict=True)
    )
    latest = expected.periods[-1]
    assert data["latest_period"] == latest
    last = expected.cells[expected.cells["period"] == latest].set_index("district_pcode")
    for row in data["districts"]:
        assert row["latest_count"] == last.loc[row["district_pcode"], "count"]
        assert row["latest_hot"] == bool(last.loc[row["district_pcode"], "hot"])
        assert row["latest_cold"] == bool(last.loc[row["district_pcode"], "cold"])
    assert sum(data["categories"].values()) == len(expected.districts)
    assert data["periods"][-1]["hot"] == expected.hot(latest)

    page = audit(client, "/analysis/hotspots?freq=quarter&permutations=99")
    assert {"hotspot-table", "hotspot-chart"} <= page.testids
    html = client.get("/analysis/hotspots?freq=quarter&permutations=99").text
    for row in data["districts"]:
        assert f'{escape(row["district"])} <span class="small">{row["district_pcode"]}</span>' in html


def test_the_hotspot_map_colours_every_district_by_its_category(world: Nigehban) -> None:
    client = viewer_of(world)
    params = {"freq": "quarter", "permutations": "99", "alpha": "0.05"}
    spec = client.get("/api/analysis/hotspots/map", params=params)
    assert spec.status_code == 200, spec.text
    data = spec.json()
    assert data["mark"]["type"] == "geoshape"
    features = data["data"]["values"]
    expected = world.hotspots(freq="quarter", permutations=99, alpha=0.05)
    categories = dict(zip(expected.districts["district_pcode"], expected.districts["category"], strict=True))
    assert len(features) == 50  # every district of the demo's synthetic set is drawn
    for feature in features:
        properties = feature["properties"]
        assert properties["category"] == categories.get(properties["pcode"], "not_hot").replace("_", " ")
    assert any(feature["properties"]["category"] != "not hot" for feature in features)
    page = client.get("/analysis/hotspots", params=params, headers={"Accept": "text/html"})
    assert 'data-testid="hotspot-map"' in page.text


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"alpha": "0.5"}, "alpha"),
        ({"alpha": "zero"}, "alpha"),
        ({"permutations": "5"}, "permutations"),
        ({"permutations": "1000"}, "permutations"),
        ({"freq": "decade"}, "freq"),
    ],
)
def test_hotspots_bad_parameters_are_422(world: Nigehban, params: dict[str, str], words: str) -> None:
    client = viewer_of(world)
    response = client.get("/api/analysis/hotspots", params=params)
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_results_are_reused_until_the_data_change(app: Nigehban, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page and its chart compute once; an edit to an incident makes the next request compute again."""
    app.demo(start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    app.create_user("analyst", role="analyst", password=PASSWORD)
    calls = []
    trends = app.trends

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return trends(*args, **kwargs)

    monkeypatch.setattr(app, "trends", counted)
    client = sign_in(make_app(app), "analyst", PASSWORD)
    first = client.get("/api/analysis/trends", params={"freq": "month"}).json()
    assert client.get("/api/analysis/trends/chart", params={"freq": "month"}).status_code == 200
    assert client.get("/analysis", params={"freq": "month"}).status_code == 200
    assert len(calls) == 1

    target_id = next(
        incident.id
        for incident in app.incidents()
        if incident.record.target_type not in {"police", "military"} and incident.record.date is not None
    )
    response = client.patch(
        f"/api/incidents/{target_id}", json={"changes": {"target_type": "police"}, "note": "a police post, per FIR"}
    )
    assert response.status_code == 200, response.text
    second = client.get("/api/analysis/trends", params={"freq": "month"}).json()
    assert len(calls) == 2
    assert second["totals"]["attacks"] == first["totals"]["attacks"]
    assert second["totals"]["security_attacks"] == first["totals"]["security_attacks"] + 1
