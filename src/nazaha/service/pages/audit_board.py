"""The audit boards' pages: sign-in per board, then one card at a time (Arabic and English).

Served when the application holds an ``AuditBoards`` in ``app.state.audit_boards`` (``nazaha
serve --paper-audit RECORD --audit-boards FILE``). The board's session is an HttpOnly,
SameSite=Strict cookie; every entry also carries the session's form token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nazaha.errors import AuthorizationError, NotFoundError
from nazaha.service.pages.audit_texts import audit_texts
from nazaha.service.pages.i18n import LANGUAGES, catalog, direction
from nazaha.service.pages.routes import SECURITY_HEADERS, templates
from nazaha.workflows.audit_boards import AuditBoards
from nazaha.workflows.paper import format_paper_id

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
COOKIE = "nazaha_audit_board"


def _boards(request: Request, lang: str) -> AuditBoards:
    if lang not in LANGUAGES:
        raise NotFoundError(f"no pages in language {lang!r} (ar or en)")
    boards = getattr(request.app.state, "audit_boards", None)
    if not isinstance(boards, AuditBoards):
        raise NotFoundError("this service holds no paper audit")
    return boards


def _render(request: Request, name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    texts = catalog(lang)
    other = texts["language_other_code"]
    values.update(
        lang=lang, dir=direction(lang), t=texts, a=audit_texts(lang), path=request.url.path,
        other_url=f"/{other}" + request.url.path[len(lang) + 1 :],
    )  # fmt: skip
    response = templates.TemplateResponse(request, name, values, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/{lang}/audit", response_class=HTMLResponse)
def sign_in_page(request: Request, lang: str) -> Response:
    boards = _boards(request, lang)
    return _render(request, "audit_signin.html", lang, boards=boards.boards)


@router.post("/{lang}/audit/sign-in")
def sign_in(
    request: Request,
    lang: str,
    board: Annotated[str, Form()],
    passcode: Annotated[str, Form()],
    member_1: Annotated[str, Form()],
    member_2: Annotated[str, Form()],
) -> Response:
    boards = _boards(request, lang)
    try:
        token = boards.sign_in(board, passcode, [member_1, member_2])
    except AuthorizationError:
        return _render(
            request, "audit_signin.html", lang, status=401, boards=boards.boards, failed=True, selected=board
        )
    response = RedirectResponse(f"/{lang}/audit/card", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


@router.get("/{lang}/audit/card", response_class=HTMLResponse)
def card_page(request: Request, lang: str, entered: int = 0) -> Response:
    boards = _boards(request, lang)
    try:
        session = boards.session(request.cookies.get(COOKIE))
    except AuthorizationError:
        return RedirectResponse(f"/{lang}/audit", status_code=303)
    items = boards.pull_list(session.board)
    card = next((item for item in items if not item.read), None)
    contests = []
    if card is not None:
        manifest = boards.manifest()
        for label in card.contests:
            contest = manifest.contest(manifest.contest_index(label))
            contests.append(
                {
                    "label": label,
                    "name": contest.name.get(lang),
                    "single": contest.contest_limit == 1,
                    "limit": audit_texts(lang)["vote_for"].format(n=contest.contest_limit),
                    "options": [{"label": o.label, "name": o.name.get(lang)} for o in contest.options],
                }
            )
    read = sum(1 for item in items if item.read)
    return _render(
        request, "audit_card.html", lang, board=session.board, members=session.members, card=card,
        contests=contests, form_token=session.form_token, entered=bool(entered),
        paper_id=format_paper_id(card.paper_id) if card else "",
        progress=audit_texts(lang)["card"].format(read=read + 1, total=len(items)),
        pull=[{"container": i.container, "position": i.position, "paper_id": format_paper_id(i.paper_id),
               "read": i.read, "current": card is not None and i.ballot == card.ballot} for i in items],
    )  # fmt: skip


@router.post("/{lang}/audit/card")
async def enter_card(request: Request, lang: str) -> Response:
    boards = _boards(request, lang)
    form = await request.form()
    marks: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if key.startswith("mark:") and isinstance(value, str):
            marks.setdefault(key.removeprefix("mark:"), []).append(value)
    confirmed = [value for value in form.getlist("confirmed") if isinstance(value, str)]
    boards.enter(
        request.cookies.get(COOKIE),
        str(form.get("form_token", "")),
        str(form.get("ballot", "")),
        str(form.get("outcome", "")),
        marks,
        confirmed,
    )
    return RedirectResponse(f"/{lang}/audit/card?entered=1", status_code=303)


@router.post("/{lang}/audit/sign-out")
def sign_out(request: Request, lang: str) -> Response:
    _boards(request, lang).sign_out(request.cookies.get(COOKIE))
    response = RedirectResponse(f"/{lang}/audit", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
