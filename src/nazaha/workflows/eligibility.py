"""The credential list as it stands while voting goes on, and which cast ballots count.

The published ``credentials.json`` is committed on the board when voting opens. A lost credential
is replaced by an update document (``credentials/update-<n>.json``: the key revoked, the key
added), each named on the board by its hash, in order. ``CredentialState`` applies them; under
the re-voting policy only the last cast ballot of each credential counts (``superseded``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from nazaha.election.eligibility import CredentialKey, CredentialUpdate, Eligibility, EligibilityPolicy
from nazaha.errors import ConflictError, InputError
from nazaha.record.board import BoardKind
from nazaha.record.eligibility import decode_credential_update

__all__ = ["CredentialState", "credential_state", "superseded", "update_name"]


def update_name(number: int) -> str:
    return f"credentials/update-{number}.json"


@dataclass(slots=True)
class CredentialState:
    """The keys that may sign ballots now, and those revoked."""

    listed: dict[bytes, CredentialKey] = field(default_factory=dict)
    revoked: set[bytes] = field(default_factory=set)
    updates: int = 0

    def lookup(self, key: bytes) -> tuple[CredentialKey | None, bool]:
        """(the listed key, or None; whether it was revoked)."""
        return self.listed.get(key), key in self.revoked

    def check_update(self, update: CredentialUpdate) -> None:
        """A replacement must revoke a listed key and add a key never seen."""
        if update.revoked not in self.listed or update.revoked in self.revoked:
            raise ConflictError("the key to revoke is not a current credential of this election")
        if update.added.key in self.listed or update.added.key in self.revoked:
            raise ConflictError("the key added is already on the credential list")
        old = self.listed[update.revoked]
        if (old.style, old.weight) != (update.added.style, update.added.weight):
            raise InputError("a replacement credential keeps the ballot style and weight of the one it replaces")

    def apply(self, update: CredentialUpdate) -> None:
        self.check_update(update)
        self.revoked.add(update.revoked)
        self.listed[update.added.key] = update.added
        self.updates += 1


def credential_state(eligibility: Eligibility, read: Callable[[str], bytes | None]) -> CredentialState:
    """The published list with every stored update applied, in order (``read`` gets an artifact)."""
    state = CredentialState()
    if eligibility.credentials is not None:
        state.listed = {key.key: key for key in eligibility.credentials.keys}
    number = 1
    while (data := read(update_name(number))) is not None:
        state.apply(decode_credential_update(data, update_name(number)))
        number += 1
    return state


def update_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest().upper()


def superseded(eligibility: Eligibility, ballots: Iterable[tuple[str, str, BoardKind | None]]) -> list[str]:
    """Under re-voting, the cast ballots that a later cast ballot of the same credential replaced;
    none under the one-ballot policy, where a credential has one ballot. ``ballots`` are
    (code, credential key, decision) in board order."""
    if eligibility.policy is not EligibilityPolicy.REVOTE or not eligibility.mode.needs_credential:
        return []
    last: dict[str, str] = {}
    replaced = []
    for code, credential, decision in ballots:
        if decision is not BoardKind.CAST:
            continue
        previous = last.get(credential)
        if previous is not None:
            replaced.append(previous)
        last[credential] = code
    return replaced
