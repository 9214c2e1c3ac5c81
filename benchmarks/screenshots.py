"""Screenshots of the pages for the README: `.venv/bin/python -m benchmarks.screenshots`.

Runs a sample election on a local ballot box (see ``benchmarks.browser``) and photographs, with
Debian's Chromium: the booth in Arabic and in English (desktop), the booth on a phone-sized
screen, the confirmation code, the receipt card with its QR code in both languages (on screen,
and printed), a challenged ballot on a phone and the challenge checker (another device) in both
languages, before the count and after it (compared with the guardians' decryption), the bulletin
board, the results in both languages, the browser verifier (``/{lang}/verify``) after it checked
the election's record in both languages, the officials' dashboard with its paper audit and an
audit board's card on a phone. Writes PNG files to docs/screenshots/.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from benchmarks.browser import (
    AUDIT_BOARDS,
    CHROMIUM,
    ELECTION,
    TOKEN,
    RunningSite,
    cast_machine_ballots,
    guardians_decrypt,
    publish_results,
    running_site,
)

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _mark(page: Page) -> None:
    for selector in ("#o-1-1-2", "#o-1-2-1", "#o-1-2-4", "#o-1-2-5", "#o-1-3-1"):
        page.check(selector)


def _paper_audit(site: RunningSite, desktop: Page, phone: Page, shoot: Callable[..., None]) -> None:
    """The paper audit on the dashboard (commit, seed, round 1, the guardians decrypting the
    sampled ballots), an audit board's card on a phone, the round measured, the results page."""
    desktop.on("dialog", lambda dialog: dialog.accept())
    admin = f"{site.url}/en/admin"

    def submit(action: str) -> None:
        with desktop.expect_navigation():
            desktop.click(f"form[action$='/{ELECTION}/audit-{action}'] button[type=submit]")
        if not desktop.is_visible(".notice.ok"):
            raise RuntimeError(f"audit-{action}: {desktop.text_content('.notice')}")

    desktop.goto(admin)
    desktop.fill(f"#risk-limit-{ELECTION}", "0.1")
    submit("commit")
    desktop.fill(f"#seed-{ELECTION}", "27182818284590452353602")
    submit("seed")
    desktop.fill(f"#size-{ELECTION}", "3")
    submit("draw")
    for guardian in (2, 4):  # absent: guardians 1, 3 and 5 decrypt, as they did the tally
        desktop.uncheck(f"#audit-present-{ELECTION}-{guardian}")
    submit("decrypt")
    guardians_decrypt(site, paper_audit=True)
    for lang in ("ar", "en"):
        desktop.goto(f"{site.url}/{lang}/admin#audit-{ELECTION}")
        desktop.locator(f"#audit-{ELECTION}").scroll_into_view_if_needed()
        shoot(desktop, f"officials-audit-{lang}", full=False)
    for lang in ("ar", "en"):
        phone.goto(f"{site.url}/{lang}/audit")
        phone.select_option("#board", "Board 1")
        phone.fill("#passcode", AUDIT_BOARDS["Board 1"])
        phone.fill("#member_1", "هناء خليل" if lang == "ar" else "Hana Khalil")
        phone.fill("#member_2", "سامي درويش" if lang == "ar" else "Sami Darwish")
        phone.click("#audit-sign-in")
        phone.wait_for_selector("#audit-card")
        shoot(phone, f"audit-board-card-{lang}")
        phone.context.clear_cookies()


def _receipt(page: Page, shoot: Callable[..., None]) -> None:
    """The receipt card in English, then in Arabic (the booth switches language in place), and the
    Arabic card as it prints (the print style sheet: no site header, no buttons)."""
    qr = "document.getElementById('receipt-qr')"
    page.evaluate(f"{qr}.decode()")
    shoot(page, "receipt-en")
    page.click("#language-switch")
    page.wait_for_selector("html[lang=ar] #receipt-qr[src^='/ar/']")
    page.evaluate(f"{qr}.decode()")
    shoot(page, "receipt-ar")
    page.emulate_media(media="print")
    shoot(page, "receipt-print-ar")
    page.emulate_media(media="screen")


def _checker(site: RunningSite, page: Page, link: str, shoot: Callable[..., None], *, counted: bool) -> None:
    """The challenge checker (the booth's link: the code, the nonce in the fragment) in each
    language: before the count the guardians have not decrypted the ballot; after it, they agree."""
    for lang in ("ar", "en"):
        page.goto(site.url + link.replace("/ar/", f"/{lang}/"))
        page.click("#check-button")
        page.wait_for_selector(f"#guardians-result[data-verdict={'agree' if counted else 'pending'}]")
        shoot(page, f"checker-decrypted-{lang}" if counted else f"checker-{lang}")


def _verifier(site: RunningSite, page: Page, shoot: Callable[..., None]) -> None:
    """The browser verifier as the ballot box serves it, given the election's record (downloaded
    from the ballot box, as the results page offers it): its verdict and checks, in each language."""
    with tempfile.TemporaryDirectory(prefix="nazaha-shots-") as folder:
        archive = Path(folder) / f"{ELECTION}-record.zip"
        response = httpx.get(f"{site.url}/api/v1/elections/{ELECTION}/record", timeout=120)
        response.raise_for_status()
        archive.write_bytes(response.content)
        for lang in ("ar", "en"):
            page.goto(f"{site.url}/{lang}/verify")
            page.set_input_files("#record-file", str(archive))
            page.wait_for_selector("#verdict", timeout=900_000)
            if page.get_attribute("#verdict", "data-verdict") != "valid":
                raise RuntimeError(f"the browser verifier says {page.text_content('#verdict')}")
            shoot(page, f"verifier-site-{lang}")


def main() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    shots = []

    def shoot(page: Page, name: str, *, full: bool = True) -> None:
        path = OUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=full)
        shots.append(path)
        print(f"wrote {path}")

    with running_site() as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        desktop = browser.new_page(viewport={"width": 1100, "height": 900})
        for lang in ("ar", "en"):
            desktop.goto(f"{site.url}/{lang}/elections/{ELECTION}/vote")
            _mark(desktop)
            shoot(desktop, f"booth-{lang}")
        desktop.click("#review-button")
        desktop.click("#encrypt-button")
        desktop.wait_for_selector("#step-decide:not([hidden])", timeout=60_000)
        shoot(desktop, "booth-code-en", full=False)
        desktop.click("#cast-button")
        desktop.wait_for_selector("#step-receipt:not([hidden])")
        _receipt(desktop, shoot)

        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
        phone.goto(f"{site.url}/ar/elections/{ELECTION}/vote")
        _mark(phone)
        shoot(phone, "booth-phone-ar", full=False)
        phone.click("#review-button")
        phone.click("#encrypt-button")
        phone.wait_for_selector("#step-decide:not([hidden])", timeout=60_000)
        phone.click("#challenge-button")
        phone.wait_for_selector("#step-challenged:not([hidden])")
        shoot(phone, "challenged-phone-ar")
        link = str(phone.get_attribute("#check-link", "href"))
        checker = browser.new_page(viewport={"width": 1100, "height": 900})  # another device
        _checker(site, checker, link, shoot, counted=False)

        cast_machine_ballots(site, 24)
        desktop.goto(f"{site.url}/en/elections/{ELECTION}/board")
        shoot(desktop, "board-en", full=False)
        publish_results(site)
        for lang in ("ar", "en"):
            desktop.goto(f"{site.url}/{lang}/elections/{ELECTION}/results")
            shoot(desktop, f"results-{lang}")
        _checker(site, checker, link, shoot, counted=True)
        _verifier(site, desktop, shoot)
        desktop.goto(f"{site.url}/en/admin")
        desktop.fill("#token", TOKEN)
        desktop.click("button[type=submit]")
        shoot(desktop, "officials-en")
        _paper_audit(site, desktop, phone, shoot)
        browser.close()
    return shots


if __name__ == "__main__":
    main()
