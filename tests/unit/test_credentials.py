"""The credential authority: typed credentials and their check symbol, keys, the voter list, the
authority's folder (public list, private sheets), and the browser's known answers."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from nazaha.credentials.authority import Voter, issue_credentials, parse_voters
from nazaha.credentials.codes import ALPHABET, format_credential, new_credential, normalize_credential
from nazaha.credentials.keys import KDF_TEST_ONLY, credential_seed, public_key
from nazaha.crypto.nonces import SeededRandom
from nazaha.errors import InputError, StorageError
from nazaha.record.eligibility import decode_credential_update, decode_credentials
from nazaha.workflows.credential_authority import generate_credentials, replace_lost_credential
from nazaha.workflows.demo_voters import demo_manifest
from tests.js.make_credential_vectors import VECTORS, build


def test_committed_browser_vectors_are_what_the_core_produces() -> None:
    assert json.loads(VECTORS.read_text("utf-8")) == build()


def test_the_check_symbol_catches_every_single_typo_and_every_neighbour_swap() -> None:
    credential = new_credential()
    assert normalize_credential(credential) == credential and len(credential) == 16
    for position in range(16):
        for symbol in ALPHABET:
            if symbol != credential[position]:
                typo = credential[:position] + symbol + credential[position + 1 :]
                with pytest.raises(InputError, match="check symbol"):
                    normalize_credential(typo)
    for position in range(15):
        a, b = credential[position], credential[position + 1]
        if a != b:
            swapped = credential[:position] + b + a + credential[position + 2 :]
            with pytest.raises(InputError, match="check symbol"):
                normalize_credential(swapped)


def test_credentials_are_read_as_people_type_them() -> None:
    credential = new_credential()
    printed = format_credential(credential)
    assert printed.count("-") == 3 and printed.replace("-", "") == credential
    assert normalize_credential(" " + printed.lower() + " ") == credential
    with pytest.raises(InputError, match="16 symbols; this one has 15"):
        normalize_credential(credential[:-1])
    with pytest.raises(InputError, match="uses only") as refused:
        normalize_credential("U" + credential[1:])
    assert credential not in str(refused.value), "a credential is secret: messages never repeat it"


def test_keys_depend_on_the_credential_and_the_election() -> None:
    credential = new_credential()
    seed = credential_seed(credential, "election-a", KDF_TEST_ONLY)
    assert seed == credential_seed(format_credential(credential).lower(), "election-a", KDF_TEST_ONLY)
    assert seed != credential_seed(credential, "election-b", KDF_TEST_ONLY)
    assert len(public_key(seed)) == 32


def test_the_voter_list_is_checked_row_by_row() -> None:
    styles = ["north", "south"]
    voters = parse_voters(b"voter_id,style,weight\nv1,north,1\nv2,,\n", "voters.csv", styles)
    assert voters == [Voter("v1", "north", 1), Voter("v2", "", 1)]
    for data, message in (
        (b"id\nv1\n", "voters.csv: the header must name a voter_id column"),
        (b"voter_id,style\nv1,east\n", "voters.csv, row 2, column style: 'east'"),
        (b"voter_id\nv1\nv1\n", "voters.csv, row 3, column voter_id: 'v1' is also on row 2"),
        (b"voter_id,weight\nv1,0\n", "voters.csv, row 2, column weight"),
        (b"voter_id,colour\nv1,red\n", "unknown column(s) ['colour']"),
    ):
        with pytest.raises(InputError) as refused:
            parse_voters(data, "voters.csv", styles)
        assert message in str(refused.value)


def test_the_public_list_is_shuffled_by_key_and_names_no_voter() -> None:
    voters = [Voter(f"voter-{i}") for i in range(6)]
    public, issued = issue_credentials(voters, "election-a", KDF_TEST_ONLY)
    keys = [k.key for k in public.keys]
    assert keys == sorted(keys) and len(set(keys)) == 6
    assert {c.key for c in issued} == set(keys)


def test_the_authority_folder_keeps_secrets_private_and_replaces_a_lost_credential(tmp_path: Path) -> None:
    manifest = demo_manifest(SeededRandom("authority"))
    styles = [s.label for s in manifest.ballot_styles]
    csv = ("voter_id,style\n" + "".join(f"v{i},{styles[i % 2]}\n" for i in range(3))).encode()
    count, digest = generate_credentials(
        tmp_path / "ca", manifest, csv, "voters.csv", booth_url="https://vote.example", kdf=KDF_TEST_ONLY
    )
    assert count == 3 and len(digest) == 64
    public = decode_credentials((tmp_path / "ca/credentials.json").read_bytes())
    assert public.election_id == manifest.election_id and len(public.keys) == 3
    assert b"v0" not in (tmp_path / "ca/credentials.json").read_bytes(), "the public list names no voter"
    for name in ("authority.json", "credentials.csv", "sheets.html"):
        mode = (tmp_path / "ca/private" / name).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600, name
    sheets = (tmp_path / "ca/private/sheets.html").read_text("utf-8")
    assert sheets.count('class="sheet"') == 3 and 'lang="ar"' in sheets and "vote.example" in sheets
    assert sheets.count('<figure class="qr"><svg') == 3, "each sheet's QR code opens the booth with its credential"
    path, update = replace_lost_credential(tmp_path / "ca", manifest, "v1", booth_url="https://vote.example")
    assert decode_credential_update(path.read_bytes(), path.name) == update
    assert update.revoked in {k.key for k in public.keys} and update.added.key not in {k.key for k in public.keys}
    assert (tmp_path / "ca/private/replacements/1.html").is_file()
    with pytest.raises(InputError, match="no voter 'nobody'"):
        replace_lost_credential(tmp_path / "ca", manifest, "nobody")
    with pytest.raises(StorageError, match="not empty"):
        generate_credentials(tmp_path / "ca", manifest, csv, "voters.csv", kdf=KDF_TEST_ONLY)
