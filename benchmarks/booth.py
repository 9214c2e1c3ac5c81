"""How long the voter's browser takes to encrypt the sample ballot (issue 5: under 3 seconds).

Starts the ballot box with the sample election (standard 4096-bit group), opens the booth in
Debian's Chromium through Playwright, marks the sample ballot (north district: a mayor, three
council members, the referendum and the district seat), reviews and encrypts it, ten times, and
reads the time the page itself measured (from the click on "Encrypt" to the finished ballot,
proofs and confirmation code included; the upload to the ballot box is not included).

Run: `.venv/bin/python -m benchmarks.booth` (in `make bench`).
"""

from __future__ import annotations

import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.browser import CHROMIUM, ELECTION, running_site

RUNS = 10


def main(runs: int = RUNS) -> list[str]:
    if not Path(CHROMIUM).exists():
        lines = [f"Chromium is not installed at {CHROMIUM}; no browser figures."]
        print(lines[0])
        return lines
    times = []
    with running_site() as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        version = browser.version
        page = browser.new_page()
        for _ in range(runs):
            page.goto(f"{site.url}/en/elections/{ELECTION}/vote")
            for selector in ("#o-1-1-1", "#o-1-2-1", "#o-1-2-3", "#o-1-2-5", "#o-1-3-1", "#o-1-4-2"):
                page.check(selector)
            page.click("#review-button")
            page.click("#encrypt-button")
            page.wait_for_selector("#step-decide:not([hidden])", timeout=60_000)
            times.append(page.evaluate("window.nazahaBooth.encryptMs") / 1000)
        browser.close()
    lines = [
        f"Chromium {version} on this machine (2 cores), standard 4096-bit group, the sample ballot (4 contests, "
        "15 options: 15 encryptions with range proofs, 4 contest-limit proofs, the encrypted ballot nonce), "
        f"{runs} runs:",
        "",
        "| fastest | median | slowest | target |",
        "|---|---|---|---|",
        f"| {min(times):.2f} s | {statistics.median(times):.2f} s | {max(times):.2f} s | under 3 s "
        f"{'✓' if max(times) < 3 else '✗'} |",
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
