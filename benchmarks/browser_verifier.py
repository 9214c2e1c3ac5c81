"""How long the browser verifier takes on the demo's 500-ballot record, in Chromium (issue 16).

Generates (once, cached) the demo's record, zips it as the ballot box's download does, writes
the offline verifier page (``nazaha verify-page``), opens it in Debian's Chromium through
Playwright, feeds it the zip and waits for the verdict. It reports the time the page measured
(from choosing the file to the verdict: unzipping, every check, the report), the number of Web
Workers (one per core, at most 16), how many progress updates the page showed, and the verdict.

``--corpus`` instead compares the browser verifier (under Node) with ``nazaha verify`` on every
mutation of the tamper corpus, one record per mutation (tests/e2e/tamper.py; the test suite runs
a combined subset): slow, it verifies some 45 records twice.

``--screenshots`` photographs the page (Arabic and English, a valid and a tampered record) into
docs/screenshots/verifier-*.png.

Run: `.venv/bin/python -m benchmarks.browser_verifier [--ballots 500] [--corpus] [--screenshots]`;
the timing table goes into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import cached_record

CHROMIUM = "/usr/bin/chromium"
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
WATCH = """() => {
  window.__updates = 0;
  new MutationObserver(() => { window.__updates += 1; })
    .observe(document.getElementById("status"), { childList: true, characterData: true, subtree: true });
}"""


def zip_record(record: Path, target: Path) -> Path:
    """The record zipped as the ballot box's download gives it (one top folder, deflated)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(record.rglob("*")):
            if path.is_file():
                archive.write(path, f"demo-record/{path.relative_to(record)}")
    return target


def time_in_chromium(ballots: int) -> list[str]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a dev-only dependency

    from nazaha.verify.browser.page import render_verifier_page  # noqa: PLC0415

    if not Path(CHROMIUM).exists():
        return [f"Chromium is not installed at {CHROMIUM}; no browser figures."]
    record = cached_record(ballots)
    with tempfile.TemporaryDirectory(prefix="nazaha-browser-verifier-") as folder:
        archive = zip_record(record, Path(folder) / "record.zip")
        size = archive.stat().st_size
        page_file = Path(folder) / "verifier.html"
        page_file.write_text(render_verifier_page("en", offline=True)[0], "utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(page_file.as_uri())
            workers = page.evaluate("Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16))")
            page.evaluate(WATCH)
            started = time.perf_counter()
            page.set_input_files("#record-file", str(archive))
            page.wait_for_selector("#verdict", timeout=3_600_000)
            wall = time.perf_counter() - started
            measured = float(page.get_attribute("#status", "data-seconds") or "nan")
            verdict = page.get_attribute("#verdict", "data-verdict")
            updates = page.evaluate("window.__updates")
            version = browser.version
            browser.close()
    lines = [
        f"Chromium {version}, the demo's {ballots}-ballot record (standard 4096-bit group, zip of "
        f"{size / 1e6:.1f} MB) in the offline verifier page, {workers} Web Workers:",
        "",
        "| verdict | time on the page | wall clock | per ballot per worker | progress updates shown |",
        "|---|---|---|---|---|",
        f"| {verdict} | {measured:.1f} s | {wall:.1f} s | {measured * workers / ballots:.2f} s | {updates} |",
    ]
    print("\n".join(lines))
    return lines


def compare_corpus() -> list[str]:
    # The tamper tool lives with the tests; this mode is for developers, run from the repository.
    from tests.e2e import tamper  # noqa: PLC0415
    from tests.e2e.test_browser_verifier_corpus import verify_python  # noqa: PLC0415
    from tests.e2e.test_tamper_21 import MUTATIONS  # noqa: PLC0415
    from tests.support.browser_verifier import python_summary, start_node_verifier, summaries_of  # noqa: PLC0415

    from nazaha.crypto.params import STANDARD_GROUP  # noqa: PLC0415
    from nazaha.workflows.demo import run_demo  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="nazaha-corpus-") as folder:
        root = Path(folder)
        source = run_demo(
            ballots=12, output=root / "source", group=STANDARD_GROUP, challenge_every=5, seed="standard-record"
        ).record
        records = [root / "untouched"]
        shutil.copytree(source, records[0])
        for mutation, _ in MUTATIONS:
            record = root / mutation.__name__
            shutil.copytree(source, record)
            tamper.apply(record, mutation)
            records.append(record)
        started = time.perf_counter()
        node = start_node_verifier(records, root / "records.json")
        expected = {str(r): python_summary(verify_python(r)) for r in records}
        actual = summaries_of(node, timeout=7200)
        wall = time.perf_counter() - started
    agree = [path for path in expected if actual.get(path) == expected[path]]
    lines = [
        f"The tamper corpus, one record per mutation ({len(records)} records of 12 ballots, the untouched one "
        f"included), verified by the browser verifier under Node and by nazaha verify: {len(agree)} of "
        f"{len(records)} agree on the verdict and on every failed label ({wall:.0f} s).",
    ]
    for path, summary in expected.items():
        if path not in agree:
            lines.append(f"- {Path(path).name}: nazaha verify {summary}, browser {actual.get(path)}")
    print("\n".join(lines))
    return lines


def write_section(name: str, command: str, lines: list[str]) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (as ``python -m benchmarks`` does;
    that module runs every benchmark when imported, so its helper is not imported here)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    body = "\n".join([f"Measured on {stamp} with `{command}`:", "", *lines])
    block = f"<!-- {name}:begin -->\n{body}\n<!-- {name}:end -->"
    text = DOC.read_text("utf-8")
    pattern = re.compile(rf"<!-- {name}:begin -->.*?<!-- {name}:end -->", re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, "utf-8")


def screenshots(ballots: int = 8) -> list[Path]:
    """docs/screenshots/verifier-{ar,en}.png (a valid record) and verifier-invalid-en.png (a tally
    count changed): the page after the verdict, at desktop width."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415
    from tests.e2e import tamper  # noqa: PLC0415

    from nazaha.verify.browser.page import render_verifier_page  # noqa: PLC0415

    shots = DOC.parent / "screenshots"
    record = cached_record(ballots)
    taken = []
    with tempfile.TemporaryDirectory(prefix="nazaha-verifier-shots-") as folder:
        root = Path(folder)
        valid = zip_record(record, root / "record.zip")
        shutil.copytree(record, root / "tampered")
        tamper.apply(root / "tampered", tamper.change_tally_count)
        invalid = zip_record(root / "tampered", root / "tampered.zip")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for lang, archive, name in (("ar", valid, "verifier-ar"), ("en", valid, "verifier-en"),
                                        ("en", invalid, "verifier-invalid-en")):  # fmt: skip
                page_file = root / f"verifier-{lang}.html"
                page_file.write_text(render_verifier_page(lang, offline=True)[0], "utf-8")
                page.goto(page_file.as_uri())
                page.set_input_files("#record-file", str(archive))
                page.wait_for_selector("#verdict", timeout=600_000)
                path = shots / f"{name}.png"
                page.screenshot(path=str(path), full_page=True)
                taken.append(path)
            browser.close()
    for path in taken:
        print(path)
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=500)
    parser.add_argument("--corpus", action="store_true", help="compare with nazaha verify on the whole corpus")
    parser.add_argument("--screenshots", action="store_true", help="photograph the page for docs/screenshots")
    args = parser.parse_args()
    if args.screenshots:
        screenshots()
    elif args.corpus:
        write_section("browser-verifier-corpus", "python -m benchmarks.browser_verifier --corpus", compare_corpus())
    else:
        command = "python -m benchmarks.browser_verifier" + (
            f" --ballots {args.ballots}" if args.ballots != 500 else ""
        )
        write_section("browser-verifier", command, time_in_chromium(args.ballots))


if __name__ == "__main__":
    main()
