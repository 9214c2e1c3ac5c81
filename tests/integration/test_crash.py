"""A crash test: the server is killed with SIGKILL while clients submit ballots. After a restart,
every ballot the server had acknowledged is there and the board's hash chain is unbroken."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from nazaha.record.board import BoardKind, entry_hash
from tests.support.elections import ServiceElection

TOKEN = "crash-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(database: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nazaha",
            "serve",
            "--database",
            f"sqlite:///{database}",
            "--port",
            str(port),
            "--admin-token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start")


def test_acknowledged_ballots_survive_sigkill(service_election: ServiceElection, tmp_path: Path) -> None:
    database = tmp_path / "crash.db"
    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    admin = {"Authorization": f"Bearer {TOKEN}"}
    ballots = service_election.ballots(40, device="crash-kiosk", seed="crash")
    server = _start(database, port)
    try:
        assert (
            httpx.post(
                f"{base}/elections", json={"id": "crash", "files": service_election.files}, headers=admin
            ).status_code
            == 201
        )
        assert httpx.post(f"{base}/elections/crash/open", headers=admin).status_code == 200
        acknowledged: list[str] = []
        lock = threading.Lock()
        queue = list(ballots)

        def client() -> None:
            with httpx.Client(timeout=30) as http:
                while True:
                    with lock:
                        if not queue:
                            return
                        body = queue.pop()
                    try:
                        response = http.post(f"{base}/elections/crash/ballots", content=body)
                    except httpx.HTTPError:
                        return
                    if response.status_code in (200, 201):
                        with lock:
                            acknowledged.append(response.json()["confirmation_code"])

        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        while True:
            with lock:
                if len(acknowledged) >= 8:
                    break
            time.sleep(0.02)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        for thread in threads:
            thread.join(timeout=60)
        assert len(acknowledged) >= 8
    finally:
        if server.poll() is None:
            server.kill()

    server = _start(database, port)
    try:
        for code in acknowledged:
            found = httpx.get(f"{base}/elections/crash/ballots/{code}")
            assert found.status_code == 200, f"acknowledged ballot {code} was lost"
        board = httpx.get(f"{base}/elections/crash/board", params={"limit": 500}).json()
        previous = service_election.context.extended_hash.hex().upper()
        received = set()
        for position, entry in enumerate(board["entries"], start=1):
            assert entry["position"] == position
            assert entry["previous"] == previous
            assert entry["hash"] == entry_hash(
                position, BoardKind(entry["kind"]), entry["code"], previous, entry["recorded_at"]
            )
            previous = entry["hash"]
            received.add(entry["code"])
        assert board["head"] == previous
        assert set(acknowledged) <= received
        stored = len(received)
        # The service works on after the crash; ballots not acknowledged can be sent again.
        for body in ballots:
            response = httpx.post(f"{base}/elections/crash/ballots", content=body, timeout=30)
            assert response.status_code in (200, 201)
        final = httpx.get(f"{base}/elections/crash/board", params={"limit": 500}).json()
        assert final["length"] == len(ballots) >= stored
    finally:
        server.kill()
        server.wait(timeout=30)
