"""Fixtures for the service tests: databases (SQLite files and a fresh PostgreSQL database) and
an election on the standard parameters with pre-encrypted ballots."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nazaha.ceremony.keyfile import KDF_TEST_ONLY
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.context import ElectionContext
from nazaha.record.codec import encode_ballot
from nazaha.storage.sql.store import SqlStore
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.demo import generate_ballots, load_sample_manifest
from nazaha.workflows.encryption import encrypt_on_devices
from nazaha.workflows.remote import election_files_of
from nazaha.workflows.workspace import Workspace
from tests.support.external import require_external

POSTGRES_URL = os.environ.get("NAZAHA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(
        POSTGRES_URL.replace("postgresql://", "postgresql://", 1), autocommit=True, connect_timeout=5
    )


def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test module, dropped afterwards.

    Without a reachable server the test is skipped with a hint, except under CI=true, where the
    server must be there and its absence fails the test.
    """
    try:
        admin = _postgres_admin()
    except Exception as error:
        message = (
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({type(error).__name__}); start it, or set "
            "NAZAHA_TEST_POSTGRES_URL to a server where the user may create databases, to run these tests"
        )
        require_external(False, message)
        raise
    name = f"nazaha_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin = _postgres_admin()
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ballot-box.db'}"
    else:
        yield from postgres_database()


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(database_url)
    yield opened
    opened.dispose()


@dataclass
class ServiceElection:
    workspace: Path
    context: ElectionContext
    files: dict[str, str]
    passphrases: list[str]
    _encrypted: dict[str, list[bytes]] = field(default_factory=dict)

    def ballots(
        self, count: int, device: str = "kiosk-1", mode: ChainingMode = ChainingMode.NONE, seed: str = "b"
    ) -> list[bytes]:
        """``count`` encrypted ballots (pending) from one device, cached per (device, mode, seed)."""
        key = f"{device}/{mode.value}/{seed}/{count}"
        if key not in self._encrypted:
            context = self.context
            plaintexts = generate_ballots(context.manifest, count, SeededRandom(key))
            dev = EncryptionDevice(context.group, context.extended_hash, device, mode)
            batch = encrypt_on_devices(context, [(dev, plaintexts)], seed=key)[0]
            labels = {i: c.label for i, c in context.manifest.iter_contests()}
            self._encrypted[key] = [encode_ballot(context.group, item.ballot, None, labels) for item in batch.ballots]
        return self._encrypted[key]


@pytest.fixture(scope="session")
def service_election(tmp_path_factory: pytest.TempPathFactory) -> ServiceElection:
    root = tmp_path_factory.mktemp("service-election") / "workspace"
    passphrases = [f"passphrase of guardian {i}" for i in range(1, 6)]
    _, context = Workspace.create(
        root,
        manifest_data=load_sample_manifest().canonical_bytes,
        group=STANDARD_GROUP,
        guardian_names=[f"Guardian {i}" for i in range(1, 6)],
        quorum=3,
        passphrases=passphrases,
        rng=SeededRandom("service-election"),
        kdf=KDF_TEST_ONLY,
    )
    return ServiceElection(root, context, election_files_of(root), passphrases)
