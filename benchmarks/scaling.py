"""Generation, export and verification as the number of ballots grows, and a projection.

For each size, an election is generated once and cached outside the repository: `run_demo`
(standard parameters, ballots of the benchmark shape of `benchmarks.speed`: 15 selections,
limits 1, 2, 1; every 50th voter challenging; both cores) keeps it
in an SQLite database and encrypts, admits and decides a chunk of ballots at a time, each ballot
sent to the door with its proofs' commitments. Then, each in a fresh interpreter:

- the **export**: the record written again from the database (as the ballot box's record export
  does), its time and peak memory;
- **verification** of that record with `nazaha verify --jobs 2`, with the proof hints and
  `--spec-only`: wall time and peak memory of the coordinating process and of the largest worker.

Time should grow linearly, and the export's and the coordinator's memory stay flat. The
projection divides the measured CPU time per ballot by the cores of N workers.

Run: `.venv/bin/python -m benchmarks.scaling --sizes 10000,100000 [--no-spec-only]`. Each row
is printed as soon as it is measured.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import CACHE, Measured, measure, own_peak_rss_kib
from benchmarks.speed import baseline_manifest
from nazaha.storage.sql.store import SqlStore
from nazaha.workflows.demo import run_demo
from nazaha.workflows.lifecycle import ElectionLifecycle

CORES = 2
CHALLENGE_EVERY = 50


@dataclass(frozen=True)
class Generated:
    """A cached election: its database, its record, and what generating it cost."""

    folder: Path
    election_id: str
    administrator_seed: str
    seconds: float
    peak_rss_mib: float


def _generate_here(size: int, folder: Path) -> None:
    """Child process: generate the election of ``size`` ballots into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    store = SqlStore.open(f"sqlite:///{folder / 'election.db'}")
    try:
        result = run_demo(
            ballots=size,
            output=folder / "record",
            challenge_every=CHALLENGE_EVERY,
            manifest=baseline_manifest(),
            jobs=CORES,
            seed=f"scaling-{size}",
            store=store,
        )
    finally:
        store.dispose()
    if not result.matches():
        raise SystemExit("the decrypted tally differs from the plaintext counts")
    meta = {
        "election_id": result.election_id,
        "administrator_seed": result.administrator_seed.hex(),
        "seconds": time.perf_counter() - start,
        "peak_rss_mib": own_peak_rss_kib() / 1024,
    }
    (folder / "meta.json").write_text(json.dumps(meta))


def _export_here(folder: Path) -> None:
    """Child process: write the record again from the database; print time and peak memory."""
    meta = json.loads((folder / "meta.json").read_text())
    target = folder / "export"
    start = time.perf_counter()
    store = SqlStore.open(f"sqlite:///{folder / 'election.db'}")
    try:
        ElectionLifecycle(store).write_record(
            meta["election_id"], target, replace=True, signing_seed=bytes.fromhex(meta["administrator_seed"])
        )
    finally:
        store.dispose()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_rss_mib": own_peak_rss_kib() / 1024}))


def generated(size: int) -> Generated:
    """The cached election of ``size`` ballots, generated (in a child process) when missing."""
    folder = CACHE / f"scaling-{size}"
    if not (folder / "meta.json").exists():
        print(f"generating a {size}-ballot election in {folder} (cached for later runs)", flush=True)
        subprocess.run([sys.executable, "-m", "benchmarks.scaling", "--generate", str(size)], check=True)  # noqa: S603
    meta = json.loads((folder / "meta.json").read_text())
    return Generated(folder, meta["election_id"], meta["administrator_seed"], meta["seconds"], meta["peak_rss_mib"])


def exported(election: Generated) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.scaling", "--export", str(election.folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _verified(record: Path, *options: str) -> Measured:
    measured = measure("verify", str(record), "--json", "--jobs", str(CORES), *options)
    if measured.returncode != 0:
        raise SystemExit(f"{record} does not verify ({' '.join(options) or 'with hints'})")
    return measured


def main(sizes: list[int], workers: list[int], spec_only: bool = True) -> list[str]:
    rows = []
    per_ballot: dict[str, list[float]] = {"hinted": [], "spec-only": []}
    for size in sizes:
        election = generated(size)
        export = exported(election)
        paths = [("hinted", ())] + ([("spec-only", ("--spec-only",))] if spec_only else [])
        for name, options in paths:
            measured = _verified(election.folder / "export", *options)
            per_ballot[name].append(measured.seconds / size)
            rows.append(
                f"| {size:,} | {election.seconds:.0f} s ({election.seconds / size * 1000:.1f} ms), "
                f"{election.peak_rss_mib:.0f} MiB | {export['seconds']:.1f} s, {export['peak_rss_mib']:.1f} MiB "
                f"| {name} | {measured.seconds:.1f} s | {measured.seconds / size * 1000:.1f} ms | "
                f"{measured.peak_rss_mib:.1f} MiB | {measured.worker_peak_rss_mib:.1f} MiB |"
            )
            print(rows[-1], flush=True)
    lines = [
        f"On this {CORES}-core machine: generating the election (ceremony, encryption, the door's checks, "
        "decisions, tally, decryption, record), writing its record again from the database in a fresh process "
        f"(the export), and `nazaha verify --jobs {CORES}` with the proof hints and `--spec-only`: wall time, "
        "and peak resident memory of each process (for verification, of the coordinator and of the largest worker).",
        "",
        "| ballots | generation, wall (per ballot), peak memory | export: time, peak memory | verification "
        "| wall time | per ballot | peak memory, coordinator | peak memory, worker |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    for name, measured in per_ballot.items():
        if not measured:
            continue
        cpu = min(measured) * CORES
        lines += [
            "",
            f"Projection for 1,000,000 and 10,000,000 ballots, {name}, at {cpu * 1000:.0f} ms of CPU per ballot "
            "(cluster workers with 2 cores each, like this machine; reading the record from shared storage "
            "assumed not to be the bottleneck):",
            "",
            "| workers | cores | 1,000,000 ballots | 10,000,000 ballots |",
            "|---|---|---|---|",
        ]
        for count in workers:
            hours = [n * cpu / (count * CORES) / 3600 for n in (1_000_000, 10_000_000)]
            lines.append(f"| {count} | {count * CORES} | {hours[0]:.2f} h | {hours[1]:.1f} h |")
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--workers", default="8,32,128")
    parser.add_argument("--no-spec-only", action="store_true", help="verify with the hints only")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.generate:
        _generate_here(arguments.generate, CACHE / f"scaling-{arguments.generate}")
    elif arguments.export:
        _export_here(arguments.export)
    else:
        main(
            [int(s) for s in arguments.sizes.split(",")],
            [int(w) for w in arguments.workers.split(",")],
            spec_only=not arguments.no_spec_only,
        )
