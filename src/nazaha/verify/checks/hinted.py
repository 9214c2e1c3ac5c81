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

from nazaha.crypto.batch import WEIGHT_BITS, BallotEquations, Equation, batch_holds, failing
from nazaha.crypto.batch import batch_sound as hints_apply
from nazaha.crypto.group import Group
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.manifest import Manifest
from nazaha.errors import RecordFormatError
from nazaha.record.hints import ballot_equations, decode_hints
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


def equations_of(
    group: Group, manifest: Manifest, ballot: EncryptedBallot, hints: Sequence[int]
) -> BallotEquations | None:
    """The equations ``hints`` stand for, with the challenges hashed by the verifier's own
    ``spec_hashes`` (``nazaha.record.hints.ballot_equations``); None where the hints cannot stand
    in for the spec-only checks. The ballot's structure is already checked (0.S)."""
    return ballot_equations(group, manifest, ballot, hints, spec_hashes)
