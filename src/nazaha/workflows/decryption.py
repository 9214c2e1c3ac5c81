"""The decryption's rounds inside the store's units of work (spec §3.6.5, §3.6.7).

The administrator starts a *round* by naming the guardians present (at least k); the round is a
document ``decryption/round-<n>.json`` whose SHA-256 goes onto the bulletin board as a ``decrypt``
entry, so everyone sees every round that was started. In a round each guardian posts three
messages (``commit``, ``reveal``, ``respond``), each signed with the guardian's own key and
checked before it is stored: its signature, its form, and its cryptography (the shares in the
group, the revealed commitments matching their hashes, each response by Note 3.7, every ballot
nonce share with its proof). A round in which a guardian disappears can be abandoned by starting
another with other guardians; messages are stored per round, so nothing is overwritten.

The last response of a round combines the tally, opens the challenged ballots and publishes, in
the same transaction. The same three messages carry the guardians' decryption of the challenged
ballots' contest data (§3.6.6: m_i and d_i, then (a_i, b_i), then v_i, each checked as the
tally's are), published as ``contest_data/<code>.json``. A challenged ballot whose decrypted
nonce does not reproduce its encryptions (a device that encrypted another nonce) does not stall
the count: it is published as *unopened*, with the guardians' proven shares that show they
decrypted honestly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import msgspec

from nazaha.election.ballot import EncryptedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.tally import (
    ChallengedBallot,
    DataCommitment,
    DataShare,
    EncryptedTally,
    GuardianCommitment,
    PartialDecryption,
    UnopenedBallot,
)
from nazaha.errors import ConflictError, DecryptionError, InputError, NotFoundError, QuorumError
from nazaha.record.codec import decode_ballot, encode_challenged, encode_tally
from nazaha.record.decryption import (
    decode_commit,
    decode_respond,
    decode_respond_data,
    decode_reveal,
    decode_reveal_data,
    decode_round,
    encode_contest_data_decryption,
    encode_round,
    encode_unopened,
    signed_bytes,
    verify_signature,
)
from nazaha.storage.ports import StoreTransaction
from nazaha.tallying.contest_data import (
    DataItem,
    check_data_commit,
    check_data_response,
    check_data_reveal,
    combine_contest_data,
    contest_data_items,
)
from nazaha.tallying.decrypt import (
    check_commitment,
    check_nonce_share,
    check_response,
    check_reveal,
    combine_ballot_nonce,
    combine_tally,
    data_share_key,
)
from nazaha.voting import ballot_box as rules
from nazaha.voting.ballot_box import ElectionState
from nazaha.voting.opening import open_ballot
from nazaha.workflows import faults

__all__ = [
    "PUBLISHED_AT",
    "STEPS",
    "DecryptionStatus",
    "Rounds",
    "current_status",
    "present_guardians",
    "round_status",
    "signed",
]

STEPS = ("commit", "reveal", "respond")
"""The three steps of a decryption round, in order."""

CHALLENGED_CODES = "challenged_codes.json"
PUBLISHED_AT = "published_at.txt"
TALLY = "tally.json"


@dataclass(slots=True)
class DecryptionStatus:
    """The current round: who was named, who has posted which step, and the messages posted."""

    round: int
    present: list[int]
    committed: list[int]
    revealed: list[int]
    responded: list[int]
    messages: dict[str, bytes] = field(repr=False)
    """Every message of the round by name (``decryption/round-<n>/<step>/<i>``), and its
    signature under the same name with ``.sig``."""


def round_name(number: int) -> str:
    return f"decryption/round-{number}.json"


def message_name(number: int, step: str, guardian: int) -> str:
    return f"decryption/round-{number}/{step}/{guardian}"


def present_guardians(context: ElectionContext, present: Sequence[int]) -> list[int]:
    """The guardians named, sorted; at least the quorum, each a guardian of the election."""
    ordered = sorted(set(present))
    parameters = context.parameters
    if len(ordered) != len(present) or any(not 1 <= i <= parameters.guardians for i in ordered):
        raise InputError(f"guardians {list(present)[:20]} are not distinct guardians of this election")
    if len(ordered) < parameters.quorum:
        raise QuorumError(
            f"{len(ordered)} guardian(s) present, but the quorum is {parameters.quorum} of {parameters.guardians}"
        )
    return ordered


class Rounds:
    """The decryption rounds of one election, read and written inside one transaction."""

    def __init__(self, tx: StoreTransaction, context: ElectionContext, clock: Callable[[], str] | None = None) -> None:
        """``clock``: when given, the moment the results are published is kept (``PUBLISHED_AT``)."""
        self._tx = tx
        self._context = context
        self._clock = clock

    # -- rounds ---------------------------------------------------------------------------------

    def current(self) -> tuple[int, list[int]] | None:
        """(number, guardians present) of the latest round, or None before the first."""
        number, found = 0, None
        while True:
            data = self._tx.artifact(round_name(number + 1))
            if data is None:
                return found
            number += 1
            found = (number, list(decode_round(data).present))

    def finished(self) -> bool:
        return self._tx.artifact(TALLY) is not None

    def start(self, present: Sequence[int], now: str, *, abandon: bool = False) -> int:
        """Start a new round with ``present``; an unfinished round must be abandoned explicitly."""
        rules.require_state(self._tx.election.state, ElectionState.DECRYPTING, "starting a decryption round")
        ordered = present_guardians(self._context, present)
        current = self.current()
        if current is not None and not abandon:
            raise ConflictError(
                f"decryption round {current[0]} (guardians {current[1]}) is in progress; abandon it to start "
                "another with other guardians"
            )
        number = 1 if current is None else current[0] + 1
        document = encode_round(number, ordered, now, abandons=current[0] if current else 0)
        self._tx.put_artifact(round_name(number), document)
        event = rules.start_decryption_round(self._tx.election.state, hashlib.sha256(document).hexdigest().upper())
        self._tx.append_entry(event.kind, event.code, now)
        return number

    def _require_round(self) -> tuple[int, list[int]]:
        current = self.current()
        if current is None:
            raise ConflictError("the decryption has not been started")
        return current

    def messages(self, number: int, step: str, present: Sequence[int]) -> dict[int, bytes]:
        found = {}
        for index in present:
            data = self._tx.artifact(message_name(number, step, index))
            if data is not None:
                found[index] = data
        return found

    # -- one message ----------------------------------------------------------------------------

    def post(self, tally: EncryptedTally, step: str, guardian: int, data: bytes, signature: bytes) -> bool:
        """Check and store one guardian's message of the current round; True once published."""
        if step not in STEPS:
            raise NotFoundError(f"unknown step {step[:40]!r} (commit, reveal or respond)")
        if self.finished():
            return True  # a message that arrives after the decryption finished changes nothing
        rules.require_state(self._tx.election.state, ElectionState.DECRYPTING, "the decryption")
        number, present = self._require_round()
        if guardian not in present:
            raise ConflictError(f"guardian {guardian} is not among the guardians of round {number} {present}")
        context = self._context
        who = f"guardian {guardian}"
        if not 1 <= guardian <= context.parameters.guardians:
            raise NotFoundError(f"the election has no guardian {guardian}")
        verify_signature(
            context.guardian(guardian).signing_key,
            signature,
            signed_bytes(context.extended_hash, number, step, guardian, data),
            who,
        )
        name = message_name(number, step, guardian)
        stored = self._tx.artifact(name)
        if stored is not None:
            if stored != data:
                raise ConflictError(f"{who}'s {step} message of round {number} was already stored (a different one)")
            return self._finish_if_ready(tally, number, present)  # the same message again
        position = STEPS.index(step)
        if position:
            before = STEPS[position - 1]
            missing = sorted(set(present) - set(self.messages(number, before, present)))
            if missing:
                raise ConflictError(f"waiting for guardian(s) {missing} to {before}")
        self._check(tally, number, present, step, guardian, data)
        self._tx.put_artifact(name, data)
        self._tx.put_artifact(f"{name}.sig", signature.hex().upper().encode("ascii"))
        return self._finish_if_ready(tally, number, present)

    def _check(
        self, tally: EncryptedTally, number: int, present: list[int], step: str, guardian: int, data: bytes
    ) -> None:
        context = self._context
        group = context.group
        if step == "commit":
            commit = decode_commit(data, group, f"guardian {guardian}'s commitment")
            if commit.guardian != guardian or list(commit.present) != present:
                raise InputError("the commitment names another guardian or another set of guardians")
            codes = self._challenged_codes()
            if set(commit.nonce_shares) != set(codes):
                raise InputError("the commitment must hold one nonce share for every challenged ballot")
            check_commitment(context, tally, guardian, commit.partials)
            for code, share in commit.nonce_shares.items():
                if share.guardian != guardian:
                    raise InputError(f"the nonce share for ballot {code} names another guardian")
                check_nonce_share(context, self._challenged_ballot(code), share)
            check_data_commit(context, self._data_items(), guardian, commit.data_shares)
        elif step == "reveal":
            index, commitments = decode_reveal(data, group, f"guardian {guardian}'s reveal")
            if index != guardian:
                raise InputError("the reveal names another guardian")
            check_reveal(context, tally, present, self._partials(number, present), guardian, commitments)
            data_shares = self._data_shares(number, present)
            data_reveal = decode_reveal_data(data, group, f"guardian {guardian}'s reveal")
            check_data_reveal(context, self._data_items(), present, data_shares, guardian, data_reveal)
        else:
            index, responses = decode_respond(data, group, f"guardian {guardian}'s response")
            if index != guardian:
                raise InputError("the response names another guardian")
            partials = self._partials(number, present)
            check_response(context, tally, present, partials, self._reveals(number, present), guardian, responses)
            check_data_response(
                context,
                self._data_items(),
                present,
                self._data_shares(number, present),
                self._data_reveals(number, present),
                guardian,
                decode_respond_data(data, group, f"guardian {guardian}'s response"),
                data_share_key(context, guardian),
            )

    def _challenged_codes(self) -> list[str]:
        data = self._tx.artifact(CHALLENGED_CODES)
        return msgspec.json.decode(data, type=list[str]) if data else []

    def _challenged_ballot(self, code: str) -> EncryptedBallot:
        row = self._tx.ballot(code)
        if row is None:
            raise DecryptionError(f"challenged ballot {code} is missing from the store")
        return decode_ballot(row.data, self._context.group, f"ballot {code}").ballot

    def _data_items(self) -> list[DataItem]:
        """Every contest data field of the challenged ballots, which the guardians decrypt (§3.6.6)."""
        return contest_data_items([self._challenged_ballot(code) for code in self._challenged_codes()])

    def _data_shares(self, number: int, present: Sequence[int]) -> list[DataShare]:
        group = self._context.group
        return [
            s
            for data in self.messages(number, "commit", present).values()
            for s in decode_commit(data, group).data_shares
        ]

    def _data_reveals(self, number: int, present: Sequence[int]) -> list[DataCommitment]:
        group = self._context.group
        return [
            c for data in self.messages(number, "reveal", present).values() for c in decode_reveal_data(data, group)
        ]

    def _partials(self, number: int, present: Sequence[int]) -> list[PartialDecryption]:
        group = self._context.group
        return [
            p for data in self.messages(number, "commit", present).values() for p in decode_commit(data, group).partials
        ]

    def _reveals(self, number: int, present: Sequence[int]) -> list[GuardianCommitment]:
        group = self._context.group
        return [c for data in self.messages(number, "reveal", present).values() for c in decode_reveal(data, group)[1]]

    # -- publishing -----------------------------------------------------------------------------

    def _finish_if_ready(self, tally: EncryptedTally, number: int, present: list[int]) -> bool:
        """Once every guardian of the round has responded: combine, open the challenged ballots,
        store the results and publish, all in this transaction."""
        if self.finished():
            return True
        responded = self.messages(number, "respond", present)
        if sorted(responded) != present:
            return False
        context = self._context
        group = context.group
        commits = [decode_commit(data, group) for data in self.messages(number, "commit", present).values()]
        partials = [p for message in commits for p in message.partials]
        responses = {i: decode_respond(responded[i], group)[1] for i in present}
        decrypted = combine_tally(context, tally, present, partials, self._reveals(number, present), responses)
        items = self._data_items()
        if items:
            data_responses = {i: decode_respond_data(responded[i], group) for i in present}
            data_keys = {i: data_share_key(context, i) for i in present}
            data_shares = [s for message in commits for s in message.data_shares]
            opened_data = combine_contest_data(
                context, items, present, data_shares, self._data_reveals(number, present), data_responses, data_keys
            )
            for code, decrypted_data in opened_data.items():
                self._tx.put_artifact(
                    f"contest_data/{code}.json", encode_contest_data_decryption(group, decrypted_data)
                )
        for code in self._challenged_codes():
            ballot = self._challenged_ballot(code)
            shares = {m.guardian: m.nonce_shares[code] for m in commits}
            opened = _open_challenged(context, ballot, {i: share.share for i, share in shares.items()})
            if opened is None:
                # The guardians' proven shares decrypt a nonce that does not open the ballot:
                # the device encrypted another nonce. Published as such; the count goes on.
                unopened = UnopenedBallot(ballot.confirmation_code, tuple(shares[i] for i in present))
                self._tx.put_artifact(f"unopened/{code}.json", encode_unopened(group, unopened))
                continue
            self._tx.put_artifact(f"challenged/{code}.json", encode_challenged(group, opened))
        self._tx.put_artifact(TALLY, encode_tally(group, decrypted))
        faults.pause("publish")
        self._tx.set_state(rules.transition("", self._tx.election.state, ElectionState.PUBLISHED))
        if self._clock is not None:
            self._tx.put_artifact(PUBLISHED_AT, self._clock().encode("utf-8"))
        return True


def current_status(artifacts: Mapping[str, bytes]) -> DecryptionStatus:
    """The status of the latest round, from every stored ``decryption/`` artifact."""
    number = 0
    while round_name(number + 1) in artifacts:
        number += 1
    if number == 0:
        return DecryptionStatus(0, [], [], [], [], {})
    present = list(decode_round(artifacts[round_name(number)]).present)
    return round_status(number, present, artifacts)


def round_status(number: int, present: list[int], messages: Mapping[str, bytes]) -> DecryptionStatus:
    """The status of round ``number`` from its stored messages."""
    prefix = f"decryption/round-{number}/"
    mine = {name: data for name, data in messages.items() if name.startswith(prefix)}

    def posted(step: str) -> list[int]:
        start = f"{prefix}{step}/"
        return sorted(
            int(name[len(start) :]) for name in mine if name.startswith(start) and name[len(start) :].isdigit()
        )

    return DecryptionStatus(number, present, posted("commit"), posted("reveal"), posted("respond"), mine)


def _open_challenged(
    context: ElectionContext, ballot: EncryptedBallot, shares: dict[int, int]
) -> ChallengedBallot | None:
    """Open a challenged ballot with the ballot nonce its guardians' shares decrypt, or ``None`` when
    that nonce does not reproduce the ballot. The nonce is derived with the spec's KDF labels and,
    failing that, with the labels of ballots encrypted before Nazaha followed the PDF (eq. 36): the
    opening re-encrypts every option, so a nonce that opens the ballot is its nonce either way."""
    for legacy in (False, True):
        nonce = combine_ballot_nonce(context, ballot, shares, legacy=legacy)
        try:
            return open_ballot(context, ballot, nonce)
        except DecryptionError:
            continue
    return None


def signed(
    sign: Callable[[bytes], bytes], context: ElectionContext, number: int, step: str, guardian: int, body: bytes
) -> bytes:
    """A guardian's signature of one of its messages (``sign`` holds the guardian's key)."""
    return sign(signed_bytes(context.extended_hash, number, step, guardian, body))
