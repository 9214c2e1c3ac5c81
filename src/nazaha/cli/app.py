"""The ``nazaha`` command line: one command per step an election official runs.

Commands parse their arguments, call one workflow and print the result; errors become one-line
messages and exit codes in ``nazaha.cli.errors``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import uuid
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from nazaha.cli.audit import audit_app
from nazaha.cli.credentials import credentials_app
from nazaha.cli.errors import fail, read_input, run_guarded
from nazaha.cli.output import (
    RichProgress,
    challenged_table,
    console,
    failures_table,
    plain_table,
    report_table,
    tally_table,
    warnings_table,
)
from nazaha.cli.paper_audit import paper_app, status_table
from nazaha.cli.service import admin_app, guardian_app, run_service, serve
from nazaha.crypto.nonces import RandomSource, SeededRandom, SystemRandom
from nazaha.crypto.params import STANDARD_GROUP, group_by_name
from nazaha.election.ballot import BallotState
from nazaha.election.eligibility import EligibilityMode, EligibilityPolicy
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.errors import MissingDependencyError
from nazaha.record.remote import is_record_url, local_path
from nazaha.verify.formats import verify_path, verify_url
from nazaha.verify.plain import LANGUAGES, verdict_line
from nazaha.verify.report import Report
from nazaha.voting.confirmation import ChainingMode
from nazaha.workflows.ballot_box import BallotBoxService, open_ballot_box
from nazaha.workflows.clock import utc_now
from nazaha.workflows.demo import DemoResult, load_sample_manifest, run_demo, run_service_demo
from nazaha.workflows.demo_audit import run_audit_demo
from nazaha.workflows.paper import PAPER_LANGUAGES, PaperBallot, paper_ballots_html, paper_ballots_pdf
from nazaha.workflows.workspace import Workspace, parse_ballot_file_with_credentials

__all__ = ["app", "main"]

app = typer.Typer(
    name="nazaha",
    help="End-to-end verifiable elections (ElectionGuard 2.1): key ceremony, encryption, "
    "tally, decryption, election record and an independent verifier.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
manifest_app = typer.Typer(help="Check and write election manifests.", no_args_is_help=True)
app.add_typer(manifest_app, name="manifest")
app.command("serve")(serve)
app.add_typer(admin_app, name="admin")
app.add_typer(guardian_app, name="guardian")
audit_app.add_typer(paper_app, name="paper")
app.add_typer(audit_app, name="audit")
app.add_typer(credentials_app, name="credentials")

WorkspaceArg = Annotated[Path, typer.Argument(help="The election workspace folder.")]


def _passphrases(path: Path | None, count: int, purpose: str, confirm: bool) -> list[str]:
    if path is not None:
        lines = read_input(path).decode("utf-8").splitlines()
        if len(lines) < count:
            fail(f"{path}: {count} passphrases needed (one per line), found {len(lines)}")
        return lines[:count]
    return [
        typer.prompt(f"Passphrase for {purpose} {i}", hide_input=True, confirmation_prompt=confirm)
        for i in range(1, count + 1)
    ]


# -- manifests -------------------------------------------------------------------------------------


@manifest_app.command("check")
def manifest_check(path: Annotated[Path, typer.Argument(help="Manifest JSON file.")]) -> None:
    """Validate a manifest and print its contests and ballot styles."""

    def action() -> None:
        manifest = parse_manifest(read_input(path))
        console.print(
            f"[green]valid[/green] manifest {manifest.label!r}: {len(manifest.contests)} contests, "
            f"{len(manifest.ballot_styles)} ballot styles, languages {', '.join(manifest.languages)}"
        )
        for index, contest in manifest.iter_contests():
            console.print(
                f"  {index}. {contest.label}: {len(contest.options)} options, choose up to {contest.contest_limit}"
            )
        if manifest.election_id is None:
            console.print(
                "[yellow]warning:[/yellow] the manifest has no election_id; add a unique one so that no other "
                "election can share its H_E",
                soft_wrap=True,
            )

    run_guarded(action)


@manifest_app.command("sample")
def manifest_sample(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write it.")] = Path("manifest.json"),
) -> None:
    """Write the shipped Arabic/English sample manifest to a file, with a fresh random election_id."""
    if output.exists():
        fail(f"{output} already exists")
    sample = json.loads(resources.files("nazaha.data").joinpath("sample_manifest.json").read_bytes())
    election_id = str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))
    doc: dict[str, object] = {}
    for key, value in sample.items():
        doc[key] = value
        if key == "label":
            doc["election_id"] = election_id
    output.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"wrote {output} (election_id {election_id})")


def _device(spec: str) -> tuple[str, str]:
    name, _, precinct = spec.strip().partition("@")
    return name, precinct or "main"


# -- the election, step by step -------------------------------------------------------------------


@app.command()
def ceremony(
    workspace: WorkspaceArg,
    manifest: Annotated[Path, typer.Option(help="Manifest JSON file.")],
    guardians: Annotated[int, typer.Option(help="Number of guardians n.")] = 5,
    quorum: Annotated[int, typer.Option(help="Guardians needed to decrypt, k.")] = 3,
    passphrase_file: Annotated[
        Path | None,
        typer.Option(help="File with one passphrase per guardian, one per line (else prompted)."),
    ] = None,
    group: Annotated[str, typer.Option(help="Group name (tests only may use a small one).")] = STANDARD_GROUP.name,
    devices: Annotated[
        str,
        typer.Option(
            help="Encryption devices to register, comma-separated NAME or NAME@PRECINCT; each signs its ballots."
        ),
    ] = "device-1",
    credentials: Annotated[
        Path | None, typer.Option(help="The credential authority's public list (credentials.json): voters sign.")
    ] = None,
    mode: Annotated[
        str, typer.Option(help="Who signs ballots: credentials, devices, both or open (default: from the lists).")
    ] = "",
    policy: Annotated[str, typer.Option(help="one-ballot per credential, or revote (the last cast counts).")] = (
        "one-ballot"
    ),
) -> None:
    """Run the key ceremony: create the workspace and one sealed key file per guardian."""

    def action() -> None:
        manifest_data = read_input(manifest)
        parse_manifest(manifest_data)
        if guardians < 1 or not 1 <= quorum <= guardians:
            fail(f"the quorum must be between 1 and the number of guardians ({guardians}), got {quorum}")
        registered = [_device(spec) for spec in devices.split(",") if spec.strip()]
        try:
            chosen_mode = EligibilityMode(mode) if mode else None
            chosen_policy = EligibilityPolicy(policy)
        except ValueError as error:
            fail(f"{error}: --mode is credentials, devices, both or open; --policy is one-ballot or revote")
        phrases = _passphrases(passphrase_file, guardians, "guardian", confirm=True)
        _, context = Workspace.create(
            workspace,
            manifest_data=manifest_data,
            group=group_by_name(group),
            guardian_names=[f"Guardian {i}" for i in range(1, guardians + 1)],
            quorum=quorum,
            passphrases=phrases,
            rng=SystemRandom(),
            devices=registered,
            credentials=read_input(credentials) if credentials is not None else None,
            mode=chosen_mode,
            policy=chosen_policy,
        )
        console.print(f"key ceremony complete: {guardians} guardians, quorum {quorum}")
        console.print(f"extended base hash H_E = {context.extended_hash.hex().upper()}")
        console.print(f"key files: {workspace / 'keys'} (give each guardian theirs)")

    run_guarded(action)


@app.command()
def encrypt(
    workspace: WorkspaceArg,
    ballots: Annotated[Path, typer.Argument(help="Plaintext ballots (nazaha-ballots/1 JSON).")],
    device: Annotated[str, typer.Option(help="Voting device identifier S_device.")] = "device-1",
    chaining: Annotated[str, typer.Option(help="Ballot chaining: none or simple.")] = "simple",
) -> None:
    """Encrypt ballots; each waits for the voter to cast or challenge it."""

    def action() -> None:
        try:
            mode = ChainingMode(chaining)
        except ValueError:
            fail(f"--chaining must be 'none' or 'simple', not {chaining!r}")
        parsed = parse_ballot_file_with_credentials(read_input(ballots), str(ballots))
        with RichProgress() as progress:
            encrypted = Workspace(workspace).encrypt(
                [ballot for ballot, _ in parsed],
                device=device,
                chaining=mode,
                credentials=[credential for _, credential in parsed],
                progress=progress,
            )
        for ballot in encrypted:
            console.print(f"confirmation code {ballot.code_hex}")

    run_guarded(action)


@app.command()
def cast(workspace: WorkspaceArg, codes: Annotated[list[str], typer.Argument(help="Confirmation codes.")]) -> None:
    """Cast ballots by confirmation code."""

    def action() -> None:
        ws = Workspace(workspace)
        for code in codes:
            decision = ws.decide(code, BallotState.CAST)
            console.print(f"cast {decision.ballot.ballot.code_hex}")

    run_guarded(action)


@app.command()
def challenge(
    workspace: WorkspaceArg,
    codes: Annotated[list[str], typer.Argument(help="Confirmation codes.")],
    language: Annotated[str, typer.Option(help="Language of the display (ar or en).")] = "en",
) -> None:
    """Challenge ballots: open each with its nonce and show what it contained. Never tallied."""

    def action() -> None:
        ws = Workspace(workspace)
        manifest = ws.context().manifest
        for code in codes:
            decision = ws.decide(code, BallotState.CHALLENGED)
            if decision.opened is None:
                console.print(
                    f"ballot {code} is challenged; its nonce is not in this workspace (it was encrypted "
                    "elsewhere), so the guardians will open it when they decrypt"
                )
                continue
            console.print(challenged_table(manifest, decision.opened, language))

    run_guarded(action)


@app.command()
def tally(workspace: WorkspaceArg) -> None:
    """Close voting and add up the cast ballots homomorphically."""

    def action() -> None:
        with RichProgress() as progress:
            result = Workspace(workspace).tally(progress)
        console.print(f"encrypted tally of {result.cast_ballots} cast ballots written")

    run_guarded(action)


@app.command()
def decrypt(
    workspace: WorkspaceArg,
    key: Annotated[list[Path], typer.Option(help="Key file of a guardian present (repeat).")],
    passphrase_file: Annotated[
        Path | None, typer.Option(help="Passphrases of those keys, one per line, in the same order.")
    ] = None,
    language: Annotated[str, typer.Option(help="Language of the table (ar or en).")] = "en",
) -> None:
    """Decrypt the tally and open challenged ballots with the guardians present (at least k)."""

    def action() -> None:
        phrases = _passphrases(passphrase_file, len(key), "key file", confirm=False)
        keys = [(str(path), read_input(path), phrase) for path, phrase in zip(key, phrases, strict=True)]
        ws = Workspace(workspace)
        with RichProgress() as progress:
            result = ws.decrypt(keys, SystemRandom(), progress)
        console.print(tally_table(ws.context().manifest, result, language=language))

    run_guarded(action)


@app.command()
def publish(
    workspace: WorkspaceArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the election record.")],
) -> None:
    """Write the election record, atomically, for anyone to verify."""

    def action() -> None:
        with RichProgress() as progress:
            path = Workspace(workspace).publish(output, progress)
        console.print(f"election record written to {path}")

    run_guarded(action)


# -- verification ---------------------------------------------------------------------------------


def _verify(
    record: Path | str,
    *,
    jobs: int,
    as_json: bool,
    format: str = "auto",
    scheduler: str = "",
    hints: bool = True,
    chunk_size: int | None = None,
) -> Report:
    """Verify a record folder, zip or (as a string) URL, here or on the Dask cluster at ``scheduler``."""
    url = record if isinstance(record, str) and is_record_url(record) else ""
    path = local_path(record) if isinstance(record, str) else record
    with RichProgress(enabled=not as_json) as progress:
        if scheduler:
            # Dask comes with the ``cluster`` extra: imported only when a scheduler is asked for.
            try:
                from nazaha.workflows.cluster import cluster_executor  # noqa: PLC0415
            except ModuleNotFoundError as missing:
                raise MissingDependencyError(
                    f"--scheduler needs {missing.name!r}, which comes with the cluster extra: "
                    "pip install 'nazaha[cluster]'"
                ) from None

            with cluster_executor(scheduler) as executor:
                if url:  # the workers read their chunks from the URL themselves
                    return verify_url(
                        url, format=format, executor=executor, progress=progress, chunk_size=chunk_size, hints=hints
                    )
                return verify_path(
                    path.resolve(), format=format, executor=executor, progress=progress, chunk_size=chunk_size,
                    hints=hints,
                )  # fmt: skip
        if url:
            return verify_url(url, format=format, jobs=jobs, progress=progress, chunk_size=chunk_size, hints=hints)
        return verify_path(path, format=format, jobs=jobs, progress=progress, chunk_size=chunk_size, hints=hints)


@app.command()
def verify(
    record: Annotated[
        str,
        typer.Argument(
            help="The election record: a folder, a zip file of one, or the URL of a Nazaha record folder "
            "(https://..., s3://... with s3fs installed).",
            show_default=False,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    jobs: Annotated[int, typer.Option(help="Worker processes for ballot checks (0: all cores).")] = 1,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="Record format: auto, 2.1 (Nazaha), 2.0 (egk, egk-ec), 1.x (electionguard-python 1.4.0, 0.95, "
            "core2 1.91) or rust (electionguard-rust pre-voting artifacts).",
        ),
    ] = "auto",
    scheduler: Annotated[
        str,
        typer.Option(
            help="Dask scheduler (tcp://HOST:PORT) to check ballots on a cluster: a folder or zip must be "
            "at the same path on every worker; with a URL, each worker reads its chunks from it."
        ),
    ] = "",
    language: Annotated[
        str,
        typer.Option(help="Print the checks as plain-language lines in this language (ar or en), with advice."),
    ] = "",
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a self-contained, printable, bilingual report to this HTML file."),
    ] = None,
    spec_only: Annotated[
        bool,
        typer.Option(
            "--spec-only",
            help="Ignore the record's proof hints (hints/) and recompute every proof commitment as the spec "
            "does; the report is the same, only slower.",
        ),
    ] = False,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            "--chunk-size",
            min=1,
            help="Ballots per chunk (one task for a worker process or a cluster's worker); default: the format's own.",
        ),
    ] = None,
) -> None:
    """Verify an election record independently. Exit 0: valid; 1: a check failed; 2: unreadable."""
    if language and language not in LANGUAGES:
        fail(f"--language must be ar or en, not {language!r}", 2)

    def action() -> Report:
        report = _verify(
            record,
            jobs=jobs or os.cpu_count() or 1,
            as_json=as_json,
            format=format,
            scheduler=scheduler,
            hints=not spec_only,
            chunk_size=chunk_size,
        )
        if html is not None:
            # Jinja2 only when a report is asked for: plain verification stays light (test_light_install).
            from nazaha.verify.html_report import record_fingerprint, render_html_report  # noqa: PLC0415

            page = render_html_report(report, record_fingerprint(record), language or "en")
            html.write_text(page, "utf-8")
        return report

    report = run_guarded(action)
    if as_json:
        typer.echo(report.to_json().decode("utf-8"))
    elif language:
        console.print(plain_table(report, language))
        failures = failures_table(report)
        if failures is not None:
            console.print(failures)
        style = "bold green" if report.ok else "bold red"
        console.print(f"[{style}]{verdict_line(report, language)}[/{style}]")
    else:
        console.print(report_table(report))
        for table in (warnings_table(report), failures_table(report)):
            if table is not None:
                console.print(table)
        caveats = [f"{len(report.warnings)} warning(s) above"] if report.warnings else []
        if report.partial:
            caveats.insert(0, "a partial record")
        suffix = f" ({'; '.join(caveats)})" if caveats else ""
        console.print(
            f"[bold green]VALID: every check that applies passed{suffix}[/bold green]"
            if report.ok
            else "[bold red]INVALID: the record fails the checks listed above[/bold red]"
        )
    if html is not None and not as_json:
        console.print(f"report written to {html}")
    raise typer.Exit(0 if report.ok else 1)


@app.command("verify-page")
def verify_page(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML file.")] = Path(
        "nazaha-verifier.html"
    ),
    language: Annotated[str, typer.Option(help="The page's first language (ar or en); it can switch.")] = "en",
) -> None:
    """Write the browser verifier as one self-contained HTML file that works offline."""
    if language not in LANGUAGES:
        fail(f"--language must be ar or en, not {language!r}", 2)
    # The page lives with the service's templates; imported here so that `verify` stays light.
    from nazaha.verify.browser.page import render_verifier_page  # noqa: PLC0415

    def action() -> None:
        page, _ = render_verifier_page(language, offline=True)
        output.write_text(page, "utf-8")

    run_guarded(action)
    console.print(f"browser verifier written to {output}: open it in a browser and choose a record zip")


# -- demonstration --------------------------------------------------------------------------------


@app.command()
def demo(
    ballots: Annotated[int, typer.Option(help="Number of random ballots.", min=1)] = 500,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Record folder.")] = None,
    jobs: Annotated[int, typer.Option(help="Worker processes (default: all cores).")] = 0,
    seed: Annotated[str | None, typer.Option(help="Reproducible run (INSECURE: for tests and demos only).")] = None,
    language: Annotated[str, typer.Option(help="Language of the result table (ar or en).")] = "en",
    group: Annotated[str, typer.Option(help="Group name (tests only may use a small one).")] = STANDARD_GROUP.name,
    verify_record: Annotated[bool, typer.Option("--verify/--no-verify", help="Verify the record at the end.")] = True,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Run the election through the ballot box and serve it.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the service (with --serve).")] = 8000,
    data: Annotated[Path, typer.Option(help="Folder for the demo's database (with --serve).")] = Path("demo-data"),
    audit: Annotated[
        bool,
        typer.Option(
            "--audit/--no-audit",
            help="Then audit the simulated paper (printed with paper ids) against the encrypted ballots "
            "(implies --no-serve).",
        ),
    ] = False,
) -> None:
    """Run a complete mock election, write its record, verify it and (by default) serve it."""
    if audit:
        serve_after = False
    workers = jobs or os.cpu_count() or 1
    manifest = load_sample_manifest()
    token = secrets.token_urlsafe(18)
    box: BallotBoxService | None = None
    database_url = ""

    def action() -> None:
        nonlocal box, database_url
        target = output or Path(f"election-record-{utc_now().replace(':', '').replace('-', '')}")
        console.print(f"[bold]{manifest.name.get(language)}[/bold]")
        console.print(f"{ballots} ballots, 5 guardians (quorum 3, guardians 2 and 4 absent), {workers} worker(s)")
        with RichProgress() as progress:
            if serve_after:
                data.mkdir(parents=True, exist_ok=True)
                database = data / "nazaha-demo.db"
                for stale in data.glob("nazaha-demo.db*"):
                    stale.unlink()
                database_url = f"sqlite:///{database}"
                box = open_ballot_box(database_url)
                result = run_service_demo(
                    box,
                    ballots=ballots,
                    output=target,
                    group=group_by_name(group),
                    jobs=workers,
                    seed=seed,
                    progress=progress,
                )
            else:
                result = run_demo(
                    ballots=ballots,
                    output=target,
                    group=group_by_name(group),
                    jobs=workers,
                    seed=seed,
                    progress=progress,
                )
        _print_demo_result(result, manifest, language)
        if verify_record:
            _verify_demo(result, workers)
        if audit:
            _audit_demo(result, seed, workers)
        console.print(f"verify it yourself: nazaha verify {result.record}")
        if serve_after:
            _print_demo_service(result, port, token)

    run_guarded(action)
    if serve_after and box is not None:
        box.close_store()
        run_service(database_url, token, host="127.0.0.1", port=port)


def _print_demo_result(result: DemoResult, manifest: Manifest, language: str) -> None:
    """The demonstration's tally against the plaintext counts, and where its record is; exit 3 when they differ."""
    console.print(tally_table(manifest, result.tally, result.expected, language))
    console.print(
        f"{result.cast} ballots cast, {len(result.challenged)} challenged (opened, not tallied); "
        f"guardians present: {', '.join(map(str, result.guardians_present))}"
    )
    console.print(
        f"credentials: {result.credentials} issued by the demo's own authority; every ballot signed by its "
        "voter's credential and by its registered polling-place device"
    )
    if not result.matches():
        fail("the decrypted tally differs from the plaintext counts", 3)
    console.print("[green]decrypted counts equal the plaintext counts[/green]")
    console.print(f"election record written to {result.record}")


def _verify_demo(result: DemoResult, workers: int) -> None:
    """``nazaha demo --verify``: verify the demonstration's record; exit 1 when it does not verify."""
    report = _verify(result.record, jobs=workers, as_json=False)
    console.print(report_table(report))
    failures = failures_table(report)
    if failures is not None:
        console.print(failures)
        fail("the record of the demonstration does not verify", 1)
    console.print("[bold green]verifier: VALID, every check passed[/bold green]")


def _print_demo_service(result: DemoResult, port: int, token: str) -> None:
    """``nazaha demo --serve``: where the ballot box serves the demonstration election."""
    site = f"http://127.0.0.1:{port}"
    url = f"{site}/api/v1"
    console.print(f"\n[bold]Ballot box serving the demo election at {site}/[/bold]")
    console.print(f"  results:   {site}/en/elections/{result.election_id}/results  (Arabic: /ar/...)")
    console.print(f"  board:     {site}/en/elections/{result.election_id}/board")
    console.print(f"  officials: {site}/en/admin")
    console.print(f"  API:       {url}/elections/{result.election_id}  (docs: {url}/docs)")
    console.print(f"  administrator token: {token}   (Ctrl-C stops the service)")


def _audit_demo(result: DemoResult, seed: str | None, workers: int) -> None:
    """``nazaha demo --audit``: print the paper, audit it against the record, verify both."""
    paper = result.record.with_name(f"{result.record.name}-paper")
    paper.mkdir(parents=True, exist_ok=True)
    ballots = [PaperBallot(result.paper_ids[code], result.paper[code]) for code in sorted(result.paper)]
    for language in PAPER_LANGUAGES:
        (paper / f"paper-ballots.{language}.html").write_text(
            paper_ballots_html(result.context.manifest, ballots, language), encoding="utf-8"
        )
    try:
        for language in PAPER_LANGUAGES:
            (paper / f"paper-ballots.{language}.pdf").write_bytes(
                paper_ballots_pdf(result.context.manifest, ballots, language)
            )
        console.print(f"paper ballots: {paper}/paper-ballots.ar.pdf and .en.pdf (and .html)")
    except MissingDependencyError as missing:
        console.print(f"paper ballots (print them from a browser): {paper}/paper-ballots.ar.html and .en.html")
        console.print(f"[dim]no PDF: {missing}[/dim]")
    if seed is not None:
        dice = str(int.from_bytes(hashlib.sha256(f"dice:{seed}".encode()).digest(), "big"))[:24]
        rng: RandomSource = SeededRandom(f"audit:{seed}")
    else:
        dice = "".join(secrets.choice("0123456789") for _ in range(24))
        rng = SystemRandom()
    console.print(f"[bold]Paper audit[/bold]: dice rolled in public after the commitment: {dice}")
    demo = run_audit_demo(result, seed=dice, rng=rng, risk_limit=0.1, first_round=5, planted=1)
    for number, statuses in enumerate(demo.rounds, start=1):
        console.print(f"round {number}:")
        console.print(status_table(statuses, 0.1))
    console.print(
        f"{demo.decrypted} sampled ballot(s) of {result.cast} decrypted by guardians 1, 3 and 5 (audited contests "
        f"only); planted discrepancy on ballot(s) {', '.join(code[:16] + '…' for code in demo.planted)}"
    )
    report = _verify(result.record, jobs=workers, as_json=False)
    console.print(report_table(report))
    failures = failures_table(report)
    if failures is not None:
        console.print(failures)
        fail("the audited record of the demonstration does not verify", 1)
    console.print("[bold green]verifier: VALID, the election and its paper audit[/bold green]")


def main() -> None:
    """Entry point of the ``nazaha`` console script."""
    app()
