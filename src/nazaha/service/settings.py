"""The service's configuration, from arguments or the environment (``NAZAHA_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

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

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("NAZAHA_DATABASE_URL", DEFAULT_DATABASE),
            admin_token=os.environ.get("NAZAHA_ADMIN_TOKEN", ""),
            max_body_bytes=int(os.environ.get("NAZAHA_MAX_BODY_BYTES", str(DEFAULT_MAX_BODY))),
        )
