"""``nazaha audit``: a risk-limiting audit of paper ballots, round by round.

::

    nazaha audit plan AUDIT --manifest manifest.csv --contests contests.json --type polling
    nazaha audit sample AUDIT --seed 83920174659201837465      # after the seed is rolled in public
    nazaha audit record AUDIT readings.csv                     # the audit board's readings
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
from nazaha.rla.audit import AuditSettings, AuditType, ContestStatus, PlannedContest, RiskMethod
from nazaha.rla.contests import parse_contests
from nazaha.rla.dominion import read_dominion_cvrs
from nazaha.rla.manifest import parse_manifest_csv
from nazaha.rla.risk import DEFAULT_GAMMA, AlphaSettings
from nazaha.workflows.audit import AuditFolder, check_report, plan_audit, status_to_json

__all__ = ["audit_app"]

audit_app = typer.Typer(
    help="Risk-limiting audits of paper ballots (ballot polling or comparison).", no_args_is_help=True
)

FolderArg = Annotated[Path, typer.Argument(help="The audit folder.")]


def _plan_table(planned: list[PlannedContest], risk_limit: float) -> Table:
    table = Table(title=f"Estimated sample sizes at a {risk_limit:.0%} risk limit")
    for column in ("contest", "cards in population", "diluted margin", "expected cards"):
        table.add_column(column, justify="left" if column == "contest" else "right")
    for plan in planned:
        table.add_row(plan.contest, f"{plan.population:,}", f"{plan.margin:.2%}", f"{plan.estimate:,}")
    return table


def _status_table(statuses: list[ContestStatus], risk_limit: float) -> Table:
    table = Table(title=f"Measured risk (risk limit {risk_limit:.0%})")
    for column in ("contest", "cards read", "measured risk", "state", "next round's target"):
        table.add_column(column, justify="left" if column in ("contest", "state") else "right")
    for status in statuses:
        state = status.state.value
        if status.awaiting:
            state += f" ({status.awaiting} card(s))"
        if status.hand_count_winners is not None:
            state += ": winners " + ", ".join(status.hand_count_winners)
        table.add_row(
            status.contest,
            f"{status.draws:,} of {status.population:,}",
            f"{status.risk:.4f}",
            state,
            "" if status.next_target is None else f"{status.next_target:,}",
        )
    return table


@audit_app.command("plan")
def plan(
    folder: FolderArg,
    manifest: Annotated[Path, typer.Option(help="Ballot manifest CSV (batch,cards[,container]).")],
    contests: Annotated[Path, typer.Option(help="Contests and reported results (JSON).")],
    type: Annotated[AuditType, typer.Option("--type", help="polling, or comparison with CVRs.")] = AuditType.POLLING,
    risk_limit: Annotated[float, typer.Option(help="The risk limit α, such as 0.05.")] = 0.05,
    method: Annotated[RiskMethod, typer.Option(help="alpha, or bravo (ballot polling only).")] = RiskMethod.ALPHA,
    cvrs: Annotated[Path | None, typer.Option(help="Cast-vote records, Nazaha CSV or JSON.")] = None,
    dominion: Annotated[
        list[Path] | None, typer.Option(help="Dominion CvrExport*.json files (instead of --cvrs).")
    ] = None,
    dominion_contests: Annotated[Path | None, typer.Option(help="Dominion ContestManifest.json.")] = None,
    dominion_candidates: Annotated[Path | None, typer.Option(help="Dominion CandidateManifest.json.")] = None,
    gamma: Annotated[float, typer.Option(help="Error inflation factor γ (comparison).")] = DEFAULT_GAMMA,
    alpha_d: Annotated[
        float, typer.Option(help="ALPHA's weight d of the reported results in its estimate of the mean.")
    ] = 100.0,
) -> None:
    """Check the inputs against each other, create the audit folder and estimate sample sizes."""

    def action() -> list[PlannedContest]:
        if alpha_d <= 0:
            fail("--alpha-d must be positive")
        settings = AuditSettings(type, risk_limit, method=method, gamma=gamma, alpha=AlphaSettings(d=alpha_d))
        manifest_bytes, contests_bytes = read_input(manifest), read_input(contests)
        if dominion:
            if dominion_contests is None or dominion_candidates is None:
                fail("--dominion needs --dominion-contests and --dominion-candidates")
            parsed_contests = parse_contests(contests_bytes, source=str(contests))
            parsed_manifest = parse_manifest_csv(manifest_bytes.decode("utf-8-sig"), source=str(manifest))
            records = read_dominion_cvrs(
                [(str(path), read_input(path)) for path in dominion],
                read_input(dominion_contests),
                read_input(dominion_candidates),
                manifest=parsed_manifest.with_max_cards(parsed_contests.max_cards),
                contests=parsed_contests,
            )
            return plan_audit(
                folder, manifest_csv=manifest_bytes, contests_json=contests_bytes, settings=settings, cvrs=records
            )
        return plan_audit(
            folder,
            manifest_csv=manifest_bytes,
            contests_json=contests_bytes,
            settings=settings,
            cvrs=None if cvrs is None else read_input(cvrs),
            cvr_source=str(cvrs),
        )

    planned = run_guarded(action)
    console.print(_plan_table(planned, risk_limit))
    console.print(f"Audit folder {folder} created. Publish its inputs, roll the seed, then run 'nazaha audit sample'.")


@audit_app.command("sample")
def sample(
    folder: FolderArg,
    seed: Annotated[str | None, typer.Option(help="The public seed: at least 20 dice-rolled digits (round 1).")] = None,
    size: Annotated[int | None, typer.Option(help="Cards per contest this round, instead of the estimate.")] = None,
) -> None:
    """Draw the next round's cards: which container, batch and position to pull."""
    drawn = run_guarded(lambda: AuditFolder(folder).draw_round(seed=seed, size=size))
    table = Table(title=f"Round {drawn.number}: draws {drawn.start + 1} to {drawn.stop}")
    for column in ("draw", "container", "batch", "position", "contests", "note"):
        table.add_column(column)
    for row in drawn.rows[:50]:
        table.add_row(
            str(row["draw"]), row["container"], row["batch"], str(row["position"]), row["contests"], row["note"]
        )
    console.print(table)
    if len(drawn.rows) > 50:
        console.print(f"... and {len(drawn.rows) - 50} more")
    targets = ", ".join(f"{name}: {count:,}" for name, count in drawn.targets.items())
    console.print(f"Targets (draws per contest): {targets}")
    console.print(f"The full list is in {folder / 'rounds' / f'round-{drawn.number}.csv'}.")


@audit_app.command("record")
def record(
    folder: FolderArg,
    readings: Annotated[Path, typer.Argument(help="Readings CSV (batch,position,contest,marks) or JSON.")],
) -> None:
    """Record the audit board's readings of sampled cards."""
    added = run_guarded(lambda: AuditFolder(folder).record(read_input(readings), source=str(readings)))
    console.print(f"Recorded {added} new card reading(s).")


@audit_app.command("status")
def status(
    folder: FolderArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Measured risk per contest: confirmed, awaiting readings, or escalate (with the next target)."""
    opened = run_guarded(lambda: AuditFolder(folder))
    statuses = run_guarded(opened.status)
    if as_json:
        print(json.dumps([status_to_json(s) for s in statuses], indent=1))
        return
    console.print(_status_table(statuses, opened.settings.risk_limit))


@audit_app.command("report")
def report(folder: FolderArg) -> None:
    """Write report.json (every input, the sample and the results) and print a summary."""
    opened = run_guarded(lambda: AuditFolder(folder))
    run_guarded(opened.report)
    statuses = run_guarded(opened.status)
    console.print(_status_table(statuses, opened.settings.risk_limit))
    console.print(f"Report written to {folder / 'report.json'}; anyone re-runs it with 'nazaha audit check'.")


@audit_app.command("check")
def check(report_path: Annotated[Path, typer.Argument(help="An audit report.json.")]) -> None:
    """Re-run an audit report from the inputs it carries; exit 1 if any number differs."""
    data = read_input(report_path)
    statuses = run_guarded(lambda: check_report(data, source=str(report_path)))
    settings = json.loads(data)["settings"]
    console.print(_status_table(statuses, float(settings["risk_limit"])))
    console.print("The report re-runs to the same sample and the same measured risk.")
