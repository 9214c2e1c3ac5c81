"""Issue 18 ("Hardening the ballot box"), items 6 to 9 and the low items, on the service:

* item 6: every JSON embedded in a page is escaped for script data; manifest texts are isolated;
* item 7: officials' sessions are random, server-side, shared by worker processes, expire and
  end at sign-out; the form token changes per session; sign-in attempts are throttled;
* item 8: every body is limited before it is read, and uploads are authenticated first;
* the service secret lives in a 0600 file outside the database; the admin token can come
  from a file.

Storage-related tests run on SQLite and PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nazaha.ceremony.keyfile import KDF_TEST_ONLY
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import TEST_GROUP
from nazaha.errors import InputError
from nazaha.service.app import create_app
from nazaha.service.settings import Settings
from nazaha.storage.memory import MemoryStore
from nazaha.storage.sql import schema
from nazaha.storage.sql.store import SqlStore
from nazaha.workflows.ballot_box import BallotBoxService, default_secret_file, load_service_secret
from nazaha.workflows.officials import OfficialSessions
from nazaha.workflows.remote import election_files_of
from nazaha.workflows.workspace import Workspace
from tests.support.hostile import HOSTILE_NAMES, hostile_manifest

TOKEN = "hardening-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
COOKIE = "nazaha_session"


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _app(box: BallotBoxService, clock: Clock | None = None, **settings: Any) -> FastAPI:
    app = create_app(Settings(admin_token=TOKEN, **settings), box)
    if clock is not None:
        app.state.officials = OfficialSessions(
            box.sessions, TOKEN, lifetime=settings.get("session_seconds", 3600), clock=clock
        )
    return app


def _sign_in(client: TestClient, token: str = TOKEN) -> str:
    response = client.post("/en/admin/login", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    cookie = response.cookies.get(COOKIE)
    assert cookie, "signed in"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=strict" in response.headers["set-cookie"].lower()
    assert re.search(r"max-age=[1-9][0-9]*", response.headers["set-cookie"].lower()), "the cookie expires too"
    return str(cookie)


def _dashboard(app: FastAPI, cookie: str) -> str:
    """The officials' page as a browser holding only ``cookie`` sees it."""
    with TestClient(app) as fresh:
        page = fresh.get("/en/admin", headers={"Cookie": f"{COOKIE}={cookie}"})
    assert page.status_code == 200
    text: str = page.text
    return text


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]+)"', page)
    assert found, "a signed-in dashboard carries the form token"
    return found.group(1)


def _signed_in(page: str) -> bool:
    return 'name="form_token"' in page and 'id="token"' not in page


@pytest.fixture
def sql_box(database_url: str) -> Iterator[BallotBoxService]:
    store = SqlStore.open(database_url)
    yield BallotBoxService(store)
    store.dispose()


# -- item 7: sessions ------------------------------------------------------------------------------


def test_sign_out_ends_the_session_on_the_server(sql_box: BallotBoxService) -> None:
    app = _app(sql_box)
    client = TestClient(app)
    cookie = _sign_in(client)
    assert _signed_in(_dashboard(app, cookie))
    form_token = _form_token(_dashboard(app, cookie))
    client.post("/en/admin/logout", follow_redirects=False)
    assert not _signed_in(_dashboard(app, cookie)), "the old cookie no longer opens the dashboard"
    with TestClient(app) as replay:
        refused = replay.post(
            "/en/admin/elections/nowhere/open",
            data={"form_token": form_token},
            headers={"Cookie": f"{COOKIE}={cookie}"},
        )
    assert refused.status_code == 401


def test_sessions_and_form_tokens_are_random_per_session(sql_box: BallotBoxService) -> None:
    app = _app(sql_box)
    first, second = _sign_in(TestClient(app)), _sign_in(TestClient(app))
    assert first != second and len(first) >= 43
    assert TOKEN not in first, "the cookie is not derived from the token"
    token_1, token_2 = _form_token(_dashboard(app, first)), _form_token(_dashboard(app, second))
    assert token_1 != token_2
    with TestClient(app) as crossed:
        refused = crossed.post(
            "/en/admin/elections/nowhere/open", data={"form_token": token_1}, headers={"Cookie": f"{COOKIE}={second}"}
        )
    assert refused.status_code == 403, "one session's form token is not another's"
    engine = sql_box.sessions.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        keys = [row.key for row in conn.execute(select(schema.admin_sessions))]
    assert len(keys) == 2 and first not in keys and second not in keys, "only hashes of the identifiers"


def test_sessions_are_shared_by_worker_processes(database_url: str) -> None:
    """Two services over one database, as ``nazaha serve --workers 2`` runs them."""
    stores = [SqlStore.open(database_url), SqlStore.open(database_url)]
    try:
        one, two = (_app(BallotBoxService(store)) for store in stores)
        cookie = _sign_in(TestClient(one))
        assert _signed_in(_dashboard(two, cookie)), "signed in on one worker, known to the other"
        with TestClient(two) as client:
            client.post("/en/admin/logout", headers={"Cookie": f"{COOKIE}={cookie}"}, follow_redirects=False)
        assert not _signed_in(_dashboard(one, cookie)), "signed out on one worker, ended on both"
    finally:
        for store in stores:
            store.dispose()


def test_sessions_expire(sql_box: BallotBoxService) -> None:
    clock = Clock()
    app = _app(sql_box, clock, session_seconds=600)
    cookie = _sign_in(TestClient(app))
    clock.now += 599
    assert _signed_in(_dashboard(app, cookie))
    clock.now += 2
    assert not _signed_in(_dashboard(app, cookie))


def test_sign_in_attempts_are_throttled(sql_box: BallotBoxService) -> None:
    clock = Clock()
    app = _app(sql_box, clock)
    client = TestClient(app)
    for _ in range(10):
        wrong = client.post("/en/admin/login", data={"token": "guess"}, follow_redirects=False)
        assert wrong.status_code == 401 and "That token is not valid." in wrong.text
    refused = client.post("/en/admin/login", data={"token": TOKEN}, follow_redirects=False)
    assert refused.status_code == 429, "even the right token, while the client is throttled"
    assert int(refused.headers["retry-after"]) == 300
    assert refused.headers["content-type"].startswith("text/html")
    api = client.post("/api/v1/elections/nowhere/open", headers=ADMIN)
    assert api.status_code == 429 and api.headers["content-type"] == "application/problem+json"
    clock.now += 301
    assert _signed_in(_dashboard(app, _sign_in(client)))


def test_wrong_bearer_tokens_count_towards_the_throttle() -> None:
    app = _app(BallotBoxService(MemoryStore()))
    client = TestClient(app)
    statuses = [client.post("/api/v1/elections/x/open", headers={"Authorization": "Bearer x"}).status_code]
    statuses += [
        client.post("/api/v1/elections/x/open", headers={"Authorization": "Bearer x"}).status_code for _ in range(10)
    ]
    assert statuses == [403] * 10 + [429]


# -- item 8: body limits ---------------------------------------------------------------------------


def _drive(app: FastAPI, method: str, path: str, headers: list[tuple[bytes, bytes]], total: int) -> tuple[int, int]:
    """Send ``total`` bytes to ``app`` in 64 KiB chunks, only as fast as the app reads them;
    return the status and how many bytes the app read."""
    chunk = b"a" * 65536
    state = {"sent": 0, "status": 0}

    async def receive() -> dict[str, Any]:
        if state["sent"] >= total:
            return {"type": "http.disconnect"}
        state["sent"] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": state["sent"] < total}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            state["status"] = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return state["status"], state["sent"]


LIMIT = 256 * 1024
BIG = 5 * 1024 * 1024
FORM = (b"content-type", b"application/x-www-form-urlencoded")
MULTIPART = (b"content-type", b"multipart/form-data; boundary=xyz")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/en/admin/login", FORM),
        ("/en/admin/elections", MULTIPART),
        ("/en/admin/elections/x/open", FORM),
        ("/api/v1/elections", (b"content-type", b"application/json")),
        ("/api/v1/elections/x/ballots", (b"content-type", b"application/json")),
    ],
)
def test_bodies_are_limited_before_they_are_read(path: str, content_type: tuple[bytes, bytes]) -> None:
    app = _app(BallotBoxService(MemoryStore()), max_body_bytes=LIMIT)
    declared = [content_type, (b"content-length", str(BIG).encode())]
    assert _drive(app, "POST", path, declared, BIG) == (413, 0), "refused on its declared length, unread"
    status, read = _drive(app, "POST", path, [content_type], BIG)
    assert status in (401, 413) and read <= LIMIT + 65536, (status, read)


def test_uploads_are_authenticated_before_the_body_is_read() -> None:
    app = _app(BallotBoxService(MemoryStore()), max_body_bytes=BIG * 2)
    assert _drive(app, "POST", "/en/admin/elections", [MULTIPART], BIG) == (401, 0)
    assert _drive(app, "POST", "/en/admin/elections/x/close", [FORM], BIG) == (401, 0)
    assert _drive(app, "POST", "/api/v1/elections", [(b"content-type", b"application/json")], BIG) == (401, 0)


def test_a_body_over_the_limit_is_a_413_page_or_problem() -> None:
    client = TestClient(_app(BallotBoxService(MemoryStore()), max_body_bytes=LIMIT))
    page = client.post("/en/admin/login", data={"token": "x" * (LIMIT + 1)})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    api = client.post("/api/v1/elections/x/ballots", content=b"{" + b" " * LIMIT + b"}")
    assert api.status_code == 413 and api.json()["type"] == "/problems/payload-too-large"


# -- item 6 and 9: hostile manifest texts in the pages ---------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    workspace = tmp_path_factory.mktemp("hostile") / "workspace"
    Workspace.create(
        workspace,
        manifest_data=hostile_manifest(),
        group=TEST_GROUP,
        guardian_names=["Guardian <b>1</b>", "Guardian 2", "Guardian 3"],
        quorum=2,
        passphrases=["passphrase 1", "passphrase 2", "passphrase 3"],
        rng=SeededRandom("hostile pages"),
        kdf=KDF_TEST_ONLY,
    )
    client = TestClient(_app(BallotBoxService(MemoryStore())))
    created = client.post(
        "/api/v1/elections", json={"id": "hostile", "files": election_files_of(workspace)}, headers=ADMIN
    )
    assert created.status_code == 201, created.text
    assert client.post("/api/v1/elections/hostile/open", headers=ADMIN).status_code == 200
    return client


def test_json_embedded_in_the_booth_is_escaped_for_script_data(hostile_client: TestClient) -> None:
    page = hostile_client.get("/en/elections/hostile/vote").text
    block = re.search(r'<script type="application/json" id="booth-data">(.*?)</script>', page, re.S)
    assert block
    embedded = block.group(1)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in embedded, f"{raw!r} unescaped in the booth's JSON"
    assert "\\u003c/script\\u003e" in embedded and "\\u003c!--" in embedded
    data = json.loads(embedded)
    mayor = data["styles"][0]["contests"][0]
    assert mayor["names"]["en"] == HOSTILE_NAMES["contest"]
    assert mayor["options"][0]["parties"]["en"] == HOSTILE_NAMES["party"]
    assert page.count("<script") == 2, "the data block and booth.js, nothing else"
    assert page.count("<img") == 1 and '<img id="receipt-qr" alt="">' in page, "no image but the receipt's QR code"


def test_manifest_texts_are_isolated_in_every_page(hostile_client: TestClient) -> None:
    escaped = "Vote &lt;b&gt;now&lt;/b&gt; &amp; &#39;&#34;{{ 7*7 }}"
    for path in ("/en/", "/en/elections/hostile", "/en/elections/hostile/board", "/en/elections/hostile/results"):
        page = hostile_client.get(path).text
        assert f"<bdi>{escaped}</bdi>" in page, path
    booth = hostile_client.get("/en/elections/hostile/vote").text
    assert re.search(r"<bdi data-names='[^']*'>&lt;!--&lt;script&gt;</bdi>", booth)
    assert re.search(r"<legend><bdi data-names='[^']*'>&lt;/script&gt;", booth)
    signed = TestClient(hostile_client.app)
    cookie = _sign_in(signed)
    admin = _dashboard(hostile_client.app, cookie)  # type: ignore[arg-type]
    assert f"<bdi>{escaped}</bdi>" in admin


# -- low items: the service secret and the admin token ---------------------------------------------


def test_the_service_secret_lives_in_a_private_file(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "secret" / "nazaha.secret"
    secret = load_service_secret(path)
    assert len(secret) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_service_secret(path) == secret, "created once, then read"
    stores = [SqlStore.open(database_url), SqlStore.open(database_url)]
    try:
        one, two = (BallotBoxService(store, secret=secret) for store in stores)
        assert one.public_key == two.public_key
        assert one.decision_token("e", "A" * 64) == two.decision_token("e", "A" * 64)
        with stores[0].engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(schema.service_secrets)).scalar_one()
        assert count == 0, "nothing of the secret is in the database"
        other = BallotBoxService(stores[0], secret=load_service_secret(tmp_path / "other.secret"))
        assert other.public_key != one.public_key
    finally:
        for store in stores:
            store.dispose()
    path.chmod(0o644)
    with pytest.raises(InputError, match="owner only"):
        load_service_secret(path)
    path.chmod(0o600)
    path.write_text("too short\n")
    with pytest.raises(InputError, match="64 or more hex digits"):
        load_service_secret(path)


def test_default_secret_file_is_beside_a_sqlite_database() -> None:
    assert default_secret_file("sqlite:////var/lib/nazaha/box.db") == Path("/var/lib/nazaha/box.db.secret")
    assert default_secret_file("sqlite:///nazaha.db") == Path("nazaha.db.secret")
    assert default_secret_file("postgresql://nazaha@db/nazaha") == Path("nazaha.secret")


def test_the_admin_token_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-a-file\n")
    monkeypatch.setenv("NAZAHA_ADMIN_TOKEN", "from-the-environment")
    assert Settings.from_env().admin_token == "from-the-environment"
    monkeypatch.setenv("NAZAHA_ADMIN_TOKEN_FILE", str(token_file))
    assert Settings.from_env().admin_token == "from-a-file"
    token_file.write_text("")
    with pytest.raises(InputError, match="empty"):
        Settings.from_env()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_with_a_token_file_and_two_workers_sharing_sessions(tmp_path: Path) -> None:
    """``nazaha serve --workers 2 --admin-token-file``: the token is not on any command line, the
    secret file is created beside the database (0600), and a session opened on one worker is
    known to both and ended on both by signing out."""
    token_file = tmp_path / "admin-token"
    token_file.write_text("token-from-a-file\n")
    port = _free_port()
    database = tmp_path / "box.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAZAHA_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "nazaha", "serve", "--database", f"sqlite:///{database}", "--port", str(port),
         "--workers", "2", "--admin-token-file", str(token_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "the service did not start"
            time.sleep(0.2)
        for pid in [server.pid, *_children(server.pid)]:
            assert b"token-from-a-file" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        secret = Path(f"{database}.secret")
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        admin = {"Authorization": "Bearer token-from-a-file"}
        assert httpx.post(f"{base}/api/v1/elections/nowhere/open", headers=admin).status_code == 404
        assert (
            httpx.post(f"{base}/api/v1/elections/nowhere/open", headers={"Authorization": "Bearer x"}).status_code
            == 403
        )
        with httpx.Client(base_url=base) as browser:
            signed = browser.post("/en/admin/login", data={"token": "token-from-a-file"})
            assert signed.status_code == 303
            cookie = signed.cookies[COOKIE]
        pages = [httpx.get(f"{base}/en/admin", cookies={COOKIE: cookie}).text for _ in range(12)]
        assert all(_signed_in(page) for page in pages)
        httpx.post(f"{base}/en/admin/logout", cookies={COOKIE: cookie})
        pages = [httpx.get(f"{base}/en/admin", cookies={COOKIE: cookie}).text for _ in range(12)]
        assert not any(_signed_in(page) for page in pages), "ended in every worker"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found
