"""Verification on a Dask cluster gives the same report as a local run, tampered or not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from nazaha.verify.formats import verify_any
from tests.e2e import tamper
from tests.support.records import record_standard_1x
from tests.support.verifying import ChunkLog


@pytest.fixture(scope="module")
def cluster_client() -> Iterator[Client]:
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        yield client


def test_same_report_on_the_cluster(cluster_client: Client, record_copy: Callable[[], Path]) -> None:
    """Chunks of 3 split the 12-ballot record into several, merged from two Dask workers."""
    record = record_copy()
    log = ChunkLog()
    local = verify_any(record)
    remote = verify_any(record, executor=cluster_client.get_executor(), chunk_size=3, progress=log)
    assert local.ok and remote.to_json() == local.to_json()
    assert log.chunks() == [3, 3, 3, 3]


def test_same_failures_for_a_tampered_record(cluster_client: Client, record_copy: Callable[[], Path]) -> None:
    record = record_copy()
    tamper.apply(record, tamper.change_proof_response)
    tamper.apply(record, tamper.change_tally_count)
    tamper.apply(record, tamper.change_selection_id)
    tamper.apply(record, tamper.duplicate_ballot)
    log = ChunkLog()
    local = verify_any(record, chunk_size=3)
    remote = verify_any(record, executor=cluster_client.get_executor(), chunk_size=3, progress=log)
    assert not remote.ok and {"6.D", "10.C", "5.B", "5.A"} <= remote.failed_labels()
    assert remote.to_json() == local.to_json()
    assert len(log.chunks()) == 5


def test_1x_record_on_the_cluster(cluster_client: Client) -> None:
    log = ChunkLog()
    record = record_standard_1x()
    local = verify_any(record)
    remote = verify_any(record, executor=cluster_client.get_executor(), chunk_size=3, progress=log)
    assert remote.ok and remote.to_json() == local.to_json()
    assert log.chunks() == [3, 3, 3, 1]
