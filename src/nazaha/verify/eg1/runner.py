"""Runs the 1.x checks on a record folder and gathers the same kind of report as for 2.1."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from nazaha.crypto.group import Group, set_parallelism
from nazaha.errors import RecordFormatError
from nazaha.progress import NoProgress, Progress
from nazaha.verify.eg1.catalog import CHECKS_1X
from nazaha.verify.eg1.checks import (
    CAST,
    SPOILED,
    BallotSummary,
    Chunk1Context,
    Chunk1Result,
    check_ballot_chunk,
    check_decryption,
    check_election1,
    guardian_keys,
)
from nazaha.verify.eg1.hashing import hash_elems
from nazaha.verify.eg1.model import Record1, load_record1
from nazaha.verify.eg1.params import KNOWN_1X
from nazaha.verify.findings import Findings
from nazaha.verify.report import CheckResult, Report

__all__ = ["is_record1", "verify_record1"]

CHUNK = 8


def is_record1(root: Path) -> bool:
    """True when ``root`` looks like a 1.x record (``context.json`` and ``constants.json``)."""
    return (root / "context.json").is_file() and (root / "constants.json").is_file()


_KNOWN_GROUPS: dict[tuple[int, int, int, int], Group] = {}
"""One Group object per known 1.x parameter set, so that its fixed-base tables (g, K) are built
once per process however many records are verified."""


def _group(record: Record1) -> Group:
    c = record.constants
    key = (c.p, c.q, c.r, c.g)
    known = _KNOWN_GROUPS.get(key)
    if known is not None:
        return known
    try:
        group = Group(name="electionguard-1.x", p=c.p, q=c.q, r=c.r, g=c.g)
    except Exception as error:
        raise RecordFormatError("constants.json", f"not a valid group: {error}") from None
    if any((s.p, s.q, s.r, s.g) == key for s in KNOWN_1X):
        _KNOWN_GROUPS[key] = group
    return group


def _coefficients(record: Record1) -> dict[str, int]:
    coefficients = dict(record.coefficients)
    if any(key.startswith("#") for key in coefficients):
        # 0.95 lists coefficients in the order of the available guardians.
        present = sorted(
            {s.guardian_id for sel in record.tally.values() for t in sel.values() for s in t.shares if s.proof},
            key=lambda gid: next(g.sequence_order for g in record.guardians if g.guardian_id == gid),
        )
        coefficients = {gid: coefficients.get(f"#{i}", -1) for i, gid in enumerate(present)}
    return coefficients


def _run(
    ctx: Chunk1Context, names: Sequence[str], executor: Executor | None, progress: Progress, size: int
) -> Iterator[Chunk1Result]:
    chunks = [list(names[i : i + size]) for i in range(0, len(names), size)]
    if executor is None:
        for chunk in chunks:
            yield check_ballot_chunk(ctx, chunk)
            progress.advance(len(chunk))
        return
    futures: list[tuple[Future[Chunk1Result], int]] = [
        (executor.submit(check_ballot_chunk, ctx, c), len(c)) for c in chunks
    ]
    for future, count in futures:
        yield future.result()
        progress.advance(count)


def verify_record1(
    root: Path,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> Report:
    """Verify an ElectionGuard 1.x record. Raises ``RecordFormatError`` if it cannot be read.

    Ballots are checked ``chunk_size`` at a time, here or in ``jobs`` processes (or on ``executor``).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    progress = progress or NoProgress()
    record = load_record1(root)
    group = _group(record)
    findings = Findings()
    note = check_election1(record, group, findings)
    ctx = Chunk1Context(
        root=str(root),
        group=group,
        joint_key=record.context.joint_key,
        extended_hash=record.context.extended_hash,
        manifest_hash=record.context.manifest_hash,
        contests=tuple(record.manifest_contests),
        styles=frozenset(record.ballot_styles),
        guardians=guardian_keys(record.guardians),
        coefficients=_coefficients(record),
    )
    names = [f"submitted_ballots/{p.name}" for p in record.ballot_paths]
    products: dict[tuple[str, str], tuple[int, int]] = {}
    summaries = []
    progress.start("Verifying ballots", len(names))
    pool = (
        ProcessPoolExecutor(max_workers=jobs, initializer=set_parallelism, initargs=(1,))
        if executor is None and jobs > 1
        else None
    )
    try:
        for result in _run(ctx, names, executor or pool, progress, chunk_size):
            findings.merge(result.findings)
            summaries.extend(result.summaries)
            for key, (pad, data) in result.products.items():
                old_pad, old_data = products.get(key, (1, 1))
                products[key] = (group.mul(old_pad, pad), group.mul(old_data, data))
    finally:
        if pool is not None:
            pool.shutdown()
        progress.finish()

    _check_chains(record, group, summaries, findings)
    _check_tally(record, ctx, products, summaries, findings)

    results = []
    for check in CHECKS_1X:
        verdict = CheckResult(
            check=check, items=findings.items.get(check.number, 0), failures=findings.failures.get(check.number, [])
        )
        if check.number == "1":
            verdict.note = note
        if check.number in ("9", "10") and not verdict.items and not verdict.failures:
            verdict.not_applicable = "every guardian was present at decryption"
        if check.number == "12" and not verdict.items and not verdict.failures:
            verdict.not_applicable = "no ballot was spoiled"
        results.append(verdict)
    return Report(
        record=str(root),
        format="ElectionGuard 1.x (electionguard-python 1.4.0 layout)",
        results=results,
        spec_version="1.0",
        warnings=list(findings.warnings),
    )


def _check_chains(record: Record1, group: Group, summaries: list[BallotSummary], findings: Findings) -> None:
    """Step 6 across ballots: tracking codes chain from a device's starting hash, without forks.

    ElectionGuard 1.0 allows "non-linear or no chaining": a ballot encrypted on a device and
    never submitted leaves a gap, so a ballot whose previous code is neither a device's start
    nor another published ballot's code is counted as a gap and reported as the named warning
    ``chain-gaps``, not as a failure (no 1.x layout declares linear chaining). A cast ballot
    deleted from the record is still caught, by the aggregation of step 7. Two ballots that
    continue the same code fork the chain and fail 6.E.
    """
    q = group.q
    starts = {hash_elems(q, d.device_id, d.session_id, d.launch_code, d.location): d for d in record.devices}
    codes = {s.code: s for s in summaries}
    seeds: dict[int, str] = {}
    gaps = []
    for summary in summaries:
        subject = f"ballot {summary.object_id}"
        if summary.code_seed in seeds:
            findings.fail(
                "6.E", subject, f"ballot {seeds[summary.code_seed]} continues the same chain link: the chain forks"
            )
        seeds[summary.code_seed] = summary.object_id
        if summary.code_seed not in starts and summary.code_seed not in codes:
            gaps.append(summary.object_id)
    findings.count("6", 0)
    if gaps:
        findings.warn(
            "chain-gaps",
            "submitted_ballots/",
            f"{len(gaps)} ballot(s) continue from a tracking code that no published ballot has ({', '.join(gaps[:5])}"
            + (", ..." if len(gaps) > 5 else "")
            + "): gaps in the device chain, which ElectionGuard 1.0 allows (ballots encrypted but never submitted "
            "leave them); a missing cast ballot would fail the aggregation (step 7)",
        )
    if len(codes) != len(summaries):
        findings.fail("0.D", "submitted_ballots/", "two ballots share a tracking code")
    ids = [s.object_id for s in summaries]
    if len(set(ids)) != len(ids):
        findings.fail("0.D", "submitted_ballots/", "two ballot files hold the same ballot id")
    spoiled_ids = {s.object_id for s in summaries if s.state == SPOILED}
    for path in record.spoiled_paths:
        object_id = path.stem.removeprefix("spoiled_ballot_")
        if object_id not in spoiled_ids:
            findings.fail("12.C", f"spoiled_ballots/{path.name}", "a decryption for a ballot that was not spoiled")


def _check_tally(
    record: Record1,
    ctx: Chunk1Context,
    products: dict[tuple[str, str], tuple[int, int]],
    summaries: list[BallotSummary],
    findings: Findings,
) -> None:
    """Steps 7-11 on the tally."""
    manifest = {c.object_id: c for c in record.manifest_contests}
    for contest_id, contest in manifest.items():
        for selection_id in contest.selections:
            findings.count("7")
            subject = f"{contest_id}/{selection_id}"
            encrypted = record.encrypted_tally.get(contest_id, {}).get(selection_id)
            expected = products.get((contest_id, selection_id), (1, 1))
            if encrypted is None:
                findings.fail("7.A", subject, "missing from the encrypted tally")
                continue
            if encrypted[0] != expected[0]:
                findings.fail("7.A", subject, "A is not the product of the cast ballots' α")
            if encrypted[1] != expected[1]:
                findings.fail("7.B", subject, "B is not the product of the cast ballots' β")
            decrypted = record.tally.get(contest_id, {}).get(selection_id)
            if decrypted is None:
                findings.fail("11.L", subject, "missing from the decrypted tally")
                continue
            if (decrypted.pad, decrypted.data) != encrypted:
                findings.fail("7.C", subject, "the tally decrypts another message than the encrypted tally holds")
            check_decryption(ctx, decrypted, subject, findings)
    for contest_id, selections in record.tally.items():
        for selection_id in selections:
            if contest_id not in manifest or selection_id not in manifest[contest_id].selections:
                findings.fail(
                    "11.L", f"{contest_id}/{selection_id}", "the tally lists a selection the manifest does not have"
                )
    if not any(s.state == CAST for s in summaries) and record.tally:
        findings.count("7", 0)
