"""The verification steps of ElectionGuard 2.0.0 §6.2, with plain-language titles.

2.0.0 has 18 verifications, numbered differently from 2.1.0 (for example its Verification 5 is
2.1.0's Verification 6). The report of a 2.0.0 record uses the 2.0.0 numbers and labels. Check 0
is Nazaha's own: the record's files are complete, readable and agree with each other.
"""

from __future__ import annotations

from nazaha.verify.report import Check

__all__ = ["CHECKS_2_0", "PRE_ENCRYPTED_2_0", "PRE_VOTING_2_0"]

_SPEC = "ElectionGuard 2.0.0 §6.2"

CHECKS_2_0: tuple[Check, ...] = (
    Check("0", "The record's files are complete, readable and consistent", "Nazaha record reading"),
    Check("1", "The standard parameters and correct base hashes H_P, H_M, H_B", f"{_SPEC}.1, Verification 1"),
    Check("2", "Every guardian proved it knows each polynomial coefficient", f"{_SPEC}.2, Verification 2"),
    Check("3", "The joint election key is the product of the guardians' keys", f"{_SPEC}.2, Verification 3"),
    Check("4", "The extended base hash H_E is right", f"{_SPEC}.3, Verification 4"),
    Check("5", "Every encrypted selection encrypts an allowed value", f"{_SPEC}.4, Verification 5"),
    Check("6", "No contest on any ballot exceeds its selection limit", f"{_SPEC}.4, Verification 6"),
    Check(
        "7",
        "Every confirmation code is right, unique, and every ballot chain is unbroken",
        f"{_SPEC}.4, Verification 7",
    ),
    Check("8", "The encrypted tally is the product of exactly the cast ballots", f"{_SPEC}.5, Verification 8"),
    Check("9", "Every tally value is correctly decrypted", f"{_SPEC}.5, Verification 9"),
    Check(
        "10", "Every tally count matches its decryption; the tally covers the manifest", f"{_SPEC}.5, Verification 10"
    ),
    Check("11", "The tally's contest data is correctly decrypted", f"{_SPEC}.6, Verification 11"),
    Check("12", "Every challenged ballot is correctly decrypted", f"{_SPEC}.7, Verification 12"),
    Check("13", "Every challenged ballot's values are valid and match the manifest", f"{_SPEC}.7, Verification 13"),
    Check("14", "Every challenged ballot's contest data is correctly decrypted", f"{_SPEC}.7, Verification 14"),
    Check("15", "Pre-encrypted ballots: every selection encryption is well formed", f"{_SPEC}.8, Verification 15"),
    Check("16", "Pre-encrypted ballots: no contest exceeds its selection limit", f"{_SPEC}.8, Verification 16"),
    Check("17", "Pre-encrypted ballots: every confirmation code is right", f"{_SPEC}.8, Verification 17"),
    Check("18", "Pre-encrypted ballots: every short code is right", f"{_SPEC}.8, Verification 18"),
)

PRE_ENCRYPTED_2_0 = ("15", "16", "17", "18")
PRE_VOTING_2_0 = ("1", "2", "3", "4")
"""What a record of the pre-voting phase alone (parameters, manifest, guardian keys) can show."""
