"""Publishing the election record (spec §3.7) as a folder, atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from nazaha.election.ballot import BallotState, SubmittedBallot
from nazaha.election.context import ElectionContext
from nazaha.election.parameters import SPEC_VERSION
from nazaha.election.tally import ChallengedBallot, DecryptedTally, EncryptedTally
from nazaha.errors import RecordFormatError
from nazaha.progress import NoProgress, Progress
from nazaha.record.board import BoardEntry, encode_board, genesis_hash
from nazaha.record.codec import (
    RECORD_FORMAT,
    DeviceLog,
    RecordIndex,
    encode_ballot,
    encode_challenged,
    encode_device,
    encode_encrypted_tally,
    encode_tally,
)
from nazaha.record.decryption import decode_reveal, decode_round
from nazaha.record.hints import TALLY_HINTS, encode_hints, hint_name, tally_hint_values
from nazaha.record.layout import RecordWriter
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.workflows.election_files import election_files

__all__ = ["device_log", "write_record"]


def device_log(device: EncryptionDevice) -> DeviceLog:
    """The published list of a device's ballots, with the chain's closing hash (eq. 77)."""
    closing = device.close()[1].hex().upper() if device.mode is ChainingMode.SIMPLE else ""
    return DeviceLog(
        format=RECORD_FORMAT,
        device=device.device,
        chaining=device.mode.value,
        ballots=[code.hex().upper() for code in device.codes],
        closing_hash=closing,
    )


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


def write_record(
    target: Path,
    context: ElectionContext,
    ballots: Iterable[SubmittedBallot],
    devices: Sequence[DeviceLog],
    encrypted_tally: EncryptedTally,
    tally: DecryptedTally,
    challenged: Sequence[ChallengedBallot],
    board: Sequence[BoardEntry],
    *,
    created: str,
    total_ballots: int,
    replace: bool = False,
    progress: Progress | None = None,
    extra: Mapping[str, bytes] | None = None,
    sign: Callable[[bytes], bytes] | None = None,
    hints: Callable[[str], bytes | None] | None = None,
) -> Path:
    """Write the whole record into ``target``; nothing appears there unless all of it is written.

    ``extra`` holds further files by their name in the record: the decryption's rounds and signed
    messages (``decryption/``) and the challenged ballots that did not open (``unopened/``).
    ``hints`` gives each ballot's proof hints kept at the door, by confirmation code (None where
    there are none): they go into the annex ``hints/``, outside ``record.json``."""
    progress = progress or NoProgress()
    group = context.group
    contest_labels = {index: contest.label for index, contest in context.manifest.iter_contests()}
    with RecordWriter(target, replace=replace) as writer:
        for name, data in election_files(context).items():
            writer.write(name, data)
        for number, log in enumerate(devices, start=1):
            writer.write(f"devices/device_{number}.json", encode_device(log))
        progress.start("Writing the election record", total_ballots)
        cast = challenged_count = 0
        for submitted in ballots:
            code = submitted.ballot.code_hex
            writer.write(
                f"ballots/{code}.json",
                encode_ballot(group, submitted.ballot, submitted.state, contest_labels, submitted.signatures),
            )
            hint = hints(code) if hints is not None else None
            if hint is not None:
                writer.write_hint(hint_name(code), hint)
            if submitted.state is BallotState.CAST:
                cast += 1
            else:
                challenged_count += 1
            progress.advance()
        progress.finish()
        writer.write(
            "encrypted_tally.json",
            encode_encrypted_tally(group, encrypted_tally, tally_labels(context)),
        )
        writer.write("tally.json", encode_tally(group, tally))
        genesis = genesis_hash(context.extended_hash)
        writer.write("board.json", encode_board(board, genesis))
        for opened in challenged:
            writer.write(f"challenged/{opened.confirmation_code.hex().upper()}.json", encode_challenged(group, opened))
        for name, data in sorted((extra or {}).items()):
            writer.write(name, data)
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
                board_head=board[-1].hash if board else genesis,
            ),
            sign,
        )
