"""The streamed readers of record.json, board.json and device logs agree with the whole-file
decoders on canonical files and refuse every file those decoders refuse."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nazaha.errors import RecordFormatError
from nazaha.record.board import (
    BoardEntry,
    BoardKind,
    board_from_events,
    decode_board,
    encode_board,
    encode_board_stream,
    stream_board,
)
from nazaha.record.codec import (
    RECORD_FORMAT,
    DeviceLog,
    RecordIndex,
    decode_device,
    decode_record_index,
    encode_device,
    encode_device_stream,
    encode_record_index,
    stream_device,
    stream_record_index,
)
from nazaha.record.stream import StreamedDocument, encode_streamed

GENESIS = "AB" * 32
CODES = [hashlib.sha256(str(i).encode()).hexdigest().upper() for i in range(5)]


def _board_bytes(events: list[tuple[BoardKind, str, str]]) -> bytes:
    return encode_board(board_from_events(GENESIS, events), GENESIS)


def _read_board(path: Path) -> tuple[str, list[BoardEntry]]:
    header = StreamedDocument("board.json")
    entries = list(stream_board(path, header))
    return header.scalars["head"], entries


def _sample_board() -> bytes:
    events = [(BoardKind.BALLOT, code, f"2026-11-29T10:0{i}:00Z") for i, code in enumerate(CODES)]
    events += [(BoardKind.CAST, code, "2026-11-29T11:00:00Z") for code in CODES[:3]]
    events.append((BoardKind.CLOSE, "", "2026-11-29T12:00:00Z"))
    return _board_bytes(events)


def test_board_stream_equals_whole_decode(tmp_path: Path) -> None:
    path = tmp_path / "board.json"
    path.write_bytes(_sample_board())
    assert _read_board(path) == decode_board(path.read_bytes())


@given(
    st.lists(
        st.tuples(
            st.sampled_from([BoardKind.BALLOT, BoardKind.CAST, BoardKind.CHALLENGE]),
            st.sampled_from(CODES),
            st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
        ),
        max_size=12,
    )
)
def test_board_stream_equals_whole_decode_for_any_board(events: list[tuple[BoardKind, str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "board.json"
        path.write_bytes(_board_bytes(events))
        assert _read_board(path) == decode_board(path.read_bytes())


def test_device_stream_equals_whole_decode(tmp_path: Path) -> None:
    for closing in ("", "CD" * 32):
        log = DeviceLog(format=RECORD_FORMAT, device="booth-7", chaining="simple", ballots=CODES, closing_hash=closing)
        path = tmp_path / "device_1.json"
        path.write_bytes(encode_device(log))
        header = StreamedDocument("devices/device_1.json")
        codes = list(stream_device(path, "devices/device_1.json", header))
        whole = decode_device(path.read_bytes(), "devices/device_1.json")
        assert codes == whole.ballots
        assert header.scalars == {
            "format": RECORD_FORMAT,
            "device": "booth-7",
            "chaining": "simple",
            "closing_hash": closing,
        }


def test_index_stream_equals_whole_decode(tmp_path: Path) -> None:
    files = {f"ballots/{code}.json": code for code in CODES} | {"manifest.json": "EF" * 32}
    index = RecordIndex(
        RECORD_FORMAT, "2.1.0", "City", "2026-11-29T12:00:00Z", dict(sorted(files.items())), 5, 3, 2, GENESIS
    )
    path = tmp_path / "record.json"
    path.write_bytes(encode_record_index(index))
    header = StreamedDocument("record.json")
    listing = list(stream_record_index(path, header))
    whole = decode_record_index(path.read_bytes())
    assert dict(listing) == whole.files and [name for name, _ in listing] == list(whole.files)
    assert header.scalars == {
        "format": RECORD_FORMAT,
        "spec_version": "2.1.0",
        "election": "City",
        "created": "2026-11-29T12:00:00Z",
        "ballots": 5,
        "cast": 3,
        "challenged": 2,
        "board_head": GENESIS,
    }


def _pretty(data: bytes) -> bytes:
    return json.dumps(json.loads(data), indent=1).encode()


def _reorder_head(data: bytes) -> bytes:
    doc = json.loads(data)
    return json.dumps({"entries": doc["entries"], "format": doc["format"], "head": doc["head"]}).encode()


def _escape_code(data: bytes) -> bytes:
    return data.replace(b'"code":"' + CODES[0][:1].encode(), b'"code":"\\u00' + CODES[0][:1].encode().hex().encode(), 1)


BAD_BOARDS = {
    "whitespace": (_pretty, "canonical"),
    "trailing newline": (lambda d: d + b"\n", "canonical"),
    "members reordered": (_reorder_head, "order"),
    "an escape where none is needed": (_escape_code, "canonical"),
    "a float position": (lambda d: d.replace(b'"position":1,', b'"position":1.0,', 1), "integers"),
    "an unknown field in an entry": (lambda d: d.replace(b'"position":2,', b'"position":2,"x":1,', 1), "unknown"),
    "entry fields reordered": (
        lambda d: d.replace(b'{"position":1,"kind":"ballot"', b'{"kind":"ballot","position":1', 1),
        "order",
    ),
    "a missing head": (lambda d: d.replace(b'"head":"' + d.split(b'"head":"')[1][:65] + b",", b"", 1), "head"),
    "an unknown kind": (lambda d: d.replace(b'"kind":"cast"', b'"kind":"spoil"', 1), "kind"),
    "a short hash": (lambda d: d.replace(b'"previous":"AB', b'"previous":"', 1), "hex"),
    "truncated": (lambda d: d[:-7], "JSON"),
    "not an object": (lambda d: b"[" + d + b"]", "object"),
    "another format": (lambda d: d.replace(RECORD_FORMAT.encode(), b"nazaha-record/9", 1), "format"),
    "entries not an array": (lambda d: d.split(b'"entries":')[0] + b'"entries":{}}', "array"),
}


@pytest.mark.parametrize("name", sorted(BAD_BOARDS))
def test_board_stream_refuses_what_the_decoder_refuses(tmp_path: Path, name: str) -> None:
    mutate, expected = BAD_BOARDS[name]
    data = mutate(_sample_board())
    path = tmp_path / "board.json"
    path.write_bytes(data)
    with pytest.raises(RecordFormatError) as streamed:
        _read_board(path)
    assert expected.lower() in str(streamed.value).lower()
    with pytest.raises(RecordFormatError):
        decode_board(data)


def test_device_stream_refuses_bad_codes_and_modes(tmp_path: Path) -> None:
    log = DeviceLog(format=RECORD_FORMAT, device="d", chaining="none", ballots=CODES)
    good = encode_device(log)
    cases = {
        good.replace(CODES[2].encode(), CODES[2][:-1].lower().encode() + b"0"): "confirmation code",
        good.replace(b'"chaining":"none"', b'"chaining":"fancy"'): "chaining mode",
        good.replace(b'"chaining":"none",', b""): "chaining: missing",
        good.replace(b'"ballots":["', b'"ballots":[1,"'): "confirmation code",
        good[:-1] + b',"closing_hash":""}': "canonical",
        good[:-1] + b',"closing_hash":"XYZ"}': "closing_hash",
    }
    for data, expected in cases.items():
        path = tmp_path / "device.json"
        path.write_bytes(data)
        with pytest.raises(RecordFormatError, match=expected):
            list(stream_device(path, "devices/device.json", StreamedDocument("devices/device.json")))


def test_index_stream_refuses_bad_digests_and_missing_file(tmp_path: Path) -> None:
    index = RecordIndex(RECORD_FORMAT, "2.1.0", "City", "now", {"a.json": "01" * 32}, 0, 0, 0, GENESIS)
    path = tmp_path / "record.json"
    path.write_bytes(encode_record_index(index).replace(b"01" * 32, b"01" * 31))
    with pytest.raises(RecordFormatError, match=r"a\.json"):
        list(stream_record_index(path, StreamedDocument("record.json")))
    with pytest.raises(RecordFormatError, match="missing"):
        list(stream_record_index(tmp_path / "none.json", StreamedDocument("record.json")))


# -- writing as a stream gives the bytes of encoding the whole document ----------------------------


@given(
    st.lists(
        st.tuples(st.sampled_from([BoardKind.BALLOT, BoardKind.CAST, BoardKind.CHALLENGE]), st.sampled_from(CODES)),
        max_size=12,
    )
)
def test_the_board_written_as_a_stream_is_the_board_encoded_whole(events: list[tuple[BoardKind, str]]) -> None:
    entries = board_from_events(GENESIS, [(kind, code, "2026-12-04T10:00:00Z") for kind, code in events])
    head = entries[-1].hash if entries else GENESIS
    assert b"".join(encode_board_stream(iter(entries), head)) == encode_board(entries, GENESIS)


def test_a_device_list_written_as_a_stream_is_the_list_encoded_whole() -> None:
    for codes in ([], CODES[:1], CODES):
        for chaining, closing in (("none", ""), ("simple", "CD" * 32)):
            whole = encode_device(DeviceLog(RECORD_FORMAT, "booth-7", chaining, list(codes), closing))
            assert b"".join(encode_device_stream("booth-7", chaining, iter(codes), closing)) == whole


def test_encode_streamed_needs_the_empty_field() -> None:
    template = encode_record_index(RecordIndex(RECORD_FORMAT, "2.1.0", "City", "t", {}, 0, 0, 0, GENESIS))
    items = [b'"a.json":"00"', b'"b.json":"11"']
    streamed = b"".join(encode_streamed(template, "files", iter(items)))
    assert json.loads(streamed)["files"] == {"a.json": "00", "b.json": "11"}
    assert streamed == encode_record_index(
        RecordIndex(RECORD_FORMAT, "2.1.0", "City", "t", {"a.json": "00", "b.json": "11"}, 0, 0, 0, GENESIS)
    )
    with pytest.raises(ValueError, match="no empty field 'ballots'"):
        list(encode_streamed(template, "ballots", iter(items)))


def test_the_writer_lists_every_file_once_and_signs_the_index_digest(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from nazaha.errors import StorageError
    from nazaha.record.hints import decode_hint_index
    from nazaha.record.layout import RecordWriter, record_signature_message

    key = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
    with RecordWriter(tmp_path / "record") as writer:
        writer.write_stream("board.json", iter([b"{", b"}"]))
        writer.write("ballots/B.json", b"b")
        writer.write_hint("hints/B.bin", b"h")
        with pytest.raises(StorageError, match="twice"):
            writer.write("ballots/B.json", b"again")
        root = writer.commit(RecordIndex(RECORD_FORMAT, "2.1.0", "City", "t", {}, 1, 1, 0, GENESIS), key.sign)
    index = decode_record_index((root / "record.json").read_bytes())
    assert index.files == {
        "ballots/B.json": hashlib.sha256(b"b").hexdigest().upper(),
        "board.json": hashlib.sha256(b"{}").hexdigest().upper(),
    }
    digest = hashlib.sha256((root / "record.json").read_bytes()).digest()
    key.public_key().verify(bytes.fromhex((root / "record.sig").read_text()), record_signature_message(digest))
    annex = decode_hint_index((root / "hints/index.json").read_bytes())
    assert annex.record == digest.hex().upper() and list(annex.files) == ["hints/B.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record"], "no scratch database is left behind"
