"""Talking to a ballot-box service over HTTP: administrators' actions and a guardian's part of
the decryption, which runs on the guardian's own machine so that its key never leaves it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from nazaha.ceremony.keyfile import open_key_share
from nazaha.crypto.nonces import RandomSource
from nazaha.election.context import ElectionContext
from nazaha.errors import (
    AuthorizationError,
    ConflictError,
    InputError,
    NazahaError,
    NotFoundError,
    RemoteError,
)
from nazaha.record.codec import decode_ballot, decode_encrypted_tally
from nazaha.record.decryption import (
    CommitMessage,
    decode_commit,
    decode_reveal,
    encode_commit,
    encode_respond,
    encode_reveal,
)
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.workflows.election_files import load_context

__all__ = ["ServiceClient", "decrypt_as_guardian", "election_files_of"]


class ServiceClient:
    """A thin client of the ballot-box API that turns problem responses into Nazaha errors."""

    def __init__(self, base_url: str, token: str = "", *, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=120, transport=transport)

    def close(self) -> None:
        self._http.close()

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code < 400:
            return response
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        status = response.status_code
        error: type[NazahaError]
        if status in (401, 403):
            error = AuthorizationError
        elif status == 404:
            error = NotFoundError
        elif status == 409:
            error = ConflictError
        elif status >= 500:
            error = RemoteError
        else:
            error = InputError
        raise error(f"the service answered {status}: {detail}")

    def get(self, path: str, **params: Any) -> httpx.Response:
        try:
            return self._check(self._http.get(path, params=params or None))
        except httpx.HTTPError as failure:
            raise RemoteError(f"cannot reach the service: {failure}") from None

    def post(self, path: str, *, json: Any = None, content: bytes | None = None) -> httpx.Response:
        try:
            return self._check(self._http.post(path, json=json, content=content))
        except httpx.HTTPError as failure:
            raise RemoteError(f"cannot reach the service: {failure}") from None


def election_files_of(workspace: Path) -> dict[str, str]:
    """The public election files of a workspace, as ``POST /api/v1/elections`` takes them."""
    folder = workspace / "election"
    if not folder.is_dir():
        raise InputError(f"{workspace} has no election/ folder (run nazaha ceremony first)")
    return {
        str(path.relative_to(folder)): path.read_text("utf-8")
        for path in sorted(folder.rglob("*.json"))
        if path.is_file()
    }


def _context(client: ServiceClient, election_id: str) -> ElectionContext:
    cache: dict[str, bytes] = {}

    def read(name: str) -> bytes:
        if name not in cache:
            cache[name] = client.get(f"/api/v1/elections/{election_id}/files/{name}").content
        return cache[name]

    return load_context(read)


def _wait(
    client: ServiceClient, election_id: str, field: str, present: list[int], poll: float, deadline: float
) -> dict[str, Any]:
    while True:
        status: dict[str, Any] = client.get(f"/api/v1/elections/{election_id}/decryption").json()
        if sorted(status[field]) == present:
            return status
        if time.monotonic() > deadline:
            missing = sorted(set(present) - set(status[field]))
            raise ConflictError(f"timed out waiting for guardian(s) {missing} ({field})")
        time.sleep(poll)


def decrypt_as_guardian(
    client: ServiceClient,
    election_id: str,
    key_file: bytes,
    passphrase: str,
    rng: RandomSource,
    *,
    poll: float = 1.0,
    timeout: float = 3600.0,
    say: Callable[[str], None] = lambda _: None,
) -> bool:
    """Take part in the decryption as the guardian whose sealed key is ``key_file``.

    Commits, waits for every other guardian to commit, reveals, waits again, responds. Returns
    True when this guardian's response completed the decryption.
    """
    context = _context(client, election_id)
    share = open_key_share(key_file, passphrase, context.group)
    guardian = DecryptingGuardian(context, share, rng)
    status = client.get(f"/api/v1/elections/{election_id}/decryption").json()
    present = sorted(status["present"])
    if guardian.index not in present:
        raise ConflictError(f"guardian {guardian.index} is not among the guardians named to decrypt ({present})")
    if status["encrypted_tally"] is None:
        raise ConflictError("the encrypted tally has not been computed yet")
    tally, _ = decode_encrypted_tally(status["encrypted_tally"].encode("utf-8"), context.group)
    partials = guardian.commit(tally, present)
    nonce_shares = {}
    for code in status["challenged"]:
        data = client.get(f"/api/v1/elections/{election_id}/decryption/challenged/{code}").content
        ballot = decode_ballot(data, context.group, f"challenged ballot {code}").ballot
        nonce_shares[code] = guardian.nonce_share(ballot)
    message = CommitMessage(guardian.index, tuple(present), tuple(partials), nonce_shares)
    base = f"/api/v1/elections/{election_id}/decryption"
    client.post(f"{base}/commit/{guardian.index}", content=encode_commit(context.group, message))
    say(f"guardian {guardian.index}: committed; waiting for the others")
    deadline = time.monotonic() + timeout
    status = _wait(client, election_id, "committed", present, poll, deadline)
    everyone = [
        p
        for i in present
        for p in decode_commit(status["messages"][f"decryption/commit/{i}"].encode("utf-8"), context.group).partials
    ]
    reveal = guardian.reveal(everyone)
    client.post(f"{base}/reveal/{guardian.index}", content=encode_reveal(context.group, guardian.index, reveal))
    say(f"guardian {guardian.index}: revealed; waiting for the others")
    status = _wait(client, election_id, "revealed", present, poll, deadline)
    reveals = [
        c
        for i in present
        for c in decode_reveal(status["messages"][f"decryption/reveal/{i}"].encode("utf-8"), context.group)[1]
    ]
    responses = guardian.respond(everyone, reveals)
    answer = client.post(
        f"{base}/respond/{guardian.index}", content=encode_respond(context.group, guardian.index, responses)
    ).json()
    say(f"guardian {guardian.index}: responded")
    return bool(answer["finished"])
