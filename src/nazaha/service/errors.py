"""Errors become RFC 9457 problem responses here, and only here.

================================  ======  =================================
error                             status  problem type
================================  ======  =================================
RecordFormatError, bad request    400     /problems/malformed-request
EligibilityError                  403     /problems/not-eligible
AuthorizationError                401/403 /problems/unauthorized
TooManyAttempts                   429     /problems/too-many-attempts
NotFoundError, UnknownBallotError 404     /problems/not-found
ConflictError, BallotStateError   409     /problems/conflict
PayloadTooLarge, a body too long   413     /problems/payload-too-large
BallotError, ValueRangeError      422     /problems/invalid-ballot
other InputError                  400     /problems/invalid-input
ProtocolError (decryption...)     422     /problems/protocol-error
StorageError                      503     /problems/storage-unavailable
anything else                     500     /problems/internal-error
================================  ======  =================================
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from nazaha.errors import (
    AuditStateError,
    AuthorizationError,
    BallotError,
    BallotStateError,
    EligibilityError,
    InputError,
    NazahaError,
    NotFoundError,
    PayloadTooLarge,
    ProtocolError,
    RecordFormatError,
    StorageError,
    TooManyAttempts,
    UnknownBallotError,
    ValueRangeError,
)

__all__ = ["error_response", "install_error_handlers", "problem"]

logger = logging.getLogger("nazaha.service")

PROBLEM = "application/problem+json"


def problem(
    status: int, slug: str, title: str, detail: str, instance: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return JSONResponse(
        {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail, "instance": instance},
        status_code=status,
        media_type=PROBLEM,
        headers={**extra, **(headers or {})} or None,
    )


def _classify(error: NazahaError) -> tuple[int, str, str]:
    if isinstance(error, RecordFormatError):
        return 400, "malformed-request", "Malformed request"
    if isinstance(error, TooManyAttempts):
        return 429, "too-many-attempts", "Too many attempts"
    if isinstance(error, EligibilityError):
        return 403, "not-eligible", "Ballot not signed as the election requires"
    if isinstance(error, AuthorizationError):
        return (401 if "missing" in str(error) else 403), "unauthorized", "Not authorized"
    if isinstance(error, (NotFoundError, UnknownBallotError)):
        return 404, "not-found", "Not found"
    if isinstance(error, PayloadTooLarge):
        return 413, "payload-too-large", "Request body too large"
    if isinstance(error, (BallotError, ValueRangeError)):
        return 422, "invalid-ballot", "Invalid ballot"
    if isinstance(error, InputError):
        return 400, "invalid-input", "Invalid input"
    if isinstance(error, BallotStateError):
        return 409, "conflict", "Conflict with the election's state"
    if isinstance(error, AuditStateError):
        return 409, "audit-conflict", "Conflict with the paper audit's state"
    if isinstance(error, ProtocolError):
        return 422, "protocol-error", "Protocol step refused"
    if isinstance(error, StorageError):
        return 503, "storage-unavailable", "Storage unavailable"
    return 500, "internal-error", "Internal error"


def error_response(
    request: Request, status: int, slug: str, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """A problem document for the API; for a page, the same error as an HTML page."""
    render = getattr(request.app.state, "render_error", None)
    path = request.url.path
    if render is not None and not path.startswith(("/api/", "/static/")):
        response: Response = render(request, status, title, detail)
        response.headers.update(headers or {})
        return response
    return problem(status, slug, title, detail, path, headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NazahaError)
    async def _nazaha(request: Request, error: NazahaError) -> Response:
        status, slug, title = _classify(error)
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else None
        return error_response(request, status, slug, title, str(error), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        detail = f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request"
        return error_response(request, 400, "malformed-request", "Malformed request", detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        slugs = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}
        slug = slugs.get(error.status_code, "http-error")
        return error_response(request, error.status_code, slug, str(error.detail), str(error.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.error("unexpected error on %s: %s", request.url.path, type(error).__name__)
        return problem(
            500, "internal-error", "Internal error", "the service could not complete the request", request.url.path
        )
