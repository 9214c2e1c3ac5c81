"""The paper audit of an election run through the command line, to VALID with its audit section."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.cli import ballots_file, nazaha

PASSPHRASES = "\n".join(f"passphrase of guardian {i}" for i in range(1, 4)) + "\n"
NORTH = {"style": "north-district", "votes": {"mayor": {"amal-haddad": 1}, "council": {"hana-khalil": 1}}}
VOTES = [NORTH] * 4 + [
    {"style": "south-district", "votes": {"mayor": {"karim-nassar": 1}, "parks-referendum": {"no": 1}}},
    {"style": "north-district", "votes": {"mayor": {"karim-nassar": 1}}},
]


def _election(base: Path) -> tuple[Path, list[str]]:
    (base / "pass.txt").write_text(PASSPHRASES)
    (base / "present.txt").write_text("passphrase of guardian 1\npassphrase of guardian 3\n")
    assert nazaha("manifest", "sample", "-o", base / "manifest.json").code == 0
    ws = base / "ws"
    ceremony = nazaha(
        "ceremony", ws, "--manifest", base / "manifest.json", "--guardians", "3", "--quorum", "2",
        "--passphrase-file", base / "pass.txt", "--devices", "kiosk-7@north-precinct",
    )  # fmt: skip
    assert ceremony.code == 0, ceremony.err
    encrypted = nazaha("encrypt", ws, ballots_file(base / "ballots.json", VOTES), "--device", "kiosk-7")
    assert encrypted.code == 0, encrypted.err
    codes = re.findall(r"confirmation code ([0-9A-F]{64})", encrypted.out)
    assert nazaha("cast", ws, *codes).code == 0
    assert nazaha("tally", ws).code == 0
    keys = [arg for i in (1, 3) for arg in ("--key", str(ws / f"keys/guardian_{i}.key"))]
    decrypted = nazaha("decrypt", ws, *keys, "--passphrase-file", base / "present.txt")
    assert decrypted.code == 0, decrypted.err
    assert nazaha("publish", ws, "-o", base / "record").code == 0
    return ws, codes


@pytest.mark.slow
def test_an_official_audits_the_paper_of_an_e2e_election_through_the_cli(tmp_path: Path) -> None:
    ws, codes = _election(tmp_path)
    record = tmp_path / "record"
    votes = dict(zip(codes, VOTES, strict=True))
    committed = nazaha("audit", "paper", "commit", record, "--risk-limit", "0.1", "--contest", "mayor")
    assert committed.code == 0, committed.err
    assert re.search(r"commitment SHA-256: [0-9A-F]{64}", committed.out)
    assert nazaha("audit", "paper", "seed", record, "--seed", "27182818284590452353602").code == 0
    keys = [arg for i in (1, 3) for arg in ("--key", str(ws / f"keys/guardian_{i}.key"))]
    rounds = 0
    while True:
        rounds += 1
        drawn = nazaha("audit", "paper", "draw", record, *(("--size", "2") if rounds == 1 else ()))
        assert drawn.code == 0, drawn.err
        assert "pull list" in drawn.out
        opened = nazaha(
            "audit", "paper", "decrypt", record, "--workspace", ws, *keys, "--passphrase-file", tmp_path / "present.txt"
        )
        assert opened.code == 0, opened.err
        round_doc = json.loads((record / "audit" / f"round-{rounds}.json").read_bytes())
        read = {
            r["ballot"] for p in (record / "audit").glob("readings-*.json") for r in json.loads(p.read_bytes())["cards"]
        }
        pulled = [d["ballot"] for d in round_doc["draws"]] + round_doc["hand_counted"]
        cards: list[dict[str, Any]] = []
        for code in dict.fromkeys(pulled):
            if code in read:
                continue
            marked: dict[str, Any] = votes[code]["votes"]  # type: ignore[assignment]
            mayor = [option for option, value in marked["mayor"].items() if value]
            if rounds == 1 and not cards:
                mayor = ["youssef-barakat"]  # the paper disagrees with its encryption
            cards.append({"ballot": code, "outcome": "read", "marks": {"mayor": mayor}})
        (tmp_path / f"board-{rounds}.json").write_text(json.dumps({"cards": cards}))
        entered = nazaha(
            "audit", "paper", "enter", record, tmp_path / f"board-{rounds}.json", "--board", "Board 1",
            "--member", "Hana Khalil", "--member", "Sami Darwish",
        )  # fmt: skip
        assert entered.code == 0, entered.err
        measured = nazaha("audit", "paper", "measure", record)
        assert measured.code == 0, measured.err
        if "the audit is over" in measured.out:
            break
        assert rounds < 5
    assert rounds >= 2, "the discrepancy sends the contest to a second round"
    verified = nazaha("verify", record, "--json")
    assert verified.code == 0, verified.out
    report = json.loads(verified.out)
    assert report["verdict"] == "valid"
    assert {c["number"]: c["status"] for c in report["checks"]}["A"] == "passed"


@pytest.mark.slow
def test_demo_audit_prints_the_paper_and_verifies_the_audited_record(tmp_path: Path) -> None:
    result = nazaha("demo", "--audit", "--ballots", "8", "--jobs", "1", "--seed", "cli-audit", "-o", tmp_path / "rec")
    assert result.code == 0, result.err + result.out
    assert "VALID, the election and its paper audit" in result.out
    for language in ("ar", "en"):
        page = (tmp_path / "rec-paper" / f"paper-ballots.{language}.html").read_text(encoding="utf-8")
        assert page.count('class="ballot"') == 8 and "<svg" in page
    assert (tmp_path / "rec" / "audit" / "result-1.json").is_file()
