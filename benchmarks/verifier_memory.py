"""Verifier memory: a 2,000-ballot record against a 200-ballot record (issue: streaming ballots).

Run: `make bench` or `.venv/bin/python -m benchmarks.verifier_memory`.
"""

from __future__ import annotations

import platform

from benchmarks.common import cached_record, measure


def main() -> list[str]:
    rows = []
    results = {}
    for ballots in (200, 2000):
        record = cached_record(ballots)
        measured = measure("verify", str(record), "--json", "--jobs", "1")
        if measured.returncode != 0:
            raise SystemExit(f"verification of the {ballots}-ballot record failed")
        results[ballots] = measured
        rows.append(
            f"| {ballots:,} | {measured.seconds:.1f} s | {measured.seconds / ballots * 1000:.0f} ms "
            f"| {measured.peak_rss_mib:.1f} MiB |"
        )
    ratio = results[2000].peak_rss_mib / results[200].peak_rss_mib
    lines = [
        "| ballots | verification time (1 process) | per ballot | peak resident memory |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Peak memory, 2,000 ballots / 200 ballots: **{ratio:.3f}** "
        f"({(ratio - 1) * 100:+.1f}%). Machine: {platform.machine()}, Python {platform.python_version()}.",
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
