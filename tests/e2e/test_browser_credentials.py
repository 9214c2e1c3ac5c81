"""Voters' credentials in a real browser (issues 14 and 16): Playwright driving Chromium.

An Arabic voter types the credential printed on their sheet, marks, encrypts (in the booth's
Web Worker, the page's main thread kept free) and casts; the board lists the ballot under the
credential's public key. A second browser without a credential cannot cast: the booth asks for
one, and a credential that is not on the election's list is refused by the ballot box (in Arabic)
with nothing stored. With JavaScript off, nothing can be marked or sent. The officials' dashboard
shows the credential list's size and hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from nazaha.ceremony.keyfile import KDF_TEST_ONLY
from nazaha.credentials.authority import IssuedCredential, Voter, issue_credentials
from nazaha.credentials.codes import format_credential, new_credential
from nazaha.credentials.keys import KDF_TEST_ONLY as CREDENTIAL_KDF
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.eligibility import EligibilityMode, EligibilityPolicy
from nazaha.election.manifest import parse_manifest
from nazaha.record.eligibility import encode_credentials
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.demo import load_sample_manifest
from nazaha.workflows.remote import election_files_of
from nazaha.workflows.workspace import Workspace
from tests.support.browser import (
    AXE,
    CHROMIUM,
    TOKEN,
    axe_violations,
    english_words,
    mark,
    require_chromium,
    serving,
    text_of,
)
from tests.support.external import require_external

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ELECTION = "wadi-credentials"

# Counts the page's long tasks (over 50 ms on the main thread) from the moment it is installed.
LONG_TASKS = """
window.nazahaLongTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.nazahaLongTasks.push([entry.startTime, entry.duration]);
}).observe({ type: "longtask" });
"""


@dataclass
class Booth:
    url: str
    box: BallotBoxService
    issued: list[IssuedCredential]
    credentials_json: bytes


@pytest.fixture(scope="module")
def booth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Booth]:
    require_chromium()
    root = tmp_path_factory.mktemp("browser-credentials")
    doc = json.loads(load_sample_manifest().canonical_bytes)
    doc["election_id"] = ELECTION
    manifest = parse_manifest(json.dumps(doc).encode())
    style = manifest.ballot_styles[0].label
    public, issued = issue_credentials([Voter(f"voter-{i}", style) for i in range(2)], ELECTION, CREDENTIAL_KDF)
    credentials_json = encode_credentials(public)
    Workspace.create(
        root / "workspace",
        manifest_data=manifest.canonical_bytes,
        group=STANDARD_GROUP,
        guardian_names=["Guardian 1", "Guardian 2", "Guardian 3"],
        quorum=2,
        passphrases=[f"passphrase of guardian {i}" for i in range(1, 4)],
        rng=SeededRandom("browser credentials"),
        kdf=KDF_TEST_ONLY,
        credentials=credentials_json,
        mode=EligibilityMode.CREDENTIALS,
        policy=EligibilityPolicy.ONE_BALLOT,
    )
    url = f"sqlite:///{root / 'box.db'}"
    box = BallotBoxService(SqlStore.open(url))
    box.create_election({n: t.encode() for n, t in election_files_of(root / "workspace").items()}, ELECTION)
    box.open_voting(ELECTION)
    with serving(create_app(Settings(database_url=url, admin_token=TOKEN), box)) as address:
        yield Booth(address, box, issued, credentials_json)


def test_an_arabic_voter_casts_with_a_printed_credential_and_finds_it_under_its_key(booth: Booth) -> None:
    from playwright.sync_api import sync_playwright

    voter = booth.issued[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        errors: list[str] = []

        _the_voter_casts_with_the_printed_credential(browser, booth, voter, errors)
        other = _a_browser_without_a_credential_cannot_cast(browser, booth, errors)
        _the_dashboard_shows_the_lists_size_and_hash(other, booth)
        assert errors == []
        browser.close()


def _the_voter_casts_with_the_printed_credential(
    browser: Browser, booth: Booth, voter: IssuedCredential, errors: list[str]
) -> None:
    """The voter, in Arabic, types the sheet's credential (lower case, hyphens as printed), casts without
    the main thread blocked, keeps the receipt and finds the ballot under the credential's key."""
    key = voter.key.hex().upper()
    # bypass_csp: axe-core is injected at each step of the booth (the pages' policy allows only their scripts)
    page = browser.new_context(accept_downloads=True, bypass_csp=True).new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{booth.url}/ar/elections/{ELECTION}/vote")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "بيانات اعتماد" in text_of(page, "label[for=credential]")
    page.fill("#credential", format_credential(voter.credential).lower())
    mark(page, 1, 1, 2)
    page.click("#review-button")
    assert axe_violations(page) == [], "the review step (Arabic, 1280 wide)"
    # the worker prepared the ballot's encryption while the voter marked: after the review only
    # the votes' choice among prepared values is left
    page.wait_for_function("() => window.nazahaBooth.ready", timeout=60_000)
    page.evaluate(LONG_TASKS)
    page.click("#encrypt-button")
    page.wait_for_selector("#step-decide:not([hidden])", timeout=60_000)
    booth_run = page.evaluate("window.nazahaBooth")
    assert booth_run["prepared"] == "ahead"
    assert axe_violations(page) == [], "the cast-or-challenge step (Arabic, 1280 wide)"
    during = [
        d for start, d in page.evaluate("window.nazahaLongTasks") if booth_run["from"] <= start <= booth_run["shown"]
    ]
    assert max(during, default=0) < 100, f"the main thread was blocked while encrypting and sending: {during} ms"
    code = str(booth_run["code"])
    page.click("#cast-button")
    page.wait_for_selector("#step-receipt:not([hidden])")
    assert axe_violations(page) == [], "the receipt step (Arabic, 1280 wide)"
    assert text_of(page, "#receipt-key") == key
    page.click("#language-switch")  # to English and back: the receipt just cast is not shown twice
    assert page.is_hidden("#saved-receipt") and "/en/" in str(page.get_attribute("#receipt-qr", "src"))
    page.click("#language-switch")
    page.emulate_media(media="print")  # the printed card: the code and its QR code, no links or buttons
    assert page.is_visible("#receipt-qr") and page.is_visible("#receipt-code")
    assert page.is_hidden("#board-link") and page.is_hidden("#download-receipt")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.click("#download-receipt")
    receipt = json.loads(Path(download.value.path()).read_text())
    assert receipt["signed"]["confirmation_code"] == code and len(receipt["signed"]["signature"]) == 128
    assert receipt["credential"] == key and "decision_token" not in receipt["signed"]
    page.click("#key-link")
    page.wait_for_load_state()
    assert f"credential={key}" in page.url
    board = page.inner_text("table.board")
    assert code in board and "إدلاء" in board
    assert booth.box.lookup(ELECTION, code).state == "cast"
    document = page.request.get(f"{booth.url}/api/v1/elections/{ELECTION}/ballots/{code}/document")
    assert document.status == 404, "a cast ballot is not opened by the checker"
    page.go_back()  # the receipt outlasts leaving and reloading the booth, on this device
    page.reload()
    assert page.is_visible("#saved-receipt")
    assert text_of(page, "#saved-code").replace(" ", "") == code


def _a_browser_without_a_credential_cannot_cast(browser: Browser, booth: Booth, errors: list[str]) -> Page:
    """A second browser, without a credential, cannot cast (nor with a well-formed one on no list)."""
    other = browser.new_context().new_page()
    other.on("pageerror", lambda error: errors.append(str(error)))
    before = booth.box.election(ELECTION).board_length
    other.goto(f"{booth.url}/ar/elections/{ELECTION}/vote")
    mark(other, 1, 1, 1)
    other.click("#review-button")
    assert "اكتب بيانات الاعتماد" in text_of(other, "#credential-message")
    assert other.is_hidden("#step-review")
    other.fill("#credential", format_credential(new_credential()))  # well formed, on no list
    other.click("#review-button")
    other.click("#encrypt-button")
    other.wait_for_selector("#booth-error:not([hidden])", timeout=60_000)
    refusal = text_of(other, "#booth-error")
    assert "بيانات اعتماد صالحة" in refusal and "credential" not in refusal
    assert other.is_hidden("#step-decide")
    assert booth.box.election(ELECTION).board_length == before, "nothing stored"
    return other


def _the_dashboard_shows_the_lists_size_and_hash(other: Page, booth: Booth) -> None:
    """The officials' dashboard shows the list's size and hash."""
    other.goto(f"{booth.url}/ar/admin")
    other.fill("#token", TOKEN)
    other.click("button[type=submit]")
    assert text_of(other, f"#credential-count-{ELECTION}") == "٢"
    digest = hashlib.sha256(booth.credentials_json).hexdigest().upper()
    assert text_of(other, f"#credential-hash-{ELECTION}") == digest


def test_without_javascript_nothing_can_be_marked_or_sent(booth: Booth) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(java_script_enabled=False).new_page()
        sent: list[str] = []
        page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))
        page.goto(f"{booth.url}/ar/elections/{ELECTION}/vote")
        assert "جافاسكربت" in text_of(page, "#noscript")
        assert page.is_disabled("#o-1-1-1") and page.is_disabled("#credential")
        assert page.is_disabled("#review-button")
        loaded = list(sent)
        page.click("#review-button", force=True)
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        assert sent == loaded, "nothing more was sent"
        assert not any("?" in line or line.startswith("POST") for line in sent)
        browser.close()


def test_axe_finds_no_violation_on_any_page(booth: Booth) -> None:
    """Issue 16: axe-core (npm, pinned in package.json) on every page, both languages, 1280 and 390 wide."""
    require_external(AXE.exists(), "axe-core is not installed: run `npm ci` (make test does)")
    from playwright.sync_api import sync_playwright

    pages = ["/", f"/elections/{ELECTION}", f"/elections/{ELECTION}/vote", f"/elections/{ELECTION}/board",
             f"/elections/{ELECTION}/results", f"/elections/{ELECTION}/check", "/verify", "/admin"]  # fmt: skip
    failures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in (1280, 390):
            # bypass_csp: the test injects axe-core; the pages' own policy allows only their scripts.
            context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
            page = context.new_page()
            for lang in ("ar", "en"):
                for path in pages:
                    page.goto(f"{booth.url}/{lang}{path}")
                    failures += [f"{width}px /{lang}{path}: {line}" for line in axe_violations(page)]
                page.goto(f"{booth.url}/{lang}/admin")
                if page.is_visible("#token"):
                    page.fill("#token", TOKEN)
                    page.click("button[type=submit]")
                failures += [f"{width}px /{lang}/admin (signed in): {line}" for line in axe_violations(page)]
            context.close()
        browser.close()
    assert failures == [], "\n".join(failures)


def test_arabic_pages_hold_no_english_text(booth: Booth) -> None:
    """Issue 16: every user-facing string of the Arabic booth, board, results, status and dashboard
    pages, their notices and their error pages is Arabic."""
    from playwright.sync_api import sync_playwright

    base = f"{booth.url}/ar"
    paths = [
        "/", f"/elections/{ELECTION}", f"/elections/{ELECTION}/vote", f"/elections/{ELECTION}/board",
        f"/elections/{ELECTION}/board?code=zz-not-a-code", f"/elections/{ELECTION}/board?page=x",
        f"/elections/{ELECTION}/results", f"/elections/{ELECTION}/check", "/elections/no-such-election",
        "/elections/no-such-election/board",
        "/admin",
    ]  # fmt: skip
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        for path in paths:
            page.goto(base + path)
            words = english_words(page)
            if words:
                found[path] = words
        page.goto(f"{base}/admin")
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        for path in ("/admin", "/admin?done=open", "/admin?error=x"):
            page.goto(base + path)
            words = english_words(page)
            if words:
                found[path] = words
        browser.close()
    assert found == {}, json.dumps(found, indent=1)


def test_the_challenge_checker_on_another_device_confirms_a_challenge_and_flags_an_altered_opening(
    booth: Booth,
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        errors: list[str] = []
        page = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        # opened from the sheet's QR code: the credential comes in the fragment, which is then dropped
        printed = format_credential(booth.issued[1].credential)
        page.goto(f"{booth.url}/en/elections/{ELECTION}/vote#credential={printed}")
        assert page.input_value("#credential") == printed and "#" not in page.url
        assert "QR" in text_of(page, "#credential-message")
        mark(page, 1, 1, 3)
        page.click("#review-button")
        page.click("#encrypt-button")
        page.wait_for_selector("#step-decide:not([hidden])", timeout=60_000)
        code = str(page.evaluate("window.nazahaBooth.code"))
        # clicked at once: the worker may still have been preparing, but it had begun with the marks
        assert page.evaluate("window.nazahaBooth.prepared") in ("ahead", "partly")
        page.click("#challenge-button")
        page.wait_for_selector("#step-challenged:not([hidden])")
        assert axe_violations(page) == [], "the challenged step (English, 390 wide)"
        link = page.get_attribute("#check-link", "href")
        assert link and code in link
        nonce = text_of(page, "#ballot-nonce")

        # -- another device, in Arabic: the checker fetches the ballot and opens it itself --------
        checker = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        checker.on("pageerror", lambda error: errors.append(str(error)))
        checker.goto(booth.url + link.replace("/en/", "/ar/"))
        checker.click("#check-button")
        checker.wait_for_selector("#check-result:not([hidden])")
        assert checker.get_attribute("#check-result", "data-verdict") == "match"
        assert checker.get_attribute("#guardians-result", "data-verdict") == "pending", "not decrypted yet"
        assert "بعد الفرز" in text_of(checker, "#guardians-text")
        assert english_words(checker) == [], "the checker's verdicts are in Arabic"
        mayor = load_sample_manifest().contest(1)
        assert mayor.options[2].name.get("ar") in checker.inner_text("#check-list")

        altered = nonce[:-1] + ("0" if nonce[-1] != "0" else "1")
        checker.fill("#check-nonce", altered)
        checker.click("#check-button")
        checker.wait_for_selector("#check-result[data-verdict=mismatch]")
        assert "لا يفتح" in text_of(checker, "#check-result-title")
        assert text_of(checker, "#check-list") == ""
        checker.fill("#check-nonce", "")
        checker.click("#check-button")
        checker.wait_for_selector("#check-status:has-text('الفرز')")
        assert checker.is_hidden("#check-result") and checker.is_hidden("#guardians-result"), "no nonce, no opening"

        # -- the board finds the code as the booth grouped it, in lower case, or its first 8 ------
        grouped = " ".join(code[i : i + 8] for i in range(0, 64, 8)).lower()
        for query in (grouped, code[:8]):
            checker.goto(f"{booth.url}/ar/elections/{ELECTION}/board")
            checker.fill("#code", query)
            checker.click("form.search button")
            assert code in checker.inner_text("table.board"), query
        assert errors == []
        browser.close()
