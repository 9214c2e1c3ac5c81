"""The whole ballot-box API on SQLite and on PostgreSQL; the record it exports verifies."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from nazaha.record.board import BoardKind
from nazaha.record.hints import split_submission
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.verify.formats import verify_any
from nazaha.voting.confirmation import ChainingMode
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.remote import ServiceClient
from tests.support.elections import ServiceElection

TOKEN = "administrator-token-for-tests"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def test_full_election_through_the_api(store: SqlStore, service_election: ServiceElection, tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(admin_token=TOKEN), BallotBoxService(store)))
    assert client.get("/api/v1/health").json()["status"] == "ok"
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Nazaha ballot box"
    created = client.post("/api/v1/elections", json={"id": "city-2026", "files": service_election.files}, headers=ADMIN)
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "setup"
    assert client.post("/api/v1/elections/city-2026/open", headers=ADMIN).json()["state"] == "open"

    chained = service_election.ballots(3, device="kiosk-chain", mode=ChainingMode.SIMPLE, seed="api")
    # The loose device sends each ballot with its proofs' commitments: checked in one batch.
    loose = service_election.ballots(3, device="kiosk-loose", mode=ChainingMode.NONE, seed="api", with_hints=True)
    receipts = []
    for data in chained + loose:
        response = client.post("/api/v1/elections/city-2026/ballots", content=data)
        assert response.status_code == 201, response.text
        receipts.append(response.json())
    again = client.post("/api/v1/elections/city-2026/ballots", content=chained[0])
    assert again.status_code == 200 and again.json() == receipts[0], "resubmission is idempotent"
    _envelopes_are_stored_bare(client, store, loose[0], receipts[3], service_election)

    decisions = ["cast", "cast", "challenge", "cast", "cast", None]
    for receipt, decision in zip(receipts, decisions, strict=True):
        if decision:
            url = f"/api/v1/elections/city-2026/ballots/{receipt['confirmation_code']}/{decision}"
            assert client.post(url, json={"token": receipt["decision_token"]}).status_code == 200
    challenged = receipts[2]["confirmation_code"]
    lookup = client.get(f"/api/v1/elections/city-2026/ballots/{challenged}").json()
    assert lookup["state"] == "challenged" and [e["kind"] for e in lookup["entries"]] == ["ballot", "challenge"]
    _no_opening_before_the_count(client, challenged, receipts[0]["confirmation_code"])

    board = client.get("/api/v1/elections/city-2026/board", params={"limit": 4}).json()
    assert board["length"] == 1 + 6 + 5 and len(board["entries"]) == 4  # opening, 6 ballots, 5 decisions
    assert board["entries"][0]["previous"] == service_election.context.extended_hash.hex().upper()
    assert board["entries"][0]["kind"] == "open"
    rest = client.get("/api/v1/elections/city-2026/board", params={"offset": 4, "limit": 100}).json()
    assert rest["entries"][0]["position"] == 5 and rest["head"] == rest["entries"][-1]["hash"]

    closed = client.post("/api/v1/elections/city-2026/close", headers=ADMIN).json()
    assert closed["challenged_at_close"] == [receipts[5]["confirmation_code"]]
    assert client.post("/api/v1/elections/city-2026/tally", headers=ADMIN).json()["cast_ballots"] == 4
    assert (
        client.post("/api/v1/elections/city-2026/decryption", json={"guardians": [1, 3, 5]}, headers=ADMIN).status_code
        == 200
    )

    _guardians_1_3_5_decrypt(client, service_election)
    assert client.get("/api/v1/elections/city-2026").json()["state"] == "published"
    tally = client.get("/api/v1/elections/city-2026/tally").json()
    assert tally["cast_ballots"] == 4 and tally["guardians_present"] == [1, 3, 5]

    archive = client.get("/api/v1/elections/city-2026/record")
    assert archive.status_code == 200
    zipfile.ZipFile(io.BytesIO(archive.content)).extractall(tmp_path)
    # challenged by the voter, and at the close
    _openings_as_in_the_record(client, (challenged, receipts[5]["confirmation_code"]), tmp_path / "city-2026-record")
    report = verify_any(tmp_path / "city-2026-record")
    assert report.ok, list(report.failures())
    assert (tmp_path / "city-2026-record" / "hints" / "index.json").is_file(), "the export carries the proof hints"
    assert "hints-refused" not in report.warning_names(), "and every ballot's proofs were checked from them"
    assert {r.check.number: r.items for r in report.results}["13"] == 2
    stored = sum(1 for e in store.board("city-2026", 0, 500) if e.kind is BoardKind.BALLOT)
    assert stored == 6


def _envelopes_are_stored_bare(
    client: TestClient, store: SqlStore, sent: bytes, receipt: dict[str, str], service_election: ServiceElection
) -> None:
    """A ballot sent in the envelope with its hints is stored as the bare ballot file; sending
    it again, with or without the envelope, is the same idempotent retry."""
    again = client.post("/api/v1/elections/city-2026/ballots", content=sent)
    assert again.status_code == 200 and again.json() == receipt
    plain, offered = split_submission(sent, service_election.context.group)
    assert offered, "the envelope carried the commitments"
    assert client.post("/api/v1/elections/city-2026/ballots", content=plain).json() == receipt
    row = store.ballot("city-2026", receipt["confirmation_code"])
    assert row is not None and row.data == plain, "the ballot is stored without its envelope"
    length = len(store.board("city-2026", 0, 500))
    for broken in (sent[:20], sent[:-1]):
        refused = client.post("/api/v1/elections/city-2026/ballots", content=broken)
        assert refused.status_code == 400 and "submission" in refused.json()["detail"], refused.text
    assert len(store.board("city-2026", 0, 500)) == length, "nothing was stored"


def _guardians_1_3_5_decrypt(client: TestClient, service_election: ServiceElection) -> None:
    outcomes: dict[int, object] = {}
    threads = service_election.guardians_decrypting(
        lambda: ServiceClient("http://testserver", TOKEN, transport=client._transport),
        "city-2026",
        (1, 3, 5),
        outcomes,
        seed="g",
    )
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(outcomes) == [1, 3, 5]
    assert all(isinstance(outcome, bool) for outcome in outcomes.values()), outcomes
    assert any(outcomes.values())


def _no_opening_before_the_count(client: TestClient, challenged: str, cast: str) -> None:
    early = client.get(f"/api/v1/elections/city-2026/ballots/{challenged}/opening")
    assert early.status_code == 404 and early.headers["content-type"] == "application/problem+json"
    assert "not opened yet" in early.json()["detail"], "before the decryption, the guardians have opened nothing"
    assert "not challenged" in client.get(f"/api/v1/elections/city-2026/ballots/{cast}/opening").json()["detail"]


def _openings_as_in_the_record(client: TestClient, codes: tuple[str, ...], record: Path) -> None:
    """The guardians' opening of each challenged ballot, served for the checker page, is the
    record's ``challenged/<code>.json``."""
    for code in codes:
        opening = client.get(f"/api/v1/elections/city-2026/ballots/{code.lower()}/opening")
        assert opening.status_code == 200, opening.text
        body = opening.json()
        assert (body["confirmation_code"], body["opened"], body["file"]) == (code, True, f"challenged/{code}.json")
        assert body["document"] == json.loads((record / body["file"]).read_bytes()), "the record's file"


def test_admin_actions_need_the_token(store: SqlStore, service_election: ServiceElection) -> None:
    client = TestClient(create_app(Settings(admin_token=TOKEN), BallotBoxService(store)))
    missing = client.post("/api/v1/elections", json={"files": service_election.files})
    assert missing.status_code == 401 and missing.headers["content-type"] == "application/problem+json"
    wrong = client.post(
        "/api/v1/elections", json={"files": service_election.files}, headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 403
    disabled = TestClient(create_app(Settings(admin_token=""), BallotBoxService(store)))
    assert (
        disabled.post("/api/v1/elections", json={"files": {}}, headers={"Authorization": "Bearer "}).status_code == 403
    )
    assert client.get("/api/v1/elections").json() == []
