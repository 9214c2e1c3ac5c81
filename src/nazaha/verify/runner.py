"""Runs every check on an ElectionGuard 2.1 record and gathers the report.

The runner keeps going after a failure, so one run lists every problem. Ballots are streamed in
chunks, checked in this process or in a pool of worker processes (``jobs``) or by any other
executor with the ``concurrent.futures`` interface; the report is the same either way.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nazaha.crypto.group import Group, set_parallelism
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.errors import RecordFormatError, StorageError
from nazaha.progress import NoProgress, Progress
from nazaha.record.codec import stream_device, stream_record_index
from nazaha.record.hints import HINTS_DIR, HINTS_INDEX, TALLY_HINTS, decode_hint_index, hint_name
from nazaha.record.layout import INDEX_FILE, SIGNATURE_FILE
from nazaha.record.paper_audit import AUDIT_DIR
from nazaha.record.remote import WORKER_FOLDERS, open_record_files
from nazaha.record.stream import StreamedDocument
from nazaha.verify import spec_hashes
from nazaha.verify.checks.ballots import LISTED_BUT_MISSING, BallotCheckContext, ChainLink, ChunkResult, check_chunk
from nazaha.verify.checks.board import check_board
from nazaha.verify.checks.catalog import CHECKS, PRE_ENCRYPTED
from nazaha.verify.checks.contest_data import check_contest_data_decryptions
from nazaha.verify.checks.decryption import check_decryption, data_share_keys_of, decryption_applies
from nazaha.verify.checks.election import check_election
from nazaha.verify.checks.eligibility import RecordEligibility, check_eligibility, load_eligibility
from nazaha.verify.checks.hinted import read_hints
from nazaha.verify.checks.paper_audit import check_paper_audit, paper_audit_applies
from nazaha.verify.checks.signature import check_record_signature
from nazaha.verify.checks.tally import check_aggregation, check_tally
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21, load_record21
from nazaha.verify.report import CheckResult, Notice, Report
from nazaha.verify.scratch import Scratch

__all__ = ["verify_record21"]

CHUNK = 24

UNLISTED_UNSEEN = Notice(
    "url-unlisted-unseen",
    "record.json",
    "the record was read from a URL, by the names record.json lists: a file it does not list cannot be "
    "seen there, so check 0.B covers only the folder's listed files (verify a copy of the folder for the rest)",
)


def _read_index(root: Path, scratch: Scratch, findings: Findings) -> StreamedDocument:
    """Stream record.json's listing into ``scratch``; its other fields come back."""
    header = StreamedDocument(INDEX_FILE)
    for name, digest in stream_record_index(root / INDEX_FILE, header):
        if not scratch.add_listed(name, digest):
            findings.fail("0.A", name, "listed twice in record.json")
    return header


def _check_files(root: Path, scratch: Scratch, findings: Findings, *, remote: bool = False) -> None:
    """Check 0.A-0.C for every file except ballots and openings (checked in the chunks).

    ``remote``: ``root`` is a copy of a record read from a URL, less its ballots and openings
    (``nazaha.record.remote.fetch_record``); those are taken as present as the index lists them,
    and the chunk that reads one finds it missing if it is not there.
    """
    for folder, _, files in os.walk(root):
        relative = os.path.relpath(folder, root).replace("\\", "/")
        prefix = "" if relative == "." else relative + "/"
        for file_name in files:
            if file_name.startswith(".") or (not prefix and file_name in (INDEX_FILE, SIGNATURE_FILE)):
                continue
            if prefix == f"{AUDIT_DIR}/" or prefix.startswith(f"{AUDIT_DIR}/"):
                continue  # the paper audit, appended after the record was sealed: check A
            if prefix.startswith(HINTS_DIR + "/"):
                continue  # the proof-hint annex has its own index (``_hint_digests``)
            scratch.add_present(prefix + file_name)
    if remote:
        for folder in WORKER_FOLDERS:
            scratch.add_listed_as_present(folder)
    for name in scratch.unlisted():
        findings.fail("0.B", name, "the file is not listed in record.json")
    for name in scratch.missing():
        findings.fail("0.A", name, LISTED_BUT_MISSING)
    for name, digest in scratch.listed_present_outside(WORKER_FOLDERS):
        findings.count("0")
        with open(root / name, "rb") as handle:
            actual = hashlib.file_digest(handle, "sha256").hexdigest().upper()
        if actual != digest:
            findings.fail("0.A", name, "the file's SHA-256 differs from the one in record.json")


def _hint_digests(root: Path, findings: Findings) -> dict[str, str]:
    """The proof-hint annex's listing (``hints/index.json``), if the record has one that belongs
    to it; otherwise nothing, and the ballots are checked on the spec-only path."""
    path = root / HINTS_INDEX
    if not path.is_file():
        return {}
    data = path.read_bytes()
    try:
        index = decode_hint_index(data)
    except RecordFormatError as error:
        findings.warn("hints-unused", HINTS_INDEX, f"the proof hints are not used: {error}")
        return {}
    with open(root / INDEX_FILE, "rb") as handle:
        record_digest = hashlib.file_digest(handle, "sha256").hexdigest().upper()
    if index.record != record_digest:
        findings.warn("hints-unused", HINTS_INDEX, "the proof hints belong to another record.json: not used")
        return {}
    return index.files


def _device_chains(root: Path, group: Group, h_e: bytes, scratch: Scratch, findings: Findings) -> None:
    """Check 8.F/8.G once per device and note in ``scratch`` where each listed code sits."""
    for name in scratch.present_in("devices"):
        header = StreamedDocument(name)
        previous: str | None = None
        for code in stream_device(root / name, name, header):  # device and chaining come first
            if not scratch.add_link(code, header.scalars["device"], header.scalars["chaining"], previous):
                where = f"device {header.scalars['device']!r}"
                findings.fail("0.D", where, f"ballot {code[:16]}… is listed twice in the device lists")
            previous = code
        device = header.scalars["device"]
        subject = f"device {device!r}"
        if header.scalars["chaining"] == "simple":
            findings.count("8")
            h_di = spec_hashes.device_hash(group, h_e, device)
            last = bytes.fromhex(previous) if previous is not None else spec_hashes.chain_initial_hash(group, h_e, h_di)
            closing = spec_hashes.chain_closing_hash(group, h_e, last, h_di)
            if header.scalars["closing_hash"] != closing.hex().upper():
                findings.fail(
                    "8.G",
                    subject,
                    "the chain's closing hash is wrong: ballots were added, removed or reordered at its end",
                )
        elif header.scalars["closing_hash"]:
            findings.fail("8.G", subject, "a device without chaining must not publish a closing hash")


def _chunks(scratch: Scratch, size: int) -> Iterator[list[str]]:
    """The ballot files in name order, ``size`` at a time (read from the scratch database page by page)."""
    return scratch.iter_present_in("ballots", page=size)


def _run_chunks(
    context_for: Callable[[list[str]], BallotCheckContext],
    chunks: Iterable[list[str]],
    executor: Executor | None,
    progress: Progress,
) -> Iterator[ChunkResult]:
    if executor is None:
        for chunk in chunks:
            yield check_chunk(context_for(chunk), chunk)
            progress.advance(len(chunk))
        return
    window = 4 * max(2, getattr(executor, "_max_workers", 4))
    pending: list[tuple[Future[ChunkResult], int]] = []
    for chunk in chunks:
        pending.append((executor.submit(check_chunk, context_for(chunk), chunk), len(chunk)))
        if len(pending) >= window:
            future, size = pending.pop(0)
            yield future.result()
            progress.advance(size)
    for future, size in pending:
        yield future.result()
        progress.advance(size)


@dataclass(slots=True)
class _Totals:
    """What the checks after the ballots need from them."""

    products: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    cast: int = 0
    counted: int = 0
    challenged: int = 0
    labels: set[str] = field(default_factory=set)
    eligibility_note: str = ""
    contest_data_not_applicable: str = ""
    signature_note: str = ""
    audit_note: str = ""
    tally_hints: tuple[int, ...] | None = None
    """The tally's decryption-proof commitments from ``hints/tally.bin``, if listed and well formed."""


def _check_ballots(
    record: Record21,
    declared: RecordEligibility,
    scratch: Scratch,
    findings: Findings,
    jobs: int,
    executor: Executor | None,
    progress: Progress,
    chunk_size: int,
    hints: dict[str, str],
    source: str | None,
) -> _Totals:
    """Verifications 5-8, 13 and 14 of every ballot, chunk by chunk, and the checks across ballots.
    The chunks read their files from ``source`` (a URL) when it is given, else from the record's folder."""
    root = source if source is not None else str(record.reader.root)
    data_share_keys = data_share_keys_of(record)
    device_keys = {device.device: device.key for device in declared.rules.devices}

    def context_for(chunk: list[str]) -> BallotCheckContext:
        codes = [name.removeprefix("ballots/").removesuffix(".json") for name in chunk]
        digests = scratch.digests(chunk + [f"challenged/{code}.json" for code in codes])
        links = scratch.links(codes)
        return BallotCheckContext(
            root=root,
            group=record.group,
            manifest=record.manifest,
            vote_key=record.hashes.vote_key,
            extended_hash=record.hashes.extended_hash,
            digests=digests,
            data_key=record.hashes.data_key,
            chains={
                code: ChainLink(device, mode, None if previous is None else bytes.fromhex(previous))
                for code, (device, mode, previous) in links.items()
            },
            data_share_keys=data_share_keys,
            quorum=record.parameters.quorum,
            device_keys=device_keys,
            superseded=declared.superseded,
            hint_digests={hint_name(code): hints[hint_name(code)] for code in codes if hint_name(code) in hints},
            listed_unseen=source is not None,
        )

    products: dict[int, list[tuple[int, int]]] = {}
    p = record.group.p
    cast = challenged = counted = 0
    labels: set[str] = set()
    present = scratch.count_present_in("ballots")
    progress.start("Verifying ballots", present)
    if jobs > 1:
        chunk_size = balanced_chunk_size(present, chunk_size, jobs)
    own_pool = None
    if executor is None and jobs > 1:
        own_pool = ProcessPoolExecutor(max_workers=jobs, initializer=set_parallelism, initargs=(1,))
        executor = own_pool
    try:
        for result in _run_chunks(context_for, _chunks(scratch, chunk_size), executor, progress):
            _merge_chunk(result, scratch, findings, products, p)
            cast += result.cast
            counted += result.counted
            challenged += result.challenged
            labels |= result.contest_labels
    finally:
        if own_pool is not None:
            own_pool.shutdown()
        progress.finish()

    _check_across_ballots(scratch, findings)
    return _Totals(products, cast, counted, challenged, labels)


def balanced_chunk_size(ballots: int, chunk_size: int, workers: int) -> int:
    """The chunk size, at most ``chunk_size``, that splits ``ballots`` into a multiple of
    ``workers`` chunks, so that no worker is left with one chunk more than the others (100
    ballots on 2 workers: 6 chunks of 17 rather than 5 of 24, of which one worker would check
    3). The report does not depend on the chunk size."""
    if ballots <= 0:
        return chunk_size
    chunks = -(-ballots // chunk_size)
    chunks = -(-chunks // workers) * workers
    return max(1, -(-ballots // chunks))


def _merge_chunk(
    result: ChunkResult,
    scratch: Scratch,
    findings: Findings,
    products: dict[int, list[tuple[int, int]]],
    p: int,
) -> None:
    """Merge one chunk's findings, signers, identifiers, codes and products, in chunk order."""
    findings.merge(result.findings)
    for signer in result.signers:
        scratch.add_signer(
            (signer.code, signer.state, signer.style, signer.device, signer.credential,
             signer.credential_signature, signer.device_signature, signer.chained)
        )  # fmt: skip
    for selection_id in result.selection_ids:
        if not scratch.add_selection_id(selection_id):
            findings.fail(
                "5.A",
                f"identifier {selection_id.hex().upper()[:16]}…",
                "two ballots share this selection encryption identifier",
            )
    for code in result.codes:
        if not scratch.add_ballot(code, result.states[code]):
            findings.fail("0.D", f"ballot {code[:16]}…", "two ballot files hold the same confirmation code")
    for contest, row in result.products.items():
        current = products.setdefault(contest, [(1, 1)] * len(row))
        products[contest] = [(a * c % p, b * d % p) for (a, b), (c, d) in zip(current, row, strict=True)]


def _check_across_ballots(scratch: Scratch, findings: Findings) -> None:
    """0.D across the record: device lists, ballot files and openings agree."""
    for code, device in scratch.listed_without_ballot():
        findings.fail(
            "0.D",
            f"ballot {code[:16]}…",
            f"device {device!r} lists it, but the record has no such ballot",
        )
    for code in scratch.ballots_without_link():
        findings.fail("0.D", f"ballot {code[:16]}…", "no device lists this ballot")
    for page in scratch.iter_present_in("challenged"):
        for name in page:
            code = name.removeprefix("challenged/").removesuffix(".json")
            if scratch.ballot_state(code) != "challenged":
                findings.fail("0.D", name, "an opening for a ballot that was not challenged")


def verify_record21(
    root: Path,
    *,
    jobs: int = 1,
    expected_group: Group = STANDARD_GROUP,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
    hints: bool = True,
    source: str | None = None,
) -> Report:
    """Verify the 2.1 record at ``root``. Raises ``RecordFormatError`` if it cannot be read.

    ``source``: the URL the record was read from, when ``root`` is its copy less the ballots and
    openings (``nazaha.record.remote.fetch_record``); the ballot chunks read those from the URL,
    wherever they run, and the report names the URL.

    With ``hints`` (the default) the ballots' proofs are checked in batches from the record's
    proof-hint annex where it has one (``nazaha.verify.checks.hinted``); the report is the one the
    spec-only path (``hints=False``) gives, less the time.

    Memory does not grow with the number of ballots: the large files are streamed, ballots are
    checked ``chunk_size`` at a time, and what must be remembered about each ballot goes into a
    temporary database (``Scratch``).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    progress = progress or NoProgress()
    record = load_record21(root)
    findings = check_election(record, expected_group)
    try:
        totals = _check_record_files_and_ballots(record, findings, jobs, executor, progress, chunk_size, hints, source)
    except sqlite3.Error as error:
        raise StorageError(
            f"the verifier's scratch database under {tempfile.gettempdir()} failed ({error}); "
            "point TMPDIR at a folder with more free space"
        ) from None
    check_aggregation(record, totals.products, totals.counted, findings)
    check_tally(record, totals.labels, findings, totals.tally_hints)
    signed_rounds = decryption_applies(root, record)
    if signed_rounds:
        check_decryption(root, record, findings)
    audited = paper_audit_applies(root)
    if audited:
        try:
            totals.audit_note = check_paper_audit(root, record, findings)
        except (RecordFormatError, KeyError, TypeError, ValueError) as error:
            findings.fail("A.1", AUDIT_DIR, f"the paper audit cannot be read: {error}")
    report = _report(root, findings, totals, signed_rounds, audited)
    if source is not None:
        report.record = source
        report.warnings.insert(0, UNLISTED_UNSEEN)
    return report


def _check_record_files_and_ballots(
    record: Record21,
    findings: Findings,
    jobs: int,
    executor: Executor | None,
    progress: Progress,
    chunk_size: int,
    use_hints: bool,
    source: str | None,
) -> _Totals:
    """Checks 0, 5-8, 12, 13, 14, B and E, with the scratch database; what the tally checks need comes back."""
    root = record.reader.root
    declared = load_eligibility(root, record, findings)
    hints = _hint_digests(root, findings) if use_hints else {}
    with Scratch() as scratch:
        index = _read_index(root, scratch, findings)
        _check_files(root, scratch, findings, remote=source is not None)
        _device_chains(root, record.group, record.hashes.extended_hash, scratch, findings)
        totals = _check_ballots(
            record, declared, scratch, findings, jobs, executor, progress, chunk_size, hints, source
        )
        ballot_files = open_record_files(source if source is not None else str(root))
        totals.tally_hints = read_hints(record.group, ballot_files, TALLY_HINTS, hints)
        totals.contest_data_not_applicable = check_contest_data_decryptions(record, ballot_files, scratch, findings)
        refused = findings.observed.get("hint-refused", 0)
        if refused:
            findings.warn(
                "hints-refused",
                HINTS_DIR,
                f"the proof hints of {refused} ballot(s) are missing, malformed, or do not hash to or satisfy their "
                "proofs' equations; those ballots were checked on the spec-only path",
            )
        cast, challenged = totals.cast, totals.challenged
        listed = (index.scalars["ballots"], index.scalars["cast"], index.scalars["challenged"])
        if listed != (cast + challenged, cast, challenged):
            findings.fail(
                "0.C",
                INDEX_FILE,
                f"record.json counts {listed[0]} ballots ({listed[1]} cast, {listed[2]} challenged); "
                + f"the record holds {cast + challenged} ({cast}, {challenged})",
            )
        board = check_board(root, record.hashes.extended_hash, index.scalars["board_head"], scratch, findings)
        totals.eligibility_note = check_eligibility(root, declared, board, scratch, findings)
        if declared.rules.administrator_key:
            totals.signature_note = check_record_signature(root, declared.rules.administrator_key, findings)
    return totals


def _annotate(verdict: CheckResult, totals: _Totals, signed_rounds: bool, audited: bool) -> None:
    """Say why a check does not apply to this record, or what its reader should know."""
    number = verdict.check.number
    if number in ("E", "S", "G", "A"):
        _annotate_record_level(verdict, totals, signed_rounds, audited)
    elif number == "12":
        if totals.contest_data_not_applicable and not verdict.failures:
            verdict.not_applicable = totals.contest_data_not_applicable
    elif number == "D" and not verdict.items and not verdict.failures:
        verdict.not_applicable = "no contest of the manifest declares contest data"
    elif number in ("13", "14") and not totals.challenged and not verdict.failures:
        verdict.not_applicable = "no ballot was challenged"
    elif number in PRE_ENCRYPTED:
        verdict.not_applicable = "the record has no pre-encrypted ballots (Nazaha's format has no place for them)"


def _annotate_record_level(verdict: CheckResult, totals: _Totals, signed_rounds: bool, audited: bool) -> None:
    """Checks E, S, G and A: eligibility, the record's signature, signed rounds, the paper audit."""
    number = verdict.check.number
    if number == "E":
        verdict.note = totals.eligibility_note
    elif number == "S":
        if totals.signature_note:
            verdict.note = totals.signature_note
        else:
            verdict.not_applicable = "the election declared no administrator key, so its record is not signed"
    elif number == "G" and not signed_rounds:
        verdict.not_applicable = "the record predates signed decryption rounds (no guardian declared a signing key)"
    elif number == "A":
        if audited:
            verdict.note = totals.audit_note
        else:
            verdict.not_applicable = "the record holds no paper audit (no audit/ folder)"


def _report(
    root: Path, findings: Findings, totals: _Totals, signed_rounds: bool = True, audited: bool = False
) -> Report:
    results: list[CheckResult] = []
    for check in CHECKS:
        verdict = CheckResult(
            check=check,
            items=findings.items.get(check.number, 0),
            failures=findings.failures.get(check.number, []),
        )
        _annotate(verdict, totals, signed_rounds, audited)
        results.append(verdict)
    return Report(
        record=str(root),
        format="ElectionGuard 2.1 (Nazaha record layout)",
        results=results,
        spec_version="2.1.0",
        warnings=list(findings.warnings),
    )
