"""What the tests need from outside Python or outside the project, found or skipped in one place.

Two rules hold everywhere:

* A program outside Python (PostgreSQL, Chromium, Node) that is missing skips the test with a
  message saying how to enable it; under ``CI=true`` the program must be there, so its absence
  fails the test instead.
* Third-party files (other implementations' records, vendors' exports, published samples) are
  never copied into the project. Tests read them from ``../shared/reference`` beside the
  checkout through :func:`shared_reference`, with the same skip-or-fail rule.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["SHARED_REFERENCE", "require_external", "shared_reference"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_REFERENCE = PROJECT_ROOT.parent / "shared" / "reference"
"""``../shared/reference`` beside the project's checkout (absent in a user's clone)."""


def require_external(available: bool, message: str) -> None:
    """Skip a test that needs something outside the project, with ``message`` saying how to
    enable it; under CI=true it must be there, so its absence fails the test instead."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def shared_reference(*parts: str) -> Path:
    """The path of a third-party reference file or folder under ``../shared/reference``.

    Skips the test (fails it under CI=true) when the file is not there, naming what is missing.
    """
    path = SHARED_REFERENCE.joinpath(*parts)
    require_external(
        path.exists(),
        f"{path} is missing: this test reads third-party reference data from ../shared/reference "
        "beside the checkout (never copied into the project); place that folder there to run it",
    )
    return path
