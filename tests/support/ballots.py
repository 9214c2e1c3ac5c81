"""Encrypting one ballot on the small test group, seeded, for the unit and property tests."""

from __future__ import annotations

from nazaha.crypto.nonces import SeededRandom
from nazaha.election.ballot import EncryptedBallot, PlaintextBallot
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import encrypt_ballot
from tests.support.elections import SmallElection

__all__ = ["NORTH", "encrypt"]

NORTH = PlaintextBallot(
    "north-district", {"mayor": {"karim-nassar": 1}, "council": {"hana-khalil": 1, "tariq-jaber": 1}}
)


def encrypt(
    election: SmallElection,
    ballot: PlaintextBallot = NORTH,
    seed: str = "v",
    device: EncryptionDevice | None = None,
) -> tuple[EncryptedBallot, bytes]:
    """``ballot`` encrypted for ``election`` on ``device``; (ballot, ξ_B)."""
    rng = SeededRandom(seed)
    context = election.context
    device = device or EncryptionDevice(context.group, context.extended_hash, "d1", ChainingMode.NONE)
    nonce = rng.bytes32()
    encrypted = encrypt_ballot(
        context,
        ballot,
        selection_id=rng.bytes32(),
        ballot_nonce=nonce,
        device=device.device,
        chaining_field=device.chaining_field(),
        encrypted_at="2026-11-29T00:00:00Z",
        rng=rng,
    )
    device.record(encrypted.confirmation_code)
    return encrypted, nonce
