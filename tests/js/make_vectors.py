"""Known-answer vectors for the browser's ballot encryption, produced by the Python core.

Run ``.venv/bin/python -m tests.js.make_vectors`` to rewrite ``tests/js/vectors.json``;
``tests/unit/test_js_vectors.py`` checks that the committed file is what the core produces now,
and ``tests/js/electionguard.test.mjs`` (Node's test runner, in ``make test``) checks that the
JavaScript module produces the same ballot files byte for byte from the same inputs.

The election: the sample manifest on the standard 4096-bit group, 3 guardians (quorum 2), from a
fixed seed. Each ballot's proof randomness is recorded as the list of integers the core drew, so
the JavaScript can replay it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.guardian import Guardian
from nazaha.ceremony.phases import run_key_ceremony
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.ballot import PlaintextBallot
from nazaha.election.manifest import Manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.record.codec import encode_ballot
from nazaha.record.hints import encode_hints
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.encrypt import encrypt_ballot_with_hints
from nazaha.workflows.booth import BOOTH_DEVICE, booth_context
from nazaha.workflows.demo import load_sample_manifest

VECTORS = Path(__file__).with_name("vectors.json")


class RecordingRandom:
    """A seeded source that remembers every integer it hands out."""

    def __init__(self, seed: str) -> None:
        self._inner = SeededRandom(seed)
        self.drawn: list[int] = []

    def below(self, bound: int) -> int:
        value = self._inner.below(bound)
        self.drawn.append(value)
        return value

    def bytes32(self) -> bytes:
        return self._inner.bytes32()


def build() -> dict[str, object]:
    rng = SeededRandom("nazaha js vectors")
    manifest = load_sample_manifest()
    parameters = ElectionParameters(STANDARD_GROUP, 3, 2)
    h_p = parameter_base_hash(parameters)
    guardians = [Guardian(parameters, h_p, index, f"Guardian {index}", rng) for index in (1, 2, 3)]
    context, _ = run_key_ceremony(parameters, manifest, guardians)
    device = EncryptionDevice(STANDARD_GROUP, context.extended_hash, BOOTH_DEVICE, ChainingMode.NONE)
    labels = {index: contest.label for index, contest in manifest.iter_contests()}
    vectors = []
    for number, (style, votes) in enumerate(_ballots(manifest), start=1):
        plaintext = PlaintextBallot(style=style, votes=votes)
        proofs = RecordingRandom(f"proofs {number}")
        selection_id = rng.bytes32()
        ballot_nonce = rng.bytes32()
        encrypted, hints = encrypt_ballot_with_hints(
            context,
            plaintext,
            selection_id=selection_id,
            ballot_nonce=ballot_nonce,
            device=BOOTH_DEVICE,
            chaining_field=device.chaining_field(),
            encrypted_at="2026-11-29T08:00:00Z",
            rng=proofs,
        )
        style_index = manifest.style_index(style)
        values = {
            str(index): [votes.get(contest.label, {}).get(option.label, 0) for option in contest.options]
            for index, contest in manifest.iter_contests()
            if index in manifest.style(style_index).contests
        }
        vectors.append(
            {
                "style": style_index,
                "values": values,
                "selection_id": selection_id.hex().upper(),
                "ballot_nonce": ballot_nonce.hex().upper(),
                "encrypted_at": "2026-11-29T08:00:00Z",
                "randomness": [f"{value:X}" for value in proofs.drawn],
                "file": encode_ballot(STANDARD_GROUP, encrypted, None, labels).decode("utf-8"),
                # The SHA-256 of the hint file the booth sends with the ballot (nazaha.record.hints).
                "hints_sha256": hashlib.sha256(encode_hints(STANDARD_GROUP, hints)).hexdigest().upper(),
            }
        )
    return {
        "source": "tests/js/make_vectors.py (Nazaha's Python core); regenerate with python -m tests.js.make_vectors",
        "context": booth_context(context),
        "labels": {str(index): label for index, label in labels.items()},
        "ballots": vectors,
    }


def _ballots(manifest: Manifest) -> list[tuple[str, dict[str, dict[str, int]]]]:
    """A ballot with a mark in the first and last contests of the first style, a blank one, and
    ballots that fill a contest of limit 3 (every one of its values then takes another branch of
    the limit proof, eq. 58) or mark 2 of its 3, one of them in the second style."""
    style, other = manifest.ballot_styles[0], manifest.ballot_styles[1]
    first = manifest.contest(style.contests[0])
    last = manifest.contest(style.contests[-1])
    seat = manifest.contest(other.contests[-1])
    council = max((manifest.contest(index) for index in style.contests), key=lambda contest: contest.selection_limit)
    picks = [option.label for option in council.options[::2]][: council.selection_limit]
    return [
        (style.label, {first.label: {first.options[0].label: 1}, last.label: {last.options[-1].label: 1}}),
        (style.label, {}),
        (style.label, {first.label: {first.options[2].label: 1}, council.label: dict.fromkeys(picks, 1)}),
        (other.label, {council.label: dict.fromkeys(picks[1:], 1), seat.label: {seat.options[-1].label: 1}}),
    ]


def main() -> None:
    VECTORS.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {VECTORS}")


if __name__ == "__main__":
    main()
