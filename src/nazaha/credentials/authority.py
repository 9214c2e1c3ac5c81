"""The credential authority's work: from a list of voters to one secret credential each and the
public list of their keys; a lost credential replaced, with the old key revoked in public.

The authority is a separate party from the ballot box (as in Belenios): it alone knows which
voter holds which key. What it publishes (``credentials.json`` and each ``credential-update``)
names no voter; what it keeps (``private/``) links voters to keys and must be guarded, and
destroyed after the election (docs/threat-model.md). Stuffing ballots needs both the authority
and the ballot box.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from nazaha.credentials.codes import format_credential, new_credential
from nazaha.credentials.keys import credential_seed, public_key
from nazaha.election.eligibility import CredentialKey, CredentialList, KdfParameters
from nazaha.errors import InputError

__all__ = ["IssuedCredential", "Voter", "issue_credentials", "parse_voters", "replace_credential"]

_VOTER_ID = re.compile(r"[^\x00-\x1f\x7f]{1,120}")


@dataclass(frozen=True, slots=True)
class Voter:
    """One line of the voter list: an id (never published), a ballot style and a weight."""

    voter_id: str
    style: str = ""
    weight: int = 1


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """A voter's secret credential and the public key it derives (kept by the authority only)."""

    voter: Voter
    credential: str = field(repr=False)
    """The 16 symbols; secret: printed on the voter's sheet, never logged."""
    key: bytes

    @property
    def printed(self) -> str:
        return format_credential(self.credential)


def parse_voters(data: bytes, where: str, styles: Sequence[str]) -> list[Voter]:
    """The voter list: a CSV with a header ``voter_id`` and optionally ``style`` and ``weight``.

    ``styles`` are the manifest's ballot-style labels; errors name the file, row and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    if "voter_id" not in columns:
        raise InputError(f"{where}: the header must name a voter_id column (and optionally style, weight)")
    unknown = sorted(set(columns) - {"voter_id", "style", "weight"})
    if unknown:
        raise InputError(f"{where}: unknown column(s) {unknown}")
    voters: list[Voter] = []
    seen: dict[str, int] = {}
    for row_number, row in enumerate(reader, start=2):
        here = f"{where}, row {row_number}"
        voter_id = (row.get("voter_id") or "").strip()
        if not _VOTER_ID.fullmatch(voter_id):
            raise InputError(f"{here}, column voter_id: missing, too long, or a control character")
        if voter_id in seen:
            raise InputError(f"{here}, column voter_id: {voter_id!r} is also on row {seen[voter_id]}")
        seen[voter_id] = row_number
        style = (row.get("style") or "").strip()
        if style and style not in styles:
            raise InputError(f"{here}, column style: {style!r} is not a ballot style of the manifest")
        weight_text = (row.get("weight") or "1").strip()
        if not weight_text.isdigit() or not 1 <= int(weight_text) <= 1000:
            raise InputError(f"{here}, column weight: {weight_text[:20]!r} is not a whole number from 1 to 1000")
        voters.append(Voter(voter_id, style, int(weight_text)))
    if not voters:
        raise InputError(f"{where}: the voter list is empty")
    return voters


def issue_credentials(
    voters: Sequence[Voter],
    election_id: str,
    kdf: KdfParameters,
    *,
    fresh: Callable[[], str] = new_credential,
    progress: Callable[[], None] = lambda: None,
) -> tuple[CredentialList, list[IssuedCredential]]:
    """One new credential per voter, and the public list of their keys (sorted by key, which
    shuffles them). ``fresh`` draws a credential (``secrets`` by default), one voter after the
    other; the keys are derived in parallel threads."""
    if not election_id:
        raise InputError("credentials are issued for an election id (the manifest's election_id)")
    drawn = [fresh() for _ in voters]
    issued = []
    # scrypt releases the GIL: the keys are derived on every core, in order.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        derived = pool.map(lambda credential: public_key(credential_seed(credential, election_id, kdf)), drawn)
        for voter, credential, key in zip(voters, drawn, derived, strict=True):
            issued.append(IssuedCredential(voter, credential, key))
            progress()
    keys = tuple(sorted((CredentialKey(c.key, c.voter.style, c.voter.weight) for c in issued), key=lambda k: k.key))
    if len({k.key for k in keys}) != len(keys):
        raise InputError("two credentials derived the same key; issue them again")
    return CredentialList(election_id, kdf, keys), issued


def replace_credential(
    voter: Voter, election_id: str, kdf: KdfParameters, *, fresh: Callable[[], str] = new_credential
) -> IssuedCredential:
    """A new credential for a voter who lost theirs (the caller revokes the old key in public)."""
    credential = fresh()
    return IssuedCredential(voter, credential, public_key(credential_seed(credential, election_id, kdf)))
