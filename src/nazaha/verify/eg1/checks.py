"""The checks of an ElectionGuard 1.x record, by the rules electionguard-python 1.4.0 applies.

Numbering follows the 1.x specification's "Verifier Construction" steps; the letters are its
conditions (``4.M``: g^v0 = a0·α^c0). Where 1.4.0 differs from the 0.95 text, 1.4.0 wins, since
that is what produced the records: the guardian key challenge is H(K_ij, h_ij), the extended
base hash is H(Q, H(H(K_1,0, ..., K_n,k-1))), and every hash writes elements in hex.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource, SystemRandom
from nazaha.crypto.polynomial import lagrange_coefficient
from nazaha.errors import RecordFormatError
from nazaha.verify.eg1.hashing import Elem, hash_elems
from nazaha.verify.eg1.model import (
    Ballot1,
    Contest1,
    CPProof,
    Guardian1,
    ManifestContest,
    Record1,
    RecoveredPart,
    SchnorrProof1,
    Selection1,
    Share1,
    TallySelection1,
    load_json,
    parse_ballot,
    parse_decrypted,
)
from nazaha.verify.eg1.params import KNOWN_1X
from nazaha.verify.findings import Findings

__all__ = [
    "BallotSummary",
    "Chunk1Context",
    "Chunk1Result",
    "check_ballot_chunk",
    "check_decryption",
    "check_election1",
]

CAST = 1
SPOILED = 2


# -- election-level checks (steps 1 to 3) ---------------------------------------------------------


def _check_parameters(record: Record1, findings: Findings) -> str:
    """Step 1: known constants, the base hash Q, the number of guardians; a note on test-only parameters."""
    constants = record.constants
    context = record.context
    findings.count("1")
    known = next(
        (s for s in KNOWN_1X if (s.p, s.q, s.r, s.g) == (constants.p, constants.q, constants.r, constants.g)),
        None,
    )
    note = ""
    if known is None:
        findings.fail("1.A", "constants.json", "p, q, r and g are not a known ElectionGuard 1.x parameter set")
    elif not known.secure:
        note = f"{known.name}: test-only parameters that give no security"
    base = hash_elems(
        constants.q,
        Elem(constants.p),
        Elem(constants.q),
        Elem(constants.g),
        context.guardians,
        context.quorum,
        Elem(context.manifest_hash),
    )
    if base != context.base_hash:
        findings.fail("1.B", "context.json", "the base hash Q is not H(p, q, g, n, k, manifest hash)")
    if len(record.guardians) != context.guardians:
        findings.fail(
            "1.C", "guardians/", f"{len(record.guardians)} guardian records, the context says {context.guardians}"
        )
    return note


def _check_coefficient(
    group: Group, q: int, commitment: int, proof: SchnorrProof1, where: str, findings: Findings
) -> None:
    """Step 2 for one coefficient: the Schnorr proof of knowledge of its secret."""
    if proof.public_key != commitment:
        findings.fail("2.C", where, "the proof is for another value than the commitment K_i,j")
    if not group.is_element(proof.public_key):
        findings.fail("2.C", where, "K_i,j is not in Z_p^r")
        return
    if not (0 <= proof.commitment < group.p and 0 <= proof.response < q):
        findings.fail("2.B", where, "h_i,j or u_i,j is out of range")
        return
    if hash_elems(q, Elem(proof.public_key), Elem(proof.commitment)) != proof.challenge:
        findings.fail("2.A", where, "the challenge is not H(K_i,j, h_i,j)")
    if group.g_pow(proof.response) != group.mul(proof.commitment, group.pow(proof.public_key, proof.challenge)):
        findings.fail("2.B", where, "g^u != h · K^c")


def _check_guardian(guardian: Guardian1, quorum: int, group: Group, q: int, findings: Findings) -> None:
    """Step 2 for one guardian: a commitment and a proof per coefficient, the first one its key."""
    findings.count("2")
    subject = f"guardian {guardian.guardian_id}"
    if len(guardian.commitments) != quorum or len(guardian.proofs) != quorum:
        findings.fail("2.C", subject, f"expected {quorum} commitments and proofs")
    if not guardian.commitments or guardian.public_key != guardian.commitments[0]:
        findings.fail("2.C", subject, "the election public key is not the first commitment")
    for j, (commitment, proof) in enumerate(zip(guardian.commitments, guardian.proofs, strict=False)):
        _check_coefficient(group, q, commitment, proof, f"{subject}, coefficient {j}", findings)


def _check_joint_key(record: Record1, group: Group, q: int, findings: Findings) -> None:
    """Step 3: the joint key K, the commitment hash and the extended base hash Q-bar."""
    context = record.context
    findings.count("3")
    joint = group.prod(g.public_key for g in record.guardians)
    if joint != context.joint_key:
        findings.fail("3.A", "context.json", "the joint key K is not the product of the guardians' keys")
    commitments = [Elem(c) for g in record.guardians for c in g.commitments]
    commitment_hash = hash_elems(q, commitments)
    if commitment_hash != context.commitment_hash:
        findings.fail("3.C", "context.json", "the commitment hash is not the hash of every guardian commitment")
    if hash_elems(q, Elem(context.base_hash), Elem(context.commitment_hash)) != context.extended_hash:
        findings.fail("3.B", "context.json", "the extended base hash Q-bar is not H(Q, commitment hash)")


def check_election1(record: Record1, group: Group, findings: Findings) -> str:
    """Steps 1-3; returns a note about the parameters (empty for the standard ones)."""
    q = record.constants.q
    note = _check_parameters(record, findings)
    for guardian in record.guardians:
        _check_guardian(guardian, record.context.quorum, group, q, findings)
    _check_joint_key(record, group, q, findings)
    return note


# -- ballots (steps 4 to 6, and 12 for spoiled ballots) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class GuardianKey:
    guardian_id: str
    sequence_order: int
    public_key: int
    commitments: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Chunk1Context:
    root: str
    group: Group
    joint_key: int
    extended_hash: int
    manifest_hash: int
    contests: tuple[ManifestContest, ...]
    styles: frozenset[str]
    guardians: tuple[GuardianKey, ...]
    coefficients: dict[str, int]
    """Lagrange coefficients of the available guardians, by guardian id (``coefficients.json``)."""


@dataclass(frozen=True, slots=True)
class BallotSummary:
    name: str
    object_id: str
    state: int
    code: int
    code_seed: int


@dataclass(slots=True)
class Chunk1Result:
    findings: Findings = field(default_factory=Findings)
    products: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    summaries: list[BallotSummary] = field(default_factory=list)


def _check_selection(
    ctx: Chunk1Context, selection: Selection1, subject: str, findings: Findings, batch_ok: bool = False
) -> bool:
    """Step 4 for one selection; returns whether its ciphertext is in the group.

    ``batch_ok``: every group element of the ballot passed the batched membership test, so
    none needs testing on its own (they are tested one by one only to name a culprit).
    """
    group = ctx.group
    q = group.q
    proof = selection.proof
    findings.count("4")
    crypto = hash_elems(
        q,
        selection.object_id,
        Elem(selection.description_hash),
        Elem(hash_elems(q, Elem(selection.pad), Elem(selection.data))),
    )
    if crypto != selection.crypto_hash:
        findings.fail("4.C", subject, "the selection's crypto hash is wrong")
    values = (selection.pad, selection.data, proof.zero_pad, proof.zero_data, proof.one_pad, proof.one_data)
    if not batch_ok and not all(group.is_element(v) for v in values):
        findings.fail("4.A", subject, "α, β, a0, b0, a1 or b1 is not in Z_p^r")
        return group.is_element(selection.pad) and group.is_element(selection.data)
    c0, c1, v0, v1 = proof.zero_challenge, proof.one_challenge, proof.zero_response, proof.one_response
    if not all(0 <= x < q for x in (c0, c1, v0, v1, proof.challenge)):
        findings.fail("4.K", subject, "c0, c1, v0 or v1 is not in Z_q")
        return True
    expected = hash_elems(
        q,
        Elem(ctx.extended_hash),
        Elem(selection.pad),
        Elem(selection.data),
        Elem(proof.zero_pad),
        Elem(proof.zero_data),
        Elem(proof.one_pad),
        Elem(proof.one_data),
    )
    if expected != proof.challenge:
        findings.fail("4.J", subject, "the challenge is not H(Q-bar, α, β, a0, b0, a1, b1)")
    if (c0 + c1) % q != proof.challenge:
        findings.fail("4.L", subject, "c != c0 + c1 mod q")
    alpha, beta, key = selection.pad, selection.data, group.fixed_base(ctx.joint_key)
    if group.g_pow(v0) != group.mul(proof.zero_pad, group.pow(alpha, c0)):
        findings.fail("4.M", subject, "g^v0 != a0 · α^c0")
    if group.g_pow(v1) != group.mul(proof.one_pad, group.pow(alpha, c1)):
        findings.fail("4.N", subject, "g^v1 != a1 · α^c1")
    if key.pow(v0) != group.mul(proof.zero_data, group.pow(beta, c0)):
        findings.fail("4.O", subject, "K^v0 != b0 · β^c0")
    if group.mul(group.g_pow(c1), key.pow(v1)) != group.mul(proof.one_data, group.pow(beta, c1)):
        findings.fail("4.P", subject, "g^c1 · K^v1 != b1 · β^c1")
    return True


def _check_contest(
    ctx: Chunk1Context,
    contest: Contest1,
    info: ManifestContest,
    subject: str,
    findings: Findings,
    batch_ok: bool = False,
) -> None:
    """Step 5 for one contest (``batch_ok`` as for ``_check_selection``)."""
    group = ctx.group
    q = group.q
    findings.count("5")
    ordered = sorted(contest.selections, key=lambda s: s.sequence_order)
    crypto = hash_elems(q, contest.object_id, Elem(contest.description_hash), *(Elem(s.crypto_hash) for s in ordered))
    if crypto != contest.crypto_hash:
        findings.fail("5.C", subject, "the contest's crypto hash is wrong")
    placeholders = sum(1 for s in contest.selections if s.placeholder)
    proof = contest.proof
    if placeholders != info.votes_allowed or proof.constant != info.votes_allowed:
        findings.fail(
            "5.H",
            subject,
            f"{placeholders} placeholders and a proof for {proof.constant} votes; "
            + f"the contest allows {info.votes_allowed}",
        )
    pad = group.prod(s.pad for s in contest.selections)
    data = group.prod(s.data for s in contest.selections)
    if (pad, data) != contest.accumulation:
        findings.fail("5.I", subject, "the contest total (A, B) is not the product of its selections")
    if not 0 <= proof.response < q or not 0 <= proof.challenge < q:
        findings.fail("5.J", subject, "V or C is not in Z_q")
        return
    if not batch_ok and not (group.is_element(proof.pad) and group.is_element(proof.data)):
        findings.fail("5.K", subject, "a or b is not in Z_p^r")
        return
    expected = hash_elems(q, Elem(ctx.extended_hash), Elem(pad), Elem(data), Elem(proof.pad), Elem(proof.data))
    if expected != proof.challenge:
        findings.fail("5.L", subject, "the challenge is not H(Q-bar, A, B, a, b)")
    c, v = proof.challenge, proof.response
    if group.g_pow(v) != group.mul(proof.pad, group.pow(pad, c)):
        findings.fail("5.M", subject, "g^V != a · A^C")
    left = group.mul(group.g_pow(c * proof.constant % q), group.fixed_base(ctx.joint_key).pow(v))
    if left != group.mul(proof.data, group.pow(data, c)):
        findings.fail("5.N", subject, "g^(LC) · K^V != b · B^C")


def _check_ballot_hashes(ctx: Chunk1Context, ballot: Ballot1, subject: str, findings: Findings) -> None:
    """Its style and manifest, its crypto hash (6.C) and its tracking code (6.E)."""
    q = ctx.group.q
    if ballot.style_id not in ctx.styles:
        findings.fail("0.S", subject, f"ballot style {ballot.style_id!r} is not in the manifest")
    if ballot.manifest_hash != ctx.manifest_hash:
        findings.fail("6.B", subject, "the ballot names another manifest hash than the context")
    ordered = sorted(ballot.contests, key=lambda c: c.sequence_order)
    crypto = hash_elems(q, ballot.object_id, Elem(ballot.manifest_hash), *(Elem(c.crypto_hash) for c in ordered))
    if crypto != ballot.crypto_hash:
        findings.fail("6.C", subject, "the ballot's crypto hash is not H(id, manifest hash, contest hashes)")
    if hash_elems(q, Elem(ballot.code_seed), ballot.timestamp, Elem(ballot.crypto_hash)) != ballot.code:
        findings.fail("6.E", subject, "the tracking code is not H(previous code, timestamp, ballot hash)")


def _ballot_elements(ballot: Ballot1) -> list[int]:
    """Every group element of the ballot's ciphertexts and proofs, for one batched membership test."""
    values = [
        v
        for contest in ballot.contests
        for s in contest.selections
        for v in (s.pad, s.data, s.proof.zero_pad, s.proof.zero_data, s.proof.one_pad, s.proof.one_data)
    ]
    values += [v for contest in ballot.contests for v in (contest.proof.pad, contest.proof.data)]
    return values


def _accumulate(ctx: Chunk1Context, contest: Contest1, result: Chunk1Result) -> None:
    """A cast ballot's selections multiplied into the chunk's products, for the tally's step 7."""
    p = ctx.group.p
    for selection in contest.selections:
        if selection.placeholder:
            continue
        key = (contest.object_id, selection.object_id)
        pad, data = result.products.get(key, (1, 1))
        result.products[key] = (pad * selection.pad % p, data * selection.data % p)


def _check_ballot_contest(
    ctx: Chunk1Context,
    ballot: Ballot1,
    contest: Contest1,
    manifest: dict[str, ManifestContest],
    result: Chunk1Result,
    batch_ok: bool,
) -> None:
    """Steps 4 and 5 for one contest of a ballot, after its match with the manifest."""
    findings = result.findings
    info = manifest.get(contest.object_id)
    where = f"ballot {ballot.object_id}, contest {contest.object_id}"
    if info is None:
        findings.fail("0.S", where, "the contest is not in the manifest")
        return
    if contest.extended_pad is not None and not ctx.group.is_element(contest.extended_pad):
        findings.fail("0.E", where, "the pad of the contest's extended data is not in Z_p^r")
    real = {s.object_id for s in contest.selections if not s.placeholder}
    if not real <= set(info.selections) or len(real) != len(info.selections):
        findings.fail("0.S", where, "the selections differ from the manifest's")
    for selection in contest.selections:
        _check_selection(ctx, selection, f"{where}, selection {selection.object_id}", findings, batch_ok)
    _check_contest(ctx, contest, info, where, findings, batch_ok)
    if ballot.state == CAST:
        _accumulate(ctx, contest, result)


def _check_ballot(ctx: Chunk1Context, ballot: Ballot1, name: str, result: Chunk1Result, rng: RandomSource) -> None:
    findings = result.findings
    subject = f"ballot {ballot.object_id}"
    if ballot.state not in (CAST, SPOILED):
        findings.fail("0.S", subject, f"state {ballot.state} is neither cast (1) nor spoiled (2)")
        return
    _check_ballot_hashes(ctx, ballot, subject, findings)
    findings.count("6")
    result.summaries.append(BallotSummary(name, ballot.object_id, ballot.state, ballot.code, ballot.code_seed))
    batch_ok = ctx.group.are_elements(_ballot_elements(ballot), rng)
    manifest = {c.object_id: c for c in ctx.contests}
    for contest in ballot.contests:
        _check_ballot_contest(ctx, ballot, contest, manifest, result, batch_ok)
    if ballot.state == SPOILED:
        _check_spoiled(ctx, ballot, result)


def _check_spoiled(ctx: Chunk1Context, ballot: Ballot1, result: Chunk1Result) -> None:
    """Step 12: the decryption of a spoiled ballot, checked as the tally is."""
    findings = result.findings
    where = f"spoiled_ballots/spoiled_ballot_{ballot.object_id}.json"
    subject = f"spoiled ballot {ballot.object_id}"
    findings.count("12")
    path = Path(ctx.root) / where
    if not path.exists():
        findings.fail("12.C", subject, "the spoiled ballot has no decryption in spoiled_ballots/", number="12")
        return
    try:
        object_id, contests = parse_decrypted(load_json(path, where), where)
    except RecordFormatError as error:
        findings.fail("0.F", where, str(error))
        return
    if object_id != ballot.object_id:
        findings.fail("12.C", subject, f"the decryption names ballot {object_id!r}", number="12")
    encrypted = {(c.object_id, s.object_id): (s.pad, s.data) for c in ballot.contests for s in c.selections}
    for contest_id, selections in contests.items():
        for selection_id, selection in selections.items():
            if encrypted.get((contest_id, selection_id)) != (selection.pad, selection.data):
                findings.fail(
                    "12.B",
                    f"{subject}, {contest_id}/{selection_id}",
                    "the decrypted message is not the ballot's encryption",
                    number="12",
                )
            check_decryption(ctx, selection, f"{subject}, {contest_id}/{selection_id}", findings, spoiled=True)


def check_ballot_chunk(ctx: Chunk1Context, names: Sequence[str]) -> Chunk1Result:
    """Steps 4-6 (and 12 for spoiled ballots) for the ballot files ``names``."""
    result = Chunk1Result()
    rng = SystemRandom()
    for name in names:
        result.findings.count("0")
        try:
            ballot = parse_ballot(load_json(Path(ctx.root) / name, name), name)
        except RecordFormatError as error:
            result.findings.fail("0.F", name, str(error))
            continue
        _check_ballot(ctx, ballot, name, result, rng)
    return result


# -- decryption (steps 8 to 11) -----------------------------------------------------------------


class _Decryption:
    """The checks of one decrypted selection (steps 8-11), one method per kind of share.

    For a spoiled ballot (step 12) every label is prefixed ``12/`` and counted under step 12.
    """

    def __init__(
        self, ctx: Chunk1Context, selection: TallySelection1, subject: str, findings: Findings, *, spoiled: bool
    ) -> None:
        self.ctx = ctx
        self.group = ctx.group
        self.selection = selection
        self.subject = subject
        self.findings = findings
        self.spoiled = spoiled
        self.number = "12" if spoiled else None
        self.keys = {g.guardian_id: g for g in ctx.guardians}
        self.present = {s.guardian_id for s in selection.shares if s.proof is not None}
        self.present_orders = sorted(self.keys[g].sequence_order for g in self.present if g in self.keys)

    def fail(self, label: str, problem: str, who: str = "") -> None:
        full = f"{label}" if not self.spoiled else f"12/{label}"
        self.findings.fail(full, f"{self.subject}{who}", problem, number=self.number or label.split(".", maxsplit=1)[0])

    def check(self) -> None:
        selection = self.selection
        if not (self.group.is_element(selection.pad) and self.group.is_element(selection.data)):
            self.fail("8.G", "the message (A, B) is not in Z_p^r")
            return
        if {s.guardian_id for s in selection.shares} != set(self.keys):
            self.fail("11.E", "the shares do not come from exactly the election's guardians")
        for share in selection.shares:
            self._share(share)
        self._combination()

    def _share(self, share: Share1) -> None:
        """Step 8 for a share a guardian computed, else steps 9-10 for one recovered for it."""
        who = f", guardian {share.guardian_id}"
        guardian = self.keys.get(share.guardian_id)
        if guardian is None:
            return
        if (share.proof is None) == (share.recovered is None):
            self.fail("8.F", "a share needs either a proof or recovered parts, not both or neither", who)
            return
        if share.proof is not None:
            self.findings.count(self.number or "8")
            _check_cp(
                self.group,
                self.ctx.extended_hash,
                self.selection.pad,
                self.selection.data,
                guardian.public_key,
                share.share,
                share.proof,
                self.fail,
                who,
                "8",
            )
            return
        if share.recovered is None:  # both missing was failed as 8.F above
            return
        self._recovered(guardian, share, share.recovered, who)

    def _recovered(self, guardian: GuardianKey, share: Share1, recovered: dict[str, RecoveredPart], who: str) -> None:
        """Steps 9-10: the missing guardian's share from the parts the others recovered."""
        self.findings.count(self.number or "9")
        if {part.guardian_id for part in recovered.values()} != self.present:
            self.fail("9.A", "the recovered parts do not come from exactly the guardians present", who)
        product = 1
        for part in recovered.values():
            weighted = self._part(guardian, share, part, who)
            if weighted is not None:
                product = self.group.mul(product, weighted)
        self.findings.count(self.number or "10")
        if product != share.share:
            self.fail("10.B", "M_i is not Π M_i,ℓ^(w_ℓ)", who)

    def _part(self, guardian: GuardianKey, share: Share1, part: RecoveredPart, who: str) -> int | None:
        """One recovered part checked (9.A-9.D, 10.A) and raised to its Lagrange coefficient;
        ``None`` when it names the wrong guardians."""
        group, q = self.group, self.group.q
        helper = self.keys.get(part.guardian_id)
        part_who = f"{who} (recovered by guardian {part.guardian_id})"
        if helper is None or part.missing_guardian_id != share.guardian_id:
            self.fail("9.A", "the recovered part names the wrong guardians", part_who)
            return None
        recovery = 1
        for j, commitment in enumerate(guardian.commitments):
            recovery = group.mul(recovery, group.pow(commitment, pow(helper.sequence_order, j, q)))
        if recovery != part.recovery_key:
            self.fail("9.D", "the recovery key is not Π K_i,j^(ℓ^j)", part_who)
        _check_cp(
            group,
            self.ctx.extended_hash,
            self.selection.pad,
            self.selection.data,
            recovery,
            part.share,
            part.proof,
            self.fail,
            part_who,
            "9",
        )
        weight = self.ctx.coefficients.get(part.guardian_id)
        expected_weight = lagrange_coefficient(q, helper.sequence_order, self.present_orders)
        if weight is None or weight != expected_weight:
            self.fail("10.A", f"the Lagrange coefficient of guardian {part.guardian_id} is wrong or missing", who)
            weight = expected_weight
        return group.pow(part.share, weight)

    def _combination(self) -> None:
        """Step 11: the shares combine to M = g^t for the published tally t."""
        group, selection = self.group, self.selection
        self.findings.count(self.number or "11")
        combined = group.prod(s.share for s in selection.shares)
        if group.mul(selection.value, combined) != selection.data:
            self.fail("11.C", "B != M · Π M_i")
        if group.g_pow(selection.tally) != selection.value:
            self.fail("11.D", f"M is not g^t for the published tally t = {selection.tally}")


def check_decryption(
    ctx: Chunk1Context, selection: TallySelection1, subject: str, findings: Findings, *, spoiled: bool = False
) -> None:
    """Steps 8-11 for one decrypted selection of the tally or of a spoiled ballot."""
    _Decryption(ctx, selection, subject, findings, spoiled=spoiled).check()


def _check_cp(
    group: Group,
    extended_hash: int,
    pad: int,
    data: int,
    key: int,
    share: int,
    proof: CPProof,
    fail: Callable[[str, str, str], None],
    who: str,
    step: str,
) -> None:
    """The Chaum-Pedersen proof that M = A^s for the s with K = g^s (steps 8 and 9)."""
    q = group.q
    letters = {"8": ("F", "G", "H", "I", "J"), "9": ("A", "B", "C", "D", "E")}[step]
    if not 0 <= proof.response < q or not 0 <= proof.challenge < q:
        fail(f"{step}.{letters[0]}", "the response v is not in Z_q", who)
        return
    if not (group.is_element(proof.pad) and group.is_element(proof.data) and group.is_element(share)):
        fail(f"{step}.{letters[1]}", "a, b or the share is not in Z_p^r", who)
        return
    expected = hash_elems(q, Elem(extended_hash), Elem(pad), Elem(data), Elem(proof.pad), Elem(proof.data), Elem(share))
    if expected != proof.challenge:
        fail(f"{step}.{letters[2]}", "the challenge is not H(Q-bar, A, B, a, b, M)", who)
    if group.g_pow(proof.response) != group.mul(proof.pad, group.pow(key, proof.challenge)):
        fail(f"{step}.{letters[3]}", "g^v != a · K^c", who)
    if group.pow(pad, proof.response) != group.mul(proof.data, group.pow(share, proof.challenge)):
        fail(f"{step}.{letters[4]}", "A^v != b · M^c", who)


def guardian_keys(guardians: Sequence[Guardian1]) -> tuple[GuardianKey, ...]:
    return tuple(GuardianKey(g.guardian_id, g.sequence_order, g.public_key, g.commitments) for g in guardians)
