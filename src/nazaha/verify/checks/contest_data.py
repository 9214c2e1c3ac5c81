"""Verification 12: the guardians decrypted the contest data of the challenged ballots correctly.

ElectionGuard 2.1 §3.6.6 and §6.2.6. For each contest data field C = (C_0, C_1, C_2) the guardians
decrypted, the record publishes, in ``contest_data/<code>.json``, β (eq. 97), the joint proof
(c, v) (eqs. 98-103) and D (eq. 106). The verifier computes

    (12.1) a = g^v · K-hat^c mod p,    (12.2) b = C_0^v · β^c mod p,

and confirms (12.A) v in Z_q (and, Nazaha's additions, c in Z_q and β in Z_p^r), (12.B)
c = H_q(H_I; 0x33, ind_c(Λ), C_0, C_1, C_2, a, b, β); then with (12.3) h = H(H_I; 0x26,
ind_c(Λ), C_0, β) and (12.4) k_1 ... k_bΛ it confirms (12.C) D = C_1 ⊕ k_1 ‖ ... ‖ k_bΛ.

12.D is Nazaha's own: the files agree with the ballots (one for a challenged ballot only,
naming its code, one entry for each of its contest data fields and no other; once any is
published, one for every challenged ballot with contest data). The guardians decrypt every
challenged ballot's contest data, in the in-process and the remote decryption alike; a record
decrypted before they did has no such file, and its report says Verification 12 does not apply,
and why (docs/decisions.md).
"""

from __future__ import annotations

from nazaha.election.ballot import EncryptedBallot
from nazaha.errors import RecordFormatError
from nazaha.record.codec import decode_ballot
from nazaha.record.decryption import decode_contest_data_decryption
from nazaha.record.remote import RecordFiles
from nazaha.verify import spec_hashes
from nazaha.verify.findings import Findings
from nazaha.verify.record21 import Record21
from nazaha.verify.scratch import Scratch

__all__ = ["FOLDER", "check_contest_data_decryptions"]

FOLDER = "contest_data"

NOT_DECRYPTED = (
    "the record publishes no guardians' decryption of the challenged ballots' contest data (it was decrypted "
    "before Nazaha decrypted contest data; the data of opened ballots is checked with their nonces, "
    "Verification 13.A)"
)
NO_DATA = "no challenged ballot carries contest data"


def _challenged_codes(scratch: Scratch) -> list[str]:
    """Every challenged ballot's code: each has an opening or an unopened file (check 13.B)."""
    codes: set[str] = set()
    for folder in ("challenged", "unopened"):
        for page in scratch.iter_present_in(folder):
            codes.update(name.removeprefix(f"{folder}/").removesuffix(".json") for name in page)
    return sorted(code for code in codes if scratch.ballot_state(code) == "challenged")


def _ballot(ballots: RecordFiles, record: Record21, code: str) -> EncryptedBallot | None:
    name = f"ballots/{code}.json"
    try:
        return decode_ballot(ballots.read(name), record.group, name).ballot
    except (OSError, RecordFormatError):
        return None  # reported by the ballot checks (0.A, 0.F)


def check_contest_data_decryptions(record: Record21, ballots: RecordFiles, scratch: Scratch, findings: Findings) -> str:
    """Verification 12 over every ``contest_data/`` file; the reason it does not apply, or "".
    The challenged ballots are read from ``ballots`` (where the ballot checks read them)."""
    published = {
        name.removeprefix(f"{FOLDER}/").removesuffix(".json"): name
        for page in scratch.iter_present_in(FOLDER)
        for name in page
    }
    expected: dict[str, EncryptedBallot] = {}
    for code in _challenged_codes(scratch):
        ballot = _ballot(ballots, record, code)
        if ballot is not None and any(c.contest_data is not None for c in ballot.contests):
            expected[code] = ballot
    for code, name in sorted(published.items()):
        ballot = expected.get(code)
        if ballot is None:
            findings.fail("12.D", name, "a decryption of contest data for no challenged ballot that carries any")
            continue
        _check_file(record, ballot, name, findings)
    if not published:
        return NOT_DECRYPTED if expected else NO_DATA
    for code in sorted(set(expected) - set(published)):
        findings.fail(
            "12.D", f"ballot {code[:16]}…", "a challenged ballot with contest data whose decryption is not published"
        )
    return ""


def _check_file(record: Record21, ballot: EncryptedBallot, name: str, findings: Findings) -> None:
    group = record.group
    subject = f"ballot {ballot.code_hex[:16]}…"
    try:
        decrypted = decode_contest_data_decryption((record.reader.root / name).read_bytes(), group, name)
    except (OSError, RecordFormatError) as error:
        findings.fail("12.D", name, f"cannot be read: {error}")
        return
    if decrypted.confirmation_code != ballot.confirmation_code:
        findings.fail("12.D", name, "names another confirmation code")
        return
    fields = {c.contest_index: c.contest_data for c in ballot.contests if c.contest_data is not None}
    given = [c.contest_index for c in decrypted.contests]
    if sorted(given) != sorted(fields) or len(set(given)) != len(given):
        findings.fail(
            "12.D", name, f"decrypts contests {given[:20]}, but the ballot carries contest data in {sorted(fields)}"
        )
        return
    data_key = record.hashes.data_key
    for entry in decrypted.contests:
        findings.count("12")
        where = f"{subject}, contest {entry.contest_index}"
        encrypted = fields[entry.contest_index]
        c, v = entry.proof.challenge, entry.proof.response
        if not 0 <= v < group.q:
            findings.fail("12.A", where, "the response v of the contest data decryption is not in Z_q")
            continue
        if not 0 <= c < group.q or not group.is_element(entry.beta):
            findings.fail("12.A", where, "the challenge c is not in Z_q or β is not in Z_p^r")
            continue
        a = group.mul(group.g_pow(v), group.pow(data_key, c))  # (12.1)
        b = group.pow_pair(encrypted.pad, v, entry.beta, c)  # (12.2)
        challenge = spec_hashes.contest_data_decryption_challenge(
            group,
            ballot.id_hash,
            entry.contest_index,
            encrypted.pad,
            encrypted.masked,
            (encrypted.proof.challenge, encrypted.proof.response),
            a,
            b,
            entry.beta,
        )
        if challenge != c:
            findings.fail("12.B", where, "the proof that β decrypts the contest data does not verify")
            continue
        blocks = len(encrypted.masked) // 32
        keys = spec_hashes.contest_data_keys(
            group, ballot.id_hash, entry.contest_index, encrypted.pad, entry.beta, blocks
        )
        plain = bytes(x ^ y for x, y in zip(encrypted.masked, keys, strict=True))
        if entry.data != plain:
            findings.fail("12.C", where, "the published contest data D is not what C_1 decrypts to with β")
