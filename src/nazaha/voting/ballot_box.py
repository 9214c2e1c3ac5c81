"""The ballot box rules: every ballot is cast or challenged once, and only cast ballots count.

Spec §3.4.4 "Ballot casting or challenging": once the voter has the confirmation code, the
ballot is either cast or challenged; a challenged ballot is opened and never tallied. The box
refuses a second ballot with the same selection encryption identifier (Verification 5.A) or
the same confirmation code.
"""

from __future__ import annotations

from nazaha.election.ballot import BallotState, EncryptedBallot, SubmittedBallot
from nazaha.errors import BallotStateError

__all__ = ["BallotBox"]


class BallotBox:
    """An in-memory ballot box that holds encrypted ballots until the voter decides."""

    def __init__(self) -> None:
        self._pending: dict[bytes, EncryptedBallot] = {}
        self._decided: dict[bytes, SubmittedBallot] = {}
        self._selection_ids: set[bytes] = set()

    def submit(self, ballot: EncryptedBallot) -> None:
        """Accept an encrypted ballot that waits for the voter's decision."""
        code = ballot.confirmation_code
        if code in self._pending or code in self._decided:
            raise BallotStateError(f"ballot {ballot.code_hex} was already submitted")
        if ballot.selection_id in self._selection_ids:
            raise BallotStateError(
                f"ballot {ballot.code_hex} reuses the selection encryption identifier of another ballot"
            )
        self._selection_ids.add(ballot.selection_id)
        self._pending[code] = ballot

    def decide(self, code: bytes, state: BallotState) -> SubmittedBallot:
        """Cast or challenge the pending ballot with confirmation code ``code``."""
        ballot = self._pending.pop(code, None)
        if ballot is None:
            if code in self._decided:
                previous = self._decided[code].state.value
                raise BallotStateError(f"ballot {code.hex().upper()} was already {previous}")
            raise BallotStateError(f"no pending ballot has confirmation code {code.hex().upper()}")
        submitted = SubmittedBallot(ballot=ballot, state=state)
        self._decided[code] = submitted
        return submitted

    def cast(self, code: bytes) -> SubmittedBallot:
        return self.decide(code, BallotState.CAST)

    def challenge(self, code: bytes) -> SubmittedBallot:
        return self.decide(code, BallotState.CHALLENGED)

    def pending(self) -> list[EncryptedBallot]:
        return list(self._pending.values())

    def submitted(self) -> list[SubmittedBallot]:
        """Every decided ballot, in the order decided."""
        return list(self._decided.values())

    def cast_ballots(self) -> list[EncryptedBallot]:
        return [s.ballot for s in self._decided.values() if s.state is BallotState.CAST]

    def challenged_ballots(self) -> list[EncryptedBallot]:
        return [s.ballot for s in self._decided.values() if s.state is BallotState.CHALLENGED]
