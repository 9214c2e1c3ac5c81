"""electionguard-rust's pre-voting artifacts, verified as a partial 2.0.0 record.

The artifacts (``public/``: ``election_parameters.json``, ``election_manifest_canonical.bin``,
``guardian_<i>.public_key.json``, ``joint_election_public_key.json``, ``hashes.json``,
``hashes_ext.json``) hold what exists before voting: parameters, manifest, guardian keys, the
joint key and the hashes. So Verifications 1 to 4 run and every later one is reported not
applicable. ``SECRET_for_guardian_<i>/`` folders are never read.

Two generations exist. The 2023 one writes numbers as ``base64:...`` and hashes as ``H(hex)``,
follows 2.0.0 exactly, and publishes coefficient commitments without proofs. The 2024 one
writes uppercase hex, publishes a proof per coefficient, and computes H_M without the length
prefix and H_B = H(H_P; 0x02, n, k, date, info, H_M), a draft that matches neither 2.0.0 nor
2.1.0: such hashes are reported by name, as the record's own draft rule, never silently.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import File, hash_h
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.errors import ParameterError, RecordFormatError
from nazaha.verify.eg2 import hashes
from nazaha.verify.eg2.catalog import CHECKS_2_0, PRE_VOTING_2_0
from nazaha.verify.eg2.checks import ElectionInputs20, GuardianInput20, check_election20
from nazaha.verify.eg2.runner import standard_or
from nazaha.verify.findings import Findings
from nazaha.verify.report import CheckResult, Report

__all__ = ["is_rust_artifacts", "rust_public_folder", "verify_rust_artifacts"]

_HEX = re.compile(r"[0-9A-F]+")
_HASH = re.compile(r"H\(([0-9A-F]{64})\)")


def rust_public_folder(root: Path) -> Path:
    """The folder of the public artifacts: ``root/public`` or ``root`` itself."""
    return root / "public" if (root / "public" / "election_parameters.json").is_file() else root


def is_rust_artifacts(root: Path) -> bool:
    public = rust_public_folder(root)
    return (public / "election_parameters.json").is_file() and (public / "hashes.json").is_file()


class _Doc:
    def __init__(self, public: Path, name: str) -> None:
        self.name = name
        try:
            self.raw: Any = json.loads((public / name).read_bytes())
        except FileNotFoundError:
            raise RecordFormatError(name, "missing from the artifacts") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise RecordFormatError(name, f"not valid JSON ({error})") from None

    def fail(self, path: str, problem: str) -> RecordFormatError:
        return RecordFormatError(f"{self.name}: {path}", problem)

    def at(self, *keys: str | int) -> Any:
        value = self.raw
        for key in keys:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                raise self.fail(".".join(map(str, keys)), "missing") from None
        return value

    def number(self, *keys: str | int) -> int:
        value = self.at(*keys)
        where = ".".join(map(str, keys))
        if not isinstance(value, str):
            raise self.fail(where, "expected a number as text")
        if value.startswith("base64:"):
            try:
                return int.from_bytes(base64.b64decode(value.removeprefix("base64:"), validate=True), "big")
            except binascii.Error as error:
                raise self.fail(where, f"not valid base64 ({error})") from None
        if not _HEX.fullmatch(value):
            raise self.fail(where, "expected uppercase hex or base64:...")
        return int(value, 16)

    def hash(self, *keys: str) -> bytes:
        value = self.at(*keys)
        where = ".".join(keys)
        if not isinstance(value, str):
            raise self.fail(where, "expected a hash as text")
        match = _HASH.fullmatch(value)
        text = match.group(1) if match else value
        if len(text) != 64 or not _HEX.fullmatch(text):
            raise self.fail(where, "expected 32 bytes in uppercase hex")
        return bytes.fromhex(text)

    def integer(self, *keys: str) -> int:
        value = self.at(*keys)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(".".join(keys), "expected an integer")
        return value

    def text(self, *keys: str) -> str:
        value = self.at(*keys)
        if not isinstance(value, str):
            raise self.fail(".".join(keys), "expected a string")
        return value


def _group(doc: _Doc) -> tuple[Group, str]:
    fixed = doc.at("fixed_parameters")
    if isinstance(fixed, dict) and "group" in fixed:  # 2024
        p, g = doc.number("fixed_parameters", "group", "p"), doc.number("fixed_parameters", "group", "g")
        q = doc.number("fixed_parameters", "field", "q")
        version = doc.at("fixed_parameters", "ElectionGuard_Design_Specification_version", "number")
    else:  # 2023
        p, q, g = (doc.number("fixed_parameters", name) for name in ("p", "q", "g"))
        version = doc.at("fixed_parameters", "ElectionGuard_Design_Specification", "Official", "version")
    if (p - 1) % q:
        raise doc.fail("fixed_parameters", "q does not divide p - 1")
    try:
        group = Group(name="electionguard-rust", p=p, q=q, r=(p - 1) // q, g=g)
    except ParameterError as error:
        raise RecordFormatError(doc.name, f"not a valid group: {error}") from None
    label = ".".join(str(x) for x in version) if isinstance(version, list) else str(version)
    return group, label


def verify_rust_artifacts(root: Path) -> Report:
    """Verify electionguard-rust's pre-voting artifacts as a partial 2.0.0 record (1-4 only)."""
    public = rust_public_folder(root)
    parameters = _Doc(public, "election_parameters.json")
    group, label = _group(parameters)
    group = standard_or(group)
    n = parameters.integer("varying_parameters", "n")
    k = parameters.integer("varying_parameters", "k")
    date = parameters.text("varying_parameters", "date")
    info = parameters.text("varying_parameters", "info")
    hashes_doc = _Doc(public, "hashes.json")
    guardians = []
    for i in range(1, n + 1):
        doc = _Doc(public, f"guardian_{i}.public_key.json")
        if doc.integer("i") != i:
            raise doc.fail("i", f"expected {i}")
        commitments = tuple(
            doc.number("coefficient_commitments", j) for j in range(len(doc.at("coefficient_commitments")))
        )
        proofs = None
        if isinstance(doc.raw, dict) and "coefficient_proofs" in doc.raw:
            proofs = tuple(
                (doc.number("coefficient_proofs", j, "challenge"), doc.number("coefficient_proofs", j, "response"))
                for j in range(len(doc.at("coefficient_proofs")))
            )
        guardians.append(GuardianInput20(name=str(i), index=i, commitments=commitments, proofs=proofs))
    manifest_path = public / "election_manifest_canonical.bin"
    if not manifest_path.is_file():
        raise RecordFormatError("election_manifest_canonical.bin", "missing from the artifacts")
    inputs = ElectionInputs20(
        where="hashes.json",
        group=group,
        guardian_count=n,
        quorum=k,
        h_p=hashes_doc.hash("h_p"),
        h_m=hashes_doc.hash("h_m"),
        h_b=hashes_doc.hash("h_b"),
        h_e=_Doc(public, "hashes_ext.json").hash("h_e"),
        manifest_file=manifest_path.read_bytes(),
        joint_key=_Doc(public, "joint_election_public_key.json").number("joint_election_public_key"),
        guardians=tuple(guardians),
        rust_draft=(date, info),
    )
    findings = Findings()
    if inputs.h_p != hashes.parameter_hash(group) and inputs.h_p == hashes.parameter_hash_2_1(group, n, k):
        findings.fail("1.A", "hashes.json", "H_P follows 2.1.0; these artifacts are checked by the 2.0.0 rules only")
    check_election20(inputs, STANDARD_GROUP, findings)
    _check_copies(public, findings)
    _warnings(findings, label, inputs)
    return _report(root, findings)


_COPIES = {
    "parameters": "election_parameters.json",
    "manifest": "election_manifest.json",
    "hashes": "hashes.json",
    "hashes_ext": "hashes_ext.json",
    "public_key": "joint_election_public_key.json",
}


def _check_copies(public: Path, findings: Findings) -> None:
    """0.D: ``pre_voting_data.json`` (2024), when present, repeats the other files exactly."""
    if not (public / "pre_voting_data.json").is_file():
        return
    combined = _Doc(public, "pre_voting_data.json")
    findings.count("0")
    for key, name in _COPIES.items():
        if (public / name).is_file() and combined.at(key) != _Doc(public, name).raw:
            findings.fail("0.D", "pre_voting_data.json", f"its {key!r} differs from {name}")


def _matches_2_1(inputs: ElectionInputs20, value: bytes) -> bool:
    """Whether ``value`` is the 2.1.0 base hash H(H_P; 0x01, manifest) (2.1.0 eq. 5), under the
    2.1.0 H_P or the artifacts' own."""
    group = inputs.group
    candidates = (hashes.parameter_hash_2_1(group, inputs.guardian_count, inputs.quorum), inputs.h_p)
    return any(hash_h(group, h_p, 0x01, File(inputs.manifest_file)) == value for h_p in candidates)


def _warnings(findings: Findings, label: str, inputs: ElectionInputs20) -> None:
    seen = findings.observed
    drafts = [name for name in ("h_m", "h_b") if seen[f"rust-draft-{name}"]]
    values = {"h_m": inputs.h_m, "h_b": inputs.h_b}
    for name in drafts:
        if _matches_2_1(inputs, values[name]):
            findings.fail(
                "1.G" if name == "h_m" else "1.H", "hashes.json", f"{name} is a 2.1.0 base hash in a 2.0.0 record"
            )
    if drafts:
        names = " and ".join(x.upper() for x in drafts)
        findings.warn(
            "rust-draft-hashes",
            "hashes.json",
            f"{names} {'match' if len(drafts) > 1 else 'matches'} neither ElectionGuard 2.0.0 nor 2.1.0: "
            "electionguard-rust's 2024 draft computed H_M without the manifest's length prefix and "
            "H_B = H(H_P; 0x02, n, k, date, info, H_M); the verifier recomputed them by that draft, and H_E and "
            "the keys from them",
        )
    if seen["guardian-without-proofs"]:
        findings.warn(
            "no-guardian-proofs",
            "guardian_*.public_key.json",
            f"{seen['guardian-without-proofs']} guardian key(s) publish coefficient commitments without proofs of "
            "knowledge: Verification 2 could check only that the commitments are in Z_p^r",
        )
    if label not in ("2.0", "2.0.0"):
        findings.warn(
            "version-label", "election_parameters.json", f"the artifacts say version {label!r}; checked by 2.0.0"
        )


def _report(root: Path, findings: Findings) -> Report:
    results = []
    for check in CHECKS_2_0:
        verdict = CheckResult(
            check=check, items=findings.items.get(check.number, 0), failures=findings.failures.get(check.number, [])
        )
        if check.number not in PRE_VOTING_2_0 and check.number != "0":
            verdict.not_applicable = "pre-voting artifacts: no ballots, tally or decryptions"
        elif check.number == "0" and not verdict.items:
            verdict.not_applicable = "the artifacts have no files beyond those read for Verifications 1-4"
        results.append(verdict)
    return Report(
        record=str(root),
        format="electionguard-rust pre-voting artifacts",
        results=results,
        spec_version="2.0.0",
        warnings=list(findings.warnings),
        partial="the pre-voting phase only (parameters, manifest, guardian keys, joint key, hashes)",
    )
