"""ElectionGuard 1.x records: the samples and fixtures verify; each mutation fails its named step."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nazaha.errors import RecordFormatError
from nazaha.verify.formats import detect_format, verify_any
from tests.e2e import tamper1
from tests.e2e.cli import nazaha
from tests.support.memo import memoized_arithmetic
from tests.support.records import record_standard_1x, reference_record


@pytest.fixture(autouse=True, scope="module")
def _memoized() -> Iterator[None]:
    """Each test verifies a copy of the same record with one change: the exponentiations of
    the values it did not change are remembered across the module (``tests.support.memo``)."""
    with memoized_arithmetic():
        yield


MUTATIONS: list[tuple[Callable[[Path], None], str]] = [
    (tamper1.change_ciphertext, "4.J"),
    (tamper1.change_selection_response, "4.M"),
    (tamper1.change_contest_proof, "5.M"),
    (tamper1.swap_proofs, "4.J"),
    (tamper1.change_tally_count, "11.D"),
    (tamper1.change_manifest_label, "11.L"),
    (tamper1.change_guardian_commitment, "2.A"),
    (tamper1.change_joint_key, "3.A"),
    (tamper1.change_tracking_code, "6.E"),
    (tamper1.delete_ballot, "7.A"),
    (tamper1.duplicate_ballot, "0.D"),
    (tamper1.add_ballot, "6.C"),
    (tamper1.reorder_ballots, "6.E"),
    (tamper1.share_from_wrong_guardian, "8.H"),
    (tamper1.change_recovered_share, "9.C"),
    (tamper1.change_lagrange_coefficient, "10.A"),
    (tamper1.change_spoiled_decryption, "12/11.D"),
    (tamper1.flip_spoiled_to_cast, "7.A"),
]


@pytest.mark.parametrize("name", ["record-standard", "ms-1.0-hamilton", "ms-0.95-minimal"])
def test_samples_and_fixtures_verify(name: str) -> None:
    root = record_standard_1x() if name == "record-standard" else reference_record(name)
    report = verify_any(root)
    assert report.ok, list(report.failures())
    assert detect_format(root) == "1.x"


def test_fixture_exercises_compensated_shares_and_spoiled_ballots() -> None:
    report = verify_any(record_standard_1x())
    items = {r.check.number: r.items for r in report.results}
    assert items["9"] > 0 and items["10"] > 0 and items["12"] > 0
    note = next(r.note for r in verify_any(reference_record("ms-1.0-hamilton")).results if r.check.number == "1")
    assert "test-only" in note


@pytest.mark.parametrize(("mutation", "label"), MUTATIONS, ids=[m.__name__ for m, _ in MUTATIONS])
def test_mutation_fails_the_named_step(tmp_path: Path, mutation: Callable[[Path], None], label: str) -> None:
    record = tmp_path / "record"
    shutil.copytree(record_standard_1x(), record)
    mutation(record)
    report = verify_any(record)
    assert not report.ok
    assert label in report.failed_labels(), sorted(report.failed_labels())


def test_a_deleted_ballot_leaves_a_counted_chain_gap_and_fails_the_aggregation(tmp_path: Path) -> None:
    """1.0 allows gaps in a device's chain (ballots encrypted but never submitted), so a gap alone
    is the named warning ``chain-gaps``; deleting a cast ballot also breaks step 7, which fails."""
    record = tmp_path / "record"
    shutil.copytree(record_standard_1x(), record)
    tamper1.delete_ballot(record)
    report = verify_any(record)
    assert not report.ok
    assert {"7.A", "7.B"} <= report.failed_labels()
    assert report.warning_names() == ["chain-gaps"]
    assert "1 ballot(s) continue from a tracking code" in report.warnings[0].message
    assert not verify_any(record_standard_1x()).warnings


def test_cli_on_1x_records(tmp_path: Path) -> None:
    result = nazaha("verify", record_standard_1x(), "--json")
    assert result.code == 0, result.out
    assert json.loads(result.out)["format"].startswith("ElectionGuard 1.x")
    record = tmp_path / "record"
    shutil.copytree(record_standard_1x(), record)
    tamper1.change_tally_count(record)
    assert nazaha("verify", record, "--format", "1.x").code == 1


def test_unreadable_1x_record_names_file_and_field(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(reference_record("ms-1.0-hamilton"), record)
    context = json.loads((record / "context.json").read_text())
    del context["crypto_extended_base_hash"]
    (record / "context.json").write_text(json.dumps(context))
    with pytest.raises(RecordFormatError, match=r"context\.json: crypto_extended_base_hash: missing"):
        verify_any(record)
    result = nazaha("verify", record)
    assert result.code == 2
    assert "context.json: crypto_extended_base_hash: missing" in result.err
    (record / "context.json").write_text("{broken")
    assert "not valid JSON" in nazaha("verify", record).err
