"""The paper audit of an election run on the ballot box, end to end, on SQLite and PostgreSQL.

An election with paper ids (each ballot's id_B, printed on its paper) is run on the service:
ballots cast, tallied, decrypted by remote guardians, published. The officials then audit its
paper through the service: commit, seed, round 1 (two draws), the guardians decrypt the sampled
ballots only (``nazaha guardian decrypt --paper-audit`` on their own machines), the audit board
reads the cards on the audit-board pages in Chromium (round 1 in Arabic, round 2 in English),
one card's paper disagreeing with its encryption, so the contest escalates to a second round;
the record downloaded from the service verifies VALID with its paper-audit section (check A).

On SQLite the officials and one guardian use the command line (``nazaha admin paper-audit``,
``nazaha guardian decrypt --paper-audit``); on PostgreSQL the same steps go through the HTTP API.
Everything the audit writes is kept in the database: a second ballot box opened on the same
database (a restart) sees the same audit.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from nazaha.election.ballot import PlaintextBallot
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.verify.runner import verify_record21
from nazaha.workflows.audit_boards import AuditBoards
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.paper_audit import PullItem
from nazaha.workflows.remote import ServiceClient
from tests.e2e.cli import nazaha
from tests.support.audit_board import read_cards, sign_in
from tests.support.browser import AXE, CHROMIUM, axe_violations, english_words, require_chromium, serving
from tests.support.elections import ServiceElection, make_service_election
from tests.support.external import require_external

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

TOKEN = "administrator-token-of-the-audited-election"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
ELECTION = "audited"
PASSCODES = {"Board 1": "passcode of board one"}
MEMBERS = ("هناء خليل", "Sami Darwish")
NAMES = frozenset(
    {"Board", "Guardian", "Sami", "Darwish", "kiosk"}
)  # the names this election's officials chose, in Latin letters
NORTH = PlaintextBallot("north-district", {"mayor": {"amal-haddad": 1}, "council": {"hana-khalil": 1}})
VOTES = [NORTH] * 4 + [
    PlaintextBallot("south-district", {"mayor": {"karim-nassar": 1}, "parks-referendum": {"no": 1}}),
    PlaintextBallot("north-district", {"mayor": {"karim-nassar": 1}}),
]


@pytest.fixture(scope="module")
def election(tmp_path_factory: pytest.TempPathFactory) -> ServiceElection:
    require_chromium()
    require_external(AXE.exists(), "axe-core is not installed: run `npm ci` (make test does)")
    return make_service_election(
        tmp_path_factory.mktemp("audited-election") / "workspace", "audited", guardians=3, quorum=2
    )


def _published(client: httpx.Client, election: ServiceElection, address: str) -> dict[str, PlaintextBallot]:
    """Run the election on the service to published results; the paper of each ballot by code."""
    base = f"/api/v1/elections/{ELECTION}"
    created = client.post("/api/v1/elections", json={"id": ELECTION, "files": election.files}, headers=ADMIN)
    assert created.status_code == 201, created.text
    assert client.post(f"{base}/open", headers=ADMIN).status_code == 200
    paper = {}
    for data, plaintext in zip(election.encrypt(VOTES, seed="audited"), VOTES, strict=True):
        receipt = client.post(f"{base}/ballots", content=data)
        assert receipt.status_code == 201, receipt.text
        code = receipt.json()["confirmation_code"]
        cast = client.post(f"{base}/ballots/{code}/cast", json={"token": receipt.json()["decision_token"]})
        assert cast.status_code == 200, cast.text
        paper[code] = plaintext
    assert client.post(f"{base}/close", headers=ADMIN).status_code == 200
    assert client.post(f"{base}/tally", headers=ADMIN).status_code == 200
    assert client.post(f"{base}/decryption", json={"guardians": [1, 3]}, headers=ADMIN).status_code == 200
    _guardians(election, address, (1, 3), paper_audit=False)
    assert client.get(base).json()["state"] == "published"
    return paper


def _guardians(election: ServiceElection, address: str, present: tuple[int, ...], *, paper_audit: bool) -> None:
    outcomes: dict[int, object] = {}
    clients: list[ServiceClient] = []

    def remote() -> ServiceClient:
        clients.append(ServiceClient(address))
        return clients[-1]

    threads = election.guardians_decrypting(remote, ELECTION, present, outcomes, paper_audit=paper_audit)
    for thread in threads:
        thread.join(timeout=300)
    for client in clients:
        client.close()
    assert all(isinstance(outcome, bool) for outcome in outcomes.values()), outcomes


def _cli_guardian(election: ServiceElection, address: str, index: int, tmp_path: Path) -> None:
    passphrase = tmp_path / f"guardian-{index}.txt"
    passphrase.write_text(election.passphrases[index - 1] + "\n")
    done = nazaha(
        "guardian", "decrypt", "--paper-audit", "--service", address, "--election", ELECTION,
        "--key", election.workspace / f"keys/guardian_{index}.key", "--passphrase-file", passphrase,
        "--poll", "0.1", "--ledger", tmp_path / f"ledger-{index}.json",
    )  # fmt: skip
    assert done.code == 0, done.err + done.out


class CliOfficials:
    """The officials' steps on the command line (``nazaha admin paper-audit``, over the HTTP API)."""

    cli = True

    def __init__(self, address: str) -> None:
        self.address = address

    def _run(self, *args: str) -> str:
        done = nazaha(
            "admin", "paper-audit", *args, "--service", self.address, "--token", TOKEN, "--election", ELECTION
        )
        assert done.code == 0, done.err + done.out
        return done.out

    def commit(self) -> None:
        assert "commitment SHA-256" in self._run("commit", "--risk-limit", "0.1", "--contest", "mayor")

    def seed(self, seed: str) -> None:
        self._run("seed", "--seed", seed)

    def draw(self, size: int | None) -> None:
        assert "round" in self._run("draw", *(("--size", str(size)) if size else ()))

    def start_decryption(self, present: str) -> None:
        assert "audit decryption round" in self._run("start-decryption", "--guardians", present)

    def measure(self) -> bool:
        return "the audit is over" in self._run("measure")


class DashboardOfficials:
    """The officials' steps on the dashboard's forms in Chromium (Arabic), every confirmation
    dialog accepted; the page's state checked after each step."""

    cli = False

    def __init__(self, address: str, page: Page) -> None:
        self.address, self.page = address, page
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{address}/ar/admin")
        page.fill("#token", TOKEN)
        with page.expect_navigation():
            page.click("button[type=submit]")

    def _submit(self, action: str) -> None:
        page = self.page
        with page.expect_navigation():
            page.click(f"form[action$='/{ELECTION}/{action}'] button[type=submit]")
        assert page.is_visible(".notice.ok"), page.text_content("main")
        assert english_words(page, NAMES) == [], "the Arabic dashboard holds no English text"

    def commit(self) -> None:
        page = self.page
        page.goto(f"{self.address}/ar/admin")
        page.fill(f"#risk-limit-{ELECTION}", "0.1")
        for box in page.query_selector_all(f"form[action$='/{ELECTION}/audit-commit'] input[name=contest]"):
            if box.get_attribute("value") != "mayor":
                box.uncheck()
        self._submit("audit-commit")
        assert len(self.page.text_content(f"#audit-commitment-{ELECTION}") or "") == 64

    def seed(self, seed: str) -> None:
        self.page.fill(f"#seed-{ELECTION}", seed)
        self._submit("audit-seed")

    def draw(self, size: int | None) -> None:
        self.page.goto(f"{self.address}/ar/admin")
        if size:
            self.page.fill(f"#size-{ELECTION}", str(size))
        self._submit("audit-draw")

    def start_decryption(self, present: str) -> None:
        chosen = {int(i) for i in present.split(",")}
        for box in self.page.query_selector_all(f"form[action$='/{ELECTION}/audit-decrypt'] input[name=present]"):
            if int(box.get_attribute("value") or 0) not in chosen:
                box.uncheck()
        self._submit("audit-decrypt")

    def measure(self) -> bool:
        self.page.goto(f"{self.address}/ar/admin")
        self._submit("audit-measure")
        return self.page.text_content(f"#audit-state-{ELECTION}") == "انتهى التدقيق"


def _decrypt_sampled(election: ServiceElection, address: str, tmp_path: Path, *, cli: bool) -> None:
    if cli:  # guardian 1 on the command line, guardian 3 beside it
        helper = threading.Thread(target=_guardians, args=(election, address, (3,)), kwargs={"paper_audit": True})
        helper.start()
        _cli_guardian(election, address, 1, tmp_path)
        helper.join(timeout=300)
    else:
        _guardians(election, address, (1, 3), paper_audit=True)


def _audit(
    officials: CliOfficials | DashboardOfficials, boards: AuditBoards, paper: dict[str, PlaintextBallot],
    election: ServiceElection, browser: Browser, client: httpx.Client, tmp_path: Path,
) -> int:  # fmt: skip
    """Rounds until the audit is over: draw, decrypt the sampled ballots, read on the pages."""
    planted: list[str] = []
    errors: list[str] = []

    def marks(item: PullItem) -> dict[str, tuple[str, ...]]:
        votes = paper[item.ballot].votes
        shown = {c: tuple(o for o, v in votes.get(c, {}).items() if v) for c in item.contests}
        if not planted:  # this card's paper disagrees with its encryption
            planted.append(item.ballot)
            shown["mayor"] = ("youssef-barakat",)
        return shown

    rounds = 0
    for lang in ("ar", "en", "en", "en"):
        rounds += 1
        officials.draw(2 if rounds == 1 else None)
        officials.start_decryption("1,3")
        _decrypt_sampled(election, officials.address, tmp_path, cli=officials.cli)
        status = client.get(f"/api/v1/elections/{ELECTION}/paper-audit").json()
        assert status["decrypted"] == status["sampled"], status
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, officials.address, lang, "Board 1", PASSCODES["Board 1"], MEMBERS)
        assert ("لجنة التدقيق" if lang == "ar" else "Audit board") in page.content()
        assert read_cards(page, lambda: boards.pull_list("Board 1"), marks) > 0
        context.close()
        if officials.measure():
            break
    assert not errors
    return rounds


def _audit_pages_read_well(browser: Browser, address: str) -> None:
    """The results page shows the audit's outcome; it, the dashboard's audit section and the
    audit board's pages (sign-in; the card page with its pull list) have no accessibility
    violation (axe-core) in either language at either width, and the Arabic pages hold no
    English text."""
    failures = []
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        for lang in ("ar", "en"):
            page.goto(f"{address}/{lang}/elections/{ELECTION}/results")
            assert page.is_visible("#audit-title") and page.is_visible(f"#audit-contests-{ELECTION}")
            assert page.text_content("#audit-state") == ("انتهى التدقيق" if lang == "ar" else "The audit is over")
            pages = {"results": page.url}
            page.goto(f"{address}/{lang}/admin")
            if page.is_visible("#token"):
                page.fill("#token", TOKEN)
                with page.expect_navigation():
                    page.click("button[type=submit]")
            assert page.is_visible(f"#audit-contests-{ELECTION}")
            pages["admin"] = page.url
            pages["audit sign-in"] = f"{address}/{lang}/audit"
            sign_in(page, address, lang, "Board 1", PASSCODES["Board 1"], MEMBERS)
            assert page.is_visible("#audit-done") and page.is_visible("#audit-pull-list")
            pages["audit card"] = page.url
            for name, url in pages.items():
                page.goto(url)
                failures += [f"{width}px {lang} {name}: {line}" for line in axe_violations(page)]
                if lang == "ar":
                    failures += [f"{name}: English words {w}" for w in english_words(page, NAMES)]
        context.close()
    assert failures == [], "\n".join(failures)


def _check_record(root: Path, paper: dict[str, PlaintextBallot]) -> list[str]:
    """The downloaded record: only sampled ballots decrypted, only the audited contest, VALID."""
    decrypted = sorted(p.stem for p in (root / "audit/decrypted").glob("*.json"))
    sampled = {d["ballot"] for p in (root / "audit").glob("round-*.json") for d in json.loads(p.read_bytes())["draws"]}
    assert set(decrypted) <= set(paper) and sampled <= set(decrypted), "only sampled ballots are decrypted"
    for name in decrypted:
        doc = json.loads((root / "audit/decrypted" / f"{name}.json").read_bytes())
        assert [c["label"] for c in doc["contests"]] == ["mayor"], "contests not audited stay encrypted"
    report = verify_record21(root)
    assert report.ok, list(report.failures())
    audit_check = next(r for r in report.results if r.check.number == "A")
    assert audit_check.status.value == "passed" and audit_check.items > 0
    return decrypted


@pytest.mark.slow
def test_the_ballot_box_audits_the_paper_of_its_election(
    election: ServiceElection, database_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    store = SqlStore.open(database_url)
    box = BallotBoxService(store)
    app = create_app(Settings(admin_token=TOKEN), box)
    boards = AuditBoards(lambda: box.paper_audit(ELECTION), PASSCODES, election=ELECTION)
    app.state.audit_boards = boards
    try:
        with (
            serving(app) as address,
            httpx.Client(base_url=address, timeout=120) as client,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            paper = _published(client, election, address)
            assert client.get(f"/api/v1/elections/{ELECTION}/paper-audit").json() == {"state": "not started"}
            officials: CliOfficials | DashboardOfficials = (
                CliOfficials(address)
                if database_url.startswith("sqlite")
                else DashboardOfficials(address, browser.new_context(bypass_csp=True).new_page())
            )
            officials.commit()
            officials.seed("31415926535897932384626")
            rounds = _audit(officials, boards, paper, election, browser, client, tmp_path)
            assert rounds >= 2, "the planted discrepancy sends the contest to a second round"
            status = client.get(f"/api/v1/elections/{ELECTION}/paper-audit").json()
            assert status["finished"] and status["state"] == "finished"
            _audit_pages_read_well(browser, address)
            browser.close()
            archive = client.get(f"/api/v1/elections/{ELECTION}/record")
            assert archive.status_code == 200
    finally:
        store.dispose()
    zipfile.ZipFile(io.BytesIO(archive.content)).extractall(tmp_path / "out")
    decrypted = _check_record(tmp_path / "out" / f"{ELECTION}-record", paper)
    reopened = SqlStore.open(database_url)  # a restart: the audit is in the database
    try:
        again = BallotBoxService(reopened).paper_audit(ELECTION)
        assert again.finished() and len(again.decrypted()) == len(decrypted)
    finally:
        reopened.dispose()
