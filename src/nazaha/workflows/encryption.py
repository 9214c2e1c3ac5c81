"""Encrypting many ballots on one or more voting devices, using every core.

Each device encrypts its ballots in order, because with simple chaining every ballot's chaining
field holds the previous ballot's confirmation code (spec §3.4.4). Different devices are
independent, so their batches run in parallel worker processes; a device's next batch starts
when its previous one returns the updated chain. Results are identical to encrypting in one
process with the same random streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from nazaha.crypto.nonces import RandomSource, SeededRandom, SystemRandom
from nazaha.election.ballot import EncryptedBallot, PlaintextBallot
from nazaha.election.context import ElectionContext
from nazaha.progress import NoProgress, Progress
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import encrypt_ballot_with_hints
from nazaha.workflows.clock import utc_now

__all__ = ["BATCH", "DeviceBatch", "EncryptedOnDevice", "encrypt_on_devices"]

BATCH = 16
"""Ballots per batch of one device: the unit of work of a worker process and of a random stream."""


@dataclass(frozen=True, slots=True)
class EncryptedOnDevice:
    """An encrypted ballot with the ballot nonce ξ_B that the device keeps until the voter
    decides, and its proofs' commitments, which the device sends with it (its proof hints)."""

    ballot: EncryptedBallot
    ballot_nonce: bytes = field(repr=False)
    hints: tuple[int, ...] = field(default=(), repr=False)


@dataclass(slots=True)
class DeviceBatch:
    """A device after encrypting, and the ballots it encrypted, in order."""

    device: EncryptionDevice
    ballots: list[EncryptedOnDevice]


def _random_for(seed: str | None, device: str, batch: int) -> RandomSource:
    if seed is None:
        return SystemRandom()
    return SeededRandom(f"{seed}/device/{device}/batch/{batch}")


def _encrypt_batch(
    context: ElectionContext,
    device: EncryptionDevice,
    ballots: Sequence[PlaintextBallot],
    seed: str | None,
    batch: int,
) -> tuple[EncryptionDevice, list[EncryptedOnDevice]]:
    rng = _random_for(seed, device.device, batch)
    results = []
    for plaintext in ballots:
        nonce = rng.bytes32()
        encrypted, hints = encrypt_ballot_with_hints(
            context,
            plaintext,
            selection_id=rng.bytes32(),
            ballot_nonce=nonce,
            device=device.device,
            chaining_field=device.chaining_field(),
            encrypted_at=utc_now(),
            rng=rng,
        )
        device.record(encrypted.confirmation_code)
        results.append(EncryptedOnDevice(encrypted, nonce, hints))
    return device, results


def encrypt_on_devices(
    context: ElectionContext,
    work: Sequence[tuple[EncryptionDevice, Sequence[PlaintextBallot]]],
    *,
    jobs: int = 1,
    seed: str | None = None,
    progress: Progress | None = None,
    first_batch: int = 0,
) -> list[DeviceBatch]:
    """Encrypt each device's ballots in order; return each device, advanced, with its ballots.

    The returned devices hold the updated chains and code lists (worker processes work on
    copies). ``seed`` makes the run reproducible and must only be used for tests and
    demonstrations; ``first_batch`` numbers the batches' random streams on from an earlier call
    (each device's ballots so far divided by the batch size, 16), so that encrypting a device's
    ballots in several calls gives what one call gives.
    """
    progress = progress or NoProgress()
    total = sum(len(ballots) for _, ballots in work)
    progress.start("Encrypting ballots", total)
    results: list[list[EncryptedOnDevice]] = [[] for _ in work]
    batches = [[list(ballots[start : start + BATCH]) for start in range(0, len(ballots), BATCH)] for _, ballots in work]
    devices = [device for device, _ in work]
    if jobs <= 1:
        _encrypt_in_order(context, devices, batches, seed, first_batch, progress, results)
    else:
        _encrypt_in_parallel(context, devices, batches, jobs, seed, first_batch, progress, results)
    progress.finish()
    return [DeviceBatch(device, ballots) for device, ballots in zip(devices, results, strict=True)]


def _encrypt_in_order(
    context: ElectionContext,
    devices: list[EncryptionDevice],
    batches: list[list[list[PlaintextBallot]]],
    seed: str | None,
    first_batch: int,
    progress: Progress,
    results: list[list[EncryptedOnDevice]],
) -> None:
    """Encrypt every device's batches one after another in this process (``devices`` advance in place)."""
    for position in range(len(devices)):
        for number, batch in enumerate(batches[position]):
            devices[position], encrypted = _encrypt_batch(context, devices[position], batch, seed, first_batch + number)
            results[position].extend(encrypted)
            progress.advance(len(batch))


def _encrypt_in_parallel(
    context: ElectionContext,
    devices: list[EncryptionDevice],
    batches: list[list[list[PlaintextBallot]]],
    jobs: int,
    seed: str | None,
    first_batch: int,
    progress: Progress,
    results: list[list[EncryptedOnDevice]],
) -> None:
    """Encrypt the batches in ``jobs`` worker processes (``devices`` advance in place).

    A simple-chaining device's batches run one after another (each needs the previous code); a
    device without chaining has independent batches. At most ``jobs`` batches are in flight, and
    a chained device's next batch goes before any other, so that the chains, which cannot be
    split, never wait behind the independent batches."""
    chained = [device.mode is ChainingMode.SIMPLE for device in devices]
    parts: list[dict[int, list[EncryptedOnDevice]]] = [{} for _ in devices]
    following = [0] * len(devices)
    """Each device's next batch to submit."""
    busy = [False] * len(devices)
    """Whether a chained device has a batch in flight."""
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        in_flight: dict[Future[tuple[EncryptionDevice, list[EncryptedOnDevice]]], tuple[int, int]] = {}

        def fill() -> None:
            while len(in_flight) < jobs:
                ready = [i for i in range(len(devices)) if following[i] < len(batches[i]) and not busy[i]]
                if not ready:
                    return
                position = min(ready, key=lambda i: (not chained[i], i))
                number = following[position]
                following[position] += 1
                busy[position] = chained[position]
                future = pool.submit(
                    _encrypt_batch, context, devices[position], batches[position][number], seed, first_batch + number
                )
                in_flight[future] = (position, number)

        fill()
        while in_flight:
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in done:
                position, number = in_flight.pop(future)
                device, encrypted = future.result()
                parts[position][number] = encrypted
                progress.advance(len(encrypted))
                if chained[position]:
                    devices[position] = device
                    busy[position] = False
            fill()
    for position, device in enumerate(devices):
        for number in range(len(batches[position])):
            results[position].extend(parts[position][number])
            if not chained[position]:
                for item in parts[position][number]:
                    device.record(item.ballot.confirmation_code)
