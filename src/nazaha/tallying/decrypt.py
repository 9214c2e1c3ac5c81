"""Threshold decryption of the tally with a joint proof, by any k of the n guardians.

Spec §3.6.3-§3.6.5. For each option's (A, B) and the set U of present guardians:

1. ``commit``: each G_i computes M_i = A^(z_i) (eq. 84), draws u_i, forms
   (a_i, b_i) = (g^u_i, A^u_i) (eq. 87) and publishes only M_i and
   d_i = H(H_E; 0x30, ind_c, ind_o, i, A, B, a_i, b_i, M_i, U) (eq. 88).
2. ``reveal``: only once it holds a d_j from every guardian in U does G_i reveal (a_i, b_i).
3. ``respond``: G_i checks every d_j against the revealed values, computes
   M = Π M_j^(w_j) (eq. 86), a = Π a_j, b = Π b_j (eq. 89),
   c = H_q(H_E; 0x31, ind_c, ind_o, A, B, a, b, M) (eq. 90) itself, and answers
   v_i = (u_i - c·w_i·z_i) mod q (eqs. 91, 92).
4. ``decrypt_tally`` (the administrator) checks each v_i against the guardian's public share
   key g^(z_i) (Note 3.7), sums v = Σ v_i (eq. 93), computes T = B · M^-1 (eq. 82) and t from
   T = K^t by a bounded discrete log.

No secret key is ever reconstructed; absent guardians are not needed. The ballot nonce of a
challenged ballot is decrypted the same way with the shares z-hat_i (§3.6.7, eqs. 107, 108).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nazaha.ceremony.signing import sign
from nazaha.crypto.dlog import DiscreteLog
from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, ModP, Raw, Text, hash_h, hash_q, xor_bytes
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.polynomial import commitment_at, lagrange_coefficient
from nazaha.crypto.proofs import schnorr
from nazaha.crypto.proofs.chaum_pedersen import DecryptionProof, recompute_commitments
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianKeyShare
from nazaha.election.tally import (
    DataCommitment,
    DataShare,
    DecryptedContest,
    DecryptedOption,
    DecryptedTally,
    EncryptedTally,
    GuardianCommitment,
    NonceShare,
    PartialDecryption,
)
from nazaha.errors import DecryptionError, QuorumError
from nazaha.tallying.contest_data import ContestDataDecryptor, DataKey, contest_data_items
from nazaha.voting.nonce_encryption import ballot_nonce_key

__all__ = [
    "DecryptingGuardian",
    "GuardianCommitment",
    "PartialDecryption",
    "check_commitment",
    "check_nonce_share",
    "check_response",
    "check_reveal",
    "combine_ballot_nonce",
    "combine_tally",
    "data_share_key",
    "decrypt_ballot_nonce",
    "decrypt_tally",
    "share_key",
]

OptionKey = tuple[int, int]


def _commitment_hash(
    group: Group,
    extended_hash: bytes,
    key: OptionKey,
    guardian: int,
    pad: int,
    data: int,
    a: int,
    b: int,
    share: int,
    present: Sequence[int],
) -> bytes:
    """d_i of eq. (88); U enters as b(#U, 4) ‖ b(j_1, 4) ‖ ... (spec §5.5.4)."""
    return hash_h(
        group,
        extended_hash,
        0x30,
        U32(key[0]),
        U32(key[1]),
        U32(guardian),
        ModP(pad),
        ModP(data),
        ModP(a),
        ModP(b),
        ModP(share),
        U32(len(present)),
        *(U32(j) for j in present),
    )


def decryption_challenge(
    group: Group, extended_hash: bytes, key: OptionKey, pad: int, data: int, a: int, b: int, m: int
) -> int:
    """c of eq. (90)."""
    return hash_q(
        group,
        extended_hash,
        0x31,
        U32(key[0]),
        U32(key[1]),
        ModP(pad),
        ModP(data),
        ModP(a),
        ModP(b),
        ModP(m),
    )


def share_key(context: ElectionContext, index: int) -> int:
    """g^(z_i) = Π_j Π_m K_j,m^(i^m), computed from the public commitments (Note 3.7, eq. 94)."""
    group = context.group
    return group.prod(commitment_at(group, g.vote_commitments, index) for g in context.guardians)


def data_share_key(context: ElectionContext, index: int) -> int:
    """g^(z-hat_i) = Π_j Π_m K-hat_j,m^(i^m), from the public data-key commitments (as eq. 94)."""
    group = context.group
    return group.prod(commitment_at(group, g.data_commitments, index) for g in context.guardians)


NONCE_SHARE_TAG = "nazaha nonce share"
"""The label of Nazaha's nonce-share proofs (not a spec value: the spec publishes no such proof)."""


def nonce_share_challenge(
    group: Group, extended_hash: bytes, guardian: int, id_hash: bytes, pad: int, share: int, a: int, b: int
) -> int:
    """c = H_q(H_E; 0x70, "nazaha nonce share", i, H_I, C_ξB,0, m_i, a, b) of a nonce-share proof."""
    return hash_q(
        group,
        extended_hash,
        0x70,
        Text(NONCE_SHARE_TAG),
        U32(guardian),
        Raw(id_hash),
        ModP(pad),
        ModP(share),
        ModP(a),
        ModP(b),
    )


def check_nonce_share(context: ElectionContext, ballot: EncryptedBallot, nonce_share: NonceShare) -> None:
    """A guardian's share m_i of a challenged ballot's nonce, with its proof: m_i in Z_p^r and
    (g^v · (g^(z-hat_i))^c, C_ξB,0^v · m_i^c) hashing back to c."""
    group = context.group
    i = nonce_share.guardian
    where = f"guardian {i}'s ballot nonce share for ballot {ballot.code_hex}"
    if not group.is_element(nonce_share.share):
        raise DecryptionError(f"{where} is not in Z_p^r")
    proof = nonce_share.proof
    if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
        raise DecryptionError(f"{where}: its proof has values outside Z_q")
    pad = ballot.encrypted_nonce.pad
    a, b = recompute_commitments(group, data_share_key(context, i), pad, nonce_share.share, proof)
    expected = nonce_share_challenge(group, context.extended_hash, i, ballot.id_hash, pad, nonce_share.share, a, b)
    if expected != proof.challenge:
        raise DecryptionError(f"{where}: its proof does not verify")


def _check_present(context: ElectionContext, present: Sequence[int]) -> tuple[int, ...]:
    parameters = context.parameters
    ordered = tuple(sorted(present))
    if len(set(ordered)) != len(ordered):
        raise QuorumError("a guardian is listed twice among those present")
    for index in ordered:
        if not 1 <= index <= parameters.guardians:
            raise QuorumError(f"guardian {index} is not a guardian of this election")
    if len(ordered) < parameters.quorum:
        raise QuorumError(
            f"{len(ordered)} guardian(s) present, but the quorum is {parameters.quorum} of {parameters.guardians}"
        )
    return ordered


def _tally_options(tally: EncryptedTally) -> list[tuple[OptionKey, int, int]]:
    return [
        ((contest.contest_index, option_index), ciphertext.pad, ciphertext.data)
        for contest in tally.contests
        for option_index, ciphertext in enumerate(contest.options, start=1)
    ]


@dataclass(slots=True)
class _Session:
    present: tuple[int, ...]
    options: list[tuple[OptionKey, int, int]]
    randoms: dict[OptionKey, int] = field(repr=False)
    own: dict[OptionKey, tuple[int, int, int]] = field(repr=False)
    revealed: bool = False


class DecryptingGuardian:
    """A present guardian: holds its key share and takes part in the decryption protocol."""

    def __init__(self, context: ElectionContext, key: GuardianKeyShare, rng: RandomSource) -> None:
        if key.extended_hash != context.extended_hash:
            raise DecryptionError(f"the key of guardian {key.index} belongs to another election (H_E differs)")
        if not 1 <= key.index <= context.parameters.guardians:
            raise DecryptionError(f"guardian {key.index} is not a guardian of this election")
        group = context.group
        if group.g_pow(key.vote_share) != share_key(context, key.index):
            raise DecryptionError(f"the key of guardian {key.index} does not match the election's commitments")
        self._context = context
        self._key = key
        self._rng = rng
        self._session: _Session | None = None
        self._data: ContestDataDecryptor | None = None

    def __repr__(self) -> str:
        return f"DecryptingGuardian(index={self.index})"

    @property
    def index(self) -> int:
        return self._key.index

    def commit(self, tally: EncryptedTally, present: Sequence[int]) -> list[PartialDecryption]:
        """Step 1: M_i and d_i for every option of the tally (eqs. 84, 87, 88)."""
        context = self._context
        group = context.group
        ordered = _check_present(context, present)
        if self.index not in ordered:
            raise QuorumError(f"guardian {self.index} is not among the guardians present")
        options = _tally_options(tally)
        randoms: dict[OptionKey, int] = {}
        own: dict[OptionKey, tuple[int, int, int]] = {}
        result = []
        for key, pad, data in options:
            group.element(pad, f"tally A of contest {key[0]}, option {key[1]}")
            group.element(data, f"tally B of contest {key[0]}, option {key[1]}")
            share = group.pow(pad, self._key.vote_share)
            u = self._rng.below(group.q)
            a = group.g_pow(u)
            b = group.pow(pad, u)
            randoms[key] = u
            own[key] = (share, a, b)
            digest = _commitment_hash(group, context.extended_hash, key, self.index, pad, data, a, b, share, ordered)
            result.append(PartialDecryption(self.index, key[0], key[1], share, digest))
        self._session = _Session(present=ordered, options=options, randoms=randoms, own=own)
        return result

    def reveal(self, partials: Sequence[PartialDecryption]) -> list[GuardianCommitment]:
        """Step 2: reveal (a_i, b_i), but only when a d_j from every present guardian is in hand."""
        session = self._require_session()
        wanted = {(j, key) for j in session.present for key, _, _ in session.options}
        held = {(p.guardian, (p.contest_index, p.option_index)) for p in partials}
        if not wanted <= held:
            raise DecryptionError(
                f"guardian {self.index} will not reveal its commitments before it has every "
                "other guardian's commitment hash"
            )
        session.revealed = True
        return [
            GuardianCommitment(self.index, key[0], key[1], session.own[key][1], session.own[key][2])
            for key, _, _ in session.options
        ]

    def respond(
        self, partials: Sequence[PartialDecryption], commitments: Sequence[GuardianCommitment]
    ) -> dict[OptionKey, int]:
        """Step 3: check every d_j, recompute the challenge itself and answer v_i (eq. 92)."""
        session = self._require_session()
        if not session.revealed:
            raise DecryptionError("commitments must be revealed before responding")
        context = self._context
        group = context.group
        by_key = _index_partials(partials, commitments, session.present, session.options)
        weight = lagrange_coefficient(group.q, self.index, session.present)
        responses: dict[OptionKey, int] = {}
        for key, pad, data in session.options:
            entries = by_key[key]
            for j, (share, digest, a, b) in entries.items():
                expected = _commitment_hash(
                    group, context.extended_hash, key, j, pad, data, a, b, share, session.present
                )
                if expected != digest:
                    raise DecryptionError(
                        f"guardian {self.index}: guardian {j}'s revealed commitment for contest "
                        f"{key[0]}, option {key[1]} does not match its hash d_{j}; halting"
                    )
            combined, a_total, b_total = _combine(group, session.present, entries)
            c = decryption_challenge(group, context.extended_hash, key, pad, data, a_total, b_total, combined)
            responses[key] = (session.randoms[key] - c * weight * self._key.vote_share) % group.q
        self._session = None
        return responses

    def nonce_share(self, ballot: EncryptedBallot) -> NonceShare:
        """m_i = C_ξB,0^(z-hat_i) (eq. 107), after checking the Schnorr proof C_ξB,2 (eq. 38), with
        the proof that it is this guardian's share (``check_nonce_share``)."""
        group = self._context.group
        nonce = ballot.encrypted_nonce
        group.element(nonce.pad, f"ballot {ballot.code_hex}: C_ξB,0")
        proof = nonce.proof
        if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
            raise DecryptionError(f"ballot {ballot.code_hex}: the nonce proof is out of range")
        commitment = schnorr.recompute_commitment(group, nonce.pad, proof.challenge, proof.response)
        expected = hash_q(group, ballot.id_hash, 0x23, ModP(commitment), ModP(nonce.pad), Raw(nonce.masked))
        if expected != proof.challenge:
            raise DecryptionError(
                f"ballot {ballot.code_hex}: the proof of the encrypted ballot nonce does not "
                "verify; guardian refuses to decrypt it"
            )
        share = group.pow(nonce.pad, self._key.data_share)
        u = self._rng.below(group.q)
        a, b = group.g_pow(u), group.pow(nonce.pad, u)
        c = nonce_share_challenge(
            group, self._context.extended_hash, self.index, ballot.id_hash, nonce.pad, share, a, b
        )
        return NonceShare(self.index, share, DecryptionProof(c, (u - c * self._key.data_share) % group.q))

    def contest_data(self) -> ContestDataDecryptor:
        """This guardian's part in decrypting contest data with its share z-hat_i (§3.6.6)."""
        return ContestDataDecryptor(self._context, self._key, self._rng)

    def commit_contest_data(self, ballots: Sequence[EncryptedBallot], present: Sequence[int]) -> list[DataShare]:
        """Step 1 for every contest data field of the challenged ``ballots`` (eqs. 96, 98, 99), after
        checking each proof of eq. (69); with the tally's commitment, in the same message."""
        self._data = self.contest_data()
        return self._data.commit(contest_data_items(ballots), present)

    def reveal_contest_data(self, shares: Sequence[DataShare]) -> list[DataCommitment]:
        """Step 2: (a_i, b_i) of eq. (98), once every present guardian's d_j is in hand."""
        if self._data is None:
            raise DecryptionError(f"guardian {self.index} has no contest data decryption in progress")
        return self._data.reveal(shares)

    def respond_contest_data(
        self, shares: Sequence[DataShare], commitments: Sequence[DataCommitment]
    ) -> dict[DataKey, int]:
        """Step 3: v_i of eq. (102) for every contest data field."""
        if self._data is None:
            raise DecryptionError(f"guardian {self.index} has no contest data decryption in progress")
        responses = self._data.respond(shares, commitments)
        self._data = None
        return responses

    def sign(self, message: bytes) -> bytes:
        """This guardian's Ed25519 signature of ``message`` (its decryption messages)."""
        if not self._key.signing_seed:
            raise DecryptionError(
                f"the key file of guardian {self.index} holds no signing key (made before Nazaha 0.2)"
            )
        return sign(self._key.signing_seed, message)

    def _require_session(self) -> _Session:
        if self._session is None:
            raise DecryptionError(f"guardian {self.index} has no decryption in progress")
        return self._session


def _index_partials(
    partials: Sequence[PartialDecryption],
    commitments: Sequence[GuardianCommitment],
    present: Sequence[int],
    options: Sequence[tuple[OptionKey, int, int]],
) -> dict[OptionKey, dict[int, tuple[int, bytes, int, int]]]:
    shares = {(p.guardian, (p.contest_index, p.option_index)): p for p in partials}
    reveals = {(c.guardian, (c.contest_index, c.option_index)): c for c in commitments}
    result: dict[OptionKey, dict[int, tuple[int, bytes, int, int]]] = {}
    for key, _, _ in options:
        entries = {}
        for j in present:
            partial = shares.get((j, key))
            reveal = reveals.get((j, key))
            if partial is None or reveal is None:
                raise DecryptionError(f"guardian {j} gave no share or commitment for contest {key[0]}, option {key[1]}")
            entries[j] = (
                partial.share,
                partial.commitment_hash,
                reveal.pad_commitment,
                reveal.data_commitment,
            )
        result[key] = entries
    return result


def _combine(
    group: Group, present: Sequence[int], entries: dict[int, tuple[int, bytes, int, int]]
) -> tuple[int, int, int]:
    """(M, a, b) of eqs. (86) and (89)."""
    q = group.q
    combined = group.prod(group.pow(entries[j][0], lagrange_coefficient(q, j, present)) for j in present)
    a_total = group.prod(entries[j][2] for j in present)
    b_total = group.prod(entries[j][3] for j in present)
    return combined, a_total, b_total


def check_commitment(
    context: ElectionContext,
    tally: EncryptedTally,
    guardian: int,
    partials: Sequence[PartialDecryption],
) -> None:
    """Guardian ``guardian``'s first message, before it is stored: exactly one share M_i and hash
    d_i for every option of the tally (eqs. 84, 88), every M_i in Z_p^r. (Its nonce shares are
    checked with ``check_nonce_share``.)"""
    group = context.group
    wanted = [key for key, _, _ in _tally_options(tally)]
    given = [(p.contest_index, p.option_index) for p in partials]
    if sorted(given) != sorted(wanted) or len(set(given)) != len(given):
        raise DecryptionError(f"guardian {guardian}'s commitment must hold exactly one share for every option")
    for partial in partials:
        if partial.guardian != guardian:
            raise DecryptionError(f"guardian {guardian}'s commitment holds a share of guardian {partial.guardian}")
        if not group.is_element(partial.share):
            raise DecryptionError(
                f"guardian {guardian}'s M_i for contest {partial.contest_index}, option {partial.option_index} "
                "is not in Z_p^r"
            )


def check_reveal(
    context: ElectionContext,
    tally: EncryptedTally,
    present: Sequence[int],
    partials: Sequence[PartialDecryption],
    guardian: int,
    commitments: Sequence[GuardianCommitment],
) -> None:
    """Guardian ``guardian``'s revealed (a_i, b_i), before they are stored: one pair per option,
    in Z_p^r, matching the hash d_i it committed to (eq. 88)."""
    group = context.group
    ordered = _check_present(context, present)
    options = _tally_options(tally)
    if len(commitments) != len(options) or any(c.guardian != guardian for c in commitments):
        raise DecryptionError(f"guardian {guardian}'s reveal must hold exactly one commitment for every option")
    mine = [p for p in partials if p.guardian == guardian]
    by_key = _index_partials(mine, commitments, [guardian], options)
    for key, pad, data in options:
        share, digest, a, b = by_key[key][guardian]
        if not (group.is_element(a) and group.is_element(b)):
            raise DecryptionError(
                f"guardian {guardian}'s a_i or b_i for contest {key[0]}, option {key[1]} is not in Z_p^r"
            )
        expected = _commitment_hash(group, context.extended_hash, key, guardian, pad, data, a, b, share, ordered)
        if expected != digest:
            raise DecryptionError(
                f"guardian {guardian}'s revealed commitment for contest {key[0]}, option {key[1]} does not match "
                f"its commitment hash d_{guardian}"
            )


def check_response(
    context: ElectionContext,
    tally: EncryptedTally,
    present: Sequence[int],
    partials: Sequence[PartialDecryption],
    commitments: Sequence[GuardianCommitment],
    guardian: int,
    responses: Mapping[OptionKey, int],
) -> None:
    """Guardian ``guardian``'s responses v_i, before they are stored: one per option, in Z_q, and
    each passing Note 3.7's check against the guardian's public share key g^(z_i):
    g^(v_i) · (g^(z_i))^(c_i) = a_i and A^(v_i) · M_i^(c_i) = b_i with c_i = c · w_i (eqs. 90-92)."""
    group = context.group
    ordered = _check_present(context, present)
    options = _tally_options(tally)
    if sorted(responses) != sorted(key for key, _, _ in options):
        raise DecryptionError(f"guardian {guardian}'s response must hold exactly one value for every option")
    by_key = _index_partials(partials, commitments, ordered, options)
    public = share_key(context, guardian)
    weight = lagrange_coefficient(group.q, guardian, ordered)
    for key, pad, data in options:
        entries = by_key[key]
        combined, a_total, b_total = _combine(group, ordered, entries)
        c = decryption_challenge(group, context.extended_hash, key, pad, data, a_total, b_total, combined)
        v = responses[key]
        if not 0 <= v < group.q:
            raise DecryptionError(f"guardian {guardian}'s response for contest {key[0]}, option {key[1]} is not in Z_q")
        c_i = c * weight % group.q
        share, _, a_i, b_i = entries[guardian]
        if group.mul(group.pow(public, c_i), group.g_pow(v)) != a_i or group.pow_pair(pad, v, share, c_i) != b_i:
            raise DecryptionError(
                f"guardian {guardian}'s decryption share or response for contest {key[0]}, option {key[1]} is wrong "
                "(Note 3.7 check failed)"
            )


def decrypt_tally(
    context: ElectionContext,
    tally: EncryptedTally,
    guardians: Sequence[DecryptingGuardian],
) -> DecryptedTally:
    """Run the whole protocol with the guardians present; return the tally with its proofs.

    Raises ``QuorumError`` when fewer than k guardians are present and ``DecryptionError``
    when a guardian's response does not check out (naming the guardian).
    """
    present = _check_present(context, [guardian.index for guardian in guardians])
    partials = [p for guardian in guardians for p in guardian.commit(tally, present)]
    commitments = [c for guardian in guardians for c in guardian.reveal(partials)]
    responses = {guardian.index: guardian.respond(partials, commitments) for guardian in guardians}
    return combine_tally(context, tally, present, partials, commitments, responses)


def combine_tally(
    context: ElectionContext,
    tally: EncryptedTally,
    present: Sequence[int],
    partials: Sequence[PartialDecryption],
    commitments: Sequence[GuardianCommitment],
    responses: dict[int, dict[OptionKey, int]],
) -> DecryptedTally:
    """The administrator's part once every present guardian has answered (eqs. 86, 89-93).

    Checks each d_j against the revealed (a_j, b_j), each response against the guardian's
    public share key (Note 3.7), and names the guardian at fault.
    """
    group = context.group
    ordered = _check_present(context, present)
    options = _tally_options(tally)
    by_key = _index_partials(partials, commitments, ordered, options)
    share_keys = {j: share_key(context, j) for j in ordered}
    dlog = DiscreteLog(group, context.vote_key)
    decrypted: dict[int, list[DecryptedOption]] = {}
    for key, pad, data in options:
        entries = by_key[key]
        for j, (share, digest, a_j, b_j) in entries.items():
            for value, what in ((share, "M_i"), (a_j, "a_i"), (b_j, "b_i")):
                if not group.is_element(value):
                    raise DecryptionError(
                        f"guardian {j}'s {what} for contest {key[0]}, option {key[1]} is not in Z_p^r"
                    )
            expected = _commitment_hash(group, context.extended_hash, key, j, pad, data, a_j, b_j, share, ordered)
            if expected != digest:
                raise DecryptionError(
                    f"guardian {j}'s revealed commitment for contest {key[0]}, option {key[1]} does not match "
                    f"its commitment hash d_{j}"
                )
        combined, a_total, b_total = _combine(group, ordered, entries)
        c = decryption_challenge(group, context.extended_hash, key, pad, data, a_total, b_total, combined)
        total_response = 0
        for j in ordered:
            v_j = responses.get(j, {}).get(key)
            if v_j is None or not 0 <= v_j < group.q:
                raise DecryptionError(f"guardian {j} gave no valid response for contest {key[0]}, option {key[1]}")
            c_j = c * lagrange_coefficient(group.q, j, ordered) % group.q
            share, _, a_j, b_j = entries[j]
            if (
                group.mul(group.pow(share_keys[j], c_j), group.g_pow(v_j)) != a_j
                or group.pow_pair(pad, v_j, share, c_j) != b_j
            ):
                raise DecryptionError(
                    f"guardian {j}'s decryption share or response for contest {key[0]}, "
                    f"option {key[1]} is wrong (Note 3.7 check failed)"
                )
            total_response += v_j
        value_power = group.div(data, combined)
        contest = context.manifest.contest(key[0])
        option = contest.options[key[1] - 1]
        bound = tally.cast_ballots * contest.option_limit(option)
        value = dlog.solve(value_power, bound)
        decrypted.setdefault(key[0], []).append(
            DecryptedOption(
                option_index=key[1],
                label=option.label,
                value=value,
                value_power=value_power,
                proof=DecryptionProof(challenge=c, response=total_response % group.q),
            )
        )
    contests = tuple(
        DecryptedContest(
            contest_index=index,
            label=context.manifest.contest(index).label,
            options=tuple(options_),
        )
        for index, options_ in decrypted.items()
    )
    return DecryptedTally(contests=contests, guardians_present=ordered, cast_ballots=tally.cast_ballots)


def decrypt_ballot_nonce(
    context: ElectionContext, ballot: EncryptedBallot, guardians: Sequence[DecryptingGuardian]
) -> bytes:
    """ξ_B of a challenged ballot from the guardians' shares m_i (eqs. 107, 108, 35, 36)."""
    return combine_ballot_nonce(context, ballot, {g.index: g.nonce_share(ballot).share for g in guardians})


def combine_ballot_nonce(
    context: ElectionContext, ballot: EncryptedBallot, shares: dict[int, int], *, legacy: bool = False
) -> bytes:
    """β_B = Π m_i^(w_i) (eq. 108), then ξ_B = C_ξB,1 ⊕ k_1 (eqs. 35, 36).

    ``legacy`` derives k_1 with the KDF labels Nazaha used before it followed the PDF (spaces for
    underscores, ``nazaha.voting.nonce_encryption``), for a ballot encrypted before then."""
    group = context.group
    present = _check_present(context, list(shares))
    for index, share in shares.items():
        if not group.is_element(share):
            raise DecryptionError(f"guardian {index}'s ballot nonce share is not in Z_p^r")
    beta = group.prod(
        group.pow(share, lagrange_coefficient(group.q, index, present)) for index, share in shares.items()
    )
    nonce = ballot.encrypted_nonce
    return xor_bytes(nonce.masked, ballot_nonce_key(group, ballot.id_hash, nonce.pad, beta, legacy=legacy))
