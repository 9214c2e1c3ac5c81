"""The checks of an ElectionGuard 2.0.0 record, written from spec-2.0.0 §6.2 (Verifications 1-14).

Numbers and letters are those of 2.0.0 (``5.D``: c = (c_0 + ... + c_R) mod q). Labels with a
letter the spec does not have are Nazaha's own and say so in their message. Which 2.0.0 rule a
value follows is decided by what matches: the spec's rule first, then a named dialect of the
implementation that wrote the record (``hashes``); a dialect that matches is counted in
``Findings.observed`` and becomes a named warning, never a silent pass.

Range proofs and contest-limit proofs are checked on every ballot, cast or challenged (2.0.0
asks it for cast ballots; a device cannot know the voter's choice when it proves, so a valid
record has valid proofs on challenged ballots too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.group import FixedBase, Group
from nazaha.crypto.nonces import RandomSource, SystemRandom
from nazaha.crypto.proofs.range import RangeProof, verify_range
from nazaha.errors import InvalidProof, RecordFormatError
from nazaha.verify.eg2 import hashes
from nazaha.verify.eg2.model import (
    Ballot20,
    Chain20,
    Contest20,
    Decrypted20,
    DecryptedContest20,
    DecryptedContestData20,
    DecryptedSelection20,
    ManifestContest20,
    Record20,
    TallySelection20,
    load_json,
    parse_ballot,
    parse_decrypted,
)
from nazaha.verify.findings import Findings

__all__ = [
    "CAST",
    "CHALLENGED",
    "BallotSummary20",
    "Chunk20Context",
    "Chunk20Result",
    "ElectionInputs20",
    "GuardianInput20",
    "check_ballot_chunk20",
    "check_chains20",
    "check_election20",
    "check_tally20",
]

CAST = "CAST"
CHALLENGED = frozenset({"CHALLENGED", "SPOILED"})
"""egk writes SPOILED, egk-ec CHALLENGED: both are ballots the voter challenged."""

_RANGE = {"shape": "B", "challenge-range": "B", "response-range": "C", "challenge": "D"}


# -- Verifications 1 to 4 ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GuardianInput20:
    """A guardian's coefficient commitments K_i,j and, when published, their proofs (c, v)."""

    name: str
    index: int
    commitments: tuple[int, ...]
    proofs: tuple[tuple[int, int], ...] | None


@dataclass(frozen=True, slots=True)
class ElectionInputs20:
    """What Verifications 1-4 need, from an egk record or from electionguard-rust's artifacts."""

    where: str
    """The file that holds the hashes (named in failures)."""
    group: Group
    guardian_count: int
    quorum: int
    h_p: bytes
    h_m: bytes
    h_b: bytes
    h_e: bytes
    manifest_file: bytes
    joint_key: int
    guardians: tuple[GuardianInput20, ...]
    rust_draft: tuple[str, str] | None = None
    """(date, info) when the record may use electionguard-rust's 2024 draft of H_M and H_B."""


def check_election20(inputs: ElectionInputs20, standard: Group, findings: Findings) -> None:
    """Verifications 1-4 (1.A, the version, is decided by the runner from which hashes match)."""
    _check_parameters20(inputs, standard, findings)
    _check_guardians20(inputs, findings)
    _check_joint_key20(inputs, findings)


def _check_parameters20(inputs: ElectionInputs20, standard: Group, findings: Findings) -> None:
    """Verification 1: the standard group of 2.0.0 §3.1.1 and the hashes H_P, H_M, H_B."""
    group = inputs.group
    where = inputs.where
    findings.count("1")
    for label, name, ours, theirs in (
        ("1.B", "p", group.p, standard.p),
        ("1.C", "q", group.q, standard.q),
        ("1.D", "r", group.r, standard.r),
        ("1.E", "g", group.g, standard.g),
    ):
        if ours != theirs:
            findings.fail(label, "constants", f"{name} is not the standard {name} of 2.0.0 §3.1.1")
    if hashes.parameter_hash(group) != inputs.h_p:
        findings.fail("1.F", where, 'the parameter base hash H_P is not H("v2.0.0"; 0x00, p, q, g)')
    n, k = inputs.guardian_count, inputs.quorum
    if hashes.manifest_hash(group, inputs.h_p, inputs.manifest_file) == inputs.h_m:
        findings.observe("h_m-2.0.0")
    elif (
        inputs.rust_draft is not None
        and hashes.rust_manifest_hash(group, inputs.h_p, inputs.manifest_file) == inputs.h_m
    ):
        findings.observe("rust-draft-h_m")
    else:
        findings.fail("1.G", where, "the manifest hash H_M is not H(H_P; 0x01, manifest)")
    if hashes.base_hash(group, inputs.h_p, inputs.h_m, n, k) == inputs.h_b:
        findings.observe("h_b-2.0.0")
    elif (
        inputs.rust_draft is not None
        and hashes.rust_base_hash(group, inputs.h_p, inputs.h_m, n, k, *inputs.rust_draft) == inputs.h_b
    ):
        findings.observe("rust-draft-h_b")
    else:
        findings.fail("1.H", where, "the base hash H_B is not H(H_P; 0x02, H_M, n, k)")


def _check_guardians20(inputs: ElectionInputs20, findings: Findings) -> None:
    """Verification 2: the guardians' indices, their k commitments K_i,j and the proofs of them."""
    n, k = inputs.guardian_count, inputs.quorum
    indices = sorted(g.index for g in inputs.guardians)
    if indices != list(range(1, n + 1)):
        findings.fail("2.A", "guardians", f"the guardians' indices are {indices}, expected 1 to n = {n}")
    for guardian in inputs.guardians:
        findings.count("2")
        subject = f"guardian {guardian.name}"
        if len(guardian.commitments) != k:
            findings.fail("2.A", subject, f"{len(guardian.commitments)} coefficient commitments, expected k = {k}")
        for j, commitment in enumerate(guardian.commitments):
            _check_coefficient20(inputs, guardian, j, commitment, findings)
        if guardian.proofs is None:
            findings.observe("guardian-without-proofs")


def _check_coefficient20(
    inputs: ElectionInputs20, guardian: GuardianInput20, j: int, commitment: int, findings: Findings
) -> None:
    """2.A, 2.B, 2.C for the commitment K_i,j and its proof (c_i,j, v_i,j), when published."""
    group = inputs.group
    where = f"guardian {guardian.name}, coefficient {j}"
    if not group.is_element(commitment):
        findings.fail("2.A", where, "K_i,j is not in Z_p^r")
        return
    if guardian.proofs is None:
        return
    if j >= len(guardian.proofs):
        findings.fail("2.C", where, "no proof of knowledge of the coefficient")
        return
    challenge, response = guardian.proofs[j]
    if not 0 <= response < group.q:
        findings.fail("2.B", where, "the response v_i,j is not in Z_q")
        return
    h = group.mul(group.g_pow(response), group.pow(commitment, challenge))
    if hashes.coefficient_challenge(group, inputs.h_p, guardian.index, j, commitment, h) != challenge:
        findings.fail("2.C", where, "c_i,j != H(H_P; 0x10, i, j, K_i,j, g^v_i,j · K_i,j^c_i,j)")


def _check_joint_key20(inputs: ElectionInputs20, findings: Findings) -> None:
    """Verifications 3 (the joint key K) and 4 (the extended base hash H_E)."""
    group = inputs.group
    where = inputs.where
    findings.count("3")
    keys = [g.commitments[0] for g in inputs.guardians if g.commitments]
    for guardian, key in zip(inputs.guardians, keys, strict=False):
        if key == 1:
            findings.fail("3.A", f"guardian {guardian.name}", "the guardian public key K_i is 1")
    joint = group.prod(keys)
    if joint != inputs.joint_key:
        findings.fail("3.B", where, "the joint key K is not the product of the guardians' keys K_i = K_i,0")
    if inputs.joint_key == 1 or not group.is_element(inputs.joint_key):
        findings.fail("3.B", where, "the joint key K is 1 or not in Z_p^r")
    findings.count("4")
    if hashes.extended_base_hash(group, inputs.h_b, inputs.joint_key) != inputs.h_e:
        findings.fail("4.A", where, "the extended base hash H_E is not H(H_B; 0x12, K)")


# -- ballots: Verifications 5, 6, 7 (per ballot), 12, 13, 14 ----------------------------------------


@dataclass(frozen=True, slots=True)
class Chunk20Context:
    """Everything a worker needs to check a chunk of ballots; small and picklable."""

    root: str
    base64: bool
    group: Group
    joint_key: int
    h_e: bytes
    contests: tuple[ManifestContest20, ...]
    styles: dict[str, frozenset[str]]
    decrypted: frozenset[str]
    """The files in challenged_ballots/."""


@dataclass(frozen=True, slots=True)
class BallotSummary20:
    name: str
    ballot_id: str
    device: str
    state: str
    code: bytes
    aux: bytes
    contests: frozenset[str]


@dataclass(slots=True)
class Chunk20Result:
    findings: Findings = field(default_factory=Findings)
    products: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    summaries: list[BallotSummary20] = field(default_factory=list)


def _check_selections(
    ctx: Chunk20Context,
    contest: Contest20,
    info: ManifestContest20,
    subject: str,
    findings: Findings,
    batch_ok: bool,
) -> None:
    """Verifications 5 and 6 for one contest of one ballot (``batch_ok``: every α, β of the
    ballot passed the batched membership test, so none needs testing on its own)."""
    group = ctx.group
    key = ctx.joint_key
    all_in_group = True
    for selection in contest.selections:
        findings.count("5")
        where = f"{subject}, selection {selection.selection_id}"
        pad, data = selection.ciphertext
        if not batch_ok and not (group.is_element(pad) and group.is_element(data)):
            findings.fail("5.A", where, "α or β is not in Z_p^r")
            all_in_group = False
            continue
        try:
            verify_range(
                group,
                key,
                Ciphertext(pad, data),
                _proof(selection.proof),
                info.option_limit,
                partial(hashes.range_challenge, group, ctx.h_e, key, pad, data),
            )
        except InvalidProof as error:
            findings.fail(f"5.{_RANGE[error.part]}", where, str(error))
    findings.count("6")
    if not all_in_group:
        findings.fail("6.A", subject, "an encryption in the contest is not in Z_p^r")
        return
    pad = group.prod(s.ciphertext[0] for s in contest.selections)
    data = group.prod(s.ciphertext[1] for s in contest.selections)
    try:
        verify_range(
            group,
            key,
            Ciphertext(pad, data),
            _proof(contest.proof),
            info.votes_allowed,
            partial(hashes.range_challenge, group, ctx.h_e, key, pad, data),
        )
    except InvalidProof as error:
        findings.fail(f"6.{_RANGE[error.part]}", subject, str(error))


def _proof(pairs: Sequence[tuple[int, int]]) -> RangeProof:
    return RangeProof(challenges=tuple(c for c, _ in pairs), responses=tuple(v for _, v in pairs))


def _structure(
    ctx: Chunk20Context, ballot: Ballot20, subject: str, findings: Findings
) -> list[tuple[Contest20, ManifestContest20]]:
    """The ballot's contests with their manifest entries, in manifest order; 0.S for a bad shape."""
    manifest = {c.contest_id: c for c in ctx.contests}
    style = ctx.styles.get(ballot.style_id)
    if style is None:
        findings.fail("0.S", subject, f"ballot style {ballot.style_id!r} is not in the manifest")
        return []
    present = [c.contest_id for c in ballot.contests]
    if sorted(present) != sorted(style) or len(set(present)) != len(present):
        findings.fail(
            "0.S", subject, f"the contests {sorted(present)} are not those of ballot style {ballot.style_id!r}"
        )
    pairs = []
    for contest in ballot.contests:
        info = manifest.get(contest.contest_id)
        where = f"{subject}, contest {contest.contest_id}"
        if info is None:
            findings.fail("0.S", where, "the contest is not in the manifest")
            continue
        if contest.sequence_order != info.sequence_order:
            findings.fail(
                "0.S", where, f"sequence order {contest.sequence_order}, the manifest says {info.sequence_order}"
            )
        if contest.votes_allowed is not None and contest.votes_allowed != info.votes_allowed:
            findings.fail(
                "0.S", where, f"{contest.votes_allowed} votes allowed, the manifest says {info.votes_allowed}"
            )
        options = [(s.selection_id, s.sequence_order) for s in contest.selections]
        if sorted(options, key=lambda o: o[1]) != sorted(info.selections, key=lambda o: o[1]):
            findings.fail("0.S", where, "the selections differ from the manifest's")
            continue
        pairs.append((contest, info))
    return sorted(pairs, key=lambda pair: pair[1].sequence_order)


def _check_code(
    ctx: Chunk20Context,
    ballot: Ballot20,
    contests: list[tuple[Contest20, ManifestContest20]],
    subject: str,
    findings: Findings,
) -> None:
    """Verification 7.A and 7.B for one ballot (7.C-7.G across ballots, in the runner)."""
    group = ctx.group
    findings.count("7")
    chis = []
    for contest, info in contests:
        ordered = sorted(contest.selections, key=lambda s: s.sequence_order)
        chi = hashes.contest_hash(group, ctx.h_e, info.sequence_order, ctx.joint_key, [s.ciphertext for s in ordered])
        if chi != contest.contest_hash:
            findings.fail("7.A", f"{subject}, contest {contest.contest_id}", "χ_l != H(H_E; 0x23, l, K, α_1, β_1, ...)")
        chis.append(chi)
    if hashes.confirmation_code(group, ctx.h_e, chis, ballot.aux, unprefixed=False) == ballot.confirmation_code:
        findings.observe("baux-prefixed")
    elif hashes.confirmation_code(group, ctx.h_e, chis, ballot.aux, unprefixed=True) == ballot.confirmation_code:
        findings.observe("baux-unprefixed")
    else:
        findings.fail("7.B", subject, "the confirmation code is not H(H_E; 0x24, χ_1, ..., χ_mB, B_aux)")


def _check_extras(ctx: Chunk20Context, ballot: Ballot20, subject: str, findings: Findings) -> None:
    """0.E (Nazaha's own): values that no 2.0.0 verification covers must still be group elements."""
    group = ctx.group
    if ballot.election_id != ctx.h_e:
        findings.fail("0.E", subject, "the ballot names another election (election_id is not H_E)")
    if ballot.serial is not None and not all(group.is_element(x) for x in ballot.serial):
        findings.fail("0.E", subject, "the encrypted serial number (egk's encrypted_sn) is not in Z_p^r")
    for contest in ballot.contests:
        data = contest.contest_data
        if data is None:
            continue
        if (
            not group.is_element(data.c0)
            or len(data.c2) != 32
            or len(data.c1) % 32
            or not 0 <= data.size <= len(data.c1)
        ):
            findings.fail(
                "0.E",
                f"{subject}, contest {contest.contest_id}",
                "the contest data ciphertext is malformed (C_0 outside Z_p^r, or C_1, C_2, numBytes of a wrong size)",
            )


def _check_decrypted(
    ctx: Chunk20Context,
    ballot: Ballot20,
    contests: list[tuple[Contest20, ManifestContest20]],
    opened: Decrypted20,
    subject: str,
    findings: Findings,
) -> None:
    """Verifications 12, 13 and 14 for one challenged ballot and its published decryption."""
    if opened.ballot_id != ballot.ballot_id or opened.election_id != ctx.h_e:
        findings.fail("12.B", subject, "the decryption names another ballot or election")
    fixed_key = ctx.group.fixed_base(ctx.joint_key)
    by_id = {c.contest_id: (c, info) for c, info in contests}
    seen = set()
    for decrypted in opened.contests:
        where = f"{subject}, contest {decrypted.contest_id}"
        pair = by_id.get(decrypted.contest_id)
        if pair is None:
            findings.fail("13.D", where, "the decrypted contest is not a contest of this ballot in the manifest")
            continue
        seen.add(decrypted.contest_id)
        _check_decrypted_contest(ctx, fixed_key, pair, decrypted, where, findings)
    for contest_id in sorted(set(by_id) - seen):
        findings.fail("13.D", subject, f"contest {contest_id} of the ballot is not in its decryption")


def _check_decrypted_contest(
    ctx: Chunk20Context,
    fixed_key: FixedBase,
    pair: tuple[Contest20, ManifestContest20],
    decrypted: DecryptedContest20,
    where: str,
    findings: Findings,
) -> None:
    """Verifications 12, 13 and 14 for one decrypted contest of a challenged ballot."""
    contest, info = pair
    encrypted = {s.selection_id: s.ciphertext for s in contest.selections}
    labels = {s for s, _ in info.selections}
    total = 0
    listed = set()
    for selection in decrypted.selections:
        here = f"{where}, selection {selection.selection_id}"
        findings.count("12")
        findings.count("13")
        if selection.selection_id not in labels:
            findings.fail("13.E", here, "the option is not an option of the contest in the manifest")
            continue
        listed.add(selection.selection_id)
        if encrypted.get(selection.selection_id) != selection.ciphertext:
            findings.fail("12.B", here, "the decrypted (α, β) is not the ballot's encryption of this option")
            continue
        _check_selection_decryption(ctx, fixed_key, selection, here, findings)
        if not 0 <= selection.value <= info.option_limit:
            findings.fail("13.B", here, f"the value {selection.value} is not between 0 and {info.option_limit}")
        elif fixed_key.pow(selection.value) != selection.s_value:
            findings.fail("13.A", here, f"S != K^σ for the published σ = {selection.value}")
        total += selection.value
    for label in sorted(labels - listed):
        findings.fail("13.F", where, f"the manifest's option {label} is not in the decryption")
    if total > info.votes_allowed:
        findings.fail("13.C", where, f"{total} selections exceed the limit {info.votes_allowed}")
    _check_contest_data(ctx, contest, decrypted.contest_data, where, findings)


def _check_selection_decryption(
    ctx: Chunk20Context, fixed_key: FixedBase, selection: DecryptedSelection20, here: str, findings: Findings
) -> None:
    """Verification 12: the proof (c, v) that S = α^s decrypts the option's (α, β)."""
    group = ctx.group
    pad, data = selection.ciphertext
    challenge, response = selection.proof
    if not 0 <= response < group.q:
        findings.fail("12.A", here, "the response v is not in Z_q")
    elif not group.is_element(selection.s_value):
        findings.fail("12.B", here, "S is not in Z_p^r")
    else:
        m = group.div(data, selection.s_value)
        a = group.mul(group.g_pow(response), fixed_key.pow(challenge))
        b = group.mul(group.pow(pad, response), group.pow(m, challenge))
        if hashes.decryption_challenge(group, ctx.h_e, ctx.joint_key, pad, data, a, b, m) != challenge:
            findings.fail("12.B", here, "c != H(H_E; 0x30, K, α, β, a, b, M)")


def _check_contest_data(
    ctx: Chunk20Context,
    contest: Contest20,
    data: DecryptedContestData20 | None,
    where: str,
    findings: Findings,
) -> None:
    """Verification 14: the proof that β decrypts the contest data (C_0, C_1, C_2)."""
    if data is None:
        if contest.contest_data is not None:
            findings.fail("14.B", where, "the ballot has contest data but its decryption has none")
        return
    group = ctx.group
    findings.count("14")
    if data.ciphertext != contest.contest_data:
        findings.fail("14.B", where, "the decrypted contest data is not the ballot's")
        return
    challenge, response = data.proof
    if not 0 <= response < group.q:
        findings.fail("14.A", where, "the response v is not in Z_q")
        return
    if not group.is_element(data.beta):
        findings.fail("14.B", where, "β is not in Z_p^r")
        return
    c = data.ciphertext
    a = group.mul(group.g_pow(response), group.fixed_base(ctx.joint_key).pow(challenge))
    b = group.mul(group.pow(c.c0, response), group.pow(data.beta, challenge))
    if hashes.contest_data_challenge(group, ctx.h_e, ctx.joint_key, c.c0, c.c1, c.c2, a, b, data.beta) == challenge:
        findings.observe("contest-data-bytes")
    elif (
        hashes.contest_data_challenge(
            group, ctx.h_e, ctx.joint_key, c.c0, c.c1.hex().upper().encode(), c.c2, a, b, data.beta
        )
        == challenge
    ):
        findings.observe("contest-data-hex")
    else:
        findings.fail("14.B", where, "c != H(H_E; 0x31, K, C_0, C_1, C_2, a, b, β)")


def _check_ballot(ctx: Chunk20Context, name: str, ballot: Ballot20, result: Chunk20Result, rng: RandomSource) -> None:
    findings = result.findings
    group = ctx.group
    subject = f"ballot {ballot.ballot_id}"
    if ballot.pre_encrypted:
        findings.fail("15.A", subject, "a pre-encrypted ballot: Nazaha does not check pre-encrypted ballots yet")
        return
    if ballot.state != CAST and ballot.state not in CHALLENGED:
        findings.fail("0.S", subject, f"state {ballot.state!r} is neither cast nor challenged")
        return
    contests = _structure(ctx, ballot, subject, findings)
    _check_extras(ctx, ballot, subject, findings)
    # One batched membership test of every α, β of the ballot (5.A, 6.A); one by one only to name a culprit.
    values = [x for contest, _ in contests for s in contest.selections for x in s.ciphertext]
    batch_ok = group.are_elements(values, rng)
    for contest, info in contests:
        _check_selections(ctx, contest, info, f"{subject}, contest {contest.contest_id}", findings, batch_ok)
    _check_code(ctx, ballot, contests, subject, findings)
    result.summaries.append(
        BallotSummary20(
            name=name,
            ballot_id=ballot.ballot_id,
            device=ballot.device,
            state=ballot.state,
            code=ballot.confirmation_code,
            aux=ballot.aux,
            contests=frozenset(c.contest_id for c in ballot.contests),
        )
    )
    if ballot.state == CAST:
        p = group.p
        for contest, _ in contests:
            for selection in contest.selections:
                key = (contest.contest_id, selection.selection_id)
                pad, data = result.products.get(key, (1, 1))
                result.products[key] = (pad * selection.ciphertext[0] % p, data * selection.ciphertext[1] % p)
        return
    opened_name = f"challenged_ballots/dballot-{ballot.ballot_id}.json"
    if opened_name not in ctx.decrypted:
        findings.fail("12.B", subject, "the challenged ballot has no decryption in challenged_ballots/")
        return
    try:
        opened = parse_decrypted(load_json(Path(ctx.root) / opened_name, opened_name), opened_name, ctx.base64)
    except RecordFormatError as error:
        findings.fail("0.F", opened_name, str(error))
        return
    _check_decrypted(ctx, ballot, contests, opened, subject, findings)


def check_ballot_chunk20(ctx: Chunk20Context, names: Sequence[str]) -> Chunk20Result:
    """Verifications 5-7 and, for challenged ballots, 12-14, for the ballot files ``names``."""
    result = Chunk20Result()
    rng = SystemRandom()
    for name in names:
        result.findings.count("0")
        try:
            ballot = parse_ballot(load_json(Path(ctx.root) / name, name), name, ctx.base64)
        except RecordFormatError as error:
            result.findings.fail("0.F", name, str(error))
            continue
        _check_ballot(ctx, name, ballot, result, rng)
    return result


# -- across ballots and the tally: 7.C-7.G, 8, 9, 10 -----------------------------------------------


def check_chains20(record: Record20, summaries: Sequence[BallotSummary20], findings: Findings) -> None:
    """7.C (unique codes) and, when the record chains codes, 7.D-7.G for every device."""
    codes: dict[bytes, str] = {}
    for summary in summaries:
        if summary.code in codes:
            findings.fail(
                "7.C", f"ballot {summary.ballot_id}", f"ballot {codes[summary.code]} has the same confirmation code"
            )
        codes[summary.code] = summary.ballot_id
    ids = [s.ballot_id for s in summaries]
    if len(set(ids)) != len(ids):
        findings.fail("0.D", "encrypted_ballots/", "two ballot files hold the same ballot id")
    if not record.chaining:
        if record.chains:
            findings.fail(
                "7.D", record.chains[0].where, "the election does not chain codes, yet a device publishes a chain"
            )
        return
    by_id = {s.ballot_id: s for s in summaries}
    chained: set[str] = set()
    for chain in record.chains:
        _check_chain(record, chain, by_id, chained, findings)
    for ballot_id in sorted(set(by_id) - chained):
        findings.fail("7.E", f"ballot {ballot_id}", "codes are chained, but no device's chain holds this ballot")


def _check_chain(
    record: Record20,
    chain: Chain20,
    by_id: dict[str, BallotSummary20],
    chained: set[str],
    findings: Findings,
) -> None:
    """7.D-7.G for one device's chain; adds the ballots it lists to ``chained``."""
    group = record.group
    aux0 = record.aux0
    subject = f"device {chain.device}"
    findings.count("7")
    h0 = {
        False: hashes.chain_initial_hash(group, record.h_e, aux0, unprefixed=False),
        True: hashes.chain_initial_hash(group, record.h_e, aux0, unprefixed=True),
    }
    unprefixed = h0[True] == chain.initial and h0[False] != chain.initial
    if chain.initial not in h0.values():
        findings.fail("7.D", subject, "the chain's initial hash is not H_0 = H(H_E; 0x24, B_aux,0)")
    findings.observe("baux-unprefixed" if unprefixed else "baux-prefixed")
    previous = h0[unprefixed]
    for position, ballot_id in enumerate(chain.ballot_ids, start=1):
        found = by_id.get(ballot_id)
        if found is None:
            findings.fail("7.E", subject, f"the chain lists ballot {ballot_id}, which is not in the record")
            continue
        if ballot_id in chained:
            findings.fail("7.E", subject, f"ballot {ballot_id} is chained twice")
        chained.add(ballot_id)
        _check_chain_link(chain, found, position, previous, aux0, findings)
        previous = found.code
    if chain.last_code != previous:
        findings.fail("7.F", subject, "the chain's last confirmation code is not that of its last ballot")
    closing = hashes.chain_closing_hash(group, record.h_e, previous, aux0, unprefixed=unprefixed)
    if closing != chain.closing_hash:
        findings.fail("7.G", subject, "the closing hash is not H(H_E; 0x24, H(B_ℓ) ‖ B_aux,0 ‖ CLOSE)")


def _check_chain_link(
    chain: Chain20, summary: BallotSummary20, position: int, previous: bytes, aux0: bytes, findings: Findings
) -> None:
    """7.E for the ballot at ``position`` of a chain: its device, and B_aux after the previous code."""
    ballot_id = summary.ballot_id
    if summary.device != chain.device:
        findings.fail(
            "7.E", f"ballot {ballot_id}", f"the ballot was encrypted on {summary.device!r}, not on this device"
        )
    if summary.aux == previous + aux0:
        pass
    elif position == 1 and summary.aux == previous:
        findings.observe("chain-first-aux")
    else:
        findings.fail("7.E", f"ballot {ballot_id}", "B_aux is not the previous confirmation code followed by B_aux,0")


def check_tally20(
    record: Record20,
    products: dict[tuple[str, str], tuple[int, int]],
    summaries: Sequence[BallotSummary20],
    findings: Findings,
) -> None:
    """Verifications 8, 9 and 10."""
    _check_encrypted_tally(record, products, summaries, findings)
    _check_decrypted_tally(record, findings)
    voted = set().union(*(s.contests for s in summaries)) if summaries else set()
    for contest_id in sorted(voted - set(record.tally_contests)):
        findings.fail("10.E", contest_id, "a contest on submitted ballots is not in the tally")


def _check_encrypted_tally(
    record: Record20,
    products: dict[tuple[str, str], tuple[int, int]],
    summaries: Sequence[BallotSummary20],
    findings: Findings,
) -> None:
    """Verification 8: the encrypted tally is the product of the cast ballots' encryptions."""
    cast = sorted(s.ballot_id for s in summaries if s.state == CAST)
    if sorted(record.cast_ids) != cast:
        findings.fail(
            "8.C", "encrypted_tally.json", "cast_ballot_ids does not list exactly the cast ballots (Nazaha's own check)"
        )
    manifest_keys = {(c.contest_id, s) for c in record.contests for s, _ in c.selections}
    for key_pair in sorted(manifest_keys):
        findings.count("8")
        subject = f"{key_pair[0]}/{key_pair[1]}"
        encrypted = record.encrypted_tally.get(key_pair)
        if encrypted is None:
            findings.fail("8.A", subject, "the option is missing from the encrypted tally")
            continue
        expected = products.get(key_pair, (1, 1))
        if encrypted[0] != expected[0]:
            findings.fail("8.A", subject, "A is not the product of the cast ballots' α")
        if encrypted[1] != expected[1]:
            findings.fail("8.B", subject, "B is not the product of the cast ballots' β")
    for key_pair in sorted(set(record.encrypted_tally) - manifest_keys):
        findings.fail("8.A", f"{key_pair[0]}/{key_pair[1]}", "the encrypted tally has an option the manifest does not")


def _check_decrypted_tally(record: Record20, findings: Findings) -> None:
    """Verifications 9 and 10 for every option of the decrypted tally, and 10.D for those missing."""
    key = record.group.fixed_base(record.joint_key)
    options = {c.contest_id: {s for s, _ in c.selections} for c in record.contests}
    seen: dict[str, set[str]] = {}
    for selection in record.tally:
        subject = f"{selection.contest_id}/{selection.selection_id}"
        if selection.contest_id not in options:
            findings.fail("10.B", subject, "the tally's contest is not in the manifest")
            continue
        if selection.selection_id not in options[selection.contest_id]:
            findings.fail("10.C", subject, "the tally's option is not an option of the contest in the manifest")
            continue
        if selection.selection_id in seen.setdefault(selection.contest_id, set()):
            findings.fail("10.C", subject, "the option appears twice in the tally")
            continue
        seen[selection.contest_id].add(selection.selection_id)
        _check_tally_selection(record, key, selection, subject, findings)
    for contest_id, labels in options.items():
        if contest_id in seen:
            for label in sorted(labels - seen[contest_id]):
                findings.fail("10.D", f"{contest_id}/{label}", "the manifest's option is not in the decrypted tally")


def _check_tally_selection(
    record: Record20, key: FixedBase, selection: TallySelection20, subject: str, findings: Findings
) -> None:
    """Verifications 9 (the proof of the decryption T) and 10.A (T = K^t) for one option of the tally."""
    group = record.group
    findings.count("9")
    findings.count("10")
    encrypted = record.encrypted_tally.get((selection.contest_id, selection.selection_id))
    if encrypted != selection.ciphertext:
        findings.fail("9.B", subject, "the decrypted (A, B) is not the encrypted tally's (Nazaha's own check)")
        return
    pad, data = selection.ciphertext
    challenge, response = selection.proof
    if not 0 <= response < group.q:
        findings.fail("9.A", subject, "the response v is not in Z_q")
    elif not group.is_element(selection.t_value):
        findings.fail("9.B", subject, "T is not in Z_p^r")
    else:
        m = group.div(data, selection.t_value)
        a = group.mul(group.g_pow(response), key.pow(challenge))
        b = group.mul(group.pow(pad, response), group.pow(m, challenge))
        if hashes.decryption_challenge(group, record.h_e, record.joint_key, pad, data, a, b, m) != challenge:
            findings.fail("9.B", subject, "c != H(H_E; 0x30, K, A, B, a, b, M)")
    if selection.value < 0 or key.pow(selection.value) != selection.t_value:
        findings.fail("10.A", subject, f"T != K^t for the published t = {selection.value}")
