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
"""

from __future__ import annotations

from nazaha.crypto.elgamal import add_ciphertexts
from nazaha.crypto.hashing import ModP, Raw, hash_q
from nazaha.crypto.nonces import RandomSource, SystemRandom
from nazaha.crypto.proofs import schnorr
from nazaha.crypto.proofs.range import verified_commitments
from nazaha.election.ballot import EncryptedBallot, EncryptedContest
from nazaha.election.context import ElectionContext
from nazaha.election.manifest import Contest
from nazaha.errors import BallotError, InvalidProof
from nazaha.voting.confirmation import ChainingMode, confirmation_code, contest_hash, device_hash
from nazaha.voting.contest_data import contest_data_challenge
from nazaha.voting.encrypt import contest_challenge, identifier_hash, selection_challenge

__all__ = ["validate_ballot"]


def validate_ballot(
    context: ElectionContext, ballot: EncryptedBallot, rng: RandomSource | None = None
) -> tuple[int, ...]:
    """Raise ``BallotError`` unless ``ballot`` is a well-formed ballot of this election; return
    the commitments its proofs' checks recomputed (the ballot's proof hints).

    Membership of every α and β in Z_p^r is tested in one batch (``rng`` draws its exponents).
    """
    group = context.group
    rng = rng or SystemRandom()
    values = [v for c in ballot.contests for s in c.selections for v in (s.ciphertext.pad, s.ciphertext.data)]
    batch_ok = group.are_elements(values, rng)
    manifest = context.manifest
    if not 1 <= ballot.style_index <= len(manifest.ballot_styles):
        raise BallotError(f"ballot style index {ballot.style_index} names no ballot style")
    style = manifest.style(ballot.style_index)
    hints: list[int] = []
    expected = sorted(style.contests)
    present = [contest.contest_index for contest in ballot.contests]
    if present != expected:
        raise BallotError(f"ballot style {style.label!r} has contests {expected}, the ballot has {present}")
    if ballot.id_hash != identifier_hash(group, context.extended_hash, ballot.selection_id):
        raise BallotError("the identifier hash H_I does not match the identifier id_B")
    for encrypted in ballot.contests:
        contest = manifest.contest(encrypted.contest_index)
        where = f"contest {contest.label!r}"
        if [s.option_index for s in encrypted.selections] != list(range(1, len(contest.options) + 1)):
            raise BallotError(f"{where}: the ballot must hold one encryption per option, in order")
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
                    selection_challenge(
                        group, ballot.id_hash, encrypted.contest_index, selection.option_index, ciphertext
                    ),
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
        _check_contest_data(context, ballot, encrypted, contest, where)
        recomputed = contest_hash(
            group,
            ballot.id_hash,
            encrypted.contest_index,
            [s.ciphertext for s in encrypted.selections],
            encrypted.contest_data,
        )
        if recomputed != encrypted.contest_hash:
            raise BallotError(f"{where}: the contest hash does not match its encryptions")
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
    nonce = ballot.encrypted_nonce
    if not group.is_element(nonce.pad) or len(nonce.masked) != 32:
        raise BallotError("the encrypted ballot nonce is malformed")
    proof = nonce.proof
    if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
        raise BallotError("the encrypted ballot nonce's proof has values outside Z_q")
    commitment = schnorr.recompute_commitment(group, nonce.pad, proof.challenge, proof.response)
    challenge = hash_q(group, ballot.id_hash, 0x23, ModP(commitment), ModP(nonce.pad), Raw(nonce.masked))
    if challenge != proof.challenge:
        raise BallotError("the proof of the encrypted ballot nonce does not verify")
    hints.append(commitment)
    return tuple(hints)


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
