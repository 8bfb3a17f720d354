"""The web app's settings: a small value object, with defaults fit for a police LAN."""

from __future__ import annotations

import dataclasses

from nigehban.auth.accounts import ThrottleConfig
from nigehban.auth.sessions import SessionConfig

__all__ = ["WebConfig"]


@dataclasses.dataclass(frozen=True, slots=True)
class WebConfig:
    """How the web app behaves.

    Args:
        session: idle timeout and maximum age of a browser session.
        throttle: failed sign-ins allowed per account and per address in a window.
        max_body_bytes: larger request bodies (uploads included) are refused with 413.
        secure_cookies: mark cookies ``Secure`` (only sent over HTTPS). ``None``: when the request
            came over HTTPS. Behind a TLS-terminating proxy, set it to ``True``.
        trust_proxy_headers: take the client address from ``X-Forwarded-For`` (only behind a proxy
            you run; otherwise anyone could pick the address login throttling counts).
        run_jobs: run a job worker (:class:`nigehban.jobs.JobRunner`) while the app is served, so the
            forecasts and backtests asked for from the pages get done. ``nigehban serve`` turns it on
            (``--no-jobs`` leaves the jobs to ``nigehban jobs work``); off by default, for tests and
            apps embedded elsewhere.
    """

    session: SessionConfig = dataclasses.field(default_factory=SessionConfig)
    throttle: ThrottleConfig = dataclasses.field(default_factory=ThrottleConfig)
    max_body_bytes: int = 10 * 1024 * 1024
    secure_cookies: bool | None = None
    trust_proxy_headers: bool = False
    run_jobs: bool = False
