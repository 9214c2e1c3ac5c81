"""An election run step by step through the command line, then verified; and bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.e2e.cli import Result, ballots_file, nazaha, snapshot

PASSPHRASES = "\n".join(f"passphrase of guardian {i}" for i in range(1, 6)) + "\n"
VOTES = [
    {
        "style": "north-district",
        "votes": {"mayor": {"amal-haddad": 1}, "council": {"hana-khalil": 1, "sami-darwish": 1}},
    },
    {"style": "south-district", "votes": {"mayor": {"amal-haddad": 1}, "parks-referendum": {"no": 1}}},
    {"style": "north-district", "votes": {"mayor": {"layla-mansour": 1}, "north-district-seat": {"maya-qasim": 1}}},
    {"style": "south-district", "votes": {"mayor": {"karim-nassar": 1}, "south-district-seat": {"basma-yassin": 1}}},
]


def one_line_error(result: Result, code: int | None = None) -> str:
    assert result.code != 0
    if code is not None:
        assert result.code == code, result
    assert "Traceback" not in result.err + result.out
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("nazaha: error: "), result.err
    return lines[0]


@pytest.fixture(scope="module")
def election(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("cli")
    (base / "pass.txt").write_text(PASSPHRASES)
    assert nazaha("manifest", "sample", "-o", base / "manifest.json").code == 0
    ceremony = nazaha(
        "ceremony",
        base / "ws",
        "--manifest",
        base / "manifest.json",
        "--guardians",
        "5",
        "--quorum",
        "3",
        "--passphrase-file",
        base / "pass.txt",
        "--devices",
        "kiosk-7@north-precinct",
    )
    assert ceremony.code == 0, ceremony.err
    encrypted = nazaha("encrypt", base / "ws", ballots_file(base / "ballots.json", VOTES), "--device", "kiosk-7")
    assert encrypted.code == 0, encrypted.err
    codes = re.findall(r"confirmation code ([0-9A-F]{64})", encrypted.out)
    assert len(codes) == 4
    return {"base": base, "ws": base / "ws", "codes": codes}  # type: ignore[dict-item]


def test_full_election_through_the_cli(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    shutil.copytree(election["ws"], ws)
    codes = election["codes"]
    assert nazaha("cast", ws, codes[0], codes[1], codes[3]).code == 0
    challenged = nazaha("challenge", ws, codes[2])
    assert challenged.code == 0
    assert "Layla Mansour" in challenged.out and "Maya Qasim" in challenged.out
    assert nazaha("tally", ws).code == 0
    (tmp_path / "present.txt").write_text(
        "passphrase of guardian 1\npassphrase of guardian 3\npassphrase of guardian 5\n"
    )
    decrypted = nazaha(
        "decrypt",
        ws,
        "--key",
        ws / "keys/guardian_1.key",
        "--key",
        ws / "keys/guardian_3.key",
        "--key",
        ws / "keys/guardian_5.key",
        "--passphrase-file",
        tmp_path / "present.txt",
    )
    assert decrypted.code == 0, decrypted.err
    assert re.search(r"Amal Haddad\s*│\s*2", decrypted.out)
    assert re.search(r"Karim Nassar\s*│\s*1", decrypted.out)
    assert re.search(r"Layla Mansour\s*│\s*0", decrypted.out), "a challenged ballot must not be counted"
    assert nazaha("publish", ws, "-o", tmp_path / "record").code == 0
    verified = nazaha("verify", tmp_path / "record", "--json")
    assert verified.code == 0, verified.out
    report = json.loads(verified.out)
    assert report["verdict"] == "valid"
    assert {c["number"]: c["status"] for c in report["checks"]}["13"] == "passed"
    table = nazaha("verify", tmp_path / "record")
    assert table.code == 0 and "VALID" in table.out


def test_demo_command_verifies_its_record(tmp_path: Path) -> None:
    result = nazaha("demo", "--no-serve", "--ballots", "6", "--jobs", "1", "--seed", "cli-demo", "-o", tmp_path / "rec")
    assert result.code == 0, result.err
    assert "decrypted counts equal the plaintext counts" in result.out
    assert "verifier: VALID" in result.out


def test_bad_manifest(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    doc = json.loads((election["base"] / "manifest.json").read_text())
    doc["contests"][1]["label"] = "mayor"
    bad.write_text(json.dumps(doc))
    line = one_line_error(nazaha("manifest", "check", bad), 2)
    assert "contests[1].label" in line and "duplicate contest label 'mayor'" in line
    line = one_line_error(
        nazaha("ceremony", tmp_path / "ws", "--manifest", bad, "--passphrase-file", election["base"] / "pass.txt"), 2
    )
    assert "duplicate contest label" in line
    assert not (tmp_path / "ws").exists()
    bad.write_text("{not json")
    assert "not valid JSON" in one_line_error(nazaha("manifest", "check", bad), 2)


def test_manifest_sample_has_a_fresh_election_id_and_check_warns_without_one(tmp_path: Path) -> None:
    ids = []
    for name in ("one.json", "two.json"):
        assert nazaha("manifest", "sample", "-o", tmp_path / name).code == 0
        ids.append(json.loads((tmp_path / name).read_text())["election_id"])
        checked = nazaha("manifest", "check", tmp_path / name)
        assert checked.code == 0 and "warning" not in checked.out
    assert ids[0] != ids[1] and all(re.fullmatch(r"[0-9a-f-]{36}", i) for i in ids)
    doc = json.loads((tmp_path / "one.json").read_text())
    del doc["election_id"]
    (tmp_path / "anonymous.json").write_text(json.dumps(doc, ensure_ascii=False))
    checked = nazaha("manifest", "check", tmp_path / "anonymous.json")
    assert checked.code == 0, "a warning, not an error"
    warnings = [line for line in checked.out.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "election_id" in warnings[0]
    doc["contests"][0]["options"][0]["name"][1]["text"] = "Amal \u202eHaddad"
    (tmp_path / "bidi.json").write_text(json.dumps(doc, ensure_ascii=False))
    line = one_line_error(nazaha("manifest", "check", tmp_path / "bidi.json"), 2)
    assert "contests[0].options[0].name[1].text" in line and "U+202E" in line


def test_quorum_larger_than_guardians(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    line = one_line_error(
        nazaha(
            "ceremony",
            tmp_path / "ws",
            "--manifest",
            election["base"] / "manifest.json",
            "--guardians",
            "3",
            "--quorum",
            "4",
            "--passphrase-file",
            election["base"] / "pass.txt",
        ),
        2,
    )
    assert "quorum must be between 1 and the number of guardians (3), got 4" in line
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (
            {"style": "north-district", "votes": {"mayor": {"amal-haddad": 1, "karim-nassar": 1}}},
            "overvote: contest 'mayor'",
        ),
        ({"style": "east-district", "votes": {}}, "unknown ballot style 'east-district'"),
        ({"style": "north-district", "votes": {"mayor": {"nobody": 1}}}, "has no option 'nobody'"),
    ],
)
def test_bad_ballots_change_nothing(election, tmp_path: Path, ballot, message) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    shutil.copytree(election["ws"], ws)
    before = snapshot(ws)
    good = VOTES[0]
    line = one_line_error(nazaha("encrypt", ws, ballots_file(tmp_path / "b.json", [good, ballot])), 2)
    assert message in line and "ballot 2" in line
    assert snapshot(ws) == before


def test_key_files_and_quorum_at_decryption(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    shutil.copytree(election["ws"], ws)
    assert nazaha("cast", ws, *election["codes"]).code == 0
    assert nazaha("tally", ws).code == 0
    before = snapshot(ws)
    phrases = tmp_path / "p.txt"

    phrases.write_text("passphrase of guardian 1\nWRONG\npassphrase of guardian 5\n")
    keys: list[str | Path] = [
        "--key",
        ws / "keys/guardian_1.key",
        "--key",
        ws / "keys/guardian_2.key",
        "--key",
        ws / "keys/guardian_5.key",
    ]
    line = one_line_error(nazaha("decrypt", ws, *keys, "--passphrase-file", phrases), 2)
    assert "guardian_2.key" in line and "wrong passphrase" in line

    corrupted = tmp_path / "corrupt.key"
    data = bytearray((ws / "keys/guardian_2.key").read_bytes())
    data[len(data) // 2] ^= 0x20
    corrupted.write_bytes(bytes(data))
    phrases.write_text("passphrase of guardian 1\npassphrase of guardian 2\npassphrase of guardian 5\n")
    keys[3] = corrupted
    line = one_line_error(nazaha("decrypt", ws, *keys, "--passphrase-file", phrases), 2)
    assert "corrupt.key" in line

    phrases.write_text("passphrase of guardian 1\npassphrase of guardian 5\n")
    line = one_line_error(
        nazaha(
            "decrypt",
            ws,
            "--key",
            ws / "keys/guardian_1.key",
            "--key",
            ws / "keys/guardian_5.key",
            "--passphrase-file",
            phrases,
        ),
        3,
    )
    assert "2 guardian(s) present, but the quorum is 3 of 5" in line
    assert snapshot(ws) == before


def test_verify_unreadable_record(tmp_path: Path) -> None:
    line = one_line_error(nazaha("verify", tmp_path / "nothing"), 2)
    assert "no such record folder" in line
    (tmp_path / "empty").mkdir()
    assert "record.json" in one_line_error(nazaha("verify", tmp_path / "empty"), 2)


def test_unknown_code_and_double_decision(election, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    shutil.copytree(election["ws"], ws)
    assert "not a confirmation code" in one_line_error(nazaha("cast", ws, "12AB"), 2)
    assert "no pending ballot" in one_line_error(nazaha("cast", ws, "AB" * 32), 3)
    code = election["codes"][0]
    assert nazaha("cast", ws, code).code == 0
    assert "already cast" in one_line_error(nazaha("challenge", ws, code), 3)
