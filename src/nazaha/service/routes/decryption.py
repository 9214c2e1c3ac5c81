"""Decryption: the administrator names the guardians present; each guardian posts its messages.

Guardians compute on their own machines (``nazaha guardian decrypt``); only public values
(M_i, d_i, (a_i, b_i), v_i, m_i) ever reach the service.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from nazaha.errors import InputError, NotFoundError
from nazaha.service.deps import read_body, require_admin, service
from nazaha.service.routes.elections import parse_json_object
from nazaha.workflows.lifecycle import ROUNDS

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
    present = await run_in_threadpool(service(request).start_decryption, election_id, guardians)
    return {"election": election_id, "present": present}


@router.get("", dependencies=[Depends(require_admin)], summary="The decryption's progress and messages")
def status(election_id: str, request: Request) -> dict[str, Any]:
    box = service(request)
    state = box.decryption_status(election_id)
    tally = box.encrypted_tally_document(election_id)
    return {
        "election": election_id,
        "state": box.election(election_id).state.value,
        "present": state.present,
        "committed": state.committed,
        "revealed": state.revealed,
        "responded": state.responded,
        "encrypted_tally": tally.decode("utf-8") if tally else None,
        "challenged": box.challenged_codes(election_id),
        "messages": {name: data.decode("utf-8") for name, data in sorted(state.messages.items())},
    }


@router.get("/challenged/{code}", dependencies=[Depends(require_admin)], summary="A challenged ballot to decrypt")
def challenged_ballot(election_id: str, code: str, request: Request) -> Response:
    return Response(service(request).challenged_ballot(election_id, code), media_type="application/json")


@router.post("/{round_}/{guardian}", dependencies=[Depends(require_admin)], summary="Post a guardian's message")
async def post(election_id: str, round_: str, guardian: int, request: Request) -> dict[str, Any]:
    if round_ not in ROUNDS:
        raise NotFoundError(f"unknown round {round_[:40]!r} (commit, reveal or respond)")
    body = await read_body(request)
    finished = await run_in_threadpool(service(request).post_message, election_id, round_, guardian, body)
    return {"election": election_id, "guardian": guardian, "round": round_, "finished": finished}
