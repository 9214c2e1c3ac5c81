"""Fixtures for the service tests: databases (SQLite files and a fresh PostgreSQL database) and
an election on the standard parameters with pre-encrypted ballots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nazaha.storage.sql.store import SqlStore
from tests.support.elections import ServiceElection, make_service_election


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
