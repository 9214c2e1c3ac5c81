"""The browser verifier in Chromium: a demo record fed to the served page (English) and to the
offline file (Arabic, then switched to English on the page), with progress and the VALID verdict.

Needs Chromium (see tests/e2e/test_browser.py); skipped without it, except under CI=true.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nazaha.crypto.params import STANDARD_GROUP
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.memory import MemoryStore
from nazaha.verify.browser.page import render_verifier_page
from nazaha.verify.browser.text import UI
from nazaha.verify.checks.catalog import CHECKS
from nazaha.verify.plain import strings_document
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.demo import run_demo
from tests.support.browser_verifier import zip_record
from tests.support.external import require_external

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = os.environ.get("NAZAHA_CHROMIUM", "/usr/bin/chromium")
ORIGIN = "http://localhost:8765"  # a secure context (WebCrypto's Ed25519), answered by the route below
WATCH_STATUS = """() => {
  window.__statuses = [];
  const status = document.getElementById("status");
  new MutationObserver(() => {
    const bar = document.getElementById("progress");
    window.__statuses.push([status.textContent, bar.value, bar.max]);
  }).observe(status, { childList: true, characterData: true, subtree: true });
}"""


@pytest.fixture(scope="module")
def demo_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-verifier")
    demo = run_demo(
        ballots=4, output=folder / "record", group=STANDARD_GROUP, challenge_every=3, seed="browser-verifier"
    )
    return zip_record(demo.record, folder / "record.zip")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_external(
        Path(CHROMIUM).exists() and importlib.util.find_spec("playwright") is not None,
        f"Chromium is not at {CHROMIUM}; install it (apt-get install chromium) or set NAZAHA_CHROMIUM",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def verify_in(page: Page, record: Path) -> list[list[Any]]:
    """Feed ``record`` to the page; wait for the verdict; the status lines and progress seen."""
    page.evaluate(WATCH_STATUS)
    page.set_input_files("#record-file", str(record))
    page.wait_for_selector("#verdict", timeout=240_000)
    statuses: list[list[Any]] = page.evaluate("window.__statuses")
    return statuses


def test_the_served_page_verifies_the_demo_record(browser: Any, demo_zip: Path) -> None:
    client = TestClient(create_app(Settings(admin_token="t" * 32), BallotBoxService(MemoryStore())))
    context = browser.new_context()
    errors: list[str] = []

    def serve(route: Any) -> None:
        response = client.get(route.request.url.removeprefix(ORIGIN))
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.content)

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{ORIGIN}/en/verify")
    statuses = verify_in(page, demo_zip)
    assert page.get_attribute("#verdict", "data-verdict") == "valid"
    assert page.text_content("#verdict") == UI["en"]["verdict_valid"]
    ballots = [s for s in statuses if s[0].startswith("Checked ")]
    assert ballots and ballots[-1][0] == "Checked 4 of 4 ballots…", statuses
    assert any(0 < value < maximum for _, value, maximum in ballots), statuses  # progress between start and end
    rows = page.query_selector_all("#checks tbody tr")
    assert len(rows) == len(CHECKS)
    assert page.get_attribute("tr[data-check='D']", "data-status") == "not applicable"  # no contest data
    assert page.get_attribute("tr[data-check='A']", "data-status") == "not applicable"  # no audit/
    assert page.get_attribute("tr[data-check='10']", "data-status") == "passed"
    assert strings_document()["en"]["lines"]["10"] in (page.text_content("tr[data-check='10']") or "")
    assert not errors, errors  # the page's CSP let its own scripts and workers run, and nothing else
    context.close()


def test_the_offline_file_verifies_in_arabic_and_switches_to_english(
    browser: Any, demo_zip: Path, tmp_path: Path
) -> None:
    offline = tmp_path / "verifier.html"
    offline.write_text(render_verifier_page("ar", offline=True)[0], "utf-8")
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto(offline.as_uri())
    assert page.get_attribute("html", "dir") == "rtl"
    statuses = verify_in(page, demo_zip)
    assert page.text_content("#verdict") == UI["ar"]["verdict_valid"]
    assert any(s[0] == "فُحصت ٤ من ٤ ورقة…" for s in statuses), statuses
    assert strings_document()["ar"]["lines"]["9"] in (page.text_content("tr[data-check='9']") or "")
    page.click("#switch-language")
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.text_content("#verdict") == UI["en"]["verdict_valid"]
    bad = tmp_path / "not-a-record.zip"
    bad.write_bytes(b"not a zip at all")
    page.set_input_files("#record-file", str(bad))
    page.wait_for_selector("#verdict[data-verdict='unreadable']", timeout=30_000)
    context.close()
