"""Decryption: the administrator starts a round with the guardians present; each guardian posts
its messages, signed with its own key.

Guardians compute on their own machines (``nazaha guardian decrypt``); only public values
(M_i, d_i, (a_i, b_i), v_i, m_i) ever reach the service. A guardian's message is authenticated
by its Ed25519 signature (header ``Nazaha-Signature``, hex) with the key declared in the
guardian's public record entry, not by the administrator's token: nobody, the administrator
included, can post in a guardian's name. Reading the progress is public, like the board.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from nazaha.errors import InputError, NotFoundError
from nazaha.service.deps import guardian_signature, read_body, require_admin, service
from nazaha.service.routes.elections import parse_json_object
from nazaha.workflows.decryption import STEPS

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/elections/{election_id}/decryption", tags=["decryption"])


@router.post(
    "", dependencies=[Depends(require_admin)], summary="Start the decryption with the guardians present (admin)"
)
async def start(election_id: str, request: Request) -> dict[str, Any]:
    doc = parse_json_object(await read_body(request))
    guardians = doc.get("guardians")
    if not isinstance(guardians, list) or not all(isinstance(g, int) and not isinstance(g, bool) for g in guardians):
        raise InputError("body: 'guardians' must be a list of guardian indices")
    abandon = doc.get("abandon", False)
    if not isinstance(abandon, bool):
        raise InputError("body: 'abandon' must be true or false")
    box = service(request)
    number = await run_in_threadpool(lambda: box.start_decryption(election_id, guardians, abandon=abandon))
    return {"election": election_id, "round": number, "present": sorted(guardians)}


@router.get("", summary="The decryption's progress and messages (the current round)")
def status(election_id: str, request: Request) -> dict[str, Any]:
    box = service(request)
    state = box.decryption_status(election_id)
    tally = box.encrypted_tally_document(election_id)
    return {
        "election": election_id,
        "state": box.election(election_id).state.value,
        "round": state.round,
        "present": state.present,
        "committed": state.committed,
        "revealed": state.revealed,
        "responded": state.responded,
        "encrypted_tally": tally.decode("utf-8") if tally else None,
        "challenged": box.challenged_codes(election_id),
        "messages": {name: data.decode("utf-8") for name, data in sorted(state.messages.items())},
    }


@router.get("/challenged/{code}", summary="A challenged ballot to decrypt")
def challenged_ballot(election_id: str, code: str, request: Request) -> Response:
    return Response(service(request).challenged_ballot(election_id, code), media_type="application/json")


@router.post("/{step}/{guardian}", summary="Post a guardian's signed message (header Nazaha-Signature)")
async def post(election_id: str, step: str, guardian: int, request: Request) -> dict[str, Any]:
    if step not in STEPS:
        raise NotFoundError(f"unknown step {step[:40]!r} (commit, reveal or respond)")
    signature = guardian_signature(request)
    body = await read_body(request)
    finished = await run_in_threadpool(service(request).post_message, election_id, step, guardian, body, signature)
    return {"election": election_id, "guardian": guardian, "step": step, "finished": finished}
