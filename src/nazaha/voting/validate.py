"""Checking an encrypted ballot at the ballot box, before it is accepted.

The ballot box accepts only ballots that are well formed for this election: the right style
and contests, every value in the group, every range proof valid (Verifications 6 and 7),
H_I, the contest hashes and the confirmation code recomputed (5.B, 8.A, 8.B), a chaining field
of a known mode, a valid proof on the encrypted ballot nonce, and contest data exactly where the
manifest declares it, with a valid proof (eq. 69). Everything is checked before
anything is stored; the first problem found is raised as ``BallotError`` naming the contest or
option concerned.

Checking a proof recomputes its commitments; ``validate_ballot`` returns them (in the order of
``nazaha.record.hints``) so that the ballot box can publish them as the ballot's proof hints at
no further exponentiation.

A voting device may send those commitments with the ballot (``nazaha.record.hints``,
``encode_submission``); it computed them when it proved. The ballot box then checks that every
challenge is the hash of its commitments and every equation they stand for with one
small-exponent batch test (``nazaha.crypto.batch``, soundness error 2^-128), after one batched
membership test of every α, β and C_ξB,0: a few exponentiations instead of one per commitment.
Commitments that fail any of that are set aside and the ballot is checked one proof at a time,
as without them, so whether a well-formed submission gets in never depends on the commitments it
came with, and a refusal names the failing proof the same way. (An envelope that is not well
formed is refused as a whole, before any of this: ``nazaha.record.hints.split_submission``.)
Commitments that hash right but break an equation cost their batch and then the proof-by-proof
check: at most about 1.4 times a bare ballot's check.
"""

from __future__ import annotations

from collections.abc import Sequence

from nazaha.crypto.batch import batch_holds, batch_sound
from nazaha.crypto.elgamal import Ciphertext, add_ciphertexts
from nazaha.crypto.group import Group
from nazaha.crypto.hashing import ModP, Raw, hash_q
from nazaha.crypto.nonces import RandomSource, SystemRandom
from nazaha.crypto.proofs import schnorr
from nazaha.crypto.proofs.range import verified_commitments
from nazaha.election.ballot import EncryptedBallot, EncryptedContest
from nazaha.election.context import ElectionContext
from nazaha.election.manifest import Contest
from nazaha.errors import BallotError, InvalidProof
from nazaha.record.hints import ballot_equations
from nazaha.voting.confirmation import ChainingMode, confirmation_code, contest_hash, device_hash
from nazaha.voting.contest_data import contest_data_challenge
from nazaha.voting.encrypt import contest_challenge, identifier_hash, selection_challenge

__all__ = ["validate_ballot"]


def validate_ballot(
    context: ElectionContext,
    ballot: EncryptedBallot,
    rng: RandomSource | None = None,
    offered: Sequence[int] | None = None,
) -> tuple[int, ...]:
    """Raise ``BallotError`` unless ``ballot`` is a well-formed ballot of this election; return
    its proofs' commitments (the ballot's proof hints).

    ``offered`` are the commitments its voting device sent, if any: where they hash to the
    proofs' challenges and pass the batch test they are the hints, and no proof is recomputed.
    Otherwise every proof is checked on its own, and membership of every α and β in Z_p^r is
    tested in one batch. ``rng`` draws the batches' random exponents and weights.
    """
    rng = rng or SystemRandom()
    _check_style(context, ballot)
    for encrypted in ballot.contests:
        _check_options(context, encrypted)
    _check_nonce_shape(context, ballot)
    hints = _batched(context, ballot, offered, rng) if offered is not None else None
    if hints is None:
        hints = _one_by_one(context, ballot, rng)
    for encrypted in ballot.contests:
        contest = context.manifest.contest(encrypted.contest_index)
        _check_contest_data(context, ballot, encrypted, contest, f"contest {contest.label!r}")
        recomputed = contest_hash(
            context.group,
            ballot.id_hash,
            encrypted.contest_index,
            [s.ciphertext for s in encrypted.selections],
            encrypted.contest_data,
        )
        if recomputed != encrypted.contest_hash:
            raise BallotError(f"contest {contest.label!r}: the contest hash does not match its encryptions")
    _check_chaining_and_code(context, ballot)
    return hints


class _EncryptorHashes:
    """The challenge hashes as the encryptor computes them (eqs. 38, 59, 62), for
    ``nazaha.record.hints.ballot_equations``."""

    @staticmethod
    def selection_challenge(
        group: Group, h_i: bytes, contest: int, option: int, pad: int, data: int, commitments: Sequence[int]
    ) -> int:
        return selection_challenge(group, h_i, contest, option, Ciphertext(pad, data))(commitments)

    @staticmethod
    def contest_limit_challenge(
        group: Group, h_i: bytes, contest: int, pad: int, data: int, commitments: Sequence[int]
    ) -> int:
        return contest_challenge(group, h_i, contest, Ciphertext(pad, data))(commitments)

    @staticmethod
    def ballot_nonce_challenge(group: Group, h_i: bytes, commitment: int, pad: int, masked: bytes) -> int:
        return hash_q(group, h_i, 0x23, ModP(commitment), ModP(pad), Raw(masked))


_ENCRYPTOR_HASHES = _EncryptorHashes()


def _batched(
    context: ElectionContext, ballot: EncryptedBallot, offered: Sequence[int], rng: RandomSource
) -> tuple[int, ...] | None:
    """``offered`` where they stand for every proof of ``ballot`` and all its equations hold
    (one membership batch, one small-exponent batch); None where they do not, or where the
    batch test is not sound in this group."""
    group = context.group
    if not batch_sound(group):
        return None
    equations = ballot_equations(group, context.manifest, ballot, offered, _ENCRYPTOR_HASHES)
    if equations is None or not group.are_elements(list(equations.elements), rng):
        return None
    if not batch_holds(group, context.vote_key, [equations], rng):
        return None
    return tuple(offered)


def _one_by_one(context: ElectionContext, ballot: EncryptedBallot, rng: RandomSource) -> tuple[int, ...]:
    """Every proof of ``ballot`` checked on its own (Verifications 6 and 7, eq. 38); the
    commitments the checks recomputed."""
    values = [v for c in ballot.contests for s in c.selections for v in (s.ciphertext.pad, s.ciphertext.data)]
    batch_ok = context.group.are_elements(values, rng)
    hints: list[int] = []
    for encrypted in ballot.contests:
        hints += _contest_proofs(context, ballot, encrypted, batch_ok)
    hints.append(_check_nonce_proof(context, ballot))
    return tuple(hints)


def _check_style(context: ElectionContext, ballot: EncryptedBallot) -> None:
    """The ballot's style exists, the ballot holds exactly its contests, and H_I is right."""
    manifest = context.manifest
    if not 1 <= ballot.style_index <= len(manifest.ballot_styles):
        raise BallotError(f"ballot style index {ballot.style_index} names no ballot style")
    style = manifest.style(ballot.style_index)
    expected = sorted(style.contests)
    present = [contest.contest_index for contest in ballot.contests]
    if present != expected:
        raise BallotError(f"ballot style {style.label!r} has contests {expected}, the ballot has {present}")
    if ballot.id_hash != identifier_hash(context.group, context.extended_hash, ballot.selection_id):
        raise BallotError("the identifier hash H_I does not match the identifier id_B")


def _check_options(context: ElectionContext, encrypted: EncryptedContest) -> None:
    """The contest holds one encryption per option of the manifest, in order."""
    contest = context.manifest.contest(encrypted.contest_index)
    if [s.option_index for s in encrypted.selections] != list(range(1, len(contest.options) + 1)):
        raise BallotError(f"contest {contest.label!r}: the ballot must hold one encryption per option, in order")


def _contest_proofs(
    context: ElectionContext, ballot: EncryptedBallot, encrypted: EncryptedContest, batch_ok: bool
) -> list[int]:
    """One contest's range proofs and selection-limit proof, each on its own; return the
    commitments the checks recomputed."""
    group = context.group
    contest = context.manifest.contest(encrypted.contest_index)
    where = f"contest {contest.label!r}"
    hints: list[int] = []
    for selection in encrypted.selections:
        option = contest.options[selection.option_index - 1]
        here = f"{where}, option {option.label!r}"
        ciphertext = selection.ciphertext
        if not batch_ok and not (group.is_element(ciphertext.pad) and group.is_element(ciphertext.data)):
            raise BallotError(f"{here}: the encryption is not in the group Z_p^r")
        try:
            hints += verified_commitments(
                group,
                context.vote_key,
                ciphertext,
                selection.proof,
                contest.option_limit(option),
                selection_challenge(group, ballot.id_hash, encrypted.contest_index, selection.option_index, ciphertext),
            )
        except InvalidProof as error:
            raise BallotError(f"{here}: the range proof does not verify ({error})") from None
    total = add_ciphertexts(group, (s.ciphertext for s in encrypted.selections))
    try:
        hints += verified_commitments(
            group,
            context.vote_key,
            total,
            encrypted.proof,
            contest.contest_limit,
            contest_challenge(group, ballot.id_hash, encrypted.contest_index, total),
        )
    except InvalidProof as error:
        raise BallotError(f"{where}: the selection limit proof does not verify ({error})") from None
    return hints


def _check_chaining_and_code(context: ElectionContext, ballot: EncryptedBallot) -> None:
    """The chaining field B_C (§3.4.4) and the confirmation code H_C (eq. 71)."""
    group = context.group
    if len(ballot.chaining_field) != 36:
        raise BallotError("the chaining field must be 36 bytes")
    mode = ballot.chaining_field[:4]
    if mode == ChainingMode.NONE.identifier:
        if ballot.chaining_field[4:] != device_hash(group, context.extended_hash, ballot.device):
            raise BallotError("the chaining field does not hold the device information hash")
    elif mode != ChainingMode.SIMPLE.identifier:
        raise BallotError(f"unknown chaining mode 0x{mode.hex()}")
    code = confirmation_code(group, ballot.id_hash, [c.contest_hash for c in ballot.contests], ballot.chaining_field)
    if code != ballot.confirmation_code:
        raise BallotError("the confirmation code does not match the ballot's encryptions")


def _check_nonce_shape(context: ElectionContext, ballot: EncryptedBallot) -> None:
    """The encrypted ballot nonce's C_ξB,1 is 32 bytes and its proof's values are in Z_q."""
    group = context.group
    nonce = ballot.encrypted_nonce
    if len(nonce.masked) != 32:
        raise BallotError("the encrypted ballot nonce is malformed")
    proof = nonce.proof
    if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
        raise BallotError("the encrypted ballot nonce's proof has values outside Z_q")


def _check_nonce_proof(context: ElectionContext, ballot: EncryptedBallot) -> int:
    """The encrypted ballot nonce in Z_p^r and its proof of knowledge (eq. 38); return the
    proof's recomputed commitment."""
    group = context.group
    nonce = ballot.encrypted_nonce
    if not group.is_element(nonce.pad):
        raise BallotError("the encrypted ballot nonce is malformed")
    proof = nonce.proof
    commitment = schnorr.recompute_commitment(group, nonce.pad, proof.challenge, proof.response)
    challenge = hash_q(group, ballot.id_hash, 0x23, ModP(commitment), ModP(nonce.pad), Raw(nonce.masked))
    if challenge != proof.challenge:
        raise BallotError("the proof of the encrypted ballot nonce does not verify")
    return commitment


def _check_contest_data(
    context: ElectionContext, ballot: EncryptedBallot, encrypted: EncryptedContest, contest: Contest, where: str
) -> None:
    """Contest data exactly where the manifest declares b_Λ > 0, of 32·b_Λ bytes, with C_0 in the
    group and a valid proof of knowledge of its nonce (eq. 69, as guardians check it, §3.6.6)."""
    group = context.group
    data = encrypted.contest_data
    if data is None:
        if contest.contest_data_blocks:
            raise BallotError(f"{where}: the manifest asks for contest data, the ballot has none")
        return
    if not contest.contest_data_blocks:
        raise BallotError(f"{where}: the ballot carries contest data the manifest does not declare")
    if len(data.masked) != 32 * contest.contest_data_blocks:
        raise BallotError(f"{where}: the contest data is not {32 * contest.contest_data_blocks} bytes long")
    if not group.is_element(data.pad):
        raise BallotError(f"{where}: the contest data's C_0 is not in the group Z_p^r")
    proof = data.proof
    if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
        raise BallotError(f"{where}: the contest data's proof has values outside Z_q")
    commitment = schnorr.recompute_commitment(group, data.pad, proof.challenge, proof.response)
    if (
        contest_data_challenge(group, ballot.id_hash, encrypted.contest_index, commitment, data.pad, data.masked)
        != proof.challenge
    ):
        raise BallotError(f"{where}: the proof of the contest data does not verify")
