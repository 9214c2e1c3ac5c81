"""Reading an ElectionGuard 2.0 record in egk's JSON layout (hex or base64), for the verifier.

egk (electionguard-kotlin-multiplatform 2.04) and egk-ec write the same layout:
``constants.json``, ``election_config.json``, ``election_initialized.json``, ``manifest.json``
(electionguard-python's 1.x manifest), ``encrypted_ballots/<device>/eballot-<id>.json`` (with
``ballot_chain.json`` when confirmation codes are chained), ``encrypted_tally.json``,
``tally.json`` and ``challenged_ballots/dballot-<id>.json``. egk writes numbers as uppercase hex
without leading zeros; egk-ec writes them in base64 (and ``code_baux`` in hex in both). Which one
a record uses is read once, from the form of its parameter base hash. ``private_data/`` (trustee
secrets, plaintext ballots) is never read.

Small files are read at once; ballots and decrypted challenged ballots one file at a time, when
the checks reach them. Anything malformed raises ``RecordFormatError`` naming the file and the
field. Nothing here checks cryptography (``checks`` does).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nazaha.crypto.group import Group
from nazaha.errors import ParameterError, RecordFormatError

__all__ = [
    "Ballot20",
    "Chain20",
    "Coder",
    "Contest20",
    "ContestData20",
    "Decrypted20",
    "DecryptedContest20",
    "DecryptedSelection20",
    "Guardian20",
    "ManifestContest20",
    "Record20",
    "Selection20",
    "is_record20",
    "load_json",
    "load_record20",
    "parse_ballot",
    "parse_decrypted",
]

_HEX = re.compile(r"[0-9A-Fa-f]+")
_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def is_record20(root: Path) -> bool:
    """True when ``root`` looks like an egk 2.0 record (the three files that say so)."""
    return all(
        (root / name).is_file() for name in ("election_config.json", "election_initialized.json", "constants.json")
    )


def load_json(path: Path, where: str) -> Any:
    """A JSON file of the record, or ``RecordFormatError`` naming it."""
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise RecordFormatError(where, "missing from the record") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RecordFormatError(where, f"not valid JSON ({error})") from None


@dataclass(frozen=True, slots=True)
class Coder:
    """Typed access to one decoded file, with the record's number encoding (hex or base64)."""

    where: str
    base64: bool

    def fail(self, path: str, problem: str) -> RecordFormatError:
        return RecordFormatError(f"{self.where}: {path}" if path else self.where, problem)

    def get(self, obj: Any, key: str, path: str = "") -> Any:
        if not isinstance(obj, dict):
            raise self.fail(path, "expected an object")
        if key not in obj:
            raise self.fail(f"{path}.{key}".lstrip("."), "missing")
        return obj[key]

    def text(self, obj: Any, key: str, path: str = "") -> str:
        value = self.get(obj, key, path)
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a string")
        return value

    def integer(self, obj: Any, key: str, path: str = "") -> int:
        value = self.get(obj, key, path)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected an integer")
        return value

    def items(self, obj: Any, key: str, path: str = "") -> list[Any]:
        value = self.get(obj, key, path)
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a list")
        return value

    def raw(self, obj: Any, key: str, path: str = "") -> bytes:
        """A byte string in the record's encoding (hashes, C_1, C_2)."""
        value = self.text(obj, key, path)
        field = f"{path}.{key}".lstrip(".")
        if self.base64:
            if not _B64.fullmatch(value):
                raise self.fail(field, "expected base64")
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error as error:
                raise self.fail(field, f"not valid base64 ({error})") from None
        if not _HEX.fullmatch(value) or len(value) % 2:
            raise self.fail(field, "expected an even number of hex digits")
        return bytes.fromhex(value)

    def number(self, obj: Any, key: str, path: str = "") -> int:
        """An element of Z_p or Z_q in the record's encoding (hex may have an odd length)."""
        value = self.text(obj, key, path)
        field = f"{path}.{key}".lstrip(".")
        if self.base64:
            return int.from_bytes(self.raw(obj, key, path), "big")
        if not _HEX.fullmatch(value):
            raise self.fail(field, "expected hex digits")
        return int(value, 16)

    def hex_bytes(self, obj: Any, key: str, path: str = "") -> bytes:
        """A byte string written in hex whatever the record's encoding (``code_baux``)."""
        value = self.text(obj, key, path)
        if not _HEX.fullmatch(value) and value != "":
            raise self.fail(f"{path}.{key}".lstrip("."), "expected hex digits")
        if len(value) % 2:
            raise self.fail(f"{path}.{key}".lstrip("."), "expected an even number of hex digits")
        return bytes.fromhex(value)

    def ciphertext(self, obj: Any, key: str, path: str) -> tuple[int, int]:
        value = self.get(obj, key, path)
        where = f"{path}.{key}".lstrip(".")
        return self.number(value, "pad", where), self.number(value, "data", where)

    def proof(self, obj: Any, path: str) -> tuple[int, int]:
        """A compact (challenge, response) pair."""
        return self.number(obj, "challenge", path), self.number(obj, "response", path)


# -- the manifest, as the 2.0 checks need it ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManifestContest20:
    contest_id: str
    sequence_order: int
    """ind_c: egk uses the manifest's sequence_order as the contest index."""
    votes_allowed: int
    """L, the contest selection limit."""
    option_limit: int
    """R, the option selection limit (1 unless the manifest gives ``option_selection_limit``)."""
    district: str
    selections: tuple[tuple[str, int], ...]
    """(selection id, sequence order) of each option, in manifest order."""


def _manifest(raw: Any) -> tuple[tuple[ManifestContest20, ...], dict[str, frozenset[str]]]:
    doc = Coder("manifest.json", base64=False)
    contests = []
    for ci, contest in enumerate(doc.items(raw, "contests")):
        path = f"contests[{ci}]"
        selections = tuple(
            (
                doc.text(s, "object_id", f"{path}.ballot_selections[{si}]"),
                doc.integer(s, "sequence_order", f"{path}.ballot_selections[{si}]"),
            )
            for si, s in enumerate(doc.items(contest, "ballot_selections", path))
        )
        limit = contest.get("option_selection_limit", 1) if isinstance(contest, dict) else 1
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise doc.fail(f"{path}.option_selection_limit", "expected a positive integer")
        contests.append(
            ManifestContest20(
                contest_id=doc.text(contest, "object_id", path),
                sequence_order=doc.integer(contest, "sequence_order", path),
                votes_allowed=doc.integer(contest, "votes_allowed", path),
                option_limit=limit,
                district=doc.text(contest, "electoral_district_id", path),
                selections=selections,
            )
        )
    ids = [c.contest_id for c in contests]
    orders = [c.sequence_order for c in contests]
    if len(set(ids)) != len(ids) or len(set(orders)) != len(orders):
        raise doc.fail("contests", "contest ids and sequence orders must be unique")
    styles: dict[str, frozenset[str]] = {}
    for si, style in enumerate(doc.items(raw, "ballot_styles")):
        path = f"ballot_styles[{si}]"
        units = style.get("geopolitical_unit_ids") if isinstance(style, dict) else None
        if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
            raise doc.fail(f"{path}.geopolitical_unit_ids", "expected a list of strings")
        styles[doc.text(style, "object_id", path)] = frozenset(c.contest_id for c in contests if c.district in units)
    return tuple(sorted(contests, key=lambda c: c.sequence_order)), styles


# -- the small files --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Guardian20:
    guardian_id: str
    x_coordinate: int
    proofs: tuple[tuple[int, int, int], ...]
    """(K_i,j, c_i,j, v_i,j) for each coefficient j = 0..k-1."""


@dataclass(frozen=True, slots=True)
class Chain20:
    """A device's ``ballot_chain.json``: the order of its ballots and the chain's ends."""

    where: str
    device: str
    initial: bytes
    """The chain file's ``baux0``: egk publishes H_0 there."""
    ballot_ids: tuple[str, ...]
    last_code: bytes
    closing_hash: bytes


@dataclass(frozen=True, slots=True)
class TallySelection20:
    contest_id: str
    selection_id: str
    value: int
    """t, the decrypted count."""
    t_value: int
    """T = K^t (``b_over_m``)."""
    ciphertext: tuple[int, int]
    proof: tuple[int, int]


@dataclass(slots=True)
class Record20:
    root: Path
    base64: bool
    group: Group
    constants_version: str
    config_version: str
    manifest_version: str
    guardian_count: int
    quorum: int
    h_p: bytes
    h_m: bytes
    h_b: bytes
    chaining: bool
    aux0: bytes
    manifest_file: bytes
    contests: tuple[ManifestContest20, ...]
    styles: dict[str, frozenset[str]]
    joint_key: int
    h_e: bytes
    guardians: tuple[Guardian20, ...]
    encrypted_tally: dict[tuple[str, str], tuple[int, int]]
    cast_ids: tuple[str, ...]
    tally: tuple[TallySelection20, ...]
    tally_contests: tuple[str, ...]
    tally_has_contest_data: bool
    ballot_files: tuple[str, ...]
    chains: tuple[Chain20, ...]
    decrypted_files: tuple[str, ...]

    @property
    def layout(self) -> str:
        return f"egk JSON ({'base64' if self.base64 else 'hex'})"


def _hex_int(doc: Coder, obj: Any, key: str) -> int:
    value = doc.text(obj, key)
    if not _HEX.fullmatch(value):
        raise doc.fail(key, "expected hex digits")
    return int(value, 16)


def _group(raw: Any) -> tuple[Group, str]:
    doc = Coder("constants.json", base64=False)
    version = ""
    if isinstance(raw, dict) and "constants" in raw:
        # egk-ec: {"name", "type", "protocolVersion", "constants": {"largePrime", ...}}
        kind = doc.text(raw, "type")
        if kind != "IntegerGroup":
            raise doc.fail("type", f"{kind!r}: only ElectionGuard's integer group is supported (not an elliptic curve)")
        version = doc.text(raw, "protocolVersion")
        inner = doc.get(raw, "constants")
        names = ("largePrime", "smallPrime", "cofactor", "generator")
        values = [_hex_int(Coder("constants.json: constants", base64=False), inner, name) for name in names]
    else:
        values = [_hex_int(doc, raw, name) for name in ("large_prime", "small_prime", "cofactor", "generator")]
    p, q, r, g = values
    try:
        return Group(name="electionguard-2.0", p=p, q=q, r=r, g=g), version
    except ParameterError as error:
        raise RecordFormatError("constants.json", f"not a valid group: {error}") from None


def _aux0(doc: Coder, raw: Any) -> bytes:
    value = doc.get(raw, "baux0")
    if isinstance(value, list):
        if not all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b < 256 for b in value):
            raise doc.fail("baux0", "expected a list of byte values")
        return bytes(value)
    return doc.raw(raw, "baux0")


def _is_base64(raw: Any) -> bool:
    value = raw.get("parameter_base_hash") if isinstance(raw, dict) else None
    if not isinstance(value, str):
        raise RecordFormatError("election_config.json: parameter_base_hash", "missing")
    if len(value) == 64 and _HEX.fullmatch(value):
        return False
    if len(value) == 44 and _B64.fullmatch(value):
        return True
    raise RecordFormatError("election_config.json: parameter_base_hash", "neither 32 bytes in hex nor in base64")


def _tally(raw: Any, doc: Coder) -> tuple[tuple[TallySelection20, ...], tuple[str, ...], bool]:
    selections = []
    contests = []
    has_data = False
    for ci, contest in enumerate(doc.items(raw, "contests")):
        path = f"contests[{ci}]"
        contest_id = doc.text(contest, "contest_id", path)
        contests.append(contest_id)
        has_data |= contest.get("decrypted_contest_data") is not None
        for si, selection in enumerate(doc.items(contest, "selections", path)):
            spath = f"{path}.selections[{si}]"
            selections.append(
                TallySelection20(
                    contest_id=contest_id,
                    selection_id=doc.text(selection, "selection_id", spath),
                    value=doc.integer(selection, "tally", spath),
                    t_value=doc.number(selection, "b_over_m", spath),
                    ciphertext=doc.ciphertext(selection, "encrypted_vote", spath),
                    proof=doc.proof(doc.get(selection, "proof", spath), f"{spath}.proof"),
                )
            )
    return tuple(selections), tuple(contests), has_data


def _chain(root: Path, name: str, b64: bool) -> Chain20:
    raw = load_json(root / name, name)
    doc = Coder(name, b64)
    ids = doc.items(raw, "ballot_ids")
    if not all(isinstance(i, str) for i in ids):
        raise doc.fail("ballot_ids", "expected a list of strings")
    if raw.get("chaining") is not True:
        raise doc.fail("chaining", "a ballot chain file must say chaining: true")
    return Chain20(
        where=name,
        device=doc.text(raw, "encrypting_device"),
        initial=doc.raw(raw, "baux0"),
        ballot_ids=tuple(ids),
        last_code=doc.raw(raw, "last_confirmation_code"),
        closing_hash=doc.raw(raw, "closing_hash"),
    )


def load_record20(root: Path) -> Record20:
    """Read the small files of an egk 2.0 record; ballots are read later, one at a time."""
    if not root.is_dir():
        raise RecordFormatError(str(root), "no such record folder")
    config_raw = load_json(root / "election_config.json", "election_config.json")
    b64 = _is_base64(config_raw)
    group, constants_version = _group(load_json(root / "constants.json", "constants.json"))
    config = Coder("election_config.json", b64)
    chaining = config.get(config_raw, "chain_confirmation_codes")
    if not isinstance(chaining, bool):
        raise config.fail("chain_confirmation_codes", "expected true or false")
    manifest_file = (root / "manifest.json").read_bytes() if (root / "manifest.json").is_file() else None
    if manifest_file is None:
        raise RecordFormatError("manifest.json", "missing from the record")
    manifest_raw = load_json(root / "manifest.json", "manifest.json")
    contests, styles = _manifest(manifest_raw)
    init_raw = load_json(root / "election_initialized.json", "election_initialized.json")
    init = Coder("election_initialized.json", b64)
    guardians = []
    for gi, guardian in enumerate(init.items(init_raw, "guardians")):
        path = f"guardians[{gi}]"
        proofs = tuple(
            (
                init.number(proof, "public_key", f"{path}.coefficient_proofs[{j}]"),
                *init.proof(proof, f"{path}.coefficient_proofs[{j}]"),
            )
            for j, proof in enumerate(init.items(guardian, "coefficient_proofs", path))
        )
        guardians.append(
            Guardian20(
                guardian_id=init.text(guardian, "guardian_id", path),
                x_coordinate=init.integer(guardian, "x_coordinate", path),
                proofs=proofs,
            )
        )
    et_raw = load_json(root / "encrypted_tally.json", "encrypted_tally.json")
    et = Coder("encrypted_tally.json", b64)
    encrypted: dict[tuple[str, str], tuple[int, int]] = {}
    for ci, contest in enumerate(et.items(et_raw, "contests")):
        path = f"contests[{ci}]"
        contest_id = et.text(contest, "contest_id", path)
        for si, selection in enumerate(et.items(contest, "selections", path)):
            spath = f"{path}.selections[{si}]"
            key = (contest_id, et.text(selection, "selection_id", spath))
            if key in encrypted:
                raise et.fail(spath, f"{key[0]}/{key[1]} is listed twice")
            encrypted[key] = et.ciphertext(selection, "encrypted_vote", spath)
    cast_ids = et.items(et_raw, "cast_ballot_ids")
    if not all(isinstance(i, str) for i in cast_ids):
        raise et.fail("cast_ballot_ids", "expected a list of strings")
    tally, tally_contests, tally_data = _tally(load_json(root / "tally.json", "tally.json"), Coder("tally.json", b64))
    ballot_files = sorted(str(p.relative_to(root)) for p in root.glob("encrypted_ballots/*/eballot-*.json"))
    chains = tuple(
        _chain(root, str(p.relative_to(root)), b64) for p in sorted(root.glob("encrypted_ballots/*/ballot_chain.json"))
    )
    decrypted_files = sorted(str(p.relative_to(root)) for p in root.glob("challenged_ballots/*.json"))
    manifest_version = manifest_raw.get("spec_version", "") if isinstance(manifest_raw, dict) else ""
    return Record20(
        root=root,
        base64=b64,
        group=group,
        constants_version=constants_version,
        config_version=config.text(config_raw, "config_version"),
        manifest_version=manifest_version if isinstance(manifest_version, str) else "",
        guardian_count=config.integer(config_raw, "number_of_guardians"),
        quorum=config.integer(config_raw, "quorum"),
        h_p=config.raw(config_raw, "parameter_base_hash"),
        h_m=config.raw(config_raw, "manifest_hash"),
        h_b=config.raw(config_raw, "election_base_hash"),
        chaining=chaining,
        aux0=_aux0(config, config_raw),
        manifest_file=manifest_file,
        contests=contests,
        styles=styles,
        joint_key=init.number(init_raw, "joint_public_key"),
        h_e=init.raw(init_raw, "extended_base_hash"),
        guardians=tuple(guardians),
        encrypted_tally=encrypted,
        cast_ids=tuple(cast_ids),
        tally=tally,
        tally_contests=tally_contests,
        tally_has_contest_data=tally_data,
        ballot_files=tuple(ballot_files),
        chains=chains,
        decrypted_files=tuple(decrypted_files),
    )


# -- ballots -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection20:
    selection_id: str
    sequence_order: int
    ciphertext: tuple[int, int]
    proof: tuple[tuple[int, int], ...]
    """(c_j, v_j) for j = 0..R."""


@dataclass(frozen=True, slots=True)
class ContestData20:
    c0: int
    c1: bytes
    c2: bytes
    size: int
    """``numBytes``: how many bytes of the padded data are meaningful (egk's field)."""


@dataclass(frozen=True, slots=True)
class Contest20:
    contest_id: str
    sequence_order: int
    votes_allowed: int | None
    contest_hash: bytes
    selections: tuple[Selection20, ...]
    proof: tuple[tuple[int, int], ...]
    contest_data: ContestData20 | None


@dataclass(frozen=True, slots=True)
class Ballot20:
    ballot_id: str
    style_id: str
    device: str
    aux: bytes
    confirmation_code: bytes
    election_id: bytes
    state: str
    contests: tuple[Contest20, ...]
    serial: tuple[int, int] | None
    """egk's optional encrypted serial number (not defined by the 2.0.0 spec)."""
    pre_encrypted: bool


def _range_proof(doc: Coder, obj: Any, path: str) -> tuple[tuple[int, int], ...]:
    return tuple(doc.proof(p, f"{path}.proofs[{j}]") for j, p in enumerate(doc.items(obj, "proofs", path)))


def _contest_data(doc: Coder, obj: Any, path: str) -> ContestData20:
    return ContestData20(
        c0=doc.number(obj, "c0", path),
        c1=doc.raw(obj, "c1", path),
        c2=doc.raw(obj, "c2", path),
        size=doc.integer(obj, "numBytes", path),
    )


def parse_ballot(raw: Any, where: str, b64: bool) -> Ballot20:
    doc = Coder(where, b64)
    contests = []
    for ci, contest in enumerate(doc.items(raw, "contests")):
        path = f"contests[{ci}]"
        selections = tuple(
            Selection20(
                selection_id=doc.text(s, "selection_id", f"{path}.selections[{si}]"),
                sequence_order=doc.integer(s, "sequence_order", f"{path}.selections[{si}]"),
                ciphertext=doc.ciphertext(s, "encrypted_vote", f"{path}.selections[{si}]"),
                proof=_range_proof(
                    doc, doc.get(s, "proof", f"{path}.selections[{si}]"), f"{path}.selections[{si}].proof"
                ),
            )
            for si, s in enumerate(doc.items(contest, "selections", path))
        )
        data = contest.get("encrypted_contest_data")
        contests.append(
            Contest20(
                contest_id=doc.text(contest, "contest_id", path),
                sequence_order=doc.integer(contest, "sequence_order", path),
                votes_allowed=doc.integer(contest, "votes_allowed", path) if "votes_allowed" in contest else None,
                contest_hash=doc.raw(contest, "contest_hash", path),
                selections=selections,
                proof=_range_proof(doc, doc.get(contest, "proof", path), f"{path}.proof"),
                contest_data=None if data is None else _contest_data(doc, data, f"{path}.encrypted_contest_data"),
            )
        )
    serial = raw.get("encrypted_sn") if isinstance(raw, dict) else None
    pre = raw.get("is_preencrypt", False) if isinstance(raw, dict) else False
    if not isinstance(pre, bool):
        raise doc.fail("is_preencrypt", "expected true or false")
    return Ballot20(
        ballot_id=doc.text(raw, "ballot_id"),
        style_id=doc.text(raw, "ballot_style_id"),
        device=doc.text(raw, "encrypting_device"),
        aux=doc.hex_bytes(raw, "code_baux"),
        confirmation_code=doc.raw(raw, "confirmation_code"),
        election_id=doc.raw(raw, "election_id"),
        state=doc.text(raw, "state"),
        contests=tuple(contests),
        serial=None if serial is None else doc.ciphertext(raw, "encrypted_sn", ""),
        pre_encrypted=pre,
    )


# -- decrypted challenged ballots --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DecryptedSelection20:
    selection_id: str
    value: int
    """σ (``tally``)."""
    s_value: int
    """S = K^σ (``b_over_m``)."""
    ciphertext: tuple[int, int]
    proof: tuple[int, int]


@dataclass(frozen=True, slots=True)
class DecryptedContestData20:
    ciphertext: ContestData20
    proof: tuple[int, int]
    beta: int


@dataclass(frozen=True, slots=True)
class DecryptedContest20:
    contest_id: str
    selections: tuple[DecryptedSelection20, ...]
    contest_data: DecryptedContestData20 | None


@dataclass(frozen=True, slots=True)
class Decrypted20:
    ballot_id: str
    election_id: bytes
    contests: tuple[DecryptedContest20, ...]


def parse_decrypted(raw: Any, where: str, b64: bool) -> Decrypted20:
    doc = Coder(where, b64)
    contests = []
    for ci, contest in enumerate(doc.items(raw, "contests")):
        path = f"contests[{ci}]"
        selections = tuple(
            DecryptedSelection20(
                selection_id=doc.text(s, "selection_id", f"{path}.selections[{si}]"),
                value=doc.integer(s, "tally", f"{path}.selections[{si}]"),
                s_value=doc.number(s, "b_over_m", f"{path}.selections[{si}]"),
                ciphertext=doc.ciphertext(s, "encrypted_vote", f"{path}.selections[{si}]"),
                proof=doc.proof(doc.get(s, "proof", f"{path}.selections[{si}]"), f"{path}.selections[{si}].proof"),
            )
            for si, s in enumerate(doc.items(contest, "selections", path))
        )
        data_raw = contest.get("decrypted_contest_data")
        data = None
        if data_raw is not None:
            dpath = f"{path}.decrypted_contest_data"
            data = DecryptedContestData20(
                ciphertext=_contest_data(
                    doc, doc.get(data_raw, "encrypted_contest_data", dpath), f"{dpath}.encrypted_contest_data"
                ),
                proof=doc.proof(doc.get(data_raw, "proof", dpath), f"{dpath}.proof"),
                beta=doc.number(data_raw, "beta", dpath),
            )
        contests.append(
            DecryptedContest20(
                contest_id=doc.text(contest, "contest_id", path), selections=selections, contest_data=data
            )
        )
    return Decrypted20(ballot_id=doc.text(raw, "id"), election_id=doc.raw(raw, "election_id"), contests=tuple(contests))
