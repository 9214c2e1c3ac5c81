"""From a credential to its Ed25519 signing key.

    seed = scrypt(P = credential's 16 symbols, S = "nazaha credential" ‖ 0x00 ‖ election id,
                  N, r, p, dkLen = 32)                                    (RFC 7914)
    key  = Ed25519 private key with seed ``seed``                         (RFC 8032)

scrypt is slow and memory-hard, and its salt is the election id, so the public list of keys does
not let anyone search the credential space, in this election or across elections. The booth runs
the same derivation in the browser (``static/js/credentials.js``); known-answer tests pin both.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from nazaha.credentials.codes import normalize_credential
from nazaha.election.eligibility import UNSIGNED, BallotSignatures, KdfParameters, ballot_signature_message

__all__ = ["KDF_DEFAULT", "KDF_TEST_ONLY", "credential_seed", "public_key", "sign_ballot", "sign_submission"]

KDF_DEFAULT = KdfParameters(n=2**15, r=8, p=1)
"""32 MiB and about 0.1 s in C (0.5 to 1.5 s in a phone's browser): the booth's budget."""
KDF_TEST_ONLY = KdfParameters(n=2**8, r=8, p=1)
"""Cheap parameters for tests only."""


def credential_seed(credential: str, election_id: str, kdf: KdfParameters) -> bytes:
    """The Ed25519 seed of ``credential`` in election ``election_id`` (module docstring)."""
    salt = b"nazaha credential\x00" + election_id.encode("utf-8")
    return Scrypt(salt=salt, length=32, n=kdf.n, r=kdf.r, p=kdf.p).derive(
        normalize_credential(credential).encode("ascii")
    )


def public_key(seed: bytes) -> bytes:
    """The raw 32-byte Ed25519 public key of ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign_ballot(seed: bytes, extended_hash: bytes, confirmation_code: bytes) -> bytes:
    """The signature of a ballot by the key of ``seed`` (``ballot_signature_message``)."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(ballot_signature_message(extended_hash, confirmation_code))


def sign_submission(
    extended_hash: bytes, confirmation_code: bytes, voter_seed: bytes | None, device_seed: bytes | None
) -> BallotSignatures:
    """A ballot's signatures: the voter's credential (if given) and its encrypting device's (if
    registered), each over the same message."""
    if voter_seed is None and device_seed is None:
        return UNSIGNED
    return BallotSignatures(
        credential=public_key(voter_seed) if voter_seed else b"",
        credential_signature=sign_ballot(voter_seed, extended_hash, confirmation_code) if voter_seed else b"",
        device_signature=sign_ballot(device_seed, extended_hash, confirmation_code) if device_seed else b"",
    )
