"""The pages without a browser: languages, numbers and dates, the board's paging and search, the
officials' sign-in and form tokens, errors as pages, the booth's context."""

from __future__ import annotations

import io
import re

import pytest
import segno
from fastapi.testclient import TestClient

from nazaha.service.app import create_app
from nazaha.service.pages.i18n import catalog, format_date, format_number, format_percent
from nazaha.service.settings import Settings
from nazaha.storage.memory import MemoryStore
from nazaha.storage.sql.store import SqlStore
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.booth import booth_context
from tests.support.elections import ServiceElection

TOKEN = "pages-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(service_election: ServiceElection) -> TestClient:
    client = TestClient(create_app(Settings(admin_token=TOKEN), BallotBoxService(MemoryStore())))
    assert (
        client.post(
            "/api/v1/elections", json={"id": "city", "files": service_election.files}, headers=ADMIN
        ).status_code
        == 201
    )
    assert client.post("/api/v1/elections/city/open", headers=ADMIN).status_code == 200
    return client


def test_numbers_and_dates_in_each_language() -> None:
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234567, "ar") == "١٬٢٣٤٬٥٦٧"
    assert format_number(12.5, "ar", 1) == "١٢٫٥"
    assert format_percent(0.1605, "en") == "16.1%"
    assert format_percent(0.1605, "ar") == "١٦٫١٪"
    assert format_date("2026-11-29T08:05:00Z", "en") == "29 November 2026, 08:05 UTC"
    assert format_date("2026-11-29T08:05:00Z", "ar") == "٢٩ نوفمبر ٢٠٢٦، ٠٨:٠٥ بالتوقيت العالمي"
    assert set(catalog("ar")) == set(catalog("en")), "every text exists in both languages"


def test_pages_render_in_both_directions(client: TestClient) -> None:
    for lang, direction in (("ar", "rtl"), ("en", "ltr")):
        for path in ("", "/elections/city", "/elections/city/vote", "/elections/city/board", "/elections/city/results"):
            page = client.get(f"/{lang}{path}/" if not path else f"/{lang}{path}")
            assert page.status_code == 200, (lang, path)
            assert f'<html lang="{lang}" dir="{direction}">' in page.text
            assert "http://" not in page.text and "https://" not in page.text, "no outside resources"
            assert "script-src 'self'" in page.headers["content-security-policy"]
    assert (
        client.get("/", headers={"Accept-Language": "ar-EG,ar"}, follow_redirects=False).headers["location"] == "/ar/"
    )
    assert client.get("/", follow_redirects=False).headers["location"] == "/en/"


def test_every_control_has_a_label(client: TestClient) -> None:
    page = client.get("/en/elections/city/vote").text
    inputs = re.findall(r'<input type="checkbox" id="([^"]+)"', page)
    assert inputs
    for identifier in inputs:
        assert f'<label for="{identifier}">' in page
    assert '<label for="style"' in page


def test_booth_context_matches_the_election(client: TestClient, service_election: ServiceElection) -> None:
    served = client.get("/api/v1/elections/city/booth").json()
    assert served == booth_context(service_election.context)
    page = client.get("/ar/elections/city/vote").text
    assert '<script type="application/json" id="booth-data">' in page
    assert '<script type="module" src="/static/js/booth.js">' in page
    assert client.get("/static/js/electionguard.js").status_code == 200
    assert client.get("/static/css/nazaha.css").status_code == 200


def test_board_pages_and_search(client: TestClient, service_election: ServiceElection) -> None:
    codes = []
    for data in service_election.ballots(3, device="pages-kiosk", seed="pages"):
        codes.append(client.post("/api/v1/elections/city/ballots", content=data).json()["confirmation_code"])
    page = client.get("/en/elections/city/board").text
    assert all(code in page for code in codes)
    found = client.get("/en/elections/city/board", params={"code": codes[1][:10].lower()}).text
    assert codes[1] in found and codes[0] not in found
    assert "No entries match." in client.get("/en/elections/city/board", params={"code": "ZZZZ"}).text
    assert "١" in client.get("/ar/elections/city/board").text


def test_the_receipt_qr_code_opens_the_board_at_the_code(client: TestClient) -> None:
    code = "0123456789abcdef" * 4
    served = client.get(f"/ar/elections/city/ballots/{code}/qr.svg")
    assert served.status_code == 200 and served.headers["content-type"] == "image/svg+xml"
    assert served.headers["content-security-policy"].startswith("default-src 'none'")
    expected = io.BytesIO()
    link = f"http://testserver/ar/elections/city/board?code={code.upper()}"
    segno.make(link, error="m").save(expected, kind="svg", xmldecl=False, svgns=True, scale=4, border=4, light="#fff")
    assert served.content == expected.getvalue(), "the QR code holds the board's address for the code"
    assert client.get("/en/elections/city/ballots/ABCD/qr.svg").status_code == 400
    arabic_digits = "\u0661" * 64  # digits, but not the code's
    assert client.get(f"/en/elections/city/ballots/{arabic_digits}/qr.svg").status_code == 400
    assert client.get(f"/en/elections/nowhere/ballots/{code}/qr.svg").status_code == 404
    assert client.get(f"/fr/elections/city/ballots/{code}/qr.svg").status_code == 404
    booth = client.get("/en/elections/city/vote").text
    assert '<img id="receipt-qr" alt="">' in booth and catalog("en")["receipt_qr"] in booth


def test_results_wait_for_the_tally(client: TestClient) -> None:
    assert "The results are not published yet." in client.get("/en/elections/city/results").text
    assert "لم تُنشر النتائج بعد." in client.get("/ar/elections/city/results").text


def test_errors_are_pages_for_people_and_problems_for_programs(client: TestClient) -> None:
    page = client.get("/ar/elections/nowhere")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert 'dir="rtl"' in page.text and "nowhere" in page.text
    assert client.get("/fr/").status_code == 404
    api = client.get("/api/v1/elections/nowhere")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_officials_need_the_token_and_the_form_token(client: TestClient) -> None:
    assert 'id="token"' in client.get("/en/admin").text
    refused = client.post("/en/admin/elections/city/close", data={"form_token": "x"})
    assert refused.status_code == 401
    assert client.get("/api/v1/elections/city").json()["state"] == "open"
    wrong = client.post("/en/admin/login", data={"token": "nope"}, follow_redirects=True)
    assert "That token is not valid." in wrong.text
    signed = client.post("/en/admin/login", data={"token": TOKEN}, follow_redirects=True)
    assert "Close voting" in signed.text
    form_token = re.search(r'name="form_token" value="([0-9a-f]+)"', signed.text)
    assert form_token
    forged = client.post("/en/admin/elections/city/close", data={"form_token": "0" * 64})
    assert forged.status_code == 403
    assert client.get("/api/v1/elections/city").json()["state"] == "open"
    closed = client.post(
        "/en/admin/elections/city/close", data={"form_token": form_token.group(1)}, follow_redirects=True
    )
    assert "Done: voting is closed." in closed.text
    assert client.get("/api/v1/elections/city").json()["state"] == "closed"
    again = client.post(
        "/en/admin/elections/city/close", data={"form_token": form_token.group(1)}, follow_redirects=True
    )
    assert 'class="notice error"' in again.text, "a refused step is reported on the page"
    assert client.post("/en/admin/logout", follow_redirects=True).status_code == 200
    assert 'id="token"' in client.get("/en/admin").text


def test_board_search_by_prefix_on_each_database(store: SqlStore, service_election: ServiceElection) -> None:
    client = TestClient(create_app(Settings(admin_token=TOKEN), BallotBoxService(store)))
    client.post("/api/v1/elections", json={"id": "city", "files": service_election.files}, headers=ADMIN)
    client.post("/api/v1/elections/city/open", headers=ADMIN)
    codes = sorted(
        client.post("/api/v1/elections/city/ballots", content=data).json()["confirmation_code"]
        for data in service_election.ballots(3, device="prefix-kiosk", seed="prefix")
    )
    assert store.codes_with_prefix("city", codes[0][:6], 10) == [codes[0]]
    assert store.codes_with_prefix("city", "", 10) == codes
    assert store.codes_with_prefix("city", "x%", 10) == []
    page = client.get("/en/elections/city/board", params={"code": codes[2][:8]}).text
    assert codes[2] in page and codes[0] not in page
