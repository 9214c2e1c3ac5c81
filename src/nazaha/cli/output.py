"""Rich output for the CLI: progress bars with rate and time left, and result tables."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from nazaha.election.manifest import Manifest
from nazaha.election.tally import ChallengedBallot, DecryptedTally
from nazaha.verify.plain import plain_lines, word
from nazaha.verify.report import Report, Status

__all__ = [
    "RichProgress",
    "challenged_table",
    "console",
    "failures_table",
    "plain_table",
    "report_table",
    "tally_table",
    "warnings_table",
]

console = Console(stderr=False, highlight=False)


class _Rate(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f}/s" if speed else "", style="progress.data.speed")


class RichProgress:
    """The workflows' Progress protocol shown as Rich progress bars."""

    def __init__(self, enabled: bool = True) -> None:
        stderr = Console(stderr=True)
        # Progress bars only on a terminal: logs and pipes get the results without animation.
        enabled = enabled and stderr.is_terminal
        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            _Rate(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=stderr,
            disable=not enabled,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def start(self, description: str, total: int) -> None:
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)

    def finish(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[self._task]
            self._progress.update(self._task, completed=task.total)
            self._task = None


def tally_table(
    manifest: Manifest,
    tally: DecryptedTally,
    expected: dict[tuple[str, str], int] | None = None,
    language: str = "en",
) -> Table:
    """The decrypted tally per contest and option, beside the expected counts when given."""
    table = Table(title="Decrypted tally", show_lines=False)
    table.add_column("Contest")
    table.add_column("Option")
    table.add_column("Decrypted", justify="right")
    if expected is not None:
        table.add_column("Plaintext count", justify="right")
        table.add_column("Match", justify="center")
    for contest in tally.contests:
        info = manifest.contest(contest.contest_index)
        first = True
        for option in contest.options:
            name = info.options[option.option_index - 1].name.get(language)
            row = [info.name.get(language) if first else "", name, f"{option.value:,}"]
            if expected is not None:
                want = expected.get((contest.label, option.label), 0)
                row += [f"{want:,}", "[green]yes[/green]" if want == option.value else "[red]NO[/red]"]
            table.add_row(*row)
            first = False
        table.add_section()
    return table


def challenged_table(manifest: Manifest, opened: ChallengedBallot, language: str = "en") -> Table:
    """What a challenged ballot held, contest by contest."""
    table = Table(title=f"Challenged ballot {opened.confirmation_code.hex().upper()}")
    table.add_column("Contest")
    table.add_column("Selected")
    for contest in opened.contests:
        info = manifest.contest(contest.contest_index)
        chosen = [
            info.options[s.option_index - 1].name.get(language) + (f" ×{s.value}" if s.value > 1 else "")
            for s in contest.selections
            if s.value
        ]
        table.add_row(info.name.get(language), ", ".join(chosen) or "(none)")
    return table


def report_table(report: Report) -> Table:
    """The verifier's report: one row per check, then one row per failure."""
    rules = f", rules of ElectionGuard {report.spec_version}" if report.spec_version else ""
    title = f"Verification of {report.record} ({report.format}{rules})"
    if report.partial:
        title += f"\npartial record: {report.partial}"
    table = Table(title=title)
    table.add_column("Check", justify="right")
    table.add_column("What it confirms")
    table.add_column("Items", justify="right")
    table.add_column("Verdict")
    styles = {Status.PASSED: "[green]passed[/green]", Status.FAILED: "[red]FAILED[/red]"}
    for result in report.results:
        verdict = styles.get(result.status, f"[dim]{result.status.value}[/dim]")
        title = result.check.title
        if result.note or result.not_applicable:
            title += f"\n[dim]{result.note or result.not_applicable}[/dim]"
        table.add_row(result.check.number, title, f"{result.items:,}", verdict)
    return table


def plain_table(report: Report, language: str) -> Table:
    """The report as plain-language lines in ``language`` (ar or en), with what to do for each failure."""
    table = Table(title=f"{word('title', language)}: {report.record}")
    table.add_column(word("check", language), justify="right")
    table.add_column(word("what", language))
    table.add_column(word("verdict", language))
    styles = {Status.PASSED: "green", Status.FAILED: "bold red", Status.NOT_APPLICABLE: "dim"}
    for line in plain_lines(report, language):
        text = line.line
        if line.advice:
            text += f"\n[bold]{word('advice', language)}:[/bold] {line.advice}"
        table.add_row(line.number, text, f"[{styles[line.status]}]{line.verdict}[/{styles[line.status]}]")
    return table


def warnings_table(report: Report) -> Table | None:
    """Every named warning: what the reader must know although no check failed because of it."""
    if not report.warnings:
        return None
    table = Table(title=f"{len(report.warnings)} warning(s)")
    table.add_column("Warning")
    table.add_column("Concerning")
    table.add_column("What it means")
    for warning in report.warnings:
        table.add_row(warning.name, warning.subject, warning.message)
    return table


def failures_table(report: Report, limit: int = 200) -> Table | None:
    """Every failure with the spec label and what it concerns (the first ``limit``)."""
    rows = list(report.failures())
    if not rows:
        return None
    table = Table(title=f"{len(rows)} failure(s)")
    table.add_column("Label")
    table.add_column("Concerning")
    table.add_column("Problem")
    for _, failure in rows[:limit]:
        table.add_row(failure.label, failure.subject, failure.message)
    if len(rows) > limit:
        table.caption = f"... and {len(rows) - limit} more (use --json for all)"
    return table
