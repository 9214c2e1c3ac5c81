"""``nazaha audit``: a risk-limiting audit of paper ballots, round by round.

::

    nazaha audit plan AUDIT --manifest manifest.csv --contests contests.json --type comparison \\
        --cvr-format dominion-json --cvrs CvrExport_0.json --cvrs ContestManifest.json --cvrs CandidateManifest.json
    nazaha audit sample AUDIT --seed 83920174659201837465      # after the seed is rolled in public
    nazaha audit record AUDIT readings.csv --board "Board 1"   # the audit board's readings
    nazaha audit correct AUDIT fixed.csv --signed-off-by NAME --reason TEXT
    nazaha audit status AUDIT                                  # measured risk; stop or escalate
    nazaha audit sample AUDIT                                  # the next round, when needed
    nazaha audit report AUDIT                                  # report.json and a summary
    nazaha audit check AUDIT/report.json                       # anyone re-runs the numbers
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nazaha.cli.errors import fail, read_input, run_guarded
from nazaha.cli.output import console
from nazaha.errors import AuditInputError
from nazaha.rla.audit import AuditSettings, AuditType, ContestState, ContestStatus, PlannedContest, RiskMethod
from nazaha.rla.cvr_formats import CvrFormat
from nazaha.rla.manifest import IdStyle
from nazaha.rla.planning import ONE_ROUND_PROBABILITIES
from nazaha.rla.readings_log import ReadingsLog
from nazaha.rla.risk import DEFAULT_GAMMA, AlphaSettings
from nazaha.rla.sampling import DEFAULT_SCHEME, TicketScheme
from nazaha.workflows.audit import AuditFolder, AuditPlan, RoundSample, check_report, plan_audit, status_to_json

__all__ = ["audit_app", "format_risk"]

audit_app = typer.Typer(
    help="Risk-limiting audits of paper ballots (ballot polling or comparison).", no_args_is_help=True
)

FolderArg = Annotated[Path, typer.Argument(help="The audit folder.")]


def format_risk(risk: float) -> str:
    """Four decimals, or scientific notation below 10⁻⁴ (where four decimals would print 0.0000)."""
    if 0 < risk < 1e-4:
        return f"{risk:.2e}"
    return f"{risk:.4f}"


def _plan_table(planned: list[PlannedContest], risk_limit: float) -> Table:
    table = Table(title=f"Estimated sample sizes at a {risk_limit:.0%} risk limit")
    columns = ["contest", "cards in population", "diluted margin", "expected cards"]
    columns += [f"{p:.0%} in one round" for p in ONE_ROUND_PROBABILITIES]
    for column in columns:
        table.add_column(column, justify="left" if column == "contest" else "right")
    for plan in planned:
        sizes = [f"{size:,}" for _, size in plan.one_round]
        table.add_row(plan.contest, f"{plan.population:,}", f"{plan.margin:.2%}", f"{plan.estimate:,}", *sizes)
    return table


def _state(status: ContestStatus) -> str:
    state = status.state.value
    if status.awaiting:
        state += f" ({status.awaiting} card(s))"
    if status.state is ContestState.TIE and status.tied is not None:
        state += ": " + ", ".join(status.tied) + " tie"
        if status.hand_count_winners:
            state += "; sure winners " + ", ".join(status.hand_count_winners)
    elif status.hand_count_winners is not None:
        state += ": winners " + (", ".join(status.hand_count_winners) or "none")
        if status.outcome_changed:
            state += " (the reported outcome is changed)"
    if status.full_count_next:
        state += "; next: full hand count"
    return state


def _status_table(statuses: list[ContestStatus], risk_limit: float) -> Table:
    table = Table(title=f"Measured risk (risk limit {risk_limit:.0%})")
    for column in ("contest", "cards read", "measured risk", "state", "next round's target"):
        table.add_column(column, justify="left" if column in ("contest", "state") else "right")
    ordered = [s for s in statuses if s.targeted] + [s for s in statuses if not s.targeted]
    for status in ordered:
        name = status.contest if status.targeted else f"{status.contest} (not targeted)"
        table.add_row(
            name,
            f"{status.draws:,} of {status.population:,}",
            format_risk(status.risk),
            _state(status),
            "" if status.next_target is None else f"{status.next_target:,}",
        )
    return table


def _corrections_table(log: ReadingsLog) -> Table | None:
    corrections = log.corrections()
    if not corrections:
        return None
    table = Table(title="Corrected readings (both entries stay in the readings log)")
    for column in ("card", "entry", "first reading", "correction", "signed off by", "reason"):
        table.add_column(column)
    for old, new in corrections:
        table.add_row(
            str(new.record.card),
            f"{new.number} supersedes {old.number}",
            _marks(old.record.to_json()),
            _marks(new.record.to_json()),
            new.signed_off_by,
            new.reason,
        )
    return table


def _marks(card: dict[str, object]) -> str:
    if card.get("found") is False:
        return "NOT FOUND"
    contests = card.get("contests", {})
    if not isinstance(contests, dict):
        raise AuditInputError(f"card {card.get('id', '?')}", "'contests' must be an object of contest marks")
    return "; ".join(f"{name}: {'|'.join(marks) or '(no mark)'}" for name, marks in contests.items()) or "(none)"


def _print_untargeted(plan: AuditPlan) -> None:
    if plan.opportunistic:
        console.print("Not targeted, audited opportunistically on the cards drawn: " + ", ".join(plan.opportunistic))
    if plan.ignored:
        listed = ", ".join(f"{name} ({count:,} cards)" for name, count in plan.ignored)
        console.print(f"Contests in {', '.join(plan.cvr_files)} that are not in the audit, ignored: {listed}")


@audit_app.command("plan")
def plan(
    folder: FolderArg,
    manifest: Annotated[Path, typer.Option(help="Ballot manifest CSV (batch,cards[,container,tabulator]).")],
    contests: Annotated[Path, typer.Option(help="Contests and reported results (JSON).")],
    type: Annotated[AuditType, typer.Option("--type", help="polling, or comparison with CVRs.")] = AuditType.POLLING,
    risk_limit: Annotated[float, typer.Option(help="The risk limit α, such as 0.05.")] = 0.05,
    method: Annotated[RiskMethod, typer.Option(help="alpha, or bravo (ballot polling only).")] = RiskMethod.ALPHA,
    cvrs: Annotated[
        list[Path] | None, typer.Option(help="Cast-vote record files (repeat for several), in --cvr-format.")
    ] = None,
    cvr_format: Annotated[CvrFormat, typer.Option(help="The format of the --cvrs files.")] = CvrFormat.NAZAHA,
    dominion: Annotated[
        list[Path] | None, typer.Option(help="Dominion CvrExport*.json files (instead of --cvrs).")
    ] = None,
    dominion_contests: Annotated[Path | None, typer.Option(help="Dominion ContestManifest.json.")] = None,
    dominion_candidates: Annotated[Path | None, typer.Option(help="Dominion CandidateManifest.json.")] = None,
    gamma: Annotated[float, typer.Option(help="Error inflation factor γ (comparison).")] = DEFAULT_GAMMA,
    alpha_d: Annotated[
        float, typer.Option(help="ALPHA's weight d of the reported results in its estimate of the mean.")
    ] = 100.0,
    sampler: Annotated[
        TicketScheme, typer.Option(help="Ticket construction of the consistent sampler.")
    ] = DEFAULT_SCHEME,
    id_style: Annotated[
        IdStyle, typer.Option(help="Card ids for the sampler: plain <batch>-<position>, or Arlo's tuples.")
    ] = IdStyle.PLAIN,
    jurisdiction: Annotated[str, typer.Option(help="The jurisdiction's name, for Arlo's card ids.")] = "",
) -> None:
    """Check the inputs against each other, create the audit folder and estimate sample sizes."""

    def action() -> AuditPlan:
        if alpha_d <= 0:
            fail("--alpha-d must be positive")
        settings = AuditSettings(
            type,
            risk_limit,
            method=method,
            gamma=gamma,
            alpha=AlphaSettings(d=alpha_d),
            sampler=sampler,
            id_style=id_style,
            jurisdiction=jurisdiction,
        )
        files = [(str(path), read_input(path)) for path in cvrs or []]
        chosen = cvr_format
        if dominion:
            if cvrs:
                fail("give --dominion or --cvrs, not both")
            if dominion_contests is None or dominion_candidates is None:
                fail("--dominion needs --dominion-contests and --dominion-candidates")
            files = [(str(path), read_input(path)) for path in (*dominion, dominion_contests, dominion_candidates)]
            chosen = CvrFormat.DOMINION_JSON
        return plan_audit(
            folder,
            manifest_csv=read_input(manifest),
            contests_json=read_input(contests),
            settings=settings,
            cvr_files=files,
            cvr_format=chosen,
            manifest_source=str(manifest),
            contests_source=str(contests),
        )

    planned = run_guarded(action)
    console.print(_plan_table(planned.planned, risk_limit))
    _print_untargeted(planned)
    console.print(f"Audit folder {folder} created. Publish its inputs, roll the seed, then run 'nazaha audit sample'.")


def _print_round(folder: Path, drawn: RoundSample) -> None:
    title = f"Round {drawn.number}: draws {drawn.start + 1} to {drawn.stop}" if drawn.stop > drawn.start else ""
    if drawn.hand_count:
        title = (
            (title + "; " if title else f"Round {drawn.number}: ") + "full hand count of " + ", ".join(drawn.hand_count)
        )
    table = Table(title=title + " (sorted for pulling)")
    for column in ("container", "tabulator", "batch", "position", "targeted contests", "note"):
        table.add_column(column)
    for item in drawn.pull_list[:50]:
        table.add_row(
            item.container, item.card.tabulator, item.card.batch, str(item.card.position), ", ".join(item.targeted),
            item.note,
        )  # fmt: skip
    console.print(table)
    if len(drawn.pull_list) > 50:
        console.print(f"... and {len(drawn.pull_list) - 50} more")
    pull = sum(1 for item in drawn.pull_list if item.must_pull)
    console.print(f"{pull} card(s) to pull; {len(drawn.pull_list) - pull} listed need not be pulled.")
    if drawn.targets:
        console.print("Targets (draws per contest): " + ", ".join(f"{n}: {c:,}" for n, c in drawn.targets.items()))
    rounds = folder / "rounds"
    console.print(
        f"Draw order: {rounds / f'round-{drawn.number}.csv'}; pull list: {rounds / f'pull-list-{drawn.number}.csv'}; "
        f"sheet to print: {rounds / f'pull-sheet-{drawn.number}.html'}."
    )


@audit_app.command("sample")
def sample(
    folder: FolderArg,
    seed: Annotated[str | None, typer.Option(help="The public seed: at least 20 dice-rolled digits (round 1).")] = None,
    size: Annotated[int | None, typer.Option(help="Cards per contest this round, instead of the estimate.")] = None,
    probability: Annotated[
        float | None, typer.Option(help="Round 1: size to finish in one round with this probability (0.7, 0.8, 0.9).")
    ] = None,
) -> None:
    """Draw the next round's cards: which container, tabulator, batch and position to pull."""
    drawn = run_guarded(lambda: AuditFolder(folder).draw_round(seed=seed, size=size, probability=probability))
    _print_round(folder, drawn)


def _confirm_omissions(opened: AuditFolder, data: bytes, source: str, accept: bool) -> None:
    """Warn about contests left out of readings and ask whether they are really not on the cards."""
    checked = run_guarded(lambda: opened.check_readings(data, source=source))
    if not checked.omitted:
        return
    console.print(
        f"[bold]Warning:[/bold] {len(checked.omitted)} reading(s) in {source} leave out contests the card may hold; "
        "left out, a contest counts as not on the card (the worst case where the CVR lists it):"
    )
    for card, names in list(checked.omitted.items())[:20]:
        console.print(f"  {card}: {', '.join(names)}")
    if len(checked.omitted) > 20:
        console.print(f"  ... and {len(checked.omitted) - 20} more")
    if accept:
        console.print("Accepted (--accept-omissions): these contests are recorded as not on the cards.")
        return
    if not typer.confirm("Are these contests really not on those cards?", default=False, err=True):
        fail(
            f"{source}: nothing recorded; add the left-out contests to the readings, "
            "or confirm that they are not on the cards"
        )


@audit_app.command("record")
def record(
    folder: FolderArg,
    readings: Annotated[Path, typer.Argument(help="Readings CSV (batch,position,contest,marks[,tabulator]) or JSON.")],
    board: Annotated[str, typer.Option(help="The audit board that read the cards.")] = "",
    accept_omissions: Annotated[
        bool, typer.Option(help="Record contests left out of a reading as not on the card, without asking.")
    ] = False,
) -> None:
    """Record the audit board's readings of sampled cards."""
    opened = run_guarded(lambda: AuditFolder(folder))
    data = read_input(readings)
    _confirm_omissions(opened, data, str(readings), accept_omissions)
    added = run_guarded(lambda: opened.record(data, source=str(readings), board=board, accept_omissions=True))
    console.print(f"Recorded {added} new card reading(s).")


@audit_app.command("correct")
def correct(
    folder: FolderArg,
    readings: Annotated[Path, typer.Argument(help="The corrected readings, in the readings format.")],
    signed_off_by: Annotated[str, typer.Option(help="Who signs the correction off.")],
    reason: Annotated[str, typer.Option(help="Why the reading is corrected.")],
    board: Annotated[str, typer.Option(help="The audit board that read the cards again.")] = "",
    accept_omissions: Annotated[
        bool, typer.Option(help="Record contests left out of a reading as not on the card, without asking.")
    ] = False,
) -> None:
    """Correct readings: each becomes a new, signed-off entry that supersedes the card's reading."""
    opened = run_guarded(lambda: AuditFolder(folder))
    data = read_input(readings)
    _confirm_omissions(opened, data, str(readings), accept_omissions)
    corrected = run_guarded(
        lambda: opened.correct(
            data, source=str(readings), signed_off_by=signed_off_by, reason=reason, board=board, accept_omissions=True
        )
    )
    console.print(
        f"Recorded {corrected} correction(s), signed off by {signed_off_by}; the earlier readings stay in the log."
    )


@audit_app.command("status")
def status(
    folder: FolderArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Measured risk per contest: confirmed, awaiting readings, escalate, full hand count or tie."""
    opened = run_guarded(lambda: AuditFolder(folder))
    statuses = run_guarded(opened.status)
    if as_json:
        print(json.dumps([status_to_json(s) for s in statuses], indent=1))
        return
    console.print(_status_table(statuses, opened.settings.risk_limit))


@audit_app.command("report")
def report(folder: FolderArg) -> None:
    """Write report.json (every input, the sample, the readings log and the results) and print a summary."""
    opened = run_guarded(lambda: AuditFolder(folder))
    run_guarded(opened.report)
    statuses = run_guarded(opened.status)
    console.print(_status_table(statuses, opened.settings.risk_limit))
    corrections = _corrections_table(opened.log)
    if corrections is not None:
        console.print(corrections)
    if opened.ignored_contests:
        listed = ", ".join(f"{name} ({count:,} cards)" for name, count in opened.ignored_contests)
        console.print(f"Contests in the cast-vote records that are not in the audit, ignored: {listed}")
    console.print(f"Report written to {folder / 'report.json'}; anyone re-runs it with 'nazaha audit check'.")


@audit_app.command("check")
def check(report_path: Annotated[Path, typer.Argument(help="An audit report.json.")]) -> None:
    """Re-run an audit report from the inputs it carries; exit 1 if any number differs."""
    data = read_input(report_path)
    statuses = run_guarded(lambda: check_report(data, source=str(report_path)))
    settings = json.loads(data)["settings"]
    console.print(_status_table(statuses, float(settings["risk_limit"])))
    console.print("The report re-runs to the same sample and the same measured risk.")
