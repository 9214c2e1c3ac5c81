"""The officials' sign-in: the administrator token, checked with throttling, and server-side sessions.

* **Sessions** are random (256 bits from ``secrets``), kept on the server (``SessionStore``: the
  database, so every worker process sees them) under the SHA-256 of their identifier, expire
  after ``lifetime`` seconds, and end at sign-out: the cookie of an ended session opens nothing.
* **The form token** (against cross-site requests) is an HMAC of the session's identifier, so it
  changes with every session and is never stored.
* **Throttling**: after ``attempts`` wrong tokens from one client within ``window`` seconds,
  that client's sign-ins (and administrator requests to the API) are refused until the window
  has passed, right token or not, so that guessing gains nothing from speed.

Tokens are compared as bytes in constant time; text that is not ASCII (or not even valid
UTF-8) is simply a wrong token, never an error.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nazaha.errors import AuthorizationError, InputError, TooManyAttempts
from nazaha.storage.sessions import SessionRow, SessionStore

__all__ = ["OfficialSessions", "Session", "read_token_file"]

_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")
"""``secrets.token_urlsafe(32)``: 32 random bytes in unpadded base64url."""


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in official's session, as the pages need it."""

    identifier: str = field(repr=False)
    """The cookie's value: whoever holds it is signed in, until ``expires_at``."""
    form_token: str = field(repr=False)
    """The token every form of this session carries."""
    expires_at: int
    """When it ends (seconds since the epoch)."""
    max_age: int
    """Seconds left when this view was made (the cookie's ``Max-Age``)."""


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two texts of any characters (never an error)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def _key(identifier: str) -> str:
    return hashlib.sha256(b"nazaha official session\x00" + identifier.encode("ascii")).hexdigest()


class OfficialSessions:
    """Signing officials in and out of the pages, and checking the API's bearer token."""

    def __init__(
        self,
        store: SessionStore,
        admin_token: str,
        *,
        lifetime: int = 8 * 3600,
        attempts: int = 10,
        window: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._token = admin_token
        self.lifetime = lifetime
        self.attempts = attempts
        self.window = window
        self._clock = clock

    def _now(self) -> int:
        return int(self._clock())

    def check_token(self, given: str, client: str) -> None:
        """The administrator token, or ``AuthorizationError``; throttled per client."""
        now = self._now()
        if self._store.failures_since(client, now - self.window) >= self.attempts:
            raise TooManyAttempts(
                f"too many wrong tokens from this address; try again in {self.window // 60 or 1} minute(s)",
                retry_after=self.window,
            )
        if not self._token or not _same(given, self._token):
            self._store.remove_failures_before(now - self.window)
            self._store.add_failure(client, now)
            raise AuthorizationError("the administrator token is not valid")

    def sign_in(self, given: str, client: str) -> Session:
        """A new session for whoever gives the administrator token."""
        self.check_token(given, client)
        now = self._now()
        self._store.remove_expired(now)
        identifier = secrets.token_urlsafe(32)
        row = SessionRow(_key(identifier), now, now + self.lifetime)
        self._store.add_session(row)
        return Session(identifier, self._form_token(identifier), row.expires_at, self.lifetime)

    def session(self, identifier: str) -> Session:
        """The live session whose cookie holds ``identifier``, or ``AuthorizationError``."""
        if not _SESSION_ID.fullmatch(identifier):
            raise AuthorizationError("missing administrator sign-in")
        row = self._store.session(_key(identifier))
        now = self._now()
        if row is None or row.expires_at <= now:
            raise AuthorizationError("missing administrator sign-in (the session ended or expired)")
        return Session(identifier, self._form_token(identifier), row.expires_at, row.expires_at - now)

    def check_form(self, identifier: str, form_token: str) -> Session:
        """The session, if ``form_token`` is the one of its forms."""
        session = self.session(identifier)
        if not _same(form_token, session.form_token):
            raise AuthorizationError("the form's token is not valid; reload the page")
        return session

    def sign_out(self, identifier: str) -> None:
        """End the session (whatever ``identifier`` holds; an unknown one is already ended)."""
        if _SESSION_ID.fullmatch(identifier):
            self._store.remove_session(_key(identifier))

    def _form_token(self, identifier: str) -> str:
        return hmac.new(identifier.encode("ascii"), b"nazaha form token", hashlib.sha256).hexdigest()


def read_token_file(path: Path) -> str:
    """The administrator token: the first line of ``path``, without surrounding whitespace (a file
    keeps it out of the process list, where a command-line argument would show it)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the administrator token file {path}: {type(error).__name__}") from None
    token = lines[0].strip() if lines else ""
    if not token:
        raise InputError(f"the administrator token file {path} is empty")
    return token
