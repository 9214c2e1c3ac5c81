"""What a guardian publishes in the key ceremony, and what it keeps.

Spec §3.2.2: guardian G_i publishes commitments K_i,j = g^(a_i,j) and K-hat_i,j for 0 <= j < k,
a communication key κ_i = g^(ζ_i), and two compact Schnorr proofs (c_i, v_i,0..v_i,k) and
(c-hat_i, v-hat_i,0..v-hat_i,k) (eqs. 10-13). The joint keys built from them are the
ceremony's (``nazaha.ceremony.joint_key``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CoefficientProof",
    "GuardianKeyShare",
    "GuardianPublicKey",
]


@dataclass(frozen=True, slots=True)
class CoefficientProof:
    """A compact proof of knowledge of k coefficients and ζ_i: challenge c_i, responses v_i,0..v_i,k."""

    challenge: int
    responses: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class GuardianPublicKey:
    """Guardian G_i's public announcement (the guardian record entries of §3.2.2)."""

    index: int
    """i, from 1 to n."""
    name: str
    vote_commitments: tuple[int, ...]
    """K_i,0 .. K_i,k-1; K_i,0 = K_i is the guardian's vote encryption key."""
    vote_proof: CoefficientProof
    data_commitments: tuple[int, ...]
    """K-hat_i,0 .. K-hat_i,k-1; K-hat_i,0 is the guardian's ballot data key."""
    data_proof: CoefficientProof
    communication_key: int
    """κ_i = g^(ζ_i), to which other guardians encrypt their shares."""
    signing_key: bytes = b""
    """The guardian's Ed25519 public key (32 bytes), with which it signs its decryption messages
    (Nazaha's addition to the guardian record, docs/decisions.md); empty in records made before."""

    @property
    def vote_key(self) -> int:
        """K_i = K_i,0."""
        return self.vote_commitments[0]

    @property
    def data_key(self) -> int:
        """K-hat_i = K-hat_i,0."""
        return self.data_commitments[0]


@dataclass(frozen=True, slots=True)
class GuardianKeyShare:
    """What guardian G_i keeps after the ceremony: its shares z_i and z-hat_i (spec eq. 24).

    The shares are secret: they never appear in a repr, a log line or an error message.
    ``extended_hash`` binds the key to one election, so it cannot be used in another.
    """

    index: int
    name: str
    extended_hash: bytes
    vote_share: int = field(repr=False)
    """z_i = P(i) = Σ_j P_j(i) mod q."""
    data_share: int = field(repr=False)
    """z-hat_i = P-hat(i)."""
    signing_seed: bytes = field(default=b"", repr=False)
    """The 32-byte seed of the guardian's Ed25519 signing key (empty in key files made before)."""
