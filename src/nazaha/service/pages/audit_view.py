"""The paper audit as the officials' dashboard and the results page show it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nazaha.errors import InputError, NazahaError
from nazaha.workflows.audit_boards import AuditBoards
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.paper_audit import PaperAudit, status_json

__all__ = ["AUDIT_ACTIONS", "audit_action", "audit_view"]

AUDIT_ACTIONS = ("audit-commit", "audit-seed", "audit-draw", "audit-decrypt", "audit-measure")

_STATE_TEXT = {
    "confirmed": "contest_confirmed",
    "escalate": "contest_escalate",
    "full hand count": "contest_full_count",
}


def audit_view(box: BallotBoxService, election_id: str, boards: object) -> dict[str, Any]:
    """What the pages show of a published election's paper audit; ``{"state": "none"}`` before
    its commitment. ``boards``: the service's audit boards, when they serve this election."""
    try:
        audit = box.paper_audit(election_id)
        if audit.read_file("commitment.json") is None:
            return {"state": "none"}
        return _view(audit, election_id, boards)
    except NazahaError as error:  # the pages still show the election; the audit says why it cannot
        return {"state": "unavailable", "error": str(error)[:200]}


def _view(audit: PaperAudit, election_id: str, boards: object) -> dict[str, Any]:
    rounds = audit.rounds()
    view: dict[str, Any] = {
        "commitment": audit.commitment_digest(),
        "risk_limit": audit.risk_limit(),
        "seed": audit.seed() if audit.read_file("seed.json") is not None else None,
        "rounds": len(rounds),
        "measured": audit.measured(),
        "sampled": len(audit.sampled()),
        "decrypted": len(audit.decrypted()),
        "read": len(audit.readings()),
        "contests": [],
        "boards": [],
        "finished": False,
    }
    if rounds:
        view["contests"] = [{**status_json(s), "text": _STATE_TEXT.get(s.state.value, "contest_in_progress")}
                            for s in audit.statuses()]  # fmt: skip
        view["pulled"] = len(audit.pull_list())
        view["finished"] = audit.finished()
        if isinstance(boards, AuditBoards) and boards.election == election_id:
            view["boards"] = [{"name": b, "read": r, "total": n} for b, r, n in boards.progress()]
    if view["finished"]:
        view["state"] = "finished"
    elif view["seed"] is None:
        view["state"] = "committed"
    elif not rounds or view["measured"] == len(rounds):
        view["state"] = "ready_to_draw"
    elif view["decrypted"] < view["sampled"]:
        view["state"] = "decrypting"
    else:
        view["state"] = "reading"
    return view


def audit_action(
    box: BallotBoxService,
    election_id: str,
    action: str,
    fields: Mapping[str, str],
    present: Sequence[int],
    contests: Sequence[str] = (),
) -> None:
    """One of the officials' audit steps from the dashboard's forms."""
    audit = box.paper_audit(election_id)
    if action == "audit-commit":
        try:
            risk_limit = float(fields.get("risk_limit", ""))
        except ValueError:
            raise InputError("risk limit: a number between 0 and 1, such as 0.05") from None
        if not contests:
            raise InputError("choose at least one contest to audit")
        every = {contest.label for _, contest in box.context(election_id).manifest.iter_contests()}
        # Every contest ticked: audit each whose outcome an audit can confirm (a tie cannot be).
        audit.commit(risk_limit=risk_limit, contests=None if set(contests) >= every else contests)
    elif action == "audit-seed":
        audit.enter_seed(fields.get("seed", "").strip(), source=fields.get("source", "dice"))
    elif action == "audit-draw":
        size = fields.get("size", "").strip()
        if size and not (size.isascii() and size.isdigit() and len(size) <= 6):
            raise InputError("draws per contest: a whole number")
        audit.draw(size=int(size) if size else None)
    elif action == "audit-decrypt":
        box.audit_decryption(election_id).start(present)
    else:
        audit.measure()
