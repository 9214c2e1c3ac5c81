"""election.manifest: strict validation with errors that name the field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from nazaha.election.manifest import parse_manifest
from nazaha.errors import ManifestError
from nazaha.workflows.demo import load_sample_manifest

SAMPLE: dict[str, Any] = json.loads(load_sample_manifest().canonical_bytes)


def mutate(change: Callable[[dict[str, Any]], None]) -> bytes:
    doc = copy.deepcopy(SAMPLE)
    change(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


def test_sample_manifest_is_valid_and_bilingual() -> None:
    manifest = load_sample_manifest()
    assert manifest.languages == ("ar", "en")
    assert len(manifest.contests) >= 4
    council = manifest.contest(manifest.contest_index("council"))
    assert council.contest_limit == 3
    assert council.name.get("ar").startswith("المجلس")
    assert manifest.style(1).label == "north-district"


def test_canonical_bytes_are_stable() -> None:
    manifest = load_sample_manifest()
    again = parse_manifest(manifest.canonical_bytes, require_canonical=True)
    assert again.canonical_bytes == manifest.canonical_bytes
    pretty = json.dumps(json.loads(manifest.canonical_bytes), indent=2, ensure_ascii=False).encode()
    assert parse_manifest(pretty).canonical_bytes == manifest.canonical_bytes
    with pytest.raises(ManifestError, match="not in canonical form"):
        parse_manifest(pretty, require_canonical=True)


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d["contests"][1].update(label="mayor"), "contests[1].label", "duplicate contest label"),
        (
            lambda d: d["contests"][0]["options"][1].update(label="amal-haddad"),
            "contests[0].options[1].label",
            "duplicate option",
        ),
        (lambda d: d["contests"][0].update(selection_limit=0), "contests[0].selection_limit", "not in [1"),
        (
            lambda d: d["contests"][0]["options"][0].update(selection_limit=-2),
            "contests[0].options[0].selection_limit",
            "not in [1",
        ),
        (lambda d: d["contests"][0].update(options=[]), "contests[0].options", "has no options"),
        (lambda d: d["ballot_styles"][0].update(contests=[1, 9]), "ballot_styles[0].contests[1]", "names no contest"),
        (lambda d: d["ballot_styles"][0].update(contests=[1, 1]), "ballot_styles[0].contests", "listed twice"),
        (lambda d: d["ballot_styles"][0].update(contests=[]), "ballot_styles[0].contests", "is empty"),
        (lambda d: d.update(contests=[]), "contests", "no contests"),
        (lambda d: d["contests"][0].update(label=" mayor"), "contests[0].label", "whitespace"),
        (lambda d: d["contests"][0].update(label="may\nor"), "contests[0].label", "line break"),
        (lambda d: d["contests"][0]["name"].pop(), "contests[0].name", "no text in en"),
        (
            lambda d: d["contests"][0]["name"][0].update(language="Arabic"),
            "contests[0].name[0].language",
            "not a language code",
        ),
        (lambda d: d["contests"][0]["name"][1].update(language="ar"), "contests[0].name[1].language", "appears twice"),
        (lambda d: d.update(format="other/1"), "format", "expected"),
        (lambda d: d.update(extra=1), "(file)", "unknown field"),
        (lambda d: d["contests"][0].update(selection_limit="1"), "contests[0].selection_limit", "Expected `int`"),
        (
            lambda d: d["contests"][0]["options"][0]["name"][1].update(text="Amal \u202eHaddad"),
            "contests[0].options[0].name[1].text",
            "bidirectional control character U+202E",
        ),
        (
            lambda d: d["contests"][0]["options"][1]["name"][0].update(text="\u2067سامي\u2069"),
            "contests[0].options[1].name[0].text",
            "bidirectional control character U+2067",
        ),
        (
            lambda d: d["contests"][0]["options"][0]["party"][1].update(text="\u202aParty\u202c"),
            "contests[0].options[0].party[1].text",
            "U+202A",
        ),
        (lambda d: d["name"][1].update(text="Elections\x002026"), "name[1].text", "control character U+0000"),
        (lambda d: d["contests"][0].update(label="mayor\u202e"), "contests[0].label", "bidirectional"),
        (lambda d: d["contests"][0].update(label="may\x00or"), "contests[0].label", "control character"),
        (lambda d: d["languages"].__setitem__(1, "en\n"), "languages[1]", "not a language code"),
        (lambda d: d.update(election_id="evil-id\n"), "election_id", "letters, digits"),
        (lambda d: d.update(election_id=""), "election_id", "letters, digits"),
        (lambda d: d.update(election_id="x" * 129), "election_id", "letters, digits"),
        (lambda d: d.update(start_date="2026-11-29\n"), "start_date", "not a date"),
        (lambda d: d.update(start_date="2026-02-30"), "start_date", "not a date of the calendar"),
        (lambda d: d.update(start_date="2026-11-29", end_date="2026-11-28"), "end_date", "before it starts"),
        (lambda d: d.update(election_id=7), "election_id", "Expected `str | null`"),
        (
            lambda d: (
                d["contests"][0].update(selection_limit=500),
                d["contests"][0]["options"][0].update(selection_limit=500),
            ),
            "contests[0].selection_limit",
            "supported maximum",
        ),
    ],
)
def test_bad_manifests_name_the_field(change: Callable[[dict[str, Any]], None], field: str, problem: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(mutate(change))
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_not_json() -> None:
    with pytest.raises(ManifestError, match="not valid JSON"):
        parse_manifest(b"{nope")


def test_election_identity_is_optional_and_canonical() -> None:
    sample = load_sample_manifest()
    assert sample.election_id is None and sample.start_date is None
    assert b"election_id" not in sample.canonical_bytes, "absent fields stay out of the hashed bytes"
    identified = parse_manifest(
        mutate(lambda d: d.update(end_date="2026-11-30", election_id="urn:uuid:1b4e28ba", start_date="2026-11-29"))
    )
    assert identified.election_id == "urn:uuid:1b4e28ba"
    assert str(identified.start_date) == "2026-11-29" and str(identified.end_date) == "2026-11-30"
    keys = list(json.loads(identified.canonical_bytes))
    assert keys[:5] == ["format", "label", "election_id", "start_date", "end_date"], "one canonical order"
    assert parse_manifest(identified.canonical_bytes, require_canonical=True) == identified
    with pytest.raises(ManifestError, match="not in canonical form"):
        parse_manifest(mutate(lambda d: d.update(election_id=None)), require_canonical=True)


def test_manifests_that_differ_only_by_election_id_give_different_hashes() -> None:
    """Item 1 of issue 18: the same ceremony on two manifests that differ only by election_id
    gives two H_B and two H_E, so a ballot of one election is refused by the other."""
    from nazaha.ceremony.base_hashes import parameter_base_hash
    from nazaha.ceremony.guardian import Guardian
    from nazaha.ceremony.phases import run_key_ceremony
    from nazaha.crypto.nonces import SeededRandom
    from nazaha.crypto.params import TEST_GROUP
    from nazaha.election.parameters import ElectionParameters

    def context_for(election_id: str):  # type: ignore[no-untyped-def]
        manifest = parse_manifest(mutate(lambda d: d.update(election_id=election_id)))
        rng = SeededRandom("same guardians")
        parameters = ElectionParameters(TEST_GROUP, 3, 2)
        h_p = parameter_base_hash(parameters)
        guardians = [Guardian(parameters, h_p, i, f"Guardian {i}", rng) for i in range(1, 4)]
        return run_key_ceremony(parameters, manifest, guardians)[0]

    first, second = context_for("city-2026-a"), context_for("city-2026-b")
    assert first.vote_key == second.vote_key, "the same guardians' keys"
    assert first.base_hash != second.base_hash
    assert first.extended_hash != second.extended_hash
