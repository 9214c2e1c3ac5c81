"""``create_app(settings, box)``: the ballot-box service as a FastAPI application.

Nothing happens at import time: the database is opened by whoever builds the ``BallotBoxService``
given to ``create_app`` (or by ``app_from_env`` when uvicorn starts a worker). The service layer
talks to the workflows only; it never touches storage or the record codec itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from nazaha import __version__
from nazaha.service.errors import install_error_handlers
from nazaha.service.limits import BodyLimit
from nazaha.service.pages import audit_board, receipt
from nazaha.service.pages import routes as pages
from nazaha.service.pages import verifier as verifier_page
from nazaha.service.routes import ballots, credentials, decryption, elections, paper_audit
from nazaha.service.settings import Settings
from nazaha.workflows.audit_boards import audit_boards_from_files
from nazaha.workflows.ballot_box import BallotBoxService, open_ballot_box

__all__ = ["app_from_env", "create_app"]


def create_app(settings: Settings, box: BallotBoxService) -> FastAPI:
    app = FastAPI(
        title="Nazaha ballot box",
        version=__version__,
        description="End-to-end verifiable elections (ElectionGuard 2.1): encrypted ballots are verified at the "
        "door and kept on an append-only, hash-chained bulletin board.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.service = box
    app.state.officials = box.officials(
        settings.admin_token,
        lifetime=settings.session_seconds,
        attempts=settings.sign_in_attempts,
        window=settings.sign_in_window,
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.state.render_error = pages.render_error
    install_error_handlers(app)
    app.include_router(elections.router)
    app.include_router(ballots.router)
    app.include_router(decryption.router)
    app.include_router(credentials.router)
    app.include_router(paper_audit.router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).resolve().parent / "static")), name="static")
    app.include_router(verifier_page.router)
    app.include_router(receipt.router)
    app.include_router(audit_board.router)  # the paper audit's boards (only with app.state.audit_boards)
    app.include_router(pages.router)

    @app.get("/api/v1/health", tags=["service"], summary="Health of the service and its database")
    def health(request: Request) -> dict[str, Any]:
        box: BallotBoxService = request.app.state.service
        box.check_health()
        return {"status": "ok", "version": __version__}

    return app


def app_from_env() -> FastAPI:
    """The application configured from ``NAZAHA_*`` variables (for uvicorn's ``--factory``)."""
    settings = Settings.from_env()
    secret_file = Path(settings.secret_file) if settings.secret_file else None
    box = open_ballot_box(settings.database_url, secret_file=secret_file)
    app = create_app(settings, box)
    audited, boards = os.environ.get("NAZAHA_PAPER_AUDIT", ""), os.environ.get("NAZAHA_AUDIT_BOARDS_FILE", "")
    if audited and boards:
        # A record folder, or the id of one of this ballot box's elections (its audit in the store).
        if Path(audited).is_dir():
            app.state.audit_boards = audit_boards_from_files(Path(audited), Path(boards))
        else:
            box.election(audited)  # refuses an unknown election now, not at the first board's sign-in
            app.state.audit_boards = audit_boards_from_files(
                Path(audited), Path(boards), lambda: box.paper_audit(audited), election=audited
            )
    return app
