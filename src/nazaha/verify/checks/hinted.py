"""The hinted path of Verifications 6, 7 and N: many ballots' proofs checked at once.

A ballot's proof hints (``nazaha.record.hints``) claim the commitments that the spec-only path
recomputes one exponentiation at a time. They are untrusted. For each ballot this module checks,
without any full exponentiation, everything the spec-only path checks besides the commitments
themselves (shapes, every c_j and v_j in Z_q, 6.B, 6.C, N.B), that each challenge is the spec's
hash of the hinted commitments (the hash of 6.D, 7.D, N.C) and that every hinted commitment has
Jacobi symbol 1; the α, β and C_ξB,0 of all those ballots go through one batched subgroup test
(6.A, 7.A, N.A). Then every equation the hints stand for,

    a_j = g^v_j · α^c_j,    b_j = K^(v_j - j·c_j) · β^c_j    (6.1, 6.2; 7 with ᾱ = Πα, β̄ = Πβ)
    a_B = g^v_B · C_ξB,0^c_B                                   (eq. 38)

is checked for a whole chunk of ballots at once with the small-exponent batch test of Bellare,
Garay and Rabin (1998): with random weights w_i of ``WEIGHT_BITS`` bits drawn after the hints
are read, Π a_i^(w_i) must equal g^(Σ w_i·v_i) · K^(Σ ...) · Π α^(Σ w_i·c_i) · .... A chunk
whose batch fails is bisected to its failing ballots. The soundness argument is in
``docs/verifier.md``.

This module never names a failure. A ballot whose hints are missing, malformed, mis-hashed or
fail the batch is checked on the spec-only path instead, which names the ballot and the check
exactly as it does without hints; so the report of a record never depends on its hints, and a
hint can only make verification faster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import gmpy2

from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.proofs.range import RangeProof, check_range_values
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.manifest import Manifest
from nazaha.errors import InvalidProof, RecordFormatError
from nazaha.record.hints import decode_hints
from nazaha.record.remote import RecordFiles
from nazaha.verify import spec_hashes

__all__ = [
    "WEIGHT_BITS",
    "BallotEquations",
    "Equation",
    "batch_holds",
    "equations_of",
    "failing",
    "hints_apply",
    "read_hints",
]

WEIGHT_BITS = 128
"""Bits of each random weight: a batch with any false equation passes with probability at most
2^-128 (docs/verifier.md)."""


@dataclass(frozen=True, slots=True)
class Equation:
    """commitment = g^g_exponent · K^k_exponent · Π base^exponent (mod p), exponents mod q."""

    commitment: int
    g_exponent: int
    k_exponent: int
    terms: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class BallotEquations:
    """The equations that one ballot's hints stand for, and the values whose membership in
    Z_p^r the batch relies on (its α, β and C_ξB,0)."""

    equations: tuple[Equation, ...]
    elements: tuple[int, ...]


def hints_apply(group: Group, weight_bits: int = WEIGHT_BITS) -> bool:
    """Whether the batch test is sound in ``group``: (p - 1)/2q prime (so the quadratic residues
    are a group of order q·r' with both primes) and both primes above 2^weight_bits."""
    return group.batch_safe and group.q.bit_length() > weight_bits and group.r // 2 > 1 << weight_bits


def read_hints(group: Group, reader: RecordFiles, name: str, digests: Mapping[str, str]) -> tuple[int, ...] | None:
    """The values of hint file ``name`` where ``hints/index.json`` lists it (``digests``), the
    file matches its digest and is well formed; None otherwise (never an error: a hint is optional)."""
    digest = digests.get(name)
    if digest is None:
        return None
    try:
        data = reader.read(name)
        if hashlib.sha256(data).hexdigest().upper() != digest:
            return None
        return decode_hints(data, group, name)
    except RecordFormatError:
        return None


def _range_equations(
    group: Group,
    commitments: Sequence[int],
    proof: RangeProof,
    pads: Sequence[int],
    datas: Sequence[int],
) -> list[Equation]:
    """a_j = g^v_j · Πα^c_j and b_j = K^(v_j - j·c_j) · Πβ^c_j for each j (6.1, 6.2)."""
    q = group.q
    equations = []
    for j, (cj, vj) in enumerate(zip(proof.challenges, proof.responses, strict=True)):
        equations.append(Equation(commitments[2 * j], vj, 0, tuple((pad, cj) for pad in pads)))
        equations.append(Equation(commitments[2 * j + 1], 0, (vj - j * cj) % q, tuple((d, cj) for d in datas)))
    return equations


def equations_of(
    group: Group, manifest: Manifest, ballot: EncryptedBallot, hints: Sequence[int]
) -> BallotEquations | None:
    """The equations ``hints`` stand for, or None when the hints cannot stand in for the
    spec-only checks of this ballot (wrong count, a challenge that is not the hash of its hinted
    commitments, a commitment with Jacobi symbol -1) or the spec-only checks would fail without
    any exponentiation (shapes and ranges). The ballot's structure is already checked (0.S)."""
    q = group.q
    p = group.p
    h_i = ballot.id_hash
    nonce = ballot.encrypted_nonce
    if not (0 <= nonce.proof.challenge < q and 0 <= nonce.proof.response < q):
        return None
    expected = 1
    for contest in ballot.contests:
        info = manifest.contest(contest.contest_index)
        expected += 2 * (info.contest_limit + 1)
        expected += sum(2 * (info.option_limit(info.options[s.option_index - 1]) + 1) for s in contest.selections)
    if len(hints) != expected:
        return None
    if any(gmpy2.legendre(value, p) != 1 for value in hints):
        return None
    equations: list[Equation] = []
    elements: list[int] = []
    cursor = 0
    for contest in ballot.contests:
        info = manifest.contest(contest.contest_index)
        pads = [s.ciphertext.pad for s in contest.selections]
        datas = [s.ciphertext.data for s in contest.selections]
        elements += pads + datas
        for selection, pad, data in zip(contest.selections, pads, datas, strict=True):
            limit = info.option_limit(info.options[selection.option_index - 1])
            try:
                check_range_values(group, selection.proof, limit)
            except InvalidProof:
                return None
            commitments = hints[cursor : cursor + 2 * (limit + 1)]
            cursor += 2 * (limit + 1)
            challenge = spec_hashes.selection_challenge(
                group, h_i, contest.contest_index, selection.option_index, pad, data, commitments
            )
            if challenge != sum(selection.proof.challenges) % q:
                return None
            equations += _range_equations(group, commitments, selection.proof, [pad], [data])
        try:
            check_range_values(group, contest.proof, info.contest_limit)
        except InvalidProof:
            return None
        commitments = hints[cursor : cursor + 2 * (info.contest_limit + 1)]
        cursor += 2 * (info.contest_limit + 1)
        challenge = spec_hashes.contest_limit_challenge(
            group, h_i, contest.contest_index, group.prod(pads), group.prod(datas), commitments
        )
        if challenge != sum(contest.proof.challenges) % q:
            return None
        # ᾱ^c = Π α^c: the limit proof's terms join the selections' bases in the batch.
        equations += _range_equations(group, commitments, contest.proof, pads, datas)
    commitment = hints[cursor]
    if spec_hashes.ballot_nonce_challenge(group, h_i, commitment, nonce.pad, nonce.masked) != nonce.proof.challenge:
        return None
    equations.append(Equation(commitment, nonce.proof.response, 0, ((nonce.pad, nonce.proof.challenge),)))
    elements.append(nonce.pad)
    return BallotEquations(tuple(equations), tuple(elements))


def batch_holds(
    group: Group, vote_key: int, ballots: Sequence[BallotEquations], rng: RandomSource, weight_bits: int = WEIGHT_BITS
) -> bool:
    """Whether every equation of ``ballots`` holds, by one small-exponent batch test.

    Π a_i^(w_i) is one multi-exponentiation with ``weight_bits``-bit exponents; the other side is
    one fixed-base exponentiation each of g and K and one multi-exponentiation over every
    distinct α, β and C_ξB,0, each raised to the weighted sum of its exponents mod q.
    """
    q = group.q
    left: list[tuple[int, int]] = []
    g_exponent = k_exponent = 0
    exponents: dict[int, int] = {}
    for ballot in ballots:
        for equation in ballot.equations:
            weight = rng.below(1 << weight_bits)
            left.append((equation.commitment, weight))
            g_exponent += weight * equation.g_exponent
            k_exponent += weight * equation.k_exponent
            for base, exponent in equation.terms:
                exponents[base] = exponents.get(base, 0) + weight * exponent
    right = group.mul(group.g_pow(g_exponent % q), group.fixed_base(vote_key).pow(k_exponent % q))
    right = group.mul(right, group.multi_pow([(base, e % q) for base, e in exponents.items()]))
    return group.multi_pow(left) == right


def failing(
    group: Group, vote_key: int, ballots: Sequence[BallotEquations], rng: RandomSource, weight_bits: int = WEIGHT_BITS
) -> list[int]:
    """The positions in ``ballots`` whose equations fail, found by bisecting failed batches
    (each test with fresh weights). Every ballot named fails a test on its own; a ballot whose
    equations all hold is named with probability at most 2^-weight_bits per test."""
    if not ballots or batch_holds(group, vote_key, ballots, rng, weight_bits):
        return []
    if len(ballots) == 1:
        return [0]
    middle = len(ballots) // 2
    first = failing(group, vote_key, ballots[:middle], rng, weight_bits)
    second = failing(group, vote_key, ballots[middle:], rng, weight_bits)
    return first + [middle + i for i in second]
