"""The dashboard in a real browser (Debian's Chromium through Playwright): sign in, filter the map
and open a district, open incidents and edit one with a reason, accept a review candidate, fill and
submit an audit on a phone-sized screen, make a forecast and follow its background job. Every page
must load with no script error and nothing refused by the content security policy. Screenshots are
saved as test artefacts (see tests/web/browser.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from nigehban import IncidentFilter, Nigehban, Settings
from tests.web.browser import live_server, require_chromium, screenshot_path
from tests.web.conftest import CONFIG, PASSWORD

playwright_api = pytest.importorskip("playwright.sync_api")
if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Nigehban]]:
    """A live server over a demo world of its own (SQLite), with a user per role."""
    path: Path = tmp_path_factory.mktemp("browser") / "nigehban.db"
    nigehban = Nigehban(Settings(database_url=f"sqlite:///{path}", actor="browser-setup"))
    nigehban.init()
    nigehban.demo()
    nigehban.demo_boundaries()
    for role in ("admin", "analyst", "auditor", "viewer"):
        nigehban.create_user(role, role=role, password=PASSWORD)
    # with the server's job worker, as `nigehban serve` runs it (each job in a child process)
    with live_server(nigehban, dataclasses.replace(CONFIG, run_jobs=True)) as url:
        yield url, nigehban
    nigehban.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_chromium()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


# every page's script errors, and scripts refused by the content security policy (console errors)
ERRORS: dict[int, list[str]] = {}


def _page(browser: Browser, *, phone: bool = False) -> Page:
    if phone:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    else:
        context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # a script refused by the content security policy shows up as a console error
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    ERRORS[id(page)] = errors
    return page


def _sign_in(page: Page, url: str, name: str, *, then: str = "/incidents") -> None:
    page.goto(f"{url}{then}")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{then}")


def test_sign_in_filter_open_and_edit_an_incident(site: tuple[str, Nigehban], browser: Browser) -> None:
    url, nigehban = site
    page = _page(browser)
    _sign_in(page, url, "analyst")
    table = page.locator("[data-testid=incident-table] tbody tr")
    assert table.count() == 50
    # filter: attacks on police, newest first (htmx swaps the rows in place)
    page.select_option("select[name=target_type]", "police")
    page.wait_for_url("**target_type=police**")
    expected = nigehban.incident_page(IncidentFilter(target_type="police"), per_page=1).total
    page.wait_for_selector(f"text={expected:,} incidents")
    page.screenshot(path=str(screenshot_path("incidents-police")), full_page=True)
    first = table.first.locator("a").first
    incident_id = int((first.get_attribute("href") or "").rsplit("/", 1)[1])
    assert nigehban.incident(incident_id).record.target_type == "police"
    first.click()
    page.wait_for_url(f"{url}/incidents/{incident_id}")
    # edit with a reason
    page.fill("#f-wounded", "17")
    page.fill("input[name=note]", "browser test: corrected from the FIR")
    page.click("[data-testid=incident-edit] button[type=submit]")
    page.wait_for_url(f"{url}/incidents/{incident_id}?saved=1")
    assert page.locator("text=corrected from the FIR").count() >= 1
    page.screenshot(path=str(screenshot_path("incident-edited")), full_page=True)
    assert nigehban.incident(incident_id).record.wounded == 17
    entry = nigehban.incident(incident_id).history[-1]
    assert (entry["actor"], entry["note"]) == ("analyst", "browser test: corrected from the FIR")
    assert ERRORS[id(page)] == []


def test_a_viewer_sees_no_edit_form_and_the_api_refuses_the_edit(site: tuple[str, Nigehban], browser: Browser) -> None:
    url, nigehban = site
    page = _page(browser, phone=True)
    _sign_in(page, url, "viewer")
    incident_id = nigehban.incident_page(per_page=1).items[0].id
    page.goto(f"{url}/incidents/{incident_id}")
    assert page.locator("[data-testid=incident-edit]").count() == 0
    status = page.evaluate(
        """async (id) => {
            const token = document.querySelector('meta[name=csrf-token]').content;
            const response = await fetch('/api/incidents/' + id, {method: 'PATCH',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token},
                body: JSON.stringify({changes: {killed: 1000}, note: 'not allowed'})});
            return response.status;
        }""",
        incident_id,
    )
    assert status == 403
    assert nigehban.incident(incident_id).record.killed != 1000
    page.screenshot(path=str(screenshot_path("incident-viewer-phone")), full_page=True)


def test_filter_the_map_and_open_a_district(site: tuple[str, Nigehban], browser: Browser) -> None:
    url, nigehban = site
    page = _page(browser)
    _sign_in(page, url, "viewer", then="/map")
    page.wait_for_selector("[data-testid=map][data-ready=true]")
    shapes = page.locator("[data-testid=district-shape]")
    assert shapes.count() == 50  # the demo's synthetic districts
    cells = page.locator("[data-testid=map-cell]")
    all_cells = sum(int(cell.get_attribute("data-incidents") or 0) for cell in cells.all())
    # filter: TTP in 2023
    form = page.locator("[data-testid=map-filters]")
    form.locator("input[name=since]").fill("2023-01-01")
    form.locator("input[name=until]").fill("2023-12-31")
    form.locator("input[name=group]").fill("TTP")
    loads = int(page.get_attribute("[data-testid=map]", "data-loads") or 0)
    page.click("[data-testid=map-submit]")
    page.wait_for_selector(f"[data-testid=map][data-loads='{loads + 1}'][data-ready=true]")
    filtered = sum(int(cell.get_attribute("data-incidents") or 0) for cell in cells.all())
    expected = [
        incident
        for incident in nigehban.incidents(
            IncidentFilter(since=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31), group="TTP")
        )
        if incident.record.latitude is not None
    ]
    assert 0 < filtered == len(expected) < all_cells
    page.screenshot(path=str(screenshot_path("map-ttp-2023")))
    # open a district from the map
    page.locator('[data-testid=district-shape][data-pcode="DEMO-KP-BANNU"]').dispatch_event("click")
    page.click("[data-testid=district-profile-link]")
    page.wait_for_selector("[data-testid=district-profile]")
    assert "/districts/DEMO-KP-BANNU?since=2023-01-01" in page.url  # the profile keeps the filters
    assert "Bannu" in page.locator("h1").inner_text()
    page.screenshot(path=str(screenshot_path("district-bannu")), full_page=True)
    assert ERRORS[id(page)] == []


def test_accept_a_review_candidate(site: tuple[str, Nigehban], browser: Browser, tmp_path: Path) -> None:
    url, nigehban = site
    feed = tmp_path / "reports.jsonl"
    text = (
        "BANNU: Three policemen were martyred and two others injured when militants attacked a police "
        "check post in Bannu late on Tuesday night, police said. The Tehreek-e-Taliban Pakistan claimed "
        "responsibility."
    )
    feed.write_text(json.dumps({"id": "browser-report-1", "text": text, "published": "2023-03-15"}) + "\n")
    nigehban.extract([feed], into_review=True)
    candidate = next(
        item for item in nigehban.review_list(status=None, limit=None) if item.document_id == "browser-report-1"
    )
    page = _page(browser)
    _sign_in(page, url, "analyst", then="/review")
    page.wait_for_selector("[data-testid=review-list]")
    page.click(f"a[href='/review/{candidate.id}']")
    evidence = page.locator("[data-testid=evidence] mark")
    assert evidence.count() >= 3  # date, place, casualties at least
    page.screenshot(path=str(screenshot_path("review-candidate")), full_page=True)
    page.click("[data-testid=review-accept]")
    page.wait_for_selector("[data-testid=review-result]")
    decided = nigehban.review_show(candidate.id)
    assert decided.status == "accepted"
    assert decided.incident_id is not None
    incident = nigehban.incident(decided.incident_id)
    assert "reports:browser-report-1" in incident.sources
    assert incident.record.killed == 3
    assert ERRORS[id(page)] == []


def test_fill_and_submit_an_audit_on_a_phone(site: tuple[str, Nigehban], browser: Browser) -> None:
    url, nigehban = site
    facility = next(
        item for item in nigehban.facilities() if not nigehban.audits(facility=item.id, status="in_progress")
    )
    page = _page(browser, phone=True)
    _sign_in(page, url, "auditor", then=f"/facilities/{facility.code}")
    page.click("[data-testid=audit-start] button[type=submit]")
    page.wait_for_selector("[data-testid=audit-form]")
    audit_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    items = page.locator("fieldset[data-item]")
    total = items.count()
    assert total == len(nigehban.checklist().items_for(facility.facility_type))
    # answer every item with its first level; each answer is saved as it is chosen
    for index in range(total):
        item = items.nth(index)
        item.locator("input[type=radio]").first.check()
        if index == 0:
            page.screenshot(path=str(screenshot_path("audit-phone-first-answer")))
    page.wait_for_function(
        "n => document.querySelector('[data-testid=audit-progress] [data-answered]').textContent.trim() === String(n)",
        arg=total,
    )
    assert len(nigehban.audit(audit_id).answers) == total  # saved before submitting anything
    page.click("[data-testid=audit-complete]")
    page.wait_for_selector("[data-testid=audit-completed]")
    page.screenshot(path=str(screenshot_path("audit-phone-completed")), full_page=True)
    assert nigehban.audit(audit_id).status == "completed"
    assert ERRORS[id(page)] == []


def test_make_a_forecast_and_follow_its_job_to_the_run(site: tuple[str, Nigehban], browser: Browser) -> None:
    url, nigehban = site
    runs_before = {run.id for run in nigehban.forecast_runs()}
    page = _page(browser)
    _sign_in(page, url, "analyst", then="/forecasts")
    form = page.locator("[data-testid=run-forecast-form]")
    form.locator("input[name=as_of]").fill("2024-12-01")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    job_id = int(page.url.rsplit("/", 1)[1])
    page.screenshot(path=str(screenshot_path("forecast-job-running")), full_page=True)
    # the server's worker does it (the default model and the baselines); the page updates itself
    page.wait_for_selector("[data-testid=job][data-status=done]", timeout=180_000)
    job = nigehban.job(job_id)
    assert job.status == "done", job.error
    assert job.result is not None
    run_id = job.result["run_id"]
    assert run_id not in runs_before
    page.screenshot(path=str(screenshot_path("forecast-job-done")), full_page=True)
    page.click("[data-testid=job-result-link]")
    page.wait_for_url(re.compile(rf"/forecasts\?run={run_id}$"))
    assert f"Run {run_id}: district × month from 2024-12" in page.locator("[data-testid=forecast-run] h2").inner_text()
    assert page.locator("[data-testid=forecast-table] tbody tr").count() == 50  # every demo district
    stored = nigehban.forecast(run_id)
    assert (stored.actor, stored.default_model) == ("analyst", "ensemble")
    assert ERRORS[id(page)] == []
