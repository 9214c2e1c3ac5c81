"""Eligibility: the election's rules, a voter's own ballots by credential key, and replacing a
lost credential (the credential authority's update, posted by the administrator)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from nazaha.service.deps import read_body, require_admin, service

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/elections/{election_id}", tags=["eligibility"])


@router.get("/eligibility", summary="Who may submit ballots: mode, policy, the credential list's size and hash")
def eligibility(election_id: str, request: Request) -> dict[str, Any]:
    return {"election": election_id, **service(request).eligibility_summary(election_id)}


@router.get("/credentials/{key}/ballots", summary="The ballots signed by a credential's public key")
def ballots_of_credential(election_id: str, key: str, request: Request) -> dict[str, Any]:
    """A voter looks up their own credential's public key: a ballot there they never cast means
    the box was abused."""
    views = service(request).ballots_of_credential(election_id, key)
    return {
        "election": election_id,
        "credential": key.strip().upper(),
        "ballots": [
            {"confirmation_code": v.code, "state": v.state, "received_at": v.received_at, "device": v.device}
            for v in views
        ],
    }


@router.post(
    "/credentials/updates",
    dependencies=[Depends(require_admin)],
    summary="Replace a lost credential: the authority's update document (admin)",
)
async def replace_credential(election_id: str, request: Request) -> dict[str, Any]:
    body = await read_body(request)
    entry = await run_in_threadpool(service(request).replace_credential, election_id, body)
    return {"election": election_id, "entry": entry.as_dict()}
