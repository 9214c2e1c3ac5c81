"""Tallies: the aggregate encryptions, their decryptions with proofs, and opened ballots.

Spec §3.5 (aggregation, eq. 79), §3.6.5 (decryption proofs, Verification 10) and §3.6.7
(challenged ballots opened with their encryption nonces, Verification 13).
"""

from __future__ import annotations

from dataclasses import dataclass

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.proofs.chaum_pedersen import DecryptionProof

__all__ = [
    "ChallengedBallot",
    "ChallengedContest",
    "ChallengedSelection",
    "ContestDataDecryption",
    "DataCommitment",
    "DataShare",
    "DecryptedContest",
    "DecryptedContestData",
    "DecryptedOption",
    "DecryptedTally",
    "EncryptedTally",
    "EncryptedTallyContest",
    "GuardianCommitment",
    "NonceShare",
    "PartialDecryption",
    "UnopenedBallot",
]


@dataclass(frozen=True, slots=True)
class EncryptedTallyContest:
    """(A, B) for each option of one contest, in manifest order."""

    contest_index: int
    options: tuple[Ciphertext, ...]


@dataclass(frozen=True, slots=True)
class EncryptedTally:
    """The homomorphic sum of every cast ballot, per option (eq. 79)."""

    contests: tuple[EncryptedTallyContest, ...]
    cast_ballots: int


@dataclass(frozen=True, slots=True)
class DecryptedOption:
    """The tally t of one option, T = K^t, and the proof (c, v) that M = B / T = A^s."""

    option_index: int
    label: str
    value: int
    value_power: int
    """T = B · M^-1 mod p (eq. 82)."""
    proof: DecryptionProof


@dataclass(frozen=True, slots=True)
class DecryptedContest:
    contest_index: int
    label: str
    options: tuple[DecryptedOption, ...]


@dataclass(frozen=True, slots=True)
class DecryptedTally:
    """The decrypted tally and the guardians U that took part (eqs. 81-93)."""

    contests: tuple[DecryptedContest, ...]
    guardians_present: tuple[int, ...]
    cast_ballots: int


@dataclass(frozen=True, slots=True)
class ChallengedSelection:
    """One option of a challenged ballot: its encryption nonce ξ_i,j and plaintext σ_i,j."""

    option_index: int
    label: str
    nonce: int
    value: int


@dataclass(frozen=True, slots=True)
class ChallengedContest:
    contest_index: int
    label: str
    selections: tuple[ChallengedSelection, ...]
    data_nonce: int | None = None
    """ξ of the contest data (eq. 64), when the contest has contest data."""
    data: bytes | None = None
    """D_Λ, the decrypted contest data (eq. 111), when the contest has contest data."""


@dataclass(frozen=True, slots=True)
class ChallengedBallot:
    """A challenged ballot opened by its nonces (spec §3.6.7): what it really contained."""

    confirmation_code: bytes
    contests: tuple[ChallengedContest, ...]


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """M_i and the commitment hash d_i of guardian i for one option (spec eqs. 84, 88)."""

    guardian: int
    contest_index: int
    option_index: int
    share: int
    commitment_hash: bytes


@dataclass(frozen=True, slots=True)
class GuardianCommitment:
    """(a_i, b_i), revealed only after every d_j is known."""

    guardian: int
    contest_index: int
    option_index: int
    pad_commitment: int
    data_commitment: int


@dataclass(frozen=True, slots=True)
class NonceShare:
    """m_i = C_ξB,0^(z-hat_i) of one guardian for one challenged ballot (eq. 107), with Nazaha's
    proof that it is computed with the guardian's share: a Chaum-Pedersen proof (c, v) that
    log_g(g^(z-hat_i)) = log_(C_ξB,0)(m_i) (docs/decisions.md, "Nonce shares with proofs")."""

    guardian: int
    share: int
    proof: DecryptionProof


@dataclass(frozen=True, slots=True)
class UnopenedBallot:
    """A challenged ballot whose decrypted ballot nonce does not reproduce its encryptions: the
    encrypting device encrypted another nonce (§3.6.7, "ξ values inconsistent with recorded
    encryptions"). The guardians' proven shares show that they decrypted honestly; anyone can
    recombine them and see that the nonce does not open the ballot."""

    confirmation_code: bytes
    shares: tuple[NonceShare, ...]


@dataclass(frozen=True, slots=True)
class ContestDataDecryption:
    """One contest's contest data decrypted by the guardians (spec §3.6.6): β = Π m_i^(w_i)
    (eq. 97), the joint proof (c, v) that β = C_0^s-hat and K-hat = g^s-hat (eqs. 98-103), and
    D = C_1 ⊕ k_1 ‖ ... ‖ k_bΛ with the keys from h = H(H_I; 0x26, ind_c(Λ), C_0, β) (eqs. 104-106)."""

    contest_index: int
    beta: int
    proof: DecryptionProof
    data: bytes

    def __repr__(self) -> str:
        # D holds write-in texts: votes, never printed by accident.
        return f"ContestDataDecryption(contest_index={self.contest_index}, data=<{len(self.data)} bytes hidden>)"


@dataclass(frozen=True, slots=True)
class DecryptedContestData:
    """The guardians' decryption of every contest data field of one challenged ballot (Verification 12)."""

    confirmation_code: bytes
    contests: tuple[ContestDataDecryption, ...]


@dataclass(frozen=True, slots=True)
class DataShare:
    """m_i and d_i of guardian i for one contest data field (§3.6.6, eqs. 96, 99); ``key`` is
    (confirmation code in uppercase hex, ind_c(Λ))."""

    guardian: int
    key: tuple[str, int]
    share: int
    commitment_hash: bytes


@dataclass(frozen=True, slots=True)
class DataCommitment:
    """(a_i, b_i) of guardian i for one contest data field (eq. 98), revealed after every d_j."""

    guardian: int
    key: tuple[str, int]
    pad_commitment: int
    data_commitment: int
