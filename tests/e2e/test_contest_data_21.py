"""A 2.1 record with contest data (§3.3.10): it verifies, and each mutation of the contest data
fails its named check (D for the ciphertext and its proof on every ballot, 13.A for a challenged
ballot's published data, 12 for the guardians' decryption of it), the files re-indexed as an
attacker would."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.record.decryption import decode_contest_data_decryption
from nazaha.record.layout import RecordReader
from nazaha.verify.checks.contest_data import NOT_DECRYPTED, check_contest_data_decryptions
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import load_record21
from nazaha.verify.runner import verify_record21
from nazaha.verify.scratch import Scratch
from nazaha.voting.contest_data import decode_contest_data
from nazaha.workflows.demo import DemoResult, run_demo
from tests.e2e import tamper
from tests.e2e.tamper_contest_data import (
    change_contest_data_response,
    change_decrypted_data,
    change_decryption_response,
    change_decryption_share,
    change_opened_data,
    change_opened_data_nonce,
    decryption_response_out_of_range,
    drop_decryption,
    drop_opened_data,
    flip_contest_data_bit,
    remove_contest_data,
)
from tests.support.elections import write_in_manifest
from tests.support.memo import memoized_arithmetic
from tests.support.mutation import find_sites, mutate
from tests.support.verifying import verify_both


@pytest.fixture(scope="module")
def contest_data_record(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    output = tmp_path_factory.mktemp("contest-data") / "record"
    return run_demo(
        ballots=8,
        output=output,
        group=STANDARD_GROUP,
        challenge_every=3,
        seed="contest-data-record",
        manifest=write_in_manifest(),
    )


DECRYPTION_MUTATIONS: list[tuple[Callable[[Path], None], str]] = [
    (change_decryption_response, "12.B"),
    (decryption_response_out_of_range, "12.A"),
    (change_decrypted_data, "12.C"),
    (drop_decryption, "12.D"),
]
"""Checked by Verification 12 alone (``_verification_12``), to keep them fast; the full verifier
runs on ``change_decryption_share`` below."""

MUTATIONS: list[tuple[Callable[[Path], None], str]] = [
    (change_decryption_share, "12.B"),
    (change_contest_data_response, "D.C"),
    (flip_contest_data_bit, "D.C"),
    (remove_contest_data, "D.A"),
    (change_opened_data, "13.A"),
    (change_opened_data_nonce, "13.A"),
    (drop_opened_data, "13.A"),
]


def test_the_record_with_contest_data_verifies(contest_data_record: DemoResult) -> None:
    report = verify_record21(contest_data_record.record)
    assert report.ok, list(report.failures())
    results = {r.check.number: r for r in report.results}
    assert results["D"].status.value == "passed" and results["D"].items == 8  # the mayor's contest on each
    assert results["13"].status.value == "passed"
    # The guardians decrypted every challenged ballot's contest data, with proofs (Verification 12).
    assert results["12"].status.value == "passed"
    assert results["12"].items == len(contest_data_record.challenged) >= 1
    for opened in contest_data_record.challenged:
        code = opened.confirmation_code.hex().upper()
        decrypted = decode_contest_data_decryption(
            (contest_data_record.record / f"contest_data/{code}.json").read_bytes(), STANDARD_GROUP, code
        )
        assert [c.data for c in decrypted.contests] == [opened.contests[0].data]
    # The openings publish each challenged ballot's contest data, write-ins readable.
    manifest = contest_data_record.context.manifest
    opened_write_ins = 0
    for opened in contest_data_record.challenged:
        data = opened.contests[0].data
        assert data is not None
        decoded = decode_contest_data(manifest.contest(1), data)
        marked = {s.label for s in opened.contests[0].selections if s.value}
        assert set(decoded.write_ins) == marked & {"write-in"}
        assert decoded.write_ins == contest_data_record.challenged_expected[opened.confirmation_code].write_ins.get(
            "mayor", {}
        )
        opened_write_ins += len(decoded.write_ins)
    # The seeded ballots exercise write-ins: the cast ones are counted in the tally like any option.
    assert opened_write_ins + contest_data_record.expected.get(("mayor", "write-in"), 0) >= 1
    tally = {(c.label, o.label): o.value for c in contest_data_record.tally.contests for o in c.options}
    assert tally[("mayor", "write-in")] == contest_data_record.expected.get(("mayor", "write-in"), 0)


@pytest.mark.parametrize(("mutation", "label"), MUTATIONS, ids=[m.__name__ for m, _ in MUTATIONS])
def test_contest_data_mutation_fails_the_named_check(
    contest_data_record: DemoResult, tmp_path: Path, mutation: Callable[[Path], None], label: str
) -> None:
    record = tmp_path / "record"
    shutil.copytree(contest_data_record.record, record)
    tamper.apply(record, mutation)
    labels = verify_both(record).failed_labels()
    assert label in labels, sorted(labels)
    assert "0.A" not in labels


def _in_contest_data(file: str, path: tuple[str | int, ...]) -> bool:
    """Mutation sites outside the contest data are left out here (test_interop covers them)."""
    return not any(part in ("contest_data", "data_nonce") for part in path)


@pytest.mark.slow
def test_twenty_seeded_mutations_of_contest_data_fail_a_named_check(
    contest_data_record: DemoResult, tmp_path: Path
) -> None:
    """One digit of a contest data element (C_0), response (v) or nonce changed, the index
    re-written: each of 20 seeds fails a named check, never only the index."""
    source = contest_data_record.record
    sites = find_sites(source, p=STANDARD_GROUP.p, q=STANDARD_GROUP.q, counts=(), exclude=_in_contest_data)
    assert {s.kind for s in sites} >= {"element", "response"}
    with memoized_arithmetic():
        for seed in range(20):
            rng = SeededRandom(f"contest-data/{seed}")
            site = sites[rng.below(len(sites))]
            copy = tmp_path / f"copy-{seed}"
            shutil.copytree(source, copy)
            change = mutate(copy, site, rng)
            tamper.reindex(copy)
            labels = verify_both(copy).failed_labels()
            assert labels and "0.A" not in labels, f"seed {seed}, {change}: {labels}"
            shutil.rmtree(copy)


def _run_verification_12(root: Path) -> tuple[str, Findings]:
    """Verification 12 alone on the record at ``root``, with a scratch database filled as the
    runner fills it (the files present, the challenged ballots' states): why it does not apply
    ("" when it does), and its findings."""
    findings = Findings()
    with Scratch() as scratch:
        for path in sorted(root.rglob("*.json")):
            scratch.add_present(path.relative_to(root).as_posix())
        for name in tamper.ballots(root, "challenged"):
            scratch.add_ballot(name.removeprefix("ballots/").removesuffix(".json"), "challenged")
        not_applicable = check_contest_data_decryptions(
            load_record21(root), RecordReader(root, read_index=False), scratch, findings
        )
    return not_applicable, findings


def _verification_12(root: Path) -> set[str]:
    """The labels Verification 12 fails on the record at ``root``."""
    not_applicable, findings = _run_verification_12(root)
    assert not not_applicable
    return {failure.label for failures in findings.failures.values() for failure in failures}


@pytest.mark.parametrize(("mutation", "label"), DECRYPTION_MUTATIONS, ids=[m.__name__ for m, _ in DECRYPTION_MUTATIONS])
def test_a_changed_contest_data_decryption_fails_verification_12(
    contest_data_record: DemoResult, tmp_path: Path, mutation: Callable[[Path], None], label: str
) -> None:
    record = tmp_path / "record"
    shutil.copytree(contest_data_record.record, record)
    assert _verification_12(record) == set()
    mutation(record)
    assert _verification_12(record) == {label}


def test_without_the_guardians_decryptions_verification_12_says_why_it_does_not_apply(
    contest_data_record: DemoResult, tmp_path: Path
) -> None:
    """A record decrypted before the guardians decrypted contest data has no ``contest_data/``
    files: Verification 12 is not applicable, and says so (the openings still check the data: 13.A)."""
    record = tmp_path / "record"
    shutil.copytree(contest_data_record.record, record)
    shutil.rmtree(record / "contest_data")
    not_applicable, findings = _run_verification_12(record)
    assert not_applicable == NOT_DECRYPTED
    assert not findings.failures and not findings.items["12"]
