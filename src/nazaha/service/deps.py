"""Request helpers shared by the routes: the service object, the admin token, bounded bodies."""

from __future__ import annotations

import re

from fastapi import Request

from nazaha.errors import AuthorizationError, PayloadTooLarge
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.officials import OfficialSessions

__all__ = ["client_address", "officials", "read_body", "require_admin", "service"]


def service(request: Request) -> BallotBoxService:
    box: BallotBoxService = request.app.state.service
    return box


def officials(request: Request) -> OfficialSessions:
    sessions: OfficialSessions = request.app.state.officials
    return sessions


def client_address(request: Request) -> str:
    """Whom to throttle: the peer's address (behind a proxy, the proxy's: see docs/api.md)."""
    return request.client.host[:200] if request.client else "unknown"


def require_admin(request: Request) -> None:
    """Administrative actions need ``Authorization: Bearer <token>`` with the configured token;
    wrong tokens count towards the client's sign-in throttling."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() != "bearer ":
        raise AuthorizationError("missing administrator token (Authorization: Bearer ...)")
    officials(request).check_token(header[7:].strip(), client_address(request))


async def read_body(request: Request) -> bytes:
    """The request body, refusing more than the configured limit without reading it all."""
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body has {declared} bytes; the limit is {limit}")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def guardian_signature(request: Request) -> bytes:
    """The Ed25519 signature a guardian's message carries (header ``Nazaha-Signature``, hex)."""
    header = request.headers.get("nazaha-signature", "")
    if not re.fullmatch(r"[0-9A-Fa-f]{128}", header):
        raise AuthorizationError("missing guardian signature (header Nazaha-Signature: 128 hex digits)")
    return bytes.fromhex(header)
