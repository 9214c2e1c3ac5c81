"""Verifications 1-4: parameters, base hashes, guardian keys, joint keys, extended base hash."""

from __future__ import annotations

from nazaha.crypto.group import Group
from nazaha.verify import spec_hashes
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21

__all__ = ["check_election"]


def _v1_parameters(record: Record21, expected: Group, findings: Findings) -> None:
    """Verification 1: version, p, q, g and the hashes H_P and H_B."""
    group = record.group
    findings.count("1")
    if record.spec_version != "2.1.0":
        findings.fail("1.A", "parameters.json", f"spec version is {record.spec_version!r}, not 2.1.0")
    for label, name, ours, theirs in (
        ("1.B", "p", group.p, expected.p),
        ("1.C", "q", group.q, expected.q),
        ("1.D", "g", group.g, expected.g),
    ):
        if ours != theirs:
            findings.fail(label, "parameters.json", f"{name} is not the standard {name} of §3.1.1")
    n = record.parameters.guardians
    k = record.parameters.quorum
    h_p = spec_hashes.parameter_hash(group, n, k)
    if h_p != record.hashes.parameter_hash:
        findings.fail("1.E", "hashes.json", "the parameter base hash H_P is not H(ver; 0x00, p, q, g, n, k)")
    h_b = spec_hashes.base_hash(group, record.hashes.parameter_hash, record.manifest_file)
    if h_b != record.hashes.base_hash:
        findings.fail("1.F", "hashes.json", "the base hash H_B is not H(H_P; 0x01, manifest)")


def _v2_guardians(record: Record21, findings: Findings) -> None:
    """Verification 2: commitments in the group, responses in Z_q, both challenges right."""
    group = record.group
    k = record.parameters.quorum
    h_p = record.hashes.parameter_hash
    for guardian in record.guardians:
        findings.count("2")
        subject = f"guardian {guardian.index}"
        shapes_ok = True
        for tag, commitments in (("vote", guardian.vote_commitments), ("data", guardian.data_commitments)):
            if len(commitments) != k:
                findings.fail("2.A", subject, f"{len(commitments)} {tag} commitments, expected k = {k}")
                shapes_ok = False
            for j, value in enumerate(commitments):
                if not group.is_element(value):
                    findings.fail("2.A", subject, f"{tag} commitment K_{guardian.index},{j} is not in Z_p^r")
        if not group.is_element(guardian.communication_key):
            findings.fail("2.A", subject, "the communication key κ_i is not in Z_p^r")
        for tag, label, commitments, proof in (
            ("pk_vote", "c_i", guardian.vote_commitments, guardian.vote_proof),
            ("pk_data", "c-hat_i", guardian.data_commitments, guardian.data_proof),
        ):
            if len(proof.responses) != k + 1:
                findings.fail(
                    "2.B",
                    subject,
                    f"the {tag!r} proof has {len(proof.responses)} responses, expected {k + 1}",
                )
                continue
            if not all(0 <= v < group.q for v in proof.responses):
                findings.fail("2.B", subject, f"a response of the {tag!r} proof is not in Z_q")
                continue
            if not shapes_ok:
                continue
            bases = [*commitments, guardian.communication_key]
            recomputed = [
                group.mul(group.g_pow(v), group.pow(base, proof.challenge))
                for base, v in zip(bases, proof.responses, strict=True)
            ]
            expected = spec_hashes.coefficient_challenge(
                group, h_p, tag, guardian.index, commitments, guardian.communication_key, recomputed
            )
            if expected != proof.challenge:
                findings.fail("2.C", subject, f"the challenge {label} of the {tag!r} proof is wrong")


def _v3_v4_joint_keys(record: Record21, findings: Findings) -> None:
    """Verifications 3 and 4: K and K-hat are products of the guardian keys; H_E is right."""
    group = record.group
    findings.count("3")
    findings.count("4")
    vote = group.prod(g.vote_commitments[0] for g in record.guardians if g.vote_commitments)
    data = group.prod(g.data_commitments[0] for g in record.guardians if g.data_commitments)
    if not group.is_element(record.hashes.vote_key):
        findings.fail("3.A", "hashes.json", "K is not in Z_p^r")
    if not group.is_element(record.hashes.data_key):
        findings.fail("3.B", "hashes.json", "K-hat is not in Z_p^r")
    if vote != record.hashes.vote_key:
        findings.fail("3.A", "hashes.json", "K is not the product of the guardians' keys K_i")
    if data != record.hashes.data_key:
        findings.fail("3.B", "hashes.json", "K-hat is not the product of the guardians' keys K-hat_i")
    h_e = spec_hashes.extended_hash(group, record.hashes.base_hash, record.hashes.vote_key, record.hashes.data_key)
    if h_e != record.hashes.extended_hash:
        findings.fail("4.A", "hashes.json", "the extended base hash H_E is not H(H_B; 0x14, K, K-hat)")


def check_election(record: Record21, expected: Group) -> Findings:
    """Run Verifications 1 to 4 on ``record`` against the ``expected`` (standard) group."""
    findings = Findings()
    _v1_parameters(record, expected, findings)
    _v2_guardians(record, findings)
    _v3_v4_joint_keys(record, findings)
    return findings
