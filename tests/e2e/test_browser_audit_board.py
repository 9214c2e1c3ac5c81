"""Audit boards enter paper readings in a real browser (Arabic and English), then the record verifies.

The record is the standard-group demonstration with its paper audit committed, seeded, drawn and
the sampled ballots decrypted; two boards, each with its share of the containers, sign in (one in
Arabic, one in English), read their cards one at a time from the simulated paper, both members
confirming each entry; one card is "not found". The round is measured and ``verify_record21``
finds the election and its audit VALID.
"""

from __future__ import annotations

import dataclasses
import shutil
from typing import TYPE_CHECKING

import pytest

from nazaha.crypto.nonces import SeededRandom
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.memory import MemoryStore
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.verify.runner import verify_record21
from nazaha.workflows.audit_boards import AuditBoards
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.demo import DemoResult
from nazaha.workflows.demo_audit import paper_marks
from nazaha.workflows.paper_audit import PaperAudit
from tests.support.audit_board import read_cards
from tests.support.browser import CHROMIUM, require_chromium, serving

if TYPE_CHECKING:
    pass

PASSCODES = {"Board 1": "passcode of board one", "Board 2": "passcode of board two"}
MEMBERS = {"Board 1": ("هناء خليل", "سامي درويش"), "Board 2": ("Maya Qasim", "Omar Saleh")}


@pytest.fixture(scope="module")
def drawn(standard_record: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoResult, AuditBoards]:
    require_chromium()
    target = tmp_path_factory.mktemp("audit-board") / "record"
    shutil.copytree(standard_record.record, target)
    result = dataclasses.replace(standard_record, record=target)
    audit = PaperAudit(target)
    audit.commit(risk_limit=0.1)
    audit.enter_seed("16180339887498948482045")
    audit.draw(size=2)
    rng = SeededRandom("audit board")
    audit.decrypt(result.context, [DecryptingGuardian(result.context, result.keys[i - 1], rng) for i in (1, 3, 5)])
    return result, AuditBoards(audit, PASSCODES)


@pytest.mark.slow
def test_audit_boards_enter_readings_in_both_languages_and_the_record_verifies(
    drawn: tuple[DemoResult, AuditBoards],
) -> None:
    from playwright.sync_api import sync_playwright

    result, boards = drawn
    app = create_app(Settings(), BallotBoxService(MemoryStore()))
    app.state.audit_boards = boards
    with serving(app) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        total = 0
        errors: list[str] = []
        for board, lang in (("Board 1", "ar"), ("Board 2", "en")):
            context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{address}/{lang}/audit")
            assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
            page.select_option("#board", board)
            page.fill("#passcode", "not the passcode")
            page.fill("#member_1", MEMBERS[board][0])
            page.fill("#member_2", MEMBERS[board][1])
            page.click("#audit-sign-in")
            assert page.is_visible("#audit-error")
            assert page.input_value("#board") == board, "the board chosen stays chosen"
            page.fill("#passcode", PASSCODES[board])
            page.fill("#member_1", MEMBERS[board][0])
            page.fill("#member_2", MEMBERS[board][1])
            with page.expect_navigation():
                page.click("#audit-sign-in")
            if lang == "ar":
                assert "لجنة التدقيق" in page.content()
            else:
                assert "Audit board" in page.content()
            total += read_cards(
                page,
                lambda board=board: boards.pull_list(board),  # type: ignore[misc]
                lambda item: paper_marks(result.paper[item.ballot], item.contests),
                not_found_first=lang == "en",
            )
            assert not errors
            context.close()
        browser.close()
    audit = boards.audit
    assert total == len(audit.pull_list()) and all(item.read for item in audit.pull_list())
    audit.measure()
    report = verify_record21(audit.record)
    assert not [r for r in report.results if r.failures], [r.failures for r in report.results if r.failures]
    assert next(r for r in report.results if r.check.number == "A").items > 0
