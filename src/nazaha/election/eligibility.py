"""Who may put a ballot in the box: voter credentials, registered devices, and the election's policy.

ElectionGuard proves that ballots were counted as recorded, not that they came from voters; it
leaves eligibility out of scope. Nazaha closes that gap as Belenios does (docs/threat-model.md):

* a **credential authority**, separate from the ballot box, gives each voter a secret credential
  and publishes only the list of the matching Ed25519 public keys (shuffled, without names);
* in polling places, each **encryption device** has an Ed25519 key registered when the election is
  created;
* **every ballot is signed**: by a voter's credential key, by its device's key, or both, as the
  election's ``mode`` says, over the message of ``ballot_signature_message`` (the ballot's
  confirmation code bound to the election's H_E), so a signature cannot be moved to another
  ballot or another election;
* the ``policy`` says whether a credential casts one ballot, or may vote again with only its last
  cast ballot counted (re-voting, against coercion).

These are the published types; ``nazaha.credentials`` makes credentials, ``nazaha.voting`` checks
ballots at the door and ``nazaha.verify`` checks the record.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "BALLOT_SIGNATURE_CONTEXT",
    "OPEN",
    "UNSIGNED",
    "BallotSignatures",
    "CredentialKey",
    "CredentialList",
    "CredentialUpdate",
    "DeviceKey",
    "Eligibility",
    "EligibilityMode",
    "EligibilityPolicy",
    "KdfParameters",
    "ballot_signature_message",
]

BALLOT_SIGNATURE_CONTEXT = b"nazaha-ballot-signature/1"


class EligibilityMode(enum.Enum):
    """What signs a ballot: a voter's credential, a registered device, both; or nothing (open)."""

    OPEN = "open"
    """No eligibility check at all: anyone who reaches the box may submit (tests, demonstrations;
    the verifier says so in plain words)."""
    CREDENTIALS = "credentials"
    DEVICES = "devices"
    BOTH = "both"

    @property
    def needs_credential(self) -> bool:
        return self in (EligibilityMode.CREDENTIALS, EligibilityMode.BOTH)

    @property
    def needs_device(self) -> bool:
        return self in (EligibilityMode.DEVICES, EligibilityMode.BOTH)


class EligibilityPolicy(enum.Enum):
    """One ballot per credential, or re-voting where the credential's last cast ballot counts."""

    ONE_BALLOT = "one-ballot"
    REVOTE = "revote"


@dataclass(frozen=True, slots=True)
class KdfParameters:
    """scrypt's cost parameters (RFC 7914) for deriving a credential's signing key."""

    n: int
    r: int
    p: int


@dataclass(frozen=True, slots=True)
class CredentialKey:
    """One voter's public credential key, with the ballot style it may vote and its weight."""

    key: bytes
    """The 32-byte Ed25519 public key."""
    style: str = ""
    """The ballot style this credential votes ("" for any style of the manifest)."""
    weight: int = 1


@dataclass(frozen=True, slots=True)
class CredentialList:
    """The public list of credential keys of one election (``credentials.json``)."""

    election_id: str
    """The manifest's ``election_id``: the salt of every credential's key derivation."""
    kdf: KdfParameters
    keys: tuple[CredentialKey, ...]
    """Sorted by key, which shuffles them: the order says nothing of the voters."""


@dataclass(frozen=True, slots=True)
class DeviceKey:
    """A registered encryption device: its S_device name, precinct, and Ed25519 public key."""

    device: str
    precinct: str
    key: bytes


@dataclass(frozen=True, slots=True)
class CredentialUpdate:
    """A lost credential replaced: its key revoked, a new key (same style and weight) added."""

    revoked: bytes
    added: CredentialKey


@dataclass(frozen=True, slots=True)
class Eligibility:
    """An election's eligibility rules, as published with its files (``eligibility.json``,
    ``credentials.json``, ``devices.json``) and committed on the board when voting opens."""

    mode: EligibilityMode
    policy: EligibilityPolicy
    credentials: CredentialList | None = None
    devices: tuple[DeviceKey, ...] = ()
    administrator_key: bytes = b""
    """The Ed25519 key that signs the election record (empty: the record is not signed)."""

    def device(self, name: str) -> DeviceKey | None:
        for device in self.devices:
            if device.device == name:
                return device
        return None

    def credential(self, key: bytes) -> CredentialKey | None:
        if self.credentials is None:
            return None
        for entry in self.credentials.keys:
            if entry.key == key:
                return entry
        return None


OPEN = Eligibility(EligibilityMode.OPEN, EligibilityPolicy.ONE_BALLOT)
"""The rules of an election that declares none: anyone may submit."""


@dataclass(frozen=True, slots=True)
class BallotSignatures:
    """What vouches for one submitted ballot: the credential's public key and its signature, and
    the encrypting device's signature (each empty when absent)."""

    credential: bytes = b""
    credential_signature: bytes = b""
    device_signature: bytes = b""


UNSIGNED = BallotSignatures()
"""A ballot with no signature (an open election's)."""


def ballot_signature_message(extended_hash: bytes, confirmation_code: bytes) -> bytes:
    """What a credential or a device signs for one ballot: context ‖ 0x00 ‖ H_E ‖ H_C."""
    if len(extended_hash) != 32 or len(confirmation_code) != 32:
        raise ValueError("H_E and the confirmation code are 32 bytes each")
    return BALLOT_SIGNATURE_CONTEXT + b"\x00" + extended_hash + confirmation_code
