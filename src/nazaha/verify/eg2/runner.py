"""Runs the 2.0.0 checks on an egk record and gathers the same kind of report as for 2.1.

Which rules apply is decided by which hashes match, not by the version label: a record whose
H_P is the 2.0.0 one is checked by 2.0.0 rules, and a label that says otherwise (egk-ec writes
"2.1.0") becomes a named warning. Ballots are checked in chunks, here or in worker processes
(or on a Dask cluster), and the results merged; the report is the same either way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from nazaha.crypto.group import Group, set_parallelism
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.progress import NoProgress, Progress
from nazaha.verify.eg2 import hashes
from nazaha.verify.eg2.catalog import CHECKS_2_0, PRE_ENCRYPTED_2_0
from nazaha.verify.eg2.checks import (
    CHALLENGED,
    BallotSummary20,
    Chunk20Context,
    Chunk20Result,
    ElectionInputs20,
    GuardianInput20,
    check_ballot_chunk20,
    check_chains20,
    check_election20,
    check_tally20,
)
from nazaha.verify.eg2.model import Record20, is_record20, load_record20
from nazaha.verify.findings import Findings
from nazaha.verify.report import CheckResult, Report

__all__ = ["CHUNK", "dialect_warnings", "is_record20", "standard_or", "verify_record20"]

CHUNK = 4
"""egk ballots are large (20 contests): a few per chunk keep the workers evenly busy."""


def standard_or(group: Group) -> Group:
    """The process-wide standard group (with its cached tables) when ``group`` is it."""
    return STANDARD_GROUP if group == STANDARD_GROUP else group


def _label(version: str) -> str:
    return version.strip().removeprefix("v")


def _inputs(record: Record20, group: Group) -> ElectionInputs20:
    return ElectionInputs20(
        where="election_config.json",
        group=group,
        guardian_count=record.guardian_count,
        quorum=record.quorum,
        h_p=record.h_p,
        h_m=record.h_m,
        h_b=record.h_b,
        h_e=record.h_e,
        manifest_file=record.manifest_file,
        joint_key=record.joint_key,
        guardians=tuple(
            GuardianInput20(
                name=g.guardian_id,
                index=g.x_coordinate,
                commitments=tuple(k for k, _, _ in g.proofs),
                proofs=tuple((c, v) for _, c, v in g.proofs),
            )
            for g in record.guardians
        ),
    )


def _rules(record: Record20, group: Group, findings: Findings) -> None:
    """1.A: the version whose rules apply, from the hashes that match; a differing label warns."""
    if record.h_p == hashes.parameter_hash(group):
        labels = {
            "election_config.json config_version": record.config_version,
            "constants.json protocolVersion": record.constants_version,
            "manifest.json spec_version": record.manifest_version,
        }
        for where, label in labels.items():
            if label and _label(label) != "2.0.0":
                findings.warn(
                    "version-label",
                    where,
                    f"the record says {label!r}, but H_P and the other hashes follow ElectionGuard 2.0.0: "
                    "it was checked by the 2.0.0 rules (egk-ec labels its serialization version, not the spec's)",
                )
    elif record.h_p == hashes.parameter_hash_2_1(group, record.guardian_count, record.quorum):
        findings.fail(
            "1.A",
            "election_config.json",
            "H_P follows ElectionGuard 2.1.0; a record in egk's layout is checked by the 2.0.0 rules only",
        )


def dialect_warnings(findings: Findings, subject: str) -> None:
    """Turn what the checks observed into named warnings (or a failure, for mixed rules)."""
    seen = findings.observed
    prefixed, unprefixed = seen["baux-prefixed"], seen["baux-unprefixed"]
    if prefixed and unprefixed:
        findings.fail(
            "7.B",
            subject,
            f"the confirmation codes mix two rules: {prefixed} put the 4-byte length of B_aux before it, "
            f"{unprefixed} do not",
        )
    elif unprefixed:
        findings.warn(
            "egk-baux-unprefixed",
            subject,
            f"{unprefixed} hash(es) (confirmation codes, and chain hashes where codes are chained) take B_aux "
            "without the 4-byte length prefix that the 2.0.0 §5.5.3 table requires: a known deviation of egk and "
            "egk-ec, accepted as such",
        )
    if seen["chain-first-aux"]:
        findings.warn(
            "egk-chain-first-aux",
            subject,
            f"the first ballot of {seen['chain-first-aux']} chain(s) has B_aux,1 = H_0, not H_0 ‖ B_aux,0 as "
            "2.0.0 eq. (60) writes it: a known deviation of egk, accepted as such",
        )
    as_bytes, as_hex = seen["contest-data-bytes"], seen["contest-data-hex"]
    if as_bytes and as_hex:
        findings.fail("14.B", subject, "the contest data proofs mix two rules for hashing C_1")
    elif as_hex:
        findings.warn(
            "egk-contest-data-hex",
            subject,
            f"{as_hex} contest data decryption proof(s) hash C_1 as the text of its uppercase hex digits, not as "
            "its bytes (2.0.0 eq. 81): a known deviation of egk, accepted as such",
        )


def _run(
    ctx: Chunk20Context, names: Sequence[str], executor: Executor | None, progress: Progress, size: int
) -> Iterator[Chunk20Result]:
    chunks = [list(names[i : i + size]) for i in range(0, len(names), size)]
    if executor is None:
        for chunk in chunks:
            yield check_ballot_chunk20(ctx, chunk)
            progress.advance(len(chunk))
        return
    futures: list[tuple[Future[Chunk20Result], int]] = [
        (executor.submit(check_ballot_chunk20, ctx, c), len(c)) for c in chunks
    ]
    for future, count in futures:
        yield future.result()
        progress.advance(count)


def verify_record20(
    root: Path,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> Report:
    """Verify an ElectionGuard 2.0 record in egk's layout. Raises ``RecordFormatError`` if unreadable."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    progress = progress or NoProgress()
    record = load_record20(root)
    group = standard_or(record.group)
    findings = Findings()
    _rules(record, group, findings)
    check_election20(_inputs(record, group), STANDARD_GROUP, findings)
    ctx = Chunk20Context(
        root=str(root),
        base64=record.base64,
        group=group,
        joint_key=record.joint_key,
        h_e=record.h_e,
        contests=record.contests,
        styles=record.styles,
        decrypted=frozenset(record.decrypted_files),
    )
    products: dict[tuple[str, str], tuple[int, int]] = {}
    summaries: list[BallotSummary20] = []
    progress.start("Verifying ballots", len(record.ballot_files))
    pool = (
        ProcessPoolExecutor(max_workers=jobs, initializer=set_parallelism, initargs=(1,))
        if executor is None and jobs > 1
        else None
    )
    p = group.p
    try:
        for result in _run(ctx, record.ballot_files, executor or pool, progress, chunk_size):
            findings.merge(result.findings)
            summaries.extend(result.summaries)
            for key, (pad, data) in result.products.items():
                old_pad, old_data = products.get(key, (1, 1))
                products[key] = (old_pad * pad % p, old_data * data % p)
    finally:
        if pool is not None:
            pool.shutdown()
        progress.finish()
    summaries.sort(key=lambda s: s.name)
    check_chains20(record, summaries, findings)
    check_tally20(record, products, summaries, findings)
    challenged = {s.ballot_id for s in summaries if s.state in CHALLENGED}
    for name in record.decrypted_files:
        ballot_id = Path(name).stem.removeprefix("dballot-")
        if ballot_id not in challenged:
            findings.fail("12.B", name, "a decryption of a ballot that was not challenged")
    dialect_warnings(findings, str(root))
    return _report(root, record, findings, bool(challenged))


def _report(root: Path, record: Record20, findings: Findings, challenged: bool) -> Report:
    results = []
    for check in CHECKS_2_0:
        verdict = CheckResult(
            check=check, items=findings.items.get(check.number, 0), failures=findings.failures.get(check.number, [])
        )
        if not verdict.failures:
            if check.number == "11" and not record.tally_has_contest_data:
                verdict.not_applicable = "the tally decrypts no contest data"
            elif check.number in ("12", "13") and not challenged:
                verdict.not_applicable = "no ballot was challenged"
            elif check.number == "14" and not verdict.items:
                verdict.not_applicable = "no challenged ballot has decrypted contest data"
            elif check.number in PRE_ENCRYPTED_2_0:
                verdict.not_applicable = "the record has no pre-encrypted ballots"
        results.append(verdict)
    return Report(
        record=str(root),
        format=f"ElectionGuard 2.0, {record.layout} as egk and egk-ec write it",
        results=results,
        spec_version="2.0.0",
        warnings=list(findings.warnings),
    )
