"""The paper audit's part of an election record: ``audit/`` beside the sealed record.

The election record is sealed when it is published (``record.json`` lists every file's digest,
and the administrator signs it). The paper audit comes after, so it is appended in a folder of its
own, ``audit/``, whose files are chained to the sealed record by a hash-chained log
(``audit/log.json``): the log's first ``previous`` is the SHA-256 of ``record.json``, and every
entry names one file with its SHA-256, the time it was recorded and the hash of the entry before.

Files (format ``nazaha-paper-audit/1``, canonical JSON: sorted keys, no whitespace, UTF-8)::

    audit/commitment.json          the cards (from the record's cast ballots), contests, risk limit
    audit/seed.json                the seed (dice or beacon), naming the commitment's SHA-256
    audit/round-<n>.json           the round's targets, sample length and draws
    audit/decrypted/<code>.json    one sampled ballot's audited contests, decrypted with proofs
    audit/readings-<n>-<k>.json    what an audit board entered for round n (entry k)
    audit/result-<n>.json          per contest: discrepancies, measured risk and state after round n
    audit/log.json                 the hash chain over all of the above, in the order recorded

The card list is a function of the sealed record alone (``cards_from_record``): one batch per
encryption device, the device's cast ballots ordered by their paper id (id_B). Nobody chooses it,
so nobody can steer the sample by choosing it, and the verifier recomputes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nazaha.crypto.group import Group
from nazaha.election.ballot import BallotState
from nazaha.election.manifest import Manifest
from nazaha.errors import RecordFormatError
from nazaha.record.codec import decode_ballot
from nazaha.record.layout import INDEX_FILE, RecordReader

__all__ = [
    "AUDIT_DIR",
    "AUDIT_FORMAT",
    "COMMITMENT",
    "LOG",
    "SEED",
    "CardEntry",
    "cards_from_record",
    "decode_audit_doc",
    "encode_audit_doc",
    "entry_hash",
    "file_digest",
    "record_anchor",
]

AUDIT_DIR = "audit"
AUDIT_FORMAT = "nazaha-paper-audit/1"
COMMITMENT = "commitment.json"
SEED = "seed.json"
LOG = "log.json"
_ENTRY_TAG = b"nazaha-paper-audit-entry\x00"


def encode_audit_doc(doc: Mapping[str, Any]) -> bytes:
    """Canonical bytes of an audit document: sorted keys, compact, UTF-8."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def decode_audit_doc(data: bytes, where: str, kind: str | None = None) -> dict[str, Any]:
    """An audit document, refused when it is not canonical or not of ``kind``."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RecordFormatError(where, f"not JSON ({error})") from None
    if not isinstance(doc, dict) or doc.get("format") != AUDIT_FORMAT:
        raise RecordFormatError(where, f"expected a {AUDIT_FORMAT} document")
    if kind is not None and doc.get("kind") != kind:
        raise RecordFormatError(where, f"expected a {kind!r} document, found {doc.get('kind')!r}")
    if encode_audit_doc(doc) != data:
        raise RecordFormatError(where, "not in canonical form")
    return doc


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest().upper()


def record_anchor(root: Path) -> str:
    """SHA-256 of the sealed record's ``record.json``: the first ``previous`` of the audit log."""
    return file_digest(RecordReader(root, read_index=False).read(INDEX_FILE))


def entry_hash(entry: Mapping[str, Any]) -> str:
    """hash = SHA-256("nazaha-paper-audit-entry" ‖ 0x00 ‖ canonical JSON of the other fields)."""
    body = {key: value for key, value in entry.items() if key != "hash"}
    return hashlib.sha256(_ENTRY_TAG + encode_audit_doc(body)).hexdigest().upper()


@dataclass(frozen=True, slots=True)
class CardEntry:
    """One cast ballot as a paper card of the audit."""

    batch: str
    position: int
    ballot: str
    paper_id: str
    contests: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "position": self.position,
            "ballot": self.ballot,
            "paper_id": self.paper_id,
            "contests": list(self.contests),
        }


def cards_from_record(root: Path, group: Group, manifest: Manifest, audited: set[str]) -> list[CardEntry]:
    """Every cast ballot of the record as a card: batch = its device, position = its rank by paper
    id (id_B) among the device's cast ballots; with the audited contests its style holds."""
    reader = RecordReader(root, read_index=False)
    by_device: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for name, data in reader.iter_files("ballots"):
        decoded = decode_ballot(data, group, name)
        if decoded.state is not BallotState.CAST:
            continue
        ballot = decoded.ballot
        try:
            style = manifest.style(ballot.style_index)
        except IndexError:
            raise RecordFormatError(f"{name}: style", "no such ballot style") from None
        labels = tuple(
            manifest.contest(index).label for index in style.contests if manifest.contest(index).label in audited
        )
        by_device.setdefault(ballot.device, []).append((ballot.selection_id.hex().upper(), ballot.code_hex, labels))
    cards = []
    for device in sorted(by_device):
        for position, (paper_id, code, labels) in enumerate(sorted(by_device[device]), start=1):
            cards.append(CardEntry(device, position, code, paper_id, labels))
    return cards
