"""The guardians decrypt the contest data of challenged ballots, with a joint proof (spec §3.6.6).

For each contest Λ of a challenged ballot that carries contest data C = (C_0, C_1, C_2) and the
set U of present guardians, the same three steps as the tally's (``nazaha.tallying.decrypt``):

1. ``commit``: each G_i checks the proof C_2 of eq. (69) and refuses to decrypt otherwise, then
   computes m_i = C_0^(z-hat_i) (eq. 96), draws u_i, forms (a_i, b_i) = (g^u_i, C_0^u_i) (eq. 98)
   and publishes m_i with d_i = H(H_I; 0x32, ind_c(Λ), i, C_0, C_1, C_2, a_i, b_i, m_i, U) (eq. 99).
2. ``reveal``: (a_i, b_i), only once it holds a d_j from every guardian in U.
3. ``respond``: G_i checks every d_j, computes β = Π m_j^(w_j) (eq. 97), a = Π a_j, b = Π b_j
   (eq. 100), c = H_q(H_I; 0x33, ind_c(Λ), C_0, C_1, C_2, a, b, β) (eq. 101) itself, and answers
   v_i = (u_i − c·w_i·z-hat_i) mod q (eq. 102).

``combine_contest_data`` checks each v_i against g^(z-hat_i) (as Note 3.7), sums v = Σ v_i (eq. 103)
and decrypts D = C_1 ⊕ k_1 ‖ ... ‖ k_bΛ with h = H(H_I; 0x26, ind_c(Λ), C_0, β) (eqs. 104-106).
Anyone checks the result with Verification 12 (a = g^v · K-hat^c, b = C_0^v · β^c).

Equation (99) keys d_i with H_I; the table of §5.5.4 prints B0 = H_E for it (and H_I for eq. 101).
d_i never leaves the guardians' exchange, so the choice does not reach the record; Nazaha follows
the equation. C_2 enters both hashes as b(c, 32) ‖ b(v, 32), as in χ (eq. 70, docs/decisions.md).

Nazaha decrypts the contest data of every challenged ballot, opened by its nonce or not: a
challenged ballot is never counted, so its contents are public anyway, and the guardians'
decryption is a check on the opening that needs no ballot nonce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, ModP, Raw, hash_h, hash_q, xor_bytes
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.polynomial import lagrange_coefficient
from nazaha.crypto.proofs import schnorr
from nazaha.crypto.proofs.chaum_pedersen import DecryptionProof
from nazaha.election.ballot import EncryptedBallot, EncryptedContestData
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianKeyShare
from nazaha.election.tally import ContestDataDecryption, DataCommitment, DataShare, DecryptedContestData
from nazaha.errors import DecryptionError, QuorumError
from nazaha.voting.contest_data import contest_data_challenge, contest_data_keys

__all__ = [
    "ContestDataDecryptor",
    "DataCommitment",
    "DataItem",
    "DataShare",
    "check_data_commit",
    "check_data_response",
    "check_data_reveal",
    "combine_contest_data",
    "contest_data_items",
    "data_commitment_hash",
    "data_decryption_challenge",
    "decrypt_contest_data",
]

DataKey = tuple[str, int]
"""(confirmation code in uppercase hex, ind_c(Λ))."""


@dataclass(frozen=True, slots=True)
class DataItem:
    """One contest data field to decrypt: which ballot and contest, the ballot's H_I, and C."""

    key: DataKey
    id_hash: bytes
    encrypted: EncryptedContestData


def contest_data_items(ballots: Sequence[EncryptedBallot]) -> list[DataItem]:
    """Every contest data field of ``ballots``, in ballot then contest order."""
    return [
        DataItem((ballot.code_hex, contest.contest_index), ballot.id_hash, contest.contest_data)
        for ballot in ballots
        for contest in ballot.contests
        if contest.contest_data is not None
    ]


def _c2(encrypted: EncryptedContestData) -> Raw:
    return Raw(encrypted.proof.challenge.to_bytes(32, "big") + encrypted.proof.response.to_bytes(32, "big"))


def data_commitment_hash(
    group: Group, item: DataItem, guardian: int, a: int, b: int, share: int, present: Sequence[int]
) -> bytes:
    """d_i = H(H_I; 0x32, ind_c(Λ), i, C_0, C_1, C_2, a_i, b_i, m_i, U) (eq. 99, §5.5.4)."""
    c = item.encrypted
    return hash_h(
        group,
        item.id_hash,
        0x32,
        U32(item.key[1]),
        U32(guardian),
        ModP(c.pad),
        Raw(c.masked),
        _c2(c),
        ModP(a),
        ModP(b),
        ModP(share),
        U32(len(present)),
        *(U32(j) for j in present),
    )


def data_decryption_challenge(group: Group, item: DataItem, a: int, b: int, beta: int) -> int:
    """c = H_q(H_I; 0x33, ind_c(Λ), C_0, C_1, C_2, a, b, β) (eq. 101, §5.5.4)."""
    c = item.encrypted
    return hash_q(
        group, item.id_hash, 0x33, U32(item.key[1]), ModP(c.pad), Raw(c.masked), _c2(c), ModP(a), ModP(b), ModP(beta)
    )


def _check_proof(group: Group, item: DataItem) -> None:
    """The guardian's check before it decrypts: C_0 in Z_p^r and the proof C_2 of eq. (69)."""
    c = item.encrypted
    where = f"ballot {item.key[0]}, contest {item.key[1]}"
    if not group.is_element(c.pad):
        raise DecryptionError(f"{where}: the contest data's C_0 is not in Z_p^r; the guardian refuses to decrypt it")
    proof = c.proof
    if not (0 <= proof.challenge < group.q and 0 <= proof.response < group.q):
        raise DecryptionError(f"{where}: the contest data's proof is out of range; the guardian refuses to decrypt it")
    a = schnorr.recompute_commitment(group, c.pad, proof.challenge, proof.response)
    if contest_data_challenge(group, item.id_hash, item.key[1], a, c.pad, c.masked) != proof.challenge:
        raise DecryptionError(
            f"{where}: the proof of the contest data (eq. 69) does not verify; the guardian refuses to decrypt it"
        )


def _ordered(context: ElectionContext, present: Sequence[int]) -> tuple[int, ...]:
    ordered = tuple(sorted(set(present)))
    if len(ordered) != len(present) or any(not 1 <= i <= context.parameters.guardians for i in ordered):
        raise QuorumError(f"guardians {list(present)[:20]} are not distinct guardians of this election")
    if len(ordered) < context.parameters.quorum:
        raise QuorumError(
            f"{len(ordered)} guardian(s) present, but the quorum is {context.parameters.quorum} "
            f"of {context.parameters.guardians}"
        )
    return ordered


@dataclass(slots=True)
class _Session:
    present: tuple[int, ...]
    items: list[DataItem]
    randoms: dict[DataKey, int] = field(repr=False)
    own: dict[DataKey, tuple[int, int, int]] = field(repr=False)
    revealed: bool = False


def _index(
    shares: Sequence[DataShare],
    commitments: Sequence[DataCommitment],
    present: Sequence[int],
    items: Sequence[DataItem],
) -> dict[DataKey, dict[int, tuple[int, bytes, int, int]]]:
    by_share = {(s.guardian, s.key): s for s in shares}
    by_reveal = {(c.guardian, c.key): c for c in commitments}
    result: dict[DataKey, dict[int, tuple[int, bytes, int, int]]] = {}
    for item in items:
        entries = {}
        for j in present:
            share, reveal = by_share.get((j, item.key)), by_reveal.get((j, item.key))
            if share is None or reveal is None:
                raise DecryptionError(
                    f"guardian {j} gave no share or commitment for the contest data of ballot {item.key[0]}, "
                    f"contest {item.key[1]}"
                )
            entries[j] = (share.share, share.commitment_hash, reveal.pad_commitment, reveal.data_commitment)
        result[item.key] = entries
    return result


def _check_hashes(
    group: Group, item: DataItem, entries: Mapping[int, tuple[int, bytes, int, int]], present: Sequence[int]
) -> None:
    for j, (share, digest, a, b) in entries.items():
        for value, what in ((share, "m_i"), (a, "a_i"), (b, "b_i")):
            if not group.is_element(value):
                raise DecryptionError(
                    f"guardian {j}'s {what} for the contest data of ballot {item.key[0]}, contest {item.key[1]} "
                    "is not in Z_p^r"
                )
        if data_commitment_hash(group, item, j, a, b, share, present) != digest:
            raise DecryptionError(
                f"guardian {j}'s revealed commitment for the contest data of ballot {item.key[0]}, contest "
                f"{item.key[1]} does not match its commitment hash d_{j}; halting"
            )


def _combine(
    group: Group, present: Sequence[int], entries: Mapping[int, tuple[int, bytes, int, int]]
) -> tuple[int, int, int]:
    """(β, a, b) of eqs. (97) and (100)."""
    beta = group.prod(group.pow(entries[j][0], lagrange_coefficient(group.q, j, present)) for j in present)
    return beta, group.prod(entries[j][2] for j in present), group.prod(entries[j][3] for j in present)


class ContestDataDecryptor:
    """A present guardian's part in decrypting contest data: holds its share z-hat_i."""

    def __init__(self, context: ElectionContext, key: GuardianKeyShare, rng: RandomSource) -> None:
        self._context = context
        self._key = key
        self._rng = rng
        self._session: _Session | None = None

    def __repr__(self) -> str:
        return f"ContestDataDecryptor(index={self._key.index})"

    @property
    def index(self) -> int:
        return self._key.index

    def commit(self, items: Sequence[DataItem], present: Sequence[int]) -> list[DataShare]:
        """Step 1: check each C_2 (eq. 69), then m_i and d_i (eqs. 96, 98, 99)."""
        group = self._context.group
        ordered = _ordered(self._context, present)
        if self.index not in ordered:
            raise QuorumError(f"guardian {self.index} is not among the guardians present")
        randoms: dict[DataKey, int] = {}
        own: dict[DataKey, tuple[int, int, int]] = {}
        result = []
        for item in items:
            _check_proof(group, item)
            pad = item.encrypted.pad
            share = group.pow(pad, self._key.data_share)
            u = self._rng.below(group.q)
            a, b = group.g_pow(u), group.pow(pad, u)
            randoms[item.key], own[item.key] = u, (share, a, b)
            digest = data_commitment_hash(group, item, self.index, a, b, share, ordered)
            result.append(DataShare(self.index, item.key, share, digest))
        self._session = _Session(ordered, list(items), randoms, own)
        return result

    def reveal(self, shares: Sequence[DataShare]) -> list[DataCommitment]:
        """Step 2: (a_i, b_i), only once a d_j of every present guardian is in hand."""
        session = self._require()
        wanted = {(j, item.key) for j in session.present for item in session.items}
        if not wanted <= {(s.guardian, s.key) for s in shares}:
            raise DecryptionError(
                f"guardian {self.index} will not reveal its contest data commitments before it has every "
                "other guardian's commitment hash"
            )
        session.revealed = True
        return [DataCommitment(self.index, i.key, session.own[i.key][1], session.own[i.key][2]) for i in session.items]

    def respond(self, shares: Sequence[DataShare], commitments: Sequence[DataCommitment]) -> dict[DataKey, int]:
        """Step 3: check every d_j, recompute c (eq. 101) and answer v_i (eq. 102)."""
        session = self._require()
        if not session.revealed:
            raise DecryptionError("contest data commitments must be revealed before responding")
        group = self._context.group
        by_key = _index(shares, commitments, session.present, session.items)
        weight = lagrange_coefficient(group.q, self.index, session.present)
        responses = {}
        for item in session.items:
            entries = by_key[item.key]
            _check_hashes(group, item, entries, session.present)
            beta, a, b = _combine(group, session.present, entries)
            c = data_decryption_challenge(group, item, a, b, beta)
            responses[item.key] = (session.randoms[item.key] - c * weight * self._key.data_share) % group.q
        self._session = None
        return responses

    def _require(self) -> _Session:
        if self._session is None:
            raise DecryptionError(f"guardian {self.index} has no contest data decryption in progress")
        return self._session


def check_data_commit(
    context: ElectionContext, items: Sequence[DataItem], guardian: int, shares: Sequence[DataShare]
) -> None:
    """A guardian's contest data shares in its commit message, before it is stored: exactly one
    m_i and d_i for every contest data field of the challenged ballots, every m_i in Z_p^r."""
    given = [s.key for s in shares]
    if sorted(given) != sorted(item.key for item in items) or len(set(given)) != len(given):
        raise DecryptionError(
            f"guardian {guardian}'s commitment must hold exactly one share for every contest data field of the "
            "challenged ballots"
        )
    for share in shares:
        if share.guardian != guardian or not context.group.is_element(share.share):
            raise DecryptionError(
                f"guardian {guardian}'s contest data share for ballot {share.key[0]}, contest {share.key[1]} "
                "is not its own or not in Z_p^r"
            )


def check_data_reveal(
    context: ElectionContext,
    items: Sequence[DataItem],
    present: Sequence[int],
    shares: Sequence[DataShare],
    guardian: int,
    commitments: Sequence[DataCommitment],
) -> None:
    """A guardian's revealed (a_i, b_i) for the contest data, before they are stored: one pair per
    field, in Z_p^r, matching the hash d_i it committed to (eq. 99)."""
    ordered = _ordered(context, present)
    if len(commitments) != len(items) or any(c.guardian != guardian for c in commitments):
        raise DecryptionError(f"guardian {guardian}'s reveal must hold one commitment for every contest data field")
    by_key = _index([s for s in shares if s.guardian == guardian], commitments, [guardian], items)
    for item in items:
        _check_hashes(context.group, item, by_key[item.key], ordered)


def check_data_response(
    context: ElectionContext,
    items: Sequence[DataItem],
    present: Sequence[int],
    shares: Sequence[DataShare],
    commitments: Sequence[DataCommitment],
    guardian: int,
    responses: Mapping[DataKey, int],
    public: int,
) -> None:
    """A guardian's v_i for the contest data, before they are stored: one per field, in Z_q, each
    passing the check of Note 3.7 against ``public`` = g^(z-hat_i): g^(v_i) · (g^(z-hat_i))^(c_i)
    = a_i and C_0^(v_i) · m_i^(c_i) = b_i with c_i = c · w_i (eqs. 101, 102)."""
    group = context.group
    ordered = _ordered(context, present)
    if sorted(responses) != sorted(item.key for item in items):
        raise DecryptionError(f"guardian {guardian}'s response must hold one value for every contest data field")
    by_key = _index(shares, commitments, ordered, items)
    weight = lagrange_coefficient(group.q, guardian, ordered)
    for item in items:
        entries = by_key[item.key]
        beta, a, b = _combine(group, ordered, entries)
        c_i = data_decryption_challenge(group, item, a, b, beta) * weight % group.q
        v = responses[item.key]
        share, _, a_i, b_i = entries[guardian]
        if (
            not 0 <= v < group.q
            or group.mul(group.pow(public, c_i), group.g_pow(v)) != a_i
            or group.pow_pair(item.encrypted.pad, v, share, c_i) != b_i
        ):
            raise DecryptionError(
                f"guardian {guardian}'s share or response for the contest data of ballot {item.key[0]}, contest "
                f"{item.key[1]} is wrong (Note 3.7 check failed)"
            )


def combine_contest_data(
    context: ElectionContext,
    items: Sequence[DataItem],
    present: Sequence[int],
    shares: Sequence[DataShare],
    commitments: Sequence[DataCommitment],
    responses: Mapping[int, Mapping[DataKey, int]],
    data_share_keys: Mapping[int, int],
) -> dict[str, DecryptedContestData]:
    """Check every guardian's part (the hashes d_j; each v_j as Note 3.7 against g^(z-hat_j) in
    ``data_share_keys``), sum v (eq. 103) and decrypt D (eqs. 104-106); by confirmation code."""
    group = context.group
    ordered = _ordered(context, present)
    by_key = _index(shares, commitments, ordered, items)
    decrypted: dict[str, list[ContestDataDecryption]] = {}
    for item in items:
        entries = by_key[item.key]
        _check_hashes(group, item, entries, ordered)
        beta, a, b = _combine(group, ordered, entries)
        c = data_decryption_challenge(group, item, a, b, beta)
        total = 0
        for j in ordered:
            v_j = responses.get(j, {}).get(item.key)
            where = f"the contest data of ballot {item.key[0]}, contest {item.key[1]}"
            if v_j is None or not 0 <= v_j < group.q:
                raise DecryptionError(f"guardian {j} gave no valid response for {where}")
            c_j = c * lagrange_coefficient(group.q, j, ordered) % group.q
            share, _, a_j, b_j = entries[j]
            if (
                group.mul(group.pow(data_share_keys[j], c_j), group.g_pow(v_j)) != a_j
                or group.pow_pair(item.encrypted.pad, v_j, share, c_j) != b_j
            ):
                raise DecryptionError(f"guardian {j}'s share or response for {where} is wrong (Note 3.7 check failed)")
            total += v_j
        encrypted = item.encrypted
        keys = contest_data_keys(group, item.id_hash, item.key[1], encrypted.pad, beta, len(encrypted.masked) // 32)
        decrypted.setdefault(item.key[0], []).append(
            ContestDataDecryption(
                item.key[1], beta, DecryptionProof(c, total % group.q), xor_bytes(encrypted.masked, keys)
            )
        )
    return {code: DecryptedContestData(bytes.fromhex(code), tuple(contests)) for code, contests in decrypted.items()}


def decrypt_contest_data(
    context: ElectionContext,
    ballots: Sequence[EncryptedBallot],
    guardians: Sequence[ContestDataDecryptor],
    data_share_keys: Mapping[int, int],
) -> dict[str, DecryptedContestData]:
    """Run the three steps with guardians in this process; the decryptions by confirmation code
    (none for a ballot without contest data)."""
    items = contest_data_items(ballots)
    if not items:
        return {}
    present = _ordered(context, [g.index for g in guardians])
    shares = [s for g in guardians for s in g.commit(items, present)]
    commitments = [c for g in guardians for c in g.reveal(shares)]
    responses = {g.index: g.respond(shares, commitments) for g in guardians}
    return combine_contest_data(context, items, present, shares, commitments, responses, data_share_keys)
