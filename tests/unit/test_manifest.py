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
