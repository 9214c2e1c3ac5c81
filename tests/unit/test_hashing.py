"""crypto.hashing: encodings of spec §5.1 and the typed hash items."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from nazaha.crypto.hashing import (
    U32,
    File,
    ModP,
    ModQ,
    Raw,
    Tag,
    Text,
    encode_items,
    hash_h,
    hash_q,
    kdf_block,
    xor_bytes,
)
from nazaha.crypto.params import STANDARD_GROUP, TEST_GROUP

KEY = bytes(range(32))


def test_encodings_follow_section_5_1() -> None:
    group = STANDARD_GROUP
    assert encode_items(group, 0x07, (ModP(15),)) == b"\x07" + bytes(511) + b"\x0f"
    assert encode_items(group, 0, (ModP(8572345),))[-3:] == bytes.fromhex("82CDB9")
    assert encode_items(group, 0, (ModQ(16),)) == b"\x00" + bytes(31) + b"\x10"
    assert encode_items(group, 0, (U32(5),)) == bytes.fromhex("0000000005")
    assert encode_items(group, 0, (Tag("pk_vote"),)) == b"\x00" + bytes.fromhex("706B5F766F7465")
    assert encode_items(group, 0, (Text("ElectionGuard"),)) == b"\x00" + bytes.fromhex(
        "0000000D456C656374696F6E4775617264"
    )
    assert encode_items(group, 0, (File(b"ab"),)) == b"\x00\x00\x00\x00\x02ab"
    assert encode_items(group, 0, (Raw(b"\x01\x02"),)) == b"\x00\x01\x02"


def test_hash_is_hmac_sha256_of_domain_and_items() -> None:
    expected = hmac.new(KEY, b"\x29" + b"\x00\x00\x00\x01", hashlib.sha256).digest()
    assert hash_h(TEST_GROUP, KEY, 0x29, U32(1)) == expected
    assert hash_q(TEST_GROUP, KEY, 0x29, U32(1)) == int.from_bytes(expected, "big") % TEST_GROUP.q


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (ModP(-1), "mod p"),
        (ModP(TEST_GROUP.p), "mod p"),
        (ModQ(TEST_GROUP.q), "mod q"),
        (U32(1 << 31), r"2\^31"),
    ],
)
def test_out_of_range_items_raise(item: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hash_h(TEST_GROUP, KEY, 0, item)  # type: ignore[arg-type]


def test_unknown_types_raise_instead_of_being_stringified() -> None:
    with pytest.raises(TypeError, match="cannot hash"):
        hash_h(TEST_GROUP, KEY, 0, 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="32 bytes"):
        hash_h(TEST_GROUP, b"short", 0)


def test_kdf_block_and_xor() -> None:
    block = kdf_block(KEY, b"\x01", "share_enc_keys", b"ctx", b"\x02\x00")
    assert block == hmac.new(KEY, b"\x01share_enc_keys\x00ctx\x02\x00", hashlib.sha256).digest()
    assert xor_bytes(xor_bytes(b"hello", b"abcde"), b"abcde") == b"hello"
    with pytest.raises(ValueError, match="different lengths"):
        xor_bytes(b"a", b"ab")
