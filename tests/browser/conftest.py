"""Real-browser fixtures: headless Chromium driven by Playwright against the live server.

Every page a test looks at goes through `Browser.check()`, which asserts two things:
the page asked nothing of any host but the live server, and axe finds no WCAG 2.2 A/AA
violation. Failures print enough to act on without re-running anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect, sync_playwright

# Playwright's sync API keeps an asyncio loop running in the test thread; Django would
# otherwise refuse ORM calls made from it (creating data, counting units).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
}
# Schemes that never leave the browser, so they are not requests to another host.
LOCAL_SCHEMES = {"data", "blob", "about"}

expect.set_options(timeout=5_000)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        reason = f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
        if _in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure, not a skip.", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Browser:
    """One browser context for one test: its page, its network log and page checks."""

    def __init__(self, browser, base_url: str, viewport: dict | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = urlsplit(self.base_url)
        self.requests: list[str] = []
        self.csp_reports: list[str] = []
        self.context = browser.new_context(
            base_url=self.base_url,
            viewport=viewport or {"width": 1280, "height": 800},
            locale="en-GB",
            timezone_id="Europe/London",
            service_workers="block",
        )
        self.context.set_default_timeout(10_000)
        # Context-level, so pop-ups and any other page of the context are covered too.
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_reports.append(message.text)

    # Navigation -------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def goto(self, path: str, status: int | None = 200):
        response = self.page.goto(path)
        assert response is not None, f"no response for {path}"
        if status is not None:
            assert response.status == status, f"GET {path}: HTTP {response.status}"
        return response

    def submit(self, locator) -> None:
        """Click a submit button and wait until the page it leads to has loaded."""
        with self.page.expect_navigation():
            locator.click()

    def log_in(self, email: str, password: str, *, expect_logged_in: bool = True) -> None:
        """Through the real login form, as a person would. With `expect_logged_in`, waits
        for the Log out button (pass False when a second step, such as a code, follows)."""
        page = self.page
        self.goto("/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        self.submit(page.get_by_role("button", name="Log in", exact=True))
        if expect_logged_in:
            expect(page.get_by_role("button", name="Log out")).to_be_visible()

    def login_as(self, user) -> None:
        """Skip the login form: give the browser a session made by Django's test client."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": self.base_url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    # Checks -----------------------------------------------------------------------------

    def foreign_requests(self) -> list[str]:
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if (parts.scheme, parts.netloc) != (self.origin.scheme, self.origin.netloc):
                foreign.append(url)
        return foreign

    def assert_only_local_requests(self) -> None:
        foreign = self.foreign_requests()
        assert not foreign, (
            f"requests to hosts other than the live server {self.base_url}:\n  "
            + "\n  ".join(foreign)
        )

    def assert_no_csp_violations(self) -> None:
        assert not self.csp_reports, "Content-Security-Policy violations:\n  " + "\n  ".join(
            self.csp_reports
        )

    def assert_accessible(self) -> None:
        page = self.page
        # page.evaluate runs over the DevTools protocol, so the app's strict CSP (no inline
        # script) does not block it and need not be weakened for the test.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SCRIPT)
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        violations = results["violations"]
        if violations:
            report = format_violations(page.url, violations)
            print(report)
            pytest.fail(report, pytrace=False)

    def check(self) -> None:
        """Everything every page must satisfy; call it on each page a test reaches."""
        self.page.wait_for_load_state("load")
        self.assert_only_local_requests()
        self.assert_no_csp_violations()
        self.assert_accessible()

    def close(self) -> None:
        self.context.close()


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.2 A/AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}")
        lines.append(f"  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    target: {node['target']}")
            lines.append(f"      html: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n        ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def open_browser(browser, live_server, transactional_db):
    """Factory for browser contexts on the live server; each is checked and closed after."""
    opened: list[Browser] = []

    def make(viewport: dict | None = None) -> Browser:
        b = Browser(browser, live_server.url, viewport)
        opened.append(b)
        return b

    yield make
    try:
        for b in opened:
            # A last sweep: even requests made after a test's final check count.
            b.assert_only_local_requests()
    finally:
        for b in opened:
            b.close()


@pytest.fixture
def web(open_browser) -> Browser:
    """A desktop-sized browser context on the live server."""
    return open_browser()


@pytest.fixture
def screenshot_dir() -> Path | None:
    """Where to save the README screenshot, only when ECHOORG_SCREENSHOT=1."""
    if os.environ.get("ECHOORG_SCREENSHOT") != "1":
        return None
    docs = Path(__file__).resolve().parents[2] / "docs"
    docs.mkdir(exist_ok=True)
    return docs
