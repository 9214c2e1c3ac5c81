"""Bulk encryption in worker processes gives the same ballots as one process."""

from __future__ import annotations

import dataclasses

from nazaha.crypto.nonces import SeededRandom
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.demo import generate_ballots
from nazaha.workflows.encryption import BATCH, encrypt_on_devices


def _run(election, jobs: int):  # type: ignore[no-untyped-def]
    context = election.context
    plaintexts = generate_ballots(context.manifest, 40, SeededRandom("bulk"))
    devices = [
        EncryptionDevice(context.group, context.extended_hash, "chained", ChainingMode.SIMPLE),
        EncryptionDevice(context.group, context.extended_hash, "loose", ChainingMode.NONE),
    ]
    return encrypt_on_devices(
        context, [(devices[0], plaintexts[:20]), (devices[1], plaintexts[20:])], jobs=jobs, seed="bulk"
    )


def test_parallel_encryption_is_identical(election) -> None:  # type: ignore[no-untyped-def]
    one = _run(election, 1)
    two = _run(election, 2)
    for a, b in zip(one, two, strict=True):
        assert a.device.codes == b.device.codes and a.device.chaining_field() == b.device.chaining_field()
        strip = [dataclasses.replace(item.ballot, encrypted_at="") for item in a.ballots]
        assert strip == [dataclasses.replace(item.ballot, encrypted_at="") for item in b.ballots]
        assert [item.ballot_nonce for item in a.ballots] == [item.ballot_nonce for item in b.ballots]
    assert len(one[1].device.codes) == 20


def test_encrypting_in_chunks_is_identical(election) -> None:  # type: ignore[no-untyped-def]
    """``first_batch`` carries the batches' random streams on: a device's ballots encrypted in
    two calls are the ballots one call gives (``run_demo`` encrypts a chunk at a time)."""
    context = election.context
    plaintexts = generate_ballots(context.manifest, 40, SeededRandom("bulk"))
    whole = _run(election, 1)
    devices = [
        EncryptionDevice(context.group, context.extended_hash, "chained", ChainingMode.SIMPLE),
        EncryptionDevice(context.group, context.extended_hash, "loose", ChainingMode.NONE),
    ]
    first = encrypt_on_devices(
        context, [(devices[0], plaintexts[:BATCH]), (devices[1], plaintexts[20 : 20 + BATCH])], seed="bulk"
    )
    rest = encrypt_on_devices(
        context,
        [(first[0].device, plaintexts[BATCH:20]), (first[1].device, plaintexts[20 + BATCH :])],
        jobs=2,
        seed="bulk",
        first_batch=1,
    )
    for one, a, b in zip(whole, first, rest, strict=True):
        assert one.device.codes == b.device.codes, "the chains continue across the calls"
        strip = [dataclasses.replace(item.ballot, encrypted_at="") for item in one.ballots]
        assert strip == [dataclasses.replace(item.ballot, encrypted_at="") for item in a.ballots + b.ballots]
        assert [item.hints for item in one.ballots] == [item.hints for item in a.ballots + b.ballots]
