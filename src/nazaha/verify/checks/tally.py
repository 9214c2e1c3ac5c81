"""Verifications 9, 10 and 11: aggregation, decryption of the tally, and its contents.

Where the record's proof-hint annex holds the tally's decryption-proof commitments
(``hints/tally.bin``), Verification 10's proofs are checked as the ballots' are on the hinted
path (``nazaha.verify.checks.hinted``): each challenge must be the spec's hash of the hinted
(a, b), and a = g^v · K^c, b = A^v · M^c of every option are checked in one small-exponent batch
test after a membership test of each A and M. If anything of that fails, every option is checked
on the spec-only path, which names the failure; a hint never changes the report.
"""

from __future__ import annotations

from collections.abc import Sequence

import gmpy2

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.nonces import SystemRandom
from nazaha.election.manifest import Contest
from nazaha.election.tally import DecryptedContest, DecryptedOption
from nazaha.record.hints import TALLY_HINTS
from nazaha.verify import spec_hashes
from nazaha.verify.checks.hinted import BallotEquations, Equation, batch_holds, hints_apply
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21

__all__ = ["check_aggregation", "check_tally"]


def check_aggregation(
    record: Record21,
    products: dict[int, list[tuple[int, int]]],
    cast: int,
    findings: Findings,
) -> None:
    """Verification 9: (A, B) of each option equals the product over the cast ballots."""
    tally = record.encrypted_tally
    manifest = record.manifest
    if tally.cast_ballots != cast:
        findings.fail(
            "9.C",
            "encrypted_tally.json",
            f"the tally says {tally.cast_ballots} cast ballots, the record holds {cast}",
        )
    published = {contest.contest_index: contest for contest in tally.contests}
    for index, contest in manifest.iter_contests():
        encrypted = published.get(index)
        if encrypted is None:
            findings.fail("9.A", f"contest {contest.label!r}", "the encrypted tally has no entry for it")
            continue
        expected = products.get(index, [(1, 1)] * len(contest.options))
        if len(encrypted.options) != len(contest.options):
            findings.fail("9.A", f"contest {contest.label!r}", "the encrypted tally has the wrong number of options")
            continue
        for option, (pad, data), ciphertext in zip(contest.options, expected, encrypted.options, strict=True):
            findings.count("9")
            subject = f"contest {contest.label!r}, option {option.label!r}"
            if ciphertext.pad != pad:
                findings.fail("9.A", subject, "A is not the product of the α of the cast ballots")
            if ciphertext.data != data:
                findings.fail("9.B", subject, "B is not the product of the β of the cast ballots")
    for index in sorted(set(published) - {i for i, _ in manifest.iter_contests()}):
        findings.fail("9.A", f"contest {index}", "the encrypted tally has a contest the manifest lacks")


def check_tally(
    record: Record21, ballot_contest_labels: set[str], findings: Findings, hints: Sequence[int] | None = None
) -> None:
    """Verifications 10 and 11 on ``tally.json`` against the encrypted tally and the manifest;
    ``hints``: the values of ``hints/tally.bin``, if the record has them."""
    manifest = record.manifest
    tally = record.tally
    encrypted = {
        (contest.contest_index, option_index): ciphertext
        for contest in record.encrypted_tally.contests
        for option_index, ciphertext in enumerate(contest.options, start=1)
    }
    usable = hints is not None and hints_apply(record.group)  # as for the ballots' hints
    proven = usable and hints is not None and _hinted_proofs_hold(record, encrypted, hints)
    if usable and not proven:
        findings.warn(
            "hints-refused",
            TALLY_HINTS,
            "the tally's proof hints are malformed, or do not hash to or satisfy its decryption proofs' equations; "
            "those proofs were checked on the spec-only path",
        )
    manifest_labels = {contest.label: contest for _, contest in manifest.iter_contests()}
    if tally.cast_ballots != record.encrypted_tally.cast_ballots:
        findings.fail("11.A", "tally.json", "the decrypted tally counts a different number of cast ballots")
    present = list(tally.guardians_present)
    if len(set(present)) < record.parameters.quorum or any(not 1 <= j <= record.parameters.guardians for j in present):
        findings.fail("10.A", "tally.json", f"guardians present {present} are not a quorum of distinct guardians")
    seen_contests = set()
    for contest in tally.contests:
        findings.count("11")
        info = manifest_labels.get(contest.label)
        if info is None or manifest.contest_index(contest.label) != contest.contest_index:
            findings.fail("11.A", f"tally contest {contest.label!r}", "not a contest of the manifest (with that index)")
            continue
        seen_contests.add(contest.label)
        option_labels = _check_tally_options(contest, info, findings)
        for option in contest.options:
            findings.count("10")
            ciphertext = encrypted.get((contest.contest_index, option.option_index))
            _check_decrypted_option(record, contest, option, info, option_labels, ciphertext, findings, proven)
    for label in sorted(set(manifest_labels) - seen_contests):
        if label in ballot_contest_labels:
            findings.fail("11.D", f"contest {label!r}", "appears on submitted ballots but not in the tally")
        else:
            findings.fail("11.C", f"contest {label!r}", "is in the manifest but not in the tally")


def _hinted_proofs_hold(record: Record21, encrypted: dict[tuple[int, int], Ciphertext], hints: Sequence[int]) -> bool:
    """Whether the hinted commitments stand in for every decryption proof of the tally: one
    (a, b) per option of ``tally.json`` in order, each of Jacobi symbol 1, each challenge
    c = H(H_E; 0x31, ind_c, ind_o, A, B, a, b, M) (eq. 90), every A and M = B/T in Z_p^r, and
    a = g^v · K^c, b = A^v · M^c (Verification 10.A) for all options at once, in one batch."""
    group = record.group
    options = [(c.contest_index, o) for c in record.tally.contests for o in c.options]
    if len(hints) != 2 * len(options) or not options:
        return False
    if any(gmpy2.legendre(value, group.p) != 1 for value in hints):
        return False
    q = group.q
    equations: list[Equation] = []
    elements: list[int] = []
    for position, (contest_index, option) in enumerate(options):
        ciphertext = encrypted.get((contest_index, option.option_index))
        proof = option.proof
        if ciphertext is None or option.value_power == 0 or not (0 <= proof.challenge < q and 0 <= proof.response < q):
            return False
        a, b = hints[2 * position], hints[2 * position + 1]
        m = group.div(ciphertext.data, option.value_power)
        if _challenge(record, contest_index, option.option_index, ciphertext, a, b, m) != proof.challenge:
            return False
        equations.append(Equation(a, proof.response, proof.challenge, ()))
        equations.append(Equation(b, 0, 0, ((ciphertext.pad, proof.response), (m, proof.challenge))))
        elements += [ciphertext.pad, m]
    rng = SystemRandom()
    if not group.are_elements(elements, rng):
        return False
    return batch_holds(group, record.hashes.vote_key, [BallotEquations(tuple(equations), tuple(elements))], rng)


def _challenge(
    record: Record21, contest_index: int, option_index: int, ciphertext: Ciphertext, a: int, b: int, m: int
) -> int:
    """c = H(H_E; 0x31, ind_c, ind_o, A, B, a, b, M) of one tally option's decryption proof (eq. 90)."""
    return spec_hashes.decryption_challenge(
        record.group,
        record.hashes.extended_hash,
        contest_index,
        option_index,
        ciphertext.pad,
        ciphertext.data,
        a,
        b,
        m,
    )


def _check_tally_options(contest: DecryptedContest, info: Contest, findings: Findings) -> set[str]:
    """Verification 11 (B, C) of one contest's options; return the manifest's option labels."""
    option_labels = {option.label for option in info.options}
    for option in contest.options:
        if option.label not in option_labels:
            findings.fail("11.B", f"contest {contest.label!r}", f"option {option.label!r} is not in the manifest")
    listed = {option.label for option in contest.options}
    for label in sorted(option_labels - listed):
        findings.fail("11.C", f"contest {contest.label!r}", f"manifest option {label!r} is missing from the tally")
    return option_labels


def _check_decrypted_option(
    record: Record21,
    contest: DecryptedContest,
    option: DecryptedOption,
    info: Contest,
    option_labels: set[str],
    ciphertext: Ciphertext | None,
    findings: Findings,
    proven: bool = False,
) -> None:
    """Verification 10 of one option's decryption against its encrypted tally entry; with
    ``proven``, its proof's challenge was matched and its equations checked from the hints."""
    group = record.group
    vote_key = record.hashes.vote_key
    subject = f"contest {contest.label!r}, option {option.label!r}"
    if (
        ciphertext is None
        or option.label not in option_labels
        or (
            info.options[option.option_index - 1].label != option.label
            if 1 <= option.option_index <= len(info.options)
            else True
        )
    ):
        findings.fail("10.B", subject, "no matching encrypted tally entry to check the decryption against")
        return
    proof = option.proof
    if not 0 <= proof.response < group.q:
        findings.fail("10.A", subject, "the response v is not in Z_q")
        return
    if option.value_power == 0:
        findings.fail("10.C", subject, "T is zero")
        return
    if not proven:
        m = group.div(ciphertext.data, option.value_power)
        a = group.mul(group.g_pow(proof.response), group.pow(vote_key, proof.challenge))
        b = group.pow_pair(ciphertext.pad, proof.response, m, proof.challenge)
        if _challenge(record, contest.contest_index, option.option_index, ciphertext, a, b, m) != proof.challenge:
            findings.fail("10.B", subject, "the decryption proof's challenge does not match (M = B/T is not A^s)")
    if group.pow(vote_key, option.value) != option.value_power:
        findings.fail("10.C", subject, f"T is not K^t for the published count t = {option.value}")
