"""The verifier's bookkeeping alone, up to a million ballots: time per ballot and peak memory.

Everything the coordinating process does per ballot apart from the cryptography: streaming
record.json, the device log and board.json, the scratch-database lookups made for each chunk,
the uniqueness checks (0.D, 5.A), the cross-checks and the board check (B). A synthetic record
is written for each size (a listing, one device log, a board of 2N + 1 entries; no ballot files,
so no proofs are checked), then this bookkeeping runs over it in a fresh interpreter whose peak
resident memory is read from `/proc/self/status` (VmHWM). Flat memory here means the coordinator's memory does
not grow with the election, however many ballots the workers check.

Run: `.venv/bin/python -m benchmarks.verifier_bookkeeping --sizes 10000,100000,1000000`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from benchmarks.common import own_peak_rss_kib
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.record.board import BoardKind, chain_entry, genesis_hash
from nazaha.record.codec import RECORD_FORMAT
from nazaha.verify.checks.board import check_board
from nazaha.verify.findings import Findings
from nazaha.verify.runner import _check_files, _chunks, _device_chains, _read_index
from nazaha.verify.scratch import Scratch

EXTENDED_HASH = hashlib.sha256(b"bookkeeping benchmark").digest()


def _code(i: int) -> str:
    return hashlib.sha256(i.to_bytes(8, "big")).hexdigest().upper()


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest().upper()


def synthesize(root: Path, size: int) -> None:
    """Write record.json, devices/device_1.json and board.json for ``size`` cast ballots."""
    (root / "devices").mkdir(parents=True)
    device = root / "devices" / "device_1.json"
    with open(device, "wb") as out:
        out.write(b'{"format":"nazaha-record/1","device":"station-1","chaining":"none","ballots":[')
        out.write(b",".join(f'"{_code(i)}"'.encode() for i in range(size)))
        out.write(b"]}")
    genesis = genesis_hash(EXTENDED_HASH)
    entry = None
    with open(root / "board.json.body", "wb") as out:
        events = [(BoardKind.BALLOT, i) for i in range(size)] + [(BoardKind.CAST, i) for i in range(size)]
        for number, (kind, i) in enumerate([*events, (BoardKind.CLOSE, -1)]):
            entry = chain_entry(entry, genesis, kind, _code(i) if i >= 0 else "", "2026-11-29T12:00:00Z")
            body = {
                "position": entry.position,
                "kind": entry.kind.value,
                "code": entry.code,
                "previous": entry.previous,
                "recorded_at": entry.recorded_at,
                "hash": entry.hash,
            }
            out.write((b"," if number else b"") + msgspec.json.encode(body))
    assert entry is not None
    with open(root / "board.json", "wb") as out:
        out.write(f'{{"format":"{RECORD_FORMAT}","head":"{entry.hash}","entries":['.encode())
        out.write((root / "board.json.body").read_bytes())
        out.write(b"]}")
    (root / "board.json.body").unlink()
    listing = {f"ballots/{_code(i)}.json": _code(i) for i in range(size)}
    listing |= {"board.json": _digest(root / "board.json"), "devices/device_1.json": _digest(device)}
    index = {
        "format": RECORD_FORMAT,
        "spec_version": "2.1.0",
        "election": "bookkeeping",
        "created": "2026-11-29T12:00:00Z",
        "files": dict(sorted(listing.items())),
        "ballots": size,
        "cast": size,
        "challenged": 0,
        "board_head": entry.hash,
    }
    (root / "record.json").write_bytes(msgspec.json.encode(index))


def bookkeeping(root: Path) -> int:
    """Run the coordinator's per-ballot bookkeeping over ``root``; the number of failures."""
    findings = Findings()
    with Scratch() as scratch:
        index = _read_index(root, scratch, findings)
        for i in range(index.scalars["ballots"]):  # the ballot files os.walk would find
            scratch.add_present(f"ballots/{_code(i)}.json")
        _check_files(root, scratch, findings)
        _device_chains(root, STANDARD_GROUP, EXTENDED_HASH, scratch, findings)
        for chunk in _chunks(scratch):
            codes = [name.removeprefix("ballots/").removesuffix(".json") for name in chunk]
            scratch.digests(chunk + [f"challenged/{code}.json" for code in codes])
            scratch.links(codes)
            for code in codes:  # what each chunk's result brings back
                scratch.add_selection_id(bytes.fromhex(code))
                scratch.add_ballot(code, "cast")
        for _ in scratch.listed_without_ballot():
            findings.fail("0.D", "", "")
        for _ in scratch.ballots_without_link():
            findings.fail("0.D", "", "")
        check_board(root, EXTENDED_HASH, index.scalars["board_head"], scratch, findings)
    return sum(len(failures) for failures in findings.failures.values())


def main(sizes: list[int]) -> list[str]:
    rows = [
        "Bookkeeping of the coordinating process only (no proofs checked), one process:",
        "",
        "| ballots | time | per ballot | peak memory |",
        "|---|---|---|---|",
    ]
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="nazaha-bookkeeping-") as folder:
            synthesize(Path(folder), size)
            done = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "benchmarks.verifier_bookkeeping", "--run", folder],
                capture_output=True,
                text=True,
                check=True,
            )
        report = json.loads(done.stdout.splitlines()[-1])
        if report["failures"]:
            raise SystemExit(f"the synthetic {size}-ballot record has {report['failures']} failures")
        rows.append(
            f"| {size:,} | {report['seconds']:.1f} s | {report['seconds'] / size * 1e6:.0f} µs | "
            f"{report['peak_rss_kib'] / 1024:.1f} MiB |"
        )
        print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--run", help="(internal) run the bookkeeping over this synthetic record")
    arguments = parser.parse_args()
    if arguments.run:
        start = time.perf_counter()
        failures = bookkeeping(Path(arguments.run))
        seconds = time.perf_counter() - start
        peak = own_peak_rss_kib()
        print(json.dumps({"failures": failures, "seconds": seconds, "peak_rss_kib": peak}))
    else:
        print("\n".join(main([int(s) for s in arguments.sizes.split(",")])))
