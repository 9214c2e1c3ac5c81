"""Tampers of contest data (§3.3.9-3.3.10), its openings and the guardians' decryptions of it
(§3.6.6), for the Python and the browser verifiers' tests."""

from __future__ import annotations

from pathlib import Path

from nazaha.crypto.params import STANDARD_GROUP
from tests.e2e import tamper

__all__ = [
    "change_contest_data_response",
    "change_decrypted_data",
    "change_decryption_response",
    "change_decryption_share",
    "change_opened_data",
    "change_opened_data_nonce",
    "decryption_response_out_of_range",
    "drop_decryption",
    "drop_opened_data",
    "flip_contest_data_bit",
    "remove_contest_data",
]


def _cast(root: Path) -> str:
    return tamper.ballots(root, "cast")[0]


def _opening(root: Path) -> str:
    return tamper.ballots(root, "challenged")[0].replace("ballots/", "challenged/")


def change_contest_data_response(root: Path) -> None:
    doc = tamper.load(root, _cast(root))
    data = doc["contests"][0]["contest_data"]
    data["response"] = tamper.bump_hex_q(data["response"])
    tamper.save(root, _cast(root), doc)


def flip_contest_data_bit(root: Path) -> None:
    doc = tamper.load(root, _cast(root))
    data = doc["contests"][0]["contest_data"]
    data["masked"] = f"{int(data['masked'][0], 16) ^ 1:X}" + data["masked"][1:]
    tamper.save(root, _cast(root), doc)


def remove_contest_data(root: Path) -> None:
    doc = tamper.load(root, _cast(root))
    del doc["contests"][0]["contest_data"]
    tamper.save(root, _cast(root), doc)


def change_opened_data(root: Path) -> None:
    doc = tamper.load(root, _opening(root))
    data = doc["contests"][0]["data"]
    doc["contests"][0]["data"] = data[:-1] + ("1" if data[-1] == "0" else "0")
    tamper.save(root, _opening(root), doc)


def change_opened_data_nonce(root: Path) -> None:
    doc = tamper.load(root, _opening(root))
    doc["contests"][0]["data_nonce"] = tamper.bump_hex_q(doc["contests"][0]["data_nonce"])
    tamper.save(root, _opening(root), doc)


def drop_opened_data(root: Path) -> None:
    doc = tamper.load(root, _opening(root))
    del doc["contests"][0]["data"], doc["contests"][0]["data_nonce"]
    tamper.save(root, _opening(root), doc)


def _decryption(root: Path) -> str:
    """The guardians' decryption of the first challenged ballot's contest data (§3.6.6)."""
    return tamper.ballots(root, "challenged")[0].replace("ballots/", "contest_data/")


def change_decryption_share(root: Path) -> None:
    doc = tamper.load(root, _decryption(root))
    doc["contests"][0]["beta"] = tamper.bump_hex_p(doc["contests"][0]["beta"])  # still in Z_p^r
    tamper.save(root, _decryption(root), doc)


def change_decryption_response(root: Path) -> None:
    doc = tamper.load(root, _decryption(root))
    doc["contests"][0]["response"] = tamper.bump_hex_q(doc["contests"][0]["response"])
    tamper.save(root, _decryption(root), doc)


def decryption_response_out_of_range(root: Path) -> None:
    doc = tamper.load(root, _decryption(root))
    doc["contests"][0]["response"] = f"{STANDARD_GROUP.q:064X}"
    tamper.save(root, _decryption(root), doc)


def change_decrypted_data(root: Path) -> None:
    doc = tamper.load(root, _decryption(root))
    data = doc["contests"][0]["data"]
    doc["contests"][0]["data"] = data[:-1] + ("1" if data[-1] == "0" else "0")
    tamper.save(root, _decryption(root), doc)


def drop_decryption(root: Path) -> None:
    (root / _decryption(root)).unlink()
