"""A corpus of malformed and invalid submissions: each gets the right 4xx problem response with a
reason, and none changes the store."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nazaha.crypto.elgamal import add_ciphertexts, encrypt
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.crypto.proofs.range import prove_range
from nazaha.election.ballot import PlaintextBallot
from nazaha.record.codec import encode_ballot
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.sql.store import SqlStore
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice, confirmation_code, contest_hash
from nazaha.voting.encrypt import contest_challenge, encrypt_ballot, selection_challenge
from nazaha.workflows.ballot_box import BallotBoxService
from tests.support.elections import ServiceElection

TOKEN = "corpus-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
G = STANDARD_GROUP
LIMIT = 600_000


def canonical(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


def edit(data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    doc = json.loads(data)
    change(doc)
    return canonical(doc)


def hx_p(value: int) -> str:
    return f"{value:01024X}"


def hx_q(value: int) -> str:
    return f"{value:064X}"


def bump_q(text: str) -> str:
    return hx_q((int(text, 16) + 1) % G.q)


@dataclass
class Corpus:
    client: TestClient
    store: SqlStore
    good: list[bytes]
    foreign: bytes
    overvote: bytes
    too_much: bytes
    replay: bytes
    chain_second: bytes
    cast_state: bytes
    nul_device: bytes


def _leading_zero_field(doc: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    """The path of the first hex field of the document whose text starts with a zero digit."""
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for key, value in items:
        if isinstance(value, str) and len(value) >= 64 and value.startswith("0") and key != "format":
            return (*path, key)
        if isinstance(value, dict | list):
            found = _leading_zero_field(value, (*path, key))
            if found:
                return found
    return ()


def _newline_for_zero(doc: dict[str, Any]) -> None:
    """The same number in hex, without its leading zero and with a newline after it."""
    *parents, last = _leading_zero_field(doc)
    where: Any = doc
    for key in parents:
        where = where[key]
    where[last] = where[last][1:] + "\n"


def _crafted(
    service_election: ServiceElection,
    *,
    option_values: list[int],
    claim: list[int],
    seed: str,
    selection_id: bytes | None = None,
) -> bytes:
    """A ballot whose first contest (mayor) encrypts ``option_values`` but whose proofs were made
    for the ``claim`` values: a dishonest device's overvote."""
    context = service_election.context
    rng = SeededRandom(seed)
    ballot = encrypt_ballot(
        context,
        PlaintextBallot("north-district", {}),
        selection_id=selection_id or rng.bytes32(),
        ballot_nonce=rng.bytes32(),
        device="rogue",
        chaining_field=EncryptionDevice(
            context.group, context.extended_hash, "rogue", ChainingMode.NONE
        ).chaining_field(),
        encrypted_at="2026-11-29T00:00:00Z",
        rng=rng,
    )
    contest = ballot.contests[0]
    info = context.manifest.contest(contest.contest_index)
    nonces = [rng.below(G.q) for _ in info.options]
    selections = []
    for j, (value, claimed, nonce) in enumerate(zip(option_values, claim, nonces, strict=True), start=1):
        ct = encrypt(G, context.vote_key, value, nonce)
        proof, _ = prove_range(
            G, context.vote_key, ct, claimed, nonce, 1, selection_challenge(G, ballot.id_hash, 1, j, ct), rng
        )
        selections.append(dataclasses.replace(contest.selections[j - 1], ciphertext=ct, proof=proof))
    total = add_ciphertexts(G, (s.ciphertext for s in selections))
    limit_proof, _ = prove_range(
        G,
        context.vote_key,
        total,
        min(sum(claim), 1),
        sum(nonces) % G.q,
        1,
        contest_challenge(G, ballot.id_hash, 1, total),
        rng,
    )
    chi = contest_hash(G, ballot.id_hash, 1, [s.ciphertext for s in selections])
    new_contest = dataclasses.replace(contest, selections=tuple(selections), proof=limit_proof, contest_hash=chi)
    contests = (new_contest, *ballot.contests[1:])
    code = confirmation_code(G, ballot.id_hash, [c.contest_hash for c in contests], ballot.chaining_field)
    forged = dataclasses.replace(ballot, contests=contests, confirmation_code=code)
    labels = {i: c.label for i, c in context.manifest.iter_contests()}
    return encode_ballot(G, forged, None, labels)


@pytest.fixture(scope="module")
def corpus(
    service_election: ServiceElection,
    other_election: ServiceElection,
    third_election: ServiceElection,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("corpus")
    store = SqlStore.open(f"sqlite:///{root / 'corpus.db'}")
    client = TestClient(create_app(Settings(admin_token=TOKEN, max_body_bytes=LIMIT), BallotBoxService(store)))
    assert (
        client.post(
            "/api/v1/elections", json={"id": "live", "files": service_election.files}, headers=ADMIN
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/elections", json={"id": "not-open", "files": other_election.files}, headers=ADMIN
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/elections", json={"id": "closed", "files": third_election.files}, headers=ADMIN
        ).status_code
        == 201
    )
    client.post("/api/v1/elections/live/open", headers=ADMIN)
    client.post("/api/v1/elections/closed/open", headers=ADMIN)
    client.post("/api/v1/elections/closed/close", headers=ADMIN)
    good = service_election.ballots(3, device="corpus", seed="corpus")
    first = client.post("/api/v1/elections/live/ballots", content=good[0])
    assert first.status_code == 201

    foreign = other_election.ballots(1, device="corpus", seed="foreign")[0]

    accepted_id = bytes.fromhex(json.loads(good[0])["selection_id"])
    chain = service_election.ballots(2, device="chain-kiosk", mode=ChainingMode.SIMPLE, seed="corpus")
    yield Corpus(
        client=client,
        store=store,
        good=good,
        foreign=foreign,
        overvote=_crafted(service_election, option_values=[1, 1, 0, 0], claim=[1, 1, 0, 0], seed="over"),
        too_much=_crafted(service_election, option_values=[2, 0, 0, 0], claim=[1, 0, 0, 0], seed="two"),
        replay=_crafted(
            service_election, option_values=[0, 0, 0, 0], claim=[0, 0, 0, 0], seed="replay", selection_id=accepted_id
        ),
        chain_second=chain[1],
        cast_state=edit(good[1], lambda d: d.update(state="cast")),
        nul_device=service_election.ballots(1, device="corpus\x00kiosk", seed="nul")[0],
    )
    store.dispose()


def _mutations(c: Corpus) -> dict[str, tuple[str, bytes, int, str]]:
    """case -> (path, body, expected status, words expected in the reason)."""
    ballot = c.good[1]
    doc = json.loads(ballot)
    p = "/api/v1/elections/live/ballots"
    return {
        "empty body": (p, b"", 400, "JSON"),
        "not json": (p, b"{ballot", 400, "JSON"),
        "json array": (p, b"[1, 2]", 400, "Expected `object`"),
        "json string": (p, b'"ballot"', 400, "Expected `object`"),
        "missing field": (p, edit(ballot, lambda d: d.pop("encrypted_nonce")), 400, "encrypted_nonce"),
        "unknown field": (p, edit(ballot, lambda d: d.update(extra=1)), 400, "extra"),
        "wrong type": (p, edit(ballot, lambda d: d.update(style="north")), 400, "style"),
        "wrong format": (p, edit(ballot, lambda d: d.update(format="other/1")), 400, "format"),
        "not canonical": (p, json.dumps(doc, indent=1).encode(), 400, "canonical"),
        "lowercase hex": (
            p,
            edit(ballot, lambda d: d.update(confirmation_code=d["confirmation_code"].lower())),
            400,
            "uppercase hex",
        ),
        "hex with a trailing newline": (p, edit(ballot, _newline_for_zero), 400, "uppercase hex digits"),
        "device name with a NUL": (p, c.nul_device, 400, "device"),
        "short hex": (p, edit(ballot, lambda d: d["contests"][0]["selections"][0].update(pad="AB")), 400, "pad"),
        "value not below p": (
            p,
            edit(ballot, lambda d: d["contests"][0]["selections"][0].update(pad="F" * 1024)),
            400,
            "not below p",
        ),
        "value outside the group": (
            p,
            edit(ballot, lambda d: d["contests"][0]["selections"][0].update(pad=hx_p(G.p - 1))),
            422,
            "not in the group",
        ),
        "challenge not below q": (
            p,
            edit(ballot, lambda d: d["contests"][0]["selections"][0]["proof"]["challenges"].__setitem__(0, "F" * 64)),
            400,
            "not below q",
        ),
        "selection proof altered": (
            p,
            edit(
                ballot,
                lambda d: d["contests"][0]["selections"][1]["proof"]["responses"].__setitem__(
                    0, bump_q(d["contests"][0]["selections"][1]["proof"]["responses"][0])
                ),
            ),
            422,
            "range proof does not verify",
        ),
        "contest proof altered": (
            p,
            edit(
                ballot,
                lambda d: d["contests"][1]["proof"]["challenges"].__setitem__(
                    0, bump_q(d["contests"][1]["proof"]["challenges"][0])
                ),
            ),
            422,
            "selection limit proof",
        ),
        "proof has too few values": (
            p,
            edit(ballot, lambda d: d["contests"][0]["selections"][0]["proof"]["challenges"].pop()),
            422,
            "expected 2 challenges",
        ),
        "confirmation code altered": (
            p,
            edit(ballot, lambda d: d.update(confirmation_code=hx_q(int(d["confirmation_code"], 16) ^ 1))),
            422,
            "confirmation code",
        ),
        "contest hash altered": (
            p,
            edit(
                ballot,
                lambda d: d["contests"][0].update(contest_hash=hx_q(int(d["contests"][0]["contest_hash"], 16) ^ 1)),
            ),
            422,
            "contest hash",
        ),
        "identifier hash altered": (
            p,
            edit(ballot, lambda d: d.update(id_hash=hx_q(int(d["id_hash"], 16) ^ 1))),
            422,
            "not encrypted for this election",
        ),
        "ballot of another election": (p, c.foreign, 422, "not encrypted for this election"),
        "unknown ballot style": (p, edit(ballot, lambda d: d.update(style=9)), 422, "names no ballot style"),
        "contest missing for the style": (p, edit(ballot, lambda d: d["contests"].pop()), 422, "has contests"),
        "option missing": (
            p,
            edit(ballot, lambda d: d["contests"][0]["selections"].pop()),
            422,
            "one encryption per option",
        ),
        "contest label of another manifest": (
            p,
            edit(ballot, lambda d: d["contests"][0].update(label="president")),
            422,
            "not this election's manifest",
        ),
        "overvote": (p, c.overvote, 422, "selection limit proof does not verify"),
        "option value over its limit": (p, c.too_much, 422, "range proof does not verify"),
        "nonce proof altered": (
            p,
            edit(ballot, lambda d: d["encrypted_nonce"].update(response=bump_q(d["encrypted_nonce"]["response"]))),
            422,
            "ballot nonce",
        ),
        "unknown chaining mode": (
            p,
            edit(ballot, lambda d: d.update(chaining_field="00000002" + d["chaining_field"][8:])),
            422,
            "unknown chaining mode",
        ),
        "chain skips a ballot": (p, c.chain_second, 422, "chain"),
        "submitted already cast": (p, c.cast_state, 422, "pending"),
        "replayed selection encryption identifier": (p, c.replay, 409, "selection encryption identifier"),
        "before voting opens": ("/api/v1/elections/not-open/ballots", c.good[1], 409, "not open"),
        "after voting closed": ("/api/v1/elections/closed/ballots", c.good[1], 409, "not open"),
        "unknown election": ("/api/v1/elections/nowhere/ballots", c.good[1], 404, "no election"),
        "oversized body": (p, b"{" + b" " * (LIMIT + 10) + b"}", 413, "limit"),
        "cast with a forged token": (
            f"{p}/{json.loads(c.good[0])['confirmation_code']}/cast",
            b'{"token": "00"}',
            403,
            "decision token",
        ),
        "cast without a token": (f"{p}/{json.loads(c.good[0])['confirmation_code']}/cast", b"{}", 400, "token"),
        "cast of a malformed code": (f"{p}/XYZ/cast", b'{"token": "00"}', 400, "not a confirmation code"),
    }


CASES = [
    "empty body", "not json", "json array", "json string", "missing field", "unknown field", "wrong type",
    "wrong format", "not canonical", "lowercase hex", "hex with a trailing newline", "device name with a NUL",
    "short hex", "value not below p", "value outside the group",
    "challenge not below q", "selection proof altered", "contest proof altered", "proof has too few values",
    "confirmation code altered", "contest hash altered", "identifier hash altered", "ballot of another election",
    "unknown ballot style", "contest missing for the style", "option missing", "contest label of another manifest",
    "overvote", "option value over its limit", "nonce proof altered", "unknown chaining mode", "chain skips a ballot",
    "submitted already cast", "replayed selection encryption identifier", "before voting opens", "after voting closed",
    "unknown election", "oversized body", "cast with a forged token", "cast without a token", "cast of a malformed code",
]  # fmt: skip


def _state(store: SqlStore) -> list[tuple[str, int, str, int]]:
    return [(e.id, e.board_length, e.board_head, sum(1 for _ in store.ballots(e.id))) for e in store.elections()]


@pytest.mark.parametrize("case", CASES)
def test_bad_submission_is_refused_and_changes_nothing(corpus: Corpus, case: str) -> None:
    path, body, status, reason = _mutations(corpus)[case]
    before = _state(corpus.store)
    response = corpus.client.post(path, content=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["type"].startswith("/problems/")
    assert reason.lower() in problem["detail"].lower(), problem["detail"]
    assert _state(corpus.store) == before


def test_corpus_is_large_and_distinct(corpus: Corpus) -> None:
    mutations = _mutations(corpus)
    assert len(CASES) >= 30 and set(CASES) == set(mutations)
    assert len({body for _, body, _, _ in mutations.values()}) >= 30


def test_the_service_still_works_after_the_corpus(corpus: Corpus) -> None:
    response = corpus.client.post("/api/v1/elections/live/ballots", content=corpus.good[2])
    assert response.status_code == 201
    assert corpus.client.get("/api/v1/health").status_code == 200
