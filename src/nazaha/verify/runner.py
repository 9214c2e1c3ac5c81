"""Runs every check on an ElectionGuard 2.1 record and gathers the report.

The runner keeps going after a failure, so one run lists every problem. Ballots are streamed in
chunks, checked in this process or in a pool of worker processes (``jobs``) or by any other
executor with the ``concurrent.futures`` interface; the report is the same either way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from nazaha.crypto.group import Group, set_parallelism
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.progress import NoProgress, Progress
from nazaha.record.layout import INDEX_FILE
from nazaha.verify import spec_hashes
from nazaha.verify.checks.ballots import BallotCheckContext, ChainLink, ChunkResult, check_chunk
from nazaha.verify.checks.board import check_board
from nazaha.verify.checks.catalog import CHECKS
from nazaha.verify.checks.election import check_election
from nazaha.verify.checks.tally import check_aggregation, check_tally
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21, load_record21
from nazaha.verify.report import CheckResult, Report

__all__ = ["verify_record21"]

CHUNK = 24


def _check_files(record: Record21, findings: Findings) -> dict[str, str]:
    """Check 0.A-0.C for every file except ballots and openings (checked in the chunks)."""
    index = record.reader.index
    assert index is not None
    root = record.reader.root
    listed = dict(index.files)
    present = {
        str(path.relative_to(root)).replace("\\", "/")
        for path in root.rglob("*")
        if path.is_file() and path.name != INDEX_FILE and not path.name.startswith(".")
    }
    for name in sorted(present - set(listed)):
        findings.fail("0.B", name, "the file is not listed in record.json")
    for name in sorted(set(listed) - present):
        findings.fail("0.A", name, "listed in record.json but missing from the record")
    for name in sorted(present & set(listed)):
        if name.startswith(("ballots/", "challenged/")):
            continue
        findings.count("0")
        digest = hashlib.sha256((root / name).read_bytes()).hexdigest().upper()
        if digest != listed[name]:
            findings.fail("0.A", name, "the file's SHA-256 differs from the one in record.json")
    return listed


def _device_chains(record: Record21, findings: Findings) -> dict[str, ChainLink]:
    """Check 8.F/8.G once per device and map each listed confirmation code to its link."""
    group = record.group
    h_e = record.hashes.extended_hash
    chains: dict[str, ChainLink] = {}
    for log in record.devices:
        subject = f"device {log.device!r}"
        h_di = spec_hashes.device_hash(group, h_e, log.device)
        previous: bytes | None = None
        for code in log.ballots:
            if code in chains:
                findings.fail("0.D", subject, f"ballot {code[:16]}… is listed twice in the device lists")
            chains[code] = ChainLink(device=log.device, mode=log.chaining, previous=previous)
            previous = bytes.fromhex(code)
        if log.chaining == "simple":
            findings.count("8")
            last = previous if previous is not None else spec_hashes.chain_initial_hash(group, h_e, h_di)
            closing = spec_hashes.chain_closing_hash(group, h_e, last, h_di)
            if log.closing_hash != closing.hex().upper():
                findings.fail(
                    "8.G",
                    subject,
                    "the chain's closing hash is wrong: ballots were added, removed or reordered at its end",
                )
        elif log.closing_hash:
            findings.fail("8.G", subject, "a device without chaining must not publish a closing hash")
    return chains


def _chunks(names: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(names), CHUNK):
        yield list(names[start : start + CHUNK])


def _run_chunks(
    context_for: Callable[[list[str]], BallotCheckContext],
    names: Sequence[str],
    executor: Executor | None,
    progress: Progress,
) -> Iterator[ChunkResult]:
    if executor is None:
        for chunk in _chunks(names):
            yield check_chunk(context_for(chunk), chunk)
            progress.advance(len(chunk))
        return
    window = 4 * max(2, getattr(executor, "_max_workers", 4))
    pending: list[tuple[Future[ChunkResult], int]] = []
    for chunk in _chunks(names):
        pending.append((executor.submit(check_chunk, context_for(chunk), chunk), len(chunk)))
        if len(pending) >= window:
            future, size = pending.pop(0)
            yield future.result()
            progress.advance(size)
    for future, size in pending:
        yield future.result()
        progress.advance(size)


def verify_record21(
    root: Path,
    *,
    jobs: int = 1,
    expected_group: Group = STANDARD_GROUP,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Report:
    """Verify the 2.1 record at ``root``. Raises ``RecordFormatError`` if it cannot be read."""
    progress = progress or NoProgress()
    record = load_record21(root)
    findings = check_election(record, expected_group)
    listed = _check_files(record, findings)
    chains = _device_chains(record, findings)
    index = record.reader.index
    assert index is not None

    def context_for(chunk: list[str]) -> BallotCheckContext:
        codes = [name.removeprefix("ballots/").removesuffix(".json") for name in chunk]
        digests = {name: listed[name] for name in chunk if name in listed}
        for code in codes:
            opening = f"challenged/{code}.json"
            if opening in listed:
                digests[opening] = listed[opening]
        return BallotCheckContext(
            root=str(root),
            group=record.group,
            manifest=record.manifest,
            vote_key=record.hashes.vote_key,
            extended_hash=record.hashes.extended_hash,
            digests=digests,
            chains={code: chains[code] for code in codes if code in chains},
        )

    products: dict[int, list[tuple[int, int]]] = {}
    p = record.group.p
    cast = challenged = 0
    seen_ids: set[bytes] = set()
    seen_codes: set[str] = set()
    challenged_codes: set[str] = set()
    labels: set[str] = set()
    states: dict[str, str] = {}
    progress.start("Verifying ballots", len(record.ballot_names))
    own_pool = None
    if executor is None and jobs > 1:
        own_pool = ProcessPoolExecutor(max_workers=jobs, initializer=set_parallelism, initargs=(1,))
        executor = own_pool
    try:
        for result in _run_chunks(context_for, record.ballot_names, executor, progress):
            findings.merge(result.findings)
            cast += result.cast
            challenged += result.challenged
            labels |= result.contest_labels
            challenged_codes.update(result.challenged_codes)
            states.update(result.states)
            for selection_id in result.selection_ids:
                if selection_id in seen_ids:
                    findings.fail(
                        "5.A",
                        f"identifier {selection_id.hex().upper()[:16]}…",
                        "two ballots share this selection encryption identifier",
                    )
                seen_ids.add(selection_id)
            for code in result.codes:
                if code in seen_codes:
                    findings.fail("0.D", f"ballot {code[:16]}…", "two ballot files hold the same confirmation code")
                seen_codes.add(code)
            for contest, row in result.products.items():
                current = products.setdefault(contest, [(1, 1)] * len(row))
                products[contest] = [(a * c % p, b * d % p) for (a, b), (c, d) in zip(current, row, strict=True)]
    finally:
        if own_pool is not None:
            own_pool.shutdown()
        progress.finish()

    for code in sorted(set(chains) - seen_codes):
        findings.fail(
            "0.D",
            f"ballot {code[:16]}…",
            f"device {chains[code].device!r} lists it, but the record has no such ballot",
        )
    for code in sorted(seen_codes - set(chains)):
        findings.fail("0.D", f"ballot {code[:16]}…", "no device lists this ballot")
    for name in record.challenged_names:
        code = name.removeprefix("challenged/").removesuffix(".json")
        if code not in challenged_codes:
            findings.fail("0.D", name, "an opening for a ballot that was not challenged")
    if (index.ballots, index.cast, index.challenged) != (cast + challenged, cast, challenged):
        findings.fail(
            "0.C",
            INDEX_FILE,
            f"record.json counts {index.ballots} ballots ({index.cast} cast, {index.challenged} challenged); "
            + f"the record holds {cast + challenged} ({cast}, {challenged})",
        )

    check_board(record, states, findings)
    check_aggregation(record, products, cast, findings)
    check_tally(record, labels, findings)

    results: list[CheckResult] = []
    for check in CHECKS:
        verdict = CheckResult(
            check=check,
            items=findings.items.get(check.number, 0),
            failures=findings.failures.get(check.number, []),
        )
        if check.number == "12":
            verdict.not_applicable = "the record has no contest data fields (Nazaha does not encrypt contest data)"
        elif check.number in ("13", "14") and not challenged and not verdict.failures:
            verdict.not_applicable = "no ballot was challenged"
        results.append(verdict)
    return Report(record=str(root), format="ElectionGuard 2.1", results=results)
