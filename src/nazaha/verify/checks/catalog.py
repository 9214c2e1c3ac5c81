"""The verification steps of ElectionGuard 2.1 §6.2, with plain-language titles.

Checks 0 and B are Nazaha's own: the record is complete, unaltered since it was indexed, and its
files agree with each other (a file for every ballot a device lists, an opening for every
challenged ballot, ballots shaped as their ballot style says); and the bulletin board's hash
chain is intact and agrees with the ballots. Check N is the proof that comes with every encrypted
ballot nonce (§3.3.4, eq. 38), which §6.2 leaves to the guardians (§3.6.7) and Nazaha's verifier
checks for every ballot; check D is the same for every contest's encrypted contest data
(§3.3.10, eq. 69), which §3.6.6 leaves to the guardians. Verifications 15 to 19 (pre-encrypted
ballots, §6.2.8) are listed so that the report says they do not apply when the record has no
pre-encrypted ballots.
"""

from __future__ import annotations

from nazaha.verify.report import Check

__all__ = ["CHECKS", "PRE_ENCRYPTED", "check"]

_SPEC = "ElectionGuard 2.1 §6.2"

CHECKS: tuple[Check, ...] = (
    Check("0", "The record is complete, unaltered since it was indexed, and consistent", "Nazaha record format"),
    Check("B", "The bulletin board is an unbroken hash chain that matches the ballots", "Nazaha record format"),
    Check(
        "E",
        "Every counted ballot was signed by a voter's credential or a device the election lists, once",
        "Nazaha record format",
    ),
    Check("S", "The record is signed by the administrator key its election declared", "ElectionGuard 2.1 §3.7"),
    Check(
        "G",
        "The guardians' decryption messages are their own, and the last round is the one that decrypted the tally",
        "Nazaha record format",
    ),
    Check(
        "1",
        "The election uses the standard 2.1.0 parameters and its base hashes are right",
        f"{_SPEC}.1, Verification 1",
    ),
    Check("2", "Every guardian proved it knows its secret keys", f"{_SPEC}.2, Verification 2"),
    Check("3", "The joint election keys are the product of the guardians' keys", f"{_SPEC}.2, Verification 3"),
    Check("4", "The extended base hash is right", f"{_SPEC}.3, Verification 4"),
    Check(
        "5",
        "Every ballot has a unique identifier and a correct identifier hash",
        f"{_SPEC}.4, Verification 5",
    ),
    Check("6", "Every encrypted selection encrypts an allowed value", f"{_SPEC}.4, Verification 6"),
    Check("7", "No contest on any cast ballot exceeds its selection limit", f"{_SPEC}.4, Verification 7"),
    Check(
        "8",
        "Every confirmation code is right and every ballot chain is unbroken",
        f"{_SPEC}.4, Verification 8",
    ),
    Check(
        "N",
        "Every encrypted ballot nonce comes with a valid proof of knowledge of its encryption nonce",
        "ElectionGuard 2.1 §3.3.4, eq. (38); §3.6.7",
    ),
    Check(
        "D",
        "Every contest that declares contest data carries it, with a valid proof of knowledge of its nonce",
        "ElectionGuard 2.1 §3.3.10, eq. (69); §3.6.6",
    ),
    Check("9", "The encrypted tally is the product of exactly the cast ballots", f"{_SPEC}.5, Verification 9"),
    Check("10", "Every tally value is correctly decrypted", f"{_SPEC}.5, Verification 10"),
    Check("11", "The tally covers exactly the manifest's contests and options", f"{_SPEC}.5, Verification 11"),
    Check(
        "12",
        "The guardians' decryptions of the challenged ballots' contest data (write-ins, overvotes) are proven correct",
        f"{_SPEC}.6, Verification 12",
    ),
    Check(
        "13",
        "Every challenged ballot decrypts to what the record says it held",
        f"{_SPEC}.7, Verification 13",
    ),
    Check("14", "Every challenged ballot is a valid ballot of its style", f"{_SPEC}.7, Verification 14"),
    Check(
        "15",
        "Pre-encrypted ballots: every accumulated selection vector is the product of the selected ones",
        f"{_SPEC}.8, Verification 15",
    ),
    Check("16", "Pre-encrypted ballots: every confirmation code is right", f"{_SPEC}.8, Verification 16"),
    Check("17", "Pre-encrypted ballots: every short code is right", f"{_SPEC}.8, Verification 17"),
    Check("18", "Uncast pre-encrypted ballots: every encryption is correct", f"{_SPEC}.8, Verification 18"),
    Check("19", "Uncast pre-encrypted ballots: every ballot matches its style", f"{_SPEC}.8, Verification 19"),
    Check(
        "A",
        "Paper audit: the paper ballots match the encrypted ballots they point at, to the risk limit",
        "Nazaha paper audit (ElectionGuard 2.1 §1, §3.6.5, §3.6.7; SHANGRLA)",
    ),
)

PRE_ENCRYPTED = ("15", "16", "17", "18", "19")

_BY_NUMBER = {c.number: c for c in CHECKS}


def check(number: str) -> Check:
    return _BY_NUMBER[number]
