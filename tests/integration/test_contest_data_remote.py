"""Contest data through the remote decryption (spec 2.1 §3.6.6): guardians on their own machines
(``nazaha guardian decrypt``) decrypt the challenged ballot's contest data in the same signed
messages as the tally, the ballot box checks each part and publishes it, and the record's
Verification 12 passes. SQLite only: the store's side is the tally's, tested on both databases."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.verify.runner import verify_record21
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.remote import ServiceClient
from tests.support.elections import make_service_election, write_in_manifest

TOKEN = "administrator-token-for-contest-data"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def test_remote_guardians_decrypt_the_challenged_contest_data(tmp_path: Path) -> None:
    election = make_service_election(
        tmp_path / "workspace", "contest-data-remote", guardians=3, quorum=2, manifest=write_in_manifest()
    )
    store = SqlStore.open(f"sqlite:///{tmp_path / 'box.db'}")
    try:
        client = TestClient(create_app(Settings(admin_token=TOKEN), BallotBoxService(store)))
        base = "/api/v1/elections/write-ins"
        created = client.post("/api/v1/elections", json={"id": "write-ins", "files": election.files}, headers=ADMIN)
        assert created.status_code == 201, created.text
        assert client.post(f"{base}/open", headers=ADMIN).status_code == 200
        for data, decision in zip(
            election.ballots(3, device="kiosk-w", seed="w"), ["cast", "challenge", "cast"], strict=True
        ):
            receipt = client.post(f"{base}/ballots", content=data)
            assert receipt.status_code == 201, receipt.text
            url = f"{base}/ballots/{receipt.json()['confirmation_code']}/{decision}"
            assert client.post(url, json={"token": receipt.json()["decision_token"]}).status_code == 200
        assert client.post(f"{base}/close", headers=ADMIN).status_code == 200
        assert client.post(f"{base}/tally", headers=ADMIN).status_code == 200
        assert client.post(f"{base}/decryption", json={"guardians": [1, 3]}, headers=ADMIN).status_code == 200
        outcomes: dict[int, object] = {}
        threads = election.guardians_decrypting(
            lambda: ServiceClient("http://testserver", TOKEN, transport=client._transport),
            "write-ins",
            (1, 3),
            outcomes,
            seed="w",
        )
        for thread in threads:
            thread.join(timeout=300)
        assert all(isinstance(outcome, bool) for outcome in outcomes.values()), outcomes
        assert client.get(base).json()["state"] == "published"
        archive = client.get(f"{base}/record")
        assert archive.status_code == 200
        zipfile.ZipFile(io.BytesIO(archive.content)).extractall(tmp_path / "out")
    finally:
        store.dispose()
    (root,) = (tmp_path / "out").iterdir()
    assert len(list((root / "contest_data").glob("*.json"))) == 1
    report = verify_record21(root)
    assert report.ok, list(report.failures())
    results = {r.check.number: r for r in report.results}
    assert results["12"].status.value == "passed" and results["12"].items == 1
