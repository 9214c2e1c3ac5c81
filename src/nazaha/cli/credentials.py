"""``nazaha credentials``: the credential authority's commands, run apart from the ballot box."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nazaha.cli.errors import read_input, run_guarded
from nazaha.cli.output import RichProgress, console
from nazaha.credentials.keys import KDF_DEFAULT, KDF_TEST_ONLY
from nazaha.election.manifest import parse_manifest
from nazaha.workflows.credential_authority import generate_credentials, replace_lost_credential

__all__ = ["credentials_app"]

credentials_app = typer.Typer(
    help="The credential authority: one secret credential per voter, and the public list of keys.",
    no_args_is_help=True,
)

ManifestOpt = Annotated[Path, typer.Option(help="The election's manifest (with its election_id).")]
BoothOpt = Annotated[str, typer.Option(help="The booth's address, printed on each voter's sheet.")]


@credentials_app.command("generate")
def generate(
    folder: Annotated[Path, typer.Argument(help="A new folder for the authority (public list and private files).")],
    manifest: ManifestOpt,
    voters: Annotated[Path, typer.Option(help="CSV of voters: voter_id[,style][,weight].")],
    booth_url: BoothOpt = "",
    test_only_fast_kdf: Annotated[
        bool, typer.Option("--test-only-fast-kdf", help="Cheap key derivation (INSECURE: tests and demos only).")
    ] = False,
) -> None:
    """Issue a credential to every voter; publish only the shuffled list of their public keys."""

    def action() -> None:
        parsed = parse_manifest(read_input(manifest))
        data = read_input(voters)
        kdf = KDF_TEST_ONLY if test_only_fast_kdf else KDF_DEFAULT
        with RichProgress() as progress:
            progress.start("Issuing credentials", max(1, data.count(b"\n")))
            count, digest = generate_credentials(
                folder, parsed, data, str(voters), booth_url=booth_url, kdf=kdf, progress=progress.advance
            )
            progress.finish()
        console.print(f"{count} credentials issued for election {parsed.election_id}")
        console.print(f"public list: {folder / 'credentials.json'} (SHA-256 {digest})")
        console.print(
            f"voters' sheets and mail-merge file: {folder / 'private'} (keep secret; destroy after the election)"
        )

    run_guarded(action)


@credentials_app.command("replace")
def replace(
    folder: Annotated[Path, typer.Argument(help="The authority's folder.")],
    manifest: ManifestOpt,
    voter: Annotated[str, typer.Option(help="The voter id whose credential was lost.")],
    booth_url: BoothOpt = "",
) -> None:
    """Issue a new credential to a voter who lost theirs; the old key is revoked in public."""

    def action() -> None:
        path, update = replace_lost_credential(folder, parse_manifest(read_input(manifest)), voter, booth_url=booth_url)
        console.print(f"new credential for {voter}: sheet in {folder / 'private' / 'replacements'}")
        console.print(f"public update (revokes key {update.revoked.hex().upper()[:16]}…): {path}")
        console.print("post it to the ballot box: nazaha admin replace-credential --update " + str(path))

    run_guarded(action)
