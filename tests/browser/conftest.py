"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never a downloaded browser build: `make browser-deps` apt-installs `chromium`, and the launch
arguments below point Playwright at it. Every page a test opens is watched for console errors,
uncaught exceptions, failed requests, HTTP errors and Content-Security-Policy violations; any of
those fails the test.

Screenshots: `SCREENSHOTS=1 pytest tests/browser` rewrites the PNGs in tests/browser/screenshots/
(they are committed, so a reviewer can look without running anything; CI leaves them alone).
"""

import io
import os
import sqlite3
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from . import content

CHROMIUM = Path("/usr/bin/chromium")
CURATED_FIXTURE = "curated"
SCREENSHOT_DIR = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Chromium logs a CSP violation to the console, but say it plainly in case a page swallows it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def pytest_configure(config):
    # pytest-base-url (a pytest-playwright dependency) trips a pytest deprecation: not ours to fix.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            "Browser tests need Debian's Chromium at /usr/bin/chromium: run `make browser-deps` "
            "(apt-get install chromium), or skip them with `pytest -m 'not browser'`.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


class PageWatch:
    """Everything that went wrong while a page was open."""

    def __init__(self, page):
        self.problems: list[str] = []
        self.expected_statuses: set[int] = set()
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message):
        if message.type in {"error", "warning"}:
            self.problems.append(f"console {message.type}: {message.text} ({message.location})")

    def _request_failed(self, request):
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the page moving on (a new navigation, htmx replacing a request)
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def _response(self, response):
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )


def _watch(page) -> PageWatch:
    watch = PageWatch(page)
    page.watch = watch
    return watch


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test on any console error or failed request."""
    watch = _watch(page)
    yield page
    assert watch.problems == [], "\n".join(watch.problems)


@pytest.fixture
def open_page(browser, browser_context_args):
    """Open a page in a fresh context (a viewport, or JavaScript off), watched like `page`."""
    contexts, watches = [], []

    def open_(**context_args):
        context = browser.new_context(**{**browser_context_args, **context_args})
        contexts.append(context)
        page = context.new_page()
        watches.append(_watch(page))
        return page

    yield open_
    for context in contexts:
        context.close()
    problems = [problem for watch in watches for problem in watch.problems]
    assert problems == [], "\n".join(problems)


# Both content fixtures reset the primary-key sequences, so the same content always gets the same
# ids and the same content version: in-process caches keyed by that version (the match index, the
# search vocabulary) then stay right from one test to the next, although each test's data is new.


@pytest.fixture
def site(live_server, django_db_reset_sequences):
    """The live server's address, with the browser tests' own content (tests/browser/content.py)."""
    content.build()
    return live_server.url


_curated_copy = None


@pytest.fixture
def curated_site(live_server, django_db_reset_sequences):
    """The live server's address, with the real curated content (fixtures/curated.json).

    Loading the fixture takes seconds, so on the usual in-memory SQLite test database it is loaded
    once and copied back in (SQLite's backup API, milliseconds) for each later test.
    """
    global _curated_copy
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        call_command("load_content", CURATED_FIXTURE, verbosity=0)
    elif _curated_copy is None:
        call_command("load_content", CURATED_FIXTURE, verbosity=0)
        _curated_copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(_curated_copy)
    else:
        connection.ensure_connection()
        _curated_copy.backup(connection.connection)
    return live_server.url


def wait_for(page, script: str, timeout: float = 5.0):
    """Poll a JavaScript expression until it is truthy. (Playwright's wait_for_function evaluates
    a string, which the site's CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for: {script}")
        page.wait_for_timeout(50)


def save_screenshot(page, name: str) -> None:
    """With SCREENSHOTS=1, save a small full-page PNG under tests/browser/screenshots/."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    from PIL import Image

    width = page.viewport_size["width"]
    # In a full-page capture a sticky bar would be drawn where the first screen ends. (Through the
    # CSSOM: Playwright's `style` option adds a <style> element, which the CSP rightly blocks.)
    page.evaluate(
        "document.querySelectorAll('.form-actions').forEach(el => el.style.position = 'static')"
    )
    # The top of a long page says enough about its layout (a phone's pages are longer).
    cap = 4200 if width < 600 else 2400
    height = min(page.evaluate("document.documentElement.scrollHeight"), cap)
    png = page.screenshot(
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": height},
        animations="disabled",
        caret="hide",
    )
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # A 32-colour palette keeps text crisp and each file well under 200 kB.
    small = image.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    small.save(SCREENSHOT_DIR / f"{name}.png", optimize=True)
