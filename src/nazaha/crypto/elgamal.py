"""DPP vote encryption: exponential ElGamal with the vote in the exponent of K.

Spec §3.3.1, eq. (31): Enc(σ, ξ) = (α, β) = (g^ξ mod p, K^(σ+ξ) mod p). Ciphertexts multiply
component-wise into an encryption of the sum (eq. 2, eq. 79).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nazaha.crypto.group import Group

__all__ = ["Ciphertext", "add_ciphertexts", "decrypt_with_nonce", "encrypt", "encrypt_zero_one"]


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An encryption (α, β) of a small integer under a joint key K."""

    pad: int
    """α = g^ξ mod p."""
    data: int
    """β = K^(σ+ξ) mod p."""

    def __repr__(self) -> str:
        return f"Ciphertext(pad=0x{self.pad:X}, data=0x{self.data:X})"


def encrypt(group: Group, public_key: int, value: int, nonce: int) -> Ciphertext:
    """Enc(σ, ξ) of spec eq. (31). ``public_key`` must already be known to be in Z_p^r."""
    if value < 0:
        raise ValueError("only non-negative values can be encrypted")
    return Ciphertext(
        pad=group.g_pow(nonce),
        data=group.fixed_base(public_key).pow(value + nonce),
    )


def encrypt_zero_one(group: Group, public_key: int, value: int, nonce: int) -> Ciphertext:
    """Enc(σ, ξ) for σ in {0, 1}: the common case, named for readability."""
    if value not in (0, 1):
        raise ValueError("value must be 0 or 1")
    return encrypt(group, public_key, value, nonce)


def add_ciphertexts(group: Group, ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The component-wise product: an encryption of the sum (spec eq. 2, eq. 79).

    The empty product is (1, 1), an encryption of 0 with nonce 0.
    """
    pad = 1
    data = 1
    p = group.p
    for ciphertext in ciphertexts:
        pad = pad * ciphertext.pad % p
        data = data * ciphertext.data % p
    return Ciphertext(pad=pad, data=data)


def decrypt_with_nonce(group: Group, public_key: int, ciphertext: Ciphertext, nonce: int) -> int:
    """K^σ = β · K^(-ξ) mod p (spec eq. 109); the caller recovers σ with a discrete log."""
    key_to_nonce = group.fixed_base(public_key).pow(nonce)
    return group.div(ciphertext.data, key_to_nonce)
