"""A tamper tool for ElectionGuard 1.x records: one mutation at a time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any


def load(root: Path, name: str) -> Any:
    return json.loads((root / name).read_text())


def save(root: Path, name: str, obj: Any) -> None:
    (root / name).write_text(json.dumps(obj, indent=2))


def constants(root: Path) -> tuple[int, int, int]:
    c = load(root, "constants.json")
    return int(c["large_prime"], 16), int(c["small_prime"], 16), int(c["generator"], 16)


def times_g(root: Path, value: str) -> str:
    p, _, g = constants(root)
    return format(int(value, 16) * g % p, "X")


def plus_one(root: Path, value: str) -> str:
    _, q, _ = constants(root)
    return format((int(value, 16) + 1) % q, "X")


def ballots(root: Path, state: int) -> list[str]:
    names = sorted(f"submitted_ballots/{p.name}" for p in (root / "submitted_ballots").glob("*.json"))
    return [n for n in names if load(root, n)["state"] == state]


def chain(root: Path) -> list[str]:
    """Ballot files in tracking-code order."""
    docs = {n: load(root, n) for n in ballots(root, 1) + ballots(root, 2)}
    by_seed = {d["code_seed"]: n for n, d in docs.items()}
    codes = {d["code"] for d in docs.values()}
    first = next(n for n, d in docs.items() if d["code_seed"] not in codes)
    order = [first]
    while docs[order[-1]]["code"] in by_seed:
        order.append(by_seed[docs[order[-1]]["code"]])
    return order


def change_ciphertext(root: Path) -> None:
    name = ballots(root, 1)[0]
    doc = load(root, name)
    selection = doc["contests"][0]["ballot_selections"][0]
    selection["ciphertext"]["pad"] = times_g(root, selection["ciphertext"]["pad"])
    save(root, name, doc)


def change_selection_response(root: Path) -> None:
    name = ballots(root, 1)[1]
    doc = load(root, name)
    proof = doc["contests"][1]["ballot_selections"][2]["proof"]
    proof["proof_zero_response"] = plus_one(root, proof["proof_zero_response"])
    save(root, name, doc)


def change_contest_proof(root: Path) -> None:
    name = ballots(root, 1)[2]
    doc = load(root, name)
    proof = doc["contests"][1]["proof"]
    proof["response"] = plus_one(root, proof["response"])
    save(root, name, doc)


def swap_proofs(root: Path) -> None:
    first, second = ballots(root, 1)[:2]
    a, b = load(root, first), load(root, second)
    sa, sb = a["contests"][0]["ballot_selections"][0], b["contests"][0]["ballot_selections"][0]
    sa["proof"], sb["proof"] = sb["proof"], sa["proof"]
    save(root, first, a)
    save(root, second, b)


def change_tally_count(root: Path) -> None:
    doc = load(root, "tally.json")
    selection = next(iter(next(iter(doc["contests"].values()))["selections"].values()))
    selection["tally"] += 1
    save(root, "tally.json", doc)


def change_manifest_label(root: Path) -> None:
    doc = load(root, "manifest.json")
    doc["contests"][0]["ballot_selections"][0]["object_id"] = "renamed-selection"
    save(root, "manifest.json", doc)


def change_guardian_commitment(root: Path) -> None:
    doc = load(root, "guardians/guardian_2.json")
    doc["election_proofs"][1]["commitment"] = times_g(root, doc["election_proofs"][1]["commitment"])
    save(root, "guardians/guardian_2.json", doc)


def change_joint_key(root: Path) -> None:
    doc = load(root, "context.json")
    doc["elgamal_public_key"] = times_g(root, doc["elgamal_public_key"])
    save(root, "context.json", doc)


def change_tracking_code(root: Path) -> None:
    name = chain(root)[-1]
    doc = load(root, name)
    doc["code"] = plus_one(root, doc["code"])
    save(root, name, doc)


def delete_ballot(root: Path) -> None:
    order = chain(root)
    victim = next(n for n in order[1:-1] if load(root, n)["state"] == 1)
    (root / victim).unlink()


def duplicate_ballot(root: Path) -> None:
    name = ballots(root, 1)[0]
    shutil.copy(root / name, root / "submitted_ballots" / "submitted_ballot_copy.json")


def add_ballot(root: Path) -> None:
    name = ballots(root, 1)[0]
    doc = load(root, name)
    doc["object_id"] = "ballot-stuffed"
    save(root, "submitted_ballots/submitted_ballot_ballot-stuffed.json", doc)


def reorder_ballots(root: Path) -> None:
    order = chain(root)
    a, b = load(root, order[1]), load(root, order[2])
    a["code_seed"], b["code_seed"] = b["code_seed"], a["code_seed"]
    save(root, order[1], a)
    save(root, order[2], b)


def share_from_wrong_guardian(root: Path) -> None:
    doc = load(root, "tally.json")
    selection = next(iter(next(iter(doc["contests"].values()))["selections"].values()))
    direct = [s for s in selection["shares"] if s["proof"] is not None]
    direct[0]["share"], direct[1]["share"] = direct[1]["share"], direct[0]["share"]
    save(root, "tally.json", doc)


def change_recovered_share(root: Path) -> None:
    doc = load(root, "tally.json")
    selection = next(iter(next(iter(doc["contests"].values()))["selections"].values()))
    compensated = next(s for s in selection["shares"] if s["recovered_parts"])
    part = next(iter(compensated["recovered_parts"].values()))
    part["share"] = times_g(root, part["share"])
    save(root, "tally.json", doc)


def change_lagrange_coefficient(root: Path) -> None:
    doc = load(root, "coefficients.json")
    key = next(iter(doc["coefficients"]))
    doc["coefficients"][key] = plus_one(root, doc["coefficients"][key])
    save(root, "coefficients.json", doc)


def change_spoiled_decryption(root: Path) -> None:
    name = sorted(f"spoiled_ballots/{p.name}" for p in (root / "spoiled_ballots").glob("*.json"))[0]
    doc = load(root, name)
    selection = next(iter(next(iter(doc["contests"].values()))["selections"].values()))
    selection["tally"] = 1 - selection["tally"]
    save(root, name, doc)


def flip_spoiled_to_cast(root: Path) -> None:
    name = ballots(root, 2)[0]
    doc = load(root, name)
    doc["state"] = 1
    save(root, name, doc)
