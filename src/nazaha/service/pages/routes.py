"""The pages: voters' booth, observers' board and results, officials' dashboard; Arabic and English.

Server-rendered with Jinja2; every script, style sheet and image comes from ``/static`` (no
outside resource). URLs carry the language: ``/ar/...`` (right to left) or ``/en/...``. The
officials' pages need the administrator token, given once on a sign-in form (throttled); the
official then holds a random, server-side session in an HttpOnly, SameSite=Strict cookie, which
expires and which signing out ends (``nazaha.workflows.officials``). Every form that changes
something also carries the session's form token (against cross-site requests); the upload form
checks the session before it reads the body.

Every manifest text is shown isolated (``<bdi>`` or ``dir="auto"``) and every JSON embedded in
a page is escaped for the HTML script-data state (``embed_json``).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.datastructures import UploadFile

from nazaha.election.context import ElectionContext
from nazaha.election.tally import DecryptedTally
from nazaha.errors import AuthorizationError, InputError, NazahaError, NotFoundError, TooManyAttempts
from nazaha.service.deps import client_address, officials, service
from nazaha.service.pages.audit_texts import audit_texts
from nazaha.service.pages.audit_view import AUDIT_ACTIONS, audit_action, audit_view
from nazaha.service.pages.i18n import LANGUAGES, catalog, direction, format_date, format_number, format_percent
from nazaha.voting.ballot_box import ElectionState
from nazaha.workflows.ballot_box import ElectionView, EntryView
from nazaha.workflows.booth import booth_context, booth_eligibility
from nazaha.workflows.officials import Session

__all__ = ["embed_json", "render_error", "router", "templates"]

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters["num"] = format_number
templates.env.filters["date"] = format_date
templates.env.filters["percent"] = format_percent


def isolate(text: str, **pieces: str) -> Markup:
    """``text`` with each ``{name}`` replaced by ``pieces[name]`` as left-to-right code, isolated
    from the prose around it (a command's final period or quotes stay where they belong)."""
    out = str(escape(text))
    for name, piece in pieces.items():
        out = out.replace("{" + name + "}", f'<bdi dir="ltr"><code>{escape(piece)}</code></bdi>')
    return Markup(out)  # noqa: S704 (the text and every piece are escaped above)


templates.env.filters["isolate"] = isolate

router = APIRouter(include_in_schema=False)

COOKIE = "nazaha_session"
MAX_UPLOADS = 64
_SCRIPT_DATA_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
SECURITY_HEADERS = {
    # Only Nazaha's own scripts, styles and images; the booth talks to this server alone.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
PAGE_SIZE = 50


def embed_json(value: Any) -> Markup:
    """JSON to put inside a ``<script type="application/json">`` element: ``<``, ``>``, ``&``
    and U+2028/U+2029 as escapes, so that no text (``</script>``, ``<!--``, ``<script``) can end
    the element or change how the browser reads it, and the value parses back unchanged."""
    # Safe to mark: after the translation the text holds no character that HTML reads as markup.
    return Markup(json.dumps(value, ensure_ascii=False).translate(_SCRIPT_DATA_ESCAPES))  # noqa: S704


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise NotFoundError(f"no pages in language {lang!r} (ar or en)")
    return lang


def _page(request: Request, name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    texts = catalog(lang)
    path = request.url.path
    other = texts["language_other_code"]
    values.update(
        lang=lang,
        dir=direction(lang),
        t=texts,
        other_url=re.sub(r"\A/(ar|en)(?=/|\Z)", f"/{other}", path)
        + (f"?{request.url.query}" if request.url.query else ""),
        path=path,
    )
    response = templates.TemplateResponse(request, name, values, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def render_error(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    """The HTML form of an error (``service/errors.py`` decides the status)."""
    match = re.match(r"/(ar|en)(/|\Z)", request.url.path)
    lang = match.group(1) if match else "en"
    return _page(request, "error.html", lang, status=status, code=status, title=title, detail=detail)


def _text(texts: Any, lang: str) -> str:
    return str(texts.get(lang))


def _election_view(row: ElectionView, lang: str) -> dict[str, Any]:
    context = row.context
    return {
        "id": row.id,
        "name": _text(context.manifest.name, lang),
        "state": row.state.value,
        "created_at": row.created_at,
        "board_length": row.board_length,
        "board_head": row.board_head,
        "guardians": context.parameters.guardians,
        "quorum": context.parameters.quorum,
        "extended_hash": context.extended_hash.hex().upper(),
    }


@router.get("/")
def root(request: Request) -> RedirectResponse:
    accept = request.headers.get("accept-language", "")
    lang = "ar" if accept.lower().startswith("ar") else "en"
    return RedirectResponse(f"/{lang}/", status_code=303)


@router.get("/{lang}/", response_class=HTMLResponse)
def index(request: Request, lang: str) -> HTMLResponse:
    lang = _language(lang)
    box = service(request)
    elections = [_election_view(row, lang) for row in box.elections()]
    return _page(request, "index.html", lang, elections=elections)


@router.get("/{lang}/elections/{election_id}", response_class=HTMLResponse)
def election_page(request: Request, lang: str, election_id: str) -> HTMLResponse:
    lang = _language(lang)
    box = service(request)
    view = _election_view(box.election(election_id), lang)
    times = box.timeline(election_id)
    timeline = [
        ("created", times.created),
        ("first_ballot", times.first_ballot),
        ("last_entry", times.last_entry),
        ("closed_at", times.closed_at),
    ]
    if times.published_at is not None or view["state"] != "published":
        timeline.append(("published_at", times.published_at))
    return _page(request, "election.html", lang, election=view, timeline=timeline)


def _style_view(context: ElectionContext, lang: str) -> list[dict[str, Any]]:
    manifest = context.manifest
    styles = []
    for index, style in enumerate(manifest.ballot_styles, start=1):
        contests = []
        for contest_index in style.contests:
            contest = manifest.contest(contest_index)
            contests.append(
                {
                    "index": contest_index,
                    "label": contest.label,
                    "names": dict(contest.name.texts),
                    "limit": contest.contest_limit,
                    "options": [
                        {
                            "index": option_index,
                            "label": option.label,
                            "names": dict(option.name.texts),
                            "parties": dict(option.party.texts) if option.party else {},
                            "limit": contest.option_limit(option),
                        }
                        for option_index, option in enumerate(contest.options, start=1)
                    ],
                }
            )
        styles.append({"index": index, "label": style.label, "contests": contests})
    shared = set.intersection(*(set(style.contests) for style in manifest.ballot_styles))
    for style, view in zip(manifest.ballot_styles, styles, strict=True):
        own = [manifest.contest(index) for index in style.contests if index not in shared]
        view["names"] = {
            code: " · ".join(contest.name.get(code) for contest in own) or style.label for code in manifest.languages
        }
    return styles


@router.get("/{lang}/elections/{election_id}/vote", response_class=HTMLResponse)
def booth(request: Request, lang: str, election_id: str) -> HTMLResponse:
    lang = _language(lang)
    box = service(request)
    row = box.election(election_id)
    context = row.context
    catalogs = {code: catalog(code) for code in LANGUAGES}
    names = {code: _text(context.manifest.name, code) for code in LANGUAGES}
    eligibility = booth_eligibility(box.lifecycle.eligibility(row.id))
    return _page(
        request,
        "booth.html",
        lang,
        election=_election_view(row, lang),
        open=row.state is ElectionState.OPEN,
        styles=_style_view(context, lang),
        needs_credential=eligibility["needs_credential"],
        booth_json=embed_json(
            {
                "election": row.id,
                "context": booth_context(context),
                "eligibility": eligibility,
                "styles": _style_view(context, lang),
                "catalogs": catalogs,
                "names": names,
            }
        ),
    )


@router.get("/{lang}/elections/{election_id}/check", response_class=HTMLResponse)
def checker(request: Request, lang: str, election_id: str, code: str = "") -> HTMLResponse:
    """The challenge checker: on any device, a challenged ballot fetched from the ballot box is
    opened with the nonce the booth released, in this browser (not by the booth that made it)."""
    lang = _language(lang)
    box = service(request)
    row = box.election(election_id)
    context = row.context
    return _page(
        request,
        "check.html",
        lang,
        election=_election_view(row, lang),
        code=_search_code(code),
        check_json=embed_json(
            {
                "election": row.id,
                "context": booth_context(context),
                "styles": _style_view(context, lang),
                "catalogs": {code: catalog(code) for code in LANGUAGES},
            }
        ),
    )


def _search_code(code: str) -> str:
    """A confirmation code as a voter may type it: any grouping, case, spaces or hyphens."""
    cleaned = re.sub(r"[\s\u200e\u200f-]+", "", code)
    return cleaned.upper() if cleaned.isascii() else cleaned


@router.get("/{lang}/elections/{election_id}/board", response_class=HTMLResponse)
def board(
    request: Request, lang: str, election_id: str, page: int = 1, code: str = "", credential: str = ""
) -> HTMLResponse:
    lang = _language(lang)
    box = service(request)
    row = box.election(election_id)
    view = _election_view(row, lang)
    pages = max(1, math.ceil(row.board_length / PAGE_SIZE))
    page = min(max(1, page), pages)
    code = _search_code(code)
    credential = _search_code(credential)
    entries: list[EntryView] = []
    if credential:
        if re.fullmatch(r"[0-9A-F]{64}", credential):
            for ballot in box.ballots_of_credential(election_id, credential):
                entries.extend(ballot.entries)
    elif code:
        if not re.fullmatch(r"[0-9A-F]{4,64}", code):
            entries = []
        elif len(code) == 64:
            try:
                entries = box.lookup(election_id, code).entries
            except NotFoundError:
                entries = []
        else:
            entries = box.search_board(election_id, code, PAGE_SIZE)
    else:
        _, entries = box.board(election_id, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return _page(
        request,
        "board.html",
        lang,
        election=view,
        entries=[e.as_dict() for e in entries],
        page=page,
        pages=pages,
        code=code,
        credential=credential,
        needs_credential=box.lifecycle.eligibility(row.id).mode.needs_credential,
    )


def _results(context: ElectionContext, tally: DecryptedTally, lang: str) -> list[dict[str, Any]]:
    contests = []
    for contest in tally.contests:
        spec = context.manifest.contest(contest.contest_index)
        total = sum(option.value for option in contest.options)
        rows = []
        for option, spec_option in zip(contest.options, spec.options, strict=True):
            rows.append(
                {
                    "name": _text(spec_option.name, lang),
                    "party": _text(spec_option.party, lang) if spec_option.party else "",
                    "votes": option.value,
                    "share": option.value / total if total else 0.0,
                }
            )
        contests.append(
            {"name": _text(spec.name, lang), "label": spec.label, "rows": rows, "total": total,
             "limit": spec.contest_limit}
        )  # fmt: skip
    return contests


@router.get("/{lang}/elections/{election_id}/results", response_class=HTMLResponse)
def results(request: Request, lang: str, election_id: str) -> HTMLResponse:
    lang = _language(lang)
    box = service(request)
    row = box.election(election_id)
    context = row.context
    tally = box.decrypted_tally(election_id)
    return _page(
        request,
        "results.html",
        lang,
        election=_election_view(row, lang),
        contests=_results(context, tally, lang) if tally else None,
        cast=tally.cast_ballots if tally else 0,
        eligibility=box.eligibility_summary(election_id),
        keys_voted=box.credentials_voted(election_id) if tally else 0,
        audit=audit_view(box, election_id, getattr(request.app.state, "audit_boards", None))
        if row.state is ElectionState.PUBLISHED
        else {"state": "none"},
        names=_contest_names(context, lang),
        a=audit_texts(lang),
    )


# -- officials ------------------------------------------------------------------------------------


def _session(request: Request) -> Session | None:
    try:
        return officials(request).session(request.cookies.get(COOKIE, ""))
    except AuthorizationError:
        return None


def _require_form(request: Request, form_token: str) -> Session:
    """The signed-in official's session, if ``form_token`` is the one of its forms."""
    return officials(request).check_form(request.cookies.get(COOKIE, ""), form_token)


@router.get("/{lang}/admin", response_class=HTMLResponse)
def admin(request: Request, lang: str, done: str = "", error: str = "") -> HTMLResponse:
    lang = _language(lang)
    session = _session(request)
    if session is None:
        return _page(request, "admin_login.html", lang, failed=bool(error))
    box = service(request)
    elections = []
    for row in box.elections():
        context = row.context
        view = _election_view(row, lang)
        status = box.decryption_status(row.id)
        view["guardian_rows"] = [
            {
                "index": guardian.index,
                "name": guardian.name,
                "present": guardian.index in status.present,
                "commit": guardian.index in status.committed,
                "reveal": guardian.index in status.revealed,
                "respond": guardian.index in status.responded,
            }
            for guardian in context.guardians
        ]
        view["decrypting"] = bool(status.present)
        view["eligibility"] = box.eligibility_summary(row.id)
        if row.state is ElectionState.PUBLISHED:
            view["audit"] = audit_view(box, row.id, getattr(request.app.state, "audit_boards", None))
            view["audit_names"] = _contest_names(context, lang)
        elections.append(view)
    return _page(
        request, "admin.html", lang, elections=elections, form_token=session.form_token, done=done, error=error,
        a=audit_texts(lang),
    )  # fmt: skip


def _contest_names(context: ElectionContext, lang: str) -> dict[str, str]:
    return {contest.label: _text(contest.name, lang) for _, contest in context.manifest.iter_contests()}


@router.post("/{lang}/admin/login")
def admin_login(request: Request, lang: str, token: Annotated[str, Form()] = "") -> Response:
    lang = _language(lang)
    try:
        session = officials(request).sign_in(token.strip(), client_address(request))
    except TooManyAttempts:
        raise
    except AuthorizationError:
        return _page(request, "admin_login.html", lang, status=401, failed=True)
    response = RedirectResponse(f"/{lang}/admin", status_code=303)
    response.set_cookie(
        COOKIE,
        session.identifier,
        max_age=session.max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/{lang}/admin/logout")
def admin_logout(request: Request, lang: str) -> RedirectResponse:
    """Sign out: the session ends on the server, so its cookie opens nothing any more."""
    lang = _language(lang)
    officials(request).sign_out(request.cookies.get(COOKIE, ""))
    response = RedirectResponse(f"/{lang}/admin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _election_file_name(name: str) -> str:
    """An uploaded file's name inside the election folder (folder uploads carry their path)."""
    parts = [part for part in name.replace("\\", "/").split("/") if part] or [name]
    base = parts[-1]
    if re.fullmatch(r"guardian_[1-9][0-9]*\.json", base):
        return f"guardians/{base}"
    return base


@router.post("/{lang}/admin/elections")
async def admin_create(request: Request, lang: str) -> Response:
    """Create an election from uploaded files. The session is checked before the body is read
    (nothing of an unauthenticated upload is read or spooled), the form token after."""
    lang = _language(lang)
    if await run_in_threadpool(_session, request) is None:
        raise AuthorizationError("missing administrator sign-in")
    async with request.form(max_files=MAX_UPLOADS, max_fields=8) as form:
        form_token = form.get("form_token")
        await run_in_threadpool(_require_form, request, form_token if isinstance(form_token, str) else "")
        election_id = form.get("election_id")
        contents: dict[str, bytes] = {}
        for upload in form.getlist("files"):
            if isinstance(upload, UploadFile):
                data = await upload.read()
                if upload.filename and data:
                    contents[_election_file_name(upload.filename)] = data
    identifier = election_id.strip() if isinstance(election_id, str) else ""
    try:
        row = await run_in_threadpool(service(request).create_election, contents, identifier or None)
    except NazahaError as error:
        return RedirectResponse(f"/{lang}/admin?error={_quote(str(error))}", status_code=303)
    return RedirectResponse(f"/{lang}/admin?done={row.id}", status_code=303)


def _quote(text: str) -> str:
    return quote(text[:300])


@router.post("/{lang}/admin/elections/{election_id}/{action}")
async def admin_action(request: Request, lang: str, election_id: str, action: str) -> Response:
    """Open, close, tally or start the decryption: the session first, then the form (small, no
    files) and its token."""
    lang = _language(lang)
    if await run_in_threadpool(_session, request) is None:
        raise AuthorizationError("missing administrator sign-in")
    async with request.form(max_files=0, max_fields=64) as form:
        form_token = form.get("form_token")
        await run_in_threadpool(_require_form, request, form_token if isinstance(form_token, str) else "")
        chosen = [value for value in form.getlist("present") if isinstance(value, str)]
        fields = {name: value for name in ("risk_limit", "seed", "source", "size")
                  if isinstance(value := form.get(name), str)}  # fmt: skip
        audited = [value for value in form.getlist("contest") if isinstance(value, str)]
    present = []
    for value in chosen:
        if not (value.isascii() and value.isdigit() and len(value) <= 6):
            raise InputError(f"present: {value[:20]!r} is not a guardian number")
        present.append(int(value))
    box = service(request)
    try:
        if action == "open":
            await run_in_threadpool(box.open_voting, election_id)
        elif action == "close":
            await run_in_threadpool(box.close_voting, election_id)
        elif action == "tally":
            await run_in_threadpool(box.tally, election_id)
        elif action == "decrypt":
            await run_in_threadpool(box.start_decryption, election_id, present)
        elif action in AUDIT_ACTIONS:
            await run_in_threadpool(audit_action, box, election_id, action, fields, present, audited)
        else:
            raise NotFoundError(f"unknown action {action[:40]!r}")
    except NotFoundError:
        raise  # no such election or action: an error page, not a notice on the dashboard
    except NazahaError as error:
        return RedirectResponse(f"/{lang}/admin?error={_quote(str(error))}", status_code=303)
    anchor = f"#audit-{election_id}" if action in AUDIT_ACTIONS else ""
    return RedirectResponse(f"/{lang}/admin?done={_quote(action)}{anchor}", status_code=303)
