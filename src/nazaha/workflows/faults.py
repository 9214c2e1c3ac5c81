"""Fault injection for the crash tests: a pause at a named point, set by an environment variable.

``NAZAHA_FAULT_PAUSE=publish:5`` makes the process sleep five seconds when it reaches the point
``publish`` (inside the transaction that publishes a decryption), so that a test can kill it
there and check that nothing half-done survives. Unset (always, outside tests), it does nothing.
"""

from __future__ import annotations

import os
import time

__all__ = ["pause"]

VARIABLE = "NAZAHA_FAULT_PAUSE"


def pause(point: str) -> None:
    """Sleep if ``NAZAHA_FAULT_PAUSE`` names ``point`` (``point:seconds``)."""
    setting = os.environ.get(VARIABLE, "")
    name, _, seconds = setting.partition(":")
    if name == point and seconds.replace(".", "", 1).isdigit():
        time.sleep(float(seconds))
