"""Checks of each ballot: Verifications 5.B, 6, 7, 8, the ballot-nonce proof (check N) and, for
challenged ballots, 13 and 14. The range proofs of Verifications 6 and 7 are checked on every
ballot, challenged ones included (the spec asks it of cast ballots; see ``check_chunk``).

Ballots are checked in chunks that are independent of each other, so that chunks can run in
worker processes (or on a cluster) and their results be merged: each chunk returns its
findings, the partial products of its cast ballots' encryptions (for Verification 9) and the
identifiers and labels that the runner needs for checks across ballots (5.A, 11.D).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.group import FixedBase, Group
from nazaha.crypto.nonces import RandomSource, SystemRandom
from nazaha.crypto.polynomial import lagrange_coefficient
from nazaha.crypto.proofs.range import verify_range
from nazaha.election.ballot import BallotState, EncryptedBallot, EncryptedContest
from nazaha.election.eligibility import BallotSignatures, ballot_signature_message
from nazaha.election.manifest import Manifest
from nazaha.election.tally import ChallengedBallot, ChallengedContest
from nazaha.errors import InvalidProof, RecordFileMissing, RecordFormatError
from nazaha.record.codec import DecodedBallot, decode_ballot, decode_challenged
from nazaha.record.decryption import decode_unopened
from nazaha.record.hints import hint_name
from nazaha.record.remote import RecordFiles, open_record_files
from nazaha.verify import spec_hashes
from nazaha.verify.checks.hinted import WEIGHT_BITS, BallotEquations, equations_of, failing, hints_apply, read_hints
from nazaha.verify.findings import Findings

__all__ = ["LISTED_BUT_MISSING", "BallotCheckContext", "ChainLink", "ChunkResult", "check_chunk"]

NO_CHAINING = b"\x00\x00\x00\x00"
SIMPLE_CHAINING = b"\x00\x00\x00\x01"

LISTED_BUT_MISSING = "listed in record.json but missing from the record"

_RANGE_LABELS = {"shape": "B", "challenge-range": "B", "response-range": "C", "challenge": "D"}


@dataclass(frozen=True, slots=True)
class ChainLink:
    """Where a device log puts a ballot: the device, its chaining mode, the previous code."""

    device: str
    mode: str
    previous: bytes | None
    """The confirmation code before this one on the device; None for the device's first."""


@dataclass(frozen=True, slots=True)
class BallotCheckContext:
    """Everything a worker needs to check a chunk of ballots; small and picklable."""

    root: str
    group: Group
    manifest: Manifest
    vote_key: int
    extended_hash: bytes
    digests: dict[str, str]
    """SHA-256 of each file of the chunk, from the record index."""
    chains: dict[str, ChainLink]
    """The device log entry of each ballot of the chunk, by confirmation code (hex)."""
    data_share_keys: dict[int, int] = field(default_factory=dict)
    """g^(z-hat_i) of each guardian, from the guardians' data-key commitments (for unopened ballots)."""
    quorum: int = 0
    device_keys: dict[str, bytes] = field(default_factory=dict)
    """The registered devices' public keys (``devices.json``), by device name."""
    superseded: frozenset[str] = frozenset()
    """Cast ballots that a later cast ballot of their credential replaced (re-voting): not counted."""
    rng: RandomSource = field(default_factory=SystemRandom)
    """Randomness for the batched membership test and the hinted path's batch weights (the
    verifier's own, unknown to the prover)."""
    data_key: int = 0
    """K-hat, the ballot data key: contest data of challenged ballots is re-encrypted under it."""
    hint_digests: dict[str, str] = field(default_factory=dict)
    """SHA-256 of the proof-hint file of each ballot of the chunk that has one (``hints/index.json``);
    empty for the spec-only path."""
    weight_bits: int = WEIGHT_BITS
    """Bits of the hinted path's random weights."""
    listed_unseen: bool = False
    """``root`` is a URL, whose folders the coordinator did not list: a listed ballot or opening that
    is missing there is reported here (0.A), as the coordinator reports it for a folder."""


@dataclass(slots=True)
class ChunkResult:
    findings: Findings = field(default_factory=Findings)
    products: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    cast: int = 0
    challenged: int = 0
    selection_ids: list[bytes] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    states: dict[str, str] = field(default_factory=dict)
    challenged_codes: list[str] = field(default_factory=list)
    contest_labels: set[str] = field(default_factory=set)
    counted: int = 0
    """Cast ballots multiplied into the tally (cast minus superseded)."""
    signers: list[Signer] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Signer:
    """What vouched for one ballot, as its chunk found it (the coordinator checks the lists)."""

    code: str
    state: str
    style: str
    device: str
    credential: str
    """The credential key that signed it, uppercase hex ("" if none)."""
    credential_signature: str
    """"valid", "invalid" or "" (none)."""
    device_signature: str
    """"valid", "invalid", "unregistered" (a signature by a device not registered) or ""."""
    chained: bool


def _multiply_in(products: dict[int, list[tuple[int, int]]], contest: EncryptedContest, p: int) -> None:
    row = products.setdefault(contest.contest_index, [(1, 1)] * len(contest.selections))
    products[contest.contest_index] = [
        (pad * s.ciphertext.pad % p, data * s.ciphertext.data % p)
        for (pad, data), s in zip(row, contest.selections, strict=True)
    ]


def _structure_ok(
    ctx: BallotCheckContext, ballot: EncryptedBallot, labels: dict[int, str], subject: str, findings: Findings
) -> bool:
    manifest = ctx.manifest
    if not 1 <= ballot.style_index <= len(manifest.ballot_styles):
        findings.fail("0.S", subject, f"ballot style index {ballot.style_index} names no ballot style")
        return False
    style = manifest.style(ballot.style_index)
    present = [c.contest_index for c in ballot.contests]
    if present != sorted(style.contests):
        findings.fail(
            "0.S",
            subject,
            f"ballot style {style.label!r} has contests {sorted(style.contests)}, the ballot has {present}",
        )
        return False
    ok = True
    for contest in ballot.contests:
        info = manifest.contest(contest.contest_index)
        if labels.get(contest.contest_index) != info.label:
            findings.fail(
                "0.S",
                subject,
                f"contest {contest.contest_index} is labelled {labels.get(contest.contest_index)!r}, "
                + f"the manifest says {info.label!r}",
            )
            ok = False
        if [s.option_index for s in contest.selections] != list(range(1, len(info.options) + 1)):
            findings.fail("0.S", subject, f"contest {info.label!r} must have one encryption per option, in order")
            ok = False
    return ok


def _check_selections(ctx: BallotCheckContext, ballot: EncryptedBallot, subject: str, findings: Findings) -> None:
    """Verifications 6 and 7 for one ballot, cast or challenged."""
    group = ctx.group
    h_i = ballot.id_hash
    values = [v for c in ballot.contests for s in c.selections for v in (s.ciphertext.pad, s.ciphertext.data)]
    # One batched membership test for the whole ballot (6.A, 7.A); one by one only to name a culprit.
    batch_ok = group.are_elements(values, ctx.rng)
    for contest in ballot.contests:
        info = ctx.manifest.contest(contest.contest_index)
        all_in_group = True
        for selection in contest.selections:
            findings.count("6")
            option = info.options[selection.option_index - 1]
            where = f"{subject}, contest {info.label!r}, option {option.label!r}"
            ct = selection.ciphertext
            if not batch_ok and not (group.is_element(ct.pad) and group.is_element(ct.data)):
                findings.fail("6.A", where, "α or β is not in Z_p^r")
                all_in_group = False
                continue
            try:
                verify_range(
                    group,
                    ctx.vote_key,
                    ct,
                    selection.proof,
                    info.option_limit(option),
                    partial(
                        spec_hashes.selection_challenge,
                        group,
                        h_i,
                        contest.contest_index,
                        selection.option_index,
                        ct.pad,
                        ct.data,
                    ),
                )
            except InvalidProof as error:
                findings.fail(f"6.{_RANGE_LABELS[error.part]}", where, str(error))
        findings.count("7")
        where = f"{subject}, contest {info.label!r}"
        if not all_in_group:
            findings.fail("7.A", where, "an encryption in the contest is not in Z_p^r")
            continue
        pad = group.prod(s.ciphertext.pad for s in contest.selections)
        data = group.prod(s.ciphertext.data for s in contest.selections)
        try:
            verify_range(
                group,
                ctx.vote_key,
                Ciphertext(pad, data),
                contest.proof,
                info.contest_limit,
                partial(spec_hashes.contest_limit_challenge, group, h_i, contest.contest_index, pad, data),
            )
        except InvalidProof as error:
            findings.fail(f"7.{_RANGE_LABELS[error.part]}", where, str(error))


def _check_nonce_proof(ctx: BallotCheckContext, ballot: EncryptedBallot, subject: str, findings: Findings) -> None:
    """Check N for one ballot: C_ξB,2 = (c_B, v_B) proves knowledge of the nonce ξ-hat_B of C_ξB,0.

    Spec 2.1 §3.3.4 eq. (38) and §3.6.7: a_B = g^(v_B) · C_ξB,0^(c_B) mod p and
    c_B = H_q(H_I; 0x23, a_B, C_ξB,0, C_ξB,1). The guardians check this proof before they decrypt
    the ballot nonce of a challenged ballot; the verifier checks it for every ballot, cast or
    challenged, so that a record whose nonce encryptions were altered does not verify.
    """
    group = ctx.group
    nonce = ballot.encrypted_nonce
    findings.count("N")
    if not group.is_element(nonce.pad):
        findings.fail("N.A", subject, "C_ξB,0 (the encrypted ballot nonce's α_B) is not in Z_p^r")
        return
    proof = nonce.proof
    if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
        findings.fail("N.B", subject, "the ballot-nonce proof's c_B or v_B is not in Z_q")
        return
    commitment = group.mul(group.g_pow(proof.response), group.pow(nonce.pad, proof.challenge))
    expected = spec_hashes.ballot_nonce_challenge(group, ballot.id_hash, commitment, nonce.pad, nonce.masked)
    if expected != proof.challenge:
        findings.fail(
            "N.C",
            subject,
            "the ballot-nonce proof does not verify: c_B != H_q(H_I; 0x23, g^v_B · C_ξB,0^c_B, C_ξB,0, C_ξB,1)",
        )


def _data_items(contest: EncryptedContest) -> tuple[int, bytes, int, int] | None:
    """(C_0, C_1, c, v) of a contest's encrypted contest data, as χ hashes them (eq. 70)."""
    data = contest.contest_data
    if data is None:
        return None
    return data.pad, data.masked, data.proof.challenge, data.proof.response


def _check_contest_data(ctx: BallotCheckContext, ballot: EncryptedBallot, subject: str, findings: Findings) -> None:
    """Check D for one ballot: contest data exactly where the manifest declares b_Λ > 0 blocks, of
    32·b_Λ bytes, C_0 in Z_p^r and C_2 = (c, v) a proof of knowledge of its nonce (eq. 69):
    a = g^v · C_0^c mod p, c = H_q(H_I; 0x27, ind_c(Λ), a, C_0, C_1). §6.2 leaves this proof to the
    guardians (§3.6.6); the verifier checks it on every ballot, as it does the ballot nonce's (N)."""
    group = ctx.group
    for contest in ballot.contests:
        info = ctx.manifest.contest(contest.contest_index)
        data = contest.contest_data
        if data is None and not info.contest_data_blocks:
            continue
        findings.count("D")
        where = f"{subject}, contest {info.label!r}"
        if data is None:
            findings.fail("D.A", where, "the manifest declares contest data, the ballot has none")
            continue
        if len(data.masked) != 32 * info.contest_data_blocks:
            findings.fail(
                "D.A",
                where,
                f"the contest data is {len(data.masked)} bytes, the manifest declares {info.contest_data_blocks} "
                "blocks of 32",
            )
            continue
        proof = data.proof
        if not group.is_element(data.pad) or not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
            findings.fail("D.B", where, "C_0 is not in Z_p^r, or the proof's c or v is not in Z_q")
            continue
        commitment = group.mul(group.g_pow(proof.response), group.pow(data.pad, proof.challenge))
        expected = spec_hashes.contest_data_challenge(
            group, ballot.id_hash, contest.contest_index, commitment, data.pad, data.masked
        )
        if expected != proof.challenge:
            findings.fail("D.C", where, "the contest data's proof does not verify: c != H_q(H_I; 0x27, l, a, C_0, C_1)")


def _check_opened_data(
    ctx: BallotCheckContext,
    ballot: EncryptedBallot,
    encrypted: EncryptedContest,
    nonce: int | None,
    plain: bytes | None,
    subject: str,
    findings: Findings,
) -> None:
    """Verification 13.4-13.A for one contest of a challenged ballot: the published contest data
    nonce ξ reproduces C_0 = g^ξ, and with β = K-hat^ξ, h and k_1 ... k_bΛ (13.5-13.7) the
    published D re-encrypts to C_1 = D_1 ⊕ k_1 ‖ ... ‖ D_bΛ ⊕ k_bΛ."""
    data = encrypted.contest_data
    where = f"{subject}, contest {encrypted.contest_index}"
    if data is None:
        if nonce is not None or plain is not None:
            findings.fail("13.A", where, "the opening holds contest data the ballot does not have")
        return
    if nonce is None or plain is None:
        findings.fail("13.A", where, "the opening does not give the contest data and its nonce")
        return
    group = ctx.group
    if len(plain) != len(data.masked):
        findings.fail("13.A", where, f"the published contest data D is not {len(data.masked)} bytes long, as C_1 is")
        return
    if group.g_pow(nonce) != data.pad:
        findings.fail("13.A", where, "the contest data nonce ξ does not reproduce C_0 = g^ξ")
        return
    keys = spec_hashes.contest_data_keys(
        group,
        ballot.id_hash,
        encrypted.contest_index,
        data.pad,
        group.pow(ctx.data_key, nonce),
        len(plain) // 32,
    )
    if bytes(x ^ y for x, y in zip(plain, keys, strict=True)) != data.masked:
        findings.fail("13.A", where, "the published contest data D does not re-encrypt to C_1")


def _check_code(
    ctx: BallotCheckContext,
    ballot: EncryptedBallot,
    subject: str,
    findings: Findings,
    pairs_by_contest: dict[int, list[tuple[int, int]]] | None = None,
) -> None:
    """Verification 8 for one ballot (8.F and 8.G are checked once per device by the runner)."""
    group = ctx.group
    findings.count("8")
    hashes = []
    for contest in ballot.contests:
        pairs = [(s.ciphertext.pad, s.ciphertext.data) for s in contest.selections]
        chi = spec_hashes.contest_hash(group, ballot.id_hash, contest.contest_index, pairs, _data_items(contest))
        if chi != contest.contest_hash:
            findings.fail("8.A", subject, f"the contest hash of contest {contest.contest_index} is wrong")
        hashes.append(chi)
    if spec_hashes.confirmation_code(group, ballot.id_hash, hashes, ballot.chaining_field) != ballot.confirmation_code:
        findings.fail("8.B", subject, "the confirmation code is not H(H_I; 0x29, χ_1, ..., B_C)")
    h_di = spec_hashes.device_hash(group, ctx.extended_hash, ballot.device)
    link = ctx.chains.get(ballot.code_hex)
    mode = ballot.chaining_field[:4]
    if link is not None and link.device != ballot.device:
        findings.fail(
            "8.C",
            subject,
            f"the ballot names device {ballot.device!r} but is listed by device {link.device!r}",
        )
    if mode == NO_CHAINING:
        if link is not None and link.mode != "none":
            findings.fail("8.D", subject, f"device {link.device!r} uses {link.mode} chaining, the ballot none")
        if ballot.chaining_field != NO_CHAINING + h_di:
            findings.fail("8.D", subject, "the chaining field is not 0x00000000 ‖ H_DI")
    elif mode == SIMPLE_CHAINING:
        if link is None:
            return
        if link.mode != "simple":
            findings.fail("8.E", subject, f"device {link.device!r} uses {link.mode} chaining, the ballot simple")
            return
        previous = (
            link.previous
            if link.previous is not None
            else spec_hashes.chain_initial_hash(group, ctx.extended_hash, h_di)
        )
        if ballot.chaining_field != SIMPLE_CHAINING + previous:
            where = (
                "the device's initial hash H_0" if link.previous is None else "the previous ballot's confirmation code"
            )
            findings.fail("8.E", subject, f"the chaining field does not hold {where}: the chain is broken")
    else:
        findings.fail("8.D", subject, f"unknown chaining mode 0x{mode.hex()}")


def _check_challenged(
    ctx: BallotCheckContext,
    ballot: EncryptedBallot,
    opened: ChallengedBallot,
    subject: str,
    findings: Findings,
) -> None:
    """Verifications 13 and 14 for one challenged ballot and its published opening."""
    group = ctx.group
    key = group.fixed_base(ctx.vote_key)
    findings.count("13")
    findings.count("14")
    opened_by_index = _opened_contests(ctx, ballot, opened, subject, findings)
    hashes = []
    recomputable = True
    for encrypted in ballot.contests:
        opened_contest = opened_by_index.get(encrypted.contest_index)
        if opened_contest is None:
            recomputable = False
            continue
        pairs = _reencrypted_contest(ctx, key, encrypted, opened_contest, subject, findings)
        if pairs is None:
            recomputable = False
            continue
        hashes.append(
            spec_hashes.contest_hash(group, ballot.id_hash, encrypted.contest_index, pairs, _data_items(encrypted))
        )
        _check_opened_data(ctx, ballot, encrypted, opened_contest.data_nonce, opened_contest.data, subject, findings)
    if recomputable:
        code = spec_hashes.confirmation_code(group, ballot.id_hash, hashes, ballot.chaining_field)
        if code != ballot.confirmation_code:
            findings.fail(
                "13.B",
                subject,
                "re-encrypting the opened selections with their nonces does not give the ballot's confirmation code",
            )
    else:
        findings.fail("13.B", subject, "the opening is incomplete, so the confirmation code cannot be recomputed")


def _opened_contests(
    ctx: BallotCheckContext, ballot: EncryptedBallot, opened: ChallengedBallot, subject: str, findings: Findings
) -> dict[int, ChallengedContest]:
    """14.A-B: the opening holds exactly the contests of the ballot's style; return them by index."""
    manifest = ctx.manifest
    style = manifest.style(ballot.style_index)
    style_contests = set(style.contests)
    opened_by_index = {}
    for contest in opened.contests:
        if contest.contest_index not in style_contests or not 1 <= contest.contest_index <= len(manifest.contests):
            findings.fail("14.A", subject, f"contest {contest.label!r} is not on ballot style {style.label!r}")
            continue
        info = manifest.contest(contest.contest_index)
        if contest.label != info.label:
            findings.fail(
                "14.A",
                subject,
                f"contest {contest.contest_index} is labelled {contest.label!r}, the manifest says {info.label!r}",
            )
        opened_by_index[contest.contest_index] = contest
    for index in sorted(style_contests - set(opened_by_index)):
        findings.fail(
            "14.B",
            subject,
            f"contest {manifest.contest(index).label!r} of the ballot style is not in the opening",
        )
    return opened_by_index


def _reencrypted_contest(
    ctx: BallotCheckContext,
    key: FixedBase,
    encrypted: EncryptedContest,
    opened_contest: ChallengedContest,
    subject: str,
    findings: Findings,
) -> list[tuple[int, int]] | None:
    """14.C-F for one opened contest, and its selections re-encrypted with their nonces (None
    when options are missing, so the contest hash cannot be recomputed)."""
    group = ctx.group
    info = ctx.manifest.contest(encrypted.contest_index)
    by_option = {}
    for selection in opened_contest.selections:
        if (
            not 1 <= selection.option_index <= len(info.options)
            or info.options[selection.option_index - 1].label != selection.label
        ):
            findings.fail("14.C", subject, f"option {selection.label!r} is not an option of contest {info.label!r}")
            continue
        option = info.options[selection.option_index - 1]
        if selection.value > info.option_limit(option):
            findings.fail(
                "14.E",
                subject,
                f"contest {info.label!r}, option {option.label!r}: value {selection.value} exceeds its limit",
            )
        by_option[selection.option_index] = selection
    missing = [o.label for j, o in enumerate(info.options, 1) if j not in by_option]
    if missing:
        findings.fail("14.D", subject, f"contest {info.label!r}: options {missing} are not in the opening")
        return None
    total = sum(s.value for s in by_option.values())
    if total > info.contest_limit:
        findings.fail(
            "14.F",
            subject,
            f"contest {info.label!r}: {total} selections exceed the limit {info.contest_limit}",
        )
    return [
        (group.g_pow(by_option[j].nonce), key.pow(by_option[j].value + by_option[j].nonce))
        for j in range(1, len(info.options) + 1)
    ]


@dataclass(frozen=True, slots=True)
class _Deferred:
    """A ballot whose proofs wait for the chunk's batch test."""

    part: int
    ballot: EncryptedBallot
    subject: str
    equations: BallotEquations


def _hinted(ctx: BallotCheckContext, reader: RecordFiles, ballot: EncryptedBallot, name: str) -> BallotEquations | None:
    """The equations of the proof hints in file ``name``, when they can stand in for the ballot's
    spec-only proof checks (read, matching ``hints/index.json``, hashing to its challenges)."""
    values = read_hints(ctx.group, reader, name, ctx.hint_digests)
    return None if values is None else equations_of(ctx.group, ctx.manifest, ballot, values)


def _count_proofs(ballot: EncryptedBallot, findings: Findings) -> None:
    """What the spec-only path counts for a ballot's proofs (6 per option, 7 per contest, N)."""
    findings.count("N")
    for contest in ballot.contests:
        findings.count("6", len(contest.selections))
        findings.count("7")


def _settle(ctx: BallotCheckContext, deferred: list[_Deferred], parts: list[Findings]) -> None:
    """Batch-test the deferred ballots' proofs; the spec-only path checks (and names) those that fail."""
    if not deferred:
        return
    group = ctx.group
    elements = [value for item in deferred for value in item.equations.elements]
    if group.are_elements(elements, ctx.rng):
        bad = set(failing(group, ctx.vote_key, [d.equations for d in deferred], ctx.rng, ctx.weight_bits))
    else:
        bad = set(range(len(deferred)))
    for position, item in enumerate(deferred):
        findings = parts[item.part]
        if position in bad:
            findings.observe("hint-refused")
            _check_nonce_proof(ctx, item.ballot, item.subject, findings)
            _check_selections(ctx, item.ballot, item.subject, findings)
        else:
            _count_proofs(item.ballot, findings)


def _check_digest(ctx: BallotCheckContext, name: str, data: bytes, findings: Findings, *, listed: bool = False) -> None:
    """0.A: the file's SHA-256 is the one record.json lists (0.B when ``listed`` and it is not listed)."""
    digest = ctx.digests.get(name)
    if digest is None:
        if listed:
            findings.fail("0.B", name, "the file is not listed in record.json")
    elif hashlib.sha256(data).hexdigest().upper() != digest:
        findings.fail("0.A", name, "the file's SHA-256 differs from the one in record.json")


def _read_listed(ctx: BallotCheckContext, reader: RecordFiles, name: str, findings: Findings) -> bytes:
    """``reader.read(name)``; for a record at a URL, 0.A when the index lists the file and it is missing."""
    try:
        return reader.read(name)
    except RecordFileMissing:
        if ctx.listed_unseen and name in ctx.digests:
            findings.fail("0.A", name, LISTED_BUT_MISSING)
        raise


def _read_ballot_file(
    ctx: BallotCheckContext, reader: RecordFiles, name: str, findings: Findings
) -> DecodedBallot | None:
    """Check 0 of one ballot file: readable, listed with its digest, named by its code, decided.
    Return it decoded (a ballot neither cast nor challenged comes back with no state), or None."""
    try:
        data = _read_listed(ctx, reader, name, findings)
    except RecordFileMissing as error:
        if not ctx.listed_unseen:
            findings.count("0")
            findings.fail("0.A", name, str(error))
        return None  # with listed_unseen, as for a folder: a listed file that is missing is no item
    except RecordFormatError as error:
        findings.count("0")
        findings.fail("0.A", name, str(error))
        return None
    findings.count("0")
    _check_digest(ctx, name, data, findings, listed=True)
    try:
        decoded = decode_ballot(data, ctx.group, name)
    except RecordFormatError as error:
        findings.fail("0.F", name, f"cannot be read: {error}")
        return None
    code = decoded.ballot.code_hex
    if name != f"ballots/{code}.json":
        findings.fail("0.N", name, f"the file name does not match its confirmation code {code}")
    if decoded.state is None:
        findings.fail("0.F", f"ballot {code[:16]}…", "the ballot is neither cast nor challenged")
    return decoded


def _count_in(
    ctx: BallotCheckContext,
    reader: RecordFiles,
    result: ChunkResult,
    ballot: EncryptedBallot,
    state: BallotState,
    subject: str,
    findings: Findings,
) -> None:
    """A cast ballot goes into the tally's products (unless a later ballot superseded it); a
    challenged one has its opening checked (Verifications 13 and 14)."""
    code = ballot.code_hex
    if state is BallotState.CAST:
        result.cast += 1
        if code not in ctx.superseded:
            result.counted += 1
            for contest in ballot.contests:
                _multiply_in(result.products, contest, ctx.group.p)
    else:
        result.challenged += 1
        result.challenged_codes.append(code)
        _check_opening(ctx, reader, ballot, subject, findings)


def check_chunk(ctx: BallotCheckContext, names: Sequence[str]) -> ChunkResult:
    """Check the ballots in files ``names`` (relative to the record root).

    Ballots with usable proof hints have their proofs checked together at the end of the chunk
    (``nazaha.verify.checks.hinted``); each file's findings are kept apart until then and merged
    in file order, so the result is the same as on the spec-only path.
    """
    reader = open_record_files(ctx.root)
    group = ctx.group
    result = ChunkResult()
    parts: list[Findings] = []
    deferred: list[_Deferred] = []
    use_hints = bool(ctx.hint_digests) and hints_apply(group, ctx.weight_bits)
    for name in names:
        findings = Findings()
        parts.append(findings)
        decoded = _read_ballot_file(ctx, reader, name, findings)
        if decoded is None or decoded.state is None:
            continue
        ballot = decoded.ballot
        code = ballot.code_hex
        subject = f"ballot {code[:16]}…"
        result.codes.append(code)
        result.states[code] = decoded.state.value
        result.selection_ids.append(ballot.selection_id)
        result.contest_labels.update(decoded.contest_labels.values())
        findings.count("5")
        if spec_hashes.identifier_hash(group, ctx.extended_hash, ballot.selection_id) != ballot.id_hash:
            findings.fail("5.B", subject, "the identifier hash H_I is not H(H_E; 0x20, id_B)")
        structured = _structure_ok(ctx, ballot, decoded.contest_labels, subject, findings)
        # The hint file is found by the ballot file's name, so that each file's result does not
        # depend on which chunk the file falls into (a file may hold another code: 0.N).
        hint = hint_name(name.removeprefix("ballots/").removesuffix(".json"))
        equations = _hinted(ctx, reader, ballot, hint) if use_hints and structured else None
        if equations is None:
            if use_hints and ctx.hint_digests.get(hint) is not None:
                findings.observe("hint-refused")
            _check_nonce_proof(ctx, ballot, subject, findings)
        if not structured:
            continue
        _check_contest_data(ctx, ballot, subject, findings)
        _check_code(ctx, ballot, subject, findings)
        # Verifications 6 and 7 ask it of cast ballots; the device proved before the voter chose,
        # so a challenged ballot's proofs must hold too, and they are checked the same way.
        if equations is None:
            _check_selections(ctx, ballot, subject, findings)
        else:
            deferred.append(_Deferred(len(parts) - 1, ballot, subject, equations))
        result.signers.append(_signer(ctx, ballot, decoded.state.value, decoded.signatures))
        _count_in(ctx, reader, result, ballot, decoded.state, subject, findings)
    _settle(ctx, deferred, parts)
    for part in parts:
        result.findings.merge(part)
    return result


def _check_opening(
    ctx: BallotCheckContext, reader: RecordFiles, ballot: EncryptedBallot, subject: str, findings: Findings
) -> None:
    """Verifications 13 and 14 of a challenged ballot, from its opening or its unopened record."""
    group = ctx.group
    code = ballot.code_hex
    opening_name = f"challenged/{code}.json"
    try:
        opening_data = _read_listed(ctx, reader, opening_name, findings)
    except RecordFormatError:
        try:
            unopened = reader.read(f"unopened/{code}.json")
        except RecordFormatError:
            findings.fail("13.B", subject, "no opening of this challenged ballot is in the record")
            return
        _check_unopened(ctx, ballot, unopened, f"unopened/{code}.json", subject, findings)
        return
    _check_digest(ctx, opening_name, opening_data, findings)
    try:
        opened = decode_challenged(opening_data, group, opening_name)
    except RecordFormatError as error:
        findings.fail("0.F", opening_name, f"cannot be read: {error}")
        return
    if opened.confirmation_code != ballot.confirmation_code:
        findings.fail("13.B", subject, "the opening names another confirmation code")
        return
    _check_challenged(ctx, ballot, opened, subject, findings)


def _check_unopened(
    ctx: BallotCheckContext, ballot: EncryptedBallot, data: bytes, name: str, subject: str, findings: Findings
) -> None:
    """A challenged ballot published as unopened: the guardians' nonce shares are proven to be
    theirs, at least a quorum of them, and the ballot nonce they decrypt really does not reproduce
    the ballot's encryptions (so no opening could have been published). Then it is a named
    warning: the device that encrypted this ballot hid another nonce."""
    group = ctx.group
    findings.count("13")
    _check_digest(ctx, name, data, findings)
    try:
        unopened = decode_unopened(data, group, name)
    except RecordFormatError as error:
        findings.fail("0.F", name, f"cannot be read: {error}")
        return
    if unopened.confirmation_code != ballot.confirmation_code:
        findings.fail("13.U", subject, f"{name} names another confirmation code")
        return
    indices = [share.guardian for share in unopened.shares]
    if len(set(indices)) != len(indices) or len(indices) < ctx.quorum or not set(indices) <= set(ctx.data_share_keys):
        findings.fail("13.U", subject, f"the nonce shares come from {indices}, not a quorum of distinct guardians")
        return
    pad = ballot.encrypted_nonce.pad
    for share in unopened.shares:
        proof = share.proof
        if not group.is_element(share.share) or not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
            findings.fail("13.U", subject, f"guardian {share.guardian}'s nonce share or its proof is out of range")
            return
        a = group.mul(group.g_pow(proof.response), group.pow(ctx.data_share_keys[share.guardian], proof.challenge))
        b = group.pow_pair(pad, proof.response, share.share, proof.challenge)
        expected = spec_hashes.nonce_share_challenge(
            group, ctx.extended_hash, share.guardian, ballot.id_hash, pad, share.share, a, b
        )
        if expected != proof.challenge:
            findings.fail("13.U", subject, f"guardian {share.guardian}'s nonce share is not proven to be its own")
            return
    beta = group.prod(group.pow(s.share, lagrange_coefficient(group.q, s.guardian, indices)) for s in unopened.shares)
    # The nonce under the spec's KDF labels and under the labels of records written before Nazaha
    # followed the PDF (eq. 36, docs/decisions.md): the ballot is unopened only if neither opens it.
    for legacy in (False, True):
        mask = spec_hashes.ballot_nonce_mask(group, ballot.id_hash, pad, beta, legacy=legacy)
        nonce = bytes(x ^ y for x, y in zip(ballot.encrypted_nonce.masked, mask, strict=True))
        if _nonce_opens(ctx, ballot, nonce):
            findings.fail("13.U", subject, "the guardians' shares open this ballot, yet no opening of it is published")
            return
    findings.warn(
        "unopened-ballot",
        subject,
        "a challenged ballot that does not open: the ballot nonce that the guardians provably decrypted does not "
        "reproduce its encryptions, so the device that encrypted it hid another nonce. It was never counted; what "
        "it held cannot be shown. Treat that device as suspect.",
    )


def _nonce_opens(ctx: BallotCheckContext, ballot: EncryptedBallot, nonce: bytes) -> bool:
    """Whether every selection's α is g^ξ_i,j for the nonces ξ_i,j derived from ``nonce``."""
    group = ctx.group
    for contest in ballot.contests:
        for selection in contest.selections:
            xi = spec_hashes.selection_nonce(
                group, ballot.id_hash, contest.contest_index, selection.option_index, nonce
            )
            if group.g_pow(xi) != selection.ciphertext.pad:
                return False
    return True


def _signer(ctx: BallotCheckContext, ballot: EncryptedBallot, state: str, signatures: BallotSignatures) -> Signer:
    """Check the signatures a ballot carries against the keys they claim (the credential's key is
    in the ballot; a device's is registered); whether those keys may sign is the coordinator's."""
    message = ballot_signature_message(ctx.extended_hash, ballot.confirmation_code)
    credential = ""
    if signatures.credential or signatures.credential_signature:
        credential = "valid" if _signed(signatures.credential, signatures.credential_signature, message) else "invalid"
    device = ""
    if signatures.device_signature:
        key = ctx.device_keys.get(ballot.device)
        if key is None:
            device = "unregistered"
        else:
            device = "valid" if _signed(key, signatures.device_signature, message) else "invalid"
    style = (
        ctx.manifest.style(ballot.style_index).label
        if 1 <= ballot.style_index <= len(ctx.manifest.ballot_styles)
        else ""
    )
    return Signer(
        ballot.code_hex,
        state,
        style,
        ballot.device,
        signatures.credential.hex().upper(),
        credential,
        device,
        ballot.chaining_field[:4] == b"\x00\x00\x00\x01",
    )


def _signed(key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
