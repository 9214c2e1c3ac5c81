"""The paper audit of the demonstration's record, with simulated paper (``nazaha demo --audit``).

The demonstration knows what every cast ballot's paper shows (``DemoResult.paper``). The audit
board's readings are that paper, except on a few *planted* cards whose paper differs from the
encrypted ballot, as if the encrypting device had changed the vote while printing the voter's
choice: the E2E checks cannot see this (the device's proofs are valid), the paper audit does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nazaha.crypto.nonces import RandomSource
from nazaha.election.ballot import PlaintextBallot
from nazaha.rla.audit import ContestStatus
from nazaha.rla.committed import PaperReading
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.workflows.demo import DemoResult
from nazaha.workflows.paper_audit import PaperAudit, PullItem

__all__ = ["AuditDemo", "paper_marks", "run_audit_demo"]

DEMO_BOARD = ("Board 1", ("Hana Khalil", "Sami Darwish"))


@dataclass(slots=True)
class AuditDemo:
    audit: PaperAudit
    rounds: list[list[ContestStatus]] = field(default_factory=list)
    planted: list[str] = field(default_factory=list)
    """The confirmation codes of the cards whose paper was made to differ."""
    decrypted: int = 0


def paper_marks(paper: PlaintextBallot, contests: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The options marked on the paper in each of ``contests``."""
    return {
        name: tuple(sorted(option for option, value in paper.votes.get(name, {}).items() if value)) for name in contests
    }


def _flipped(
    item: PullItem, marks: dict[str, tuple[str, ...]], options: dict[str, list[str]]
) -> dict[str, tuple[str, ...]]:
    """The paper of a planted card: its first audited contest marked for another option."""
    changed = dict(marks)
    name = item.contests[0]
    others = [option for option in options[name] if option not in marks[name]]
    changed[name] = (others[0],) if others else ()
    return changed


def run_audit_demo(
    result: DemoResult,
    *,
    seed: str,
    rng: RandomSource,
    risk_limit: float = 0.1,
    first_round: int | None = None,
    planted: int = 1,
    guardians: Sequence[int] = (1, 3, 5),
    max_rounds: int = 6,
) -> AuditDemo:
    """Commit, enter ``seed``, then draw, decrypt, read and measure until no contest escalates."""
    audit = PaperAudit(result.record)
    audit.commit(risk_limit=risk_limit)
    audit.enter_seed(seed, source="dice")
    present = [DecryptingGuardian(result.context, result.keys[i - 1], rng) for i in guardians]
    options = {
        contest.label: [option.label for option in contest.options] for contest in result.context.manifest.contests
    }
    demo = AuditDemo(audit)
    for number in range(1, max_rounds + 1):
        audit.draw(size=first_round if number == 1 else None)
        demo.decrypted += len(audit.decrypt(result.context, present))
        readings = []
        for item in audit.pull_list():
            if item.read:
                continue
            marks = paper_marks(result.paper[item.ballot], item.contests)
            if len(demo.planted) < planted and number == 1 and item.contests:
                marks = _flipped(item, marks, options)
                demo.planted.append(item.ballot)
            readings.append(PaperReading(item.ballot, "read", {k: v for k, v in marks.items() if v}))
        if readings:
            audit.enter_readings(readings, board=DEMO_BOARD[0], members=DEMO_BOARD[1])
        demo.rounds.append(audit.measure())
        if audit.finished():
            break
    return demo
