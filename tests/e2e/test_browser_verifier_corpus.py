"""The browser verifier agrees with `nazaha verify` on the tamper corpus (under Node).

Each record of the corpus is a small demo record (eight ballots) with one or more of the tamper tool's
mutations (tests/e2e/tamper.py), several unrelated ones per record so that the corpus stays
small enough for the test budget while every check that can fail on a Nazaha 2.1 record
(0, B, E, S, G, 1 to 10, 13, N) fails somewhere. Both verifiers must give the same verdict and
the same failed labels, failure by failure. ``python -m benchmarks.browser_verifier --corpus``
runs every mutation of the corpus on its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from nazaha.crypto.params import STANDARD_GROUP
from nazaha.errors import RecordFormatError
from nazaha.verify.formats import verify_path
from nazaha.verify.report import Report
from nazaha.workflows.demo import run_demo
from tests.e2e import tamper
from tests.e2e.tamper_contest_data import (
    change_contest_data_response,
    change_decrypted_data,
    change_decryption_share,
    change_opened_data,
    decryption_response_out_of_range,
    drop_decryption,
    drop_opened_data,
    remove_contest_data,
)
from tests.support.browser_verifier import (
    lines_of,
    python_summary,
    start_node_verifier,
    summaries_of,
    summary_of_line,
    zip_record,
)
from tests.support.elections import write_in_manifest

COMBINED: dict[str, Sequence[Callable[[Path], None]]] = {
    "ballots": (  # each on another ballot or device
        tamper.change_proof_response,
        tamper.change_contest_limit_proof,
        tamper.change_ballot_nonce_proof,
        tamper.change_selection_id,
        tamper.change_confirmation_code,
        tamper.reorder_ballots,
        tamper.change_closing_hash,
    ),
    "election-and-tally": (
        tamper.change_tally_proof,
        tamper.change_tally_count,
        tamper.change_encrypted_tally,
        tamper.change_guardian_key,
        tamper.change_manifest_label,
        tamper.remove_record_signature,
    ),
    "extended-hash": (tamper.change_extended_hash,),
    "board-and-messages": (
        tamper.rewrite_board_decision,
        tamper.receive_twice_on_board,
        tamper.alter_round_document,
        tamper.unsign_cast_ballot,
        tamper.forge_message_signature,
        tamper.remove_last_round_message,
    ),
    "challenged-and-eligibility": (
        tamper.flip_challenged_to_cast,
        tamper.change_challenged_opening,
        tamper.duplicate_ballot,
        tamper.two_ballots_from_one_key,
        tamper.forge_record_signature,
        tamper.delete_board_entry,
    ),
}


def drop_all_decryptions(root: Path) -> None:
    """A record decrypted before the guardians decrypted contest data: Verification 12 does not apply."""
    shutil.rmtree(root / "contest_data")


CONTEST_DATA: dict[str, Sequence[Callable[[Path], None]]] = {  # the first cast or challenged ballot each
    "contest-data-proof": (change_contest_data_response,),
    "contest-data-removed": (remove_contest_data,),
    "contest-data-opened": (change_opened_data, change_decryption_share),
    "contest-data-decryption": (decryption_response_out_of_range, drop_opened_data),
    "contest-data-decrypted": (change_decrypted_data,),
    "contest-data-unpublished": (drop_decryption,),
    "contest-data-undecrypted": (drop_all_decryptions,),
}

LETTERS = {"0", "B", "E", "S", "G", "1", "2", "3", "4", "5", "6", "7", "8", "N", "9", "10", "13"}


def build_corpus(source: Path, target: Path, corpus: dict[str, Sequence[Callable[[Path], None]]]) -> list[Path]:
    records = [target / "untouched"]
    shutil.copytree(source, records[0])
    for name, mutations in corpus.items():
        record = target / name
        shutil.copytree(source, record)
        for mutation in mutations:
            tamper.apply(record, mutation)
        records.append(record)
    return records


def verify_python(record: Path) -> Report | None:
    try:
        return verify_path(record)
    except RecordFormatError:
        return None


@pytest.fixture(scope="module")
def small_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight ballots (six cast, two challenged) on two devices: the least every mutation needs."""
    output = tmp_path_factory.mktemp("corpus-source") / "record"
    return run_demo(ballots=8, output=output, group=STANDARD_GROUP, challenge_every=4, seed="browser-corpus").record


@pytest.fixture(scope="module")
def contest_data_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six ballots (two challenged) whose mayor's contest carries contest data (a write-in option)."""
    output = tmp_path_factory.mktemp("corpus-contest-data") / "record"
    return run_demo(
        ballots=6,
        output=output,
        group=STANDARD_GROUP,
        challenge_every=3,
        seed="browser-corpus-contest-data",
        manifest=write_in_manifest(),
    ).record


@pytest.mark.slow
def test_the_browser_verifier_agrees_with_nazaha_verify(small_record: Path, tmp_path: Path) -> None:
    records = build_corpus(small_record, tmp_path / "corpus", COMBINED)
    archive = zip_record(records[0], tmp_path / "untouched.zip")  # the zip reader on the same record
    node = start_node_verifier([*records, archive], tmp_path / "records.json")  # runs while Python verifies
    expected = {str(r): python_summary(verify_python(r)) for r in records}
    actual = summaries_of(node)
    assert actual.pop(str(archive)) == expected[str(records[0])]
    assert expected[str(records[0])].verdict == "valid"
    failed_letters = {label.split(".")[0] for s in expected.values() for label in s.failed}
    assert failed_letters >= LETTERS, LETTERS - failed_letters
    mismatches = {path: (expected[path], actual.get(path)) for path in expected if actual.get(path) != expected[path]}
    assert not mismatches, mismatches


@pytest.mark.slow
def test_the_browser_verifier_agrees_on_contest_data(contest_data_record: Path, tmp_path: Path) -> None:
    """Check D, Verification 12 and 13.A: the same verdicts, failed labels and statuses. A paper
    audit (audit/log.json) the browser does not check: A is "not checked" and the verdict never VALID."""
    records = build_corpus(contest_data_record, tmp_path / "corpus", CONTEST_DATA)
    audited = tmp_path / "audited"
    shutil.copytree(contest_data_record, audited)
    (audited / "audit").mkdir()
    (audited / "audit" / "log.json").write_text("{}", "utf-8")
    node = start_node_verifier([*records, audited], tmp_path / "records.json")
    reports = {str(r): verify_python(r) for r in records}
    lines = lines_of(node)
    audit_line = lines.pop(str(audited))
    assert audit_line["statuses"]["A"] == "not checked" and audit_line["verdict"] == "incomplete"
    expected = {path: python_summary(report) for path, report in reports.items()}
    assert expected[str(records[0])].verdict == "valid"
    failed = {label for s in expected.values() for label in s.failed}
    assert failed >= {"D.A", "D.C", "12.A", "12.B", "12.C", "12.D", "13.A"}, failed
    mismatches = {
        path: (expected[path], summary_of_line(lines[path]))
        for path in expected
        if summary_of_line(lines[path]) != expected[path]
    }
    assert not mismatches, mismatches
    for path, report in reports.items():
        assert report is not None
        python_statuses = {r.check.number: r.status.value for r in report.results}
        assert {n: lines[path]["statuses"][n] for n in ("D", "12", "13", "A")} == {
            n: python_statuses[n] for n in ("D", "12", "13", "A")
        }, path
    statuses = {
        name: lines[str(tmp_path / "corpus" / name)]["statuses"]["12"]
        for name in ("untouched", "contest-data-undecrypted")
    }
    assert statuses == {"untouched": "passed", "contest-data-undecrypted": "not applicable"}
