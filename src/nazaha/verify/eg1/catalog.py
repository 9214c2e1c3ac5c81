"""The verification steps of ElectionGuard 1.x ("Verifier Construction"), with plain titles."""

from __future__ import annotations

from nazaha.verify.report import Check

__all__ = ["CHECKS_1X"]

_SPEC = "ElectionGuard 1.x verifier step"

CHECKS_1X: tuple[Check, ...] = (
    Check("0", "The record's files are complete, readable and match the manifest", "Nazaha record reading"),
    Check("1", "Known parameters and a correct base hash", f"{_SPEC} 1 (parameter validation)"),
    Check("2", "Every guardian proved it knows each polynomial coefficient", f"{_SPEC} 2 (guardian public keys)"),
    Check("3", "The joint key and extended base hash are right", f"{_SPEC} 3 (election public key)"),
    Check("4", "Every selection encrypts 0 or 1", f"{_SPEC} 4 (selection encryptions)"),
    Check("5", "No contest exceeds its vote limit", f"{_SPEC} 5 (vote limits)"),
    Check("6", "Every tracking code is right and the device chains are unbroken", f"{_SPEC} 6 (ballot chaining)"),
    Check("7", "The encrypted tally is the product of exactly the cast ballots", f"{_SPEC} 7 (aggregation)"),
    Check("8", "Every guardian present decrypted correctly", f"{_SPEC} 8 (partial decryptions)"),
    Check("9", "Missing guardians' shares were computed correctly by the others", f"{_SPEC} 9 (substitute data)"),
    Check("10", "Missing shares were rebuilt with the right Lagrange coefficients", f"{_SPEC} 10 (replacement shares)"),
    Check("11", "Every tally count is the correct decryption", f"{_SPEC} 11 (tally decryption)"),
    Check("12", "Every spoiled ballot is correctly decrypted", f"{_SPEC} 12 (spoiled ballots)"),
)
