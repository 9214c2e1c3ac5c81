"""Ballot encryption: identifiers, nonces, selection encryptions, proofs and the nonce encryption.

Spec §3.3 and §3.4, for a ballot B with selection encryption identifier id_B and ballot nonce ξ_B:

    H_I    = H(H_E; 0x20, id_B)                                             (eq. 32)
    ξ_i,j  = H_q(H_I; 0x21, i, j, ξ_B)                                      (eq. 33)
    (α, β) = (g^ξ_i,j, K^(σ+ξ_i,j)) with a range proof up to R             (eqs. 31, 57-61)
      c    = H_q(H_I; 0x24, i, j, α, β, a_0, b_0, ..., a_R, b_R)            (eq. 59)
    contest: (ᾱ, β̄) = Π (α, β), nonce Σ ξ_i,j, a range proof up to L      (eq. 62)
      c    = H_q(H_I; 0x24, i, ᾱ, β̄, a_0, b_0, ..., a_L, b_L)
    C_ξB   = (g^ξ̂, b(ξ_B, 32) ⊕ k_1, (c_B, v_B)) under K-hat              (eqs. 34-38)
    contest data, where the manifest declares it: ``nazaha.voting.contest_data`` (eqs. 63-69)

Encryption is a pure function of its inputs: the caller supplies id_B, ξ_B, the time and a
random source for proof commitments. A ballot that breaks a limit or names an unknown contest,
option or style is refused with ``BallotError`` before anything is encrypted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nazaha.crypto.elgamal import Ciphertext, add_ciphertexts, encrypt
from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, ModP, Raw, hash_h, hash_q, xor_bytes
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.proofs import schnorr
from nazaha.crypto.proofs.range import ChallengeFunction, prove_range
from nazaha.crypto.proofs.schnorr import SchnorrProof
from nazaha.election.ballot import (
    EncryptedBallot,
    EncryptedContest,
    EncryptedNonce,
    EncryptedSelection,
    PlaintextBallot,
)
from nazaha.election.context import ElectionContext
from nazaha.election.manifest import Contest, Manifest
from nazaha.errors import BallotError, NotFoundError
from nazaha.voting.confirmation import confirmation_code, contest_hash
from nazaha.voting.contest_data import ContestData, encode_contest_data, encrypt_contest_data, write_in_texts
from nazaha.voting.nonce_encryption import ballot_nonce_key

__all__ = [
    "contest_challenge",
    "encrypt_ballot",
    "encrypt_ballot_nonce",
    "encrypt_ballot_with_hints",
    "identifier_hash",
    "marked_values",
    "overvoted_contests",
    "selection_challenge",
    "selection_nonce",
]


def identifier_hash(group: Group, extended_hash: bytes, selection_id: bytes) -> bytes:
    """H_I = H(H_E; 0x20, id_B) (eq. 32)."""
    if len(selection_id) != 32:
        raise ValueError("the selection encryption identifier id_B is 32 bytes")
    return hash_h(group, extended_hash, 0x20, Raw(selection_id))


def selection_nonce(group: Group, id_hash: bytes, contest_index: int, option_index: int, ballot_nonce: bytes) -> int:
    """ξ_i,j = H_q(H_I; 0x21, i, j, ξ_B) (eq. 33)."""
    return hash_q(group, id_hash, 0x21, U32(contest_index), U32(option_index), Raw(ballot_nonce))


def selection_challenge(
    group: Group, id_hash: bytes, contest_index: int, option_index: int, ciphertext: Ciphertext
) -> ChallengeFunction:
    """The challenge of an option's range proof (eq. 59) as a function of its commitments."""

    def challenge(commitments: Sequence[int]) -> int:
        return hash_q(
            group,
            id_hash,
            0x24,
            U32(contest_index),
            U32(option_index),
            ModP(ciphertext.pad),
            ModP(ciphertext.data),
            *(ModP(value) for value in commitments),
        )

    return challenge


def contest_challenge(group: Group, id_hash: bytes, contest_index: int, total: Ciphertext) -> ChallengeFunction:
    """The challenge of a contest's selection-limit proof (eq. 62)."""

    def challenge(commitments: Sequence[int]) -> int:
        return hash_q(
            group,
            id_hash,
            0x24,
            U32(contest_index),
            ModP(total.pad),
            ModP(total.data),
            *(ModP(value) for value in commitments),
        )

    return challenge


def marked_values(manifest: Manifest, ballot: PlaintextBallot) -> tuple[int, dict[int, list[int]]]:
    """Check a plaintext ballot against the manifest; return its style index and the value of
    every option of every contest on the style, in manifest order.

    Raises ``BallotError`` for an unknown style, a contest not on the style, an unknown option,
    a value that is not a non-negative integer, an option over its limit R or a contest over
    its limit L (an overvote), unless the ballot is a scanned paper ballot and the manifest's
    overvote policy is ``record``: then the overvoted contest's values are all zeros (§3.3.9)
    and ``overvoted_contests`` names it.
    """
    style_index, values, _, _ = _marks(manifest, ballot)
    return style_index, values


def overvoted_contests(manifest: Manifest, ballot: PlaintextBallot) -> set[int]:
    """The contests of ``ballot`` recorded as overvoted (encrypted as zeros), by index."""
    return _marks(manifest, ballot)[2]


def _marks(manifest: Manifest, ballot: PlaintextBallot) -> tuple[int, dict[int, list[int]], set[int], dict[int, bytes]]:
    """Style index, values by contest, the contests recorded as overvoted and D_Λ by contest."""
    record = ballot.scanned and manifest.overvote_policy == "record"
    try:
        style_index = manifest.style_index(ballot.style)
    except NotFoundError:
        raise BallotError(f"unknown ballot style {ballot.style!r}") from None
    style = manifest.style(style_index)
    on_style = {manifest.contest(index).label: index for index in style.contests}
    for label in ballot.votes:
        if label not in on_style:
            known = (
                "not in the manifest"
                if label not in {c.label for c in manifest.contests}
                else (f"not on ballot style {style.label!r}")
            )
            raise BallotError(f"contest {label!r} is {known}")
    values: dict[int, list[int]] = {}
    overvoted: set[int] = set()
    for index in sorted(style.contests):
        contest = manifest.contest(index)
        row, over = _contest_row(contest, ballot.votes.get(contest.label, {}), record=record)
        if over:
            overvoted.add(index)
        values[index] = row
    for label in ballot.write_ins:
        if label not in on_style:
            raise BallotError(f"write-ins: contest {label!r} is not on ballot style {style.label!r}")
    # The write-in texts and the contest data they fill, checked before anything is encrypted.
    plain: dict[int, bytes] = {}
    for index in values:
        contest = manifest.contest(index)
        texts = write_in_texts(contest, ballot.write_ins.get(contest.label, {}), ballot.votes.get(contest.label, {}))
        if contest.contest_data_blocks:
            plain[index] = encode_contest_data(contest, ContestData(overvoted=index in overvoted, write_ins=texts))
    return style_index, values, overvoted, plain


def _contest_row(contest: Contest, marks: Mapping[str, int], *, record: bool) -> tuple[list[int], bool]:
    """One contest's values in option order, and whether it is recorded as overvoted (its values
    then zeros, when ``record``: a scanned ballot under the "record" policy); an overvote otherwise raises."""
    option_labels = {option.label for option in contest.options}
    for label, value in marks.items():
        if label not in option_labels:
            raise BallotError(f"contest {contest.label!r} has no option {label!r}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BallotError(f"contest {contest.label!r}, option {label!r}: the value must be a non-negative integer")
    row = [marks.get(option.label, 0) for option in contest.options]
    over = [
        (option, value)
        for option, value in zip(contest.options, row, strict=True)
        if value > contest.option_limit(option)
    ]
    if (over or sum(row) > contest.contest_limit) and record:
        return [0] * len(row), True
    if over:
        option, value = over[0]
        raise BallotError(
            f"overvote: contest {contest.label!r}, option {option.label!r} is given "
            f"{value}, more than its limit {contest.option_limit(option)}"
        )
    if sum(row) > contest.contest_limit:
        raise BallotError(
            f"overvote: contest {contest.label!r} has {sum(row)} selections, more than its "
            f"limit {contest.contest_limit}"
        )
    return row, False


def encrypt_ballot_nonce(
    group: Group, data_key: int, id_hash: bytes, ballot_nonce: bytes, rng: RandomSource
) -> EncryptedNonce:
    """C_ξB of eqs. (34)-(38): ξ_B encrypted to K-hat with hashed ElGamal and a Schnorr proof."""
    return _encrypt_ballot_nonce(group, data_key, id_hash, ballot_nonce, rng)[0]


def _encrypt_ballot_nonce(
    group: Group, data_key: int, id_hash: bytes, ballot_nonce: bytes, rng: RandomSource
) -> tuple[EncryptedNonce, int]:
    """``encrypt_ballot_nonce`` and its proof's commitment a_B = g^u (eq. 38)."""
    nonce = rng.below(group.q)
    alpha = group.g_pow(nonce)
    beta = group.fixed_base(data_key).pow(nonce)
    masked = xor_bytes(ballot_nonce, ballot_nonce_key(group, id_hash, alpha, beta))
    u, commitment = schnorr.commit(group, rng)
    challenge = hash_q(group, id_hash, 0x23, ModP(commitment), ModP(alpha), Raw(masked))
    proof = SchnorrProof(challenge, schnorr.respond(group, u, challenge, nonce))
    return EncryptedNonce(pad=alpha, masked=masked, proof=proof), commitment


def encrypt_ballot(
    context: ElectionContext,
    ballot: PlaintextBallot,
    *,
    selection_id: bytes,
    ballot_nonce: bytes,
    device: str,
    chaining_field: bytes,
    encrypted_at: str,
    rng: RandomSource,
) -> EncryptedBallot:
    """Encrypt ``ballot`` (spec §3.3-§3.4). Pure: the same inputs and random stream give the
    same encrypted ballot."""
    return encrypt_ballot_with_hints(
        context,
        ballot,
        selection_id=selection_id,
        ballot_nonce=ballot_nonce,
        device=device,
        chaining_field=chaining_field,
        encrypted_at=encrypted_at,
        rng=rng,
    )[0]


def encrypt_ballot_with_hints(
    context: ElectionContext,
    ballot: PlaintextBallot,
    *,
    selection_id: bytes,
    ballot_nonce: bytes,
    device: str,
    chaining_field: bytes,
    encrypted_at: str,
    rng: RandomSource,
) -> tuple[EncryptedBallot, tuple[int, ...]]:
    """``encrypt_ballot``, and the commitments its proofs hashed, in the order of the proof-hint
    annex (``nazaha.record.hints``): sent with the ballot, they let the ballot box check its
    proofs in one batch. Computing them costs nothing beyond the proofs."""
    if len(ballot_nonce) != 32:
        raise ValueError("the ballot nonce ξ_B is 32 bytes")
    style_index, values, _, plain_data = _marks(context.manifest, ballot)
    group = context.group
    key = context.vote_key
    id_hash = identifier_hash(group, context.extended_hash, selection_id)
    contests: list[EncryptedContest] = []
    hints: list[int] = []
    for contest_index, row in values.items():
        contest = context.manifest.contest(contest_index)
        selections: list[EncryptedSelection] = []
        nonce_sum = 0
        for option_index, (option, value) in enumerate(zip(contest.options, row, strict=True), 1):
            nonce = selection_nonce(group, id_hash, contest_index, option_index, ballot_nonce)
            nonce_sum += nonce
            ciphertext = encrypt(group, key, value, nonce)
            proof, commitments = prove_range(
                group,
                key,
                ciphertext,
                value,
                nonce,
                contest.option_limit(option),
                selection_challenge(group, id_hash, contest_index, option_index, ciphertext),
                rng,
            )
            hints += commitments
            selections.append(EncryptedSelection(option_index, ciphertext, proof))
        total = add_ciphertexts(group, (s.ciphertext for s in selections))
        limit_proof, commitments = prove_range(
            group,
            key,
            total,
            sum(row),
            nonce_sum % group.q,
            contest.contest_limit,
            contest_challenge(group, id_hash, contest_index, total),
            rng,
        )
        hints += commitments
        data = (
            encrypt_contest_data(
                group, context.data_key, id_hash, contest_index, ballot_nonce, plain_data[contest_index], rng
            )
            if contest_index in plain_data
            else None
        )
        contests.append(
            EncryptedContest(
                contest_index=contest_index,
                selections=tuple(selections),
                proof=limit_proof,
                contest_hash=contest_hash(group, id_hash, contest_index, [s.ciphertext for s in selections], data),
                contest_data=data,
            )
        )
    code = confirmation_code(group, id_hash, [c.contest_hash for c in contests], chaining_field)
    encrypted_nonce, nonce_commitment = _encrypt_ballot_nonce(group, context.data_key, id_hash, ballot_nonce, rng)
    hints.append(nonce_commitment)
    encrypted = EncryptedBallot(
        selection_id=selection_id,
        id_hash=id_hash,
        style_index=style_index,
        contests=tuple(contests),
        encrypted_nonce=encrypted_nonce,
        device=device,
        encrypted_at=encrypted_at,
        chaining_field=chaining_field,
        confirmation_code=code,
    )
    return encrypted, tuple(hints)
