"""Every error Nazaha raises, in one hierarchy.

Callers catch the class that fits their layer; the CLI and the HTTP service map classes to exit
codes and status codes in one place each (``nazaha.cli.errors``, ``nazaha.service.errors``).
Messages never contain secret values: they name the value (``"guardian 2's share for
guardian 4"``), never print it.

::

    NazahaError
    ├── InputError                 bad input from outside; nothing was changed
    │   ├── ParameterError         unknown group, quorum out of range, ...
    │   ├── ManifestError          malformed or inconsistent manifest (names the field)
    │   ├── BallotError            a ballot refused: a plaintext one that breaks a limit or names
    │   │                          unknown things, or an encrypted one refused at the door
    │   ├── RecordFormatError      a file that cannot be read as what it should be (file + field)
    │   │   └── RecordFileMissing  a file of the record is not there (locally or at its URL)
    │   ├── ValueRangeError        an integer outside Z_q, Z_p or the subgroup Z_p^r
    │   ├── KeyFileError           a guardian key file that is corrupt or has a wrong passphrase
    │   ├── NotFoundError          no such election or ballot
    │   ├── AuthorizationError     an administrative action without the right token
    │   │   └── EligibilityError   a ballot without the signature its election requires
    │   │   └── TooManyAttempts    sign-in refused for a while after too many wrong tokens
    │   ├── PayloadTooLarge        a request body over the configured limit
    │   └── AuditInputError        an audit input that is malformed or inconsistent (file + row)
    ├── ProtocolError              a step of the protocol cannot go on
    │   ├── CeremonyError          the key ceremony found bad data (names sender and receiver)
    │   ├── QuorumError            fewer guardians than the quorum k
    │   ├── BallotStateError       cast/challenge/tally rules broken (double cast, unknown code)
    │   │   ├── ConflictError      a replayed identifier, a step out of order (voting closed)
    │   │   └── UnknownBallotError a decision for a confirmation code that is not on the board
    │   ├── DecryptionError        a decryption share or proof does not check out
    │   ├── InvalidProof           a zero-knowledge proof does not verify (says which part)
    │   └── AuditStateError        an audit step out of order (recording before sampling)
    ├── VerificationFailed         a verifier check failed (carries the check's spec number)
    ├── StorageError               the record or workspace cannot be written or read
    ├── RemoteError                the ballot-box service cannot be reached or failed (5xx)
    └── MissingDependencyError     a feature needs an optional extra that is not installed

The verifier's checks do not raise ``VerificationFailed`` one by one: each check records its
failures in ``nazaha.verify.findings.Findings`` and goes on, so that one run of ``nazaha verify``
lists every failure of the record, and the runner turns the findings into the report (exit 1).
``VerificationFailed`` is raised where one verdict is the whole answer (``nazaha audit check``).
"""

from __future__ import annotations

__all__ = [
    "AuditInputError",
    "AuditStateError",
    "AuthorizationError",
    "BallotError",
    "BallotStateError",
    "CeremonyError",
    "ConflictError",
    "DecryptionError",
    "EligibilityError",
    "InputError",
    "InvalidProof",
    "KeyFileError",
    "ManifestError",
    "MissingDependencyError",
    "NazahaError",
    "NotFoundError",
    "ParameterError",
    "PayloadTooLarge",
    "ProtocolError",
    "QuorumError",
    "RecordFileMissing",
    "RecordFormatError",
    "RemoteError",
    "StorageError",
    "TooManyAttempts",
    "UnknownBallotError",
    "ValueRangeError",
    "VerificationFailed",
]


class NazahaError(Exception):
    """Base class of every error that Nazaha raises on purpose."""


class InputError(NazahaError):
    """Input from outside (a file, a request, an argument) is not acceptable."""


class ParameterError(InputError):
    """Election parameters are not acceptable (unknown group, k > n, ...)."""


class ManifestError(InputError):
    """The election manifest is malformed or inconsistent.

    ``field`` is a path to the offending field, such as ``contests[2].options[0].label``.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"manifest: {field}: {problem}")
        self.field = field
        self.problem = problem


class BallotError(InputError):
    """A ballot is refused: a plaintext ballot that cannot be encrypted (an overvote, an unknown
    contest or style), or an encrypted ballot refused at the ballot box's door (a proof that does
    not verify, a chain it does not continue, another election's ballot)."""


class RecordFormatError(InputError):
    """A record or workspace file cannot be decoded as what it should be.

    ``where`` names the file and, when known, the field: ``guardians/guardian_2.json: proof.c``.
    """

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class RecordFileMissing(RecordFormatError):
    """A file of the record is not there: the verifier tells it apart from one that cannot be
    decoded, to name the failure the same way whether the record is a folder or a URL."""

    def __init__(self, where: str) -> None:
        super().__init__(where, "missing from the record")


class ValueRangeError(InputError):
    """An integer is outside the set it must belong to (Z_q, Z_p or the subgroup Z_p^r)."""


class KeyFileError(InputError):
    """A guardian key file cannot be opened: corrupt, wrong passphrase, or not a key file."""


class NotFoundError(InputError):
    """No election, ballot or resource has the identifier given."""


class AuthorizationError(InputError):
    """An administrative action was asked for without the right token."""


class TooManyAttempts(AuthorizationError):
    """Too many wrong tokens from one client lately: sign-in is refused for ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class EligibilityError(AuthorizationError):
    """A ballot lacks the signature its election requires (a voter's credential, a registered
    device's key), or carries one that is wrong, revoked or of another election."""


class PayloadTooLarge(InputError):
    """A request body is larger than the service accepts."""


class AuditInputError(InputError):
    """An input to a risk-limiting audit is malformed or inconsistent with the others.

    ``where`` names the file and, when known, the row or field: ``manifest.csv, row 4``.
    """

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class ProtocolError(NazahaError):
    """A protocol step cannot continue with the data it was given."""


class CeremonyError(ProtocolError):
    """The key ceremony found bad data.

    ``sender`` and ``receiver`` are guardian indices when the problem is a share one guardian
    sent another; ``receiver`` is None for problems with a guardian's public announcement.
    """

    def __init__(self, message: str, *, sender: int, receiver: int | None = None) -> None:
        super().__init__(message)
        self.sender = sender
        self.receiver = receiver


class QuorumError(ProtocolError):
    """Fewer guardians are present than the quorum k, or a guardian is listed twice."""


class BallotStateError(ProtocolError):
    """A cast-or-challenge or tally rule is broken (unknown code, decided twice, ...)."""


class ConflictError(BallotStateError):
    """The request conflicts with what is stored: a replayed selection encryption identifier,
    a ballot after voting closed, a step taken out of order."""


class UnknownBallotError(BallotStateError):
    """A cast or challenge names a confirmation code that no pending ballot has."""


class DecryptionError(ProtocolError):
    """A decryption share, commitment or response does not check out."""


class InvalidProof(ProtocolError):
    """A zero-knowledge proof does not verify.

    ``part`` says which condition failed, in words the verifier maps to spec check labels:
    ``"shape"`` (wrong number of values), ``"challenge-range"`` or ``"response-range"`` (a value
    outside Z_q), ``"challenge"`` (the recomputed challenge differs).
    """

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message)
        self.part = part


class AuditStateError(ProtocolError):
    """An audit step was asked for out of order: readings before a sample, a seed changed."""


class VerificationFailed(NazahaError):
    """A verification step of spec §6 failed.

    ``check`` is the spec's label such as ``"6.D"``; ``subject`` names the ballot, contest or
    guardian concerned.
    """

    def __init__(self, check: str, message: str, *, subject: str = "") -> None:
        prefix = f"[{check}] " + (f"{subject}: " if subject else "")
        super().__init__(prefix + message)
        self.check = check
        self.subject = subject
        self.detail = message


class StorageError(NazahaError):
    """Reading or writing the record or the workspace failed."""


class RemoteError(NazahaError):
    """The ballot-box service could not be reached, or failed with a server error (5xx)."""


class MissingDependencyError(NazahaError):
    """A feature needs a package of an optional extra (``nazaha[service]``, ``nazaha[cluster]``)
    that is not installed; the message says which extra to install."""
