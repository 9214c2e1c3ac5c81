"""Verification time and memory as the number of ballots grows, and a projection to 10 million.

For each size, a record made by `nazaha demo` (standard parameters, the sample manifest) is
generated once and cached outside the repository, then verified with `nazaha verify --jobs 2` in
a fresh interpreter. Time should grow linearly and peak memory stay flat, in the coordinating
process and in each worker. The projection for 10,000,000 ballots divides the measured CPU time
per ballot by the cores of N workers.

Run: `.venv/bin/python -m benchmarks.scaling --sizes 1000,10000[,100000] --workers 2,8,32`.
Each row is printed as soon as it is measured (the 100,000-ballot record takes about half an
hour to generate and an hour and a half to verify on 2 cores).
"""

from __future__ import annotations

import argparse

from benchmarks.common import cached_record, measure

CORES = 2


def main(sizes: list[int], workers: list[int]) -> list[str]:
    rows = []
    per_ballot = []
    for size in sizes:
        record = cached_record(size)
        measured = measure("verify", str(record), "--json", "--jobs", str(CORES))
        if measured.returncode != 0:
            raise SystemExit(f"the {size}-ballot record does not verify")
        per_ballot.append(measured.seconds / size)
        rows.append(
            f"| {size:,} | {measured.seconds:.1f} s | {measured.seconds / size * 1000:.1f} ms | "
            f"{measured.peak_rss_mib:.1f} MiB | {measured.worker_peak_rss_mib:.1f} MiB |"
        )
        print(rows[-1], flush=True)
    cpu_per_ballot = min(per_ballot) * CORES
    lines = [
        f"`nazaha verify --jobs {CORES}` on this {CORES}-core machine: wall time, and peak resident memory of the "
        "coordinating process and of the largest of its worker processes.",
        "",
        "| ballots | wall time | per ballot | peak memory, coordinator | peak memory, worker |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Projection for 10,000,000 ballots at {cpu_per_ballot * 1000:.0f} ms of CPU per ballot "
        "(cluster workers with 2 cores each, like this machine; reading the record from shared storage assumed "
        "not to be the bottleneck):",
        "",
        "| workers | cores | projected time |",
        "|---|---|---|",
    ]
    for count in workers:
        hours = 10_000_000 * cpu_per_ballot / (count * CORES) / 3600
        lines.append(f"| {count} | {count * CORES} | {hours:.1f} h |")
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--workers", default="2,8,32,128")
    arguments = parser.parse_args()
    main([int(s) for s in arguments.sizes.split(",")], [int(w) for w in arguments.workers.split(",")])
