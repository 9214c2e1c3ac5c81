"""Known answers for the default sampler: the first 20 draws of ``consistent_sampler`` 1.0.10.

``data/consistent_sampler_1_0_10.json`` was produced by the package itself (R. L. Rivest, MIT
licence, from the Python package index) in a throwaway virtual environment, by
``tests/vectors/generate_consistent_sampler_vectors.py``; the package is not a dependency of Nazaha.
Three seeds, two id styles (plain ``<batch>-<position>`` strings and Arlo's
``((jurisdiction, tabulator, batch), position)`` tuples, as Arlo passes them), without and with
replacement. Nazaha's sampler, written from the construction, must reproduce every ticket, id and
generation, both through ``nazaha.rla.sampling.draws`` and through a whole audit's draw order.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from nazaha.rla.audit import Audit, AuditSettings, AuditType, RiskMethod
from nazaha.rla.contests import parse_contests
from nazaha.rla.manifest import BallotManifest, Batch, CardRef, IdStyle
from nazaha.rla.sampling import TicketScheme, draws

DATA = json.loads((Path(__file__).parent / "data" / "consistent_sampler_1_0_10.json").read_text("utf-8"))
CASES = DATA["cases"]


def _id(style: str, raw: Any) -> str:
    if style == "plain":
        assert isinstance(raw, str)
        return raw
    (jurisdiction, tabulator, batch), position = raw
    return str(((jurisdiction, tabulator, batch), position))


def _ids(style: str) -> list[str]:
    if style == "plain":
        return [f"{batch}-{position}" for batch, cards in DATA["plain_batches"] for position in range(1, cards + 1)]
    jurisdiction = DATA["arlo_jurisdiction"]
    return [
        str(((jurisdiction, tabulator, batch), position))
        for tabulator, batch, cards in DATA["arlo_batches"]
        for position in range(1, cards + 1)
    ]


def test_the_file_covers_three_seeds_two_id_styles_twenty_draws() -> None:
    assert DATA["source"].startswith("consistent_sampler 1.0.10 ")
    assert {case["seed"] for case in CASES} == {"83920174659201837465", "01382438112797316654", "12345678901234567890"}
    assert {case["id_style"] for case in CASES} == {"plain", "arlo"}
    assert all(len(case["draws"]) == 20 for case in CASES)
    assert any(generation > 1 for case in CASES for _, _, generation in case["draws"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['id_style']}-{c['seed']}-{c['with_replacement']}")
def test_draws_match_consistent_sampler(case: dict[str, Any]) -> None:
    stream = draws(
        case["seed"],
        _ids(case["id_style"]),
        with_replacement=case["with_replacement"],
        scheme=TicketScheme.CONSISTENT_SAMPLER_1_0_10,
    )
    got = [[d.ticket, d.identifier, d.generation] for d in itertools.islice(stream, 20)]
    expected = [[ticket, _id(case["id_style"], raw), generation] for ticket, raw, generation in case["draws"]]
    assert got == expected


def _manifest(style: str) -> BallotManifest:
    if style == "plain":
        return BallotManifest(tuple(Batch(batch, cards) for batch, cards in DATA["plain_batches"]))
    return BallotManifest(
        tuple(Batch(batch, cards, tabulator=tabulator or "") for tabulator, batch, cards in DATA["arlo_batches"])
    )


def _card(style: str, raw: Any) -> CardRef:
    if style == "plain":
        batch, position = raw.rsplit("-", 1)
        return CardRef(batch, int(position))
    (_, tabulator, batch), position = raw
    return CardRef(batch, position, tabulator or "")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['id_style']}-{c['seed']}-{c['with_replacement']}")
def test_an_audit_pulls_the_cards_consistent_sampler_draws(case: dict[str, Any]) -> None:
    """The audit engine, with the manifest's batches and Arlo's jurisdiction name, pulls the same
    cards in the same order, with the same tickets."""
    style = case["id_style"]
    manifest = _manifest(style)
    cards = manifest.total_cards
    contests = parse_contests({"contests": [{"id": "c", "reported": {"A": cards // 2 + 2, "B": cards // 2 - 2}}]})
    method = RiskMethod.BRAVO if case["with_replacement"] else RiskMethod.ALPHA
    settings = AuditSettings(
        AuditType.POLLING,
        0.1,
        method=method,
        id_style=IdStyle(style),
        jurisdiction=DATA["arlo_jurisdiction"] if style == "arlo" else "",
    )
    audit = Audit(manifest, contests, settings)
    sample = audit.sample(case["seed"], 0, 20)
    assert [(card, draw.ticket, draw.generation) for _, draw, card in sample] == [
        (_card(style, raw), ticket, generation) for ticket, raw, generation in case["draws"]
    ]
