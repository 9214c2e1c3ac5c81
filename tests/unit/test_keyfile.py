"""ceremony.keyfile: sealed key shares; wrong passphrase and damage are refused."""

from __future__ import annotations

import json

import pytest

from nazaha.ceremony.keyfile import KDF_TEST_ONLY, open_key_share, seal_key_share
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import TEST_GROUP
from nazaha.errors import KeyFileError


def sealed(election, passphrase: str = "correct horse battery") -> bytes:  # type: ignore[no-untyped-def]
    return seal_key_share(election.keys[1], passphrase, SeededRandom("k"), KDF_TEST_ONLY)


def test_round_trip_and_no_plaintext_on_disk(election) -> None:  # type: ignore[no-untyped-def]
    data = sealed(election)
    key = election.keys[1]
    assert open_key_share(data, "correct horse battery", TEST_GROUP) == key
    text = data.decode()
    assert f"{key.vote_share:X}" not in text and f"{key.data_share:X}" not in text
    header = json.loads(data)["header"]
    assert header["guardian"] == 2 and header["kdf"]["name"] == "argon2id"


def test_wrong_passphrase(election) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        open_key_share(sealed(election), "wrong horse", TEST_GROUP)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d.update(ciphertext=d["ciphertext"][:-8] + "AAAAAAA="), "wrong passphrase, or the file was altered"),
        (lambda d: d["header"].update(guardian=3), "altered"),
        (lambda d: d["header"].update(election="00" * 32), "altered"),
        (lambda d: d["header"]["kdf"].update(memory_kib=10**9), "out of range"),
        (lambda d: d["header"].update(format="other"), "unsupported key file format"),
        (lambda d: d.pop("ciphertext"), "not a guardian key file"),
        (lambda d: d["header"].update(nonce="!!"), "damaged"),
    ],
)
def test_damaged_files_are_refused(election, damage, message) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(sealed(election))
    damage(doc)
    with pytest.raises(KeyFileError, match=message):
        open_key_share(json.dumps(doc).encode(), "correct horse battery", TEST_GROUP)


def test_not_json_and_empty_passphrase(election) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyFileError, match="not a guardian key file"):
        open_key_share(b"\x00garbage", "x", TEST_GROUP)
    with pytest.raises(KeyFileError, match="must not be empty"):
        seal_key_share(election.keys[0], "", SeededRandom("k"), KDF_TEST_ONLY)
