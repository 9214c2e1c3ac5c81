"""Only eligible voters' signed ballots get into the ballot box (issue 14), on SQLite and PostgreSQL.

An election with voter credentials: an unsigned ballot, a ballot signed with another election's
credential, a signature replayed onto another ballot, a revoked credential, and a second ballot
under the one-ballot policy are each refused with a 4xx problem and nothing stored; under the
re-voting policy the last cast ballot counts, and the verifier agrees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nazaha.ceremony.keyfile import KDF_TEST_ONLY, open_key_share
from nazaha.credentials.authority import Voter, issue_credentials, replace_credential
from nazaha.credentials.keys import KDF_TEST_ONLY as CREDENTIAL_KDF
from nazaha.credentials.keys import credential_seed, sign_submission
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.eligibility import CredentialKey, CredentialUpdate, EligibilityMode, EligibilityPolicy
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.record.codec import encode_ballot
from nazaha.record.eligibility import encode_credential_update, encode_credentials
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.verify.runner import verify_record21
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.demo import generate_ballots, load_sample_manifest
from nazaha.workflows.encryption import encrypt_on_devices
from nazaha.workflows.remote import election_files_of
from nazaha.workflows.workspace import Workspace

TOKEN = "eligibility-test-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
PASSPHRASES = [f"passphrase of guardian {i}" for i in range(1, 4)]


def _manifest(election_id: str) -> Manifest:
    doc = json.loads(load_sample_manifest().canonical_bytes)
    doc["election_id"] = election_id
    return parse_manifest(json.dumps(doc).encode())


@dataclass
class CredentialElection:
    """A 3-guardian election whose voters sign with credentials; what a voter's booth would hold."""

    workspace: Path
    manifest: Manifest
    files: dict[str, str]
    seeds: list[bytes]
    voters: list[Voter]

    def ballot(self, voter: int, seed: str, *, signer: bytes | None = None) -> bytes:
        """A fresh ballot of voter ``voter``'s style, signed with ``signer`` (default: the voter's
        own credential; ``b""`` for none)."""
        context = Workspace(self.workspace).context()
        style = self.voters[voter].style
        plaintext = next(b for b in generate_ballots(context.manifest, 20, SeededRandom(seed)) if b.style == style)
        device = EncryptionDevice(context.group, context.extended_hash, "booth", ChainingMode.NONE)
        item = encrypt_on_devices(context, [(device, [plaintext])], seed=seed)[0].ballots[0]
        key = self.seeds[voter] if signer is None else (signer or None)
        signatures = sign_submission(context.extended_hash, item.ballot.confirmation_code, key, None)
        labels = {i: c.label for i, c in context.manifest.iter_contests()}
        return encode_ballot(context.group, item.ballot, None, labels, signatures)


def _credential_election(root: Path, policy: EligibilityPolicy) -> CredentialElection:
    manifest = _manifest(f"eligibility-test-{policy.value}")
    styles = [style.label for style in manifest.ballot_styles]
    voters = [Voter(f"voter-{i}", styles[i % len(styles)]) for i in range(4)]
    rng = SeededRandom(f"credentials-{policy.value}")

    def fresh() -> str:
        from nazaha.credentials.codes import ALPHABET, with_check_symbol

        return with_check_symbol("".join(ALPHABET[rng.below(32)] for _ in range(15)))

    assert manifest.election_id is not None
    public, issued = issue_credentials(voters, manifest.election_id, CREDENTIAL_KDF, fresh=fresh)
    seeds = [credential_seed(one.credential, manifest.election_id, CREDENTIAL_KDF) for one in issued]
    Workspace.create(
        root,
        manifest_data=manifest.canonical_bytes,
        group=STANDARD_GROUP,
        guardian_names=[f"Guardian {i}" for i in range(1, 4)],
        quorum=2,
        passphrases=PASSPHRASES,
        rng=SeededRandom(f"ceremony-{policy.value}"),
        kdf=KDF_TEST_ONLY,
        credentials=encode_credentials(public),
        mode=EligibilityMode.CREDENTIALS,
        policy=policy,
    )
    return CredentialElection(root, manifest, election_files_of(root), seeds, voters)


@pytest.fixture(scope="module")
def one_ballot(tmp_path_factory: pytest.TempPathFactory) -> CredentialElection:
    return _credential_election(tmp_path_factory.mktemp("one-ballot") / "ws", EligibilityPolicy.ONE_BALLOT)


@pytest.fixture(scope="module")
def revote(tmp_path_factory: pytest.TempPathFactory) -> CredentialElection:
    return _credential_election(tmp_path_factory.mktemp("revote") / "ws", EligibilityPolicy.REVOTE)


@pytest.fixture
def box(store: SqlStore) -> tuple[TestClient, BallotBoxService, SqlStore]:
    service = BallotBoxService(store)
    return TestClient(create_app(Settings(admin_token=TOKEN), service)), service, store


def _open(client: TestClient, election: CredentialElection, election_id: str) -> str:
    created = client.post("/api/v1/elections", json={"id": election_id, "files": election.files}, headers=ADMIN)
    assert created.status_code == 201, created.text
    assert client.post(f"/api/v1/elections/{election_id}/open", headers=ADMIN).status_code == 200
    return f"/api/v1/elections/{election_id}"


def _state(store: SqlStore, election_id: str) -> tuple[int, str, int]:
    row = store.election(election_id)
    return row.board_length, row.board_head, sum(1 for _ in store.ballots(election_id))


def test_only_signed_ballots_of_listed_unrevoked_credentials_get_in(
    box: tuple[TestClient, BallotBoxService, SqlStore], one_ballot: CredentialElection, revote: CredentialElection
) -> None:
    client, _, store = box
    base = _open(client, one_ballot, "voters")
    accepted = client.post(f"{base}/ballots", content=one_ballot.ballot(0, "v0"))
    assert accepted.status_code == 201, accepted.text
    first = json.loads(one_ballot.ballot(0, "v0"))
    foreign_seed = revote.seeds[1]  # a credential of another election
    replayed = json.loads(one_ballot.ballot(1, "v1-other"))
    replayed["credential"], replayed["credential_signature"] = first["credential"], first["credential_signature"]
    cases = {
        "unsigned": (one_ballot.ballot(1, "v1", signer=b""), 403, "missing voter signature"),
        "another election's credential": (
            one_ballot.ballot(1, "v1", signer=foreign_seed),
            403,
            "not a credential of this election",
        ),
        "a signature replayed onto another ballot": (
            json.dumps(replayed, separators=(",", ":")).encode(),
            403,
            "signature does not match",
        ),
        "a second ballot under the one-ballot policy": (one_ballot.ballot(0, "v0-again"), 409, "already submitted"),
    }
    for case, (body, status, reason) in cases.items():
        before = _state(store, "voters")
        response = client.post(f"{base}/ballots", content=body)
        assert response.status_code == status, (case, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert reason in response.json()["detail"], (case, response.json()["detail"])
        assert _state(store, "voters") == before, case

    # Voter 1 lost their credential: the authority replaces it, and the old key is revoked.
    voter = one_ballot.voters[1]
    old_key = json.loads(one_ballot.ballot(1, "v1"))["credential"]
    assert one_ballot.manifest.election_id is not None
    new = replace_credential(voter, one_ballot.manifest.election_id, CREDENTIAL_KDF, fresh=lambda: "0" * 15 + "0")
    update = CredentialUpdate(bytes.fromhex(old_key), CredentialKey(new.key, voter.style, 1))
    posted = client.post(f"{base}/credentials/updates", content=encode_credential_update(update), headers=ADMIN)
    assert posted.status_code == 200, posted.text
    assert posted.json()["entry"]["kind"] == "credential"
    before = _state(store, "voters")
    revoked = client.post(f"{base}/ballots", content=one_ballot.ballot(1, "v1"))
    assert revoked.status_code == 403 and "revoked" in revoked.json()["detail"]
    assert _state(store, "voters") == before
    new_seed = credential_seed(new.credential, one_ballot.manifest.election_id, CREDENTIAL_KDF)
    assert client.post(f"{base}/ballots", content=one_ballot.ballot(1, "v1", signer=new_seed)).status_code == 201
    mine = client.get(f"{base}/credentials/{first['credential']}/ballots").json()
    assert [b["confirmation_code"] for b in mine["ballots"]] == [first["confirmation_code"]]
    summary = client.get(f"{base}/eligibility").json()
    assert summary["mode"] == "credentials" and summary["credentials"] == 4 and len(summary["credentials_sha256"]) == 64


def test_under_revoting_the_last_cast_ballot_counts_and_the_verifier_agrees(
    box: tuple[TestClient, BallotBoxService, SqlStore], revote: CredentialElection, tmp_path: Path
) -> None:
    client, service, _ = box
    base = _open(client, revote, "revoting")
    submitted = []
    for voter, seed in ((0, "first"), (1, "only"), (0, "second")):
        receipt = client.post(f"{base}/ballots", content=revote.ballot(voter, seed)).json()
        url = f"{base}/ballots/{receipt['confirmation_code']}/cast"
        assert client.post(url, json={"token": receipt["decision_token"]}).status_code == 200
        submitted.append(receipt["confirmation_code"])
    assert client.post(f"{base}/close", headers=ADMIN).status_code == 200
    tallied = client.post(f"{base}/tally", headers=ADMIN).json()
    assert tallied["cast_ballots"] == 2, "voter 0's first ballot is superseded by their second"
    context = service.context("revoting")
    guardians = []
    for i in (1, 2):
        key = open_key_share(
            (revote.workspace / f"keys/guardian_{i}.key").read_bytes(), PASSPHRASES[i - 1], context.group
        )
        guardians.append(DecryptingGuardian(context, key, SeededRandom(f"revote-{i}")))
    decrypted = service.lifecycle.decrypt_here("revoting", guardians)
    assert decrypted.cast_ballots == 2
    # The results page says how many credentials voted, as the verifier does (check E below).
    assert '<strong id="keys-voted">2 of 4</strong>' in client.get("/en/elections/revoting/results").text
    assert '<strong id="keys-voted">٢ من ٤</strong>' in client.get("/ar/elections/revoting/results").text
    record = service.write_record("revoting", tmp_path / "record")
    assert json.loads((record / "superseded.json").read_bytes()) == [submitted[0]]
    report = verify_record21(record)
    assert report.ok, list(report.failures())
    note = next(r.note for r in report.results if r.check.number == "E")
    assert note.startswith("mode credentials, policy revote; 2 of 4 credentials voted")
    # The workspace's folder declared the workspace's own key; the ballot box declared its own
    # (the only one it can sign with), and the record's signature checks against it.
    uploaded = json.loads(revote.files["eligibility.json"])
    published = json.loads((record / "eligibility.json").read_bytes())
    assert uploaded["administrator_key"] != service.record_key.hex().upper()
    assert published["administrator_key"] == service.record_key.hex().upper()
    signed = next(r for r in report.results if r.check.number == "S")
    assert not signed.failures and not signed.not_applicable and signed.items == 1
