"""The paper audit of a published election, run by the ballot box (files in its store).

Officials (the administrator's token) commit, enter the seed drawn in public, draw rounds, name
the guardians who decrypt the sampled ballots and measure each round; the audit boards enter
their readings on the audit-board pages. Guardians post their signed messages as for the tally
(``nazaha guardian decrypt --paper-audit``). Everything else is public: the audit's files, its
status and the decryption's progress, like the board.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from nazaha.errors import InputError, NotFoundError
from nazaha.service.deps import guardian_signature, read_body, require_admin, service
from nazaha.service.routes.elections import parse_json_object
from nazaha.workflows.paper_audit import SEED_SOURCES, PaperAudit, status_json
from nazaha.workflows.service_audit import AUDIT_STEPS, AuditDecryptionStatus

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/elections/{election_id}/paper-audit", tags=["paper audit"])
_FILE = re.compile(r"[a-z0-9-]{1,40}\.json|decrypted/[0-9A-F]{64}\.json")


def _summary(audit: PaperAudit) -> dict[str, Any]:
    """The audit so far (the same numbers as ``nazaha audit paper status``)."""
    if audit.read_file("commitment.json") is None:
        return {"state": "not started"}
    result: dict[str, Any] = {
        "commitment": audit.commitment_digest(),
        "risk_limit": audit.risk_limit(),
        "seed": audit.seed() if audit.read_file("seed.json") is not None else None,
        "rounds": len(audit.rounds()),
        "sampled": len(audit.sampled()),
        "decrypted": len(audit.decrypted()),
        "read": len(audit.readings()),
    }
    if audit.rounds():
        result["contests"] = [status_json(s) for s in audit.statuses()]
        result["pull_list"] = [
            {"container": i.container, "position": i.position, "paper_id": i.paper_id, "ballot": i.ballot,
             "contests": list(i.contests), "read": i.read}
            for i in audit.pull_list()
        ]  # fmt: skip
    result["finished"] = audit.finished()
    result["state"] = "finished" if result["finished"] else "in progress"
    return result


@router.get("", summary="The paper audit so far (public)")
def get_audit(election_id: str, request: Request) -> dict[str, Any]:
    return _summary(service(request).paper_audit(election_id))


@router.get("/files/{name:path}", summary="One of the audit's files as the record carries it (public)")
def get_file(election_id: str, name: str, request: Request) -> Response:
    if not _FILE.fullmatch(name):
        raise NotFoundError(f"no audit file {name[:80]!r}")
    data = service(request).paper_audit(election_id).read_file(name)
    if data is None:
        raise NotFoundError(f"the audit holds no file {name!r} yet")
    return Response(data, media_type="application/json")


def _number(doc: dict[str, Any], key: str, *, required: bool) -> Any:
    value = doc.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"body: {key!r} must be a number")
    return value


@router.post("", dependencies=[Depends(require_admin)], summary="Commit to the cards, contests and risk limit (admin)")
async def commit(election_id: str, request: Request) -> dict[str, Any]:
    """Body: ``{"risk_limit": 0.05, "contests": ["mayor"]}`` (contests optional: all)."""
    audit = await run_in_threadpool(service(request).paper_audit, election_id)  # 404 or 409 before the body
    doc = parse_json_object(await read_body(request))
    risk_limit = float(_number(doc, "risk_limit", required=True))
    contests = doc.get("contests")
    if contests is not None and (not isinstance(contests, list) or not all(isinstance(c, str) for c in contests)):
        raise InputError("body: 'contests' must be a list of contest labels")
    digest = await run_in_threadpool(lambda: audit.commit(risk_limit=risk_limit, contests=contests or None))
    return {"election": election_id, "commitment": digest}


@router.post("/seed", dependencies=[Depends(require_admin)], summary="Enter the seed drawn in public (admin)")
async def seed(election_id: str, request: Request) -> dict[str, Any]:
    """Body: ``{"seed": "83920174659201837465", "source": "dice"}`` (or ``"beacon"``)."""
    audit = await run_in_threadpool(service(request).paper_audit, election_id)
    doc = parse_json_object(await read_body(request))
    value, source = doc.get("seed"), doc.get("source", "dice")
    if not isinstance(value, str) or not isinstance(source, str) or source not in SEED_SOURCES:
        raise InputError(f"body: 'seed' must be a string of digits and 'source' one of {list(SEED_SOURCES)}")
    await run_in_threadpool(lambda: audit.enter_seed(value, source=source))
    return {"election": election_id, "seed": value, "source": source}


@router.post("/rounds", dependencies=[Depends(require_admin)], summary="Draw the next round (admin)")
async def draw(election_id: str, request: Request) -> dict[str, Any]:
    """Body: ``{}`` or ``{"size": 5}`` (round 1 only: draws per contest instead of the plan)."""
    audit = await run_in_threadpool(service(request).paper_audit, election_id)
    doc = parse_json_object(await read_body(request) or b"{}")
    size = _number(doc, "size", required=False)
    if size is not None and not isinstance(size, int):
        raise InputError("body: 'size' must be a whole number")
    drawn = await run_in_threadpool(lambda: audit.draw(size=size))
    summary = await run_in_threadpool(_summary, audit)
    return {"election": election_id, "round": drawn["round"], "draws": len(drawn["draws"]), **summary}


@router.post("/measure", dependencies=[Depends(require_admin)], summary="Measure the round (admin)")
async def measure(election_id: str, request: Request) -> dict[str, Any]:
    audit = await run_in_threadpool(service(request).paper_audit, election_id)
    await run_in_threadpool(audit.measure)
    return {"election": election_id, **await run_in_threadpool(_summary, audit)}


def _decryption(status: AuditDecryptionStatus) -> dict[str, Any]:
    return {
        "round": status.round,
        "present": status.present,
        "ballots": status.ballots,
        "committed": status.committed,
        "revealed": status.revealed,
        "responded": status.responded,
        "finished": status.finished,
        "messages": {name: data.decode("utf-8") for name, data in sorted(status.messages.items())},
    }


@router.post(
    "/decryption", dependencies=[Depends(require_admin)], summary="Name the guardians who decrypt the sampled ballots"
)
async def start_decryption(election_id: str, request: Request) -> dict[str, Any]:
    """Body: ``{"guardians": [1, 3, 5]}``; a round in progress is abandoned."""
    rounds = await run_in_threadpool(service(request).audit_decryption, election_id)
    doc = parse_json_object(await read_body(request))
    guardians = doc.get("guardians")
    if not isinstance(guardians, list) or not all(isinstance(g, int) and not isinstance(g, bool) for g in guardians):
        raise InputError("body: 'guardians' must be a list of guardian indices")
    status = await run_in_threadpool(rounds.start, guardians)
    return {"election": election_id, **_decryption(status)}


@router.get("/decryption", summary="The sampled ballots' decryption: progress and messages (public)")
def decryption_status(election_id: str, request: Request) -> dict[str, Any]:
    return {"election": election_id, **_decryption(service(request).audit_decryption(election_id).status())}


@router.get("/decryption/ballots", summary="The encrypted ballots of the current round, by confirmation code")
def decryption_ballots(election_id: str, request: Request) -> dict[str, str]:
    found = service(request).audit_decryption(election_id).ballot_documents()
    return {code: data.decode("utf-8") for code, data in found.items()}


@router.post("/decryption/{step}/{guardian}", summary="Post a guardian's signed message (header Nazaha-Signature)")
async def post(election_id: str, step: str, guardian: int, request: Request) -> dict[str, Any]:
    if step not in AUDIT_STEPS:
        raise NotFoundError(f"unknown step {step[:40]!r} (commit, reveal or respond)")
    signature = guardian_signature(request)
    rounds = await run_in_threadpool(service(request).audit_decryption, election_id)
    body = await read_body(request)
    finished = await run_in_threadpool(rounds.post, step, guardian, body, signature)
    return {"election": election_id, "guardian": guardian, "step": step, "finished": finished}
