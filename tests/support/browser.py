"""Helpers of the browser tests: Chromium through Playwright, and the service on a local port."""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from tests.support.external import require_external

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["CHROMIUM", "TOKEN", "mark", "require_chromium", "serving", "text_of"]

CHROMIUM = os.environ.get("NAZAHA_CHROMIUM", "/usr/bin/chromium")
TOKEN = "browser-test-admin-token"


def text_of(page: Page, selector: str) -> str:
    """The text of ``selector``; a missing element fails the test, not the type check."""
    text = page.text_content(selector)
    assert text is not None, f"{selector} is not on the page"
    return text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_chromium() -> None:
    require_external(
        Path(CHROMIUM).exists() and importlib.util.find_spec("playwright") is not None,
        f"Chromium is not at {CHROMIUM}; install it (apt-get install chromium) or set NAZAHA_CHROMIUM to run the browser tests",
    )


@contextmanager
def serving(app: object) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def mark(page: Page, style: int, contest: int, option: int) -> None:
    """Mark option ``option`` of contest ``contest`` on ballot style ``style`` in the booth."""
    page.check(f"#o-{style}-{contest}-{option}")
