"""Browser fixtures: the app served from a thread, driven by Playwright in Debian's Chromium."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Ports Chromium refuses to open (its "unsafe ports" that an OS may hand out).
UNSAFE_PORTS = {5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `apt-get install -y chromium` (./dev.sh test does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The app on a free loopback port, for as long as the test runs."""
    while True:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        if server.server_port not in UNSAFE_PORTS:
            break
        server.server_close()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def log_in(page, base: str, username: str, lang: str = "en") -> None:
    """Log in on the staff form with the test password."""
    page.goto(f"{base}/{lang}/login")
    page.fill("#username", username)
    page.fill("#password", "correct horse battery")
    page.click(("text=Log in" if lang == "en" else "text=Logg inn") + " >> nth=-1")


def go_back(page) -> None:
    """Press Back once the page has loaded.

    Right after a redirect, Chromium can still be swapping the page's renderer, and the
    DevTools call behind Back then fails with "Not attached to an active page" although a
    person's Back button would work; wait for the load and try again in that case only.
    """
    for attempt in range(5):
        page.wait_for_load_state("load")
        try:
            page.go_back()
            return
        except PlaywrightError as error:
            if "Not attached to an active page" not in str(error) or attempt == 4:
                raise
            page.wait_for_timeout(200)


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
