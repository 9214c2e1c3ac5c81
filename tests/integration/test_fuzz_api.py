"""Fuzzing every API route (issue 18): generated JSON, raw bytes, mutated ballots, odd path and
query parameters, with and without the administrator token. Whatever arrives, the answer is
never a 5xx and the store does not change. The routes come from the application, so a new
route is fuzzed without being listed here. On SQLite and PostgreSQL; bounded (a few hundred
requests per database).

The elections are set up so that no request can change them legitimately: ``live`` is open with
one ballot already admitted (a mutated copy reuses its selection identifier, so at best it is a
retry), and the administrator's requests go to ``sealed``, whose decryption has started (opening,
closing, tallying and starting again are all refused). A guardian's message (some of them
signed with the guardian's own key, so that they reach the decoder) would have to hold valid
proofs to be stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from nazaha.ceremony.keyfile import open_key_share
from nazaha.crypto.nonces import SeededRandom
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.memory import MemoryStore
from nazaha.storage.sql import schema
from nazaha.storage.sql.store import SqlStore
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.decryption import STEPS, signed
from tests.support.databases import postgres_database
from tests.support.elections import ServiceElection
from tests.support.routes import service_routes

TOKEN = "fuzz-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}

API_ROUTES = [
    (method, path)
    for method, path in service_routes(create_app(Settings(), BallotBoxService(MemoryStore())))
    if path.startswith("/api/")
]


@dataclass
class Target:
    client: TestClient
    store: SqlStore
    code: str
    ballot: dict[str, Any]
    sealed: ServiceElection
    guardians: dict[int, DecryptingGuardian]
    """Guardians 1 and 2 of ``sealed``, who decrypt in its round 1."""

    def signature(self, url: str, body: bytes) -> str | None:
        """A guardian's real signature of ``body`` when ``url`` posts its message to ``sealed``."""
        parts = url.split("/")
        if parts[:6] != ["", "api", "v1", "elections", "sealed", "decryption"] or len(parts) != 8:
            return None
        step, guardian = parts[6], int(parts[7]) if parts[7] in ("1", "2") else 0
        if step not in STEPS or guardian not in self.guardians:
            return None
        return signed(self.guardians[guardian].sign, self.sealed.context, 1, step, guardian, body).hex()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def target(
    request: pytest.FixtureRequest,
    service_election: ServiceElection,
    other_election: ServiceElection,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Target]:
    urls: Iterator[str]
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'box.db'}"])
    else:
        urls = postgres_database()
    store = SqlStore.open(next(urls))
    # No throttling here: wrong tokens are part of the input, and the right one must keep working.
    settings = Settings(admin_token=TOKEN, max_body_bytes=512 * 1024, sign_in_attempts=10**9)
    client = TestClient(create_app(settings, BallotBoxService(store)))
    for election, source in (("live", service_election), ("sealed", other_election)):
        assert client.post("/api/v1/elections", json={"id": election, "files": source.files}, headers=ADMIN).is_success
        assert client.post(f"/api/v1/elections/{election}/open", headers=ADMIN).is_success
    ballot = service_election.ballots(1, device="fuzz-kiosk", seed="fuzz")[0]
    code = client.post("/api/v1/elections/live/ballots", content=ballot).json()["confirmation_code"]
    for step in ("close", "tally"):
        assert client.post(f"/api/v1/elections/sealed/{step}", headers=ADMIN).is_success
    started = client.post("/api/v1/elections/sealed/decryption", json={"guardians": [1, 2]}, headers=ADMIN)
    assert started.is_success
    guardians = {}
    for index in (1, 2):
        key = (other_election.workspace / f"keys/guardian_{index}.key").read_bytes()
        share = open_key_share(key, other_election.passphrases[index - 1], other_election.context.group)
        guardians[index] = DecryptingGuardian(other_election.context, share, SeededRandom(f"fuzz {index}"))
    yield Target(client, store, code, json.loads(ballot), other_election, guardians)
    store.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


def _state(store: SqlStore) -> list[Any]:
    with store.engine.connect() as conn:
        return [
            sorted(tuple(row) for row in conn.execute(select(table)))
            for table in (schema.elections, schema.board, schema.ballots, schema.artifacts)
        ]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
NASTY_TEXT = ["\x00", "live\x00", "live\n", "\ufb00" * 32, "\u202e", "١٢", "%00", "..", "A" * 64 + "\n", "0" * 300]
TEXT = st.text(max_size=24) | st.sampled_from(NASTY_TEXT)
DEEP = b"[" * 100_000 + b"]" * 100_000
NASTY_BODIES = [
    DEEP,
    b'{"token":' + DEEP + b"}",
    b'{"guardians":' + DEEP + b"}",
    b'{"token":' + b"7" * 5000 + b"}",
    b'{"guardians":[' + b"1" * 5000 + b"]}",
    b'{"files":{"manifest.json":"' + b"[" * 5000 + b'"}}',
    b"\xff\xfe\x00",
    b'{"token":"\\ud800"}',
]
HEADER_SETS: list[dict[str, str | bytes]] = [
    dict(ADMIN),
    {},
    {"Authorization": b"Bearer \xff\xfe"},
    {"Authorization": "Bearer نزاهة".encode()},
    {"Authorization": "Basic x"},
]
AUTHORIZATION = st.sampled_from(HEADER_SETS)
BALLOT_FIELDS = [
    ("device",),
    ("encrypted_at",),
    ("style",),
    ("selection_id",),
    ("chaining_field",),
    ("confirmation_code",),
    ("encrypted_nonce", "pad"),
    ("contests", 0, "selections", 0, "pad"),
    ("contests", 0, "selections", 0, "proof", "challenges"),
    ("contests", 1, "proof"),
    ("contests", 0, "label"),
    ("state",),
]


def _mutated(ballot: dict[str, Any], where: tuple[Any, ...], value: Any) -> bytes:
    doc = json.loads(json.dumps(ballot))
    node = doc
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


@st.composite
def _bodies(draw: st.DrawFn, ballot: dict[str, Any]) -> bytes:
    kind = draw(st.sampled_from(["json", "bytes", "ballot", "keys", "nasty"]))
    if kind == "nasty":
        return draw(st.sampled_from(NASTY_BODIES))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "ballot":
        return _mutated(ballot, draw(st.sampled_from(BALLOT_FIELDS)), draw(JSON))
    if kind == "keys":
        keys = st.sampled_from(["token", "guardians", "files", "id", "guardian", "present", "partials", "format"])
        return json.dumps(draw(st.dictionaries(keys, JSON, max_size=3))).encode()
    return json.dumps(draw(JSON)).encode()


def _segment(draw: Callable[[st.SearchStrategy[str]], str], name: str, target: Target, admin: bool) -> str:
    known = {
        "election_id": ["sealed"] if admin else ["live", "sealed"],
        "code": [target.code, target.code.lower()],
        "step": list(STEPS),
        "guardian": ["1", "2", "3"],
        "name": ["manifest.json", "guardians/guardian_1.json"],
    }.get(name, [])
    value = draw(st.sampled_from(known) | TEXT | st.integers(-(10**30), 10**30).map(str)) if known else draw(TEXT)
    return quote(value, safe="") or "x"


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_no_input_gives_a_5xx_or_changes_the_store(target: Target, method: str, path: str) -> None:
    before = _state(target.store)

    @settings(max_examples=20)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        headers = data.draw(AUTHORIZATION)
        admin = headers == ADMIN
        url = path
        for name in ("election_id", "code", "step", "guardian", "key", "name:path"):
            if "{" + name + "}" in url:
                url = url.replace("{" + name + "}", _segment(data.draw, name.split(":")[0], target, admin))
        query = data.draw(st.dictionaries(st.sampled_from(["offset", "limit", "page", "code"]), TEXT, max_size=2))
        body = data.draw(_bodies(target.ballot))
        signature = data.draw(st.sampled_from(["real", "zeros", "none", "text"]))
        if signature == "real":
            signature = target.signature(url, body) or "none"
        if signature == "zeros":
            headers = {**headers, "Nazaha-Signature": "00" * 64}
        elif signature == "text":
            headers = {**headers, "Nazaha-Signature": data.draw(TEXT).encode("utf-8")}
        elif signature != "none":
            headers = {**headers, "Nazaha-Signature": signature}
        response = target.client.request(
            method, url, content=body, params=query, headers=headers, follow_redirects=False
        )
        assert response.status_code < 500, (method, url, body[:200], response.text[:300])
        assert _state(target.store) == before, (method, url, body[:200])

    fuzz()


def test_every_api_route_is_fuzzed() -> None:
    assert len(API_ROUTES) >= 20
    assert ("POST", "/api/v1/elections/{election_id}/decryption/{step}/{guardian}") in API_ROUTES
    assert ("GET", "/api/v1/health") in API_ROUTES
