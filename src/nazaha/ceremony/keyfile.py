"""Guardian key files: a guardian's key share sealed under a passphrase.

The plaintext shares z_i and z-hat_i never touch disk. ``seal_key_share`` derives a 256-bit key
from the passphrase with Argon2id (memory-hard, RFC 9106) and encrypts the shares with
AES-256-GCM; every public field of the file (format, guardian, election, KDF settings) is
authenticated as associated data, so editing any of them makes the file fail to open.
``open_key_share`` raises ``KeyFileError`` for a wrong passphrase, a damaged file or a file that
is not a key file, without saying anything about the secret.

This module turns key shares into bytes and back; writing the bytes is the caller's job.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource
from nazaha.election.guardian import GuardianKeyShare
from nazaha.errors import KeyFileError

__all__ = ["KDF_INTERACTIVE", "KDF_TEST_ONLY", "KdfSettings", "open_key_share", "seal_key_share"]

KEY_FILE_FORMAT = "nazaha-guardian-key/1"


@dataclass(frozen=True, slots=True)
class KdfSettings:
    """Argon2id settings: memory in KiB, passes and lanes."""

    memory_kib: int
    iterations: int
    lanes: int


KDF_INTERACTIVE = KdfSettings(memory_kib=64 * 1024, iterations=3, lanes=4)
"""RFC 9106 §4, second recommended option (64 MiB, 3 passes, 4 lanes)."""

KDF_TEST_ONLY = KdfSettings(memory_kib=1024, iterations=1, lanes=1)
"""Cheap settings for tests only: far too weak against guessing."""

_MIN_KDF = KdfSettings(memory_kib=1024, iterations=1, lanes=1)


class _KdfDoc(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    memory_kib: int
    iterations: int
    lanes: int
    salt: str


class _Header(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    guardian: int
    name: str
    election: str
    kdf: _KdfDoc
    cipher: str
    nonce: str


class _KeyFileDoc(msgspec.Struct, forbid_unknown_fields=True):
    header: _Header
    ciphertext: str


class _Secret(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    vote_share: str
    data_share: str
    signing_seed: str = ""
    """The guardian's Ed25519 seed (hex); absent from key files made before 0.2."""


def _derive(passphrase: str, salt: bytes, settings: KdfSettings) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=settings.iterations,
        lanes=settings.lanes,
        memory_cost=settings.memory_kib,
    ).derive(passphrase.encode("utf-8"))


def seal_key_share(
    key: GuardianKeyShare,
    passphrase: str,
    rng: RandomSource,
    settings: KdfSettings = KDF_INTERACTIVE,
) -> bytes:
    """Return the bytes of a key file holding ``key`` encrypted under ``passphrase``."""
    if not passphrase:
        raise KeyFileError("the passphrase must not be empty")
    salt = rng.bytes32()[:16]
    nonce = rng.bytes32()[:12]
    header = _Header(
        format=KEY_FILE_FORMAT,
        guardian=key.index,
        name=key.name,
        election=key.extended_hash.hex().upper(),
        kdf=_KdfDoc(
            name="argon2id",
            memory_kib=settings.memory_kib,
            iterations=settings.iterations,
            lanes=settings.lanes,
            salt=base64.b64encode(salt).decode("ascii"),
        ),
        cipher="aes-256-gcm",
        nonce=base64.b64encode(nonce).decode("ascii"),
    )
    secret = msgspec.json.encode(
        _Secret(
            vote_share=f"{key.vote_share:X}",
            data_share=f"{key.data_share:X}",
            signing_seed=key.signing_seed.hex().upper(),
        )
    )
    aad = msgspec.json.encode(header)
    ciphertext = AESGCM(_derive(passphrase, salt, settings)).encrypt(nonce, secret, aad)
    document = _KeyFileDoc(header=header, ciphertext=base64.b64encode(ciphertext).decode("ascii"))
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def open_key_share(data: bytes, passphrase: str, group: Group) -> GuardianKeyShare:
    """Decrypt a key file; raise ``KeyFileError`` if it is damaged or the passphrase is wrong."""
    try:
        document = msgspec.json.decode(data, type=_KeyFileDoc, strict=True)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise KeyFileError(f"not a guardian key file: {error}") from None
    header = document.header
    if header.format != KEY_FILE_FORMAT:
        raise KeyFileError(f"unsupported key file format {header.format!r}")
    if header.kdf.name != "argon2id" or header.cipher != "aes-256-gcm":
        raise KeyFileError("unsupported key derivation or cipher in key file")
    settings = KdfSettings(header.kdf.memory_kib, header.kdf.iterations, header.kdf.lanes)
    if (
        settings.memory_kib < _MIN_KDF.memory_kib
        or not 1 <= settings.iterations <= 64
        or not 1 <= settings.lanes <= 64
        or settings.memory_kib > 4 * 1024 * 1024
        or settings.memory_kib < 8 * settings.lanes
    ):
        raise KeyFileError("the key file's key derivation settings are out of range")
    try:
        salt = base64.b64decode(header.kdf.salt, validate=True)
        nonce = base64.b64decode(header.nonce, validate=True)
        ciphertext = base64.b64decode(document.ciphertext, validate=True)
        election = bytes.fromhex(header.election)
    except (binascii.Error, ValueError):
        raise KeyFileError("the key file is damaged (bad base64 or hex)") from None
    if len(nonce) != 12 or len(election) != 32 or len(salt) < 8:
        raise KeyFileError("the key file is damaged (wrong field lengths)")
    aad = msgspec.json.encode(header)
    try:
        plain = AESGCM(_derive(passphrase, salt, settings)).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise KeyFileError(
            f"cannot open the key file of guardian {header.guardian}: wrong passphrase, or the file was altered"
        ) from None
    try:
        secret = msgspec.json.decode(plain, type=_Secret, strict=True)
        vote_share = int(secret.vote_share, 16)
        data_share = int(secret.data_share, 16)
        seed = bytes.fromhex(secret.signing_seed)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        raise KeyFileError("the key file's sealed content is malformed") from None
    if not (0 <= vote_share < group.q and 0 <= data_share < group.q):
        raise KeyFileError("the key file's shares are not in Z_q for this election's group")
    if len(seed) not in (0, 32):
        raise KeyFileError("the key file's signing key is malformed")
    return GuardianKeyShare(
        index=header.guardian,
        name=header.name,
        extended_hash=election,
        vote_share=vote_share,
        data_share=data_share,
        signing_seed=seed,
    )
