"""Fixed-base exponentiation: time, table size and build time for each window size.

Run: `.venv/bin/python -m benchmarks.fixed_base` (in `make bench`).
"""

from __future__ import annotations

import secrets
import time

import gmpy2

from nazaha.crypto.group import FixedBase
from nazaha.crypto.params import STANDARD_GROUP as G

ROUNDS = 300


def main() -> list[str]:
    exponents = [secrets.randbelow(G.q) for _ in range(ROUNDS)]
    start = time.perf_counter()
    for exponent in exponents:
        gmpy2.powmod(G.g, exponent, G.p)
    plain = (time.perf_counter() - start) / ROUNDS
    lines = [
        "| window | time | table | build |",
        "|---|---|---|---|",
        f"| none (GMP powmod) | {plain * 1000:.3f} ms | — | — |",
    ]
    for window in (6, 7, 8, 9, 10):
        start = time.perf_counter()
        table = FixedBase(G, G.g, window=window)
        build = time.perf_counter() - start
        start = time.perf_counter()
        for exponent in exponents:
            table.pow(exponent)
        per = (time.perf_counter() - start) / ROUNDS
        entries = (G.q.bit_length() + window - 1) // window * (1 << window)
        lines.append(
            f"| {window} | {per * 1000:.3f} ms | {entries * G.p_bytes / 2**20:.1f} MiB | {build * 1000:.0f} ms |"
        )
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
