"""Fixtures for the service tests: databases (SQLite files and a fresh PostgreSQL database) and
an election on the standard parameters with pre-encrypted ballots."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from nazaha.storage.sql.store import SqlStore
from tests.support.elections import ServiceElection, make_service_election
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


@pytest.fixture(scope="session")
def service_election(tmp_path_factory: pytest.TempPathFactory) -> ServiceElection:
    return make_service_election(tmp_path_factory.mktemp("service-election") / "workspace", "service-election")


@pytest.fixture(scope="session")
def other_election(tmp_path_factory: pytest.TempPathFactory) -> ServiceElection:
    """A second, independent election (3 guardians, quorum 2)."""
    return make_service_election(
        tmp_path_factory.mktemp("other-election") / "workspace", "other", guardians=3, quorum=2
    )


@pytest.fixture(scope="session")
def third_election(tmp_path_factory: pytest.TempPathFactory) -> ServiceElection:
    """A third, independent election (3 guardians, quorum 2)."""
    return make_service_election(
        tmp_path_factory.mktemp("third-election") / "workspace", "third", guardians=3, quorum=2
    )
