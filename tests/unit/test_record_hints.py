"""record.hints: the proof-hint annex's files are read strictly."""

from __future__ import annotations

import hashlib

import pytest

from nazaha.crypto.params import TEST_GROUP as G
from nazaha.errors import RecordFormatError
from nazaha.record.hints import decode_hint_index, decode_hints, encode_hint_index, encode_hints


def test_hints_round_trip() -> None:
    values = [G.g_pow(i) for i in range(1, 6)]
    data = encode_hints(G, values)
    assert data[:4] == b"NZH1" and len(data) == 8 + 5 * G.p_bytes
    assert decode_hints(data, G, "h") == tuple(values)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"NZH2" + bytes(4), "no NZH1 header"),
        (encode_hints(G, [G.g])[:-1], "the header announces 1 values"),
        (b"NZH1" + (5).to_bytes(4, "big") + bytes(G.p_bytes), "the header announces 5 values"),
        (encode_hints(G, [0]), "value 0 is not in"),
        (b"NZH1" + (1).to_bytes(4, "big") + G.p.to_bytes(G.p_bytes, "big"), "value 0 is not in"),
    ],
)
def test_malformed_hints_are_refused(data: bytes, problem: str) -> None:
    with pytest.raises(RecordFormatError, match=problem):
        decode_hints(data, G, "hints/x.bin")


def test_the_index_names_its_record_and_is_canonical() -> None:
    record = b'{"format":"nazaha-record/1"}'
    data = encode_hint_index(record, {"hints/B.bin": "00", "hints/A.bin": "11"})
    index = decode_hint_index(data)
    assert index.record == hashlib.sha256(record).hexdigest().upper()
    assert list(index.files) == ["hints/A.bin", "hints/B.bin"]
    with pytest.raises(RecordFormatError, match="canonical"):
        decode_hint_index(data.replace(b",", b", ", 1))
    with pytest.raises(RecordFormatError, match="format"):
        decode_hint_index(data.replace(b"nazaha-hints/1", b"nazaha-hints/2"))
