"""ElectionGuard "1.91" records (electionguard-core2, the C#/C++ SDK of the College Park 2023 pilot).

The layout is electionguard-python's 1.x folder (``constants.json``, ``context.json``,
``manifest.json``, ``guardians/``, ``submitted_ballots/``, ``spoiled_ballots/``,
``encrypted_tally.json``, ``tally.json``) with the C++ SDK's field names: guardians carry
``coefficient_proofs`` (with ``usage``), contests a range proof, tallies one combined proof per
selection. The cryptography is a hybrid of 2.0 and 1.x: the 2.x prime, votes encrypted as K^σ,
2.x-style proofs, and the 1.x "pipe" hash (``hashing.hash_elems``).

The rules are those of MITRE's "Requirements for ElectionGuard version 1.91 Verifiers"
(amended 2023-11-08, ``spec-1.x/related-1.91/``), which number the checks as ElectionGuard 2.0
does. Where the record shows the requirements to be wrong, the record's own consistent rule is
used and said: the selection challenge hashes a0, b0, a1, b1 in that order (the requirements
print a0, a1, b0, b1), and a ballot's state says whether it was cast (1), challenged and
decrypted (2) or spoiled without decryption (3), which ``encrypted_tally.json`` confirms.

What the requirements exclude (Verification 6, 7.A, 7.B, 11, 14 and the pre-encrypted 15-18:
the SDK did not implement them correctly or at all) is reported as not applicable with a named
warning. The decryption proofs are checked by their challenge hash (9.C, 12.C) as required, and
also by the Chaum-Pedersen equations a = g^v·K^c, b = A^v·M^c: when every proof satisfies them
they are required of all, when none does the record gets the warning that its decryptions are
not proven (only their hashes are), and a mixture fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nazaha.crypto.group import Group, set_parallelism
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.errors import RecordFormatError
from nazaha.progress import NoProgress, Progress
from nazaha.verify.eg1.hashing import Elem, hash_elems
from nazaha.verify.eg1.model import load_json
from nazaha.verify.findings import Findings
from nazaha.verify.report import Check, CheckResult, Report

__all__ = ["CHECKS_1_91", "CHUNK", "is_record191", "verify_record191"]

CHUNK = 4

_SPEC = "ElectionGuard 1.91 verifier requirements (MITRE, 2023-11-08)"
CHECKS_1_91: tuple[Check, ...] = (
    Check("0", "The record's files are complete, readable and consistent", "Nazaha record reading"),
    Check("1", "The standard 2.x parameters and a correct base hash", f"{_SPEC}, Verification 1"),
    Check("2", "Every guardian proved it knows each polynomial coefficient", f"{_SPEC}, Verification 2"),
    Check("3", "The joint key is the product of the guardians' keys", f"{_SPEC}, Verification 3"),
    Check("4", "The extended base hash is right", f"{_SPEC}, Verification 4"),
    Check("5", "Every encrypted selection encrypts 0 or 1", f"{_SPEC}, Verification 5"),
    Check("6", "No contest exceeds its vote limit", f"{_SPEC}, Verification 6"),
    Check("7", "Every confirmation code is right and unique", f"{_SPEC}, Verification 7"),
    Check("8", "The encrypted tally is the product of exactly the cast ballots", f"{_SPEC}, Verification 8"),
    Check("9", "Every tally value is correctly decrypted", f"{_SPEC}, Verification 9"),
    Check("10", "Every tally count matches its decryption; the tally covers the manifest", f"{_SPEC}, Verification 10"),
    Check("11", "The tally's contest data is correctly decrypted", f"{_SPEC}, Verification 11"),
    Check("12", "Every challenged ballot is correctly decrypted", f"{_SPEC}, Verification 12"),
    Check("13", "Every challenged ballot's values are valid and match the manifest", f"{_SPEC}, Verification 13"),
    Check("14", "Every challenged ballot's contest data is correctly decrypted", f"{_SPEC}, Verification 14"),
    Check("15", "Pre-encrypted ballots (Verifications 15-18)", f"{_SPEC}, Verifications 15-18"),
)

_EXCLUDED = {
    "6": "the 1.91 SDK's contest range proofs are not correct (MITRE 1.91 requirements: no Verification 6)",
    "11": "the 1.91 SDK did not decrypt contest data (MITRE 1.91 requirements: no Verification 11)",
    "14": "the 1.91 SDK did not decrypt contest data (MITRE 1.91 requirements: no Verification 14)",
    "15": "the 1.91 SDK has no pre-encrypted ballots (MITRE 1.91 requirements: no Verifications 15-18)",
}

CAST, CHALLENGED, SPOILED = 1, 2, 3
_VERSION = int.from_bytes(b"v2.0" + bytes(28), "big")
"""ver: "v2.0" padded with zero bytes to 32 bytes, hashed as a large integer (requirements, V1)."""


def is_record191(root: Path) -> bool:
    """True for a 1.x-layout record whose guardians carry the C++ SDK's ``coefficient_proofs``."""
    if not ((root / "context.json").is_file() and (root / "constants.json").is_file()):
        return False
    guardians = sorted((root / "guardians").glob("*.json"))
    if not guardians:
        return False
    try:
        first = load_json(guardians[0], f"guardians/{guardians[0].name}")
    except RecordFormatError:
        return False
    return isinstance(first, dict) and "coefficient_proofs" in first


class _Doc:
    """Typed access to one decoded file of the record; errors name the file and the field."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: str, problem: str) -> RecordFormatError:
        return RecordFormatError(f"{self.where}: {path}" if path else self.where, problem)

    def get(self, obj: Any, key: str, path: str = "") -> Any:
        if not isinstance(obj, dict) or key not in obj:
            raise self.fail(f"{path}.{key}".lstrip("."), "missing")
        return obj[key]

    def hex(self, obj: Any, key: str, path: str = "") -> int:
        value = self.get(obj, key, path)
        if not isinstance(value, str) or not value or any(ch not in "0123456789ABCDEFabcdef" for ch in value):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a hex string")
        return int(value, 16)

    def integer(self, obj: Any, key: str, path: str = "") -> int:
        value = self.get(obj, key, path)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected an integer")
        return value

    def text(self, obj: Any, key: str, path: str = "") -> str:
        value = self.get(obj, key, path)
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a string")
        return value

    def items(self, obj: Any, key: str, path: str = "") -> list[Any]:
        value = self.get(obj, key, path)
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected a list")
        return value

    def mapping(self, obj: Any, key: str, path: str = "") -> dict[str, Any]:
        value = self.get(obj, key, path)
        if not isinstance(value, dict):
            raise self.fail(f"{path}.{key}".lstrip("."), "expected an object")
        return value

    def pair(self, obj: Any, key: str, path: str) -> tuple[int, int]:
        value = self.get(obj, key, path)
        where = f"{path}.{key}".lstrip(".")
        return self.hex(value, "pad", where), self.hex(value, "data", where)

    def text_ids(self, obj: Any, key: str) -> tuple[str, ...]:
        values = self.items(obj, key)
        if not all(isinstance(v, str) for v in values):
            raise self.fail(key, "expected a list of strings")
        return tuple(values)


# -- the record ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contest191:
    contest_id: str
    sequence_order: int
    votes_allowed: int
    district: str
    selections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Guardian191:
    guardian_id: str
    sequence_order: int
    key: int
    commitments: tuple[int, ...]
    proofs: tuple[tuple[int, int, int, int], ...]
    """(K_i,j, h_i,j, c_i,j, v_i,j) for each coefficient."""


@dataclass(frozen=True, slots=True)
class TallySelection191:
    contest_id: str
    selection_id: str
    value: int
    t_value: int
    proof: tuple[int, int, int, int]
    """(a, b, c, v)."""


@dataclass(slots=True)
class Record191:
    root: Path
    group: Group
    manifest_version: str
    guardian_count: int
    quorum: int
    joint_key: int
    commitment_hash: int
    manifest_hash: int
    base_hash: int
    extended_hash: int
    contests: tuple[Contest191, ...]
    styles: dict[str, frozenset[str]]
    guardians: tuple[Guardian191, ...]
    encrypted_tally: dict[tuple[str, str], tuple[int, int]]
    listed: dict[int, tuple[str, ...]]
    """The ballot ids encrypted_tally.json lists as cast (1), challenged (2) and spoiled (3)."""
    tally: tuple[TallySelection191, ...]
    ballot_files: tuple[str, ...]
    decrypted_files: tuple[str, ...]
    copies_agree: bool
    """The encrypted tally's copy of the context (when it has one) equals context.json."""


def _decrypted_selections(doc: _Doc, raw: Any) -> tuple[TallySelection191, ...]:
    out = []
    for contest_id, contest in doc.mapping(raw, "contests").items():
        cpath = f"contests.{contest_id}"
        for selection_id, selection in doc.mapping(contest, "selections", cpath).items():
            spath = f"{cpath}.selections.{selection_id}"
            proof = doc.get(selection, "proof", spath)
            ppath = f"{spath}.proof"
            out.append(
                TallySelection191(
                    contest_id=contest_id,
                    selection_id=selection_id,
                    value=doc.integer(selection, "tally", spath),
                    t_value=doc.hex(selection, "value", spath),
                    proof=(
                        doc.hex(proof, "pad", ppath),
                        doc.hex(proof, "data", ppath),
                        doc.hex(proof, "challenge", ppath),
                        doc.hex(proof, "response", ppath),
                    ),
                )
            )
    return tuple(out)


def load_record191(root: Path) -> Record191:
    doc = _Doc("constants.json")
    raw = load_json(root / "constants.json", "constants.json")
    p, q, r, g = (doc.hex(raw, k) for k in ("large_prime", "small_prime", "cofactor", "generator"))
    try:
        group = Group(name="electionguard-1.91", p=p, q=q, r=r, g=g)
    except Exception as error:
        raise RecordFormatError("constants.json", f"not a valid group: {error}") from None
    group = STANDARD_GROUP if group == STANDARD_GROUP else group
    ctx_doc = _Doc("context.json")
    ctx = load_json(root / "context.json", "context.json")
    man_doc = _Doc("manifest.json")
    manifest = load_json(root / "manifest.json", "manifest.json")
    contests = []
    for ci, contest in enumerate(man_doc.items(manifest, "contests")):
        path = f"contests[{ci}]"
        contests.append(
            Contest191(
                contest_id=man_doc.text(contest, "object_id", path),
                sequence_order=man_doc.integer(contest, "sequence_order", path),
                votes_allowed=man_doc.integer(contest, "votes_allowed", path),
                district=man_doc.text(contest, "electoral_district_id", path),
                selections=tuple(
                    man_doc.text(s, "object_id", f"{path}.ballot_selections[{si}]")
                    for si, s in enumerate(man_doc.items(contest, "ballot_selections", path))
                ),
            )
        )
    styles = {}
    for si, style in enumerate(man_doc.items(manifest, "ballot_styles")):
        units = man_doc.items(style, "geopolitical_unit_ids", f"ballot_styles[{si}]")
        styles[man_doc.text(style, "object_id", f"ballot_styles[{si}]")] = frozenset(
            c.contest_id for c in contests if c.district in units
        )
    guardians = []
    for guardian_path in sorted((root / "guardians").glob("*.json")):
        where = f"guardians/{guardian_path.name}"
        gdoc = _Doc(where)
        graw = load_json(guardian_path, where)
        proofs = tuple(
            (
                gdoc.hex(proof, "public_key", f"coefficient_proofs[{j}]"),
                gdoc.hex(proof, "commitment", f"coefficient_proofs[{j}]"),
                gdoc.hex(proof, "challenge", f"coefficient_proofs[{j}]"),
                gdoc.hex(proof, "response", f"coefficient_proofs[{j}]"),
            )
            for j, proof in enumerate(gdoc.items(graw, "coefficient_proofs"))
        )
        commitments = tuple(
            gdoc.hex({"v": value}, "v", f"coefficient_commitments[{j}]")
            for j, value in enumerate(gdoc.items(graw, "coefficient_commitments"))
        )
        guardians.append(
            Guardian191(
                guardian_id=gdoc.text(graw, "guardian_id"),
                sequence_order=gdoc.integer(graw, "sequence_order"),
                key=gdoc.hex(graw, "key"),
                commitments=commitments,
                proofs=proofs,
            )
        )
    guardians.sort(key=lambda x: x.sequence_order)
    et_doc = _Doc("encrypted_tally.json")
    et = load_json(root / "encrypted_tally.json", "encrypted_tally.json")
    encrypted = {}
    for contest_id, contest in et_doc.mapping(et, "contests").items():
        for selection_id, selection in et_doc.mapping(contest, "selections", f"contests.{contest_id}").items():
            encrypted[(contest_id, selection_id)] = et_doc.pair(
                selection, "ciphertext", f"contests.{contest_id}.selections.{selection_id}"
            )
    listed = {
        CAST: et_doc.text_ids(et, "cast_ballot_ids"),
        CHALLENGED: et_doc.text_ids(et, "challenged_ballot_ids"),
        SPOILED: et_doc.text_ids(et, "spoiled_ballot_ids"),
    }
    version = manifest.get("spec_version", "") if isinstance(manifest, dict) else ""
    return Record191(
        root=root,
        group=group,
        manifest_version=version if isinstance(version, str) else "",
        guardian_count=ctx_doc.integer(ctx, "number_of_guardians"),
        quorum=ctx_doc.integer(ctx, "quorum"),
        joint_key=ctx_doc.hex(ctx, "elgamal_public_key"),
        commitment_hash=ctx_doc.hex(ctx, "commitment_hash"),
        manifest_hash=ctx_doc.hex(ctx, "manifest_hash"),
        base_hash=ctx_doc.hex(ctx, "crypto_base_hash"),
        extended_hash=ctx_doc.hex(ctx, "crypto_extended_base_hash"),
        contests=tuple(contests),
        styles=styles,
        guardians=tuple(guardians),
        encrypted_tally=encrypted,
        listed=listed,
        tally=_decrypted_selections(_Doc("tally.json"), load_json(root / "tally.json", "tally.json")),
        ballot_files=tuple(f"submitted_ballots/{p.name}" for p in sorted((root / "submitted_ballots").glob("*.json"))),
        decrypted_files=tuple(f"spoiled_ballots/{p.name}" for p in sorted((root / "spoiled_ballots").glob("*.json"))),
        copies_agree=et.get("context", ctx) == ctx,
    )


# -- election-level checks: Verifications 1 to 4 ------------------------------------------------


def _check_base_hash(record: Record191, findings: Findings) -> None:
    """1.I: Q = H(H_P, "02", n, k, H_M), or the 2023-11-03 draft's order with a named warning."""
    group = record.group
    q = group.q
    h_p = hash_elems(q, Elem(_VERSION), "00", Elem(group.p), Elem(group.q), Elem(group.g))
    h_m = hash_elems(q, Elem(h_p), "01", Elem(record.manifest_hash))
    n, k = record.guardian_count, record.quorum
    if hash_elems(q, Elem(h_p), "02", n, k, Elem(h_m)) == record.base_hash:
        pass
    elif hash_elems(q, Elem(h_p), "02", Elem(h_m), n, k) == record.base_hash:
        findings.warn(
            "1.91-base-hash-draft",
            "context.json",
            'the base hash Q is H(H_P, "02", H_M, n, k), the formula of the 2023-11-03 draft of the 1.91 '
            'requirements, which their 2023-11-08 amendment changed to H(H_P, "02", n, k, H_M): accepted as the '
            "formula the SDK used",
        )
    else:
        findings.fail("1.I", "context.json", 'the base hash Q is not H(H_P, "02", n, k, H_M) (nor the draft\'s order)')


def _check_parameters(record: Record191, findings: Findings) -> None:
    """Verification 1: the context's copies agree, the standard 2.x group, the base hash, the guardians."""
    group = record.group
    findings.count("1")
    if not record.copies_agree:
        findings.fail("0.D", "encrypted_tally.json", "its copy of the context differs from context.json")
    if record.manifest_version != "1.0":
        findings.fail("1.A", "manifest.json", f"spec_version is {record.manifest_version!r}; 1.91 records say 1.0")
    for label, name, ours, theirs in (
        ("1.B", "p", group.p, STANDARD_GROUP.p),
        ("1.C", "q", group.q, STANDARD_GROUP.q),
        ("1.D", "r", group.r, STANDARD_GROUP.r),
        ("1.E", "g", group.g, STANDARD_GROUP.g),
    ):
        if ours != theirs:
            findings.fail(label, "constants.json", f"{name} is not the standard {name} of ElectionGuard 2.x")
    _check_base_hash(record, findings)
    if len(record.guardians) != record.guardian_count:
        findings.fail(
            "1.I", "guardians/", f"{len(record.guardians)} guardians, the context says {record.guardian_count}"
        )


def _check_guardian(record: Record191, guardian: Guardian191, findings: Findings) -> None:
    """Verification 2 for one guardian: a Schnorr proof for each coefficient commitment."""
    group = record.group
    q = group.q
    findings.count("2")
    subject = f"guardian {guardian.guardian_id}"
    if len(guardian.proofs) != record.quorum or guardian.commitments != tuple(k for k, *_ in guardian.proofs):
        findings.fail("2.D", subject, f"expected {record.quorum} proofs, one for each coefficient commitment")
    if not guardian.commitments or guardian.key != guardian.commitments[0]:
        findings.fail("2.D", subject, "the guardian key is not its first coefficient commitment")
    for j, (commitment, h, challenge, response) in enumerate(guardian.proofs):
        where = f"{subject}, coefficient {j}"
        if not group.is_element(commitment):
            findings.fail("2.A", where, "K_i,j is not in Z_p^r")
            continue
        if not 0 <= response < q:
            findings.fail("2.B", where, "the response v_i,j is not in Z_q")
            continue
        if hash_elems(q, Elem(commitment), Elem(h)) != challenge:
            findings.fail("2.D", where, "the challenge is not H(K_i,j, h_i,j)")
        if group.g_pow(response) != group.mul(h, group.pow(commitment, challenge)):
            findings.fail("2.D", where, "g^v != h · K^c")


def _check_joint_key(record: Record191, findings: Findings) -> None:
    """Verification 3: every guardian key in the group, and K their product."""
    group = record.group
    findings.count("3")
    for guardian in record.guardians:
        if not group.is_element(guardian.key) or guardian.key == 1:
            findings.fail("3.A", f"guardian {guardian.guardian_id}", "K_i is not in Z_p^r or is 1")
    if group.prod(g.key for g in record.guardians) != record.joint_key or record.joint_key == 1:
        findings.fail("3.B", "context.json", "the joint key K is not the product of the guardians' keys")


def _check_extended_hash(record: Record191, findings: Findings) -> None:
    """Verification 4: the commitment hash H_C and the extended base hash Q-bar = H(Q, "12", K, H_C)."""
    q = record.group.q
    findings.count("4")
    commitments = [Elem(c) for g in record.guardians for c in g.commitments]
    if hash_elems(q, commitments) != record.commitment_hash:
        findings.fail("4.C", "context.json", "the commitment hash is not the hash of every guardian commitment")
    expected = hash_elems(q, Elem(record.base_hash), "12", Elem(record.joint_key), Elem(record.commitment_hash))
    if expected != record.extended_hash:
        findings.fail("4.B", "context.json", 'the extended base hash Q-bar is not H(Q, "12", K, H_C)')


def _check_election(record: Record191, findings: Findings) -> None:
    _check_parameters(record, findings)
    for guardian in record.guardians:
        _check_guardian(record, guardian, findings)
    _check_joint_key(record, findings)
    _check_extended_hash(record, findings)


# -- ballots: Verifications 5, 7.C (per ballot), 12, 13 ----------------------------------------


@dataclass(frozen=True, slots=True)
class Context191:
    root: str
    group: Group
    joint_key: int
    extended_hash: int
    manifest_hash: int
    contests: tuple[Contest191, ...]
    styles: dict[str, frozenset[str]]
    decrypted: frozenset[str]


@dataclass(slots=True)
class Result191:
    findings: Findings = field(default_factory=Findings)
    products: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    ballots: list[tuple[str, int, int]] = field(default_factory=list)
    """(ballot id, state, code) of every ballot read."""
    decrypted: list[str] = field(default_factory=list)
    """The spoiled_ballots/ files that belong to a challenged ballot."""


def _check_selection(
    ctx: Context191, selection: Any, where: str, doc: _Doc, path: str, findings: Findings
) -> tuple[int, int]:
    group = ctx.group
    q = group.q
    key = ctx.joint_key
    findings.count("5")
    alpha, beta = doc.pair(selection, "ciphertext", path)
    proof = doc.get(selection, "proof", path)
    ppath = f"{path}.proof"
    a0, b0, a1, b1 = (doc.hex(proof, f"proof_{n}", ppath) for n in ("zero_pad", "zero_data", "one_pad", "one_data"))
    c0, c1, v0, v1 = (
        doc.hex(proof, f"proof_{n}", ppath)
        for n in ("zero_challenge", "one_challenge", "zero_response", "one_response")
    )
    challenge = doc.hex(proof, "challenge", ppath)
    if not (group.is_element(alpha) and group.is_element(beta)):
        findings.fail("5.A", where, "α or β is not in Z_p^r")
        return alpha, beta
    if not all(0 <= x < q for x in (c0, c1, v0, v1, challenge)):
        findings.fail("5.B", where, "a challenge or response is not in Z_q")
        return alpha, beta
    expected = hash_elems(
        q, "21", Elem(ctx.extended_hash), Elem(key), Elem(alpha), Elem(beta), *map(Elem, (a0, b0, a1, b1))
    )
    if expected != challenge or (c0 + c1) % q != challenge:
        findings.fail("5.F", where, 'c0 + c1 != H("21", Q-bar, K, α, β, a0, b0, a1, b1) mod q')
    fixed = group.fixed_base(key)
    if a0 != group.mul(group.g_pow(v0), group.pow(alpha, c0)) or b0 != group.mul(fixed.pow(v0), group.pow(beta, c0)):
        findings.fail("5.D", where, "a0 != g^v0 · α^c0 or b0 != K^v0 · β^c0")
    if a1 != group.mul(group.g_pow(v1), group.pow(alpha, c1)) or b1 != group.mul(
        fixed.pow(v1 - c1), group.pow(beta, c1)
    ):
        findings.fail("5.E", where, "a1 != g^v1 · α^c1 or b1 != K^(v1 - c1) · β^c1")
    return alpha, beta


def _check_ballot_contest(
    ctx: Context191,
    doc: _Doc,
    contest: Any,
    cpath: str,
    subject: str,
    manifest: dict[str, Contest191],
    encrypted: dict[tuple[str, str], tuple[int, int]],
    findings: Findings,
) -> None:
    """Verification 5 for one contest of a ballot, its match with the manifest and its accumulation;
    adds its real selections' ciphertexts to ``encrypted``."""
    group = ctx.group
    contest_id = doc.text(contest, "object_id", cpath)
    info = manifest.get(contest_id)
    where = f"{subject}, contest {contest_id}"
    if info is None:
        findings.fail("0.S", where, "the contest is not in the manifest")
        return
    real = []
    contest_pairs = []
    for si, selection in enumerate(doc.items(contest, "ballot_selections", cpath)):
        spath = f"{cpath}.ballot_selections[{si}]"
        selection_id = doc.text(selection, "object_id", spath)
        pair = _check_selection(ctx, selection, f"{where}, selection {selection_id}", doc, spath, findings)
        contest_pairs.append(pair)
        if not selection.get("is_placeholder_selection", False):
            real.append(selection_id)
            encrypted[(contest_id, selection_id)] = pair
    if sorted(real) != sorted(info.selections):
        findings.fail("0.S", where, "the selections differ from the manifest's")
    pads = [pad for pad, _ in contest_pairs]
    datas = [data for _, data in contest_pairs]
    if doc.pair(contest, "ciphertext_accumulation", cpath) != (group.prod(pads), group.prod(datas)):
        findings.fail("0.E", where, "the contest's ciphertext accumulation is not the product of its selections")
    extended = contest.get("extended_data")
    if extended is not None and not group.is_element(doc.hex(extended, "pad", f"{cpath}.extended_data")):
        findings.fail("0.E", where, "the extended data ciphertext's pad is not in Z_p^r")


def _check_ballot_contests(
    ctx: Context191, doc: _Doc, raw: Any, subject: str, findings: Findings
) -> dict[tuple[str, str], tuple[int, int]]:
    """The ballot's contests against its style, each checked; the real selections' ciphertexts."""
    style = ctx.styles.get(doc.text(raw, "style_id"))
    manifest = {c.contest_id: c for c in ctx.contests}
    encrypted: dict[tuple[str, str], tuple[int, int]] = {}
    contests = doc.items(raw, "contests")
    if style is None or {doc.text(c, "object_id", f"contests[{i}]") for i, c in enumerate(contests)} != style:
        findings.fail("0.S", subject, "the ballot's contests are not those of its ballot style")
    for ci, contest in enumerate(contests):
        _check_ballot_contest(ctx, doc, contest, f"contests[{ci}]", subject, manifest, encrypted, findings)
    return encrypted


def _accumulate(group: Group, encrypted: dict[tuple[str, str], tuple[int, int]], result: Result191) -> None:
    """A cast ballot's selections multiplied into the chunk's products, for Verification 8."""
    p = group.p
    for key, (pad, data) in encrypted.items():
        old_pad, old_data = result.products.get(key, (1, 1))
        result.products[key] = (old_pad * pad % p, old_data * data % p)


def _check_ballot(ctx: Context191, name: str, raw: Any, result: Result191) -> None:
    findings = result.findings
    doc = _Doc(name)
    ballot_id = doc.text(raw, "object_id")
    subject = f"ballot {ballot_id}"
    state = doc.integer(raw, "state")
    code = doc.hex(raw, "code")
    doc.hex(raw, "code_seed")
    if doc.hex(raw, "crypto_hash") != code:
        findings.fail("7.B", subject, "the code is not the ballot's crypto hash, as 1.91 records make it")
    if doc.hex(raw, "manifest_hash") != ctx.manifest_hash:
        findings.fail("0.S", subject, "the ballot names another manifest hash than the context")
    findings.count("7")
    result.ballots.append((ballot_id, state, code))
    if state not in (CAST, CHALLENGED, SPOILED):
        findings.fail("0.S", subject, f"state {state} is neither cast (1), challenged (2) nor spoiled (3)")
        return
    encrypted = _check_ballot_contests(ctx, doc, raw, subject, findings)
    if state == CAST:
        _accumulate(ctx.group, encrypted, result)
    elif state == CHALLENGED:
        _check_challenged(ctx, ballot_id, code, encrypted, subject, result)


def _decryption_ok(
    group: Group, key: int, q_bar: int, pad: int, data: int, value: int, proof: tuple[int, int, int, int]
) -> tuple[bool, bool, bool]:
    """(v in Z_q, the nested challenge hash, the equations a = g^v·K^c, b = A^v·M^c)."""
    a, b, challenge, response = proof
    q = group.q
    if not 0 <= response < q or not group.is_element(value):
        return False, False, False
    m = group.div(data, value)
    h = hash_elems(q, "30")
    for x in (q_bar, key, pad, data, a, b, m):
        h = hash_elems(q, Elem(h), Elem(x))
    equations = a == group.mul(group.g_pow(response), group.fixed_base(key).pow(challenge)) and b == group.mul(
        group.pow(pad, response), group.pow(m, challenge)
    )
    return True, h == challenge, equations


def _decrypted_option_known(
    manifest: dict[str, Contest191],
    encrypted: dict[tuple[str, str], tuple[int, int]],
    selection: TallySelection191,
    where: str,
    findings: Findings,
) -> bool:
    """Whether a challenged ballot's decrypted option is in the manifest and on the ballot (13.D, 13.E, 12.C)."""
    info = manifest.get(selection.contest_id)
    if info is None:
        findings.fail("13.D", where, "the contest is not in the manifest")
        return False
    if selection.selection_id not in info.selections:
        findings.fail("13.E", where, "the option is not an option of the contest in the manifest")
        return False
    if (selection.contest_id, selection.selection_id) not in encrypted:
        findings.fail("12.C", where, "the ballot has no encryption of this option")
        return False
    return True


def _check_challenged_selection(
    ctx: Context191, ciphertext: tuple[int, int], selection: TallySelection191, where: str, findings: Findings
) -> None:
    """Verifications 12 and 13 for one decrypted option: its proof, and S = K^σ with σ 0 or 1."""
    group = ctx.group
    findings.count("12")
    findings.count("13")
    pad, data = ciphertext
    in_range, hashed, equations = _decryption_ok(
        group, ctx.joint_key, ctx.extended_hash, pad, data, selection.t_value, selection.proof
    )
    if not in_range:
        findings.fail("12.A", where, "the response v is not in Z_q (or S is not in Z_p^r)")
    elif not hashed:
        findings.fail("12.C", where, 'the challenge is not the chained hash of "30", Q-bar, K, α, β, a, b, M')
    findings.observe("decryption-equations" if equations else "decryption-hash-only")
    if selection.value not in (0, 1):
        findings.fail("13.B", where, f"the value {selection.value} is neither 0 nor 1")
    elif group.fixed_base(ctx.joint_key).pow(selection.value) != selection.t_value:
        findings.fail("13.A", where, f"S != K^σ for the published σ = {selection.value}")


def _check_challenged(
    ctx: Context191,
    ballot_id: str,
    code: int,
    encrypted: dict[tuple[str, str], tuple[int, int]],
    subject: str,
    result: Result191,
) -> None:
    """Verifications 12 and 13 for one challenged ballot."""
    findings = result.findings
    candidates = [f"spoiled_ballots/{code:064X}.json", f"spoiled_ballots/{ballot_id}.json"]
    name = next((c for c in candidates if c in ctx.decrypted), None)
    if name is None:
        findings.fail("12.C", subject, "the challenged ballot has no decryption in spoiled_ballots/")
        return
    result.decrypted.append(name)
    doc = _Doc(name)
    raw = load_json(Path(ctx.root) / name, name)
    if doc.text(raw, "ballot_id") != ballot_id or doc.hex(raw, "name") != code:
        findings.fail("12.C", subject, "the decryption names another ballot or code")
    manifest = {c.contest_id: c for c in ctx.contests}
    totals: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for selection in _decrypted_selections(doc, raw):
        where = f"{subject}, {selection.contest_id}/{selection.selection_id}"
        key = (selection.contest_id, selection.selection_id)
        if not _decrypted_option_known(manifest, encrypted, selection, where, findings):
            continue
        seen.add(key)
        _check_challenged_selection(ctx, encrypted[key], selection, where, findings)
        totals[selection.contest_id] = totals.get(selection.contest_id, 0) + selection.value
    for contest_id, total in totals.items():
        if total > manifest[contest_id].votes_allowed:
            findings.fail("13.C", f"{subject}, {contest_id}", f"{total} selections exceed the limit")
    for contest_id, selection_id in sorted(set(encrypted) - seen):
        findings.fail(
            "13.F", f"{subject}, {contest_id}/{selection_id}", "the manifest's option is not in the decryption"
        )


def check_chunk191(ctx: Context191, names: Sequence[str]) -> Result191:
    result = Result191()
    for name in names:
        result.findings.count("0")
        try:
            _check_ballot(ctx, name, load_json(Path(ctx.root) / name, name), result)
        except RecordFormatError as error:
            result.findings.fail("0.F", name, str(error))
    return result


# -- across ballots and the tally ----------------------------------------------------------------


def _check_codes(result: Result191, findings: Findings) -> None:
    """7.C: no two ballots share a confirmation code."""
    codes: dict[int, str] = {}
    for ballot_id, _, code in result.ballots:
        if code in codes:
            findings.fail("7.C", f"ballot {ballot_id}", f"ballot {codes[code]} has the same confirmation code")
        codes[code] = ballot_id


def _check_listed(record: Record191, result: Result191, findings: Findings) -> None:
    """8.C: the encrypted tally lists each state's ballots, exactly."""
    for state, listed in record.listed.items():
        actual = sorted(b for b, s, _ in result.ballots if s == state)
        if sorted(listed) != actual:
            findings.fail(
                "8.C", "encrypted_tally.json", f"the ballots listed in state {state} are not those of that state"
            )


def _check_aggregation(
    record: Record191, result: Result191, manifest: set[tuple[str, str]], findings: Findings
) -> None:
    """8.A, 8.B: each option's encrypted tally is the product of the cast ballots' encryptions."""
    for key in sorted(manifest | set(record.encrypted_tally)):
        findings.count("8")
        subject = f"{key[0]}/{key[1]}"
        encrypted = record.encrypted_tally.get(key)
        if encrypted is None or key not in manifest:
            findings.fail("8.A", subject, "the option is not in both the manifest and the encrypted tally")
            continue
        expected = result.products.get(key, (1, 1))
        if encrypted[0] != expected[0]:
            findings.fail("8.A", subject, "A is not the product of the cast ballots' α")
        if encrypted[1] != expected[1]:
            findings.fail("8.B", subject, "B is not the product of the cast ballots' β")


def _check_tally_selection(record: Record191, selection: TallySelection191, subject: str, findings: Findings) -> None:
    """Verifications 9 and 10 for one option of the tally: its proof, and T = K^t."""
    group = record.group
    key = (selection.contest_id, selection.selection_id)
    findings.count("9")
    findings.count("10")
    pad, data = record.encrypted_tally.get(key, (1, 1))
    in_range, hashed, equations = _decryption_ok(
        group, record.joint_key, record.extended_hash, pad, data, selection.t_value, selection.proof
    )
    if not in_range:
        findings.fail("9.A", subject, "the response v is not in Z_q (or T is not in Z_p^r)")
    elif not hashed:
        findings.fail("9.C", subject, 'the challenge is not the chained hash of "30", Q-bar, K, A, B, a, b, M')
    findings.observe("decryption-equations" if equations else "decryption-hash-only")
    if selection.value < 0 or group.fixed_base(record.joint_key).pow(selection.value) != selection.t_value:
        findings.fail("10.A", subject, f"T != K^t for the published t = {selection.value}")


def _check_decrypted_tally(record: Record191, manifest: set[tuple[str, str]], findings: Findings) -> None:
    """Verifications 9 and 10: every option of the tally decrypted, and exactly the manifest's."""
    seen = set()
    for selection in record.tally:
        key = (selection.contest_id, selection.selection_id)
        subject = f"{key[0]}/{key[1]}"
        if key not in manifest:
            findings.fail(
                "10.B" if all(c.contest_id != key[0] for c in record.contests) else "10.C",
                subject,
                "not in the manifest",
            )
            continue
        seen.add(key)
        _check_tally_selection(record, selection, subject, findings)
    for key in sorted(manifest - seen):
        findings.fail("10.D", f"{key[0]}/{key[1]}", "the manifest's option is not in the tally")


def _check_tally(record: Record191, result: Result191, findings: Findings) -> None:
    _check_codes(result, findings)
    _check_listed(record, result, findings)
    manifest = {(c.contest_id, s) for c in record.contests for s in c.selections}
    _check_aggregation(record, result, manifest, findings)
    _check_decrypted_tally(record, manifest, findings)
    for name in record.decrypted_files:
        if name not in result.decrypted:
            findings.fail("12.C", name, "a decryption of a ballot that was not challenged")


def _warnings(findings: Findings, where: str) -> None:
    proven, hashed = findings.observed["decryption-equations"], findings.observed["decryption-hash-only"]
    if proven and hashed:
        findings.fail(
            "9.D",
            where,
            f"{hashed} decryption proof(s) do not satisfy a = g^v·K^c and b = A^v·M^c while {proven} do "
            "(Nazaha's own check: a 1.91 record holds sound proofs throughout or not at all)",
        )
    elif hashed:
        findings.warn(
            "1.91-decryptions-not-proven",
            where,
            f"none of the {hashed} decryption proofs (tally and challenged ballots) satisfies a = g^v·K^c and "
            "b = A^v·M^c; only their challenge hashes hold, which is all the MITRE 1.91 requirements ask (9.C, "
            "12.C), so this record does NOT prove that its tally and challenged ballots are correctly decrypted",
        )
    findings.warn(
        "1.91-excluded-checks",
        where,
        "the 1.91 SDK's contest range proofs, contest and ballot crypto hashes and tracking-code chain cannot "
        "be checked (MITRE 1.91 requirements: no Verification 6, 7.A, 7.B, 11, 14); every selection proof, the "
        "aggregation and the tally are",
    )


def _run(
    ctx: Context191, names: Sequence[str], executor: Executor | None, progress: Progress, size: int
) -> Iterator[Result191]:
    chunks = [list(names[i : i + size]) for i in range(0, len(names), size)]
    if executor is None:
        for chunk in chunks:
            yield check_chunk191(ctx, chunk)
            progress.advance(len(chunk))
        return
    futures: list[tuple[Future[Result191], int]] = [(executor.submit(check_chunk191, ctx, c), len(c)) for c in chunks]
    for future, count in futures:
        yield future.result()
        progress.advance(count)


def verify_record191(
    root: Path,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
) -> Report:
    """Verify an ElectionGuard 1.91 record. Raises ``RecordFormatError`` if it cannot be read."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    progress = progress or NoProgress()
    record = load_record191(root)
    findings = Findings()
    _check_election(record, findings)
    ctx = Context191(
        root=str(root),
        group=record.group,
        joint_key=record.joint_key,
        extended_hash=record.extended_hash,
        manifest_hash=record.manifest_hash,
        contests=record.contests,
        styles=record.styles,
        decrypted=frozenset(record.decrypted_files),
    )
    merged = Result191()
    progress.start("Verifying ballots", len(record.ballot_files))
    pool = (
        ProcessPoolExecutor(max_workers=jobs, initializer=set_parallelism, initargs=(1,))
        if executor is None and jobs > 1
        else None
    )
    p = record.group.p
    try:
        for result in _run(ctx, record.ballot_files, executor or pool, progress, chunk_size):
            findings.merge(result.findings)
            merged.ballots.extend(result.ballots)
            merged.decrypted.extend(result.decrypted)
            for key, (pad, data) in result.products.items():
                old_pad, old_data = merged.products.get(key, (1, 1))
                merged.products[key] = (old_pad * pad % p, old_data * data % p)
    finally:
        if pool is not None:
            pool.shutdown()
        progress.finish()
    _check_tally(record, merged, findings)
    _warnings(findings, str(root))
    challenged = any(state == CHALLENGED for _, state, _ in merged.ballots)
    results = []
    for check in CHECKS_1_91:
        verdict = CheckResult(
            check=check, items=findings.items.get(check.number, 0), failures=findings.failures.get(check.number, [])
        )
        if not verdict.failures:
            if check.number in _EXCLUDED:
                verdict.not_applicable = _EXCLUDED[check.number]
            elif check.number in ("12", "13") and not challenged:
                verdict.not_applicable = "no ballot was challenged"
        if check.number == "7" and not verdict.failures:
            verdict.note = (
                "7.C only: contest and ballot hashes and the code chain are excluded by the 1.91 requirements"
            )
        results.append(verdict)
    return Report(
        record=str(root),
        format="ElectionGuard 1.91 (electionguard-core2 SDK, 1.x layout)",
        results=results,
        spec_version="1.91",
        warnings=list(findings.warnings),
    )
