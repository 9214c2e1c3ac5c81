"""The proof-hint annex: the hinted verifier gives the spec-only verifier's report, whatever was
changed (a record value or a hint value), and refuses forged hints by name."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from nazaha.crypto.params import STANDARD_GROUP as G
from nazaha.record.hints import TALLY_HINTS, decode_hints, encode_hints
from nazaha.verify import spec_hashes
from nazaha.verify.checks import ballots as ballot_checks
from nazaha.verify.checks import tally as tally_checks
from nazaha.verify.checks.hinted import BallotEquations, failing
from nazaha.verify.runner import verify_record21
from nazaha.workflows.demo import DemoResult, run_demo
from tests.e2e import tamper
from tests.support.verifying import verdicts

REFUSED = "hints-refused"


@pytest.fixture(scope="module")
def small_record(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """Three ballots (one challenged) with their proof hints, on the standard group."""
    output = tmp_path_factory.mktemp("hinted") / "record"
    return run_demo(
        ballots=3, output=output, guardians=3, quorum=2, absent=(3,), challenge_every=3, seed="hinted-record"
    )


def _copy(record: Path, target: Path) -> Path:
    shutil.copytree(record, target)
    return target


def _first_ballot(root: Path) -> tuple[str, str]:
    """The first cast ballot's file and its hint file."""
    name = tamper.ballots(root, "cast")[0]
    return name, f"hints/{name.removeprefix('ballots/').removesuffix('.json')}.bin"


def _both(root: Path) -> tuple[Any, Any]:
    return verify_record21(root), verify_record21(root, hints=False)


def test_the_ballot_box_writes_a_hint_for_every_ballot(small_record: DemoResult) -> None:
    root = small_record.record
    index = json.loads((root / "hints" / "index.json").read_bytes())
    assert index["record"] == hashlib.sha256((root / "record.json").read_bytes()).hexdigest().upper()
    ballots = sorted(p.stem for p in (root / "ballots").glob("*.json"))
    assert sorted(Path(name).stem for name in index["files"] if name != TALLY_HINTS) == ballots
    assert TALLY_HINTS in index["files"], "and the tally's decryption proofs' commitments"
    record_index = json.loads((root / "record.json").read_bytes())
    assert not [name for name in record_index["files"] if name.startswith("hints/")], "the record does not list them"
    hinted, spec_only = _both(root)
    assert hinted.ok and not hinted.warnings
    assert verdicts(hinted) == verdicts(spec_only)


def test_a_hint_that_does_not_hash_to_the_challenge_is_refused(small_record: DemoResult, tmp_path: Path) -> None:
    root = _copy(small_record.record, tmp_path / "record")
    _, hint = _first_ballot(root)
    values = list(decode_hints((root / hint).read_bytes(), G, hint))
    values[0] = values[0] * G.g % G.p  # another element of the group: the hash no longer matches
    (root / hint).write_bytes(encode_hints(G, values))
    tamper.reindex_hints(root)  # the forger keeps the annex's own index consistent
    hinted = verify_record21(root)
    assert REFUSED in hinted.warning_names() and hinted.ok, "the record is honest: only the hint is refused"
    shutil.rmtree(root / "hints")
    spec_only = verify_record21(root)
    assert not spec_only.warnings and verdicts(spec_only) == verdicts(hinted)


def test_a_hint_that_hashes_right_but_breaks_an_equation_is_refused(
    small_record: DemoResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forger picks commitments, hashes them, and moves a challenge so that the record's
    challenges add up to that hash: the hint hashes right, its equations fail, the batch names
    the ballot, and the spec-only path names the check (6.D), as it does without hints."""
    root = _copy(small_record.record, tmp_path / "record")
    name, hint = _first_ballot(root)
    doc = tamper.load(root, name)
    contest, selection = doc["contests"][0], doc["contests"][0]["selections"][0]
    values = list(decode_hints((root / hint).read_bytes(), G, hint))
    width = 2 * len(selection["proof"]["challenges"])  # a_0, b_0, ..., a_R, b_R of the first option
    forged = [values[0] * G.g % G.p, *values[1:width]]
    h_i = bytes.fromhex(doc["id_hash"])
    pad, data = int(selection["pad"], 16), int(selection["data"], 16)
    c = spec_hashes.selection_challenge(G, h_i, contest["contest"], selection["option"], pad, data, forged)
    challenges = [int(x, 16) for x in selection["proof"]["challenges"]]
    challenges[0] = (c - sum(challenges[1:])) % G.q
    selection["proof"]["challenges"] = [f"{x:064X}" for x in challenges]
    tamper.save(root, name, doc)
    (root / hint).write_bytes(encode_hints(G, forged + values[width:]))
    tamper.reindex(root)
    named: list[list[int]] = []

    def spy(*args: Any, **kwargs: Any) -> list[int]:
        found = failing(*args, **kwargs)
        named.append(found)
        return found

    monkeypatch.setattr(ballot_checks, "failing", spy)
    hinted = verify_record21(root)
    assert named == [[0]], "the hint hashed right, so the batch test (not the hash) refused it"
    assert not hinted.ok and "6.D" in hinted.failed_labels() and REFUSED in hinted.warning_names()
    shutil.rmtree(root / "hints")
    assert verdicts(verify_record21(root)) == verdicts(hinted)


def test_the_tally_proofs_are_checked_from_their_hints(
    small_record: DemoResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hints/tally.bin holds a = Π a_i, b = Π b_i of each option's decryption proof (eq. 89): the
    honest record's proofs are all checked from it in one batch."""
    root = small_record.record
    values = decode_hints((root / TALLY_HINTS).read_bytes(), G, TALLY_HINTS)
    options = [o for c in json.loads((root / "tally.json").read_bytes())["contests"] for o in c["options"]]
    assert len(values) == 2 * len(options)
    used: list[bool] = []
    original = tally_checks._hinted_proofs_hold

    def spy(*args: Any) -> bool:
        used.append(original(*args))
        return used[-1]

    monkeypatch.setattr(tally_checks, "_hinted_proofs_hold", spy)
    hinted = verify_record21(root)
    assert used == [True] and hinted.ok and not hinted.warnings


def test_a_forged_tally_hint_is_refused(small_record: DemoResult, tmp_path: Path) -> None:
    """A tally hint that does not hash to the challenge: refused, the record stays VALID."""
    root = _copy(small_record.record, tmp_path / "record")
    values = list(decode_hints((root / TALLY_HINTS).read_bytes(), G, TALLY_HINTS))
    values[1] = values[1] * G.g % G.p
    (root / TALLY_HINTS).write_bytes(encode_hints(G, values))
    tamper.reindex_hints(root)
    hinted = verify_record21(root)
    assert hinted.ok and REFUSED in hinted.warning_names()


def test_a_tally_hint_that_hashes_right_but_breaks_an_equation_is_refused(
    small_record: DemoResult, tmp_path: Path
) -> None:
    """The forger picks (a, b) for the first option, hashes them with the option's M (eq. 90)
    and publishes that hash as the proof's challenge: the hint hashes right and its equation
    fails; both paths name 10.B."""
    root = _copy(small_record.record, tmp_path / "record")
    values = list(decode_hints((root / TALLY_HINTS).read_bytes(), G, TALLY_HINTS))
    tally = tamper.load(root, "tally.json")
    contest = tally["contests"][0]
    option = contest["options"][0]
    encrypted = tamper.load(root, "encrypted_tally.json")
    entry = next(c for c in encrypted["contests"] if c["contest"] == contest["contest"])["options"][0]
    pad, data = int(entry["pad"], 16), int(entry["data"], 16)
    m = data * pow(int(option["value_power"], 16), -1, G.p) % G.p
    forged = [values[0] * G.g % G.p, values[1]]
    h_e = bytes.fromhex(json.loads((root / "hashes.json").read_bytes())["extended_hash"])
    c = spec_hashes.decryption_challenge(
        G, h_e, contest["contest"], option["option"], pad, data, forged[0], forged[1], m
    )
    option["challenge"] = f"{c:064X}"
    tamper.save(root, "tally.json", tally)
    (root / TALLY_HINTS).write_bytes(encode_hints(G, forged + values[2:]))
    tamper.reindex(root)
    hinted = verify_record21(root)
    assert "10.B" in hinted.failed_labels() and REFUSED in hinted.warning_names()
    shutil.rmtree(root / "hints")
    spec_only = verify_record21(root)
    assert not spec_only.warnings and verdicts(spec_only) == verdicts(hinted)


def test_bisection_names_only_the_failing_ballots() -> None:
    """Eight ballots' equations, two of them false: bisection names exactly those two."""
    from nazaha.crypto.nonces import SeededRandom
    from nazaha.verify.checks.hinted import Equation

    rng = SeededRandom("bisect")
    key = G.g_pow(12345)
    ballots = []
    for position in range(8):
        v, c, u = 1000 + position, 77 + position, 5 + position
        base = G.g_pow(u)
        commitment = G.mul(G.g_pow(v), G.pow(base, c))
        if position in (2, 5):
            commitment = G.mul(commitment, G.g)
        ballots.append(BallotEquations((Equation(commitment, v, 0, ((base, c),)),), (base,)))
    assert failing(G, key, ballots, rng) == [2, 5]
    assert failing(G, key, [b for i, b in enumerate(ballots) if i not in (2, 5)], rng) == []


def _hex_fields(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every hex value in a ballot document (values mod p and mod q, hashes)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _hex_fields(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _hex_fields(value, (*path, index))
    elif isinstance(node, str) and len(node) in (64, 1024) and all(ch in "0123456789ABCDEF" for ch in node):
        found.append(path)
    return found


def _mutate_record_value(root: Path, pick: int) -> None:
    name, _ = _first_ballot(root)
    doc = tamper.load(root, name)
    fields = _hex_fields(doc)
    path = fields[pick % len(fields)]
    node = doc
    for key in path[:-1]:
        node = node[key]
    value = node[path[-1]]
    node[path[-1]] = tamper.bump_hex_p(value) if len(value) == 1024 else tamper.bump_hex_q(value)
    tamper.save(root, name, doc)


def _mutate_hint_value(root: Path, pick: int) -> None:
    _, hint = _first_ballot(root)
    values = list(decode_hints((root / hint).read_bytes(), G, hint))
    values[pick % len(values)] = values[pick % len(values)] * G.g % G.p
    (root / hint).write_bytes(encode_hints(G, values))


MUTATORS: dict[str, Callable[[Path, int], None]] = {"record": _mutate_record_value, "hint": _mutate_hint_value}


@settings(max_examples=3, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@example(where="hint", pick=7)
@example(where="record", pick=3)
@given(where=st.sampled_from(sorted(MUTATORS)), pick=st.integers(min_value=0, max_value=10_000))
def test_one_mutation_gives_the_same_verdict_on_both_paths(
    small_record: DemoResult, tmp_path_factory: pytest.TempPathFactory, where: str, pick: int
) -> None:
    root = _copy(small_record.record, tmp_path_factory.mktemp("mutated") / "record")
    MUTATORS[where](root, pick)
    # The attacker re-indexes what it changed: record.json (breaking record.sig) or the annex's index.
    tamper.reindex(root) if where == "record" else tamper.reindex_hints(root)
    hinted, spec_only = _both(root)
    assert verdicts(hinted) == verdicts(spec_only)
    if where == "hint":
        assert hinted.ok and REFUSED in hinted.warning_names(), "a changed hint is refused, never trusted"
