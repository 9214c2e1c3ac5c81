"""An audit's settings: its kind, risk limit, risk measure and sampler, checked on construction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from nazaha.errors import AuditInputError
from nazaha.rla.manifest import IdStyle
from nazaha.rla.risk import DEFAULT_GAMMA, AlphaSettings
from nazaha.rla.sample_size import ErrorRates
from nazaha.rla.sampling import DEFAULT_SCHEME, TicketScheme

__all__ = ["SEED_DIGITS", "AuditSettings", "AuditType", "RiskMethod", "check_seed"]

SEED_DIGITS = 20
_SEED = re.compile(r"[0-9]+")


class AuditType(StrEnum):
    POLLING = "polling"
    COMPARISON = "comparison"


class RiskMethod(StrEnum):
    ALPHA = "alpha"
    BRAVO = "bravo"


def check_seed(seed: str) -> str:
    """The seed must be at least 20 decimal digits, as rolled with ten-sided dice in public."""
    seed = seed.strip()
    if not _SEED.fullmatch(seed) or len(seed) < SEED_DIGITS:
        raise AuditInputError("seed", f"expected at least {SEED_DIGITS} decimal digits rolled with dice in public")
    return seed


@dataclass(frozen=True, slots=True)
class AuditSettings:
    """The kind of audit, its risk limit α, the risk measure's constants and the sampler.

    ``sampler`` is the ticket construction (``nazaha.rla.sampling``); ``id_style`` how a card's
    identifier is written for it, and ``jurisdiction`` the jurisdiction name that Arlo's ids carry.
    """

    type: AuditType
    risk_limit: float
    method: RiskMethod = RiskMethod.ALPHA
    gamma: float = DEFAULT_GAMMA
    rates: ErrorRates = field(default_factory=ErrorRates)
    alpha: AlphaSettings = field(default_factory=AlphaSettings)
    sampler: TicketScheme = DEFAULT_SCHEME
    id_style: IdStyle = IdStyle.PLAIN
    jurisdiction: str = ""

    def __post_init__(self) -> None:
        if not 0 < self.risk_limit < 1:
            raise AuditInputError("risk limit", f"{self.risk_limit!r} is not a fraction strictly between 0 and 1")
        if self.method is RiskMethod.BRAVO and self.type is not AuditType.POLLING:
            raise AuditInputError("method", "BRAVO is a ballot-polling method; comparison audits use ALPHA")
        if not self.gamma > 1:
            raise AuditInputError("gamma", "the error inflation factor γ must exceed 1")
        if self.id_style is IdStyle.ARLO and not self.jurisdiction.strip():
            raise AuditInputError("jurisdiction", "Arlo's card ids carry the jurisdiction's name; give it")
        if self.id_style is IdStyle.PLAIN and self.jurisdiction:
            raise AuditInputError("jurisdiction", "only Arlo's id style uses the jurisdiction's name")

    @property
    def with_replacement(self) -> bool:
        return self.method is RiskMethod.BRAVO
