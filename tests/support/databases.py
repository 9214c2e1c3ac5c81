"""Databases for the storage and service tests: SQLite files and fresh PostgreSQL databases."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tests.support.external import require_external

if TYPE_CHECKING:
    import psycopg

__all__ = ["POSTGRES_URL", "postgres_database"]

POSTGRES_URL = os.environ.get("NAZAHA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_admin() -> psycopg.Connection[tuple[object, ...]]:
    import psycopg

    return psycopg.connect(
        POSTGRES_URL.replace("postgresql://", "postgresql://", 1), autocommit=True, connect_timeout=5
    )


def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test module, dropped afterwards.

    Without a reachable server the test is skipped with a hint, except under CI=true, where the
    server must be there and its absence fails the test.
    """
    try:
        admin = _postgres_admin()
    except Exception as error:
        message = (
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({type(error).__name__}); start it, or set "
            "NAZAHA_TEST_POSTGRES_URL to a server where the user may create databases, to run these tests"
        )
        require_external(False, message)
        raise
    name = f"nazaha_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin = _postgres_admin()
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
