"""Printed paper ballots: the voter's marks and the paper id (id_B) as text and QR code."""

from __future__ import annotations

import pytest

from nazaha.election.ballot import PlaintextBallot
from nazaha.errors import InputError, MissingDependencyError
from nazaha.workflows.demo import load_sample_manifest
from nazaha.workflows.paper import PaperBallot, format_paper_id, paper_ballots_html, paper_ballots_pdf
from tests.support.external import require_external

PAPER_ID = "D77E6ABB92CFE168A2EA2E7F2CE574B57E21E5FDC556323A89B761ECAE1AAADE"


def test_a_paper_ballot_shows_its_marks_and_its_paper_id_in_both_languages() -> None:
    manifest = load_sample_manifest()
    ballot = PlaintextBallot("north-district", {"mayor": {"amal-haddad": 1}})
    pages = {
        language: paper_ballots_html(manifest, [PaperBallot(PAPER_ID, ballot)], language) for language in ("ar", "en")
    }
    assert 'dir="rtl"' in pages["ar"] and 'dir="ltr"' in pages["en"]
    for page in pages.values():
        assert format_paper_id(PAPER_ID) in page and f'data-paper-id="{PAPER_ID}"' in page
        assert page.count('class="marked"') == 1 and 'data-option="amal-haddad"' in page
        assert "<svg" in page  # the QR code
    assert "أمل الحداد" in pages["ar"] and "Amal Haddad" in pages["en"]
    assert format_paper_id(PAPER_ID).split() == [PAPER_ID[i : i + 4] for i in range(0, 64, 4)]


def test_a_paper_id_is_id_b_and_the_language_is_one_of_the_two() -> None:
    with pytest.raises(InputError):
        PaperBallot("ABC", PlaintextBallot("north-district", {}))
    with pytest.raises(InputError):
        paper_ballots_html(load_sample_manifest(), [], "fr")


def test_paper_ballots_print_as_pdf_one_page_per_ballot_in_both_languages() -> None:
    """``nazaha demo --audit`` writes the paper as PDF too (WeasyPrint, laid out with Pango)."""
    manifest = load_sample_manifest()
    ballots = [
        PaperBallot(PAPER_ID, PlaintextBallot("north-district", {"mayor": {"amal-haddad": 1}})),
        PaperBallot(PAPER_ID[::-1], PlaintextBallot("south-district", {"mayor": {"karim-nassar": 1}})),
    ]
    for language in ("ar", "en"):
        try:
            data = paper_ballots_pdf(manifest, ballots, language, compress=False)
        except MissingDependencyError as missing:
            require_external(False, f"{missing} (.ci/run installs it)")
            raise
        assert data.startswith(b"%PDF-")
        pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
        assert pages == len(ballots), f"{language}: one A4 page per ballot, found {pages}"
        assert b"/FontFile" in data, "the fonts are embedded"
