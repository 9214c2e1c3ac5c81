"""Reading an ElectionGuard 2.1 record written in Nazaha's layout, for the verifier.

Small files are read at once. What grows with the number of ballots is not loaded here: the
runner streams ``record.json``, ``board.json`` and the device logs (``nazaha.record.stream``)
and reads ballots one file at a time when the checks reach them. A file that cannot be decoded
raises ``RecordFormatError`` naming the file and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nazaha.crypto.group import Group
from nazaha.election.guardian import GuardianPublicKey
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.election.tally import DecryptedTally, EncryptedTally
from nazaha.errors import ManifestError, RecordFormatError
from nazaha.record.codec import (
    ElectionHashes,
    decode_encrypted_tally,
    decode_guardian,
    decode_hashes,
    decode_parameters,
    decode_tally,
)
from nazaha.record.layout import INDEX_FILE, RecordReader

__all__ = ["Record21", "load_record21"]


@dataclass(slots=True)
class Record21:
    reader: RecordReader
    parameters: ElectionParameters
    spec_version: str
    manifest: Manifest
    manifest_file: bytes = field(repr=False)
    hashes: ElectionHashes
    guardians: list[GuardianPublicKey]
    encrypted_tally: EncryptedTally
    encrypted_tally_labels: dict[int, tuple[str, tuple[str, ...]]]
    tally: DecryptedTally

    @property
    def group(self) -> Group:
        return self.parameters.group


def load_record21(root: Path) -> Record21:
    reader = RecordReader(root, read_index=False)
    if not (root / INDEX_FILE).is_file():
        raise RecordFormatError(f"{root}/{INDEX_FILE}", "missing: the record is incomplete or not a Nazaha record")
    parameters, version = decode_parameters(reader.read("parameters.json"))
    group = parameters.group
    manifest_file = reader.read("manifest.json")
    try:
        manifest = parse_manifest(manifest_file, require_canonical=True)
    except ManifestError as error:
        raise RecordFormatError(f"manifest.json: {error.field}", error.problem) from None
    guardians = []
    for index in range(1, parameters.guardians + 1):
        name = f"guardians/guardian_{index}.json"
        guardians.append(decode_guardian(reader.read(name), group, name))
    encrypted, labels = decode_encrypted_tally(reader.read("encrypted_tally.json"), group)
    return Record21(
        reader=reader,
        parameters=parameters,
        spec_version=version,
        manifest=manifest,
        manifest_file=manifest_file,
        hashes=decode_hashes(reader.read("hashes.json"), group),
        guardians=guardians,
        encrypted_tally=encrypted,
        encrypted_tally_labels=labels,
        tally=decode_tally(reader.read("tally.json"), group),
    )
