"""A tamper tool for 2.1 records: one mutation at a time, as a capable attacker would make it.

Each mutation edits files of a record copy and, unless told otherwise, rewrites ``record.json``
so that the file digests match again; only the cryptographic checks can then catch it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nazaha.crypto.params import STANDARD_GROUP
from nazaha.record.layout import record_signature_message

Mutation = Callable[[Path], None]


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def load(root: Path, name: str) -> Any:
    return json.loads((root / name).read_bytes())


def save(root: Path, name: str, obj: Any) -> None:
    (root / name).write_bytes(canonical(obj))


def reindex(root: Path) -> None:
    """Make record.json list every file with its current digest (what an attacker would do), and
    the proof-hint annex's index too (it is not signed either)."""
    index = load(root, "record.json")
    files = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_file() and name not in ("record.json", "record.sig") and not name.startswith("hints/"):
            files[name] = hashlib.sha256(path.read_bytes()).hexdigest().upper()
    index["files"] = files
    ballots = [load(root, f"ballots/{p.name}") for p in (root / "ballots").glob("*.json")]
    index["ballots"] = len(ballots)
    index["cast"] = sum(1 for b in ballots if b["state"] == "cast")
    index["challenged"] = sum(1 for b in ballots if b["state"] == "challenged")
    index["board_head"] = load(root, "board.json")["head"]
    save(root, "record.json", index)  # the attacker cannot re-sign it: record.sig no longer matches (S.B)
    reindex_hints(root)


def reindex_hints(root: Path) -> None:
    """Make hints/index.json name the current record.json and list each hint file's digest."""
    if not (root / "hints" / "index.json").is_file():
        return
    digest = hashlib.sha256((root / "record.json").read_bytes()).hexdigest().upper()
    listing = {
        f"hints/{path.name}": hashlib.sha256(path.read_bytes()).hexdigest().upper()
        for path in sorted((root / "hints").glob("*.bin"))
    }
    save(root, "hints/index.json", {"format": "nazaha-hints/1", "record": digest, "files": listing})


def ballots(root: Path, state: str) -> list[str]:
    names = sorted(f"ballots/{p.name}" for p in (root / "ballots").glob("*.json"))
    return [n for n in names if load(root, n)["state"] == state]


def bump_hex_p(value: str) -> str:
    """Another element of the subgroup: multiply by g."""
    x = int(value, 16) * STANDARD_GROUP.g % STANDARD_GROUP.p
    return f"{x:0{len(value)}X}"


def bump_hex_q(value: str) -> str:
    return f"{(int(value, 16) + 1) % STANDARD_GROUP.q:0{len(value)}X}"


def apply(record: Path, mutation: Mutation, *, reindex_after: bool = True) -> None:
    mutation(record)
    if reindex_after:
        reindex(record)


# -- the mutations ---------------------------------------------------------------------------------


def change_ciphertext(root: Path) -> None:
    name = ballots(root, "cast")[0]
    doc = load(root, name)
    selection = doc["contests"][0]["selections"][0]
    selection["pad"] = bump_hex_p(selection["pad"])
    save(root, name, doc)


def change_proof_response(root: Path) -> None:
    name = ballots(root, "cast")[1]
    doc = load(root, name)
    proof = doc["contests"][0]["selections"][1]["proof"]
    proof["responses"][0] = bump_hex_q(proof["responses"][0])
    save(root, name, doc)


def change_contest_limit_proof(root: Path) -> None:
    name = ballots(root, "cast")[2]
    doc = load(root, name)
    proof = doc["contests"][1]["proof"]
    proof["challenges"][0] = bump_hex_q(proof["challenges"][0])
    save(root, name, doc)


def change_tally_count(root: Path) -> None:
    doc = load(root, "tally.json")
    doc["contests"][0]["options"][0]["value"] += 1
    save(root, "tally.json", doc)


def change_tally_proof(root: Path) -> None:
    doc = load(root, "tally.json")
    option = doc["contests"][1]["options"][2]
    option["challenge"] = bump_hex_q(option["challenge"])
    save(root, "tally.json", doc)


def change_manifest_label(root: Path) -> None:
    doc = load(root, "manifest.json")
    doc["contests"][0]["options"][1]["name"][1]["text"] = "Karim Nassar (withdrawn)"
    save(root, "manifest.json", doc)


def change_guardian_commitment(root: Path) -> None:
    doc = load(root, "guardians/guardian_2.json")
    doc["vote_commitments"][1] = bump_hex_p(doc["vote_commitments"][1])
    save(root, "guardians/guardian_2.json", doc)


def change_guardian_key(root: Path) -> None:
    doc = load(root, "guardians/guardian_3.json")
    doc["vote_commitments"][0] = bump_hex_p(doc["vote_commitments"][0])
    save(root, "guardians/guardian_3.json", doc)


def change_extended_hash(root: Path) -> None:
    doc = load(root, "hashes.json")
    doc["extended_hash"] = "00" + doc["extended_hash"][2:]
    save(root, "hashes.json", doc)


def change_spec_version(root: Path) -> None:
    doc = load(root, "parameters.json")
    doc["spec_version"] = "2.0.0"
    save(root, "parameters.json", doc)


def change_confirmation_code(root: Path) -> None:
    name = ballots(root, "cast")[3]
    doc = load(root, name)
    code = doc["confirmation_code"]
    new = ("0" if code[0] != "0" else "1") + code[1:]
    doc["confirmation_code"] = new
    (root / name).unlink()
    save(root, f"ballots/{new}.json", doc)
    for device in (root / "devices").glob("*.json"):
        log = load(root, f"devices/{device.name}")
        log["ballots"] = [new if c == code else c for c in log["ballots"]]
        save(root, f"devices/{device.name}", log)


def change_ballot_nonce_proof(root: Path) -> None:
    """Alter the response v_B of a cast ballot's encrypted-nonce proof (eq. 38)."""
    name = ballots(root, "cast")[5]
    doc = load(root, name)
    doc["encrypted_nonce"]["response"] = bump_hex_q(doc["encrypted_nonce"]["response"])
    save(root, name, doc)


def change_ballot_nonce_ciphertext(root: Path) -> None:
    """Flip one bit of C_ξB,1, the masked ballot nonce, of a challenged ballot."""
    name = ballots(root, "challenged")[0]
    doc = load(root, name)
    masked = doc["encrypted_nonce"]["masked"]
    doc["encrypted_nonce"]["masked"] = f"{int(masked[0], 16) ^ 1:X}" + masked[1:]
    save(root, name, doc)


def change_selection_id(root: Path) -> None:
    name = ballots(root, "cast")[4]
    doc = load(root, name)
    doc["selection_id"] = "00" * 32
    save(root, name, doc)


def delete_ballot(root: Path) -> None:
    (root / ballots(root, "cast")[0]).unlink()


def delete_ballot_everywhere(root: Path) -> None:
    """Remove a ballot and its entry in the device list: only the chain can tell."""
    for device in sorted((root / "devices").glob("*.json")):
        log = load(root, f"devices/{device.name}")
        if log["chaining"] == "simple" and len(log["ballots"]) > 2:
            victim = log["ballots"][1]
            doc = load(root, f"ballots/{victim}.json")
            if doc["state"] != "cast":
                victim = log["ballots"][2]
            log["ballots"].remove(victim)
            save(root, f"devices/{device.name}", log)
            (root / f"ballots/{victim}.json").unlink()
            return
    raise AssertionError("no simple chain to cut")


def duplicate_ballot(root: Path) -> None:
    name = ballots(root, "cast")[0]
    shutil.copy(root / name, root / "ballots" / ("F" * 64 + ".json"))


def reorder_ballots(root: Path) -> None:
    for device in sorted((root / "devices").glob("*.json")):
        log = load(root, f"devices/{device.name}")
        if log["chaining"] == "simple":
            log["ballots"][0], log["ballots"][1] = log["ballots"][1], log["ballots"][0]
            save(root, f"devices/{device.name}", log)
            return
    raise AssertionError("no simple chain to reorder")


def change_closing_hash(root: Path) -> None:
    for device in sorted((root / "devices").glob("*.json")):
        log = load(root, f"devices/{device.name}")
        if log["chaining"] == "simple":
            log["closing_hash"] = "A" * 64
            save(root, f"devices/{device.name}", log)
            return


def swap_proofs(root: Path) -> None:
    first, second = ballots(root, "cast")[:2]
    a, b = load(root, first), load(root, second)
    a["contests"][0]["selections"][0]["proof"], b["contests"][0]["selections"][0]["proof"] = (
        b["contests"][0]["selections"][0]["proof"],
        a["contests"][0]["selections"][0]["proof"],
    )
    save(root, first, a)
    save(root, second, b)


def flip_challenged_to_cast(root: Path) -> None:
    """Count a challenged ballot: flip its state and drop its opening."""
    name = ballots(root, "challenged")[0]
    doc = load(root, name)
    doc["state"] = "cast"
    save(root, name, doc)
    (root / name.replace("ballots/", "challenged/")).unlink()


def change_challenged_opening(root: Path) -> None:
    name = ballots(root, "challenged")[0].replace("ballots/", "challenged/")
    doc = load(root, name)
    selections = doc["contests"][0]["selections"]
    for selection in selections:
        selection["value"] = 1 - selection["value"] if selection["value"] in (0, 1) else selection["value"]
    save(root, name, doc)


def remove_opening(root: Path) -> None:
    (root / ballots(root, "challenged")[0].replace("ballots/", "challenged/")).unlink()


def change_encrypted_tally(root: Path) -> None:
    doc = load(root, "encrypted_tally.json")
    option = doc["contests"][2]["options"][0]
    option["data"] = bump_hex_p(option["data"])
    save(root, "encrypted_tally.json", doc)


def forge_message_signature(root: Path) -> None:
    """A guardian's commit message whose signature is not the guardian's."""
    path = root / "decryption/round-1/commit/guardian_1.sig"
    text = path.read_text("ascii")
    path.write_text(text[:-1] + ("0" if text[-1] != "0" else "1"), "ascii")


def replace_guardian_message(root: Path) -> None:
    """Guardian 3's reveal replaced by guardian 1's (its signature left as it was)."""
    source = (root / "decryption/round-1/reveal/guardian_1.json").read_bytes()
    (root / "decryption/round-1/reveal/guardian_3.json").write_bytes(source)


def alter_round_document(root: Path) -> None:
    """The round document rewritten to name other guardians."""
    doc = load(root, "decryption/round-1.json")
    doc["present"] = [1, 2, 3]
    save(root, "decryption/round-1.json", doc)


def remove_last_round_message(root: Path) -> None:
    """A response of the last round removed from the record (and from its index)."""
    (root / "decryption/round-1/respond/guardian_5.json").unlink()
    (root / "decryption/round-1/respond/guardian_5.sig").unlink()


# -- eligibility: what a ballot box (or an authority) that stuffs ballots would do --------------


def _extended_hash(root: Path) -> bytes:
    return bytes.fromhex(load(root, "hashes.json")["extended_hash"])


def _sign_as(seed: bytes, root: Path, code: str) -> tuple[str, str]:
    """(public key, signature) of a ballot with a key the attacker holds."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from nazaha.election.eligibility import ballot_signature_message

    key = Ed25519PrivateKey.from_private_bytes(seed)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex().upper()
    signature = key.sign(ballot_signature_message(_extended_hash(root), bytes.fromhex(code))).hex().upper()
    return public, signature


def unsign_cast_ballot(root: Path) -> None:
    """A cast ballot without its voter's signature (a ballot slipped in by the box)."""
    name = ballots(root, "cast")[0]
    doc = load(root, name)
    doc.pop("credential")
    doc.pop("credential_signature")
    save(root, name, doc)


def sign_with_unlisted_key(root: Path) -> None:
    """A cast ballot signed, validly, by a key that is not on the credential list."""
    name = ballots(root, "cast")[0]
    doc = load(root, name)
    doc["credential"], doc["credential_signature"] = _sign_as(b"\x07" * 32, root, doc["confirmation_code"])
    save(root, name, doc)


def _rewrite_open_commitment(root: Path) -> None:
    from nazaha.record.eligibility import ELIGIBILITY_FILES, eligibility_commitment

    files = {n: (root / n).read_bytes() for n in ELIGIBILITY_FILES if (root / n).is_file()}
    board = load(root, "board.json")
    board["entries"][0]["code"] = eligibility_commitment(files)
    rechain(board, _extended_hash(root).hex().upper())
    save(root, "board.json", board)


def two_ballots_from_one_key(root: Path) -> None:
    """Two cast ballots signed by one key the attacker holds, which replaces a listed key in the
    credential list; the board's opening commitment is rewritten to match (a full-power attacker)."""
    first, second = ballots(root, "cast")[:2]
    seed = b"\x09" * 32
    public = ""
    for name in (first, second):
        doc = load(root, name)
        old = doc["credential"]
        public, doc["credential_signature"] = _sign_as(seed, root, doc["confirmation_code"])
        doc["credential"] = public
        save(root, name, doc)
    listed = load(root, "credentials.json")
    keys = [k for k in listed["keys"] if k["key"] != old]
    style = next(k.get("style", "") for k in listed["keys"] if k["key"] == old)
    keys.append({"key": public, **({"style": style} if style else {})})
    keys.sort(key=lambda k: k["key"])
    listed["keys"] = keys
    save(root, "credentials.json", listed)
    _rewrite_open_commitment(root)


def swap_credential_list(root: Path) -> None:
    """The credential list replaced in the record after voting opened (the board untouched)."""
    listed = load(root, "credentials.json")
    listed["keys"][0]["key"] = "A" * 64
    listed["keys"].sort(key=lambda k: k["key"])
    save(root, "credentials.json", listed)


def revoke_before_use(root: Path) -> None:
    """A credential revoked on the board before its ballot was received: the ballot counts anyway."""
    name = ballots(root, "cast")[0]
    doc = load(root, name)
    listed = load(root, "credentials.json")
    entry = next(k for k in listed["keys"] if k["key"] == doc["credential"])
    update = {"format": "nazaha-record/1", "revoke": doc["credential"], "add": {**entry, "key": "B" * 64}}
    (root / "credentials").mkdir(exist_ok=True)
    save(root, "credentials/update-1.json", update)
    code = hashlib.sha256(canonical(update)).hexdigest().upper()
    board = load(root, "board.json")
    first = board["entries"][0]
    board["entries"].insert(1, {**first, "kind": "credential", "code": code})
    rechain(board, _extended_hash(root).hex().upper())
    save(root, "board.json", board)


def remove_record_signature(root: Path) -> None:
    """The record published without its administrator's signature."""
    (root / "record.sig").unlink()


def forge_record_signature(root: Path) -> None:
    """The record's signature replaced by one made with another key (over the same record.json)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    message = record_signature_message(hashlib.sha256((root / "record.json").read_bytes()).digest())
    forged = Ed25519PrivateKey.from_private_bytes(b"\x05" * 32).sign(message)
    (root / "record.sig").write_text(forged.hex().upper(), "ascii")


def change_without_reindex(root: Path) -> None:
    change_proof_response(root)


def rechain(board: dict[str, Any], genesis: str) -> None:
    """Recompute every hash of the board after an edit, as an attacker would."""
    from nazaha.record.board import BoardKind, entry_hash

    previous = genesis
    for position, entry in enumerate(board["entries"], start=1):
        entry["position"] = position
        entry["previous"] = previous
        entry["hash"] = entry_hash(position, BoardKind(entry["kind"]), entry["code"], previous, entry["recorded_at"])
        previous = entry["hash"]
    board["head"] = previous


def delete_board_entry(root: Path) -> None:
    board = load(root, "board.json")
    del board["entries"][3]
    save(root, "board.json", board)


def swap_board_entries(root: Path) -> None:
    board = load(root, "board.json")
    entries = board["entries"]
    entries[1], entries[2] = entries[2], entries[1]
    save(root, "board.json", board)


def rewrite_board_decision(root: Path) -> None:
    """Turn a cast into a challenge on the board and re-hash the whole chain."""
    board = load(root, "board.json")
    entry = next(e for e in board["entries"] if e["kind"] == "cast")
    entry["kind"] = "challenge"
    rechain(board, load(root, "hashes.json")["extended_hash"])
    save(root, "board.json", board)


def slip_in_ballot(root: Path) -> None:
    """Remove a ballot's board entries and re-hash: the ballot is in the record but never received."""
    board = load(root, "board.json")
    code = next(e["code"] for e in board["entries"] if e["kind"] == "cast")
    board["entries"] = [e for e in board["entries"] if e["code"] != code]
    rechain(board, load(root, "hashes.json")["extended_hash"])
    save(root, "board.json", board)


def list_ballot_on_two_devices(root: Path) -> None:
    """A ballot claimed by two devices: appended to the log of a device that did not make it."""
    logs = sorted((root / "devices").glob("*.json"))
    first, second = load(root, f"devices/{logs[0].name}"), load(root, f"devices/{logs[1].name}")
    second["ballots"].append(first["ballots"][0])
    save(root, f"devices/{logs[1].name}", second)


def opening_for_a_cast_ballot(root: Path) -> None:
    """Publish an 'opening' of a cast ballot (copied from a challenged one)."""
    opening = load(root, ballots(root, "challenged")[0].replace("ballots/", "challenged/"))
    code = load(root, ballots(root, "cast")[0])["confirmation_code"]
    opening["confirmation_code"] = code
    save(root, f"challenged/{code}.json", opening)


def receive_twice_on_board(root: Path) -> None:
    """Repeat a ballot's 'received' entry on the board and re-hash the chain."""
    board = load(root, "board.json")
    entries = board["entries"]
    first = next(e for e in entries if e["kind"] == "ballot")
    entries.insert(entries.index(first) + 1, dict(first))
    rechain(board, load(root, "hashes.json")["extended_hash"])
    save(root, "board.json", board)


def add_unlisted_file(root: Path) -> None:
    (root / "guardians" / "guardian_9.json").write_bytes(b"{}")


def remove_listed_file(root: Path) -> None:
    (root / "devices" / "device_2.json").unlink()


def pretty_print(name: str) -> Mutation:
    """Rewrite a file with the same content but indented (not canonical)."""

    def mutate(root: Path) -> None:
        (root / name).write_text(json.dumps(load(root, name), indent=1), "utf-8")

    mutate.__name__ = f"pretty_print_{name.replace('/', '_').removesuffix('.json')}"
    return mutate
