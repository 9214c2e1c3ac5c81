"""The key that masks a ballot's nonce ξ_B in the encrypted ballot nonce C_ξB (spec §3.3.4).

The device encrypts ξ_B to the ballot data key K-hat (``nazaha.voting.encrypt``); guardians
recover it for a challenged ballot (``nazaha.tallying.decrypt``). Both derive the same k_1.

The KDF's Label and Context are the strings the 2.1.0 PDF prints in typewriter font under eq. (36)
(p. 30): ``ballot_nonce`` and ``ballot_nonce_encrypt``, with underscores. The text conversion of
the spec drops the underscores, and Nazaha followed the text before this was noticed: ballots
written before then carry ``ballot nonce`` / ``ballot nonce encrypt`` (the *legacy* labels, kept
only so that guardians can still open such a ballot and the verifier can tell; docs/decisions.md).
"""

from __future__ import annotations

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import ModP, hash_h, kdf_block

__all__ = ["BALLOT_NONCE_CONTEXT", "BALLOT_NONCE_LABEL", "LEGACY_BALLOT_NONCE_LABELS", "ballot_nonce_key"]

BALLOT_NONCE_LABEL = "ballot_nonce"
"""Label = b("ballot_nonce", 12) (eq. 36, p. 30)."""
BALLOT_NONCE_CONTEXT = b"ballot_nonce_encrypt"
"""Context = b("ballot_nonce_encrypt", 20) (eq. 36, p. 30)."""
LEGACY_BALLOT_NONCE_LABELS = ("ballot nonce", b"ballot nonce encrypt")
"""The labels with spaces that Nazaha used before it followed the PDF."""
_LENGTH = (256).to_bytes(2, "big")


def ballot_nonce_key(group: Group, id_hash: bytes, pad: int, shared: int, *, legacy: bool = False) -> bytes:
    """k_1 that masks the ballot nonce: h = H(H_I; 0x22, α_B, β_B) (eq. 35) and
    k_1 = HMAC(h, 0x01 ‖ "ballot_nonce" ‖ 0x00 ‖ "ballot_nonce_encrypt" ‖ 0x0100) (eq. 36).

    ``legacy`` derives the key with the labels Nazaha used before (spaces for underscores), for a
    ballot encrypted before the change; nothing new is encrypted with them."""
    secret = hash_h(group, id_hash, 0x22, ModP(pad), ModP(shared))
    label, context = LEGACY_BALLOT_NONCE_LABELS if legacy else (BALLOT_NONCE_LABEL, BALLOT_NONCE_CONTEXT)
    return kdf_block(secret, b"\x01", label, context, _LENGTH)
