"""Driving the audit-board pages in Chromium: sign in, then read every card of the pull list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from nazaha.workflows.paper_audit import PullItem

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["read_cards", "sign_in"]


def sign_in(page: Page, address: str, lang: str, board: str, passcode: str, members: Sequence[str]) -> None:
    """Sign in as ``board`` with its two members on the pages in ``lang``."""
    page.goto(f"{address}/{lang}/audit")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.select_option("#board", board)
    page.fill("#passcode", passcode)
    page.fill("#member_1", members[0])
    page.fill("#member_2", members[1])
    with page.expect_navigation():
        page.click("#audit-sign-in")
    assert page.is_visible("#audit-card") or page.is_visible("#audit-done"), "signed in, a card or nothing to read"


def read_cards(
    page: Page,
    pull_list: Callable[[], list[PullItem]],
    marks_of: Callable[[PullItem], Mapping[str, Sequence[str]]],
    *,
    not_found_first: bool = False,
) -> int:
    """Read the board's cards one at a time as the page presents them, marking what
    ``marks_of`` says the paper shows, both members confirming; the first card "not found" if
    asked. Returns how many cards were entered."""
    entered = 0
    rows = page.query_selector_all("#audit-pull-list tbody tr")
    assert len(rows) == len(pull_list()), "the board's whole pull list is on the page, to fetch the ballots"
    while page.is_visible("#audit-card"):
        ballot = page.get_attribute("#audit-card", "data-ballot")
        assert ballot is not None
        item = next(i for i in pull_list() if i.ballot == ballot)
        assert page.text_content("#audit-paper-id") == " ".join(item.paper_id[i : i + 4] for i in range(0, 64, 4)), (
            "the page shows the paper id to find"
        )
        for contest, options in marks_of(item).items():
            for option in options:
                page.check(f"fieldset[data-contest='{contest}'] input[data-option='{option}']")
        for box in page.query_selector_all(".audit-confirm"):
            box.check()
        with page.expect_navigation():
            page.click("#outcome-not-found" if not_found_first and entered == 0 else "#outcome-read")
        assert page.is_visible("#audit-entered")
        entered += 1
    assert page.is_visible("#audit-done")
    return entered
