"""Import cast-vote records exported by Dominion Democracy Suite (``CvrExport.json``).

Dominion's results tally and reporting exports CVRs as JSON, with two manifests that name the
contests and candidates. Jurisdictions publish these files (San Francisco's Department of
Elections, for one, posts the full export after each election), and the SHANGRLA audit tools read
them; the layout below is as those public exports show it:

* ``CvrExport.json``: ``{"Version": ..., "ElectionId": ..., "Sessions": [session, ...]}``; a session
  is one card scanned: ``TabulatorId``, ``BatchId``, ``RecordId``, ``CountingGroupId`` and an
  ``Original`` (and, after adjudication, ``Modified``) interpretation, each with ``IsCurrent`` and
  either ``Cards: [{"Contests": [...]}]`` (versions 5.10 and later) or ``Contests: [...]`` directly;
  a contest is ``{"Id", "Marks": [{"CandidateId", "Rank", "IsVote", "IsAmbiguous", ...}], ...}``.
* ``ContestManifest.json``: ``{"List": [{"Id", "Description", "VoteFor", "NumOfRanks", ...}]}``.
* ``CandidateManifest.json``: ``{"List": [{"Id", "Description", "ContestId", "Type", ...}]}``.

Mapping: the card is batch ``"<TabulatorId>-<BatchId>"``, position ``RecordId`` (the order in
which the tabulator scanned the batch, which is how Dominion ballot manifests count); the
interpretation used is the one marked ``IsCurrent`` (the adjudicated ``Modified`` when there is
one); a mark counts only when ``IsVote`` is true. Contests are matched by their ``Description`` to
the audit's contest ids and candidates by ``Description`` to the audit's candidate names; contests
that are not under audit are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from nazaha.errors import AuditInputError
from nazaha.rla.cards import CardRecord
from nazaha.rla.contests import ContestsFile
from nazaha.rla.manifest import BallotManifest, CardRef

__all__ = ["read_dominion_cvrs"]


def _load(data: bytes | str, source: str) -> dict[str, Any]:
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise AuditInputError(source, f"not valid JSON: {error}") from None
    if not isinstance(raw, dict):
        raise AuditInputError(source, "expected a JSON object")
    return raw


def _names(manifest: dict[str, Any], source: str) -> dict[int, dict[str, Any]]:
    items = manifest.get("List")
    if not isinstance(items, list):
        raise AuditInputError(source, "expected an object with a list 'List'")
    table: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("Id"), int)
            or not isinstance(item.get("Description"), str)
        ):
            raise AuditInputError(f"{source}: List[{index}]", "expected an object with 'Id' and 'Description'")
        table[item["Id"]] = item
    return table


def _interpretation(session: dict[str, Any], where: str) -> list[dict[str, Any]]:
    chosen = None
    for key in ("Modified", "Original"):
        candidate = session.get(key)
        if isinstance(candidate, dict) and candidate.get("IsCurrent", key == "Original"):
            chosen = candidate
            break
    if chosen is None:
        raise AuditInputError(where, "the session has no current interpretation ('Original' or 'Modified')")
    if "Cards" in chosen:
        contests: list[dict[str, Any]] = []
        for card in chosen["Cards"]:
            contests.extend(card.get("Contests", []))
        return contests
    result = chosen.get("Contests", [])
    if not isinstance(result, list):
        raise AuditInputError(where, "'Contests' is not a list")
    return result


def read_dominion_cvrs(
    exports: Sequence[tuple[str, bytes | str]],
    contest_manifest: bytes | str,
    candidate_manifest: bytes | str,
    *,
    manifest: BallotManifest,
    contests: ContestsFile,
) -> list[CardRecord]:
    """CVRs for the audit's contests from Dominion exports (each a (file name, bytes) pair)."""
    contest_table = _names(_load(contest_manifest, "ContestManifest.json"), "ContestManifest.json")
    candidate_table = _names(_load(candidate_manifest, "CandidateManifest.json"), "CandidateManifest.json")
    audited = {contest.id: contest for contest in contests.contests}
    contest_ids = {
        number: item["Description"] for number, item in contest_table.items() if item["Description"] in audited
    }
    missing = set(audited) - set(contest_ids.values())
    if missing:
        raise AuditInputError("ContestManifest.json", f"no contest is described as {sorted(missing)}")
    records: dict[CardRef, CardRecord] = {}
    for source, data in exports:
        export = _load(data, source)
        sessions = export.get("Sessions")
        if not isinstance(sessions, list):
            raise AuditInputError(source, "expected an object with a list 'Sessions'")
        for index, session in enumerate(sessions):
            where = f"{source}: Sessions[{index}]"
            if not isinstance(session, dict):
                raise AuditInputError(where, "expected an object")
            try:
                card = CardRef(f"{session['TabulatorId']}-{session['BatchId']}", int(session["RecordId"]))
            except (KeyError, TypeError, ValueError):
                raise AuditInputError(where, "needs TabulatorId, BatchId and a numeric RecordId") from None
            manifest.check_card(card, where)
            if card in records:
                raise AuditInputError(where, f"{card} has two sessions")
            found: dict[str, tuple[str, ...]] = {}
            for contest in _interpretation(session, where):
                name = contest_ids.get(contest.get("Id", -1))
                if name is None:
                    continue
                marks = []
                for mark in contest.get("Marks", []):
                    if not mark.get("IsVote", False):
                        continue
                    candidate = candidate_table.get(mark.get("CandidateId", -1))
                    if candidate is None:
                        raise AuditInputError(where, f"candidate id {mark.get('CandidateId')!r} is not in the manifest")
                    marks.append(candidate["Description"])
                audited[name].check_marks(tuple(marks), where)
                found[name] = tuple(marks)
            records[card] = CardRecord(card, tuple(sorted(found.items())))
    return list(records.values())
