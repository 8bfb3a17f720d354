"""Signing in and out, sessions, CSRF, the second factor and throttling, through the web app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyotp
import pytest
from fastapi.testclient import TestClient

from nigehban import Nigehban
from nigehban.auth.accounts import ThrottleConfig
from nigehban.web import WebConfig
from nigehban.web.security import SESSION_COOKIE
from tests.web.conftest import PASSWORD, make_app, sign_in


def test_api_refuses_a_request_without_session_or_token(web: TestClient) -> None:
    response = web.get("/api/incidents")
    assert response.status_code == 401
    assert "sign in" in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_page_without_session_redirects_to_the_sign_in_form(web: TestClient) -> None:
    response = web.get("/incidents?province=KP", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fincidents%3Fprovince%3DKP"


def test_sign_in_through_the_form_then_read_and_sign_out(web: TestClient) -> None:
    form = web.get("/login?next=/incidents")
    assert form.status_code == 200
    token = form.text.split('name="form_token" value="')[1].split('"')[0]
    response = web.post(
        "/login",
        data={"name": "viewer", "password": PASSWORD, "form_token": token, "next": "/incidents"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/incidents"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    page = web.get("/incidents", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'data-testid="incident-table"' in page.text
    csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    # signing out needs the session's CSRF token
    assert web.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False).status_code == 403
    assert web.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert web.get("/api/incidents").status_code == 401


def test_the_sign_in_form_refuses_a_post_from_another_site(web: TestClient) -> None:
    response = web.post("/login", data={"name": "viewer", "password": PASSWORD, "form_token": "x"})
    assert response.status_code == 403
    assert "another site" in response.json()["detail"]


def test_open_redirects_are_refused(web: TestClient) -> None:
    form = web.get("/login")
    token = form.text.split('name="form_token" value="')[1].split('"')[0]
    response = web.post(
        "/login",
        data={"name": "viewer", "password": PASSWORD, "form_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_wrong_password_and_unknown_user_get_the_same_answer(web: TestClient) -> None:
    wrong = web.post("/api/session", json={"name": "viewer", "password": "not the password"})
    unknown = web.post("/api/session", json={"name": "nobody-here", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_forged_and_missing_csrf_tokens_are_refused_and_change_nothing(
    client: Callable[[str], TestClient], world: Nigehban
) -> None:
    analyst = client("analyst")
    incident = analyst.get("/api/incidents?per_page=1").json()["items"][0]
    before = world.incident(incident["id"]).record
    analyst.headers["X-CSRF-Token"] = "forged"
    response = analyst.patch(f"/api/incidents/{incident['id']}", json={"changes": {"killed": 99}, "note": "test"})
    assert response.status_code == 403
    del analyst.headers["X-CSRF-Token"]
    assert (
        analyst.patch(f"/api/incidents/{incident['id']}", json={"changes": {"killed": 99}, "note": "x y"}).status_code
        == 403
    )
    assert world.incident(incident["id"]).record == before


def test_a_forged_session_cookie_is_refused(web: TestClient) -> None:
    web.cookies.set(SESSION_COOKIE, "forged.cookie.value")
    response = web.get("/api/incidents")
    assert response.status_code == 401
    assert "ended" in response.json()["detail"]


def test_an_expired_session_is_refused(world: Nigehban) -> None:
    from nigehban.auth.sessions import SessionConfig

    quick = WebConfig(session=SessionConfig(idle=dt.timedelta(seconds=0)))
    web = sign_in(make_app(world, quick), "viewer")
    response = web.get("/api/incidents")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_api_tokens_authenticate_scripts_and_can_be_revoked(world: Nigehban, web: TestClient) -> None:
    token = world.create_api_token("viewer", label="test script")
    response = web.get("/api/incidents?per_page=2", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 2
    token_id = world.api_tokens("viewer")[-1]["id"]
    world.revoke_api_token(token_id)
    assert web.get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert web.get("/api/incidents", headers={"Authorization": "Basic abc"}).status_code == 401


def test_two_factor_sign_in_and_replay_protection(world: Nigehban) -> None:
    world.create_user("two-factor", role="viewer", password=PASSWORD)
    secret, uri = world.enrol_totp("two-factor")
    assert uri.startswith("otpauth://totp/Nigehban:two-factor")
    web = make_app(world)
    response = web.post("/api/session", json={"name": "two-factor", "password": PASSWORD})
    assert response.json()["verified"] is False
    web.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    # password alone is not enough
    assert web.get("/api/incidents").status_code == 401
    code = pyotp.TOTP(secret).now()
    assert web.post("/api/session/code", json={"code": "000000" if code != "000000" else "111111"}).status_code == 401
    accepted = web.post("/api/session/code", json={"code": code})
    assert accepted.status_code == 200
    web.headers["X-CSRF-Token"] = accepted.json()["csrf_token"]
    assert web.get("/api/incidents").status_code == 200
    # the same code cannot be used again, in this session or another
    again = make_app(world)
    second = again.post("/api/session", json={"name": "two-factor", "password": PASSWORD, "code": code})
    assert second.status_code == 422
    assert "used already" in second.json()["detail"]


def test_failed_sign_ins_are_throttled(world: Nigehban) -> None:
    world.create_user("throttled", role="viewer", password=PASSWORD)
    web = make_app(world)
    for _ in range(5):
        assert web.post("/api/session", json={"name": "throttled", "password": "wrong password"}).status_code == 422
    response = web.post("/api/session", json={"name": "throttled", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 60
    assert "too many failed sign-ins" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/incidents", "/login", "/static/css/app.css"])
def test_security_headers_on_every_response(web: TestClient, path: str) -> None:
    headers = web.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


def test_no_page_has_an_inline_script(client: Callable[[str], TestClient]) -> None:
    admin = client("admin")
    for path in ["/login", "/incidents", "/account"]:
        text = admin.get(path, headers={"Accept": "text/html"}).text
        for chunk in text.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), f"inline script on {path}"
        assert " on" + "click=" not in text


def test_failed_sign_ins_from_one_address_are_throttled(world: Nigehban) -> None:
    strict = make_app(world, WebConfig(throttle=ThrottleConfig(per_account=100, per_address=3)), address="10.1.2.3")
    for name in ("nobody-1", "nobody-2", "nobody-3"):
        assert strict.post("/api/session", json={"name": name, "password": "wrong password"}).status_code == 422
    # a fourth account from the same address is refused before its password is even checked
    assert strict.post("/api/session", json={"name": "viewer", "password": PASSWORD}).status_code == 429
    # other addresses are not affected
    other = make_app(world, WebConfig(throttle=ThrottleConfig(per_account=100, per_address=3)), address="10.1.2.4")
    assert other.post("/api/session", json={"name": "viewer", "password": PASSWORD}).status_code == 200
