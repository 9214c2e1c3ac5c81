"""The service's configuration, from arguments or the environment (``NAZAHA_*``).

The administrator token comes from ``NAZAHA_ADMIN_TOKEN_FILE`` (a file holding it, first line)
or ``NAZAHA_ADMIN_TOKEN``; never put it on a command line, where every user of the machine can
read it in the process list. The service secret lives in the file ``NAZAHA_SECRET_FILE`` (by
default beside a SQLite database, see ``nazaha.workflows.ballot_box.default_secret_file``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from nazaha.workflows.officials import read_token_file

__all__ = ["Settings"]

DEFAULT_DATABASE = "sqlite:///nazaha.db"
DEFAULT_MAX_BODY = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE
    """``sqlite:///path`` (the default, a file) or ``postgresql://user@host/db``."""
    admin_token: str = field(default="", repr=False)
    """Bearer token for administrative actions; empty disables them."""
    max_body_bytes: int = DEFAULT_MAX_BODY
    """The largest request body accepted, on every route (checked before it is read)."""
    secret_file: str = ""
    """The service secret's file; empty: the default for the database (``app_from_env``)."""
    session_seconds: int = 8 * 3600
    """How long an official's session lasts after signing in."""
    sign_in_attempts: int = 10
    """Wrong administrator tokens one client may give within ``sign_in_window`` seconds."""
    sign_in_window: int = 300

    @classmethod
    def from_env(cls) -> Settings:
        token_file = os.environ.get("NAZAHA_ADMIN_TOKEN_FILE", "")
        token = read_token_file(Path(token_file)) if token_file else os.environ.get("NAZAHA_ADMIN_TOKEN", "")
        return cls(
            database_url=os.environ.get("NAZAHA_DATABASE_URL", DEFAULT_DATABASE),
            admin_token=token,
            max_body_bytes=int(os.environ.get("NAZAHA_MAX_BODY_BYTES", str(DEFAULT_MAX_BODY))),
            secret_file=os.environ.get("NAZAHA_SECRET_FILE", ""),
            session_seconds=int(os.environ.get("NAZAHA_SESSION_SECONDS", str(8 * 3600))),
        )
