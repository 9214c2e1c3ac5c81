"""Tamper tests: each mutation of a valid 2.1 record fails the specific check that should catch it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nazaha.errors import RecordFormatError
from nazaha.verify.runner import verify_record21
from tests.e2e import tamper
from tests.support.memo import memoized_arithmetic
from tests.support.verifying import ChunkLog, verify_both


@pytest.fixture(autouse=True, scope="module")
def _memoized() -> Iterator[None]:
    """Each test verifies a copy of the same record with one change: the exponentiations of
    the values it did not change are remembered across the module (``tests.support.memo``)."""
    with memoized_arithmetic():
        yield


MUTATIONS: list[tuple[Callable[[Path], None], str]] = [
    (tamper.change_ciphertext, "6.D"),
    (tamper.change_proof_response, "6.D"),
    (tamper.change_contest_limit_proof, "7.D"),
    (tamper.swap_proofs, "6.D"),
    (tamper.change_tally_count, "10.C"),
    (tamper.change_tally_proof, "10.B"),
    (tamper.change_encrypted_tally, "9.B"),
    (tamper.change_manifest_label, "1.F"),
    (tamper.change_guardian_commitment, "2.C"),
    (tamper.change_guardian_key, "3.A"),
    (tamper.change_extended_hash, "4.A"),
    (tamper.change_spec_version, "1.A"),
    (tamper.change_confirmation_code, "8.B"),
    (tamper.change_selection_id, "5.B"),
    (tamper.change_ballot_nonce_proof, "N.C"),
    (tamper.change_ballot_nonce_ciphertext, "N.C"),
    (tamper.delete_ballot, "0.D"),
    (tamper.delete_ballot_everywhere, "8.E"),
    (tamper.duplicate_ballot, "5.A"),
    (tamper.reorder_ballots, "8.E"),
    (tamper.change_closing_hash, "8.G"),
    (tamper.flip_challenged_to_cast, "9.C"),
    (tamper.change_challenged_opening, "13.B"),
    (tamper.remove_opening, "13.B"),
    (tamper.delete_board_entry, "B.1"),
    (tamper.swap_board_entries, "B.1"),
    (tamper.rewrite_board_decision, "B.3"),
    (tamper.slip_in_ballot, "B.3"),
    (tamper.list_ballot_on_two_devices, "0.D"),
    (tamper.opening_for_a_cast_ballot, "0.D"),
    (tamper.forge_message_signature, "G.B"),
    (tamper.unsign_cast_ballot, "E.C"),
    (tamper.sign_with_unlisted_key, "E.D"),
    (tamper.two_ballots_from_one_key, "E.E"),
    (tamper.swap_credential_list, "E.A"),
    (tamper.revoke_before_use, "E.D"),
    (tamper.remove_record_signature, "S.A"),
    (tamper.forge_record_signature, "S.B"),
    (tamper.replace_guardian_message, "G.B"),
    (tamper.alter_round_document, "B.4"),
    (tamper.remove_last_round_message, "G.A"),
    (tamper.receive_twice_on_board, "B.2"),
]


def test_the_untouched_record_verifies(standard_record) -> None:  # type: ignore[no-untyped-def]
    report = verify_both(standard_record.record)
    assert report.ok, list(report.failures())
    assert (standard_record.record / "hints" / "index.json").is_file(), "the ballot box wrote the proof hints"
    assert not report.warnings, "every ballot's proofs were checked from its hints"
    assert {r.check.number for r in report.results} == {str(n) for n in range(20)} | {"A", "B", "D", "E", "G", "N", "S"}
    signed = next(r for r in report.results if r.check.number == "S")
    assert signed.status.value == "passed" and "fingerprint" in signed.note
    statuses = {r.check.number: r.status.value for r in report.results}
    assert statuses["G"] == "passed" and next(r.items for r in report.results if r.check.number == "G") == 10
    assert statuses["E"] == "passed" and next(r.items for r in report.results if r.check.number == "E") == 13
    eligibility = next(r.note for r in report.results if r.check.number == "E")
    assert eligibility.startswith("mode both, policy one-ballot; 12 of 12 credentials voted")
    assert "per precinct: polling-station-1" in eligibility
    assert {statuses[n] for n in ("15", "16", "17", "18", "19")} == {"not applicable"}
    assert statuses["D"] == "not applicable" and statuses["12"] == "not applicable"  # no contest data
    assert statuses["A"] == "not applicable", "no paper audit in this record"
    assert statuses["N"] == "passed" and next(r.items for r in report.results if r.check.number == "N") == 12


@pytest.mark.parametrize(("mutation", "label"), MUTATIONS, ids=[m.__name__ for m, _ in MUTATIONS])
def test_mutation_fails_the_named_check(record_copy, mutation, label) -> None:  # type: ignore[no-untyped-def]
    """On both paths: with the record's proof hints (batched) and spec-only, the same report,
    for every mutation (the module's memoized arithmetic keeps the second pass cheap)."""
    record = record_copy()
    tamper.apply(record, mutation)
    report = verify_both(record)
    assert not report.ok
    assert label in report.failed_labels(), sorted(report.failed_labels())
    # Record integrity itself still holds: the attacker re-indexed the files.
    assert "0.A" not in report.failed_labels()


def test_editing_without_reindexing_is_caught_by_the_index(record_copy) -> None:  # type: ignore[no-untyped-def]
    record = record_copy()
    tamper.apply(record, tamper.change_proof_response, reindex_after=False)
    labels = verify_both(record).failed_labels()
    assert {"0.A", "6.D"} <= labels


@pytest.mark.parametrize(("mutation", "label"), [(tamper.add_unlisted_file, "0.B"), (tamper.remove_listed_file, "0.A")])
def test_the_index_and_the_folder_must_agree(record_copy, mutation, label) -> None:  # type: ignore[no-untyped-def]
    record = record_copy()
    tamper.apply(record, mutation, reindex_after=False)
    assert label in verify_both(record).failed_labels()


@pytest.mark.parametrize("name", ["record.json", "board.json", "devices/device_1.json"])
def test_streamed_files_must_be_canonical(record_copy, name) -> None:  # type: ignore[no-untyped-def]
    """The files read as streams are held to canonical form like every other file."""
    record = record_copy()
    tamper.apply(record, tamper.pretty_print(name), reindex_after=name != "record.json")
    with pytest.raises(RecordFormatError, match=f"{name}: the file is not in canonical form"):
        verify_record21(record)


def test_all_failures_are_listed_not_just_the_first(record_copy) -> None:  # type: ignore[no-untyped-def]
    record = record_copy()
    tamper.apply(record, tamper.change_tally_count)
    tamper.apply(record, tamper.change_guardian_commitment)
    tamper.apply(record, tamper.change_proof_response)
    labels = verify_both(record).failed_labels()
    assert {"10.C", "2.C", "6.D"} <= labels


def test_parallel_verification_gives_the_same_report(record_copy) -> None:  # type: ignore[no-untyped-def]
    """Chunks of 3 ballots split the 12-ballot record into 4, so the merge across chunks and
    processes is exercised: failures in different chunks, and a duplicate found across chunks."""
    record = record_copy()
    tamper.apply(record, tamper.change_ciphertext)
    tamper.apply(record, tamper.change_selection_id)
    tamper.apply(record, tamper.duplicate_ballot)
    log_one, log_two = ChunkLog(), ChunkLog()
    one = verify_record21(record, jobs=1, chunk_size=3, progress=log_one)
    two = verify_record21(record, jobs=2, chunk_size=3, progress=log_two)
    assert one.to_json() == two.to_json()
    assert log_one.chunks() == log_two.chunks() == [3, 3, 3, 3, 1]
    assert {"6.D", "5.B", "5.A"} <= two.failed_labels()
    assert one.to_json() == verify_record21(record, jobs=1).to_json(), "the chunk size changes nothing"


def test_a_full_scratch_disk_is_a_clear_storage_error(standard_record, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The verifier's cross-ballot sets live in a temporary database; its failure names TMPDIR."""
    import sqlite3

    from nazaha.errors import StorageError
    from nazaha.verify.scratch import Scratch

    def full(*_: object) -> bool:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Scratch, "add_ballot", full)
    with pytest.raises(StorageError, match=r"disk is full.*TMPDIR"):
        verify_record21(standard_record.record)
