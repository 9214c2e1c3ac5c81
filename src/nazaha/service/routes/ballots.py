"""Ballots: submit (verified at the door), cast or challenge, look up; the bulletin board."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import msgspec
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from nazaha.election.ballot import BallotState
from nazaha.errors import InputError
from nazaha.service.deps import read_body, service
from nazaha.service.routes.elections import parse_json_object

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/elections/{election_id}", tags=["ballots"])

_BALLOT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "An encrypted ballot in the record format (nazaha-record/1) with state 'pending'; "
                    "see docs/record-format.md.",
                }
            },
            "application/octet-stream": {
                "schema": {
                    "type": "string",
                    "format": "binary",
                    "description": "The same ballot in the NZB1 envelope with its proofs' commitments (the voting "
                    "device's proof hints), checked in one batch at the door; see docs/record-format.md.",
                }
            },
        },
    }
}


@router.post("/ballots", summary="Submit an encrypted ballot", openapi_extra=_BALLOT_BODY)
async def submit_ballot(election_id: str, request: Request) -> JSONResponse:
    """Every proof, the confirmation code, the ballot style and the device's chain are checked
    before the ballot is stored. Submitting the very same ballot again returns the same receipt."""
    body = await read_body(request)
    receipt, created = await run_in_threadpool(service(request).submit, election_id, body)
    return JSONResponse(asdict(receipt), status_code=201 if created else 200)


async def _decide(election_id: str, code: str, request: Request, state: BallotState) -> dict[str, Any]:
    doc = parse_json_object(await read_body(request))
    token = doc.get("token")
    if not isinstance(token, str):
        raise InputError("body: 'token' (the decision token from the receipt) is required")
    decided = await run_in_threadpool(service(request).decide, election_id, code, state, token)
    return {
        "election": election_id,
        "confirmation_code": decided.code,
        "state": state.value,
        "entry": decided.as_dict(),
    }


@router.post("/ballots/{code}/cast", summary="Cast a ballot (with its decision token)")
async def cast_ballot(election_id: str, code: str, request: Request) -> dict[str, Any]:
    return await _decide(election_id, code, request, BallotState.CAST)


@router.post("/ballots/{code}/challenge", summary="Challenge a ballot (with its decision token)")
async def challenge_ballot(election_id: str, code: str, request: Request) -> dict[str, Any]:
    return await _decide(election_id, code, request, BallotState.CHALLENGED)


@router.get("/ballots/{code}", summary="Look a ballot up by its confirmation code")
def get_ballot(election_id: str, code: str, request: Request) -> dict[str, Any]:
    view = service(request).lookup(election_id, code)
    return {
        "election": election_id,
        "confirmation_code": view.code,
        "state": view.state,
        "device": view.device,
        "received_at": view.received_at,
        "entries": [e.as_dict() for e in view.entries],
    }


@router.get("/ballots/{code}/document", summary="A challenged ballot's encrypted document (for the checker)")
def challenged_document(election_id: str, code: str, request: Request) -> Response:
    return Response(service(request).challenged_document(election_id, code), media_type="application/json")


@router.get("/ballots/{code}/opening", summary="A challenged ballot as the guardians opened it (after the count)")
def challenged_opening(election_id: str, code: str, request: Request) -> Response:
    """The record's ``challenged/<code>.json`` (``opened``: true) or ``unopened/<code>.json``
    (false: the guardians' nonce does not open the ballot), byte for byte under ``document``;
    404 before the decryption, and for a ballot that is not challenged."""
    name, data = service(request).challenged_opening(election_id, code)
    body = {
        "election": election_id,
        "confirmation_code": name.split("/")[1].removesuffix(".json"),
        "opened": name.startswith("challenged/"),
        "file": name,
        "document": msgspec.Raw(data),
    }
    return Response(msgspec.json.encode(body), media_type="application/json")


@router.get("/board", summary="A page of the bulletin board, with its head hash")
def get_board(
    election_id: str,
    request: Request,
    offset: int = Query(0, ge=0, le=2**31 - 1, description="Entries after this position"),
    limit: int = Query(100, ge=1, le=500),
) -> dict[str, Any]:
    election, entries = service(request).board(election_id, offset, limit)
    return {
        "election": election_id,
        "head": election.board_head,
        "length": election.board_length,
        "entries": [e.as_dict() for e in entries],
    }
