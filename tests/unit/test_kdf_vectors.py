"""Known-answer tests of the two key derivations of ElectionGuard 2.1.0, from the spec's byte layout.

Both use the SP 800-108 counter-mode KDF on HMAC-SHA-256. The Label and Context strings are the
ones the 2.1.0 PDF prints in typewriter font, with underscores (the text conversion in
../shared/reference/electionguard/spec-2.x/spec-2.x.txt drops them: VECTORS.md, A1):

* share encryption, §3.2.2 eqs. (16)-(18), PDF p. 25 and footnote 34, table §5.5.2 (p. 74):
  k_i,ℓ = H(H_P; 0x11, i, ℓ, κ_ℓ, α, β), B1 = 0x11 ‖ b(i,4) ‖ b(ℓ,4) ‖ b(κ_ℓ,512) ‖ b(α,512) ‖ b(β,512);
  k_i,ℓ,1|2 = HMAC(k_i,ℓ, 0x01|0x02 ‖ b("share_enc_keys",14) ‖ 0x00 ‖ b("share_encrypt",13) ‖ b(i,4) ‖ b(ℓ,4) ‖ 0x0200)
* ballot nonce encryption, §3.3.4 eqs. (35)-(36), PDF p. 30, table §5.5.3 (p. 75):
  h = H(H_I; 0x22, α_B, β_B), B1 = 0x22 ‖ b(α_B,512) ‖ b(β_B,512);
  k_1 = HMAC(h, 0x01 ‖ b("ballot_nonce",12) ‖ 0x00 ‖ b("ballot_nonce_encrypt",20) ‖ 0x0100)

Every second HMAC input is written out below as hex, byte by byte. The expected keys were computed
once with Python's ``hmac`` from exactly these bytes; ``tests/js/electionguard.test.mjs`` checks the
browser against the same ballot-nonce values.
"""

from __future__ import annotations

import hashlib
import hmac

from nazaha.ceremony.shares import EncryptedShare, decrypt_share, encrypt_share
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.crypto.proofs.schnorr import SchnorrProof
from nazaha.voting.nonce_encryption import ballot_nonce_key

GROUP = STANDARD_GROUP
P, Q, G = GROUP.p, GROUP.q, GROUP.g


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _b(value: int, length: int) -> bytes:
    """b(value, length) of §5.1.1: big-endian, fixed width."""
    return value.to_bytes(length, "big")


# -- ballot nonce (eqs. 35-36, p. 30) -----------------------------------------------------------

H_I = bytes(range(32))  # 000102...1F
ALPHA_B = pow(G, 5, P)
BETA_B = pow(G, 7, P)
BALLOT_NONCE_MESSAGE = bytes.fromhex(
    "01"  # counter i = 1, one byte
    "62616C6C6F745F6E6F6E6365"  # Label = b("ballot_nonce", 12): 5F is the underscore
    "00"  # separator
    "62616C6C6F745F6E6F6E63655F656E6372797074"  # Context = b("ballot_nonce_encrypt", 20)
    "0100"  # length of the key material: 256 bits, two bytes
)
BALLOT_NONCE_H = "D4A1B4EC057382FFFFAB7C56C3663C0280623AD96A2EAB916290C312AA65D99C"
BALLOT_NONCE_K1 = "BE41E84C4A086BC74BB6AA33379265A8BEFADF25E769ED171D22724E0A391631"
# The labels with spaces (0x20) that Nazaha used before it followed the PDF (docs/decisions.md).
LEGACY_BALLOT_NONCE_MESSAGE = bytes.fromhex(
    "01"
    "62616C6C6F74206E6F6E6365"  # "ballot nonce": 20 is the space
    "00"
    "62616C6C6F74206E6F6E636520656E6372797074"  # "ballot nonce encrypt"
    "0100"
)
LEGACY_BALLOT_NONCE_K1 = "824AACFC3D9C765C52ECE8C728E2E084AD1C16B99577C9939C49E8842D9E801A"


def test_ballot_nonce_kdf_follows_the_spec_bytes() -> None:
    assert len(BALLOT_NONCE_MESSAGE) == 1 + 12 + 1 + 20 + 2
    b1 = bytes([0x22]) + _b(ALPHA_B, 512) + _b(BETA_B, 512)
    assert len(b1) == 1025  # len(B1) in the table of §5.5.3
    h = _hmac(H_I, b1)
    assert h.hex().upper() == BALLOT_NONCE_H
    assert _hmac(h, BALLOT_NONCE_MESSAGE).hex().upper() == BALLOT_NONCE_K1
    assert ballot_nonce_key(GROUP, H_I, ALPHA_B, BETA_B).hex().upper() == BALLOT_NONCE_K1


def test_ballot_nonce_kdf_keeps_the_legacy_labels_apart() -> None:
    h = bytes.fromhex(BALLOT_NONCE_H)
    assert _hmac(h, LEGACY_BALLOT_NONCE_MESSAGE).hex().upper() == LEGACY_BALLOT_NONCE_K1
    assert ballot_nonce_key(GROUP, H_I, ALPHA_B, BETA_B, legacy=True).hex().upper() == LEGACY_BALLOT_NONCE_K1
    assert LEGACY_BALLOT_NONCE_K1 != BALLOT_NONCE_K1


# -- share encryption (eqs. 16-18, 21-22, p. 25) ------------------------------------------------

H_P = bytes(range(32, 64))  # 202122...3F
SENDER, RECEIVER = 2, 5
RECEIVER_SECRET = 11
KAPPA = pow(G, RECEIVER_SECRET, P)
XI = 13  # the encryption nonce ξ_i,ℓ
U = 17  # the proof's commitment nonce ū_i,ℓ
SHARE_MESSAGE_1 = bytes.fromhex(
    "01"  # counter, one byte
    "73686172655F656E635F6B657973"  # Label = b("share_enc_keys", 14)
    "00"  # separator
    "73686172655F656E6372797074"  # b("share_encrypt", 13) ...
    "00000002"  # ... ‖ b(i, 4), the sender
    "00000005"  # ... ‖ b(ℓ, 4), the receiver
    "0200"  # length of the key material: 512 bits in total, two bytes (footnote 34)
)
SHARE_MESSAGE_2 = bytes.fromhex("02") + SHARE_MESSAGE_1[1:]
SHARE_K = "838FF4804245F3AD262063F5A9C9DDDD4E8F1D60957F5B57A4A812754297791F"
SHARE_K1 = "2E6B439158E558362DF240F9530D9777863935F1453AB7C3DD863FB8E82D5170"
SHARE_K2 = "EFB8585466516BF1E62226B4A4B4C38BB8F7026EAEDC0B307841B01F4958749E"
VOTE_SHARE = 0x1234
DATA_SHARE = Q - 1


def _share_keys() -> tuple[int, int, bytes]:
    alpha = pow(G, XI, P)
    beta = pow(KAPPA, XI, P)
    b1 = bytes([0x11]) + _b(SENDER, 4) + _b(RECEIVER, 4) + _b(KAPPA, 512) + _b(alpha, 512) + _b(beta, 512)
    assert len(b1) == 1545  # len(B1) in the table of §5.5.2
    k = _hmac(H_P, b1)
    assert k.hex().upper() == SHARE_K
    return alpha, beta, _hmac(k, SHARE_MESSAGE_1) + _hmac(k, SHARE_MESSAGE_2)


def _spec_challenge(gamma: int, c0: int, c1: bytes) -> int:
    """c̄ = H_q(H_P; 0x12, i, ℓ, γ, C_0, C_1) (eq. 22), B1 as in the table of §5.5.2."""
    b1 = bytes([0x12]) + _b(SENDER, 4) + _b(RECEIVER, 4) + _b(gamma, 512) + _b(c0, 512) + c1
    assert len(b1) == 1097
    return int.from_bytes(_hmac(H_P, b1), "big") % Q


def test_share_kdf_follows_the_spec_bytes() -> None:
    assert len(SHARE_MESSAGE_1) == 1 + 14 + 1 + 13 + 4 + 4 + 2
    _, _, keys = _share_keys()
    assert keys.hex().upper() == SHARE_K1 + SHARE_K2


def test_a_share_encrypted_from_the_spec_bytes_decrypts() -> None:
    """C_1 = (b(P_i(ℓ),32) ⊕ k_1) ‖ (b(P-hat_i(ℓ),32) ⊕ k_2) (eq. 21), built here from the bytes."""
    alpha, _, keys = _share_keys()
    plain = _b(VOTE_SHARE, 32) + _b(DATA_SHARE, 32)
    masked = bytes(x ^ y for x, y in zip(plain, keys, strict=True))
    challenge = _spec_challenge(pow(G, U, P), alpha, masked)
    share = EncryptedShare(SENDER, RECEIVER, alpha, masked, SchnorrProof(challenge, (U - challenge * XI) % Q))
    assert decrypt_share(GROUP, H_P, RECEIVER_SECRET, KAPPA, share) == (VOTE_SHARE, DATA_SHARE)


class _Fixed:
    """The randomness ``encrypt_share`` draws, in order: ξ_i,ℓ then ū_i,ℓ."""

    def __init__(self, *values: int) -> None:
        self._values = list(values)

    def below(self, bound: int) -> int:
        value = self._values.pop(0)
        assert value < bound
        return value

    def bytes32(self) -> bytes:
        raise AssertionError("encrypt_share draws no bytes")


def test_encrypt_share_writes_the_spec_bytes() -> None:
    alpha, _, keys = _share_keys()
    share = encrypt_share(GROUP, H_P, SENDER, RECEIVER, KAPPA, VOTE_SHARE, DATA_SHARE, _Fixed(XI, U))
    assert share.pad == alpha
    plain = bytes(x ^ y for x, y in zip(share.masked, keys, strict=True))
    assert plain == _b(VOTE_SHARE, 32) + _b(DATA_SHARE, 32)
    assert share.proof.challenge == _spec_challenge(pow(G, U, P), alpha, share.masked)
    assert share.proof.response == (U - share.proof.challenge * XI) % Q
