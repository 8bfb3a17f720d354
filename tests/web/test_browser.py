"""The dashboard in a real browser (Debian's Chromium through Playwright): sign in, filter and
open incidents, edit one with a reason, on a desktop and a phone-sized screen. Screenshots are
saved as test artefacts (see tests/web/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nigehban import IncidentFilter, Nigehban, Settings
from tests.web.browser import live_server, require_chromium, screenshot_path
from tests.web.conftest import CONFIG, PASSWORD

playwright_api = pytest.importorskip("playwright.sync_api")


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
    with live_server(nigehban, CONFIG) as url:
        yield url, nigehban
    nigehban.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = require_chromium()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def _page(browser: object, *, phone: bool = False) -> object:
    options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True} if phone else {}
    context = browser.new_context(**options)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # a script refused by the content security policy shows up as a console error
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    return page


def _sign_in(page: object, url: str, name: str, *, then: str = "/incidents") -> None:
    page.goto(f"{url}{then}")  # type: ignore[attr-defined]
    assert "/login" in page.url  # type: ignore[attr-defined]
    page.fill("input[name=name]", name)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{url}{then}")  # type: ignore[attr-defined]


def test_sign_in_filter_open_and_edit_an_incident(site: tuple[str, Nigehban], browser: object) -> None:
    url, nigehban = site
    page = _page(browser)
    _sign_in(page, url, "analyst")
    table = page.locator("[data-testid=incident-table] tbody tr")  # type: ignore[attr-defined]
    assert table.count() == 50
    # filter: attacks on police, newest first (htmx swaps the rows in place)
    page.select_option("select[name=target_type]", "police")  # type: ignore[attr-defined]
    page.wait_for_url("**target_type=police**")  # type: ignore[attr-defined]
    expected = nigehban.incident_page(IncidentFilter(target_type="police"), per_page=1).total
    page.wait_for_selector(f"text={expected:,} incidents")  # type: ignore[attr-defined]
    page.screenshot(path=str(screenshot_path("incidents-police")), full_page=True)  # type: ignore[attr-defined]
    first = table.first.locator("a").first
    incident_id = int(first.get_attribute("href").rsplit("/", 1)[1])
    assert nigehban.incident(incident_id).record.target_type == "police"
    first.click()
    page.wait_for_url(f"{url}/incidents/{incident_id}")  # type: ignore[attr-defined]
    # edit with a reason
    page.fill("#f-wounded", "17")  # type: ignore[attr-defined]
    page.fill("input[name=note]", "browser test: corrected from the FIR")  # type: ignore[attr-defined]
    page.click("[data-testid=incident-edit] button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{url}/incidents/{incident_id}?saved=1")  # type: ignore[attr-defined]
    assert page.locator("text=corrected from the FIR").count() >= 1  # type: ignore[attr-defined]
    page.screenshot(path=str(screenshot_path("incident-edited")), full_page=True)  # type: ignore[attr-defined]
    assert nigehban.incident(incident_id).record.wounded == 17
    entry = nigehban.incident(incident_id).history[-1]
    assert (entry["actor"], entry["note"]) == ("analyst", "browser test: corrected from the FIR")
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_viewer_sees_no_edit_form_and_the_api_refuses_the_edit(site: tuple[str, Nigehban], browser: object) -> None:
    url, nigehban = site
    page = _page(browser, phone=True)
    _sign_in(page, url, "viewer")
    incident_id = nigehban.incident_page(per_page=1).items[0].id
    page.goto(f"{url}/incidents/{incident_id}")  # type: ignore[attr-defined]
    assert page.locator("[data-testid=incident-edit]").count() == 0  # type: ignore[attr-defined]
    status = page.evaluate(  # type: ignore[attr-defined]
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
    page.screenshot(path=str(screenshot_path("incident-viewer-phone")), full_page=True)  # type: ignore[attr-defined]
