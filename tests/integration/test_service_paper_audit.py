"""The ballot box's paper audit refuses what it must (SQLite; the store's side runs on both
databases in ``tests/e2e/test_service_paper_audit.py``):

* the audit's steps need the administrator's token, come in order, once each, and only after
  the results are published; bad values get a clear 4xx and change nothing;
* a guardian's audit message is authenticated by its own key, under the audit's own step names
  (a tally message's signature does not do), must cover exactly the round's ballots, and is
  checked before it is stored (a share outside the group is refused, the right one then taken);
* a guardian refuses to decrypt a ballot the audit did not sample, or a ballot whose
  encryptions do not give its confirmation code, whatever the service asks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from nazaha.ceremony.keyfile import open_key_share
from nazaha.crypto.nonces import SeededRandom
from nazaha.errors import ConflictError, InputError
from nazaha.record.codec import decode_ballot
from nazaha.record.decryption import encode_commit, encode_respond, encode_reveal
from nazaha.record.paper_audit import encode_audit_doc, entry_hash, file_digest
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.decryption import signed
from nazaha.workflows.paper_audit import audited_tally
from nazaha.workflows.remote import ServiceClient, decrypt_audit_as_guardian
from nazaha.workflows.service_audit import ballot_of, commit_message, encode_audit_message
from tests.e2e.tamper import bump_hex_p, canonical
from tests.support.elections import ServiceElection

TOKEN = "administrator-token-for-audit-tests"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
ELECTION = "audit-hardening"
BASE = f"/api/v1/elections/{ELECTION}/paper-audit"


@dataclass
class Audited:
    client: TestClient
    box: BallotBoxService
    election: ServiceElection
    codes: list[str]

    def post(self, path: str, body: dict[str, Any], *, admin: bool = True) -> httpx.Response:
        response: httpx.Response = self.client.post(f"{BASE}{path}", json=body, headers=ADMIN if admin else None)
        return response


def _guardian(election: ServiceElection, index: int, seed: str) -> DecryptingGuardian:
    context = election.context
    data = (election.workspace / f"keys/guardian_{index}.key").read_bytes()
    share = open_key_share(data, election.passphrases[index - 1], context.group)
    return DecryptingGuardian(context, share, SeededRandom(f"{seed}/{index}"))


@pytest.fixture
def audited(tmp_path: Path, service_election: ServiceElection) -> Any:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'box.db'}")
    box = BallotBoxService(store)
    client = TestClient(create_app(Settings(admin_token=TOKEN), box))
    created = client.post("/api/v1/elections", json={"id": ELECTION, "files": service_election.files}, headers=ADMIN)
    assert created.status_code == 201, created.text
    client.post(f"/api/v1/elections/{ELECTION}/open", headers=ADMIN)
    codes = []
    for data in service_election.ballots(6, device="kiosk-audit", seed="audit-hardening"):
        receipt = client.post(f"/api/v1/elections/{ELECTION}/ballots", content=data).json()
        url = f"/api/v1/elections/{ELECTION}/ballots/{receipt['confirmation_code']}/cast"
        assert client.post(url, json={"token": receipt["decision_token"]}).status_code == 200
        codes.append(receipt["confirmation_code"])
    assert client.post(f"/api/v1/elections/{ELECTION}/close", headers=ADMIN).status_code == 200
    assert client.post(f"/api/v1/elections/{ELECTION}/tally", headers=ADMIN).status_code == 200
    # before publication there is no audit to run
    assert client.get(BASE).status_code == 409
    assert client.post(BASE, json={"risk_limit": 0.1}, headers=ADMIN).status_code == 409
    box.lifecycle.decrypt_here(ELECTION, [_guardian(service_election, i, "tally") for i in (1, 3, 5)])
    yield Audited(client, box, service_election, codes)
    store.dispose()


def test_the_audit_steps_need_the_token_come_in_order_and_once(audited: Audited) -> None:
    assert audited.client.get(BASE).json() == {"state": "not started"}
    assert audited.post("", {"risk_limit": 0.1}, admin=False).status_code == 401
    assert audited.post("/seed", {"seed": "1" * 24}).status_code == 409, "no seed before the commitment"
    for bad in ({"risk_limit": "0.1"}, {"risk_limit": True}, {"risk_limit": 0.1, "contests": "mayor"},
                {"risk_limit": 0.1, "contests": ["no-such-contest"]}, {"risk_limit": 2.0}):  # fmt: skip
        answer = audited.post("", bad)
        assert answer.status_code == 400, (bad, answer.text)
        assert answer.json()["detail"]
    assert audited.client.get(BASE).json() == {"state": "not started"}, "a refused commitment stores nothing"
    committed = audited.post("", {"risk_limit": 0.1})
    assert committed.status_code == 200, committed.text
    digest = committed.json()["commitment"]
    assert audited.post("", {"risk_limit": 0.1}).status_code == 409, "committed once"
    assert audited.client.get(f"{BASE}/files/commitment.json").status_code == 200
    for name in ("../record.json", "log", "decrypted/xyz.json", "a" * 60 + ".json"):
        assert audited.client.get(f"{BASE}/files/{name}").status_code == 404, name
    assert audited.post("/rounds", {}).status_code == 409, "no round before the seed"
    assert audited.post("/seed", {"seed": "12345"}).status_code == 400, "too few digits"
    assert audited.post("/seed", {"seed": "1" * 24, "source": "tea leaves"}).status_code == 400
    assert audited.post("/seed", {"seed": "27182818284590452353602"}).status_code == 200
    assert audited.post("/seed", {"seed": "31415926535897932384626"}).status_code == 409, "the seed never changes"
    assert audited.post("/rounds", {"size": 0}).status_code == 400
    assert audited.post("/rounds", {"size": 10**6}).status_code == 400, "no more draws than cards"
    assert audited.post("/rounds", {"size": 1.5}).status_code == 400
    drawn = audited.post("/rounds", {"size": 2})
    assert drawn.status_code == 200, drawn.text
    assert drawn.json()["round"] == 1 and drawn.json()["commitment"] == digest
    assert audited.post("/measure", {}).status_code == 409, "nothing read yet"
    assert audited.post("/decryption", {"guardians": [1]}).status_code == 422, "below the quorum"
    assert audited.post("/decryption", {"guardians": "1,3"}).status_code == 400


def _messages(audited: Audited, present: list[int]) -> tuple[dict[int, bytes], dict[int, bytes], dict[int, bytes]]:
    """Each present guardian's honest commit, reveal and respond messages for the round."""
    context = audited.election.context
    group = context.group
    status = audited.client.get(f"{BASE}/decryption").json()
    documents = audited.client.get(f"{BASE}/decryption/ballots").json()
    commitment = json.loads(audited.client.get(f"{BASE}/files/commitment.json").content)
    contests = {card["ballot"]: card["contests"] for card in commitment["cards"]}
    tallies = {
        code: audited_tally(context, ballot_of(context, documents[code].encode(), code), contests[code])
        for code in status["ballots"]
    }
    guardians = {(i, code): _guardian(audited.election, i, f"audit/{code}") for i in present for code in tallies}
    partials = {
        (i, code): guardians[i, code].commit(tally, present) for i in present for code, tally in tallies.items()
    }
    everyone = {code: [p for i in present for p in partials[i, code]] for code in tallies}
    reveals = {(i, code): guardians[i, code].reveal(everyone[code]) for i in present for code in tallies}
    revealed = {code: [c for i in present for c in reveals[i, code]] for code in tallies}
    commit = {i: encode_audit_message(i, {c: encode_commit(group, commit_message(i, present, partials[i, c]))
                                          for c in tallies}) for i in present}  # fmt: skip
    reveal = {i: encode_audit_message(i, {c: encode_reveal(group, i, reveals[i, c]) for c in tallies}) for i in present}
    respond = {
        i: encode_audit_message(
            i, {c: encode_respond(group, i, guardians[i, c].respond(everyone[c], revealed[c])) for c in tallies}
        )
        for i in present
    }
    return commit, reveal, respond


def _post(audited: Audited, step: str, guardian: int, body: bytes, *, signer: int = 0, name: str = "") -> int:
    context = audited.election.context
    who = _guardian(audited.election, signer or guardian, "signer")
    number = audited.client.get(f"{BASE}/decryption").json()["round"]
    signature = signed(who.sign, context, number, name or f"paper-audit-{step}", guardian, body).hex()
    answer: httpx.Response = audited.client.post(
        f"{BASE}/decryption/{step}/{guardian}", content=body, headers={"Nazaha-Signature": signature}
    )
    return answer.status_code


def test_guardian_messages_are_authenticated_complete_and_checked(audited: Audited) -> None:
    assert audited.post("", {"risk_limit": 0.1}).status_code == 200
    assert audited.post("/seed", {"seed": "27182818284590452353602"}).status_code == 200
    assert audited.post("/rounds", {"size": 2}).status_code == 200
    started = audited.post("/decryption", {"guardians": [1, 3, 5]})
    assert started.status_code == 200, started.text
    sampled = audited.client.get(BASE).json()["sampled"]
    assert len(started.json()["ballots"]) == sampled > 0
    commit, reveal, respond = _messages(audited, [1, 3, 5])

    def committed() -> list[int]:
        result: list[int] = audited.client.get(f"{BASE}/decryption").json()["committed"]
        return result

    assert _post(audited, "commit", 1, commit[1], name="commit") == 403, "a tally message's signature"
    assert _post(audited, "commit", 1, commit[1], signer=3) == 403, "signed by another guardian"
    assert _post(audited, "commit", 2, commit[1], signer=2) == 409, "guardian 2 is not named"
    assert _post(audited, "reveal", 1, reveal[1]) == 409, "reveal before everyone committed"
    doc = json.loads(commit[1])
    code = next(iter(doc["ballots"]))
    partial = doc["ballots"][code]["partials"][0]
    partial["share"] = "00" * (len(partial["share"]) // 2)
    assert _post(audited, "commit", 1, json.dumps(doc).encode()) in (400, 422), "a share outside the group"
    dropped = json.loads(commit[1])
    del dropped["ballots"][code]
    assert _post(audited, "commit", 1, json.dumps(dropped).encode()) == 400, "a ballot of the round left out"
    assert committed() == [], "nothing refused was stored"
    for i in (1, 3, 5):
        assert _post(audited, "commit", i, commit[i]) == 200
    assert committed() == [1, 3, 5]
    for i in (1, 3, 5):
        assert _post(audited, "reveal", i, reveal[i]) == 200
    for i in (1, 3):
        assert _post(audited, "respond", i, respond[i]) == 200
    assert audited.client.get(BASE).json()["decrypted"] == 0
    assert _post(audited, "respond", 5, respond[5]) == 200
    status = audited.client.get(BASE).json()
    assert status["decrypted"] == status["sampled"], status
    assert audited.client.get(f"{BASE}/decryption").json()["finished"] is True
    assert _post(audited, "respond", 5, respond[5]) == 200, "the same message again changes nothing"
    assert audited.post("/decryption", {"guardians": [1, 3, 5]}).status_code == 409, "nothing left to decrypt"


def _forwarding(client: TestClient, change: Callable[[str, Any], Any]) -> httpx.MockTransport:
    """A service that answers as ``client``'s, except that ``change(path, json)`` rewrites its
    JSON answers: what a guardian sees of a lying ballot box."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = client.request(request.method, request.url.path, content=request.content, headers=request.headers)
        if answer.headers.get("content-type", "").startswith("application/json") and request.method == "GET":
            return httpx.Response(answer.status_code, json=change(request.url.path, answer.json()))
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    return httpx.MockTransport(handle)


def test_a_guardian_refuses_ballots_the_audit_did_not_sample(audited: Audited) -> None:
    assert audited.post("", {"risk_limit": 0.1}).status_code == 200
    assert audited.post("/seed", {"seed": "27182818284590452353602"}).status_code == 200
    assert audited.post("/rounds", {"size": 1}).status_code == 200
    assert audited.post("/decryption", {"guardians": [1, 3, 5]}).status_code == 200
    round_ballots = audited.client.get(f"{BASE}/decryption").json()["ballots"]
    other = next(code for code in audited.codes if code not in round_ballots)

    def add_other(path: str, doc: Any) -> Any:
        if path.endswith("/paper-audit/decryption"):
            doc["ballots"] = [*doc["ballots"], other]
        elif path.endswith("/decryption/ballots"):
            doc[other] = (audited.box.sealed_record(ELECTION) / "ballots" / f"{other}.json").read_text()
        return doc

    lying = ServiceClient("http://testserver", transport=_forwarding(audited.client, add_other))
    key = (audited.election.workspace / "keys/guardian_1.key").read_bytes()
    with pytest.raises(ConflictError, match="not among the ballots the audit sampled"):
        decrypt_audit_as_guardian(lying, ELECTION, key, audited.election.passphrases[0], SeededRandom("x"), timeout=5)
    lying.close()
    assert audited.client.get(f"{BASE}/decryption").json()["committed"] == [], "the guardian sent nothing"


def test_a_guardian_checks_that_a_ballot_is_the_one_its_code_names(audited: Audited) -> None:
    context = audited.election.context
    code = audited.codes[0]
    data = (audited.box.sealed_record(ELECTION) / "ballots" / f"{code}.json").read_bytes()
    assert ballot_of(context, data, code).code_hex == code
    doc = json.loads(data)
    selection = doc["contests"][0]["selections"][0]
    selection["pad"] = bump_hex_p(selection["pad"])
    with pytest.raises(InputError, match="hash does not match its encryptions"):
        ballot_of(context, canonical(doc), code)
    with pytest.raises(InputError, match="another ballot"):
        ballot_of(context, data, audited.codes[1])
    assert decode_ballot(data, context.group, "ballot").ballot.code_hex == code


def _relogged(log: dict[str, Any], name: str, data: bytes) -> dict[str, Any]:
    """The audit log with ``name``'s entry re-made for ``data`` and the chain after it re-linked:
    what a ballot box that rewrites a file and covers its tracks would serve."""
    entries = [dict(entry) for entry in log["entries"]]
    for position, entry in enumerate(entries):
        if entry["file"] == name:
            entry["sha256"] = file_digest(data)
        if position:
            entry["previous"] = entries[position - 1]["hash"]
        entry["hash"] = entry_hash(entry)
    return {**log, "entries": entries}


def test_a_guardian_draws_the_sample_again_and_refuses_a_rewritten_round(audited: Audited) -> None:
    assert audited.post("", {"risk_limit": 0.1}).status_code == 200
    assert audited.post("/seed", {"seed": "27182818284590452353602"}).status_code == 200
    assert audited.post("/rounds", {"size": 1}).status_code == 200
    assert audited.post("/decryption", {"guardians": [1, 3, 5]}).status_code == 200
    round_doc = json.loads(audited.client.get(f"{BASE}/files/round-1.json").content)
    other = next(code for code in audited.codes if code not in {d["ballot"] for d in round_doc["draws"]})
    forged = dict(round_doc, draws=[*round_doc["draws"], {"index": 99, "ticket": "0" * 20, "ballot": other}])
    forged_bytes = encode_audit_doc(forged)
    log = json.loads(audited.client.get(f"{BASE}/files/log.json").content)
    key = (audited.election.workspace / "keys/guardian_1.key").read_bytes()
    for covered, message in ((False, "is not the file its log entry names"), (True, "not the sample its seed")):

        def lie(request: httpx.Request, covered: bool = covered) -> httpx.Response | None:
            path = request.url.path
            if path.endswith("/files/round-1.json"):
                return httpx.Response(200, content=forged_bytes, headers={"content-type": "application/json"})
            if path.endswith("/files/log.json") and covered:
                relogged = encode_audit_doc(_relogged(log, "round-1.json", forged_bytes))
                return httpx.Response(200, content=relogged, headers={"content-type": "application/json"})
            if path.endswith("/paper-audit/decryption"):
                status = audited.client.get(path).json()
                return httpx.Response(200, json={**status, "ballots": [*status["ballots"], other]})
            return None

        lying = ServiceClient("http://testserver", transport=_intercepting(audited.client, lie))
        with pytest.raises(ConflictError, match=message):
            decrypt_audit_as_guardian(
                lying, ELECTION, key, audited.election.passphrases[0], SeededRandom("x"), timeout=5
            )
        lying.close()
    assert audited.client.get(f"{BASE}/decryption").json()["committed"] == [], "the guardian sent nothing"


def _intercepting(client: TestClient, answer: Callable[[httpx.Request], httpx.Response | None]) -> httpx.MockTransport:
    """``client``'s service, except where ``answer`` gives another response."""

    def handle(request: httpx.Request) -> httpx.Response:
        forged = answer(request)
        if forged is not None:
            return forged
        real = client.request(request.method, request.url.path, content=request.content, headers=request.headers)
        return httpx.Response(real.status_code, content=real.content, headers=real.headers)

    return httpx.MockTransport(handle)


def test_published_results_have_their_date_and_multi_choice_shares_say_what_they_are(audited: Audited) -> None:
    """Issue 16's small items: the status page dates the publication (once, no doubled line) and
    a choose-several contest's share column says it is a share of the votes, not of the voters."""
    for lang, label, share in (
        ("en", "Results published", "Share of the votes"),
        ("ar", "نشر النتائج", "النسبة من الأصوات"),
    ):
        page = audited.client.get(f"/{lang}/elections/{ELECTION}").text
        timeline = page[page.index('<ol class="timeline">') :].split("</ol>", 1)[0]
        assert timeline.count(label) == 1, "one line for the publication"
        item = timeline[timeline.index(label) :].split("</li>", 1)[0]
        assert "<time datetime=" in item, "the publication has its date"
        results = audited.client.get(f"/{lang}/elections/{ELECTION}/results").text
        assert share in results, "the council (choose up to three) shares are shares of the votes"
