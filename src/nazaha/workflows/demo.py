"""A complete mock election: ceremony, random ballots, cast or challenge, tally, decryption, record.

It runs on the standard parameters by default with the shipped Arabic/English manifest, five
guardians with quorum three, and two guardians absent at decryption. The plaintext counts of
the ballots it generates are kept aside so that the decrypted tally can be compared with them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.ceremony.guardian import Guardian
from nazaha.ceremony.phases import run_key_ceremony
from nazaha.credentials.keys import public_key
from nazaha.crypto.group import Group
from nazaha.crypto.nonces import RandomSource, SeededRandom, SystemRandom
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.ballot import BallotState, PlaintextBallot
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianKeyShare
from nazaha.election.manifest import Manifest, parse_manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.election.tally import ChallengedBallot, DecryptedTally
from nazaha.errors import DecryptionError
from nazaha.progress import NoProgress, Progress
from nazaha.record.codec import decode_ballot, decode_encrypted_tally, encode_ballot
from nazaha.record.decryption import CommitMessage, encode_commit, encode_respond, encode_reveal
from nazaha.record.hints import encode_hints, encode_submission
from nazaha.storage.memory import MemoryStore
from nazaha.storage.ports import ElectionStore
from nazaha.tallying.decrypt import DecryptingGuardian
from nazaha.voting.confirmation import ChainingMode, EncryptionDevice
from nazaha.voting.opening import open_ballot
from nazaha.workflows.ballot_box import BallotBoxService
from nazaha.workflows.decryption import signed
from nazaha.workflows.demo_voters import DEMO_DEVICES, demo_manifest, demo_voters
from nazaha.workflows.election_files import election_files
from nazaha.workflows.encryption import BATCH, DeviceBatch, EncryptedOnDevice, encrypt_on_devices
from nazaha.workflows.lifecycle import ElectionLifecycle

__all__ = ["DemoResult", "generate_ballots", "load_sample_manifest", "run_demo", "run_service_demo"]

CHUNK = 64 * BATCH
"""Ballots per device encrypted, admitted and decided at a time by ``run_demo``."""

GUARDIAN_NAMES = (
    "Guardian 1 (Tomorrow Party)",
    "Guardian 2 (Civic Alliance)",
    "Guardian 3 (The Greens)",
    "Guardian 4 (Election Commission)",
    "Guardian 5 (Civil Society Observers)",
)


def load_sample_manifest() -> Manifest:
    """The Arabic/English sample manifest shipped inside the package."""
    data = resources.files("nazaha.data").joinpath("sample_manifest.json").read_bytes()
    return parse_manifest(data)


@dataclass(slots=True)
class DemoResult:
    """What the demonstration produced, for display and for tests."""

    context: ElectionContext
    record: Path
    tally: DecryptedTally
    expected: dict[tuple[str, str], int]
    """Plaintext counts of the cast ballots, by (contest label, option label)."""
    challenged: list[ChallengedBallot]
    challenged_expected: dict[bytes, PlaintextBallot] = field(repr=False)
    guardians_present: tuple[int, ...] = ()
    cast: int = 0
    election_id: str = ""
    credentials: int = 0
    """Credentials the demo's authority issued (one per voter; every ballot is signed by one)."""
    keys: tuple[GuardianKeyShare, ...] = field(default=(), repr=False)
    """Every guardian's key share (the demonstration holds them all; a real election never does)."""
    paper: dict[str, PlaintextBallot] = field(default_factory=dict, repr=False)
    """What each cast ballot's paper shows, by confirmation code (the simulated paper of the audit)."""
    paper_ids: dict[str, str] = field(default_factory=dict, repr=False)
    """Each cast ballot's paper id id_B (uppercase hex), by confirmation code."""
    administrator_seed: bytes = field(default=b"", repr=False)
    """The seed of the administrator key that signs the record (to write it again from the store)."""

    def decrypted(self) -> dict[tuple[str, str], int]:
        return {
            (contest.label, option.label): option.value for contest in self.tally.contests for option in contest.options
        }

    def matches(self) -> bool:
        """True when every decrypted count equals the plaintext count it should be."""
        decrypted = self.decrypted()
        return all(decrypted.get(key, 0) == value for key, value in self.expected.items()) and all(
            value == self.expected.get(key, 0) for key, value in decrypted.items()
        )


def generate_ballots(manifest: Manifest, count: int, rng: RandomSource) -> list[PlaintextBallot]:
    """``count`` random valid ballots: each contest gets its full selection limit most of the
    time and an undervote (possibly blank) otherwise; a marked write-in option gets a text."""
    ballots = []
    for _ in range(count):
        style = manifest.ballot_styles[rng.below(len(manifest.ballot_styles))]
        votes: dict[str, dict[str, int]] = {}
        write_ins: dict[str, dict[str, str]] = {}
        for index in style.contests:
            contest = manifest.contest(index)
            limit = contest.contest_limit
            marks = limit if rng.below(10) else rng.below(limit + 1)
            labels = [option.label for option in contest.options]
            chosen: dict[str, int] = {}
            while sum(chosen.values()) < marks:
                label = labels[rng.below(len(labels))]
                option = contest.options[contest.option_index(label) - 1]
                if chosen.get(label, 0) < contest.option_limit(option):
                    chosen[label] = chosen.get(label, 0) + 1
            votes[contest.label] = chosen
            texts = {
                option.label: f"مرشح {rng.below(1000)} write-in"
                for option in contest.options
                if option.write_in and chosen.get(option.label, 0)
            }
            if texts:
                write_ins[contest.label] = texts
        ballots.append(PlaintextBallot(style=style.label, votes=votes, write_ins=write_ins))
    return ballots


def _counts(ballots: Sequence[PlaintextBallot]) -> dict[tuple[str, str], int]:
    counts: Counter[tuple[str, str]] = Counter()
    for ballot in ballots:
        for contest, marks in ballot.votes.items():
            for option, value in marks.items():
                counts[(contest, option)] += value
    return dict(counts)


def _ceremony(
    parameters: ElectionParameters, manifest: Manifest, rng: RandomSource, progress: Progress | None = None
) -> tuple[ElectionContext, list[GuardianKeyShare]]:
    """The demo's key ceremony, all guardians in this process, named after ``GUARDIAN_NAMES``."""
    progress = progress or NoProgress()
    h_p = parameter_base_hash(parameters)
    progress.start("Key ceremony", parameters.guardians)
    participants = []
    for index in range(1, parameters.guardians + 1):
        name = GUARDIAN_NAMES[index - 1] if index <= len(GUARDIAN_NAMES) else f"Guardian {index}"
        participants.append(Guardian(parameters, h_p, index, name, rng))
        progress.advance()
    result = run_key_ceremony(parameters, manifest, participants)
    progress.finish()
    return result


def _encrypt_on_two_devices(
    context: ElectionContext,
    plaintexts: Sequence[PlaintextBallot],
    *,
    jobs: int,
    seed: str | None,
    progress: Progress,
) -> list[DeviceBatch]:
    """The first half of the ballots on a chaining device, the rest on one without chaining."""
    group = context.group
    half = (len(plaintexts) + 1) // 2
    devices = [
        EncryptionDevice(group, context.extended_hash, DEMO_DEVICES[0][0], ChainingMode.SIMPLE),
        EncryptionDevice(group, context.extended_hash, DEMO_DEVICES[1][0], ChainingMode.NONE),
    ]
    return encrypt_on_devices(
        context,
        [(devices[0], plaintexts[:half]), (devices[1], plaintexts[half:])],
        jobs=jobs,
        seed=seed,
        progress=progress,
    )


def run_demo(
    *,
    ballots: int,
    output: Path,
    group: Group = STANDARD_GROUP,
    guardians: int = 5,
    quorum: int = 3,
    absent: Sequence[int] = (2, 4),
    challenge_every: int = 50,
    jobs: int = 1,
    seed: str | None = None,
    progress: Progress | None = None,
    manifest: Manifest | None = None,
    store: ElectionStore | None = None,
    chunk: int = CHUNK,
) -> DemoResult:
    """Run a mock election through the election lifecycle and write its record to ``output``;
    see the module docstring. ``manifest`` replaces the sample manifest (with a fresh election
    id) by another. The election is kept in ``store`` (in memory by default); the ballots are
    encrypted, admitted and decided a chunk at a time (``chunk`` per device, a multiple of 16), so
    the encrypted ballots are never all in memory; the plaintexts, the voters' credentials and
    the devices' code lists are (they are small next to the ballots)."""
    if chunk < BATCH or chunk % BATCH:
        raise ValueError(f"the chunk of ballots must be a positive multiple of {BATCH}")
    progress = progress or NoProgress()
    rng: RandomSource = SeededRandom(seed) if seed is not None else SystemRandom()
    manifest = manifest or demo_manifest(rng)
    context, keys = _ceremony(ElectionParameters(group, guardians, quorum), manifest, rng, progress)
    plaintexts = generate_ballots(manifest, ballots, rng)
    voters = demo_voters(manifest, plaintexts, rng)
    lifecycle = ElectionLifecycle(store or MemoryStore())
    administrator_seed = rng.bytes32()
    election = lifecycle.create(
        {**election_files(context), **voters.files}, administrator_key=public_key(administrator_seed)
    ).id
    lifecycle.open(election)
    labels = {index: contest.label for index, contest in manifest.iter_contests()}
    votes = _Votes()
    half = (len(plaintexts) + 1) // 2
    shares = [plaintexts[:half], plaintexts[half:]]
    devices = [
        EncryptionDevice(group, context.extended_hash, DEMO_DEVICES[0][0], ChainingMode.SIMPLE),
        EncryptionDevice(group, context.extended_hash, DEMO_DEVICES[1][0], ChainingMode.NONE),
    ]
    progress.start("Voting: encrypting, checking at the door, casting or challenging", len(plaintexts))
    for start in range(0, half, chunk):
        # Each device's next chunk: encrypted (the devices side by side), checked at the door,
        # cast or challenged, then dropped, so that memory does not grow with the election.
        parts = [share[start : start + chunk] for share in shares]
        batches = encrypt_on_devices(
            context,
            [(device, part) for device, part in zip(devices, parts, strict=True)],
            jobs=jobs,
            seed=seed,
            first_batch=start // BATCH,
        )
        devices = [batch.device for batch in batches]
        numbered = [
            (offset + start + position, item, plaintext)
            for offset, batch, part in zip((0, half), batches, parts, strict=True)
            for position, (item, plaintext) in enumerate(zip(batch.ballots, part, strict=True))
        ]
        blobs = [
            encode_submission(
                encode_ballot(
                    group,
                    item.ballot,
                    None,
                    labels,
                    voters.signatures(context.extended_hash, number, item.ballot.device, item.ballot.confirmation_code),
                ),
                encode_hints(group, item.hints),
            )
            for number, item, _ in numbered
        ]
        lifecycle.admit_many(election, blobs, jobs=jobs)
        for number, item, plaintext in numbered:
            challenge = _challenges(number, challenge_every)
            if challenge:
                # The voter challenges: the device opens the ballot with its nonce at once.
                opened = open_ballot(context, item.ballot, item.ballot_nonce)
                if _opened_votes(opened) != _nonzero(plaintext):
                    raise DecryptionError(f"challenged ballot {item.ballot.code_hex} opened wrongly")
            state = BallotState.CHALLENGED if challenge else BallotState.CAST
            lifecycle.decide(election, item.ballot.code_hex, state)
            votes.add(item, plaintext, challenge)
        progress.advance(len(numbered))
    progress.finish()
    lifecycle.close(election)
    lifecycle.tally(election, progress)
    present_indices = [i for i in range(1, guardians + 1) if i not in set(absent)]
    present = [DecryptingGuardian(context, keys[i - 1], rng) for i in present_indices]
    tally = lifecycle.decrypt_here(election, present, progress)
    record = lifecycle.write_record(election, output, progress=progress, signing_seed=administrator_seed)
    return DemoResult(
        context=context,
        record=record,
        tally=tally,
        expected=_counts(votes.cast),
        challenged=lifecycle.openings(election),
        challenged_expected=votes.challenged,
        guardians_present=tuple(present_indices),
        cast=len(votes.cast),
        election_id=election,
        credentials=len(voters.voter_seeds),
        keys=tuple(keys),
        paper=votes.paper,
        paper_ids=votes.paper_ids,
        administrator_seed=administrator_seed,
    )


@dataclass(slots=True)
class _Votes:
    """The plaintexts kept aside: those cast, and those challenged by confirmation code."""

    cast: list[PlaintextBallot] = field(default_factory=list)
    challenged: dict[bytes, PlaintextBallot] = field(default_factory=dict)
    paper: dict[str, PlaintextBallot] = field(default_factory=dict)
    paper_ids: dict[str, str] = field(default_factory=dict)

    def add(self, item: EncryptedOnDevice, plaintext: PlaintextBallot, challenged: bool) -> None:
        if challenged:
            self.challenged[item.ballot.confirmation_code] = plaintext
        else:
            self.cast.append(plaintext)
            self.paper[item.ballot.code_hex] = plaintext
            self.paper_ids[item.ballot.code_hex] = item.ballot.selection_id.hex().upper()


def _challenges(number: int, every: int) -> bool:
    """Whether the ``number``-th voter (from 0) challenges: every ``every``-th does."""
    return bool(every) and number % every == every - 1


def _encrypted_items(
    context: ElectionContext,
    plaintexts: Sequence[PlaintextBallot],
    *,
    jobs: int,
    seed: str | None,
    progress: Progress,
) -> list[EncryptedOnDevice]:
    batches = _encrypt_on_two_devices(context, plaintexts, jobs=jobs, seed=seed, progress=progress)
    return [item for batch in batches for item in batch.ballots]


def _nonzero(ballot: PlaintextBallot) -> dict[tuple[str, str], int]:
    return {(c, o): v for c, marks in ballot.votes.items() for o, v in marks.items() if v}


def _opened_votes(opened: ChallengedBallot) -> dict[tuple[str, str], int]:
    return {
        (contest.label, selection.label): selection.value
        for contest in opened.contests
        for selection in contest.selections
        if selection.value
    }


def run_service_demo(
    box: BallotBoxService,
    *,
    ballots: int,
    manifest: Manifest | None = None,
    output: Path,
    group: Group = STANDARD_GROUP,
    absent: Sequence[int] = (2, 4),
    challenge_every: int = 50,
    jobs: int = 1,
    seed: str | None = None,
    progress: Progress | None = None,
) -> DemoResult:
    """The same mock election, run through the ballot-box service's workflow: ballots are
    verified at the door and kept on the board, voters decide with their receipts' tokens, the
    guardians decrypt by posting their messages as remote guardians do, and the record is written
    from the store. The election stays in the store, published."""
    progress = progress or NoProgress()
    rng: RandomSource = SeededRandom(seed) if seed is not None else SystemRandom()
    manifest = manifest or demo_manifest(rng)
    context, keys = _ceremony(ElectionParameters(group, 5, 3), manifest, rng)
    plaintexts = generate_ballots(manifest, ballots, rng)
    voters = demo_voters(manifest, plaintexts, rng)
    election = box.create_election({**election_files(context), **voters.files}).id
    box.open_voting(election)

    items = _encrypted_items(context, plaintexts, jobs=jobs, seed=seed, progress=progress)
    labels = {index: contest.label for index, contest in manifest.iter_contests()}
    votes = _Votes()
    progress.start("Submitting to the ballot box", len(plaintexts))
    for number, (item, plaintext) in enumerate(zip(items, plaintexts, strict=True)):
        code = item.ballot.confirmation_code
        signatures = voters.signatures(context.extended_hash, number, item.ballot.device, code)
        ballot = encode_ballot(group, item.ballot, None, labels, signatures)
        receipt, _ = box.submit(election, encode_submission(ballot, encode_hints(group, item.hints)))
        challenge = _challenges(number, challenge_every)
        state = BallotState.CHALLENGED if challenge else BallotState.CAST
        box.decide(election, receipt.confirmation_code, state, receipt.decision_token)
        votes.add(item, plaintext, challenge)
        progress.advance()
    progress.finish()
    box.close_voting(election)
    box.tally(election)

    present = [i for i in range(1, 6) if i not in set(absent)]
    number = box.start_decryption(election, present)
    guardians = [DecryptingGuardian(context, keys[i - 1], rng) for i in present]
    _guardians_post(box, election, context, number, guardians, progress)
    record = box.write_record(election, output)
    tally = box.decrypted_tally(election)
    if tally is None:
        raise DecryptionError("the demonstration's decryption did not finish")
    return DemoResult(
        context=context,
        record=record,
        tally=tally,
        expected=_counts(votes.cast),
        challenged=box.openings(election),
        challenged_expected=votes.challenged,
        guardians_present=tuple(present),
        cast=len(votes.cast),
        election_id=election,
        credentials=len(voters.voter_seeds),
    )


def _guardians_post(
    box: BallotBoxService,
    election: str,
    context: ElectionContext,
    number: int,
    guardians: Sequence[DecryptingGuardian],
    progress: Progress,
) -> None:
    """Each guardian's three signed messages of round ``number``, posted to the ballot box as from
    its own machine."""
    group = context.group
    by_index = {guardian.index: guardian for guardian in guardians}

    def post(step: str, index: int, body: bytes) -> None:
        box.post_message(election, step, index, body, signed(by_index[index].sign, context, number, step, index, body))

    present = [guardian.index for guardian in guardians]
    tally, _ = decode_encrypted_tally(box.encrypted_tally_document(election) or b"", group)
    challenged = [
        decode_ballot(box.challenged_ballot(election, code), group, code).ballot
        for code in box.challenged_codes(election)
    ]
    progress.start("Guardians decrypting", 3)
    partials, data_shares = [], []
    for guardian in guardians:
        mine = guardian.commit(tally, present)
        shares = {b.code_hex: guardian.nonce_share(b) for b in challenged}
        mine_data = guardian.commit_contest_data(challenged, present)
        message = CommitMessage(guardian.index, tuple(present), tuple(mine), shares, tuple(mine_data))
        post("commit", guardian.index, encode_commit(group, message))
        partials.extend(mine)
        data_shares.extend(mine_data)
    progress.advance()
    reveals, data_reveals = [], []
    for guardian in guardians:
        revealed = guardian.reveal(partials)
        revealed_data = guardian.reveal_contest_data(data_shares)
        post("reveal", guardian.index, encode_reveal(group, guardian.index, revealed, revealed_data))
        reveals.extend(revealed)
        data_reveals.extend(revealed_data)
    progress.advance()
    for guardian in guardians:
        responses = guardian.respond(partials, reveals)
        data_responses = guardian.respond_contest_data(data_shares, data_reveals)
        post("respond", guardian.index, encode_respond(group, guardian.index, responses, data_responses))
    progress.advance()
    progress.finish()
