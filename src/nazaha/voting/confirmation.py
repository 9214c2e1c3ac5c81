"""Contest hashes, confirmation codes, the device hash and ballot chaining.

Spec §3.4:
    χ_l  = H(H_I; 0x28, l, α_1, β_1, ..., α_m, β_m[, C_0, C_1, C_2])  (eq. 70)
    H_C  = H(H_I; 0x29, χ_1, ..., χ_mB, B_C)                        (eq. 71)
    H_DI = H(H_E; 0x2A, S_device)                                   (eq. 72)
    no chaining:      B_C = 0x00000000 ‖ H_DI                       (eq. 73)
    simple chaining:  H_0 = H(H_E; 0x29, B_C,0), B_C,0 = 0x00000001 ‖ H_DI   (eqs. 74, 75)
                      B_C,j = 0x00000001 ‖ H_j-1                     (eq. 76)
                      closing H = H(H_E; 0x29, 0x00000001 ‖ H(H_E; 0x2B, H_ℓ, B_C,0))  (eqs. 77, 78)
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, HashItem, ModP, ModQ, Raw, Text, hash_h
from nazaha.election.ballot import EncryptedContestData

__all__ = [
    "ChainingMode",
    "EncryptionDevice",
    "chain_closing",
    "chain_start",
    "confirmation_code",
    "contest_hash",
    "device_hash",
]


class ChainingMode(enum.Enum):
    """The chaining modes of spec §3.4.4 and their 4-byte identifiers."""

    NONE = "none"
    SIMPLE = "simple"

    @property
    def identifier(self) -> bytes:
        return b"\x00\x00\x00\x00" if self is ChainingMode.NONE else b"\x00\x00\x00\x01"

    @classmethod
    def of_field(cls, chaining_field: bytes) -> ChainingMode:
        """The mode whose identifier starts the chaining field B_C; ``ValueError`` if none does."""
        for mode in cls:
            if chaining_field[:4] == mode.identifier:
                return mode
        raise ValueError(f"unknown chaining mode 0x{chaining_field[:4].hex()}")


def contest_hash(
    group: Group,
    id_hash: bytes,
    contest_index: int,
    ciphertexts: Sequence[Ciphertext],
    contest_data: EncryptedContestData | None = None,
) -> bytes:
    """χ_l of eq. (70): B1 = 0x28 ‖ b(l,4) ‖ b(α_1,512) ‖ ... ‖ b(β_ml,512), then, when the contest
    has contest data, ‖ b(C_0,512) ‖ C_1 ‖ b(C_2,64) with C_2 = (c, v) as b(c,32) ‖ b(v,32)
    (the table of §5.5.3; "if no contest data is present, C_0, C_1 and C_2 are omitted")."""
    items: list[HashItem] = [U32(contest_index)]
    for ciphertext in ciphertexts:
        items.append(ModP(ciphertext.pad))
        items.append(ModP(ciphertext.data))
    if contest_data is not None:
        items += [
            ModP(contest_data.pad),
            Raw(contest_data.masked),
            ModQ(contest_data.proof.challenge),
            ModQ(contest_data.proof.response),
        ]
    return hash_h(group, id_hash, 0x28, *items)


def confirmation_code(group: Group, id_hash: bytes, contest_hashes: Sequence[bytes], chaining_field: bytes) -> bytes:
    """H_C of eq. (71)."""
    if len(chaining_field) != 36:
        raise ValueError("the chaining field B_C is 36 bytes")
    return hash_h(group, id_hash, 0x29, *(Raw(chi) for chi in contest_hashes), Raw(chaining_field))


def device_hash(group: Group, extended_hash: bytes, device: str) -> bytes:
    """H_DI of eq. (72): S_device as a length-prefixed UTF-8 string."""
    return hash_h(group, extended_hash, 0x2A, Text(device))


def chain_start(group: Group, extended_hash: bytes, h_di: bytes) -> tuple[bytes, bytes]:
    """(B_C,0, H_0) of eqs. (74) and (75) for simple chaining."""
    first = ChainingMode.SIMPLE.identifier + h_di
    return first, hash_h(group, extended_hash, 0x29, Raw(first))


def chain_closing(group: Group, extended_hash: bytes, last_code: bytes, first_field: bytes) -> tuple[bytes, bytes]:
    """(B_C, H) of eqs. (77) and (78): the closing field and closing hash of a chain."""
    closing_field = ChainingMode.SIMPLE.identifier + hash_h(
        group, extended_hash, 0x2B, Raw(last_code), Raw(first_field)
    )
    return closing_field, hash_h(group, extended_hash, 0x29, Raw(closing_field))


class EncryptionDevice:
    """A voting device: its S_device string, chaining mode and (for simple chaining) the chain.

    ``chaining_field`` gives B_C for the next ballot; ``record`` moves the chain forward once
    that ballot's confirmation code is known. ``codes`` lists the device's ballots in order,
    which the election record publishes (spec §3.7, "ordered lists of the ballots encrypted by
    each device").
    """

    def __init__(self, group: Group, extended_hash: bytes, device: str, mode: ChainingMode) -> None:
        self._group = group
        self._extended_hash = extended_hash
        self.device = device
        self.mode = mode
        self.device_hash = device_hash(group, extended_hash, device)
        self.codes: list[bytes] = []
        if mode is ChainingMode.SIMPLE:
            self.first_field, self.initial_hash = chain_start(group, extended_hash, self.device_hash)
            self._previous = self.initial_hash
        else:
            self.first_field = mode.identifier + self.device_hash
            self.initial_hash = b""
            self._previous = b""

    @classmethod
    def resume(
        cls,
        group: Group,
        extended_hash: bytes,
        device: str,
        mode: ChainingMode,
        codes: Sequence[bytes],
    ) -> EncryptionDevice:
        """A device that already produced ``codes``, in order, ready for the next ballot."""
        resumed = cls(group, extended_hash, device, mode)
        for code in codes:
            resumed.record(code)
        return resumed

    def chaining_field(self) -> bytes:
        """B_C for the next ballot on this device (eq. 73 or 76)."""
        if self.mode is ChainingMode.NONE:
            return self.first_field
        return self.mode.identifier + self._previous

    def record(self, code: bytes) -> None:
        """Append a ballot's confirmation code to the device's list (and chain)."""
        self.codes.append(code)
        if self.mode is ChainingMode.SIMPLE:
            self._previous = code

    def close(self) -> tuple[bytes, bytes]:
        """(B_C, H) closing the chain (eqs. 77, 78); only for simple chaining."""
        if self.mode is not ChainingMode.SIMPLE:
            raise ValueError("only a simple chain is closed")
        return chain_closing(self._group, self._extended_hash, self._previous, self.first_field)
