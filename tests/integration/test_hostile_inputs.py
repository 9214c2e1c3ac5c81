"""Issue 18's medium items, one table: inputs that were answered with a 500 (or, for the ligature
code, taken for a valid code) each get a 4xx with a problem body (the HTML error page on the
pages' routes), and none changes the store. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
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
from nazaha.workflows.decryption import signed
from tests.support.databases import postgres_database
from tests.support.elections import ServiceElection
from tests.support.routes import service_routes

TOKEN = "hostile-inputs-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
COOKIE = "nazaha_session"
DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_FIELD = b'{"format":"nazaha-record/1","guardian":1,"present":' + DEEP + b"}"
LONG_FIELD = b'{"format":"nazaha-record/1","guardian":' + b"1" * 5000 + b"}"
LIGATURES = "\ufb00" * 32  # 'ﬀ', which str.upper() turns into 'FF'
NUL_ID = "live\x00id"
ANY_BODY = b'{"token":"00","guardians":[1,2]}'
"""A body each route with an election id reads without complaint (the id is what is wrong)."""
ANY_SIGNATURE = {**ADMIN, "Nazaha-Signature": "00" * 64}
"""Headers that get a request to any route's checks (a guardian's message needs a signature)."""


@dataclass
class Request:
    method: str
    path: str
    content: bytes | None = None
    data: dict[str, str] | None = None
    headers: dict[str, Any] = field(default_factory=dict)
    status: int = 400
    page: bool = False
    """A page route: the answer is the HTML error page, not a problem document."""


@dataclass
class Box:
    client: TestClient
    store: SqlStore
    code: str
    cookie: str
    form_token: str
    nul_device: bytes
    """A ballot, valid in every other way, from a device whose name holds a NUL."""
    guardian: DecryptingGuardian
    """Guardian 1 of ``counting``, to sign messages: a hostile body must reach the decoder."""
    source: ServiceElection

    def signature(self, step: str, body: bytes) -> dict[str, str]:
        """The header that makes ``body`` guardian 1's ``step`` message of round 1."""
        mark = signed(self.guardian.sign, self.source.context, 1, step, 1, body)
        return {**ADMIN, "Nazaha-Signature": mark.hex()}


def _routes_with_an_election() -> list[tuple[str, str, bool]]:
    """(method, path template, is a page) of every route that takes an election id."""
    app = create_app(Settings(admin_token=TOKEN), BallotBoxService(MemoryStore()))
    return [
        (method, path, not path.startswith("/api/")) for method, path in service_routes(app) if "{election_id}" in path
    ]


ELECTION_ROUTES = _routes_with_an_election()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def box(
    request: pytest.FixtureRequest,
    service_election: ServiceElection,
    other_election: ServiceElection,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Box]:
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'box.db'}"])
    else:
        urls = postgres_database()
    url = next(urls)
    store = SqlStore.open(url)
    client = TestClient(create_app(Settings(admin_token=TOKEN), BallotBoxService(store)))
    for election, source in (("live", service_election), ("counting", other_election)):
        created = client.post("/api/v1/elections", json={"id": election, "files": source.files}, headers=ADMIN)
        assert created.status_code == 201, created.text
        assert client.post(f"/api/v1/elections/{election}/open", headers=ADMIN).status_code == 200
    receipt = client.post(
        "/api/v1/elections/live/ballots", content=service_election.ballots(1, device="hostile", seed="hostile")[0]
    ).json()
    assert client.post("/api/v1/elections/counting/close", headers=ADMIN).status_code == 200
    assert client.post("/api/v1/elections/counting/tally", headers=ADMIN).status_code == 200
    started = client.post("/api/v1/elections/counting/decryption", json={"guardians": [1, 2]}, headers=ADMIN)
    assert started.status_code == 200, started.text
    signed = client.post("/en/admin/login", data={"token": TOKEN}, follow_redirects=False)
    cookie = str(signed.cookies[COOKIE])
    client.cookies.clear()
    dashboard = client.get("/en/admin", headers={"Cookie": f"{COOKIE}={cookie}"}).text
    form_token = re.search(r'name="form_token" value="([0-9a-f]+)"', dashboard)
    assert form_token
    nul_device = service_election.ballots(1, device="hostile\x00kiosk", seed="hostile")[0]
    key = (other_election.workspace / "keys/guardian_1.key").read_bytes()
    share = open_key_share(key, other_election.passphrases[0], other_election.context.group)
    guardian = DecryptingGuardian(other_election.context, share, SeededRandom("hostile guardian"))
    yield Box(
        client, store, receipt["confirmation_code"], cookie, form_token.group(1), nul_device, guardian, other_election
    )
    store.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


def _fill(template: str, box: Box, election: str) -> str:
    values = {
        "election_id": quote(election, safe=""),
        "code": box.code,
        "step": "commit",
        "guardian": "1",
        "name": "manifest.json",
        "lang": "en",
        "action": "open",
        "key": "00" * 32,
    }
    return re.sub(r"\{(\w+)(?::path)?\}", lambda m: values[m.group(1)], template)


def _cases(box: Box) -> dict[str, Request]:
    live = "/api/v1/elections/live"
    session = {"Cookie": f"{COOKIE}={box.cookie}"}
    cases = {
        "100,000-deep JSON to cast": Request("POST", f"{live}/ballots/{box.code}/cast", DEEP),
        "100,000-deep JSON as the token": Request(
            "POST", f"{live}/ballots/{box.code}/cast", b'{"token":' + DEEP + b"}"
        ),
        "100,000-deep JSON to challenge": Request("POST", f"{live}/ballots/{box.code}/challenge", DEEP),
        "100,000-deep JSON as a ballot": Request("POST", f"{live}/ballots", DEEP),
        "100,000-deep JSON to start the decryption": Request(
            "POST", "/api/v1/elections/counting/decryption", DEEP, headers=ADMIN
        ),
        "100,000-deep JSON as a commitment": Request(
            "POST", "/api/v1/elections/counting/decryption/commit/1", DEEP, headers=box.signature("commit", DEEP)
        ),
        "100,000-deep JSON in a commitment": Request(
            "POST",
            "/api/v1/elections/counting/decryption/commit/1",
            DEEP_FIELD,
            headers=box.signature("commit", DEEP_FIELD),
        ),
        "5,000-digit integer in a commitment": Request(
            "POST",
            "/api/v1/elections/counting/decryption/commit/1",
            LONG_FIELD,
            headers=box.signature("commit", LONG_FIELD),
        ),
        "100,000-deep JSON as a response": Request(
            "POST",
            "/api/v1/elections/counting/decryption/respond/1",
            DEEP_FIELD,
            headers=box.signature("respond", DEEP_FIELD),
            status=409,
        ),  # a response before every reveal is refused before it is read
        "100,000-deep JSON to create an election": Request("POST", "/api/v1/elections", DEEP, headers=ADMIN),
        "5,000-digit integer as the decision token": Request(
            "POST", f"{live}/ballots/{box.code}/cast", b'{"token":' + b"7" * 5000 + b"}"
        ),
        "5,000-digit integer as the guardians": Request(
            "POST", "/api/v1/elections/counting/decryption", b'{"guardians":[' + b"1" * 5000 + b"]}", headers=ADMIN
        ),
        "non-ASCII bearer token": Request(
            "POST", f"{live}/close", headers={"Authorization": "Bearer نزاهة".encode()}, status=403
        ),
        "Latin-1 bearer token": Request(
            "POST", f"{live}/close", headers={"Authorization": b"Bearer \xff\xfe"}, status=403
        ),
        "non-ASCII sign-in token": Request(
            "POST", "/en/admin/login", data={"token": "نزاهة\u202e"}, status=401, page=True
        ),
        "non-ASCII session cookie": Request(
            "POST",
            "/en/admin/elections/live/close",
            data={"form_token": box.form_token},
            headers={"Cookie": f"{COOKIE}=نزاهة".encode()},
            status=401,
            page=True,
        ),
        "non-ASCII form token": Request(
            "POST",
            "/en/admin/elections/live/close",
            data={"form_token": "نزاهة"},
            headers=session,
            status=403,
            page=True,
        ),
        "NUL in the id of a new election": Request(
            "POST",
            "/api/v1/elections",
            json.dumps({"id": "new\u0000election", "files": {}}).encode(),
            headers=ADMIN,
        ),
        "newline in the id of a new election": Request(
            "POST", "/api/v1/elections", json.dumps({"id": "evil-id\n", "files": {}}).encode(), headers=ADMIN
        ),
        "file name with a newline": Request(
            "POST",
            "/api/v1/elections",
            json.dumps({"id": "files", "files": {"guardians/guardian_9.json\n": "{}"}}).encode(),
            headers=ADMIN,
        ),
        "NUL in a device name": Request("POST", f"{live}/ballots", box.nul_device),
        "board offset of 10^30": Request("GET", f"{live}/board?offset={10**30}"),
        "board limit of 10^30": Request("GET", f"{live}/board?limit={10**30}"),
        "32 'ﬀ' ligatures as a code to look up": Request("GET", f"{live}/ballots/{quote(LIGATURES)}"),
        "32 'ﬀ' ligatures as a code to cast": Request(
            "POST", f"{live}/ballots/{quote(LIGATURES)}/cast", b'{"token":"00"}'
        ),
        "32 'ﬀ' ligatures as a challenged ballot": Request(
            "GET", f"/api/v1/elections/counting/decryption/challenged/{quote(LIGATURES)}", headers=ADMIN
        ),
        "guardian index of 10^30": Request(
            "POST", f"/api/v1/elections/counting/decryption/commit/{10**30}", b"{}", headers=ANY_SIGNATURE, status=409
        ),
    }
    for method, template, page in ELECTION_ROUTES:
        headers: dict[str, Any] = dict(session) if page else dict(ANY_SIGNATURE)
        data = {"form_token": box.form_token} if page and method == "POST" else None
        cases[f"NUL in the election id: {method} {template}"] = Request(
            method, _fill(template, box, NUL_ID), None if page else ANY_BODY, data, headers, 404, page
        )
    return cases


CASES = [
    "100,000-deep JSON to cast", "100,000-deep JSON as the token", "100,000-deep JSON to challenge",
    "100,000-deep JSON as a ballot", "100,000-deep JSON to start the decryption", "100,000-deep JSON as a commitment",
    "100,000-deep JSON in a commitment", "5,000-digit integer in a commitment",
    "100,000-deep JSON as a response", "100,000-deep JSON to create an election",
    "5,000-digit integer as the decision token", "5,000-digit integer as the guardians",
    "non-ASCII bearer token", "Latin-1 bearer token", "non-ASCII sign-in token", "non-ASCII session cookie",
    "non-ASCII form token", "NUL in the id of a new election", "newline in the id of a new election",
    "file name with a newline", "NUL in a device name", "board offset of 10^30", "board limit of 10^30",
    "32 'ﬀ' ligatures as a code to look up", "32 'ﬀ' ligatures as a code to cast",
    "32 'ﬀ' ligatures as a challenged ballot", "guardian index of 10^30",
    *(f"NUL in the election id: {method} {template}" for method, template, _ in ELECTION_ROUTES),
]  # fmt: skip


def _state(store: SqlStore) -> list[Any]:
    """Everything the ballot box has stored (elections, board, ballots, artifacts, sessions)."""
    with store.engine.connect() as conn:
        return [
            sorted(tuple(row) for row in conn.execute(select(table)))
            for table in (schema.elections, schema.board, schema.ballots, schema.artifacts, schema.admin_sessions)
        ]


@pytest.mark.parametrize("case", CASES)
def test_hostile_input_is_a_4xx_and_changes_nothing(box: Box, case: str) -> None:
    request = _cases(box)[case]
    before = _state(box.store)
    response = box.client.request(
        request.method,
        request.path,
        content=request.content,
        data=request.data,
        headers=request.headers,
        follow_redirects=False,
    )
    box.client.cookies.clear()
    assert response.status_code == request.status, response.text[:500]
    if request.page:
        assert response.headers["content-type"].startswith("text/html")
        assert 'class="notice error"' in response.text
    else:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == request.status and problem["type"].startswith("/problems/")
    assert _state(box.store) == before


def test_every_route_with_an_election_id_is_in_the_table() -> None:
    assert len(ELECTION_ROUTES) >= 20
    assert {template for _, template, _ in ELECTION_ROUTES} >= {
        "/api/v1/elections/{election_id}/ballots",
        "/api/v1/elections/{election_id}/decryption/{step}/{guardian}",
        "/{lang}/elections/{election_id}/vote",
        "/{lang}/admin/elections/{election_id}/{action}",
    }
