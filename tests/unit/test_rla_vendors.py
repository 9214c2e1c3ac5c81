"""Vendors' cast-vote records: real exports read from ../shared, small fixtures for the rest.

Real files (never copied into the project; ``tests/support/external.py``): San Francisco's 2024
Dominion JSON exports (``RecordId: "X"``, the record number inside ``ImageMask``) with their
manifests, SHANGRLA's Dominion test files of versions 5.2.18.2 and 5.10.50.85, and Arlo's Kendall
Park election (an Arlo ballot manifest and Dominion CSV CVRs). Our own fixtures
(``tests/fixtures/rla``) cover ES&S, Hart and Clear Ballot. Each format also gets a bad file, and
its error must name the file, the row (or session, or element) and the column (or field).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from nazaha.errors import AuditInputError
from nazaha.rla.audit import Audit, AuditSettings, AuditType
from nazaha.rla.cards import CvrImport
from nazaha.rla.contests import ContestsFile, parse_contests
from nazaha.rla.cvr_formats import CvrFormat, import_cvrs
from nazaha.rla.manifest import BallotManifest, CardRef, parse_manifest_csv
from tests.support.external import shared_reference

FIXTURES = Path(__file__).parents[1] / "fixtures" / "rla"


def _tally(imported: CvrImport, contest: str) -> dict[str, int]:
    tally: Counter[str] = Counter()
    for record in imported.records:
        marks = record.marks(contest)
        if marks and len(marks) == 1:
            tally.update(marks)
    return dict(tally)


def _manifest(path: Path) -> BallotManifest:
    return parse_manifest_csv(path.read_text("utf-8"), source=path.name)


def _comparison(manifest: BallotManifest, contests: ContestsFile, imported: CvrImport) -> Audit:
    """The CVRs must add up to the reported results, or the audit refuses them."""
    return Audit(manifest, contests, AuditSettings(AuditType.COMPARISON, 0.1), list(imported.records))


# -- ballot manifests ---------------------------------------------------------------------------------


def test_arlo_manifest_with_the_same_batch_name_under_two_tabulators_is_accepted() -> None:
    manifest = _manifest(FIXTURES / "ess-manifest.csv")
    assert [(b.tabulator, b.id, b.cards, b.container) for b in manifest.batches] == [
        ("0001", "BATCH1", 4, "Shelf 1"),
        ("0002", "BATCH1", 4, "Shelf 2"),
    ]
    cards = list(manifest.cards())
    assert cards[0] == CardRef("BATCH1", 1, "0001")
    assert cards[4] == CardRef("BATCH1", 1, "0002")
    assert len({card.identifier for card in cards}) == 8
    with pytest.raises(
        AuditInputError, match=r"ess-manifest.csv, row 4: batch 'BATCH1' of tabulator '0001' is already"
    ):
        parse_manifest_csv(
            (FIXTURES / "ess-manifest.csv").read_text() + "Shelf 3,0001,BATCH1,2\n", source="ess-manifest.csv"
        )


def test_kendall_park_manifest_reads_tabulators() -> None:
    path = shared_reference("rla", "vendor-samples", "arlo", "Kendall Park - ballot manifest.csv")
    manifest = _manifest(path)
    assert manifest.total_cards == 500
    assert {b.tabulator for b in manifest.batches} == {"Tabulator A", "Tabulator B", "Tabulator C"}
    assert manifest.batch("Batch 5", "Tabulator B").cards == 42


# -- Dominion JSON ------------------------------------------------------------------------------------

SF = ("rla", "vendor-samples", "sf2024-dominion")
SF_EXPORTS = ("CvrExport_0.json", "CvrExport_11.json", "CvrExport_15.json")


def _sf_files(*names: str) -> list[tuple[str, bytes]]:
    return [(name, shared_reference(*SF, name).read_bytes()) for name in names]


def _sf_president() -> ContestsFile:
    candidates = json.loads(shared_reference(*SF, "CandidateManifest.json").read_bytes())["List"]
    names = [c["Description"] for c in candidates if c["ContestId"] == 1]
    reported = dict.fromkeys(names, 0) | {
        "KAMALA D. HARRIS / TIM WALZ": 52,
        "DONALD J. TRUMP / JD VANCE": 15,
        "CHASE OLIVER / MIKE TER MAAT": 2,
    }
    return parse_contests(
        {"contests": [{"id": "president", "name": "PRESIDENT AND VICE PRESIDENT", "reported": reported}]}
    )


def test_san_francisco_dominion_exports_with_hidden_record_ids() -> None:
    manifest = parse_manifest_csv("tabulator,batch,cards\n5,1,74\n5,7,119\n11,8,95\n", source="sf-manifest.csv")
    contests = _sf_president()
    files = _sf_files(*SF_EXPORTS, "ContestManifest.json", "CandidateManifest.json")
    imported = import_cvrs(CvrFormat.DOMINION_JSON, files, manifest=manifest, contests=contests)
    assert len(imported.records) == 74 + 119 + 95
    # the first session of CvrExport_0.json: RecordId "X", ImageMask ...\00005_00001_000022*.*
    assert imported.records[0].card == CardRef("1", 22, "5")
    positions = Counter((r.card.tabulator, r.card.batch) for r in imported.records)
    assert positions == {("5", "1"): 74, ("5", "7"): 119, ("11", "8"): 95}
    assert _tally(imported, "president") == {
        "KAMALA D. HARRIS / TIM WALZ": 52,
        "DONALD J. TRUMP / JD VANCE": 15,
        "CHASE OLIVER / MIKE TER MAAT": 2,
    }
    ignored = dict(imported.ignored)
    assert "PRESIDENT AND VICE PRESIDENT" not in ignored
    assert ignored["CITY ATTORNEY"] == 72  # contests outside the audit are counted, not refused
    _comparison(manifest, contests, imported)


def test_a_bad_san_francisco_session_names_the_file_the_session_and_the_field() -> None:
    manifest = parse_manifest_csv("tabulator,batch,cards\n5,1,74\n", source="sf-manifest.csv")
    export = json.loads(shared_reference(*SF, "CvrExport_0.json").read_bytes())
    export["Sessions"][3]["ImageMask"] = "D:\\NAS\\Images\\unreadable.tif"
    files = [
        ("CvrExport_0.json", json.dumps(export).encode()),
        *_sf_files("ContestManifest.json", "CandidateManifest.json"),
    ]
    with pytest.raises(AuditInputError, match=r"^CvrExport_0.json: Sessions\[3\], field 'ImageMask': RecordId is 'X'"):
        import_cvrs(CvrFormat.DOMINION_JSON, files, manifest=manifest, contests=_sf_president())
    export["Sessions"][3]["ImageMask"] = "D:\\NAS\\Images\\00005_00001_000075*.*"  # record 75 of a 74-card batch
    files[0] = ("CvrExport_0.json", json.dumps(export).encode())
    with pytest.raises(
        AuditInputError, match=r"^CvrExport_0.json: Sessions\[3\]: card 75 of batch '1' of tabulator '5'"
    ):
        import_cvrs(CvrFormat.DOMINION_JSON, files, manifest=manifest, contests=_sf_president())


SHANGRLA = ("rla", "vendor-samples", "shangrla-dominion")


def test_shangrla_dominion_files_of_two_versions() -> None:
    """5.10.50.85: a numeric RecordId, an "X" with the number in ImageMask, and a session of two
    cards; 5.2.18.2: contests directly under the interpretation, and an adjudicated Modified one."""
    # SHANGRLA ships these exports without their Contest and Candidate manifests: name every id
    contest_manifest = json.dumps(
        {"List": [{"Id": n, "Description": f"contest {n}", "VoteFor": 1, "NumOfRanks": 0} for n in range(1, 400)]}
    ).encode()
    candidate_manifest = json.dumps(
        {"List": [{"Id": n, "Description": f"candidate {n}", "ContestId": 0, "Type": "Regular"} for n in range(1, 400)]}
    ).encode()
    contests = parse_contests({"contests": [{"id": "c", "name": "contest 999", "reported": {"x": 1, "y": 0}}]})
    manifest = parse_manifest_csv(
        "batch,cards\n1-2,20\n1-5,200\n1-17,123456789\n60001-1,5\n60009-3,30\n", source="m.csv"
    )
    files = [
        ("test_5.10.50.85.Dominion.json", shared_reference(*SHANGRLA, "test_5.10.50.85.Dominion.json").read_bytes()),
        ("test_5.2.18.2.Dominion.json", shared_reference(*SHANGRLA, "test_5.2.18.2.Dominion.json").read_bytes()),
        ("ContestManifest.json", contest_manifest),
        ("CandidateManifest.json", candidate_manifest),
    ]
    with pytest.raises(AuditInputError, match=r"no contest is described as \['contest 999'\]"):
        import_cvrs(CvrFormat.DOMINION_JSON, files, manifest=manifest, contests=contests)
    contests = parse_contests({"contests": [{"id": "c", "name": "contest 29", "reported": {"x": 1, "y": 0}}]})
    imported = import_cvrs(CvrFormat.DOMINION_JSON, files, manifest=manifest, contests=contests)
    cards = [record.card for record in imported.records]
    assert cards == [
        CardRef("1-2", 13),
        CardRef("1-5", 119),
        CardRef("1-17", 123456789),
        CardRef("60001-1", 1),
        CardRef("60009-3", 21),
    ]
    # the session of two cards holds the contests of both
    raw = json.loads(files[0][1])["Sessions"][2]["Original"]["Cards"]
    expected = {f"contest {contest['Id']}" for card in raw for contest in card["Contests"]}
    assert set(dict(imported.ignored)) >= expected
    # SHANGRLA's CvrExport_1.json is the same card as the 5.10 file's second session
    again = [*files, ("CvrExport_1.json", shared_reference(*SHANGRLA, "CvrExport_1.json").read_bytes())]
    with pytest.raises(
        AuditInputError,
        match=r"^CvrExport_1.json: Sessions\[0\], column 'RecordId': record 119 of batch '1-5' is listed twice "
        r"\(first at test_5.10.50.85.Dominion.json: Sessions\[1\]\)",
    ):
        import_cvrs(CvrFormat.DOMINION_JSON, again, manifest=manifest, contests=contests)


# -- Dominion CSV (Arlo's Kendall Park) -----------------------------------------------------------------

ARLO = ("rla", "vendor-samples", "arlo")


def _kendall_park() -> tuple[BallotManifest, ContestsFile]:
    manifest = _manifest(shared_reference(*ARLO, "Kendall Park - ballot manifest.csv"))
    contests: list[dict[str, object]] = []
    for name in ("Master of Magic", "Minister of Farming", "Secretary of Treasure"):
        path = shared_reference(*ARLO, f"Kendall Park - {name} - candidate totals by batch.csv")
        totals: Counter[str] = Counter()
        for row in csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))):
            totals.update({key: int(value) for key, value in row.items() if key != "Batch Name"})
        contests.append({"id": name.lower().replace(" ", "-"), "name": name, "reported": dict(totals)})
    contests[0]["targeted"] = False
    return manifest, parse_contests({"contests": contests})


def test_kendall_park_dominion_csv() -> None:
    manifest, contests = _kendall_park()
    path = shared_reference(*ARLO, "Kendall Park - cvrs.csv")
    imported = import_cvrs(
        CvrFormat.DOMINION_CSV, [(path.name, path.read_bytes())], manifest=manifest, contests=contests
    )
    assert len(imported.records) == 500
    assert imported.records[0].card == CardRef("Batch 1", 1, "Tabulator A")
    assert _tally(imported, "secretary-of-treasure") == {"Denny Vargas": 450, "Jackie Sweet": 20}
    assert imported.ignored == ()
    audit = _comparison(manifest, contests, imported)
    assert audit.population_size("minister-of-farming") == 109  # the cards whose CVR holds the contest


def test_a_bad_dominion_csv_names_the_file_the_row_and_the_column() -> None:
    manifest, contests = _kendall_park()
    text = shared_reference(*ARLO, "Kendall Park - cvrs.csv").read_text("utf-8")
    lines = text.splitlines()
    cells = lines[9].split(",")
    cells[3] = "six"
    lines[9] = ",".join(cells)
    with pytest.raises(AuditInputError, match=r"^kp-cvrs.csv, row 10, column 'RecordId': 'six' is not a whole number"):
        import_cvrs(
            CvrFormat.DOMINION_CSV, [("kp-cvrs.csv", "\n".join(lines).encode())], manifest=manifest, contests=contests
        )
    cells[3], cells[1] = "6", "Tabulator Z"
    lines[9] = ",".join(cells)
    with pytest.raises(
        AuditInputError, match=r"^kp-cvrs.csv, row 10: tabulator 'Tabulator Z', batch 'Batch 1' is not in"
    ):
        import_cvrs(
            CvrFormat.DOMINION_CSV, [("kp-cvrs.csv", "\n".join(lines).encode())], manifest=manifest, contests=contests
        )
    cells[1] = "Tabulator A"
    cells[8] = "2"  # Minister of Farming: Erin George
    lines[9] = ",".join(cells)
    with pytest.raises(
        AuditInputError, match=r"^kp-cvrs.csv, row 10, column 'Minister of Farming: Erin George': '2' is"
    ):
        import_cvrs(
            CvrFormat.DOMINION_CSV, [("kp-cvrs.csv", "\n".join(lines).encode())], manifest=manifest, contests=contests
        )


# -- ES&S -------------------------------------------------------------------------------------------------

MAYOR = {"contests": [{"id": "mayor", "name": "Mayor", "reported": {"Alice": 4, "Bob": 2}}]}


def _ess_files(**replace: tuple[str, str]) -> list[tuple[str, bytes]]:
    files = []
    for name in ("cvr.csv", "ballots-1.csv", "ballots-2.csv"):
        text = (FIXTURES / "ess" / name).read_text("utf-8")
        if name in replace:
            old, new = replace[name]
            assert old in text
            text = text.replace(old, new)
        files.append((name, text.encode()))
    return files


def test_ess_cvr_and_ballots_files() -> None:
    manifest = _manifest(FIXTURES / "ess-manifest.csv")
    contests = parse_contests(MAYOR)
    imported = import_cvrs(CvrFormat.ESS, _ess_files(), manifest=manifest, contests=contests)
    by_card = {record.card: record.marks("mayor") for record in imported.records}
    # tabulator 0001's ballot numbers 101, 102, 104, 105 (a gap) are positions 1-4 of its BATCH1
    assert by_card == {
        CardRef("BATCH1", 1, "0001"): ("Alice",),
        CardRef("BATCH1", 2, "0001"): ("Bob",),
        CardRef("BATCH1", 3, "0001"): (),  # undervote
        CardRef("BATCH1", 4, "0001"): (),  # overvote: no valid vote
        CardRef("BATCH1", 1, "0002"): ("Alice",),
        CardRef("BATCH1", 2, "0002"): ("Alice",),
        CardRef("BATCH1", 3, "0002"): ("Bob",),
        CardRef("BATCH1", 4, "0002"): ("Alice",),
    }
    assert imported.ignored == (("Dog Catcher", 6),)
    _comparison(manifest, contests, imported)


def test_ess_single_file_with_batch_and_tabulator_columns() -> None:
    manifest = _manifest(FIXTURES / "ess-manifest.csv")
    text = "Cast Vote Record,Batch,Tabulator CVR,Precinct,Ballot Style,Mayor\n1,BATCH1,0001000007,P,S,Alice\n"
    imported = import_cvrs(
        CvrFormat.ESS, [("cvr.csv", text.encode())], manifest=manifest, contests=parse_contests(MAYOR)
    )
    assert [record.card for record in imported.records] == [CardRef("BATCH1", 1, "0001")]


def test_bad_ess_files_name_the_file_the_row_and_the_column() -> None:
    manifest = _manifest(FIXTURES / "ess-manifest.csv")
    contests = parse_contests(MAYOR)
    bad = _ess_files(**{"ballots-2.csv": ("0002000003", "2000003")})
    with pytest.raises(AuditInputError, match=r"^ballots-2.csv, row 4, column 'Tabulator CVR': '2000003' is neither"):
        import_cvrs(CvrFormat.ESS, bad, manifest=manifest, contests=contests)
    bad = _ess_files(**{"cvr.csv": ("6,Precinct 2,Ballot Style 1,Alice", "6,Precinct 2,Ballot Style 1,Alicia")})
    with pytest.raises(
        AuditInputError, match=r"^cvr.csv, row 7 \(card at ballots-2.csv, row 3\), column 'Mayor': 'Alicia'"
    ):
        import_cvrs(CvrFormat.ESS, bad, manifest=manifest, contests=contests)
    bad = _ess_files(**{"ballots-1.csv": ("4,BATCH1", "9,BATCH1")})
    with pytest.raises(
        AuditInputError, match=r"^cvr.csv, row 5, column 'Cast Vote Record': Cast Vote Record '4' is in no"
    ):
        import_cvrs(CvrFormat.ESS, bad, manifest=manifest, contests=contests)


# -- Hart -------------------------------------------------------------------------------------------------

HART_MAYOR = {"contests": [{"id": "mayor", "name": "Mayor", "reported": {"Alice": 3, "Bob": 1, "Write-In": 1}}]}


def _hart_zip(tabulator: str, replace: tuple[str, str, str] | None = None) -> tuple[str, bytes]:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted((FIXTURES / "hart" / tabulator).glob("*.xml")):
            data = path.read_text("utf-8")
            if replace is not None and path.name == replace[0]:
                data = data.replace(replace[1], replace[2])
            archive.writestr(f"CVRs/{path.name}", data)
    return f"{tabulator}.zip", out.getvalue()


def test_hart_archives_one_per_tabulator() -> None:
    manifest = _manifest(FIXTURES / "hart-manifest.csv")
    contests = parse_contests(HART_MAYOR)
    files = [_hart_zip("Scanner A"), _hart_zip("Scanner B")]
    imported = import_cvrs(CvrFormat.HART, files, manifest=manifest, contests=contests)
    by_card = {record.card: record.marks("mayor") for record in imported.records}
    assert by_card == {
        CardRef("1", 1, "Scanner A"): ("Alice",),
        CardRef("1", 2, "Scanner A"): ("Bob",),
        CardRef("1", 3, "Scanner A"): (),
        CardRef("1", 1, "Scanner B"): ("Alice",),
        CardRef("1", 2, "Scanner B"): ("Alice",),
        CardRef("1", 3, "Scanner B"): ("Write-In",),
    }
    assert imported.ignored == (("Dog Catcher", 3),)
    _comparison(manifest, contests, imported)


def test_hart_tabulators_from_the_scanned_ballot_information() -> None:
    manifest = _manifest(FIXTURES / "hart-manifest.csv")
    _, data = _hart_zip("Scanner B")
    info = "#FormatVersion 1\n#CvrId,UniqueIdentifier,Workstation\n" + "".join(
        f"hB{n}bbbbbbbbbbbbbbbbbbbbbbbbbbbbb,U{n},Scanner B\n" for n in (1, 2, 3)
    )
    with pytest.raises(AuditInputError, match="has no tabulator"):
        import_cvrs(CvrFormat.HART, [("cvrs.zip", data)], manifest=manifest, contests=parse_contests(HART_MAYOR))
    imported = import_cvrs(
        CvrFormat.HART,
        [("cvrs.zip", data), ("scanned.csv", info.encode())],
        manifest=manifest,
        contests=parse_contests(
            {"contests": [{"id": "mayor", "name": "Mayor", "reported": {"Alice": 2, "Write-In": 1, "Bob": 0}}]}
        ),
    )
    assert {record.card.tabulator for record in imported.records} == {"Scanner B"}


def test_a_bad_hart_file_names_the_archive_the_file_the_line_and_the_column() -> None:
    manifest = _manifest(FIXTURES / "hart-manifest.csv")
    contests = parse_contests(HART_MAYOR)
    files = [_hart_zip("Scanner A", ("a2.xml", "<BatchSequence>2<", "<BatchSequence>two<")), _hart_zip("Scanner B")]
    with pytest.raises(
        AuditInputError, match=r"^Scanner A.zip: CVRs/a2.xml, line 1, column \d+: <BatchSequence>: 'two' is not a whole"
    ):
        import_cvrs(CvrFormat.HART, files, manifest=manifest, contests=contests)
    files = [_hart_zip("Scanner A", ("a1.xml", "<Name>Alice</Name>", "<Name>Alicia</Name>")), _hart_zip("Scanner B")]
    with pytest.raises(
        AuditInputError, match=r"^Scanner A.zip: CVRs/a1.xml, column 'line 1, column \d+, <Option>': 'Alicia' is not"
    ):
        import_cvrs(CvrFormat.HART, files, manifest=manifest, contests=contests)
    files = [_hart_zip("Scanner A", ("a3.xml", "</Cvr>", "")), _hart_zip("Scanner B")]
    with pytest.raises(AuditInputError, match=r"^Scanner A.zip: CVRs/a3.xml, line \d+, column \d+: not valid XML"):
        import_cvrs(CvrFormat.HART, files, manifest=manifest, contests=contests)


# -- Clear Ballot ---------------------------------------------------------------------------------------


def test_clear_ballot_csv() -> None:
    manifest = _manifest(FIXTURES / "clearballot-manifest.csv")
    contests = parse_contests({"contests": [{"id": "mayor", "name": "Mayor", "reported": {"Alice": 2, "Bob": 1}}]})
    path = FIXTURES / "clearballot" / "cvrs.csv"
    imported = import_cvrs(
        CvrFormat.CLEARBALLOT, [(path.name, path.read_bytes())], manifest=manifest, contests=contests
    )
    by_card = {record.card: record.marks("mayor") for record in imported.records}
    assert by_card == {
        CardRef("BOX 1", 1, "SCAN-1"): ("Alice",),
        CardRef("BOX 1", 2, "SCAN-1"): ("Bob",),
        CardRef("BOX 1", 3, "SCAN-1"): ("Alice", "Bob"),  # an overvote, kept as marked: no valid vote
        CardRef("BOX 1", 1, "SCAN-2"): ("Alice",),
        CardRef("BOX 1", 2, "SCAN-2"): (),
        CardRef("BOX 1", 3, "SCAN-2"): None,  # the contest is not on the card
    }
    assert imported.ignored == (("Dog Catcher", 4),)
    _comparison(manifest, contests, imported)


def test_a_bad_clear_ballot_file_names_the_file_the_row_and_the_column() -> None:
    manifest = _manifest(FIXTURES / "clearballot-manifest.csv")
    contests = parse_contests({"contests": [{"id": "mayor", "name": "Mayor", "reported": {"Alice": 2, "Bob": 1}}]})
    text = (FIXTURES / "clearballot" / "cvrs.csv").read_text("utf-8")
    bad = text.replace("5,BOX 1,2,B-0005", "5,BOX 1,4,B-0005")
    with pytest.raises(
        AuditInputError, match=r"^cb.csv, row 6, column 'BoxPosition': card 4 of batch 'BOX 1' of tabulator 'SCAN-2' is"
    ):
        import_cvrs(CvrFormat.CLEARBALLOT, [("cb.csv", bad.encode())], manifest=manifest, contests=contests)
    bad = text.replace(
        "2,BOX 1,2,B-0002,1,1,Precinct 1,SCAN-1,0,0,0,1,", "2,BOX 1,2,B-0002,1,1,Precinct 1,SCAN-1,0,0,0,yes,"
    )
    with pytest.raises(AuditInputError, match=r"^cb.csv, row 3, column 'Choice_1_2:Mayor:Vote For 1:Bob:Non-Partisan'"):
        import_cvrs(CvrFormat.CLEARBALLOT, [("cb.csv", bad.encode())], manifest=manifest, contests=contests)
