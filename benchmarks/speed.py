"""Nazaha against electionguard-python 1.4.0, side by side, on the election shape of BASELINE.md.

Shape: 3 contests (1 of 4, 2 of 5, 1 of 2), 5 guardians, quorum 3, 2 absent at decryption.
Measured for each side, in fresh processes on the same machine, one after the other:

* encryption per ballot (one process),
* validation per ballot (one process, and both cores for Nazaha),
* verification per ballot of a 100-ballot record (one process, and both cores for Nazaha), with
  the record's proof hints (batched, the default) and spec-only (``hints=False``),
* a whole election of 100 ballots, 10 challenged (spoiled), one process,
* the whole election's peak resident memory.

The peer runs in a Python 3.10 virtualenv with electionguard 1.4.0 (``.bench/peer-venv``, made
by this script when a Python 3.10 is found); without it, Nazaha's figures are printed alone.

Run: `.venv/bin/python -m benchmarks.speed` (part of `make bench`).
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import msgspec

from benchmarks.common import own_peak_rss_kib
from nazaha.crypto.group import set_parallelism
from nazaha.crypto.nonces import SystemRandom
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.storage.memory import MemoryStore
from nazaha.verify.runner import verify_record21
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import encrypt_ballot_with_hints
from nazaha.voting.validate import validate_ballot
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.demo import generate_ballots, run_service_demo

ROOT = Path(__file__).resolve().parent.parent
PEER_VENV = ROOT / ".bench" / "peer-venv"
SHAPE = [("mayor", 4, 1), ("council", 5, 2), ("referendum", 2, 1)]
SAMPLE = 20


def baseline_manifest() -> Manifest:
    """The BASELINE.md shape as a Nazaha manifest."""

    def text(value: str) -> list[dict[str, str]]:
        return [{"language": "en", "text": value}]

    contests = []
    for name, options, allowed in SHAPE:
        contest: dict[str, object] = {
            "label": name,
            "name": text(name),
            "options": [{"label": f"{name}-{j + 1}", "name": text(f"{name} {j + 1}")} for j in range(options)],
        }
        if allowed != 1:
            contest["selection_limit"] = allowed
        contests.append(contest)
    doc = {
        "format": "nazaha-manifest/1",
        "label": "baseline-shape",
        "election_id": f"baseline-shape-{secrets.token_hex(6)}",
        "name": text("Benchmark election"),
        "languages": ["en"],
        "contests": contests,
        "ballot_styles": [{"label": "all", "contests": [1, 2, 3]}],
    }
    return parse_manifest(json.dumps(doc).encode())


def _validate_many(context: ElectionContext, ballots: Sequence[tuple[EncryptedBallot, tuple[int, ...] | None]]) -> int:
    """The door's check of each (ballot, commitments sent with it or None)."""
    for ballot, offered in ballots:
        validate_ballot(context, ballot, offered=offered)
    return len(ballots)


SMALL_RECORD = 20
"""Ballots of the second record: the difference of the two verifications is the marginal cost of
a ballot, without what is done once per record (reading it, the tally, the board, the workers'
start and their fixed-base tables)."""


def nazaha_side() -> dict[str, float]:
    """Every Nazaha figure (run in a fresh process by ``main``)."""
    manifest = baseline_manifest()
    results: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="nazaha-speed-"))
    try:
        start = time.perf_counter()
        demo = run_service_demo(
            BallotBoxService(MemoryStore()),
            ballots=100,
            manifest=manifest,
            output=work / "record",
            challenge_every=10,
            jobs=1,
        )
        results["whole_election"] = time.perf_counter() - start
        results["peak_rss_mib"] = own_peak_rss_kib() / 1024
        assert demo.matches(), "the decrypted tally differs from the plaintext counts"
        context = demo.context
        rng = SystemRandom()
        device = EncryptionDevice(context.group, context.extended_hash, "bench", ChainingMode.NONE)
        plaintexts = generate_ballots(manifest, SAMPLE, rng)
        encrypted = []
        start = time.perf_counter()
        for plaintext in plaintexts:
            encrypted.append(
                encrypt_ballot_with_hints(
                    context,
                    plaintext,
                    selection_id=rng.bytes32(),
                    ballot_nonce=rng.bytes32(),
                    device=device.device,
                    chaining_field=device.chaining_field(),
                    encrypted_at="2026-11-29T00:00:00Z",
                    rng=rng,
                )
            )
        results["encrypt"] = (time.perf_counter() - start) / SAMPLE
        set_parallelism(1)  # one core: no exponentiation threads
        # The door's check of a bare ballot (every proof on its own) and of one sent with its
        # proofs' commitments (one batch), interleaved so that both see the same machine.
        bare: list[tuple[EncryptedBallot, tuple[int, ...] | None]] = [(b, None) for b, _ in encrypted]
        hinted: list[tuple[EncryptedBallot, tuple[int, ...] | None]] = list(encrypted)
        for key, sent in (("validate", bare), ("door_hinted", hinted)):
            start = time.perf_counter()
            _validate_many(context, sent)
            results[f"{key}_1"] = (time.perf_counter() - start) / SAMPLE
        for key, sent in (("validate", bare), ("door_hinted", hinted)):
            halves = [sent[: SAMPLE // 2], sent[SAMPLE // 2 :]]
            with ProcessPoolExecutor(max_workers=2, initializer=set_parallelism, initargs=(1,)) as pool:
                list(pool.map(_validate_many, [context, context], [halves[0][:1], halves[1][:1]]))  # warm the workers
                start = time.perf_counter()
                list(pool.map(_validate_many, [context, context], halves))
                results[f"{key}_2"] = (time.perf_counter() - start) / SAMPLE
        small = run_service_demo(
            BallotBoxService(MemoryStore()),
            ballots=SMALL_RECORD,
            manifest=manifest,
            output=work / "small-record",
            challenge_every=10,
            jobs=1,
        ).record
        for path, hints in (("hinted", True), ("spec", False)):
            for jobs in (1, 2):
                set_parallelism(1)
                seconds = {}
                for record, count in ((demo.record, 100), (small, SMALL_RECORD)):
                    start = time.perf_counter()
                    report = verify_record21(record, jobs=jobs, hints=hints)
                    seconds[count] = time.perf_counter() - start
                    assert report.ok
                    assert not hints or not report.warnings, "every ballot was checked from its hints"
                results[f"verify_{path}_{jobs}"] = seconds[100] / 100
                results[f"marginal_{path}_{jobs}"] = (seconds[100] - seconds[SMALL_RECORD]) / (100 - SMALL_RECORD)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def find_python310() -> str | None:
    candidates = [os.environ.get("NAZAHA_PEER_PYTHON", ""), shutil.which("python3.10") or ""]
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.10*/bin/python3.10")))
    for candidate in candidates:
        if not candidate:
            continue
        try:
            done = subprocess.run([candidate, "--version"], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
        except OSError:
            continue
        if done.returncode == 0 and "3.10" in done.stdout:
            return candidate
    return None


def peer_python() -> str | None:
    """The peer virtualenv's interpreter, created when a Python 3.10 is available."""
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        return str(python)
    base = find_python310()
    if base is None:
        return None
    print(f"creating {PEER_VENV} with electionguard 1.4.0 (once)", flush=True)
    subprocess.run([base, "-m", "venv", str(PEER_VENV)], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [str(python), "-m", "pip", "install", "-q", "electionguard==1.4.0", "hypothesis", "dacite==1.6.0"], check=True
    )
    return str(python)


def _child(args: list[str]) -> dict[str, float]:
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"benchmark child failed: {' '.join(args)}\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(lines[-1])
    return result


ROWS: list[tuple[str, str, str, float | None]] = [
    ("encrypt one ballot", "encrypt", "encrypt", 8),
    ("validate one ballot, 1 core", "validate_1", "validate", 3),
    ("validate one ballot, 2 cores", "validate_2", "validate", 5),
    ("validate one ballot sent with its proofs' commitments, 1 core", "door_hinted_1", "validate", None),
    ("validate one ballot sent with its proofs' commitments, 2 cores", "door_hinted_2", "validate", None),
    ("verify one ballot of a 100-ballot record, with hints, 1 core", "verify_hinted_1", "verify", 15),
    ("verify one ballot of a 100-ballot record, with hints, 2 cores", "verify_hinted_2", "verify", 27),
    ("verify one ballot of a 100-ballot record, spec-only, 1 core", "verify_spec_1", "verify", 3),
    ("verify one ballot of a 100-ballot record, spec-only, 2 cores", "verify_spec_2", "verify", 5),
    ("whole election, 100 ballots (10 challenged), one process", "whole_election", "whole_election", 10),
]


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def main() -> list[str]:
    ours = _child([sys.executable, "-m", "benchmarks.speed", "--side", "nazaha"])
    python = peer_python()
    peer = None
    if python is not None:
        peer = _child([python, str(ROOT / "benchmarks" / "peer_electionguard.py")])
    else:
        print("electionguard 1.4.0 is not available (no Python 3.10 found): Nazaha's figures alone")
    lines = ["| step | electionguard 1.4.0 | Nazaha | ratio | target |", "|---|---|---|---|---|"]
    for label, key, peer_key, target in ROWS:
        wanted = "—" if target is None else f"≥ {target}×"
        if peer is None:
            lines.append(f"| {label} | — | {_fmt(ours[key])} | — | {wanted} |")
            continue
        ratio = peer[peer_key] / ours[key]
        if target is not None:
            wanted += " (met)" if ratio >= target else " (NOT met)"
        lines.append(f"| {label} | {_fmt(peer[peer_key])} | {_fmt(ours[key])} | **{ratio:.1f}×** | {wanted} |")
    door = ours["door_hinted_1"]
    lines.append(
        f"| the ballot box's check at the door, 1 core, ballot sent with its proofs' commitments | — | {_fmt(door)} "
        f"| — | ≤ 70 ms ({'met' if door <= 0.070 else 'NOT met'}) |"
    )
    peer_rss = f"{peer['peak_rss_mib']:.0f} MiB" if peer else "—"
    ratio_rss = f"{peer['peak_rss_mib'] / ours['peak_rss_mib']:.1f}×" if peer else "—"
    lines.append(
        f"| peak memory of the whole election | {peer_rss} | {ours['peak_rss_mib']:.0f} MiB | {ratio_rss} | — |"
    )
    for path in ("hinted", "spec"):
        name = "with hints" if path == "hinted" else "spec-only"
        for cores in (1, 2):
            lines.append(
                f"| verification {name}, marginal cost per ballot (100 against {SMALL_RECORD} ballots), "
                f"{cores} core{'s' if cores == 2 else ''} | — | {_fmt(ours[f'marginal_{path}_{cores}'])} | — | — |"
            )
        whole = ours[f"verify_{path}_1"] / ours[f"verify_{path}_2"]
        marginal = ours[f"marginal_{path}_1"] / ours[f"marginal_{path}_2"]
        lines.append(
            f"| verification {name}: 2 cores against 1, whole record / marginal | — | "
            f"{whole:.2f}× / {marginal:.2f}× | — | {'≥ 1.8×' if path == 'hinted' else '—'} |"
        )
    hinted = ours["verify_hinted_1"]
    lines.append(
        f"| verification with hints against spec-only, 1 core | — | {ours['verify_spec_1'] / hinted:.1f}× | — | — |"
    )
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    if sys.argv[1:] == ["--side", "nazaha"]:
        print(msgspec.json.encode(nazaha_side()).decode())
    else:
        main()
