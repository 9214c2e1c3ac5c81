"""The eligibility files of an election, canonical and versioned like every record file.

``eligibility.json``  the mode (credentials, devices, both, open), the policy (one ballot per
                      credential, or re-voting) and the administrator's record-signing key
``credentials.json``  the credential authority's public list of keys (no names), sorted by key
``devices.json``      the registered encryption devices, each with its precinct and key
``credentials/update-<n>.json``
                      a lost credential replaced after voting opened: the key revoked and the
                      key added, each one named on the board

When voting opens, the board's ``open`` entry names ``eligibility_commitment``: the SHA-256 of
these files as published, so no list can be swapped afterwards without the board showing it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import msgspec

from nazaha.election.eligibility import (
    CredentialKey,
    CredentialList,
    CredentialUpdate,
    DeviceKey,
    Eligibility,
    EligibilityMode,
    EligibilityPolicy,
    KdfParameters,
)
from nazaha.errors import RecordFormatError
from nazaha.record.codec import RECORD_FORMAT, decode_document

__all__ = [
    "CREDENTIALS",
    "DEVICES",
    "ELIGIBILITY",
    "ELIGIBILITY_FILES",
    "decode_credential_update",
    "decode_credentials",
    "decode_devices",
    "decode_eligibility",
    "eligibility_commitment",
    "encode_credential_update",
    "encode_credentials",
    "encode_devices",
    "encode_eligibility",
]

ELIGIBILITY = "eligibility.json"
CREDENTIALS = "credentials.json"
DEVICES = "devices.json"
ELIGIBILITY_FILES = (ELIGIBILITY, CREDENTIALS, DEVICES)
_HEX64 = re.compile(r"[0-9A-F]{64}")
_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,200}")


class _Struct(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class _EligibilityDoc(_Struct):
    format: str
    mode: str
    policy: str
    administrator_key: str = ""


class _KdfDoc(_Struct):
    name: str
    n: int
    r: int
    p: int


class _KeyDoc(_Struct):
    key: str
    style: str = ""
    weight: int = 1


class _CredentialsDoc(_Struct):
    format: str
    election_id: str
    kdf: _KdfDoc
    keys: list[_KeyDoc]


class _DeviceDoc(_Struct):
    device: str
    precinct: str
    key: str


class _DevicesDoc(_Struct):
    format: str
    devices: list[_DeviceDoc]


class _UpdateDoc(_Struct):
    format: str
    revoke: str
    add: _KeyDoc


def _key(text: str, where: str) -> bytes:
    if not _HEX64.fullmatch(text):
        raise RecordFormatError(where, "expected an Ed25519 public key (64 uppercase hex digits)")
    return bytes.fromhex(text)


def _key_doc(key: CredentialKey) -> _KeyDoc:
    return _KeyDoc(key.key.hex().upper(), key.style, key.weight)


def _credential_key(doc: _KeyDoc, where: str) -> CredentialKey:
    if doc.style and not _NAME.fullmatch(doc.style):
        raise RecordFormatError(f"{where}.style", "a ballot style label without control characters")
    if not 1 <= doc.weight <= 1000:
        raise RecordFormatError(f"{where}.weight", "a weight from 1 to 1000")
    return CredentialKey(_key(doc.key, f"{where}.key"), doc.style, doc.weight)


def encode_eligibility(eligibility: Eligibility) -> bytes:
    return msgspec.json.encode(
        _EligibilityDoc(
            RECORD_FORMAT,
            eligibility.mode.value,
            eligibility.policy.value,
            eligibility.administrator_key.hex().upper(),
        )
    )


def decode_eligibility(
    data: bytes, credentials: CredentialList | None, devices: tuple[DeviceKey, ...], where: str = ELIGIBILITY
) -> Eligibility:
    """``eligibility.json`` with the lists it refers to; the mode must have the lists it needs."""
    doc = decode_document(data, _EligibilityDoc, where)
    try:
        mode = EligibilityMode(doc.mode)
        policy = EligibilityPolicy(doc.policy)
    except ValueError as error:
        raise RecordFormatError(where, str(error)) from None
    if mode.needs_credential and credentials is None:
        raise RecordFormatError(where, f"mode {mode.value!r} needs {CREDENTIALS}")
    if mode.needs_device and not devices:
        raise RecordFormatError(where, f"mode {mode.value!r} needs {DEVICES} with at least one device")
    if not mode.needs_credential and credentials is not None:
        raise RecordFormatError(where, f"mode {mode.value!r} takes no {CREDENTIALS}")
    key = _key(doc.administrator_key, f"{where}: administrator_key") if doc.administrator_key else b""
    return Eligibility(mode, policy, credentials, devices, key)


def encode_credentials(credentials: CredentialList) -> bytes:
    kdf = credentials.kdf
    return msgspec.json.encode(
        _CredentialsDoc(
            RECORD_FORMAT,
            credentials.election_id,
            _KdfDoc("scrypt", kdf.n, kdf.r, kdf.p),
            [_key_doc(key) for key in credentials.keys],
        )
    )


def decode_credentials(data: bytes, where: str = CREDENTIALS) -> CredentialList:
    doc = decode_document(data, _CredentialsDoc, where)
    kdf = doc.kdf
    if kdf.name != "scrypt" or kdf.n < 2 or kdf.n & (kdf.n - 1) or not 1 <= kdf.r <= 32 or not 1 <= kdf.p <= 16:
        raise RecordFormatError(f"{where}: kdf", "expected scrypt with N a power of two, 1 <= r <= 32, 1 <= p <= 16")
    if kdf.n * kdf.r > 2**24:
        raise RecordFormatError(f"{where}: kdf", "scrypt's memory (128·N·r bytes) is over 2 GiB")
    if not doc.election_id or not _NAME.fullmatch(doc.election_id):
        raise RecordFormatError(f"{where}: election_id", "missing or with control characters")
    keys = tuple(_credential_key(key, f"{where}: keys[{i}]") for i, key in enumerate(doc.keys))
    if [k.key for k in keys] != sorted({k.key for k in keys}):
        raise RecordFormatError(f"{where}: keys", "keys must be distinct and sorted")
    return CredentialList(doc.election_id, KdfParameters(kdf.n, kdf.r, kdf.p), keys)


def encode_devices(devices: tuple[DeviceKey, ...]) -> bytes:
    return msgspec.json.encode(
        _DevicesDoc(RECORD_FORMAT, [_DeviceDoc(d.device, d.precinct, d.key.hex().upper()) for d in devices])
    )


def decode_devices(data: bytes, where: str = DEVICES) -> tuple[DeviceKey, ...]:
    doc = decode_document(data, _DevicesDoc, where)
    devices = []
    for i, device in enumerate(doc.devices):
        here = f"{where}: devices[{i}]"
        if not _NAME.fullmatch(device.device) or not _NAME.fullmatch(device.precinct):
            raise RecordFormatError(here, "a device and precinct name without control characters")
        devices.append(DeviceKey(device.device, device.precinct, _key(device.key, f"{here}.key")))
    names = [d.device for d in devices]
    if names != sorted(set(names)):
        raise RecordFormatError(f"{where}: devices", "device names must be distinct and sorted")
    return tuple(devices)


def encode_credential_update(update: CredentialUpdate) -> bytes:
    return msgspec.json.encode(_UpdateDoc(RECORD_FORMAT, update.revoked.hex().upper(), _key_doc(update.added)))


def decode_credential_update(data: bytes, where: str) -> CredentialUpdate:
    doc = decode_document(data, _UpdateDoc, where)
    update = CredentialUpdate(_key(doc.revoke, f"{where}: revoke"), _credential_key(doc.add, f"{where}: add"))
    if update.revoked == update.added.key:
        raise RecordFormatError(where, "a key cannot replace itself")
    return update


def eligibility_commitment(files: Mapping[str, bytes]) -> str:
    """SHA-256 over the eligibility files present, each as its name, length and bytes."""
    digest = hashlib.sha256(b"nazaha-eligibility/1")
    for name in ELIGIBILITY_FILES:
        data = files.get(name)
        if data is not None:
            digest.update(name.encode("ascii") + b"\x00" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest().upper()
