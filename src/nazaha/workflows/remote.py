"""Talking to a ballot-box service over HTTP: administrators' actions and a guardian's part of
the decryption, which runs on the guardian's own machine so that its key never leaves it."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec

from nazaha.ceremony.keyfile import open_key_share
from nazaha.crypto.nonces import RandomSource
from nazaha.election.context import ElectionContext
from nazaha.election.tally import EncryptedTally
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
    decode_reveal_data,
    encode_commit,
    encode_respond,
    encode_reveal,
)
from nazaha.record.layout import write_file_atomically
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.workflows.decryption import signed
from nazaha.workflows.election_files import load_context
from nazaha.workflows.paper_audit import audited_tally
from nazaha.workflows.service_audit import (
    audit_samples,
    ballot_of,
    commit_message,
    decode_audit_message,
    encode_audit_message,
)

__all__ = [
    "GuardianLedger",
    "ServiceClient",
    "decrypt_as_guardian",
    "decrypt_audit_as_guardian",
    "election_files_of",
]


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

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    def post(self, path: str, *, json: Any = None, content: bytes | None = None, signature: str = "") -> httpx.Response:
        headers = {"Nazaha-Signature": signature} if signature else None
        try:
            return self._check(self._http.post(path, json=json, content=content, headers=headers))
        except httpx.HTTPError as failure:
            raise RemoteError(f"cannot reach the service: {failure}") from None


def election_files_of(workspace: Path) -> dict[str, str]:
    """The public election files of a workspace, as ``POST /api/v1/elections`` takes them.

    ``eligibility.json`` declares the workspace's own record-signing key; the ballot box that
    creates the election declares its own instead (``ElectionLifecycle.create``), with which it
    signs the record it publishes."""
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
    client: ServiceClient, election_id: str, step: str, number: int, present: list[int], poll: float, deadline: float
) -> dict[str, Any]:
    while True:
        status: dict[str, Any] = _retrying(
            lambda: client.get(f"/api/v1/elections/{election_id}/decryption"), deadline
        ).json()
        if status["round"] != number:
            raise ConflictError(f"decryption round {number} was abandoned (round {status['round']} started)")
        if status["state"] == "published" or sorted(status[step]) == present:
            return status
        if time.monotonic() > deadline:
            missing = sorted(set(present) - set(status[step]))
            raise ConflictError(f"timed out waiting for guardian(s) {missing} ({step})")
        time.sleep(poll)


def _retrying(call: Callable[[], httpx.Response], deadline: float) -> httpx.Response:
    """``call``'s answer, retrying while the service cannot be reached (it may be restarting):
    every request the guardian makes can be repeated without effect."""
    delay = 0.5
    while True:
        try:
            return call()
        except RemoteError:
            if time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


class GuardianLedger:
    """The elections a guardian's key has decrypted, kept beside its key file.

    A key serves one election: a ballot of that election could be replayed into a second
    election made from the same key ceremony files (on another ballot box) and opened there. So a
    guardian refuses to decrypt for a second (service, election) with the same H_E.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            return msgspec.json.decode(self.path.read_bytes(), type=dict[str, str])
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise InputError(f"{self.path}: not a guardian ledger ({error})") from None

    def admit(self, extended_hash: str, where: str) -> None:
        """Record that this key decrypts ``where``; refuse if it already decrypted another election."""
        seen = self._read()
        previous = seen.get(extended_hash)
        if previous is not None and previous != where:
            raise ConflictError(
                f"this guardian key already took part in decrypting {previous}; an election's keys serve one "
                f"election only, so it refuses to decrypt {where} (a ballot cast in one could be opened in the other)"
            )
        if previous is None:
            seen[extended_hash] = where
            write_file_atomically(self.path, msgspec.json.encode(seen))


def decrypt_as_guardian(
    client: ServiceClient,
    election_id: str,
    key_file: bytes,
    passphrase: str,
    rng: RandomSource,
    *,
    ledger: GuardianLedger | None = None,
    poll: float = 1.0,
    timeout: float = 3600.0,
    say: Callable[[str], None] = lambda _: None,
) -> bool:
    """Take part in the current decryption round as the guardian whose sealed key is ``key_file``.

    Commits, waits for every other guardian to commit, reveals, waits again, responds; each
    message signed with the guardian's key. Requests are retried while the service restarts.
    Returns True when the decryption is complete.
    """
    deadline = time.monotonic() + timeout
    context = _context(client, election_id)
    share = open_key_share(key_file, passphrase, context.group)
    guardian = DecryptingGuardian(context, share, rng)
    if ledger is not None:
        ledger.admit(context.extended_hash.hex().upper(), f"election {election_id!r} at {client.base_url}")
    base = f"/api/v1/elections/{election_id}/decryption"
    status = _retrying(lambda: client.get(base), deadline).json()
    number, present = status["round"], sorted(status["present"])
    if guardian.index not in present:
        raise ConflictError(f"guardian {guardian.index} is not among the guardians named to decrypt ({present})")
    if status["encrypted_tally"] is None:
        raise ConflictError("the encrypted tally has not been computed yet")
    tally, _ = decode_encrypted_tally(status["encrypted_tally"].encode("utf-8"), context.group)

    def post(step: str, body: bytes) -> bool:
        signature = signed(guardian.sign, context, number, step, guardian.index, body).hex().upper()
        answer = _retrying(
            lambda: client.post(f"{base}/{step}/{guardian.index}", content=body, signature=signature), deadline
        ).json()
        return bool(answer["finished"])

    partials = guardian.commit(tally, present)
    nonce_shares = {}
    challenged = []
    for code in status["challenged"]:
        path = f"{base}/challenged/{code}"
        data = _retrying(functools.partial(client.get, path), deadline).content
        ballot = decode_ballot(data, context.group, f"challenged ballot {code}").ballot
        nonce_shares[code] = guardian.nonce_share(ballot)
        challenged.append(ballot)
    data_shares = guardian.commit_contest_data(challenged, present)
    message = CommitMessage(guardian.index, tuple(present), tuple(partials), nonce_shares, tuple(data_shares))
    post("commit", encode_commit(context.group, message))
    say(f"guardian {guardian.index}: committed; waiting for the others")
    status = _wait(client, election_id, "committed", number, present, poll, deadline)
    prefix = f"decryption/round-{number}"
    commits = [
        decode_commit(status["messages"][f"{prefix}/commit/{i}"].encode("utf-8"), context.group) for i in present
    ]
    everyone = [p for message in commits for p in message.partials]
    everyone_data = [s for message in commits for s in message.data_shares]
    revealed = encode_reveal(
        context.group, guardian.index, guardian.reveal(everyone), guardian.reveal_contest_data(everyone_data)
    )
    post("reveal", revealed)
    say(f"guardian {guardian.index}: revealed; waiting for the others")
    status = _wait(client, election_id, "revealed", number, present, poll, deadline)
    bodies = [status["messages"][f"{prefix}/reveal/{i}"].encode("utf-8") for i in present]
    reveals = [c for body in bodies for c in decode_reveal(body, context.group)[1]]
    data_reveals = [c for body in bodies for c in decode_reveal_data(body, context.group)]
    responses = guardian.respond(everyone, reveals)
    data_responses = guardian.respond_contest_data(everyone_data, data_reveals)
    finished = post("respond", encode_respond(context.group, guardian.index, responses, data_responses))
    say(f"guardian {guardian.index}: responded")
    return finished


def _audit_sampled(client: ServiceClient, base: str, deadline: float) -> tuple[set[str], dict[str, tuple[str, ...]]]:
    """The ballots the audit's published rounds sampled and each card's audited contests, every
    round drawn again from the seed (``audit_samples``): a guardian does not take the service's
    word for what it decrypts."""

    def read(name: str) -> bytes:
        try:
            return _retrying(functools.partial(client.get, f"{base}/files/{name}"), deadline).content
        except NotFoundError:
            raise ConflictError(
                f"the audit's log names audit/{name}, which the service does not have: refused"
            ) from None

    return audit_samples(read)


def _audit_status(client: ServiceClient, base: str, deadline: float) -> dict[str, Any]:
    answer: dict[str, Any] = _retrying(lambda: client.get(f"{base}/decryption"), deadline).json()
    return answer


def _wait_audit(
    client: ServiceClient, base: str, step: str, number: int, present: list[int], poll: float, deadline: float
) -> dict[str, bytes]:
    """Once every guardian of audit round ``number`` has posted ``step``: their sub-messages,
    keyed ``"<guardian>/<code>"``."""
    word = {"committed": "commit", "revealed": "reveal"}[step]
    while True:
        current = _audit_status(client, base, deadline)
        if current["round"] != number:
            raise ConflictError(f"audit decryption round {number} was abandoned (round {current['round']} started)")
        if sorted(current[step]) == present:
            found = {}
            for i in present:
                text = current["messages"][f"round-{number}/{word}/{i}"]
                _, per_ballot = decode_audit_message(text.encode("utf-8"), f"guardian {i}'s {word}")
                found.update({f"{i}/{code}": message for code, message in per_ballot.items()})
            return found
        if time.monotonic() > deadline:
            missing = sorted(set(present) - set(current[step]))
            raise ConflictError(f"timed out waiting for guardian(s) {missing} ({step})")
        time.sleep(poll)


def _audit_targets(
    client: ServiceClient, base: str, context: ElectionContext, codes: list[str], deadline: float
) -> dict[str, EncryptedTally]:
    """The one-ballot tallies of the round's ballots, each checked to be sampled and to be the
    ballot its code names, holding only its card's audited contests."""
    sampled, cards = _audit_sampled(client, base, deadline)
    documents = _retrying(lambda: client.get(f"{base}/decryption/ballots"), deadline).json()
    targets = {}
    for code in codes:
        if code not in sampled or code not in cards or code not in documents:
            raise ConflictError(f"ballot {code[:16]}… is not among the ballots the audit sampled: refused")
        ballot = ballot_of(context, str(documents[code]).encode("utf-8"), code)
        targets[code] = audited_tally(context, ballot, cards[code])
    return targets


def decrypt_audit_as_guardian(
    client: ServiceClient,
    election_id: str,
    key_file: bytes,
    passphrase: str,
    rng: RandomSource,
    *,
    ledger: GuardianLedger | None = None,
    poll: float = 1.0,
    timeout: float = 3600.0,
    say: Callable[[str], None] = lambda _: None,
) -> bool:
    """Take part in the current audit decryption round (the paper audit's sampled ballots).

    Before decrypting anything the guardian checks what it is asked to decrypt: each ballot must
    be one the audit's published rounds sampled, its confirmation code must follow from its
    encryptions (eqs. 70-71), and only the contests the audit's commitment names for its card
    are decrypted. Then commit, reveal and respond as for the tally, every message signed.
    Returns True when the round's ballots are decrypted."""
    deadline = time.monotonic() + timeout
    context = _context(client, election_id)
    group = context.group
    share = open_key_share(key_file, passphrase, group)
    signer = DecryptingGuardian(context, share, rng)
    index = signer.index
    if ledger is not None:
        ledger.admit(context.extended_hash.hex().upper(), f"election {election_id!r} at {client.base_url}")
    base = f"/api/v1/elections/{election_id}/paper-audit"
    current = _audit_status(client, base, deadline)
    number, present = current["round"], sorted(current["present"])
    if number == 0:
        raise ConflictError("no audit decryption round has been started")
    if current["finished"]:
        return True
    if index not in present:
        raise ConflictError(f"guardian {index} is not among the guardians named to decrypt ({present})")
    tallies = _audit_targets(client, base, context, list(current["ballots"]), deadline)
    guardians = {code: DecryptingGuardian(context, share, rng) for code in tallies}

    def post(step: str, per_ballot: dict[str, bytes]) -> bool:
        body = encode_audit_message(index, per_ballot)
        signature = signed(signer.sign, context, number, f"paper-audit-{step}", index, body).hex().upper()
        answer = _retrying(
            lambda: client.post(f"{base}/decryption/{step}/{index}", content=body, signature=signature), deadline
        ).json()
        return bool(answer["finished"])

    partials = {code: guardians[code].commit(tally, present) for code, tally in tallies.items()}
    post("commit", {code: encode_commit(group, commit_message(index, present, partials[code])) for code in tallies})
    say(f"guardian {index}: committed for {len(tallies)} sampled ballot(s); waiting for the others")
    commits = _wait_audit(client, base, "committed", number, present, poll, deadline)
    everyone = {
        code: [p for i in present for p in decode_commit(commits[f"{i}/{code}"], group).partials] for code in tallies
    }
    post("reveal", {code: encode_reveal(group, index, guardians[code].reveal(everyone[code])) for code in tallies})
    say(f"guardian {index}: revealed; waiting for the others")
    reveals = _wait_audit(client, base, "revealed", number, present, poll, deadline)
    responses = {}
    for code in tallies:
        commitments = [c for i in present for c in decode_reveal(reveals[f"{i}/{code}"], group)[1]]
        responses[code] = encode_respond(group, index, guardians[code].respond(everyone[code], commitments))
    finished = post("respond", responses)
    say(f"guardian {index}: responded")
    return finished
