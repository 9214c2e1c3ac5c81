"""Verification on a Dask cluster gives the same report as a local run, tampered or not; with
the record at a URL (served by a plain HTTP server), each worker reads its chunks from it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster, get_task_stream
from typer.testing import CliRunner

from nazaha.cli.app import app
from nazaha.verify.formats import verify_any
from nazaha.verify.report import Report
from tests.e2e import tamper
from tests.support.records import record_standard_1x
from tests.support.served import Served, serve_folder
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


# -- the record at a URL: ``nazaha verify http://... --scheduler`` ---------------------------------


def _verify_url_on_cluster(client: Client, url: str) -> tuple[int, dict[str, Any], list[dict[str, Any]]]:
    """``nazaha verify URL --scheduler ... --chunk-size 2 --json``: exit code, report, check_chunk tasks."""
    address = client.scheduler_info()["address"]
    with get_task_stream(client) as stream:
        result = CliRunner().invoke(app, ["verify", url, "--scheduler", address, "--chunk-size", "2", "--json"])
    assert result.exit_code in (0, 1), result.output
    tasks = [task for task in stream.data if str(task["key"]).startswith("check_chunk")]
    return result.exit_code, json.loads(result.stdout), tasks


def _as_folder_report(remote: dict[str, Any], url: str) -> dict[str, Any]:
    """The URL's report less what a URL adds: the record named by its URL, and its one named warning."""
    assert remote["record"] == url
    assert remote["warnings"][0]["name"] == "url-unlisted-unseen"
    return {key: value for key, value in remote.items() if key != "record"} | {"warnings": remote["warnings"][1:]}


def _document(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(report.to_json())
    del document["record"]
    return document


def _record_url(server: Served, record: Path) -> str:
    return f"{server.url}/{record.name}/"


def test_cluster_reads_the_record_over_http(cluster_client: Client, record_copy: Callable[[], Path]) -> None:
    """Six chunks of 2 ballots, on both workers, each reading its ballots from the HTTP server (never
    a folder listing): the report of one process on the folder."""
    record = record_copy()
    local = verify_any(record)
    with serve_folder(record.parent) as server:
        code, remote, tasks = _verify_url_on_cluster(cluster_client, _record_url(server, record))
    assert local.ok and code == 0
    assert _as_folder_report(remote, _record_url(server, record)) == _document(local)
    assert len(tasks) == 6 and len({task["worker"] for task in tasks}) == 2
    requested = {path.removeprefix(f"/{record.name}/") for path in server.requests}
    assert {f"ballots/{path.name}" for path in (record / "ballots").glob("*.json")} <= requested
    assert not any(path.endswith("/") for path in server.requests)


def test_cluster_over_http_names_the_same_failures(cluster_client: Client, record_copy: Callable[[], Path]) -> None:
    """One ballot file changed after the record was sealed (its digest no longer the index's)."""
    record = record_copy()
    tamper.apply(record, tamper.change_proof_response, reindex_after=False)
    local = verify_any(record, chunk_size=2)
    with serve_folder(record.parent) as server:
        code, remote, tasks = _verify_url_on_cluster(cluster_client, _record_url(server, record))
    assert code == 1 and {"0.A", "6.D"} <= local.failed_labels()
    assert _as_folder_report(remote, _record_url(server, record)) == _document(local)
    assert len(tasks) == 6


def test_files_missing_at_the_url_fail_as_in_the_folder(
    cluster_client: Client, record_copy: Callable[[], Path]
) -> None:
    """A listed ballot and a listed opening removed: the same failures and counts as for the folder.
    The folder's run finds them missing before the chunks, the URL's in the chunks that read them:
    the same failures, in another order."""
    record = record_copy()
    (record / tamper.ballots(record, "cast")[0]).unlink()
    opening = tamper.ballots(record, "challenged")[0].replace("ballots/", "challenged/")
    (record / opening).unlink()
    local = verify_any(record, chunk_size=2)
    with serve_folder(record.parent) as server:
        code, remote, _ = _verify_url_on_cluster(cluster_client, _record_url(server, record))
    assert code == 1 and {"0.A", "0.D", "13.B"} <= local.failed_labels()
    files = next(check for check in _document(local)["checks"] if check["number"] == "0")
    assert sum(failure["message"].startswith("listed in record.json") for failure in files["failures"]) == 2

    def unordered(document: dict[str, Any]) -> dict[str, Any]:
        checks = [check | {"failures": sorted(check["failures"], key=json.dumps)} for check in document["checks"]]
        return document | {"checks": checks}

    assert unordered(_as_folder_report(remote, _record_url(server, record))) == unordered(_document(local))
