"""The browser verifier's page: served in both languages, self-contained, independent of the booth."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nazaha.crypto.params import STANDARD_GROUP
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.memory import MemoryStore
from nazaha.verify.browser.page import MODULES, SCRIPTS, render_verifier_page, verifier_bundle
from nazaha.verify.browser.text import UI
from nazaha.verify.checks.catalog import CHECKS
from nazaha.verify.plain import strings_document
from nazaha.workflows.ballot_box import BallotBoxService
from tests.e2e.cli import nazaha


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(Settings(admin_token="t" * 32), BallotBoxService(MemoryStore())))


def test_the_verifier_imports_only_its_own_modules() -> None:
    """No code shared with the booth's encryption path: every import is a sibling module."""
    files = sorted(p.stem for p in SCRIPTS.glob("*.js"))
    assert files == sorted(MODULES)
    for path in SCRIPTS.glob("*.js"):
        source = path.read_text("utf-8")
        for target in re.findall(r'^import .* from "([^"]+)";', source, re.MULTILINE):
            assert re.fullmatch(r"\./\w+\.js", target), (path.name, target)
            assert Path(target).stem in MODULES
        assert "electionguard" not in source.lower().replace("electionguard 2.1", "")
        assert "booth.js" not in source
        assert "fetch(" not in source and "XMLHttpRequest" not in source  # the page sends nothing


def test_the_checks_are_those_of_nazaha_verify() -> None:
    source = (SCRIPTS / "catalog.js").read_text("utf-8")
    listed = re.findall(r'^  \["(\w+)", "(.*)"\],$', source, re.MULTILINE)
    assert listed == [(c.number, c.title) for c in CHECKS]
    hexes = {
        name: "".join(re.findall(r'"([0-9A-F]+)"', block))
        for name, block in re.findall(r"^  (p|q|g):\s*((?:\s*\"[0-9A-F]+\"(?: \+)?)+)", source, re.MULTILINE)
    }
    assert int(hexes["p"], 16) == STANDARD_GROUP.p
    assert int(hexes["q"], 16) == STANDARD_GROUP.q
    assert int(hexes["g"], 16) == STANDARD_GROUP.g


def test_every_check_has_plain_words_in_both_languages() -> None:
    strings = strings_document()
    for language in ("ar", "en"):
        assert set(strings[language]["lines"]) == {c.number for c in CHECKS}
    assert set(UI["ar"]) == set(UI["en"])


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_page_is_served_self_contained(client: TestClient, lang: str) -> None:
    response = client.get(f"/{lang}/verify")
    assert response.status_code == 200
    page = response.text
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
    policy = response.headers["content-security-policy"]
    assert "connect-src 'none'" in policy and "worker-src blob:" in policy and "'unsafe-inline'" not in policy
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # nothing loaded from elsewhere
    assert UI[lang]["title"] in page
    assert verifier_bundle() in page
    download = client.get(f"/{lang}/verify/verifier.html")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    assert 'data-offline="true"' in download.text


def test_an_unknown_language_is_not_found(client: TestClient) -> None:
    assert client.get("/fr/verify").status_code == 404


def test_the_command_writes_the_offline_page(tmp_path: Path) -> None:
    target = tmp_path / "verifier.html"
    result = nazaha("verify-page", "--output", target, "--language", "ar")
    assert result.code == 0, result
    assert target.read_text("utf-8") == render_verifier_page("ar", offline=True)[0]
