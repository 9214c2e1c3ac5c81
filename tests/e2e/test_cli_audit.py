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

    outsider = tmp_path / "outsider.csv"
    sampled = {(row["batch"], int(row["position"])) for row in csv.DictReader(round_csv.read_text().splitlines())}
    stranger = next(card for card in _paper() if card not in sampled)
    outsider.write_text(f"batch,position,contest,marks\n{stranger[0]},{stranger[1]},mayor,Alice\n")
    rejected = nazaha("audit", "record", folder, outsider)
    assert rejected.code == 2
    assert "is not in the sample drawn so far" in rejected.err
    assert not (folder / "readings.json").exists()

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
