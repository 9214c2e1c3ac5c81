"""Load test of the ballot-box service: 16 concurrent clients submit valid ballots.

For SQLite and for PostgreSQL, start ``nazaha serve --workers 2``, let 16 client threads submit
pre-encrypted ballots (each verified at the door), then check that none was lost (every
acknowledged ballot is stored and on the board) and none duplicated (each code once on the
board). Prints throughput and p50/p99 latency.

Run: `.venv/bin/python -m benchmarks.service_load [--ballots N]` (part of `make bench`).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx
import psycopg

from benchmarks.common import CACHE
from nazaha.ceremony.keyfile import KDF_TEST_ONLY
from nazaha.crypto.nonces import SystemRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.record.codec import encode_ballot
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.demo import generate_ballots, load_sample_manifest
from nazaha.workflows.encryption import encrypt_on_devices
from nazaha.workflows.remote import election_files_of
from nazaha.workflows.workspace import Workspace

CLIENTS = 16
TOKEN = "load-test-token"  # noqa: S105 - a throwaway token for a local test server
POSTGRES = os.environ.get("NAZAHA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _ballots(count: int) -> tuple[dict[str, str], list[bytes]]:
    """An election's public files and ``count`` encrypted ballots, generated once and cached."""
    folder = CACHE / f"load-{count}"
    marker = folder / "ready"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {count} ballots in {folder} (cached)", flush=True)
        _, context = Workspace.create(
            folder / "workspace",
            manifest_data=load_sample_manifest().canonical_bytes,
            group=STANDARD_GROUP,
            guardian_names=[f"Guardian {i}" for i in range(1, 6)],
            quorum=3,
            passphrases=[secrets.token_hex(8) for _ in range(5)],
            rng=SystemRandom(),
            kdf=KDF_TEST_ONLY,
        )
        per_device = count // CLIENTS
        work = [
            (
                EncryptionDevice(context.group, context.extended_hash, f"kiosk-{d:02d}", ChainingMode.NONE),
                generate_ballots(context.manifest, per_device, SystemRandom()),
            )
            for d in range(CLIENTS)
        ]
        labels = {i: c.label for i, c in context.manifest.iter_contests()}
        (folder / "ballots").mkdir(parents=True)
        number = 0
        for batch in encrypt_on_devices(context, work, jobs=2):
            for item in batch.ballots:
                (folder / "ballots" / f"{number:05d}.json").write_bytes(
                    encode_ballot(context.group, item.ballot, None, labels)
                )
                number += 1
        marker.write_text("ok")
    files = election_files_of(folder / "workspace")
    return files, [p.read_bytes() for p in sorted((folder / "ballots").glob("*.json"))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(database: str, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "nazaha",
            "serve",
            "--database",
            database,
            "--port",
            str(port),
            "--admin-token",
            TOKEN,
            "--workers",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("the service did not start")


def _run(database: str, files: dict[str, str], ballots: list[bytes]) -> dict[str, float]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    admin = {"Authorization": f"Bearer {TOKEN}"}
    server = _serve(database, port)
    try:
        httpx.post(
            f"{base}/elections", json={"id": "load", "files": files}, headers=admin, timeout=120
        ).raise_for_status()
        httpx.post(f"{base}/elections/load/open", headers=admin).raise_for_status()
        shares = [ballots[i::CLIENTS] for i in range(CLIENTS)]
        latencies: list[float] = []
        acknowledged: list[str] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(mine: list[bytes]) -> None:
            with httpx.Client(timeout=300) as http:
                for body in mine:
                    start = time.perf_counter()
                    response = http.post(f"{base}/elections/load/ballots", content=body)
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        if response.status_code == 201:
                            acknowledged.append(response.json()["confirmation_code"])
                        else:
                            errors.append(f"{response.status_code}: {response.text[:200]}")

        start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(share,)) for share in shares]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
        board = []
        offset = 0
        while True:
            page = httpx.get(f"{base}/elections/load/board", params={"offset": offset, "limit": 500}).json()["entries"]
            if not page:
                break
            board.extend(page)
            offset = page[-1]["position"]
        codes = [e["code"] for e in board if e["kind"] == "ballot"]
        lost = len(set(acknowledged) - set(codes))
        duplicated = len(codes) - len(set(codes))
        if errors or lost or duplicated or len(acknowledged) != len(ballots):
            raise SystemExit(
                f"load test failed: {len(errors)} errors {errors[:3]}, {lost} lost, {duplicated} duplicated"
            )
        ordered = sorted(latencies)
        return {
            "ballots": len(ballots),
            "wall": wall,
            "throughput": len(ballots) / wall,
            "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "lost": lost,
            "duplicated": duplicated,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def _postgres_database() -> tuple[str, str] | None:
    try:
        name = f"nazaha_bench_{secrets.token_hex(4)}"
        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name, POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    except Exception as error:
        print(f"PostgreSQL not available at {POSTGRES}: {error}")
        return None


def main(count: int = 320) -> list[str]:
    files, ballots = _ballots(count)
    rows = []
    with_tmp = CACHE / "load-sqlite.db"
    for stale in CACHE.glob("load-sqlite.db*"):
        stale.unlink()
    results = {"SQLite (WAL, synchronous=FULL)": _run(f"sqlite:///{with_tmp}", files, ballots)}
    postgres = _postgres_database()
    if postgres is not None:
        name, url = postgres
        try:
            results["PostgreSQL 15"] = _run(url, files, ballots)
        finally:
            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for name, r in results.items():
        rows.append(
            f"| {name} | {int(r['ballots'])} | {r['throughput']:.1f} ballots/s | {r['p50'] * 1000:.0f} ms "
            f"| {r['p99'] * 1000:.0f} ms | {int(r['lost'])} | {int(r['duplicated'])} |"
        )
    lines = [
        f"{CLIENTS} concurrent clients, `nazaha serve --workers 2`, every ballot verified at the door.",
        "",
        "| database | ballots | throughput | p50 latency | p99 latency | lost | duplicated |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=320)
    main(parser.parse_args().ballots)
