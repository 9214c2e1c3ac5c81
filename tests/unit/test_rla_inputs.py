"""Audit inputs: every inconsistency is rejected with a message that names the file and the row."""

from __future__ import annotations

import json

import pytest

from nazaha.errors import AuditInputError
from nazaha.rla.audit import Audit, AuditSettings, AuditType, RiskMethod, check_seed
from nazaha.rla.cards import CardRecord, parse_card_records, records_to_csv, records_to_json
from nazaha.rla.contests import parse_contests
from nazaha.rla.dominion import read_dominion_cvrs
from nazaha.rla.manifest import PHANTOM_BATCH, BallotManifest, Batch, CardRef, parse_manifest_csv

MANIFEST = "batch,cards,container\nP1-A,3,Shelf 1\nP1-B,2,Shelf 1\n"
CONTESTS = {"contests": [{"id": "mayor", "reported": {"Alice": 3, "Bob": 1}}]}


def test_manifest_reads_aliases_and_numbers_cards() -> None:
    manifest = parse_manifest_csv("Batch Name,Number of Ballots\nA,2\nB-7,1\n")
    assert [card.identifier for card in manifest.cards()] == ["A-1", "A-2", "B-7-1"]
    assert manifest.total_cards == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("box,count\nA,1\n", "needs the columns 'batch' and 'cards'"),
        ("batch,cards\nA,x\n", "row 2: cards: 'x' is not a whole number"),
        ("batch,cards\nA,-1\n", "row 2: cards"),
        ("batch,cards\nA,1\nA,2\n", "row 3: batch 'A' is already listed in row 2"),
        ("batch,cards\n,3\n", "row 2: the batch id is empty"),
        ("batch,cards\n(phantom),3\n", "reserved"),
        ("batch,cards\n", "no batches"),
    ],
)
def test_manifest_errors(text: str, message: str) -> None:
    with pytest.raises(AuditInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_manifest_csv(text)


def test_max_cards_adds_phantoms_and_cannot_be_below_the_manifest() -> None:
    manifest = parse_manifest_csv(MANIFEST).with_max_cards(7)
    assert manifest.phantoms == 2
    assert list(manifest.cards())[-1] == CardRef(PHANTOM_BATCH, 2)
    with pytest.raises(AuditInputError, match="must not hold more cards than were cast"):
        parse_manifest_csv(MANIFEST).with_max_cards(4)


def test_card_positions_are_checked_against_the_manifest() -> None:
    manifest = parse_manifest_csv(MANIFEST)
    with pytest.raises(AuditInputError, match="batch 'P1-B' holds 2 cards"):
        manifest.check_card(CardRef("P1-B", 3), "readings.csv, row 4")
    with pytest.raises(AuditInputError, match="batch 'Nowhere' is not in the ballot manifest"):
        manifest.check_card(CardRef("Nowhere", 1), "x")


@pytest.mark.parametrize(
    ("contest", "message"),
    [
        ({"id": "c", "reported": {"A": 5}}, "at least two candidates"),
        ({"id": "c", "reported": {"A": 5, "B": 5}}, "tie for the last winning place"),
        ({"id": "c", "kind": "ranked", "reported": {"A": 5, "B": 4}}, "kind"),
        ({"id": "c", "reported": {"A": -1, "B": 4}}, "expected a whole number"),
        ({"id": "c", "kind": "supermajority", "reported": {"Y": 5, "N": 4}}, "needs its threshold"),
        ({"id": "c", "kind": "supermajority", "threshold": 0.6, "reported": {"Y": 5, "N": 4}}, "no candidate has more"),
        ({"id": "c", "winners": 2, "reported": {"A": 5, "B": 4}}, "winners must be between 1 and 1"),
        ({"id": "c", "reported": {"A": 5, "B": 4}, "cards": 3}, "do not fit on 3 cards"),
        ({"id": "c", "reported": {"A": 5, "B": 4}, "colour": "red"}, "unknown field"),
    ],
)
def test_contest_errors(contest: dict[str, object], message: str) -> None:
    with pytest.raises(AuditInputError, match=message):
        parse_contests({"contests": [contest]})


def test_contests_file_errors_name_the_field() -> None:
    with pytest.raises(AuditInputError, match=r"contests\[1\]\.id"):
        parse_contests({"contests": [CONTESTS["contests"][0], {"reported": {"A": 1, "B": 0}}]})
    with pytest.raises(AuditInputError, match="not valid JSON"):
        parse_contests(b"{")
    with pytest.raises(AuditInputError, match="listed twice"):
        parse_contests({"contests": [CONTESTS["contests"][0], CONTESTS["contests"][0]]})


def test_approval_and_multi_winner_winners() -> None:
    contests = parse_contests(
        {
            "contests": [
                {"id": "council", "kind": "approval", "winners": 2, "reported": {"A": 9, "B": 7, "C": 6, "D": 1}}
            ]
        }
    )
    (council,) = contests.contests
    assert council.reported_winners == ("A", "B")
    assert council.votes_allowed == 4


def _records(text: str, *, readings: bool = True) -> list[CardRecord]:
    return parse_card_records(
        text,
        manifest=parse_manifest_csv(MANIFEST),
        contests=parse_contests(CONTESTS),
        readings=readings,
        source="r.csv",
    )


def test_card_records_round_trip_csv_and_json() -> None:
    text = "batch,position,contest,marks\nP1-A,1,mayor,Alice\nP1-A,2,mayor,\nP1-A,3,,\nP1-B,1,,NOT FOUND\n"
    records = _records(text)
    assert records[0].marks("mayor") == ("Alice",)
    assert records[1].marks("mayor") == ()
    assert records[2].marks("mayor") is None
    assert not records[3].found
    assert _records(records_to_csv(records)) == records
    assert _records(json.dumps(records_to_json(records))) == records


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("P1-A,1,sheriff,Alice", "row 2: there is no contest 'sheriff' in the audit"),
        ("P1-A,1,mayor,Carol", "row 2: 'Carol' is not a candidate in contest 'mayor'"),
        ("P1-A,9,mayor,Alice", "row 2: card 9 of batch 'P1-A' is not in the ballot manifest: batch 'P1-A' holds 3"),
        ("P1-A,0,mayor,Alice", "row 2: position"),
        ("P1-A,1,mayor,Alice\nP1-A,1,mayor,Bob", "row 3: .* already has marks for contest 'mayor'"),
        ("P1-A,1,mayor,Alice|Alice", "marked twice"),
        ("P1-A,1,,NOT FOUND\nP1-A,1,mayor,Bob", "row 3: .* not found and also as read"),
    ],
)
def test_card_record_errors(rows: str, message: str) -> None:
    with pytest.raises(AuditInputError, match=message):
        _records("batch,position,contest,marks\n" + rows + "\n")


def test_not_found_belongs_only_in_readings() -> None:
    with pytest.raises(AuditInputError, match="belongs in the audit board's readings"):
        _records("batch,position,contest,marks\nP1-A,1,,NOT FOUND\n", readings=False)


def test_seed_needs_twenty_digits() -> None:
    assert check_seed(" 12345678901234567890 ") == "12345678901234567890"
    for bad in ("1234567890123456789", "1234567890123456789a", ""):
        with pytest.raises(AuditInputError, match="at least 20 decimal digits"):
            check_seed(bad)


def test_audit_checks_cvrs_against_reported_results() -> None:
    manifest = parse_manifest_csv(MANIFEST)
    contests = parse_contests(CONTESTS)
    cards = list(manifest.cards())
    cvrs = [
        CardRecord(card, (("mayor", (mark,)),))
        for card, mark in zip(cards, ["Alice", "Alice", "Bob", "Bob", "Bob"], strict=True)
    ]
    with pytest.raises(AuditInputError, match=r"Alice: 3 reported, 2 in the CVRs; Bob: 1 reported, 3 in the CVRs"):
        Audit(manifest, contests, AuditSettings(AuditType.COMPARISON, 0.1), cvrs)
    with pytest.raises(AuditInputError, match="needs the cast-vote records"):
        Audit(manifest, contests, AuditSettings(AuditType.COMPARISON, 0.1))
    with pytest.raises(AuditInputError, match="BRAVO is a ballot-polling method"):
        AuditSettings(AuditType.COMPARISON, 0.1, method=RiskMethod.BRAVO)
    with pytest.raises(AuditInputError, match="risk limit"):
        AuditSettings(AuditType.POLLING, 1.5)


def test_contest_cards_must_fit_the_manifest() -> None:
    manifest = BallotManifest((Batch("A", 10),))
    contests = parse_contests({"contests": [{"id": "c", "reported": {"A": 6, "B": 3}, "cards": 12}]})
    with pytest.raises(AuditInputError, match="set max_cards"):
        Audit(manifest, contests, AuditSettings(AuditType.POLLING, 0.1))
    contests = parse_contests({"max_cards": 12, "contests": [{"id": "c", "reported": {"A": 6, "B": 3}, "cards": 12}]})
    audit = Audit(manifest, contests, AuditSettings(AuditType.POLLING, 0.1))
    assert audit.population_size("c") == 12
    contests = parse_contests({"contests": [{"id": "c", "reported": {"A": 6, "B": 3}, "batches": ["Z"]}]})
    with pytest.raises(AuditInputError, match="there is no batch 'Z'"):
        Audit(manifest, contests, AuditSettings(AuditType.POLLING, 0.1))


# -- Dominion CvrExport.json, in the layout of public exports (see nazaha.rla.dominion) ------------

CONTEST_MANIFEST = {"Version": "5.10.50.85", "List": [
    {"Description": "mayor", "Id": 1, "ExternalId": "", "DistrictId": 1, "VoteFor": 1, "NumOfRanks": 0},
    {"Description": "dog catcher", "Id": 2, "ExternalId": "", "DistrictId": 1, "VoteFor": 1, "NumOfRanks": 0},
]}  # fmt: skip
CANDIDATE_MANIFEST = {"Version": "5.10.50.85", "List": [
    {"Description": "Alice", "Id": 11, "ExternalId": None, "ContestId": 1, "Type": "Regular"},
    {"Description": "Bob", "Id": 12, "ExternalId": None, "ContestId": 1, "Type": "Regular"},
    {"Description": "Rex", "Id": 21, "ExternalId": None, "ContestId": 2, "Type": "Regular"},
]}  # fmt: skip


def _session(
    tabulator: int, batch: int, record: int, marks: list[tuple[int, bool]], *, modified: list[int] | None = None
) -> dict[str, object]:
    def interpretation(current: bool, chosen: list[tuple[int, bool]]) -> dict[str, object]:
        return {
            "PrecinctPortionId": 4,
            "BallotTypeId": 2,
            "IsCurrent": current,
            "Cards": [{"Id": 1, "PaperIndex": 0, "Contests": [
                {"Id": 1, "ManifestationId": 1, "Undervotes": 0, "Overvotes": 0, "OutstackConditionIds": [],
                 "Marks": [{"CandidateId": c, "ManifestationId": 1, "PartyId": 0, "Rank": 1, "MarkDensity": 90,
                            "IsAmbiguous": False, "IsVote": vote, "OutstackConditionIds": []} for c, vote in chosen]},
                {"Id": 2, "ManifestationId": 2, "Undervotes": 0, "Overvotes": 0, "OutstackConditionIds": [],
                 "Marks": [{"CandidateId": 21, "Rank": 1, "IsVote": True}]},
            ]}],
        }  # fmt: skip

    session: dict[str, object] = {
        "TabulatorId": tabulator,
        "BatchId": batch,
        "RecordId": record,
        "CountingGroupId": 2,
        "ImageMask": f"D:\\NAS\\Images\\{tabulator:05d}_{batch:05d}_{record:06d}*.*",
        "Original": interpretation(modified is None, marks),
    }
    if modified is not None:
        session["Modified"] = interpretation(True, [(c, True) for c in modified])
    return session


def test_dominion_import() -> None:
    manifest = parse_manifest_csv("batch,cards\n5-1,3\n")
    contests = parse_contests({"contests": [{"id": "mayor", "reported": {"Alice": 2, "Bob": 1}}]})
    export = {"Version": "5.10.50.85", "ElectionId": "Test", "Sessions": [
        _session(5, 1, 1, [(11, True)]),
        _session(5, 1, 2, [(11, True), (12, False)]),  # a mark that is not a vote is dropped
        _session(5, 1, 3, [(11, True)], modified=[12]),  # adjudicated: the Modified reading counts
    ]}  # fmt: skip
    records = read_dominion_cvrs(
        [("CvrExport.json", json.dumps(export))],
        json.dumps(CONTEST_MANIFEST),
        json.dumps(CANDIDATE_MANIFEST),
        manifest=manifest,
        contests=contests,
    )
    assert [(r.card.identifier, r.contests) for r in records] == [
        ("5-1-1", (("mayor", ("Alice",)),)),
        ("5-1-2", (("mayor", ("Alice",)),)),
        ("5-1-3", (("mayor", ("Bob",)),)),
    ]
    Audit(manifest, contests, AuditSettings(AuditType.COMPARISON, 0.1), records)  # adds up to the reported results


def test_dominion_import_errors() -> None:
    manifest = parse_manifest_csv("batch,cards\n5-1,1\n")
    contests = parse_contests({"contests": [{"id": "mayor", "reported": {"Alice": 1, "Bob": 0}}]})

    def read(sessions: list[dict[str, object]], contest_manifest: object = CONTEST_MANIFEST) -> None:
        read_dominion_cvrs(
            [("CvrExport_1.json", json.dumps({"Sessions": sessions}))],
            json.dumps(contest_manifest),
            json.dumps(CANDIDATE_MANIFEST),
            manifest=manifest,
            contests=contests,
        )

    with pytest.raises(
        AuditInputError, match=r"CvrExport_1.json: Sessions\[0\]: card 2 of batch '5-1' is not in the ballot manifest"
    ):
        read([_session(5, 1, 2, [(11, True)])])
    with pytest.raises(AuditInputError, match="candidate id 99 is not in the manifest"):
        read([_session(5, 1, 1, [(99, True)])])
    with pytest.raises(AuditInputError, match=r"no contest is described as \['mayor'\]"):
        read([], {"List": [CONTEST_MANIFEST["List"][1]]})


@pytest.mark.parametrize(
    ("contests", "message"),
    [
        ([{"id": "c", "reported": {"A": 5, "B": 4}, "targeted": False}], "no contest is targeted"),
        (
            [{"id": "c", "reported": {"A": 5, "B": 4}, "targeted": "no"}],
            r"contests\[0\]\.targeted: expected true or false",
        ),
        (
            [{"id": "c", "name": "Mayor", "reported": {"A": 5, "B": 4}}, {"id": "Mayor", "reported": {"A": 5, "B": 4}}],
            "two contests carry the name 'Mayor'",
        ),
        (
            [{"id": "c", "reported": {"A": 5, "B": 4}, "batches": [{"batch": "B1"}]}],
            r"batches\[0\]: expected a batch name",
        ),
    ],
)
def test_contest_names_targets_and_batches_are_checked(contests: list[dict[str, object]], message: str) -> None:
    with pytest.raises(AuditInputError, match=message):
        parse_contests({"contests": contests}, source="results.json")


def test_a_contest_on_one_tabulators_batch() -> None:
    manifest = parse_manifest_csv("tabulator,batch,cards\nT1,B1,10\nT2,B1,10\n")
    contests = parse_contests(
        {"contests": [{"id": "c", "reported": {"A": 6, "B": 3}, "batches": [{"tabulator": "T2", "batch": "B1"}]}]}
    )
    audit = Audit(manifest, contests, AuditSettings(AuditType.POLLING, 0.1))
    assert {card.tabulator for card in audit.population("c")} == {"T2"}
    both = parse_contests({"contests": [{"id": "c", "reported": {"A": 6, "B": 3}, "batches": ["B1"]}]})
    assert audit.population_size("c") == 10
    assert Audit(manifest, both, AuditSettings(AuditType.POLLING, 0.1)).population_size("c") == 20
    assert contests.contests[0].to_json()["batches"] == [{"tabulator": "T2", "batch": "B1"}]


def test_readings_name_a_tabulator_when_the_manifest_has_them() -> None:
    manifest = parse_manifest_csv("tabulator,batch,cards\nT1,B1,3\nT2,B1,3\n")
    contests = parse_contests({"contests": [{"id": "c", "reported": {"A": 3, "B": 1}}]})
    with pytest.raises(AuditInputError, match="batch 'B1' needs its tabulator"):
        parse_card_records(
            "batch,position,contest,marks\nB1,1,c,A\n",
            manifest=manifest,
            contests=contests,
            readings=True,
            source="r.csv",
        )
    (record,) = parse_card_records(
        "batch,position,contest,marks,tabulator\nB1,1,c,A,T2\n",
        manifest=manifest,
        contests=contests,
        readings=True,
        source="r.csv",
    )
    assert record.card == CardRef("B1", 1, "T2")
    assert parse_card_records(
        records_to_csv([record]), manifest=manifest, contests=contests, readings=True, source="x"
    ) == [record]
