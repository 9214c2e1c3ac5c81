"""Ballots: what a voter marks, and what the encrypting device publishes.

Spec §3.3-§3.4: an encrypted ballot carries its selection encryption identifier id_B and
H_I, one ciphertext with a range proof per option (in manifest order, unselected options
included), a range proof of the contest selection limit per contest, the encrypted ballot
nonce, the device information, the chaining field B_C and the confirmation code H_C.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.proofs.range import RangeProof
from nazaha.crypto.proofs.schnorr import SchnorrProof
from nazaha.election.eligibility import UNSIGNED, BallotSignatures

__all__ = [
    "BallotState",
    "EncryptedBallot",
    "EncryptedContest",
    "EncryptedContestData",
    "EncryptedNonce",
    "EncryptedSelection",
    "PlaintextBallot",
    "SubmittedBallot",
]


@dataclass(frozen=True, slots=True)
class PlaintextBallot:
    """A voter's choices: for each contest label, the value given to each option label.

    Options and contests of the style that are not named get 0 (undervotes are allowed).
    ``write_ins`` holds the text written for a marked write-in option, by contest and option
    label; it goes into the contest's encrypted contest data (§3.3.10). Write-in texts are
    secret like the votes.
    """

    style: str
    votes: Mapping[str, Mapping[str, int]]
    write_ins: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    scanned: bool = False
    """A paper ballot as a scanner read it: where the manifest's overvote policy is ``record``,
    an overvoted contest is encrypted as all zeros with the overvote in its contest data. Ballots
    marked on a device are never overvoted (the device refuses)."""

    def __repr__(self) -> str:
        # Plaintext votes are secret: never print them by accident.
        return f"PlaintextBallot(style={self.style!r}, votes=<{len(self.votes)} contests hidden>)"


@dataclass(frozen=True, slots=True)
class EncryptedSelection:
    """Enc(σ, ξ_i,j) of one option and its proof that σ is in [0, R] (eq. 31, 57-61)."""

    option_index: int
    ciphertext: Ciphertext
    proof: RangeProof


@dataclass(frozen=True, slots=True)
class EncryptedContestData:
    """C = (C_0, C_1, C_2): a contest's data D_Λ encrypted to K-hat (§3.3.10, eqs. 63-69)."""

    pad: int
    """C_0 = α = g^ξ."""
    masked: bytes
    """C_1 = D_1 ⊕ k_1 ‖ ... ‖ D_bΛ ⊕ k_bΛ, 32·b_Λ bytes."""
    proof: SchnorrProof
    """C_2 = (c, v), a proof of knowledge of ξ (eq. 69)."""


@dataclass(frozen=True, slots=True)
class EncryptedContest:
    """The encrypted options of one contest and the proof of its selection limit (eq. 62)."""

    contest_index: int
    selections: tuple[EncryptedSelection, ...]
    proof: RangeProof
    contest_hash: bytes
    """χ_l (eq. 70)."""
    contest_data: EncryptedContestData | None = None
    """The encrypted contest data, on every ballot when the manifest declares b_Λ > 0 blocks."""


@dataclass(frozen=True, slots=True)
class EncryptedNonce:
    """C_ξB = (C_ξB,0, C_ξB,1, C_ξB,2): the ballot nonce encrypted to K-hat (eqs. 34-38)."""

    pad: int
    """C_ξB,0 = α_B = g^(ξ-hat_B)."""
    masked: bytes
    """C_ξB,1 = b(ξ_B, 32) ⊕ k_1."""
    proof: SchnorrProof
    """C_ξB,2 = (c_B, v_B), a proof of knowledge of ξ-hat_B."""


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    """A ballot as the encrypting device publishes it, before it is cast or challenged."""

    selection_id: bytes
    """id_B, 32 random bytes (eq. 32)."""
    id_hash: bytes
    """H_I = H(H_E; 0x20, id_B)."""
    style_index: int
    contests: tuple[EncryptedContest, ...]
    encrypted_nonce: EncryptedNonce
    device: str
    """S_device, hashed into H_DI (eq. 72)."""
    encrypted_at: str
    """Date and time of encryption, ISO 8601 in UTC."""
    chaining_field: bytes
    """B_C, 36 bytes: the chaining mode identifier and 32 bytes (eqs. 73, 76)."""
    confirmation_code: bytes
    """H_C (eq. 71)."""

    @property
    def code_hex(self) -> str:
        """The confirmation code in uppercase hex, as voters see it."""
        return self.confirmation_code.hex().upper()


class BallotState(enum.Enum):
    """What the voter decided: cast (tallied) or challenged (opened, never tallied)."""

    CAST = "cast"
    CHALLENGED = "challenged"


@dataclass(frozen=True, slots=True)
class SubmittedBallot:
    """An encrypted ballot and the voter's decision, with what vouched for it at the door."""

    ballot: EncryptedBallot
    state: BallotState
    signatures: BallotSignatures = UNSIGNED
