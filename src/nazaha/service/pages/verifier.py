"""The browser verifier's routes: the page at ``/{lang}/verify`` and its offline download.

The page itself (``nazaha.verify.browser.page``) belongs to the verifier; the service only
serves it, with the Content-Security-Policy it comes with.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from nazaha.verify.browser.page import render_verifier_page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy + "; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


@router.get("/{lang}/verify", response_class=HTMLResponse)
def verify_page(lang: str) -> HTMLResponse:
    page, policy = render_verifier_page(lang, offline=False, home=f"/{lang}/")
    return HTMLResponse(page, headers=_headers(policy))


@router.get("/{lang}/verify/verifier.html")
def verify_page_download(lang: str) -> Response:
    page, policy = render_verifier_page(lang, offline=True)
    headers = _headers(policy) | {"Content-Disposition": f'attachment; filename="nazaha-verifier-{lang}.html"'}
    return Response(page, media_type="text/html; charset=utf-8", headers=headers)
