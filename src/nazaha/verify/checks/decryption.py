"""Check G: the decryption's rounds and messages in the record are the guardians' own.

Nazaha's ballot box has each guardian sign its decryption messages (commit, reveal, respond)
with the Ed25519 key declared in its guardian record entry, bound to H_E, the round and the step
(``nazaha.record.decryption.signed_bytes``). The record keeps every round (``decryption/round-<n>
.json``, each named on the board by its hash: check B.4) and every message with its signature.
This check re-verifies each signature (G.B), that each message speaks for its guardian and its
round (G.B), that the last round holds every step of every guardian it names (G.A), and that the
last round's guardians are those the tally says decrypted it (G.C).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nazaha.crypto.polynomial import commitment_at
from nazaha.errors import AuthorizationError, RecordFormatError
from nazaha.record.decryption import (
    decode_commit,
    decode_respond,
    decode_reveal,
    decode_round,
    signed_bytes,
    verify_signature,
)
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21

__all__ = ["check_decryption", "data_share_keys_of", "decryption_applies"]

STEPS = ("commit", "reveal", "respond")


def data_share_keys_of(record: Record21) -> dict[int, int]:
    """g^(z-hat_i) = Π_j Π_m K-hat_j,m^(i^m) for every guardian i, from the published commitments."""
    group = record.group
    return {
        i: group.prod(commitment_at(group, g.data_commitments, i) for g in record.guardians)
        for i in range(1, record.parameters.guardians + 1)
    }


def decryption_applies(root: Path, record: Record21) -> bool:
    """Whether the record has signed decryption rounds to check (records of Nazaha 0.2 and later)."""
    return (root / "decryption" / "round-1.json").is_file() or any(g.signing_key for g in record.guardians)


def check_decryption(root: Path, record: Record21, findings: Findings) -> None:
    numbers: list[int] = []
    while (root / "decryption" / f"round-{len(numbers) + 1}.json").is_file():
        numbers.append(len(numbers) + 1)
    if not numbers:
        findings.fail("G.A", "decryption/", "the record holds no decryption round")
        return
    last_present: list[int] = []
    for number in numbers:
        name = f"decryption/round-{number}.json"
        findings.count("G")
        try:
            document = decode_round((root / name).read_bytes(), name)
        except RecordFormatError as error:
            findings.fail("G.A", name, f"cannot be read: {error}")
            return
        present = list(document.present)
        if (
            document.round != number
            or len(present) < record.parameters.quorum
            or not all(1 <= i <= record.parameters.guardians for i in present)
        ):
            findings.fail("G.A", name, f"names round {document.round} with guardians {present}: not a quorum")
            continue
        last = number == numbers[-1]
        for step in STEPS:
            for guardian in present:
                _check_message(root, record, number, step, guardian, present, last, findings)
        last_present = present
    if list(record.tally.guardians_present) != last_present:
        findings.fail(
            "G.C",
            "tally.json",
            f"decrypted by guardians {list(record.tally.guardians_present)}, but the last round named {last_present}",
        )


def _check_message(
    root: Path,
    record: Record21,
    number: int,
    step: str,
    guardian: int,
    present: list[int],
    last: bool,
    findings: Findings,
) -> None:
    base = f"decryption/round-{number}/{step}/guardian_{guardian}"
    body_path, signature_path = root / f"{base}.json", root / f"{base}.sig"
    if not body_path.is_file():
        if last:
            findings.fail("G.A", f"{base}.json", f"guardian {guardian}'s {step} message of the last round is missing")
        return
    findings.count("G")
    body = body_path.read_bytes()
    try:
        signature = bytes.fromhex(signature_path.read_text("ascii"))
    except (OSError, ValueError):
        findings.fail("G.B", f"{base}.sig", "the message's signature is missing or not hexadecimal")
        return
    who = f"guardian {guardian}"
    key = record.guardians[guardian - 1].signing_key
    try:
        verify_signature(key, signature, signed_bytes(record.hashes.extended_hash, number, step, guardian, body), who)
    except AuthorizationError as error:
        findings.fail("G.B", f"{base}.json", str(error))
        return
    decoders: dict[str, Callable[[], int]] = {
        "commit": lambda: _commit_guardian(body, record, present, base),
        "reveal": lambda: decode_reveal(body, record.group, base)[0],
        "respond": lambda: decode_respond(body, record.group, base)[0],
    }
    try:
        named = decoders[step]()
    except RecordFormatError as error:
        findings.fail("G.B", f"{base}.json", f"cannot be read: {error}")
        return
    if named != guardian:
        findings.fail("G.B", f"{base}.json", f"the message speaks for guardian {named}, not {guardian}")


def _commit_guardian(body: bytes, record: Record21, present: list[int], where: str) -> int:
    message = decode_commit(body, record.group, where)
    if list(message.present) != present:
        raise RecordFormatError(where, f"names guardians {list(message.present)}, not the round's {present}")
    return message.guardian
