"""Commands around the ballot-box service: ``serve``, the administrator's ``admin`` actions and a
guardian's ``guardian decrypt``."""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
from pathlib import Path
from typing import Annotated

import typer

from nazaha.cli.errors import fail, read_input, run_guarded
from nazaha.cli.output import console
from nazaha.crypto.nonces import SystemRandom
from nazaha.workflows.ballot_box import BallotBoxService, default_secret_file, open_ballot_box
from nazaha.workflows.officials import read_token_file
from nazaha.workflows.remote import (
    GuardianLedger,
    ServiceClient,
    decrypt_as_guardian,
    decrypt_audit_as_guardian,
    election_files_of,
)

__all__ = ["admin_app", "guardian_app", "run_service", "serve"]

admin_app = typer.Typer(help="Administrator actions on a running ballot-box service.", no_args_is_help=True)
guardian_app = typer.Typer(help="A guardian's part, run on the guardian's own machine.", no_args_is_help=True)

ServiceOpt = Annotated[str, typer.Option("--service", help="Base URL of the service.", envvar="NAZAHA_SERVICE")]
TokenOpt = Annotated[str, typer.Option("--token", help="Administrator token.", envvar="NAZAHA_ADMIN_TOKEN")]
ElectionOpt = Annotated[str, typer.Option("--election", help="Election id.")]


def serve(
    database: Annotated[
        str, typer.Option(help="sqlite:///FILE (default) or postgresql://...", envvar="NAZAHA_DATABASE_URL")
    ] = "sqlite:///nazaha.db",
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    admin_token_file: Annotated[
        Path | None,
        typer.Option(help="File holding the administrator token (first line).", envvar="NAZAHA_ADMIN_TOKEN_FILE"),
    ] = None,
    admin_token: Annotated[
        str,
        typer.Option(
            help="Administrator token (generated when empty). Prefer NAZAHA_ADMIN_TOKEN or --admin-token-file: "
            "a command-line argument is visible to every user in the process list.",
            envvar="NAZAHA_ADMIN_TOKEN",
        ),
    ] = "",
    secret_file: Annotated[
        Path | None,
        typer.Option(
            help="The service secret (decision tokens, receipt key), created with mode 0600 if missing "
            "[default: DATABASE_FILE.secret for SQLite, ./nazaha.secret otherwise].",
            envvar="NAZAHA_SECRET_FILE",
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    paper_audit: Annotated[
        str | None,
        typer.Option(
            help="The paper audit the audit boards enter readings for (/ar/audit, /en/audit): a record folder, "
            "or the id of one of this ballot box's elections (its audit kept in the database).",
            envvar="NAZAHA_PAPER_AUDIT",
        ),
    ] = None,
    audit_boards: Annotated[
        Path | None,
        typer.Option(
            help='JSON {"Board 1": "passcode", ...} of the audit boards (with --paper-audit; one worker).',
            envvar="NAZAHA_AUDIT_BOARDS_FILE",
        ),
    ] = None,
) -> None:
    """Start the ballot-box service (HTTP API under /api/v1; OpenAPI at /api/v1/docs)."""
    if (paper_audit is None) != (audit_boards is None) or (paper_audit is not None and workers != 1):
        fail("--paper-audit and --audit-boards go together, with one worker (board sessions are in memory)")
    if paper_audit is not None and audit_boards is not None:
        os.environ["NAZAHA_PAPER_AUDIT"] = paper_audit
        os.environ["NAZAHA_AUDIT_BOARDS_FILE"] = str(audit_boards)
    given = run_guarded(lambda: read_token_file(admin_token_file)) if admin_token_file else admin_token
    token = given or secrets.token_urlsafe(24)
    secret = secret_file or default_secret_file(database)

    def prepare() -> BallotBoxService:
        # Migrates the schema and creates the secret file once, before the workers start.
        return open_ballot_box(database, secret_file=secret)

    box = run_guarded(prepare)
    console.print(f"Nazaha ballot box on http://{host}:{port}/api/v1  (database: {_masked(database)})")
    console.print(f"service secret: {secret} (keep it with the database's backups, readable by this user only)")
    if not given:
        console.print(f"administrator token: {token}")
    box.close_store()
    run_service(database, token, host=host, port=port, workers=workers, secret_file=secret)


def _masked(url: str) -> str:
    """A database URL fit to print: the password replaced by ***."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


def run_service(
    database: str, token: str, *, host: str, port: int, workers: int = 1, secret_file: Path | None = None
) -> None:
    """Run the service until interrupted; uvicorn builds it from the environment in each worker,
    so the command line never imports the service itself. The token reaches the workers through
    the environment (readable by this user only), never through their command line."""
    try:
        import uvicorn  # noqa: PLC0415  (the service extra; the rest of the command line runs without it)
    except ModuleNotFoundError:
        fail("the ballot-box service needs the service extra: pip install 'nazaha[service]'", 5)

    os.environ["NAZAHA_DATABASE_URL"] = database
    os.environ["NAZAHA_ADMIN_TOKEN"] = token
    os.environ.pop("NAZAHA_ADMIN_TOKEN_FILE", None)
    os.environ["NAZAHA_SECRET_FILE"] = str(secret_file or default_secret_file(database))
    uvicorn.run(
        "nazaha.service.app:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="warning"
    )


@admin_app.command("create-election")
def create_election(
    workspace: Annotated[Path, typer.Argument(help="Workspace of a key ceremony (nazaha ceremony).")],
    service: ServiceOpt,
    token: TokenOpt,
    election_id: Annotated[str, typer.Option("--id", help="Election id (default: from the manifest label).")] = "",
) -> None:
    """Create an election on the service from a key ceremony's public files."""

    def action() -> None:
        client = ServiceClient(service, token)
        body: dict[str, object] = {"files": election_files_of(workspace)}
        if election_id:
            body["id"] = election_id
        created = client.post("/api/v1/elections", json=body).json()
        console.print(f"created election {created['id']} (state {created['state']})")

    run_guarded(action)


def _admin_post(service: str, token: str, path: str, json: object = None) -> dict[str, object]:
    result: dict[str, object] = run_guarded(lambda: ServiceClient(service, token).post(path, json=json).json())
    return result


@admin_app.command("open")
def open_voting(service: ServiceOpt, token: TokenOpt, election: ElectionOpt) -> None:
    """Open voting."""
    result = _admin_post(service, token, f"/api/v1/elections/{election}/open")
    console.print(f"election {election}: {result['state']}")


@admin_app.command("close")
def close_voting(service: ServiceOpt, token: TokenOpt, election: ElectionOpt) -> None:
    """Close voting: undecided ballots are challenged and the board is closed."""
    result = _admin_post(service, token, f"/api/v1/elections/{election}/close")
    console.print(f"election {election}: {result['state']}; challenged at close: {len(result['challenged_at_close'])}")  # type: ignore[arg-type]


@admin_app.command("tally")
def tally(service: ServiceOpt, token: TokenOpt, election: ElectionOpt) -> None:
    """Compute the encrypted tally of the cast ballots."""
    result = _admin_post(service, token, f"/api/v1/elections/{election}/tally")
    console.print(f"election {election}: {result['cast_ballots']} cast ballots aggregated")


@admin_app.command("start-decryption")
def start_decryption(
    service: ServiceOpt,
    token: TokenOpt,
    election: ElectionOpt,
    guardians: Annotated[str, typer.Option(help="Guardians present, e.g. 1,3,5 (at least the quorum).")],
    abandon: Annotated[
        bool, typer.Option("--abandon", help="Abandon the round in progress (a guardian is gone) and start another.")
    ] = False,
) -> None:
    """Start a decryption round with the guardians present; each then runs `nazaha guardian decrypt`."""
    try:
        present = [int(g) for g in guardians.split(",") if g.strip()]
    except ValueError:
        fail(f"--guardians must be a comma-separated list of numbers, not {guardians!r}")
    body = {"guardians": present, "abandon": abandon}
    result = _admin_post(service, token, f"/api/v1/elections/{election}/decryption", body)
    console.print(f"decryption round {result['round']} started with guardians {result['present']}")


@admin_app.command("replace-credential")
def replace_credential(
    service: ServiceOpt,
    token: TokenOpt,
    election: ElectionOpt,
    update: Annotated[Path, typer.Option(help="The credential authority's update (nazaha credentials replace).")],
) -> None:
    """Replace a lost credential: the old key is revoked and the new one added, on the board."""

    def action() -> dict[str, object]:
        client = ServiceClient(service, token)
        result: dict[str, object] = client.post(
            f"/api/v1/elections/{election}/credentials/updates", content=read_input(update)
        ).json()
        return result

    result = run_guarded(action)
    console.print(f"election {election}: credential replaced (board entry {result['entry']['position']})")  # type: ignore[index]


@admin_app.command("record")
def download_record(
    service: ServiceOpt,
    election: ElectionOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to unpack the record into.")],
) -> None:
    """Download the published election record."""

    def action() -> None:
        if output.exists():
            fail(f"{output} already exists")
        data = ServiceClient(service).get(f"/api/v1/elections/{election}/record").content
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(output)
        console.print(
            f"election record unpacked into {output}; verify it with: nazaha verify {output}/{election}-record"
        )

    run_guarded(action)


@guardian_app.command("decrypt")
def guardian_decrypt(
    service: ServiceOpt,
    election: ElectionOpt,
    key: Annotated[Path, typer.Option(help="This guardian's key file.")],
    passphrase_file: Annotated[Path | None, typer.Option(help="File holding the passphrase (else asked).")] = None,
    poll: Annotated[float, typer.Option(help="Seconds between checks on the other guardians.")] = 2.0,
    ledger: Annotated[
        Path | None,
        typer.Option(help="Where this key records the elections it decrypted (default: beside the key file)."),
    ] = None,
    paper_audit: Annotated[
        bool,
        typer.Option(
            "--paper-audit",
            help="Decrypt the paper audit's sampled ballots (audited contests only) instead of the tally.",
        ),
    ] = False,
) -> None:
    """Take part in the decryption with this guardian's key, which never leaves this machine.

    Each message is signed with the guardian's own key: no administrator token is needed, and
    nobody else can post in this guardian's name. With --paper-audit the guardian first checks
    that every ballot it is asked to decrypt is one the audit's published rounds sampled."""

    def action() -> None:
        if passphrase_file is not None:
            passphrase = passphrase_file.read_text("utf-8").splitlines()[0]
        else:
            passphrase = typer.prompt("Passphrase of the key file", hide_input=True)
        finished = (decrypt_audit_as_guardian if paper_audit else decrypt_as_guardian)(
            ServiceClient(service),
            election,
            key.read_bytes(),
            passphrase,
            SystemRandom(),
            ledger=GuardianLedger(ledger or key.with_name(key.name + ".elections.json")),
            poll=poll,
            say=console.print,
        )
        console.print("the decryption is complete" if finished else "this guardian's part is done")

    run_guarded(action)


# -- the paper audit on the service ------------------------------------------------------------------

paper_admin_app = typer.Typer(
    help="The paper audit of a published election on the service (its files kept in the database).",
    no_args_is_help=True,
)
admin_app.add_typer(paper_admin_app, name="paper-audit")


def _audit_report(result: dict[str, object]) -> None:
    for contest in result.get("contests", []):  # type: ignore[attr-defined]
        console.print(
            f"  {contest['contest']}: {contest['draws']} card(s) read, risk {contest['risk']:.4f}, {contest['state']}"
        )
    if "finished" in result:
        console.print("the audit is over" if result["finished"] else "the audit goes on")


@paper_admin_app.command("commit")
def audit_commit(
    service: ServiceOpt,
    token: TokenOpt,
    election: ElectionOpt,
    risk_limit: Annotated[float, typer.Option(help="The risk limit α.")] = 0.05,
    contest: Annotated[list[str] | None, typer.Option(help="A contest to audit (repeat; default: all).")] = None,
) -> None:
    """Commit to the cards (the record's cast ballots), the contests and the risk limit."""
    body = {"risk_limit": risk_limit, "contests": contest or None}
    result = _admin_post(service, token, f"/api/v1/elections/{election}/paper-audit", body)
    console.print(f"commitment SHA-256: [bold]{result['commitment']}[/bold]")
    console.print("publish it, then draw the seed in public (dice or a beacon value) and enter it")


@paper_admin_app.command("seed")
def audit_seed(
    service: ServiceOpt,
    token: TokenOpt,
    election: ElectionOpt,
    seed: Annotated[str, typer.Option(help="20 or more decimal digits rolled in public, or a beacon value.")],
    source: Annotated[str, typer.Option(help="dice or beacon.")] = "dice",
) -> None:
    """Enter the seed drawn after the commitment was published."""
    _admin_post(service, token, f"/api/v1/elections/{election}/paper-audit/seed", {"seed": seed, "source": source})
    console.print("seed recorded")


@paper_admin_app.command("draw")
def audit_draw(
    service: ServiceOpt,
    token: TokenOpt,
    election: ElectionOpt,
    size: Annotated[int | None, typer.Option(help="Round 1: draws per contest (default: the plan).")] = None,
) -> None:
    """Draw the next round; then name the guardians who decrypt its ballots (start-decryption)."""
    body = {"size": size} if size is not None else {}
    result = _admin_post(service, token, f"/api/v1/elections/{election}/paper-audit/rounds", body)
    console.print(f"round {result['round']}: {result['draws']} draw(s); {result['sampled']} ballot(s) sampled in all")


@paper_admin_app.command("start-decryption")
def audit_start_decryption(
    service: ServiceOpt,
    token: TokenOpt,
    election: ElectionOpt,
    guardians: Annotated[str, typer.Option(help="Guardians present, e.g. 1,3,5 (at least the quorum).")],
) -> None:
    """Name the guardians who decrypt the sampled ballots; each runs `nazaha guardian decrypt --paper-audit`."""
    try:
        present = [int(g) for g in guardians.split(",") if g.strip()]
    except ValueError:
        fail(f"--guardians must be a comma-separated list of numbers, not {guardians!r}")
    result = _admin_post(service, token, f"/api/v1/elections/{election}/paper-audit/decryption", {"guardians": present})
    console.print(
        f"audit decryption round {result['round']}: guardians {result['present']} decrypt "
        f"{len(result['ballots'])} sampled ballot(s)"  # type: ignore[arg-type]
    )


@paper_admin_app.command("measure")
def audit_measure(service: ServiceOpt, token: TokenOpt, election: ElectionOpt) -> None:
    """Measure the round once every pulled card is read and every sampled ballot decrypted."""
    _audit_report(_admin_post(service, token, f"/api/v1/elections/{election}/paper-audit/measure"))


@paper_admin_app.command("status")
def audit_status(service: ServiceOpt, election: ElectionOpt) -> None:
    """The audit so far (public)."""
    result: dict[str, object] = run_guarded(
        lambda: ServiceClient(service).get(f"/api/v1/elections/{election}/paper-audit").json()
    )
    console.print(
        f"{result.get('rounds', 0)} round(s); {result.get('sampled', 0)} sampled, {result.get('decrypted', 0)} "
        f"decrypted, {result.get('read', 0)} read"
    )
    _audit_report(result)
