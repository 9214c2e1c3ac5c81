"""Every request body is limited before it is read: an ASGI middleware around the whole service.

A body that declares (``Content-Length``) more than the limit is refused with 413 before the
application runs at all; a body sent without a length (chunked) is counted as it arrives, and the
first chunk past the limit stops the reading with 413. This covers the API, the sign-in form and
the officials' uploads alike, whatever reads the body (``read_body``, form parsing). The pages'
routes that accept uploads authenticate before they read anything (``pages/routes.py``).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nazaha.service.errors import error_response

__all__ = ["BodyLimit"]


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes, never holding more than that in memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            response = error_response(
                Request(scope),
                413,
                "payload-too-large",
                "Request body too large",
                f"the body has {declared} bytes; the limit is {self.limit}",
            )
            await response(scope, receive, send)
            return
        received = 0
        limit = self.limit

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, f"the body exceeds the limit of {limit} bytes")
            return message

        await self.app(scope, limited, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            if text.isascii() and text.isdigit():
                return int(text) if len(text) <= 18 else 10**18  # no 5,000-digit conversion
            return None
    return None
