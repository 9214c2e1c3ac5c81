"""The peer's side of ``benchmarks.speed``: Microsoft's electionguard-python 1.4.0, as shipped.

Runs under Python 3.10 in ``.bench/peer-venv`` (not in Nazaha's environment) and prints one JSON
line with its figures. It drives the peer's public API only; nothing of the peer is copied.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime

# Run as a script by the peer's Python 3.10, so its own folder is on the path: the stdlib-only
# benchmarks/common.py is importable as `common`.
from common import own_peak_rss_kib  # type: ignore[import-not-found]
from electionguard.ballot import (
    BallotBoxState,
    PlaintextBallot,
    PlaintextBallotContest,
    PlaintextBallotSelection,
)
from electionguard.ballot_box import BallotBox, get_ballots
from electionguard.data_store import DataStore
from electionguard.decryption_mediator import DecryptionMediator
from electionguard.encrypt import EncryptionDevice, EncryptionMediator, generate_device_uuid
from electionguard.key_ceremony import CeremonyDetails
from electionguard.key_ceremony_mediator import KeyCeremonyMediator
from electionguard.manifest import (
    BallotStyle,
    Candidate,
    CandidateContestDescription,
    ElectionType,
    GeopoliticalUnit,
    Manifest,
    ReportingUnitType,
    SelectionDescription,
    SpecVersion,
    VoteVariationType,
)
from electionguard.tally import tally_ballots
from electionguard_tools.helpers.election_builder import ElectionBuilder
from electionguard_tools.helpers.key_ceremony_orchestrator import KeyCeremonyOrchestrator
from electionguard_tools.helpers.tally_ceremony_orchestrator import TallyCeremonyOrchestrator

SHAPE = [("mayor", 4, 1), ("council", 5, 2), ("referendum", 2, 1)]
SAMPLE = 10


def manifest() -> Manifest:
    contests = []
    candidates = []
    for order, (name, options, allowed) in enumerate(SHAPE):
        selections = []
        for j in range(options):
            candidates.append(Candidate(f"{name}-candidate-{j + 1}"))
            selections.append(SelectionDescription(f"{name}-selection-{j + 1}", j, f"{name}-candidate-{j + 1}"))
        variation = VoteVariationType.n_of_m if allowed > 1 else VoteVariationType.one_of_m
        contests.append(
            CandidateContestDescription(f"{name}-contest", order, "d1", variation, allowed, allowed, name, selections)
        )
    style = BallotStyle("style-1")
    style.geopolitical_unit_ids = ["d1"]
    return Manifest(
        spec_version=SpecVersion.EG1_0,
        election_scope_id="benchmark",
        type=ElectionType.general,
        start_date=datetime(2026, 11, 1),
        end_date=datetime(2026, 11, 2),
        geopolitical_units=[GeopoliticalUnit("d1", "District", ReportingUnitType.city)],
        parties=[],
        candidates=candidates,
        contests=contests,
        ballot_styles=[style],
    )


def plaintext(number: int) -> PlaintextBallot:
    contests = []
    for name, options, allowed in SHAPE:
        chosen: set[int] = set()
        while len(chosen) < allowed:
            chosen.add(secrets.randbelow(options))
        selections = [PlaintextBallotSelection(f"{name}-selection-{j + 1}", 1) for j in sorted(chosen)]
        contests.append(PlaintextBallotContest(f"{name}-contest", selections))
    return PlaintextBallot(f"ballot-{number:04d}", "style-1", contests)


def election():  # type: ignore[no-untyped-def]
    description = manifest()
    builder = ElectionBuilder(5, 3, description)
    details = CeremonyDetails(5, 3)
    guardians = KeyCeremonyOrchestrator.create_guardians(details)
    mediator = KeyCeremonyMediator("keys", details)
    KeyCeremonyOrchestrator.perform_full_ceremony(guardians, mediator)
    joint = mediator.publish_joint_key()
    builder.set_public_key(joint.joint_public_key)
    builder.set_commitment_hash(joint.commitment_hash)
    internal, context = builder.build()
    return description, internal, context, guardians


def main() -> None:
    results: dict[str, float] = {}
    start = time.perf_counter()
    description, internal, context, guardians = election()
    device = EncryptionDevice(generate_device_uuid(), 1, 1, "bench")
    encrypter = EncryptionMediator(internal, context, device)
    store: DataStore = DataStore()
    box = BallotBox(internal, context, store)
    submitted = []
    for number in range(100):
        encrypted = encrypter.encrypt(plaintext(number))
        submitted.append(box.spoil(encrypted) if number % 10 == 9 else box.cast(encrypted))
    tally = tally_ballots(store, internal, context)
    spoiled = list(get_ballots(store, BallotBoxState.SPOILED).values())
    decrypter = DecryptionMediator("decrypt", context)
    TallyCeremonyOrchestrator.perform_compensated_decryption_setup(
        guardians[:3], [g.share_key() for g in guardians], decrypter, context, tally, spoiled
    )
    plaintext_tally = decrypter.get_plaintext_tally(tally, description)
    decrypter.get_plaintext_ballots(spoiled, description)
    results["whole_election"] = time.perf_counter() - start
    results["peak_rss_mib"] = own_peak_rss_kib() / 1024

    # Verification of the record with the peer's own primitives: every ballot's proofs, then
    # every decryption share (and the compensated parts) of the tally.
    start = time.perf_counter()
    for ballot in submitted:
        assert ballot.is_valid_encryption(
            internal.manifest_hash, context.elgamal_public_key, context.crypto_extended_base_hash
        )
    keys = {g.id: g.share_key().key for g in guardians}
    for contest in plaintext_tally.contests.values():
        for selection in contest.selections.values():
            for share in selection.shares:
                assert share.is_valid(selection.message, keys[share.guardian_id], context.crypto_extended_base_hash)
    results["verify"] = (time.perf_counter() - start) / 100

    ballots = [plaintext(1000 + n) for n in range(SAMPLE)]
    start = time.perf_counter()
    encrypted = [encrypter.encrypt(b) for b in ballots]
    results["encrypt"] = (time.perf_counter() - start) / SAMPLE
    start = time.perf_counter()
    for ballot in encrypted:
        assert ballot.is_valid_encryption(
            internal.manifest_hash, context.elgamal_public_key, context.crypto_extended_base_hash
        )
    results["validate"] = (time.perf_counter() - start) / SAMPLE
    print(json.dumps(results))


if __name__ == "__main__":
    main()
