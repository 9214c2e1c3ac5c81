"""Request helpers shared by the routes: the service object, the admin token, bounded bodies."""

from __future__ import annotations

import hmac

from fastapi import Request

from nazaha.errors import AuthorizationError, PayloadTooLarge
from nazaha.service.settings import Settings
from nazaha.workflows.ballot_box import BallotBoxService

__all__ = ["read_body", "require_admin", "service"]


def service(request: Request) -> BallotBoxService:
    box: BallotBoxService = request.app.state.service
    return box


def require_admin(request: Request) -> None:
    """Administrative actions need ``Authorization: Bearer <token>`` with the configured token."""
    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise AuthorizationError("missing administrator token (Authorization: Bearer ...)")
    if not settings.admin_token or not hmac.compare_digest(header[7:].strip(), settings.admin_token):
        raise AuthorizationError("the administrator token is not valid")


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
