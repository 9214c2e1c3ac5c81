"""A folder served over HTTP on 127.0.0.1 as a plain static server serves it (``http.server``),
keeping the path of every request, for the tests that read a record from a URL."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["Served", "serve_folder"]


@dataclass
class Served:
    url: str
    """``http://127.0.0.1:PORT`` (no trailing slash): the folder's root."""
    requests: list[str] = field(default_factory=list)
    """The path of every GET or HEAD request, in the order they came."""


class _Handler(SimpleHTTPRequestHandler):
    served: Served

    def do_GET(self) -> None:
        self.served.requests.append(self.path)
        super().do_GET()

    def do_HEAD(self) -> None:
        self.served.requests.append(self.path)
        super().do_HEAD()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest's output is for failures."""


@contextmanager
def serve_folder(folder: Path) -> Iterator[Served]:
    """Serve ``folder`` read-only on a free port of 127.0.0.1 until the block ends."""
    served = Served(url="")
    handler = type("Handler", (_Handler,), {"served": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="served-folder", daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
