"""Known answers for the audit math, from published sources.

* Ballot-comparison sample sizes: Stark's comparison audit tools and Lindeman & Stark, "A Gentle
  Introduction to Risk-Limiting Audits" (2012, p. 5), as reproduced by the doctests of Neal
  McBurnett's rlacalc (github.com/nealmcb/rlacalc, MIT licence, function ``nmin`` and README):
  risk limit 10%, γ = 1.03905.
* Ballot-polling sample sizes: Table 1 of Lindeman, Stark and Yates, "BRAVO" (EVT/WOTE 2012), as
  reproduced by rlacalc's ``findAsn`` doctests (risk limit 10%, no invalid ballots).
* BRAVO measured risk: rlacalc's ``ballot_polling_risk_level`` doctests, from Colorado's 2018
  audits (Custer and Las Animas counties).

Each audit method is also run on simulated cards and must stop within 10% of the published size.
"""

from __future__ import annotations

import math
import random
import statistics

import pytest

from nazaha.rla.audit import Audit, AuditSettings, AuditType, RiskMethod
from nazaha.rla.cards import CardRecord
from nazaha.rla.contests import parse_contests
from nazaha.rla.manifest import BallotManifest, Batch
from nazaha.rla.risk import DEFAULT_GAMMA, alpha_martingale, betting_martingale, bravo_martingale, measured_risk
from nazaha.rla.sample_size import ErrorRates, bravo_asn, kaplan_markov_sample_size


@pytest.mark.parametrize(
    ("margin", "alpha", "o1", "u1", "published"),
    [
        (0.20, 0.10, 0, 0, 24),
        (0.10, 0.10, 0, 0, 48),
        (0.05, 0.10, 0, 0, 96),
        (0.01, 0.10, 0, 0, 479),
        (0.002, 0.10, 0, 0, 2393),
        (0.05, 0.10, 1, 0, 123),
        (0.01, 0.10, 1, 0, 615),
        (0.005, 0.10, 1, 1, 1067),
        (0.05, 0.20, 0, 0, 67),
    ],
)
def test_comparison_sample_size_formula(margin: float, alpha: float, o1: int, u1: int, published: int) -> None:
    assert kaplan_markov_sample_size(alpha, margin, gamma=DEFAULT_GAMMA, o1=o1, u1=u1) == published


@pytest.mark.parametrize(("margin", "published"), [(0.01, 46151), (0.04, 2902), (0.20, 119)])
def test_bravo_asn_matches_table_1(margin: float, published: int) -> None:
    assert math.ceil(bravo_asn(0.10, (1 + margin) / 2, (1 - margin) / 2)) == published


@pytest.mark.parametrize(
    ("winner", "loser", "seen_winner", "seen_loser", "published"),
    [(1410, 1132, 170, 135, 0.1342382069344729), (2894, 1695, 45, 32, 0.47002027242290234)],
)
def test_bravo_measured_risk(winner: int, loser: int, seen_winner: int, seen_loser: int, published: float) -> None:
    votes = [1] * seen_winner + [-1] * seen_loser
    path = bravo_martingale(votes, share=winner / (winner + loser))
    assert path[-1] == pytest.approx(1 / published, rel=1e-9)


def _polling_audit(margin: float, method: RiskMethod, cards: int = 20_000) -> Audit:
    winner = round(cards * (1 + margin) / 2)
    contests = parse_contests({"contests": [{"id": "c", "reported": {"W": winner, "L": cards - winner}}]})
    return Audit(BallotManifest((Batch("A", cards),)), contests, AuditSettings(AuditType.POLLING, 0.10, method=method))


@pytest.mark.parametrize(("margin", "published"), [(0.20, 119), (0.04, 2902)])
def test_planned_bravo_sample_size_is_the_published_asn(margin: float, published: int) -> None:
    (planned,) = _polling_audit(margin, RiskMethod.BRAVO).plan()
    assert abs(planned.estimate - published) <= 0.10 * published


@pytest.mark.parametrize(
    ("margin", "alpha", "rates", "published"),
    [
        (0.20, 0.10, ErrorRates(0, 0, 0, 0), 24),
        (0.10, 0.10, ErrorRates(0, 0, 0, 0), 48),
        (0.05, 0.10, ErrorRates(0, 0, 0, 0), 96),
        (0.01, 0.10, ErrorRates(0, 0, 0, 0), 479),
        # rlacalc KM_Expected_sample_size (Stark's S157 notebook): α 5%, o1 = u1 = 0.1%
        (0.05, 0.05, ErrorRates(0.001, 0, 0.001, 0), 125),
        # rlacalc README: margin 3%, α 5%, rates 0.1%, 0.01%, 0.1%, 0.01% (one-vote counts rounded up)
        (0.03, 0.05, ErrorRates(), 226),
    ],
)
def test_planned_comparison_sample_size_is_within_ten_percent(
    margin: float, alpha: float, rates: ErrorRates, published: int
) -> None:
    cards = 20_000
    winner = round(cards * (1 + margin) / 2)
    marks = ["W"] * winner + ["L"] * (cards - winner)
    manifest = BallotManifest((Batch("A", cards),))
    cvrs = [CardRecord(card, (("c", (mark,)),)) for card, mark in zip(manifest.cards(), marks, strict=True)]
    contests = parse_contests({"contests": [{"id": "c", "reported": {"W": winner, "L": cards - winner}}]})
    settings = AuditSettings(AuditType.COMPARISON, alpha, rates=rates)
    (planned,) = Audit(manifest, contests, settings, cvrs).plan()
    assert abs(planned.estimate - published) <= 0.10 * published


def _stop(path: list[float], alpha: float) -> int | None:
    for index in range(len(path)):
        if measured_risk(path[: index + 1]) <= alpha:
            return index + 1
    return None


@pytest.mark.parametrize(("margin", "o1", "published"), [(0.20, 0, 24), (0.05, 0, 96), (0.01, 0, 479), (0.05, 1, 123)])
def test_comparison_audit_stops_near_the_published_size(margin: float, o1: int, published: int) -> None:
    """ALPHA with the fixed bet 2/γ, on cards without discrepancies (and one one-vote overstatement
    among the first cards), stops within 10% of the super-simple sample size."""
    no_error = 1 / (2 - margin)
    values = [no_error] * 5000
    for index in range(o1):
        values[index + 3] = no_error / 2
    bet = 2 / DEFAULT_GAMMA
    path = betting_martingale(values, [bet] * len(values), upper=2 / (2 - margin), population=1_000_000)
    stop = _stop(path, 0.10)
    assert stop is not None
    assert abs(stop - published) <= 0.10 * published


def test_bravo_audit_averages_the_published_asn() -> None:
    """300 simulated BRAVO audits of a 60%–40% contest average within 10% of ASN 119."""
    rng = random.Random(6)
    sizes = []
    for _ in range(300):
        votes = [1 if rng.random() < 0.6 else -1 for _ in range(3000)]
        stop = _stop_fast(bravo_martingale(votes, share=0.6), 0.10)
        sizes.append(stop)
    assert abs(statistics.mean(sizes) - 119) <= 0.10 * 119


def _stop_fast(path: list[float], alpha: float) -> int:
    return next(index + 1 for index, t in enumerate(path) if t >= 1 / alpha)


def test_alpha_is_conservative_when_the_null_holds() -> None:
    """400 ALPHA audits of a 400-card tie (mean exactly 1/2): at most α + 3σ confirm."""
    rng = random.Random(7)
    rejections = 0
    for _ in range(400):
        values = [1.0] * 200 + [0.0] * 200
        rng.shuffle(values)
        path = alpha_martingale(values, upper=1.0, eta0=0.6, population=400)
        rejections += max(path) >= 10
    assert rejections / 400 <= 0.10 + 3 * math.sqrt(0.10 * 0.90 / 400)


def test_alpha_full_count_settles_the_question() -> None:
    """Without replacement, once the remaining cards cannot bring the mean to 1/2, T is infinite."""
    values = [1.0] * 6 + [0.0] * 4
    assert alpha_martingale(values, upper=1.0, eta0=0.6, population=10)[-1] == math.inf
    values = [1.0] * 4 + [0.0] * 6
    assert measured_risk(alpha_martingale(values, upper=1.0, eta0=0.6, population=10)) > 0.05
