"""Helpers of the browser tests: Chromium through Playwright, and the service on a local port."""

from __future__ import annotations

import importlib.util
import os
import re
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

__all__ = [
    "AXE",
    "CHROMIUM",
    "TOKEN",
    "axe_violations",
    "english_words",
    "mark",
    "require_chromium",
    "serving",
    "text_of",
]

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


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations of the page as it is now: rule, impact and the first element's target."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)"
    )
    return [str(line) for line in found]


# The page's text without what is in another script on purpose: codes, hashes, commands and file
# names (isolated as dir="ltr"), text marked lang="en", and the language switch.
_PAGE_WORDS = """() => {
  const copy = document.body.cloneNode(true);
  for (const el of copy.querySelectorAll("script, style, noscript, [dir=ltr], [lang=en], #language-switch")) el.remove();
  return copy.textContent;
}"""
# Latin words an Arabic page may hold: names of standards and formats, and the product's.
_LATIN_ALLOWED = {"Nazaha", "ElectionGuard", "HTTPS", "SHA", "QR", "H_E", "JSON", "Python", "ZIP"}


def english_words(page: Page, data: frozenset[str] = frozenset()) -> list[str]:
    """The Latin words of the page's own text (what an Arabic page must not hold), except the
    words of ``data``: names the election's officials gave (a board, a guardian), not the page's."""
    text = str(page.evaluate(_PAGE_WORDS))
    allowed = _LATIN_ALLOWED | data
    return sorted({word for word in re.findall(r"[A-Za-z_]{3,}", text) if word not in allowed})
