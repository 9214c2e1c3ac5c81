"""``nazaha audit paper``: the paper audit of an E2E-verifiable election record, step by step.

::

    nazaha audit paper commit RECORD --risk-limit 0.05          # publish the SHA-256 it prints
    nazaha audit paper seed RECORD --seed 83920174659201837465  # dice rolled after publication
    nazaha audit paper draw RECORD [--size N]                   # a round; prints the pull list
    nazaha audit paper decrypt RECORD --workspace WS --key K1 --key K3 --key K5
    nazaha audit paper enter RECORD readings.json --board "Board 1" --member A --member B
    nazaha audit paper measure RECORD                           # risk; confirmed or escalate
    nazaha audit paper status RECORD                            # the audit so far
    nazaha verify RECORD                                        # the election and its audit (check A)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nazaha.cli.errors import fail, read_input, run_guarded
from nazaha.cli.output import console
from nazaha.crypto.nonces import SystemRandom
from nazaha.errors import AuditInputError
from nazaha.rla.audit import ContestStatus
from nazaha.workflows.paper import format_paper_id
from nazaha.workflows.paper_audit import SEED_SOURCES, PaperAudit, guardians_from_keys, paper_reading
from nazaha.workflows.workspace import Workspace

__all__ = ["paper_app", "status_table"]

paper_app = typer.Typer(
    help="The paper audit of an E2E-verifiable election: its encrypted ballots are the committed CVRs.",
    no_args_is_help=True,
)

RecordArg = Annotated[Path, typer.Argument(help="The published election record folder.")]


def status_table(statuses: list[ContestStatus], risk_limit: float) -> Table:
    table = Table(title=f"Paper audit at a {risk_limit:.0%} risk limit")
    for column in ("contest", "cards read", "measured risk", "state"):
        table.add_column(column)
    for status in statuses:
        state = status.state.value
        if status.next_target is not None:
            state += " (next: full hand count)" if status.full_count_next else f" (next target {status.next_target})"
        table.add_row(status.contest, f"{status.draws} of {status.population}", f"{status.risk:.4f}", state)
    return table


@paper_app.command("commit")
def commit(
    record: RecordArg,
    risk_limit: Annotated[float, typer.Option(help="The risk limit α.")] = 0.05,
    contest: Annotated[list[str] | None, typer.Option(help="A contest to audit (repeat; default: all).")] = None,
) -> None:
    """Commit to the cards (the record's cast ballots), the contests and the risk limit."""

    def action() -> None:
        digest = PaperAudit(record).commit(risk_limit=risk_limit, contests=contest or None)
        console.print(f"commitment SHA-256: [bold]{digest}[/bold]")
        console.print("publish it, then draw the seed in public (dice or a beacon value) and enter it")

    run_guarded(action)


@paper_app.command("seed")
def seed(
    record: RecordArg,
    seed: Annotated[str, typer.Option(help="20 or more decimal digits rolled in public, or a beacon value.")],
    source: Annotated[str, typer.Option(help=f"Where the seed comes from: {', '.join(SEED_SOURCES)}.")] = "dice",
) -> None:
    """Enter the seed drawn after the commitment was published."""
    run_guarded(lambda: PaperAudit(record).enter_seed(seed, source=source))
    console.print("seed recorded")


@paper_app.command("draw")
def draw(
    record: RecordArg,
    size: Annotated[int | None, typer.Option(help="Round 1: draws per contest (default: the plan).")] = None,
) -> None:
    """Draw the next round and print its pull list (by container, with each card's paper id)."""

    def action() -> None:
        audit = PaperAudit(record)
        drawn = audit.draw(size=size)
        table = Table(title=f"Round {drawn['round']}: pull list")
        for column in ("container", "position", "paper id", "contests", "read"):
            table.add_column(column)
        for item in audit.pull_list():
            table.add_row(
                item.container, str(item.position), format_paper_id(item.paper_id), ", ".join(item.contests),
                "yes" if item.read else "",
            )  # fmt: skip
        console.print(table)

    run_guarded(action)


@paper_app.command("decrypt")
def decrypt(
    record: RecordArg,
    workspace: Annotated[Path, typer.Option(help="The election's workspace (its public election files).")],
    key: Annotated[list[Path], typer.Option(help="Key file of a guardian present (repeat).")],
    passphrase_file: Annotated[
        Path | None, typer.Option(help="Passphrases of those keys, one per line, in the same order.")
    ] = None,
) -> None:
    """The guardians present decrypt the audited contests of the sampled ballots only, with proofs."""

    def action() -> None:
        if passphrase_file is not None:
            phrases = read_input(passphrase_file).decode("utf-8").splitlines()
            if len(phrases) < len(key):
                fail(f"{passphrase_file}: {len(key)} passphrases needed (one per line), found {len(phrases)}")
        else:
            phrases = [typer.prompt(f"Passphrase for key file {i}", hide_input=True) for i in range(1, len(key) + 1)]
        keys = [(str(path), read_input(path), phrase) for path, phrase in zip(key, phrases, strict=False)]
        context = Workspace(workspace).context()
        guardians = guardians_from_keys(context, keys, SystemRandom())
        codes = PaperAudit(record).decrypt(context, guardians)
        console.print(f"{len(codes)} sampled ballot(s) decrypted (audited contests only), with proofs")

    run_guarded(action)


@paper_app.command("enter")
def enter(
    record: RecordArg,
    readings: Annotated[Path, typer.Argument(help='JSON: {"cards": [{"ballot", "outcome", "marks"}]}.')],
    board: Annotated[str, typer.Option(help="The audit board.")],
    member: Annotated[list[str], typer.Option(help="An audit-board member confirming the entries (twice).")],
) -> None:
    """Enter an audit board's readings (outcome read, blank, not found or mismatch)."""

    def action() -> None:
        try:
            raw = json.loads(read_input(readings))
            cards = [paper_reading(card) for card in raw["cards"]]
        except (ValueError, KeyError, TypeError) as error:
            raise AuditInputError(str(readings), f"expected {{'cards': [...]}} ({error})") from None
        PaperAudit(record).enter_readings(cards, board=board, members=member)
        console.print(f"{len(cards)} reading(s) entered for {board}")

    run_guarded(action)


@paper_app.command("measure")
def measure(record: RecordArg) -> None:
    """Measure the round: discrepancies and risk per contest; confirmed, or escalate."""

    def action() -> None:
        audit = PaperAudit(record)
        statuses = audit.measure()
        console.print(status_table(statuses, audit.risk_limit()))
        console.print("the audit is over" if audit.finished() else "escalate: draw the next round")

    run_guarded(action)


@paper_app.command("status")
def status(record: RecordArg) -> None:
    """The audit so far: rounds, decrypted ballots, and the measured risk per contest (nothing written)."""

    def action() -> None:
        audit = PaperAudit(record)
        rounds = audit.rounds()
        console.print(f"commitment SHA-256: {audit.commitment_digest()}")
        console.print(
            f"{len(rounds)} round(s); {len(audit.sampled())} ballot(s) sampled, {len(audit.decrypted())} decrypted, "
            f"{len(audit.readings())} read"
        )
        if rounds:
            console.print(status_table(audit.statuses(), audit.risk_limit()))

    run_guarded(action)
