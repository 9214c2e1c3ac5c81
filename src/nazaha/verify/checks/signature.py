"""Check S: the record is signed by the administrator key its election declared.

ElectionGuard 2.1 §3.7 says the election record "should be digitally signed". A Nazaha election
declares the Ed25519 key of its administrator (the ballot box, or the officials' workspace) in
``eligibility.json``, which the board commits to when voting opens; the published ``record.json``,
which holds the SHA-256 of every other file, is signed with it (``record.sig``: the signature of
a context string and the SHA-256 of ``record.json``, ``record_signature_message``, so that the
index is hashed as a stream, never held whole). A record whose election declared a key but which
is unsigned, or signed otherwise, fails S.A or S.B.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from nazaha.record.layout import INDEX_FILE, SIGNATURE_FILE, record_signature_message
from nazaha.verify.findings import Findings

__all__ = ["check_record_signature", "fingerprint"]


def fingerprint(key: bytes) -> str:
    """A key's fingerprint as people compare it: the first 128 bits of its SHA-256, in groups."""
    digest = hashlib.sha256(key).hexdigest().upper()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def check_record_signature(root: Path, key: bytes, findings: Findings) -> str:
    """Check ``record.sig`` against ``key``; the note names the signer's fingerprint."""
    findings.count("S")
    note = f"administrator key {key.hex().upper()}, fingerprint {fingerprint(key)}"
    try:
        text = (root / SIGNATURE_FILE).read_text("ascii").strip()
        signature = bytes.fromhex(text)
    except FileNotFoundError:
        findings.fail("S.A", SIGNATURE_FILE, "the election declared an administrator key, but the record is not signed")
        return note
    except (OSError, ValueError):
        findings.fail("S.B", SIGNATURE_FILE, "is not a hexadecimal signature")
        return note
    digest = hashlib.sha256()
    try:
        with open(root / INDEX_FILE, "rb") as index:
            for block in iter(lambda: index.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        findings.fail("S.B", INDEX_FILE, "cannot be read to check its signature")
        return note
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, record_signature_message(digest.digest()))
    except (InvalidSignature, ValueError):
        findings.fail("S.B", SIGNATURE_FILE, "is not the administrator's signature of record.json")
    return note
