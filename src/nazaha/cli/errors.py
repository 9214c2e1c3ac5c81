"""Where errors become exit codes and one-line messages: the only place in the CLI.

==========================  =========  ==========================================
error                       exit code  meaning
==========================  =========  ==========================================
(success)                   0
VerificationFailed          1          a check failed
InputError (and children)   2          bad input; nothing was changed
ProtocolError               3          a protocol step could not go on
StorageError, OSError       4          files could not be read or written
MissingDependencyError      5          an optional extra is needed (and named)
RemoteError                 6          the ballot-box service is unreachable or failed
any other NazahaError       5
an unexpected exception     70         a bug: the message says so (NAZAHA_DEBUG=1)
KeyboardInterrupt           130
==========================  =========  ==========================================

Set ``NAZAHA_DEBUG=1`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

from nazaha.errors import (
    InputError,
    NazahaError,
    ProtocolError,
    RemoteError,
    StorageError,
    VerificationFailed,
)

__all__ = ["exit_code_for", "fail", "read_input", "run_guarded"]

T = TypeVar("T")


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, VerificationFailed):
        return 1
    if isinstance(error, InputError):
        return 2
    if isinstance(error, ProtocolError):
        return 3
    if isinstance(error, (StorageError, OSError)):
        return 4
    if isinstance(error, RemoteError):
        return 6
    if isinstance(error, KeyboardInterrupt):
        return 130
    return 5


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"nazaha: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def read_input(path: Path) -> bytes:
    """The bytes of an input file, or exit 2 with a one-line message naming it."""
    try:
        return path.read_bytes()
    except OSError as error:
        fail(f"{path}: {error.strerror}", 2)


def run_guarded(action: Callable[[], T]) -> T:
    """Run ``action``; turn Nazaha errors into a one-line message and an exit code."""
    try:
        return action()
    except NazahaError as error:
        fail(str(error), exit_code_for(error))
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        fail(f"{where}{error.strerror or error}", exit_code_for(error))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as error:
        if os.environ.get("NAZAHA_DEBUG"):
            raise
        fail(f"internal error ({type(error).__name__}): {error}; set NAZAHA_DEBUG=1 for details", 70)
