"""Publishing the election record (spec §3.7) as a folder, atomically."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from nazaha.election.ballot import BallotState, EncryptedBallot, SubmittedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.parameters import SPEC_VERSION
from nazaha.election.tally import ChallengedBallot, DecryptedTally, EncryptedTally
from nazaha.errors import RecordFormatError
from nazaha.progress import NoProgress, Progress
from nazaha.record.board import BoardEntry, encode_board_stream
from nazaha.record.codec import (
    RECORD_FORMAT,
    RecordIndex,
    encode_ballot,
    encode_challenged,
    encode_device_stream,
    encode_encrypted_tally,
    encode_tally,
)
from nazaha.record.decryption import decode_reveal, decode_round
from nazaha.record.hints import TALLY_HINTS, encode_hints, hint_name, tally_hint_values
from nazaha.record.layout import RecordWriter
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.election_files import election_files

__all__ = ["write_record"]


def tally_labels(context: ElectionContext) -> dict[int, tuple[str, tuple[str, ...]]]:
    return {
        index: (contest.label, tuple(option.label for option in contest.options))
        for index, contest in context.manifest.iter_contests()
    }


def _tally_hints(context: ElectionContext, tally: DecryptedTally, extra: Mapping[str, bytes]) -> bytes | None:
    """``hints/tally.bin`` from the last decryption round's reveal messages among the record's
    files, or None where the record holds no complete round (a hint is never required)."""
    number = 0
    while f"decryption/round-{number + 1}.json" in extra:
        number += 1
    if number == 0:
        return None
    group = context.group
    try:
        present = decode_round(extra[f"decryption/round-{number}.json"]).present
        reveals = []
        for guardian in present:
            body = extra.get(f"decryption/round-{number}/reveal/guardian_{guardian}.json")
            if body is None:
                return None
            reveals.append(decode_reveal(body, group)[1])
    except RecordFormatError:
        return None
    values = tally_hint_values(group, tally, reveals)
    return None if values is None else encode_hints(group, values)


class _DeviceLists:
    """Each device's confirmation codes in the order its ballots come, in a scratch database, so
    that the device lists of a record of any size are written without being held in memory."""

    def __init__(self, folder: Path) -> None:
        self._db = sqlite3.connect(folder / "devices.db", isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=OFF")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute("CREATE TABLE codes (device TEXT NOT NULL, code TEXT NOT NULL)")
            self._db.execute("BEGIN")
        except sqlite3.Error:
            self._db.close()
            raise
        self._devices: dict[str, tuple[ChainingMode, bytes]] = {}
        """Each device's chaining mode and last code."""

    def add(self, ballot: EncryptedBallot) -> None:
        self._db.execute("INSERT INTO codes VALUES (?, ?)", (ballot.device, ballot.code_hex))
        mode = self._devices[ballot.device][0] if ballot.device in self._devices else None
        self._devices[ballot.device] = (mode or ChainingMode.of_field(ballot.chaining_field), ballot.confirmation_code)

    def write(self, writer: RecordWriter, context: ElectionContext) -> None:
        """``devices/device_<n>.json`` for each device, by name, with the chain's closing hash
        (eq. 77), which depends on the last code alone."""
        self._db.execute("CREATE INDEX codes_by_device ON codes (device)")
        for number, (name, (mode, last)) in enumerate(sorted(self._devices.items()), start=1):
            closing = ""
            if mode is ChainingMode.SIMPLE:
                device = EncryptionDevice.resume(context.group, context.extended_hash, name, mode, [last])
                closing = device.close()[1].hex().upper()
            codes = (
                code for (code,) in self._db.execute("SELECT code FROM codes WHERE device = ? ORDER BY rowid", (name,))
            )
            writer.write_stream(f"devices/device_{number}.json", encode_device_stream(name, mode.value, codes, closing))

    def close(self) -> None:
        self._db.close()


def write_record(
    target: Path,
    context: ElectionContext,
    ballots: Iterable[SubmittedBallot],
    encrypted_tally: EncryptedTally,
    tally: DecryptedTally,
    challenged: Iterable[ChallengedBallot],
    board: Iterable[BoardEntry],
    *,
    board_head: str,
    created: str,
    total_ballots: int,
    replace: bool = False,
    progress: Progress | None = None,
    extra: Mapping[str, bytes] | None = None,
    sign: Callable[[bytes], bytes] | None = None,
    hints: Callable[[str], bytes | None] | None = None,
) -> Path:
    """Write the whole record into ``target``; nothing appears there unless all of it is written.

    ``ballots``, ``challenged`` and ``board`` are streamed (``board_head`` is the board's last
    hash, or the genesis hash of an empty board), and the device lists and the file listing are
    kept in scratch databases: memory does not grow with the number of ballots. ``extra`` holds
    further files by their name in the record: the decryption's rounds and signed messages
    (``decryption/``) and the challenged ballots that did not open (``unopened/``). ``hints``
    gives each ballot's proof hints kept at the door, by confirmation code (None where there are
    none): they go into the annex ``hints/``, outside ``record.json``."""
    progress = progress or NoProgress()
    group = context.group
    contest_labels = {index: contest.label for index, contest in context.manifest.iter_contests()}
    with RecordWriter(target, replace=replace) as writer:
        devices = _DeviceLists(writer.scratch)  # on the record's disk, not a memory-backed /tmp
        try:
            for name, data in election_files(context).items():
                writer.write(name, data)
            progress.start("Writing the election record", total_ballots)
            cast = challenged_count = 0
            for submitted in ballots:
                code = submitted.ballot.code_hex
                writer.write(
                    f"ballots/{code}.json",
                    encode_ballot(group, submitted.ballot, submitted.state, contest_labels, submitted.signatures),
                )
                devices.add(submitted.ballot)
                hint = hints(code) if hints is not None else None
                if hint is not None:
                    writer.write_hint(hint_name(code), hint)
                if submitted.state is BallotState.CAST:
                    cast += 1
                else:
                    challenged_count += 1
                progress.advance()
            progress.finish()
            devices.write(writer, context)
        finally:
            devices.close()
        writer.write(
            "encrypted_tally.json",
            encode_encrypted_tally(group, encrypted_tally, tally_labels(context)),
        )
        writer.write("tally.json", encode_tally(group, tally))
        writer.write_stream("board.json", encode_board_stream(board, board_head))
        for opened in challenged:
            writer.write(f"challenged/{opened.confirmation_code.hex().upper()}.json", encode_challenged(group, opened))
        for name in sorted(extra or {}):
            writer.write(name, (extra or {})[name])
        tally_hints = _tally_hints(context, tally, extra or {}) if hints is not None else None
        if tally_hints is not None:
            writer.write_hint(TALLY_HINTS, tally_hints)
        return writer.commit(
            RecordIndex(
                format=RECORD_FORMAT,
                spec_version=SPEC_VERSION,
                election=context.manifest.label,
                created=created,
                files={},
                ballots=cast + challenged_count,
                cast=cast,
                challenged=challenged_count,
                board_head=board_head,
            ),
            sign,
        )
