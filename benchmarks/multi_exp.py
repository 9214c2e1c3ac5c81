"""g^v · x^c three ways: two GMP exponentiations, a fixed-base table for g plus one GMP
exponentiation, and Shamir's simultaneous exponentiation written with gmpy2 in Python.

This decides how the verifier computes its commitments (docs/benchmarks.md).
Run: `.venv/bin/python -m benchmarks.multi_exp` (in `make bench`).
"""

from __future__ import annotations

import secrets
import time

import gmpy2

from nazaha.crypto.params import STANDARD_GROUP as G

ROUNDS = 200


def shamir(g: int, v: int, x: int, c: int, p: int) -> int:
    """Simultaneous exponentiation with a 2-bit joint window (precomputed g, x, g·x)."""
    mp = gmpy2.mpz(p)
    table = {(1, 0): gmpy2.mpz(g), (0, 1): gmpy2.mpz(x), (1, 1): gmpy2.mpz(g) * x % mp}
    result = gmpy2.mpz(1)
    for bit in range(max(v.bit_length(), c.bit_length()) - 1, -1, -1):
        result = result * result % mp
        pair = ((v >> bit) & 1, (c >> bit) & 1)
        if pair != (0, 0):
            result = result * table[pair] % mp
    return int(result)


def main() -> list[str]:
    cases = [(secrets.randbelow(G.q), G.g_pow(secrets.randbelow(G.q)), secrets.randbelow(G.q)) for _ in range(ROUNDS)]
    timings = {}
    start = time.perf_counter()
    for v, x, c in cases:
        gmpy2.powmod(G.g, v, G.p) * gmpy2.powmod(x, c, G.p) % G.p
    timings["two GMP exponentiations"] = time.perf_counter() - start
    G.g_pow(1)
    start = time.perf_counter()
    for v, x, c in cases:
        G.mul(G.g_pow(v), G.pow(x, c))
    timings["fixed-base g, GMP for x (used)"] = time.perf_counter() - start
    start = time.perf_counter()
    for v, x, c in cases:
        shamir(G.g, v, x, c, G.p)
    timings["Shamir's trick in Python"] = time.perf_counter() - start
    for v, x, c in cases[:5]:
        assert shamir(G.g, v, x, c, G.p) == G.mul(G.g_pow(v), G.pow(x, c))
    lines = ["| method | time per g^v·x^c |", "|---|---|"]
    lines += [f"| {name} | {seconds / ROUNDS * 1000:.2f} ms |" for name, seconds in timings.items()]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
