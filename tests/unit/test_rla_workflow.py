"""The audit folder's steps below the CLI: the readings log, corrections, omissions, the pull list,
round messages, and error messages that name the official's own files."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from nazaha.cli.audit import format_risk
from nazaha.errors import AuditInputError, AuditStateError
from nazaha.rla.audit import AuditSettings, AuditType
from nazaha.rla.cards import CardRecord
from nazaha.rla.contests import parse_contests
from nazaha.rla.manifest import BallotManifest, Batch, CardRef
from nazaha.rla.pull_list import PullItem, pull_list_csv, pull_sheet_html, sort_pull_list
from nazaha.rla.readings_log import ReadingsLog
from nazaha.workflows.audit import AuditFolder, plan_audit

SEED = "11223344556677889900"
MANIFEST = "container,tabulator,batch,cards\nShelf 2,T2,Batch 1,300\nShelf 1,T1,Batch 1,300\n"
CONTESTS = {
    "contests": [
        {"id": "mayor", "reported": {"Alice": 380, "Bob": 200}},
        {"id": "clerk", "reported": {"Cy": 160, "Di": 120}, "batches": [{"tabulator": "T1", "batch": "Batch 1"}]},
    ]
}


def _folder(tmp_path: Path) -> AuditFolder:
    plan_audit(
        tmp_path / "audit",
        manifest_csv=MANIFEST.encode(),
        contests_json=json.dumps(CONTESTS).encode(),
        settings=AuditSettings(AuditType.POLLING, 0.1),
    )
    return AuditFolder(tmp_path / "audit")


def _paper(card: CardRef) -> CardRecord:
    rng = random.Random(f"{card.tabulator}/{card.position}")
    held = [("mayor", (rng.choice(["Alice", "Alice", "Bob"]),))]
    if card.tabulator == "T1":
        held.append(("clerk", (rng.choice(["Cy", "Di"]),)))
    return CardRecord(card, tuple(sorted(held)))


def _csv(records: list[CardRecord]) -> bytes:
    rows = ["tabulator,batch,position,contest,marks"]
    for record in records:
        rows += [
            f"{record.card.tabulator},{record.card.batch},{record.card.position},{c},{'|'.join(m)}"
            for c, m in record.contests
        ]
    return ("\n".join(rows) + "\n").encode()


def _drawn(folder: AuditFolder) -> list[CardRef]:
    assert folder.seed is not None
    return list(dict.fromkeys(card for _, _, card in folder.audit.sample(folder.seed, 0, folder.prefix)))


def test_pull_list_is_sorted_and_waiting_names_each_contest_with_its_own_count(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    drawn = folder.draw_round(seed=SEED, size=20)
    keys = [(i.container, i.card.tabulator, i.card.batch, i.card.position) for i in drawn.pull_list]
    assert keys == sorted(keys)
    assert keys[0][0] == "Shelf 1"  # manifest order was Shelf 2 first
    cards = _drawn(folder)
    t1 = sum(1 for card in cards if card.tabulator == "T1")
    with pytest.raises(AuditStateError) as error:
        folder.draw_round()
    assert f"{len(cards)} card(s) for contest 'mayor'" in str(error.value)
    assert f"{t1} card(s) for contest 'clerk'" in str(error.value)
    rows = list(csv.DictReader((tmp_path / "audit" / "rounds" / "pull-list-1.csv").read_text().splitlines()))
    assert [(r["container"], r["tabulator"], int(r["position"])) for r in rows] == [(k[0], k[1], k[3]) for k in keys]


def test_readings_that_leave_out_a_contest_need_confirming(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    folder.draw_round(seed=SEED, size=10)
    cards = _drawn(folder)
    t1 = next(card for card in cards if card.tabulator == "T1")
    records = [_paper(card) for card in cards]
    left_out = [
        CardRecord(r.card, tuple(c for c in r.contests if c[0] != "clerk")) if r.card == t1 else r for r in records
    ]
    checked = folder.check_readings(_csv(left_out), source="board 1.csv")
    assert checked.omitted == {t1: ("clerk",)}
    with pytest.raises(AuditInputError, match=r"^board 1.csv: 1 reading\(s\) leave out contests the card may hold"):
        folder.record(_csv(left_out), source="board 1.csv")
    assert not (tmp_path / "audit" / "readings.json").exists()
    assert folder.record(_csv(left_out), source="board 1.csv", board="Board 1", accept_omissions=True) == len(cards)
    (entry,) = [e for e in AuditFolder(tmp_path / "audit").log.entries if e.record.card == t1]
    assert entry.omitted == ("clerk",)
    assert entry.recorded_by == "Board 1"


def test_a_correction_supersedes_and_both_entries_stay(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    folder.draw_round(seed=SEED, size=10)
    cards = _drawn(folder)
    records = [_paper(card) for card in cards]
    wrong = CardRecord(
        records[0].card, tuple((c, ("Bob",)) if c == "mayor" else (c, m) for c, m in records[0].contests)
    )
    folder.record(_csv([wrong, *records[1:]]), source="r.csv")
    with pytest.raises(AuditInputError, match="record a correction with 'nazaha audit correct'"):
        folder.record(_csv(records[:1]), source="r.csv")
    with pytest.raises(AuditInputError, match="must be signed off"):
        folder.correct(_csv(records[:1]), source="fix.csv", signed_off_by=" ", reason="misread")
    with pytest.raises(AuditInputError, match="needs its reason"):
        folder.correct(_csv(records[:1]), source="fix.csv", signed_off_by="H. Khalil", reason="")
    with pytest.raises(AuditInputError, match="repeats its current reading"):
        folder.correct(_csv(records[1:2]), source="fix.csv", signed_off_by="H. Khalil", reason="again")
    folder.correct(_csv(records[:1]), source="fix.csv", signed_off_by="H. Khalil", reason="misread the mark")
    reopened = AuditFolder(tmp_path / "audit")
    assert reopened.readings[records[0].card] == records[0]
    ((old, new),) = reopened.log.corrections()
    assert old.record == wrong and new.record == records[0]
    assert new.supersedes == old.number and new.signed_off_by == "H. Khalil"
    report = reopened.report()
    assert report["corrections"][0]["before"]["contests"]["mayor"] == ["Bob"]
    assert len(report["readings_log"]) == len(records) + 1


def test_a_log_whose_correction_supersedes_the_wrong_entry_is_refused() -> None:
    manifest = BallotManifest((Batch("A", 5),))
    contests = parse_contests({"contests": [{"id": "c", "reported": {"X": 3, "Y": 1}}]})
    first = CardRecord(CardRef("A", 1), (("c", ("X",)),))
    log, added = ReadingsLog().add_readings([first], round=1, recorded_by="", omitted={}, source="r")
    assert added == 1
    fixed = CardRecord(CardRef("A", 1), (("c", ("Y",)),))
    log = log.add_corrections([fixed], round=1, recorded_by="", signed_off_by="S", reason="why", omitted={}, source="f")
    raw = log.to_json()
    assert ReadingsLog.from_json(raw, manifest=manifest, contests=contests, source="log").current() == {
        fixed.card: fixed
    }
    raw["entries"][1]["supersedes"] = 7
    with pytest.raises(AuditInputError, match=r"log: entries\[1\]: entry 2 supersedes entry 7"):
        ReadingsLog.from_json(raw, manifest=manifest, contests=contests, source="log")
    raw["entries"][1].pop("supersedes")
    with pytest.raises(AuditInputError, match="read again without superseding entry 1"):
        ReadingsLog.from_json(raw, manifest=manifest, contests=contests, source="log")


def test_pull_sheet_escapes_and_marks_cards_that_need_not_be_pulled() -> None:
    items = sort_pull_list(
        [
            PullItem(CardRef("B<2>", 3, "T&1"), "Shelf 2", (4,), ("mayor",), (), ""),
            PullItem(CardRef("B1", 1, "T1"), "Shelf 1", (1, 7), (), ("clerk",), "holds no targeted contest"),
        ]
    )
    assert [item.card.batch for item in items] == ["B1", "B<2>"]
    text = pull_list_csv(items)
    assert text.splitlines()[1] == "Shelf 1,T1,B1,1,,clerk,1|7,holds no targeted contest"
    sheet = pull_sheet_html(items, title="Round 1", contests=["mayor"])
    assert "B&lt;2&gt;" in sheet and "T&amp;1" in sheet
    assert "<tr class='skip'>" in sheet
    assert "1 card(s) to pull" in sheet


def test_messages_name_the_officials_files(tmp_path: Path) -> None:
    with pytest.raises(
        AuditInputError,
        match=r"^County Manifest 2026.csv, row 4: batch 'Batch 1' of tabulator 'T2' is already listed in row 2",
    ):
        plan_audit(
            tmp_path / "a",
            manifest_csv=(MANIFEST + "Shelf 3,T2,Batch 1,5\n").encode(),
            contests_json=json.dumps(CONTESTS).encode(),
            settings=AuditSettings(AuditType.POLLING, 0.1),
            manifest_source="County Manifest 2026.csv",
        )
    with pytest.raises(AuditInputError, match=r"^official results.json: contests\[0\]\.reported\.Bob"):
        plan_audit(
            tmp_path / "b",
            manifest_csv=MANIFEST.encode(),
            contests_json=json.dumps({"contests": [{"id": "mayor", "reported": {"Alice": 3, "Bob": -1}}]}).encode(),
            settings=AuditSettings(AuditType.POLLING, 0.1),
            contests_source="official results.json",
        )
    with pytest.raises(AuditInputError, match=r"^official results.json: max_cards: 10 cards cast, but County"):
        plan_audit(
            tmp_path / "c",
            manifest_csv=MANIFEST.encode(),
            contests_json=json.dumps({"max_cards": 10, **CONTESTS}).encode(),
            settings=AuditSettings(AuditType.POLLING, 0.1),
            manifest_source="County Manifest 2026.csv",
            contests_source="official results.json",
        )


@pytest.mark.parametrize(
    ("risk", "shown"), [(0.05, "0.0500"), (1.0, "1.0000"), (0.0001, "0.0001"), (3.2e-05, "3.20e-05"), (0.0, "0.0000")]
)
def test_small_risks_are_shown_in_scientific_notation(risk: float, shown: str) -> None:
    assert format_risk(risk) == shown
