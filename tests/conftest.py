"""Shared fixtures. Unit and property tests run on the small test group; vectors and e2e
tests on the standard group. All randomness in tests is seeded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from nazaha.crypto.params import STANDARD_GROUP
from nazaha.workflows.demo import DemoResult, run_demo
from tests.support.databases import postgres_database
from tests.support.elections import SmallElection, make_election

settings.register_profile(
    "nazaha",
    derandomize=True,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("nazaha")


@pytest.fixture(scope="session")
def election() -> SmallElection:
    return make_election()


@pytest.fixture(scope="session")
def standard_record(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """A small election on the standard parameters, written as a record (read-only: copy it)."""
    output = tmp_path_factory.mktemp("standard") / "record"
    return run_demo(ballots=12, output=output, group=STANDARD_GROUP, challenge_every=5, seed="standard-record")


@pytest.fixture
def record_copy(standard_record: DemoResult, tmp_path: Path) -> Callable[[], Path]:
    import shutil

    def copy() -> Path:
        target = tmp_path / "record"
        shutil.copytree(standard_record.record, target)
        return target

    return copy


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test that takes it runs twice: on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ballot-box.db'}"
    else:
        yield from postgres_database()
