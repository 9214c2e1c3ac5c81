"""One record, two proofs: the paper audit of an E2E record, verified, and tampered with.

The record is the standard-group demonstration (``standard_record``); its paper audit runs two
rounds with one planted discrepancy, then ``verify_record21`` checks the record and the audit.
Each tamper test changes one thing (rewriting the audit log so that it stays a valid chain, as a
forger would) and asserts the named check that catches it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nazaha.crypto.nonces import SeededRandom
from nazaha.record.paper_audit import AUDIT_DIR, LOG, encode_audit_doc, entry_hash, file_digest, record_anchor
from nazaha.verify.runner import verify_record21
from nazaha.workflows.demo import DemoResult
from nazaha.workflows.demo_audit import AuditDemo, run_audit_demo
from tests.support.verifying import verify_both

SEED = "31415926535897932384626"


@pytest.fixture(scope="module")
def audited(standard_record: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> AuditDemo:
    target = tmp_path_factory.mktemp("paper-audit") / "record"
    shutil.copytree(standard_record.record, target)
    result = dataclasses.replace(standard_record, record=target)
    return run_audit_demo(result, seed=SEED, rng=SeededRandom("paper-audit"), risk_limit=0.1, first_round=2)


def _failures(root: Path) -> dict[str, list[str]]:
    report = verify_both(root)
    return {r.check.number: [f.label for f in r.failures] for r in report.results if r.failures}


def test_the_audited_record_verifies_with_its_paper_audit(audited: AuditDemo) -> None:
    report = verify_record21(audited.audit.record)
    results = {r.check.number: r for r in report.results}
    assert not [r for r in report.results if r.failures]
    assert results["A"].items > 0 and not results["A"].not_applicable
    assert len(audited.rounds) >= 2, "the planted discrepancy escalates the audit to a second round"
    assert audited.planted
    # the guardians decrypted exactly the sampled ballots, nothing else
    assert set(audited.audit.decrypted()) == set(audited.audit.sampled())
    assert audited.decrypted == len(audited.audit.sampled())
    results_docs = sorted((audited.audit.record / AUDIT_DIR).glob("result-*.json"))
    first = json.loads(results_docs[0].read_bytes())
    assert [d["ballot"] for d in first["discrepancies"]] == audited.planted[:1]


def test_contests_not_audited_stay_encrypted(audited: AuditDemo) -> None:
    folder = audited.audit.record / AUDIT_DIR / "decrypted"
    docs = [json.loads(path.read_bytes()) for path in folder.glob("*.json")]
    audited_contests = {c["id"] for c in json.loads((folder.parent / "commitment.json").read_bytes())["contests"]}
    assert docs
    for doc in docs:
        assert {c["label"] for c in doc["contests"]} <= audited_contests
        assert all(c["label"] not in audited_contests for c in doc["undisclosed"])
    assert any(doc["undisclosed"] for doc in docs), "the tied contest is not audited and stays encrypted"


def _relog(root: Path) -> None:
    """Rewrite the audit log over the files as they are now: a forger's consistent chain."""
    folder = root / AUDIT_DIR
    doc = json.loads((folder / LOG).read_bytes())
    previous = record_anchor(root)
    for entry in doc["entries"]:
        entry["sha256"] = file_digest((folder / entry["file"]).read_bytes())
        entry["previous"] = previous
        entry["hash"] = entry_hash(entry)
        previous = entry["hash"]
    (folder / LOG).write_bytes(encode_audit_doc(doc))


def _edit(root: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / AUDIT_DIR / name
    doc = json.loads(path.read_bytes())
    change(doc)
    path.write_bytes(encode_audit_doc(doc))


def change_seed(root: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["seed"] = doc["seed"][:-1] + ("1" if doc["seed"][-1] != "1" else "2")

    _edit(root, "seed.json", edit)
    _relog(root)


def swap_sampled_card(root: Path) -> None:
    cards = json.loads((root / AUDIT_DIR / "commitment.json").read_bytes())["cards"]

    def edit(doc: dict[str, Any]) -> None:
        drawn = {d["ballot"] for d in doc["draws"]}
        doc["draws"][0]["ballot"] = next(c["ballot"] for c in cards if c["ballot"] not in drawn)

    _edit(root, "round-1.json", edit)
    _relog(root)


def alter_decryption(root: Path) -> None:
    name = sorted(p.name for p in (root / AUDIT_DIR / "decrypted").glob("*.json"))[0]

    def edit(doc: dict[str, Any]) -> None:
        option = doc["contests"][0]["options"][0]
        option["value"] = 1 - option["value"]

    _edit(root, f"decrypted/{name}", edit)
    _relog(root)


def remove_decryption(root: Path) -> None:
    """A sampled ballot's decryption is taken out of the audit (and of its log)."""
    folder = root / AUDIT_DIR
    name = "decrypted/" + sorted(p.name for p in (folder / "decrypted").glob("*.json"))[0]
    (folder / name).unlink()
    doc = json.loads((folder / LOG).read_bytes())
    doc["entries"] = [entry for entry in doc["entries"] if entry["file"] != name]
    for position, entry in enumerate(doc["entries"]):
        entry["position"] = position
    (folder / LOG).write_bytes(encode_audit_doc(doc))
    _relog(root)


def alter_reading(root: Path) -> None:
    """Change a reading after entry, leaving the log alone: its digest no longer matches."""

    def edit(doc: dict[str, Any]) -> None:
        doc["cards"][0]["outcome"] = "not found"
        doc["cards"][0].pop("marks", None)

    _edit(root, "readings-1-1.json", edit)


def alter_reading_and_log(root: Path) -> None:
    alter_reading(root)
    _relog(root)


def lower_reported_risk(root: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["contests"][0]["risk"] = doc["contests"][0]["risk"] / 10

    _edit(root, "result-1.json", edit)
    _relog(root)


def change_ballot_list(root: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        first, second = doc["cards"][0], doc["cards"][1]
        first["ballot"], second["ballot"] = second["ballot"], first["ballot"]

    _edit(root, "commitment.json", edit)
    _relog(root)


def drop_the_seeds_commitment(root: Path) -> None:
    """The seed no longer names the commitment it followed (entered before it was published)."""

    def edit(doc: dict[str, Any]) -> None:
        doc["commitment"] = "0" * 64

    _edit(root, "seed.json", edit)
    _relog(root)


MUTATIONS: list[tuple[Callable[[Path], None], str]] = [
    (change_seed, "A.4"),
    (drop_the_seeds_commitment, "A.3"),
    (swap_sampled_card, "A.4"),
    (alter_decryption, "A.5"),
    (remove_decryption, "A.5"),
    (alter_reading, "A.1"),
    (alter_reading_and_log, "A.6"),
    (lower_reported_risk, "A.7"),
    (change_ballot_list, "A.2"),
]


@pytest.mark.parametrize(("mutate", "label"), MUTATIONS, ids=[m.__name__ for m, _ in MUTATIONS])
def test_a_tampered_audit_fails_its_named_check(
    audited: AuditDemo, tmp_path: Path, mutate: Callable[[Path], None], label: str
) -> None:
    root = tmp_path / "record"
    shutil.copytree(audited.audit.record, root)
    mutate(root)
    failures = _failures(root)
    assert label in failures.get("A", []), failures
    assert set(failures) == {"A"}, "only the paper audit's check fails: the election record is untouched"


def test_audit_boards_sign_in_with_their_passcode_and_two_members(audited: AuditDemo) -> None:
    from nazaha.errors import AuthorizationError, InputError
    from nazaha.workflows.audit_boards import AuditBoards

    now = [0.0]
    boards = AuditBoards(audited.audit, {"Board 1": "board one passcode"}, lifetime=60, clock=lambda: now[0])
    assert "passcode" not in repr(boards)
    with pytest.raises(AuthorizationError):
        boards.sign_in("Board 1", "wrong passcode", ["A", "B"])
    with pytest.raises(AuthorizationError):
        boards.sign_in("Board 9", "board one passcode", ["A", "B"])
    with pytest.raises(InputError):
        boards.sign_in("Board 1", "board one passcode", ["A", "A"])
    token = boards.sign_in("Board 1", "board one passcode", ["A", "B"])
    session = boards.session(token)
    with pytest.raises(AuthorizationError, match="stale"):
        boards.enter(token, "not the form token", "X", "read", {}, ["A", "B"])
    with pytest.raises(InputError, match="both members"):
        boards.enter(token, session.form_token, "X", "read", {}, ["A"])
    with pytest.raises(InputError, match="not the next one"):
        boards.enter(token, session.form_token, "X", "read", {}, ["A", "B"])  # every card is read
    now[0] = 61
    with pytest.raises(AuthorizationError):
        boards.session(token)
    with pytest.raises(InputError):
        AuditBoards(audited.audit, {"Board 1": "short"})
