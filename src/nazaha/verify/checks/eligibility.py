"""Check E: every counted ballot came from someone entitled to cast it.

ElectionGuard proves ballots were counted as recorded; this check proves they were recorded only
as the election's eligibility rules allow (``eligibility.json``; docs/threat-model.md):

* E.A the eligibility files in the record are the ones the board committed to when voting opened;
* E.B every credential replacement is on the board, in order, revoking a current key for a new one;
* E.C every ballot carries the credential signature its election requires, valid over H_E and its
  confirmation code (and none where the election takes no credentials);
* E.D the signing key is on the list, was added before the ballot and not revoked by then, and
  votes the ballot's style;
* E.E no credential has two ballots under the one-ballot policy; under re-voting only its last
  cast ballot counts, and ``superseded.json`` lists exactly the others;
* E.F no more ballots are counted than there are credentials;
* E.G every ballot of a device-signed election, and every chained ballot, carries its registered
  device's valid signature.

The counts per device and per precinct, to hold against the poll books, are in the check's note.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from nazaha.election.eligibility import OPEN, Eligibility, EligibilityMode, EligibilityPolicy
from nazaha.errors import RecordFormatError
from nazaha.record.eligibility import (
    CREDENTIALS,
    DEVICES,
    ELIGIBILITY,
    ELIGIBILITY_FILES,
    decode_credential_update,
    decode_credentials,
    decode_devices,
    decode_eligibility,
    eligibility_commitment,
)
from nazaha.verify.checks.board import BoardSummary
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21
from nazaha.verify.scratch import Scratch

__all__ = ["SUPERSEDED", "RecordEligibility", "check_eligibility", "load_eligibility"]

SUPERSEDED = "superseded.json"


@dataclass(slots=True)
class RecordEligibility:
    """The eligibility rules the record declares, its files' bytes, and the superseded ballots."""

    rules: Eligibility
    files: dict[str, bytes] = field(default_factory=dict)
    superseded: frozenset[str] = frozenset()


def load_eligibility(root: Path, record: Record21, findings: Findings) -> RecordEligibility:
    """Read the eligibility files; an unreadable or inconsistent one fails E.A (and the record is
    then checked as an open election, so every other check still runs)."""
    files = {name: (root / name).read_bytes() for name in ELIGIBILITY_FILES if (root / name).is_file()}
    superseded: frozenset[str] = frozenset()
    if (root / SUPERSEDED).is_file():
        try:
            superseded = frozenset(msgspec.json.decode((root / SUPERSEDED).read_bytes(), type=list[str]))
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            findings.fail("E.E", SUPERSEDED, f"cannot be read: {error}")
    if ELIGIBILITY not in files:
        if CREDENTIALS in files or DEVICES in files:
            findings.fail("E.A", ELIGIBILITY, "the record has credential or device lists but no eligibility.json")
        return RecordEligibility(OPEN, files, superseded)
    try:
        credentials = decode_credentials(files[CREDENTIALS]) if CREDENTIALS in files else None
        devices = decode_devices(files[DEVICES]) if DEVICES in files else ()
        rules = decode_eligibility(files[ELIGIBILITY], credentials, devices)
    except RecordFormatError as error:
        findings.fail("E.A", ELIGIBILITY, f"the eligibility files cannot be read: {error}")
        return RecordEligibility(OPEN, files, superseded)
    if credentials is not None and credentials.election_id != record.manifest.election_id:
        findings.fail(
            "E.A",
            CREDENTIALS,
            f"issued for election {credentials.election_id!r}, not this manifest's {record.manifest.election_id!r}",
        )
    return RecordEligibility(rules, files, superseded)


def check_eligibility(
    root: Path, declared: RecordEligibility, board: BoardSummary, scratch: Scratch, findings: Findings
) -> str:
    """Check E (module docstring) once the ballots and the board are in ``scratch``; the note."""
    rules = declared.rules
    findings.count("E")
    if rules.mode is EligibilityMode.OPEN:
        findings.warn(
            "open-election",
            "the election",
            "declared no eligibility rules: anyone who could reach the ballot box could submit ballots, and nothing "
            "in the record ties them to voters or to registered devices (only chained ballots are device-signed)",
        )
    if board.opened is None:
        findings.fail("E.A", "board.json", "voting was never opened on the board, so nothing commits to who may vote")
    elif board.opened != eligibility_commitment(declared.files):
        findings.fail(
            "E.A", "board.json", "the eligibility files differ from those committed when voting opened (a list swapped)"
        )
    if rules.credentials is not None:
        for key in rules.credentials.keys:
            scratch.add_credential_key(key.key.hex().upper(), key.style, 0)
    _check_updates(root, board, scratch, findings)
    by_credential: dict[str, list[tuple[str, str]]] = {}
    devices: Counter[str] = Counter()
    precincts: Counter[str] = Counter()
    precinct_of = {device.device: device.precinct for device in rules.devices}
    counted = 0
    for code, state, style, device, credential, c_sig, d_sig, chained, position in scratch.signers_in_board_order():
        subject = f"ballot {code[:16]}…"
        findings.count("E")
        _check_credential(rules, scratch, subject, style, credential, c_sig, position or 0, findings)
        _check_device(rules, subject, device, d_sig, chained, findings)
        if credential:
            by_credential.setdefault(credential, []).append((code, state))
        if state == "cast" and code not in declared.superseded:
            counted += 1
            devices[device] += 1
            precincts[precinct_of.get(device, "(unregistered)")] += 1
    _check_one_per_credential(rules, declared.superseded, by_credential, findings)
    keys = scratch.count_credential_keys()
    if rules.mode.needs_credential and counted > keys:
        findings.fail("E.F", "the record", f"{counted} ballots counted, but only {keys} credentials exist")
    parts = [f"mode {rules.mode.value}, policy {rules.policy.value}"]
    if rules.mode.needs_credential:
        parts.append(f"{len(by_credential)} of {keys} credentials voted")
    parts.append("counted ballots per device: " + ", ".join(f"{d} {n}" for d, n in sorted(devices.items())))
    if rules.devices:
        parts.append("per precinct: " + ", ".join(f"{p} {n}" for p, n in sorted(precincts.items())))
    return "; ".join(parts)


def _check_updates(root: Path, board: BoardSummary, scratch: Scratch, findings: Findings) -> None:
    for number, (position, code) in enumerate(board.updates, start=1):
        name = f"credentials/update-{number}.json"
        path = root / name
        if not path.is_file():
            findings.fail("E.B", name, f"the board replaces a credential at entry {position}, but the file is missing")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest().upper() != code:
            findings.fail("E.B", name, f"is not the update that board entry {position} names")
            continue
        try:
            update = decode_credential_update(data, name)
        except RecordFormatError as error:
            findings.fail("E.B", name, f"cannot be read: {error}")
            continue
        revoked = update.revoked.hex().upper()
        listed = scratch.credential_key(revoked)
        if listed is None or not scratch.revoke_credential_key(revoked, position):
            findings.fail("E.B", name, "revokes a key that is not a current credential")
            continue
        if listed[0] != update.added.style:
            findings.fail("E.B", name, "the new credential does not keep the ballot style of the one it replaces")
        if not scratch.add_credential_key(update.added.key.hex().upper(), update.added.style, position):
            findings.fail("E.B", name, "adds a key that is already on the list")
    extra = root / "credentials" / f"update-{len(board.updates) + 1}.json"
    if extra.exists():
        findings.fail("E.B", str(extra.relative_to(root)), "a credential update the board does not show")


def _check_credential(
    rules: Eligibility,
    scratch: Scratch,
    subject: str,
    style: str,
    credential: str,
    signature: str,
    position: int,
    findings: Findings,
) -> None:
    if not rules.mode.needs_credential:
        if credential or signature:
            findings.fail(
                "E.C", subject, f"carries a credential signature in an election ({rules.mode.value}) that takes none"
            )
        return
    if signature != "valid":
        findings.fail(
            "E.C",
            subject,
            "carries no credential signature" if not signature else "its credential signature is not valid",
        )
        return
    listed = scratch.credential_key(credential)
    if listed is None:
        findings.fail("E.D", subject, f"is signed by key {credential[:16]}…, which is not on the credential list")
        return
    key_style, added, revoked = listed
    if added > position:
        findings.fail("E.D", subject, "is signed by a credential before the board added it")
    if revoked is not None and revoked <= position:
        findings.fail("E.D", subject, "is signed by a credential revoked before the ballot was received")
    if key_style and key_style != style:
        findings.fail("E.D", subject, f"is of style {style!r}, but its credential votes style {key_style!r}")


def _check_device(
    rules: Eligibility, subject: str, device: str, signature: str, chained: bool, findings: Findings
) -> None:
    needed = rules.mode.needs_device or chained
    if not needed and not signature:
        return
    if signature == "valid":
        return
    if signature == "unregistered" or (not signature and rules.device(device) is None):
        why = "it continues a device chain" if chained and not rules.mode.needs_device else "the election needs it"
        findings.fail("E.G", subject, f"device {device[:60]!r} is not registered, and {why}")
    elif not signature:
        findings.fail("E.G", subject, f"carries no signature of its device {device[:60]!r}")
    else:
        findings.fail("E.G", subject, f"the signature of its device {device[:60]!r} is not valid")


def _check_one_per_credential(
    rules: Eligibility,
    superseded: frozenset[str],
    by_credential: dict[str, list[tuple[str, str]]],
    findings: Findings,
) -> None:
    expected: set[str] = set()
    for credential, ballots in by_credential.items():
        if rules.policy is EligibilityPolicy.ONE_BALLOT and len(ballots) > 1:
            findings.fail(
                "E.E", f"credential {credential[:16]}…", f"has {len(ballots)} ballots under the one-ballot policy"
            )
        if rules.policy is EligibilityPolicy.REVOTE:
            cast = [code for code, state in ballots if state == "cast"]
            expected.update(cast[:-1])
    if rules.policy is EligibilityPolicy.REVOTE and rules.mode is not EligibilityMode.OPEN:
        if expected != set(superseded):
            missing, extra = sorted(expected - superseded), sorted(superseded - expected)
            findings.fail(
                "E.E",
                SUPERSEDED,
                f"must list the cast ballots a later ballot of their credential replaced; missing {len(missing)}, "
                f"listed wrongly {len(extra)}",
            )
    elif superseded:
        findings.fail("E.E", SUPERSEDED, "lists replaced ballots, but the election does not allow re-voting")
