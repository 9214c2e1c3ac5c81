"""A running ballot box with one election, for the browser benchmark and the screenshots.

``running_site`` creates a 5-guardian election on the standard parameters (seeded), starts the
service on a free local port in a thread, opens voting and yields its URL. ``publish_results``
casts some machine-made ballots through the API, closes voting, tallies and lets guardians 1, 3
and 5 decrypt, so the results page has numbers.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from nazaha.ceremony.keyfile import KDF_TEST_ONLY
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.record.codec import encode_ballot
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.audit_boards import AuditBoards
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.demo import generate_ballots, load_sample_manifest
from nazaha.workflows.encryption import encrypt_on_devices
from nazaha.workflows.remote import ServiceClient, decrypt_as_guardian, decrypt_audit_as_guardian, election_files_of
from nazaha.workflows.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
TOKEN = "benchmark-admin-token"  # noqa: S105 - a throw-away local service
ELECTION = "wadi-al-noor-2026"
PASSPHRASES = [f"passphrase of guardian {i}" for i in range(1, 6)]
AUDIT_BOARDS = {"Board 1": "passcode of board one"}


@dataclass
class RunningSite:
    url: str
    workspace: Path

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def running_site() -> Iterator[RunningSite]:
    with tempfile.TemporaryDirectory(prefix="nazaha-site-") as folder:
        root = Path(folder)
        workspace = root / "workspace"
        Workspace.create(
            workspace,
            manifest_data=load_sample_manifest().canonical_bytes,
            group=STANDARD_GROUP,
            guardian_names=["Amina", "Boutros", "Dalia", "Fares", "Huda"],
            quorum=3,
            passphrases=PASSPHRASES,
            rng=SeededRandom("site"),
            kdf=KDF_TEST_ONLY,
        )
        url = f"sqlite:///{root / 'box.db'}"
        box = BallotBoxService(SqlStore.open(url))
        app = create_app(Settings(database_url=url, admin_token=TOKEN), box)
        app.state.audit_boards = AuditBoards(lambda: box.paper_audit(ELECTION), AUDIT_BOARDS, election=ELECTION)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        site = RunningSite(f"http://127.0.0.1:{port}", workspace)
        files = election_files_of(workspace)
        httpx.post(
            f"{site.url}/api/v1/elections", json={"id": ELECTION, "files": files}, headers=site.admin
        ).raise_for_status()
        httpx.post(f"{site.url}/api/v1/elections/{ELECTION}/open", headers=site.admin).raise_for_status()
        try:
            yield site
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def cast_machine_ballots(site: RunningSite, count: int) -> None:
    """Encrypt ``count`` random ballots in Python and cast them through the API."""
    context = Workspace(site.workspace).context()
    device = EncryptionDevice(context.group, context.extended_hash, "kiosk-1", ChainingMode.NONE)
    plaintexts = generate_ballots(context.manifest, count, SeededRandom("site ballots"))
    batch = encrypt_on_devices(context, [(device, plaintexts)], seed="site ballots")[0]
    labels = {index: contest.label for index, contest in context.manifest.iter_contests()}
    for item in batch.ballots:
        receipt = httpx.post(
            f"{site.url}/api/v1/elections/{ELECTION}/ballots",
            content=encode_ballot(context.group, item.ballot, None, labels),
            timeout=60,
        )
        receipt.raise_for_status()
        code = receipt.json()["confirmation_code"]
        token = receipt.json()["decision_token"]
        httpx.post(
            f"{site.url}/api/v1/elections/{ELECTION}/ballots/{code}/cast", json={"token": token}
        ).raise_for_status()


def publish_results(site: RunningSite) -> None:
    """Close voting, tally, and decrypt with guardians 1, 3 and 5."""
    for step in ("close", "tally"):
        httpx.post(f"{site.url}/api/v1/elections/{ELECTION}/{step}", headers=site.admin, timeout=300).raise_for_status()
    httpx.post(
        f"{site.url}/api/v1/elections/{ELECTION}/decryption", json={"guardians": [1, 3, 5]}, headers=site.admin
    ).raise_for_status()

    guardians_decrypt(site)


def guardians_decrypt(site: RunningSite, *, paper_audit: bool = False) -> None:
    """Guardians 1, 3 and 5 take part in the current decryption round (the tally's, or the paper
    audit's sampled ballots), each as ``nazaha guardian decrypt`` does."""
    decrypt = decrypt_audit_as_guardian if paper_audit else decrypt_as_guardian

    def guardian(index: int) -> None:
        client = ServiceClient(site.url, TOKEN)
        key = (site.workspace / "keys" / f"guardian_{index}.key").read_bytes()
        try:
            decrypt(client, ELECTION, key, PASSPHRASES[index - 1], SeededRandom(f"g{index}"), poll=0.2, timeout=600)
        finally:
            client.close()

    threads = [threading.Thread(target=guardian, args=(index,)) for index in (1, 3, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
