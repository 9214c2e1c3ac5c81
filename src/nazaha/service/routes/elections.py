"""Elections: create (admin), read, open and close voting (admin), tally, record."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from nazaha.errors import InputError, NotFoundError, RecordFormatError
from nazaha.service.deps import read_body, require_admin, service
from nazaha.voting.ballot_box import ElectionState
from nazaha.workflows.ballot_box import BallotBoxService, ElectionView
from nazaha.workflows.booth import booth_context

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/elections", tags=["elections"])


class _CreateDoc(msgspec.Struct, forbid_unknown_fields=True):
    files: dict[str, str]
    id: str | None = None


def summary(box: BallotBoxService, row: ElectionView) -> dict[str, Any]:
    context = row.context
    return {
        "id": row.id,
        "label": row.label,
        "state": row.state.value,
        "created_at": row.created_at,
        "guardians": context.parameters.guardians,
        "quorum": context.parameters.quorum,
        "extended_hash": context.extended_hash.hex().upper(),
        "board": {"length": row.board_length, "head": row.board_head},
        "receipt_public_key": box.public_key,
    }


@router.post("", status_code=201, dependencies=[Depends(require_admin)], summary="Create an election (admin)")
async def create_election(request: Request) -> JSONResponse:
    """Body: ``{"id": optional, "files": {"parameters.json": "...", "manifest.json": "...", ...}}``,
    the public files a key ceremony writes (``nazaha ceremony``, folder ``election/``)."""
    body = await read_body(request)
    try:
        doc = msgspec.json.decode(body, type=_CreateDoc, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise RecordFormatError("body", str(error)) from None
    box = service(request)
    files = {name: text.encode("utf-8") for name, text in doc.files.items()}
    row = await run_in_threadpool(box.create_election, files, doc.id)
    return JSONResponse(summary(box, row), status_code=201)


@router.get("", summary="List elections")
def list_elections(request: Request) -> list[dict[str, Any]]:
    box = service(request)
    return [summary(box, row) for row in box.elections()]


@router.get("/{election_id}", summary="An election's state and keys")
def get_election(election_id: str, request: Request) -> dict[str, Any]:
    box = service(request)
    return summary(box, box.election(election_id))


@router.get("/{election_id}/booth", summary="What a voter's browser needs to encrypt a ballot")
def get_booth(election_id: str, request: Request) -> dict[str, Any]:
    """The group, H_E, K, K-hat and the contests with their limits (``static/js/electionguard.js``)."""
    return booth_context(service(request).context(election_id))


@router.get("/{election_id}/files/{name:path}", summary="A public election file (manifest, parameters, keys)")
def get_file(election_id: str, name: str, request: Request) -> Response:
    return Response(service(request).election_file(election_id, name), media_type="application/json")


@router.post("/{election_id}/open", dependencies=[Depends(require_admin)], summary="Open voting (admin)")
def open_voting(election_id: str, request: Request) -> dict[str, Any]:
    box = service(request)
    return summary(box, box.open_voting(election_id))


@router.post("/{election_id}/close", dependencies=[Depends(require_admin)], summary="Close voting (admin)")
def close_voting(election_id: str, request: Request) -> dict[str, Any]:
    box = service(request)
    appended = box.close_voting(election_id)
    result = summary(box, box.election(election_id))
    result["challenged_at_close"] = [e.code for e in appended if e.code]
    return result


@router.post(
    "/{election_id}/tally", dependencies=[Depends(require_admin)], summary="Compute the encrypted tally (admin)"
)
def tally(election_id: str, request: Request) -> dict[str, Any]:
    box = service(request)
    result = box.tally(election_id)
    return {"election": election_id, "cast_ballots": result.cast_ballots, "state": ElectionState.DECRYPTING.value}


@router.get("/{election_id}/tally", summary="The decrypted tally, once published")
def get_tally(election_id: str, request: Request) -> Response:
    data = service(request).decrypted_tally_document(election_id)
    if data is None:
        raise NotFoundError(f"election {election_id!r} has no published tally yet")
    return Response(data, media_type="application/json")


@router.get("/{election_id}/record", summary="Download the election record (zip)")
def get_record(election_id: str, request: Request) -> Response:
    data = service(request).record_zip(election_id)
    headers = {"Content-Disposition": f'attachment; filename="{election_id}-record.zip"'}
    return Response(data, media_type="application/zip", headers=headers)


def parse_json_object(body: bytes) -> dict[str, Any]:
    """A small JSON object from a request body: nesting too deep for the parser (RecursionError)
    and integers too long to convert (ValueError) are malformed requests like any other."""
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RecordFormatError("body", f"not valid JSON ({error})") from None
    except RecursionError:
        raise RecordFormatError("body", "the JSON is nested too deeply") from None
    except ValueError as error:
        raise RecordFormatError("body", f"not acceptable JSON ({str(error)[:80]})") from None
    if not isinstance(value, dict):
        raise InputError("body: expected a JSON object")
    return value
