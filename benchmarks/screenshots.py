"""Screenshots of the pages for the README: `.venv/bin/python -m benchmarks.screenshots`.

Runs a sample election on a local ballot box (see ``benchmarks.browser``) and photographs, with
Debian's Chromium: the booth in Arabic and in English (desktop), the booth on a phone-sized
screen, the confirmation code, the receipt, a challenged ballot on a phone and the challenge
checker (another device) in both languages, the bulletin board, the results in both languages,
the officials' dashboard with its paper audit and an audit board's card on a phone. Writes PNG
files to docs/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
        shoot(desktop, "receipt-en", full=False)

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
        for lang in ("ar", "en"):
            checker.goto(site.url + link.replace("/ar/", f"/{lang}/"))
            checker.click("#check-button")
            checker.wait_for_selector("#check-result:not([hidden])")
            shoot(checker, f"checker-{lang}")

        cast_machine_ballots(site, 24)
        desktop.goto(f"{site.url}/en/elections/{ELECTION}/board")
        shoot(desktop, "board-en", full=False)
        publish_results(site)
        for lang in ("ar", "en"):
            desktop.goto(f"{site.url}/{lang}/elections/{ELECTION}/results")
            shoot(desktop, f"results-{lang}")
        desktop.goto(f"{site.url}/en/admin")
        desktop.fill("#token", TOKEN)
        desktop.click("button[type=submit]")
        shoot(desktop, "officials-en")
        _paper_audit(site, desktop, phone, shoot)
        browser.close()
    return shots


if __name__ == "__main__":
    main()
