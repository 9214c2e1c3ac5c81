"""Simulation: a hacked encryption device flips votes while the paper is right (issue 17).

Each simulated election has ``--cards`` paper cards in one contest, Alice against Bob. On paper
Alice wins (``--paper-margin``). A hacked encryption device changes some of Alice's votes into
Bob's when it encrypts, while it prints the voter's real choice: the encrypted ballots, and so the
decrypted tally, say Bob won. Every E2E check passes, because the device encrypted and proved
exactly what it chose to encrypt (valid range proofs, valid confirmation codes, a tally that is
the product of those ballots): E2E verification alone catches the wrong outcome in 0% of these
elections. (``tests/e2e/test_paper_audit.py`` shows it on a real record: VALID on checks 0-14,
and the planted card is a discrepancy in the audit.)

The paper audit of each election runs the engine the product uses (``nazaha.rla.committed`` over
``nazaha.rla.audit``): the commitment of the encrypted ballots as CVRs, a fresh 24-digit seed, the
consistent sampler, the plan's first round, the escalation rule, the full hand count at the end.
Only the sampled cards' CVRs (their "decryptions") enter the audit. It *catches* the wrong outcome
when it does not confirm it: it escalates to a full hand count, which shows Alice won. A
risk-limiting audit must catch it in at least 1 − α of the elections.

The control: the same elections with an honest device (no flips). The audit should confirm them,
reading few cards.

Run: ``.venv/bin/python -m benchmarks.paper_audit_simulation [--elections 200] [--cards 1000]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from nazaha.rla.audit import ContestState
from nazaha.rla.cards import CardRecord
from nazaha.rla.committed import committed_audit, next_targets

__all__ = ["ElectionOutcome", "audit_election", "main"]


@dataclass(frozen=True, slots=True)
class ElectionOutcome:
    confirmed: bool
    decrypted: int
    rounds: int


def _commitment(encrypted: list[str], risk_limit: float) -> dict[str, Any]:
    cards = [
        {"batch": "kiosk-1", "position": i + 1, "ballot": f"{i:064X}", "paper_id": f"{i:064X}", "contests": ["mayor"]}
        for i in range(len(encrypted))
    ]
    reported = {"alice": encrypted.count("alice"), "bob": encrypted.count("bob")}
    return {"risk_limit": risk_limit, "contests": [{"id": "mayor", "reported": reported}], "cards": cards}


def audit_election(paper: list[str], encrypted: list[str], seed: str, risk_limit: float) -> ElectionOutcome:
    """The paper audit of one election, round by round, until it confirms or hand counts."""
    doc = _commitment(encrypted, risk_limit)
    audit, cards = committed_audit(doc, {})
    by_card = {card.card: card for card in cards.values()}
    targets = {plan.contest: plan.estimate for plan in audit.plan()}
    hand: list[str] = []
    for rounds in range(1, 50):
        prefix = audit.prefix_for(seed, targets)
        drawn = [by_card[card] for _, _, card in audit.sample(seed, 0, prefix)]
        drawn += [by_card[card] for card in audit.hand_count_cards(hand)]
        decrypted = {c.ballot: {"mayor": (encrypted[c.card.position - 1],)} for c in drawn}
        audit, cards = committed_audit(doc, decrypted)
        readings = {c.card: CardRecord(c.card, (("mayor", (paper[c.card.position - 1],)),)) for c in drawn}
        statuses = audit.status(seed, prefix, readings, hand)
        state = statuses[0].state
        if state is ContestState.CONFIRMED:
            return ElectionOutcome(True, len(decrypted), rounds)
        if state in (ContestState.HAND_COUNT, ContestState.TIE):
            return ElectionOutcome(False, len(decrypted), rounds)
        escalating, full = next_targets(statuses)
        targets.update(escalating)
        hand = sorted(set(hand) | set(full))
    raise RuntimeError("the audit did not end")


def _election(rng: random.Random, cards: int, alice: int, flips: int) -> tuple[list[str], list[str]]:
    paper = ["alice"] * alice + ["bob"] * (cards - alice)
    rng.shuffle(paper)
    encrypted = list(paper)
    flipped = rng.sample([i for i, vote in enumerate(paper) if vote == "alice"], flips)
    for index in flipped:
        encrypted[index] = "bob"
    return paper, encrypted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elections", type=int, default=200)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--paper-margin", type=float, default=0.04, help="Alice's true margin on paper")
    parser.add_argument("--flipped", type=float, default=0.05, help="share of cards whose encryption was flipped")
    parser.add_argument("--risk-limit", type=float, default=0.05)
    args = parser.parse_args()
    rng = random.Random(17)  # noqa: S311 (a reproducible simulation, not a secret)
    alice = round(args.cards * (1 + args.paper_margin) / 2)
    flips = round(args.cards * args.flipped)
    started = time.perf_counter()
    caught = 0
    hacked_cards: list[int] = []
    honest_confirmed = 0
    honest_cards: list[int] = []
    for _ in range(args.elections):
        paper, encrypted = _election(rng, args.cards, alice, flips)
        seed = "".join(rng.choice("0123456789") for _ in range(24))
        hacked = audit_election(paper, encrypted, seed, args.risk_limit)
        caught += not hacked.confirmed
        hacked_cards.append(hacked.decrypted)
        honest = audit_election(paper, paper, seed, args.risk_limit)
        honest_confirmed += honest.confirmed
        honest_cards.append(honest.decrypted)
    n = args.elections
    bob = args.cards - alice
    print(f"{n} elections of {args.cards} cards; paper: Alice {alice}, Bob {bob}; risk limit {args.risk_limit}")
    print(
        f"hacked device: {flips} of Alice's votes encrypted as Bob's (encrypted tally: Alice {alice - flips}, "
        f"Bob {bob + flips}; the wrong winner)"
    )
    print("  E2E verification alone: catches 0.0% (every proof is valid)")
    print(
        f"  paper audit: catches {caught / n:.1%} (must be at least {1 - args.risk_limit:.0%}); "
        f"ballots decrypted: median {statistics.median(hacked_cards):.0f}, max {max(hacked_cards)}"
    )
    print(
        f"honest device: the audit confirms {honest_confirmed / n:.1%}; ballots decrypted: median "
        f"{statistics.median(honest_cards):.0f}, mean {statistics.mean(honest_cards):.1f}"
    )
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
