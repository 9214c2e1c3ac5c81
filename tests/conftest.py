"""Shared fixtures. Unit and property tests run on the small test group; vectors and e2e
tests on the standard group. All randomness in tests is seeded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.guardian import Guardian
from nazaha.ceremony.phases import run_key_ceremony
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP, TEST_GROUP
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianKeyShare
from nazaha.election.manifest import Manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.workflows.demo import DemoResult, load_sample_manifest, run_demo

settings.register_profile(
    "nazaha",
    derandomize=True,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("nazaha")


@dataclass(frozen=True)
class SmallElection:
    """A 5-guardian, quorum-3 election on the test group, with every guardian's key share."""

    context: ElectionContext
    keys: list[GuardianKeyShare]

    @property
    def manifest(self) -> Manifest:
        return self.context.manifest


def make_election(group=TEST_GROUP, n: int = 5, k: int = 3, seed: str = "election") -> SmallElection:
    rng = SeededRandom(seed)
    parameters = ElectionParameters(group, n, k)
    h_p = parameter_base_hash(parameters)
    guardians = [Guardian(parameters, h_p, i, f"Guardian {i}", rng) for i in range(1, n + 1)]
    context, keys = run_key_ceremony(parameters, load_sample_manifest(), guardians)
    return SmallElection(context, keys)


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
