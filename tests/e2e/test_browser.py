"""The pages in a real browser: Playwright for Python driving Debian's Chromium.

An official creates the election from the ceremony's files and opens voting; a voter votes in
Arabic and casts; another votes in English, challenges, checks what the device encrypted, switches
to Arabic half-way through marking again and casts; the official closes voting and tallies, three
of five guardians decrypt; the results pages show the counts that were cast; the record downloaded
from the results page passes ``nazaha verify``.

Needs Chromium at /usr/bin/chromium (``apt-get install chromium``; ``.ci/run`` installs it) or at
NAZAHA_CHROMIUM. Without it the test is skipped, except under CI=true where it fails.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from nazaha.ceremony.keyfile import KDF_TEST_ONLY
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.demo import load_sample_manifest
from nazaha.workflows.remote import ServiceClient, decrypt_as_guardian, election_files_of
from nazaha.workflows.workspace import Workspace
from tests.e2e.cli import nazaha
from tests.support.browser import CHROMIUM, TOKEN, english_words, mark, require_chromium, serving, text_of
from tests.support.hostile import HOSTILE_NAMES, hostile_manifest

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page, Route

PASSPHRASES = [f"passphrase of guardian {i}" for i in range(1, 6)]


@dataclass
class Site:
    url: str
    workspace: Path


def _note_and_dismiss(dialog: Dialog, messages: list[str]) -> None:
    messages.append(dialog.message)
    dialog.dismiss()


def _note_and_accept(dialog: Dialog, messages: list[str]) -> None:
    messages.append(dialog.message)
    dialog.accept()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_chromium()
    root = tmp_path_factory.mktemp("browser")
    workspace = root / "workspace"
    Workspace.create(
        workspace,
        manifest_data=load_sample_manifest().canonical_bytes,
        group=STANDARD_GROUP,
        guardian_names=[f"Guardian {i}" for i in range(1, 6)],
        quorum=3,
        passphrases=PASSPHRASES,
        rng=SeededRandom("browser test"),
        kdf=KDF_TEST_ONLY,
    )
    url = f"sqlite:///{root / 'box.db'}"
    app = create_app(Settings(database_url=url, admin_token=TOKEN), BallotBoxService(SqlStore.open(url)))
    with serving(app) as address:
        yield Site(address, workspace)


def _encrypt(page) -> str:  # type: ignore[no-untyped-def]
    page.click("#review-button")
    page.click("#encrypt-button")
    page.wait_for_selector("#step-decide:not([hidden])", timeout=60_000)
    timing = page.evaluate("window.nazahaBooth")
    assert timing["encryptMs"] > 0
    return str(timing["code"])


def test_vote_challenge_tally_and_verify(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import sync_playwright

    from nazaha.voting import validate

    # The booth sends each ballot with its proofs' commitments: the door checks them in one batch.
    one_by_one: list[object] = []
    original = validate._one_by_one

    def checked_one_by_one(*args: object) -> tuple[int, ...]:
        one_by_one.append(args)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "_one_by_one", checked_one_by_one)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        errors: list[str] = []
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))

        _official_opens_voting(page, site)
        first_code = _voter_one_casts_in_arabic(page, site)
        challenged_code, second_code, check_link = _voter_two_challenges_then_casts_in_arabic(page, site)
        _board_lists_the_ballots(page, site, (first_code, challenged_code, second_code))
        _official_tallies_with_guardians_1_3_5(page, site)
        archive = _results_show_the_cast_counts(page, site, tmp_path)
        _checker_compares_with_the_guardians(page, site, check_link)
        assert errors == []
        browser.close()
    assert one_by_one == [], "every booth ballot's proofs were checked from the commitments it came with"

    verified = nazaha("verify", archive)
    assert verified.code == 0, verified.out + verified.err
    assert "VALID" in verified.out


def _official_opens_voting(page: Page, site: Site) -> None:
    """The official creates the election from the ceremony's files and opens voting."""
    page.goto(f"{site.url}/en/admin")
    page.fill("#token", "wrong")
    page.click("button[type=submit]")
    assert page.is_visible("text=That token is not valid.")
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    files = sorted(str(path) for path in (site.workspace / "election").rglob("*.json"))
    page.set_input_files("#files", files)
    page.fill("#election_id", "wadi")
    page.click("form[action$='/admin/elections'] button[type=submit]")
    assert page.is_visible("text=Done."), page.inner_text("main")
    page.click("text=Open voting")
    assert page.is_visible("text=Voting is open")


def _voter_one_casts_in_arabic(page: Page, site: Site) -> str:
    """Voter 1, in Arabic, casts; returns the confirmation code."""
    page.goto(f"{site.url}/ar/elections/wadi/vote")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    mark(page, 1, 1, 1)  # mayor: the first candidate
    for option in (1, 2, 3):  # council: three of six, the limit
        mark(page, 1, 2, option)
    assert page.get_attribute("#o-1-2-4", "aria-disabled") == "true"  # still focusable, refused
    page.click("#o-1-2-4", force=True)
    assert not page.is_checked("#o-1-2-4")
    assert "أقصى" in text_of(page, "#limit-1-2")
    mark(page, 1, 3, 1)  # referendum: yes
    first_code = _encrypt(page)
    assert "ثانية" in text_of(page, "#encrypted-in")
    page.click("#cast-button")
    page.wait_for_selector("#step-receipt:not([hidden])")
    assert text_of(page, "#receipt-code").replace(" ", "") == first_code
    qr = "document.getElementById('receipt-qr')"
    assert page.evaluate(f"{qr}.decode().then(() => {qr}.naturalWidth)") > 100, "the receipt's QR code drew"
    page.click("#board-link")
    page.wait_for_load_state()
    assert first_code in page.content()
    assert "إدلاء" in page.content()
    return first_code


def _voter_two_challenges_then_casts_in_arabic(page: Page, site: Site) -> tuple[str, str, str]:
    """Voter 2, in English: south district, challenges, then casts in Arabic; returns both codes
    and the challenge checker's link (the nonce in its fragment)."""
    page.goto(f"{site.url}/en/elections/wadi/vote")
    mark(page, 1, 1, 1)  # begun on the first style: the worker starts preparing that ballot
    page.select_option("#style", "2")  # ... and prepares the south district's instead
    mark(page, 2, 1, 2)  # mayor: the second candidate
    mark(page, 2, 5, 1)  # south district seat: the first candidate
    challenged_code = _encrypt(page)
    assert page.evaluate("window.nazahaBooth.prepared") in ("ahead", "partly")
    page.click("#challenge-button")
    page.wait_for_selector("#step-challenged:not([hidden])")
    opened = page.inner_text("#opened-list")
    mayor = load_sample_manifest().contest(1)
    south = load_sample_manifest().contest(5)
    assert mayor.options[1].name.get("en") in opened
    assert south.options[0].name.get("en") in opened
    assert "No choice" in opened
    assert len(text_of(page, "#ballot-nonce")) == 64
    check_link = str(page.get_attribute("#check-link", "href"))
    page.click("#again-button")
    page.focus("#o-2-1-2")  # a single choice is a radio group: the keyboard alone changes it
    page.keyboard.press("ArrowDown")  # the mayor vote moves to the third candidate
    assert page.is_checked("#o-2-1-3") and not page.is_checked("#o-2-1-2")
    page.click("#language-switch")  # to Arabic, keeping the marks
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.url.endswith("/ar/elections/wadi/vote")
    assert page.is_checked("#o-2-1-3")
    assert text_of(page, "fieldset.contest legend").strip() == mayor.name.get("ar")
    second_code = _encrypt(page)
    assert second_code != challenged_code
    page.click("#cast-button")
    page.wait_for_selector("#step-receipt:not([hidden])")
    return challenged_code, second_code, check_link


def _board_lists_the_ballots(page: Page, site: Site, codes: tuple[str, str, str]) -> None:
    """The board lists all three ballots and the decisions."""
    page.goto(f"{site.url}/en/elections/wadi/board")
    board = page.content()
    for code in codes:
        assert code in board
    page.fill("#code", codes[1][:12])
    page.click("text=Search")
    assert "challenged" in page.inner_text("table.board")


def _official_tallies_with_guardians_1_3_5(page: Page, site: Site) -> None:
    """Close, tally, decrypt with guardians 1, 3 and 5."""
    page.goto(f"{site.url}/en/admin")
    confirmations: list[str] = []
    page.on("dialog", lambda dialog: _note_and_accept(dialog, confirmations))
    page.click("text=Close voting")
    page.click("text=Compute the encrypted tally")
    page.uncheck("#present-wadi-2")
    page.uncheck("#present-wadi-4")
    page.click("text=Start decryption with the guardians present")
    assert page.is_visible("text=absent")
    assert [m.split("?")[0] for m in confirmations] == [
        "Close voting",
        "Compute the encrypted tally",
        "Start the decryption with the guardians ticked",
    ], "each irreversible action asked first"
    _decrypt(site, (1, 3, 5))
    page.reload()
    assert page.inner_text("table.guardians").count("✓") == 9


def _results_show_the_cast_counts(page: Page, site: Site, tmp_path: Path) -> Path:
    """Results: the counts that were cast; returns the record downloaded from the results page."""
    mayor = load_sample_manifest().contest(1)
    page.goto(f"{site.url}/en/elections/wadi/results")
    assert page.text_content("#cast-count") == "2"
    mayor_votes = _votes(page.inner_text("table[data-contest=mayor]"))
    assert [mayor_votes[option.name.get("en")] for option in mayor.options] == [1, 0, 1, 0]
    council = _votes(page.inner_text("table[data-contest=council]"))
    assert sorted(council.values()) == [0, 0, 0, 1, 1, 1]
    assert page.locator("svg.chart").count() == 5
    page.goto(f"{site.url}/ar/elections/wadi/results")
    assert page.text_content("#cast-count") == "٢"
    with page.expect_download() as download:
        page.click("#download-record")
    archive = tmp_path / "wadi-record.zip"
    download.value.save_as(archive)
    return archive


def _checker_compares_with_the_guardians(page: Page, site: Site, link: str) -> None:
    """After the count the checker finds the guardians' opening of the challenged ballot: with the
    nonce, the same choices; without it (another device, in Arabic), the choices themselves."""
    page.goto(site.url + link)
    page.click("#check-button")
    page.wait_for_selector("#guardians-result:not([hidden])")
    assert page.get_attribute("#check-result", "data-verdict") == "match"
    assert page.get_attribute("#guardians-result", "data-verdict") == "agree"
    page.goto(site.url + link.split("#", maxsplit=1)[0].replace("/en/", "/ar/"))
    page.click("#check-button")
    page.wait_for_selector("#guardians-result:not([hidden])")
    assert page.get_attribute("#guardians-result", "data-verdict") == "opened"
    assert page.is_hidden("#check-result")
    opened = page.inner_text("#guardians-list")
    assert load_sample_manifest().contest(1).options[1].name.get("ar") in opened, "the mayor vote challenged"
    assert english_words(page) == [], "the guardians' verdict is in Arabic"
    for change, verdict in ((_flip_a_value, "mismatch"), (_not_opened, "unopened")):
        page.route("**/opening", change)  # an opening that the ballot's ciphertexts refute, or none
        page.goto(site.url + link)
        page.click("#check-button")
        page.wait_for_selector("#guardians-result:not([hidden])")
        assert page.get_attribute("#check-result", "data-verdict") == "match"
        assert page.get_attribute("#guardians-result", "data-verdict") == verdict
        page.unroute("**/opening")


def _flip_a_value(route: Route) -> None:
    body = route.fetch().json()
    selection = body["document"]["contests"][0]["selections"][0]
    selection["value"] = 1 - selection["value"]
    route.fulfill(json=body)


def _not_opened(route: Route) -> None:
    body = route.fetch().json()
    route.fulfill(json={**body, "opened": False, "file": body["file"].replace("challenged/", "unopened/")})


def _votes(table: str) -> dict[str, int]:
    """Option name (without the party) to votes, from a results table's text."""
    votes = {}
    for line in table.splitlines()[1:]:
        name, count, _ = line.split("\t")
        votes[name.split(" (")[0]] = int(count)
    return votes


def _decrypt(site: Site, guardians: tuple[int, ...]) -> None:
    outcomes: dict[int, BaseException | bool] = {}

    def run(index: int) -> None:
        client = ServiceClient(site.url, TOKEN)
        try:
            key = (site.workspace / "keys" / f"guardian_{index}.key").read_bytes()
            outcomes[index] = decrypt_as_guardian(
                client, "wadi", key, PASSPHRASES[index - 1], SeededRandom(f"guardian {index}"), poll=0.2, timeout=300
            )
        except BaseException as error:
            outcomes[index] = error
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in guardians]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    failures = [outcome for outcome in outcomes.values() if isinstance(outcome, BaseException)]
    assert not failures, failures
    assert any(outcome is True for outcome in outcomes.values())


def test_a_hostile_manifest_cannot_script_the_booth(tmp_path: Path) -> None:
    """Issue 18, item 6: manifest texts that would end the booth's JSON script block (or put the
    parser in the script-data double-escaped state) are shown as text, the booth's own script
    still loads and encrypts, and nothing of the manifest runs."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    workspace = tmp_path / "workspace"
    Workspace.create(
        workspace,
        manifest_data=hostile_manifest(),
        group=STANDARD_GROUP,
        guardian_names=["Guardian 1", "Guardian 2", "Guardian 3"],
        quorum=2,
        passphrases=PASSPHRASES[:3],
        rng=SeededRandom("hostile manifest"),
        kdf=KDF_TEST_ONLY,
    )
    url = f"sqlite:///{tmp_path / 'box.db'}"
    box = BallotBoxService(SqlStore.open(url))
    box.create_election({n: t.encode() for n, t in election_files_of(workspace).items()}, "hostile")
    box.open_voting("hostile")
    with serving(create_app(Settings(database_url=url, admin_token=TOKEN), box)) as address, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        dialogs: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: _note_and_dismiss(dialog, dialogs))
        page.goto(f"{address}/en/elections/hostile/vote")
        assert page.locator("script").count() == 2, "only the booth's data block and its module script"
        data = page.evaluate("JSON.parse(document.getElementById('booth-data').textContent)")
        mayor = data["styles"][0]["contests"][0]
        assert mayor["names"]["en"] == HOSTILE_NAMES["contest"]
        assert [o["names"]["en"] for o in mayor["options"][:2]] == [
            HOSTILE_NAMES["option 1"],
            HOSTILE_NAMES["option 2"],
        ]
        assert mayor["options"][0]["parties"]["en"] == HOSTILE_NAMES["party"]
        assert text_of(page, "fieldset.contest legend").strip() == HOSTILE_NAMES["contest"], "shown as text"
        mark(page, 1, 1, 1)
        code = _encrypt(page)  # the booth's script runs: review, encrypt in the browser
        assert HOSTILE_NAMES["option 1"] in page.inner_text("#review-list")
        page.click("#cast-button")
        page.wait_for_selector("#step-receipt:not([hidden])")
        assert text_of(page, "#receipt-code").replace(" ", "") == code
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.locator("img:not(#receipt-qr)").count() == 0, "the receipt's QR code, the page's only image"
        assert dialogs == [] and errors == []
        browser.close()
    assert box.lookup("hostile", code).state == "cast"
