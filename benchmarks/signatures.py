"""What eligibility costs per ballot: the signature checks at the door and in the verifier, beside
the proofs that are checked anyway.

``python -m benchmarks.signatures``: one ballot of the benchmark shape (the sample manifest),
signed by a credential and a device; the door's rule (``check_ballot_signatures``) and the
verifier's per-ballot signature check, against ``validate_ballot`` on the same ballot; and what a
voter's key derivation costs (scrypt at the election's default parameters).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from nazaha.credentials.codes import new_credential
from nazaha.credentials.keys import KDF_DEFAULT, credential_seed, public_key, sign_submission
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.eligibility import (
    CredentialKey,
    CredentialList,
    DeviceKey,
    Eligibility,
    EligibilityMode,
    EligibilityPolicy,
)
from nazaha.election.parameters import ElectionParameters
from nazaha.verify.checks.ballots import BallotCheckContext, _signer
from nazaha.voting.ballot_box import check_ballot_signatures
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.validate import validate_ballot
from nazaha.workflows.demo import _ceremony, generate_ballots
from nazaha.workflows.demo_voters import demo_manifest
from nazaha.workflows.encryption import encrypt_on_devices


def _per_call(function: Callable[[], object], seconds: float = 1.0) -> float:
    """Mean seconds per call of ``function``, over at least ``seconds``."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds or calls < 3:
        function()
        calls += 1
    return elapsed / calls


def main() -> list[str]:
    rng = SeededRandom("signature-benchmark")
    manifest = demo_manifest(rng)
    context, _ = _ceremony(ElectionParameters(STANDARD_GROUP, 5, 3), manifest, rng)
    plaintext = generate_ballots(manifest, 1, rng)[0]
    device = EncryptionDevice(context.group, context.extended_hash, "kiosk", ChainingMode.SIMPLE)
    ballot = encrypt_on_devices(context, [(device, [plaintext])], seed="signature-benchmark")[0].ballots[0].ballot
    voter, kiosk = rng.bytes32(), rng.bytes32()
    signatures = sign_submission(context.extended_hash, ballot.confirmation_code, voter, kiosk)
    credential = CredentialKey(public_key(voter), plaintext.style)
    assert manifest.election_id is not None
    eligibility = Eligibility(
        EligibilityMode.BOTH,
        EligibilityPolicy.ONE_BALLOT,
        CredentialList(manifest.election_id, KDF_DEFAULT, (credential,)),
        (DeviceKey("kiosk", "precinct", public_key(kiosk)),),
    )
    style = manifest.style(ballot.style_index).label

    def at_the_door() -> None:
        check_ballot_signatures(
            eligibility,
            context.extended_hash,
            ballot,
            style,
            signatures,
            credential=credential,
            revoked=False,
            ballots_of_credential=0,
        )

    verifier = BallotCheckContext(
        root="",
        group=context.group,
        manifest=manifest,
        vote_key=context.vote_key,
        extended_hash=context.extended_hash,
        digests={},
        chains={},
        device_keys={"kiosk": public_key(kiosk)},
    )
    door = _per_call(at_the_door)
    checked = _per_call(lambda: _signer(verifier, ballot, "cast", signatures))
    proofs = _per_call(lambda: validate_ballot(context, ballot), seconds=3.0)
    typed = new_credential()
    derive = _per_call(lambda: credential_seed(typed, manifest.election_id or "", KDF_DEFAULT), seconds=2.0)
    lines = [
        "| per ballot, one core | time | share of the proofs' |",
        "|---|---|---|",
        f"| signatures at the door (voter and device, Ed25519) | {door * 1e6:.0f} µs | {door / proofs:.2%} |",
        f"| signatures in the verifier (voter and device) | {checked * 1e6:.0f} µs | {checked / proofs:.2%} |",
        f"| proofs at the door (`validate_ballot`, for comparison) | {proofs * 1e3:.1f} ms | 100% |",
        "",
        f"A voter's key derivation (scrypt N = 2^15, r = 8, p = 1, in C): {derive * 1e3:.0f} ms, once per ballot, "
        "in the voter's booth (the browser's JavaScript takes longer; see the booth benchmark).",
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
