"""The ballot box's rules, and only its rules: which ballots get in, who decides, what closing does.

Spec §3.4.4 "Ballot casting or challenging": once the voter has the confirmation code, the
ballot is either cast or challenged, once; a challenged ballot is opened and never tallied. A
ballot that is neither cast nor challenged when voting closes is *implicitly challenged*
(the spec's "uncast (implicitly or explicitly challenged) ballot"): it is never counted, and
the guardians open it like any other challenged ballot (docs/decisions.md, "Pending ballots at
close").

Every function here is pure: it takes the facts it needs (the election's state, what is already
stored under the same code or identifier, the device's last code) and returns the bulletin-board
events to append, or raises. Storage adapters hold no rules; ``nazaha.workflows.lifecycle``
reads the facts and appends the events inside one store transaction, so a rule and the append
it allows cannot be separated by another request.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from nazaha.crypto.group import Group
from nazaha.election.ballot import EncryptedBallot
from nazaha.election.eligibility import (
    BallotSignatures,
    CredentialKey,
    Eligibility,
    EligibilityPolicy,
    ballot_signature_message,
)
from nazaha.errors import BallotError, ConflictError, EligibilityError, UnknownBallotError
from nazaha.record.board import BoardKind
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice

__all__ = [
    "BoardEvent",
    "ElectionState",
    "admit_ballot",
    "ballot_decision",
    "check_ballot_signatures",
    "check_device_chain",
    "close_voting",
    "decide_ballot",
    "open_voting",
    "require_state",
    "require_voting_open",
    "start_decryption_round",
    "transition",
    "update_credentials",
]


class ElectionState(enum.Enum):
    """An election's life: created, voting open, voting closed, decrypting, published."""

    SETUP = "setup"
    OPEN = "open"
    CLOSED = "closed"
    DECRYPTING = "decrypting"
    PUBLISHED = "published"


_ALLOWED_FROM: dict[ElectionState, tuple[ElectionState, ...]] = {
    ElectionState.OPEN: (ElectionState.SETUP,),
    ElectionState.CLOSED: (ElectionState.OPEN,),
    ElectionState.DECRYPTING: (ElectionState.CLOSED,),
    ElectionState.PUBLISHED: (ElectionState.DECRYPTING,),
}


@dataclass(frozen=True, slots=True)
class BoardEvent:
    """An entry to append to the bulletin board: its kind and the ballot's code ("" for close)."""

    kind: BoardKind
    code: str


def transition(election_id: str, state: ElectionState, to: ElectionState) -> ElectionState:
    """The election's next state ``to``, if the lifecycle allows it from ``state``."""
    if state not in _ALLOWED_FROM.get(to, ()):
        raise ConflictError(f"election {election_id!r} is {state.value}; cannot become {to.value}")
    return to


def require_state(state: ElectionState, wanted: ElectionState, doing: str) -> None:
    """Refuse ``doing`` unless the election is in state ``wanted``."""
    if state is not wanted:
        raise ConflictError(f"the election is {state.value}; {doing} needs it to be {wanted.value}")


def require_voting_open(state: ElectionState) -> None:
    """Ballots and decisions are taken only while voting is open."""
    if state is not ElectionState.OPEN:
        raise ConflictError(f"voting is not open (the election is {state.value})")


def admit_ballot(
    state: ElectionState,
    *,
    code: str,
    data: bytes,
    stored_with_code: bytes | None,
    selection_id_taken: bool,
) -> BoardEvent | None:
    """Whether an encrypted ballot, already verified at the door, gets onto the board.

    Returns the ``ballot`` event to append, or None when the very same bytes were submitted
    before (a retry after a lost answer is answered with the first receipt). A second ballot
    with the same confirmation code or the same selection encryption identifier is refused
    (Verification 5.A: identifiers are unique), and so is any ballot while voting is not open.
    """
    if stored_with_code is not None and stored_with_code == data:
        return None
    if selection_id_taken:
        raise ConflictError(f"ballot {code} reuses the selection encryption identifier of a ballot already submitted")
    if stored_with_code is not None:
        raise ConflictError(f"a different ballot with confirmation code {code} was already submitted")
    require_voting_open(state)
    return BoardEvent(BoardKind.BALLOT, code)


def check_device_chain(group: Group, extended_hash: bytes, ballot: EncryptedBallot, last_code: str | None) -> None:
    """With simple chaining, B_C must hold the confirmation code of the device's previous ballot
    on the board, or the chain's start H_0 for its first (eqs. 74-76); ``last_code`` is that
    previous code, read in the same transaction that appends the ballot."""
    if ballot.chaining_field[:4] != ChainingMode.SIMPLE.identifier:
        return
    device = EncryptionDevice(group, extended_hash, ballot.device, ChainingMode.SIMPLE)
    expected = device.initial_hash if last_code is None else bytes.fromhex(last_code)
    if ballot.chaining_field[4:] != expected:
        raise BallotError(
            f"the chaining field does not continue device {ballot.device!r}'s chain "
            "(it must hold the confirmation code of that device's previous ballot)"
        )


def check_ballot_signatures(
    eligibility: Eligibility,
    extended_hash: bytes,
    ballot: EncryptedBallot,
    style: str,
    signatures: BallotSignatures,
    *,
    credential: CredentialKey | None,
    revoked: bool,
    ballots_of_credential: int,
) -> None:
    """Whether the ballot carries the signatures its election requires (docs/threat-model.md).

    ``credential`` is the listed key that signed it (None if it is not on the list, with the
    updates applied), ``revoked`` whether that key was revoked, ``ballots_of_credential`` how
    many ballots it already has on the board; ``style`` is the ballot's style label.

    * Credentials: a listed, unrevoked key's valid signature over H_E and the confirmation code;
      the key's ballot style; under the one-ballot policy, its first ballot only.
    * Devices: a registered device's valid signature. A ballot that continues a device's chain
      (simple chaining) needs it in every mode: only the device may extend its chain.
    """
    message = ballot_signature_message(extended_hash, ballot.confirmation_code)
    if eligibility.mode.needs_credential:
        if not signatures.credential or not signatures.credential_signature:
            raise EligibilityError("missing voter signature: this election takes only ballots signed with a credential")
        if credential is None:
            raise EligibilityError("the ballot is signed by a key that is not a credential of this election")
        if revoked:
            raise EligibilityError("the ballot is signed by a revoked credential (it was replaced)")
        if not _verify(credential.key, signatures.credential_signature, message):
            raise EligibilityError("the credential's signature does not match this ballot and election")
        if credential.style and credential.style != style:
            raise EligibilityError(f"this credential votes ballot style {credential.style!r}, not {style!r}")
        if eligibility.policy is EligibilityPolicy.ONE_BALLOT and ballots_of_credential:
            raise ConflictError("this credential has already submitted a ballot (one ballot per credential)")
    elif signatures.credential or signatures.credential_signature:
        raise EligibilityError(f"this election ({eligibility.mode.value}) takes no credential signatures")
    chained = ballot.chaining_field[:4] == ChainingMode.SIMPLE.identifier
    if eligibility.mode.needs_device or chained or signatures.device_signature:
        device = eligibility.device(ballot.device)
        if device is None:
            reason = "only a registered device may chain its ballots" if chained else "devices must be registered"
            raise EligibilityError(f"device {ballot.device[:80]!r} is not registered for this election ({reason})")
        if not signatures.device_signature:
            raise EligibilityError(f"missing device signature: device {ballot.device[:80]!r} must sign its ballots")
        if not _verify(device.key, signatures.device_signature, message):
            raise EligibilityError(f"device {ballot.device[:80]!r}'s signature does not match this ballot")


def _verify(key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def ballot_decision(kinds: Iterable[BoardKind]) -> BoardKind | None:
    """The voter's decision (``cast`` or ``challenge``) among a ballot's board entries, if any."""
    for kind in kinds:
        if kind in (BoardKind.CAST, BoardKind.CHALLENGE):
            return kind
    return None


def decide_ballot(state: ElectionState, code: str, kinds: Sequence[BoardKind], decision: BoardKind) -> BoardEvent:
    """Cast or challenge the ballot ``code`` whose board entries so far have ``kinds``.

    Only while voting is open, only a ballot that was submitted, and only once.
    """
    if decision not in (BoardKind.CAST, BoardKind.CHALLENGE):
        raise ValueError(f"{decision.value} is not a decision")
    require_voting_open(state)
    if BoardKind.BALLOT not in kinds:
        raise UnknownBallotError(f"no pending ballot has confirmation code {code}")
    previous = ballot_decision(kinds)
    if previous is not None:
        word = "cast" if previous is BoardKind.CAST else "challenged"
        raise ConflictError(f"ballot {code} was already {word}")
    return BoardEvent(decision, code)


def open_voting(state: ElectionState, eligibility_commitment: str) -> BoardEvent:
    """Voting opens: the board's first entry commits to the eligibility files (their hash)."""
    transition("", state, ElectionState.OPEN)
    return BoardEvent(BoardKind.OPEN, eligibility_commitment)


def update_credentials(state: ElectionState, update_hash: str) -> BoardEvent:
    """A replaced credential goes on the board (its update document's hash), while voting is open."""
    require_voting_open(state)
    return BoardEvent(BoardKind.CREDENTIAL, update_hash)


def start_decryption_round(state: ElectionState, document_hash: str) -> BoardEvent:
    """A decryption round goes on the board (its document's hash), after the tally only."""
    require_state(state, ElectionState.DECRYPTING, "a decryption round")
    return BoardEvent(BoardKind.DECRYPT, document_hash)


def close_voting(state: ElectionState, undecided: Sequence[str]) -> list[BoardEvent]:
    """Close voting: every undecided ballot is challenged (never counted), then the board closes."""
    require_voting_open(state)
    events = [BoardEvent(BoardKind.CHALLENGE, code) for code in undecided]
    events.append(BoardEvent(BoardKind.CLOSE, ""))
    return events
