"""Reading an ElectionGuard 2.1 record written in Nazaha's layout, for the verifier.

Small files are read at once; ballots are read one file at a time when the checks reach them.
A file that cannot be decoded raises ``RecordFormatError`` naming the file and field.
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
from nazaha.record.board import BoardEntry, decode_board
from nazaha.record.codec import (
    DeviceLog,
    ElectionHashes,
    decode_device,
    decode_encrypted_tally,
    decode_guardian,
    decode_hashes,
    decode_parameters,
    decode_tally,
)
from nazaha.record.layout import RecordReader

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
    devices: list[DeviceLog]
    encrypted_tally: EncryptedTally
    encrypted_tally_labels: dict[int, tuple[str, tuple[str, ...]]]
    tally: DecryptedTally
    ballot_names: list[str]
    challenged_names: list[str]
    board_head: str
    board: list[BoardEntry]

    @property
    def group(self) -> Group:
        return self.parameters.group


def load_record21(root: Path) -> Record21:
    reader = RecordReader(root)
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
    devices = [decode_device(data, name) for name, data in reader.iter_files("devices")]
    encrypted, labels = decode_encrypted_tally(reader.read("encrypted_tally.json"), group)
    board_head, board = decode_board(reader.read("board.json"))
    return Record21(
        reader=reader,
        parameters=parameters,
        spec_version=version,
        manifest=manifest,
        manifest_file=manifest_file,
        hashes=decode_hashes(reader.read("hashes.json"), group),
        guardians=guardians,
        devices=devices,
        encrypted_tally=encrypted,
        encrypted_tally_labels=labels,
        tally=decode_tally(reader.read("tally.json"), group),
        ballot_names=reader.names("ballots"),
        challenged_names=reader.names("challenged"),
        board_head=board_head,
        board=board,
    )
