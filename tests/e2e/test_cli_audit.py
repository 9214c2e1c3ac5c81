"""A risk-limiting audit through the real command line, from plan to an observer's re-run."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from tests.e2e.cli import nazaha

SEED = "71829304657182930465"
MANIFEST = "batch,cards,container\nP1-A,400,Shelf 1\nP1-B,350,Shelf 1\nP2-A,250,Shelf 2\n"
CONTESTS = {
    "contests": [
        {"id": "mayor", "reported": {"Alice": 600, "Bob": 350}},
        {"id": "measure", "kind": "supermajority", "threshold": 0.6, "reported": {"Yes": 180, "No": 60}, "batches": ["P2-A"]},
    ]
}  # fmt: skip


def _paper(wrong: bool = False) -> dict[tuple[str, int], dict[str, str]]:
    """What the paper cards say; with ``wrong``, Bob really won the mayor's race."""
    rng = random.Random(11)
    cards = (
        [("P1-A", i) for i in range(1, 401)]
        + [("P1-B", i) for i in range(1, 351)]
        + [("P2-A", i) for i in range(1, 251)]
    )
    mayor = ["Alice"] * (450 if wrong else 600) + ["Bob"] * (500 if wrong else 350) + [""] * 50
    rng.shuffle(mayor)
    measure = ["Yes"] * 180 + ["No"] * 60 + [""] * 10
    rng.shuffle(measure)
    paper: dict[tuple[str, int], dict[str, str]] = {}
    for index, card in enumerate(cards):
        paper[card] = {"mayor": mayor[index]}
        if card[0] == "P2-A":
            paper[card]["measure"] = measure[index - 750]
    return paper


def _readings(round_csv: Path, paper: dict[tuple[str, int], dict[str, str]], out: Path) -> Path:
    with round_csv.open() as handle, out.open("w", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(["batch", "position", "contest", "marks"])
        for row in csv.DictReader(handle):
            card = (row["batch"], int(row["position"]))
            for contest, mark in paper[card].items():
                writer.writerow([card[0], card[1], contest, mark])
    return out


def _setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    (tmp_path / "manifest.csv").write_text(MANIFEST)
    (tmp_path / "contests.json").write_text(json.dumps(CONTESTS))
    return tmp_path / "manifest.csv", tmp_path / "contests.json", tmp_path / "audit"


def test_polling_audit_from_plan_to_observer_check(tmp_path: Path) -> None:
    manifest, contests, folder = _setup(tmp_path)
    planned = nazaha("audit", "plan", folder, "--manifest", manifest, "--contests", contests, "--risk-limit", "0.1")
    assert planned.code == 0, planned.err
    assert "expected cards" in planned.out

    too_early = nazaha("audit", "sample", folder)
    assert too_early.code == 3
    assert "needs the public seed" in too_early.err
    assert nazaha("audit", "sample", folder, "--seed", "123").code == 2

    drawn = nazaha("audit", "sample", folder, "--seed", SEED)
    assert drawn.code == 0, drawn.err
    round_csv = folder / "rounds" / "round-1.csv"
    readings = _readings(round_csv, _paper(), tmp_path / "readings-1.csv")
    _a_card_outside_the_sample_is_refused(folder, tmp_path, round_csv)
    _record_rounds_until_confirmed(folder, tmp_path, readings)
    _the_report_checks_and_tampered_reports_do_not(folder, tmp_path)


def _a_card_outside_the_sample_is_refused(folder: Path, tmp_path: Path, round_csv: Path) -> None:
    outsider = tmp_path / "outsider.csv"
    sampled = {(row["batch"], int(row["position"])) for row in csv.DictReader(round_csv.read_text().splitlines())}
    stranger = next(card for card in _paper() if card not in sampled)
    outsider.write_text(f"batch,position,contest,marks\n{stranger[0]},{stranger[1]},mayor,Alice\n")
    rejected = nazaha("audit", "record", folder, outsider)
    assert rejected.code == 2
    assert "is not in the sample drawn so far" in rejected.err
    assert not (folder / "readings.json").exists()


def _record_rounds_until_confirmed(folder: Path, tmp_path: Path, readings: Path) -> None:
    """Record round 1's readings (twice: the second time changes nothing), then escalate until confirmed."""
    recorded = nazaha("audit", "record", folder, readings)
    assert recorded.code == 0, recorded.err
    assert "Recorded" in nazaha("audit", "record", folder, readings).out  # the same readings again: no change
    for number in range(2, 6):
        status = nazaha("audit", "status", folder, "--json")
        assert status.code == 0, status.err
        states = {entry["contest"]: entry["state"] for entry in json.loads(status.out)}
        if set(states.values()) == {"confirmed"}:
            break
        assert "escalate" in states.values()
        assert nazaha("audit", "sample", folder).code == 0
        more = _readings(folder / "rounds" / f"round-{number}.csv", _paper(), tmp_path / f"readings-{number}.csv")
        assert nazaha("audit", "record", folder, more).code == 0
    assert states == {"mayor": "confirmed", "measure": "confirmed"}
    assert nazaha("audit", "sample", folder).code == 3  # nothing left to sample


def _the_report_checks_and_tampered_reports_do_not(folder: Path, tmp_path: Path) -> None:
    """The observer's re-run agrees with the report, and refuses a changed sample, readings or seed."""
    reported = nazaha("audit", "report", folder)
    assert reported.code == 0, reported.err
    report_path = folder / "report.json"
    checked = nazaha("audit", "check", report_path)
    assert checked.code == 0, checked.err
    assert "same sample and the same measured risk" in checked.out

    tampered = tmp_path / "tampered.json"
    report = json.loads(report_path.read_text())
    mayor = next(result for result in report["results"] if result["contest"] == "mayor")
    mayor["draws"] -= 1  # a report that claims a different sample than its readings give
    tampered.write_text(json.dumps(report))
    refused = nazaha("audit", "check", tampered)
    assert refused.code == 1
    assert "results[0].draws" in refused.err
    assert "re-running gives" in refused.err

    report = json.loads(report_path.read_text())
    for reading in report["readings"]:  # the audit board "read" Bob wherever the paper said Alice
        if reading["contests"].get("mayor") == ["Alice"]:
            reading["contests"]["mayor"] = ["Bob"]
    tampered.write_text(json.dumps(report))
    refused = nazaha("audit", "check", tampered)
    assert refused.code == 1
    assert "results[0]" in refused.err

    report = json.loads(report_path.read_text())
    report["seed"] = "71829304657182930466"
    tampered.write_text(json.dumps(report))
    assert nazaha("audit", "check", tampered).code == 1


def test_wrong_outcome_escalates_round_by_round(tmp_path: Path) -> None:
    manifest, contests, folder = _setup(tmp_path)
    assert (
        nazaha("audit", "plan", folder, "--manifest", manifest, "--contests", contests, "--risk-limit", "0.05").code
        == 0
    )
    paper = _paper(wrong=True)
    seed: list[str] = ["--seed", SEED]
    for number in range(1, 8):
        drawn = nazaha("audit", "sample", folder, *seed)
        if drawn.code != 0:
            break
        seed = []
        readings = _readings(folder / "rounds" / f"round-{number}.csv", paper, tmp_path / f"r{number}.csv")
        assert nazaha("audit", "record", folder, readings).code == 0
        waiting = nazaha("audit", "status", folder, "--json")
        mayor = next(entry for entry in json.loads(waiting.out) if entry["contest"] == "mayor")
        if mayor["state"] != "escalate":
            break
        assert mayor["next_target"] > mayor["draws"]
    assert mayor["state"] == "full hand count"
    assert mayor["hand_count_winners"] == ["Bob"]
    assert mayor["draws"] == 1000


def test_comparison_audit_with_cvrs_and_input_errors(tmp_path: Path) -> None:
    manifest, contests, folder = _setup(tmp_path)
    paper = _paper()
    cvrs = tmp_path / "cvrs.csv"
    with cvrs.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["batch", "position", "contest", "marks"])
        for (batch, position), held in paper.items():
            for contest, mark in held.items():
                writer.writerow([batch, position, contest, mark])
    ok = nazaha(
        "audit", "plan", folder, "--manifest", manifest, "--contests", contests, "--type", "comparison", "--cvrs", cvrs
    )
    assert ok.code == 0, ok.err
    assert nazaha("audit", "sample", folder, "--seed", SEED).code == 0
    readings = _readings(folder / "rounds" / "round-1.csv", paper, tmp_path / "readings.csv")
    assert nazaha("audit", "record", folder, readings).code == 0
    status = json.loads(nazaha("audit", "status", folder, "--json").out)
    assert {entry["state"] for entry in status} == {"confirmed"}

    bad = tmp_path / "bad-cvrs.csv"
    bad.write_text("batch,position,contest,marks\nP1-A,401,mayor,Alice\n")
    refused = nazaha(
        "audit",
        "plan",
        tmp_path / "other",
        "--manifest",
        manifest,
        "--contests",
        contests,
        "--type",
        "comparison",
        "--cvrs",
        bad,
    )
    assert refused.code == 2
    assert "row 2: card 401 of batch 'P1-A' is not in the ballot manifest" in refused.err
    assert not (tmp_path / "other" / "audit.json").exists()
    again = nazaha("audit", "plan", folder, "--manifest", manifest, "--contests", contests)
    assert again.code == 3
    assert "already holds an audit" in again.err


# -- issue 13: an audit an official can run, a tie that goes to the tie rules, Arlo's files ------------

OFFICIAL_MANIFEST = (
    "Container,Tabulator,Batch Name,Number of Ballots\n"
    "Shelf 1,Tabulator A,Batch 1,300\nShelf 1,Tabulator B,Batch 1,300\nShelf 2,Tabulator C,Batch 2,200\n"
)
CANDIDATES = {"Mayor": ["Alice", "Bob"], "Measure 1": ["Yes", "No"], "Dog Catcher": ["Rex", "Fido"]}


def _official_paper() -> dict[tuple[str, str, int], dict[str, str]]:
    """Mayor on tabulators A and B (Alice 360, Bob 220, 20 blank); Measure 1 on every card; Dog
    Catcher only on tabulator C's cards (no contest the audit targets)."""
    rng = random.Random(13)
    cards = [(t, "Batch 1", i) for t in ("Tabulator A", "Tabulator B") for i in range(1, 301)]
    cards += [("Tabulator C", "Batch 2", i) for i in range(1, 201)]
    mayor = ["Alice"] * 360 + ["Bob"] * 220 + [""] * 20
    measure = ["Yes"] * 500 + ["No"] * 290 + [""] * 10
    dog = ["Rex"] * 120 + ["Fido"] * 80
    for marks in (mayor, measure, dog):
        rng.shuffle(marks)
    paper: dict[tuple[str, str, int], dict[str, str]] = {}
    for index, card in enumerate(cards):
        paper[card] = {"Measure 1": measure[index]}
        if index < 600:
            paper[card]["Mayor"] = mayor[index]
        else:
            paper[card]["Dog Catcher"] = dog[index - 600]
    return paper


def _dominion_csv(path: Path, paper: dict[tuple[str, str, int], dict[str, str]]) -> Path:
    """The paper as a Dominion CSV export (the format Arlo reads as "Dominion")."""
    columns = [(contest, candidate) for contest, names in CANDIDATES.items() for candidate in names]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Official Test Election", "5.10.50.85"] + [""] * (6 + len(columns)))
        writer.writerow([""] * 8 + [f"{contest} (Vote For=1)" for contest, _ in columns])
        writer.writerow([""] * 8 + [candidate for _, candidate in columns])
        writer.writerow(
            [
                "CvrNumber",
                "TabulatorNum",
                "BatchId",
                "RecordId",
                "ImprintedId",
                "CountingGroup",
                "PrecinctPortion",
                "BallotType",
            ]
            + ["NP"] * len(columns)
        )
        for number, ((tabulator, batch, record), held) in enumerate(paper.items(), start=1):
            cells = [
                "" if contest not in held else ("1" if held[contest] == candidate else "0")
                for contest, candidate in columns
            ]
            imprinted = f"{tabulator}-{batch}-{record}"
            writer.writerow([number, tabulator, batch, record, imprinted, "Election Day", "P1", "BT1", *cells])
    return path


OFFICIAL_CONTESTS = {
    "contests": [
        {"id": "mayor", "name": "Mayor", "reported": {"Alice": 360, "Bob": 220}},
        {"id": "measure", "name": "Measure 1", "reported": {"Yes": 500, "No": 290}, "targeted": False},
    ]
}


def _readings_from(
    round_csv: Path,
    paper: dict[tuple[str, str, int], dict[str, str]],
    out: Path,
    *,
    leave_out: tuple[tuple[str, str, int], str] | None = None,
    misread: tuple[tuple[str, str, int], str] | None = None,
) -> Path:
    """What the board reads for the cards of a round that hold a contest of the audit."""
    names = {"Mayor": "mayor", "Measure 1": "measure"}
    with round_csv.open() as handle, out.open("w", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(["tabulator", "batch", "position", "contest", "marks"])
        for row in csv.DictReader(handle):
            card = (row["tabulator"], row["batch"], int(row["position"]))
            if row["note"] == "already read":
                continue
            for contest, mark in paper[card].items():
                if contest not in names or (leave_out is not None and (card, contest) == leave_out):
                    continue
                read = misread[1] if misread is not None and card == misread[0] and contest == "Mayor" else mark
                writer.writerow([*card, names[contest], read])
    return out


def test_an_official_runs_a_comparison_audit_from_vendor_files(tmp_path: Path) -> None:
    """Issue 13, part 4: untargeted contests in the CVRs, a correction that stays visible, a
    prompt for a contest left out of a reading, a sorted pull list with a sheet to print, sizes
    for finishing in one round, and messages with the official's own file names."""
    paper = _official_paper()
    manifest = tmp_path / "county manifest.csv"
    manifest.write_text(OFFICIAL_MANIFEST)
    contests = tmp_path / "reported results.json"
    contests.write_text(json.dumps(OFFICIAL_CONTESTS))
    cvrs = _dominion_csv(tmp_path / "CVR_Export.csv", paper)
    folder = tmp_path / "audit"
    _plan_after_a_refused_duplicate_batch(tmp_path, folder, manifest, contests, cvrs)
    _draw_round_one_with_a_sorted_pull_list(folder)
    first_mayor = _record_round_one_with_a_prompt_and_a_correction(folder, tmp_path, paper)
    _escalate_until_the_mayor_is_confirmed(folder, tmp_path, paper)
    _the_report_keeps_the_correction_visible(folder, tmp_path, first_mayor)


def _plan_after_a_refused_duplicate_batch(
    tmp_path: Path, folder: Path, manifest: Path, contests: Path, cvrs: Path
) -> None:
    duplicate = tmp_path / "my manifest.csv"
    duplicate.write_text(OFFICIAL_MANIFEST + "Shelf 3,Tabulator A,Batch 1,5\n")
    refused = nazaha("audit", "plan", folder, "--manifest", duplicate, "--contests", contests, "--type", "comparison",
                     "--cvr-format", "dominion-csv", "--cvrs", cvrs)  # fmt: skip
    assert refused.code == 2
    assert (
        "my manifest.csv, row 5: batch 'Batch 1' of tabulator 'Tabulator A' is already listed in row 2" in refused.err
    )

    planned = nazaha("audit", "plan", folder, "--manifest", manifest, "--contests", contests, "--type", "comparison",
                     "--cvr-format", "dominion-csv", "--cvrs", cvrs)  # fmt: skip
    assert planned.code == 0, planned.err
    assert "70% in one round" in planned.out and "90% in one round" in planned.out
    assert "audited opportunistically on the cards drawn: measure" in planned.out
    assert f"Contests in {cvrs} that are not in the audit, ignored: Dog Catcher (200 cards)" in planned.out.replace(
        "\n", " "
    )


def _draw_round_one_with_a_sorted_pull_list(folder: Path) -> None:
    """Round 1 at a 90% chance of finishing: a sorted pull list, a sheet to print, and no round 2 before its readings."""
    drawn = nazaha("audit", "sample", folder, "--seed", SEED, "--probability", "0.9")
    assert drawn.code == 0, drawn.err
    assert "sheet to print" in drawn.out
    pull = list(csv.DictReader((folder / "rounds" / "pull-list-1.csv").read_text().splitlines()))
    keys = [(r["container"], r["tabulator"], r["batch"], int(r["position"])) for r in pull]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))
    skipped = [r for r in pull if r["note"] == "holds no targeted contest: need not be pulled"]
    assert skipped
    assert all(r["tabulator"] == "Tabulator C" and r["targeted contests"] == "" for r in skipped)
    assert all(r["targeted contests"] == "mayor" for r in pull if r["tabulator"] != "Tabulator C")
    sheet = (folder / "rounds" / "pull-sheet-1.html").read_text()
    assert "<table>" in sheet and "Tabulator A" in sheet and "initials" in sheet

    mayor_cards = sum(1 for r in pull if r["targeted contests"] == "mayor")
    early = nazaha("audit", "sample", folder)
    assert early.code == 3
    assert f"round 1 still awaits readings ({mayor_cards} card(s) for contest 'mayor')" in early.err


def _record_round_one_with_a_prompt_and_a_correction(
    folder: Path, tmp_path: Path, paper: dict[tuple[str, str, int], dict[str, str]]
) -> tuple[str, str, int]:
    """A reading that leaves out a contest is declined at the prompt; a misread card is recorded, then
    corrected with a sign-off. Returns the corrected card."""
    round_csv = folder / "rounds" / "round-1.csv"
    first_mayor = next(
        (r["tabulator"], r["batch"], int(r["position"]))
        for r in csv.DictReader(round_csv.read_text().splitlines())
        if "mayor" in r["contests"] and paper[(r["tabulator"], r["batch"], int(r["position"]))]["Mayor"] == "Alice"
    )
    incomplete = _readings_from(round_csv, paper, tmp_path / "board-1 draft.csv", leave_out=(first_mayor, "Mayor"))
    declined = nazaha("audit", "record", folder, incomplete, stdin="n\n")
    assert declined.code == 2
    assert "leave out contests the card may hold" in declined.out
    assert f"{first_mayor[2]} of batch 'Batch 1' of tabulator '{first_mayor[0]}': mayor" in declined.out
    assert "board-1 draft.csv: nothing recorded" in declined.err
    assert not (folder / "readings.json").exists()

    misread = _readings_from(round_csv, paper, tmp_path / "board-1.csv", misread=(first_mayor, "Bob"))
    recorded = nazaha("audit", "record", folder, misread, "--board", "Board 1")
    assert recorded.code == 0, recorded.err
    again = nazaha("audit", "record", folder, _readings_from(round_csv, paper, tmp_path / "board-1 again.csv"))
    assert again.code == 2
    assert "use 'nazaha audit correct'" in again.err or "record a correction with 'nazaha audit correct'" in again.err

    fixed = tmp_path / "correction.csv"
    fixed.write_text(
        "tabulator,batch,position,contest,marks\n"
        f"{first_mayor[0]},{first_mayor[1]},{first_mayor[2]},mayor,Alice\n"
        f"{first_mayor[0]},{first_mayor[1]},{first_mayor[2]},measure,{paper[first_mayor]['Measure 1']}\n"
    )
    unsigned = nazaha("audit", "correct", folder, fixed, "--reason", "misread")
    assert unsigned.code == 2
    corrected = nazaha("audit", "correct", folder, fixed, "--signed-off-by", "Hana Khalil", "--board", "Board 2",
                       "--reason", "Board 2 re-read the card: the mark is for Alice")  # fmt: skip
    assert corrected.code == 0, corrected.err
    return first_mayor


def _escalate_until_the_mayor_is_confirmed(
    folder: Path, tmp_path: Path, paper: dict[tuple[str, str, int], dict[str, str]]
) -> None:
    for number in range(2, 6):
        states = {e["contest"]: e for e in json.loads(nazaha("audit", "status", folder, "--json").out)}
        if states["mayor"]["state"] == "confirmed":
            break
        assert states["mayor"]["state"] == "escalate"
        assert nazaha("audit", "sample", folder).code == 0
        more = _readings_from(folder / "rounds" / f"round-{number}.csv", paper, tmp_path / f"board-{number}.csv")
        assert nazaha("audit", "record", folder, more).code == 0
    assert states["mayor"]["state"] == "confirmed"
    assert states["measure"]["targeted"] is False
    assert states["measure"]["state"] in ("confirmed", "not confirmed (not targeted)")


def _the_report_keeps_the_correction_visible(folder: Path, tmp_path: Path, first_mayor: tuple[str, str, int]) -> None:
    reported = nazaha("audit", "report", folder)
    assert reported.code == 0, reported.err
    assert "Corrected readings" in reported.out and "Hana Khalil" in reported.out
    assert "measure (not targeted)" in reported.out
    assert "Dog Catcher (200 cards)" in reported.out
    report = json.loads((folder / "report.json").read_text())
    (correction,) = report["corrections"]
    assert correction["before"]["contests"]["mayor"] == ["Bob"]
    assert correction["card"]["contests"]["mayor"] == ["Alice"]
    assert correction["signed_off_by"] == "Hana Khalil"
    entries = [
        e
        for e in report["readings_log"]
        if e["card"]["position"] == first_mayor[2] and e["card"]["tabulator"] == first_mayor[0]
    ]
    assert [e["card"]["contests"]["mayor"] for e in entries] == [["Bob"], ["Alice"]]
    assert entries[1]["supersedes"] == entries[0]["entry"]
    assert report["ignored_contests"] == [["Dog Catcher", 200]]
    assert {r["contest"]: r["targeted"] for r in report["results"]} == {"mayor": True, "measure": False}

    checked = nazaha("audit", "check", folder / "report.json")
    assert checked.code == 0, checked.err
    report["corrections"][0]["reason"] = "no reason"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(report))
    refused = nazaha("audit", "check", tampered)
    assert refused.code == 1
    assert "corrections[0].reason" in refused.err


def test_a_hand_count_that_ties_ends_in_the_tie_state_and_check_agrees(tmp_path: Path) -> None:
    """Issue 13, part 1, through the CLI: reported 550–450, 50 of Bob's votes recorded for Alice,
    the paper ties 500–500. Every card read must end in "tie: escalate to the tie rules"."""
    rng = random.Random(500)
    paper = ["Alice"] * 500 + ["Bob"] * 500
    rng.shuffle(paper)
    cvr = list(paper)
    for index in [i for i, mark in enumerate(paper) if mark == "Bob"][:50]:
        cvr[index] = "Alice"
    cards = [("A", i) for i in range(1, 501)] + [("B", i) for i in range(1, 501)]
    truth = dict(zip(cards, paper, strict=True))
    (tmp_path / "manifest.csv").write_text("batch,cards\nA,500\nB,500\n")
    (tmp_path / "contests.json").write_text(
        json.dumps({"contests": [{"id": "mayor", "reported": {"Alice": 550, "Bob": 450}}]})
    )
    with (tmp_path / "cvrs.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["batch", "position", "contest", "marks"])
        for (batch, position), mark in zip(cards, cvr, strict=True):
            writer.writerow([batch, position, "mayor", mark])
    folder = tmp_path / "audit"
    planned = nazaha("audit", "plan", folder, "--manifest", tmp_path / "manifest.csv", "--contests",
                     tmp_path / "contests.json", "--type", "comparison", "--cvrs", tmp_path / "cvrs.csv")  # fmt: skip
    assert planned.code == 0, planned.err

    def read(number: int) -> None:
        out = tmp_path / f"readings-{number}.csv"
        with (folder / "rounds" / f"round-{number}.csv").open() as handle, out.open("w", newline="") as target:
            writer = csv.writer(target)
            writer.writerow(["batch", "position", "contest", "marks"])
            for row in csv.DictReader(handle):
                writer.writerow([row["batch"], row["position"], "mayor", truth[(row["batch"], int(row["position"]))]])
        assert nazaha("audit", "record", folder, out).code == 0

    # the official orders a full hand count at once (a first sample could, in at most α of
    # elections, miss every flipped card and confirm: the bounded simulation test covers that)
    hand = nazaha("audit", "sample", folder, "--seed", SEED, "--size", "1000")
    assert hand.code == 0, hand.err
    assert "full hand count of mayor" in hand.out
    read(1)
    (mayor,) = json.loads(nazaha("audit", "status", folder, "--json").out)
    assert mayor["state"] == "tie: escalate to the tie rules"
    assert mayor["tied"] == ["Alice", "Bob"]
    assert mayor["hand_count_winners"] == []
    assert mayor["outcome_changed"] is True
    assert mayor["draws"] == 1000
    assert mayor["risk"] > 0.05
    shown = nazaha("audit", "status", folder)
    assert "tie: escalate to the tie rules: Alice, Bob tie" in shown.out
    assert nazaha("audit", "sample", folder).code == 3  # nothing left to sample

    assert nazaha("audit", "report", folder).code == 0
    checked = nazaha("audit", "check", folder / "report.json")
    assert checked.code == 0, checked.err
    assert "tie: escalate to the tie rules" in checked.out
    report = json.loads((folder / "report.json").read_text())
    report["results"][0]["state"] = "confirmed"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(report))
    refused = nazaha("audit", "check", tampered)
    assert refused.code == 1
    assert "results[0].state" in refused.err


def test_arlo_kendall_park_files_through_the_command_line(tmp_path: Path) -> None:
    """Arlo's ballot manifest and Dominion CSV, read from ../shared (never copied)."""
    from tests.support.external import shared_reference

    manifest = shared_reference("rla", "vendor-samples", "arlo", "Kendall Park - ballot manifest.csv")
    cvrs = shared_reference("rla", "vendor-samples", "arlo", "Kendall Park - cvrs.csv")
    contests = tmp_path / "kendall park contests.json"
    contests.write_text(json.dumps({"contests": [
        {"id": "treasurer", "name": "Secretary of Treasure",
         "reported": {"Denny Vargas": 450, "Jackie Sweet": 20, "Emerson Thornton": 0}},
    ]}))  # fmt: skip
    folder = tmp_path / "audit"
    planned = nazaha("audit", "plan", folder, "--manifest", manifest, "--contests", contests, "--type", "comparison",
                     "--cvr-format", "dominion-csv", "--cvrs", cvrs, "--id-style", "arlo",
                     "--jurisdiction", "Kendall Park")  # fmt: skip
    assert planned.code == 0, planned.err
    assert "ignored: Master of Magic (80 cards), Minister of Farming (109 cards)" in planned.out.replace("\n", " ")
    drawn = nazaha("audit", "sample", folder, "--seed", SEED)
    assert drawn.code == 0, drawn.err
    rows = list(csv.DictReader((folder / "rounds" / "round-1.csv").read_text().splitlines()))
    assert rows and all(row["tabulator"].startswith("Tabulator ") for row in rows)
    assert all(row["ticket"].startswith("0.") for row in rows)  # consistent_sampler 1.0.10's decimal tickets
