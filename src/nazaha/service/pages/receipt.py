"""The receipt card's QR code: ``/{lang}/elections/{id}/ballots/{code}/qr.svg``.

The booth shows it on the receipt it prints: a phone's camera opens the bulletin board at the
ballot's confirmation code. Drawn here with segno (no QR library in the booth's scripts); it holds
only public values, the service's own address and the code, which the board shows to anyone.
"""

from __future__ import annotations

import io
import re

import segno
from fastapi import APIRouter, Request
from fastapi.responses import Response

from nazaha.errors import InputError, NotFoundError
from nazaha.service.deps import service
from nazaha.service.pages.i18n import LANGUAGES

__all__ = ["board_link", "router"]

router = APIRouter(include_in_schema=False)

_CODE = re.compile(r"[0-9A-Fa-f]{64}")
_HEADERS = {
    # An SVG opened on its own is a document: it may load and run nothing.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=86400",
}


def board_link(base_url: str, lang: str, election_id: str, code: str) -> str:
    """The bulletin board's page for one confirmation code, as an absolute address."""
    return f"{base_url.rstrip('/')}/{lang}/elections/{election_id}/board?code={code}"


@router.get("/{lang}/elections/{election_id}/ballots/{code}/qr.svg")
def receipt_qr(request: Request, lang: str, election_id: str, code: str) -> Response:
    if lang not in LANGUAGES:
        raise NotFoundError(f"no pages in language {lang[:20]!r} (ar or en)")
    if not code.isascii() or not _CODE.fullmatch(code):
        raise InputError("a confirmation code is 64 hexadecimal digits")
    row = service(request).election(election_id)
    buffer = io.BytesIO()
    link = board_link(str(request.base_url), lang, row.id, code.upper())
    segno.make(link, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, scale=4, border=4, light="#fff")
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers=_HEADERS)
