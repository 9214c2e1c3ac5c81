"""The key that masks a ballot's nonce ξ_B in the encrypted ballot nonce C_ξB (spec §3.3.2).

The device encrypts ξ_B to the ballot data key K-hat (``nazaha.voting.encrypt``); guardians
recover it for a challenged ballot (``nazaha.tallying.decrypt``). Both derive the same k_1.
"""

from __future__ import annotations

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import ModP, hash_h, kdf_block

__all__ = ["ballot_nonce_key"]


def ballot_nonce_key(group: Group, id_hash: bytes, pad: int, shared: int) -> bytes:
    """k_1 that masks the ballot nonce: h = H(H_I; 0x22, α_B, β_B) (eq. 35) and
    k_1 = HMAC(h, 0x01 ‖ "ballot nonce" ‖ 0x00 ‖ "ballot nonce encrypt" ‖ 0x0100) (eq. 36)."""
    secret = hash_h(group, id_hash, 0x22, ModP(pad), ModP(shared))
    return kdf_block(secret, b"\x01", "ballot nonce", b"ballot nonce encrypt", (256).to_bytes(2, "big"))
