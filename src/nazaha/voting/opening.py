"""Opening a challenged ballot with its ballot nonce (spec §3.6.7, "Decryption with encryption
nonces").

From ξ_B every encryption nonce ξ_i,j follows (eq. 33); K^σ = β · K^(-ξ_i,j) (eq. 109) gives σ.
The opening re-encrypts each option and checks that it reproduces the published ciphertext, so
a wrong nonce is caught instead of producing a wrong reading. A contest with contest data gets
its nonce ξ (eq. 64) and its data D (eqs. 110, 111) published too.
"""

from __future__ import annotations

from nazaha.crypto.elgamal import decrypt_with_nonce, encrypt
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.tally import ChallengedBallot, ChallengedContest, ChallengedSelection
from nazaha.errors import DecryptionError
from nazaha.voting.contest_data import contest_data_nonce, open_contest_data
from nazaha.voting.encrypt import selection_nonce

__all__ = ["open_ballot"]


def open_ballot(context: ElectionContext, ballot: EncryptedBallot, ballot_nonce: bytes) -> ChallengedBallot:
    """Derive the encryption nonces from ξ_B and decrypt every option of ``ballot``."""
    group = context.group
    manifest = context.manifest
    contests = []
    for encrypted in ballot.contests:
        contest = manifest.contest(encrypted.contest_index)
        selections = []
        for selection in encrypted.selections:
            option = contest.options[selection.option_index - 1]
            nonce = selection_nonce(
                group, ballot.id_hash, encrypted.contest_index, selection.option_index, ballot_nonce
            )
            power = decrypt_with_nonce(group, context.vote_key, selection.ciphertext, nonce)
            value = _small_log(group.p, context.vote_key, power, contest.option_limit(option))
            if encrypt(group, context.vote_key, value, nonce) != selection.ciphertext:
                raise DecryptionError(
                    f"ballot {ballot.code_hex}: the ballot nonce does not reproduce the "
                    f"encryption of contest {contest.label!r}, option {option.label!r}"
                )
            selections.append(
                ChallengedSelection(
                    option_index=selection.option_index,
                    label=option.label,
                    nonce=nonce,
                    value=value,
                )
            )
        data_nonce: int | None = None
        data: bytes | None = None
        if encrypted.contest_data is not None:
            data_nonce = contest_data_nonce(group, ballot.id_hash, encrypted.contest_index, ballot_nonce)
            try:
                data = open_contest_data(
                    group, context.data_key, ballot.id_hash, encrypted.contest_index, data_nonce, encrypted.contest_data
                )
            except ValueError:
                raise DecryptionError(
                    f"ballot {ballot.code_hex}: the ballot nonce does not reproduce the contest data "
                    f"of contest {contest.label!r}"
                ) from None
        contests.append(
            ChallengedContest(
                contest_index=encrypted.contest_index,
                label=contest.label,
                selections=tuple(selections),
                data_nonce=data_nonce,
                data=data,
            )
        )
    return ChallengedBallot(confirmation_code=ballot.confirmation_code, contests=tuple(contests))


def _small_log(p: int, base: int, value: int, bound: int) -> int:
    """σ in [0, bound] with base^σ = value; a short linear search since option limits are small."""
    current = 1
    for exponent in range(bound + 1):
        if current == value:
            return exponent
        current = current * base % p
    raise DecryptionError(f"the decrypted value is not K^σ for any σ in [0, {bound}]")
