"""Other implementations' records: each verifies with exactly its expected named warnings, and
each of 20 seeded one-digit mutations of it makes ``nazaha verify`` exit 1 naming a check; for a
2.0 and a 1.91 record, a run in two worker processes merges its chunks into the same report.

The records are read from ../shared/reference/electionguard (never copied into the project;
without that folder these tests skip with a message, and fail under CI=true). Each test runs
the command line in this process (Typer's runner, the same code as ``nazaha verify``) on the
untouched record and then on 20 copies, one mutation each (``tests.support.mutation``), with the
modular arithmetic memoized across the 21 runs (``tests.support.memo``: only the values a
mutation changed are recomputed, so every check still runs on every copy).
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nazaha.cli.app import app
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.verify.eg1.params import STANDARD_1X, TEST_ONLY_1X
from nazaha.verify.formats import detect_format, verify_path
from tests.e2e import tamper
from tests.support.memo import memoized_arithmetic
from tests.support.mutation import Site, find_sites, link_copy, mutate
from tests.support.records import reference_record
from tests.support.verifying import ChunkLog

SEEDS = int(os.environ.get("NAZAHA_TEST_SEEDS", "5"))
"""Seeded random mutations per record: 5 in ``make test`` (its time budget), 20 in ``make test-full``."""


def _no_exclusions(file: str, path: tuple[str | int, ...]) -> bool:
    return False


def _exclude_1_91(file: str, path: tuple[str | int, ...]) -> bool:
    """1.91: the contest range proofs are excluded by MITRE's 1.91 requirements (no Verification 6:
    the SDK's proofs are not correct), and the extended data's ``data`` is ciphertext bytes, not
    a number any verification covers (no Verification 11, 14)."""
    return ("proof" in path and "proofs" in path) or path[-2:] == ("extended_data", "data")


def _exclude_1x(file: str, path: tuple[str | int, ...]) -> bool:
    """1.x: the extended data's ``data`` is ciphertext bytes, not a number (its pad is checked)."""
    return path[-2:] == ("extended_data", "data")


@dataclass(frozen=True)
class Expected:
    format: str
    spec: str
    warnings: list[str]
    p: int = STANDARD_GROUP.p
    q: int = STANDARD_GROUP.q
    b64: bool = False
    partial: bool = False
    parallel_chunk: int = 0
    """When set, the record is also verified in 2 worker processes in chunks of this many ballots,
    and the merged report must equal the one-process report."""
    exclude: Callable[[str, tuple[str | int, ...]], bool] = field(default=_no_exclusions)


EGK = Expected("2.0", "2.0.0", ["egk-baux-unprefixed"])
EGK_PARALLEL = Expected("2.0", "2.0.0", ["egk-baux-unprefixed"], parallel_chunk=3)
EGK_EC = Expected("2.0", "2.0.0", ["version-label", "egk-baux-unprefixed", "egk-contest-data-hex"], b64=True)
ONE_X = Expected("1.x", "1.0", [], p=STANDARD_1X.p, q=STANDARD_1X.q, exclude=_exclude_1x)

EXPECTED: dict[str, Expected] = {
    "egk-2.0-allAvailableJson": EGK_PARALLEL,
    "egk-2.0-someAvailableJson": EGK,
    "egk-2.0-chainedJson": Expected(
        "2.0", "2.0.0", ["egk-baux-unprefixed", "egk-chain-first-aux", "egk-contest-data-hex"]
    ),
    "egk-ec-allAvailable": EGK_EC,
    "egk-ec-someAvailable": EGK_EC,
    "core2-1.91": Expected("1.x", "1.91", ["1.91-base-hash-draft", "1.91-excluded-checks"], exclude=_exclude_1_91),
    "ms-1.91": Expected("1.x", "1.91", ["1.91-decryptions-not-proven", "1.91-excluded-checks"], exclude=_exclude_1_91),
    "mitre-1.0": Expected("1.x", "1.0", ["chain-gaps"], p=STANDARD_1X.p, q=STANDARD_1X.q, exclude=_exclude_1x),
    "ms-1.0-hamilton": Expected("1.x", "1.0", [], p=TEST_ONLY_1X.p, q=TEST_ONLY_1X.q, exclude=_exclude_1x),
    "ms-0.95-minimal": ONE_X,
    "ms-0.95-small": ONE_X,
    "ms-0.95-full": ONE_X,
    "rust-2024": Expected("rust", "2.0.0", ["rust-draft-hashes"], partial=True),
    "rust-2023": Expected("rust", "2.0.0", ["no-guardian-proofs"], partial=True),
}


def _cli(path: Path) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["verify", str(path), "--json"])
    return result.exit_code, json.loads(result.stdout) if result.exit_code in (0, 1) else {"error": result.output}


def _failed_labels(report: dict[str, object]) -> set[str]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return {failure["label"] for check in checks for failure in check["failures"]}


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return target


def _unpacked(record: Path, tmp_path: Path) -> Path:
    if record.is_file():
        target = tmp_path / "unpacked"
        with zipfile.ZipFile(record) as archive:
            archive.extractall(target)
        return target
    return record


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_record_verifies_and_every_mutation_fails_a_named_check(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    record = reference_record(name)
    source = _unpacked(record, tmp_path)
    assert detect_format(source) == expected.format
    sites = find_sites(source, p=expected.p, q=expected.q, b64=expected.b64, exclude=expected.exclude)
    assert sites, "a record with nothing to mutate"
    with memoized_arithmetic():
        code, report = _cli(record)
        assert code == 0, report
        assert report["verdict"] == "valid"
        warnings = report["warnings"]
        assert isinstance(warnings, list)
        assert [w["name"] for w in warnings] == expected.warnings
        assert report["spec_version"] == expected.spec
        assert bool(report["partial"]) == expected.partial
        if expected.parallel_chunk:
            # The workers are forked from this process and inherit the memo: the runs are cheap.
            log = ChunkLog()
            two = verify_path(record, jobs=2, chunk_size=expected.parallel_chunk, progress=log)
            assert two.to_json() == verify_path(record).to_json()
            assert len(log.chunks()) > 1 and sum(log.chunks()) == two.results[0].items
        for seed in range(SEEDS):
            rng = SeededRandom(f"{name}/{seed}")
            site: Site = sites[rng.below(len(sites))]
            copy = link_copy(source, tmp_path / f"copy-{seed}")
            change = mutate(copy, site, rng, b64=expected.b64)
            target = _zip(copy, tmp_path / f"copy-{seed}.zip") if record.is_file() else copy
            code, mutated = _cli(target)
            assert code == 1, f"seed {seed}, {change}: exit code {code}, {mutated}"
            assert _failed_labels(mutated), f"seed {seed}, {change}: no check named"
            shutil.rmtree(copy)


@pytest.mark.slow
def test_nazaha_record_every_mutation_fails_a_named_check(record_copy: Callable[[], Path], tmp_path: Path) -> None:
    """The same for Nazaha's own 2.1 records, the attacker re-writing the digest index."""
    source = record_copy()
    sites = find_sites(
        source, p=STANDARD_GROUP.p, q=STANDARD_GROUP.q, counts=("value", "cast_ballots"), exclude=_no_exclusions
    )
    assert {s.kind for s in sites} == {"element", "response", "count"}
    with memoized_arithmetic():
        code, report = _cli(source)
        assert code == 0, report
        for seed in range(SEEDS):
            rng = SeededRandom(f"nazaha-2.1/{seed}")
            site = sites[rng.below(len(sites))]
            copy = tmp_path / f"copy-{seed}"
            shutil.copytree(source, copy)
            change = mutate(copy, site, rng)
            tamper.reindex(copy)
            code, mutated = _cli(copy)
            assert code == 1, f"seed {seed}, {change}: exit code {code}, {mutated}"
            labels = _failed_labels(mutated)
            assert labels and "0.A" not in labels, f"seed {seed}, {change}: {labels}"
            shutil.rmtree(copy)


def test_detection_and_unreadable_records(tmp_path: Path) -> None:
    """Detection by the files present; an unknown folder exits 2 naming what was looked for."""
    assert detect_format(reference_record("rust-2024")) == "rust"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(app, ["verify", str(empty)])
    assert result.exit_code == 2
    assert "election_config.json" in result.output and "context.json" in result.output


def test_rules_follow_the_hashes_and_a_dialect_must_hold_throughout(tmp_path: Path) -> None:
    """An egk record labelled 2.1.0 whose hashes are 2.0.0 verifies by the 2.0.0 rules with the
    named warning ``version-label``; a record whose confirmation codes follow two rules (with and
    without the B_aux length prefix) fails 7.B: a dialect is accepted only for the whole record."""
    from nazaha.crypto.params import STANDARD_GROUP as G
    from nazaha.verify.eg2 import hashes

    copy = tmp_path / "egk"
    shutil.copytree(reference_record("egk-2.0-allAvailableJson"), copy)
    config = json.loads((copy / "election_config.json").read_text())
    config["config_version"] = "v2.1.0"
    (copy / "election_config.json").write_text(json.dumps(config))
    with memoized_arithmetic():
        labelled = verify_path(copy)
        assert labelled.ok and labelled.spec_version == "2.0.0"
        assert labelled.warning_names() == ["version-label", "egk-baux-unprefixed"]
        assert "'v2.1.0'" in labelled.warnings[0].message
        name = sorted(copy.glob("encrypted_ballots/*/eballot-*.json"))[0]
        ballot = json.loads(name.read_text())
        h_e = bytes.fromhex(json.loads((copy / "election_initialized.json").read_text())["extended_base_hash"])
        ordered = sorted(ballot["contests"], key=lambda c: c["sequence_order"])
        chis = [bytes.fromhex(c["contest_hash"]) for c in ordered]
        code = hashes.confirmation_code(G, h_e, chis, bytes.fromhex(ballot["code_baux"]), unprefixed=False)
        ballot["confirmation_code"] = code.hex().upper()
        name.write_text(json.dumps(ballot))
        mixed = verify_path(copy)
    assert not mixed.ok
    assert any(f.label == "7.B" and "mix two rules" in f.message for _, f in mixed.failures())


def test_duplicate_zip_entries_are_read_once_with_a_warning(tmp_path: Path) -> None:
    """A zip that repeats an entry with the same bytes verifies with ``zip-duplicate-entries``;
    one whose repeated entries differ cannot be read (exit 2)."""
    source = reference_record("ms-1.0-hamilton")
    archive = _zip(source, tmp_path / "record.zip")
    device = next(source.glob("encryption_devices/*.json"))
    with zipfile.ZipFile(archive, "a") as bundle, pytest.warns(UserWarning, match="Duplicate name"):
        bundle.writestr(f"encryption_devices/{device.name}", device.read_bytes())
    report = verify_path(archive)
    assert report.ok and report.warning_names() == ["zip-duplicate-entries"]
    with zipfile.ZipFile(archive, "a") as bundle, pytest.warns(UserWarning, match="Duplicate name"):
        bundle.writestr(f"encryption_devices/{device.name}", b"{}")
    result = CliRunner().invoke(app, ["verify", str(archive)])
    assert result.exit_code == 2
    assert "appears twice with different contents" in result.output
