"""Reading an ElectionGuard 1.x election record (the folder electionguard-python 1.4.0 exports).

Layout: ``manifest.json``, ``context.json``, ``constants.json``, ``coefficients.json``,
``encrypted_tally.json``, ``tally.json``, ``guardians/``, ``encryption_devices/``,
``submitted_ballots/``, ``spoiled_ballots/``. Values are uppercase hex strings; the 0.95 format
wraps each in ``{"data": ...}``, writes the constants in decimal and the Lagrange coefficients
as a list. Both are accepted. Anything malformed raises ``RecordFormatError`` naming the file
and the field; nothing here checks cryptography (the checks do).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nazaha.errors import RecordFormatError

__all__ = [
    "Ballot1",
    "CPProof",
    "ConstantProof",
    "Constants",
    "Contest1",
    "Context1",
    "Device1",
    "DisjunctiveProof",
    "Guardian1",
    "ManifestContest",
    "Record1",
    "RecoveredPart",
    "SchnorrProof1",
    "Selection1",
    "Share1",
    "TallySelection1",
    "load_record1",
    "parse_ballot",
    "parse_decrypted",
]

_HEX = re.compile(r"[0-9A-Fa-f]+")


class _Doc:
    """Typed access to a decoded JSON file, with errors that name the file and field."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: str, problem: str) -> RecordFormatError:
        return RecordFormatError(f"{self.where}: {path}", problem)

    def get(self, obj: Any, key: str, path: str) -> Any:
        if not isinstance(obj, dict):
            raise self.fail(path, "expected an object")
        if key not in obj:
            raise self.fail(f"{path}.{key}".lstrip("."), "missing")
        return obj[key]

    def hex(self, obj: Any, key: str, path: str) -> int:
        value = self.get(obj, key, path)
        if isinstance(value, dict) and set(value) == {"data"}:
            value = value["data"]
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a hex string")
        return int(value, 16)

    def opt_hex(self, obj: Any, key: str, path: str) -> int | None:
        if obj.get(key) is None:
            return None
        return self.hex(obj, key, path)

    def integer(self, obj: Any, key: str, path: str) -> int:
        value = self.get(obj, key, path)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected an integer")
        return value

    def text(self, obj: Any, key: str, path: str) -> str:
        value = self.get(obj, key, path)
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a string")
        return value

    def items(self, obj: Any, key: str, path: str) -> list[Any]:
        value = self.get(obj, key, path)
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a list")
        return value

    def mapping(self, obj: Any, key: str, path: str) -> dict[str, Any]:
        value = self.get(obj, key, path)
        if not isinstance(value, dict):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected an object")
        return value


def _load_json(path: Path, where: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise RecordFormatError(where, "missing from the record") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RecordFormatError(where, f"not valid JSON ({error})") from None


@dataclass(frozen=True, slots=True)
class Constants:
    p: int
    q: int
    r: int
    g: int


@dataclass(frozen=True, slots=True)
class Context1:
    guardians: int
    quorum: int
    joint_key: int
    commitment_hash: int
    manifest_hash: int
    base_hash: int
    extended_hash: int


@dataclass(frozen=True, slots=True)
class SchnorrProof1:
    public_key: int
    commitment: int
    challenge: int
    response: int


@dataclass(frozen=True, slots=True)
class Guardian1:
    guardian_id: str
    sequence_order: int
    public_key: int
    commitments: tuple[int, ...]
    proofs: tuple[SchnorrProof1, ...]


@dataclass(frozen=True, slots=True)
class DisjunctiveProof:
    zero_pad: int
    zero_data: int
    one_pad: int
    one_data: int
    zero_challenge: int
    one_challenge: int
    challenge: int
    zero_response: int
    one_response: int


@dataclass(frozen=True, slots=True)
class ConstantProof:
    pad: int
    data: int
    challenge: int
    response: int
    constant: int


@dataclass(frozen=True, slots=True)
class Selection1:
    object_id: str
    sequence_order: int
    description_hash: int
    pad: int
    data: int
    crypto_hash: int
    placeholder: bool
    proof: DisjunctiveProof


@dataclass(frozen=True, slots=True)
class Contest1:
    object_id: str
    sequence_order: int
    description_hash: int
    selections: tuple[Selection1, ...]
    accumulation: tuple[int, int]
    crypto_hash: int
    proof: ConstantProof
    extended_pad: int | None = None
    """The pad of the contest's extended data (a hashed ElGamal ciphertext), when it has one."""


@dataclass(frozen=True, slots=True)
class Ballot1:
    object_id: str
    style_id: str
    manifest_hash: int
    code_seed: int
    contests: tuple[Contest1, ...]
    code: int
    timestamp: int
    crypto_hash: int
    state: int
    """1: cast, 2: spoiled (electionguard-python's BallotBoxState)."""


@dataclass(frozen=True, slots=True)
class CPProof:
    pad: int
    data: int
    challenge: int
    response: int


@dataclass(frozen=True, slots=True)
class RecoveredPart:
    guardian_id: str
    missing_guardian_id: str
    share: int
    recovery_key: int
    proof: CPProof


@dataclass(frozen=True, slots=True)
class Share1:
    guardian_id: str
    share: int
    proof: CPProof | None
    recovered: dict[str, RecoveredPart] | None


@dataclass(frozen=True, slots=True)
class TallySelection1:
    object_id: str
    tally: int
    value: int
    pad: int
    data: int
    shares: tuple[Share1, ...]


@dataclass(frozen=True, slots=True)
class Device1:
    device_id: int
    session_id: int
    launch_code: int
    location: str


@dataclass(frozen=True, slots=True)
class ManifestContest:
    object_id: str
    sequence_order: int
    votes_allowed: int
    selections: tuple[str, ...]


# -- parsing --------------------------------------------------------------------------------------


def _cp(doc: _Doc, obj: Any, path: str) -> CPProof:
    return CPProof(
        pad=doc.hex(obj, "pad", path),
        data=doc.hex(obj, "data", path),
        challenge=doc.hex(obj, "challenge", path),
        response=doc.hex(obj, "response", path),
    )


def parse_ballot(raw: Any, where: str) -> Ballot1:
    doc = _Doc(where)
    contests = []
    for ci, contest in enumerate(doc.items(raw, "contests", "")):
        cpath = f"contests[{ci}]"
        selections = []
        for si, selection in enumerate(doc.items(contest, "ballot_selections", cpath)):
            spath = f"{cpath}.ballot_selections[{si}]"
            ciphertext = doc.get(selection, "ciphertext", spath)
            proof = doc.get(selection, "proof", spath)
            ppath = f"{spath}.proof"
            selections.append(
                Selection1(
                    object_id=doc.text(selection, "object_id", spath),
                    sequence_order=doc.integer(selection, "sequence_order", spath),
                    description_hash=doc.hex(selection, "description_hash", spath),
                    pad=doc.hex(ciphertext, "pad", f"{spath}.ciphertext"),
                    data=doc.hex(ciphertext, "data", f"{spath}.ciphertext"),
                    crypto_hash=doc.hex(selection, "crypto_hash", spath),
                    placeholder=bool(selection.get("is_placeholder_selection", False)),
                    proof=DisjunctiveProof(
                        zero_pad=doc.hex(proof, "proof_zero_pad", ppath),
                        zero_data=doc.hex(proof, "proof_zero_data", ppath),
                        one_pad=doc.hex(proof, "proof_one_pad", ppath),
                        one_data=doc.hex(proof, "proof_one_data", ppath),
                        zero_challenge=doc.hex(proof, "proof_zero_challenge", ppath),
                        one_challenge=doc.hex(proof, "proof_one_challenge", ppath),
                        challenge=doc.hex(proof, "challenge", ppath),
                        zero_response=doc.hex(proof, "proof_zero_response", ppath),
                        one_response=doc.hex(proof, "proof_one_response", ppath),
                    ),
                )
            )
        accumulation = doc.get(contest, "ciphertext_accumulation", cpath)
        proof = doc.get(contest, "proof", cpath)
        extended = contest.get("extended_data")
        contests.append(
            Contest1(
                object_id=doc.text(contest, "object_id", cpath),
                sequence_order=doc.integer(contest, "sequence_order", cpath),
                description_hash=doc.hex(contest, "description_hash", cpath),
                selections=tuple(selections),
                accumulation=(
                    doc.hex(accumulation, "pad", f"{cpath}.ciphertext_accumulation"),
                    doc.hex(accumulation, "data", f"{cpath}.ciphertext_accumulation"),
                ),
                crypto_hash=doc.hex(contest, "crypto_hash", cpath),
                proof=ConstantProof(
                    pad=doc.hex(proof, "pad", f"{cpath}.proof"),
                    data=doc.hex(proof, "data", f"{cpath}.proof"),
                    challenge=doc.hex(proof, "challenge", f"{cpath}.proof"),
                    response=doc.hex(proof, "response", f"{cpath}.proof"),
                    constant=doc.integer(proof, "constant", f"{cpath}.proof"),
                ),
                extended_pad=None if extended is None else doc.hex(extended, "pad", f"{cpath}.extended_data"),
            )
        )
    return Ballot1(
        object_id=doc.text(raw, "object_id", ""),
        style_id=doc.text(raw, "style_id", ""),
        manifest_hash=doc.hex(raw, "manifest_hash", ""),
        code_seed=doc.hex(raw, "code_seed", ""),
        contests=tuple(contests),
        code=doc.hex(raw, "code", ""),
        timestamp=doc.integer(raw, "timestamp", ""),
        crypto_hash=doc.hex(raw, "crypto_hash", ""),
        state=doc.integer(raw, "state", ""),
    )


def parse_decrypted(raw: Any, where: str) -> tuple[str, dict[str, dict[str, TallySelection1]]]:
    """A PlaintextTally (``tally.json`` or a spoiled ballot): object id and selections by contest."""
    doc = _Doc(where)
    contests: dict[str, dict[str, TallySelection1]] = {}
    for contest_id, contest in doc.mapping(raw, "contests", "").items():
        cpath = f"contests.{contest_id}"
        selections: dict[str, TallySelection1] = {}
        for selection_id, selection in doc.mapping(contest, "selections", cpath).items():
            spath = f"{cpath}.selections.{selection_id}"
            shares = []
            for hi, share in enumerate(doc.items(selection, "shares", spath)):
                hpath = f"{spath}.shares[{hi}]"
                proof = share.get("proof") if isinstance(share, dict) else None
                recovered_raw = share.get("recovered_parts") if isinstance(share, dict) else None
                recovered = None
                if recovered_raw is not None:
                    if not isinstance(recovered_raw, dict):
                        raise doc.fail(f"{hpath}.recovered_parts", "expected an object")
                    recovered = {
                        key: RecoveredPart(
                            guardian_id=doc.text(part, "guardian_id", f"{hpath}.recovered_parts.{key}"),
                            missing_guardian_id=doc.text(part, "missing_guardian_id", f"{hpath}.recovered_parts.{key}"),
                            share=doc.hex(part, "share", f"{hpath}.recovered_parts.{key}"),
                            recovery_key=doc.hex(part, "recovery_key", f"{hpath}.recovered_parts.{key}"),
                            proof=_cp(
                                doc,
                                doc.get(part, "proof", f"{hpath}.recovered_parts.{key}"),
                                f"{hpath}.recovered_parts.{key}.proof",
                            ),
                        )
                        for key, part in recovered_raw.items()
                    }
                shares.append(
                    Share1(
                        guardian_id=doc.text(share, "guardian_id", hpath),
                        share=doc.hex(share, "share", hpath),
                        proof=_cp(doc, proof, f"{hpath}.proof") if proof is not None else None,
                        recovered=recovered,
                    )
                )
            message = doc.get(selection, "message", spath)
            selections[selection_id] = TallySelection1(
                object_id=doc.text(selection, "object_id", spath),
                tally=doc.integer(selection, "tally", spath),
                value=doc.hex(selection, "value", spath),
                pad=doc.hex(message, "pad", f"{spath}.message"),
                data=doc.hex(message, "data", f"{spath}.message"),
                shares=tuple(shares),
            )
        contests[contest_id] = selections
    return doc.text(raw, "object_id", ""), contests


def _constants(raw: Any) -> Constants:
    doc = _Doc("constants.json")

    def number(key: str) -> int:
        value = doc.get(raw, key, "")
        if isinstance(value, bool):
            raise doc.fail(key, "expected a number or hex string")
        if isinstance(value, int):
            return value
        return doc.hex(raw, key, "")

    return Constants(p=number("large_prime"), q=number("small_prime"), r=number("cofactor"), g=number("generator"))


def _context(raw: Any) -> Context1:
    doc = _Doc("context.json")
    return Context1(
        guardians=doc.integer(raw, "number_of_guardians", ""),
        quorum=doc.integer(raw, "quorum", ""),
        joint_key=doc.hex(raw, "elgamal_public_key", ""),
        commitment_hash=doc.hex(raw, "commitment_hash", ""),
        manifest_hash=doc.hex(raw, "manifest_hash", ""),
        base_hash=doc.hex(raw, "crypto_base_hash", ""),
        extended_hash=doc.hex(raw, "crypto_extended_base_hash", ""),
    )


def _guardian(raw: Any, where: str) -> Guardian1:
    doc = _Doc(where)
    proofs = []
    for pi, proof in enumerate(doc.items(raw, "election_proofs", "")):
        path = f"election_proofs[{pi}]"
        proofs.append(
            SchnorrProof1(
                public_key=doc.hex(proof, "public_key", path),
                commitment=doc.hex(proof, "commitment", path),
                challenge=doc.hex(proof, "challenge", path),
                response=doc.hex(proof, "response", path),
            )
        )
    commitments = []
    for ci, value in enumerate(doc.items(raw, "election_commitments", "")):
        commitments.append(doc.hex({"v": value}, "v", f"election_commitments[{ci}]"))
    return Guardian1(
        guardian_id=doc.text(raw, "guardian_id", ""),
        sequence_order=doc.integer(raw, "sequence_order", ""),
        public_key=doc.hex(raw, "election_public_key", ""),
        commitments=tuple(commitments),
        proofs=tuple(proofs),
    )


def _manifest(raw: Any) -> tuple[list[ManifestContest], set[str]]:
    doc = _Doc("manifest.json")
    contests = []
    for ci, contest in enumerate(doc.items(raw, "contests", "")):
        path = f"contests[{ci}]"
        selections = [
            doc.text(selection, "object_id", f"{path}.ballot_selections[{si}]")
            for si, selection in enumerate(doc.items(contest, "ballot_selections", path))
        ]
        contests.append(
            ManifestContest(
                object_id=doc.text(contest, "object_id", path),
                sequence_order=doc.integer(contest, "sequence_order", path),
                votes_allowed=doc.integer(contest, "votes_allowed", path),
                selections=tuple(selections),
            )
        )
    styles = {
        doc.text(style, "object_id", f"ballot_styles[{i}]")
        for i, style in enumerate(doc.items(raw, "ballot_styles", ""))
    }
    return contests, styles


def _coefficients(raw: Any, guardians: list[Guardian1]) -> dict[str, int]:
    doc = _Doc("coefficients.json")
    value = doc.get(raw, "coefficients", "")
    if isinstance(value, dict):
        return {key: doc.hex(value, key, "coefficients") for key in value}
    if isinstance(value, list):
        # 0.95 lists the coefficients without guardian ids; they follow the available guardians
        # in sequence order, which the runner matches them against.
        return {f"#{i}": doc.hex({"v": item}, "v", f"coefficients[{i}]") for i, item in enumerate(value)}
    raise doc.fail("coefficients", "expected an object or a list")


@dataclass(slots=True)
class Record1:
    root: Path
    constants: Constants
    context: Context1
    guardians: list[Guardian1]
    manifest_contests: list[ManifestContest]
    ballot_styles: set[str]
    devices: list[Device1]
    coefficients: dict[str, int]
    encrypted_tally: dict[str, dict[str, tuple[int, int]]]
    tally: dict[str, dict[str, TallySelection1]]
    ballot_paths: list[Path]
    spoiled_paths: list[Path]

    def iter_ballots(self) -> Iterator[tuple[str, Ballot1]]:
        for path in self.ballot_paths:
            where = f"submitted_ballots/{path.name}"
            yield where, parse_ballot(_load_json(path, where), where)


def load_record1(root: Path) -> Record1:
    """Read the small files of a 1.x record; ballots are read later, one at a time."""
    if not root.is_dir():
        raise RecordFormatError(str(root), "no such record folder")
    constants = _constants(_load_json(root / "constants.json", "constants.json"))
    context = _context(_load_json(root / "context.json", "context.json"))
    guardian_paths = sorted((root / "guardians").glob("*.json"))
    guardians = [_guardian(_load_json(p, f"guardians/{p.name}"), f"guardians/{p.name}") for p in guardian_paths]
    guardians.sort(key=lambda g: g.sequence_order)
    contests, styles = _manifest(_load_json(root / "manifest.json", "manifest.json"))
    devices = []
    for path in sorted((root / "encryption_devices").glob("*.json")):
        where = f"encryption_devices/{path.name}"
        raw = _load_json(path, where)
        doc = _Doc(where)
        devices.append(
            Device1(
                device_id=doc.integer(raw, "device_id", ""),
                session_id=doc.integer(raw, "session_id", ""),
                launch_code=doc.integer(raw, "launch_code", ""),
                location=doc.text(raw, "location", ""),
            )
        )
    encrypted_raw = _load_json(root / "encrypted_tally.json", "encrypted_tally.json")
    doc = _Doc("encrypted_tally.json")
    encrypted: dict[str, dict[str, tuple[int, int]]] = {}
    for contest_id, contest in doc.mapping(encrypted_raw, "contests", "").items():
        where = f"contests.{contest_id}"
        encrypted[contest_id] = {
            selection_id: (
                doc.hex(
                    doc.get(selection, "ciphertext", f"{where}.selections.{selection_id}"),
                    "pad",
                    f"{where}.selections.{selection_id}.ciphertext",
                ),
                doc.hex(
                    doc.get(selection, "ciphertext", f"{where}.selections.{selection_id}"),
                    "data",
                    f"{where}.selections.{selection_id}.ciphertext",
                ),
            )
            for selection_id, selection in doc.mapping(contest, "selections", where).items()
        }
    _, tally = parse_decrypted(_load_json(root / "tally.json", "tally.json"), "tally.json")
    coefficients_path = root / "coefficients.json"
    coefficients = (
        _coefficients(_load_json(coefficients_path, "coefficients.json"), guardians)
        if coefficients_path.exists()
        else {}
    )
    return Record1(
        root=root,
        constants=constants,
        context=context,
        guardians=guardians,
        manifest_contests=contests,
        ballot_styles=styles,
        devices=devices,
        coefficients=coefficients,
        encrypted_tally=encrypted,
        tally=tally,
        ballot_paths=sorted((root / "submitted_ballots").glob("*.json")),
        spoiled_paths=sorted((root / "spoiled_ballots").glob("*.json")),
    )


def load_json(path: Path, where: str) -> Any:
    """A JSON file of the record, or ``RecordFormatError`` naming it."""
    return _load_json(path, where)
