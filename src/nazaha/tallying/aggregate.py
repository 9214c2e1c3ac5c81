"""Homomorphic aggregation of the cast ballots (spec §3.5, eq. 79).

(A, B) = (Π_j α_j mod p, Π_j β_j mod p) for each option over every cast ballot. Ballots are
added one at a time, so the tally of any number of ballots needs memory for one tally only.
Challenged ballots are refused: they are never tallied.
"""

from __future__ import annotations

from collections.abc import Iterable

from nazaha.crypto.elgamal import Ciphertext
from nazaha.crypto.group import Group
from nazaha.election.ballot import BallotState, EncryptedBallot, SubmittedBallot
from nazaha.election.manifest import Manifest
from nazaha.election.tally import EncryptedTally, EncryptedTallyContest
from nazaha.errors import BallotStateError

__all__ = ["TallyAccumulator", "aggregate_ballots"]


class TallyAccumulator:
    """Running products (A, B) for every option of every contest in the manifest."""

    def __init__(self, group: Group, manifest: Manifest) -> None:
        self._group = group
        self._manifest = manifest
        self._pads = {index: [1] * len(contest.options) for index, contest in manifest.iter_contests()}
        self._datas = {index: [1] * len(contest.options) for index, contest in manifest.iter_contests()}
        self._count = 0

    def add(self, ballot: EncryptedBallot) -> None:
        """Multiply one cast ballot's encryptions into the running tally."""
        p = self._group.p
        for contest in ballot.contests:
            pads = self._pads.get(contest.contest_index)
            datas = self._datas.get(contest.contest_index)
            if pads is None or datas is None or len(contest.selections) != len(pads):
                raise BallotStateError(f"ballot {ballot.code_hex} does not match the manifest's contests")
            for position, selection in enumerate(contest.selections):
                pads[position] = pads[position] * selection.ciphertext.pad % p
                datas[position] = datas[position] * selection.ciphertext.data % p
        self._count += 1

    def result(self) -> EncryptedTally:
        """The encrypted tally of the ballots added so far."""
        contests = tuple(
            EncryptedTallyContest(
                contest_index=index,
                options=tuple(
                    Ciphertext(pad=int(pad), data=int(data))
                    for pad, data in zip(self._pads[index], self._datas[index], strict=True)
                ),
            )
            for index, _ in self._manifest.iter_contests()
        )
        return EncryptedTally(contests=contests, cast_ballots=self._count)


def aggregate_ballots(group: Group, manifest: Manifest, ballots: Iterable[SubmittedBallot]) -> EncryptedTally:
    """The encrypted tally of the cast ballots among ``ballots``; a challenged one is an error."""
    accumulator = TallyAccumulator(group, manifest)
    for submitted in ballots:
        if submitted.state is not BallotState.CAST:
            raise BallotStateError(f"ballot {submitted.ballot.code_hex} was challenged and must not be tallied")
        accumulator.add(submitted.ballot)
    return accumulator.result()
