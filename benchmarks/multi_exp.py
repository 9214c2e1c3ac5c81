"""g^v · x^c three ways: two GMP exponentiations, a fixed-base table for g plus one GMP
exponentiation, and Shamir's simultaneous exponentiation written with gmpy2 in Python. Then
products of many powers Π b_i^(e_i), as the hinted verifier's batch test and the batched
membership test need them: separate GMP exponentiations, Straus's simultaneous exponentiation and
Pippenger's bucket method (``nazaha.crypto.group``), per base.

This decides how the verifier computes its commitments and batches (docs/benchmarks.md).
Run: `.venv/bin/python -m benchmarks.multi_exp` (in `make bench`).
"""

from __future__ import annotations

import secrets
import time

import gmpy2

from nazaha.crypto.group import _pippenger, _straus
from nazaha.crypto.params import STANDARD_GROUP as G

ROUNDS = 200
PRODUCTS = [(10, 128), (100, 64), (100, 128), (1800, 128), (744, 256)]
"""(bases, exponent bits): 1800 and 744 are one hinted chunk's left and right sides (24 ballots of
the benchmark shape: 75 commitments, 31 α, β and C_ξB,0 each); 64 bits is the membership test."""


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
    lines += ["", *products()]
    print("\n".join(lines))
    return lines


def _per_base(run: object, count: int) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return (time.perf_counter() - start) / count * 1000


def products() -> list[str]:
    """Π b_i^(e_i) per base, three ways; ``Group.multi_pow`` picks the cheaper of the last two."""
    p = gmpy2.mpz(G.p)
    lines = [
        "| Π b_i^(e_i): bases × exponent bits | separate GMP powmods | Straus (window 4) | Pippenger (best window) | "
        "Straus / Pippenger |",
        "|---|---|---|---|---|",
    ]
    for count, bits in PRODUCTS:
        terms = [(gmpy2.mpz(G.g_pow(secrets.randbelow(G.q))), secrets.randbits(bits) | 1) for _ in range(count)]
        separate = _per_base(lambda: [gmpy2.powmod(b, e, p) for b, e in terms], count)  # noqa: B023
        straus = _per_base(lambda: _straus(terms, bits, 4, p), count)  # noqa: B023
        best = min((_per_base(lambda: _pippenger(terms, bits, c, p), count), c) for c in (4, 6, 7, 8, 9))  # noqa: B023
        assert _pippenger(terms, bits, best[1], p) == _straus(terms, bits, 4, p)
        lines.append(
            f"| {count} × {bits} | {separate:.3f} ms | {straus:.3f} ms | {best[0]:.3f} ms (c = {best[1]}) | "
            f"{straus / best[0]:.1f}× |"
        )
    return lines


if __name__ == "__main__":
    main()
