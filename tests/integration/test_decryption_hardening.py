"""The decryption cannot be hijacked or stalled (issue 18, items 2 to 4), on SQLite and PostgreSQL:

* a guardian's messages are authenticated by its own key, not by the administrator's token, so no
  guardian (nor the administrator) can post in another's name;
* nothing invalid is stored: a share outside the group, or a wrong response, is refused and the
  guardian can still post the right one;
* a round whose guardian disappears is abandoned for another round with other guardians, visibly
  on the board, and the election is published;
* a challenged ballot whose encrypted nonce hides another nonce does not stall the count: it is
  published as unopened, with the guardians' proven shares, and the tally is published all the same.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nazaha.ceremony.keyfile import open_key_share
from nazaha.crypto.nonces import SeededRandom
from nazaha.election.ballot import BallotState, EncryptedBallot
from nazaha.errors import ConflictError
from nazaha.record.codec import decode_ballot, encode_ballot
from nazaha.record.decryption import CommitMessage, encode_commit, encode_respond, encode_reveal
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.verify.runner import verify_record21
from nazaha.voting import encrypt as encrypt_module
from nazaha.voting import nonce_encryption
from nazaha.voting.encrypt import encrypt_ballot_nonce
from nazaha.workflows import decryption as decryption_module
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.decryption import signed
from nazaha.workflows.remote import GuardianLedger
from tests.e2e import tamper
from tests.support.elections import ServiceElection

TOKEN = "administrator-token-for-decryption-tests"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Decrypting:
    """An election closed and tallied on the service, and every guardian ready to decrypt it."""

    client: TestClient
    box: BallotBoxService
    election: str
    service_election: ServiceElection
    guardians: dict[int, DecryptingGuardian]

    @property
    def base(self) -> str:
        return f"/api/v1/elections/{self.election}/decryption"

    def start(self, present: list[int], *, abandon: bool = False) -> int:
        response = self.client.post(self.base, json={"guardians": present, "abandon": abandon}, headers=ADMIN)
        assert response.status_code == 200, response.text
        number: int = response.json()["round"]
        return number

    def status(self) -> dict[str, object]:
        result: dict[str, object] = self.client.get(self.base).json()
        return result

    def post(
        self, step: str, guardian: int, body: bytes, number: int, *, signer: int | None = None
    ) -> tuple[int, dict[str, object]]:
        """Post ``body`` as ``guardian``'s ``step`` message, signed by ``signer`` (default: itself)."""
        who = self.guardians[signer or guardian]
        context = self.service_election.context
        signature = signed(who.sign, context, number, step, guardian, body).hex()
        response = self.client.post(
            f"{self.base}/{step}/{guardian}", content=body, headers={"Nazaha-Signature": signature}
        )
        return response.status_code, response.json()

    def messages(self, present: list[int]) -> tuple[dict[int, bytes], dict[int, bytes], dict[int, bytes]]:
        """Every present guardian's commit, reveal and respond messages, computed honestly."""
        group = self.service_election.context.group
        tally, challenged = self.box.lifecycle.encrypted_tally(self.election), self._challenged()
        commits, partials = {}, []
        for i in present:
            mine = self.guardians[i].commit(tally, present)
            shares = {b.code_hex: self.guardians[i].nonce_share(b) for b in challenged}
            commits[i] = encode_commit(group, CommitMessage(i, tuple(present), tuple(mine), shares))
            partials.extend(mine)
        reveals, revealed = {}, []
        for i in present:
            mine_revealed = self.guardians[i].reveal(partials)
            reveals[i] = encode_reveal(group, i, mine_revealed)
            revealed.extend(mine_revealed)
        responds = {i: encode_respond(group, i, self.guardians[i].respond(partials, revealed)) for i in present}
        return commits, reveals, responds

    def _challenged(self) -> list[EncryptedBallot]:
        group = self.service_election.context.group
        return [
            decode_ballot(self.box.challenged_ballot(self.election, code), group, code).ballot
            for code in self.box.challenged_codes(self.election)
        ]


def _guardians(service_election: ServiceElection, seed: str) -> dict[int, DecryptingGuardian]:
    context = service_election.context
    guardians = {}
    for i in range(1, 6):
        data = (service_election.workspace / f"keys/guardian_{i}.key").read_bytes()
        share = open_key_share(data, service_election.passphrases[i - 1], context.group)
        guardians[i] = DecryptingGuardian(context, share, SeededRandom(f"{seed}/{i}"))
    return guardians


@pytest.fixture
def decrypting(store: SqlStore, service_election: ServiceElection) -> Decrypting:
    box = BallotBoxService(store)
    client = TestClient(create_app(Settings(admin_token=TOKEN), box))
    election = "decryption"
    assert (
        client.post(
            "/api/v1/elections", json={"id": election, "files": service_election.files}, headers=ADMIN
        ).status_code
        == 201
    )
    client.post(f"/api/v1/elections/{election}/open", headers=ADMIN)
    ballots = service_election.ballots(3, device="kiosk-dec", seed="decryption")
    for data, decision in zip(ballots, ["cast", "cast", "challenge"], strict=True):
        receipt = client.post(f"/api/v1/elections/{election}/ballots", content=data).json()
        url = f"/api/v1/elections/{election}/ballots/{receipt['confirmation_code']}/{decision}"
        assert client.post(url, json={"token": receipt["decision_token"]}).status_code == 200
    assert client.post(f"/api/v1/elections/{election}/close", headers=ADMIN).status_code == 200
    assert client.post(f"/api/v1/elections/{election}/tally", headers=ADMIN).status_code == 200
    return Decrypting(client, box, election, service_election, _guardians(service_election, "decrypting"))


def test_a_guardian_cannot_post_in_another_guardians_name(decrypting: Decrypting) -> None:
    number = decrypting.start([1, 3, 5])
    commits, _, _ = decrypting.messages([1, 3, 5])
    status, problem = decrypting.post("commit", 3, commits[3], number, signer=1)
    assert status == 403 and "not signed by guardian 3's key" in str(problem["detail"])
    unsigned = decrypting.client.post(f"{decrypting.base}/commit/3", content=commits[3], headers=ADMIN)
    assert unsigned.status_code == 401, "the administrator's token is not a guardian's credential"
    assert decrypting.status()["committed"] == []
    assert decrypting.post("commit", 3, commits[3], number)[0] == 200, "the real guardian 3 is not locked out"
    assert decrypting.status()["committed"] == [3]
    replayed = decrypting.post("commit", 3, commits[3], number + 1)
    assert replayed[0] == 403, "a signature binds the message to its round"


def test_nothing_invalid_is_stored_and_the_right_message_still_gets_in(decrypting: Decrypting) -> None:
    present = [1, 2, 3]
    number = decrypting.start(present)
    commits, reveals, responds = decrypting.messages(present)
    doc = commits[1].replace(commits[1][commits[1].index(b'"share":"') + 9 :].split(b'"')[0], b"0" * 1024, 1)
    status, problem = decrypting.post("commit", 1, doc, number)
    assert status == 422 and "not in Z_p^r" in str(problem["detail"])
    for i in present:
        assert decrypting.post("commit", i, commits[i], number)[0] == 200
    for i in present:
        assert decrypting.post("reveal", i, reveals[i], number)[0] == 200
    assert decrypting.post("respond", 1, responds[1], number)[0] == 200
    assert decrypting.post("respond", 2, responds[2], number)[0] == 200
    wrong = responds[2]  # guardian 2's response posted as guardian 3's: well formed, signed, wrong
    wrong = wrong.replace(b'"guardian":2', b'"guardian":3')
    status, problem = decrypting.post("respond", 3, wrong, number)
    assert status == 422 and "Note 3.7" in str(problem["detail"])
    assert decrypting.status()["responded"] == [1, 2] and decrypting.status()["state"] == "decrypting"
    status, answer = decrypting.post("respond", 3, responds[3], number)
    assert status == 200 and answer["finished"] is True
    assert decrypting.post("respond", 3, responds[3], number) == (200, answer), "posting again is idempotent"
    assert decrypting.box.decrypted_tally(decrypting.election) is not None


def test_a_stalled_round_is_abandoned_for_another_visibly_on_the_board(decrypting: Decrypting, tmp_path: Path) -> None:
    first = decrypting.start([1, 2, 3])
    commits, _, _ = decrypting.messages([1, 2, 3])
    for i in (1, 2):
        assert decrypting.post("commit", i, commits[i], first)[0] == 200
    # Guardian 3 is gone. Another round needs an explicit abandon.
    refused = decrypting.client.post(decrypting.base, json={"guardians": [2, 4, 5]}, headers=ADMIN)
    assert refused.status_code == 409 and "abandon" in refused.json()["detail"]
    second = decrypting.start([2, 4, 5], abandon=True)
    assert second == first + 1 and decrypting.status()["committed"] == []
    stale = decrypting.post("commit", 1, commits[1], first)
    assert stale[0] in (403, 409), "a message of the abandoned round is refused"
    commits, reveals, responds = decrypting.messages([2, 4, 5])
    for step, messages in (("commit", commits), ("reveal", reveals), ("respond", responds)):
        for i in (2, 4, 5):
            assert decrypting.post(step, i, messages[i], second)[0] == 200
    assert decrypting.status()["state"] == "published"
    board = decrypting.client.get(f"/api/v1/elections/{decrypting.election}/board", params={"limit": 500}).json()
    assert [e["kind"] for e in board["entries"]][-3:] == ["close", "decrypt", "decrypt"]
    tally = decrypting.box.decrypted_tally(decrypting.election)
    assert tally is not None and list(tally.guardians_present) == [2, 4, 5]
    record = decrypting.box.write_record(decrypting.election, tmp_path / "record")
    assert (record / "decryption/round-1.json").is_file() and (
        record / "decryption/round-2/respond/guardian_5.sig"
    ).is_file()


def test_a_challenged_ballot_that_does_not_open_is_published_as_such(
    store: SqlStore, service_election: ServiceElection, tmp_path: Path
) -> None:
    """The ballot's proofs are valid, but its encrypted ballot nonce hides another nonce. Left
    undecided, it is challenged at close; the guardians' proven shares decrypt a nonce that does
    not reproduce it, so it is published as unopened and the count goes on."""
    box = BallotBoxService(store)
    context = service_election.context
    group = context.group
    election = box.create_election({k: v.encode() for k, v in service_election.files.items()}, "hostile").id
    box.open_voting(election)
    honest = service_election.ballots(2, device="kiosk-hostile", seed="hostile")
    decoded = decode_ballot(honest[1], group, "ballot")
    ballot = decoded.ballot
    wrong_nonce = encrypt_ballot_nonce(group, context.data_key, ballot.id_hash, bytes(32), SeededRandom("wrong"))
    hostile = encode_ballot(
        group, dataclasses.replace(ballot, encrypted_nonce=wrong_nonce), None, decoded.contest_labels
    )
    cast, _ = box.submit(election, honest[0])
    box.decide(election, cast.confirmation_code, BallotState.CAST, cast.decision_token)
    box.submit(election, hostile)  # never decided by its voter
    box.close_voting(election)
    box.tally(election)
    guardians = _guardians(service_election, "hostile")
    tally = box.lifecycle.decrypt_here(election, [guardians[1], guardians[2], guardians[4]])
    assert tally.cast_ballots == 1
    assert box.election(election).state.value == "published"
    assert box.openings(election) == []
    unopened = box.lifecycle.unopened(election)
    assert [u.confirmation_code for u in unopened] == [ballot.confirmation_code]
    assert sorted(s.guardian for s in unopened[0].shares) == [1, 2, 4]
    # The record verifies, and says in plain words that a device hid another nonce.
    record = box.write_record(election, tmp_path / "record")
    report = verify_record21(record)
    assert report.ok, list(report.failures())
    assert report.warning_names() == ["unopened-ballot", "open-election"]
    # A forged share in the unopened ballot's file is caught (the index re-written as an attacker would).
    doc = json.loads((record / f"unopened/{ballot.code_hex}.json").read_bytes())
    doc["shares"][0]["response"] = f"{(int(doc['shares'][0]['response'], 16) + 1) % group.q:064X}"
    (record / f"unopened/{ballot.code_hex}.json").write_bytes(json.dumps(doc, separators=(",", ":")).encode())
    tamper.reindex(record)
    forged = verify_record21(record)
    assert not forged.ok and {f.label for _, f in forged.failures()} == {"13.U", "S.B"}  # re-indexed: not re-signed


def test_a_guardian_key_serves_one_election_only(tmp_path: Path) -> None:
    """A ballot cast in one election could be replayed into a second made from the same ceremony
    files on another ballot box; the guardian's ledger refuses to decrypt that second one."""
    ledger = GuardianLedger(tmp_path / "guardian_1.key.elections.json")
    ledger.admit("AB" * 32, "election 'city' at http://box-a/")
    ledger.admit("AB" * 32, "election 'city' at http://box-a/")  # the same election again: resuming
    with pytest.raises(ConflictError, match="serve one election only"):
        ledger.admit("AB" * 32, "election 'city' at http://box-b/")
    ledger.admit("CD" * 32, "election 'town' at http://box-b/")  # another key ceremony: fine
    assert GuardianLedger(ledger.path)._read() == {
        "AB" * 32: "election 'city' at http://box-a/",
        "CD" * 32: "election 'town' at http://box-b/",
    }


@pytest.mark.parametrize("fallback", [True, False], ids=["opened", "hidden"])
def test_a_ballot_with_the_legacy_kdf_labels_still_opens(
    store: SqlStore,
    service_election: ServiceElection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fallback: bool,
) -> None:
    """A ballot encrypted before Nazaha followed the PDF's KDF labels (eq. 36: ``ballot nonce`` with
    spaces) is challenged at close: the guardians' nonce opens it under the legacy labels, so it is
    published as opened. Published as unopened instead (the fallback switched off, as a publisher
    hiding it would), the verifier finds that the shares do open it: 13.U."""
    box = BallotBoxService(store)
    context = service_election.context
    legacy_key = functools.partial(nonce_encryption.ballot_nonce_key, legacy=True)
    with monkeypatch.context() as patched:
        patched.setattr(encrypt_module, "ballot_nonce_key", legacy_key)
        ballots = service_election.ballots(2, device="kiosk-legacy", seed="legacy labels")
    if not fallback:
        monkeypatch.setattr(decryption_module, "_open_challenged", lambda *_: None)
    election = box.create_election({k: v.encode() for k, v in service_election.files.items()}, "legacy").id
    box.open_voting(election)
    cast, _ = box.submit(election, ballots[0])
    box.decide(election, cast.confirmation_code, BallotState.CAST, cast.decision_token)
    box.submit(election, ballots[1])  # never decided: challenged at close
    box.close_voting(election)
    box.tally(election)
    guardians = _guardians(service_election, "legacy")
    box.lifecycle.decrypt_here(election, [guardians[1], guardians[3], guardians[5]])
    assert box.election(election).state.value == "published"
    report = verify_record21(box.write_record(election, tmp_path / "record"))
    code = decode_ballot(ballots[1], context.group, "ballot").ballot.confirmation_code
    if fallback:
        assert [o.confirmation_code for o in box.openings(election)] == [code]
        assert report.ok, list(report.failures())
        assert report.warning_names() == ["open-election"]
    else:
        assert [u.confirmation_code for u in box.lifecycle.unopened(election)] == [code]
        assert {f.label for _, f in report.failures()} == {"13.U"}
