"""Encrypted secret shares between guardians, and their checks against the commitments.

Spec §3.2.2 "Share encryption" (eqs. 15-22), "Share decryption" (eq. 23) and the share check
of eqs. (28) and (29). G_i sends G_ℓ the pair (P_i(ℓ), P-hat_i(ℓ)) encrypted to κ_ℓ:

    (α, β) = (g^ξ, κ_ℓ^ξ);  k_i,ℓ = H(H_P; 0x11, i, ℓ, κ_ℓ, α, β)
    k_1, k_2 = HMAC(k_i,ℓ, 0x01|0x02 ‖ "share_enc_keys" ‖ 0x00 ‖ "share_encrypt" ‖ b(i,4) ‖ b(ℓ,4) ‖ 0x0200)
    C_0 = α,  C_1 = (b(P_i(ℓ), 32) ⊕ k_1) ‖ (b(P-hat_i(ℓ), 32) ⊕ k_2)
    C_2 = (c̄, v̄) with c̄ = H_q(H_P; 0x12, i, ℓ, g^ū, C_0, C_1)

Label and Context are the strings the 2.1.0 PDF prints in typewriter font under eq. (18) (p. 25):
``share_enc_keys`` and ``share_encrypt``, with underscores (its text conversion drops them). A
ceremony run before Nazaha followed the PDF used spaces; both sides of a ceremony must agree, so a
ceremony is run with one version throughout (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, ModP, Raw, hash_h, hash_q, kdf_block, xor_bytes
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.polynomial import commitment_at
from nazaha.crypto.proofs import schnorr
from nazaha.crypto.proofs.schnorr import SchnorrProof
from nazaha.errors import CeremonyError

__all__ = ["EncryptedShare", "check_share", "decrypt_share", "encrypt_share"]

_LABEL = "share_enc_keys"
"""Label = b("share_enc_keys", 14) (eqs. 17-18, p. 25)."""
_CONTEXT = b"share_encrypt"
"""Context = b("share_encrypt", 13) ‖ b(i, 4) ‖ b(ℓ, 4) (eqs. 17-18, p. 25)."""
_LENGTH = (512).to_bytes(2, "big")


@dataclass(frozen=True, slots=True)
class EncryptedShare:
    """E_ℓ(P_i(ℓ), P-hat_i(ℓ)) = (C_i,ℓ,0, C_i,ℓ,1, C_i,ℓ,2) from sender i to receiver ℓ."""

    sender: int
    receiver: int
    pad: int
    """C_i,ℓ,0 = α_i,ℓ = g^ξ."""
    masked: bytes
    """C_i,ℓ,1: 64 bytes."""
    proof: SchnorrProof
    """C_i,ℓ,2 = (c̄_i,ℓ, v̄_i,ℓ)."""


def _keys(group: Group, h_p: bytes, sender: int, receiver: int, kappa: int, alpha: int, beta: int) -> bytes:
    secret = hash_h(group, h_p, 0x11, U32(sender), U32(receiver), ModP(kappa), ModP(alpha), ModP(beta))
    context = _CONTEXT + sender.to_bytes(4, "big") + receiver.to_bytes(4, "big")
    k1 = kdf_block(secret, b"\x01", _LABEL, context, _LENGTH)
    k2 = kdf_block(secret, b"\x02", _LABEL, context, _LENGTH)
    return k1 + k2


def _challenge(group: Group, h_p: bytes, sender: int, receiver: int, gamma: int, pad: int, masked: bytes) -> int:
    return hash_q(group, h_p, 0x12, U32(sender), U32(receiver), ModP(gamma), ModP(pad), Raw(masked))


def encrypt_share(
    group: Group,
    h_p: bytes,
    sender: int,
    receiver: int,
    receiver_key: int,
    vote_share: int,
    data_share: int,
    rng: RandomSource,
) -> EncryptedShare:
    """Encrypt (P_i(ℓ), P-hat_i(ℓ)) from guardian ``sender`` to guardian ``receiver``."""
    nonce = rng.below(group.q)
    alpha = group.g_pow(nonce)
    beta = group.pow(receiver_key, nonce)
    keys = _keys(group, h_p, sender, receiver, receiver_key, alpha, beta)
    plain = vote_share.to_bytes(32, "big") + data_share.to_bytes(32, "big")
    masked = xor_bytes(plain, keys)
    u, gamma = schnorr.commit(group, rng)
    challenge = _challenge(group, h_p, sender, receiver, gamma, alpha, masked)
    return EncryptedShare(
        sender=sender,
        receiver=receiver,
        pad=alpha,
        masked=masked,
        proof=SchnorrProof(challenge, schnorr.respond(group, u, challenge, nonce)),
    )


def decrypt_share(
    group: Group,
    h_p: bytes,
    receiver_secret: int,
    receiver_key: int,
    share: EncryptedShare,
) -> tuple[int, int]:
    """Check the share's proof and decrypt it (eq. 23); raise ``CeremonyError`` on failure."""

    def fail(message: str) -> CeremonyError:
        return CeremonyError(
            f"share from guardian {share.sender} to guardian {share.receiver}: {message}",
            sender=share.sender,
            receiver=share.receiver,
        )

    if not group.is_element(share.pad):
        raise fail("C_0 is not in Z_p^r")
    if len(share.masked) != 64:
        raise fail("C_1 is not 64 bytes long")
    proof = share.proof
    if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
        raise fail("the proof's values are not in Z_q")
    gamma = schnorr.recompute_commitment(group, share.pad, proof.challenge, proof.response)
    if _challenge(group, h_p, share.sender, share.receiver, gamma, share.pad, share.masked) != proof.challenge:
        raise fail("the proof of knowledge of the encryption nonce does not verify")
    beta = group.pow(share.pad, receiver_secret)
    keys = _keys(group, h_p, share.sender, share.receiver, receiver_key, share.pad, beta)
    plain = xor_bytes(share.masked, keys)
    vote_share = int.from_bytes(plain[:32], "big")
    data_share = int.from_bytes(plain[32:], "big")
    if vote_share >= group.q or data_share >= group.q:
        raise fail("a decrypted share is not in Z_q")
    return vote_share, data_share


def check_share(
    group: Group,
    sender: int,
    receiver: int,
    value: int,
    commitments: Sequence[int],
    what: str,
) -> None:
    """g^(P_i(ℓ)) = Π_j K_i,j^(ℓ^j) (eqs. 28, 29); raise ``CeremonyError`` naming both guardians."""
    if group.g_pow(value) != commitment_at(group, commitments, receiver):
        raise CeremonyError(
            f"guardian {sender} sent guardian {receiver} a {what} share that does not match "
            f"guardian {sender}'s commitments",
            sender=sender,
            receiver=receiver,
        )
